//! The score: 100 minus the deductions, each rule with a weight per finding and a
//! cap, so that one wide problem (a template that drops a tag on every page) does
//! not outweigh everything else. The weights are Herald's choice (provinces differ)
//! and are documented in the README.

use super::{Finding, Inspected, Level, Report};

/// Points per finding and the most a rule can take: (rule, per finding, cap).
pub const WEIGHTS: &[(&str, u32, u32)] = &[
    ("column-stale", 3, 12),
    ("column-empty", 3, 12),
    ("undated-item", 1, 10),
    ("meta-missing", 1, 10),
    ("footer-missing", 3, 15),
    ("broken-link", 1, 10),
    ("wrong-expression", 5, 10),
    ("consult-missing", 5, 5),
    ("search-missing", 5, 5),
    ("annual-report", 5, 5),
    ("review-missing", 1, 10),
    ("build-error", 2, 10),
];

/// A broken link on the landing page weighs this much (the homepage is counted apart).
pub const LANDING_LINK: u32 = 2;

/// The points a rule's deducting findings take.
fn deduction(rule: &str, findings: &[&Finding]) -> u32 {
    let Some(&(_, per, cap)) = WEIGHTS.iter().find(|(r, _, _)| *r == rule) else {
        return 0;
    };
    let mut total = 0;
    for f in findings {
        let landing_link = rule == "broken-link" && f.message.contains("on the landing page");
        total += if landing_link { LANDING_LINK } else { per };
    }
    total.min(cap)
}

/// Sorts the findings and scores them.
pub fn report(
    site: &Inspected<'_>,
    mut findings: Vec<Finding>,
    external_hosts: Vec<(String, usize)>,
) -> Report {
    findings.sort_by(|a, b| {
        (a.level, a.rule, &a.file, a.line, &a.url, &a.message)
            .cmp(&(b.level, b.rule, &b.file, b.line, &b.url, &b.message))
    });
    findings.dedup();
    let mut deductions = Vec::new();
    for &(rule, _, _) in WEIGHTS {
        let of_rule: Vec<&Finding> = findings
            .iter()
            .filter(|f| f.rule == rule && f.level == Level::Deduct)
            .collect();
        let points = deduction(rule, &of_rule);
        if points > 0 {
            deductions.push((rule, points));
        }
    }
    let taken: u32 = deductions.iter().map(|(_, p)| p).sum();
    let score = 100u32.saturating_sub(taken);
    let vetoed = findings.iter().any(|f| f.level == Level::Veto);
    Report {
        passed: !vetoed && score >= site.settings.pass_mark,
        score,
        findings,
        off: site
            .settings
            .off
            .iter()
            .map(|(r, why)| (r.clone(), why.clone()))
            .collect(),
        deductions,
        external_hosts,
        title: site.site.config.title.clone(),
        date: site.now.format("%Y-%m-%d %H:%M").to_string(),
        origin: site.site.config.origin.clone(),
        pass_mark: site.settings.pass_mark,
        base_path: site.site.config.base_path.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deductions_are_capped() {
        let f = Finding::new("meta-missing", Level::Deduct, "x");
        let many: Vec<&Finding> = std::iter::repeat_n(&f, 30).collect();
        assert_eq!(deduction("meta-missing", &many), 10);
        let l = Finding::new(
            "broken-link",
            Level::Deduct,
            "broken link `/x` on the landing page: y",
        );
        assert_eq!(deduction("broken-link", &[&l, &f]), 3);
        assert_eq!(deduction("domain", &[&f]), 0);
    }
}
