//! Text to index terms, the same way for articles and for queries (the browser's
//! `search.js` repeats these rules; `tests/search.rs` and the unit tests below pin them).
//!
//! - Runs of CJK characters (Chinese, Japanese kana, Korean hangul) give their
//!   character bigrams: `网络安全` → `网络 络安 安全`, so any query of two or more
//!   consecutive characters finds the text. A run of one character stands as itself
//!   (`A股` → `a 股`), so that it can be found next to Latin words.
//! - Runs of letters and digits of other scripts are words, lower-cased, with
//!   full-width forms folded to ASCII (`Ｗｉ－Ｆｉ` reads as `wi-fi`). Words joined by
//!   `-`, `.`, `_` or `'` also give the joined form: `Wi-Fi` → `wi fi wifi`; a query
//!   for `Wi-Fi` or `WiFi` looks up `wifi`, a query for `wi` finds `Wi-Fi` too.
//! - Everything else (spaces, punctuation of any width) separates and is ignored.

use crate::markdown::text::is_cjk;

/// Words longer than this (hashes, long URLs) are not indexed.
pub const MAX_WORD_CHARS: usize = 40;

/// One query word and the terms that must all be found for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryWord {
    /// The word as typed, lower-cased, for highlighting.
    pub text: String,
    /// Index terms looked up (bigrams of a CJK run, or one Latin word).
    pub terms: Vec<String>,
    /// True for CJK runs (no separator between the parts of the word).
    pub cjk: bool,
}

/// A character as the tokenizer reads it: full-width ASCII folded to ASCII.
fn fold(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// True for characters indexed by bigrams.
#[inline]
pub fn is_cjk_char(c: char) -> bool {
    // The common case first: ASCII, then the unified ideographs.
    (c as u32) >= 0x3007 && (matches!(c as u32, 0x4e00..=0x9fff) || is_cjk(c) || c == '\u{3007}')
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() && !is_cjk_char(c)
}

fn is_joiner(c: char) -> bool {
    matches!(c, '-' | '.' | '_' | '\'')
}

/// A run of text between separators.
#[derive(Debug, PartialEq, Eq)]
enum Run {
    /// CJK characters.
    Cjk(Vec<char>),
    /// A word (lower-cased) and its parts when it was joined by `-` and the like.
    Word(String, Vec<String>),
}

/// Splits text into CJK runs and words.
fn runs(text: &str) -> Vec<Run> {
    let chars: Vec<char> = text.chars().map(fold).collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if is_cjk_char(c) {
            let start = i;
            while i < chars.len() && is_cjk_char(chars[i]) {
                i += 1;
            }
            out.push(Run::Cjk(chars[start..i].to_vec()));
        } else if is_word_char(c) {
            let mut parts = Vec::new();
            let mut part = String::new();
            while i < chars.len() {
                let c = chars[i];
                if is_word_char(c) {
                    part.extend(c.to_lowercase());
                    i += 1;
                } else if is_joiner(c) && i + 1 < chars.len() && is_word_char(chars[i + 1]) {
                    parts.push(std::mem::take(&mut part));
                    i += 1;
                } else {
                    break;
                }
            }
            parts.push(part);
            let joined: String = parts.concat();
            if parts.len() == 1 {
                parts.clear();
            }
            out.push(Run::Word(joined, parts));
        } else {
            i += 1;
        }
    }
    out
}

fn bigrams(run: &[char], out: &mut Vec<String>) {
    if run.len() == 1 {
        out.push(run[0].to_string());
    }
    for pair in run.windows(2) {
        out.push(pair.iter().collect());
    }
}

fn short_enough(word: &str) -> bool {
    word.chars().count() <= MAX_WORD_CHARS
}

/// Every term of `text`, in order, with repeats (their count is the term frequency).
pub fn index_terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_term(text, |t| out.push(t.to_string()));
    out
}

/// Calls `f` with every term of `text`, in order, with repeats.
pub fn for_each_term(text: &str, mut f: impl FnMut(&str)) {
    let mut buffer = [0u8; 8];
    for_each_key(text, |key| match key {
        Key::Packed(packed) => f(unpack(packed, &mut buffer)),
        Key::Long(word) => f(word),
    });
}

/// A term as the index's inner loop sees it, without allocating: up to eight bytes
/// of UTF-8 packed into a number ([`pack`]), or a longer word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key<'a> {
    /// A term of at most eight bytes (every bigram, most words).
    Packed(u64),
    /// A longer word.
    Long(&'a str),
}

