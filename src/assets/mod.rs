//! Files published beside the pages: `static/` (copied as is), `assets/` (CSS and
//! JS get a content hash in their names so browsers may cache them forever), files
//! placed beside content, and the generated code-highlighting stylesheet.
//!
//! Also answers "what does this path written in content point to?", for images,
//! covers and downloads.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::content::page::folder_path;
use crate::content::walk::SourceFile;
use crate::error::Diagnostic;
use crate::hash;
use crate::markdown::highlight;
use crate::theme::{NamedFile, Origin, Theme, list_folder};

/// The generated stylesheet for highlighted code, as an asset name.
pub const HIGHLIGHT_CSS: &str = "css/highlight.css";

/// What a published file's bytes are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// Copied from a file.
    File(Origin),
    /// Made by Herald (or read already, to fingerprint it).
    Bytes(Arc<Vec<u8>>),
}

/// A file to publish and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    /// Its bytes.
    pub body: Body,
    /// The file it comes from, for messages.
    pub from: PathBuf,
}

/// A path written in content, found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// The published path (no leading slash); for an image of `assets/`, the path as
    /// written there (only its processed variants are published).
    pub path: String,
    /// The source file on disk, when there is one.
    pub source: Option<PathBuf>,
    /// True for an image of `assets/` that must go through the image pipeline.
    pub image: bool,
}

/// Every file published beside the pages.
#[derive(Debug, Default, Clone)]
pub struct SiteFiles {
    /// Published path (no leading slash) → the file.
    pub published: BTreeMap<String, Published>,
    /// Asset name (path inside `assets/`) → published path.
    pub assets: HashMap<String, String>,
    /// Content path of a file placed beside content → published path.
    pub beside_content: HashMap<String, String>,
    /// Images of `assets/` to process, by their path there → source file.
    pub images: BTreeMap<String, PathBuf>,
}

impl SiteFiles {
    /// Collects the files of the theme and the site.
    /// With `fingerprint`, CSS and JS get a content hash in their names.
    pub fn collect(
        root: &Path,
        theme: &Theme,
        content_files: &[SourceFile],
        fingerprint: bool,
    ) -> (SiteFiles, Vec<Diagnostic>) {
        let mut files = SiteFiles::default();
        let mut errors = Vec::new();
        let (theme_static, e1) = theme.files("static");
        let (site_static, e2) = list_folder(&root.join("static"), root);
        let (theme_assets, e3) = theme.files("assets");
        let (site_assets, e4) = list_folder(&root.join("assets"), root);
        errors.extend([e1, e2, e3, e4].into_iter().flatten());

        // The site's files replace the theme's files of the same name.
        for file in overlay(theme_static, site_static) {
            files.publish(
                file.rel.clone(),
                Body::File(file.origin.clone()),
                file.origin.display_path(),
                &mut errors,
            );
        }
        let generated = NamedFile {
            rel: HIGHLIGHT_CSS.into(),
            origin: Origin::Embedded(HIGHLIGHT_CSS, &[]),
        };
        for file in overlay(vec![generated], overlay(theme_assets, site_assets)) {
            // Raster images are published only as processed variants (see `images`).
            if let Some(path) = file
                .origin
                .disk_path()
                .filter(|_| crate::images::is_processable(&file.rel))
            {
                files.assets.insert(file.rel.clone(), file.rel.clone());
                files.images.insert(file.rel.clone(), path.to_path_buf());
                continue;
            }
            match publish_asset(&file, fingerprint) {
                Ok((path, body)) => {
                    files.assets.insert(file.rel.clone(), path.clone());
                    files.publish(path, body, file.origin.display_path(), &mut errors);
                }
                Err(d) => errors.push(d),
            }
        }
        for file in content_files {
            let name = file.rel.rsplit('/').next().unwrap_or(&file.rel);
            let path = format!("{}{name}", folder_path(&file.rel));
            files.beside_content.insert(file.rel.clone(), path.clone());
            files.publish(
                path,
                Body::File(Origin::Disk(file.path.clone())),
                file.path.clone(),
                &mut errors,
            );
        }
        (files, errors)
    }

    fn publish(&mut self, path: String, body: Body, from: PathBuf, errors: &mut Vec<Diagnostic>) {
        if let Some(earlier) = self.published.get(&path) {
            errors.push(
                Diagnostic::error(format!(
                    "two files would be published as /{path}: {} and this one",
                    earlier.from.display()
                ))
                .in_file(&from)
                .with_help("rename or remove one of them"),
            );
            return;
        }
        self.published.insert(path, Published { body, from });
    }

    /// The published path of an asset (fingerprinted for CSS and JS).
    pub fn asset(&self, name: &str) -> Option<&str> {
        self.assets
            .get(name.trim_start_matches('/'))
            .map(String::as_str)
    }

