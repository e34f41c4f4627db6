//! The index's terms, numbered, and the lists of term numbers each article holds.
//!
//! The tokenizer hands terms over as [`Key`]s (most packed into a number), so that
//! looking one up hashes a number rather than a string and allocates nothing.

use rustc_hash::FxHashMap;

use super::tokenizer::{Key, unpack};

/// A term owned: packed as [`Key::Packed`], or a longer word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TermKey {
    /// Up to eight bytes, packed.
    Packed(u64),
    /// A longer word.
    Long(Box<str>),
}

impl TermKey {
    /// The key borrowed.
    pub fn key(&self) -> Key<'_> {
        match self {
            TermKey::Packed(p) => Key::Packed(*p),
            TermKey::Long(word) => Key::Long(word),
        }
    }

    /// The term as text.
    pub fn name(&self) -> Box<str> {
        match self {
            TermKey::Packed(p) => unpack(*p, &mut [0; 8]).into(),
            TermKey::Long(word) => word.clone(),
        }
    }
}

impl From<Key<'_>> for TermKey {
    fn from(key: Key<'_>) -> TermKey {
        match key {
            Key::Packed(p) => TermKey::Packed(p),
            Key::Long(word) => TermKey::Long(word.into()),
        }
    }
}

/// Numbers of terms by key.
#[derive(Debug, Default, Clone)]
pub struct Lookup {
    packed: FxHashMap<u64, u32>,
    long: FxHashMap<Box<str>, u32>,
}

impl Lookup {
    /// The number of `key`, if it has one.
    pub fn get(&self, key: Key<'_>) -> Option<u32> {
        match key {
            Key::Packed(p) => self.packed.get(&p).copied(),
            Key::Long(word) => self.long.get(word).copied(),
        }
    }

    /// Gives `key` the number `id`.
    pub fn insert(&mut self, key: Key<'_>, id: u32) {
        match key {
            Key::Packed(p) => {
                self.packed.insert(p, id);
            }
            Key::Long(word) => {
                self.long.insert(word.into(), id);
            }
        }
    }
}

/// Every term the index has numbered, with its name.
#[derive(Debug, Default, Clone)]
pub struct Terms {
    names: Vec<Box<str>>,
    lookup: Lookup,
}

impl Terms {
    /// Terms numbered in the order of `names` (as [`Terms::names`] gave them).
    pub fn from_names(names: Vec<Box<str>>) -> Terms {
        let mut terms = Terms {
            names: Vec::with_capacity(names.len()),
            lookup: Lookup::default(),
        };
        for name in names {
            terms.push(name);
        }
        terms
    }

    /// Numbers `name` next (a name [`Terms::names`] gave, not yet numbered here).
    pub fn push(&mut self, name: Box<str>) {
        let key = match super::tokenizer::pack(&name) {
            Some(p) => Key::Packed(p),
            None => Key::Long(&name),
        };
        self.lookup.insert(key, self.names.len() as u32);
        self.names.push(name);
    }

    /// The number of `key`, numbering it when it is new.
    pub fn id(&mut self, key: &TermKey) -> u32 {
        if let Some(id) = self.lookup.get(key.key()) {
            return id;
        }
        let id = self.names.len() as u32;
        self.lookup.insert(key.key(), id);
        self.names.push(key.name());
        id
    }

    /// The name of term `id`.
    pub fn name(&self, id: u32) -> &str {
        &self.names[id as usize]
    }

    /// Every name, by number.
    pub fn names(&self) -> &[Box<str>] {
        &self.names
    }

    /// Number of terms.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// True when there is none.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

/// Term numbers (in any order) as LEB128: what one article holds. Left unsorted,
/// which would make them smaller but cost a sort of every article's terms.
pub fn encode_ids(ids: impl Iterator<Item = u32>) -> Box<[u8]> {
    let mut out = Vec::with_capacity(ids.size_hint().0 * 2 + 4);
    for mut id in ids {
        loop {
            let byte = (id & 0x7f) as u8;
            id >>= 7;
            if id == 0 {
                out.push(byte);
                break;
            }
            out.push(byte | 0x80);
        }
    }
    out.into_boxed_slice()
}

/// The numbers written by [`encode_ids`]; `None` when the bytes are damaged.
pub fn decode_ids(bytes: &[u8]) -> Option<Vec<u32>> {
    let mut out = Vec::with_capacity(bytes.len() / 2);
    let mut id = 0u32;
    let mut shift = 0;
    for &byte in bytes {
        id |= u32::from(byte & 0x7f).checked_shl(shift)?;
        if byte & 0x80 == 0 {
            out.push(id);
            id = 0;
            shift = 0;
        } else {
            shift += 7;
        }
    }
    (shift == 0).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::tokenizer::pack;

    #[test]
    fn terms_are_numbered_once_and_named() {
        let mut terms = Terms::default();
        let a = terms.id(&TermKey::Packed(pack("网络").unwrap()));
        let b = terms.id(&TermKey::Long("internationalization".into()));
        assert_eq!(terms.id(&TermKey::Packed(pack("网络").unwrap())), a);
        assert_eq!((a, b), (0, 1));
        assert_eq!(terms.name(b), "internationalization");
        let again = Terms::from_names(terms.names().to_vec());
        assert_eq!(
            again.lookup.get(Key::Packed(pack("网络").unwrap())),
            Some(0)
        );
        assert_eq!(again.lookup.get(Key::Long("internationalization")), Some(1));
    }

    #[test]
    fn term_numbers_round_trip() {
        let ids = [300, 0, 1, 5, 127, 128, 70_000, u32::MAX, 2];
        assert_eq!(decode_ids(&encode_ids(ids.into_iter())).unwrap(), ids);
        assert_eq!(
            decode_ids(&encode_ids(std::iter::empty())).unwrap(),
            Vec::<u32>::new()
        );
        assert_eq!(decode_ids(&[0x80]), None);
    }
}
