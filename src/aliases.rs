//! Redirects from the URLs a page used to have: `aliases:` in front matter.
//!
//! Each alias becomes a small page at the old path (meta refresh, canonical link,
//! a visible link, `noindex`; see the built-in `alias.html`), and a line of an nginx
//! `map` file written beside the output folder, never inside it, so the server can
//! answer a real 301. And after each build the site paths of every page are kept in
//! `.herald-cache/urls.bin`: a later build into the same output that finds a page
//! published somewhere else, with nothing left at its old URL, warns with the
//! `aliases:` line that keeps old links working.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::Diagnostic;
use crate::site::Site;

/// Checks an alias as written (`/old/path/`, `/2019/x.html`) and gives its site path
/// (`old/path/`, `2019/x.html`); a path without an extension gets a trailing slash.
pub fn site_path(written: &str) -> Result<String, String> {
    let trimmed = written.trim();
    let Some(rest) = trimmed.strip_prefix('/') else {
        return Err(format!(
            "the alias `{trimmed}` must be a path of this site starting with `/`, like /2019/old-page/"
        ));
    };
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    if rest.is_empty() {
        return Err("the alias `/` is the landing page's URL".into());
    }
    let bad = rest
        .split('/')
        .any(|seg| seg == ".." || seg == "." || seg.contains('\\'))
        || rest.starts_with('/')
        || rest.contains("//")
        || rest.chars().any(|c| c.is_control() || c.is_whitespace());
    if bad {
        return Err(format!(
            "the alias `{trimmed}` is not a plain path (no `..`, `//`, spaces)"
        ));
    }
    let last = rest.rsplit('/').next().unwrap_or_default();
    if rest.ends_with('/') || last.contains('.') {
        Ok(rest.to_string())
    } else {
        Ok(format!("{rest}/"))
    }
}

/// The output file of an alias's site path.
pub fn output_of(path: &str) -> String {
    if path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.to_string()
    }
}

