//! Incremental rebuilds (the engine behind `herald serve`) must give exactly what a
//! full build gives. Each step edits the site as an editor would, rebuilds
//! incrementally, and compares every served file with a fresh full build.

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;

use common::{TestSite, assert_contains};
use herald::serve::{Entry, Outcome, SharedStore, Store, Workspace, build_in_memory, classify};
use herald::site::{Changes, LoadOptions};

const URL: &str = "http://127.0.0.1:1111/";

fn png(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_pixel(width, height, image::Rgb([10, 60, 140]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

fn snapshot(store: &Store) -> BTreeMap<String, Vec<u8>> {
    store
        .paths()
        .into_iter()
        .map(|path| {
            let bytes = match store.get(&path).unwrap() {
                Entry::Bytes(bytes) => bytes.to_vec(),
                Entry::File(source) => std::fs::read(source).unwrap_or_default(),
            };
            (path, bytes)
        })
        .collect()
}

struct Session {
    site: TestSite,
    options: LoadOptions,
    workspace: Workspace,
    store: SharedStore,
}

impl Session {
    fn start(site: TestSite) -> Session {
        let mut options = LoadOptions::new(site.root());
        options.base_url = Some(URL.into());
        options.fingerprint = false;
        options.now = common::NOW.parse().unwrap();
        let mut session = Session {
            workspace: Workspace::new(options.clone()),
            options,
            store: SharedStore::default(),
            site,
        };
        let first = session.workspace.rebuild(
            &Changes {
                config: true,
                ..Changes::default()
            },
            &session.store,
        );
        assert!(
            matches!(first.outcome, Outcome::Applied { .. }),
            "{:?}",
            first.outcome
        );
        session.assert_matches_full_build("first build");
        session
    }

    /// Rebuilds after `paths` changed, which must succeed, and checks the result
    /// against a full build.
    fn changed(&mut self, what: &str, paths: &[&str]) -> Outcome {
        let outcome = self.rebuild(paths);
        assert!(
            matches!(outcome, Outcome::Applied { .. }),
            "{what}: expected a successful rebuild, got {outcome:?}"
        );
        self.assert_matches_full_build(what);
        outcome
    }

    /// Rebuilds after `paths` changed, which must fail; the last good site stays.
    fn fails(&mut self, what: &str, paths: &[&str]) {
        let before = snapshot(&self.store.read().unwrap());
        let outcome = self.rebuild(paths);
        assert!(
            matches!(outcome, Outcome::Failed(_)),
            "{what}: expected the rebuild to fail, got {outcome:?}"
        );
        assert!(
            snapshot(&self.store.read().unwrap()) == before,
            "{what}: a failed rebuild changed the served site"
        );
    }

    fn rebuild(&mut self, paths: &[&str]) -> Outcome {
        let paths: Vec<PathBuf> = paths.iter().map(|p| self.site.path(p)).collect();
        let changes = classify(self.site.root(), "default", &paths);
        self.workspace.rebuild(&changes, &self.store).outcome
    }

    fn assert_matches_full_build(&self, what: &str) {
        let (full, diagnostics) = build_in_memory(&self.options);
        assert!(
            !diagnostics.has_errors(),
            "{what}: full build failed: {diagnostics:?}"
        );
        let expected = snapshot(&full);
        let actual = snapshot(&self.store.read().unwrap());
        let missing: Vec<_> = expected
            .keys()
            .filter(|k| !actual.contains_key(*k))
            .collect();
        let extra: Vec<_> = actual
            .keys()
            .filter(|k| !expected.contains_key(*k))
            .collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{what}: missing {missing:?}, extra {extra:?}"
        );
        for (path, bytes) in &expected {
            if &actual[path] != bytes {
                panic!(
                    "{what}: {path} differs from a full build\n--- incremental ---\n{}\n--- full ---\n{}",
                    String::from_utf8_lossy(&actual[path]),
                    String::from_utf8_lossy(bytes)
                );
            }
        }
    }

    fn write(&self, rel: &str, text: &str) {
        self.site.file(rel, text);
    }
}

fn rich_site() -> TestSite {
    let site = TestSite::new();
    site.file("config.yaml", &format!("{}menu:\n  - {{ name: 首页, url: \"@/_index.md\" }}\n  - {{ name: 关于, url: \"@/about.md\" }}\n", common::CONFIG))
        .file("content/articles/_index.md", "---\ntitle: 新闻\n---\n")
        .file("content/topics/_index.md", "---\ntitle: 专题\n---\n")
        .file("content/topics/week/_index.md", "---\ntitle: 宣传周专题\ncover: /images/banner.png\n---\n专题介绍。\n")
        .file("content/topics/fraud/_index.md", "---\ntitle: 反诈专题\nweight: 2\n---\n反诈。\n")
        .file("content/about.md", "---\ntitle: 关于本站\n---\n见[开幕](@/articles/a.md)。\n")
        .file(
            "content/security-week/2026/_index.md",
            "---\ntitle: 2026宣传周\nstarts: 2026-09-14\nends: 2026-09-20\ntopic: week\nmaterials:\n  - { title: 手册, file: /downloads/a.pdf }\nquiz: quiz\n---\n介绍\n",
        )
        .file("data/quiz.yaml", "title: 竞答\nquestions:\n  - question: 一\n    options: [甲, 乙]\n    answer: A\n")
        .file("static/downloads/a.pdf", "pdf")
        .bytes("assets/images/banner.png", &png(40, 20))
        .file("assets/css/app.css", "body { color: black; }")
        .article("a.md", "开幕", "2026-09-14", "tags: [宣传周]\ntopics: [week]\ncover: /images/banner.png\n", "## 概况\n\n正文 [乙](@/articles/b.md#xiang-qing)")
        .article("b.md", "乙文", "2026-08-01", "tags: [反诈, 宣传周]\ntopics: [fraud]\n", "## 详情\n\n乙的正文")
        .article("c.md", "丙文", "2025-05-01", "tags: [反诈]\n", "丙的正文")
        .article("d.md", "丁文", "2024-01-01", "topics: [fraud, week]\n", "丁的正文");
    site
}

#[test]
fn every_kind_of_edit_matches_a_full_build() {
    let mut s = Session::start(rich_site());
    let served = s.store.read().unwrap().paths();
    assert!(
        served.iter().any(|p| p == "search/index.json")
            && served.iter().any(|p| p.starts_with("search/docs/")),
        "the search index is served and compared: {served:?}"
    );

    s.site.article(
        "b.md",
        "乙文",
        "2026-08-01",
        "tags: [反诈, 宣传周]\ntopics: [fraud]\n",
        "## 详情\n\n乙的正文改了",
    );
    s.changed("body edit", &["content/articles/b.md"]);

    s.site.article(
        "b.md",
        "乙文（修订）",
        "2026-08-01",
        "tags: [反诈, 宣传周]\ntopics: [fraud]\n",
        "## 详情\n\n乙的正文改了",
    );
    s.changed("title edit", &["content/articles/b.md"]);

    s.site
        .article("c.md", "丙文", "2026-10-01", "tags: [反诈]\n", "丙的正文");
    s.changed("date moves it to the top", &["content/articles/c.md"]);

    s.site.article(
        "c.md",
        "丙文",
        "2026-10-01",
        "tags: [反诈, 新标签]\ntopics: [week]\npinned: true\n",
        "丙的正文",
    );
    s.changed("tags, topic and pin", &["content/articles/c.md"]);

    s.site
        .article("e.md", "戊文", "2026-11-01", "tags: [宣传周]\n", "新文章");
    s.changed("new article", &["content/articles/e.md"]);

    s.site.article(
        "e.md",
        "戊文",
        "2026-11-01",
        "tags: [宣传周]\ndraft: true\n",
        "新文章",
    );
    s.changed("made a draft", &["content/articles/e.md"]);

    std::fs::remove_file(s.site.path("content/articles/d.md")).unwrap();
    s.changed("deleted article", &["content/articles/d.md"]);

    std::fs::rename(
        s.site.path("content/articles/c.md"),
        s.site.path("content/articles/c2.md"),
    )
    .unwrap();
    s.changed(
        "renamed article",
        &["content/articles/c.md", "content/articles/c2.md"],
    );

    s.site.article(
        "b.md",
        "乙文（修订）",
        "2026-08-01",
        "tags: [反诈, 宣传周]\ntopics: [fraud]\nslug: bee\n",
        "## 详情\n\n乙的正文改了",
    );
    s.changed(
        "slug change updates links to it",
        &["content/articles/b.md"],
    );

    s.write("content/topics/week/_index.md", "---\ntitle: 宣传周专题（新）\ncover: /images/banner.png\nfeatured: true\n---\n新的介绍。\n");
    s.changed("topic intro", &["content/topics/week/_index.md"]);

    s.write("content/articles/_index.md", "---\ntitle: 新闻动态\n---\n");
    s.changed("archive section title", &["content/articles/_index.md"]);

    s.site.file(
        "themes/default/templates/partials/card.html",
        "<li class=\"card\"><a href=\"{{ item.url }}\">{{ item.title }}</a> 改过的卡片</li>",
    );
    s.changed(
        "template edit",
        &["themes/default/templates/partials/card.html"],
    );

    // The footer is a part rendered once per build (partial_cached): every page
    // showing it must be rendered again.
    s.site.file(
        "themes/default/templates/partials/footer.html",
        "<footer class=\"site-footer\"><p>{{ config.title }} 改过的页脚</p></footer>",
    );
    s.changed(
        "cached part edit",
        &["themes/default/templates/partials/footer.html"],
    );

    s.write(
        "data/quiz.yaml",
        "title: 新竞答\nquestions:\n  - question: 一\n    options: [甲, 乙]\n    answer: B\n",
    );
    s.changed("data edit", &["data/quiz.yaml"]);

    s.write("static/downloads/a.pdf", "a longer pdf now");
    s.changed(
        "static file edit (material size)",
        &["static/downloads/a.pdf"],
    );

    s.site.bytes("assets/images/banner.png", &png(80, 30));
    s.changed(
        "cover image replaced with another size",
        &["assets/images/banner.png"],
    );

    s.write("assets/css/app.css", "body { color: navy; }");
    let outcome = s.changed("stylesheet edit", &["assets/css/app.css"]);
    assert!(
        matches!(&outcome, Outcome::Applied { css_only, .. } if css_only == &["/css/app.css".to_string()]),
        "{outcome:?}"
    );

    s.write("content/security-week/2026/_index.md", "---\ntitle: 2026宣传周\nstarts: 2026-09-14\nends: 2026-09-21\ntopic: week\nmaterials:\n  - { title: 手册（新版）, file: /downloads/a.pdf }\nquiz: quiz\n---\n介绍\n");
    s.changed("week edit", &["content/security-week/2026/_index.md"]);

    s.write(
        "config.yaml",
        &format!(
            "{}title: 改名的站点\n",
            common::CONFIG.replace("title: 测试站点\n", "")
        ),
    );
    s.changed("config edit", &["config.yaml"]);

    s.write(
        "config.yaml",
        &format!("{}search: {{ enabled: false }}\n", common::CONFIG),
    );
    s.changed("search turned off", &["config.yaml"]);
    assert!(
        !s.store
            .read()
            .unwrap()
            .paths()
            .iter()
            .any(|p| p.starts_with("search/"))
    );
}

#[test]
fn broken_edits_keep_the_last_good_site_and_recover() {
    let mut s = Session::start(rich_site());
    let before = snapshot(&s.store.read().unwrap());

    s.write("content/articles/a.md", "---\ntitle: [\n---\n");
    s.fails("broken front matter", &["content/articles/a.md"]);
    assert_eq!(
        snapshot(&s.store.read().unwrap()),
        before,
        "the last good site stays served"
    );

    s.site.article(
        "b.md",
        "乙文",
        "2026-08-01",
        "",
        "正文 [坏](@/articles/nope.md)",
    );
    s.fails("second bad edit while broken", &["content/articles/b.md"]);

    s.site.article(
        "a.md",
        "开幕（修好）",
        "2026-09-14",
        "tags: [宣传周]\n",
        "修好了",
    );
    s.site.article("b.md", "乙文", "2026-08-01", "", "正文好了");
    s.changed(
        "both fixed",
        &["content/articles/a.md", "content/articles/b.md"],
    );

    s.site
        .file("themes/default/templates/page.html", "{% if %}");
    s.fails("broken template", &["themes/default/templates/page.html"]);
    s.site
        .file("themes/default/templates/page.html", "{{ page.title }}");
    s.changed("template fixed", &["themes/default/templates/page.html"]);

    // An edit made while another template is broken must still show once that is
    // fixed, though the fix itself touches no page (serve keeps what changed since
    // the last applied rebuild).
    s.site.file(
        "themes/default/templates/page.html",
        "{{ page.title }}|{{ page.content | safe }}",
    );
    s.changed("page body shown", &["themes/default/templates/page.html"]);
    s.site
        .file("themes/default/templates/archive.html", "{% if %}");
    s.fails("archive broken", &["themes/default/templates/archive.html"]);
    s.site.article(
        "c.md",
        "丙文",
        "2025-05-01",
        "tags: [反诈]\n",
        "丙的正文，改于归档模板坏时",
    );
    s.fails("body edit while broken", &["content/articles/c.md"]);
    s.site.file(
        "themes/default/templates/archive.html",
        "{% for p in paginator.pages %}{{ p.title }}{% endfor %}",
    );
    s.changed("archive fixed", &["themes/default/templates/archive.html"]);
    let store = s.store.read().unwrap();
    let page = snapshot(&store)["articles/c/index.html"].clone();
    assert!(
        String::from_utf8_lossy(&page).contains("改于归档模板坏时"),
        "the edit made while broken shows"
    );
    drop(store);

    s.write("config.yaml", "title: [\n");
    s.fails("broken config", &["config.yaml"]);
    s.site.article("c.md", "丙文改", "2025-05-01", "", "x");
    s.fails("edit while config broken", &["content/articles/c.md"]);
    s.write("config.yaml", common::CONFIG);
    s.changed("config fixed", &["config.yaml"]);
}

#[test]
fn a_body_edit_renders_only_what_shows_it() {
    let mut s = Session::start(rich_site());
    s.site.article(
        "c.md",
        "丙文",
        "2025-05-01",
        "tags: [反诈]\n",
        "丙的正文，改了一个字",
    );
    match s.changed("body edit", &["content/articles/c.md"]) {
        // c's page, its year, the archive page it is on, its tag, feeds and the sitemap
        // at most; not the other articles. Then the search index: the shard of the
        // changed terms (one, in so small an index), the manifest, and the document
        // files of the block of 64 articles holding c (all four here).
        Outcome::Applied { written, .. } => {
            assert!(written <= 8 + 2 + 4, "rendered {written} files")
        }
        other => panic!("{other:?}"),
    }
    s.write(
        "content/about.md",
        "---\ntitle: 关于本站\n---\n见[开幕](@/articles/a.md)。改了。\n",
    );
    match s.changed("standalone page edit", &["content/about.md"]) {
        Outcome::Applied { written, .. } => assert!(written <= 3, "rendered {written} files"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn folder_renames_and_new_folders_are_seen() {
    let mut s = Session::start(rich_site());
    s.site
        .article("2027/x.md", "新文件夹里的文章", "2026-11-02", "", "x");
    s.changed("new folder", &["content/articles/2027"]);
    std::fs::rename(
        s.site.path("content/articles/2027"),
        s.site.path("content/articles/archive-27"),
    )
    .unwrap();
    s.changed(
        "folder renamed",
        &["content/articles/2027", "content/articles/archive-27"],
    );
    std::fs::remove_dir_all(s.site.path("content/articles/archive-27")).unwrap();
    s.changed("folder removed", &["content/articles/archive-27"]);
}

#[test]
fn in_place_edits_body_images_and_dotted_folders_match_a_full_build() {
    let site = rich_site();
    site.bytes("assets/images/pic.png", &png(30, 10)).article(
        "c.md",
        "丙文",
        "2025-05-01",
        "tags: [反诈]\n",
        "看图 ![图](/images/pic.png) 摘要\n\n<!-- more -->\n\n其余",
    );
    let mut s = Session::start(site);

    // An image shown in a body (and its summary) changes size: the pages showing it
    // are rendered again though their Markdown files did not change.
    s.site.bytes("assets/images/pic.png", &png(90, 50));
    s.changed("body image resized", &["assets/images/pic.png"]);

    // Two articles edited in place in one batch, one linking to the other.
    s.site.article(
        "b.md",
        "乙文新",
        "2026-08-01",
        "tags: [反诈, 宣传周]\ntopics: [fraud]\nsummary: 新摘要\n",
        "## 详情\n\n乙的正文",
    );
    s.site.article(
        "c.md",
        "丙文新",
        "2025-05-01",
        "tags: [反诈]\nauthor: 某人\n",
        "丙 [链到乙](@/articles/b.md) <!-- more --> 后",
    );
    s.changed(
        "two in-place edits at once",
        &["content/articles/b.md", "content/articles/c.md"],
    );

    // The same instant written with another offset is another local year: the
    // year lists must be rebuilt although nothing else about the page moved.
    s.site
        .article("c.md", "丙文新", "2026-01-01", "tags: [反诈]\n", "丙的正文");
    s.changed("c to 2026-01-01 (site zone)", &["content/articles/c.md"]);
    s.site.article(
        "c.md",
        "丙文新",
        "2025-12-31T16:00:00Z",
        "tags: [反诈]\n",
        "丙的正文",
    );
    s.changed("same instant written in UTC", &["content/articles/c.md"]);

    // A folder whose name has a dot is a folder, created and removed as a whole.
    s.site
        .article("v1.2/x.md", "点文件夹", "2026-11-02", "", "x");
    s.changed("new dotted folder", &["content/articles/v1.2"]);
    std::fs::remove_dir_all(s.site.path("content/articles/v1.2")).unwrap();
    s.changed("dotted folder removed", &["content/articles/v1.2"]);
}

#[test]
fn the_site_map_and_page_tools_follow_structural_edits() {
    // The built-in default theme, which has the HTML site map, QR codes and page tools.
    let site = rich_site();
    std::fs::remove_dir_all(site.path("themes")).unwrap();
    let mut s = Session::start(site);
    let map = |s: &Session| {
        String::from_utf8(snapshot(&s.store.read().unwrap())["sitemap/index.html"].clone()).unwrap()
    };
    assert!(map(&s).contains("反诈专题"));

    s.write(
        "content/topics/privacy/_index.md",
        "---\ntitle: 隐私专题\n---\n隐私。\n",
    );
    s.changed("new topic", &["content/topics/privacy/_index.md"]);
    s.site.article(
        "2027.md",
        "新年文章",
        "2026-11-01",
        "topics: [privacy]\ntags: [隐私]\n",
        "正文",
    );
    s.changed(
        "article joins the topic, a new tag",
        &["content/articles/2027.md"],
    );
    assert!(map(&s).contains("隐私专题") && map(&s).contains(">隐私</a>"));

    s.write(
        "content/topics/fraud/_index.md",
        "---\ntitle: 反诈骗专题\nweight: 2\n---\n反诈。\n",
    );
    s.changed("topic renamed", &["content/topics/fraud/_index.md"]);
    std::fs::remove_dir_all(s.site.path("content/topics/privacy")).unwrap();
    s.site.article(
        "2027.md",
        "新年文章",
        "2026-11-01",
        "tags: [隐私]\n",
        "正文",
    );
    s.changed(
        "topic removed",
        &["content/topics/privacy", "content/articles/2027.md"],
    );
    assert!(!map(&s).contains("隐私专题"));

    s.write(
        "content/security-week/2025/_index.md",
        "---\ntitle: 2025宣传周\nstarts: 2025-09-15\nends: 2025-09-21\nquiz: quiz\n---\n往年\n",
    );
    s.changed(
        "a past week with its quiz",
        &["content/security-week/2025/_index.md"],
    );
    assert!(map(&s).contains("/security-week/2025/quiz/"));

    s.write("content/guide/_index.md", "---\ntitle: 办事指南\n---\n");
    s.write(
        "content/guide/hotline.md",
        "---\ntitle: 举报电话\n---\n12377\n",
    );
    s.changed(
        "a new plain section with a page",
        &["content/guide/_index.md", "content/guide/hotline.md"],
    );
    assert!(map(&s).contains("办事指南") && map(&s).contains("举报电话"));

    s.site
        .article("2024/x.md", "更早的文章", "2024-03-01", "", "正文");
    s.changed("a new year in the archive", &["content/articles/2024/x.md"]);
    assert!(map(&s).contains("/articles/2024/"));

    s.site.article(
        "b.md",
        "乙文",
        "2026-08-01",
        "tags: [反诈, 宣传周]\ntopics: [fraud]\nslug: bee-renamed\n",
        "## 详情\n\n乙的正文",
    );
    s.changed(
        "slug change moves the QR code's address",
        &["content/articles/b.md"],
    );
    let page = String::from_utf8(
        snapshot(&s.store.read().unwrap())["articles/bee-renamed/index.html"].clone(),
    )
    .unwrap();
    assert!(page.contains("本页网址的二维码：http://127.0.0.1:1111/articles/bee-renamed/"));
}

#[test]
fn shortcode_template_edits_render_exactly_the_pages_calling_them() {
    let site = rich_site();
    site.file(
        "themes/default/templates/shortcodes/hotline.html",
        "<b class=\"hotline\">{{ number }}</b>",
    )
    .file(
        "themes/default/templates/shortcodes/note.html",
        "<aside role=\"note\">{{ body | safe }}</aside>",
    )
    .file("static/downloads/b.pdf", "pdf")
    .article(
        "c.md",
        "丙文",
        "2025-05-01",
        "tags: [反诈]\n",
        "拨打 {{ hotline(number=12377) }} 举报。",
    )
    .article(
        "d.md",
        "丁文",
        "2024-01-01",
        "topics: [fraud, week]\n",
        "{% note() %}\n**提醒**：[手册]({{/* x() */}}) {{ hotline(number=110) }}\n{% end %}\n\n附件 {{ file(path=\"/downloads/b.pdf\") }}",
    )
    .file(
        "themes/default/templates/shortcodes/file.html",
        "<a href=\"{{ files.path.url }}\">{{ files.path.size_text }}</a>",
    );
    let mut s = Session::start(site);

    // The site's own copy replaces the theme's: only c and d call it, and only their
    // pages are rendered again, with the search index's files for their changed text
    // (a template used by every page would render all 30 here).
    s.write(
        "templates/shortcodes/hotline.html",
        "<strong class=\"hotline\">☎ {{ number }}</strong>",
    );
    match s.changed(
        "site overrides a shortcode",
        &["templates/shortcodes/hotline.html"],
    ) {
        Outcome::Applied { written, .. } => assert!(written <= 5, "rendered {written} files"),
        other => panic!("{other:?}"),
    }
    assert!(
        String::from_utf8_lossy(&snapshot(&s.store.read().unwrap())["articles/c/index.html"])
            .contains("☎ 12377")
    );

    // A template nobody calls: no page is rendered again.
    s.write(
        "themes/default/templates/shortcodes/unused.html",
        "<i>{{ x }}</i>",
    );
    match s.rebuild(&["themes/default/templates/shortcodes/unused.html"]) {
        Outcome::Unchanged => {}
        Outcome::Applied { written, .. } => assert_eq!(written, 0, "rendered {written} files"),
        other => panic!("{other:?}"),
    }
    s.assert_matches_full_build("unused shortcode added");

    // The block shortcode's template, then the one nested in its body.
    s.write(
        "themes/default/templates/shortcodes/note.html",
        "<aside class=\"n\" role=\"note\">{{ body | safe }}</aside>",
    );
    s.changed(
        "block shortcode edited",
        &["themes/default/templates/shortcodes/note.html"],
    );
    std::fs::remove_file(s.site.path("templates/shortcodes/hotline.html")).unwrap();
    s.changed(
        "site copy removed: the theme's is back",
        &["templates/shortcodes/hotline.html"],
    );

    // A file a shortcode names changes size.
    s.write("static/downloads/b.pdf", &"p".repeat(5000));
    s.changed("named file grew", &["static/downloads/b.pdf"]);

    // A broken shortcode template, then fixed.
    s.write(
        "themes/default/templates/shortcodes/hotline.html",
        "{{ number ",
    );
    s.fails(
        "broken",
        &["themes/default/templates/shortcodes/hotline.html"],
    );
    s.write(
        "themes/default/templates/shortcodes/hotline.html",
        "<em>{{ number }}</em>",
    );
    s.changed(
        "fixed",
        &["themes/default/templates/shortcodes/hotline.html"],
    );

    // An article gains an old URL, then loses it: the redirect page comes and goes.
    s.site.article(
        "c.md",
        "丙文",
        "2025-05-01",
        "tags: [反诈]\naliases: [\"/2019/c.html\", \"/old/c/\"]\n",
        "拨打 {{ hotline(number=12377) }} 举报。",
    );
    s.changed("aliases added", &["content/articles/c.md"]);
    assert!(
        s.store
            .read()
            .unwrap()
            .paths()
            .contains(&"2019/c.html".to_string())
    );
    s.site.article(
        "c.md",
        "丙文改",
        "2025-05-01",
        "tags: [反诈]\naliases: [\"/old/c/\"]\n",
        "拨打 {{ hotline(number=12377) }} 举报。",
    );
    s.changed("alias removed, title changed", &["content/articles/c.md"]);

    // A body starts calling a shortcode.
    s.site.article(
        "b.md",
        "乙文",
        "2026-08-01",
        "tags: [反诈, 宣传周]\ntopics: [fraud]\n",
        "## 详情\n\n乙 {{ hotline(number=96110) }}",
    );
    s.changed("body now calls a shortcode", &["content/articles/b.md"]);
}

#[test]
fn a_page_template_named_or_missing_in_an_edit_in_place_is_planned_again() {
    let site = rich_site();
    site.file(
        "templates/special.html",
        "<!doctype html><title>{{ page.title }}</title><p>特别模板</p>",
    );
    let mut session = Session::start(site);
    // Only the template changes: the page keeps its place in every list.
    session.site.article(
        "c.md",
        "丙文",
        "2025-05-01",
        "tags: [反诈]\ntemplate: special.html\n",
        "丙的正文",
    );
    session.changed("template named", &["content/articles/c.md"]);
    let page = snapshot(&session.store.read().unwrap())["articles/c/index.html"].clone();
    assert_contains(&String::from_utf8_lossy(&page), "特别模板");
    // A template that does not exist: the plan reports it, as a full load would.
    session.site.article(
        "c.md",
        "丙文",
        "2025-05-01",
        "tags: [反诈]\ntemplate: missing.html\n",
        "丙的正文",
    );
    session.fails("missing template", &["content/articles/c.md"]);
    session
        .site
        .article("c.md", "丙文", "2025-05-01", "tags: [反诈]\n", "丙的正文");
    session.changed("template dropped", &["content/articles/c.md"]);
}
