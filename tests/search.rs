//! The search index as built: written under `public/search/`, searched with the Rust
//! twin of the browser's `search.js`, reading only what a query needs.

mod common;

use std::collections::BTreeSet;

use common::TestSite;
use herald::search::query::{self, Folder};
use herald::search::writer::{Manifest, paths, shard_of};

fn site() -> TestSite {
    let site = TestSite::new();
    site.file(
        "content/topics/fraud/_index.md",
        "---\ntitle: 反诈骗专题\n---\n",
    )
    .article(
        "a.md",
        "警惕电信诈骗新套路",
        "2026-09-10",
        "tags: [反诈]\ntopics: [fraud]\n",
        "近期出现冒充客服的**诈骗**，请勿点击陌生链接。诈骗分子还会索要验证码。",
    )
    .article(
        "b.md",
        "个人信息保护宣传周开幕",
        "2026-09-14",
        "tags: [个人信息]\nsummary: 宣传周开幕式在市民中心举行。\n",
        "全市开展网络安全宣传周活动，普及个人信息保护知识。谨防诈骗。\n\n```rust\nfn hidden_code_word() {}\n```",
    )
    .article(
        "c.md",
        "公共Wi-Fi使用指南",
        "2025-05-01",
        "",
        "连接公共 Wi-Fi 时不要登录网银；使用 5G 网络更安全。下载 APP 请认准官方渠道。",
    )
    .article(
        "d.md",
        "旧闻：网络安全知识竞赛",
        "2024-01-01",
        "topics: [fraud]\n",
        "竞赛题目涵盖密码安全与个人信息。",
    );
    site
}

fn search(site: &TestSite, q: &str) -> (Vec<String>, Folder) {
    let mut folder = Folder::new(site.path("public/search"));
    let results = query::search(&mut folder, q, 10).unwrap_or_else(|e| panic!("{q}: {e}"));
    let titles = results.shown.iter().map(|d| d.title.clone()).collect();
    (titles, folder)
}

fn titles(site: &TestSite, q: &str) -> Vec<String> {
    search(site, q).0
}

#[test]
fn finds_chinese_and_english_words_titles_first() {
    let site = site();
    site.build().ok();
    // 诈骗 is in a's title and text, in b's text, in the topic of a and d.
    assert_eq!(
        titles(&site, "诈骗"),
        [
            "警惕电信诈骗新套路",
            "个人信息保护宣传周开幕",
            "旧闻：网络安全知识竞赛"
        ]
    );
    assert_eq!(
        titles(&site, "个人信息"),
        ["个人信息保护宣传周开幕", "旧闻：网络安全知识竞赛"]
    );
    assert_eq!(titles(&site, "宣传周"), ["个人信息保护宣传周开幕"]);
    for q in ["Wi-Fi", "wifi", "WIFI", "ｗｉｆｉ", "wi"] {
        assert_eq!(titles(&site, q), ["公共Wi-Fi使用指南"], "{q}");
    }
    assert_eq!(titles(&site, "5G网络"), ["公共Wi-Fi使用指南"]);
    assert_eq!(titles(&site, "app"), ["公共Wi-Fi使用指南"]);
    // Every word must match; punctuation is ignored.
    assert_eq!(titles(&site, "诈骗，验证码"), ["警惕电信诈骗新套路"]);
    assert!(titles(&site, "诈骗 Wi-Fi").is_empty());
    // Tags and topics are searchable; code is not.
    assert_eq!(titles(&site, "反诈骗专题").len(), 2);
    assert!(titles(&site, "hidden_code_word").is_empty());
    // A summary written in front matter is indexed.
    assert_eq!(titles(&site, "市民中心"), ["个人信息保护宣传周开幕"]);
}

#[test]
fn documents_carry_what_results_show() {
    let site = site();
    site.build().ok();
    let mut folder = Folder::new(site.path("public/search"));
    let results = query::search(&mut folder, "宣传周", 10).unwrap();
    let doc = &results.shown[0];
    assert_eq!(doc.url, "articles/b/");
    assert_eq!(doc.date, "2026-09-14");
    assert_eq!(doc.summary, "宣传周开幕式在市民中心举行。");
    assert!(doc.text.contains("普及个人信息保护知识"));
    assert!(!doc.text.contains("hidden_code_word"));
}

