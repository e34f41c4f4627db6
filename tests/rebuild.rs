//! `herald build` over its own previous output: nothing changed means nothing
//! touched; a change renders only what it affects, and the result is still exactly
//! what a build from scratch gives.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::SystemTime;

use common::{TestSite, assert_contains};

fn site() -> TestSite {
    let site = TestSite::new();
    site.file("content/topics/week/_index.md", "---\ntitle: 宣传周\n---\n")
        .file("static/a.txt", "static")
        .file("assets/css/app.css", "body{}");
    for n in 0..12 {
        site.article(
            &format!("a{n}.md"),
            &format!("文章{n}"),
            &format!("2026-01-{:02}", n + 1),
            "tags: [网络安全]\ntopics: [week]\n",
            &format!("正文 {n} [下一篇](@/articles/a{}.md)", (n + 1) % 12),
        );
    }
    site
}

fn tree(dir: &Path) -> BTreeMap<String, (Vec<u8>, SystemTime)> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .to_string();
            (
                rel,
                (
                    std::fs::read(e.path()).unwrap(),
                    e.metadata().unwrap().modified().unwrap(),
                ),
            )
        })
        .collect()
}

fn bytes(tree: &BTreeMap<String, (Vec<u8>, SystemTime)>) -> BTreeMap<&str, &[u8]> {
    tree.iter()
        .map(|(k, (b, _))| (k.as_str(), b.as_slice()))
        .collect()
}

/// A build of the same site from scratch (no caches).
fn from_scratch(site: &TestSite) -> BTreeMap<String, (Vec<u8>, SystemTime)> {
    tree(&site.built_from_scratch().path("public"))
}

#[test]
fn nothing_changed_touches_nothing() {
    let site = site();
    site.build().ok();
    let before = tree(&site.path("public"));
    std::thread::sleep(std::time::Duration::from_millis(30));
    let run = site.build().ok();
    assert!(run.stdout.starts_with("up to date: "), "{}", run.stdout);
    assert_eq!(
        tree(&site.path("public")),
        before,
        "same bytes and same times"
    );
}

#[test]
fn a_change_renders_what_it_affects_and_equals_a_fresh_build() {
    let site = site();
    site.build().ok();
    let before = tree(&site.path("public"));
    std::thread::sleep(std::time::Duration::from_millis(30));
    site.article(
        "a5.md",
        "文章5（修订）",
        "2026-01-06",
        "tags: [网络安全]\ntopics: [week]\n",
        "正文 5 改了 [下一篇](@/articles/a6.md)",
    );
    let run = site.build().ok();
    assert!(run.stdout.starts_with("built "), "{}", run.stdout);
    let after = tree(&site.path("public"));
    assert_eq!(bytes(&after), bytes(&from_scratch(&site)));
    let untouched = after
        .iter()
        .filter(|(k, v)| before.get(*k).is_some_and(|b| b.1 == v.1))
        .count();
    let changed: Vec<&String> = after
        .keys()
        .filter(|k| before.get(*k).is_none_or(|b| b.1 != after[*k].1))
        .collect();
    assert!(
        untouched > changed.len(),
        "most files kept: changed {changed:?}"
    );
    assert!(
        changed
            .iter()
            .any(|k| k.as_str() == "articles/a5/index.html")
    );
    assert!(
        !changed
            .iter()
            .any(|k| k.as_str() == "articles/a9/index.html"),
        "{changed:?}"
    );
}

#[test]
fn template_config_and_static_changes_are_seen() {
    let site = site();
    site.build().ok();
    site.file("templates/404.html", "新的 404");
    site.build().ok();
    assert_eq!(site.read("404.html"), "新的 404");
    site.file("static/a.txt", "changed");
    site.build().ok();
    assert_eq!(site.read("a.txt"), "changed");
    site.file("config.yaml", &common::CONFIG.replace("测试站点", "新名字"));
    site.build().ok();
    assert_contains(&site.read("articles/a1/index.html"), "新名字");
    assert_eq!(
        bytes(&tree(&site.path("public"))),
        bytes(&from_scratch(&site))
    );
}

#[test]
fn a_part_rendered_once_changes_on_every_page_that_shows_it() {
    // The default theme's footer is rendered once per build (partial_cached): each
    // page must still know it shows it, or an edit to it would change no page.
    let site = site();
    site.build().ok();
    site.file(
        "templates/partials/footer.html",
        "<footer class=\"site-footer\">新页脚 {{ config.title }}</footer>",
    );
    site.build().ok();
    assert_contains(&site.read("articles/a1/index.html"), "新页脚 测试站点");
    site.file(
        "templates/partials/footer.html",
        "<footer class=\"site-footer\">又改的页脚</footer>",
    );
    site.build().ok();
    for page in ["index.html", "articles/a1/index.html", "tags/index.html"] {
        assert_contains(&site.read(page), "又改的页脚");
    }
    assert_eq!(
        bytes(&tree(&site.path("public"))),
        bytes(&from_scratch(&site))
    );
}

#[test]
fn a_tampered_output_or_damaged_cache_is_repaired() {
    let site = site();
    site.build().ok();
    std::fs::remove_file(site.path("public/articles/a3/index.html")).unwrap();
    std::fs::write(site.path("public/articles/a4/index.html"), "defaced").unwrap();
    let run = site.build().ok();
    assert!(!run.stdout.starts_with("up to date"), "{}", run.stdout);
    assert_eq!(
        bytes(&tree(&site.path("public"))),
        bytes(&from_scratch(&site))
    );
    for cache in ["build-state.bin", "markdown.bin"] {
        std::fs::write(site.path(".herald-cache").join(cache), "garbage").unwrap();
    }
    site.build().ok();
    assert_eq!(
        bytes(&tree(&site.path("public"))),
        bytes(&from_scratch(&site))
    );
}

