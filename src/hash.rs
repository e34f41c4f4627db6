//! Content fingerprints: fast, stable 64-bit hashes of bytes and of combined values.
//!
//! Used to name fingerprinted assets, to key caches and to tell which outputs a
//! change affects. Not for security.

use std::hash::{Hash, Hasher};

use xxhash_rust::xxh3::{Xxh3, xxh3_64};

/// The hash of a byte string.
pub fn of_bytes(bytes: &[u8]) -> u64 {
    xxh3_64(bytes)
}

/// The hash of any `Hash` value; stable across runs and machines of one build of Herald.
pub fn of<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut hasher = Xxh3::new();
    value.hash(&mut hasher);
    hasher.finish()
}

/// The first eight hex digits of a hash, as used in fingerprinted file names.
pub fn short_hex(hash: u64) -> String {
    format!("{:016x}", hash)[..8].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_stable() {
        assert_eq!(of_bytes(b"herald"), of_bytes(b"herald"));
        assert_ne!(of_bytes(b"herald"), of_bytes(b"Herald"));
        assert_eq!(of(&("a", 1u32)), of(&("a", 1u32)));
        assert_eq!(short_hex(0x1234_5678_9abc_def0), "12345678");
    }
}
