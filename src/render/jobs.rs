//! The list of files a build writes: one [`Job`] per output file, with its path and
//! template. Planning checks that no two jobs share a path and that every path stays
//! inside the output folder.

use std::collections::BTreeMap;
use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHashSet};

use super::pagination::{page_count, pager_path};
use crate::content::{PageId, SectionId, SectionKind};
use crate::error::Diagnostic;
use crate::output::check_output_path;
use crate::site::Site;

/// One output file to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Job {
    /// A page.
    Page(PageId),
    /// The landing page.
    Landing,
    /// A plain section listing its pages.
    Section(SectionId),
    /// Page `n` (1-based) of the article archive.
    Archive(usize),
    /// Page `n` of the archive of one year (index into the library's years).
    Year(usize, usize),
    /// The list of tags.
    TagsIndex,
    /// Page `n` of one tag.
    Tag(usize, usize),
    /// The list of topics.
    TopicsIndex,
    /// Page `n` of one topic.
    Topic(usize, usize),
    /// One topic's Atom feed.
    TopicFeed(usize),
    /// `/security-week/`: the current year.
    CurrentWeek,
    /// One year of the security-awareness week.
    Week(SectionId),
    /// The knowledge quiz of one year of the week.
    Quiz(SectionId),
    /// The site's Atom feed.
    SiteFeed,
    /// `sitemap.xml`.
    Sitemap,
    /// `robots.txt`.
    Robots,
    /// `404.html`.
    NotFound,
    /// The search page.
    Search,
    /// The HTML site map (网站地图) at `/sitemap/`, when the theme has `sitemap.html`.
    SiteMapPage,
    /// The redirect page at one of a page's `aliases:` (index into them).
    Alias(PageId, usize),
}

/// A job with where it writes and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    /// What to render.
    pub job: Job,
    /// The site path of an HTML page (`articles/x/`), or the file path of others.
    pub path: String,
    /// The file to write, relative to the output folder.
    pub output: String,
    /// The template to render with (shared: most jobs use one of a few).
    pub template: Arc<str>,
}

impl Planned {
    /// True for pages readers browse (listed in the sitemap).
    pub fn is_html_page(&self) -> bool {
        self.output.ends_with("index.html") && !matches!(self.job, Job::NotFound | Job::Alias(..))
    }
}

/// A site's plan: every output file, and the problems planning found.
pub type Plan = (Arc<Vec<Planned>>, Vec<Diagnostic>);

/// Plans every output file of the site, once for each state of it (a build asks
/// twice, `serve` after every save; `Site::apply` forgets the plan when a change may
/// alter it).
pub fn plan(site: &Site) -> Plan {
    let mut memo = site.plan_memo.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(plan) = memo.as_ref() {
        return plan.clone();
    }
    let t = crate::timing::phase("render: plan: jobs");
    let mut planned = plan_unchecked(site);
    drop(t);
    let _t = crate::timing::phase("render: plan: check");
    let errors = check_plan(site, &mut planned);
    let plan = (Arc::new(planned), errors);
    *memo = Some(plan.clone());
    plan
}

/// Every output file the site would have if each job could be rendered: links to a
/// page that failed are not broken links of their own (its error says enough).
pub fn intended_outputs(site: &Site) -> impl Iterator<Item = String> {
    plan_unchecked(site).into_iter().map(|p| p.output)
}

fn plan_unchecked(site: &Site) -> Vec<Planned> {
    let mut jobs: PageJobs = Vec::with_capacity(site.library.pages.len() + 64);
    page_jobs(site, &mut jobs);
    archive_jobs(site, &mut jobs);
    taxonomy_jobs(site, &mut jobs);
    week_jobs(site, &mut jobs);
    section_jobs(site, &mut jobs);
    let mut planned: Vec<Planned> = jobs
        .into_iter()
        .map(|(job, path, template)| {
            let mut output = String::with_capacity(path.len() + 10);
            output.push_str(&path);
            output.push_str("index.html");
            Planned {
                job,
                path,
                output,
                template,
            }
        })
        .collect();
    file_jobs(site, &mut planned);
    planned
}

/// Jobs of pages written as `<path>index.html`: job, path, template.
type PageJobs = Vec<(Job, String, Arc<str>)>;

/// The template an item names, or `default`.
fn named(template: &Option<String>, default: &Arc<str>) -> Arc<str> {
    match template {
        Some(name) => Arc::from(name.as_str()),
        None => default.clone(),
    }
}

