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
pub fn is_cjk_char(c: char) -> bool {
    is_cjk(c) || c == '\u{3007}'
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

/// Calls `f` with every term of `text`, in order, with repeats, allocating nothing
/// per term (the index tokenises every article's text).
pub fn for_each_term(text: &str, mut f: impl FnMut(&str)) {
    let chars: Vec<char> = text.chars().map(fold).collect();
    let mut term = String::new();
    let mut parts: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if is_cjk_char(c) {
            let start = i;
            while i < chars.len() && is_cjk_char(chars[i]) {
                i += 1;
            }
            if i - start == 1 {
                term.clear();
                term.push(c);
                f(&term);
            }
            for pair in chars[start..i].windows(2) {
                term.clear();
                term.push(pair[0]);
                term.push(pair[1]);
                f(&term);
            }
        } else if is_word_char(c) {
            // The joined word in `term`, each part's byte range in `parts`.
            term.clear();
            parts.clear();
            let mut part_start = 0;
            while i < chars.len() {
                let c = chars[i];
                if is_word_char(c) {
                    term.extend(c.to_lowercase());
                    i += 1;
                } else if is_joiner(c) && i + 1 < chars.len() && is_word_char(chars[i + 1]) {
                    parts.push((part_start, term.len()));
                    part_start = term.len();
                    i += 1;
                } else {
                    break;
                }
            }
            if !short_enough(&term) {
                continue;
            }
            if !parts.is_empty() {
                parts.push((part_start, term.len()));
                for &(a, b) in &parts {
                    f(&term[a..b]);
                }
            }
            f(&term);
        } else {
            i += 1;
        }
    }
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
