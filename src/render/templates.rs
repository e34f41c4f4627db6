//! Loading templates once: Herald's built-in ones (feeds, sitemap, robots.txt), then
//! the theme's, then the site's `templates/`, each replacing files of the same name.
//!
//! Also knows which templates each template pulls in (`extends`, `include`, `import`),
//! to refuse include loops before they can recurse forever and to tell which pages a
//! template change affects; and turns Tera's errors into diagnostics that name the
//! template file and line.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::error::Error as _;
use std::path::{Path, PathBuf};

use tera::Tera;

use super::filters;
use crate::error::Diagnostic;
use crate::theme::{NamedFile, Origin, Theme, list_folder};

/// Templates Herald provides when neither the theme nor the site does.
const BUILT_IN: &[(&str, &str)] = &[
    ("atom.xml", include_str!("builtin/atom.xml")),
    ("sitemap.xml", include_str!("builtin/sitemap.xml")),
    ("robots.txt", include_str!("builtin/robots.txt")),
    ("alias.html", include_str!("builtin/alias.html")),
];

/// One template's text and where it came from.
#[derive(Debug, Clone)]
pub struct TemplateSource {
    /// The file, for messages.
    pub path: PathBuf,
    /// The text.
    pub text: String,
}

/// The parsed templates of a site.
#[derive(Clone)]
pub struct Templates {
    tera: Tera,
    sources: BTreeMap<String, TemplateSource>,
    uses: HashMap<String, BTreeSet<String>>,
    versions: HashMap<String, u64>,
}

impl std::fmt::Debug for Templates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Templates")
            .field("names", &self.sources.keys())
            .finish()
    }
}

impl Templates {
    /// Loads and parses every template of the theme and the site.
    pub fn load(root: &Path, theme: &Theme) -> Result<Templates, Vec<Diagnostic>> {
        let (theme_files, mut errors) = theme.files("templates");
        let (site_files, site_errors) = list_folder(&root.join("templates"), root);
        errors.extend(site_errors);
        let mut chosen: BTreeMap<String, NamedFile> = BTreeMap::new();
        for (name, text) in BUILT_IN {
            chosen.insert(
                (*name).into(),
                NamedFile {
                    rel: (*name).into(),
                    origin: Origin::Embedded(name, text.as_bytes()),
                },
            );
        }
        for file in theme_files.into_iter().chain(site_files) {
            chosen.insert(file.rel.clone(), file);
        }
        let mut sources = BTreeMap::new();
        for (name, file) in chosen {
            let path = match &file.origin {
                Origin::Embedded(..) if BUILT_IN.iter().any(|(n, _)| *n == name) => {
                    PathBuf::from(format!("<built-in>/{name}"))
                }
                origin => origin.display_path(),
            };
            match file.origin.read_text() {
                Ok(text) => {
                    sources.insert(name, TemplateSource { path, text });
                }
                Err(d) => errors.push(d),
            }
        }
        Templates::from_sources(sources, errors)
    }

