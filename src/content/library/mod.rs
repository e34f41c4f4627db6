//! The library: every loaded page and section, and the lists built from them
//! (archive, years, tags, topics, neighbours, related articles).
//!
//! Lists are computed once here, sorted once, and only read afterwards.

use std::cmp::Reverse;
use std::collections::{HashMap, HashSet};

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::page::{Page, PageId};
use super::section::{Section, SectionId, SectionKind};
use super::slug::slugify;
use crate::error::Diagnostic;
use crate::hash::Seq;

/// How many related articles an article gets.
const RELATED: usize = 5;

/// How many articles on either side of an article, in each of its topics and tags
/// (newest first), are weighed as its related articles: nearness in time breaks ties
/// anyway, and weighing every member made the lists cost O(n²).
const RELATED_WINDOW: usize = 16;

/// A page or a section, as named by its path inside `content/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Item {
    /// A page.
    Page(PageId),
    /// A section.
    Section(SectionId),
}

/// A tag and its articles, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    /// The name as first written.
    pub name: String,
    /// URL segment.
    pub slug: String,
    /// Articles, newest first.
    pub pages: Vec<PageId>,
}

/// A special topic and its articles, pinned first, then newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topic {
    /// The folder name under `content/topics/`.
    pub id: String,
    /// Its `_index.md`.
    pub section: SectionId,
    /// Articles: pinned first, then newest first.
    pub pages: Vec<PageId>,
    /// How many of `pages` are pinned (they come first).
    pub pinned: usize,
}

/// One year of the archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Year {
    /// The year.
    pub year: i32,
    /// Its articles, newest first.
    pub pages: Vec<PageId>,
}

/// What links one page to the others.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageLinks {
    /// The next older article.
    pub earlier: Option<PageId>,
    /// The next newer article.
    pub later: Option<PageId>,
    /// Articles sharing the most topics and tags.
    pub related: Vec<PageId>,
    /// Indexes into [`Library::tags`].
    pub tags: Vec<usize>,
    /// Indexes into [`Library::topics`].
    pub topics: Vec<usize>,
    /// The nearest section above the page.
    pub parent: Option<SectionId>,
}

/// All content, loaded and organised.
#[derive(Debug, Default)]
pub struct Library {
    /// Pages, sorted by path inside `content/`.
    pub pages: Vec<Page>,
    /// Sections, sorted by path inside `content/`.
    pub sections: Vec<Section>,
    /// Pages and sections by their path inside `content/`. Fx-hashed: `serve` looks
    /// up every recorded dependency's page here after each edit.
    pub by_rel: FxHashMap<String, Item>,
    /// Drafts and future pages left out of this build, by path inside `content/`.
    pub left_out: HashSet<String>,
    /// Articles, newest first.
    pub chronological: Vec<PageId>,
    /// Articles as the archive lists them: pinned first, then newest first.
    pub archive: Vec<PageId>,
    /// Years, newest first.
    pub years: Vec<Year>,
    /// Tags, by slug.
    pub tags: Vec<Tag>,
    /// Topics, by weight then id.
    pub topics: Vec<Topic>,
    /// Years of the security-awareness week, newest first.
    pub weeks: Vec<SectionId>,
    /// Per page, indexed by [`PageId`].
    pub links: Vec<PageLinks>,
}

