//! `inspection:` in `config.yaml`: thresholds of the inspection rules, rules switched
//! off with a written reason, and the publishing gate. Read strictly like the rest of
//! the config (an unknown key names the nearest known one).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Every rule id `herald inspect` knows, in the order the README lists them.
pub const RULES: &[&str] = &[
    "homepage-stale",
    "column-stale",
    "column-empty",
    "undated-item",
    "future-date",
    "meta-missing",
    "footer-missing",
    "broken-link",
    "wrong-expression",
    "personal-info",
    "consult-missing",
    "search-missing",
    "domain",
    "annual-report",
    "review-missing",
];

/// The inspection settings, with the thresholds of 国办秘函〔2019〕19号 as defaults.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct Inspection {
    /// Days the landing page may go without a new item (`homepage-stale`).
    pub homepage_days: i64,
    /// Days a `news` column may go without a new item (`column-stale`).
    pub news_days: i64,
    /// Days a `notice` or `policy` column may go without a new item.
    pub notice_days: i64,
    /// Stale columns that make `column-stale` a veto.
    pub stale_columns_veto: usize,
    /// Empty columns that make `column-empty` a veto.
    pub empty_columns_veto: usize,
    /// Wrong expressions that make `wrong-expression` a veto.
    pub wrong_expressions_veto: usize,
    /// Score below which the site fails.
    pub pass_mark: u32,
    /// The consultation or feedback channel the landing page must link.
    pub consult_url: String,
    /// Require the landing page to link last year's annual report (from February on).
    pub annual_report: bool,
    /// `build` refuses articles without a final sign-off (三审三校).
    pub review_required: bool,
    /// Rules switched off, each with the reason the report prints.
    pub off: BTreeMap<String, String>,
}

impl Default for Inspection {
    fn default() -> Self {
        Inspection {
            homepage_days: 14,
            news_days: 14,
            notice_days: 180,
            stale_columns_veto: 5,
            empty_columns_veto: 5,
            wrong_expressions_veto: 3,
            pass_mark: 60,
            consult_url: String::new(),
            annual_report: false,
            review_required: false,
            off: BTreeMap::new(),
        }
    }
}

impl Inspection {
    /// Problems with the values as (key path, message, help).
    pub fn problems(&self) -> Vec<(Vec<String>, String, String)> {
        let mut found = Vec::new();
        for (rule, reason) in &self.off {
            let key = vec!["inspection".into(), "off".into(), rule.clone()];
            if !RULES.contains(&rule.as_str()) {
                let known: Vec<String> = RULES.iter().map(|r| r.to_string()).collect();
                let help = match crate::yaml::nearest(rule, &known) {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => format!("the rules are: {}", RULES.join(", ")),
                };
                found.push((key, format!("unknown inspection rule `{rule}`"), help));
            } else if reason.trim().is_empty() {
                found.push((
                    key,
                    format!("the rule `{rule}` is switched off without a reason"),
                    "write why after the rule id; the report prints it for the inspectors".into(),
                ));
            }
        }
        let days = [
            ("homepage_days", self.homepage_days),
            ("news_days", self.news_days),
            ("notice_days", self.notice_days),
        ];
        for (key, value) in days {
            if value < 1 {
                found.push((
                    vec!["inspection".into(), key.into()],
                    format!("`inspection.{key}` must be at least 1"),
                    "the defaults are 14, 14 and 180 days".into(),
                ));
            }
        }
        if self.pass_mark > 100 {
            found.push((
                vec!["inspection".into(), "pass_mark".into()],
                "`inspection.pass_mark` must be between 0 and 100".into(),
                "the default is 60".into(),
            ));
        }
        found
    }

    /// The reason `rule` is switched off, if it is.
    pub fn off_reason(&self, rule: &str) -> Option<&str> {
        self.off.get(rule).map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_rule_in_off_names_the_nearest() {
        let mut i = Inspection::default();
        i.off.insert("homepage-stail".into(), "x".into());
        i.off.insert("domain".into(), " ".into());
        let problems = i.problems();
        assert_eq!(problems.len(), 2);
        assert_eq!(
            problems[0].1,
            "the rule `domain` is switched off without a reason"
        );
        assert_eq!(problems[1].2, "did you mean `homepage-stale`?");
    }
}
