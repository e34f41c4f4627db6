//! A section: a folder of `content/` with an `_index.md`. Where the folder is says
//! what the section is: the landing page, the archive, a special topic, a year of
//! the security-awareness week, or a plain section.

use serde_json::{Map, Value};

use super::front_matter::{Fields, split};
use super::page::folder_path;
use super::walk::SourceFile;
use crate::error::Diagnostic;
use crate::hash;
use crate::markdown::Rendered;

/// Index of a section in the library.
pub type SectionId = usize;

/// What a section is, from where it lives.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SectionKind {
    /// `content/_index.md`: the campaign landing page.
    Landing,
    /// `content/articles/_index.md`: the article archive.
    Archive,
    /// `content/topics/_index.md`: the list of special topics.
    TopicsIndex,
    /// `content/topics/<id>/_index.md`: one special topic.
    Topic(String),
    /// `content/security-week/_index.md`.
    WeekIndex,
    /// `content/security-week/<year>/_index.md`: one year of the awareness week.
    Week(i32),
    /// Any other folder.
    Plain,
}

impl SectionKind {
    /// The kind of the section whose `_index.md` is at `rel`.
    pub fn of(rel: &str) -> SectionKind {
        let folder = rel
            .strip_suffix("_index.md")
            .unwrap_or(rel)
            .trim_end_matches('/');
        let parts: Vec<&str> = if folder.is_empty() {
            Vec::new()
        } else {
            folder.split('/').collect()
        };
        match parts.as_slice() {
            [] => SectionKind::Landing,
            ["articles"] => SectionKind::Archive,
            ["topics"] => SectionKind::TopicsIndex,
            ["topics", id] => SectionKind::Topic((*id).to_string()),
            ["security-week"] => SectionKind::WeekIndex,
            ["security-week", year] => year.parse().map_or(SectionKind::Plain, SectionKind::Week),
            _ => SectionKind::Plain,
        }
    }
}

/// Front matter of a section, typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SectionMeta {
    /// Title; required for topics.
    pub title: Option<String>,
    /// A one-line introduction (plain text).
    pub description: Option<String>,
    /// Banner or cover image path.
    pub cover: Option<String>,
    /// Alternative text of the cover.
    pub cover_alt: Option<String>,
    /// Template to render with instead of the default.
    pub template: Option<String>,
    /// Items per list page, instead of the site's `paginate`.
    pub paginate: Option<usize>,
    /// Order among siblings (topics): lower first.
    pub weight: i64,
    /// Shown on the landing page (topics).
    pub featured: bool,
    /// Articles pinned first in this topic, as `@/articles/x.md` paths.
    pub pinned: Vec<String>,
    /// The column type as written (`column_type:`); see [`Section::column_type`].
    pub column_type: Option<ColumnType>,
    /// A historical special topic (历史专题), exempt from freshness rules.
    pub archived: bool,
    /// Every other key, for templates.
    pub extra: Map<String, Value>,
}

/// A loaded section.
#[derive(Debug, Clone)]
pub struct Section {
    /// The `_index.md` file.
    pub file: SourceFile,
    /// What it is.
    pub kind: SectionKind,
    /// Typed front matter.
    pub meta: SectionMeta,
    /// The front matter text, to find a key's line later.
    pub front: String,
    /// Lines before the front matter text.
    pub front_offset: usize,
    /// Markdown body (the introduction).
    pub body: String,
    /// Lines before the body.
    pub body_offset: usize,
    /// Site path: `` for the landing page, `topics/x/` for a topic.
    pub path: String,
    /// Hash of the file.
    pub source_hash: u64,
    /// The rendered introduction.
    pub rendered: Rendered,
}