impl Library {
    /// Organises loaded pages and sections. Errors (unknown topics, bad tags) are
    /// returned beside a library that leaves the offending links out. `broken` holds
    /// the files that failed to load: a topic whose `_index.md` is among them has its
    /// own error, and its articles get no second one.
    pub fn new(
        mut pages: Vec<Page>,
        mut sections: Vec<Section>,
        left_out: HashSet<String>,
        broken: &HashSet<String>,
        memo: &mut RelatedMemo,
    ) -> (Library, Vec<Diagnostic>) {
        pages.sort_by(|a, b| a.file.rel.cmp(&b.file.rel));
        sections.sort_by(|a, b| a.file.rel.cmp(&b.file.rel));
        let mut errors = Vec::new();
        let mut by_rel =
            FxHashMap::with_capacity_and_hasher(pages.len() + sections.len(), Default::default());
        for (id, page) in pages.iter().enumerate() {
            by_rel.insert(page.file.rel.clone(), Item::Page(id));
        }
        for (id, section) in sections.iter().enumerate() {
            by_rel.insert(section.file.rel.clone(), Item::Section(id));
        }

        let mut chronological: Vec<PageId> = (0..pages.len())
            .filter(|&id| pages[id].is_article)
            .collect();
        chronological.sort_by(|&a, &b| newest_first(&pages[a], &pages[b]));
        let archive = pinned_first(&chronological, |id| pages[id].meta.pinned).0;

        let mut links = vec![PageLinks::default(); pages.len()];
        for (i, &id) in chronological.iter().enumerate() {
            links[id].later = i.checked_sub(1).map(|j| chronological[j]);
            links[id].earlier = chronological.get(i + 1).copied();
        }
        for (id, page) in pages.iter().enumerate() {
            links[id].parent = parent_section(&page.file.rel, &by_rel);
        }

        let years = group_years(&pages, &chronological);
        let tags = collect_tags(&pages, &chronological, &mut links, &mut errors);
        let topics = collect_topics(
            &pages,
            &sections,
            &chronological,
            &by_rel,
            broken,
            &mut links,
            &mut errors,
        );
        let t = crate::timing::phase("library: related articles");
        memo.update(&chronological, &links, &tags, &topics);
        for (id, related) in &memo.lists {
            links[*id].related.clone_from(related);
        }
        drop(t);
        let mut weeks: Vec<SectionId> = (0..sections.len())
            .filter(|&id| matches!(sections[id].kind, SectionKind::Week(_)))
            .collect();
        weeks.sort_by_key(|&id| std::cmp::Reverse(week_year(&sections[id])));

        let library = Library {
            pages,
            sections,
            by_rel,
            left_out,
            chronological,
            archive,
            years,
            tags,
            topics,
            weeks,
            links,
        };
        (library, errors)
    }

    /// The first section of a kind.
    pub fn section_of(&self, kind: &SectionKind) -> Option<SectionId> {
        self.sections.iter().position(|s| &s.kind == kind)
    }

    /// The topic with this id.
    pub fn topic(&self, id: &str) -> Option<&Topic> {
        self.topics.iter().find(|t| t.id == id)
    }

    /// The number of articles.
    pub fn article_count(&self) -> usize {
        self.chronological.len()
    }
}

fn week_year(section: &Section) -> i32 {
    match section.kind {
        SectionKind::Week(year) => year,
        _ => 0,
    }
}

/// Newest first; ties by path so that order never depends on anything else.
fn newest_first(a: &Page, b: &Page) -> std::cmp::Ordering {
    b.sort_date()
        .cmp(&a.sort_date())
        .then_with(|| a.file.rel.cmp(&b.file.rel))
}

/// Moves pinned items to the front, keeping both groups' order. Returns the list and
/// the number pinned.
fn pinned_first(ids: &[PageId], pinned: impl Fn(PageId) -> bool) -> (Vec<PageId>, usize) {
    let (mut first, rest): (Vec<PageId>, Vec<PageId>) = ids.iter().partition(|&&id| pinned(id));
    let count = first.len();
    first.extend(rest);
    (first, count)
}

/// The nearest folder above `rel` that has an `_index.md`.
fn parent_section(rel: &str, by_rel: &FxHashMap<String, Item>) -> Option<SectionId> {
    let mut folder = rel.rsplit_once('/').map_or("", |(f, _)| f);
    loop {
        let index = if folder.is_empty() {
            "_index.md".to_string()
        } else {
            format!("{folder}/_index.md")
        };
        if let Some(Item::Section(id)) = by_rel.get(&index) {
            return Some(*id);
        }
        if folder.is_empty() {
            return None;
        }
        folder = folder.rsplit_once('/').map_or("", |(f, _)| f);
    }
}

fn group_years(pages: &[Page], chronological: &[PageId]) -> Vec<Year> {
    let mut years: Vec<Year> = Vec::new();
    for &id in chronological {
        let Some(date) = pages[id].sort_date() else {
            continue;
        };
        let year = chrono::Datelike::year(&date);
        match years.last_mut() {
            Some(last) if last.year == year => last.pages.push(id),
            _ => years.push(Year {
                year,
                pages: vec![id],
            }),
        }
    }
    years
}

