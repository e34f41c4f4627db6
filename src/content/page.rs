//! A page: one Markdown file other than `_index.md`. Pages under `content/articles/`
//! are articles (archive, tags, topics, feeds); others are standalone pages.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::front_matter::{Fields, split};
use super::slug::{check_written_slug, slugify};
use super::walk::SourceFile;
use crate::error::Diagnostic;
use crate::hash;
use crate::markdown::Rendered;

/// Index of a page in the library.
pub type PageId = usize;

/// The folder of `content/` whose pages are articles.
pub const ARTICLES_DIR: &str = "articles";

/// Front matter of a page, typed. Serialised only by the parse cache (`site::parsed`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PageMeta {
    /// Title (required).
    pub title: String,
    /// Publication date (required for articles).
    pub date: Option<DateTime<FixedOffset>>,
    /// Last update.
    pub updated: Option<DateTime<FixedOffset>>,
    /// Slug as written.
    pub slug: Option<String>,
    /// Summary as written (plain text).
    pub summary: Option<String>,
    /// Author.
    pub author: Option<String>,
    /// Source (来源).
    pub source: Option<String>,
    /// Cover image path as written.
    pub cover: Option<String>,
    /// Alternative text of the cover image.
    pub cover_alt: Option<String>,
    /// Tags as written.
    pub tags: Vec<String>,
    /// Ids of the topics this page belongs to.
    pub topics: Vec<String>,
    /// Left out unless `--drafts`.
    pub draft: bool,
    /// Goes first in topic and archive lists.
    pub pinned: bool,
    /// Template to render with instead of the default.
    pub template: Option<String>,
    /// Old site paths that redirect here (`aliases:`), checked and without the
    /// leading slash: `2019/old/`, `2019/x.html`.
    pub aliases: Vec<String>,
    /// Every other key, for templates (kept as JSON text: the cache's format cannot
    /// hold a value whose shape it does not know).
    #[serde(with = "json_text")]
    pub extra: Map<String, Value>,
}

/// A map of values written as JSON text.
mod json_text {
    use serde::{Deserialize, Deserializer, Serializer};
    use serde_json::{Map, Value};

    pub fn serialize<S: Serializer>(map: &Map<String, Value>, s: S) -> Result<S::Ok, S::Error> {
        let text = serde_json::to_string(map).map_err(serde::ser::Error::custom)?;
        s.serialize_str(&text)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Map<String, Value>, D::Error> {
        let text = String::deserialize(d)?;
        serde_json::from_str(&text).map_err(serde::de::Error::custom)
    }
}

/// A loaded page.
#[derive(Debug, Clone)]
pub struct Page {
    /// The Markdown file.
    pub file: SourceFile,
    /// Typed front matter.
    pub meta: PageMeta,
    /// The front matter text, to find a key's line in later errors.
    pub front: String,
    /// Lines before the front matter text.
    pub front_offset: usize,
    /// Markdown body.
    pub body: String,
    /// True when `body` was not read: the page came from the parse cache
    /// (`site::parsed`), and its file is read again only if its Markdown must be
    /// rendered again.
    pub body_pending: bool,
    /// Lines before the body.
    pub body_offset: usize,
    /// URL slug (last path segment).
    pub slug: String,
    /// Site path with a trailing slash and no leading one: `articles/x/`.
    pub path: String,
    /// True for pages under `content/articles/`.
    pub is_article: bool,
    /// Hash of the whole file, to tell when it changed.
    pub source_hash: u64,
    /// The rendered body, filled in by the Markdown stage.
    pub rendered: Rendered,
}

/// What a page's date means for the build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Visibility {
    /// Include drafts and future pages.
    pub drafts: bool,
    /// The build's "now".
    pub now: DateTime<FixedOffset>,
}

/// Why a page that parsed is left out of a build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeftOut {
    /// `draft: true`.
    Draft,
    /// Dated after the build's "now": it comes in with the first build after this.
    Future(DateTime<FixedOffset>),
}

