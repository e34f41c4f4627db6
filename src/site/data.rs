//! `data/*.yaml`: the data files templates read.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::Site;
use crate::error::Diagnostic;
use crate::{fs, yaml};

/// Data files by name: where each was read from and its text.
pub(crate) type DataSources = HashMap<String, (PathBuf, String)>;

impl Site {
    /// The first data file and line holding `needle`, by file name.
    pub(crate) fn find_in_data(&self, needle: &str) -> Option<(PathBuf, usize)> {
        let mut names: Vec<&String> = self.data_sources.keys().collect();
        names.sort();
        names.into_iter().find_map(|name| {
            let (path, text) = &self.data_sources[name];
            let line = text.lines().position(|l| l.contains(needle))? + 1;
            Some((path.clone(), line))
        })
    }
}

/// Reads `data/*.yaml` (and `.yml`, `.json`) into one map by file name; a link that
/// leads outside the site folder `site` is an error, as everywhere.
pub(super) fn load_data(dir: &Path, site: &Path) -> (Value, DataSources, Vec<Diagnostic>) {
    let bounds = fs::SiteBounds::new(site);
    let mut data = Map::new();
    let mut sources = HashMap::new();
    let mut errors = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return (Value::Object(data), sources, errors);
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let Some(stem) = [".yaml", ".yml", ".json"]
            .iter()
            .find_map(|ext| name.strip_suffix(ext))
        else {
            continue;
        };
        if fs::is_ignored_name(&name) {
            continue;
        }
        // Resolved whatever the file is: `data/` itself may be a link.
        if let Some(escape) = bounds.escape(&path, true) {
            errors.push(escape);
            continue;
        }
        let parsed = fs::read_text(&path).and_then(|text| {
            let value = yaml::parse_value(&text).map_err(|e| e.into_diagnostic(&path, 0))?;
            Ok((value, text))
        });
        match parsed {
            Ok((value, text)) => {
                data.insert(stem.to_string(), value);
                sources.insert(stem.to_string(), (path.clone(), text));
            }
            Err(d) => errors.push(d),
        }
    }
    (Value::Object(data), sources, errors)
}