/// The template of the section of `kind`, or `default`.
fn section_template(site: &Site, kind: &SectionKind, default: &str) -> Arc<str> {
    let lib = &site.library;
    match lib.section_of(kind) {
        Some(id) => named(&lib.sections[id].meta.template, &Arc::from(default)),
        None => Arc::from(default),
    }
}

/// Whether the theme has the template `name`.
fn has(site: &Site, name: &str) -> bool {
    site.templates.as_ref().is_some_and(|t| t.has(name))
}

/// Every page, and the landing page.
fn page_jobs(site: &Site, jobs: &mut PageJobs) {
    let page_html: Arc<str> = Arc::from("page.html");
    for (id, page) in site.library.pages.iter().enumerate() {
        let template = named(&page.meta.template, &page_html);
        jobs.push((Job::Page(id), page.path.clone(), template));
    }
    let template = section_template(site, &SectionKind::Landing, "index.html");
    jobs.push((Job::Landing, String::new(), template));
}

/// The pages of the archive and of each year of it.
fn archive_jobs(site: &Site, jobs: &mut PageJobs) {
    let lib = &site.library;
    let per_page = lib
        .section_of(&SectionKind::Archive)
        .and_then(|id| lib.sections[id].meta.paginate)
        .unwrap_or(site.config.paginate);
    let template = section_template(site, &SectionKind::Archive, "archive.html");
    for n in 1..=page_count(lib.archive.len(), per_page) {
        jobs.push((
            Job::Archive(n),
            pager_path("articles/", n),
            template.clone(),
        ));
    }
    for (y, year) in lib.years.iter().enumerate() {
        let base = format!("articles/{}/", year.year);
        for n in 1..=page_count(year.pages.len(), per_page) {
            jobs.push((Job::Year(y, n), pager_path(&base, n), template.clone()));
        }
    }
}

/// The lists of tags and topics, and the pages of each.
fn taxonomy_jobs(site: &Site, jobs: &mut PageJobs) {
    let lib = &site.library;
    let per_page = site.config.paginate;
    // The lists of tags and topics exist even while empty when the theme has their
    // templates: menus and the search page link to them.
    if !lib.tags.is_empty() || has(site, "tags.html") {
        jobs.push((Job::TagsIndex, "tags/".into(), "tags.html".into()));
    }
    let tag_html: Arc<str> = Arc::from("tag.html");
    for (t, tag) in lib.tags.iter().enumerate() {
        let base = format!("tags/{}/", tag.slug);
        for n in 1..=page_count(tag.pages.len(), per_page) {
            jobs.push((Job::Tag(t, n), pager_path(&base, n), tag_html.clone()));
        }
    }
    let topics_template = section_template(site, &SectionKind::TopicsIndex, "topics.html");
    if !lib.topics.is_empty() || has(site, &topics_template) {
        jobs.push((Job::TopicsIndex, "topics/".into(), topics_template));
    }
    let topic_html: Arc<str> = Arc::from("topic.html");
    for (t, topic) in lib.topics.iter().enumerate() {
        let section = &lib.sections[topic.section];
        let template = named(&section.meta.template, &topic_html);
        let paginate = section.meta.paginate.unwrap_or(per_page);
        for n in 1..=page_count(topic.pages.len(), paginate) {
            let path = pager_path(&section.path, n);
            jobs.push((Job::Topic(t, n), path, template.clone()));
        }
    }
}

/// This year's security week, each year's, and their quizzes.
fn week_jobs(site: &Site, jobs: &mut PageJobs) {
    let lib = &site.library;
    if super::week::current(site).is_some() {
        let template = "security_week.html".into();
        jobs.push((Job::CurrentWeek, "security-week/".into(), template));
    }
    let week_html: Arc<str> = Arc::from("security_week.html");
    for &id in lib.weeks.iter().filter(|id| site.weeks.contains_key(id)) {
        let section = &lib.sections[id];
        let template = named(&section.meta.template, &week_html);
        jobs.push((Job::Week(id), section.path.clone(), template));
        if super::week::quiz(site, id).is_some() {
            let path = format!("{}quiz/", section.path);
            jobs.push((Job::Quiz(id), path, "quiz.html".into()));
        }
    }
}

