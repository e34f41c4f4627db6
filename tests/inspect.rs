//! `herald inspect`: one small site per rule, each with its exact finding; a clean
//! site with none; the demo portal; bad input.

mod common;

use common::serve::Server;
use common::{NOW, Run, TestSite, assert_contains, assert_lacks};
use serde_json::Value;

const CONFIG: &str = "title: 测试门户
base_url: https://www.test.gov.cn/
footer:
  org: 某市委网信办
  contact: 电话：0379-12345678
  icp: 豫ICP备00000001号
  police: 豫公网安备 41000000000001号
  site_code: \"4100000001\"
  organ_badge: true
  error_report_url: https://zfwzgl.www.gov.cn/exposure/jiucuo.html
inspection:
  consult_url: \"@/about.md\"
";

/// The article every site starts with; its body starts on line 7.
const NEWS: &str = "---\ntitle: 全市开展网络安全宣传活动\ndate: 2026-11-20T09:00:00+08:00\nsource: 某市委网信办\ntags: [宣传]\n---\n";

/// A site that passes with no finding, on the built-in default theme.
fn clean() -> TestSite {
    let site = TestSite::empty();
    site.file("config.yaml", CONFIG)
        .file("content/_index.md", "---\ntitle: 首页\n---\n欢迎\n")
        .file("content/articles/_index.md", "---\ntitle: 新闻动态\n---\n")
        .file(
            "content/about.md",
            "---\ntitle: 关于本站\n---\n联系我们：电话 0379-12345678。\n",
        )
        .file("content/articles/news.md", &format!("{NEWS}正文。\n"));
    site
}

fn news(site: &TestSite, body: &str) {
    site.file("content/articles/news.md", &format!("{NEWS}{body}\n"));
}

fn inspect(site: &TestSite) -> (Run, Value) {
    let run = site.run(&["inspect", "--format", "json"]);
    let json: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{e}: stdout {}\nstderr {}", run.stdout, run.stderr));
    (run, json)
}

/// The findings of one rule.
fn of_rule(json: &Value, rule: &str) -> Vec<Value> {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .cloned()
        .collect()
}

/// Asserts the only finding of `rule` has this level, file and line.
#[track_caller]
fn only(json: &Value, rule: &str, level: &str, file: Option<&str>, line: Option<u64>) -> Value {
    let found = of_rule(json, rule);
    assert_eq!(found.len(), 1, "{rule}: {json:#}");
    let f = &found[0];
    assert_eq!(f["level"], level, "{f:#}");
    assert_eq!(f["file"].as_str(), file, "{f:#}");
    assert_eq!(f["line"].as_u64(), line, "{f:#}");
    f.clone()
}

#[test]
fn clean_site_has_no_findings() {
    let site = clean();
    let (run, json) = inspect(&site);
    assert_eq!(run.code, 0, "{json:#}");
    assert_eq!(json["findings"], Value::Array(Vec::new()), "{json:#}");
    assert_eq!(json["score"], 100);
    assert_eq!(json["passed"], true);
    let keys: Vec<&String> = json.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["findings", "passed", "score"]);
    let text = site.run(&["inspect"]).ok().stdout;
    assert_contains(&text, "PASSED, score 100 of 100");
    assert_contains(&text, "beian.miit.gov.cn (");
    assert!(!site.path("public").exists(), "inspect wrote output");
}

#[test]
fn homepage_stale_is_a_veto() {
    let site = clean();
    site.file(
        "content/articles/news.md",
        &NEWS.replace("2026-11-20", "2026-11-01"),
    );
    let (run, json) = inspect(&site);
    assert_eq!(run.code, 1);
    let f = only(
        &json,
        "homepage-stale",
        "veto",
        Some("content/_index.md"),
        None,
    );
    assert_eq!(f["url"], "/");
    assert_contains(f["message"].as_str().unwrap(), "2026-11-01 (21 days ago");
    // The archive is a news column, stale too.
    only(
        &json,
        "column-stale",
        "deduct",
        Some("content/articles/_index.md"),
        None,
    );
    assert_eq!(json["passed"], false);
}