#[test]
fn building_into_another_folder_does_not_reuse_the_state() {
    let site = site();
    site.build().ok();
    let run = site.run(&["build", "--output", "elsewhere"]).ok();
    assert!(run.stdout.starts_with("built "), "{}", run.stdout);
    assert!(site.path("elsewhere/articles/a1/index.html").exists());
}

#[test]
fn a_future_page_coming_due_is_a_change_even_when_no_file_changed() {
    let site = site();
    site.article(
        "later.md",
        "明天的文章",
        "2026-11-23T09:00:00+08:00",
        "",
        "正文",
    );
    let build_at = |now: &str| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_herald"))
            .arg("build")
            .current_dir(site.root())
            .env("HERALD_NOW", now)
            .output()
            .expect("run herald");
        assert!(output.status.success());
        String::from_utf8(output.stdout).unwrap()
    };
    assert!(build_at(common::NOW).starts_with("built "));
    assert!(!site.exists("articles/later/index.html"));
    assert!(build_at(common::NOW).starts_with("up to date: "));
    assert!(build_at("2026-11-23T08:59:00+08:00").starts_with("up to date: "));
    let due = build_at("2026-11-23T09:00:01+08:00");
    assert!(due.starts_with("built "), "{due}");
    assert!(site.exists("articles/later/index.html"));
}

#[test]
fn a_rename_that_keeps_size_and_time_is_still_a_change() {
    let site = site();
    site.build().ok();
    std::fs::rename(site.path("static/a.txt"), site.path("static/b.txt")).unwrap();
    let run = site.build().ok();
    assert!(run.stdout.starts_with("built "), "{}", run.stdout);
    assert!(site.exists("b.txt"));
    assert!(!site.exists("a.txt"));
}

#[test]
fn a_kept_page_linking_to_a_file_gone_is_still_a_broken_link() {
    let site = site();
    site.file("static/downloads/a.pdf", "pdf").article(
        "links.md",
        "下载",
        "2025-01-01",
        "",
        "见[手册](/downloads/a.pdf)与[首页](/)。",
    );
    site.build().ok();
    // Another page changes, so the build renders some pages and keeps this one.
    site.article("a1.md", "文章1（改）", "2026-01-02", "", "正文");
    std::fs::remove_file(site.path("static/downloads/a.pdf")).unwrap();
    let error = site.build().fails();
    assert_contains(&error, "broken link `/downloads/a.pdf`");
    assert_contains(&error, "links.md");
    site.file("static/downloads/a.pdf", "pdf");
    site.build().ok();
    assert_eq!(
        bytes(&tree(&site.path("public"))),
        bytes(&from_scratch(&site))
    );
}

/// A page whose file kept its stamp is taken from the parse cache without reading
/// it; its body is read when its Markdown must be rendered again (here: the page it
/// links to moved), and checked against what was parsed.
#[test]
fn an_unchanged_page_comes_from_the_parse_cache_and_its_body_is_read_when_needed() {
    let site = site();
    site.build().ok();
    site.settle_content();
    site.build().ok();
    assert!(site.path(".herald-cache/pages.bin").exists());

    // a1 links to a2, which moves: a1 is not read again until its link must change.
    let a2 = site.read_file("content/articles/a2.md");
    site.file(
        "content/articles/a2.md",
        &a2.replace("---\n\n", "slug: moved\n---\n\n"),
    );
    site.build().ok();
    assert_contains(&site.read("articles/a1/index.html"), "/articles/moved/");
    assert_eq!(
        bytes(&tree(&site.path("public"))),
        bytes(&from_scratch(&site))
    );

    // a1 must render again (its link target moves back), and its file changes after the
    // build took its stamp: the bytes are not what was parsed, an error naming the file.
    site.settle_content();
    site.build().ok();
    site.file("content/articles/a2.md", &a2);
    let (mut build, mut stderr) = common::spawn(site.paused_command(&["build"], "load-parsed"));
    assert!(
        common::reaches(&mut stderr, "load-parsed"),
        "the build ended before it"
    );
    let text = site.read_file("content/articles/a1.md");
    site.file("content/articles/a1.md", &text.replace("正文 1", "正文 9"));
    common::resume(&mut build);
    let rest: Vec<String> = stderr.map_while(Result::ok).collect();
    let rest = rest.join("\n");
    assert!(!build.wait().unwrap().success(), "{rest}");
    assert_contains(&rest, "a1.md");
    assert_contains(&rest, "the file changed while Herald was reading the site");
    // Nothing of that build was published.
    assert_contains(&site.read("articles/a1/index.html"), "/articles/moved/");
    // Run again, as the error says: every page is read whole.
    site.build().ok();
    assert_contains(&site.read("articles/a1/index.html"), "正文 9");
    assert_eq!(
        bytes(&tree(&site.path("public"))),
        bytes(&from_scratch(&site))
    );
}

/// A file saved again with the same text is no change: the build says so and writes
/// nothing, whether the parse cache knew the file's stamp or only its text.
#[test]
fn a_file_saved_again_unchanged_is_up_to_date() {
    let site = site();
    site.build().ok();
    let before = tree(&site.path("public"));
    for settle in [false, true] {
        if settle {
            site.settle_content();
            site.build().ok();
        }
        let text = site.read_file("content/articles/a3.md");
        site.file("content/articles/a3.md", &text);
        let run = site.build().ok();
        assert!(run.stdout.starts_with("up to date"), "{}", run.stdout);
        assert_eq!(tree(&site.path("public")), before);
    }
}
