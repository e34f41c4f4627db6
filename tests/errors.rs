//! Every error names the file, the line where known, and what to do; a failed build
//! leaves the previous output untouched. Exit status 1 for site errors, 2 for usage.

mod common;

use common::{TestSite, assert_contains};

#[test]
fn bad_yaml_reports_the_real_file_line() {
    let site = TestSite::new();
    site.file(
        "content/articles/bad.md",
        "---\ntitle: 标题\ndate: 2026-01-01\ntags: [a, b\n---\n正文\n",
    );
    let stderr = site.build().fails();
    assert_contains(&stderr, "error: content/articles/bad.md:4:");
    assert_contains(&stderr, "not closed");
}

#[test]
fn tabs_in_yaml_get_a_hint() {
    let site = TestSite::new();
    site.file(
        "content/articles/tab.md",
        "---\ntitle: 标题\ndate: 2026-01-01\ntags:\n\t- a\n---\n",
    );
    let stderr = site.build().fails();
    assert_contains(&stderr, "content/articles/tab.md:5:");
    assert_contains(&stderr, "tab characters");
}

#[test]
fn unknown_config_key_names_line_and_nearest_key() {
    let site = TestSite::new();
    site.file(
        "config.yaml",
        "title: 站点\nbase_url: https://a.cn/\npaginte: 10\n",
    );
    let stderr = site.build().fails();
    assert_contains(&stderr, "error: config.yaml:3:1: unknown key `paginte`");
    assert_contains(&stderr, "help: did you mean `paginate`?");
}

#[test]
fn duplicate_url_names_both_files() {
    let site = TestSite::new();
    site.article("a.md", "甲", "2026-01-01", "slug: same\n", "x")
        .article("same.md", "乙", "2026-01-02", "", "y");
    let stderr = site.build().fails();
    assert_contains(
        &stderr,
        "two pages would be written to /articles/same/: content/articles/a.md and content/articles/same.md",
    );
}

#[test]
fn article_in_unknown_topic_is_an_error() {
    let site = TestSite::new();
    site.file(
        "content/topics/cyber-week/_index.md",
        "---\ntitle: 宣传周\n---\n",
    )
    .article("a.md", "甲", "2026-01-01", "topics: [cyber-weak]\n", "x");
    let stderr = site.build().fails();
    assert_contains(
        &stderr,
        "error: content/articles/a.md:4: unknown topic `cyber-weak`",
    );
    assert_contains(&stderr, "did you mean `cyber-week`?");
}

#[test]
fn missing_link_target_names_file_and_line() {
    let site = TestSite::new();
    site.article(
        "a.md",
        "甲",
        "2026-01-01",
        "",
        "第一行\n\n见[缺失](@/articles/nope.md)。",
    );
    let stderr = site.build().fails();
    assert_contains(
        &stderr,
        "error: content/articles/a.md:8: broken link `@/articles/nope.md`: there is no content/articles/nope.md",
    );
}

#[test]
fn missing_anchor_lists_the_headings() {
    let site = TestSite::new();
    site.article(
        "a.md",
        "甲",
        "2026-01-01",
        "",
        "见[乙](@/articles/b.md#nope)。",
    )
    .article("b.md", "乙", "2026-01-01", "", "## 详情\n");
    let stderr = site.build().fails();
    assert_contains(
        &stderr,
        "content/articles/a.md:6: broken link `@/articles/b.md#nope`",
    );
    assert_contains(&stderr, "its headings' ids are: xiang-qing");
}

#[test]
fn link_to_a_draft_says_so() {
    let site = TestSite::new();
    site.article(
        "a.md",
        "甲",
        "2026-01-01",
        "",
        "见[草稿](@/articles/d.md)。",
    )
    .article("d.md", "草稿", "2026-01-01", "draft: true\n", "x");
    let stderr = site.build().fails();
    assert_contains(&stderr, "draft or dated in the future");
    site.run(&["build", "--drafts"]).ok();
}

#[test]
fn slug_that_escapes_is_an_error() {
    let site = TestSite::new();
    site.article("a.md", "甲", "2026-01-01", "slug: ../../etc\n", "x");
    let stderr = site.build().fails();
    assert_contains(
        &stderr,
        "error: content/articles/a.md:4: `slug: ../../etc` would leave the page's folder",
    );
    assert!(!site.path("etc").exists());
}

#[test]
fn impossible_date_is_explained() {
    let site = TestSite::new();
    site.article("a.md", "甲", "2019-02-30", "", "x");
    let stderr = site.build().fails();
    assert_contains(
        &stderr,
        "content/articles/a.md:3: `date`: `2019-02-30` is not a real date",
    );
}

