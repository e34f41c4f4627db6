//! What changed between two states of the index, article by article, and posting
//! lists brought up to date with it.
//!
//! Articles are matched by the key of their document (a hash of everything indexed
//! and shown of them). An article whose key is found again keeps its entries, under
//! its new number if it has one; the others are tokenised again.

use rustc_hash::FxHashMap;

use super::postings::{Entries, encode, push_number};

/// How the articles of the last state map to the articles now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// For each article of the last state: its number now, or `None` when it is gone
    /// or its document changed.
    pub moved: Vec<Option<u32>>,
    /// The articles (numbers now) to tokenise: those without a match.
    pub fresh: Vec<u32>,
    /// Whether an article kept changed its number, so that every list changes.
    pub renumbered: bool,
}

impl Plan {
    /// Everything tokenised: `count` articles from nothing.
    pub fn everything(count: usize) -> Plan {
        Plan {
            moved: Vec::new(),
            fresh: (0..count as u32).collect(),
            renumbered: false,
        }
    }

    /// Matches the articles keyed `old` with those keyed `new`; `None` when the index
    /// is better made again from nothing: keys repeat, articles kept changed their
    /// order, or more than half the articles are new.
    pub fn new(old: &[u64], new: &[u64]) -> Option<Plan> {
        let mut at: FxHashMap<u64, u32> =
            FxHashMap::with_capacity_and_hasher(old.len(), Default::default());
        for (i, &key) in old.iter().enumerate() {
            if at.insert(key, i as u32).is_some() {
                return None;
            }
        }
        let mut plan = Plan {
            moved: vec![None; old.len()],
            fresh: Vec::new(),
            renumbered: false,
        };
        let mut last: Option<u32> = None;
        for (j, key) in new.iter().enumerate() {
            let j = j as u32;
            match at.remove(key) {
                Some(i) => {
                    if last.is_some_and(|l| l > i) {
                        return None;
                    }
                    last = Some(i);
                    plan.moved[i as usize] = Some(j);
                    plan.renumbered |= i != j;
                }
                None => plan.fresh.push(j),
            }
        }
        (plan.fresh.len() * 2 <= new.len()).then_some(plan)
    }

    /// The articles of the last state whose entries go (gone or changed).
    pub fn dropped(&self) -> impl Iterator<Item = usize> + '_ {
        self.moved
            .iter()
            .enumerate()
            .filter(|(_, m)| m.is_none())
            .map(|(i, _)| i)
    }
}

/// A posting list brought up to date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Updated {
    /// The list, encoded.
    pub list: String,
    /// Entries removed.
    pub removed: usize,
    /// Entries added.
    pub added: usize,
}

/// The encoded list `old` with its articles renumbered by `moved` (those without a
/// number left out) and `adds` (runs of entries, articles ascending, none of them
/// kept) merged in.
pub fn update_list<R>(
    old: &str,
    moved: &[Option<u32>],
    adds: impl Iterator<Item = R>,
) -> Result<Updated, String>
where
    R: ExactSizeIterator<Item = (u32, u32)>,
{
    if old.is_empty() {
        let mut list = String::new();
        let mut after = 0;
        let mut next = 0;
        for run in adds {
            list.reserve(run.len() * 3);
            after += run.len();
            for (article, value) in run {
                push_number(&mut list, article - next);
                push_number(&mut list, value);
                next = article + 1;
            }
        }
        return Ok(Updated {
            list,
            removed: 0,
            added: after,
        });
    }
    let adds: Vec<(u32, u32)> = adds.flatten().collect();
    let mut kept = Vec::with_capacity(old.len() / 2);
    let mut before = 0;
    let mut entries = Entries::new(old);
    for (article, value) in &mut entries {
        before += 1;
        if let Some(Some(now)) = moved.get(article as usize) {
            kept.push((*now, value));
        }
    }
    if let Some(e) = entries.error {
        return Err(e);
    }
    let merged = merge(&kept, &adds);
    Ok(Updated {
        list: encode(&merged),
        removed: before - kept.len(),
        added: adds.len(),
    })
}

