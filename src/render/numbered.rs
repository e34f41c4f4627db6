//! Lists kept in the saved render state as numbers into one table of distinct items
//! (the links of every page, the dependencies of every output): a site's 12,000 pages
//! share a few tens of thousands of links and dependencies, so the state read back
//! holds numbers rather than hundreds of thousands of strings.

use std::hash::Hash;
use std::sync::Arc;

use rustc_hash::FxHashMap as HashMap;

/// A list of items: as a render found them, or as read back (numbers into a table).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Listed<T> {
    /// The items themselves.
    Found(Arc<[T]>),
    /// Numbers into the table of the state read back.
    Numbered(Box<[u32]>),
}

impl<T> Listed<T> {
    /// The items, looked up in `table` when numbered.
    pub fn iter<'a>(&'a self, table: &'a [T]) -> impl Iterator<Item = &'a T> + 'a {
        let (found, numbers): (&[T], &[u32]) = match self {
            Listed::Found(items) => (items, &[]),
            Listed::Numbered(numbers) => (&[], numbers),
        };
        found
            .iter()
            .chain(numbers.iter().filter_map(|&n| table.get(n as usize)))
    }
}

/// The table of a state being saved: the table read back, with the items of lists
/// found since added at its end. An item no list has any more stays in it until the
/// table is mostly such items; then it is made again.
pub struct Table<'a, T> {
    /// The items, by number.
    pub items: Vec<&'a T>,
    numbers: HashMap<&'a T, u32>,
    /// The table read back is kept as it is (numbers read back stay valid).
    kept: bool,
    old: &'a [T],
}

impl<'a, T: Hash + Eq> Table<'a, T> {
    /// The table read back (`old`), kept unless most of it is unused by `lists`.
    pub fn new(old: &'a [T], lists: impl Iterator<Item = &'a Listed<T>>) -> Table<'a, T> {
        let mut used = vec![false; old.len()];
        for list in lists {
            if let Listed::Numbered(numbers) = list {
                for &n in numbers.iter() {
                    if let Some(u) = used.get_mut(n as usize) {
                        *u = true;
                    }
                }
            }
        }
        let used = used.iter().filter(|u| **u).count();
        let kept = old.len() <= 2 * used + 1024;
        Table {
            items: if kept {
                old.iter().collect()
            } else {
                Vec::new()
            },
            numbers: HashMap::default(),
            kept,
            old,
        }
    }

    /// The numbers of the items of `list`, adding new items to the table.
    pub fn number(&mut self, list: &'a Listed<T>) -> Vec<u32> {
        match list {
            Listed::Numbered(numbers) if self.kept => numbers.to_vec(),
            Listed::Numbered(numbers) => {
                let old = self.old;
                numbers
                    .iter()
                    .filter_map(|&n| old.get(n as usize))
                    .map(|item| self.add(item))
                    .collect()
            }
            Listed::Found(found) => {
                if self.numbers.is_empty() && !self.items.is_empty() {
                    for (n, item) in self.items.iter().enumerate() {
                        self.numbers.entry(item).or_insert(n as u32);
                    }
                }
                found.iter().map(|item| self.add(item)).collect()
            }
        }
    }

    fn add(&mut self, item: &'a T) -> u32 {
        let next = self.items.len() as u32;
        let n = *self.numbers.entry(item).or_insert(next);
        if n == next {
            self.items.push(item);
        }
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_stay_valid_and_a_mostly_unused_table_is_made_again() {
        let old: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
        let kept = Listed::Numbered(vec![2, 0].into());
        let found: Listed<String> = Listed::Found(vec!["c".to_string(), "d".into()].into());
        let lists = [kept.clone(), found.clone()];
        let mut table = Table::new(&old, lists.iter());
        assert_eq!(table.number(&kept), [2, 0]);
        assert_eq!(table.number(&found), [2, 3]);
        let items: Vec<&str> = table.items.iter().map(|s| s.as_str()).collect();
        assert_eq!(items, ["a", "b", "c", "d"]);
        assert_eq!(kept.iter(&old).collect::<Vec<_>>(), ["c", "a"]);
        // 2,000 items of which one is used: made again with only what is used.
        let old: Vec<String> = (0..2000).map(|i| i.to_string()).collect();
        let one = Listed::Numbered(vec![1999].into());
        let mut table = Table::new(&old, [&one].into_iter());
        assert_eq!(table.number(&one), [0]);
        assert_eq!(table.items, [&old[1999]]);
    }
}