/// Plain sections, the search page and the site map page.
fn section_jobs(site: &Site, jobs: &mut PageJobs) {
    let section_html: Arc<str> = Arc::from("section.html");
    for (id, section) in site.library.sections.iter().enumerate() {
        if section.kind == SectionKind::Plain {
            let template = named(&section.meta.template, &section_html);
            jobs.push((Job::Section(id), section.path.clone(), template));
        }
    }
    if site.config.search.enabled {
        jobs.push((Job::Search, "search/".into(), "search.html".into()));
    }
    if has(site, "sitemap.html") {
        jobs.push((Job::SiteMapPage, "sitemap/".into(), "sitemap.html".into()));
    }
}

/// The files that are not `index.html` pages: 404, feeds, sitemap, robots, aliases.
fn file_jobs(site: &Site, planned: &mut Vec<Planned>) {
    let lib = &site.library;
    for (job, file, template) in [
        (Job::NotFound, "404.html", "404.html"),
        (Job::SiteFeed, "atom.xml", "atom.xml"),
        (Job::Sitemap, "sitemap.xml", "sitemap.xml"),
        (Job::Robots, "robots.txt", "robots.txt"),
    ] {
        planned.push(Planned {
            job,
            path: file.into(),
            output: file.into(),
            template: template.into(),
        });
    }
    // Last, so that a page and an alias on one URL blame the alias.
    let alias_html: Arc<str> = Arc::from("alias.html");
    for (id, page) in lib.pages.iter().enumerate() {
        for (n, alias) in page.meta.aliases.iter().enumerate() {
            planned.push(Planned {
                job: Job::Alias(id, n),
                path: alias.clone(),
                output: crate::aliases::output_of(alias),
                template: alias_html.clone(),
            });
        }
    }
    for (t, topic) in lib.topics.iter().enumerate() {
        let file = format!("{}atom.xml", lib.sections[topic.section].path);
        planned.push(Planned {
            job: Job::TopicFeed(t),
            path: file.clone(),
            output: file,
            template: "atom.xml".into(),
        });
    }
}

/// Drops jobs with an unsafe or taken path and jobs whose template is missing,
/// reporting each.
fn check_plan(site: &Site, planned: &mut Vec<Planned>) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    let mut missing_templates: BTreeMap<String, Vec<Job>> = BTreeMap::new();
    // Decided first with the outputs borrowed, then dropped: no output is copied.
    let mut keep = vec![false; planned.len()];
    let mut owners: FxHashMap<&str, Job> =
        FxHashMap::with_capacity_and_hasher(planned.len(), Default::default());
    for (p, keep) in planned.iter().zip(&mut keep) {
        if let Err(why) = check_output_path(&p.output) {
            errors.push(
                owner_error(site, p.job, why)
                    .with_help("give the page a shorter `slug:` or file name"),
            );
            continue;
        }
        if let Some(first) = owners.get(p.output.as_str()) {
            let message = format!(
                "two pages would be written to /{}: {} and {}",
                p.path,
                describe(site, *first),
                describe(site, p.job)
            );
            // Point at a written `slug:` when one of the two has it: that is the usual cause.
            let blame = if slug_line(site, p.job).is_none() && slug_line(site, *first).is_some() {
                *first
            } else {
                p.job
            };
            let help = if matches!(p.job, Job::Alias(..)) || matches!(first, Job::Alias(..)) {
                "an alias may not take the URL of a page or of another alias: change or remove that `aliases:` entry"
            } else {
                "give one of them another `slug` or file name"
            };
            errors.push(owner_error(site, blame, message).with_help(help));
            continue;
        }
        if let Some(published) = site.files.published.get(&p.output) {
            let message = format!(
                "{} is also a file to publish ({}): the two would collide",
                p.output,
                published.from.display()
            );
            errors.push(owner_error(site, p.job, message).with_help("rename the file or the page"));
            continue;
        }
        owners.insert(&p.output, p.job);
        if site.templates.as_ref().is_some_and(|t| !t.has(&p.template)) {
            missing_templates
                .entry(p.template.to_string())
                .or_default()
                .push(p.job);
            continue;
        }
        *keep = true;
    }
    let nested = nested_outputs(site, &owners, &mut errors);
    drop(owners);
    for (p, keep) in planned.iter().zip(&mut keep) {
        if nested.contains(p.output.as_str()) {
            *keep = false;
        }
    }
    let mut keep = keep.into_iter();
    planned.retain(|_| keep.next().unwrap_or(false));
    for (name, jobs) in missing_templates {
        let message = format!(
            "template `{name}` not found in templates/ or the theme `{}`",
            site.config.theme
        );
        let help = format!(
            "add templates/{name}, or set `template:` in the front matter to one that exists"
        );
        // A template named in front matter is the editor's to fix: point at that line.
        let mut named_by_theme = false;
        for job in jobs {
            match written_template(site, job) {
                Some((file, line)) if line.is_some() => errors.push(
                    Diagnostic::error(message.clone())
                        .in_file(file)
                        .at_opt(line, None)
                        .with_help(help.clone()),
                ),
                _ => named_by_theme = true,
            }
        }
        if named_by_theme {
            errors.push(Diagnostic::error(message).with_help(help));
        }
    }
    errors
}

