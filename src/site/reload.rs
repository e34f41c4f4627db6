//! Bringing a loaded site up to date after files changed, redoing only what the
//! changes affect: the changed content files are parsed again, the lists rebuilt, and
//! Markdown rendered again for the changed files and for files that link to a page
//! whose URL moved. A changed `config.yaml` is not handled here: it needs a new load.

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::content::walk::{self, SourceFile};
use crate::content::{Item, Library};

use super::{Loaded, Site};

/// What changed on disk, sorted by what it affects.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// `config.yaml`: everything must be loaded again.
    pub config: bool,
    /// A template of the site or theme.
    pub templates: bool,
    /// A data file.
    pub data: bool,
    /// A file of `static/` or `assets/` (site or theme), or a non-Markdown file of
    /// `content/`.
    pub files: bool,
    /// Markdown files of `content/`, by their path inside it.
    pub content: BTreeSet<String>,
    /// Folders of `content/` that changed as a whole (created, renamed, removed).
    pub content_folders: BTreeSet<String>,
}

impl Changes {
    /// True when nothing changed.
    pub fn is_empty(&self) -> bool {
        !self.config
            && !self.templates
            && !self.data
            && !self.files
            && self.content.is_empty()
            && self.content_folders.is_empty()
    }

    /// Adds the changes of `other`.
    pub fn merge(&mut self, other: Changes) {
        self.config |= other.config;
        self.templates |= other.templates;
        self.data |= other.data;
        self.files |= other.files;
        self.content.extend(other.content);
        self.content_folders.extend(other.content_folders);
    }
}

/// Which pages' own data (text, summary, URL, neighbours, place in the lists) changes
/// to a site may have changed: what a render must check again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Touched {
    /// Any page: the lists were rebuilt, or the site is new.
    All,
    /// Only these pages and sections, by content path; every list stayed the same.
    Only(BTreeSet<String>),
}

impl Touched {
    /// No page.
    pub fn none() -> Touched {
        Touched::Only(BTreeSet::new())
    }

    /// Adds what `other` touched.
    pub fn merge(&mut self, other: Touched) {
        match (&mut *self, other) {
            (Touched::Only(mine), Touched::Only(theirs)) => mine.extend(theirs),
            (_, _) => *self = Touched::All,
        }
    }
}

impl Site {
    /// Applies `changes` (which must not include the config). Afterwards the site is
    /// what a fresh load would give. Returns which pages may have changed.
    pub fn apply(&mut self, changes: &Changes) -> Touched {
        let _t = crate::timing::phase("site: apply changes");
        let plan = self.plan_memo.get_mut().map_or(None, Option::take);
        let templates_before = self.page_templates(&changes.content);
        let touched = self.apply_changes(changes);
        // Outputs are planned from the lists, the pages' templates and the theme's
        // templates: an edit in place that keeps them keeps the plan.
        let same_plan = !(changes.templates || changes.data || changes.files)
            && changes.content_folders.is_empty()
            && matches!(touched, Touched::Only(_))
            && self.page_templates(&changes.content) == templates_before;
        if same_plan {
            *self.plan_memo.get_mut().unwrap_or_else(|e| e.into_inner()) = plan;
        }
        touched
    }

    /// The template each of the pages `rels` names (`None` for a page that names none
    /// or does not exist).
    fn page_templates(&self, rels: &BTreeSet<String>) -> Vec<Option<String>> {
        rels.iter()
            .map(|rel| match self.library.by_rel.get(rel) {
                Some(Item::Page(id)) => self.library.pages[*id].meta.template.clone(),
                _ => None,
            })
            .collect()
    }

