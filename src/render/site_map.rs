//! The HTML site map (网站地图, `/sitemap/`): the site's structure as readers browse
//! it, made from the planned pages so it lists exactly what the build writes.
//!
//! It is computed once per build (beside `sitemap.xml`'s entries) and its hash is the
//! version of [`super::deps::Dep::SiteMap`], so an incremental rebuild renders the
//! page again exactly when something it shows changed.

use rustc_hash::FxHashSet;
use serde::Serialize;

use super::jobs::{Job, Planned};
use super::views::Views;
use super::week;
use crate::content::{SectionId, SectionKind};
use crate::site::Site;

/// A titled link.
#[derive(Debug, Clone, Serialize, Hash)]
pub struct Entry {
    /// What the link says.
    pub title: String,
    /// Root-relative URL.
    pub url: String,
    /// How many articles it holds, for lists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<usize>,
    /// What is below it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Entry>,
}

/// The whole map, in the order the page shows it.
#[derive(Debug, Clone, Serialize, Hash, Default)]
pub struct SiteMap {
    /// The landing page.
    pub home: Option<Entry>,
    /// The archive, with its years.
    pub archive: Option<Entry>,
    /// The list of topics, with every topic.
    pub topics: Option<Entry>,
    /// The security week, with its years, each with its quiz.
    pub week: Option<Entry>,
    /// The list of tags, with every tag.
    pub tags: Option<Entry>,
    /// The search page.
    pub search: Option<Entry>,
    /// Other sections, with their pages.
    pub sections: Vec<Entry>,
    /// Pages that belong to no listed section (`content/about.md`).
    pub pages: Vec<Entry>,
}

fn entry(title: &str, url: String) -> Entry {
    Entry {
        title: title.to_string(),
        url,
        count: None,
        children: Vec::new(),
    }
}

/// The map of what `plan` writes.
pub fn of(site: &Site, plan: &[Planned]) -> SiteMap {
    let lib = &site.library;
    let views = Views::new(site);
    let jobs: FxHashSet<Job> = plan.iter().map(|p| p.job).collect();
    let has = |job: Job| jobs.contains(&job);
    let title_of = |kind: &SectionKind, default: &str| {
        lib.section_of(kind).map_or(default.to_string(), |id| {
            lib.sections[id].title().to_string()
        })
    };
    let mut map = SiteMap::default();
    if has(Job::Landing) {
        map.home = Some(entry("首页", views.href("")));
    }
    if has(Job::Archive(1)) {
        let mut archive = entry(
            &title_of(&SectionKind::Archive, "文章"),
            views.href("articles/"),
        );
        archive.count = Some(lib.archive.len());
        archive.children = (0..lib.years.len())
            .filter(|&y| has(Job::Year(y, 1)))
            .map(|y| {
                let year = &lib.years[y];
                let mut e = entry(
                    &format!("{}年", year.year),
                    views.href(&format!("articles/{}/", year.year)),
                );
                e.count = Some(year.pages.len());
                e
            })
            .collect();
        map.archive = Some(archive);
    }
    if has(Job::TopicsIndex) {
        let mut topics = entry(
            &title_of(&SectionKind::TopicsIndex, "专题"),
            views.href("topics/"),
        );
        topics.children = (0..lib.topics.len())
            .filter(|&t| has(Job::Topic(t, 1)))
            .map(|t| {
                let section = &lib.sections[lib.topics[t].section];
                let mut e = entry(section.title(), views.href(&section.path));
                e.count = Some(lib.topics[t].pages.len());
                e
            })
            .collect();
        topics.count = Some(topics.children.len());
        map.topics = Some(topics);
    }
    map.week = week_entry(site, &has);
    if has(Job::TagsIndex) {
        let mut tags = entry("标签", views.href("tags/"));
        tags.children = (0..lib.tags.len())
            .filter(|&t| has(Job::Tag(t, 1)))
            .map(|t| {
                let mut e = entry(
                    &lib.tags[t].name,
                    views.href(&format!("tags/{}/", lib.tags[t].slug)),
                );
                e.count = Some(lib.tags[t].pages.len());
                e
            })
            .collect();
        tags.count = Some(tags.children.len());
        map.tags = Some(tags);
    }
    if has(Job::Search) {
        map.search = Some(entry("全站搜索", views.href("search/")));
    }
    let sections: Vec<SectionId> = plan
        .iter()
        .filter_map(|p| match p.job {
            Job::Section(id) => Some(id),
            _ => None,
        })
        .collect();
    for &id in &sections {
        let section = &lib.sections[id];
        let mut e = entry(section.title(), views.href(&section.path));
        e.children = super::context::section_pages(site, id)
            .into_iter()
            .map(|p| entry(&lib.pages[p].meta.title, views.href(&lib.pages[p].path)))
            .collect();
        map.sections.push(e);
    }
    map.pages = (0..lib.pages.len())
        .filter(|&p| !lib.pages[p].is_article)
        .filter(|&p| lib.links[p].parent.is_none_or(|s| !sections.contains(&s)))
        .filter(|&p| has(Job::Page(p)))
        .map(|p| entry(&lib.pages[p].meta.title, views.href(&lib.pages[p].path)))
        .collect();
    map
}

/// The security week: its current year's page, then every year with its quiz.
fn week_entry(site: &Site, has: &dyn Fn(Job) -> bool) -> Option<Entry> {
    let lib = &site.library;
    let views = Views::new(site);
    if !has(Job::CurrentWeek) {
        return None;
    }
    let title = lib
        .section_of(&SectionKind::WeekIndex)
        .map_or("网络安全宣传周".to_string(), |id| {
            lib.sections[id].title().to_string()
        });
    let mut week = entry(&title, views.href("security-week/"));
    for &id in lib.weeks.iter().filter(|&&id| has(Job::Week(id))) {
        let section = &lib.sections[id];
        let mut year = entry(section.title(), views.href(&section.path));
        if has(Job::Quiz(id)) {
            let quiz_title = week::quiz(site, id).map_or("知识竞答", |q| q.title.as_str());
            year.children.push(entry(
                quiz_title,
                views.href(&format!("{}quiz/", section.path)),
            ));
        }
        week.children.push(year);
    }
    Some(week)
}
