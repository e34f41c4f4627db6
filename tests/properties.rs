//! Property tests: random front matter, Markdown and bytes go through the pipeline,
//! which must never panic and must give either output or errors that point inside
//! the file.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::FixedOffset;
use herald::content::page::Visibility;
use herald::content::walk::SourceFile;
use herald::content::{Page, Section};
use herald::markdown::{self, ResolvedImage, Resolver, Source};
use herald::output::Discard;
use herald::{Diagnostic, LoadOptions, Site};
use proptest::prelude::*;

/// Pieces front matter is made of, chosen to hit YAML's corners: indicators, quotes,
/// anchors and aliases, tags, tabs, block scalars, flow collections, odd dates.
fn yaml_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("title: ".to_string()),
        Just("date: ".to_string()),
        Just("updated: ".to_string()),
        Just("slug: ".to_string()),
        Just("tags: ".to_string()),
        Just("topics: ".to_string()),
        Just("draft: ".to_string()),
        Just("pinned: ".to_string()),
        Just("template: ".to_string()),
        Just("cover: ".to_string()),
        Just("paginate: ".to_string()),
        Just("weight: ".to_string()),
        Just("extra: ".to_string()),
        Just("starts: ".to_string()),
        Just("ends: ".to_string()),
        Just("schedule: ".to_string()),
        Just("events: ".to_string()),
        Just("materials: ".to_string()),
        Just("gallery: ".to_string()),
        Just("questions: ".to_string()),
        Just("- { date: 2026-09-15, name: 校园日 }".to_string()),
        Just("- { title: 开幕式, time: \"2026-09-14 09:30\", place: 广场 }".to_string()),
        Just("- { title: 手册, file: /downloads/x.pdf }".to_string()),
        Just("- { question: 问题, options: [甲, 乙], answer: B }".to_string()),
        Just("points: ".to_string()),
        Just("base_url: ".to_string()),
        Just("paginate: 0".to_string()),
        Just("timezone: ".to_string()),
        Just("menu: ".to_string()),
        Just("images: { widths: [0, 99999999] }".to_string()),
        Just("\n".to_string()),
        Just("\n  ".to_string()),
        Just("\n- ".to_string()),
        Just("\t".to_string()),
        Just("[".to_string()),
        Just("]".to_string()),
        Just("{".to_string()),
        Just("}".to_string()),
        Just(", ".to_string()),
        Just(": ".to_string()),
        Just("\"".to_string()),
        Just("'".to_string()),
        Just("&a ".to_string()),
        Just("*a".to_string()),
        Just("!!str ".to_string()),
        Just("!!binary ".to_string()),
        Just("| \n  ".to_string()),
        Just("> \n  ".to_string()),
        Just("? ".to_string()),
        Just("# comment".to_string()),
        Just("%YAML 1.2".to_string()),
        Just("---".to_string()),
        Just("...".to_string()),
        Just("~".to_string()),
        Just("null".to_string()),
        Just("true".to_string()),
        Just("2026-09-14".to_string()),
        Just("2019-02-30".to_string()),
        Just("2026-09-14T10:00:00+08:00".to_string()),
        Just("9999999999999999999999".to_string()),
        Just("-1".to_string()),
        Just("1e400".to_string()),
        Just("../../etc".to_string()),
        Just("网络安全".to_string()),
        Just("\u{feff}".to_string()),
        Just("\r\n".to_string()),
        "[a-z0-9 /._-]{0,12}",
        "\\PC{0,6}",
    ]
}

/// Front matter of any shape: random pieces (mostly broken YAML), or `key: value`
/// lines with random values (mostly valid YAML with odd values).
fn front_matter() -> impl Strategy<Value = String> {
    let pieces = prop::collection::vec(yaml_piece(), 0..40).prop_map(|p| p.concat());
    let key = prop_oneof![
        Just("title"),
        Just("date"),
        Just("updated"),
        Just("slug"),
        Just("summary"),
        Just("tags"),
        Just("topics"),
        Just("draft"),
        Just("pinned"),
        Just("cover"),
        Just("template"),
        Just("layout"),
    ];
    let value = prop_oneof![
        yaml_piece(),
        yaml_piece().prop_map(|v| format!("{v:?}")),
        prop::collection::vec(yaml_piece(), 0..4)
            .prop_map(|items| format!("[{}]", items.join(", "))),
    ];
    let lines = prop::collection::vec((key, value), 0..8).prop_map(|lines| {
        let mut text = String::from("title: 标题\ndate: 2026-01-01\n");
        for (key, value) in lines {
            text.push_str(&format!("{key}: {value}\n"));
        }
        text
    });
    prop_oneof![pieces, lines]
}