#[test]
fn column_stale_by_column_type_and_archived_exempt() {
    let site = clean();
    site.file(
        "content/notices/_index.md",
        "---\ntitle: 通知公告\ncolumn_type: notice\n---\n",
    )
    .file(
        "content/notices/old.md",
        "---\ntitle: 旧通知\ndate: 2026-03-01\n---\n内容\n",
    )
    .file(
        "content/history/_index.md",
        "---\ntitle: 往期\ncolumn_type: news\narchived: true\n---\n",
    )
    .file(
        "content/history/old.md",
        "---\ntitle: 旧闻\ndate: 2020-03-01\n---\n内容\n",
    );
    let (_, json) = inspect(&site);
    let f = only(
        &json,
        "column-stale",
        "deduct",
        Some("content/notices/_index.md"),
        Some(3),
    );
    assert_contains(f["message"].as_str().unwrap(), "the limit is 180 days");
}

#[test]
fn wrong_column_type_names_its_line() {
    let site = clean();
    site.file(
        "content/notices/_index.md",
        "---\ntitle: 通知\ncolumn_type: notices\n---\n",
    );
    let (_, json) = inspect(&site);
    let f = only(
        &json,
        "build-error",
        "deduct",
        Some("content/notices/_index.md"),
        Some(3),
    );
    assert_contains(f["message"].as_str().unwrap(), "not a column type");
}

#[test]
fn empty_columns_and_the_veto_at_five() {
    let site = clean();
    site.file("content/policies/_index.md", "---\ntitle: 政策文件\n---\n");
    let (_, json) = inspect(&site);
    only(
        &json,
        "column-empty",
        "deduct",
        Some("content/policies/_index.md"),
        None,
    );
    for n in 1..5 {
        site.file(
            &format!("content/empty{n}/_index.md"),
            "---\ntitle: 空栏目\n---\n",
        );
    }
    let (run, json) = inspect(&site);
    let found = of_rule(&json, "column-empty");
    assert_eq!(found.len(), 5);
    assert!(found.iter().all(|f| f["level"] == "veto"));
    assert_eq!(run.code, 1);
}

#[test]
fn undated_article_page() {
    let site = clean();
    site.file(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block content %}<h1>{{ page.title }}</h1>{{ page.content | safe }}{% endblock content %}",
    );
    let (_, json) = inspect(&site);
    let f = only(
        &json,
        "undated-item",
        "deduct",
        Some("content/articles/news.md"),
        Some(3),
    );
    assert_eq!(f["url"], "/articles/news/");
}

#[test]
fn undated_list_entries() {
    let site = clean();
    site.file(
        "templates/archive.html",
        "{% extends \"base.html\" %}{% block content %}<ul>{% for item in paginator.pages %}<li><a href=\"{{ item.url }}\">{{ item.title }}</a></li>{% endfor %}</ul>{% endblock content %}",
    );
    let (_, json) = inspect(&site);
    let found = of_rule(&json, "undated-item");
    let urls: Vec<&str> = found.iter().map(|f| f["url"].as_str().unwrap()).collect();
    // The archive and its year list.
    assert_eq!(urls, ["/articles/", "/articles/2026/"]);
    for f in &found {
        assert_eq!(f["file"], "content/articles/_index.md");
        assert_eq!(f["level"], "deduct");
        assert_eq!(
            f["message"],
            "1 list entry shows no date (first: 《全市开展网络安全宣传活动》)"
        );
    }
}

#[test]
fn future_update_is_a_veto() {
    let site = clean();
    site.file(
        "content/articles/news.md",
        &NEWS.replace("source:", "updated: 2026-12-01\nsource:"),
    );
    let (run, json) = inspect(&site);
    let f = only(
        &json,
        "future-date",
        "veto",
        Some("content/articles/news.md"),
        Some(4),
    );
    assert_contains(f["message"].as_str().unwrap(), "after now");
    assert_eq!(run.code, 1);
}

