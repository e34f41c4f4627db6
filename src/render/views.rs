//! What templates see: pages, sections, topics and tags as plain values.
//!
//! Views borrow from the library and are serialised straight into Tera's context, so
//! nothing is copied twice. Every URL comes in two forms: `url` (root-relative, with
//! the base path: `/campaign/articles/x/`) for links, and `permalink` (absolute) for
//! feeds, canonical links and Open Graph.

use std::borrow::Cow;

use chrono::{DateTime, Datelike, FixedOffset};
use serde::Serialize;
use serde_json::{Map, Value};

use super::deps::{Dep, record};
use crate::assets::encode_path;
use crate::content::{Item, PageId, SectionId, SectionKind};
use crate::markdown::TocEntry;
use crate::site::Site;

/// How much of a page a view carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Title, dates, summary, tags: for lists.
    Card,
    /// A card and the rendered body: for feeds and `get_page`.
    WithContent,
    /// Everything: for the page's own template.
    Full,
}

/// An image ready for `<img>`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ImageView {
    /// Root-relative URL.
    pub url: String,
    /// Absolute URL (for Open Graph).
    pub permalink: String,
    /// Alternative text.
    pub alt: String,
    /// Width in pixels, when known.
    pub width: Option<u32>,
    /// Height in pixels, when known.
    pub height: Option<u32>,
    /// Resized copies for `srcset`, for images of `assets/`.
    pub srcset: Option<String>,
    /// The `sizes` attribute that goes with `srcset`.
    pub sizes: Option<String>,
}

/// A link to a tag, as pages carry them.
#[derive(Debug, Clone, Serialize)]
pub struct TagLink<'a> {
    /// Name as written.
    pub name: &'a str,
    /// URL segment.
    pub slug: &'a str,
    /// Root-relative URL of the tag's page.
    pub url: String,
}

/// A tag with its count, for the tag pages and the tags index.
#[derive(Debug, Clone, Serialize)]
pub struct TagView<'a> {
    /// Name as written.
    pub name: &'a str,
    /// URL segment.
    pub slug: &'a str,
    /// Root-relative URL of the tag's page.
    pub url: String,
    /// Number of articles.
    pub count: usize,
}

/// A special topic.
#[derive(Debug, Clone, Serialize)]
pub struct TopicView<'a> {
    /// Id (folder name).
    pub id: &'a str,
    /// Title.
    pub title: &'a str,
    /// One-line introduction.
    pub description: Option<&'a str>,
    /// Column type for the `ColumnType` meta tag (`news` unless written).
    pub column_type: &'static str,
    /// Root-relative URL.
    pub url: String,
    /// Absolute URL.
    pub permalink: String,
    /// Root-relative URL of the topic's Atom feed.
    pub feed_url: String,
    /// Number of articles gathered.
    pub count: usize,
    /// Number pinned first.
    pub pinned: usize,
    /// Banner image.
    pub cover: Option<ImageView>,
    /// The banner cropped to 16:9 (640×360) for lists of topics.
    pub thumbnail: Option<ImageView>,
    /// Shown on the landing page.
    pub featured: bool,
    /// The introduction, rendered (only on the topic's own pages).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<Cow<'a, str>>,
    /// Front matter keys Herald does not know.
    pub extra: &'a Map<String, Value>,
}