    fn apply_changes(&mut self, changes: &Changes) -> Touched {
        let mut markdown: HashSet<String> = HashSet::new();
        if changes.templates {
            let before = self.shortcode_versions();
            self.load_templates();
            markdown.extend(self.calling_changed_shortcodes(&before));
        }
        if changes.data {
            self.load_data();
        }
        if changes.files {
            let (content, walk_errors) = walk::walk(&self.root.join("content"), &self.root);
            self.problems.walk = walk_errors;
            self.content_others = content.others;
            self.load_files();
            // Images in Markdown carry their sizes; links to files may now resolve.
            // So do files named by shortcodes (sizes, posters).
            for page in &self.library.pages {
                let r = &page.rendered;
                if !r.images.is_empty() || !r.shortcode_files.is_empty() {
                    markdown.insert(page.file.rel.clone());
                }
            }
            for section in &self.library.sections {
                let r = &section.rendered;
                if !r.images.is_empty() || !r.shortcode_files.is_empty() {
                    markdown.insert(section.file.rel.clone());
                }
            }
        }
        let mut content = changes.content.clone();
        for folder in &changes.content_folders {
            content.extend(self.markdown_under(folder));
        }
        let mut lists_rebuilt = false;
        if !content.is_empty() {
            let (rels, rebuilt) = self.reload_content(&content);
            markdown.extend(rels);
            lists_rebuilt = rebuilt;
        }
        if !markdown.is_empty() {
            let _t = crate::timing::phase("site: markdown");
            self.render_markdown(Some(&markdown));
        }
        let _t = crate::timing::phase("site: derive (weeks, links, covers)");
        self.derive();
        // Besides the lists, a page's data changes only where its file was parsed or
        // its Markdown rendered again, and both put it in `markdown`.
        if lists_rebuilt {
            Touched::All
        } else {
            Touched::Only(markdown.into_iter().collect())
        }
    }

    /// The version of every shortcode some body calls, by name.
    fn shortcode_versions(&self) -> HashMap<String, Option<u64>> {
        let lib = &self.library;
        let names: HashSet<&String> = lib
            .pages
            .iter()
            .map(|p| &p.rendered)
            .chain(lib.sections.iter().map(|s| &s.rendered))
            .flat_map(|r| &r.shortcodes)
            .collect();
        names
            .into_iter()
            .map(|n| (n.clone(), self.shortcode_template_version(n)))
            .collect()
    }

    /// The pages and sections whose bodies call a shortcode whose template is not
    /// what it was in `before`: their Markdown must be rendered again.
    fn calling_changed_shortcodes(&self, before: &HashMap<String, Option<u64>>) -> Vec<String> {
        let changed: HashSet<&str> = before
            .iter()
            .filter(|(name, version)| self.shortcode_template_version(name) != **version)
            .map(|(name, _)| name.as_str())
            .collect();
        if changed.is_empty() {
            return Vec::new();
        }
        let lib = &self.library;
        lib.pages
            .iter()
            .map(|p| (&p.file.rel, &p.rendered))
            .chain(lib.sections.iter().map(|s| (&s.file.rel, &s.rendered)))
            .filter(|(_, r)| r.shortcodes.iter().any(|n| changed.contains(n.as_str())))
            .map(|(rel, _)| rel.clone())
            .collect()
    }

