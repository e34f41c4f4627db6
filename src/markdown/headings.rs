//! Heading and footnote ids, and the table of contents.
//!
//! Ids are stable: written ids (`## 标题 {#id}`) are kept, others are the pinyin slug
//! of the heading text, with `-1`, `-2` … added to repeats. Every id on a page must be
//! unique and valid, so headings never take an id the theme gives its own elements
//! ([`THEME_IDS`]: `## Main` would otherwise steal the skip link's `#main`) or a
//! footnote's, and footnotes get ids of their own (`fn-` and the label's slug), since
//! a label may hold spaces (`[^注 1]`) or read like a heading's id.

use std::collections::HashMap;
use std::ops::Range;

use pulldown_cmark::{Event, Tag, TagEnd};
use serde::{Deserialize, Serialize};

use crate::content::slug::slugify;

/// One entry of a table of contents, with the headings below it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct TocEntry {
    /// 1 to 6.
    pub level: u8,
    /// The heading's id.
    pub id: String,
    /// The heading's text.
    pub title: String,
    /// Headings of a deeper level that follow it.
    pub children: Vec<TocEntry>,
}

/// The ids the default theme gives elements of article and section pages. A test
/// checks that every literal `id="…"` of the built-in templates is here.
pub const THEME_IDS: &[&str] = &[
    "about-title",
    "article-title",
    "copy-link",
    "copy-link-box",
    "copy-link-field",
    "countdown",
    "events-title",
    "featured-title",
    "gallery-title",
    "header-q",
    "hero-title",
    "hotlines-title",
    "intro-title",
    "latest-title",
    "links-title",
    "main",
    "map-home",
    "materials-title",
    "mode-toggle",
    "notfound-q",
    "page-qr",
    "page-tools-status",
    "quiz",
    "quiz-status",
    "read-aloud",
    "read-aloud-stop",
    "related-title",
    "schedule-title",
    "search-q",
    "search-results",
    "search-status",
    "share-label",
    "stats-title",
    "text-size-label",
    "toc-title",
    "week-articles-title",
    "week-title",
    "weeks-title",
    "years-title",
];

