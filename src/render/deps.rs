//! What each rendered file was made from.
//!
//! While a job renders, every view it builds records a [`Dep`]: a question about the
//! site ("the card of articles/x.md", "page 3 of the archive") whose answer can be
//! computed again later as a version number (see `versions.rs`). After an edit, only
//! the files whose dependencies now answer differently are rendered again; this is
//! how `serve` rebuilds in milliseconds, and it cannot miss a page as long as every
//! view records what it reads.
//!
//! Recording is per thread: a job renders on one rayon thread from start to end.

use std::cell::RefCell;

use serde::{Deserialize, Serialize};

/// A list that paginates.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ListKey {
    /// The article archive.
    Archive,
    /// One year of the archive.
    Year(i32),
    /// One tag, by slug.
    Tag(String),
    /// One topic, by id.
    Topic(String),
}

/// A feed's entries.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum FeedKey {
    /// The site feed.
    Site,
    /// A topic's feed, by id.
    Topic(String),
}

/// One thing a rendered file depends on. Pages and sections are named by their path
/// inside `content/`, which stays the same when other files come and go.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Dep {
    /// `config` and `data`, which every template gets.
    Global,
    /// A template and everything it pulls in.
    Template(String),
    /// A page as a list shows it: title, dates, summary, tags, cover, URL.
    Card(String),
    /// A page's rendered body.
    Content(String),
    /// A page's neighbours, related articles and section.
    Links(String),
    /// A section's title and URL (breadcrumbs, links).
    Crumb(String),
    /// A section with its rendered introduction.
    Section(String),
    /// A topic's view: its section, count and pinned articles.
    Topic(String),
    /// A tag's name and count.
    Tag(String),
    /// One page of a list: which articles, how many in all.
    List(ListKey, usize, usize),
    /// The years of the archive with their counts.
    Years,
    /// The newest `n` articles.
    Latest(usize),
    /// Which topics exist, in order.
    AllTopics,
    /// Which tags exist, in order.
    AllTags,
    /// The landing page's headline figures.
    Stats,
    /// One year of the security week, by its `_index.md` path.
    Week(String),
    /// Which years of the week exist, and which is current.
    WeekList,
    /// The pages of a plain section.
    SectionPages(String),
    /// A published file's size and time (images read for their dimensions).
    File(String),
    /// The published name of an asset.
    Asset(String),
    /// Where a content path leads (or that it is missing).
    Url(String),
    /// The sitemap's entries.
    Sitemap,
    /// A feed's entries.
    Feed(FeedKey),
    /// What the HTML site map shows.
    SiteMap,
}

/// The kinds of [`Dep`] that name one page (or section) by its path. They are most of
/// a site's dependencies, so the render state keeps them grouped by that path: finding
/// what changed then looks each page up once, not once per kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageDep {
    /// [`Dep::Card`].
    Card,
    /// [`Dep::Content`].
    Content,
    /// [`Dep::Links`].
    Links,
    /// [`Dep::Url`].
    Url,
}

impl PageDep {
    /// Every kind, in the order of their slots.
    pub const ALL: [PageDep; 4] = [
        PageDep::Card,
        PageDep::Content,
        PageDep::Links,
        PageDep::Url,
    ];

    /// This kind's slot in a group of four.
    pub fn slot(self) -> usize {
        self as usize
    }

    /// The dependency of this kind on the page at `rel`.
    pub fn of(self, rel: &str) -> Dep {
        let rel = rel.to_string();
        match self {
            PageDep::Card => Dep::Card(rel),
            PageDep::Content => Dep::Content(rel),
            PageDep::Links => Dep::Links(rel),
            PageDep::Url => Dep::Url(rel),
        }
    }
}

impl Dep {
    /// The page kind and path of a dependency that names one page.
    pub fn on_page(&self) -> Option<(PageDep, &str)> {
        match self {
            Dep::Card(rel) => Some((PageDep::Card, rel)),
            Dep::Content(rel) => Some((PageDep::Content, rel)),
            Dep::Links(rel) => Some((PageDep::Links, rel)),
            Dep::Url(rel) => Some((PageDep::Url, rel)),
            _ => None,
        }
    }
}

/// What a job read and the extra files it needs published (image variants).
#[derive(Debug, Default)]
pub struct Recorded {
    /// Dependencies, sorted, without repeats.
    pub deps: Vec<Dep>,
    /// Published paths of files the job's page refers to, sorted, without repeats.
    pub files: Vec<String>,
}

thread_local! {
    static RECORDING: RefCell<Option<Recorded>> = const { RefCell::new(None) };
}

/// Notes that the job rendering on this thread depends on `dep`.
pub fn record(dep: Dep) {
    RECORDING.with(|r| {
        if let Some(recorded) = r.borrow_mut().as_mut() {
            recorded.deps.push(dep);
        }
    });
}

/// Notes that the job rendering on this thread refers to the published file `path`.
pub fn record_file(path: &str) {
    RECORDING.with(|r| {
        if let Some(recorded) = r.borrow_mut().as_mut() {
            recorded.files.push(path.to_string());
        }
    });
}

/// Runs `f`, returning what it returned and everything it recorded.
pub fn collect<T>(f: impl FnOnce() -> T) -> (T, Recorded) {
    let outer = RECORDING.with(|r| r.borrow_mut().replace(Recorded::default()));
    let value = f();
    let mut recorded = RECORDING.with(|r| {
        let mut slot = r.borrow_mut();
        let recorded = slot.take().unwrap_or_default();
        *slot = outer;
        recorded
    });
    recorded.deps.sort_unstable();
    recorded.deps.dedup();
    recorded.files.sort_unstable();
    recorded.files.dedup();
    (value, recorded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_only_inside_collect() {
        record(Dep::Global);
        let ((), recorded) = collect(|| {
            record(Dep::Card("b.md".into()));
            record(Dep::Card("a.md".into()));
            record(Dep::Card("b.md".into()));
            record_file("x.png");
        });
        assert_eq!(
            recorded.deps,
            [Dep::Card("a.md".into()), Dep::Card("b.md".into())]
        );
        assert_eq!(recorded.files, ["x.png"]);
        let ((), outer) = collect(|| {
            record(Dep::Stats);
            let ((), inner) = collect(|| record(Dep::Years));
            assert_eq!(inner.deps, [Dep::Years]);
        });
        assert_eq!(outer.deps, [Dep::Stats]);
    }
}
