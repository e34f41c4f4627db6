//! The Tera context of each job: `config` and `data` everywhere, plus the page,
//! section, paginator, topic, tag or feed the job renders.
//!
//! Besides the views (which record themselves), each context records the lists it
//! shows, so that an incremental rebuild knows when a list changed shape.

use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use serde_json::{Value, json};
use tera::Context;

use super::deps::{Dep, FeedKey, ListKey, record};
use super::jobs::{Job, Planned};
use super::pagination::paginate;
use super::views::{Detail, PageView, Views};
use super::week;
use crate::content::{PageId, SectionKind};
use crate::error::Diagnostic;
use crate::hash;
use crate::site::Site;

/// Values every context shares, serialised once per build.
pub struct Shared {
    config: Value,
    data: Value,
    /// The sitemap's pages: site path and last change.
    sitemap: Vec<(String, Option<DateTime<FixedOffset>>)>,
    /// Version of `config` and `data` together.
    pub global_version: u64,
    /// Version of the sitemap's entries.
    pub sitemap_version: u64,
    /// The HTML site map.
    site_map: super::site_map::SiteMap,
    /// Version of the HTML site map.
    pub site_map_version: u64,
}

/// One `<url>` of the sitemap.
#[derive(Debug, Clone, Serialize, Hash)]
pub struct SitemapEntry {
    /// Absolute URL.
    pub permalink: String,
    /// Last change (RFC 3339), where known.
    pub lastmod: Option<String>,
}

impl Shared {
    /// Serialises the config (with the menu's URLs resolved) and the data files.
    pub fn new(site: &Site, plan: &[Planned]) -> (Shared, Vec<Diagnostic>) {
        let views = Views::new(site);
        let mut errors = Vec::new();
        let mut config = serde_json::to_value(&site.config).unwrap_or(Value::Null);
        let menu: Vec<Value> = site
            .config
            .menu
            .iter()
            .map(|item| {
                let (url, path) = match item.url.strip_prefix("@/") {
                    Some(rel) => match views.content_url(rel) {
                        Ok(url) => {
                            let path = url.strip_prefix(&site.config.base_path).unwrap_or(&url).to_string();
                            (url, Some(path))
                        }
                        Err(why) => {
                            let mut d = Diagnostic::error(format!("menu entry `{}` links to `{}`: {why}", item.name, item.url))
                                .in_file(&site.config.path);
                            d.line = std::fs::read_to_string(&site.config.path)
                                .ok()
                                .and_then(|text| text.lines().position(|l| l.contains(&item.url)).map(|i| i + 1));
                            errors.push(d);
                            ("#".to_string(), None)
                        }
                    },
                    None if item.url.contains("://") || item.url.starts_with("mailto:") => (item.url.clone(), None),
                    None => {
                        let path = item.url.trim_start_matches('/').to_string();
                        (views.href(&path), Some(path))
                    }
                };
                json!({ "name": item.name, "url": url, "path": path, "external": path.is_none() && url != "#" })
            })
            .collect();
        config["menu"] = Value::Array(menu);
        let newest = Newest::of(site);
        let sitemap: Vec<(String, Option<DateTime<FixedOffset>>)> = plan
            .iter()
            .filter(|p| p.is_html_page())
            .map(|p| (p.path.clone(), newest.lastmod(site, p.job)))
            .collect();
        let global_version = hash::of(&(config.to_string(), site.data.to_string()));
        let sitemap_version = hash::of(&sitemap);
        let site_map = super::site_map::of(site, plan);
        let site_map_version = hash::of(&site_map);
        let shared = Shared {
            config,
            data: site.data.clone(),
            sitemap,
            global_version,
            sitemap_version,
            site_map,
            site_map_version,
        };
        (shared, errors)
    }
}

impl Shared {
    /// What every template gets: `config` and `data`.
    pub fn globals(&self) -> Context {
        let mut ctx = Context::new();
        ctx.insert("config", &self.config);
        ctx.insert("data", &self.data);
        ctx
    }

    /// The index of the menu entry the page at `path` is in: the entry of that very
    /// path, or else the longest entry path that `path` starts with (the landing
    /// page's entry, the empty path, only for the landing page itself).
    fn menu_current(&self, path: &str) -> Option<usize> {
        let entries = self.config["menu"].as_array()?;
        let paths = entries.iter().map(|e| e["path"].as_str());
        paths
            .enumerate()
            .filter_map(|(i, p)| Some((i, p?)))
            .filter(|(_, p)| *p == path || !p.is_empty() && path.starts_with(p))
            .max_by_key(|(i, p)| (p.len(), std::cmp::Reverse(*i)))
            .map(|(i, _)| i)
    }
}