/// Every alias of the site: (old site path, new site path), sorted by old path.
pub fn all(site: &Site) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = site
        .library
        .pages
        .iter()
        .flat_map(|page| {
            page.meta
                .aliases
                .iter()
                .map(|alias| (alias.clone(), page.path.clone()))
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The nginx map file of `output`: beside it, named after it (`public.redirects.map`).
pub fn default_map_path(output: &Path) -> PathBuf {
    let name = output
        .file_name()
        .map_or("public".into(), |n| n.to_string_lossy().to_string());
    output.with_file_name(format!("{name}.redirects.map"))
}

/// The map's text: one `old new;` line per alias, both with the base path.
pub fn map_text(site: &Site) -> String {
    let mut text = String::from(
        "# Written by `herald build`: old path -> new URL of every `aliases:` entry.\n# Include it in an nginx `map $uri $herald_redirect { … }` block (see README).\n",
    );
    for (old, new) in all(site) {
        let base = &site.config.base_path;
        text.push_str(&format!(
            "{} {};\n",
            quote(&format!("{base}{old}")),
            quote(&format!("{base}{new}"))
        ));
    }
    text
}

/// nginx quoting: the path in double quotes (aliases hold no quotes or spaces, but
/// Chinese and `;` must not end the value).
fn quote(path: &str) -> String {
    format!("\"{}\"", path.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Writes the map file when its text changed (so its time stays for rsync), through a
/// temporary file renamed over it.
pub fn write_map(path: &Path, text: &str) -> Result<(), Diagnostic> {
    if std::fs::read_to_string(path).is_ok_and(|old| old == text) {
        return Ok(());
    }
    let temp = path.with_extension("map.tmp");
    let folder = path.parent().filter(|p| !p.as_os_str().is_empty());
    folder
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| std::fs::write(&temp, text))
        .and_then(|()| std::fs::rename(&temp, path))
        .map_err(|e| {
            Diagnostic::error(format!("cannot write the redirects map: {e}"))
                .in_file(path)
                .with_help("check that the folder beside the output exists and is writable")
        })
}

/// Site paths each page was published at, kept for the next build into one output
/// (`.herald-cache/urls.bin` holds one record per output folder that still exists).
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct PublishedUrls {
    output: PathBuf,
    /// Content path → the site paths it had, the current one and old ones not yet
    /// covered by an alias.
    by_source: BTreeMap<String, BTreeSet<String>>,
}

impl PublishedUrls {
    fn file(root: &Path) -> PathBuf {
        root.join(".herald-cache").join("urls.bin")
    }

    /// What the last build into `output` published, if it was into that folder.
    pub fn load(root: &Path, output: &Path) -> Option<PublishedUrls> {
        let output = absolute(output);
        Self::all(root)
            .into_iter()
            .find(|found| found.output == output)
    }

    /// The records of every output folder built from this site.
    fn all(root: &Path) -> Vec<PublishedUrls> {
        crate::cache_file::load_lasting(&Self::file(root), URLS_FORMAT).unwrap_or_default()
    }

    /// Warnings for pages whose old URL now leads nowhere, and what to keep for next
    /// time (old URLs stay remembered until an alias covers them).
    pub fn moved(
        previous: Option<&PublishedUrls>,
        site: &Site,
        output: &Path,
    ) -> (Vec<Diagnostic>, PublishedUrls) {
        let lib = &site.library;
        let taken: HashSet<&str> = lib
            .pages
            .iter()
            .map(|p| p.path.as_str())
            .chain(lib.sections.iter().map(|s| s.path.as_str()))
            .chain(
                lib.pages
                    .iter()
                    .flat_map(|p| p.meta.aliases.iter().map(String::as_str)),
            )
            .collect();
        let mut warnings = Vec::new();
        let mut next = PublishedUrls {
            output: absolute(output),
            by_source: BTreeMap::new(),
        };
        for page in &lib.pages {
            let mut paths = BTreeSet::from([page.path.clone()]);
            let old = previous.and_then(|p| p.by_source.get(&page.file.rel));
            for gone in old
                .into_iter()
                .flatten()
                .filter(|p| !taken.contains(p.as_str()))
            {
                warnings.push(moved_warning(site, page, gone));
                paths.insert(gone.clone());
            }
            next.by_source.insert(page.file.rel.clone(), paths);
        }
        (warnings, next)
    }

    /// Keeps these URLs for the next build into the same folder (a build into another
    /// folder, say a staging copy, keeps its own record).
    pub fn save(&self, root: &Path) {
        let mut all = Self::all(root);
        all.retain(|found| found.output != self.output && found.output.is_dir());
        all.push(PublishedUrls {
            output: self.output.clone(),
            by_source: self.by_source.clone(),
        });
        let _ = crate::cache_file::save_lasting(&Self::file(root), URLS_FORMAT, &all);
    }
}

/// The format of `urls.bin`. The record outlives upgrades of Herald (a moved page must
/// still be noticed after one), so it is keyed by this, not by the Herald build.
const URLS_FORMAT: u64 = 1;

fn moved_warning(site: &Site, page: &crate::content::Page, gone: &str) -> Diagnostic {
    let old = format!("/{gone}");
    let mut d = Diagnostic::warning(format!(
        "this page was published at {}{gone} by the last build and is now at {}{}: links to the old URL will break",
        site.config.base_path, site.config.base_path, page.path
    ))
    .in_file(&page.file.path)
    .with_help(format!(
        "to keep old links working, add to its front matter: aliases: [\"{old}\"]"
    ));
    d.line = page
        .key_line("aliases")
        .or_else(|| page.key_line("slug"))
        .or_else(|| page.key_line("title"));
    d
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_become_site_paths() {
        assert_eq!(site_path("/old/path/").unwrap(), "old/path/");
        assert_eq!(site_path("/old/path").unwrap(), "old/path/");
        assert_eq!(site_path("/2019/x.html").unwrap(), "2019/x.html");
        assert_eq!(site_path(" /旧/页面/ ").unwrap(), "旧/页面/");
        for bad in [
            "old/",
            "/",
            "/a/../b/",
            "//host/x",
            "https://x.cn/a",
            "/a b/",
        ] {
            assert!(site_path(bad).is_err(), "{bad}");
        }
        assert_eq!(output_of("old/path/"), "old/path/index.html");
        assert_eq!(output_of("2019/x.html"), "2019/x.html");
    }

    #[test]
    fn the_map_sits_beside_the_output() {
        assert_eq!(
            default_map_path(Path::new("/srv/build/public")),
            Path::new("/srv/build/public.redirects.map")
        );
        assert_eq!(quote("/a\"b/"), "\"/a\\\"b/\"");
    }
}
