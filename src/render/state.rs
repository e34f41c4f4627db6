//! What every rendered file was made from, kept between renders.
//!
//! Besides each file's dependencies, the state keeps the reverse (which files use a
//! dependency) and the version each dependency had, so that finding what an edit
//! affects costs one version check per distinct dependency, not one per file.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::deps::Dep;
use super::jobs::Planned;
use super::known::KnownVersions;
use super::versions::Versions;
use crate::site::Touched;

/// What one output file was rendered from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobRecord {
    pub(super) template: String,
    pub(super) deps: Vec<Dep>,
    pub(super) files: Vec<String>,
    /// Every link of the page written, for the link check of later builds that keep it.
    pub(super) links: Arc<[String]>,
}

/// What the last applied render made.
#[derive(Debug, Clone, Default)]
pub struct RenderState {
    records: HashMap<Arc<str>, JobRecord>,
    versions: KnownVersions,
    users: HashMap<Dep, HashSet<Arc<str>>>,
    /// How many outputs refer to each extra published file.
    files: HashMap<String, usize>,
}

/// A state in the form it is saved in: records and versions (serialisable).
pub type SavedState<'a> = (Vec<(&'a str, &'a JobRecord)>, HashMap<&'a Dep, u64>);
/// A saved state as read back.
pub type LoadedState = (Vec<(String, JobRecord)>, HashMap<Dep, u64>);

/// Changes to a state made by one render, applied only if the render is kept.
#[derive(Debug, Default)]
pub struct StateUpdate {
    records: Vec<(Arc<str>, Option<JobRecord>)>,
    versions: HashMap<Dep, u64>,
}

impl RenderState {
    /// How many output files the state knows.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// True before the first render.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// This state with `update` applied, in the form it is saved in, without building
    /// the in-memory indexes (a build saves its state once and exits).
    pub fn saved_with<'a>(&'a self, update: &'a StateUpdate) -> SavedState<'a> {
        let mut records: HashMap<&str, &JobRecord> =
            self.records.iter().map(|(o, r)| (&**o, r)).collect();
        for (output, record) in &update.records {
            match record {
                Some(record) => records.insert(output, record),
                None => records.remove(&**output),
            };
        }
        let mut versions: HashMap<&Dep, u64> = HashMap::default();
        for record in records.values() {
            for dep in &record.deps {
                let known = update.versions.get(dep).copied();
                if let Some(v) = known.or_else(|| self.versions.get(dep)) {
                    versions.insert(dep, v);
                }
            }
        }
        let records: Vec<(&str, &JobRecord)> = records.into_iter().collect();
        (records, versions)
    }

    /// A state from what [`RenderState::saved_with`] gave, read back.
    pub fn from_saved((records, versions): LoadedState) -> RenderState {
        let mut state = RenderState {
            versions: versions.into_iter().collect(),
            ..RenderState::default()
        };
        for (output, record) in records {
            let output: Arc<str> = Arc::from(output.as_str());
            for dep in &record.deps {
                state
                    .users
                    .entry(dep.clone())
                    .or_default()
                    .insert(output.clone());
            }
            for file in &record.files {
                *state.files.entry(file.clone()).or_default() += 1;
            }
            state.records.insert(output, record);
        }
        state
    }

    /// The template and links of an output as last rendered.
    pub fn links_of(&self, output: &str) -> Option<(&str, &Arc<[String]>)> {
        self.records
            .get(output)
            .map(|r| (r.template.as_str(), &r.links))
    }

    /// The extra files (image variants) that the output `output` refers to.
    pub fn files_of(&self, output: &str) -> &[String] {
        self.records.get(output).map_or(&[], |r| r.files.as_slice())
    }

    /// The extra files (image variants) that rendered outputs refer to.
    pub fn files(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    /// The outputs of `plan` that must be rendered: new ones, ones with another
    /// template, and ones with a dependency whose version changed (of the per-page
    /// dependencies, those of the pages `touched` since this state was made).
    pub(super) fn dirty(
        &self,
        plan: &[Planned],
        versions: &Versions<'_>,
        touched: &Touched,
    ) -> HashSet<Arc<str>> {
        let changed = self.versions.changed(versions, touched);
        let mut dirty: HashSet<Arc<str>> = HashSet::default();
        for dep in &changed {
            if let Some(users) = self.users.get(dep) {
                dirty.extend(users.iter().cloned());
            }
        }
        for planned in plan {
            match self.records.get(planned.output.as_str()) {
                Some(record) if *record.template == *planned.template => {}
                _ => {
                    dirty.insert(Arc::from(planned.output.as_str()));
                }
            }
        }
        dirty
    }

    /// Outputs the state knows that `plan` no longer has.
    pub(super) fn removed(&self, plan: &[Planned]) -> Vec<String> {
        let planned: HashSet<&str> = plan.iter().map(|p| p.output.as_str()).collect();
        let mut removed: Vec<String> = self
            .records
            .keys()
            .filter(|o| !planned.contains(&***o))
            .map(|o| o.to_string())
            .collect();
        removed.sort();
        removed
    }

    /// Applies the changes of a kept render.
    pub fn apply(&mut self, update: StateUpdate) {
        for (output, record) in update.records {
            if let Some(old) = self.records.remove(&output) {
                for file in old.files {
                    if let Some(count) = self.files.get_mut(&file) {
                        *count -= 1;
                        if *count == 0 {
                            self.files.remove(&file);
                        }
                    }
                }
                for dep in old.deps {
                    if let Some(users) = self.users.get_mut(&dep) {
                        users.remove(&output);
                        if users.is_empty() {
                            self.users.remove(&dep);
                            self.versions.remove(&dep);
                        }
                    }
                }
            }
            if let Some(record) = record {
                for file in &record.files {
                    *self.files.entry(file.clone()).or_default() += 1;
                }
                for dep in &record.deps {
                    self.users
                        .entry(dep.clone())
                        .or_default()
                        .insert(output.clone());
                    if let Some(version) = update.versions.get(dep) {
                        self.versions.insert(dep, *version);
                    }
                }
                self.records.insert(output, record);
            }
        }
        // Dependencies whose version changed without their users being rendered again
        // cannot exist (changed versions make users dirty), so the rest stay valid.
        for (dep, version) in update.versions {
            if self.users.contains_key(&dep) {
                self.versions.insert(&dep, version);
            }
        }
    }
}

impl StateUpdate {
    /// Records that `output` was rendered from `deps` with `template`.
    pub(super) fn rendered(
        &mut self,
        output: &str,
        template: &str,
        recorded: super::deps::Recorded,
        links: Arc<[String]>,
        versions: &mut Versions<'_>,
    ) {
        for dep in &recorded.deps {
            if !self.versions.contains_key(dep) {
                self.versions.insert(dep.clone(), versions.get(dep));
            }
        }
        let record = JobRecord {
            template: template.to_string(),
            deps: recorded.deps,
            files: recorded.files,
            links,
        };
        self.records.push((Arc::from(output), Some(record)));
    }

    /// Records that `output` is gone, or failed and must be rendered next time.
    pub(super) fn forget(&mut self, output: &str) {
        self.records.push((Arc::from(output), None));
    }
}
