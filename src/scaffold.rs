//! `herald new` and `herald init`: files written for editors to fill in. Neither ever
//! overwrites an existing file.
//!
//! The starter portal of `init` is `src/scaffold/starter/` (embedded by build.rs), with
//! `%YEAR%` and `%DAY-N%` (N days before today) filled in from Herald's clock, so that
//! a new portal shows this year's security week and recent articles; its video is
//! the demo portal's.

use std::path::{Component, Path, PathBuf};

use chrono::{Datelike, Duration, FixedOffset, Timelike};

use crate::config::Config;
use crate::content::date::parse_offset;
use crate::content::slug::slugify;
use crate::error::Diagnostic;
use crate::fs;
use crate::theme::embedded_theme;

/// Writes a new article and returns its path. `path` is inside `content/` (a leading
/// `content/` is accepted); with a title, it may name a folder and the file is named
/// after the title in pinyin.
pub fn new_article(
    root: &Path,
    path: &Path,
    title: Option<&str>,
    topics: &[String],
) -> Result<PathBuf, Diagnostic> {
    let written = path.to_string_lossy().replace('\\', "/");
    let mut target = inside_content(root, &written)?;
    let is_folder = written.ends_with('/') || target.is_dir();
    if is_folder {
        let title = title.ok_or_else(|| {
            Diagnostic::error(format!(
                "{written} is a folder: give a title to name the file after"
            ))
            .with_help("herald new articles/2026/ --title 全市网络安全宣传周开幕")
        })?;
        let slug = slugify(title);
        if slug.is_empty() {
            return Err(Diagnostic::error(format!(
                "cannot make a file name from the title `{title}`"
            ))
            .with_help("pass a file name instead: herald new articles/2026/name.md"));
        }
        target = target.join(format!("{slug}.md"));
    } else if target.extension().is_none_or(|e| e != "md") {
        target.set_extension("md");
    }
    for topic in topics {
        check_topic(root, topic.trim())?;
    }
    if target.exists() {
        return Err(
            Diagnostic::error("the file already exists; Herald will not overwrite it")
                .in_file(&target)
                .with_help("choose another name, or edit the existing file"),
        );
    }
    let stem = target
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    let title = title.map_or(stem, str::to_string);
    let zone = Config::load(root).map_or_else(|_| parse_offset("+08:00"), |c| Some(c.timezone));
    let zone = zone.unwrap_or_else(|| FixedOffset::east_opt(8 * 3600).expect("valid offset"));
    let clock = crate::site::now().with_timezone(&zone);
    let now = clock
        .with_second(0)
        .and_then(|t| t.with_nanosecond(0))
        .unwrap_or(clock);
    let yaml = |text: &str| serde_json::to_string(text).unwrap_or_else(|_| "\"\"".into());
    let topics = topics
        .iter()
        .map(|t| yaml(t.trim()))
        .collect::<Vec<_>>()
        .join(", ");
    let text = format!(
        "---\ntitle: {}\ndate: {}\n# summary: 一句话摘要（不写则取正文开头）\n# author: 作者\n# source: 来源\n# cover: ../../assets/images/cover.jpg\ntags: []\ntopics: [{topics}]\ndraft: true\n---\n\n正文从这里开始。\n",
        yaml(&title),
        now.to_rfc3339()
    );
    fs::write(&target, text.as_bytes())?;
    Ok(target)
}

/// Where `written` (as the editor typed it: relative to `content/`, with or without a
/// leading `content/`, or absolute) lands, refusing anything that leaves `content/`:
/// `..` above it, an absolute path elsewhere, or a linked folder that leads out.
fn inside_content(root: &Path, written: &str) -> Result<PathBuf, Diagnostic> {
    let content = std::path::absolute(root.join("content")).unwrap_or(root.join("content"));
    let asked = Path::new(written);
    let relative = if asked.is_absolute() {
        asked.strip_prefix(&content).ok()
    } else {
        let trimmed = written.trim_start_matches("./");
        Some(Path::new(
            trimmed.strip_prefix("content/").unwrap_or(trimmed),
        ))
    };
    let mut target = content.clone();
    let mut left = relative.is_none();
    for part in relative.into_iter().flat_map(Path::components) {
        match part {
            Component::Normal(name) => target.push(name),
            Component::CurDir => {}
            Component::ParentDir if target != content => {
                target.pop();
            }
            _ => left = true,
        }
    }
    // A folder on the way may be a link out of content/: compare real paths.
    let real = |path: &Path| {
        path.ancestors().find_map(|a| {
            std::fs::canonicalize(a)
                .ok()
                .map(|real| (a.to_path_buf(), real))
        })
    };
    if let (Some((_, real_content)), Some((found, real_found))) = (real(&content), real(&target))
        && found.starts_with(&content)
        && !real_found.starts_with(&real_content)
    {
        left = true;
    }
    if left {
        return Err(Diagnostic::error(format!(
            "{written} is outside the site's content/ folder; Herald writes new articles only there"
        ))
        .with_help("give a path inside content/, such as articles/2026/opening.md"));
    }
    Ok(target)
}

