//! The Tera context of each job: `config` and `data` everywhere, plus the page,
//! section, paginator, topic, tag or feed the job renders.

use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use serde_json::{Value, json};
use tera::Context;

use super::jobs::{Job, Planned};
use super::pagination::paginate;
use super::views::{Detail, PageView, Views};
use super::week;
use crate::content::{PageId, SectionKind};
use crate::error::Diagnostic;
use crate::site::Site;

/// Values every context shares, serialised once per build.
pub struct Shared {
    config: Value,
    data: Value,
    sitemap: Vec<SitemapEntry>,
}

/// One `<url>` of the sitemap.
#[derive(Debug, Clone, Serialize)]
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
        let sitemap = plan
            .iter()
            .filter(|p| p.is_html_page())
            .map(|p| SitemapEntry {
                permalink: views.permalink(&p.path),
                lastmod: lastmod(site, p.job),
            })
            .collect();
        (
            Shared {
                config,
                data: site.data.clone(),
                sitemap,
            },
            errors,
        )
    }
}

fn lastmod(site: &Site, job: Job) -> Option<String> {
    let lib = &site.library;
    let newest = |ids: &[PageId]| ids.iter().filter_map(|&id| changed(site, id)).max();
    let date = match job {
        Job::Page(id) => changed(site, id),
        Job::Archive(_) | Job::Landing => newest(&lib.chronological),
        Job::Year(y, _) => newest(&lib.years[y].pages),
        Job::Tag(t, _) => newest(&lib.tags[t].pages),
        Job::Topic(t, _) => newest(&lib.topics[t].pages),
        _ => None,
    };
    date.map(|d| d.to_rfc3339())
}

fn changed(site: &Site, id: PageId) -> Option<DateTime<FixedOffset>> {
    let meta = &site.library.pages[id].meta;
    meta.updated.or(meta.date)
}

