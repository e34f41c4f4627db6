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

/// A value that is usually one of `valid`, now and then one of `wrong`, and now and
/// then a random YAML piece. Seldom bad, since a site has a dozen or more such values
/// and one bad value is enough to stop it: about a third of the sites are wholly valid.
fn mostly(
    valid: &'static [&'static str],
    wrong: &'static [&'static str],
) -> impl Strategy<Value = String> {
    prop_oneof![
        30 => prop::sample::select(valid).prop_map(str::to_string),
        1 => prop::sample::select(wrong).prop_map(str::to_string),
        1 => yaml_piece(),
    ]
}

/// Lines of `config.yaml` besides `title` and `base_url`: known keys, each at most
/// once, with values that are mostly valid.
fn config_extra() -> impl Strategy<Value = String> {
    let entries = (
        prop::option::of(mostly(&["宣传门户", "\"网络安全\"", "''"], &["[1, 2]"])),
        prop::option::of(mostly(&["1", "2", "20"], &["0", "-3"])),
        prop::option::of(mostly(
            &["\"+08:00\"", "\"+00:00\"", "\"+14:00\""],
            &["bogus"],
        )),
        prop::option::of(mostly(
            &[
                "{ name: 宣传周, slogan: 口号, starts: 2026-09-14, ends: 2026-09-20, security_week: 2026 }",
                "{ slogan: 口号, starts: 2026-12-01, ends: 2026-12-07 }",
            ],
            &["{ starts: 2026-09-20, ends: 2026-09-14 }"],
        )),
        prop::option::of(mostly(
            &["{ enabled: true }", "{ enabled: false }"],
            &["{ enabled: 2 }"],
        )),
        prop::option::of(mostly(
            &["{ limit: 1 }", "{ limit: 50 }"],
            &["{ limit: -1 }"],
        )),
    );
    entries.prop_map(
        |(description, paginate, timezone, campaign, search, feeds)| {
            let mut text = String::new();
            for (key, value) in [
                ("description", description),
                ("paginate", paginate),
                ("timezone", timezone),
                ("campaign", campaign),
                ("search", search),
                ("feeds", feeds),
            ] {
                if let Some(value) = value {
                    text.push_str(&format!("{key}: {value}\n"));
                }
            }
            text
        },
    )
}

/// A security week's front matter: the week's keys with mostly valid values.
fn week() -> impl Strategy<Value = String> {
    let day = mostly(
        &[
            "{ date: 2026-09-15, name: 校园日 }",
            "{ date: 2026-09-16, name: 电信日, description: 说明 }",
            "{ date: 2026-09-17, name: 法治日 }",
            "{ date: 2026-09-18, name: 金融日 }",
        ],
        &["{ name: 无日期 }"],
    );
    let event = mostly(
        &[
            "{ title: 开幕式, time: \"2026-09-14 09:30\", place: 广场 }",
            "{ title: 讲座, time: 2026-09-15, end: \"2026-09-15 11:00\", place: 礼堂 }",
            "{ title: 展览, time: \"2026-09-16 09:00\", place: 展馆 }",
            "{ title: 答疑, time: \"2026-09-17 15:00\", place: 社区 }",
        ],
        &["{ title: 无地点, time: \"2026-09-14 25:00\" }"],
    );
    let material = mostly(
        &[
            "{ title: 手册, file: /downloads/guide.pdf }",
            "{ title: 手册（第二版）, file: /downloads/guide.pdf, description: 说明 }",
        ],
        &["{ title: 缺失, file: /downloads/none.pdf }"],
    );
    (
        mostly(&["口号一", "\"网络安全为人民\"", "''"], &["{ a: 1 }"]),
        mostly(&["2026-09-14", "2026-09-13", "2026-09-12"], &["2026-02-30"]),
        mostly(&["2026-09-20", "2026-09-21", "2026-09-19"], &["2026-09-10"]),
        prop::collection::vec(day, 0..3),
        prop::collection::vec(event, 0..3),
        prop::collection::vec(material, 0..2),
    )
        .prop_map(|(slogan, starts, ends, days, events, materials)| {
            let list = |items: Vec<String>| format!("[{}]", items.join(", "));
            format!(
                "title: 2026年宣传周\nslogan: {slogan}\nstarts: {starts}\nends: {ends}\nschedule: {}\nevents: {}\nmaterials: {}\n",
                list(days),
                list(events),
                list(materials)
            )
        })
}

