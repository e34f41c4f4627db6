//! The search index as built: written under `public/search/`, searched with the Rust
//! twin of the browser's `search.js`, reading only what a query needs.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use common::TestSite;
use herald::search::query::{self, Folder};
use herald::search::writer::{GROUP, Manifest, PER_FILE, paths, shard_of};

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
    let hits = query::search(&mut Folder::new(site.path("public/search")), "个人信息", 10)
        .unwrap()
        .hits;
    let doc_files: BTreeSet<String> = hits
        .iter()
        .map(|h| manifest.doc_path(h.id as usize).unwrap().0)
        .collect();
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
    let docs: BTreeSet<String> = read
        .iter()
        .filter(|p| p.starts_with("docs/"))
        .map(|p| p.to_string())
        .collect();
    assert_eq!(docs, doc_files, "the document files of the results shown");
    let others: BTreeSet<String> = read
        .iter()
        .filter(|p| !p.starts_with("docs/"))
        .map(|p| p.to_string())
        .collect();
    assert_eq!(others, expected);
    // Nothing is read twice.
    assert_eq!(read.len(), read.iter().collect::<BTreeSet<_>>().len());
}

#[test]
fn terms_in_most_articles_are_found_from_their_bitmap() {
    let site = TestSite::new();
    for i in 0..60u32 {
        let text = match i % 3 {
            0 => "普通的一天",
            _ => "网络安全宣传",
        };
        let date = format!("2025-01-{:02}", 1 + i % 28);
        site.article(&format!("a{i}.md"), &format!("标题{i}"), &date, "", text);
    }
    site.build().ok();
    let manifest: Manifest = serde_json::from_str(&site.read("search/index.json")).unwrap();
    let n = shard_of("网络", manifest.shards.len());
    let shard: BTreeMap<String, String> = serde_json::from_str(
        &site.read(&format!("search/{}", paths::shard(n, &manifest.shards[n]))),
    )
    .unwrap();
    assert!(shard["网络"].starts_with('.'), "{}", shard["网络"]);
    let results =
        query::search(&mut Folder::new(site.path("public/search")), "网络安全", 10).unwrap();
    assert_eq!(results.hits.len(), 40);
    assert_eq!(titles(&site, "一天").len(), 10);
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
    // A new article (the newest, one term) changes its group, the shard of its term and the
    // manifest; the other files keep their names and bytes.
    site.article("new.md", "新", "2026-10-01", "", "新");
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
    assert_eq!(
        docs_kept,
        2 * GROUP / PER_FILE,
        "the first two groups are untouched"
    );
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
    assert_eq!(titles(&site, "新"), ["新"]);
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

/// The index files of a build (`search/` but the page), path → bytes.
fn index_files(public: &Path) -> BTreeMap<String, Vec<u8>> {
    common::files_with_bytes(&public.join("search"))
        .into_iter()
        .filter(|(rel, _)| rel != "index.html")
        .map(|(rel, bytes)| (format!("search/{rel}"), bytes))
        .collect()
}

/// The index a build of `site`'s sources from nothing (no cache, no output) writes.
fn fresh_index(site: &TestSite) -> BTreeMap<String, Vec<u8>> {
    index_files(&site.built_from_scratch().path("public"))
}

/// `herald build` with timings, returning what the index said it did.
fn build_noting(site: &TestSite) -> String {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_herald"))
        .arg("build")
        .current_dir(site.root())
        .env("HERALD_NOW", "2026-11-22T12:00:00+08:00")
        .env("HERALD_TIMINGS", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{stderr}");
    stderr
        .lines()
        .find(|l| l.contains("articles tokenised"))
        .unwrap_or("nothing tokenised")
        .trim()
        .to_string()
}

/// Each index file's inode: a file kept from the previous output keeps its inode.
#[cfg(unix)]
fn inodes(public: &Path) -> BTreeMap<String, u64> {
    use std::os::unix::fs::MetadataExt;
    walkdir::WalkDir::new(public.join("search"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().to_string_lossy().into_owned(),
                e.metadata().unwrap().ino(),
            )
        })
        .collect()
}

/// One edit of the site between two builds.
struct Step {
    what: &'static str,
    edit: fn(&TestSite),
    /// What the build says it tokenised: "N of M".
    tokenised: &'static str,
    /// Whether the articles keep their numbers, so that most files are kept.
    in_place: bool,
}

fn body(i: u32) -> String {
    format!("改写后的正文{i}，网络安全宣传。Wi-Fi 密码")
}

const STEPS: [Step; 8] = [
    Step {
        what: "an edit in place",
        edit: |s| {
            s.article("a7.md", "文章7", "2025-01-08", "", &body(7));
        },
        tokenised: "1 of 300",
        in_place: true,
    },
    Step {
        what: "two articles far apart edited",
        edit: |s| {
            s.article("a20.md", "文章20", "2025-01-21", "", &body(20));
            s.article("a250.md", "文章250", "2025-09-27", "", "网络安全 xyzzy");
        },
        tokenised: "2 of 300",
        in_place: true,
    },
    Step {
        what: "a new newest article",
        edit: |s| {
            s.article("n1.md", "最新文章", "2026-10-01", "tags: [新]\n", &body(1));
        },
        tokenised: "1 of 301",
        in_place: true,
    },
    Step {
        what: "an old article added (the newer ones renumbered)",
        edit: |s| {
            s.article("old.md", "旧文", "2020-01-01", "", "独有的词 xyzzy");
        },
        tokenised: "1 of 302",
        in_place: false,
    },
    Step {
        what: "an article deleted",
        edit: |s| std::fs::remove_file(s.path("content/articles/a100.md")).unwrap(),
        tokenised: "0 of 301",
        in_place: false,
    },
    Step {
        what: "the newest deleted, a title and date changed",
        edit: |s| {
            std::fs::remove_file(s.path("content/articles/n1.md")).unwrap();
            s.article("a3.md", "新标题", "2025-04-04", "", "");
        },
        tokenised: "1 of 300",
        in_place: false,
    },
    Step {
        what: "a term gone from every article",
        edit: |s| {
            s.article("old.md", "旧文", "2020-01-01", "", "网络");
        },
        tokenised: "1 of 300",
        in_place: true,
    },
    Step {
        what: "most articles edited",
        edit: |s| {
            for i in 0..200 {
                s.article(
                    &format!("a{i}.md"),
                    &format!("文章{i}"),
                    "2024-01-01",
                    "",
                    &body(i),
                );
            }
        },
        tokenised: "301 of 301",
        in_place: false,
    },
];

#[test]
fn builds_after_edits_keep_the_index_and_equal_a_fresh_build() {
    let site = many(300);
    assert!(build_noting(&site).contains("300 of 300 articles tokenised"));
    assert!(site.path(".herald-cache/search-index.bin").is_file());
    assert_eq!(index_files(&site.path("public")), fresh_index(&site));
    for step in STEPS {
        #[cfg(unix)]
        let before = inodes(&site.path("public"));
        (step.edit)(&site);
        let said = build_noting(&site);
        let what = step.what;
        assert!(
            said.contains(&format!("{} articles tokenised", step.tokenised)),
            "{what}: {said}"
        );
        let index = index_files(&site.path("public"));
        assert_eq!(
            index,
            fresh_index(&site),
            "{what}: the same bytes as a fresh build"
        );
        #[cfg(unix)]
        if step.in_place {
            // Only files whose bytes changed were written: a file of the same name
            // is the one the last build wrote; and most document files are such.
            let after = inodes(&site.path("public"));
            let same: Vec<&String> = after
                .keys()
                .filter(|p| before.contains_key(*p) && !p.ends_with("index.json"))
                .collect();
            for path in &same {
                assert_eq!(before[*path], after[*path], "{what}: {path} written again");
            }
            let docs = |files: &[&String]| files.iter().filter(|p| p.contains("/docs/")).count();
            let all_docs: Vec<&String> = after.keys().collect();
            assert!(
                docs(&same) * 2 > docs(&all_docs),
                "{what}: most document files kept"
            );
        }
    }
}

#[test]
fn a_damaged_or_missing_index_cache_is_made_again() {
    let site = many(70);
    site.build().ok();
    let cache = site.path(".herald-cache/search-index.bin");
    let mut bytes = std::fs::read(&cache).unwrap();
    bytes.truncate(bytes.len() / 2);
    std::fs::write(&cache, &bytes).unwrap();
    site.article("a1.md", "改了", "2025-01-02", "", "新的正文");
    assert!(build_noting(&site).contains("70 of 70 articles tokenised"));
    assert_eq!(index_files(&site.path("public")), fresh_index(&site));
    // The output's files gone (another folder, say): made again from what is kept.
    std::fs::remove_dir_all(site.path("public")).unwrap();
    site.article("a2.md", "又改了", "2025-01-03", "", "又一个正文");
    assert!(build_noting(&site).contains("1 of 70 articles tokenised"));
    assert_eq!(index_files(&site.path("public")), fresh_index(&site));
}

#[test]
fn an_edit_saves_what_changed_beside_the_kept_index() {
    let site = many(300);
    site.build().ok();
    let base = site.path(".herald-cache/search-index.bin");
    let delta = site.path(".herald-cache/search-index-delta.bin");
    let base_bytes = std::fs::read(&base).unwrap();
    assert!(!delta.exists());

    site.article("a7.md", "文章7", "2025-01-08", "", &body(7));
    assert!(build_noting(&site).contains("1 of 300 articles tokenised"));
    assert_eq!(
        std::fs::read(&base).unwrap(),
        base_bytes,
        "the base is kept"
    );
    let delta_len = std::fs::metadata(&delta).unwrap().len() as usize;
    assert!(delta_len * 8 < base_bytes.len(), "{delta_len} bytes");

    // Read back with its delta: the next edit tokenises only its own article.
    site.article("a9.md", "文章9", "2025-01-10", "", "网络安全 新词汇");
    assert!(build_noting(&site).contains("1 of 300 articles tokenised"));
    assert_eq!(
        std::fs::read(&base).unwrap(),
        base_bytes,
        "the base is kept"
    );
    assert_eq!(index_files(&site.path("public")), fresh_index(&site));

    // Changes of an eighth of the base or more: a new base, and no delta.
    for i in 100..160 {
        site.article(
            &format!("a{i}.md"),
            &format!("文章{i}"),
            "2025-05-01",
            "",
            &body(i),
        );
    }
    build_noting(&site);
    assert_ne!(std::fs::read(&base).unwrap(), base_bytes, "a new base");
    assert!(!delta.exists());
    assert_eq!(index_files(&site.path("public")), fresh_index(&site));

    // A damaged delta is left out: the base alone is an older index, brought up to
    // date like any kept index.
    site.article("a8.md", "文章8", "2025-01-09", "", &body(8));
    build_noting(&site);
    let mut bytes = std::fs::read(&delta).unwrap();
    bytes.truncate(bytes.len() - 5);
    std::fs::write(&delta, &bytes).unwrap();
    site.article("a8.md", "文章8", "2025-01-09", "", "又改了一次");
    assert!(build_noting(&site).contains("1 of 300 articles tokenised"));
    assert_eq!(index_files(&site.path("public")), fresh_index(&site));
}