impl Section {
    /// Parses a section from its `_index.md` text (front matter is optional).
    pub fn parse(file: SourceFile, text: &str) -> Result<Section, Vec<Diagnostic>> {
        let split = split(text, &file.path).map_err(|d| vec![d])?;
        let mut fields = match split.front {
            Some(front) => {
                Fields::parse(front, &file.path, split.front_offset).map_err(|d| vec![d])?
            }
            None => Fields::empty(&file.path),
        };
        let kind = SectionKind::of(&file.rel);
        let meta = SectionMeta {
            title: fields.text("title").filter(|t| !t.trim().is_empty()),
            description: fields.text("description"),
            cover: fields.text("cover"),
            cover_alt: fields.text("cover_alt"),
            template: fields.text("template"),
            paginate: fields.positive("paginate"),
            weight: fields.integer("weight").unwrap_or(0),
            featured: fields.flag("featured"),
            pinned: fields.text_list("pinned"),
            archived: fields.flag("archived"),
            column_type: read_column_type(&mut fields),
            extra: Map::new(),
        };
        if meta.title.is_none() && fields.line_of("title").is_some() {
            let d = fields
                .error("title", "the section's `title` is empty")
                .with_help(
                    "write the title after `title:`, or remove the line to use the folder's name",
                );
            fields.errors.push(d);
        } else if meta.title.is_none()
            && matches!(kind, SectionKind::Topic(_) | SectionKind::Week(_))
        {
            let d = fields
                .error("title", "this section has no `title`")
                .with_help("add a line `title: 专题名称` to the front matter");
            fields.errors.push(d);
        }
        let (extra, errors) = fields.rest();
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Section {
            source_hash: hash::of_bytes(text.as_bytes()),
            path: folder_path(&file.rel),
            kind,
            meta: SectionMeta { extra, ..meta },
            front: split.front.unwrap_or("").to_string(),
            front_offset: split.front_offset,
            body: split.body.to_string(),
            body_offset: split.body_offset,
            file,
            rendered: Rendered::default(),
        })
    }

    /// The title, or the folder name for sections without one.
    pub fn title(&self) -> &str {
        match &self.meta.title {
            Some(title) => title,
            None => self
                .path
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or(""),
        }
    }

    /// The 1-based line of a front matter key in the file, if written.
    pub fn key_line(&self, key: &str) -> Option<usize> {
        crate::yaml::key_line(&self.front, key).map(|l| l + self.front_offset)
    }

    /// The column type for the inspection rules: as written, else `news` for the
    /// archive and topics and `static` for everything else.
    pub fn column_type(&self) -> ColumnType {
        self.meta.column_type.unwrap_or(match self.kind {
            SectionKind::Archive | SectionKind::Topic(_) => ColumnType::News,
            _ => ColumnType::Static,
        })
    }
}

/// What kind of column a section is (国办秘函〔2019〕19号 tells them apart by how
/// often they must be updated).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ColumnType {
    /// News and activities: new items every two weeks.
    News,
    /// Notices and announcements: every six months.
    Notice,
    /// Policies and documents: every six months.
    Policy,
    /// Fixed pages (about, a past week): never stale.
    Static,
}

impl ColumnType {
    /// The name written in front matter and in the `ColumnType` meta tag.
    pub fn name(self) -> &'static str {
        match self {
            ColumnType::News => "news",
            ColumnType::Notice => "notice",
            ColumnType::Policy => "policy",
            ColumnType::Static => "static",
        }
    }
}

fn read_column_type(fields: &mut Fields<'_>) -> Option<ColumnType> {
    let written = fields.text("column_type")?;
    let found = [
        ColumnType::News,
        ColumnType::Notice,
        ColumnType::Policy,
        ColumnType::Static,
    ]
    .into_iter()
    .find(|t| t.name() == written.trim());
    if found.is_none() {
        let d = fields
            .error(
                "column_type",
                format!("`column_type: {written}` is not a column type"),
            )
            .with_help("write one of news, notice, policy, static");
        fields.errors.push(d);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn parse(rel: &str, text: &str) -> Result<Section, Vec<Diagnostic>> {
        let file = SourceFile {
            path: PathBuf::from("content").join(rel),
            rel: rel.into(),
        };
        Section::parse(file, text)
    }

    #[test]
    fn kinds_follow_the_folder() {
        assert_eq!(SectionKind::of("_index.md"), SectionKind::Landing);
        assert_eq!(SectionKind::of("articles/_index.md"), SectionKind::Archive);
        assert_eq!(
            SectionKind::of("topics/_index.md"),
            SectionKind::TopicsIndex
        );
        assert_eq!(
            SectionKind::of("topics/cyber-week/_index.md"),
            SectionKind::Topic("cyber-week".into())
        );
        assert_eq!(
            SectionKind::of("security-week/2019/_index.md"),
            SectionKind::Week(2019)
        );
        assert_eq!(
            SectionKind::of("security-week/_index.md"),
            SectionKind::WeekIndex
        );
        assert_eq!(SectionKind::of("about/_index.md"), SectionKind::Plain);
    }

    #[test]
    fn topic_needs_a_title() {
        let errs = parse("topics/x/_index.md", "---\nweight: 2\n---\n").unwrap_err();
        assert!(errs[0].message.contains("no `title`"));
        let s = parse(
            "topics/x/_index.md",
            "---\ntitle: 专题\nweight: 2\nbanner_color: red\n---\n介绍\n",
        )
        .unwrap();
        assert_eq!(s.path, "topics/x/");
        assert_eq!(s.meta.weight, 2);
        assert_eq!(s.meta.extra["banner_color"], "red");
        assert_eq!(s.body, "介绍\n");
    }

    #[test]
    fn landing_without_front_matter() {
        let s = parse("_index.md", "欢迎\n").unwrap();
        assert_eq!(s.kind, SectionKind::Landing);
        assert_eq!(s.path, "");
        assert_eq!(s.body, "欢迎\n");
    }
}