#[test]
fn date_after_the_last_commit_is_a_veto() {
    let site = clean();
    let git = |args: &[&str]| {
        let ok = std::process::Command::new("git")
            .args(args)
            .current_dir(site.root())
            .env("GIT_AUTHOR_DATE", "2026-11-10T10:00:00+08:00")
            .env("GIT_COMMITTER_DATE", "2026-11-10T10:00:00+08:00")
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.cn")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.cn")
            .output()
            .map(|o| o.status.success());
        ok.unwrap_or(false)
    };
    if !git(&["init", "-q"]) {
        eprintln!("no git here: skipping");
        return;
    }
    assert!(git(&["add", "."]));
    assert!(git(&["commit", "-qm", "site"]));
    let (_, json) = inspect(&site);
    let f = only(
        &json,
        "future-date",
        "veto",
        Some("content/articles/news.md"),
        Some(3),
    );
    assert_contains(
        f["message"].as_str().unwrap(),
        "after the file's last commit (2026-11-10 10:00)",
    );
    // An edit not yet committed is not held against its last commit.
    news(&site, "改过的正文。");
    let (_, json) = inspect(&site);
    assert!(of_rule(&json, "future-date").is_empty(), "{json:#}");
}

#[test]
fn meta_missing_when_a_template_drops_the_tags() {
    let site = clean();
    site.file("templates/partials/meta.html", "<title>x</title>\n");
    let (_, json) = inspect(&site);
    let found = of_rule(&json, "meta-missing");
    let landing = found.iter().find(|f| f["url"] == "/").unwrap();
    assert_eq!(landing["file"], "content/_index.md");
    assert_eq!(
        landing["message"],
        "the page lacks the meta tags SiteName, SiteDomain, SiteIDCode"
    );
    let article = found
        .iter()
        .find(|f| f["url"] == "/articles/news/")
        .unwrap();
    assert_contains(
        article["message"].as_str().unwrap(),
        "ArticleTitle, PubDate",
    );
}

#[test]
fn footer_missing_from_config_points_at_config() {
    let site = clean();
    site.file(
        "config.yaml",
        &CONFIG.replace("  police: 豫公网安备 41000000000001号\n", ""),
    );
    let (_, json) = inspect(&site);
    let f = only(
        &json,
        "footer-missing",
        "deduct",
        Some("config.yaml"),
        Some(3),
    );
    assert_contains(f["message"].as_str().unwrap(), "公安机关备案号");
}

#[test]
fn footer_dropped_by_a_template_override() {
    let site = clean();
    let theme = include_str!("../themes/default/templates/partials/footer.html");
    let dropped = theme.replace(
        "{%- if f.error_report_url %}<a class=\"error-report\" href=\"{{ f.error_report_url }}\">我为政府网站找错</a>{% endif %}",
        "",
    );
    assert_ne!(dropped, theme);
    site.file("templates/partials/footer.html", &dropped);
    let (_, json) = inspect(&site);
    let f = only(
        &json,
        "footer-missing",
        "deduct",
        Some("templates/partials/footer.html"),
        None,
    );
    assert_eq!(
        f["message"],
        // Every page of the site, the HTML site map (/sitemap/) among them.
        "the footer of 10 pages does not show 我为政府网站找错 (first: /about/)"
    );
}

#[test]
fn broken_links_landing_page_apart() {
    let site = clean();
    news(&site, "见[通知](/nowhere/)。");
    site.file(
        "content/_index.md",
        "---\ntitle: 首页\n---\n欢迎，见[旧栏目](/gone/)\n",
    );
    let (_, json) = inspect(&site);
    let found = of_rule(&json, "broken-link");
    assert_eq!(found.len(), 2, "{json:#}");
    let landing = found.iter().find(|f| f["url"] == "/").unwrap();
    assert_eq!(landing["file"], "content/_index.md");
    assert_eq!(landing["line"], 4);
    assert_contains(landing["message"].as_str().unwrap(), "on the landing page");
    let other = found
        .iter()
        .find(|f| f["url"] == "/articles/news/")
        .unwrap();
    assert_eq!(other["file"], "content/articles/news.md");
    assert_eq!(other["line"], 7);
    // 2 for the landing page, 1 for the other.
    assert_eq!(json["score"], 97);
}

