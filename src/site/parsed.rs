//! The parse cache: what the last build made of every page's front matter, kept in
//! `.herald-cache/pages.bin` with the size, modification time and inode its file had
//! when it was read. A build reads again only the Markdown files whose stamp changed:
//! after a one-article edit it reads one file, not every article, and a page taken
//! from here has no body ([`Page::body_pending`]) until its Markdown must be rendered
//! again.
//!
//! A stamp can miss a change only when a file is rewritten with the same size within
//! one tick of the file system's clock after it was read. So, as Git does with its
//! index, a file changed less than [`recent`] before it was read is not kept: the next
//! build reads it again. Sections (a few `_index.md` files) are always read.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use chrono::FixedOffset;
use serde::{Deserialize, Serialize};

use crate::content::{Page, PageMeta, SourceFile};
use crate::markdown::Rendered;

/// Bumped when what is kept changes shape.
const FORMAT: u32 = 3;

/// What identifies the content of a file without reading it: size, modification time
/// and, on Unix, inode and status-change time (which no program can set back, unlike
/// the modification time: `touch -r`, `cp -p`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    len: u64,
    modified_ns: u128,
    inode: u64,
    changed_ns: i128,
}

impl Stamp {
    /// The stamp of the file at `path` now; `None` when it cannot be read.
    pub fn of(path: &Path) -> Option<Stamp> {
        let meta = std::fs::metadata(path).ok()?;
        #[cfg(unix)]
        let (inode, changed_ns) = {
            use std::os::unix::fs::MetadataExt;
            let ns = i128::from(meta.ctime()) * 1_000_000_000 + i128::from(meta.ctime_nsec());
            (meta.ino(), ns)
        };
        #[cfg(not(unix))]
        let (inode, changed_ns) = (0, 0);
        Some(Stamp {
            len: meta.len(),
            modified_ns: crate::output::modified_ns(&meta),
            inode,
            changed_ns,
        })
    }
}

/// A page as parsed, without its file (known by its path), body or rendering.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Kept {
    meta: PageMeta,
    front: String,
    front_offset: usize,
    body_offset: usize,
    slug: String,
    path: String,
    is_article: bool,
    source_hash: u64,
}

/// The pages the last build parsed, by content path, and those of this build.
#[derive(Debug, Default)]
pub struct ParseCache {
    key: u64,
    /// By content path: the page as parsed, with its file's stamp when that can be
    /// trusted (`None`: the file had just changed; the text is known, not the stamp).
    entries: HashMap<String, (Option<Stamp>, Kept)>,
    /// When this build began reading files: files changed just before are not kept.
    read_at: Option<SystemTime>,
    /// True when an entry was added, replaced or dropped.
    changed: bool,
    /// True when a page is gone, or is not the text the cache knew.
    differs: bool,
}

/// How long before it was read a file must have last changed for its parse to be
/// kept: 2 s (coarser clocks than that are rare), or `HERALD_PARSE_RECENT_MS`, which
/// tests set to 0 to keep what they have just written.
fn recent() -> Duration {
    Duration::from_millis(crate::pause::setting("HERALD_PARSE_RECENT_MS", 2000))
}

impl ParseCache {
    fn path(root: &Path) -> PathBuf {
        root.join(".herald-cache").join("pages.bin")
    }

    /// Reads the cache kept for pages parsed in time zone `zone`; an empty one when
    /// there is none (or it is damaged, or of another Herald).
    pub fn load(root: &Path, zone: FixedOffset) -> ParseCache {
        let key = crate::hash::of(&(FORMAT, zone.local_minus_utc()));
        let entries =
            crate::cache_file::load_list::<(String, Option<Stamp>, Kept)>(&Self::path(root), key)
                .map(|list| {
                    list.into_iter()
                        .map(|(rel, stamp, kept)| (rel, (stamp, kept)))
                        .collect()
                });
        ParseCache {
            key,
            changed: entries.is_none(),
            entries: entries.unwrap_or_default(),
            read_at: None,
            differs: false,
        }
    }

    /// True when some page's text is not what the last build that kept it read, or a
    /// page went away: the build will render something, so asking whether it would
    /// is not worth its cost. (A page new to the cache does not count: unknown.)
    pub fn differs(&self) -> bool {
        self.differs
    }

    /// Notes that this build starts reading files now.
    pub fn start_reading(&mut self) {
        self.read_at = Some(SystemTime::now());
    }

    /// The page at `file` as parsed before, if its file still has `stamp`: without
    /// its body, which is read when needed.
    pub fn page(&self, file: &SourceFile, stamp: Stamp) -> Option<Page> {
        let (kept_stamp, kept) = self.entries.get(&file.rel)?;
        (*kept_stamp == Some(stamp)).then(|| {
            let kept = kept.clone();
            Page {
                file: file.clone(),
                meta: kept.meta,
                front: kept.front,
                front_offset: kept.front_offset,
                body: String::new(),
                body_pending: true,
                body_offset: kept.body_offset,
                slug: kept.slug,
                path: kept.path,
                is_article: kept.is_article,
                source_hash: kept.source_hash,
                rendered: Rendered::default(),
            }
        })
    }