fn collect_tags(
    pages: &[Page],
    chronological: &[PageId],
    links: &mut [PageLinks],
    errors: &mut Vec<Diagnostic>,
) -> Vec<Tag> {
    // A site has thousands of articles and a few dozen tags: each name is made a
    // slug once.
    let mut slugs: HashMap<&str, String> = HashMap::new();
    // Names by slug, from pages in path order, so the shown name is deterministic.
    let mut names: HashMap<String, String> = HashMap::new();
    for page in pages.iter().filter(|p| p.is_article) {
        for name in &page.meta.tags {
            let slug = slug_of(&mut slugs, name);
            if slug.is_empty() {
                let mut d = Diagnostic::error(format!("the tag `{name}` has no letters, digits or Chinese characters to make a URL from"))
                    .in_file(&page.file.path)
                    .with_help("give the tag a name with words in it");
                d.line = page.key_line("tags");
                errors.push(d);
                continue;
            }
            names.entry(slug).or_insert_with(|| name.clone());
        }
    }
    let mut tags: Vec<Tag> = names
        .into_iter()
        .map(|(slug, name)| Tag {
            name,
            slug,
            pages: Vec::new(),
        })
        .collect();
    tags.sort_by(|a, b| a.slug.cmp(&b.slug));
    let index: HashMap<String, usize> = tags
        .iter()
        .enumerate()
        .map(|(i, t)| (t.slug.clone(), i))
        .collect();
    for &id in chronological {
        for name in &pages[id].meta.tags {
            if let Some(&t) = index.get(&slug_of(&mut slugs, name))
                && !links[id].tags.contains(&t)
            {
                links[id].tags.push(t);
                tags[t].pages.push(id);
            }
        }
    }
    tags
}

/// The slug of the tag `name`, made once per name.
fn slug_of<'a>(slugs: &mut HashMap<&'a str, String>, name: &'a str) -> String {
    slugs.entry(name).or_insert_with(|| slugify(name)).clone()
}

fn collect_topics(
    pages: &[Page],
    sections: &[Section],
    chronological: &[PageId],
    by_rel: &FxHashMap<String, Item>,
    broken: &HashSet<String>,
    links: &mut [PageLinks],
    errors: &mut Vec<Diagnostic>,
) -> Vec<Topic> {
    let mut order: Vec<SectionId> = (0..sections.len())
        .filter(|&id| matches!(sections[id].kind, SectionKind::Topic(_)))
        .collect();
    order.sort_by(|&a, &b| {
        (sections[a].meta.weight, &sections[a].path)
            .cmp(&(sections[b].meta.weight, &sections[b].path))
    });
    let mut topics: Vec<Topic> = order
        .iter()
        .map(|&section| match &sections[section].kind {
            SectionKind::Topic(id) => Topic {
                id: id.clone(),
                section,
                pages: Vec::new(),
                pinned: 0,
            },
            _ => unreachable!("filtered to topics"),
        })
        .collect();
    let index: HashMap<&str, usize> = topics
        .iter()
        .enumerate()
        .map(|(i, t)| (t.id.as_str(), i))
        .collect();
    let known: Vec<String> = topics.iter().map(|t| t.id.clone()).collect();
    let mut members: Vec<Vec<PageId>> = vec![Vec::new(); topics.len()];
    for &id in chronological {
        for name in &pages[id].meta.topics {
            match index.get(name.as_str()) {
                Some(&t) => {
                    links[id].topics.push(t);
                    members[t].push(id);
                }
                None if broken.contains(&format!("topics/{name}/_index.md")) => {}
                None => errors.push(unknown_topic(&pages[id], name, &known)),
            }
        }
    }
    for (t, topic) in topics.iter_mut().enumerate() {
        let section = &sections[topic.section];
        let mut pinned_here: HashSet<PageId> = HashSet::new();
        for written in &section.meta.pinned {
            let rel = written.strip_prefix("@/").unwrap_or(written);
            match by_rel.get(rel) {
                Some(Item::Page(id)) if members[t].contains(id) => {
                    pinned_here.insert(*id);
                }
                _ => {
                    let mut d = Diagnostic::error(format!(
                        "`pinned` names `{written}`, which is not an article of this topic"
                    ))
                    .in_file(&section.file.path)
                    .with_help(format!(
                        "pin articles whose `topics:` include `{}`, written as @/articles/...md",
                        topic.id
                    ));
                    d.line = section.key_line("pinned");
                    errors.push(d);
                }
            }
        }
        let (pages_in_order, pinned) = pinned_first(&members[t], |id| {
            pages[id].meta.pinned || pinned_here.contains(&id)
        });
        topic.pages = pages_in_order;
        topic.pinned = pinned;
    }
    topics
}