#[test]
fn wrong_expressions_with_the_sites_list_and_not_in_code() {
    let site = clean();
    news(
        &site,
        "中华人民共合国网络安全法。\n\n```\n中华人民共合国\n```\n\n本市网信半发布。",
    );
    site.file(
        "data/inspection/expressions.yaml",
        "- { wrong: 网信半, right: 网信办, note: 机构简称 }\n",
    );
    let (_, json) = inspect(&site);
    let found = of_rule(&json, "wrong-expression");
    assert_eq!(found.len(), 2, "{json:#}");
    assert_eq!(found[0]["file"], "content/articles/news.md");
    let lines: Vec<u64> = found.iter().map(|f| f["line"].as_u64().unwrap()).collect();
    assert!(lines.contains(&7) && lines.contains(&13), "{lines:?}");
    assert!(found.iter().all(|f| f["level"] == "deduct"));
    let messages: Vec<&str> = found
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert!(
        messages.contains(&"「网信半」 should read 「网信办」 (机构简称)"),
        "{messages:?}"
    );
    // A third one makes them a veto.
    site.file(
        "content/articles/news.md",
        &format!(
            "{}中华人民共合国。网信半。\n",
            NEWS.replace("全市开展", "中共人民共和国")
        ),
    );
    let (_, json) = inspect(&site);
    assert!(
        of_rule(&json, "wrong-expression")
            .iter()
            .all(|f| f["level"] == "veto")
    );
}

#[test]
fn personal_info_in_text_and_attachments_but_not_masked_or_landlines() {
    let site = clean();
    news(
        &site,
        "联系人：138****5678，身份证110105********002X，电话0379-12345678。\n\n`13800138000`\n\n举报人手机13912345678。",
    );
    site.file(
        "static/downloads/list.csv",
        "姓名,证件号\n张三,11010519491231002X\n",
    );
    let (run, json) = inspect(&site);
    assert_eq!(run.code, 1);
    let found = of_rule(&json, "personal-info");
    assert_eq!(found.len(), 2, "{json:#}");
    let page = found
        .iter()
        .find(|f| f["url"] == "/articles/news/")
        .unwrap();
    assert_eq!(page["file"], "content/articles/news.md");
    assert_eq!(page["line"], 11);
    assert_eq!(page["level"], "veto");
    assert_eq!(page["message"], "a mobile number is shown: 139****5678");
    let csv = found
        .iter()
        .find(|f| f["file"] == "static/downloads/list.csv")
        .unwrap();
    assert_eq!(csv["line"], 2);
    assert_eq!(csv["url"], "/downloads/list.csv");
    assert_lacks(&run.stdout, "11010519491231002X");
}

#[test]
fn consult_search_domain_and_annual_report() {
    let site = clean();
    let config = CONFIG
        .replace("  consult_url: \"@/about.md\"\n", "  annual_report: true\n")
        .replace("www.test.gov.cn", "www.test.cn")
        + "search:\n  enabled: false\n";
    site.file("config.yaml", &config);
    site.file(
        "content/about.md",
        "---\ntitle: 关于本站\n---\n本站简介。\n",
    );
    let (_, json) = inspect(&site);
    only(
        &json,
        "consult-missing",
        "deduct",
        Some("content/_index.md"),
        None,
    );
    only(
        &json,
        "search-missing",
        "deduct",
        Some("config.yaml"),
        Some(13),
    );
    only(&json, "domain", "warn", Some("config.yaml"), Some(2));
    let f = only(
        &json,
        "annual-report",
        "deduct",
        Some("content/_index.md"),
        None,
    );
    assert_contains(f["message"].as_str().unwrap(), "2025");
    assert_eq!(json["score"], 85);
    // Linked from the landing page, last year's report satisfies the rule.
    site.file(
        "content/report-2025.md",
        "---\ntitle: 2025年政府网站工作年度报表\n---\n报表内容。\n",
    )
    .file(
        "content/_index.md",
        "---\ntitle: 首页\n---\n欢迎。[年度报表](@/report-2025.md)\n",
    );
    let (_, json) = inspect(&site);
    assert!(of_rule(&json, "annual-report").is_empty(), "{json:#}");
}