/// A quiz data file: questions with mostly valid options and answers.
fn quiz() -> impl Strategy<Value = String> {
    let question = (
        mostly(&["问题一？", "\"下列哪项正确？\""], &["''"]),
        prop::collection::vec(mostly(&["甲", "乙", "丙", "\"丁\""], &["[]"]), 2..5),
        mostly(&["A", "B"], &["Z", "AB"]),
    )
        .prop_map(|(question, options, answer)| {
            format!(
                "  - {{ question: {question}, options: [{}], answer: {answer}, explanation: 解析 }}\n",
                options.join(", ")
            )
        });
    (
        mostly(&["5", "10"], &["0", "-5"]),
        prop::collection::vec(question, 1..4),
    )
        .prop_map(|(points, questions)| {
            format!(
                "title: 知识竞答\npoints: {points}\nquestions:\n{}",
                questions.concat()
            )
        })
}

/// A sink that remembers which paths were written.
#[derive(Default)]
struct Written(std::sync::Mutex<Vec<String>>);

impl herald::output::Sink for Written {
    fn write(&self, path: &str, _bytes: &[u8]) -> Result<(), Diagnostic> {
        self.0.lock().unwrap().push(path.to_string());
        Ok(())
    }
    fn copy(&self, path: &str, _origin: &herald::theme::Origin) -> Result<(), Diagnostic> {
        self.0.lock().unwrap().push(path.to_string());
        Ok(())
    }
}

/// Random config values, a random security week and a random quiz, mostly valid:
/// loading and rendering give output or errors, never a panic; a site without errors
/// has its week and quiz pages; and enough cases get that far to mean something.
#[test]
fn any_config_week_and_quiz_load_or_report_errors() {
    let config = ProptestConfig {
        cases: 32,
        ..ProptestConfig::default()
    };
    // A fixed seed: the counts asserted at the end must not depend on luck.
    let rng = proptest::test_runner::TestRng::deterministic_rng(
        proptest::test_runner::RngAlgorithm::ChaCha,
    );
    let mut runner = proptest::test_runner::TestRunner::new_with_rng(config, rng);
    let strategy = (config_extra(), week(), quiz());
    let built = std::sync::atomic::AtomicUsize::new(0);
    let refused = std::sync::atomic::AtomicUsize::new(0);
    runner
        .run(&strategy, |(config_extra, week, quiz)| {
            let dir = tempfile::tempdir().unwrap();
            let root = dir.path();
            let write = |rel: &str, text: &str| {
                let path = root.join(rel);
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(path, text).unwrap();
            };
            write(
                "config.yaml",
                &format!("title: 测试\nbase_url: https://www.example.gov.cn/\n{config_extra}"),
            );
            write("content/_index.md", "---\ntitle: 首页\n---\n");
            write("static/downloads/guide.pdf", "%PDF-1.4");
            write(
                "content/security-week/2026/_index.md",
                &format!("---\n{week}quiz: quiz-2026\n---\n"),
            );
            write("data/quiz-2026.yaml", &quiz);
            let mut options = LoadOptions::new(root);
            options.now = "2026-11-22T12:00:00+08:00".parse().unwrap();
            let (site, diagnostics) = Site::load(&options);
            for d in diagnostics.iter() {
                prop_assert!(!d.message.trim().is_empty(), "{:?}", d);
                prop_assert!(d.file.is_some(), "an error names its file: {:?}", d);
            }
            let Some(site) = site else {
                prop_assert!(diagnostics.has_errors());
                refused.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                return Ok(());
            };
            let written = Written::default();
            let (_, errors) = herald::render::render_all(&Arc::new(site), &written);
            for d in &errors {
                prop_assert!(!d.message.trim().is_empty(), "{:?}", d);
            }
            if diagnostics.has_errors() || errors.iter().any(Diagnostic::is_error) {
                refused.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                return Ok(());
            }
            built.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let paths = written.0.into_inner().unwrap();
            for page in [
                "security-week/2026/index.html",
                "security-week/2026/quiz/index.html",
            ] {
                prop_assert!(paths.iter().any(|p| p == page), "{} in {:?}", page, paths);
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
    let (built, refused) = (built.into_inner(), refused.into_inner());
    eprintln!("{built} sites built, {refused} reported errors");
    // Both paths must be exercised: generated sites that all stop at the config (as
    // they once did) would make this test pass while testing nothing.
    assert!(
        built >= 4,
        "only {built} of the cases built; {refused} had errors"
    );
    assert!(
        refused >= 4,
        "only {refused} of the cases had errors; {built} built"
    );
}
