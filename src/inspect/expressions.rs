//! The list of wrong expressions (严重表述错误): wrong forms of official names and
//! political terms with their right forms. Herald ships a list; a site adds its own
//! in `data/inspection/expressions.yaml`.

use std::path::Path;

use serde::Deserialize;

use crate::error::Diagnostic;

/// Where a site adds its own wrong expressions.
pub const SITE_LIST: &str = "data/inspection/expressions.yaml";

/// One wrong form and its right form.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expression {
    /// The wrong form, as it would be written.
    pub wrong: String,
    /// What to write instead.
    pub right: String,
    /// Why, or where the right form comes from.
    #[serde(default)]
    pub note: String,
}

/// Herald's own list: (wrong, right, note).
const BUILT_IN: &[(&str, &str, &str)] = &[
    ("中华人民共合国", "中华人民共和国", "国名"),
    ("中共人民共和国", "中华人民共和国", "国名"),
    ("中华人民共和国国务院院", "中华人民共和国国务院", "机构名称"),
    ("中国人民政治协商委员会", "中国人民政治协商会议", "机构名称"),
    (
        "全国人民代表大会常务委员",
        "全国人民代表大会常务委员会",
        "机构名称",
    ),
    ("国家互联网信息化办公室", "国家互联网信息办公室", "机构名称"),
    (
        "中央网络安全和信息化领导小组办公室",
        "中央网络安全和信息化委员会办公室",
        "2018年起为委员会",
    ),
    ("国务院总里", "国务院总理", "职务名称"),
    ("总书计", "总书记", "职务名称"),
    ("社会主意", "社会主义", "政治术语"),
    ("核心价值官", "核心价值观", "政治术语"),
    ("中华民族伟大复心", "中华民族伟大复兴", "政治术语"),
    ("一带一路倡意", "一带一路倡议", "政治术语"),
    ("两学一作", "两学一做", "政治术语"),
    ("网络强过", "网络强国", "政治术语"),
];

/// The built-in list plus the site's, if it has one.
pub fn load(root: &Path) -> Result<Vec<Expression>, Diagnostic> {
    let mut list: Vec<Expression> = BUILT_IN
        .iter()
        .map(|(wrong, right, note)| Expression {
            wrong: (*wrong).into(),
            right: (*right).into(),
            note: (*note).into(),
        })
        .collect();
    let path = root.join(SITE_LIST);
    if !path.is_file() {
        return Ok(list);
    }
    let text = crate::fs::read_text(&path)?;
    list.extend(parse(&text, &path)?);
    Ok(list)
}

/// Parses a site's list: a YAML list of `{wrong, right, note}`.
pub fn parse(text: &str, path: &Path) -> Result<Vec<Expression>, Diagnostic> {
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    let list: Vec<Expression> = crate::yaml::from_str(text).map_err(|e| {
        let d = e.into_diagnostic(path, 0);
        if d.help.is_some() {
            return d;
        }
        d.with_help("write a list of entries like `- { wrong: 中华人民共合国, right: 中华人民共和国, note: 国名 }`")
    })?;
    for (i, entry) in list.iter().enumerate() {
        if entry.wrong.trim().is_empty() || entry.right.trim().is_empty() {
            let line = nth_entry_line(text, i);
            return Err(Diagnostic::error(format!(
                "entry {} has an empty `wrong` or `right`",
                i + 1
            ))
            .in_file(path)
            .at_opt(line, None)
            .with_help("give both the wrong form and the right form"));
        }
    }
    Ok(list)
}

/// The line of the `n`th top-level `- ` entry.
fn nth_entry_line(text: &str, n: usize) -> Option<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.starts_with('-'))
        .nth(n)
        .map(|(i, _)| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_list_names_the_line() {
        let path = Path::new("data/inspection/expressions.yaml");
        let err = parse("- wrong: a\n  right: b\n- wrong: c\n  rihgt: d\n", path).unwrap_err();
        assert_eq!(err.line, Some(4), "{err:?}");
        assert!(err.message.contains("rihgt"), "{}", err.message);
        let err = parse("- wrong: a\n  right: b\n- wrong: c\n  right: ''\n", path).unwrap_err();
        assert_eq!(err.line, Some(3));
        let ok = parse("- { wrong: 网信半, right: 网信办 }\n", path).unwrap();
        assert_eq!(ok[0].right, "网信办");
    }
}