/// Gives every footnote an id of its own (`fn-` and the slug of its label, unique),
/// renaming its references and definition alike, and returns the ids given.
pub fn footnote_ids(events: &mut [(Event<'_>, Range<usize>)]) -> Vec<String> {
    let mut given: HashMap<String, String> = HashMap::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (event, _) in events.iter_mut() {
        let label = match event {
            Event::FootnoteReference(label) | Event::Start(Tag::FootnoteDefinition(label)) => label,
            _ => continue,
        };
        let id = given
            .entry(label.to_string())
            .or_insert_with(|| {
                let slug = slugify(label);
                let base = if slug.is_empty() {
                    "note".to_string()
                } else {
                    slug
                };
                unique_id(&mut seen, format!("fn-{base}"))
            })
            .clone();
        *label = id.into();
    }
    let mut ids: Vec<String> = given.into_values().collect();
    ids.sort();
    ids
}

/// Gives every heading an id, in place, and returns the headings in order. Ids in
/// `taken` (footnotes') and the theme's are never given.
pub fn assign_ids(events: &mut [(Event<'_>, Range<usize>)], taken: &[String]) -> Vec<TocEntry> {
    let mut seen: HashMap<String, usize> = taken.iter().map(|id| (id.clone(), 1)).collect();
    let mut headings = Vec::new();
    let mut i = 0;
    while i < events.len() {
        let Event::Start(Tag::Heading { level, id, .. }) = &events[i].0 else {
            i += 1;
            continue;
        };
        let level = *level as u8;
        let written = id.as_ref().map(|id| id.to_string());
        let mut title = String::new();
        let mut j = i + 1;
        while j < events.len() && !matches!(events[j].0, Event::End(TagEnd::Heading(_))) {
            if let Event::Text(t) | Event::Code(t) = &events[j].0 {
                title.push_str(t);
            }
            j += 1;
        }
        let base = written.unwrap_or_else(|| {
            let slug = slugify(&title);
            if slug.is_empty() {
                "section".to_string()
            } else {
                slug
            }
        });
        // A theme's id counts as taken (no theme id ends in `-N`, so checking the
        // written base is enough).
        if THEME_IDS.contains(&base.as_str()) {
            seen.entry(base.clone()).or_insert(1);
        }
        let unique = unique_id(&mut seen, base);
        if let Event::Start(Tag::Heading { id, .. }) = &mut events[i].0 {
            *id = Some(unique.clone().into());
        }
        headings.push(TocEntry {
            level,
            id: unique,
            title: title.trim().to_string(),
            children: Vec::new(),
        });
        i = j;
    }
    headings
}

fn unique_id(seen: &mut HashMap<String, usize>, base: String) -> String {
    let count = seen.entry(base.clone()).or_insert(0);
    *count += 1;
    if *count == 1 {
        return base;
    }
    let mut n = *count - 1;
    loop {
        let candidate = format!("{base}-{n}");
        if !seen.contains_key(&candidate) {
            seen.insert(candidate.clone(), 1);
            return candidate;
        }
        n += 1;
    }
}

/// Nests a flat list of headings into a tree by level.
pub fn nest(headings: Vec<TocEntry>) -> Vec<TocEntry> {
    let mut root = Vec::new();
    for heading in headings {
        insert(&mut root, heading);
    }
    root
}

fn insert(list: &mut Vec<TocEntry>, entry: TocEntry) {
    match list.last_mut() {
        Some(last) if last.level < entry.level => insert(&mut last.children, entry),
        _ => list.push(entry),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{Options, Parser};

    fn headings(md: &str) -> Vec<TocEntry> {
        let options = Options::ENABLE_HEADING_ATTRIBUTES | Options::ENABLE_FOOTNOTES;
        let mut events: Vec<_> = Parser::new_ext(md, options).into_offset_iter().collect();
        let footnotes = footnote_ids(&mut events);
        assign_ids(&mut events, &footnotes)
    }

    #[test]
    fn chinese_headings_get_pinyin_ids() {
        let h = headings("## 活动概况\n\n## Wi-Fi 安全\n");
        let ids: Vec<_> = h.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["huo-dong-gai-kuang", "wi-fi-an-quan"]);
    }

    #[test]
    fn repeats_are_numbered_and_written_ids_kept() {
        let h = headings("## 概况\n\n## 概况\n\n## 其他 {#gai-kuang-1}\n\n## ！！\n");
        let ids: Vec<_> = h.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(
            ids,
            ["gai-kuang", "gai-kuang-1", "gai-kuang-1-1", "section"]
        );
    }

    #[test]
    fn headings_never_take_the_theme_s_or_a_footnote_s_id() {
        let h = headings(
            "## Main\n\n## 正文\n\n见注[^zheng-wen]和[^注 1]。\n\n[^zheng-wen]: 甲\n[^注 1]: 乙\n\n## fn zheng wen\n",
        );
        let ids: Vec<_> = h.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["main-1", "zheng-wen", "fn-zheng-wen-1"]);
    }

    #[test]
    fn footnotes_get_valid_ids_shared_by_reference_and_definition() {
        let md = "一[^注 1]二[^注 1]三[^b]\n\n[^注 1]: 甲\n\n[^b]: 乙\n";
        let mut events: Vec<_> = Parser::new_ext(md, Options::ENABLE_FOOTNOTES)
            .into_offset_iter()
            .collect();
        assert_eq!(footnote_ids(&mut events), ["fn-b", "fn-zhu-1"]);
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, events.into_iter().map(|(e, _)| e));
        assert_eq!(html.matches("href=\"#fn-zhu-1\"").count(), 2);
        assert!(html.contains("id=\"fn-zhu-1\""), "{html}");
        assert!(html.contains("id=\"fn-b\""), "{html}");
    }

    /// Every literal id of the built-in theme's templates is reserved.
    #[test]
    fn theme_ids_cover_the_built_in_templates() {
        for (path, bytes) in crate::theme::embedded_theme() {
            let text = String::from_utf8_lossy(bytes);
            for part in text.split("id=\"").skip(1) {
                let id = part.split('"').next().unwrap_or_default();
                if id.is_empty() || id.contains(['{', ' ']) {
                    continue; // made by the template
                }
                assert!(
                    THEME_IDS.contains(&id),
                    "{path}: id `{id}` is not in THEME_IDS"
                );
            }
        }
    }

    #[test]
    fn toc_nests_by_level() {
        let toc = nest(headings("## A\n\n### B\n\n### C\n\n## D\n\n#### E\n"));
        assert_eq!(toc.len(), 2);
        assert_eq!(toc[0].children.len(), 2);
        assert_eq!(toc[1].children[0].title, "E");
    }
}