#[test]
fn a_query_reads_only_its_shards_and_its_results() {
    let site = site();
    site.build().ok();
    let manifest: Manifest = serde_json::from_str(&site.read("search/index.json")).unwrap();
    let (found, folder) = search(&site, "个人信息");
    assert_eq!(found.len(), 2);
    let shards: BTreeSet<usize> = ["个人", "人信", "信息"]
        .iter()
        .map(|t| shard_of(t, manifest.shards.len()))
        .collect();
    let mut expected: BTreeSet<String> = shards
        .iter()
        .map(|&n| paths::shard(n, &manifest.shards[n]))
        .collect();
    expected.insert(paths::MANIFEST.into());
    let read: Vec<&str> = folder.read.iter().map(|(p, _)| p.as_str()).collect();
    let docs: Vec<&&str> = read.iter().filter(|p| p.starts_with("docs/")).collect();
    assert_eq!(
        docs.len(),
        2,
        "one document file per result shown: {read:?}"
    );
    let others: BTreeSet<String> = read
        .iter()
        .filter(|p| !p.starts_with("docs/"))
        .map(|p| p.to_string())
        .collect();
    assert_eq!(others, expected);
    // Nothing is read twice.
    assert_eq!(read.len(), read.iter().collect::<BTreeSet<_>>().len());
}

/// A site of `n` articles with varied text, big enough for several shards and blocks.
fn many(n: u32) -> TestSite {
    let site = TestSite::new();
    for i in 0..n {
        let body: String = (0..200u32)
            .map(|k| char::from_u32(0x4e00 + (i * 7919 + k * 104_729) % 20_000).unwrap())
            .collect();
        let date = format!("2025-{:02}-{:02}", 1 + i / 28 % 12, 1 + i % 28);
        site.article(&format!("a{i}.md"), &format!("文章{i}"), &date, "", &body);
    }
    site
}

#[test]
fn index_is_deterministic_and_names_follow_content() {
    let site = many(130);
    site.build().ok();
    let files = |site: &TestSite| -> Vec<(String, Vec<u8>)> {
        site.output_files()
            .into_iter()
            .filter(|f| f.starts_with("search/") && f != "search/index.html")
            .map(|f| {
                let bytes = std::fs::read(site.path("public").join(&f)).unwrap();
                (f, bytes)
            })
            .collect()
    };
    let first = files(&site);
    let manifest: Manifest = serde_json::from_str(&site.read("search/index.json")).unwrap();
    assert!(
        manifest.shards.len() >= 4,
        "{} shards",
        manifest.shards.len()
    );
    assert_eq!(manifest.blocks.len(), 3);
    site.build().ok();
    assert_eq!(first, files(&site), "same input, same bytes");
    // A new article (the newest) changes its block, the shards of its terms and the
    // manifest; the other files keep their names and bytes.
    site.article("new.md", "新文章", "2026-10-01", "", "全新的内容。");
    site.build().ok();
    let second = files(&site);
    let names = |files: &[(String, Vec<u8>)]| -> BTreeSet<String> {
        files.iter().map(|(f, _)| f.clone()).collect()
    };
    let (a, b) = (names(&first), names(&second));
    let docs_kept = a
        .intersection(&b)
        .filter(|f| f.starts_with("search/docs/"))
        .count();
    assert_eq!(docs_kept, 128, "the first two blocks are untouched");
    let terms = |set: &BTreeSet<String>| {
        set.iter()
            .filter(|f| f.starts_with("search/terms/"))
            .count()
    };
    assert!(
        terms(&a.intersection(&b).cloned().collect()) > 0,
        "some shards are untouched"
    );
    for (path, bytes) in &first {
        if b.contains(path) && path != "search/index.json" {
            let now = &second.iter().find(|(p, _)| p == path).unwrap().1;
            assert_eq!(bytes, now, "{path} kept its name, so its bytes");
        }
    }
    assert_eq!(titles(&site, "全新"), ["新文章"]);
}

#[test]
fn default_theme_page_finds_the_index_under_a_sub_path() {
    let site = site();
    // The built-in default theme, not the small test theme.
    std::fs::remove_dir_all(site.path("themes")).unwrap();
    site.run(&["build", "--base-url", "https://example.gov.cn/campaign/"])
        .ok();
    // Document URLs are site paths; the page tells the script where the index and
    // the site's root are.
    assert_eq!(titles(&site, "诈骗").len(), 3);
    let page = site.read("search/index.html");
    common::assert_contains(&page, r#"data-index="/campaign/search/""#);
    common::assert_contains(&page, r#"data-root="/campaign/""#);
    common::assert_contains(&page, r#"role="status""#);
    common::assert_contains(&page, "/campaign/js/search.");
    let home = site.read("index.html");
    common::assert_contains(&home, r#"action="/campaign/search/""#);
}

#[test]
fn search_off_writes_nothing() {
    let site = site();
    std::fs::remove_dir_all(site.path("themes")).unwrap();
    site.file(
        "config.yaml",
        &format!("{}search: {{ enabled: false }}\n", common::CONFIG),
    );
    site.build().ok();
    let search: Vec<String> = site
        .output_files()
        .into_iter()
        .filter(|f| f.starts_with("search/"))
        .collect();
    assert!(search.is_empty(), "{search:?}");
    // No search box in the header either.
    common::assert_lacks(&site.read("index.html"), "role=\"search\"");
}
