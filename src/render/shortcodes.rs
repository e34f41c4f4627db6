//! Rendering one shortcode template (`templates/shortcodes/NAME.html`), and what such a
//! template can call besides Tera's own functions: `warn(message=…)`.
//!
//! Shortcodes render with the Markdown, before the site's pages, so their templates
//! get the call's arguments, `body`, `nth` and `files` (see `site::shortcodes`) but
//! not the page functions (`url`, `get_page`, …) that need the whole site built.
//! A variable the template uses without a default is a required argument: leaving it
//! out is an error naming the argument.

use std::cell::RefCell;
use std::collections::HashMap;
use std::error::Error as _;

use tera::{Context, Tera, Value};

use super::templates::Templates;
use crate::markdown::ShortcodeError;

thread_local! {
    /// Warnings raised by the shortcode rendering on this thread.
    static WARNINGS: RefCell<Option<Vec<String>>> = const { RefCell::new(None) };
}

/// Registers `warn(message="…")`: in a shortcode template, a warning on the call's
/// line (in other templates it does nothing). It writes nothing into the page.
pub fn register(tera: &mut Tera) {
    tera.register_function("warn", |args: &HashMap<String, Value>| {
        let message = args
            .get("message")
            .and_then(Value::as_str)
            .ok_or_else(|| tera::Error::msg("warn() needs `message=\"…\"`"))?;
        WARNINGS.with(|w| {
            if let Some(list) = w.borrow_mut().as_mut() {
                list.push(message.to_string());
            }
        });
        Ok(Value::String(String::new()))
    });
}

/// The template file of shortcode `name`.
pub fn template_name(name: &str) -> String {
    format!("shortcodes/{name}.html")
}

/// The shortcodes a site has, by name.
pub fn known(templates: &Templates) -> Vec<&str> {
    templates
        .names()
        .filter_map(|n| n.strip_prefix("shortcodes/")?.strip_suffix(".html"))
        .collect()
}

/// Renders shortcode `name` with `context`: its HTML and the warnings it raised.
pub fn render(
    templates: &Templates,
    name: &str,
    context: &Context,
) -> Result<(String, Vec<String>), ShortcodeError> {
    let template = template_name(name);
    let outer = WARNINGS.with(|w| w.borrow_mut().replace(Vec::new()));
    let result = templates.render_plain(&template, context);
    let warnings = WARNINGS.with(|w| std::mem::replace(&mut *w.borrow_mut(), outer));
    match result {
        Ok(html) => Ok((html, warnings.unwrap_or_default())),
        Err(e) => Err(explain(templates, &e, name, &template)),
    }
}

/// Turns a template error into what the editor of the article needs to know.
fn explain(
    templates: &Templates,
    error: &tera::Error,
    name: &str,
    template: &str,
) -> ShortcodeError {
    let mut messages = vec![error.to_string()];
    let mut source = error.source();
    while let Some(e) = source {
        messages.push(e.to_string());
        source = e.source();
    }
    let innermost = messages.last().cloned().unwrap_or_default();
    if let Some(var) = between(&innermost, "Variable `", "` not found in context") {
        // `files.src` is there when `src` names a file: the argument is what is missing.
        let arg = var.strip_prefix("files.").unwrap_or(&var);
        let arg = arg.split(['.', '[']).next().unwrap_or(arg).to_string();
        return ShortcodeError {
            message: format!("the argument `{arg}` is required"),
            help: Some(format!("add it to the call: {{{{ {name}({arg}=\"…\") }}}}")),
            arg: None,
        };
    }
    if messages
        .iter()
        .any(|m| m.contains("Function call 'throw' failed"))
    {
        return ShortcodeError {
            message: innermost,
            help: Some(format!("see the arguments `{name}` takes in the README")),
            arg: None,
        };
    }
    let diagnostic = templates.render_error(error, template);
    let place = diagnostic
        .file
        .as_ref()
        .map(|f| match diagnostic.line {
            Some(line) => format!(" ({}:{line})", f.display()),
            None => format!(" ({})", f.display()),
        })
        .unwrap_or_default();
    ShortcodeError {
        message: format!("{}{place}", diagnostic.message),
        help: Some(format!("fix templates/{template}, or the call's arguments")),
        arg: None,
    }
}

fn between(text: &str, open: &str, close: &str) -> Option<String> {
    let start = text.find(open)? + open.len();
    let len = text[start..].find(close)?;
    Some(text[start..start + len].to_string())
}