/// A topic named by `--topic` must exist: `content/topics/ID/_index.md`.
fn check_topic(root: &Path, id: &str) -> Result<(), Diagnostic> {
    let topics = root.join("content/topics");
    if !id.is_empty() && !id.contains(['/', '\\']) && topics.join(id).join("_index.md").is_file() {
        return Ok(());
    }
    let mut known: Vec<String> = std::fs::read_dir(&topics)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.path().join("_index.md").is_file())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    known.sort();
    let help = if known.is_empty() {
        "the site has no topics yet: create content/topics/ID/_index.md with a title".to_string()
    } else {
        format!("known topics: {}", known.join(", "))
    };
    Err(Diagnostic::error(format!(
        "there is no topic `{id}` (no content/topics/{id}/_index.md)"
    ))
    .with_help(help))
}

mod starter {
    include!(concat!(env!("OUT_DIR"), "/starter.rs"));
}

/// Files of the demo portal the starter portal reuses: (path in the new portal, bytes).
const REUSED: &[(&str, &[u8])] = &[
    (
        "static/videos/promo.mp4",
        include_bytes!("../static/videos/2026/cyber-week-promo.mp4"),
    ),
    (
        "static/videos/promo.vtt",
        include_bytes!("../static/videos/2026/cyber-week-promo.vtt"),
    ),
    (
        "assets/images/promo-poster.jpg",
        include_bytes!("../assets/images/cyber-week-2026-promo-poster.jpg"),
    ),
];

/// Fills in `%YEAR%` and `%DAY-N%` (the date N days before `today`).
fn fill_in(text: &str, today: chrono::NaiveDate) -> String {
    let mut out = text.replace("%YEAR%", &today.year().to_string());
    while let Some(start) = out.find("%DAY-") {
        let rest = &out[start + 5..];
        let Some(len) = rest.find('%') else { break };
        let days: i64 = rest[..len].parse().unwrap_or(0);
        let date = today - Duration::days(days);
        out.replace_range(
            start..start + 5 + len + 1,
            &date.format("%Y-%m-%d").to_string(),
        );
    }
    out
}

/// Creates a new portal in `dir` (which must be new or empty): a config, starter
/// content and an editable copy of the default theme.
pub fn init(dir: &Path) -> Result<(), Diagnostic> {
    if dir.exists() {
        let empty = std::fs::read_dir(dir)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !empty {
            return Err(Diagnostic::error(
                "the folder is not empty; Herald will not write over it",
            )
            .in_file(dir)
            .with_help("choose a new folder name"));
        }
    }
    let today = crate::site::now().date_naive();
    for (path, bytes) in starter::FILES {
        let path = fill_in(path, today);
        let filled;
        let bytes = match std::str::from_utf8(bytes) {
            Ok(text) if !path.ends_with(".pdf") => {
                filled = fill_in(text, today);
                filled.as_bytes()
            }
            _ => bytes,
        };
        fs::write(&dir.join(path), bytes)?;
    }
    for (path, bytes) in REUSED {
        fs::write(&dir.join(path), bytes)?;
    }
    for (path, bytes) in embedded_theme() {
        fs::write(&dir.join("themes/default").join(path), bytes)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_names_file_after_title_and_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("content/articles")).unwrap();
        let path =
            new_article(dir.path(), Path::new("articles/"), Some("全市宣传周"), &[]).unwrap();
        assert!(
            path.ends_with("content/articles/quan-shi-xuan-chuan-zhou.md"),
            "{}",
            path.display()
        );
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with("---\ntitle: \"全市宣传周\"\ndate: "),
            "{text}"
        );
        let err = new_article(
            dir.path(),
            Path::new("content/articles/quan-shi-xuan-chuan-zhou.md"),
            None,
            &[],
        )
        .unwrap_err();
        assert!(err.message.contains("already exists"));
    }

    #[test]
    fn placeholders_become_this_years_dates() {
        let today = chrono::NaiveDate::from_ymd_opt(2027, 3, 5).unwrap();
        assert_eq!(
            fill_in("starts: %YEAR%-09-14\ndate: %DAY-9%\nx: %DAY-0%", today),
            "starts: 2027-09-14\ndate: 2027-02-24\nx: 2027-03-05"
        );
    }

    #[test]
    fn init_refuses_non_empty_folders() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("x"), "x").unwrap();
        assert!(init(dir.path()).is_err());
    }
}