#[test]
fn failed_build_leaves_previous_output_untouched() {
    let site = TestSite::new();
    site.article("a.md", "甲", "2026-01-01", "", "第一版");
    site.build().ok();
    let before = site.output_files();
    site.article(
        "a.md",
        "甲",
        "2026-01-01",
        "",
        "第二版 [坏](@/articles/nope.md)",
    );
    let stderr = site.build().fails();
    assert_contains(&stderr, "the previous output was left as it was");
    assert_eq!(site.output_files(), before);
    assert_contains(&site.read("articles/a/index.html"), "第一版");
    let leftovers: Vec<_> = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.contains("herald-staging") || n.contains("herald-old"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn check_reports_every_error_at_once() {
    let site = TestSite::new();
    site.article(
        "a.md",
        "甲",
        "2026-01-01",
        "topics: [nope]\n",
        "[x](@/articles/missing.md)",
    )
    .file("content/articles/b.md", "---\ntitle: [\n---\n")
    .file(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block content %}{{ page.nope }}{% endblock content %}",
    );
    let run = site.run(&["check"]);
    let stderr = run.fails();
    assert_contains(&stderr, "content/articles/a.md:4: unknown topic `nope`");
    assert_contains(&stderr, "content/articles/a.md:7: broken link");
    assert_contains(&stderr, "content/articles/b.md:2:");
    assert_contains(&stderr, "`page.nope` not found");
    assert_contains(&stderr, "check failed: 4 errors");
    assert!(!site.path("public").exists(), "check writes nothing");
}

#[test]
fn template_error_names_template_line_and_cause() {
    let site = TestSite::new();
    site.article("a.md", "甲", "2026-01-01", "", "x")
        .file("templates/page.html", "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ page.titel }}</h1>\n{% endblock content %}\n");
    let stderr = site.build().fails();
    assert_contains(
        &stderr,
        "error: templates/page.html:3: template `page.html`: Variable `page.titel` not found in context",
    );
    assert_contains(&stderr, "(while rendering content/articles/a.md)");
}

#[test]
fn template_syntax_error_names_line_and_column() {
    let site = TestSite::new();
    site.file("templates/page.html", "<p>\n{% if %}\n");
    let stderr = site.build().fails();
    assert_contains(&stderr, "error: templates/page.html:2:");
    assert_contains(&stderr, "template syntax error");
}

#[test]
fn missing_config_and_usage_errors() {
    let empty = TestSite::empty();
    let stderr = empty.build().fails();
    assert_contains(&stderr, "no config.yaml in");
    let usage = empty.run(&["build", "--no-such-flag"]);
    assert_eq!(usage.code, 2, "{usage:?}");
    assert_eq!(empty.run(&["frobnicate"]).code, 2);
}

#[test]
fn binary_and_broken_text_files_are_errors_not_panics() {
    let site = TestSite::new();
    site.bytes("content/articles/bin.md", b"\x89PNG\r\n\x1a\n\0\0\0")
        .bytes("content/articles/gbk.md", b"---\ntitle: \xc4\xe3\n---\n")
        .file("content/articles/empty.md", "")
        .file("content/articles/open.md", "---\ntitle: x\n");
    let stderr = site.build().fails();
    assert_contains(
        &stderr,
        "content/articles/bin.md:3: file contains a NUL byte",
    );
    assert_contains(
        &stderr,
        "content/articles/gbk.md:2:8: file is not valid UTF-8",
    );
    assert_contains(
        &stderr,
        "content/articles/empty.md:1: the page has no front matter",
    );
    assert_contains(
        &stderr,
        "content/articles/open.md:1: the front matter opened on line 1 is never closed",
    );
    assert!(!stderr.contains("panicked"));
}

#[test]
fn output_folder_that_holds_the_site_is_refused() {
    let site = TestSite::new();
    let stderr = site.run(&["build", "--output", "."]).fails();
    assert_contains(&stderr, "refusing to use");
    assert!(site.path("config.yaml").exists());
    let stderr = site.run(&["build", "--output", "content"]).fails();
    assert_contains(&stderr, "refusing to use");
    assert!(site.path("content/_index.md").exists());
    // A folder of someone's files is not replaced either.
    site.file("docs/plan.txt", "keep me");
    let stderr = site.run(&["build", "--output", "docs"]).fails();
    assert_contains(&stderr, "does not look like a site Herald built");
    assert_eq!(site.read_file("docs/plan.txt"), "keep me");
}

#[test]
fn check_json_lists_every_diagnostic_with_counts() {
    let site = TestSite::new();
    site.article(
        "a.md",
        "甲",
        "2026-01-01",
        "topics: [nope]\n",
        "[x](@/articles/missing.md)\n\n![](/nope.png)",
    );
    let run = site.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.is_empty(), "json goes to stdout only: {run:?}");
    let report: serde_json::Value = serde_json::from_str(&run.stdout).expect("one JSON object");
    assert_eq!(report["ok"], false);
    assert_eq!(report["errors"], 3);
    assert_eq!(report["warnings"], 1);
    let found: Vec<String> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{} {}:{} {}",
                d["severity"].as_str().unwrap(),
                d["file"].as_str().unwrap(),
                d["line"],
                d["message"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            "error content/articles/a.md:4 unknown topic `nope`: there is no content/topics/nope/_index.md",
            "error content/articles/a.md:7 broken link `@/articles/missing.md`: there is no content/articles/missing.md",
            "warning content/articles/a.md:9 image `/nope.png` has no alt text",
            "error content/articles/a.md:9 image `/nope.png`: there is no /nope.png in static/ or assets/",
        ]
    );
    let first = &report["diagnostics"][0];
    assert!(first["help"].is_string() || first["help"].is_null());
    assert!(first.get("column").is_some());

    // Warnings alone: exit 0, ok true.
    site.article("a.md", "甲", "2026-01-01", "", "![](/nope.png)");
    site.file("static/nope.png", "");
    let run = site.run(&["check", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(report["ok"], true);
    assert_eq!(
        (report["errors"].as_u64(), report["warnings"].as_u64()),
        (Some(0), Some(1))
    );
}

#[test]
fn links_to_files_that_do_not_exist_are_errors_where_they_are_written() {
    let site = TestSite::new();
    site.article(
        "a.md",
        "甲",
        "2026-01-01",
        "",
        "[手册](/downloads/handbook.pdf)\n\n[缺失](/downloads/nope.pdf)\n\n[旁边](notes.pdf)",
    )
    .file("static/downloads/handbook.pdf", "pdf")
    .file("content/articles/notes.pdf", "pdf")
    .file("data/links.yaml", "- name: 关于\n  url: /about/\n")
    .file(
        "templates/index.html",
        "{% extends \"base.html\" %}{% block content %}\n{% for l in data.links %}<a href=\"{{ l.url }}\">{{ l.name }}</a>{% endfor %}\n<a href=\"/nowhere/\">x</a>\n{% endblock content %}\n",
    );
    let stderr = site.build().fails();
    assert_contains(
        &stderr,
        "error: content/articles/a.md:8: broken link `/downloads/nope.pdf`: nothing is published at /downloads/nope.pdf",
    );
    // Relative links are read from the page's URL (/articles/a/), as browsers do.
    assert_contains(
        &stderr,
        "error: content/articles/a.md:10: broken link `notes.pdf`: nothing is published at /articles/a/notes.pdf",
    );
    assert_contains(
        &stderr,
        "error: data/links.yaml:2: broken link `/about/`: nothing is published at /about/ (on /)",
    );
    assert_contains(
        &stderr,
        "error: templates/index.html:3: broken link `/nowhere/`: nothing is published at /nowhere/ (on /, template `index.html`)",
    );
    assert_contains(&stderr, "build failed: 4 errors");
}

#[test]
fn links_from_the_site_root_get_the_base_path() {
    let site = TestSite::new();
    site.article(
        "a.md",
        "甲",
        "2026-01-01",
        "",
        "[手册](/downloads/handbook.pdf)\n\n[外部](https://www.gov.cn/)",
    )
    .file("static/downloads/handbook.pdf", "pdf")
    .file("data/links.yaml", "- name: 文章\n  url: /articles/\n")
    .file(
        "templates/index.html",
        "{% extends \"base.html\" %}{% block content %}{% for l in data.links %}<a href=\"{{ l.url }}\">{{ l.name }}</a>{% endfor %}{% endblock content %}",
    );
    let base = ["--base-url", "https://www.example.gov.cn/campaign/"];
    // A data file's site path printed as it is leaves the base path.
    let stderr = site.run(&[&["build"], &base[..]].concat()).fails();
    assert_contains(
        &stderr,
        "error: data/links.yaml:2: broken link `/articles/`: it is outside the site's base path `/campaign/`",
    );
    assert_contains(&stderr, "pass them through url(path=…)");
    site.file(
        "templates/index.html",
        "{% extends \"base.html\" %}{% block content %}{% for l in data.links %}<a href=\"{{ url(path=l.url) }}\">{{ l.name }}</a>{% endfor %}{% endblock content %}",
    );
    site.run(&[&["build"], &base[..]].concat()).ok();
    let page = site.read("articles/a/index.html");
    assert_contains(&page, "href=\"/campaign/downloads/handbook.pdf\"");
    assert_contains(&page, "href=\"https://www.gov.cn/\"");
    assert_contains(&site.read("index.html"), "href=\"/campaign/articles/\"");
    site.run(&[
        "check",
        "--base-url",
        "https://www.example.gov.cn/campaign/",
    ])
    .ok();
}

#[test]
fn check_reports_every_kind_of_problem_at_once() {
    let site = TestSite::new();
    site.file("content/topics/week/_index.md", "---\ntitle: 宣传周\n---\n")
        .article(
            "links.md",
            "链接",
            "2026-01-01",
            "topics: [weak]\n",
            "[缺页](@/articles/gone.md)\n\n[缺标题](@/articles/b.md#nope)\n\n[缺文件](/downloads/gone.pdf)\n\n![图](/images/gone.png)\n\n![](/pic.png)",
        )
        .article("b.md", "乙", "2026-01-02", "slug: same\n", "## 详情")
        .article("same.md", "同名", "2026-01-03", "", "x")
        .file("content/articles/untitled.md", "---\ntitle:\ndate: 2026-01-04\n---\n")
        .file("content/articles/bad.md", "---\ntitle: [\n---\n")
        .article("tpl.md", "模板", "2026-01-05", "template: broken.html\n", "x")
        .file(
            "templates/broken.html",
            "{% extends \"base.html\" %}\n{% block content %}\n{{ page.nope }}\n{% endblock content %}\n",
        )
        .file("static/pic.png", "not checked")
        .file(
            "content/security-week/2026/_index.md",
            "---\ntitle: 2026年宣传周\nstarts: 2026-09-14\nends: 2026-09-20\nmaterials:\n  - { title: 手册, file: /downloads/handbook.pdf }\n---\n",
        );
    let run = site.run(&["check"]);
    let stderr = run.fails();
    for expected in [
        "error: content/articles/bad.md:2:",
        "error: content/articles/links.md:4: unknown topic `weak`",
        "error: content/articles/links.md:7: broken link `@/articles/gone.md`",
        "error: content/articles/links.md:9: broken link `@/articles/b.md#nope`",
        "error: content/articles/links.md:11: broken link `/downloads/gone.pdf`: nothing is published at /downloads/gone.pdf",
        "error: content/articles/links.md:13: image `/images/gone.png`",
        "warning: content/articles/links.md:15: image `/pic.png` has no alt text",
        "two pages would be written to /articles/same/",
        "error: content/articles/untitled.md:2: the page's `title` is empty",
        "error: content/security-week/2026/_index.md:5: material `/downloads/handbook.pdf`",
        "error: templates/broken.html:3: template `broken.html`: Variable `page.nope` not found",
        "check failed: 10 errors",
    ] {
        assert_contains(&stderr, expected);
    }
    assert!(!site.path("public").exists(), "check writes nothing");

    let json = site.run(&["check", "--format", "json"]);
    assert_eq!(json.code, 1);
    let report: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(
        (report["errors"].as_u64(), report["warnings"].as_u64()),
        (Some(10), Some(1))
    );
    for d in report["diagnostics"].as_array().unwrap() {
        assert!(d["file"].is_string(), "every problem names its file: {d}");
    }
}

#[test]
fn links_to_paths_served_elsewhere_are_not_checked() {
    let site = TestSite::new();
    site.article("a.md", "甲", "2026-01-01", "", "[办事大厅](/cms/hall/)");
    assert_contains(&site.build().fails(), "broken link `/cms/hall/`");
    site.file(
        "config.yaml",
        &format!("{}links: {{ served_elsewhere: [/cms/] }}\n", common::CONFIG),
    );
    site.build().ok();
}

#[test]
fn an_unreadable_herald_now_is_an_error_not_the_real_clock() {
    let site = TestSite::new();
    for command in [&["build"][..], &["check"], &["new", "articles/x.md"]] {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_herald"))
            .args(command)
            .current_dir(site.root())
            .env("HERALD_NOW", "2026-09-14 10:00")
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{command:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_contains(
            &stderr,
            "HERALD_NOW=`2026-09-14 10:00` is not a time Herald can read",
        );
        assert_contains(
            &stderr,
            "help: write it like HERALD_NOW=2026-09-14T10:00:00+08:00",
        );
    }
    assert!(!site.path("public").exists());
    assert!(!site.path("content/articles/x.md").exists());
}
