//! Macros that call themselves on every call.
//!
//! Tera has no limit on macro recursion: a macro that always calls itself overflows
//! the stack, which aborts the whole process (Keats/tera#770). A recursive call
//! outside any `{% if %}` or `{% for %}` can never stop, so it is refused before
//! rendering, like an include loop. (Recursion under a condition, such as the table
//! of contents walking nested headings, is the normal use and is left alone.)

use std::path::Path;

use crate::error::{Diagnostic, LineIndex};

/// Errors for every unconditional `self::name(…)` call inside macro `name` of `text`.
pub(super) fn endless_macros(text: &str, file: &Path) -> Vec<Diagnostic> {
    let lines = LineIndex::new(text);
    let mut errors = Vec::new();
    let mut current: Option<String> = None;
    let mut depth = 0usize;
    let mut rest = text;
    let mut offset = 0;
    while let Some(open) = rest.find('{') {
        let after = &rest[open..];
        let (close, is_tag) = if after.starts_with("{%") {
            ("%}", true)
        } else if after.starts_with("{{") {
            ("}}", false)
        } else if after.starts_with("{#") {
            ("#}", false)
        } else {
            offset += open + 1;
            rest = &rest[open + 1..];
            continue;
        };
        let Some(end) = after.find(close) else { break };
        let inner = after[2..end].trim_matches(|c: char| c == '-' || c.is_whitespace());
        let at = offset + open;
        if after.starts_with("{#") {
            // A comment: nothing in it runs.
        } else if is_tag {
            let word = inner.split_whitespace().next().unwrap_or("");
            match word {
                "macro" => {
                    let name = inner["macro".len()..].trim_start();
                    let name = name.split(['(', ' ']).next().unwrap_or("");
                    current = Some(name.to_string());
                    depth = 0;
                }
                "endmacro" => current = None,
                "if" | "for" => depth += 1,
                "endif" | "endfor" => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        if let Some(name) = &current
            && depth == 0
            && !after.starts_with("{#")
            && inner.contains(&format!("self::{name}("))
        {
            errors.push(
                Diagnostic::error(format!(
                    "macro `{name}` calls itself every time it runs, which would never end"
                ))
                .in_file(file)
                .at_line(lines.line(at))
                .with_help("call it again only inside an {% if %} that becomes false, or a {% for %} over a smaller list"),
            );
        }
        offset += open + end + close.len();
        rest = &after[end + close.len()..];
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str) -> Vec<Option<usize>> {
        endless_macros(text, Path::new("macros.html"))
            .iter()
            .map(|d| d.line)
            .collect()
    }

    #[test]
    fn unconditional_self_call_is_refused() {
        assert_eq!(
            check("{% macro a(n) %}\n{{ self::a(n=n+1) }}\n{% endmacro a %}"),
            [Some(2)]
        );
        assert_eq!(
            check("{%- macro b() -%}{% set x = self::b() %}{%- endmacro -%}"),
            [Some(1)]
        );
    }

    #[test]
    fn conditional_recursion_and_comments_are_fine() {
        let toc = "{% macro toc(entries) -%}<ol>{%- for h in entries %}<li>{% if h.children %}{{ self::toc(entries=h.children) }}{% endif %}</li>{%- endfor %}</ol>{%- endmacro toc %}";
        assert!(check(toc).is_empty());
        assert!(check("{% macro a() %}{# self::a() #}{% endmacro %}{{ self::a() }}").is_empty());
        assert!(check("{% macro a() %}{{ self::b() }}{% endmacro %}").is_empty());
    }
}