#[test]
fn review_missing_when_required() {
    let site = clean();
    site.file("config.yaml", &format!("{CONFIG}  review_required: true\n"));
    let (_, json) = inspect(&site);
    let f = only(
        &json,
        "review-missing",
        "deduct",
        Some("content/articles/news.md"),
        Some(2),
    );
    assert_contains(f["message"].as_str().unwrap(), "终审");
    site.file(
        "content/articles/news.md",
        &NEWS.replace(
            "tags:",
            "review:\n  first: { by: 张编辑, date: 2026-11-19 }\n  final: { by: 李主任, date: 2026-11-30 }\ntags:",
        ),
    );
    let (_, json) = inspect(&site);
    let f = only(
        &json,
        "review-missing",
        "deduct",
        Some("content/articles/news.md"),
        Some(5),
    );
    assert_contains(f["message"].as_str().unwrap(), "after now");
}

#[test]
fn rules_switched_off_are_listed_with_their_reason() {
    let site = clean();
    site.file(
        "config.yaml",
        &format!(
            "{}\n  off:\n    domain: 测试域名\n",
            CONFIG.replace("www.test.gov.cn", "www.test.cn").trim_end()
        ),
    );
    let (_, json) = inspect(&site);
    assert!(of_rule(&json, "domain").is_empty());
    let text = site.run(&["inspect"]).stdout;
    assert_contains(&text, "switched off: domain (测试域名)");
}

