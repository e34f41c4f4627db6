//! `homepage-stale`, `column-stale` and `column-empty`: whether the landing page and
//! the columns are kept up to date (国办秘函〔2019〕19号, 单项否决 items 2 and 3).

use chrono::{DateTime, FixedOffset};

use crate::content::section::ColumnType;
use crate::content::{Item, PageId, SectionId, SectionKind};
use crate::inspect::{Finding, Inspected, Level, PageKind};

/// The newest dated item the landing page lists must be at most `homepage_days` old.
pub fn homepage_stale(site: &Inspected<'_>) -> Vec<Finding> {
    let Some(landing) = site.pages.iter().find(|p| p.kind == PageKind::Landing) else {
        return Vec::new();
    };
    let lib = &site.site.library;
    let newest = landing
        .scan
        .links
        .iter()
        .filter_map(|href| match site.item_at(href, &landing.output) {
            Some(Item::Page(id)) => lib.pages[id].meta.date,
            _ => None,
        })
        .max();
    let limit = site.settings.homepage_days;
    let message = match newest {
        None => "the landing page lists no dated item".to_string(),
        Some(date) => {
            let age = days_between(date, site.now);
            if age <= limit {
                return Vec::new();
            }
            format!(
                "the newest item on the landing page is from {} ({age} days ago; the limit is {limit} days)",
                date.format("%Y-%m-%d")
            )
        }
    };
    vec![
        Finding::new("homepage-stale", Level::Veto, message)
            .in_file("content/_index.md")
            .on(landing.url.clone()),
    ]
}

fn days_between(earlier: DateTime<FixedOffset>, later: DateTime<FixedOffset>) -> i64 {
    (later.date_naive() - earlier.date_naive()).num_days()
}

/// Stale and empty columns; each becomes a veto when there are enough of them.
pub fn columns(site: &Inspected<'_>) -> Vec<Finding> {
    let lib = &site.site.library;
    let mut stale = Vec::new();
    let mut empty = Vec::new();
    for (id, section) in lib.sections.iter().enumerate() {
        if section.kind == SectionKind::Landing {
            continue;
        }
        let file = site.file_of(Item::Section(id));
        let url = site
            .site
            .config
            .href(&crate::assets::encode_path(&section.path));
        let items = column_items(site, id);
        if items.is_empty() && !has_own_content(site, id) {
            let f = Finding::new(
                "column-empty",
                Level::Deduct,
                format!("the column 「{}」 has no items", section.title()),
            );
            empty.push(f.in_file(file).on(url));
            continue;
        }
        let column_type = section.column_type();
        let limit = match column_type {
            ColumnType::News => site.settings.news_days,
            ColumnType::Notice | ColumnType::Policy => site.settings.notice_days,
            ColumnType::Static => continue,
        };
        if section.meta.archived {
            continue;
        }
        let newest = items.iter().filter_map(|&p| lib.pages[p].meta.date).max();
        let message = match newest {
            None => format!(
                "the {} column 「{}」 has no dated item",
                column_type.name(),
                section.title()
            ),
            Some(date) if days_between(date, site.now) > limit => format!(
                "nothing new in the {} column 「{}」 since {} ({} days; the limit is {limit} days)",
                column_type.name(),
                section.title(),
                date.format("%Y-%m-%d"),
                days_between(date, site.now)
            ),
            Some(_) => continue,
        };
        let line = section.key_line("column_type");
        stale.push(
            Finding::new("column-stale", Level::Deduct, message)
                .in_file(file)
                .at_line(line)
                .on(url),
        );
    }
    veto_at(&mut stale, site.settings.stale_columns_veto);
    veto_at(&mut empty, site.settings.empty_columns_veto);
    stale.extend(empty);
    stale
}

/// Makes every finding a veto once there are `threshold` of them.
pub fn veto_at(findings: &mut [Finding], threshold: usize) {
    if threshold > 0 && findings.len() >= threshold {
        for f in findings.iter_mut() {
            f.level = Level::Veto;
        }
    }
}

/// The pages a column lists.
fn column_items(site: &Inspected<'_>, id: SectionId) -> Vec<PageId> {
    let lib = &site.site.library;
    match &lib.sections[id].kind {
        SectionKind::Archive => lib.archive.clone(),
        SectionKind::Topic(topic) => lib.topic(topic).map_or(Vec::new(), |t| t.pages.clone()),
        _ => (0..lib.pages.len())
            .filter(|&p| lib.links[p].parent == Some(id))
            .collect(),
    }
}

/// Whether a column without pages still shows something: its own text, sub-columns,
/// the topics it lists, a week's programme.
fn has_own_content(site: &Inspected<'_>, id: SectionId) -> bool {
    let lib = &site.site.library;
    let section = &lib.sections[id];
    match &section.kind {
        SectionKind::Archive | SectionKind::Topic(_) => false,
        SectionKind::TopicsIndex => !lib.topics.is_empty(),
        SectionKind::WeekIndex => !lib.weeks.is_empty(),
        SectionKind::Week(_) => site.site.weeks.get(&id).is_some_and(|w| {
            !w.schedule.is_empty() || !w.events.is_empty() || !w.materials.is_empty()
        }),
        SectionKind::Landing | SectionKind::Plain => {
            !section.body.trim().is_empty()
                || lib
                    .sections
                    .iter()
                    .any(|s| s.path != section.path && s.path.starts_with(&section.path))
        }
    }
}