    /// Parses the changed content files again and rebuilds the lists; returns the
    /// files whose Markdown must be rendered again, and whether the lists were rebuilt.
    fn reload_content(&mut self, changed: &BTreeSet<String>) -> (HashSet<String>, bool) {
        if self.replace_in_place(changed) {
            return (changed.iter().cloned().collect(), false);
        }
        let before = self.urls();
        let Library {
            mut pages,
            mut sections,
            mut left_out,
            ..
        } = std::mem::take(&mut self.library);
        pages.retain(|p| !changed.contains(&p.file.rel));
        sections.retain(|s| !changed.contains(&s.file.rel));
        let content_dir = self.root.join("content");
        let mut present: Vec<SourceFile> = Vec::new();
        for rel in changed {
            left_out.remove(rel);
            self.broken.remove(rel);
            self.problems.by_file.remove(rel);
            let path = content_dir.join(rel);
            if path.is_file() {
                present.push(SourceFile {
                    path,
                    rel: rel.clone(),
                });
            }
        }
        let refs: Vec<&SourceFile> = present.iter().collect();
        let parsed = self.parse(&refs);
        for (file, parsed) in present.iter().zip(parsed) {
            self.keep(file, parsed, &mut pages, &mut sections, &mut left_out);
        }
        {
            let _t = crate::timing::phase("site: organise lists");
            self.organise(pages, sections, left_out);
        }
        let after = self.urls();
        let moved: HashSet<&str> = before
            .iter()
            .filter(|(rel, path)| after.get(*rel) != Some(path))
            .map(|(rel, _)| rel.as_str())
            .chain(
                after
                    .keys()
                    .filter(|rel| !before.contains_key(*rel))
                    .map(String::as_str),
            )
            .chain(changed.iter().map(String::as_str))
            .collect();
        let mut markdown: HashSet<String> = changed.iter().cloned().collect();
        let lib = &self.library;
        let sources = lib
            .pages
            .iter()
            .map(|p| (&p.file.rel, &p.rendered))
            .chain(lib.sections.iter().map(|s| (&s.file.rel, &s.rendered)));
        for (rel, rendered) in sources {
            if rendered
                .links
                .iter()
                .any(|l| moved.contains(l.target.as_str()))
            {
                markdown.insert(rel.clone());
            }
        }
        (markdown, true)
    }

    /// The common edit, a page whose place in every list stays the same (its text,
    /// title or summary changed), replaces the page without rebuilding the lists.
    /// Returns false, changing nothing, when the lists may change.
    fn replace_in_place(&mut self, changed: &BTreeSet<String>) -> bool {
        let content_dir = self.root.join("content");
        let mut ids = Vec::with_capacity(changed.len());
        let mut files = Vec::with_capacity(changed.len());
        for rel in changed {
            let Some(Item::Page(id)) = self.library.by_rel.get(rel) else {
                return false;
            };
            let page = &self.library.pages[*id];
            // A page with a list problem (say, an unknown topic) goes the long way, so
            // that the problem's line stays right.
            if self
                .problems
                .library
                .iter()
                .any(|d| d.file.as_deref() == Some(page.file.path.as_path()))
            {
                return false;
            }
            ids.push(*id);
            files.push(SourceFile {
                path: content_dir.join(rel),
                rel: rel.clone(),
            });
        }
        let refs: Vec<&SourceFile> = files.iter().collect();
        let mut fresh = Vec::with_capacity(ids.len());
        for (parsed, &id) in self.parse(&refs).into_iter().zip(&ids) {
            match parsed {
                Ok(Some(Loaded::Page(page)))
                    if page.list_key() == self.library.pages[id].list_key() =>
                {
                    fresh.push(page)
                }
                _ => return false,
            }
        }
        for (id, mut page) in ids.into_iter().zip(fresh) {
            page.rendered = std::mem::take(&mut self.library.pages[id].rendered);
            self.problems.by_file.remove(&page.file.rel);
            self.library.pages[id] = page;
        }
        true
    }

    /// The Markdown files under a content folder: those known now and those on disk.
    fn markdown_under(&self, folder: &str) -> BTreeSet<String> {
        let folder = folder.trim_end_matches('/');
        let prefix = if folder.is_empty() {
            String::new()
        } else {
            format!("{folder}/")
        };
        let mut found: BTreeSet<String> = self
            .library
            .by_rel
            .keys()
            .chain(&self.library.left_out)
            .chain(&self.broken)
            .filter(|rel| rel.starts_with(&prefix))
            .cloned()
            .collect();
        let (files, _) = walk::walk(&self.root.join("content").join(folder), &self.root);
        for file in files.pages.iter().chain(&files.sections) {
            found.insert(format!("{prefix}{}", file.rel));
        }
        found
    }

    /// Every page's and section's site path, by content path.
    fn urls(&self) -> HashMap<String, String> {
        let lib = &self.library;
        lib.pages
            .iter()
            .map(|p| (p.file.rel.clone(), p.path.clone()))
            .chain(
                lib.sections
                    .iter()
                    .map(|s| (s.file.rel.clone(), s.path.clone())),
            )
            .collect()
    }
}
