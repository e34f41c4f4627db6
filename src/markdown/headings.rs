//! Heading ids and the table of contents.
//!
//! Ids are stable: written ids (`## 标题 {#id}`) are kept, others are the pinyin slug
//! of the heading text, with `-1`, `-2` … added to repeats.

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

/// Gives every heading an id, in place, and returns the headings in order.
pub fn assign_ids(events: &mut [(Event<'_>, Range<usize>)]) -> Vec<TocEntry> {
    let mut seen: HashMap<String, usize> = HashMap::new();
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
        let mut events: Vec<_> = Parser::new_ext(md, Options::ENABLE_HEADING_ATTRIBUTES)
            .into_offset_iter()
            .collect();
        assign_ids(&mut events)
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
    fn toc_nests_by_level() {
        let toc = nest(headings("## A\n\n### B\n\n### C\n\n## D\n\n#### E\n"));
        assert_eq!(toc.len(), 2);
        assert_eq!(toc[0].children.len(), 2);
        assert_eq!(toc[1].children[0].title, "E");
    }
}
