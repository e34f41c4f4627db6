//! Readers' tools of the default theme, as the built pages carry them: the QR code of
//! every article's permalink, the page tools, the HTML site map, and the error for a
//! permalink too long for a QR code. (What they do in a browser is checked in
//! tests/browser/tests/readers.test.js.)

mod common;

use common::{TestSite, assert_contains, assert_lacks};

/// A site on the built-in default theme (the fixture theme replaced).
fn default_theme_site(base_url: &str) -> TestSite {
    let site = TestSite::new();
    std::fs::remove_dir_all(site.path("themes")).unwrap();
    site.file(
        "config.yaml",
        &format!("title: 测试站点\nbase_url: {base_url}\npaginate: 2\n"),
    )
    .file("content/articles/_index.md", "---\ntitle: 新闻\n---\n")
    .file("content/topics/_index.md", "---\ntitle: 专题\n---\n")
    .file(
        "content/topics/fraud/_index.md",
        "---\ntitle: 反诈专题\n---\n反诈。\n",
    )
    .file("content/guide/_index.md", "---\ntitle: 办事指南\n---\n")
    .file(
        "content/guide/hotline.md",
        "---\ntitle: 举报电话\n---\n12377\n",
    )
    .file("content/about.md", "---\ntitle: 关于本站\n---\n关于。\n")
    .file(
        "content/security-week/2026/_index.md",
        "---\ntitle: 2026宣传周\nstarts: 2026-09-14\nends: 2026-09-20\nquiz: quiz\n---\n介绍\n",
    )
    .file(
        "data/quiz.yaml",
        "title: 竞答\nquestions:\n  - question: 一\n    options: [甲, 乙]\n    answer: A\n",
    )
    .article(
        "2026/opening.md",
        "开幕",
        "2026-09-14",
        "source: 临川日报\ntags: [宣传周]\ntopics: [fraud]\n",
        "正文第一段。\n\n```rust\nfn main() {}\n```\n",
    )
    .article(
        "2025/old.md",
        "旧文",
        "2025-05-01",
        "tags: [反诈]\n",
        "旧的正文",
    );
    site
}

#[test]
fn every_article_carries_its_qr_code_and_page_tools() {
    let site = default_theme_site("https://www.example.gov.cn/campaign/");
    site.build().ok();
    let html = site.read("articles/2026/opening/index.html");
    // The code's text alternative names the absolute permalink, sub-path included.
    assert_contains(
        &html,
        r#"role="img" aria-label="本页网址的二维码：https://www.example.gov.cn/campaign/articles/2026/opening/""#,
    );
    let svg_start = html.find("<svg class=\"qr-code\"").unwrap();
    let svg_len = html[svg_start..].find("</svg>").unwrap() + 6;
    assert!(svg_len < 3000, "QR code of {svg_len} bytes");
    // Share links are plain links built at build time; nothing loads from those hosts.
    assert_contains(
        &html,
        "https://service.weibo.com/share/share.php?url=https%3A%2F%2Fwww%2Eexample%2Egov%2Ecn%2Fcampaign%2Farticles%2F2026%2Fopening%2F&amp;title=%E5%BC%80%E5%B9%95",
    );
    assert_contains(
        &html,
        "https://sns.qzone.qq.com/cgi-bin/qzshare/cgi_qzshare_onekey?url=https%3A%2F%2Fwww%2Eexample%2Egov%2Ecn%2Fcampaign%2F",
    );
    assert_lacks(&html, "<script src=\"https://");
    assert_lacks(&html, "<img src=\"https://");
    // Controls that need JavaScript are hidden until it shows them.
    assert_contains(
        &html,
        r#"class="page-tools__group page-tools__speech" role="group" aria-label="语音朗读" hidden>"#,
    );
    assert_contains(
        &html,
        r#"data-text-size="large" aria-pressed="false">大</button>"#,
    );
    assert_contains(&html, "/campaign/js/tools.");
    // Deterministic: a second build writes the same page.
    site.build().ok();
    assert_eq!(site.read("articles/2026/opening/index.html"), html);
}

#[test]
fn the_site_map_lists_the_whole_structure_and_every_footer_links_it() {
    let site = default_theme_site("https://www.example.gov.cn/");
    site.build().ok();
    let map = site.read("sitemap/index.html");
    for (href, text) in [
        ("/", "首页"),
        ("/articles/", "新闻"),
        ("/articles/2026/", "2026年"),
        ("/articles/2025/", "2025年"),
        ("/topics/", "专题"),
        ("/topics/fraud/", "反诈专题"),
        ("/security-week/", "网络安全宣传周"),
        ("/security-week/2026/", "2026宣传周"),
        ("/security-week/2026/quiz/", "竞答"),
        ("/tags/", "标签"),
        ("/tags/fan-zha/", "反诈"),
        ("/search/", "全站搜索"),
        ("/guide/", "办事指南"),
        ("/guide/hotline/", "举报电话"),
        ("/about/", "关于本站"),
    ] {
        assert_contains(&map, &format!("<a href=\"{href}\">{text}</a>"));
    }
    for page in site.output_files().iter().filter(|f| f.ends_with(".html")) {
        assert_contains(&site.read(page), r#"<a href="/sitemap/">网站地图</a>"#);
    }
    assert_contains(
        &site.read("sitemap.xml"),
        "https://www.example.gov.cn/sitemap/",
    );
}

#[test]
fn a_permalink_too_long_for_a_qr_code_is_an_error_naming_the_page() {
    let base = format!("https://www.example.gov.cn/{}/", "campaign-".repeat(22));
    let site = default_theme_site(&base);
    let stderr = site.build().fails();
    assert_contains(&stderr, "too long for the page's QR code");
    assert_contains(
        &stderr,
        "(while rendering content/articles/2026/opening.md)",
    );
    assert_contains(&stderr, "use a shorter `base_url` or `slug`");
    assert!(!site.exists("index.html"), "no output after a failed build");
}

#[test]
fn a_site_overriding_the_article_template_includes_the_tools_as_partials() {
    let site = default_theme_site("https://www.example.gov.cn/");
    site.file(
        "templates/page.html",
        r#"{% extends "base.html" %}
{% block content %}<div class="own-layout">
<article class="article" data-permalink="{{ page.permalink }}"><h1>{{ page.title }}</h1>
{% include "partials/page_tools.html" %}
<div class="prose article__body">{{ page.content | safe }}</div></article>
{% include "partials/page_qr.html" %}</div>
{% endblock content %}"#,
    );
    site.build().ok();
    let html = site.read("articles/2026/opening/index.html");
    assert_contains(&html, r#"<div class="own-layout">"#);
    assert_contains(&html, r#"id="read-aloud""#);
    assert_contains(
        &html,
        r#"aria-label="本页网址的二维码：https://www.example.gov.cn/articles/2026/opening/""#,
    );
    assert_contains(&html, "<script src=\"/js/tools.");
    // A template without the partials builds too: the tools are optional.
    site.file(
        "templates/page.html",
        r#"{% extends "base.html" %}{% block content %}<h1>{{ page.title }}</h1>{% endblock content %}"#,
    );
    site.build().ok();
    assert_lacks(&site.read("articles/2026/opening/index.html"), "qr-code");
}
