//! What every rendered file was made from, kept between renders.
//!
//! Besides each file's dependencies, the state keeps the reverse (which files use a
//! dependency) and the version each dependency had, so that finding what an edit
//! affects costs one version check per distinct dependency, not one per file.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::sync::Arc;

use super::deps::Dep;
use super::jobs::Planned;
use super::known::KnownVersions;
use super::numbered::{Listed, Table};
use super::versions::Versions;
use crate::check::PageLinks;
use crate::site::Touched;

/// What one output file was rendered from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobRecord {
    pub(super) template: String,
    pub(super) deps: Listed<Dep>,
    pub(super) files: Vec<String>,
    /// Every link of the page written, for the link check of later builds that keep it.
    pub(super) links: Listed<String>,
}

/// What the last applied render made.
#[derive(Debug, Clone, Default)]
pub struct RenderState {
    records: HashMap<Arc<str>, JobRecord>,
    versions: KnownVersions,
    /// Which outputs use each dependency; made when first needed (`serve` keeps it up
    /// to date; a build, which reads its state back and looks up a few changed
    /// dependencies once, scans the records instead).
    users: Option<HashMap<Dep, HashSet<Arc<str>>>>,
    /// How many outputs refer to each extra published file.
    files: HashMap<String, usize>,
    /// Every distinct dependency of the records read back, numbered.
    deps: Arc<[Dep]>,
    /// Every distinct link of the records read back, numbered.
    links: Arc<[String]>,
    /// What changed since the base the state was read from (see
    /// `commands::build_state`); `None` for a state not read back.
    since_base: Option<SinceBase>,
}

/// Outputs and dependencies whose records and versions changed since a base.
#[derive(Debug, Clone, Default)]
struct SinceBase {
    outputs: HashSet<Arc<str>>,
    deps: HashSet<Dep>,
}

/// A record as saved: template, dependencies by number, files, links by number.
pub type SavedRecord<'a> = (&'a str, Vec<u32>, &'a [String], Vec<u32>);
/// A state in the form it is saved in (serialisable): records, the table of
/// dependencies with their versions, the table of links.
pub type SavedState<'a> = (
    Vec<(&'a str, SavedRecord<'a>)>,
    Vec<(&'a Dep, Option<u64>)>,
    Vec<&'a String>,
);
/// A record as read back.
type LoadedRecord = (String, Box<[u32]>, Vec<String>, Box<[u32]>);
/// A saved state as read back.
pub type LoadedState = (
    Vec<(String, LoadedRecord)>,
    Vec<(Dep, Option<u64>)>,
    Vec<String>,
);

