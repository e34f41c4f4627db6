//! `herald build` on small sites: what it writes, at which URLs, with which content.

mod common;

use common::{TestSite, assert_contains, assert_lacks};

fn news_site() -> TestSite {
    let site = TestSite::new();
    site.file("content/articles/_index.md", "---\ntitle: 新闻\n---\n")
        .file(
            "content/topics/week/_index.md",
            "---\ntitle: 宣传周专题\n---\n专题介绍。\n",
        )
        .article(
            "2024/old.md",
            "旧闻",
            "2024-03-01",
            "tags: [网络安全]\ntopics: [week]\n",
            "旧的正文。",
        )
        .article(
            "2025/middle.md",
            "中间",
            "2025-06-01",
            "tags: [网络安全, 反诈]\n",
            "中间的正文。",
        )
        .article(
            "2026/全市宣传周.md",
            "全市开展宣传周活动",
            "2026-09-14",
            "tags: [宣传周]\ntopics: [week]\n",
            "最新的正文。",
        )
        .article(
            "2026/pinned.md",
            "置顶通知",
            "2023-01-01",
            "pinned: true\ntopics: [week]\n",
            "置顶的正文。",
        );
    site
}

#[test]
fn pretty_urls_and_pinyin_slugs() {
    let site = news_site();
    let run = site.build().ok();
    assert_contains(&run.stdout, "built ");
    assert_contains(&run.stdout, "(4 articles, 1 topic, 3 tags)");
    assert!(site.exists("articles/2026/quan-shi-xuan-chuan-zhou/index.html"));
    assert!(site.exists("articles/2024/old/index.html"));
    assert!(site.exists("index.html"));
    assert!(site.exists("404.html"));
}

#[test]
fn archive_is_pinned_first_then_newest_and_paginated() {
    let site = news_site();
    site.build().ok();
    let first = site.read("articles/index.html");
    let order: Vec<usize> = ["置顶通知", "全市开展宣传周活动"]
        .iter()
        .map(|t| first.find(t).unwrap())
        .collect();
    assert!(order[0] < order[1], "pinned first");
    assert_lacks(&first, "中间");
    let second = site.read("articles/page/2/index.html");
    assert!(second.find("中间").unwrap() < second.find("旧闻").unwrap());
    assert_contains(&second, "href=\"/articles/\" rel=\"prev\"");
    assert!(!site.exists("articles/page/3/index.html"));
}

#[test]
fn year_archives_link_every_year() {
    let site = news_site();
    site.build().ok();
    let y2026 = site.read("articles/2026/index.html");
    assert_contains(&y2026, "全市开展宣传周活动");
    assert_lacks(&y2026, "旧闻");
    for year in ["2023", "2024", "2025", "2026"] {
        assert_contains(&y2026, &format!("href=\"/articles/{year}/\""));
    }
}

#[test]
fn tags_and_topics_gather_articles() {
    let site = news_site();
    site.build().ok();
    let tags = site.read("tags/index.html");
    assert_contains(
        &tags,
        "<a href=\"/tags/wang-luo-an-quan/\">网络安全</a>（2）",
    );
    let tag = site.read("tags/fan-zha/index.html");
    assert_contains(&tag, "中间");
    let topic = site.read("topics/week/index.html");
    assert_contains(&topic, "本专题共收录 3 篇文章");
    assert_contains(&topic, "专题介绍。");
    let topic2 = site.read("topics/week/page/2/index.html");
    assert_contains(&topic2, "旧闻");
    assert_contains(&site.read("topics/index.html"), "宣传周专题</a>（3 篇）");
}

#[test]
fn drafts_and_future_articles_need_the_flag() {
    let site = TestSite::new();
    site.article("draft.md", "草稿", "2026-01-01", "draft: true\n", "x")
        .article("future.md", "未来", "2027-01-01", "", "x")
        .article("now.md", "现在", "2026-01-01", "", "x");
    site.build().ok();
    assert!(!site.exists("articles/draft/index.html"));
    assert!(!site.exists("articles/future/index.html"));
    assert_lacks(&site.read("articles/index.html"), "草稿");
    site.run(&["build", "--drafts"]).ok();
    assert!(site.exists("articles/draft/index.html"));
    assert!(site.exists("articles/future/index.html"));
}

