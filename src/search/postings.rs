//! The compact text form of a posting list, short to download and quick to read in
//! JavaScript without a decompressor.
//!
//! A list is a string of numbers, two per article: the gap from the previous
//! article's number (minus one, so neighbours cost `0`) and the article's value
//! ([`value`]: how often the term occurs, and whether in the title). A number is
//! written in base 32, most significant digit first: digits before the last come from
//! [`MORE`], the last from [`LAST`]. So most numbers take one character, and no
//! separator is needed. Both alphabets are safe in JSON strings and URLs.
//!
//! A shard file may hold a list in a second, denser form ([`wire`]), chosen where it
//! is shorter (terms found in a sixth of the articles or more): `.`, a bitmap of the
//! articles (six per digit, [`MORE`] then [`LAST`] as the digits 0–63, article
//! `6k + b` in bit `b` of digit `k`), `.`, then the values in the compact form, one
//! per article present. [`decode`] reads both; the index kept between builds holds
//! the first form only.

/// Digits that end a number.
pub const LAST: &[u8; 32] = b"0123456789abcdefghijklmnopqrstuv";
/// Digits followed by more digits of the same number.
pub const MORE: &[u8; 32] = b"wxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_";

/// Term frequencies are counted up to this.
pub const MAX_TF: u32 = 1000;

/// The value stored for an article: its term frequency and whether the term is in
/// its title (the lowest bit).
pub fn value(tf: u32, in_title: bool) -> u32 {
    (tf.min(MAX_TF) << 1) | u32::from(in_title)
}

/// The term frequency of a stored value.
pub fn tf(value: u32) -> u32 {
    value >> 1
}

/// True when a stored value says the term is in the title.
pub fn in_title(value: u32) -> bool {
    value & 1 == 1
}

/// Appends `n` in the compact form.
#[inline]
pub fn push_number(out: &mut String, n: u32) {
    if n < 32 {
        // Most numbers: one digit.
        out.push(LAST[n as usize] as char);
        return;
    }
    let mut digits = [0u8; 7];
    let mut len = 0;
    let mut rest = n;
    loop {
        digits[len] = (rest & 31) as u8;
        len += 1;
        rest >>= 5;
        if rest == 0 {
            break;
        }
    }
    for i in (1..len).rev() {
        out.push(MORE[digits[i] as usize] as char);
    }
    out.push(LAST[digits[0] as usize] as char);
}

/// Encodes `(article, value)` pairs, articles ascending.
pub fn encode(list: &[(u32, u32)]) -> String {
    let mut out = String::with_capacity(list.len() * 2 + 2);
    encode_into(&mut out, list);
    out
}

/// Appends the encoding of `list` (articles ascending) to `out`.
pub fn encode_into(out: &mut String, list: &[(u32, u32)]) {
    let mut next = 0u32;
    for &(doc, value) in list {
        push_number(out, doc - next);
        push_number(out, value);
        next = doc + 1;
    }
}

/// Each byte's digit: `0..32` for [`MORE`], `32..64` for [`LAST`], 255 for others.
const DIGITS: [u8; 256] = {
    let mut table = [255u8; 256];
    let mut i = 0;
    while i < 32 {
        table[MORE[i] as usize] = i as u8;
        table[LAST[i] as usize] = 32 + i as u8;
        i += 1;
    }
    table
};

/// The bitmap form of `list` (written by [`encode`]) when it is shorter, for a
/// shard file.
pub fn wire(list: &str) -> Option<String> {
    // A bitmap costs a digit per six articles up to the last one, plus the values.
    let (mut last, mut values) = (0u32, 0usize);
    let mut entries = Entries::new(list);
    for (doc, value) in &mut entries {
        last = doc;
        values += number_len(value);
    }
    let digits = (last as usize + 1).div_ceil(6);
    if entries.error.is_some() || list.is_empty() || digits + values + 2 >= list.len() {
        return None;
    }
    let mut bits = vec![0u8; digits];
    for (doc, _) in Entries::new(list) {
        bits[doc as usize / 6] |= 1 << (doc % 6);
    }
    let mut out = String::with_capacity(digits + values + 2);
    out.push('.');
    out.extend(bits.iter().map(|&d| digit64(d)));
    out.push('.');
    for (_, value) in Entries::new(list) {
        push_number(&mut out, value);
    }
    Some(out)
}

