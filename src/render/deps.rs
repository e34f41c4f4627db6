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

/// A list that paginates.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
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
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FeedKey {
    /// The site feed.
    Site,
    /// A topic's feed, by id.
    Topic(String),
}

/// One thing a rendered file depends on. Pages and sections are named by their path
/// inside `content/`, which stays the same when other files come and go.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
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
}

thread_local! {
    static RECORDING: RefCell<Option<Vec<Dep>>> = const { RefCell::new(None) };
}

/// Notes that the job rendering on this thread depends on `dep`.
pub fn record(dep: Dep) {
    RECORDING.with(|r| {
        if let Some(deps) = r.borrow_mut().as_mut() {
            deps.push(dep);
        }
    });
}

/// Runs `f`, returning what it returned and every dependency it recorded, sorted and
/// without repeats.
pub fn collect<T>(f: impl FnOnce() -> T) -> (T, Vec<Dep>) {
    let outer = RECORDING.with(|r| r.borrow_mut().replace(Vec::new()));
    let value = f();
    let mut deps = RECORDING.with(|r| {
        let mut slot = r.borrow_mut();
        let deps = slot.take().unwrap_or_default();
        *slot = outer;
        deps
    });
    deps.sort_unstable();
    deps.dedup();
    (value, deps)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_only_inside_collect() {
        record(Dep::Global);
        let ((), deps) = collect(|| {
            record(Dep::Card("b.md".into()));
            record(Dep::Card("a.md".into()));
            record(Dep::Card("b.md".into()));
        });
        assert_eq!(deps, [Dep::Card("a.md".into()), Dep::Card("b.md".into())]);
        let ((), nested_outer) = collect(|| {
            record(Dep::Stats);
            let ((), inner) = collect(|| record(Dep::Years));
            assert_eq!(inner, [Dep::Years]);
        });
        assert_eq!(nested_outer, [Dep::Stats]);
    }
}