impl Visibility {
    /// Why a page with `meta` is left out of the build, if it is.
    pub fn left_out(&self, meta: &PageMeta) -> Option<LeftOut> {
        if self.drafts {
            return None;
        }
        if meta.draft {
            return Some(LeftOut::Draft);
        }
        meta.date.filter(|&d| d > self.now).map(LeftOut::Future)
    }
}

impl Page {
    /// Parses a page from its text. `Ok(None)` means a draft or future page left out.
    pub fn parse(
        file: SourceFile,
        text: &str,
        zone: FixedOffset,
        visibility: Visibility,
    ) -> Result<Option<Page>, Vec<Diagnostic>> {
        Ok(Page::parse_or_left_out(file, text, zone, visibility)?.ok())
    }

    /// Parses a page from its text, saying why it is left out when it is.
    pub fn parse_or_left_out(
        file: SourceFile,
        text: &str,
        zone: FixedOffset,
        visibility: Visibility,
    ) -> Result<Result<Page, LeftOut>, Vec<Diagnostic>> {
        let page = Page::parse_any(file, text, zone)?;
        Ok(match visibility.left_out(&page.meta) {
            Some(why) => Err(why),
            None => Ok(page),
        })
    }

    /// Parses a page from its text, draft or not, whatever its date.
    pub fn parse_any(
        file: SourceFile,
        text: &str,
        zone: FixedOffset,
    ) -> Result<Page, Vec<Diagnostic>> {
        let split = split(text, &file.path).map_err(|d| vec![d])?;
        let Some(front) = split.front else {
            return Err(vec![
                Diagnostic::error("the page has no front matter")
                    .in_file(&file.path)
                    .at_line(1)
                    .with_help("start the file with `---`, then `title: ...` and `date: 2026-09-14`, then `---`"),
            ]);
        };
        let mut fields =
            Fields::parse(front, &file.path, split.front_offset).map_err(|d| vec![d])?;
        let is_article = file.rel.starts_with(&format!("{ARTICLES_DIR}/"));
        let meta = read_meta(&mut fields, zone, is_article);
        let slug = page_slug(&file, meta.slug.as_deref());
        let (extra, mut errors) = fields.rest();
        let meta = PageMeta { extra, ..meta };
        let slug = match slug {
            Ok(slug) => slug,
            Err(message) => {
                let mut d = Diagnostic::error(message).in_file(&file.path).with_help(
                    "a slug is the last part of the page's URL, such as `cyber-week-opening`; the folders come from where the file is",
                );
                d.line = crate::yaml::key_line(front, "slug").map(|l| l + split.front_offset);
                errors.push(d);
                String::new()
            }
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        let path = format!("{}{slug}/", folder_path(&file.rel));
        Ok(Page {
            source_hash: hash::of_bytes(text.as_bytes()),
            front: front.to_string(),
            front_offset: split.front_offset,
            body: split.body.to_string(),
            body_pending: false,
            body_offset: split.body_offset,
            meta,
            slug,
            path,
            is_article,
            file,
            rendered: Rendered::default(),
        })
    }

    /// The Markdown body of `text`, the page's file read again: for a page taken from
    /// the parse cache ([`Page::body_pending`]). `None` when the file is no longer
    /// what was parsed.
    pub fn body_of(&self, text: &str) -> Option<String> {
        if hash::of_bytes(text.as_bytes()) != self.source_hash {
            return None;
        }
        let split = split(text, &self.file.path).ok()?;
        Some(split.body.to_string())
    }

    /// The 1-based line of a front matter key in the file, if written.
    pub fn key_line(&self, key: &str) -> Option<usize> {
        crate::yaml::key_line(&self.front, key).map(|l| l + self.front_offset)
    }

    /// Everything that decides the page's place in the library's lists (URL, date,
    /// tags, topics, pinning): two versions of a page with the same key sit in the
    /// same places.
    pub fn list_key(&self) -> u64 {
        let m = &self.meta;
        // A date's hash is its instant only, but the year lists go by the local date:
        // the offset decides the year too.
        let offset = m.date.map(|d| d.offset().local_minus_utc());
        crate::hash::of(&(
            &self.path,
            self.is_article,
            m.date,
            offset,
            m.pinned,
            &m.tags,
            &m.topics,
            &m.aliases,
        ))
    }

    /// The date to sort by: publication date, or none for undated standalone pages.
    pub fn sort_date(&self) -> Option<DateTime<FixedOffset>> {
        self.meta.date
    }
}

fn read_meta(fields: &mut Fields<'_>, zone: FixedOffset, is_article: bool) -> PageMeta {
    let title = fields.text("title").unwrap_or_default();
    if title.trim().is_empty() {
        let d = if fields.line_of("title").is_some() {
            fields
                .error("title", "the page's `title` is empty")
                .with_help(
                    "write the title after `title:`, e.g. `title: 全市开展网络安全宣传周活动`",
                )
        } else {
            fields
                .error("title", "the page has no `title`")
                .with_help("add a line `title: 标题` to the front matter")
        };
        fields.errors.push(d);
    }
    let date = fields.date("date").map(|d| d.resolve(zone));
    if date.is_none()
        && is_article
        && fields
            .errors
            .iter()
            .all(|e| !e.message.starts_with("`date`"))
    {
        let d = fields
            .error("title", "the article has no `date`")
            .with_help("add a line like `date: 2026-09-14` to the front matter");
        fields.errors.push(d);
    }
    PageMeta {
        title: title.trim().to_string(),
        date,
        updated: fields.date("updated").map(|d| d.resolve(zone)),
        slug: fields.text("slug"),
        summary: fields.text("summary").filter(|s| !s.trim().is_empty()),
        author: fields.text("author"),
        source: fields.text("source"),
        cover: fields.text("cover"),
        cover_alt: fields.text("cover_alt"),
        tags: clean_list(fields.text_list("tags")),
        topics: clean_list(fields.text_list("topics")),
        draft: fields.flag("draft"),
        pinned: fields.flag("pinned"),
        template: fields.text("template"),
        aliases: read_aliases(fields),
        extra: Map::new(),
    }
}

/// `aliases: ["/old/path/", "/2019/x.html"]`, each checked (see `crate::aliases`).
fn read_aliases(fields: &mut Fields<'_>) -> Vec<String> {
    let mut out = Vec::new();
    for written in clean_list(fields.text_list("aliases")) {
        match crate::aliases::site_path(&written) {
            Ok(path) if !out.contains(&path) => out.push(path),
            Ok(_) => {}
            Err(why) => {
                let d = fields.error("aliases", why).with_help(
                    "write old URLs of this page as site paths: aliases: [\"/2019/old-title/\"]",
                );
                fields.errors.push(d);
            }
        }
    }
    out
}

/// Trims entries, drops empty ones and repeats, keeping the written order.
fn clean_list(items: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(items.len());
    for item in items {
        let item = item.trim();
        if !item.is_empty() && !out.iter().any(|o| o == item) {
            out.push(item.to_string());
        }
    }
    out
}

/// The slug from front matter, else from the file name (pinyin for Chinese names).
fn page_slug(file: &SourceFile, written: Option<&str>) -> Result<String, String> {
    if let Some(slug) = written {
        // Invisible characters pasted from a word processor would make a URL that looks
        // the same and is not: drop them, and the spaces around.
        let slug: String = slug
            .chars()
            .filter(|c| !c.is_control() && !is_invisible(*c))
            .collect();
        let slug = slug.trim();
        if slug.is_empty() {
            return Err("`slug` is blank: write the URL name, or leave `slug` out to name the page after its file".into());
        }
        check_written_slug(slug)?;
        return Ok(slug.to_string());
    }
    let name = file.rel.rsplit('/').next().unwrap_or(&file.rel);
    let stem = name.strip_suffix(".md").unwrap_or(name);
    let slug = slugify(stem);
    if slug.is_empty() {
        return Err(format!(
            "cannot make a URL from the file name `{name}`: it has no letters, digits or Chinese characters"
        ));
    }
    Ok(slug)
}

/// Zero-width and other invisible format characters.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200f}' | '\u{2060}'..='\u{2064}' | '\u{feff}' | '\u{00ad}')
}