fn unknown_topic(page: &Page, name: &str, known: &[String]) -> Diagnostic {
    let mut d = Diagnostic::error(format!(
        "unknown topic `{name}`: there is no content/topics/{name}/_index.md"
    ))
    .in_file(&page.file.path);
    d.line = page.key_line("topics");
    match crate::yaml::nearest(name, known) {
        Some(near) => d.with_help(format!(
            "did you mean `{near}`? Or create content/topics/{name}/_index.md"
        )),
        None if known.is_empty() => d.with_help(format!(
            "create content/topics/{name}/_index.md with a `title`"
        )),
        None => d.with_help(format!("known topics: {}", known.join(", "))),
    }
}

/// The related articles of every article, with a hash of what they were weighed
/// from: kept between builds, so that a build after an edit that moved no article
/// and changed no tag or topic does not weigh them again (36 ms at 10,000 articles).
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct RelatedMemo {
    inputs: u64,
    lists: Vec<(PageId, Vec<PageId>)>,
    /// Weighed again since it was loaded: worth saving.
    #[serde(skip)]
    pub changed: bool,
}

impl RelatedMemo {
    /// Weighs the related articles again unless the lists they come from are the
    /// ones they were weighed from. Page ids stand for the same pages only within
    /// one site, so they are part of what is compared.
    fn update(
        &mut self,
        chronological: &[PageId],
        links: &[PageLinks],
        tags: &[Tag],
        topics: &[Topic],
    ) {
        let inputs = crate::hash::of(&(
            chronological,
            Seq(links.iter().map(|l| (&l.tags, &l.topics))),
            Seq(tags.iter().map(|t| &t.pages)),
            Seq(topics.iter().map(|t| (&t.pages, t.pinned))),
        ));
        if inputs == self.inputs && self.lists.len() == chronological.len() {
            return;
        }
        self.inputs = inputs;
        self.lists = related_articles(chronological, links, tags, topics);
        self.changed = true;
    }
}

/// Each article's related articles: those sharing the most of its topics (3 each) and
/// tags (1 each); among equals, the nearest in time, then the newer.
///
/// Candidates are sought only near the article in each of its lists (see
/// [`RELATED_WINDOW`]), so the cost grows with the number of articles, not with its
/// square: scoring every member of every list took 29 s at 100,000 articles. A small
/// site's lists fit in the window whole, and every member is weighed.
fn related_articles(
    chronological: &[PageId],
    links: &[PageLinks],
    tags: &[Tag],
    topics: &[Topic],
) -> Vec<(PageId, Vec<PageId>)> {
    // Rank of each article in newest-first order: a smaller rank is newer.
    let mut rank = vec![usize::MAX; links.len()];
    for (r, &id) in chronological.iter().enumerate() {
        rank[id] = r;
    }
    let near = |list: &[PageId], id: PageId, found: &mut Vec<PageId>| {
        let at = list.partition_point(|&p| rank[p] < rank[id]);
        let from = at.saturating_sub(RELATED_WINDOW);
        let to = (at + RELATED_WINDOW + 1).min(list.len());
        found.extend(&list[from..to]);
    };
    chronological
        .par_iter()
        .map_init(Vec::<(RelatedKey, PageId)>::new, |ranked, &id| {
            let me = &links[id];
            let mut found = Vec::with_capacity(RELATED_WINDOW * 4);
            for &t in &me.topics {
                let topic = &topics[t];
                found.extend(&topic.pages[..topic.pinned]);
                near(&topic.pages[topic.pinned..], id, &mut found);
            }
            for &t in &me.tags {
                near(&tags[t].pages, id, &mut found);
            }
            found.sort_unstable();
            found.dedup();
            let shared = |a: &[usize], b: &[usize]| a.iter().filter(|x| b.contains(x)).count();
            ranked.clear();
            ranked.extend(found.iter().filter(|&&other| other != id).map(|&other| {
                let score = 3 * shared(&me.topics, &links[other].topics)
                    + shared(&me.tags, &links[other].tags);
                let key = (Reverse(score), rank[other].abs_diff(rank[id]), rank[other]);
                (key, other)
            }));
            if ranked.len() > RELATED {
                ranked.select_nth_unstable(RELATED);
                ranked.truncate(RELATED);
            }
            ranked.sort_unstable();
            (id, ranked.iter().map(|&(_, other)| other).collect())
        })
        .collect()
}

/// How an article ranks as related to another: more shared, nearer, newer first.
type RelatedKey = (Reverse<usize>, usize, usize);

#[cfg(test)]
mod tests;
