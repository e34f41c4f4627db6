//! The inspection report as text (people), JSON (CI) and one HTML page (an office
//! head): no script, no request to another host, prints on A4.

use std::fmt::Write as _;

use super::score::WEIGHTS;
use super::settings::RULES;
use super::{Level, Report};
use crate::markdown::escape_html as escape;

/// The text report.
pub fn text(report: &Report) -> String {
    let mut out = String::new();
    let verdict = if report.passed { "PASSED" } else { "FAILED" };
    let _ = writeln!(
        out,
        "inspection of {} at {}: {verdict}, score {} of 100 (pass mark {})",
        report.title, report.date, report.score, report.pass_mark
    );
    let vetoes = report
        .findings
        .iter()
        .filter(|f| f.level == Level::Veto)
        .count();
    if vetoes > 0 {
        let _ = writeln!(
            out,
            "{vetoes} veto finding{} (单项否决): the site fails whatever its score",
            plural(vetoes)
        );
    }
    for f in &report.findings {
        let place = match (&f.file, f.line) {
            (Some(file), Some(line)) => format!("{file}:{line}"),
            (Some(file), None) => file.clone(),
            (None, _) => "-".into(),
        };
        let url = f.url.as_deref().unwrap_or("-");
        let _ = writeln!(
            out,
            "{:<6} {:<16} {place} ({url}): {}",
            f.level.name(),
            f.rule,
            f.message
        );
    }
    if !report.deductions.is_empty() {
        let parts: Vec<String> = report
            .deductions
            .iter()
            .map(|(r, p)| format!("{r} -{p}"))
            .collect();
        let _ = writeln!(out, "deductions: {}", parts.join(", "));
    }
    for (rule, why) in &report.off {
        let _ = writeln!(out, "switched off: {rule} ({why})");
    }
    if !report.external_hosts.is_empty() {
        let parts: Vec<String> = report
            .external_hosts
            .iter()
            .map(|(h, n)| format!("{h} ({n})"))
            .collect();
        let _ = writeln!(
            out,
            "links to other hosts (not fetched): {}",
            parts.join(", ")
        );
    }
    if report.findings.is_empty() {
        let _ = writeln!(out, "no findings");
    }
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The JSON report: exactly `{passed, score, findings}`.
pub fn json(report: &Report) -> String {
    serde_json::to_string_pretty(report).unwrap_or_else(|_| "{}".into())
}

/// What each rule checks, in the words of the inspection documents.
fn label(rule: &str) -> &'static str {
    match rule {
        "homepage-stale" => "首页更新",
        "column-stale" => "栏目更新",
        "column-empty" => "空白栏目",
        "undated-item" => "发布日期标注",
        "future-date" => "伪造发稿日期",
        "meta-missing" => "网页元数据",
        "footer-missing" => "页脚标识",
        "broken-link" => "错链断链",
        "wrong-expression" => "严重表述错误",
        "personal-info" => "个人信息泄露",
        "consult-missing" => "互动交流渠道",
        "search-missing" => "搜索功能",
        "domain" => "政府网站域名",
        "annual-report" => "年度报表",
        "review-missing" => "三审三校",
        _ => "构建错误",
    }
}