/// Pieces Markdown is made of: every construct Herald rewrites, and broken ones.
fn markdown_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("# ".to_string()),
        Just("## 活动概况".to_string()),
        Just(" {#id}".to_string()),
        Just("\n".to_string()),
        Just("\n\n".to_string()),
        Just("    ".to_string()),
        Just("**".to_string()),
        Just("*".to_string()),
        Just("_".to_string()),
        Just("~~".to_string()),
        Just("`".to_string()),
        Just("\n```rust\n".to_string()),
        Just("\n```\n".to_string()),
        Just("\n```nginx\n".to_string()),
        Just("[".to_string()),
        Just("](".to_string()),
        Just(")".to_string()),
        Just("![".to_string()),
        Just("@/articles/known.md".to_string()),
        Just("@/articles/missing.md#x".to_string()),
        Just("/images/a.png".to_string()),
        Just("/downloads/x.pdf".to_string()),
        Just("https://example.com/".to_string()),
        Just("<div>".to_string()),
        Just("</div>".to_string()),
        Just("<script>".to_string()),
        Just("<!-- more -->".to_string()),
        Just("[^1]".to_string()),
        Just("[^1]: ".to_string()),
        Just("| a | b |\n|---|---|\n| 1 | 2 |\n".to_string()),
        Just("- [ ] ".to_string()),
        Just("- [x] ".to_string()),
        Just("> ".to_string()),
        Just("1. ".to_string()),
        Just("&amp;".to_string()),
        Just("\t".to_string()),
        Just("\r".to_string()),
        Just("处理结果：".to_string()),
        "[a-z ]{0,8}",
        "\\PC{0,6}",
    ]
}

fn markdown() -> impl Strategy<Value = String> {
    prop::collection::vec(markdown_piece(), 0..60).prop_map(|pieces| pieces.concat())
}

struct FakeSite;

impl Resolver for FakeSite {
    fn link(&self, target: &str) -> Result<String, String> {
        match target {
            "articles/known.md" => Ok("/articles/known/".into()),
            _ => Err("there is no such file".into()),
        }
    }
    fn image(&self, src: &str, _from: &str) -> Result<ResolvedImage, String> {
        match src {
            "/images/a.png" => Ok(ResolvedImage {
                src: src.into(),
                width: Some(640),
                height: Some(480),
                ..ResolvedImage::default()
            }),
            _ => Err("there is no such image".into()),
        }
    }
}

fn zone() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap()
}

fn visible() -> Visibility {
    Visibility {
        drafts: false,
        now: "2026-11-22T12:00:00+08:00".parse().unwrap(),
    }
}