    /// Finds what a path written in the content file `from` (a path inside `content/`)
    /// points to: relative to that file, or from `assets/`, or a site path `/x`.
    pub fn locate(&self, written: &str, from: Option<&str>) -> Result<Located, String> {
        let written = written.split(['?', '#']).next().unwrap_or(written);
        if let Some(site_path) = written.strip_prefix('/') {
            return self
                .published_or_asset(site_path)
                .ok_or_else(|| format!("there is no /{site_path} in static/ or assets/"));
        }
        let folder = from
            .and_then(|f| f.rsplit_once('/'))
            .map_or("", |(folder, _)| folder);
        let base = if from.is_some() {
            format!("content/{folder}")
        } else {
            String::new()
        };
        let joined = normalize(&base, written).ok_or("it points outside the site folder")?;
        let found = if let Some(rest) = joined.strip_prefix("assets/") {
            self.asset(rest).map(|p| self.located(p))
        } else if let Some(rest) = joined.strip_prefix("static/") {
            self.published_or_asset(rest)
        } else if let Some(rest) = joined.strip_prefix("content/") {
            self.beside_content.get(rest).map(|p| self.located(p))
        } else {
            None
        };
        found
            .or_else(|| {
                if written.starts_with("..") {
                    None
                } else {
                    self.published_or_asset(written)
                }
            })
            .ok_or_else(|| format!("no such file (looked for {joined}, and for assets/{written})"))
    }

    fn published_or_asset(&self, path: &str) -> Option<Located> {
        if self.published.contains_key(path) || self.images.contains_key(path) {
            return Some(self.located(path));
        }
        self.asset(path).map(|p| self.located(p))
    }

    fn located(&self, path: &str) -> Located {
        if let Some(source) = self.images.get(path) {
            return Located {
                path: path.to_string(),
                source: Some(source.clone()),
                image: true,
            };
        }
        let source = self.published.get(path).and_then(|p| match &p.body {
            Body::File(origin) => origin.disk_path().map(Path::to_path_buf),
            Body::Bytes(_) => Some(p.from.clone()),
        });
        Located {
            path: path.to_string(),
            source,
            image: false,
        }
    }

    /// A version of every published file: its bytes' hash, or its size and time.
    pub fn versions(&self) -> HashMap<String, u64> {
        self.published
            .iter()
            .map(|(path, published)| {
                let version = match &published.body {
                    Body::Bytes(bytes) => hash::of_bytes(bytes),
                    Body::File(Origin::Embedded(_, bytes)) => hash::of_bytes(bytes),
                    Body::File(Origin::Disk(source)) => std::fs::metadata(source).map_or(0, |m| {
                        hash::of(&(source, m.len(), crate::output::modified_ns(&m)))
                    }),
                };
                (path.clone(), version)
            })
            .collect()
    }

    /// The size in bytes of a published file.
    pub fn size(&self, path: &str) -> Option<u64> {
        if let Some(source) = self.images.get(path) {
            return std::fs::metadata(source).ok().map(|m| m.len());
        }
        match &self.published.get(path)?.body {
            Body::Bytes(bytes) => Some(bytes.len() as u64),
            Body::File(Origin::Embedded(_, bytes)) => Some(bytes.len() as u64),
            Body::File(Origin::Disk(path)) => std::fs::metadata(path).ok().map(|m| m.len()),
        }
    }
}

/// `base` files, with files of the same name in `top` taking their place.
fn overlay(base: Vec<NamedFile>, top: Vec<NamedFile>) -> Vec<NamedFile> {
    let mut by_name: BTreeMap<String, NamedFile> =
        base.into_iter().map(|f| (f.rel.clone(), f)).collect();
    for file in top {
        by_name.insert(file.rel.clone(), file);
    }
    by_name.into_values().collect()
}

/// The published path and body of an asset: CSS and JS are fingerprinted.
fn publish_asset(file: &NamedFile, fingerprint: bool) -> Result<(String, Body), Diagnostic> {
    let (stem, ext) = match file.rel.rsplit_once('.') {
        Some((stem, ext)) if !stem.ends_with('/') => (stem, ext),
        _ => return Ok((file.rel.clone(), Body::File(file.origin.clone()))),
    };
    if ext != "css" && ext != "js" {
        return Ok((file.rel.clone(), Body::File(file.origin.clone())));
    }
    let bytes = if file.rel == HIGHLIGHT_CSS
        && matches!(file.origin, Origin::Embedded(_, b) if b.is_empty())
    {
        highlight::stylesheet().into_bytes()
    } else {
        file.origin.read()?.into_owned()
    };
    let path = if fingerprint {
        format!("{stem}.{}.{ext}", hash::short_hex(hash::of_bytes(&bytes)))
    } else {
        file.rel.clone()
    };
    Ok((path, Body::Bytes(Arc::new(bytes))))
}

/// Joins a relative path onto a base (both with `/`), resolving `.` and `..`;
/// `None` if it climbs above the base's root.
fn normalize(base: &str, relative: &str) -> Option<String> {
    let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
    for part in relative.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

/// Percent-encodes the characters of a path that may not stand in a URL as they are.
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        match c {
            ' ' => out.push_str("%20"),
            '"' => out.push_str("%22"),
            '#' => out.push_str("%23"),
            '%' => out.push_str("%25"),
            '?' => out.push_str("%3F"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests;
