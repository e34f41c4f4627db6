//! Checks that look across files: the security weeks (their files, topic and quiz),
//! `@/…#anchor` links, and covers.

use crate::content::Item;
use crate::content::SectionKind;
use crate::content::week::{Quiz, Week};
use crate::error::Diagnostic;

use super::Site;

impl Site {
    /// Reads each year of the security week, its files and its quiz.
    pub(super) fn read_weeks(&mut self) -> Vec<Diagnostic> {
        let mut errors = Vec::new();
        self.weeks.clear();
        self.quizzes.clear();
        for &id in &self.library.weeks {
            let section = &self.library.sections[id];
            let SectionKind::Week(year) = section.kind else {
                continue;
            };
            let week = match Week::read(section, year, self.config.timezone) {
                Ok(week) => week,
                Err(e) => {
                    errors.extend(e);
                    continue;
                }
            };
            let at = |key: &str, message: String| {
                Diagnostic::error(message)
                    .in_file(&section.file.path)
                    .at_opt(section.key_line(key), None)
            };
            for material in &week.materials {
                if let Err(why) = self.files.locate(&material.file, Some(&section.file.rel)) {
                    errors.push(
                        at("materials", format!("material `{}`: {why}", material.file))
                            .with_help("put downloads in static/ (e.g. static/downloads/) and write `file: /downloads/name.pdf`"),
                    );
                }
            }
            for poster in &week.gallery {
                let found = self.files.locate(&poster.image, Some(&section.file.rel));
                let why = match found {
                    Ok(located) if located.image => {
                        located.source.and_then(|s| self.images.source(&s).err())
                    }
                    Ok(_) => None,
                    Err(why) => Some(why),
                };
                if let Some(why) = why {
                    errors.push(at(
                        "gallery",
                        format!("gallery image `{}`: {why}", poster.image),
                    ));
                }
            }
            if let Some(topic) = &week.topic
                && self.library.topic(topic).is_none()
                && !self.broken.contains(&format!("topics/{topic}/_index.md"))
            {
                errors.push(at(
                    "topic",
                    format!(
                        "unknown topic `{topic}`: there is no content/topics/{topic}/_index.md"
                    ),
                ));
            }
            if let Some(name) = &week.quiz {
                match self.data_sources.get(name) {
                    Some((path, text)) => match Quiz::read(&self.data[name], path, text) {
                        Ok(quiz) => {
                            self.quizzes.insert(name.clone(), quiz);
                        }
                        Err(problems) => errors.extend(problems),
                    },
                    None => errors.push(
                        at("quiz", format!("quiz `{name}`: there is no data/{name}.yaml"))
                            .with_help("write the questions in data/<name>.yaml and name it here without the extension"),
                    ),
                }
            }
            self.weeks.insert(id, week);
        }
        errors
    }

    /// Files of `static/` (or beside content) at paths Herald writes itself: the
    /// search index's folder `search/` while search is on. One of the two would be
    /// lost without a word.
    pub(super) fn check_generated(&self) -> Vec<Diagnostic> {
        if !self.config.search.enabled {
            return Vec::new();
        }
        self.files
            .published
            .iter()
            .filter(|(path, _)| path.starts_with("search/") && path.as_str() != "search/index.html")
            .map(|(path, published)| {
                Diagnostic::error(format!(
                    "/{path} is inside search/, where Herald writes the search index (search/index.json and its shards): the two would collide"
                ))
                .in_file(&published.from)
                .with_help("move the file to another folder, or turn search off with `search: { enabled: false }`")
            })
            .collect()
    }

    /// Checks that every `@/path.md#anchor` names a heading that exists.
    pub(super) fn check_links(&self) -> Vec<Diagnostic> {
        let lib = &self.library;
        let mut errors = Vec::new();
        let sources = lib
            .pages
            .iter()
            .map(|p| (&p.file, &p.rendered))
            .chain(lib.sections.iter().map(|s| (&s.file, &s.rendered)));
        for (file, rendered) in sources {
            for link in &rendered.links {
                let Some(anchor) = &link.anchor else { continue };
                let target = match lib.by_rel.get(&link.target) {
                    Some(Item::Page(id)) => &lib.pages[*id].rendered,
                    Some(Item::Section(id)) => &lib.sections[*id].rendered,
                    None => continue,
                };
                if !target.anchors.iter().any(|a| a == anchor) {
                    let known: Vec<&str> =
                        target.anchors.iter().take(8).map(String::as_str).collect();
                    let help = if known.is_empty() {
                        "that page has no headings".to_string()
                    } else {
                        format!("its headings' ids are: {}", known.join(", "))
                    };
                    errors.push(
                        Diagnostic::error(format!("broken link `@/{}#{anchor}`: that page has no heading with id `{anchor}`", link.target))
                            .in_file(&file.path)
                            .at_line(link.line)
                            .with_help(help),
                    );
                }
            }
        }
        errors
    }

    /// Checks that covers and banners written in front matter exist.
    pub(super) fn check_covers(&self) -> Vec<Diagnostic> {
        let lib = &self.library;
        let pages = lib.pages.iter().filter_map(|p| {
            self.check_cover(&p.file, p.meta.cover.as_deref()?, || p.key_line("cover"))
        });
        let sections = lib.sections.iter().filter_map(|s| {
            self.check_cover(&s.file, s.meta.cover.as_deref()?, || s.key_line("cover"))
        });
        pages.chain(sections).collect()
    }

    /// The problem with the cover `cover` of `file`, if any. `line` finds the line of
    /// `cover:`, only when there is a problem (finding it reads the front matter).
    fn check_cover(
        &self,
        file: &crate::content::walk::SourceFile,
        cover: &str,
        line: impl Fn() -> Option<usize>,
    ) -> Option<Diagnostic> {
        if super::is_remote(cover) {
            return Some(
                Diagnostic::error(format!("cover image `{cover}`: {}", super::REMOTE_IMAGE))
                    .in_file(&file.path)
                    .at_opt(line(), None),
            );
        }
        let why = match self.files.locate(cover, Some(&file.rel)) {
            Ok(located) if located.image => {
                let source = located.source?;
                let why = self.images.source(&source).err()?;
                format!(
                    "{why} ({})",
                    source.strip_prefix(&self.root).unwrap_or(&source).display()
                )
            }
            Ok(_) => return None,
            Err(why) => why,
        };
        Some(
            Diagnostic::error(format!("cover image `{cover}`: {why}"))
                .in_file(&file.path)
                .at_opt(line(), None),
        )
    }
}
