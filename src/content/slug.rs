//! Slugs for URLs and heading ids: lower-case ASCII words joined by `-`, with Chinese
//! characters spelled in pinyin (`全市网络安全宣传周` → `quan-shi-wang-luo-an-quan-xuan-chuan-zhou`).

use pinyin::ToPinyin;

/// Turns any text into a URL-safe slug; empty when the text has no letters or digits.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // True when the next word needs a `-` before it.
    let mut pending_dash = false;
    for ch in text.chars() {
        if ch.is_ascii_alphanumeric() {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.push(ch.to_ascii_lowercase());
        } else if let Some(pinyin) = ch.to_pinyin() {
            if !out.is_empty() {
                out.push('-');
            }
            out.push_str(pinyin.plain());
            pending_dash = true;
        } else if ch == '_' && !out.is_empty() && !pending_dash {
            // Underscores in file names are kept: editors use them on purpose.
            out.push('_');
        } else {
            pending_dash = true;
        }
    }
    while out.ends_with(['-', '_']) {
        out.pop();
    }
    out
}

/// Checks a slug written by an editor in front matter: it must stay one path segment.
pub fn check_written_slug(slug: &str) -> Result<(), String> {
    if slug.is_empty() {
        return Err("`slug` is empty".into());
    }
    if slug.contains(['/', '\\']) || slug == "." || slug == ".." || slug.contains("..") {
        return Err(format!(
            "`slug: {slug}` would leave the page's folder (it contains `/`, `\\` or `..`)"
        ));
    }
    if slug
        .chars()
        .any(|c| c.is_control() || c == '?' || c == '#' || c == '%')
    {
        return Err(format!(
            "`slug: {slug}` contains characters that cannot be in a URL"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_becomes_pinyin() {
        assert_eq!(
            slugify("全市网络安全宣传周"),
            "quan-shi-wang-luo-an-quan-xuan-chuan-zhou"
        );
    }

    #[test]
    fn mixed_text() {
        assert_eq!(slugify("Rust入门 指南"), "rust-ru-men-zhi-nan");
        assert_eq!(
            slugify("2026年网络安全宣传周"),
            "2026-nian-wang-luo-an-quan-xuan-chuan-zhou"
        );
        assert_eq!(slugify("Hello, World!"), "hello-world");
        assert_eq!(slugify("  cyber-week_2026 "), "cyber-week_2026");
        assert_eq!(slugify("Wi-Fi 安全"), "wi-fi-an-quan");
    }

    #[test]
    fn nothing_to_keep_is_empty() {
        assert_eq!(slugify("！？。"), "");
        assert_eq!(slugify(""), "");
    }

    #[test]
    fn written_slugs_cannot_escape() {
        assert!(check_written_slug("cyber-week").is_ok());
        assert!(check_written_slug("../../x").is_err());
        assert!(check_written_slug("a/b").is_err());
        assert!(check_written_slug("").is_err());
    }
}