/// The site path of the folder holding a content file, each folder name slugified:
/// `articles/2026/x.md` → `articles/2026/`.
pub fn folder_path(rel: &str) -> String {
    let mut out = String::new();
    if let Some((folders, _)) = rel.rsplit_once('/') {
        for folder in folders.split('/') {
            let slug = slugify(folder);
            out.push_str(if slug.is_empty() { folder } else { &slug });
            out.push('/');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::date::parse_offset;
    use std::path::PathBuf;

    fn zone() -> FixedOffset {
        parse_offset("+08:00").unwrap()
    }

    fn visible() -> Visibility {
        Visibility {
            drafts: false,
            now: "2026-11-22T12:00:00+08:00".parse().unwrap(),
        }
    }

    fn file(rel: &str) -> SourceFile {
        SourceFile {
            path: PathBuf::from("content").join(rel),
            rel: rel.into(),
        }
    }

    fn parse(rel: &str, text: &str) -> Result<Option<Page>, Vec<Diagnostic>> {
        Page::parse(file(rel), text, zone(), visible())
    }

    #[test]
    fn article_with_chinese_file_name() {
        let page = parse(
            "articles/2026/全市宣传周.md",
            "---\ntitle: 标题\ndate: 2026-09-14\ntags: [网络安全]\nlayout: x\n---\n正文\n",
        )
        .unwrap()
        .unwrap();
        assert!(page.is_article);
        assert_eq!(page.path, "articles/2026/quan-shi-xuan-chuan-zhou/");
        assert_eq!(page.meta.tags, ["网络安全"]);
        assert_eq!(page.meta.extra["layout"], "x");
        assert_eq!(page.body, "正文\n");
        assert_eq!(page.body_offset, 6);
    }

    #[test]
    fn written_slug_wins_and_cannot_escape() {
        let page = parse(
            "articles/a.md",
            "---\ntitle: t\ndate: 2026-01-01\nslug: opening\n---\n",
        )
        .unwrap()
        .unwrap();
        assert_eq!(page.path, "articles/opening/");
        let errs = parse(
            "articles/a.md",
            "---\ntitle: t\ndate: 2026-01-01\nslug: ../../x\n---\n",
        )
        .unwrap_err();
        assert_eq!(errs[0].line, Some(4));
        assert!(errs[0].message.contains("leave"));
    }

    #[test]
    fn drafts_and_future_pages_are_left_out() {
        assert!(
            parse(
                "articles/a.md",
                "---\ntitle: t\ndate: 2026-01-01\ndraft: true\n---\n"
            )
            .unwrap()
            .is_none()
        );
        assert!(
            parse("articles/a.md", "---\ntitle: t\ndate: 2027-01-01\n---\n")
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn missing_title_and_date() {
        let errs = parse("articles/a.md", "---\nauthor: x\n---\n").unwrap_err();
        let messages: Vec<_> = errs.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            messages,
            ["the page has no `title`", "the article has no `date`"]
        );
    }

    #[test]
    fn empty_title_is_named_as_such() {
        for written in ["title:", "title: \"\"", "title: '  '"] {
            let text = format!("---\n{written}\ndate: 2026-01-01\n---\n");
            let errs = parse("articles/a.md", &text).unwrap_err();
            assert_eq!(errs[0].message, "the page's `title` is empty", "{written}");
            assert_eq!(errs[0].line, Some(2));
        }
    }

    #[test]
    fn standalone_page_needs_no_date() {
        let page = parse("about.md", "---\ntitle: 关于\n---\n")
            .unwrap()
            .unwrap();
        assert!(!page.is_article);
        assert_eq!(page.path, "about/");
    }

    #[test]
    fn no_front_matter_is_explained() {
        let errs = parse("articles/a.md", "# 标题\n").unwrap_err();
        assert!(errs[0].message.contains("no front matter"));
    }

    #[test]
    fn invisible_characters_leave_written_slugs() {
        let file = SourceFile {
            path: "content/articles/a.md".into(),
            rel: "articles/a.md".into(),
        };
        let slug = page_slug(&file, Some("\u{200b}opening\u{feff}-day\u{7} ")).unwrap();
        assert_eq!(slug, "opening-day");
        assert!(
            page_slug(&file, Some(" \u{200b} "))
                .unwrap_err()
                .contains("blank")
        );
    }
}