#[test]
fn html_report_is_one_self_contained_page() {
    let site = clean();
    news(&site, "见[通知](/nowhere/)。");
    let run = site.run(&["inspect", "--format", "html", "--output", "report.html"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = site.read_file("report.html");
    assert_contains(&html, "合格 PASSED · 99 / 100");
    assert_contains(&html, "<code>broken-link</code>");
    assert_contains(&html, "href=\"https://www.test.gov.cn/articles/news/\"");
    assert_contains(&html, "@media print");
    assert_lacks(&html, "<script");
    assert_lacks(&html, "src=");
    assert_lacks(&html, "<link");
}

#[test]
fn bad_input() {
    let site = clean();
    site.file("config.yaml", &format!("{CONFIG}  consult_ulr: x\n"));
    let stderr = site.run(&["inspect"]).fails();
    assert_contains(&stderr, "config.yaml:13");
    assert_contains(&stderr, "unknown key `inspection.consult_ulr`");
    assert_contains(&stderr, "did you mean `consult_url`?");
    site.file("config.yaml", &format!("{CONFIG}  off:\n    domian: x\n"));
    let stderr = site.run(&["inspect"]).fails();
    assert_contains(&stderr, "config.yaml:14");
    assert_contains(&stderr, "did you mean `domain`?");
    site.file("config.yaml", CONFIG);
    site.file(
        "data/inspection/expressions.yaml",
        "- wrong: 网信半\n  right: 网信办\n- wrong: x\n  rihgt: y\n",
    );
    let stderr = site.run(&["inspect"]).fails();
    assert_contains(&stderr, "expressions.yaml:4");
    assert_eq!(site.run(&["inspect", "--format", "pdf"]).code, 2);
}

#[cfg(unix)]
#[test]
fn unreadable_attachment_is_a_warning() {
    let site = clean();
    std::fs::create_dir_all(site.path("static")).unwrap();
    std::os::unix::fs::symlink("/nonexistent/list.csv", site.path("static/list.csv")).unwrap();
    let (run, json) = inspect(&site);
    let f = only(
        &json,
        "personal-info",
        "warn",
        Some("static/list.csv"),
        None,
    );
    assert_contains(
        f["message"].as_str().unwrap(),
        "not checked for personal information",
    );
    assert_eq!(run.code, 0, "{json:#}");
}

#[test]
fn demo_portal_passes() {
    let root = env!("CARGO_MANIFEST_DIR");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_herald"))
        .args(["inspect", "--format", "json", "--root", root])
        .env("HERALD_NOW", NOW)
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["passed"], true, "{json:#}");
    assert!(json["score"].as_u64().unwrap() >= 95, "{json:#}");
    for rule in [
        "personal-info",
        "wrong-expression",
        "future-date",
        "meta-missing",
        "footer-missing",
    ] {
        assert!(of_rule(&json, rule).is_empty(), "{rule}: {json:#}");
    }
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn build_refuses_unreviewed_articles_when_required() {
    let site = clean();
    site.file("config.yaml", &format!("{CONFIG}  review_required: true\n"));
    let stderr = site.build().fails();
    assert_contains(&stderr, "content/articles/news.md:2");
    assert_contains(&stderr, "no final sign-off (终审)");
    site.file(
        "content/articles/news.md",
        &NEWS.replace(
            "tags:",
            "review:\n  final: { by: 李主任, date: 2026-11-30 }\ntags:",
        ),
    );
    let stderr = site.build().fails();
    assert_contains(&stderr, "content/articles/news.md:5");
    assert_contains(&stderr, "dated 2026-11-30, after now");
    site.file(
        "content/articles/news.md",
        &NEWS.replace(
            "tags:",
            "review:\n  final: { by: 李主任, date: 2026-11-20 }\ntags:",
        ),
    );
    site.build().ok();
    assert!(
        !site
            .read("articles/news/index.html")
            .contains("review-banner")
    );
}

#[test]
fn serve_shows_the_report_and_the_review_banner() {
    let site = clean();
    site.file(
        "content/articles/news.md",
        &NEWS.replace(
            "tags:",
            "review:\n  first: { by: 张编辑, date: 2026-11-19 }\ntags:",
        ),
    );
    site.file(
        "content/articles/other.md",
        &format!("{}其他。\n", NEWS.replace("全市开展", "全区开展")),
    );
    let mut server = Server::start(site.root(), 0, &[]);
    let report = server.get("/__herald/inspect");
    assert_eq!(report.status, 200);
    assert_contains(&report.body, "合格 PASSED · 100 / 100");
    assert_lacks(&report.body, "livereload");
    let page = server.get("/articles/news/");
    assert_contains(&page.body, "本文尚未完成三审三校签署");
    assert_lacks(&server.get("/articles/other/").body, "三审三校");
    news(&site, "中华人民共合国。");
    server.wait_for_line("news.md → rebuilt");
    let report = server.get("/__herald/inspect");
    assert_contains(&report.body, "<code>wrong-expression</code>");
    assert_contains(&report.body, "href=\"/articles/news/\"");
    assert_lacks(&server.get("/articles/news/").body, "三审三校");
    drop(server);
    site.file(
        "content/articles/news.md",
        &NEWS.replace(
            "tags:",
            "review:\n  first: { by: 张编辑, date: 2026-11-19 }\ntags:",
        ),
    );
    site.build().ok();
    assert_lacks(&site.read("articles/news/index.html"), "三审三校");
}

/// A build that kept its caches changes nothing in the report: pages the parse cache
/// gives without their Markdown are read for the rules that look at the source.
#[test]
fn the_report_is_the_same_after_a_build_kept_its_caches() {
    let site = clean();
    news(&site, "中华人民共合国网络安全法。\n\n本市网信半发布。");
    site.file(
        "data/inspection/expressions.yaml",
        "- { wrong: 网信半, right: 网信办, note: 机构简称 }\n",
    );
    let (_, fresh) = inspect(&site);
    assert_eq!(of_rule(&fresh, "wrong-expression").len(), 2, "{fresh:#}");
    site.settle_content(); // what the parse cache keeps: files older than 2 s
    site.build();
    assert!(site.path(".herald-cache/pages.bin").exists());
    let (_, cached) = inspect(&site);
    assert_eq!(cached["findings"], fresh["findings"]);
}
