//! `herald new` and `herald init`: files written for editors to fill in. Neither ever
//! overwrites an existing file.

use std::path::{Component, Path, PathBuf};

use chrono::{FixedOffset, Timelike, Utc};

use crate::config::Config;
use crate::content::date::parse_offset;
use crate::content::slug::slugify;
use crate::error::Diagnostic;
use crate::fs;
use crate::theme::embedded_theme;

/// Writes a new article and returns its path. `path` is inside `content/` (a leading
/// `content/` is accepted); with a title, it may name a folder and the file is named
/// after the title in pinyin.
pub fn new_article(root: &Path, path: &Path, title: Option<&str>) -> Result<PathBuf, Diagnostic> {
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
    let now = Utc::now()
        .with_timezone(&zone)
        .with_second(0)
        .and_then(|t| t.with_nanosecond(0))
        .unwrap_or_else(|| Utc::now().with_timezone(&zone));
    let title_yaml = serde_json::to_string(&title).unwrap_or_else(|_| "\"\"".into());
    let text = format!(
        "---\ntitle: {title_yaml}\ndate: {}\n# summary: 一句话摘要（不写则取正文开头）\n# author: 作者\n# source: 来源\n# cover: ../../assets/images/cover.jpg\ntags: []\ntopics: []\ndraft: true\n---\n\n正文从这里开始。\n",
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

const STARTER: &[(&str, &str)] = &[
    (
        "config.yaml",
        "title: 网络安全宣传门户\ndescription: 网络安全宣传活动、专题与科普文章\nbase_url: https://www.example.gov.cn/\nlanguage: zh-CN\ntheme: default\npaginate: 20\nfooter:\n  org: 某市网络安全宣传办公室\n  contact: 联系电话：0000-00000000\nmenu:\n  - { name: 首页, url: \"@/_index.md\" }\n  - { name: 文章, url: \"@/articles/_index.md\" }\n  - { name: 专题, url: /topics/ }\n",
    ),
    ("content/_index.md", "---\ntitle: 首页\n---\n\n欢迎访问。\n"),
    ("content/articles/_index.md", "---\ntitle: 文章\n---\n"),
    ("content/topics/_index.md", "---\ntitle: 专题\n---\n"),
    (
        "content/topics/getting-started/_index.md",
        "---\ntitle: 入门专题\ndescription: 第一个专题：在文章的 topics 里写上它的编号即可收录。\n---\n\n专题介绍写在这里。\n",
    ),
    (
        "content/articles/welcome.md",
        "---\ntitle: 欢迎使用 Herald\ndate: 2026-01-01\ntags: [入门]\ntopics: [getting-started]\n---\n\n这是第一篇文章。用 `herald new articles/标题.md` 写下一篇。\n",
    ),
];

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
    for (path, text) in STARTER {
        fs::write(&dir.join(path), text.as_bytes())?;
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
        let path = new_article(dir.path(), Path::new("articles/"), Some("全市宣传周")).unwrap();
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
        )
        .unwrap_err();
        assert!(err.message.contains("already exists"));
    }

    #[test]
    fn init_refuses_non_empty_folders() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("x"), "x").unwrap();
        assert!(init(dir.path()).is_err());
    }
}