/// A page.
#[derive(Debug, Clone, Serialize)]
pub struct PageView<'a> {
    /// Title.
    pub title: &'a str,
    /// Root-relative URL.
    pub url: String,
    /// Absolute URL.
    pub permalink: String,
    /// Site path without base path: `articles/x/`.
    pub path: &'a str,
    /// The Markdown file's path inside `content/`.
    pub source_path: &'a str,
    /// URL slug.
    pub slug: &'a str,
    /// Publication date (RFC 3339).
    pub date: Option<String>,
    /// Last update (RFC 3339).
    pub updated: Option<String>,
    /// Year of publication.
    pub year: Option<i32>,
    /// Summary (HTML).
    pub summary: &'a str,
    /// Summary (plain text).
    pub description: &'a str,
    /// Author.
    pub author: Option<&'a str>,
    /// Source (来源).
    pub source: Option<&'a str>,
    /// Cover image.
    pub cover: Option<ImageView>,
    /// Tags.
    pub tags: Vec<TagLink<'a>>,
    /// Topics it belongs to (id, title, url).
    pub topics: Vec<TopicLink<'a>>,
    /// Pinned first in lists.
    pub pinned: bool,
    /// A draft (only seen with `--drafts`).
    pub draft: bool,
    /// True for pages under `content/articles/`.
    pub is_article: bool,
    /// Minutes to read.
    pub reading_time: u32,
    /// Characters (CJK) plus words (Latin).
    pub word_count: usize,
    /// Front matter keys Herald does not know.
    pub extra: &'a Map<String, Value>,
    /// The body (HTML), with [`Detail::WithContent`] and [`Detail::Full`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<Cow<'a, str>>,
    /// Table of contents, with [`Detail::Full`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub toc: Option<&'a [TocEntry]>,
    /// Number of headings, with [`Detail::Full`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heading_count: Option<usize>,
    /// The next older article, with [`Detail::Full`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub earlier: Option<Box<PageView<'a>>>,
    /// The next newer article, with [`Detail::Full`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub later: Option<Box<PageView<'a>>>,
    /// Related articles, with [`Detail::Full`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub related: Option<Vec<PageView<'a>>>,
    /// Sections from the landing page down to the page's own, with [`Detail::Full`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ancestors: Option<Vec<Crumb<'a>>>,
}

/// A section as a page's `section`: enough for a column name and a link.
#[derive(Debug, Clone, Serialize)]
pub struct SectionLink<'a> {
    /// Title.
    pub title: &'a str,
    /// Kind, as in [`SectionView`].
    pub kind: &'static str,
    /// Column type for the `ColumnType` meta tag: news, notice, policy or static.
    pub column_type: &'static str,
    /// Root-relative URL.
    pub url: String,
    /// Site path.
    pub path: &'a str,
}

/// A short link to a topic.
#[derive(Debug, Clone, Serialize)]
pub struct TopicLink<'a> {
    /// Id.
    pub id: &'a str,
    /// Title.
    pub title: &'a str,
    /// Root-relative URL.
    pub url: String,
}

/// One step of a breadcrumb trail.
#[derive(Debug, Clone, Serialize)]
pub struct Crumb<'a> {
    /// Title.
    pub title: &'a str,
    /// Root-relative URL.
    pub url: String,
}

/// A section.
#[derive(Debug, Clone, Serialize)]
pub struct SectionView<'a> {
    /// Title (or folder name).
    pub title: &'a str,
    /// Kind: `landing`, `archive`, `topics`, `topic`, `weeks`, `week` or `section`.
    pub kind: &'static str,
    /// Column type for the `ColumnType` meta tag: news, notice, policy or static.
    pub column_type: &'static str,
    /// Root-relative URL.
    pub url: String,
    /// Absolute URL.
    pub permalink: String,
    /// Site path.
    pub path: &'a str,
    /// One-line introduction.
    pub description: Option<&'a str>,
    /// The body (HTML).
    pub content: Cow<'a, str>,
    /// Summary of the body (HTML).
    pub summary: &'a str,
    /// Banner or cover image.
    pub cover: Option<ImageView>,
    /// Front matter keys Herald does not know.
    pub extra: &'a Map<String, Value>,
    /// Sections above it, from the landing page down.
    pub ancestors: Vec<Crumb<'a>>,
}

/// Builds views of one site.
#[derive(Clone, Copy)]
pub struct Views<'a> {
    site: &'a Site,
}

fn rfc3339(date: Option<DateTime<FixedOffset>>) -> Option<String> {
    date.map(|d| d.to_rfc3339())
}