/// [`update_list`] when no article kept changes its number (each `moved` is the
/// article's own number or `None`; `dropped`, the first and last `None`): the runs
/// of entries between the changes are copied as they are written, the list is
/// skipped through up to its first change and read only up to its last, so an edit
/// costs part of a scan of the list rather than decoding and writing it again.
pub fn update_in_place<R>(
    old: &str,
    moved: &[Option<u32>],
    dropped: Option<(u32, u32)>,
    adds: impl Iterator<Item = R>,
) -> Result<Updated, String>
where
    R: ExactSizeIterator<Item = (u32, u32)>,
{
    let mut adds = adds.flatten().peekable();
    let mut out = String::with_capacity(old.len() + 16);
    let first = [adds.peek().map(|a| a.0), dropped.map(|d| d.0)];
    let first = first.into_iter().flatten().min().unwrap_or(u32::MAX);
    let (start, next) = Entries::new(old).skip_below(first);
    let (mut removed, mut added, mut next) = (0, 0, next);
    // While `synced`, `out` followed by `old[run..]` is the list so far: the gaps
    // of the entries from `run` on still count from the same article.
    let (mut synced, mut run, mut start) = (true, 0, start);
    let mut entries = Entries::resume(old, start, next);
    while let Some((doc, value)) = entries.next() {
        let end = entries.offset();
        let kept = kept_in_place(moved, doc)?;
        if (!kept || adds.peek().is_some_and(|&(a, _)| a < doc)) && synced {
            out.push_str(&old[run..start]);
            synced = false;
        }
        while let Some((article, v)) = adds.next_if(|&(a, _)| a < doc) {
            push_entry(&mut out, &mut next, article, v);
            added += 1;
        }
        if !kept {
            removed += 1;
        } else if !synced {
            push_entry(&mut out, &mut next, doc, value);
            (synced, run) = (true, end);
        } else {
            next = doc + 1;
        }
        start = end;
        if synced && adds.peek().is_none() && dropped.is_none_or(|d| d.1 <= doc) {
            // Nothing changes further on.
            break;
        }
    }
    if let Some(e) = entries.error {
        return Err(e);
    }
    if synced {
        out.push_str(&old[run..]);
    }
    for (article, v) in adds {
        push_entry(&mut out, &mut next, article, v);
        added += 1;
    }
    Ok(Updated {
        list: out,
        removed,
        added,
    })
}

/// Whether article `doc` is kept in place; an error when it changed its number.
fn kept_in_place(moved: &[Option<u32>], doc: u32) -> Result<bool, String> {
    match moved.get(doc as usize) {
        Some(Some(now)) if *now == doc => Ok(true),
        Some(Some(_)) => Err("an article kept changed its number".into()),
        _ => Ok(false),
    }
}

/// Appends the entry of `article` after the entries up to `next` − 1.
fn push_entry(out: &mut String, next: &mut u32, article: u32, value: u32) {
    push_number(out, article - *next);
    push_number(out, value);
    *next = article + 1;
}

