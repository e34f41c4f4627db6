//! The versions the render state knows for its dependencies, with the four kinds that
//! name one page (see [`PageDep`]) grouped by the page's path.
//!
//! A 10,000-article site has about 40,000 such dependencies and a few thousand others.
//! Checking each against the site costs a lookup of its path, and those lookups (cache
//! misses, mostly) were most of a `serve` rebuild; grouped, each page is looked up once.

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::deps::{Dep, PageDep};
use super::versions::Versions;
use crate::site::Touched;

/// The known version of each dependency.
#[derive(Debug, Clone, Default)]
pub struct KnownVersions {
    /// Per page path, the version of each [`PageDep`] kind, by slot.
    pages: FxHashMap<String, [Option<u64>; 4]>,
    /// Every other dependency.
    other: FxHashMap<Dep, u64>,
}

impl KnownVersions {
    /// The known version of `dep`.
    pub fn get(&self, dep: &Dep) -> Option<u64> {
        match dep.on_page() {
            Some((kind, rel)) => self.pages.get(rel).and_then(|slots| slots[kind.slot()]),
            None => self.other.get(dep).copied(),
        }
    }

    /// Sets the version of `dep`.
    pub fn insert(&mut self, dep: &Dep, version: u64) {
        match dep.on_page() {
            Some((kind, rel)) => match self.pages.get_mut(rel) {
                Some(slots) => slots[kind.slot()] = Some(version),
                None => {
                    let mut slots = [None; 4];
                    slots[kind.slot()] = Some(version);
                    self.pages.insert(rel.to_string(), slots);
                }
            },
            None => {
                self.other.insert(dep.clone(), version);
            }
        }
    }

    /// Forgets the version of `dep`.
    pub fn remove(&mut self, dep: &Dep) {
        match dep.on_page() {
            Some((kind, rel)) => {
                if let Some(slots) = self.pages.get_mut(rel) {
                    slots[kind.slot()] = None;
                    if slots.iter().all(Option::is_none) {
                        self.pages.remove(rel);
                    }
                }
            }
            None => {
                self.other.remove(dep);
            }
        }
    }

    /// The dependencies whose version in `versions` differs from the known one, where
    /// the per-page ones are checked only for the pages `touched`.
    pub fn changed(&self, versions: &Versions<'_>, touched: &Touched) -> Vec<Dep> {
        let mut changed: Vec<Dep> = self
            .other
            .par_iter()
            .filter(|(dep, old)| versions.compute(dep) != **old)
            .map(|(dep, _)| dep.clone())
            .collect();
        match touched {
            Touched::All => changed.par_extend(
                self.pages
                    .par_iter()
                    .flat_map_iter(|(rel, slots)| changed_on_page(versions, rel, slots)),
            ),
            Touched::Only(rels) => changed.par_extend(
                rels.par_iter()
                    .filter_map(|rel| self.pages.get_key_value(rel.as_str()))
                    .flat_map_iter(|(rel, slots)| changed_on_page(versions, rel, slots)),
            ),
        }
        changed
    }
}

/// The dependencies on the page `rel` whose version differs from the known `slots`.
fn changed_on_page<'v>(
    versions: &'v Versions<'_>,
    rel: &'v str,
    slots: &'v [Option<u64>; 4],
) -> impl Iterator<Item = Dep> + 'v {
    let item = versions.item(rel);
    PageDep::ALL.into_iter().filter_map(move |kind| {
        let old = slots[kind.slot()]?;
        (versions.on_page(kind, rel, item) != old).then(|| kind.of(rel))
    })
}

impl FromIterator<(Dep, u64)> for KnownVersions {
    fn from_iter<I: IntoIterator<Item = (Dep, u64)>>(iter: I) -> Self {
        let mut known = KnownVersions::default();
        for (dep, version) in iter {
            // Taken as they are: a state read back holds tens of thousands.
            let (kind, rel) = match dep {
                Dep::Card(rel) => (PageDep::Card, rel),
                Dep::Content(rel) => (PageDep::Content, rel),
                Dep::Links(rel) => (PageDep::Links, rel),
                Dep::Url(rel) => (PageDep::Url, rel),
                other => {
                    known.other.insert(other, version);
                    continue;
                }
            };
            known.pages.entry(rel).or_insert([None; 4])[kind.slot()] = Some(version);
        }
        known
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_dependencies_share_a_slot_group() {
        let mut known: KnownVersions = [
            (Dep::Card("a.md".into()), 1),
            (Dep::Links("a.md".into()), 2),
            (Dep::Global, 3),
        ]
        .into_iter()
        .collect();
        assert_eq!(known.pages.len(), 1);
        assert_eq!(known.get(&Dep::Card("a.md".into())), Some(1));
        assert_eq!(known.get(&Dep::Links("a.md".into())), Some(2));
        assert_eq!(known.get(&Dep::Content("a.md".into())), None);
        assert_eq!(known.get(&Dep::Global), Some(3));
        known.insert(&Dep::Card("a.md".into()), 4);
        assert_eq!(known.get(&Dep::Card("a.md".into())), Some(4));
        known.remove(&Dep::Card("a.md".into()));
        known.remove(&Dep::Links("a.md".into()));
        assert!(known.pages.is_empty(), "a page with no known versions goes");
        known.remove(&Dep::Global);
        assert_eq!(known.get(&Dep::Global), None);
    }
}
