//! Content fingerprints: fast, stable 64-bit hashes of bytes and of combined values.
//!
//! Used to name fingerprinted assets, to key caches and to tell which outputs a
//! change affects. Not for security.

use std::hash::{Hash, Hasher};

use xxhash_rust::xxh3::xxh3_64;

/// The hash of a byte string.
pub fn of_bytes(bytes: &[u8]) -> u64 {
    xxh3_64(bytes)
}

/// The hash of any `Hash` value; stable across runs and machines of one build of Herald.
///
/// Equal to hashing the value into a streaming `Xxh3`, but the bytes are gathered in a
/// reused buffer and hashed at once: the streaming state is 500 bytes to set up and
/// copies every small write, which made `serve`'s dependency versions slow.
pub fn of<T: Hash + ?Sized>(value: &T) -> u64 {
    thread_local! {
        static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    BUFFER.with(|buffer| match buffer.try_borrow_mut() {
        Ok(mut bytes) => {
            bytes.clear();
            value.hash(&mut Gather(&mut bytes));
            xxh3_64(&bytes)
        }
        // A `Hash` impl that hashes inside itself: no buffer to share.
        Err(_) => {
            let mut bytes = Vec::new();
            value.hash(&mut Gather(&mut bytes));
            xxh3_64(&bytes)
        }
    })
}

/// Hashes the items of an iterator as a sequence, without collecting them first.
#[derive(Clone)]
pub struct Seq<I>(pub I);

impl<I, T> Hash for Seq<I>
where
    I: Iterator<Item = T> + Clone,
    T: Hash,
{
    fn hash<H: Hasher>(&self, state: &mut H) {
        let mut count = 0usize;
        for item in self.0.clone() {
            item.hash(state);
            count += 1;
        }
        // The count after the items keeps two sequences in one tuple apart.
        state.write_usize(count);
    }
}

/// A `Hasher` that only gathers the bytes written to it.
struct Gather<'a>(&'a mut Vec<u8>);

impl Hasher for Gather<'_> {
    fn write(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(bytes);
    }

    fn finish(&self) -> u64 {
        xxh3_64(self.0)
    }
}

/// The first eight hex digits of a hash, as used in fingerprinted file names.
pub fn short_hex(hash: u64) -> String {
    format!("{:016x}", hash)[..8].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use xxhash_rust::xxh3::Xxh3;

    #[test]
    fn hashes_are_stable() {
        assert_eq!(of_bytes(b"herald"), of_bytes(b"herald"));
        assert_ne!(of_bytes(b"herald"), of_bytes(b"Herald"));
        assert_eq!(of(&("a", 1u32)), of(&("a", 1u32)));
        assert_eq!(short_hex(0x1234_5678_9abc_def0), "12345678");
    }

    #[test]
    fn sequences_hash_apart() {
        let seq = |v: &'static [&'static str]| Seq(v.iter());
        assert_eq!(of(&seq(&["a", "b"])), of(&seq(&["a", "b"])));
        assert_ne!(of(&seq(&["a", "b"])), of(&seq(&["b", "a"])));
        assert_ne!(
            of(&(seq(&["a"]), seq(&["b"]))),
            of(&(seq(&["a", "b"]), seq(&[])))
        );
    }

    #[test]
    fn gathering_equals_streaming() {
        // Saved build states and caches hold these values: they must not move.
        let value = (
            "网络安全",
            Some(3usize),
            vec![("a", 1u64), ("b", 2)],
            None::<&str>,
            -7i32,
            'x',
            "x".repeat(1000),
        );
        let mut streaming = Xxh3::new();
        value.hash(&mut streaming);
        assert_eq!(of(&value), streaming.finish());
        assert_eq!(of(""), {
            let mut s = Xxh3::new();
            "".hash(&mut s);
            s.finish()
        });
    }
}