/// The number of characters [`push_number`] writes for `n`.
fn number_len(n: u32) -> usize {
    let bits = 32 - n.leading_zeros() as usize;
    bits.div_ceil(5).max(1)
}

/// Digit `d` (0–63) of a bitmap.
fn digit64(d: u8) -> char {
    match d < 32 {
        true => MORE[d as usize] as char,
        false => LAST[d as usize - 32] as char,
    }
}

/// Decodes a list written by [`encode`] or [`wire`].
pub fn decode(text: &str) -> Result<Vec<(u32, u32)>, String> {
    if let Some(rest) = text.strip_prefix('.') {
        return decode_bitmap(rest);
    }
    let mut out = Vec::with_capacity(text.len() / 2);
    let mut entries = Entries::new(text);
    for entry in &mut entries {
        out.push(entry);
    }
    entries.error.map_or(Ok(out), Err)
}

/// Decodes the bitmap form, after its first `.`.
fn decode_bitmap(text: &str) -> Result<Vec<(u32, u32)>, String> {
    let (bits, values) = text
        .split_once('.')
        .ok_or("a bitmap list without its values")?;
    let mut docs = Vec::new();
    for (k, c) in bits.bytes().enumerate() {
        let d = DIGITS[c as usize];
        if d == 255 {
            return Err("bad character in a posting list".into());
        }
        docs.extend(
            (0..6)
                .filter(|b| d >> b & 1 == 1)
                .map(|b| (k * 6 + b) as u32),
        );
    }
    let mut out = Vec::with_capacity(docs.len());
    let mut numbers = Entries::new(values);
    for doc in docs {
        let value = numbers.number().map_err(str::to_string)?;
        out.push((doc, value));
    }
    match numbers.at == values.len() {
        true => Ok(out),
        false => Err("a bitmap list with more values than articles".into()),
    }
}

/// The entries of an encoded list, in order, without collecting them; a damaged
/// list ends early with [`Entries::error`] set.
#[derive(Debug)]
pub struct Entries<'a> {
    bytes: &'a [u8],
    at: usize,
    next: u32,
    /// Why the list ended early, if it did.
    pub error: Option<String>,
}

impl<'a> Entries<'a> {
    /// Reads `text`, a list written by [`encode`].
    pub fn new(text: &'a str) -> Entries<'a> {
        Entries {
            bytes: text.as_bytes(),
            at: 0,
            next: 0,
            error: None,
        }
    }

    /// Reads `text` from byte `at`, where an entry starts whose gap counts from
    /// article `next`.
    pub fn resume(text: &'a str, at: usize, next: u32) -> Entries<'a> {
        Entries {
            at,
            next,
            ..Entries::new(text)
        }
    }

    /// Skips the entries of articles below `until` without reading their values;
    /// returns where the first other entry starts and the article its gap counts
    /// from. A damaged list stops the skip where it is damaged.
    pub fn skip_below(&mut self, until: u32) -> (usize, u32) {
        let bytes = self.bytes;
        let mut at = self.at;
        while at < bytes.len() {
            let (mut i, mut gap) = (at, 0u32);
            let doc = loop {
                let Some(&d) = bytes.get(i).map(|&c| &DIGITS[c as usize]) else {
                    return (self.at, self.next);
                };
                i += 1;
                gap = gap.wrapping_mul(32).wrapping_add(u32::from(d & 31));
                match d {
                    255 => return (self.at, self.next),
                    32.. => break self.next.wrapping_add(gap),
                    _ => {}
                }
            };
            if doc >= until {
                break;
            }
            // The value: digits of MORE, then one of LAST.
            while bytes.get(i).is_some_and(|&c| DIGITS[c as usize] < 32) {
                i += 1;
            }
            if bytes.get(i).is_none_or(|&c| DIGITS[c as usize] == 255) {
                break;
            }
            (self.at, self.next) = (i + 1, doc.wrapping_add(1));
            at = self.at;
        }
        (self.at, self.next)
    }

    /// Where the next entry starts, in bytes.
    pub fn offset(&self) -> usize {
        self.at
    }

    fn number(&mut self) -> Result<u32, &'static str> {
        let mut n: u32 = 0;
        loop {
            let Some(&c) = self.bytes.get(self.at) else {
                return Err("the list ends in the middle of an entry");
            };
            self.at += 1;
            let d = DIGITS[c as usize];
            if d == 255 {
                return Err("bad character in a posting list");
            }
            n = n
                .checked_mul(32)
                .and_then(|n| n.checked_add(u32::from(d & 31)))
                .ok_or("number too large")?;
            if d >= 32 {
                return Ok(n);
            }
        }
    }
}

impl Iterator for Entries<'_> {
    type Item = (u32, u32);

