//! `personal-info` (个人信息泄露, a veto item): resident ID numbers with a valid check
//! digit, mainland mobile numbers and bank card numbers that pass Luhn, in the text
//! of pages and of text attachments. Masked forms (`138****5678`) and landlines are
//! not personal information in this sense and are not flagged.

use super::{written_anywhere, written_at};
use crate::inspect::{Finding, Inspected, Level};

/// What kind of number was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonalKind {
    /// 18-digit resident identity card number (GB 11643).
    IdNumber,
    /// Mainland mobile number.
    Mobile,
    /// Bank card number (Luhn).
    BankCard,
}

impl PersonalKind {
    fn name(self) -> &'static str {
        match self {
            PersonalKind::IdNumber => "resident ID number",
            PersonalKind::Mobile => "mobile number",
            PersonalKind::BankCard => "bank card number",
        }
    }
}

/// Runs of digits in `text` (spaces and hyphens inside a run join it, as in
/// `138 0013 8000`), each with the digits alone and the text as written. A run next
/// to a letter, `*` or another digit group is part of something else.
fn digit_runs(text: &str) -> Vec<(String, String)> {
    let chars: Vec<char> = text.chars().collect();
    let mut runs = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        let mut digits = String::new();
        let mut end = i;
        while i < chars.len() {
            let c = chars[i];
            if c.is_ascii_digit() || (digits.len() == 17 && (c == 'X' || c == 'x')) {
                digits.push(c.to_ascii_uppercase());
                end = i + 1;
                i += 1;
            } else if (c == ' ' || c == '-') && chars.get(i + 1).is_some_and(char::is_ascii_digit) {
                i += 1;
            } else {
                break;
            }
        }
        let glued = |c: Option<&char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || *c == '*');
        let before = start.checked_sub(1).and_then(|b| chars.get(b));
        if !glued(before) && !glued(chars.get(end)) {
            runs.push((digits, chars[start..end].iter().collect()));
        }
        i = end.max(i);
    }
    runs
}

fn id_check_digit_ok(id: &str) -> bool {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10X98765432";
    let bytes = id.as_bytes();
    if bytes.len() != 18 || !bytes[..17].iter().all(u8::is_ascii_digit) || bytes[0] == b'0' {
        return false;
    }
    let sum: u32 = bytes[..17]
        .iter()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    let month = &id[10..12];
    let day = &id[12..14];
    let plausible = ("01"..="12").contains(&month) && ("01"..="31").contains(&day);
    plausible && CHECK[(sum % 11) as usize] == bytes[17]
}

fn luhn_ok(number: &str) -> bool {
    let mut sum = 0;
    for (i, b) in number.bytes().rev().enumerate() {
        let mut d = u32::from(b - b'0');
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum % 10 == 0
}

fn classify(digits: &str) -> Option<PersonalKind> {
    let all_same = digits.bytes().all(|b| b == digits.as_bytes()[0]);
    if all_same {
        return None;
    }
    if digits.len() == 18 && id_check_digit_ok(digits) {
        return Some(PersonalKind::IdNumber);
    }
    if digits.len() == 11
        && digits.starts_with('1')
        && (b'3'..=b'9').contains(&digits.as_bytes()[1])
    {
        return Some(PersonalKind::Mobile);
    }
    let card = (16..=19).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (b'3'..=b'6').contains(&digits.as_bytes()[0]);
    (card && luhn_ok(digits)).then_some(PersonalKind::BankCard)
}

/// The personal numbers in `text`: (kind, the number as written).
pub fn find_personal_info(text: &str) -> Vec<(PersonalKind, String)> {
    digit_runs(text)
        .into_iter()
        .filter_map(|(digits, written)| classify(&digits).map(|k| (k, written)))
        .collect()
}

/// Shows only the ends of a number in the report, so the report leaks nothing.
fn masked(number: &str) -> String {
    let chars: Vec<char> = number.chars().collect();
    if chars.len() <= 7 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 7))
}

/// Personal numbers in page text and in text attachments.
pub fn personal_info(site: &Inspected<'_>) -> Vec<Finding> {
    let mut found = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for page in &site.pages {
        for (kind, written) in find_personal_info(&page.scan.text) {
            let message = format!("a {} is shown: {}", kind.name(), masked(&written));
            let places = written_at(site, page.file.as_deref(), &written);
            if places.is_empty() {
                // Written only in code, which a summary shows as plain text.
                if !written_anywhere(site, &written)
                    && seen.insert((page.url.clone(), 0, written.clone()))
                {
                    found.push(
                        Finding::new("personal-info", Level::Veto, message).on(page.url.clone()),
                    );
                }
                continue;
            }
            for (file, line) in places {
                if seen.insert((file.clone(), line, written.clone())) {
                    let url = site
                        .pages
                        .iter()
                        .find(|p| p.file.as_deref() == Some(file.as_str()))
                        .map_or(page.url.clone(), |p| p.url.clone());
                    found.push(
                        Finding::new("personal-info", Level::Veto, message.clone())
                            .in_file(file)
                            .at_line(Some(line))
                            .on(url),
                    );
                }
            }
        }
    }
    found.extend(attachments(site));
    found
}

fn attachments(site: &Inspected<'_>) -> Vec<Finding> {
    let mut found = Vec::new();
    for (output, source) in &site.attachments {
        let file = source
            .strip_prefix(&site.site.root)
            .unwrap_or(source)
            .to_string_lossy()
            .replace('\\', "/");
        let url = site.site.config.href(output);
        let bytes = match std::fs::read(source) {
            Ok(bytes) => bytes,
            Err(e) => {
                found.push(
                    Finding::new(
                        "personal-info",
                        Level::Warn,
                        format!("cannot read the attachment: {e}"),
                    )
                    .in_file(file)
                    .on(url),
                );
                continue;
            }
        };
        // Digits are ASCII in UTF-8 and in GBK alike, so a lossy read finds them in both.
        let text = String::from_utf8_lossy(&bytes);
        for (number, line) in text.lines().enumerate() {
            for (kind, written) in find_personal_info(line) {
                found.push(
                    Finding::new(
                        "personal-info",
                        Level::Veto,
                        format!(
                            "the attachment shows a {}: {}",
                            kind.name(),
                            masked(&written)
                        ),
                    )
                    .in_file(file.clone())
                    .at_line(Some(number + 1))
                    .on(url.clone()),
                );
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<PersonalKind> {
        find_personal_info(text)
            .into_iter()
            .map(|(k, _)| k)
            .collect()
    }

    #[test]
    fn flags_real_numbers_only() {
        // 11010519491231002X is the standard's example with a valid check digit.
        assert_eq!(
            kinds("身份证号11010519491231002X。"),
            [PersonalKind::IdNumber]
        );
        assert!(kinds("身份证号110105194912310021").is_empty());
        assert!(kinds("110105********002X").is_empty());
        assert_eq!(kinds("电话13800138000"), [PersonalKind::Mobile]);
        assert_eq!(kinds("电话 138 0013 8000"), [PersonalKind::Mobile]);
        assert!(kinds("138****5678").is_empty());
        assert!(kinds("电话：0379-12345678，010-87654321").is_empty());
        assert_eq!(
            kinds("卡号 6222 0212 3456 7894"),
            kinds("卡号6222021234567894")
        );
        assert!(kinds("6222021234567890").is_empty());
        assert!(kinds("0000000000000000 备00000000000000号").is_empty());
        assert!(kinds("ID a13800138000").is_empty());
    }

    #[test]
    fn masks_for_the_report() {
        assert_eq!(masked("13800138000"), "138****8000");
    }
}