/// The last change of each list, found once (a list has many pages).
struct Newest {
    all: Option<DateTime<FixedOffset>>,
    years: Vec<Option<DateTime<FixedOffset>>>,
    tags: Vec<Option<DateTime<FixedOffset>>>,
    topics: Vec<Option<DateTime<FixedOffset>>>,
}

impl Newest {
    fn of(site: &Site) -> Newest {
        let lib = &site.library;
        let newest = |ids: &[PageId]| ids.iter().filter_map(|&id| changed(site, id)).max();
        Newest {
            all: newest(&lib.chronological),
            years: lib.years.iter().map(|y| newest(&y.pages)).collect(),
            tags: lib.tags.iter().map(|t| newest(&t.pages)).collect(),
            topics: lib.topics.iter().map(|t| newest(&t.pages)).collect(),
        }
    }

    fn lastmod(&self, site: &Site, job: Job) -> Option<DateTime<FixedOffset>> {
        match job {
            Job::Page(id) => changed(site, id),
            Job::Archive(_) | Job::Landing => self.all,
            Job::Year(y, _) => self.years[y],
            Job::Tag(t, _) => self.tags[t],
            Job::Topic(t, _) => self.topics[t],
            _ => None,
        }
    }
}

fn changed(site: &Site, id: PageId) -> Option<DateTime<FixedOffset>> {
    let meta = &site.library.pages[id].meta;
    meta.updated.or(meta.date)
}

/// Builds the context of one planned job.
pub fn build(site: &Site, shared: &Shared, planned: &Planned) -> Result<Context, Diagnostic> {
    let views = Views::new(site);
    let lib = &site.library;
    let mut ctx = shared.globals();
    record(Dep::Global);
    ctx.insert("current_path", &planned.path);
    ctx.insert("menu_current", &shared.menu_current(&planned.path));
    ctx.insert("current_url", &views.permalink(&planned.path));
    match planned.job {
        Job::Page(id) => {
            ctx.insert("page", &views.page(id, Detail::Full));
            if let Some(parent) = lib.links[id].parent {
                ctx.insert("section", &views.section_link(parent));
            }
        }
        Job::Landing => landing(site, &views, &mut ctx),
        Job::Section(id) => {
            ctx.insert("section", &views.section(id));
            record(Dep::SectionPages(lib.sections[id].file.rel.clone()));
            ctx.insert("pages", &views.cards(&section_pages(site, id)));
        }
        Job::Archive(_) | Job::Year(..) => archive(site, &views, planned.job, &mut ctx),
        Job::TagsIndex => {
            record(Dep::AllTags);
            let tags: Vec<_> = (0..lib.tags.len()).map(|t| views.tag(t)).collect();
            ctx.insert("tags", &tags);
        }
        Job::Tag(t, n) => tag(site, &views, (t, n), &mut ctx),
        Job::TopicsIndex => {
            if let Some(id) = lib.section_of(&SectionKind::TopicsIndex) {
                ctx.insert("section", &views.section(id));
            }
            record(Dep::AllTopics);
            let topics: Vec<_> = (0..lib.topics.len())
                .map(|t| views.topic(t, false))
                .collect();
            ctx.insert("topics", &topics);
        }
        Job::Topic(t, n) => topic(site, &views, (t, n), &mut ctx),
        Job::CurrentWeek | Job::Week(_) | Job::Quiz(_) => {
            week_page(site, &views, planned, &mut ctx)?
        }
        Job::SiteFeed | Job::TopicFeed(_) => feed_of(site, planned.job, &mut ctx),
        Job::Sitemap => sitemap(shared, &views, &mut ctx),
        Job::Robots => ctx.insert("sitemap_url", &views.permalink("sitemap.xml")),
        Job::SiteMapPage => {
            record(Dep::SiteMap);
            ctx.insert("site_map", &shared.site_map);
        }
        Job::NotFound | Job::Search => {}
        Job::Alias(id, _) => {
            let page = &lib.pages[id];
            record(Dep::Card(page.file.rel.clone()));
            ctx.insert("title", &page.meta.title);
            ctx.insert("url", &views.href(&page.path));
            ctx.insert("permalink", &views.permalink(&page.path));
        }
    }
    Ok(ctx)
}

