//! `undated-item` and `future-date`: every item shows readers when it was published,
//! and no published date lies in the future or after the file was committed
//! (伪造发稿日期, 国办秘函〔2019〕19号).

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::process::Command;

use chrono::{DateTime, FixedOffset};

use crate::content::Item;
use crate::inspect::{Finding, Inspected, Level, PageKind};

/// Article pages and list entries of articles that show no date.
pub fn undated(site: &Inspected<'_>) -> Vec<Finding> {
    let lib = &site.site.library;
    let mut found = Vec::new();
    for page in &site.pages {
        if let PageKind::Article(id) = page.kind
            && !page.scan.main_dated
        {
            let line = lib.pages[id].key_line("date");
            found.push(
                Finding::new(
                    "undated-item",
                    Level::Deduct,
                    "the article page shows no publication date",
                )
                .in_file(page.file.clone().unwrap_or_default())
                .at_line(line)
                .on(page.url.clone()),
            );
        }
        if matches!(page.kind, PageKind::Article(_)) {
            // Earlier/later and related links beside an article are navigation.
            continue;
        }
        let undated: Vec<&str> = page
            .scan
            .entries
            .iter()
            .filter(|e| !e.dated)
            .filter_map(|e| {
                e.hrefs
                    .iter()
                    .find_map(|h| match site.item_at(h, &page.output) {
                        Some(Item::Page(id)) if lib.pages[id].is_article => {
                            Some(lib.pages[id].meta.title.as_str())
                        }
                        _ => None,
                    })
            })
            .collect();
        if let Some(first) = undated.first() {
            let mut f = Finding::new(
                "undated-item",
                Level::Deduct,
                format!(
                    "{} list {} show{} no date (first: 《{first}》)",
                    undated.len(),
                    if undated.len() == 1 {
                        "entry"
                    } else {
                        "entries"
                    },
                    if undated.len() == 1 { "s" } else { "" }
                ),
            )
            .on(page.url.clone());
            if let Some(file) = &page.file {
                f = f.in_file(file.clone());
            }
            found.push(f);
        }
    }
    found
}

/// Published pages dated after now, or after their file's last commit.
pub fn future(site: &Inspected<'_>) -> Vec<Finding> {
    let commits = last_commits(&site.site.root);
    let mut found = Vec::new();
    for page in &site.site.library.pages {
        let file = format!("content/{}", page.file.rel);
        let url = site
            .site
            .config
            .href(&crate::assets::encode_path(&page.path));
        let committed = commits.as_ref().and_then(|c| c.committed(&file));
        for (key, date) in [("date", page.meta.date), ("updated", page.meta.updated)] {
            let Some(date) = date else { continue };
            let message = if date > site.now {
                format!("`{key}: {}` is after now", date.format("%Y-%m-%d %H:%M"))
            } else if let Some(commit) = committed.filter(|&c| date > c) {
                format!(
                    "`{key}: {}` is after the file's last commit ({})",
                    date.format("%Y-%m-%d %H:%M"),
                    commit.format("%Y-%m-%d %H:%M")
                )
            } else {
                continue;
            };
            found.push(
                Finding::new("future-date", Level::Veto, message)
                    .in_file(file.clone())
                    .at_line(page.key_line(key))
                    .on(url.clone()),
            );
        }
    }
    found
}

/// When each content file was last committed, for a site in a git checkout.
struct Commits {
    last: HashMap<String, DateTime<FixedOffset>>,
    /// Files changed since their last commit: their dates are not checked against it.
    changed: HashSet<String>,
}

impl Commits {
    fn committed(&self, file: &str) -> Option<DateTime<FixedOffset>> {
        if self.changed.contains(file) {
            return None;
        }
        self.last.get(file).copied()
    }
}

/// Reads `git log` once for the whole `content/` folder. `None` when git is missing or
/// the site is not in a checkout: the check is then only against now.
fn last_commits(root: &Path) -> Option<Commits> {
    let git = |args: &[&str]| {
        let out = Command::new("git")
            .arg("-C")
            .arg(root)
            .args(["-c", "core.quotePath=false"])
            .args(args)
            .output()
            .ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let log = git(&[
        "log",
        "--format=%x01%cI",
        "--name-only",
        "--relative",
        "--no-renames",
        "--",
        "content",
    ])?;
    let mut last = HashMap::new();
    let mut date = None;
    for line in log.lines() {
        if let Some(stamp) = line.strip_prefix('\u{1}') {
            date = DateTime::parse_from_rfc3339(stamp.trim()).ok();
        } else if let (Some(d), false) = (date, line.trim().is_empty()) {
            last.entry(line.trim().to_string()).or_insert(d);
        }
    }
    let status = git(&[
        "status",
        "--porcelain",
        "--untracked-files=all",
        "--",
        "content",
    ])?;
    let prefix = git(&["rev-parse", "--show-prefix"]).unwrap_or_default();
    let prefix = prefix.trim();
    let changed = status
        .lines()
        .filter_map(|l| l.get(3..))
        .map(|p| p.trim_matches('"'))
        .map(|p| p.strip_prefix(prefix).unwrap_or(p).to_string())
        .collect();
    Some(Commits { last, changed })
}