#[test]
fn markdown_features_headings_toc_and_summary() {
    let site = TestSite::new();
    let body = "开头一段。\n\n<!-- more -->\n\n## 活动概况\n\n| 项目 | 时间 |\n|---|---|\n| 讲座 | 9月 |\n\n## 活动概况\n\n### 细节 {#details}\n\n脚注[^1]。\n\n[^1]: 说明\n\n- [x] 完成\n\n~~删除~~\n";
    site.article("a.md", "文章", "2026-01-01", "", body);
    site.build().ok();
    let html = site.read("articles/a/index.html");
    assert_contains(&html, "<h2 id=\"huo-dong-gai-kuang\">活动概况</h2>");
    assert_contains(&html, "<h2 id=\"huo-dong-gai-kuang-1\">活动概况</h2>");
    assert_contains(&html, "<h3 id=\"details\">细节</h3>");
    assert_contains(&html, "<nav class=\"toc\"");
    assert_contains(&html, "<a href=\"#details\">");
    assert_contains(&html, "<table>");
    assert_contains(&html, "footnote-definition");
    assert_contains(&html, "<del>删除</del>");
    assert_contains(&html, "type=\"checkbox\"");
    let list = site.read("articles/index.html");
    assert_contains(&list, "<p>开头一段。</p>");
    assert_lacks(&list, "活动概况");
}

#[test]
fn internal_links_resolve_with_anchors() {
    let site = TestSite::new();
    site.article(
        "a.md",
        "甲",
        "2026-01-01",
        "",
        "见[乙](@/articles/sub/b.md#xiang-qing)，[首页](@/_index.md)。",
    )
    .article("sub/b.md", "乙", "2026-01-02", "", "## 详情\n\n正文");
    site.build().ok();
    let html = site.read("articles/a/index.html");
    assert_contains(&html, "<a href=\"/articles/sub/b/#xiang-qing\">乙</a>");
    assert_contains(&html, "<a href=\"/\">首页</a>");
}

#[test]
fn code_is_highlighted_with_generated_light_and_dark_stylesheet() {
    let site = TestSite::new();
    site.article(
        "code.md",
        "代码",
        "2026-01-01",
        "",
        "```toml\n[server]\nport = 80\n```\n\n```klingon\n<x>\n```\n",
    );
    site.build().ok();
    let html = site.read("articles/code/index.html");
    assert_contains(
        &html,
        "<pre class=\"highlight\" tabindex=\"0\"><code class=\"language-toml\"",
    );
    assert_contains(&html, "class=\"hl-");
    assert_contains(
        &html,
        "<pre tabindex=\"0\"><code class=\"language-klingon\" data-lang=\"klingon\">&lt;x&gt;",
    );
    let css_name = site
        .output_files()
        .into_iter()
        .find(|f| f.starts_with("css/highlight."))
        .expect("highlight css");
    let css = site.read(&css_name);
    assert_contains(&css, ".hl-");
    assert_contains(&css, "prefers-color-scheme: dark");
    assert_contains(&html, &format!("href=\"/{css_name}\""));
}

#[test]
fn reading_time_counts_chinese_characters() {
    let site = TestSite::new();
    site.article("long.md", "长文", "2026-01-01", "", &"字".repeat(1200));
    site.build().ok();
    assert_contains(&site.read("articles/long/index.html"), "阅读约 3 分钟");
}

#[test]
fn feeds_are_valid_xml_with_absolute_urls_and_limit() {
    let site = TestSite::new();
    site.file(
        "config.yaml",
        "title: 测试站点\nbase_url: https://www.example.gov.cn/campaign\nfeeds: { limit: 2 }\n",
    )
    .file("content/topics/week/_index.md", "---\ntitle: 宣传周\n---\n")
    .article(
        "a.md",
        "甲 & <乙>",
        "2026-01-01",
        "topics: [week]\n",
        "正文 <b>粗</b>",
    )
    .article("b.md", "第二", "2026-02-01", "topics: [week]\n", "正文")
    .article("c.md", "第三", "2026-03-01", "", "正文");
    site.build().ok();
    let feed = site.read("atom.xml");
    parse_xml(&feed);
    assert_contains(
        &feed,
        "<link rel=\"self\" type=\"application/atom+xml\" href=\"https://www.example.gov.cn/campaign/atom.xml\"/>",
    );
    assert_eq!(feed.matches("<entry>").count(), 2);
    assert!(feed.find("第三").unwrap() < feed.find("第二").unwrap());
    let topic_feed = site.read("topics/week/atom.xml");
    parse_xml(&topic_feed);
    assert_contains(&topic_feed, "<title>甲 &amp; &lt;乙&gt;</title>");
    assert_contains(
        &topic_feed,
        "https://www.example.gov.cn/campaign/articles/a/",
    );
    assert_contains(&topic_feed, "&lt;b&gt;粗&lt;/b&gt;");
}