impl<'a> Views<'a> {
    /// Views of `site`.
    pub fn new(site: &'a Site) -> Self {
        Views { site }
    }

    /// Root-relative URL of a site path.
    pub fn href(&self, path: &str) -> String {
        self.site.config.href(&encode_path(path))
    }

    /// Absolute URL of a site path.
    pub fn permalink(&self, path: &str) -> String {
        self.site.config.permalink(&encode_path(path))
    }

    /// An image written in content (cover, banner), if it can be found.
    pub fn image(&self, written: Option<&str>, from: &str, alt: &str) -> Option<ImageView> {
        self.image_with(written, from, alt, None)
    }

    /// An image cropped from the centre to `width`×`height` (thumbnails, banners).
    pub fn thumbnail(
        &self,
        written: Option<&str>,
        from: &str,
        alt: &str,
        width: u32,
        height: u32,
    ) -> Option<ImageView> {
        self.image_with(written, from, alt, Some((width, height)))
    }

    fn image_with(
        &self,
        written: Option<&str>,
        from: &str,
        alt: &str,
        fill: Option<(u32, u32)>,
    ) -> Option<ImageView> {
        let written = written?;
        if written.starts_with("http://") || written.starts_with("https://") {
            return Some(ImageView {
                url: written.to_string(),
                permalink: written.to_string(),
                alt: alt.to_string(),
                width: None,
                height: None,
                srcset: None,
                sizes: None,
            });
        }
        let located = self.site.files.locate(written, Some(from)).ok();
        record(Dep::File(
            located
                .as_ref()
                .map_or_else(|| written.to_string(), |l| l.path.clone()),
        ));
        let located = located?;
        // Thumbnails are made of any raster image (a poster in static/ too), whose
        // original stays published as it is.
        let thumbnail_of_static = fill.is_some()
            && crate::images::is_processable(&located.path)
            && located.source.is_some();
        if located.image || thumbnail_of_static {
            let source = located.source.as_deref()?;
            let responsive = match fill {
                Some((w, h)) => self.site.images.fill(&located.path, source, w, h),
                None => self.site.images.responsive(&located.path, source, None),
            }
            .ok()?;
            return Some(self.responsive_view(&responsive, alt, fill.is_some()));
        }
        let (width, height) = located
            .source
            .as_deref()
            .and_then(|p| self.site.image_size(p))
            .map_or((None, None), |(w, h)| (Some(w), Some(h)));
        Some(ImageView {
            url: self.href(&located.path),
            permalink: self.permalink(&located.path),
            alt: alt.to_string(),
            width,
            height,
            srcset: None,
            sizes: None,
        })
    }

    /// The view of processed variants: widths with the `sizes` of the text, or, for
    /// a fixed-size thumbnail, pixel densities (`1x`, `2x`).
    pub fn responsive_view(
        &self,
        image: &crate::images::Responsive,
        alt: &str,
        thumbnail: bool,
    ) -> ImageView {
        for (path, _) in &image.variants {
            super::deps::record_file(path);
        }
        let with_sizes = !thumbnail;
        let srcset = (image.variants.len() > 1).then(|| {
            let first = image.variants.first().map_or(1, |(_, w)| *w).max(1);
            let descriptor = |(path, w): &(String, u32)| {
                if thumbnail {
                    format!("{} {}x", self.href(path), w / first)
                } else {
                    format!("{} {w}w", self.href(path))
                }
            };
            image
                .variants
                .iter()
                .map(descriptor)
                .collect::<Vec<_>>()
                .join(", ")
        });
        ImageView {
            url: self.href(&image.src),
            permalink: self.permalink(&image.src),
            alt: alt.to_string(),
            width: Some(image.width),
            height: Some(image.height),
            srcset,
            sizes: with_sizes.then(|| self.site.images.sizes().to_string()),
        }
    }