/// Every diagnostic names `file` and, if it has a line, one inside `text`.
fn points_inside(diagnostics: &[Diagnostic], file: &Path, text: &str) -> Result<(), String> {
    let lines = text.split('\n').count().max(1);
    for d in diagnostics {
        if d.file.as_deref() != Some(file) {
            return Err(format!("names no file or another file: {d:?}"));
        }
        if d.line.is_some_and(|l| l == 0 || l > lines) {
            return Err(format!("line outside the file ({lines} lines): {d:?}"));
        }
        if d.message.trim().is_empty() {
            return Err(format!("empty message: {d:?}"));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    /// Random front matter and body: a page, a draft left out, or errors in the file.
    #[test]
    fn any_page_parses_or_explains(front in front_matter(), body in markdown()) {
        let text = format!("---\n{front}\n---\n{body}");
        let path = PathBuf::from("content/articles/x.md");
        let file = SourceFile { path: path.clone(), rel: "articles/x.md".into() };
        match Page::parse(file.clone(), &text, zone(), visible()) {
            Ok(Some(page)) => {
                prop_assert!(!page.meta.title.trim().is_empty());
                prop_assert!(!page.slug.contains(['/', '\\']) && !page.slug.contains(".."));
                prop_assert!(page.path.starts_with("articles/"));
            }
            Ok(None) => {}
            Err(errors) => {
                prop_assert!(!errors.is_empty());
                points_inside(&errors, &path, &text).map_err(TestCaseError::fail)?;
            }
        }
        let section = SourceFile { path: path.clone(), rel: "topics/x/_index.md".into() };
        if let Err(errors) = Section::parse(section, &text) {
            points_inside(&errors, &path, &text).map_err(TestCaseError::fail)?;
        }
    }

    /// Random Markdown renders, with problems on lines of the body.
    #[test]
    fn any_markdown_renders(body in markdown(), offset in 0usize..20) {
        let path = Path::new("content/articles/x.md");
        let source = Source {
            body: &body,
            file: path,
            rel: "articles/x.md",
            body_offset: offset,
            summary: None,
            eager_first_image: true,
            keep_text: true,
        };
        let (rendered, problems) = markdown::render(&source, &FakeSite);
        let lines = offset + body.split('\n').count();
        for d in &problems {
            prop_assert_eq!(d.file.as_deref(), Some(path));
            prop_assert!(d.line.is_some_and(|l| l > offset && l <= lines), "{:?}", d);
        }
        prop_assert!(rendered.description.chars().count() <= 200);
    }

    /// Random bytes read as a text file: text, or an error naming the file.
    #[test]
    fn any_bytes_are_text_or_an_error(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let path = Path::new("content/x.md");
        if let Err(d) = herald::fs::text_from_bytes(path, bytes) {
            prop_assert_eq!(d.file.as_deref(), Some(path));
            prop_assert!(d.line.is_some());
        }
    }
}

/// A whole site per case, loaded and rendered in memory: output or errors, never a
/// panic. Fewer cases, since each writes a small site to disk.
#[test]
fn any_site_builds_or_reports_errors() {
    let config = ProptestConfig {
        cases: 48,
        ..ProptestConfig::default()
    };
    let mut runner = proptest::test_runner::TestRunner::new(config);
    let strategy = prop::collection::vec((front_matter(), markdown()), 1..4);
    runner
        .run(&strategy, |articles| {
            let dir = tempfile::tempdir().unwrap();
            let root = dir.path();
            let write = |rel: &str, text: &str| {
                let path = root.join(rel);
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(path, text).unwrap();
            };
            write(
                "config.yaml",
                "title: 测试\nbase_url: https://www.example.gov.cn/campaign/\n",
            );
            write("content/_index.md", "---\ntitle: 首页\n---\n");
            write(
                "content/articles/known.md",
                "---\ntitle: 已知\ndate: 2026-01-01\n---\n## 标题\n",
            );
            for (i, (front, body)) in articles.iter().enumerate() {
                write(
                    &format!("content/articles/a{i}.md"),
                    &format!("---\n{front}\n---\n{body}"),
                );
            }
            let mut options = LoadOptions::new(root);
            options.now = "2026-11-22T12:00:00+08:00".parse().unwrap();
            let (site, diagnostics) = Site::load(&options);
            let site = Arc::new(site.expect("config and theme are fine"));
            let (counts, errors) = herald::render::render_all(&site, &Discard);
            if !diagnostics.has_errors() && errors.iter().all(|e| !e.is_error()) {
                prop_assert!(counts.pages >= 2, "no pages: {:?}", counts);
            }
            for d in diagnostics.iter().chain(&errors) {
                prop_assert!(!d.message.trim().is_empty(), "{:?}", d);
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
}

/// Random config values, a random security week and a random quiz: loading and
/// rendering give output or errors, never a panic.
#[test]
fn any_config_week_and_quiz_load_or_report_errors() {
    let config = ProptestConfig {
        cases: 48,
        ..ProptestConfig::default()
    };
    let mut runner = proptest::test_runner::TestRunner::new(config);
    let strategy = (front_matter(), front_matter(), front_matter());
    runner
        .run(&strategy, |(config_extra, week, quiz)| {
            let dir = tempfile::tempdir().unwrap();
            let root = dir.path();
            let write = |rel: &str, text: &str| {
                let path = root.join(rel);
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(path, text).unwrap();
            };
            // The config's own keys come after the random ones: YAML keeps the last.
            write(
                "config.yaml",
                &format!("{config_extra}\ntitle: 测试\nbase_url: https://www.example.gov.cn/\n"),
            );
            write("content/_index.md", "---\ntitle: 首页\n---\n");
            write(
                "content/security-week/2026/_index.md",
                &format!("---\n{week}\nquiz: quiz-2026\n---\n"),
            );
            write("data/quiz-2026.yaml", &quiz);
            let mut options = LoadOptions::new(root);
            options.now = "2026-11-22T12:00:00+08:00".parse().unwrap();
            let (site, diagnostics) = Site::load(&options);
            for d in diagnostics.iter() {
                prop_assert!(!d.message.trim().is_empty(), "{:?}", d);
            }
            if let Some(site) = site {
                let (_, errors) = herald::render::render_all(&Arc::new(site), &Discard);
                for d in &errors {
                    prop_assert!(!d.message.trim().is_empty(), "{:?}", d);
                }
            } else {
                prop_assert!(diagnostics.has_errors());
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
}
