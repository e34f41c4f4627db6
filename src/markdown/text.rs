//! Counting what a reader reads: Chinese, Japanese and Korean characters one by one,
//! Latin-script words as words.

use serde::{Deserialize, Serialize};

/// Characters a minute for CJK text.
const CJK_PER_MINUTE: usize = 400;
/// Words a minute for Latin-script text.
const WORDS_PER_MINUTE: usize = 200;

/// True for characters of CJK scripts (ideographs, kana, hangul).
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF     // hiragana, katakana
        | 0x3400..=0x4DBF   // CJK extension A
        | 0x4E00..=0x9FFF   // CJK unified ideographs
        | 0xAC00..=0xD7AF   // hangul syllables
        | 0xF900..=0xFAFF   // compatibility ideographs
        | 0x20000..=0x2FA1F // extensions B and later
    )
}

/// Running counts of a text's readable units.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextStats {
    /// CJK characters.
    pub cjk_chars: usize,
    /// Latin-script words.
    pub latin_words: usize,
}

impl TextStats {
    /// Counts the units in `text` and adds them.
    pub fn add(&mut self, text: &str) {
        let mut in_word = false;
        for c in text.chars() {
            if is_cjk(c) {
                self.cjk_chars += 1;
                in_word = false;
            } else if c.is_alphanumeric() {
                if !in_word {
                    self.latin_words += 1;
                }
                in_word = true;
            } else {
                in_word = in_word && (c == '\'' || c == '-');
            }
        }
    }

    /// Counts of a whole text.
    pub fn of(text: &str) -> TextStats {
        let mut stats = TextStats::default();
        stats.add(text);
        stats
    }

    /// Minutes to read, rounded up, at least one.
    pub fn reading_minutes(self) -> u32 {
        let per_mille =
            self.cjk_chars * 1000 / CJK_PER_MINUTE + self.latin_words * 1000 / WORDS_PER_MINUTE;
        per_mille.div_ceil(1000).max(1) as u32
    }
}

/// Cuts `text` to at most `max` characters on a character boundary, adding `…` when
/// something was cut. Prefers to end at a sentence or clause mark near the limit.
pub fn truncate_chars(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    // Back up to a punctuation mark in the last fifth, so the cut reads naturally.
    let floor = max * 4 / 5;
    let mut best = None;
    for (i, (byte, c)) in cut.char_indices().enumerate() {
        if i >= floor && "。！？；，、.!?;,".contains(c) {
            best = Some(byte);
        }
    }
    let body = match best {
        Some(byte) => &cut[..byte],
        None => cut.trim_end(),
    };
    format!("{body}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_cjk_and_words() {
        let s = TextStats::of("网络安全 week 2026: it's Wi-Fi 的安全");
        assert_eq!(s.cjk_chars, 7);
        assert_eq!(s.latin_words, 4);
    }

    #[test]
    fn reading_time_rounds_up() {
        assert_eq!(
            TextStats {
                cjk_chars: 0,
                latin_words: 0
            }
            .reading_minutes(),
            1
        );
        assert_eq!(
            TextStats {
                cjk_chars: 400,
                latin_words: 0
            }
            .reading_minutes(),
            1
        );
        assert_eq!(
            TextStats {
                cjk_chars: 401,
                latin_words: 0
            }
            .reading_minutes(),
            2
        );
        assert_eq!(
            TextStats {
                cjk_chars: 400,
                latin_words: 200
            }
            .reading_minutes(),
            2
        );
    }

    #[test]
    fn truncates_on_characters() {
        assert_eq!(truncate_chars("短文", 10), "短文");
        let long = "网".repeat(130);
        let cut = truncate_chars(&long, 120);
        assert_eq!(cut.chars().count(), 121);
        assert!(cut.ends_with('…'));
        let text = format!("{}，{}", "甲".repeat(100), "乙".repeat(50));
        assert_eq!(truncate_chars(&text, 120), format!("{}…", "甲".repeat(100)));
    }
}