/// A record saved by value: template, dependencies, files, links.
pub type DeltaRecord<'a> = (&'a str, Vec<&'a Dep>, &'a [String], Vec<&'a String>);
/// What changed in a state since its base, saved by value: records (`None`: gone)
/// and versions.
pub type SavedDelta<'a> = (
    Vec<(&'a str, Option<DeltaRecord<'a>>)>,
    Vec<(&'a Dep, Option<u64>)>,
);
/// A record of a delta read back.
type LoadedDeltaRecord = (String, Vec<Dep>, Vec<String>, Vec<String>);
/// A delta read back.
pub type LoadedDelta = (
    Vec<(String, Option<LoadedDeltaRecord>)>,
    Vec<(Dep, Option<u64>)>,
);

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
        let mut deps = Table::new(&self.deps, records.values().map(|r| &r.deps));
        let mut links = Table::new(&self.links, records.values().map(|r| &r.links));
        let records: Vec<(&str, SavedRecord)> = records
            .into_iter()
            .map(|(output, r)| {
                let (d, l) = (deps.number(&r.deps), links.number(&r.links));
                (output, (&*r.template, d, &*r.files, l))
            })
            .collect();
        let versions = deps
            .items
            .iter()
            .map(|&dep| {
                let known = update.versions.get(dep).copied();
                (dep, known.or_else(|| self.versions.get(dep)))
            })
            .collect();
        (records, versions, links.items)
    }

    /// What changed since the base this state was read from, with `update` applied,
    /// in the form a delta is saved in; `None` when it was not read back or the
    /// changes name an eighth of the records or more (the whole state is saved then).
    pub fn delta_with<'a>(&'a self, update: &'a StateUpdate) -> Option<SavedDelta<'a>> {
        let since = self.since_base.as_ref()?;
        let mut now: HashMap<&str, Option<&JobRecord>> = since
            .outputs
            .iter()
            .map(|output| (&**output, self.records.get(output)))
            .collect();
        for (output, record) in &update.records {
            now.insert(output, record.as_ref());
        }
        if now.len() * crate::cache_file::delta_share() >= self.records.len() {
            return None;
        }
        let records = now
            .into_iter()
            .map(|(output, record)| {
                let by_value = |r: &'a JobRecord| {
                    let deps = r.deps.iter(&self.deps).collect();
                    (
                        &*r.template,
                        deps,
                        &*r.files,
                        r.links.iter(&self.links).collect(),
                    )
                };
                (output, record.map(by_value))
            })
            .collect();
        let mut deps: HashSet<&Dep> = since.deps.iter().collect();
        deps.extend(update.versions.keys());
        let versions = deps
            .into_iter()
            .map(|dep| {
                let known = update.versions.get(dep).copied();
                (dep, known.or_else(|| self.versions.get(dep)))
            })
            .collect();
        Some((records, versions))
    }

    /// A state from what [`RenderState::saved_with`] gave, read back, with the
    /// changes [`RenderState::delta_with`] saved since.
    pub fn from_saved(
        (records, deps, links): LoadedState,
        delta: Option<LoadedDelta>,
    ) -> RenderState {
        let versions = deps
            .iter()
            .filter_map(|(dep, version)| Some((dep.clone(), (*version)?)))
            .collect();
        let mut state = RenderState {
            versions,
            deps: deps.into_iter().map(|(dep, _)| dep).collect(),
            links: links.into(),
            ..RenderState::default()
        };
        for (output, (template, deps, files, links)) in records {
            let record = JobRecord {
                template,
                deps: Listed::Numbered(deps),
                files,
                links: Listed::Numbered(links),
            };
            state.records.insert(Arc::from(output.as_str()), record);
        }
        let mut since = SinceBase::default();
        let (changed, versions) = delta.unwrap_or_default();
        for (output, record) in changed {
            let output: Arc<str> = Arc::from(output.as_str());
            match record {
                Some((template, deps, files, links)) => {
                    let record = JobRecord {
                        template,
                        deps: Listed::Found(deps.into()),
                        files,
                        links: Listed::Found(links.into()),
                    };
                    state.records.insert(output.clone(), record)
                }
                None => state.records.remove(&output),
            };
            since.outputs.insert(output);
        }
        for (dep, version) in versions {
            match version {
                Some(version) => state.versions.insert(&dep, version),
                None => state.versions.remove(&dep),
            }
            since.deps.insert(dep);
        }
        for record in state.records.values() {
            for file in &record.files {
                *state.files.entry(file.clone()).or_default() += 1;
            }
        }
        state.since_base = Some(since);
        state
    }

    /// The template and links of an output as last rendered.
    pub fn links_of(&self, output: &str) -> Option<(&str, Arc<[String]>)> {
        let record = self.records.get(output)?;
        let links = match &record.links {
            Listed::Found(links) => links.clone(),
            numbered => numbered.iter(&self.links).cloned().collect(),
        };
        Some((record.template.as_str(), links))
    }

    /// The links of the HTML pages of this state not in `written` or `removed`: those
    /// a render kept, as they were written.
    pub fn kept_links(&self, written: &[String], removed: &[String]) -> Vec<PageLinks> {
        let skip: HashSet<&str> = written.iter().chain(removed).map(String::as_str).collect();
        let mut kept: Vec<PageLinks> = self
            .records
            .keys()
            .filter(|o| o.ends_with(".html") && !skip.contains(&***o))
            .filter_map(|output| {
                let (template, hrefs) = self.links_of(output)?;
                Some(PageLinks {
                    output: output.to_string(),
                    template: template.to_string(),
                    hrefs,
                })
            })
            .collect();
        kept.sort_by(|a, b| a.output.cmp(&b.output));
        kept
    }

    /// True when no link of the pages read back (as numbered) can lead to a path of
    /// `gone`: every one of them leads to the same place from any page, and none
    /// there. (Links of pages rendered since are checked anyway.)
    pub fn leads_nowhere_into(&self, gone: &[&str], config: &crate::config::Config) -> bool {
        let gone: HashSet<&str> = gone.iter().copied().collect();
        // Records of a delta read back hold their links by value, not in the table.
        let found = self.records.values().filter_map(|r| match &r.links {
            Listed::Found(links) => Some(links.iter()),
            Listed::Numbered(_) => None,
        });
        self.links.iter().chain(found.flatten()).all(
            |href| match crate::check::target_from_anywhere(href, config) {
                Some(Some(path)) => !crate::check::leads_into(&path, &gone),
                Some(None) => true,
                None => false,
            },
        )
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
        match &self.users {
            Some(users) => {
                for dep in &changed {
                    if let Some(users) = users.get(dep) {
                        dirty.extend(users.iter().cloned());
                    }
                }
            }
            None if !changed.is_empty() => {
                let changed: HashSet<&Dep> = changed.iter().collect();
                let numbers: HashSet<u32> = (0..self.deps.len() as u32)
                    .filter(|&n| changed.contains(&self.deps[n as usize]))
                    .collect();
                let users = self.records.iter().filter(|(_, r)| match &r.deps {
                    Listed::Numbered(deps) => deps.iter().any(|n| numbers.contains(n)),
                    Listed::Found(deps) => deps.iter().any(|d| changed.contains(d)),
                });
                dirty.extend(users.map(|(output, _)| output.clone()));
            }
            None => {}
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

    /// Which outputs use each dependency, made from the records the first time.
    fn users_mut(&mut self) -> &mut HashMap<Dep, HashSet<Arc<str>>> {
        let (records, table) = (&self.records, &self.deps);
        self.users.get_or_insert_with(|| {
            let mut users: HashMap<Dep, HashSet<Arc<str>>> = HashMap::default();
            for (output, record) in records {
                for dep in record.deps.iter(table) {
                    users.entry(dep.clone()).or_default().insert(output.clone());
                }
            }
            users
        })
    }

    /// Applies the changes of a kept render.
    pub fn apply(&mut self, update: StateUpdate) {
        self.users_mut();
        let Some(all_users) = self.users.as_mut() else {
            return;
        };
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
                for dep in old.deps.iter(&self.deps) {
                    if let Some(users) = all_users.get_mut(dep) {
                        users.remove(&output);
                        if users.is_empty() {
                            all_users.remove(dep);
                            self.versions.remove(dep);
                        }
                    }
                }
            }
            if let Some(record) = record {
                for file in &record.files {
                    *self.files.entry(file.clone()).or_default() += 1;
                }
                for dep in record.deps.iter(&self.deps) {
                    all_users
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
            if all_users.contains_key(&dep) {
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
            deps: Listed::Found(recorded.deps.into()),
            files: recorded.files,
            links: Listed::Found(links),
        };
        self.records.push((Arc::from(output), Some(record)));
    }

    /// Records that `output` is gone, or failed and must be rendered next time.
    pub(super) fn forget(&mut self, output: &str) {
        self.records.push((Arc::from(output), None));
    }
}