/// Pages that would be written inside a folder that is another page's file
/// (`slug: index.html` puts a page at `articles/index.html/index.html`, while the
/// archive writes `articles/index.html`): the file system cannot hold both.
/// Returns those outputs, and reports each at its page.
fn nested_outputs<'a>(
    site: &Site,
    owners: &FxHashMap<&'a str, Job>,
    errors: &mut Vec<Diagnostic>,
) -> FxHashSet<&'a str> {
    let mut nested = FxHashSet::default();
    let mut found = Vec::new();
    for (&output, &job) in owners {
        let mut folder = output;
        while let Some((parent, _)) = folder.rsplit_once('/') {
            folder = parent;
            if let Some(&other) = owners.get(folder) {
                let message = format!(
                    "/{output} would be written inside /{folder}, which is the file of {}",
                    describe(site, other)
                );
                found.push(
                    owner_error(site, job, message)
                        .with_help("choose another `slug` or file name: this one names a file the site already writes"),
                );
                nested.insert(output);
                break;
            }
        }
    }
    // The map's order is not the site's: sort, so the report is the same every time.
    found.sort_by(|a, b| (&a.file, a.line, &a.message).cmp(&(&b.file, b.line, &b.message)));
    errors.extend(found);
    nested
}

/// The file and line where a page or section names its own template.
fn written_template(site: &Site, job: Job) -> Option<(&std::path::Path, Option<usize>)> {
    let lib = &site.library;
    match job {
        Job::Page(id) => {
            let page = &lib.pages[id];
            Some((page.file.path.as_path(), page.key_line("template")))
        }
        Job::Section(id) | Job::Week(id) => {
            let section = &lib.sections[id];
            Some((section.file.path.as_path(), section.key_line("template")))
        }
        _ => None,
    }
}

/// What a job renders, in words, for messages.
fn describe(site: &Site, job: Job) -> String {
    let lib = &site.library;
    match job {
        Job::Page(id) => format!("content/{}", lib.pages[id].file.rel),
        Job::Section(id) | Job::Week(id) => format!("content/{}", lib.sections[id].file.rel),
        Job::Quiz(id) => format!("the quiz of content/{}", lib.sections[id].file.rel),
        Job::Archive(n) => format!("the archive's page {n}"),
        Job::Year(y, n) => format!("the {} archive's page {n}", lib.years[y].year),
        Job::Tag(t, n) => format!("the tag `{}`'s page {n}", lib.tags[t].name),
        Job::Topic(t, n) => format!("the topic `{}`'s page {n}", lib.topics[t].id),
        Job::Alias(id, n) => format!(
            "the alias `/{}` in content/{}",
            lib.pages[id].meta.aliases[n], lib.pages[id].file.rel
        ),
        other => format!("Herald's {other:?} page"),
    }
}

fn slug_line(site: &Site, job: Job) -> Option<usize> {
    match job {
        Job::Page(id) => site.library.pages[id].key_line("slug"),
        Job::Alias(id, _) => site.library.pages[id].key_line("aliases"),
        _ => None,
    }
}

fn owner_error(site: &Site, job: Job, message: String) -> Diagnostic {
    let lib = &site.library;
    let mut d = Diagnostic::error(message);
    match job {
        Job::Page(id) => {
            let page = &lib.pages[id];
            d = d.in_file(&page.file.path);
            d.line = page.key_line("slug");
        }
        Job::Alias(id, _) => {
            let page = &lib.pages[id];
            d = d.in_file(&page.file.path);
            d.line = page.key_line("aliases");
        }
        Job::Section(id) | Job::Week(id) | Job::Quiz(id) => {
            d = d.in_file(&lib.sections[id].file.path)
        }
        _ => {}
    }
    d
}