    /// Parses templates from their texts (`name → source`).
    pub fn from_sources(
        sources: BTreeMap<String, TemplateSource>,
        mut errors: Vec<Diagnostic>,
    ) -> Result<Templates, Vec<Diagnostic>> {
        // Parse each on its own first, so that every broken template is reported.
        for (name, source) in &sources {
            if let Err(e) = tera::Template::new(name, None, &source.text) {
                errors.push(parse_error(&e, source));
            }
        }
        let uses = direct_uses(&sources, &mut errors);
        errors.extend(find_cycles(&uses, &sources));
        for source in sources.values() {
            errors.extend(recursion::endless_macros(&source.text, &source.path));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".htm", ".xml"]);
        tera.set_escape_fn(crate::markdown::escape_html);
        filters::register(&mut tera);
        super::shortcodes::register(&mut tera);
        let raw: Vec<(&str, &str)> = sources
            .iter()
            .map(|(n, s)| (n.as_str(), s.text.as_str()))
            .collect();
        if let Err(e) = tera.add_raw_templates(raw) {
            return Err(vec![Diagnostic::error(chain(&e))]);
        }
        let uses = transitive(&uses);
        let versions = uses
            .iter()
            .map(|(name, all)| {
                let texts: Vec<(&str, &str)> = all
                    .iter()
                    .map(|n| (n.as_str(), sources[n].text.as_str()))
                    .collect();
                (name.clone(), crate::hash::of(&texts))
            })
            .collect();
        Ok(Templates {
            tera,
            sources,
            uses,
            versions,
        })
    }

    /// True if a template of this name exists.
    pub fn has(&self, name: &str) -> bool {
        self.sources.contains_key(name)
    }

    /// The names of every template, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.sources.keys().map(String::as_str)
    }

    /// Renders `name` with the parsed templates as loaded (no site functions): for
    /// shortcodes, which render with the Markdown, before the site is built.
    pub fn render_plain(&self, name: &str, context: &tera::Context) -> tera::Result<String> {
        self.tera.render(name, context)
    }

    /// A copy of the parsed templates, to register a build's functions on.
    pub fn instance(&self) -> Tera {
        self.tera.clone()
    }

    /// Every template `name` pulls in, itself included.
    pub fn uses(&self, name: &str) -> Option<&BTreeSet<String>> {
        self.uses.get(name)
    }

    /// A hash of the template and everything it pulls in.
    pub fn version(&self, name: &str) -> Option<u64> {
        self.versions.get(name).copied()
    }

    /// The template's file, for messages.
    pub fn path(&self, name: &str) -> Option<&Path> {
        self.sources.get(name).map(|s| s.path.as_path())
    }

    /// A diagnostic for a render error of `name`, naming the template file and,
    /// where it can be found, the line.
    pub fn render_error(&self, error: &tera::Error, name: &str) -> Diagnostic {
        let messages = messages(error);
        let innermost = messages.last().cloned().unwrap_or_default();
        // The template actually being rendered is named in the innermost message.
        let active =
            quoted_after(&innermost, "while rendering '").unwrap_or_else(|| name.to_string());
        let mut message = innermost.clone();
        if let Some(cut) = message.find(" while rendering '") {
            message.truncate(cut);
        }
        // "Function call 'url' failed" wraps the function's own message; name the call.
        let call = messages
            .iter()
            .rev()
            .skip(1)
            .find_map(|m| quoted_after(m, "call '"));
        if let Some(call) = &call
            && !message.starts_with(&format!("{call}("))
        {
            message = format!("{call}(): {message}");
        }
        let mut diagnostic = Diagnostic::error(format!("template `{active}`: {message}"));
        let needle = quoted_after(&innermost, "Variable `")
            .or_else(|| quoted_after(&innermost, "Function '"))
            .or_else(|| quoted_after(&innermost, "Filter '"))
            .or(call);
        let located = needle
            .as_deref()
            .and_then(|needle| self.find_line(&active, needle));
        match located {
            Some((path, line)) => diagnostic = diagnostic.in_file(path).at_line(line),
            None => {
                if let Some(path) = self.path(&active) {
                    diagnostic = diagnostic.in_file(path);
                }
            }
        }
        if innermost.contains("not found in context") {
            diagnostic = diagnostic.with_help("check the name, or guard it: {% if x is defined %} … {% endif %} or {{ x | default(value=\"\") }}");
        }
        diagnostic
    }

    /// The first line where `needle` is written in `name` or a template it uses.
    /// The first file and line, in the template or what it pulls in, holding `needle`.
    pub(crate) fn find_line(&self, name: &str, needle: &str) -> Option<(PathBuf, usize)> {
        let mut order = vec![name.to_string()];
        if let Some(all) = self.uses.get(name) {
            order.extend(all.iter().filter(|n| *n != name).cloned());
        }
        order.iter().find_map(|n| {
            let source = self.sources.get(n)?;
            let line = source.text.lines().position(|l| l.contains(needle))? + 1;
            Some((source.path.clone(), line))
        })
    }
}

fn parse_error(error: &tera::Error, source: &TemplateSource) -> Diagnostic {
    let all = messages(error).join("\n");
    // Tera's parser reports ` --> line:column`.
    let location = all.split(" --> ").nth(1).and_then(|rest| {
        let spot = rest.split_whitespace().next()?;
        let (line, column) = spot.split_once(':')?;
        Some((line.parse().ok()?, column.parse().ok()?))
    });
    let reason = all
        .lines()
        .rev()
        .find(|l| l.trim_start().starts_with("= "))
        .map(|l| l.trim_start()[2..].to_string());
    let message = match reason {
        Some(reason) => format!("template syntax error: {reason}"),
        None => format!(
            "template syntax error: {}",
            all.lines().next().unwrap_or_default()
        ),
    };
    let diagnostic = Diagnostic::error(message).in_file(&source.path);
    match location {
        Some((line, column)) => diagnostic.at(line, column),
        None => diagnostic,
    }
}

