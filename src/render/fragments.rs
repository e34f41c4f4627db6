//! `partial_cached(name=…, …)`: a template part rendered once per build for each set
//! of arguments, as Hugo's `partialCached` does.
//!
//! Much of every page is the same on every page: the masthead, the menu, the footer.
//! The first page that asks for a part renders it with `config`, `data` and the
//! call's other arguments as its whole context; every later page asking with the
//! same arguments gets the same HTML. The arguments are the cache key, so a part
//! that differs between pages takes what it differs by as an argument (the default
//! theme's header takes `menu_current`, the menu entry to mark).
//!
//! What the part read while it rendered (its dependencies and the files it refers
//! to) is recorded again into every page that uses it, so an incremental build
//! re-renders exactly the pages that show a changed part.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, OnceLock, Weak};

use tera::{Context, Function, Tera, Value};

use super::deps::{self, Dep, Recorded};

/// The Tera instance parts render with: the build's own, set once it is complete
/// (it holds this function, so the function can only hold it weakly).
pub type Renderer = Arc<OnceLock<Weak<Tera>>>;

/// A rendered part and what it was made from.
struct Part {
    html: Value,
    recorded: Recorded,
}

/// The `partial_cached` function of one build.
pub struct PartialCached {
    renderer: Renderer,
    globals: Context,
    parts: Mutex<HashMap<String, Arc<Part>>>,
}

thread_local! {
    /// The parts rendering on this thread, innermost last: a part that asks for
    /// itself would never end.
    static RENDERING: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

impl PartialCached {
    /// The function for a build whose templates get `globals` (`config`, `data`),
    /// and the handle to give the finished Tera instance to.
    pub fn new(globals: Context) -> (PartialCached, Renderer) {
        let renderer = Renderer::default();
        let function = PartialCached {
            renderer: renderer.clone(),
            globals,
            parts: Mutex::default(),
        };
        (function, renderer)
    }

    /// Renders `name` with the globals and `args`, recording what it reads.
    fn render(&self, name: &str, args: &BTreeMap<&String, &Value>) -> tera::Result<Part> {
        let tera = self
            .renderer
            .get()
            .and_then(Weak::upgrade)
            .ok_or_else(|| tera::Error::msg("partial_cached() is not available here"))?;
        let nested = RENDERING.with(|r| r.borrow().iter().any(|n| n == name));
        if nested {
            return Err(tera::Error::msg(format!(
                "partial_cached(): `{name}` asks for itself, which would never end"
            )));
        }
        let mut context = self.globals.clone();
        for (key, value) in args {
            context.insert(key.as_str(), value);
        }
        RENDERING.with(|r| r.borrow_mut().push(name.to_string()));
        let (html, recorded) = deps::collect(|| {
            deps::record(Dep::Template(name.to_string()));
            tera.render(name, &context)
        });
        RENDERING.with(|r| r.borrow_mut().pop());
        let html = html.map_err(|e| {
            tera::Error::chain(format!("partial_cached(): rendering `{name}` failed"), e)
        })?;
        Ok(Part {
            html: Value::String(html),
            recorded,
        })
    }
}

impl Function for PartialCached {
    fn call(&self, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let name = super::functions::text_arg(args, "name", "partial_cached")?;
        let others: BTreeMap<&String, &Value> = args.iter().filter(|(k, _)| *k != "name").collect();
        let key = format!(
            "{name}\n{}",
            serde_json::to_string(&others).unwrap_or_default()
        );
        let cached = self.parts.lock().ok().and_then(|p| p.get(&key).cloned());
        let part = match cached {
            Some(part) => part,
            None => {
                // Rendered outside the lock: two pages may both render a new part,
                // which comes out the same either way.
                let part = Arc::new(self.render(name, &others)?);
                if let Ok(mut parts) = self.parts.lock() {
                    parts.entry(key).or_insert_with(|| part.clone());
                }
                part
            }
        };
        for dep in &part.recorded.deps {
            deps::record(dep.clone());
        }
        for file in &part.recorded.files {
            deps::record_file(file);
        }
        Ok(part.html.clone())
    }

    fn is_safe(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A Tera instance with `partial_cached` over `templates`, as a build makes it.
    fn with_parts(templates: &[(&str, &str)], site_title: &str) -> Arc<Tera> {
        let mut tera = Tera::default();
        tera.add_raw_templates(templates.to_vec()).unwrap();
        // `renders()` counts the renders of the parts that call it.
        static RENDERS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        tera.register_function("renders", |_: &HashMap<String, Value>| {
            let n = RENDERS.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            Ok(Value::from(n))
        });
        let mut globals = Context::new();
        globals.insert("config", &serde_json::json!({ "title": site_title }));
        let (function, renderer) = PartialCached::new(globals);
        tera.register_function("partial_cached", function);
        let tera = Arc::new(tera);
        renderer.set(Arc::downgrade(&tera)).unwrap();
        tera
    }

    fn render(tera: &Tera, name: &str, page: &str) -> (String, Recorded) {
        let mut ctx = Context::new();
        ctx.insert("page", page);
        let (html, recorded) = deps::collect(|| tera.render(name, &ctx));
        (html.unwrap(), recorded)
    }

    #[test]
    fn renders_a_part_once_per_arguments_and_records_it_in_every_page() {
        let tera = with_parts(
            &[
                (
                    "page.html",
                    r#"{{ partial_cached(name="head.html", n=1) }}|{{ page }}|{{ partial_cached(name="head.html", n=2) }}"#,
                ),
                // `page` is not in a part's context: only config, data and arguments.
                (
                    "head.html",
                    r#"<b>{{ config.title }} {{ n }}</b>{% if page is defined %}leak{% endif %}{% set r = renders() %}"#,
                ),
            ],
            "网信办",
        );
        let (first, recorded) = render(&tera, "page.html", "一");
        let (second, again) = render(&tera, "page.html", "二");
        assert_eq!(first, "<b>网信办 1</b>|一|<b>网信办 2</b>");
        assert_eq!(second, "<b>网信办 1</b>|二|<b>网信办 2</b>");
        let part = Dep::Template("head.html".into());
        assert_eq!(recorded.deps, std::slice::from_ref(&part));
        assert_eq!(again.deps, [part], "a cached part is recorded again");
        let renders = r#"{{ partial_cached(name="count.html", n=1) }}"#;
        let counting = with_parts(
            &[("p.html", renders), ("count.html", "{{ renders() }}")],
            "t",
        );
        let counts: Vec<String> = (0..3).map(|_| render(&counting, "p.html", "x").0).collect();
        assert_eq!(
            counts[0], counts[2],
            "rendered once, however many pages ask"
        );
    }

    #[test]
    fn a_part_asking_for_itself_is_an_error_not_a_stack_overflow() {
        let tera = with_parts(
            &[
                ("page.html", r#"{{ partial_cached(name="loop.html") }}"#),
                ("loop.html", r#"x{{ partial_cached(name="loop.html") }}"#),
            ],
            "t",
        );
        let err = tera.render("page.html", &Context::new()).unwrap_err();
        let mut messages = Vec::new();
        let mut source: Option<&dyn std::error::Error> = Some(&err);
        while let Some(e) = source {
            messages.push(e.to_string());
            source = e.source();
        }
        let all = messages.join(" / ");
        assert!(all.contains("`loop.html` asks for itself"), "{all}");
    }
}
