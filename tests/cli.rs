//! The commands besides `build`: `new`, `init`, `check`; and content-discovery rules.

mod common;

use common::{TestSite, assert_contains};

/// Pinyin by word (issue 17): 重庆 is chong-qing and 银行 yin-hang in file names made by
/// `new`, page URLs, tag URLs and heading ids; full-width letters count.
#[test]
fn slugs_read_chinese_by_word_everywhere() {
    let site = TestSite::new();
    site.run(&["new", "articles/2026/", "--title", "重庆银行开业"])
        .ok();
    assert!(
        site.path("content/articles/2026/chong-qing-yin-hang-kai-ye.md")
            .exists()
    );
    site.file(
        "content/articles/银行行长.md",
        "---\ntitle: 银行行长\ndate: 2026-03-01\ntags: [银行, ＡＰＰ安全]\n---\n\n## 重庆\n\n正文。\n",
    );
    site.build().ok();
    let page = site.read("articles/yin-hang-hang-zhang/index.html");
    assert_contains(&page, "id=\"chong-qing\"");
    assert!(site.exists("tags/yin-hang/index.html"));
    assert!(site.exists("tags/app-an-quan/index.html"));
}

#[test]
fn new_writes_front_matter_with_today_and_refuses_to_overwrite() {
    let site = TestSite::new();
    let run = site
        .run(&["new", "articles/2026/", "--title", "全市网络安全宣传周开幕"])
        .ok();
    assert_contains(&run.stdout, "created ");
    let path =
        site.path("content/articles/2026/quan-shi-wang-luo-an-quan-xuan-chuan-zhou-kai-mu.md");
    let text = std::fs::read_to_string(&path).unwrap();
    assert_contains(&text, "title: \"全市网络安全宣传周开幕\"");
    // Today is Herald's clock: HERALD_NOW (2026-11-22T12:00:00+08:00 in tests).
    assert_contains(&text, "date: 2026-11-22T12:00:00+08:00\n");
    assert_contains(&text, "topics: []\n");
    let again = site.run(&[
        "new",
        "content/articles/2026/quan-shi-wang-luo-an-quan-xuan-chuan-zhou-kai-mu.md",
    ]);
    assert_contains(
        &again.fails(),
        "already exists; Herald will not overwrite it",
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    // The new article is a draft until the editor publishes it, and it builds.
    site.run(&["build", "--drafts"]).ok();
    assert!(
        site.exists("articles/2026/quan-shi-wang-luo-an-quan-xuan-chuan-zhou-kai-mu/index.html")
    );
}

#[test]
fn new_with_a_file_name() {
    let site = TestSite::new();
    site.run(&["new", "articles/opening"]).ok();
    let text = std::fs::read_to_string(site.path("content/articles/opening.md")).unwrap();
    assert_contains(&text, "title: \"opening\"");
}

#[test]
fn new_fills_topics_and_checks_they_exist() {
    let site = TestSite::new();
    site.file(
        "content/topics/anti-fraud/_index.md",
        "---\ntitle: 反诈\n---\n",
    )
    .file("content/topics/week/_index.md", "---\ntitle: 宣传周\n---\n");
    site.run(&[
        "new",
        "articles/scam.md",
        "--title",
        "警惕退款诈骗",
        "--topic",
        "anti-fraud",
        "--topic",
        "week",
    ])
    .ok();
    let text = site.read_file("content/articles/scam.md");
    assert_contains(&text, "topics: [\"anti-fraud\", \"week\"]\n");
    assert_contains(&text, "date: 2026-11-22T12:00:00+08:00\n");
    // The draft joins both topics.
    site.run(&["build", "--drafts"]).ok();
    assert_contains(&site.read("topics/anti-fraud/index.html"), "警惕退款诈骗");
    let err = site
        .run(&["new", "articles/x.md", "--topic", "anti-frod"])
        .fails();
    assert_contains(&err, "there is no topic `anti-frod`");
    assert_contains(&err, "help: known topics: anti-fraud, week");
    assert!(!site.path("content/articles/x.md").exists());
}

#[test]
fn version_names_the_commit() {
    let site = TestSite::empty();
    let run = site.run(&["--version"]).ok();
    let commit = std::process::Command::new("git")
        .args(["rev-parse", "--short=7", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    let expected = match commit {
        Some(commit) => format!("herald {} ({commit})\n", env!("CARGO_PKG_VERSION")),
        None => format!("herald {}\n", env!("CARGO_PKG_VERSION")),
    };
    assert_eq!(run.stdout, expected);
}

#[test]
fn init_writes_a_starter_portal_that_builds_and_checks_clean() {
    let site = TestSite::empty();
    let run = site.run(&["init", "portal"]).ok();
    assert_contains(&run.stdout, "created a new portal in portal");
    assert!(
        site.path("portal/themes/default/templates/shortcodes/video.html")
            .exists()
    );
    // This year's week, from Herald's clock (HERALD_NOW is in 2026).
    let config = site.read_file("portal/config.yaml");
    assert_contains(&config, "security_week: 2026\n");
    let week = site.read_file("portal/content/security-week/2026/_index.md");
    assert_contains(&week, "starts: 2026-09-14\n");
    assert_contains(&week, "quiz: quiz-2026\n");
    assert!(site.path("portal/data/quiz-2026.yaml").exists());
    assert_contains(
        &site.read_file("portal/content/articles/week-preview.md"),
        "date: 2026-11-20\n",
    );
    assert_contains(
        &site.read_file("portal/content/articles/_index.md"),
        "column_type: news\n",
    );

    // `check` finds nothing to say, not even a warning.
    let check = site.run(&["check", "--root", "portal"]).ok();
    assert_contains(&check.stdout, "no problems");
    assert_eq!(check.stderr, "");
    // And it passes the national inspection as written, without a finding.
    let inspect = site.run(&["inspect", "--root", "portal"]).ok();
    assert_contains(&inspect.stdout, "PASSED, score 100 of 100");
    assert_contains(&inspect.stdout, "no findings");
    site.run(&["build", "--root", "portal", "--output", "portal/public"])
        .ok();
    let out = |rel: &str| {
        std::fs::read_to_string(site.path("portal/public").join(rel))
            .unwrap_or_else(|e| panic!("{rel}: {e}"))
    };
    // Landing page with the campaign, the week with schedule, events and quiz, two
    // topics, the about page, and articles using the built-in shortcodes.
    assert_contains(&out("index.html"), "网络安全为人民，网络安全靠人民");
    let week = out("security-week/2026/index.html");
    assert_contains(&week, "个人信息保护日");
    assert_contains(&week, "老年人防诈骗讲座");
    assert_contains(&week, "PDF");
    assert_contains(
        &out("security-week/2026/quiz/index.html"),
        "全国反诈咨询专线是多少",
    );
    assert_contains(
        &out("topics/cyber-week/index.html"),
        "2026年网络安全宣传周9月14日开幕",
    );
    assert_contains(&out("topics/anti-fraud/index.html"), "警惕冒充电商客服");
    assert_contains(&out("about/index.html"), "栏目设置");
    let preview = out("articles/week-preview/index.html");
    assert_contains(&preview, "<track kind=\"captions\" srclang=\"zh\"");
    assert_contains(&preview, "role=\"note\"");
    assert_contains(&preview, "PDF · 708 B");
    // The shortcode shown in code stays code.
    assert_contains(
        &out("articles/portal-launched/index.html"),
        "<code>{{ download(file=\"/downloads/handbook.pdf\") }}</code>",
    );

    let again = site.run(&["init", "portal"]);
    assert_contains(&again.fails(), "not empty");
}

#[test]
fn check_succeeds_quietly_and_writes_nothing() {
    let site = TestSite::new();
    site.article("a.md", "甲", "2026-01-01", "", "![](/nope.png)");
    let stderr = site.run(&["check"]).fails();
    assert_contains(&stderr, "content/articles/a.md:6: image `/nope.png`");
    site.article("a.md", "甲", "2026-01-01", "", "正文");
    let run = site.run(&["check"]).ok();
    assert_contains(&run.stdout, "checked ");
    assert_contains(&run.stdout, "no problems");
    assert!(!site.path("public").exists());
}

#[test]
fn warnings_do_not_fail_the_build() {
    let site = TestSite::new();
    let mut png = Vec::new();
    image::RgbImage::new(8, 8)
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    site.bytes("assets/images/a.png", &png).article(
        "a.md",
        "甲",
        "2026-01-01",
        "",
        "![](/images/a.png)",
    );
    let run = site.build().ok();
    assert_contains(
        &run.stderr,
        "warning: content/articles/a.md:6: image `/images/a.png` has no alt text",
    );
}

#[test]
fn hidden_and_editor_files_are_skipped() {
    let site = TestSite::new();
    site.article("a.md", "甲", "2026-01-01", "", "x")
        .file("content/articles/.a.md.swp", "garbage \0")
        .file("content/articles/a.md~", "---\ntitle: [\n")
        .file("content/articles/#a.md#", "---\n")
        .file("content/.hidden/b.md", "---\n");
    site.build().ok();
    assert!(site.exists("articles/a/index.html"));
}

#[cfg(unix)]
#[test]
fn symlink_loop_is_an_error_not_a_hang() {
    let site = TestSite::new();
    std::fs::create_dir_all(site.path("content/articles/sub")).unwrap();
    std::os::unix::fs::symlink(
        site.path("content/articles"),
        site.path("content/articles/sub/loop"),
    )
    .unwrap();
    let stderr = site.build().fails();
    assert_contains(&stderr, "symlink loop");
}

#[test]
fn template_functions_and_filters() {
    let site = TestSite::new();
    site.file("content/topics/week/_index.md", "---\ntitle: 宣传周\ndescription: 一年一度\n---\n")
        .file("assets/css/app.css", "a{}")
        .article("a.md", "甲", "2019-09-16T08:05:00+08:00", "topics: [week]\n", &"字".repeat(450))
        .file(
            "templates/index.html",
            "url={{ url(path='@/articles/a.md') }}|abs={{ url(path='@/articles/a.md', absolute=true) }}|plain={{ url(path='tags/') }}\
             |asset={{ asset(path='css/app.css') }}\
             |cn={{ '2019-09-16' | date_cn }}|cnt={{ '2019-09-16T08:05:00+08:00' | date_cn(time=true) }}\
             {% set p = get_page(path='articles/a.md') %}|page={{ p.title }}:{{ p.content | reading_time }}\
             {% set t = get_topic(id='week', limit=1) %}|topic={{ t.title }}:{{ t.count }}:{{ t.pages[0].title }}:{{ t.description }}",
        );
    site.build().ok();
    let out = site.read("index.html");
    assert_contains(
        &out,
        "url=/articles/a/|abs=https://www.example.gov.cn/articles/a/|plain=/tags/",
    );
    assert_contains(&out, "|asset=/css/app.");
    assert_contains(&out, "|cn=2019年9月16日|cnt=2019年9月16日 08:05");
    assert_contains(&out, "|page=甲:2");
    assert_contains(&out, "|topic=宣传周:1:甲:一年一度");
}

#[test]
fn template_function_errors_name_the_call() {
    let site = TestSite::new();
    site.file(
        "templates/index.html",
        "line one\n{{ url(path='@/articles/gone.md') }}\n",
    );
    let stderr = site.build().fails();
    assert_contains(
        &stderr,
        "error: templates/index.html:2: template `index.html`: url(path=\"@/articles/gone.md\"): there is no content/articles/gone.md",
    );
}

#[test]
fn site_templates_override_the_theme() {
    let site = TestSite::new();
    site.file("templates/404.html", "自定义 404");
    site.build().ok();
    assert_eq!(site.read("404.html"), "自定义 404");
}