const STYLE: &str = "body{font:16px/1.6 system-ui,'Noto Sans CJK SC','Microsoft YaHei',sans-serif;color:#1a1a1a;max-width:60rem;margin:2rem auto;padding:0 1rem}
h1{font-size:1.5rem;margin:0}.verdict{font-size:2rem;font-weight:700;margin:.5rem 0}
.pass{color:#0a6b2f}.fail{color:#b00020}table{border-collapse:collapse;width:100%;margin:1rem 0}
th,td{border-bottom:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}
.bar{background:#eee;height:.8rem;width:12rem;display:inline-block;vertical-align:middle}
.bar span{display:block;height:100%;background:#b00020}.lv-veto{color:#b00020;font-weight:700}
.lv-deduct{color:#8a4b00}.lv-warn{color:#555}code{font-size:.9em}
@media print{body{margin:0;max-width:none;font-size:11pt}a{color:inherit;text-decoration:none}tr{break-inside:avoid}.bar,.bar span{print-color-adjust:exact;-webkit-print-color-adjust:exact}}";

/// The HTML report; findings link to their pages under `link_base` (the site's origin
/// for a file, empty when served by `herald serve`).
pub fn html(report: &Report, link_base: &str) -> String {
    let mut out = String::new();
    let (class, verdict) = if report.passed {
        ("pass", "合格 PASSED")
    } else {
        ("fail", "不合格 FAILED")
    };
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>网站检查报告 - {title}</title><style>{STYLE}</style></head><body>\n<h1>政府网站检查报告：{title}</h1>\n<p>检查时间 {date}</p>\n<p class=\"verdict {class}\">{verdict} · {score} / 100</p>\n<p>合格线 {mark} 分；任一单项否决项即不合格。{vetoes}</p>\n",
        title = escape(&report.title),
        date = escape(&report.date),
        score = report.score,
        mark = report.pass_mark,
        vetoes = match report
            .findings
            .iter()
            .filter(|f| f.level == Level::Veto)
            .count()
        {
            0 => String::new(),
            n => format!("本次有 <strong>{n}</strong> 项单项否决。"),
        },
    );
    out.push_str("<h2>各项规则</h2>\n<table><thead><tr><th>检查项</th><th>规则</th><th>发现</th><th>扣分</th><th></th></tr></thead><tbody>\n");
    for rule in RULES.iter().copied().chain(["build-error"]) {
        let count = report.findings.iter().filter(|f| f.rule == rule).count();
        let veto = report
            .findings
            .iter()
            .any(|f| f.rule == rule && f.level == Level::Veto);
        let points = report
            .deductions
            .iter()
            .find(|(r, _)| *r == rule)
            .map_or(0, |(_, p)| *p);
        let cap = WEIGHTS
            .iter()
            .find(|(r, _, _)| *r == rule)
            .map_or(0, |(_, _, c)| *c);
        let width = match (veto, cap) {
            (true, _) => 100,
            (false, 0) => 0,
            (false, cap) => points * 100 / cap,
        };
        let status = match report.off.iter().find(|(r, _)| r == rule) {
            Some((_, why)) => format!("已关闭：{}", escape(why)),
            None if veto => "单项否决".into(),
            None if points == 0 => "0".into(),
            None => format!("-{points}"),
        };
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td><code>{rule}</code></td><td>{count}</td><td>{status}</td><td><span class=\"bar\" role=\"img\" aria-label=\"{width}%\"><span style=\"width:{width}%\"></span></span></td></tr>",
            label(rule)
        );
    }
    out.push_str("</tbody></table>\n<h2>发现的问题</h2>\n");
    if report.findings.is_empty() {
        out.push_str("<p>没有发现问题。</p>\n");
    } else {
        out.push_str("<table><thead><tr><th>级别</th><th>规则</th><th>位置</th><th>说明</th></tr></thead><tbody>\n");
        for f in &report.findings {
            let level = f.level.name();
            let place = match (&f.file, f.line) {
                (Some(file), Some(line)) => format!("{}:{line}", escape(file)),
                (Some(file), None) => escape(file),
                _ => String::new(),
            };
            let page = match &f.url {
                Some(url) => format!(
                    "<br><a href=\"{}{}\">{}</a>",
                    escape(link_base),
                    escape(url),
                    escape(url)
                ),
                None => String::new(),
            };
            let _ = writeln!(
                out,
                "<tr><td class=\"lv-{level}\">{level}</td><td><code>{}</code></td><td><code>{place}</code>{page}</td><td>{}</td></tr>",
                f.rule,
                escape(&f.message)
            );
        }
        out.push_str("</tbody></table>\n");
    }
    if !report.external_hosts.is_empty() {
        out.push_str("<h2>外部链接（未访问）</h2>\n<ul>\n");
        for (host, n) in &report.external_hosts {
            let _ = writeln!(out, "<li>{} · {n}</li>", escape(host));
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</body></html>\n");
    out
}
