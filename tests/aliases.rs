//! `aliases:` in front matter: redirect pages, the nginx map beside the output,
//! collisions, and the warning when a page moved since the last build.

mod common;

use common::{TestSite, assert_contains, assert_lacks};

fn site() -> TestSite {
    let site = TestSite::new();
    site.article(
        "2026/opening.md",
        "全市网络安全宣传周开幕",
        "2026-09-14",
        "aliases: [\"/old/opening/\", \"/2019/news-12.html\", \"/旧栏目/开幕\"]\n",
        "正文",
    );
    site
}

#[test]
fn each_alias_gets_a_redirect_page() {
    let site = site();
    site.build().ok();
    for file in [
        "old/opening/index.html",
        "2019/news-12.html",
        "旧栏目/开幕/index.html",
    ] {
        let html = site.read(file);
        assert_contains(
            &html,
            "<meta http-equiv=\"refresh\" content=\"0; url=/articles/2026/opening/\">",
        );
        assert_contains(
            &html,
            "<link rel=\"canonical\" href=\"https://www.example.gov.cn/articles/2026/opening/\">",
        );
        assert_contains(&html, "<meta name=\"robots\" content=\"noindex\">");
        assert_contains(
            &html,
            "<a href=\"/articles/2026/opening/\">全市网络安全宣传周开幕</a>",
        );
    }
    // Redirects are not pages of the site.
    let sitemap = site.read("sitemap.xml");
    assert_lacks(&sitemap, "old/opening");
    assert_lacks(&sitemap, "news-12");
}

#[test]
fn the_nginx_map_is_written_beside_the_output() {
    let site = site();
    site.file(
        "config.yaml",
        "title: 测试\nbase_url: https://www.example.gov.cn/campaign/\n",
    );
    site.build().ok();
    let map = site.read_file("public.redirects.map");
    assert_contains(
        &map,
        "\"/campaign/old/opening/\" \"/campaign/articles/2026/opening/\";\n",
    );
    assert_contains(
        &map,
        "\"/campaign/2019/news-12.html\" \"/campaign/articles/2026/opening/\";\n",
    );
    assert_contains(
        &map,
        "\"/campaign/旧栏目/开幕/\" \"/campaign/articles/2026/opening/\";\n",
    );
    assert!(!site.exists("public.redirects.map"));
    assert!(!site.output_files().iter().any(|f| f.ends_with(".map")));
    // A second build is up to date although the map was written after the first.
    assert_contains(&site.build().ok().stdout, "up to date");

    // Elsewhere on request, but never inside the output.
    site.run(&["build", "--redirects-map", "deploy/redirects.map"])
        .ok();
    assert_contains(
        &site.read_file("deploy/redirects.map"),
        "\"/campaign/old/opening/\"",
    );
    let err = site
        .run(&["build", "--redirects-map", "public/redirects.map"])
        .fails();
    assert_contains(&err, "would be inside the output folder");
}

#[test]
fn an_alias_on_a_page_or_another_alias_names_both_files() {
    let site = site();
    site.article("other.md", "另一篇", "2026-09-01", "", "正文");
    site.article(
        "third.md",
        "第三篇",
        "2026-09-02",
        "aliases:\n  - /articles/other/\n",
        "正文",
    );
    let err = site.build().fails();
    assert_contains(
        &err,
        "error: content/articles/third.md:4: two pages would be written to /articles/other/: content/articles/other.md and the alias `/articles/other/` in content/articles/third.md",
    );
    assert_contains(&err, "help: an alias may not take the URL of a page");

    let site = site_with_two_aliases();
    let err = site.build().fails();
    assert_contains(
        &err,
        "two pages would be written to /old/opening/: the alias `/old/opening/` in content/articles/2026/opening.md and the alias `/old/opening/` in content/articles/b.md",
    );
}

fn site_with_two_aliases() -> TestSite {
    let site = site();
    site.article(
        "b.md",
        "乙",
        "2026-09-01",
        "aliases: /old/opening\n",
        "正文",
    );
    site
}

#[test]
fn bad_aliases_are_errors_on_their_line() {
    let site = TestSite::new();
    site.article(
        "a.md",
        "甲",
        "2026-09-01",
        "tags: [x]\naliases: [\"old/a/\"]\n",
        "正文",
    );
    let err = site.build().fails();
    assert_contains(
        &err,
        "error: content/articles/a.md:5: the alias `old/a/` must be a path of this site starting with `/`",
    );
    site.article(
        "a.md",
        "甲",
        "2026-09-01",
        "aliases: [\"/a/../../etc/\"]\n",
        "正文",
    );
    assert_contains(&site.build().fails(), "is not a plain path");
}

#[test]
fn a_moved_page_warns_until_an_alias_covers_its_old_url() {
    let site = TestSite::new();
    site.article("a.md", "甲", "2026-09-01", "slug: first\n", "正文");
    site.build().ok();
    site.article("a.md", "甲", "2026-09-01", "slug: second\n", "正文");
    let run = site.build().ok();
    assert_contains(
        &run.stderr,
        "warning: content/articles/a.md:4: this page was published at /articles/first/ by the last build and is now at /articles/second/: links to the old URL will break",
    );
    assert_contains(
        &run.stderr,
        "help: to keep old links working, add to its front matter: aliases: [\"/articles/first/\"]",
    );
    // Still warned about on the next build, until an alias covers the old URL.
    site.article("a.md", "甲", "2026-09-01", "slug: second\n", "正文改");
    assert_contains(&site.build().ok().stderr, "published at /articles/first/");
    site.article(
        "a.md",
        "甲",
        "2026-09-01",
        "slug: second\naliases: [\"/articles/first/\"]\n",
        "正文改",
    );
    let run = site.build().ok();
    assert_lacks(&run.stderr, "published at");
    assert!(site.exists("articles/first/index.html"));
}

#[test]
fn a_first_build_or_another_output_does_not_warn() {
    let site = TestSite::new();
    site.article("a.md", "甲", "2026-09-01", "slug: first\n", "正文");
    site.build().ok();
    site.article("a.md", "甲", "2026-09-01", "slug: second\n", "正文");
    let run = site.run(&["build", "--output", "elsewhere"]).ok();
    assert_lacks(&run.stderr, "published at");
    // Each output keeps its own record: back to public/, the move is still seen.
    assert_contains(&site.build().ok().stderr, "published at /articles/first/");
}
