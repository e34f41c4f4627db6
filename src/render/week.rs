//! Views of the security-awareness week and its quiz.

use serde::Serialize;

use super::deps::{Dep, record};
use super::views::{ImageView, PageView, TopicLink, Views};
use crate::content::week::{Day, Event, Quiz, human_size};
use crate::content::{PageId, SectionId};
use crate::site::Site;

/// A downloadable material with its size.
#[derive(Debug, Clone, Serialize)]
pub struct MaterialView<'a> {
    /// Title.
    pub title: &'a str,
    /// A line about it.
    pub description: &'a str,
    /// Root-relative URL.
    pub url: String,
    /// Size in bytes.
    pub size: u64,
    /// Size as readers read it: `1.2 MB`.
    pub size_text: String,
    /// `image`, `pdf` or `file`.
    pub kind: &'static str,
    /// The file's extension, upper case: `PDF`.
    pub format: String,
    /// A preview, for images.
    pub thumbnail: Option<ImageView>,
}

/// A poster of the gallery.
#[derive(Debug, Clone, Serialize)]
pub struct PosterView<'a> {
    /// Title.
    pub title: &'a str,
    /// The image.
    pub image: Option<ImageView>,
    /// The image cropped from the centre to 3:4 (360×480), for the gallery grid.
    pub thumbnail: Option<ImageView>,
}

/// One year of the week, as templates see it.
#[derive(Debug, Clone, Serialize)]
pub struct WeekView<'a> {
    /// The year.
    pub year: i32,
    /// Title.
    pub title: &'a str,
    /// Root-relative URL of the year's page.
    pub url: String,
    /// The theme slogan.
    pub slogan: &'a str,
    /// First day (`2026-09-14`).
    pub starts: String,
    /// Last day.
    pub ends: String,
    /// The week's topic.
    pub topic: Option<TopicLink<'a>>,
    /// Themed days.
    pub schedule: &'a [Day],
    /// Events.
    pub events: &'a [Event],
    /// Downloads.
    pub materials: Vec<MaterialView<'a>>,
    /// Posters.
    pub gallery: Vec<PosterView<'a>>,
    /// Articles published during the week or gathered in its topic, newest first.
    pub articles: Vec<PageView<'a>>,
    /// The quiz page's URL.
    pub quiz_url: Option<String>,
    /// Banner image of the section.
    pub cover: Option<ImageView>,
}

/// The year of a week section.
pub fn year_of(site: &Site, id: SectionId) -> i32 {
    site.weeks.get(&id).map_or(0, |w| w.year)
}

/// The week shown at `/security-week/`: `campaign.security_week`, else the newest.
pub fn current(site: &Site) -> Option<SectionId> {
    let lib = &site.library;
    let wanted = site.config.campaign.as_ref().and_then(|c| c.security_week);
    wanted
        .and_then(|year| {
            lib.weeks
                .iter()
                .copied()
                .find(|&w| year_of(site, w) == year)
        })
        .or_else(|| {
            lib.weeks
                .iter()
                .copied()
                .find(|w| site.weeks.contains_key(w))
        })
}

/// The articles of a week: published between its first and last day, or in its topic.
pub fn articles(site: &Site, id: SectionId) -> Vec<PageId> {
    let Some(week) = site.weeks.get(&id) else {
        return Vec::new();
    };
    let lib = &site.library;
    lib.chronological
        .iter()
        .copied()
        .filter(|&p| {
            let page = &lib.pages[p];
            let in_dates = page
                .meta
                .date
                .is_some_and(|d| (week.starts..=week.ends).contains(&d.date_naive()));
            in_dates
                || week
                    .topic
                    .as_ref()
                    .is_some_and(|t| page.meta.topics.contains(t))
        })
        .collect()
}

/// The view of one week.
pub fn view(site: &Site, id: SectionId) -> Option<WeekView<'_>> {
    let week = site.weeks.get(&id)?;
    let views = Views::new(site);
    let section = &site.library.sections[id];
    record(Dep::Week(section.file.rel.clone()));
    let from = section.file.rel.as_str();
    let materials = week
        .materials
        .iter()
        .map(|m| {
            let located = site.files.locate(&m.file, Some(from)).ok();
            let path = located.as_ref().map_or("", |l| l.path.as_str());
            let size = site.files.size(path).unwrap_or(0);
            let ext = path
                .rsplit_once('.')
                .map_or("", |(_, e)| e)
                .to_ascii_lowercase();
            let kind = match ext.as_str() {
                "png" | "jpg" | "jpeg" | "gif" | "webp" => "image",
                "pdf" => "pdf",
                _ => "file",
            };
            MaterialView {
                title: &m.title,
                description: &m.description,
                url: views.href(path),
                size,
                size_text: human_size(size),
                kind,
                format: ext.to_ascii_uppercase(),
                thumbnail: if kind == "image" {
                    views.thumbnail(Some(&m.file), from, &m.title, 240, 320)
                } else {
                    None
                },
            }
        })
        .collect();
    let gallery = week
        .gallery
        .iter()
        .map(|p| {
            let alt = if p.alt.is_empty() { &p.title } else { &p.alt };
            PosterView {
                title: &p.title,
                image: views.image(Some(&p.image), from, alt),
                thumbnail: views.thumbnail(Some(&p.image), from, alt, 360, 480),
            }
        })
        .collect();
    let topic = week
        .topic
        .as_ref()
        .and_then(|t| site.library.topics.iter().position(|x| &x.id == t))
        .map(|t| views.topic_link(t));
    Some(WeekView {
        year: week.year,
        title: section.title(),
        url: views.href(&section.path),
        slogan: &week.slogan,
        starts: week.starts.to_string(),
        ends: week.ends.to_string(),
        topic,
        schedule: &week.schedule,
        events: &week.events,
        materials,
        gallery,
        articles: views.cards(&articles(site, id)),
        // A quiz that did not load has its own error; no link to a page not made.
        quiz_url: quiz(site, id).map(|_| views.href(&format!("{}quiz/", section.path))),
        cover: views.image(
            section.meta.cover.as_deref(),
            from,
            section.meta.cover_alt.as_deref().unwrap_or(section.title()),
        ),
    })
}

/// The quiz of a week, if it has one.
pub fn quiz(site: &Site, id: SectionId) -> Option<&Quiz> {
    let name = site.weeks.get(&id)?.quiz.as_ref()?;
    site.quizzes.get(name)
}