/// The messages of an error and its sources, outermost first.
fn messages(error: &tera::Error) -> Vec<String> {
    let mut out = vec![error.to_string()];
    let mut source = error.source();
    while let Some(e) = source {
        out.push(e.to_string());
        source = e.source();
    }
    out
}

fn chain(error: &tera::Error) -> String {
    messages(error).join(": ")
}

fn quoted_after(text: &str, prefix: &str) -> Option<String> {
    let start = text.find(prefix)? + prefix.len();
    let close = prefix.chars().last()?;
    let len = text[start..].find(close)?;
    Some(text[start..start + len].to_string())
}

/// For each template, the templates it names in `extends`, `include` and `import`.
fn direct_uses(
    sources: &BTreeMap<String, TemplateSource>,
    errors: &mut Vec<Diagnostic>,
) -> HashMap<String, BTreeSet<String>> {
    let mut uses = HashMap::new();
    for (name, source) in sources {
        let mut named = BTreeSet::new();
        for (line, tag) in tags(&source.text) {
            let mut words = tag.split_whitespace();
            let keyword = words.next().unwrap_or_default();
            if !matches!(keyword, "extends" | "include" | "import") {
                continue;
            }
            let optional = tag.contains("ignore missing");
            for target in quoted_strings(tag) {
                if sources.contains_key(&target) {
                    named.insert(target);
                } else if !optional {
                    errors.push(
                        Diagnostic::error(format!(
                            "template `{name}` uses `{target}`, which does not exist"
                        ))
                        .in_file(&source.path)
                        .at_line(line)
                        .with_help("check the name, or add the template to templates/"),
                    );
                }
            }
        }
        uses.insert(name.clone(), named);
    }
    uses
}

/// The `{% … %}` tags of a template with their line numbers, without the delimiters.
fn tags(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut rest = text;
    let mut offset = 0;
    while let Some(start) = rest.find("{%") {
        let Some(len) = rest[start..].find("%}") else {
            break;
        };
        let inner =
            rest[start + 2..start + len].trim_matches(|c: char| c == '-' || c.is_whitespace());
        let line = text[..offset + start].matches('\n').count() + 1;
        out.push((line, inner));
        offset += start + len + 2;
        rest = &rest[start + len + 2..];
    }
    out
}

fn quoted_strings(tag: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = tag.char_indices();
    while let Some((i, c)) = chars.next() {
        if (c == '"' || c == '\'')
            && let Some(len) = tag[i + 1..].find(c)
        {
            out.push(tag[i + 1..i + 1 + len].to_string());
            for _ in 0..=len {
                chars.next();
            }
        }
    }
    out
}

/// Reports every template that pulls itself in, with the path of the loop.
fn find_cycles(
    uses: &HashMap<String, BTreeSet<String>>,
    sources: &BTreeMap<String, TemplateSource>,
) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    let mut reported = BTreeSet::new();
    for start in sources.keys() {
        let mut stack = vec![(start.clone(), vec![start.clone()])];
        let mut seen = BTreeSet::new();
        while let Some((name, path)) = stack.pop() {
            for next in uses.get(&name).into_iter().flatten() {
                if next == start {
                    let mut cycle = path.clone();
                    cycle.push(next.clone());
                    let key: BTreeSet<_> = cycle.iter().cloned().collect();
                    if reported.insert(key.into_iter().collect::<Vec<_>>()) {
                        errors.push(
                            Diagnostic::error(format!(
                                "template `{start}` pulls itself in, which would never end: {}",
                                cycle.join(" → ")
                            ))
                            .in_file(&sources[start].path)
                            .with_help(
                                "remove the include, extends or import that closes the loop",
                            ),
                        );
                    }
                } else if seen.insert(next.clone()) {
                    let mut longer = path.clone();
                    longer.push(next.clone());
                    stack.push((next.clone(), longer));
                }
            }
        }
    }
    errors
}

fn transitive(direct: &HashMap<String, BTreeSet<String>>) -> HashMap<String, BTreeSet<String>> {
    direct
        .keys()
        .map(|name| {
            let mut all = BTreeSet::from([name.clone()]);
            let mut todo = vec![name.clone()];
            while let Some(n) = todo.pop() {
                for next in direct.get(&n).into_iter().flatten() {
                    if all.insert(next.clone()) {
                        todo.push(next.clone());
                    }
                }
            }
            (name.clone(), all)
        })
        .collect()
}

mod recursion;

#[cfg(test)]
mod tests;