/// The landing page: newest articles, topics (featured first), figures, this year's week.
fn landing(site: &Site, views: &Views, ctx: &mut Context) {
    let lib = &site.library;
    if let Some(id) = lib.section_of(&SectionKind::Landing) {
        ctx.insert("section", &views.section(id));
    }
    let latest = landing_latest(site).min(lib.chronological.len());
    record(Dep::Latest(latest));
    ctx.insert("latest", &views.cards(&lib.chronological[..latest]));
    record(Dep::AllTopics);
    let topics: Vec<_> = (0..lib.topics.len())
        .map(|t| views.topic(t, false))
        .collect();
    let featured: Vec<_> = topics.iter().filter(|t| t.featured).cloned().collect();
    ctx.insert(
        "featured",
        if featured.is_empty() {
            &topics
        } else {
            &featured
        },
    );
    ctx.insert("topics", &topics);
    ctx.insert("stats", &stats(site));
    record(Dep::WeekList);
    if let Some(id) = week::current(site) {
        ctx.insert("week", &week::view(site, id));
    }
}

/// A page of the archive, or of one year of it.
fn archive(site: &Site, views: &Views, job: Job, ctx: &mut Context) {
    let lib = &site.library;
    insert_archive_section(site, ctx);
    let per = archive_paginate(site);
    match job {
        Job::Year(y, n) => {
            let year = &lib.years[y];
            record(Dep::List(ListKey::Year(year.year), n, per));
            ctx.insert("year", &year.year);
            let path = format!("articles/{}/", year.year);
            ctx.insert("paginator", &paginate(views, &path, &year.pages, per, n));
        }
        Job::Archive(n) => {
            record(Dep::List(ListKey::Archive, n, per));
            ctx.insert(
                "paginator",
                &paginate(views, "articles/", &lib.archive, per, n),
            );
        }
        _ => {}
    }
    ctx.insert("years", &year_links(site));
}

/// Page `n` of the articles of tag `t`.
fn tag(site: &Site, views: &Views, (t, n): (usize, usize), ctx: &mut Context) {
    let tag = &site.library.tags[t];
    let per_page = site.config.paginate;
    record(Dep::List(ListKey::Tag(tag.slug.clone()), n, per_page));
    ctx.insert("tag", &views.tag(t));
    let path = format!("tags/{}/", tag.slug);
    ctx.insert(
        "paginator",
        &paginate(views, &path, &tag.pages, per_page, n),
    );
}

/// Page `n` of the articles of topic `t`.
fn topic(site: &Site, views: &Views, (t, n): (usize, usize), ctx: &mut Context) {
    let lib = &site.library;
    let topic = &lib.topics[t];
    let section = &lib.sections[topic.section];
    let per = section.meta.paginate.unwrap_or(site.config.paginate);
    record(Dep::List(ListKey::Topic(topic.id.clone()), n, per));
    ctx.insert("topic", &views.topic(t, true));
    ctx.insert("section", &views.section(topic.section));
    ctx.insert(
        "paginator",
        &paginate(views, &section.path, &topic.pages, per, n),
    );
}

/// A security-week page (this year's, a given year's) or its quiz.
fn week_page(
    site: &Site,
    views: &Views,
    planned: &Planned,
    ctx: &mut Context,
) -> Result<(), Diagnostic> {
    let lib = &site.library;
    record(Dep::WeekList);
    let id = match planned.job {
        Job::Week(id) | Job::Quiz(id) => id,
        _ => {
            week::current(site).ok_or_else(|| Diagnostic::error("no security-week year to show"))?
        }
    };
    ctx.insert("section", &views.section(id));
    ctx.insert("week", &week::view(site, id));
    let years: Vec<Value> = lib
        .weeks
        .iter()
        .filter(|w| site.weeks.contains_key(w))
        .map(|&w| json!({ "year": week::year_of(site, w), "title": lib.sections[w].title(), "url": views.href(&lib.sections[w].path), "current": w == id }))
        .collect();
    ctx.insert("weeks", &years);
    ctx.insert("canonical", &views.permalink(&lib.sections[id].path));
    if let Job::Quiz(_) = planned.job {
        ctx.insert("quiz", &week::quiz(site, id));
        ctx.insert("canonical", &views.permalink(&planned.path));
    }
    Ok(())
}

/// The Atom feed of the site or of one topic.
fn feed_of(site: &Site, job: Job, ctx: &mut Context) {
    let lib = &site.library;
    let Job::TopicFeed(t) = job else {
        record(Dep::Feed(FeedKey::Site));
        let entries = site_feed_entries(site);
        let config = &site.config;
        let feed = feed(
            site,
            &config.title,
            &config.description,
            "",
            "atom.xml",
            entries,
        );
        ctx.insert("feed", &feed);
        return;
    };
    let topic = &lib.topics[t];
    let section = &lib.sections[topic.section];
    record(Dep::Feed(FeedKey::Topic(topic.id.clone())));
    record(Dep::Crumb(section.file.rel.clone()));
    let title = format!("{} - {}", section.title(), site.config.title);
    let feed_path = format!("{}atom.xml", section.path);
    let description = section.meta.description.as_deref().unwrap_or("");
    ctx.insert(
        "feed",
        &feed(
            site,
            &title,
            description,
            &section.path,
            &feed_path,
            &topic_feed_entries(site, t),
        ),
    );
}