/// A term of at most eight bytes as a number: its bytes big-endian, zero-padded, so
/// that numbers order as the terms do (UTF-8 of a term holds no zero byte).
pub fn pack(term: &str) -> Option<u64> {
    let bytes = term.as_bytes();
    if bytes.is_empty() || bytes.len() > 8 {
        return None;
    }
    let mut packed = [0u8; 8];
    packed[..bytes.len()].copy_from_slice(bytes);
    Some(u64::from_be_bytes(packed))
}

/// The term packed in `packed`, written into `buffer`.
pub fn unpack(packed: u64, buffer: &mut [u8; 8]) -> &str {
    *buffer = packed.to_be_bytes();
    let len = buffer.iter().position(|&b| b == 0).unwrap_or(8);
    // Packed from a `&str` ([`pack`] or [`for_each_key`]): whole characters.
    std::str::from_utf8(&buffer[..len]).unwrap_or_default()
}

/// The `len` bytes at `i` as a big-endian number.
#[inline]
fn utf8_value(bytes: &[u8], i: usize, len: usize) -> u64 {
    bytes[i..i + len]
        .iter()
        .fold(0, |n, &b| (n << 8) | u64::from(b))
}

/// The character at byte `i` of `text` (a boundary) and its length in bytes, read
/// straight from the UTF-8: the index reads every character of every article.
#[inline]
fn char_at(bytes: &[u8], i: usize) -> (char, usize) {
    let b0 = u32::from(bytes[i]);
    let more = |k: usize| u32::from(bytes[i + k] & 0x3f);
    let (n, len) = match b0 {
        0..=0x7f => (b0, 1),
        0xc0..=0xdf => (((b0 & 0x1f) << 6) | more(1), 2),
        0xe0..=0xef => (((b0 & 0x0f) << 12) | (more(1) << 6) | more(2), 3),
        _ => (
            ((b0 & 0x07) << 18) | (more(1) << 12) | (more(2) << 6) | more(3),
            4,
        ),
    };
    // `bytes` is a `str`'s: always a character.
    (
        char::from_u32(n).unwrap_or(char::REPLACEMENT_CHARACTER),
        len,
    )
}

/// Calls `f` with every term of `text`, in order, with repeats, allocating nothing
/// per term: the index tokenises every article's text with it. [`index_terms`] and
/// [`query_words`] cut text the same way.
pub fn for_each_key(text: &str, mut f: impl FnMut(Key<'_>)) {
    let bytes = text.as_bytes();
    let mut term = String::new();
    let mut parts: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let (raw, len) = char_at(bytes, i);
        let c = fold(raw);
        if is_cjk_char(c) {
            // Folding leaves CJK characters alone: their bytes are the text's, taken
            // as big-endian numbers and packed two by two (as [`pack`] packs them).
            let mut previous = (utf8_value(bytes, i, len), len);
            i += len;
            let mut pairs = false;
            while i < bytes.len() {
                let (d, len) = char_at(bytes, i);
                if !is_cjk_char(d) {
                    break;
                }
                let next = (utf8_value(bytes, i, len), len);
                let shift = 64 - 8 * (previous.1 + next.1);
                f(Key::Packed(
                    ((previous.0 << (8 * next.1)) | next.0) << shift,
                ));
                previous = next;
                i += len;
                pairs = true;
            }
            if !pairs {
                f(Key::Packed(previous.0 << (64 - 8 * previous.1)));
            }
        } else if is_word_char(c) {
            i = word_at(bytes, i, &mut term, &mut parts);
            if !short_enough(&term) {
                continue;
            }
            let emit = |f: &mut dyn FnMut(Key<'_>), word: &str| match pack(word) {
                Some(packed) => f(Key::Packed(packed)),
                None => f(Key::Long(word)),
            };
            if parts.len() > 1 {
                for &(a, b) in &parts {
                    emit(&mut f, &term[a..b]);
                }
            }
            emit(&mut f, &term);
        } else {
            i += len;
        }
    }
}

