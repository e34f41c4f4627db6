use std::path::PathBuf;

use super::*;
use crate::content::date::parse_offset;
use crate::content::page::Visibility;
use crate::content::walk::SourceFile;

fn file(rel: &str) -> SourceFile {
    SourceFile {
        path: PathBuf::from("content").join(rel),
        rel: rel.into(),
    }
}

fn page(rel: &str, front: &str) -> Page {
    let zone = parse_offset("+08:00").unwrap();
    let visibility = Visibility {
        drafts: true,
        now: "2030-01-01T00:00:00+08:00".parse().unwrap(),
    };
    Page::parse(
        file(rel),
        &format!("---\n{front}\n---\n正文\n"),
        zone,
        visibility,
    )
    .unwrap()
    .unwrap()
}

fn section(rel: &str, front: &str) -> Section {
    Section::parse(file(rel), &format!("---\n{front}\n---\n")).unwrap()
}

fn titles(lib: &Library, ids: &[PageId]) -> Vec<String> {
    ids.iter()
        .map(|&id| lib.pages[id].meta.title.clone())
        .collect()
}

fn sample() -> (Library, Vec<Diagnostic>) {
    let pages = vec![
        page(
            "articles/a.md",
            "title: A\ndate: 2025-03-01\ntags: [网络安全]\ntopics: [week]",
        ),
        page(
            "articles/b.md",
            "title: B\ndate: 2026-01-01\ntags: [网络安全, 反诈]",
        ),
        page(
            "articles/c.md",
            "title: C\ndate: 2024-05-01\npinned: true\ntopics: [week]",
        ),
        page(
            "articles/d.md",
            "title: D\ndate: 2026-02-01\ntags: [反诈]\ntopics: [week, nope]",
        ),
        page("about.md", "title: 关于"),
    ];
    let sections = vec![
        section("_index.md", "title: 首页"),
        section(
            "topics/week/_index.md",
            "title: 宣传周\npinned: ['@/articles/a.md']",
        ),
    ];
    Library::new(
        pages,
        sections,
        HashSet::new(),
        &HashSet::new(),
        &mut Default::default(),
    )
}

#[test]
fn archive_is_pinned_first_then_newest() {
    let (lib, _) = sample();
    assert_eq!(titles(&lib, &lib.chronological), ["D", "B", "A", "C"]);
    assert_eq!(titles(&lib, &lib.archive), ["C", "D", "B", "A"]);
}

#[test]
fn years_newest_first() {
    let (lib, _) = sample();
    let years: Vec<_> = lib.years.iter().map(|y| (y.year, y.pages.len())).collect();
    assert_eq!(years, [(2026, 2), (2025, 1), (2024, 1)]);
}

#[test]
fn tags_group_by_slug() {
    let (lib, _) = sample();
    let names: Vec<_> = lib
        .tags
        .iter()
        .map(|t| (t.slug.as_str(), t.pages.len()))
        .collect();
    assert_eq!(names, [("fan-zha", 2), ("wang-luo-an-quan", 2)]);
}

#[test]
fn topics_gather_and_pin() {
    let (lib, errors) = sample();
    let topic = lib.topic("week").unwrap();
    assert_eq!(titles(&lib, &topic.pages), ["A", "C", "D"]);
    assert_eq!(topic.pinned, 2);
    assert_eq!(errors.len(), 1);
    assert!(errors[0].message.contains("unknown topic `nope`"));
    assert_eq!(errors[0].line, Some(5));
    assert_eq!(errors[0].help.as_deref(), Some("known topics: week"));
}

#[test]
fn neighbours_and_related() {
    let (lib, _) = sample();
    let d = lib.by_rel["articles/d.md"];
    let Item::Page(d) = d else { panic!() };
    assert_eq!(
        lib.links[d]
            .earlier
            .map(|id| lib.pages[id].meta.title.as_str()),
        Some("B")
    );
    assert_eq!(lib.links[d].later, None);
    // D shares the topic with A and C (3 each) and a tag with B (1).
    assert_eq!(titles(&lib, &lib.links[d].related), ["A", "C", "B"]);
}

#[test]
fn parent_sections() {
    let (lib, _) = sample();
    let Item::Page(about) = lib.by_rel["about.md"] else {
        panic!()
    };
    let parent = lib.links[about].parent.unwrap();
    assert_eq!(lib.sections[parent].kind, SectionKind::Landing);
}

#[test]
fn related_are_the_most_shared_then_the_nearest_in_time() {
    // 300 articles a day apart share one tag; the first and the 151st also share a
    // topic, so the first is the most related to the 151st though far from it in time.
    let mut pages: Vec<Page> = (0..300)
        .map(|n| {
            let topic = if n == 0 || n == 150 {
                "\ntopics: [week]"
            } else {
                ""
            };
            let date = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap() + chrono::Days::new(n);
            page(
                &format!("articles/{n:03}.md"),
                &format!("title: '{n}'\ndate: {date}\ntags: [网络安全]{topic}"),
            )
        })
        .collect();
    pages.push(page("about.md", "title: 关于"));
    let sections = vec![section("topics/week/_index.md", "title: 宣传周")];
    let lib = Library::new(
        pages,
        sections,
        HashSet::new(),
        &HashSet::new(),
        &mut Default::default(),
    )
    .0;
    let Item::Page(middle) = lib.by_rel["articles/150.md"] else {
        panic!()
    };
    // Then the nearest in time on either side, the newer first at equal distance.
    assert_eq!(
        titles(&lib, &lib.links[middle].related),
        ["0", "151", "149", "152", "148"]
    );
}

#[test]
fn related_articles_are_weighed_again_only_when_their_lists_change() {
    let articles = |d_tags: &str| {
        vec![
            page(
                "articles/a.md",
                "title: A\ndate: 2025-03-01\ntags: [网络安全]",
            ),
            page("articles/b.md", "title: B\ndate: 2026-01-01\ntags: [反诈]"),
            page(
                "articles/c.md",
                &format!("title: C\ndate: 2026-02-01\ntags: {d_tags}"),
            ),
        ]
    };
    let organise = |pages: Vec<Page>, memo: &mut RelatedMemo| {
        Library::new(pages, Vec::new(), HashSet::new(), &HashSet::new(), memo).0
    };
    let mut memo = RelatedMemo::default();
    let first = organise(articles("[网络安全]"), &mut memo);
    assert!(memo.changed);
    let c = 2;
    assert_eq!(titles(&first, &first.links[c].related), ["A"]);

    // The same lists: the kept weighing is used as it is.
    memo.changed = false;
    let again = organise(articles("[网络安全]"), &mut memo);
    assert!(!memo.changed);
    assert_eq!(again.links, first.links);

    // A tag moved: weighed again, and the same as weighing from nothing.
    let moved = organise(articles("[反诈]"), &mut memo);
    assert!(memo.changed);
    assert_eq!(titles(&moved, &moved.links[c].related), ["B"]);
    let fresh = organise(articles("[反诈]"), &mut RelatedMemo::default());
    assert_eq!(moved.links, fresh.links);
}