fn merge(a: &[(u32, u32)], b: &[(u32, u32)]) -> Vec<(u32, u32)> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i].0 <= b[j].0 {
            out.push(a[i]);
            i += 1;
        } else {
            out.push(b[j]);
            j += 1;
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::postings::decode;

    #[test]
    fn an_edit_in_place_and_a_new_article() {
        let plan = Plan::new(&[10, 11, 12], &[10, 99, 12, 13]).unwrap();
        assert_eq!(plan.moved, [Some(0), None, Some(2)]);
        assert_eq!(plan.fresh, [1, 3]);
        assert!(!plan.renumbered);
        assert_eq!(plan.dropped().collect::<Vec<_>>(), [1]);
    }

    #[test]
    fn a_deletion_renumbers_the_newer_articles() {
        let plan = Plan::new(&[10, 11, 12, 13], &[10, 12, 13]).unwrap();
        assert_eq!(plan.moved, [Some(0), None, Some(1), Some(2)]);
        assert!(plan.fresh.is_empty() && plan.renumbered);
        let old = encode(&[(0, 2), (1, 4), (3, 3)]);
        let now = update_list(
            &old,
            &plan.moved,
            std::iter::empty::<std::vec::IntoIter<_>>(),
        )
        .unwrap();
        assert_eq!(decode(&now.list).unwrap(), [(0, 2), (2, 3)]);
        assert_eq!((now.removed, now.added), (1, 0));
    }

    #[test]
    fn in_place_updates_equal_full_ones() {
        // Articles 0..300, some in the list; every third dropped or edited, adds
        // at the dropped places and after the end.
        let old: Vec<(u32, u32)> = (0..300)
            .filter(|a| a % 5 != 1)
            .map(|a| (a, a % 9))
            .collect();
        let moved: Vec<Option<u32>> = (0..300).map(|a| (a % 7 != 3).then_some(a)).collect();
        let adds: Vec<(u32, u32)> = (0..320)
            .filter(|&a| a >= 300 || (a % 7 == 3 && a % 2 == 0))
            .map(|a| (a, 40 + a % 3))
            .collect();
        let old = encode(&old);
        for split in [0, 10, adds.len()] {
            let runs =
                || [adds[..split].iter().copied(), adds[split..].iter().copied()].into_iter();
            let full = update_list(&old, &moved, runs()).unwrap();
            let fast = update_in_place(&old, &moved, Some((3, 297)), runs()).unwrap();
            assert_eq!(fast, full);
        }
        // Only article 3 edited: the list is read up to it.
        let one: Vec<Option<u32>> = (0..300).map(|a| (a != 3).then_some(a)).collect();
        let adds = [(3, 1)];
        let runs = || [adds.iter().copied()].into_iter();
        let full = update_list(&old, &one, runs()).unwrap();
        assert_eq!(
            update_in_place(&old, &one, Some((3, 3)), runs()).unwrap(),
            full
        );
        let late: Vec<Option<u32>> = (0..300).map(|a| (a != 298).then_some(a)).collect();
        let adds = [(298, 5), (305, 2)];
        let runs = || [adds.iter().copied()].into_iter();
        let full = update_list(&old, &late, runs()).unwrap();
        assert_eq!(
            update_in_place(&old, &late, Some((298, 298)), runs()).unwrap(),
            full
        );
        let same: Vec<Option<u32>> = (0..300).map(Some).collect();
        let none = || std::iter::empty::<std::vec::IntoIter<_>>();
        let kept = update_in_place(&old, &same, None, none()).unwrap();
        assert_eq!((kept.list, kept.removed, kept.added), (old.clone(), 0, 0));
        let all_gone = update_in_place(&old, &[], Some((0, 299)), none()).unwrap();
        assert_eq!((all_gone.list.as_str(), all_gone.removed), ("", 240));
        let renumbered = [None, Some(2)];
        assert!(update_in_place("0000", &renumbered, Some((0, 0)), none()).is_err());
        assert!(update_in_place("x", &same, None, none()).is_err());
    }

    #[test]
    fn rebuilt_when_order_changes_keys_repeat_or_most_is_new() {
        assert_eq!(Plan::new(&[1, 2, 3], &[2, 1, 3]), None);
        assert_eq!(Plan::new(&[1, 1], &[1, 1]), None);
        assert_eq!(Plan::new(&[1, 2, 3], &[4, 5, 3]), None);
        assert!(Plan::new(&[], &[]).is_some());
    }

    #[test]
    fn added_entries_are_merged_in_order() {
        let moved = [Some(0), Some(2), Some(4)];
        let old = encode(&[(0, 2), (1, 2), (2, 2)]);
        let adds = [(1, 7), (3, 5), (5, 3)];
        let runs = [adds[..1].iter().copied(), adds[1..].iter().copied()];
        let now = update_list(&old, &moved, runs.into_iter()).unwrap();
        assert_eq!(
            decode(&now.list).unwrap(),
            [(0, 2), (1, 7), (2, 2), (3, 5), (4, 2), (5, 3)]
        );
        assert!(update_list("x", &moved, std::iter::empty::<std::vec::IntoIter<_>>()).is_err());
        let fresh = update_list("", &[], [adds.iter().copied()].into_iter()).unwrap();
        assert_eq!(decode(&fresh.list).unwrap(), adds);
    }
}