    /// A page at the given detail.
    pub fn page(&self, id: PageId, detail: Detail) -> PageView<'a> {
        let lib = &self.site.library;
        let page = &lib.pages[id];
        let links = &lib.links[id];
        let meta = &page.meta;
        let full = detail == Detail::Full;
        let card = |other: Option<PageId>| other.map(|o| Box::new(self.page(o, Detail::Card)));
        record(Dep::Card(page.file.rel.clone()));
        if detail != Detail::Card {
            record(Dep::Content(page.file.rel.clone()));
        }
        if full {
            record(Dep::Links(page.file.rel.clone()));
        }
        PageView {
            title: &meta.title,
            url: self.href(&page.path),
            permalink: self.permalink(&page.path),
            path: &page.path,
            source_path: &page.file.rel,
            slug: &page.slug,
            date: rfc3339(meta.date),
            updated: rfc3339(meta.updated),
            year: meta.date.map(|d| d.year()),
            summary: &page.rendered.summary,
            description: &page.rendered.description,
            author: meta.author.as_deref(),
            source: meta.source.as_deref(),
            cover: self.image(
                meta.cover.as_deref(),
                &page.file.rel,
                meta.cover_alt.as_deref().unwrap_or(&meta.title),
            ),
            tags: links.tags.iter().map(|&t| self.tag_link(t)).collect(),
            topics: links.topics.iter().map(|&t| self.topic_link(t)).collect(),
            pinned: meta.pinned,
            draft: meta.draft,
            is_article: page.is_article,
            reading_time: page.rendered.reading_time,
            word_count: page.rendered.stats.cjk_chars + page.rendered.stats.latin_words,
            extra: &meta.extra,
            content: (detail != Detail::Card).then(|| page.rendered.html.text()),
            toc: full.then_some(page.rendered.toc.as_slice()),
            heading_count: full.then_some(page.rendered.heading_count),
            earlier: if full { card(links.earlier) } else { None },
            later: if full { card(links.later) } else { None },
            related: full.then(|| {
                links
                    .related
                    .iter()
                    .map(|&r| self.page(r, Detail::Card))
                    .collect()
            }),
            ancestors: full.then(|| self.ancestors(links.parent, true)),
        }
    }

    /// Cards of several pages.
    pub fn cards(&self, ids: &[PageId]) -> Vec<PageView<'a>> {
        ids.iter().map(|&id| self.page(id, Detail::Card)).collect()
    }

    /// The trail of sections from the landing page down to `section` (included when
    /// `inclusive`).
    pub fn ancestors(&self, section: Option<SectionId>, inclusive: bool) -> Vec<Crumb<'a>> {
        let lib = &self.site.library;
        let Some(section) = section else {
            return Vec::new();
        };
        let path = &lib.sections[section].path;
        let mut crumbs = Vec::new();
        let mut prefix = String::new();
        let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        let mut candidates = vec![String::new()];
        for part in &parts {
            prefix.push_str(part);
            prefix.push('/');
            candidates.push(prefix.clone());
        }
        if !inclusive {
            candidates.pop();
        }
        for candidate in candidates {
            if let Some(s) = lib.sections.iter().find(|s| s.path == candidate) {
                record(Dep::Crumb(s.file.rel.clone()));
                crumbs.push(Crumb {
                    title: s.title(),
                    url: self.href(&s.path),
                });
            }
        }
        crumbs
    }

    /// A tag's link (its name and URL come from the pages, which are recorded).
    pub fn tag_link(&self, index: usize) -> TagLink<'a> {
        let tag = &self.site.library.tags[index];
        TagLink {
            name: &tag.name,
            slug: &tag.slug,
            url: self.href(&format!("tags/{}/", tag.slug)),
        }
    }

    /// A tag with its count.
    pub fn tag(&self, index: usize) -> TagView<'a> {
        let tag = &self.site.library.tags[index];
        record(Dep::Tag(tag.slug.clone()));
        TagView {
            name: &tag.name,
            slug: &tag.slug,
            url: self.href(&format!("tags/{}/", tag.slug)),
            count: tag.pages.len(),
        }
    }

    /// A short link to a topic.
    pub fn topic_link(&self, index: usize) -> TopicLink<'a> {
        let topic = &self.site.library.topics[index];
        let section = &self.site.library.sections[topic.section];
        record(Dep::Crumb(section.file.rel.clone()));
        TopicLink {
            id: &topic.id,
            title: section.title(),
            url: self.href(&section.path),
        }
    }

    /// A topic; `with_content` adds the rendered introduction.
    pub fn topic(&self, index: usize, with_content: bool) -> TopicView<'a> {
        let topic = &self.site.library.topics[index];
        let section = &self.site.library.sections[topic.section];
        record(Dep::Topic(topic.id.clone()));
        TopicView {
            id: &topic.id,
            title: section.title(),
            description: section.meta.description.as_deref(),
            column_type: section.column_type().name(),
            url: self.href(&section.path),
            permalink: self.permalink(&section.path),
            feed_url: self.href(&format!("{}atom.xml", section.path)),
            count: topic.pages.len(),
            pinned: topic.pinned,
            cover: self.image(
                section.meta.cover.as_deref(),
                &section.file.rel,
                section.meta.cover_alt.as_deref().unwrap_or(section.title()),
            ),
            thumbnail: self.thumbnail(
                section.meta.cover.as_deref(),
                &section.file.rel,
                section.meta.cover_alt.as_deref().unwrap_or(section.title()),
                640,
                360,
            ),
            featured: section.meta.featured,
            content: with_content.then(|| section.rendered.html.text()),
            extra: &section.meta.extra,
        }
    }

    /// A section's title and link.
    pub fn section_link(&self, id: SectionId) -> SectionLink<'a> {
        let section = &self.site.library.sections[id];
        record(Dep::Crumb(section.file.rel.clone()));
        SectionLink {
            title: section.title(),
            kind: kind_name(&section.kind),
            column_type: section.column_type().name(),
            url: self.href(&section.path),
            path: &section.path,
        }
    }

    /// A section with its introduction.
    pub fn section(&self, id: SectionId) -> SectionView<'a> {
        let section = &self.site.library.sections[id];
        record(Dep::Section(section.file.rel.clone()));
        SectionView {
            title: section.title(),
            kind: kind_name(&section.kind),
            column_type: section.column_type().name(),
            url: self.href(&section.path),
            permalink: self.permalink(&section.path),
            path: &section.path,
            description: section.meta.description.as_deref(),
            content: section.rendered.html.text(),
            summary: &section.rendered.summary,
            cover: self.image(
                section.meta.cover.as_deref(),
                &section.file.rel,
                section.meta.cover_alt.as_deref().unwrap_or(section.title()),
            ),
            extra: &section.meta.extra,
            ancestors: self.ancestors(Some(id), false),
        }
    }

    /// The URL of a content file named by `@/path.md`, or why there is none.
    pub fn content_url(&self, rel: &str) -> Result<String, String> {
        record(Dep::Url(rel.to_string()));
        match self.site.library.by_rel.get(rel) {
            Some(Item::Page(id)) => Ok(self.href(&self.site.library.pages[*id].path)),
            Some(Item::Section(id)) => Ok(self.href(&self.site.library.sections[*id].path)),
            None => Err(self.site.why_missing(rel)),
        }
    }
}

/// The name templates see for a kind of section.
pub fn kind_name(kind: &SectionKind) -> &'static str {
    match kind {
        SectionKind::Landing => "landing",
        SectionKind::Archive => "archive",
        SectionKind::TopicsIndex => "topics",
        SectionKind::Topic(_) => "topic",
        SectionKind::WeekIndex => "weeks",
        SectionKind::Week(_) => "week",
        SectionKind::Plain => "section",
    }
}