    /// Keeps `page`, read from a file with `stamp`; the stamp only if the file did
    /// not change too recently for it to be trusted.
    pub fn keep(&mut self, page: &Page, stamp: Stamp) {
        let before = self.entries.get(&page.file.rel);
        if before.is_some_and(|(s, _)| *s == Some(stamp)) {
            return;
        }
        self.differs |= before.is_some_and(|(_, kept)| kept.source_hash != page.source_hash);
        let read_at = self.read_at.unwrap_or_else(SystemTime::now);
        let settled = read_at
            .checked_sub(recent())
            .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
            .is_some_and(|t| stamp.modified_ns != 0 && stamp.modified_ns < t.as_nanos());
        let kept = Kept {
            meta: page.meta.clone(),
            front: page.front.clone(),
            front_offset: page.front_offset,
            body_offset: page.body_offset,
            slug: page.slug.clone(),
            path: page.path.clone(),
            is_article: page.is_article,
            source_hash: page.source_hash,
        };
        self.changed = true;
        self.entries
            .insert(page.file.rel.clone(), (settled.then_some(stamp), kept));
    }

    /// Drops the entries of pages not in `seen` (removed, or no longer parsing).
    pub fn keep_only(&mut self, seen: &std::collections::HashSet<&str>) {
        let before = self.entries.len();
        self.entries.retain(|rel, _| seen.contains(rel.as_str()));
        self.changed |= self.entries.len() != before;
        self.differs |= self.entries.len() != before;
    }

    /// Removes the cache of the site at `root`: a stamp was found not to tell a change.
    pub fn discard(root: &Path) {
        let _ = std::fs::remove_file(Self::path(root));
    }

    /// Writes the cache when anything changed (a failure only costs the next build
    /// its reading).
    pub fn save(&self, root: &Path) {
        if !self.changed {
            return;
        }
        let mut list: Vec<(&String, &Option<Stamp>, &Kept)> = self
            .entries
            .iter()
            .map(|(rel, (stamp, kept))| (rel, stamp, kept))
            .collect();
        list.sort_by(|a, b| a.0.cmp(b.0));
        let _ = crate::cache_file::save_list(&Self::path(root), self.key, &list);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::page::Visibility;

    fn zone() -> FixedOffset {
        FixedOffset::east_opt(8 * 3600).unwrap()
    }

    #[test]
    fn a_page_comes_back_as_parsed_while_its_stamp_holds_and_only_if_settled() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("content/articles/a.md");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let text = "---\ntitle: 甲\ndate: 2026-09-14\ntags: [防诈骗]\ncolor: 红\n---\n\n正文\n";
        std::fs::write(&path, text).unwrap();
        let file = SourceFile {
            path: path.clone(),
            rel: "articles/a.md".into(),
        };
        let page = Page::parse_any(file.clone(), text, zone()).unwrap();
        let stamp = Stamp::of(&path).unwrap();

        let mut cache = ParseCache::load(dir.path(), zone());
        cache.start_reading();
        cache.keep(&page, stamp);
        assert!(
            cache.page(&file, stamp).is_none(),
            "just written: not trusted"
        );

        let old = SystemTime::now() - Duration::from_secs(60);
        std::fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(old)
            .unwrap();
        let stamp = Stamp::of(&path).unwrap();
        cache.keep(&page, stamp);
        cache.save(dir.path());
        let cache = ParseCache::load(dir.path(), zone());
        let again = cache.page(&file, stamp).expect("kept");
        assert!(again.body_pending && again.body.is_empty());
        assert_eq!(again.meta, page.meta);
        assert_eq!(again.meta.extra["color"], "红");
        assert_eq!(
            (&again.path, again.source_hash),
            (&page.path, page.source_hash)
        );
        assert_eq!(again.body_of(text).as_deref(), Some(page.body.as_str()));
        assert_eq!(again.body_of("---\ntitle: 乙\n---\n"), None, "another text");
        let later = Visibility {
            drafts: false,
            now: page.meta.date.unwrap() - chrono::Duration::days(1),
        };
        assert!(
            later.left_out(&again.meta).is_some(),
            "dates are kept, visibility is not"
        );

        std::fs::write(&path, text.replace("正文", "正文改")).unwrap();
        assert!(cache.page(&file, Stamp::of(&path).unwrap()).is_none());
        assert!(
            ParseCache::load(dir.path(), FixedOffset::east_opt(0).unwrap())
                .entries
                .is_empty()
        );
    }
}