/// Builds the context of one planned job.
pub fn build(site: &Site, shared: &Shared, planned: &Planned) -> Result<Context, Diagnostic> {
    let views = Views::new(site);
    let lib = &site.library;
    let mut ctx = Context::new();
    ctx.insert("config", &shared.config);
    ctx.insert("data", &shared.data);
    ctx.insert("current_path", &planned.path);
    ctx.insert("current_url", &views.permalink(&planned.path));
    let per_page = site.config.paginate;
    match planned.job {
        Job::Page(id) => {
            ctx.insert("page", &views.page(id, Detail::Full));
            if let Some(parent) = lib.links[id].parent {
                ctx.insert("section", &views.section(parent));
            }
        }
        Job::Landing => {
            if let Some(id) = lib.section_of(&SectionKind::Landing) {
                ctx.insert("section", &views.section(id));
            }
            let latest = landing_latest(site);
            ctx.insert(
                "latest",
                &views.cards(&lib.chronological[..latest.min(lib.chronological.len())]),
            );
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
            if let Some(id) = week::current(site) {
                ctx.insert("week", &week::view(site, id));
            }
        }
        Job::Section(id) => {
            ctx.insert("section", &views.section(id));
            let mut pages: Vec<PageId> = (0..lib.pages.len())
                .filter(|&p| lib.links[p].parent == Some(id))
                .collect();
            pages.sort_by(|&a, &b| {
                lib.pages[b]
                    .meta
                    .date
                    .cmp(&lib.pages[a].meta.date)
                    .then(lib.pages[a].meta.title.cmp(&lib.pages[b].meta.title))
            });
            ctx.insert("pages", &views.cards(&pages));
        }
        Job::Archive(n) => {
            insert_archive_section(site, &mut ctx);
            let per = archive_paginate(site);
            ctx.insert(
                "paginator",
                &paginate(&views, "articles/", &lib.archive, per, n),
            );
            ctx.insert("years", &year_links(site));
        }
        Job::Year(y, n) => {
            insert_archive_section(site, &mut ctx);
            let year = &lib.years[y];
            let base = format!("articles/{}/", year.year);
            ctx.insert("year", &year.year);
            ctx.insert(
                "paginator",
                &paginate(&views, &base, &year.pages, archive_paginate(site), n),
            );
            ctx.insert("years", &year_links(site));
        }
        Job::TagsIndex => {
            let tags: Vec<_> = (0..lib.tags.len()).map(|t| views.tag(t)).collect();
            ctx.insert("tags", &tags);
        }
        Job::Tag(t, n) => {
            let tag = &lib.tags[t];
            ctx.insert("tag", &views.tag(t));
            ctx.insert(
                "paginator",
                &paginate(
                    &views,
                    &format!("tags/{}/", tag.slug),
                    &tag.pages,
                    per_page,
                    n,
                ),
            );
        }
        Job::TopicsIndex => {
            if let Some(id) = lib.section_of(&SectionKind::TopicsIndex) {
                ctx.insert("section", &views.section(id));
            }
            let topics: Vec<_> = (0..lib.topics.len())
                .map(|t| views.topic(t, false))
                .collect();
            ctx.insert("topics", &topics);
        }
        Job::Topic(t, n) => {
            let topic = &lib.topics[t];
            let section = &lib.sections[topic.section];
            ctx.insert("topic", &views.topic(t, true));
            ctx.insert("section", &views.section(topic.section));
            let per = section.meta.paginate.unwrap_or(per_page);
            ctx.insert(
                "paginator",
                &paginate(&views, &section.path, &topic.pages, per, n),
            );
        }
        Job::CurrentWeek | Job::Week(_) | Job::Quiz(_) => {
            let id = match planned.job {
                Job::Week(id) | Job::Quiz(id) => id,
                _ => week::current(site)
                    .ok_or_else(|| Diagnostic::error("no security-week year to show"))?,
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
        }
        Job::SiteFeed => {
            let entries =
                &lib.chronological[..site.config.feeds.limit.min(lib.chronological.len())];
            ctx.insert(
                "feed",
                &feed(
                    site,
                    &site.config.title,
                    site.config.description.as_str(),
                    "",
                    "atom.xml",
                    entries,
                ),
            );
        }
        Job::TopicFeed(t) => {
            let topic = &lib.topics[t];
            let section = &lib.sections[topic.section];
            let mut newest = topic.pages.clone();
            newest.sort_by(|&a, &b| {
                lib.pages[b]
                    .meta
                    .date
                    .cmp(&lib.pages[a].meta.date)
                    .then(a.cmp(&b))
            });
            newest.truncate(site.config.feeds.limit);
            let title = format!("{} - {}", section.title(), site.config.title);
            let feed_path = format!("{}atom.xml", section.path);
            ctx.insert(
                "feed",
                &feed(
                    site,
                    &title,
                    section.meta.description.as_deref().unwrap_or(""),
                    &section.path,
                    &feed_path,
                    &newest,
                ),
            );
        }
        Job::Sitemap => ctx.insert("entries", &shared.sitemap),
        Job::Robots => ctx.insert("sitemap_url", &views.permalink("sitemap.xml")),
        Job::NotFound | Job::Search => {}
    }
    Ok(ctx)
}

fn landing_latest(site: &Site) -> usize {
    site.library
        .section_of(&SectionKind::Landing)
        .and_then(|id| site.library.sections[id].meta.extra.get("latest"))
        .and_then(Value::as_u64)
        .unwrap_or(10) as usize
}

fn archive_paginate(site: &Site) -> usize {
    let lib = &site.library;
    lib.section_of(&SectionKind::Archive)
        .and_then(|id| lib.sections[id].meta.paginate)
        .unwrap_or(site.config.paginate)
}

fn insert_archive_section(site: &Site, ctx: &mut Context) {
    if let Some(id) = site.library.section_of(&SectionKind::Archive) {
        ctx.insert("section", &Views::new(site).section(id));
    }
}

fn year_links(site: &Site) -> Vec<Value> {
    let views = Views::new(site);
    site.library
        .years
        .iter()
        .map(|y| json!({ "year": y.year, "count": y.pages.len(), "url": views.href(&format!("articles/{}/", y.year)) }))
        .collect()
}

/// Headline figures for the landing page.
fn stats(site: &Site) -> Value {
    let lib = &site.library;
    let events: usize = lib
        .weeks
        .iter()
        .map(|&w| {
            lib.sections[w]
                .meta
                .extra
                .get("events")
                .and_then(Value::as_array)
                .map_or(0, Vec::len)
        })
        .sum();
    json!({
        "articles": lib.article_count(),
        "topics": lib.topics.len(),
        "tags": lib.tags.len(),
        "years": lib.years.len(),
        "weeks": lib.weeks.len(),
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