/// Reads the word starting at byte `i` of `bytes` into `term` (folded, lower-cased,
/// joiners left out) with each part's byte range in `parts`; returns where it ends.
fn word_at(
    bytes: &[u8],
    mut i: usize,
    term: &mut String,
    parts: &mut Vec<(usize, usize)>,
) -> usize {
    term.clear();
    parts.clear();
    let mut part_start = 0;
    let folded = |i: usize| {
        (i < bytes.len())
            .then(|| char_at(bytes, i))
            .map(|(c, l)| (fold(c), l))
    };
    while let Some((c, len)) = folded(i) {
        if is_word_char(c) {
            if c.is_ascii() {
                term.push(c.to_ascii_lowercase());
            } else {
                term.extend(c.to_lowercase());
            }
            i += len;
        } else if is_joiner(c) && folded(i + len).is_some_and(|(d, _)| is_word_char(d)) {
            parts.push((part_start, term.len()));
            part_start = term.len();
            i += len;
        } else {
            break;
        }
    }
    parts.push((part_start, term.len()));
    i
}

/// The words of a query, each with the terms that must all be found. Words that
/// repeat are kept once.
pub fn query_words(query: &str) -> Vec<QueryWord> {
    let mut out: Vec<QueryWord> = Vec::new();
    for run in runs(query) {
        let word = match run {
            Run::Cjk(chars) => {
                let mut all = Vec::new();
                bigrams(&chars, &mut all);
                let mut terms: Vec<String> = Vec::with_capacity(all.len());
                for term in all {
                    if !terms.contains(&term) {
                        terms.push(term);
                    }
                }
                QueryWord {
                    text: chars.iter().collect(),
                    terms,
                    cjk: true,
                }
            }
            Run::Word(joined, _) if short_enough(&joined) => QueryWord {
                text: joined.clone(),
                terms: vec![joined],
                cjk: false,
            },
            Run::Word(..) => continue,
        };
        if !out.iter().any(|w| w.text == word.text) {
            out.push(word);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str) -> Vec<String> {
        index_terms(text)
    }

    #[test]
    fn cjk_runs_give_bigrams() {
        assert_eq!(terms("网络安全"), ["网络", "络安", "安全"]);
        assert_eq!(terms("宣传周，诈骗"), ["宣传", "传周", "诈骗"]);
        // Japanese kana and Korean hangul too.
        assert_eq!(terms("ひらがな"), ["ひら", "らが", "がな"]);
        assert_eq!(terms("보안 교육"), ["보안", "교육"]);
    }

    #[test]
    fn single_characters_stand_alone_only_when_alone() {
        assert_eq!(terms("A股"), ["a", "股"]);
        assert_eq!(terms("第1名"), ["第", "1", "名"]);
    }

    #[test]
    fn latin_words_are_lower_cased_and_punctuation_ignored() {
        assert_eq!(terms("Hello, World! HTTPS?"), ["hello", "world", "https"]);
        assert_eq!(terms("（注意）“APP”…"), ["注意", "app"]);
        assert_eq!(terms("！？。、；：——"), Vec::<String>::new());
    }

    #[test]
    fn joined_words_give_parts_and_the_whole() {
        assert_eq!(terms("Wi-Fi安全"), ["wi", "fi", "wifi", "安全"]);
        assert_eq!(terms("open-source"), ["open", "source", "opensource"]);
        assert_eq!(terms("node.js."), ["node", "js", "nodejs"]);
        // A trailing or doubled joiner is punctuation.
        assert_eq!(terms("a--b"), ["a", "b"]);
    }

    #[test]
    fn digits_stay_with_letters() {
        assert_eq!(terms("5G网络"), ["5g", "网络"]);
        assert_eq!(terms("2026年9月"), ["2026", "年", "9", "月"]);
    }

    #[test]
    fn full_width_forms_are_folded() {
        assert_eq!(terms("Ｗｉ－Ｆｉ　ＡＰＰ"), ["wi", "fi", "wifi", "app"]);
    }

    #[test]
    fn very_long_words_are_skipped() {
        let hash = "a".repeat(MAX_WORD_CHARS + 1);
        assert_eq!(terms(&format!("{hash} ok")), ["ok"]);
    }

    #[test]
    fn a_text_searched_for_itself_is_found() {
        for text in [
            "公共Wi-Fi使用指南：5G网络、APP与node.js",
            "Ｗｉ－Ｆｉ　ＡＰＰ（全角）",
            "A股 第1名 ひらがな 보안 교육 〇〇七",
            "it's e-mail--and QR-code_2026.v2",
        ] {
            let indexed = index_terms(text);
            for word in query_words(text) {
                for term in &word.terms {
                    assert!(indexed.contains(term), "{term} of {text}: {indexed:?}");
                }
            }
        }
    }

    #[test]
    fn packed_terms_order_as_strings_and_come_back() {
        let mut buffer = [0u8; 8];
        for term in ["网络", "a", "wifi", "abcdefgh", "股", "𠀀a"] {
            let packed = pack(term).unwrap();
            assert_eq!(unpack(packed, &mut buffer), term);
        }
        assert_eq!(pack("abcdefghi"), None);
        assert_eq!(pack(""), None);
        let mut terms = ["网络", "a", "ab", "b", "安全", "9", "z9"];
        let mut packed: Vec<u64> = terms.iter().map(|t| pack(t).unwrap()).collect();
        terms.sort_unstable();
        packed.sort_unstable();
        let back: Vec<String> = packed
            .iter()
            .map(|&p| unpack(p, &mut buffer).to_string())
            .collect();
        assert_eq!(back, terms);
    }

    #[test]
    fn keys_are_the_terms_packed() {
        let text =
            "公共Wi-Fi使用指南：5G网络、APP与node.js A股 第1名 𠀀𠀁 internationalization-ready";
        let mut keys = Vec::new();
        for_each_key(text, |key| {
            keys.push(match key {
                Key::Packed(p) => p,
                Key::Long(word) => {
                    assert!(word.len() > 8, "{word}");
                    pack(&word[..8]).unwrap()
                }
            })
        });
        let terms = index_terms(text);
        assert_eq!(keys.len(), terms.len());
        for (key, term) in keys.iter().zip(&terms) {
            let head = &term[..term.len().min(8)];
            assert_eq!(*key, pack(head).unwrap(), "{term}");
        }
        assert!(terms.contains(&"internationalization".to_string()));
        assert!(terms.contains(&"𠀀𠀁".to_string()));
    }

    /// The index's terms as the query tokenizer's runs give them.
    fn reference_terms(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for run in runs(text) {
            match run {
                Run::Cjk(chars) => bigrams(&chars, &mut out),
                Run::Word(joined, parts) if short_enough(&joined) => {
                    out.extend(parts);
                    out.push(joined);
                }
                Run::Word(..) => {}
            }
        }
        out
    }

    #[test]
    fn index_terms_are_the_query_tokenizers_runs() {
        let alphabet: Vec<char> = "网络安全个人信息ａＢＣ－．　aZ9-._' ,。！é€Ωß𠀀ひらㄱ보〇٣"
            .chars()
            .collect();
        let mut seed = 7u64;
        for _ in 0..3000 {
            let len = (seed % 14) as usize;
            let text: String = (0..len)
                .map(|_| {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    alphabet[(seed >> 33) as usize % alphabet.len()]
                })
                .collect();
            assert_eq!(index_terms(&text), reference_terms(&text), "{text:?}");
        }
        let long = format!("{} ok", "ａ".repeat(MAX_WORD_CHARS + 1));
        assert_eq!(index_terms(&long), reference_terms(&long));
    }

    #[test]
    fn query_words_as_search_js_cuts_them() {
        // tests/browser/tests/search.test.js checks search.js on the same query.
        let words = query_words("Wi-Fi 个人信息，诈骗 诈骗 5G网络 ＡＰＰ A股 哈哈哈 node.js");
        let cut: Vec<(&str, Vec<&str>)> = words
            .iter()
            .map(|w| {
                (
                    w.text.as_str(),
                    w.terms.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        assert_eq!(
            cut,
            [
                ("wifi", vec!["wifi"]),
                ("个人信息", vec!["个人", "人信", "信息"]),
                ("诈骗", vec!["诈骗"]),
                ("5g", vec!["5g"]),
                ("网络", vec!["网络"]),
                ("app", vec!["app"]),
                ("a", vec!["a"]),
                ("股", vec!["股"]),
                ("哈哈哈", vec!["哈哈"]),
                ("nodejs", vec!["nodejs"]),
            ]
        );
    }

    #[test]
    fn query_words_look_up_whole_words() {
        let words = query_words("Wi-Fi 个人信息 诈骗 诈骗");
        let texts: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(texts, ["wifi", "个人信息", "诈骗"]);
        assert_eq!(words[0].terms, ["wifi"]);
        assert_eq!(words[1].terms, ["个人", "人信", "信息"]);
        assert!(words[1].cjk && !words[0].cjk);
        let mixed = query_words("5G网络");
        assert_eq!(mixed[0].terms, ["5g"]);
        assert_eq!(mixed[1].terms, ["网络"]);
        // Repeated bigrams are looked up once.
        assert_eq!(query_words("哈哈哈")[0].terms, ["哈哈"]);
    }
}