    fn next(&mut self) -> Option<(u32, u32)> {
        if self.at == self.bytes.len() || self.error.is_some() {
            return None;
        }
        let entry = self.number().and_then(|gap| {
            let doc = self
                .next
                .checked_add(gap)
                .ok_or("article number too large")?;
            Ok((doc, self.number()?))
        });
        match entry {
            Ok((doc, value)) => {
                self.next = doc.saturating_add(1);
                Some((doc, value))
            }
            Err(e) => {
                self.error = Some(e.to_string());
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let list = vec![
            (0, value(1, false)),
            (1, value(3, true)),
            (40, 2),
            (100_000, 77),
        ];
        let text = encode(&list);
        assert_eq!(&text[..4], "0207");
        assert_eq!(decode(&text).unwrap(), list);
        assert_eq!(decode("").unwrap(), vec![]);
    }

    #[test]
    fn numbers_take_one_character_below_32() {
        let mut s = String::new();
        push_number(&mut s, 31);
        assert_eq!(s, "v");
        s.clear();
        push_number(&mut s, 32);
        assert_eq!(s, "x0");
        s.clear();
        push_number(&mut s, u32::MAX);
        assert_eq!(decode(&format!("0{s}")).unwrap(), vec![(0, u32::MAX)]);
    }

    #[test]
    fn values_carry_frequency_and_title() {
        assert_eq!(tf(value(5, true)), 5);
        assert!(in_title(value(5, true)));
        assert!(!in_title(value(5, false)));
        assert_eq!(tf(value(5000, false)), MAX_TF);
    }

    #[test]
    fn dense_lists_take_the_bitmap_form() {
        let dense: Vec<(u32, u32)> = (0..600)
            .filter(|d| d % 7 != 3)
            .map(|d| (d, d % 40))
            .collect();
        let text = encode(&dense);
        let short = wire(&text).expect("shorter");
        assert!(
            short.len() < text.len() * 3 / 4,
            "{} of {}",
            short.len(),
            text.len()
        );
        assert!(short.starts_with('.'));
        assert_eq!(decode(&short).unwrap(), dense);
        // Sparse lists keep their form.
        let sparse = [(3, 2), (90, 4), (5000, 2)];
        assert_eq!(wire(&encode(&sparse)), None);
        assert_eq!(wire(""), None);
        // Articles 0 and 7: bits 0 of digits 0 and 1.
        let mut odd: Vec<(u32, u32)> = (0..40).map(|d| (d * 2, 1)).collect();
        odd.push((85, 33));
        assert_eq!(decode(&wire(&encode(&odd)).unwrap()).unwrap(), odd);
        assert_eq!(number_len(0), 1);
        assert_eq!(number_len(31), 1);
        assert_eq!(number_len(32), 2);
        assert_eq!(number_len(u32::MAX), 7);
    }

    #[test]
    fn skipping_stops_at_the_first_entry_not_below() {
        let list = [(0, 1), (40, 2000), (41, 3), (5000, 70), (5001, 1)];
        let text = encode(&list);
        for (until, from) in [(0, 0), (1, 1), (41, 2), (42, 3), (6000, 5)] {
            let (at, next) = Entries::new(&text).skip_below(until);
            let rest: Vec<_> = Entries::resume(&text, at, next).collect();
            assert_eq!(rest, list[from..], "until {until}");
        }
        // A damaged list stops the skip where the damage is.
        let (at, _) = Entries::new("01x").skip_below(99);
        assert_eq!(at, 2);
    }

    #[test]
    fn bad_input_is_an_error() {
        assert!(decode(".x").is_err());
        assert!(decode(".!.").is_err());
        assert!(decode(".1.").is_err(), "a value missing");
        assert!(decode(".1.111").is_err(), "a value too many");
        assert_eq!(decode(".1.11").unwrap(), [(0, 1), (5, 1)]);
        assert!(decode("0").is_err());
        assert!(decode("x").is_err());
        assert!(decode("0!").is_err());
    }
}
