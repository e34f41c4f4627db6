//! The security-awareness week: schedule, events, materials with sizes, gallery,
//! articles of the week, the quiz, and `/security-week/` showing the current year.

mod common;

use common::{TestSite, assert_contains, assert_lacks};

fn png(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_pixel(width, height, image::Rgb([200, 30, 30]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

fn week_site() -> TestSite {
    let site = TestSite::new();
    site.file("config.yaml", &format!("{}campaign: {{ slogan: 口号, starts: 2026-09-14, ends: 2026-09-20, security_week: 2026 }}\n", common::CONFIG))
        .file("content/topics/week-2026/_index.md", "---\ntitle: 2026宣传周\n---\n")
        .file(
            "content/security-week/2026/_index.md",
            "---\ntitle: 2026年网络安全宣传周\nslogan: 网络安全为人民\nstarts: 2026-09-14\nends: 2026-09-20\ntopic: week-2026\n\
             schedule:\n  - { date: 2026-09-16, name: 电信日, description: 防范诈骗 }\n  - { date: 2026-09-15, name: 校园日, description: 走进校园 }\n\
             events:\n  - { title: 开幕式, time: \"2026-09-14 09:30\", place: 市民中心, organiser: 网信办 }\n\
             materials:\n  - { title: 宣传手册, file: /downloads/handbook.pdf }\n  - { title: 校园日海报, file: /downloads/poster.png }\n\
             gallery:\n  - { image: /downloads/poster.png, title: 校园日海报, alt: 红色海报 }\n\
             quiz: quiz-2026\n---\n\n本年度宣传周介绍。\n",
        )
        .file("content/security-week/2025/_index.md", "---\ntitle: 2025年网络安全宣传周\nstarts: 2025-09-08\nends: 2025-09-14\n---\n")
        .bytes("static/downloads/handbook.pdf", &vec![b'%'; 3 * 1024 * 1024 / 2])
        .bytes("static/downloads/poster.png", &png(300, 400))
        .file("data/quiz-2026.yaml", "title: 知识竞答\npoints: 5\nquestions:\n  - question: 密码应当？\n    options: [简单好记, 足够复杂]\n    answer: B\n    explanation: 复杂密码更安全。\n")
        .article("in-week.md", "周内新闻", "2026-09-15", "", "x")
        .article("in-topic.md", "专题新闻", "2026-08-01", "topics: [week-2026]\n", "x")
        .article("other.md", "无关新闻", "2026-08-02", "", "x");
    site
}

#[test]
fn a_year_shows_schedule_events_materials_gallery_and_articles() {
    let site = week_site();
    site.build().ok();
    let html = site.read("security-week/2026/index.html");
    assert_contains(&html, "<p class=\"slogan\">网络安全为人民</p>");
    assert_contains(&html, "2026年9月14日至2026年9月20日");
    let campus = html.find("校园日：走进校园").unwrap();
    assert!(
        campus < html.find("电信日：防范诈骗").unwrap(),
        "schedule in date order"
    );
    assert_contains(&html, "开幕式 @ 市民中心 2026年9月14日 09:30 网信办");
    assert_contains(
        &html,
        "<a href=\"/downloads/handbook.pdf\">宣传手册</a> PDF 1.5 MB (pdf)",
    );
    assert_contains(&html, "校园日海报</a> PNG");
    assert_contains(&html, "(image)");
    assert_contains(
        &html,
        "<img src=\"/downloads/poster.png\" alt=\"红色海报\" width=\"300\" height=\"400\">",
    );
    assert_contains(&html, "周内新闻");
    assert_contains(&html, "专题新闻");
    assert_lacks(&html, "无关新闻");
    assert_contains(&html, "href=\"/security-week/2025/\"");
    assert_contains(
        &html,
        "<a class=\"quiz\" href=\"/security-week/2026/quiz/\">",
    );
}

#[test]
fn current_year_is_shown_at_the_week_root() {
    let site = week_site();
    site.build().ok();
    let root = site.read("security-week/index.html");
    assert_contains(&root, "<h1>2026年网络安全宣传周</h1>");
    assert_contains(
        &root,
        "<link rel=\"canonical\" href=\"https://www.example.gov.cn/security-week/2026/\">",
    );
    assert_contains(
        &site.read("security-week/2025/index.html"),
        "<h1>2025年网络安全宣传周</h1>",
    );
}

#[test]
fn quiz_page_lists_questions_answers_and_total() {
    let site = week_site();
    site.build().ok();
    let quiz = site.read("security-week/2026/quiz/index.html");
    assert_contains(&quiz, "共 1 题，满分 5 分");
    assert_contains(&quiz, "B. 足够复杂 ✓");
    assert_contains(&quiz, "答案：B。复杂密码更安全。");
    assert!(!site.exists("security-week/2025/quiz/index.html"));
}

#[test]
fn week_errors_name_file_and_line() {
    let site = week_site();
    site.file("content/security-week/2024/_index.md", "---\ntitle: 2024\nstarts: 2024-09-09\nends: 2024-09-15\nmaterials:\n  - { title: 缺失, file: /downloads/none.pdf }\nquiz: quiz-2024\nevents:\n  - { title: x, place: y }\n---\n");
    let stderr = site.build().fails();
    assert_contains(
        &stderr,
        "content/security-week/2024/_index.md:9: `events` item 1: missing key `time`",
    );
    site.file("content/security-week/2024/_index.md", "---\ntitle: 2024\nstarts: 2024-09-09\nends: 2024-09-15\nmaterials:\n  - { title: 缺失, file: /downloads/none.pdf }\nquiz: quiz-2024\n---\n");
    let stderr = site.build().fails();
    assert_contains(
        &stderr,
        "content/security-week/2024/_index.md:5: material `/downloads/none.pdf`: there is no /downloads/none.pdf",
    );
    assert_contains(
        &stderr,
        "content/security-week/2024/_index.md:7: quiz `quiz-2024`: there is no data/quiz-2024.yaml",
    );
}

#[test]
fn landing_page_counts_events() {
    let site = week_site();
    site.file(
        "templates/index.html",
        "events={{ stats.events }} week={{ week.year }}",
    );
    site.build().ok();
    assert_eq!(site.read("index.html"), "events=1 week=2026");
}