/// `sitemap.xml`: every page with when it last changed.
fn sitemap(shared: &Shared, views: &Views, ctx: &mut Context) {
    record(Dep::Sitemap);
    let entries: Vec<SitemapEntry> = shared
        .sitemap
        .iter()
        .map(|(path, lastmod)| SitemapEntry {
            permalink: views.permalink(path),
            lastmod: lastmod.map(|d| d.to_rfc3339()),
        })
        .collect();
    ctx.insert("entries", &entries);
}

/// How many newest articles the landing page shows (`latest:` in `content/_index.md`).
pub fn landing_latest(site: &Site) -> usize {
    site.library
        .section_of(&SectionKind::Landing)
        .and_then(|id| site.library.sections[id].meta.extra.get("latest"))
        .and_then(Value::as_u64)
        .unwrap_or(10) as usize
}

/// Items per page of the archive and its years.
pub fn archive_paginate(site: &Site) -> usize {
    let lib = &site.library;
    lib.section_of(&SectionKind::Archive)
        .and_then(|id| lib.sections[id].meta.paginate)
        .unwrap_or(site.config.paginate)
}

/// The pages of a plain section, newest first, then by title.
pub fn section_pages(site: &Site, id: usize) -> Vec<PageId> {
    let lib = &site.library;
    let mut pages: Vec<PageId> = (0..lib.pages.len())
        .filter(|&p| lib.links[p].parent == Some(id))
        .collect();
    pages.sort_by(|&a, &b| {
        let (a, b) = (&lib.pages[a], &lib.pages[b]);
        b.meta
            .date
            .cmp(&a.meta.date)
            .then(a.meta.title.cmp(&b.meta.title))
            .then(a.file.rel.cmp(&b.file.rel))
    });
    pages
}

/// The site feed's entries: the newest `feeds.limit` articles.
pub fn site_feed_entries(site: &Site) -> &[PageId] {
    let all = &site.library.chronological;
    &all[..site.config.feeds.limit.min(all.len())]
}

/// A topic feed's entries: its newest `feeds.limit` articles (pinning does not count).
pub fn topic_feed_entries(site: &Site, topic: usize) -> Vec<PageId> {
    let lib = &site.library;
    let mut newest = lib.topics[topic].pages.clone();
    newest.sort_by(|&a, &b| {
        lib.pages[b]
            .meta
            .date
            .cmp(&lib.pages[a].meta.date)
            .then(lib.pages[a].file.rel.cmp(&lib.pages[b].file.rel))
    });
    newest.truncate(site.config.feeds.limit);
    newest
}

fn insert_archive_section(site: &Site, ctx: &mut Context) {
    if let Some(id) = site.library.section_of(&SectionKind::Archive) {
        ctx.insert("section", &Views::new(site).section(id));
    }
}

fn year_links(site: &Site) -> Vec<Value> {
    record(Dep::Years);
    let views = Views::new(site);
    site.library
        .years
        .iter()
        .map(|y| json!({ "year": y.year, "count": y.pages.len(), "url": views.href(&format!("articles/{}/", y.year)) }))
        .collect()
}

/// Headline figures for the landing page.
pub fn stats(site: &Site) -> Value {
    record(Dep::Stats);
    let lib = &site.library;
    let events: usize = site.weeks.values().map(|w| w.events.len()).sum();
    json!({
        "articles": lib.article_count(),
        "topics": lib.topics.len(),
        "tags": lib.tags.len(),
        "years": lib.years.len(),
        "weeks": site.weeks.len(),
        "events": events,
    })
}

#[derive(Serialize)]
struct Feed<'a> {
    title: &'a str,
    subtitle: &'a str,
    url: String,
    home: String,
    updated: String,
    author: &'a str,
    entries: Vec<PageView<'a>>,
}

fn feed<'a>(
    site: &'a Site,
    title: &'a str,
    subtitle: &'a str,
    home: &str,
    path: &str,
    entries: &[PageId],
) -> Feed<'a> {
    let views = Views::new(site);
    let updated = entries
        .iter()
        .filter_map(|&id| changed(site, id))
        .max()
        .map_or_else(
            || "1970-01-01T00:00:00+00:00".to_string(),
            |d| d.to_rfc3339(),
        );
    let author = if site.config.footer.org.is_empty() {
        &site.config.title
    } else {
        &site.config.footer.org
    };
    Feed {
        title,
        subtitle,
        url: views.permalink(path),
        home: views.permalink(home),
        updated,
        author,
        entries: entries
            .iter()
            .map(|&id| views.page(id, Detail::WithContent))
            .collect(),
    }
}