#[test]
fn sitemap_robots_and_404() {
    let site = TestSite::new();
    site.article(
        "a.md",
        "甲",
        "2026-01-01",
        "updated: 2026-02-01T08:00:00+08:00\n",
        "x",
    );
    site.build().ok();
    let sitemap = site.read("sitemap.xml");
    parse_xml(&sitemap);
    assert_contains(
        &sitemap,
        "<loc>https://www.example.gov.cn/articles/a/</loc>",
    );
    assert_contains(&sitemap, "<lastmod>2026-02-01T08:00:00+08:00</lastmod>");
    assert_lacks(&sitemap, "404");
    assert_contains(
        &site.read("robots.txt"),
        "Sitemap: https://www.example.gov.cn/sitemap.xml",
    );
    assert_contains(&site.read("404.html"), "页面不存在");
}

#[test]
fn static_files_are_copied_and_site_wins_over_theme() {
    let site = TestSite::new();
    site.file("static/docs/海报 2026.pdf", "pdf")
        .file(
            "themes/mine/templates/index.html",
            "theme {{ asset(path='css/app.css') }}",
        )
        .file("themes/mine/static/a.txt", "theme")
        .file("static/a.txt", "site")
        .file("assets/css/app.css", "body{}")
        .file(
            "config.yaml",
            &format!(
                "{}theme: mine\nsearch: {{ enabled: false }}\n",
                common::CONFIG
            ),
        );
    // The theme lacks most templates; give the site's own.
    for name in ["page.html", "archive.html", "404.html"] {
        site.file(&format!("templates/{name}"), "x");
    }
    site.build().ok();
    assert_eq!(site.read("docs/海报 2026.pdf"), "pdf");
    assert_eq!(site.read("a.txt"), "site");
    let index = site.read("index.html");
    assert!(
        index.starts_with("theme /css/app.") && index.ends_with(".css"),
        "{index}"
    );
}

#[test]
fn build_summary_and_output_flag() {
    let site = TestSite::new();
    site.article("a.md", "甲", "2026-01-01", "", "x");
    let run = site
        .run(&[
            "build",
            "--output",
            "out/site",
            "--base-url",
            "https://staging.example.cn/sub/",
        ])
        .ok();
    assert!(run.stdout.starts_with("built "), "{}", run.stdout);
    assert_contains(&run.stdout, " ms → out/site");
    let html = std::fs::read_to_string(site.path("out/site/index.html")).unwrap();
    assert_contains(&html, "href=\"/sub/css/site.");
    let feed = std::fs::read_to_string(site.path("out/site/atom.xml")).unwrap();
    assert_contains(&feed, "href=\"https://staging.example.cn/sub/atom.xml\"");
}

#[test]
fn rebuild_keeps_unchanged_files_untouched() {
    let site = TestSite::new();
    site.article("a.md", "甲", "2026-01-01", "", "x")
        .article("b.md", "乙", "2026-01-02", "", "y");
    site.build().ok();
    let time = |rel: &str| {
        std::fs::metadata(site.path("public").join(rel))
            .unwrap()
            .modified()
            .unwrap()
    };
    let before_a = time("articles/a/index.html");
    std::thread::sleep(std::time::Duration::from_millis(50));
    // A body change shows on b's page; a's page only names b's title, which stays.
    site.article("b.md", "乙", "2026-01-02", "", "新的正文");
    site.build().ok();
    assert_eq!(time("articles/a/index.html"), before_a);
    assert_contains(&site.read("articles/b/index.html"), "新的正文");
}

fn parse_xml(text: &str) {
    let mut reader = quick_xml::Reader::from_str(text);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("invalid XML at {}: {e}\n{text}", reader.buffer_position()),
        }
    }
}

#[test]
fn a_chinese_sub_path_in_base_url_keeps_every_link_working() {
    let site = TestSite::new();
    site.file(
        "config.yaml",
        "title: 测试站点\nbase_url: https://www.example.gov.cn/宣传周/\npaginate: 2\n",
    )
    .article(
        "a.md",
        "甲文",
        "2026-01-01",
        "",
        "见[乙文](@/articles/b.md)和[手册](/downloads/手册.pdf)。",
    )
    .article("b.md", "乙文", "2026-01-02", "", "正文")
    .file("static/downloads/手册.pdf", "%PDF");
    site.run(&["check"]).ok();
    site.build().ok();
    let page = site.read("articles/a/index.html");
    assert_contains(&page, "/%E5%AE%A3%E4%BC%A0%E5%91%A8/articles/b/");
}
