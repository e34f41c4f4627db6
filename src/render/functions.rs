//! Template functions that read the site: `url`, `asset`, `get_page`, `get_section`,
//! `get_topic`, `image`; and `qr_code`, which draws an address as an SVG QR code. They are registered on a per-build copy of the parsed templates, each
//! holding the built site.

use std::collections::HashMap;
use std::sync::Arc;

use tera::{Function, Tera, Value};

use super::deps::{Dep, record};
use super::views::{Detail, Views};
use crate::content::Item;
use crate::site::Site;

/// Registers the site functions on `tera`.
pub fn register(tera: &mut Tera, site: &Arc<Site>) {
    tera.register_function("url", Url(site.clone()));
    tera.register_function("asset", Asset(site.clone()));
    tera.register_function("get_page", GetPage(site.clone()));
    tera.register_function("get_section", GetSection(site.clone()));
    tera.register_function("get_topic", GetTopic(site.clone()));
    tera.register_function("image", ImageFn(site.clone()));
    tera.register_function("qr_code", QrCodeFn);
}

pub(super) fn text_arg<'a>(
    args: &'a HashMap<String, Value>,
    name: &str,
    function: &str,
) -> tera::Result<&'a str> {
    args.get(name)
        .and_then(Value::as_str)
        .ok_or_else(|| tera::Error::msg(format!("{function}() needs `{name}=\"…\"`")))
}

fn to_value<T: serde::Serialize>(value: &T) -> tera::Result<Value> {
    tera::to_value(value).map_err(|e| tera::Error::msg(e.to_string()))
}

/// `url(path="@/articles/x.md")`, `url(path="tags/")`, `url(path=…, absolute=true)`.
struct Url(Arc<Site>);

impl Function for Url {
    fn call(&self, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let path = text_arg(args, "path", "url")?;
        let absolute = args
            .get("absolute")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let views = Views::new(&self.0);
        if path.starts_with("http://")
            || path.starts_with("https://")
            || path.starts_with("mailto:")
        {
            return Ok(Value::String(path.to_string()));
        }
        let href = match path.strip_prefix("@/") {
            Some(rel) => {
                let (rel, anchor) = rel
                    .split_once('#')
                    .map_or((rel, None), |(r, a)| (r, Some(a)));
                let mut href = views
                    .content_url(rel)
                    .map_err(|why| tera::Error::msg(format!("url(path=\"{path}\"): {why}")))?;
                if let Some(anchor) = anchor {
                    href.push('#');
                    href.push_str(anchor);
                }
                href
            }
            None => views.href(path.trim_start_matches('/')),
        };
        if absolute {
            let site_path = href.strip_prefix(&self.0.config.base_path).unwrap_or(&href);
            return Ok(Value::String(self.0.config.permalink(site_path)));
        }
        Ok(Value::String(href))
    }
    fn is_safe(&self) -> bool {
        true
    }
}

/// `asset(path="css/site.css")` → the fingerprinted URL.
struct Asset(Arc<Site>);

impl Function for Asset {
    fn call(&self, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let path = text_arg(args, "path", "asset")?;
        record(Dep::Asset(path.to_string()));
        let views = Views::new(&self.0);
        // An image of assets/ is published only as processed copies: give the largest.
        if let Some(source) = self.0.files.images.get(path.trim_start_matches('/')) {
            record(Dep::File(path.trim_start_matches('/').to_string()));
            let image = self
                .0
                .images
                .responsive(path.trim_start_matches('/'), source, None)
                .map_err(|e| tera::Error::msg(format!("asset(path=\"{path}\"): {e}")))?;
            for (variant, _) in &image.variants {
                super::deps::record_file(variant);
            }
            return Ok(Value::String(views.href(&image.src)));
        }
        let published = self.0.files.asset(path).ok_or_else(|| {
            tera::Error::msg(format!(
                "asset(path=\"{path}\"): there is no {path} in assets/ or in the theme's assets/"
            ))
        })?;
        Ok(Value::String(views.href(published)))
    }
    fn is_safe(&self) -> bool {
        true
    }
}

/// `get_page(path="articles/x.md")` → the page with its content.
struct GetPage(Arc<Site>);

impl Function for GetPage {
    fn call(&self, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let path = text_arg(args, "path", "get_page")?;
        let rel = path.trim_start_matches("@/");
        match self.0.library.by_rel.get(rel) {
            Some(Item::Page(id)) => to_value(&Views::new(&self.0).page(*id, Detail::WithContent)),
            _ => Err(tera::Error::msg(format!(
                "get_page(path=\"{path}\"): {}",
                self.0.why_missing(rel)
            ))),
        }
    }
}

/// `get_section(path="articles/_index.md")`.
struct GetSection(Arc<Site>);

impl Function for GetSection {
    fn call(&self, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let path = text_arg(args, "path", "get_section")?;
        let rel = path.trim_start_matches("@/");
        match self.0.library.by_rel.get(rel) {
            Some(Item::Section(id)) => to_value(&Views::new(&self.0).section(*id)),
            _ => Err(tera::Error::msg(format!(
                "get_section(path=\"{path}\"): no such _index.md in content/"
            ))),
        }
    }
}

/// `get_topic(id="cyber-week-2026", limit=5)` → the topic, with its newest `limit`
/// articles as `pages`.
struct GetTopic(Arc<Site>);

impl Function for GetTopic {
    fn call(&self, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let id = text_arg(args, "id", "get_topic")?;
        let limit = args.get("limit").and_then(Value::as_u64).unwrap_or(0) as usize;
        let library = &self.0.library;
        let index = library
            .topics
            .iter()
            .position(|t| t.id == id)
            .ok_or_else(|| {
                tera::Error::msg(format!(
                    "get_topic(id=\"{id}\"): there is no content/topics/{id}/_index.md"
                ))
            })?;
        let views = Views::new(&self.0);
        let mut value = to_value(&views.topic(index, false))?;
        let pages = &library.topics[index].pages;
        value["pages"] = to_value(&views.cards(&pages[..limit.min(pages.len())]))?;
        Ok(value)
    }
}

/// `image(path="images/a.jpg", widths=[320, 640], crop="400x300", alt="…")` → an
/// image ready for `<img>`: `url`, `width`, `height`, `srcset`, `sizes`, `alt`.
/// `crop` makes a centre-cropped thumbnail of that size (and twice it, for sharp
/// screens); `widths` replaces the configured widths.
struct ImageFn(Arc<Site>);

impl Function for ImageFn {
    fn call(&self, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let path = text_arg(args, "path", "image")?;
        let alt = args.get("alt").and_then(Value::as_str).unwrap_or("");
        let fail = |why: String| tera::Error::msg(format!("image(path=\"{path}\"): {why}"));
        let site = &self.0;
        let located = site.files.locate(path, None).map_err(fail)?;
        record(Dep::File(located.path.clone()));
        let source = located
            .source
            .clone()
            .filter(|_| crate::images::is_processable(&located.path))
            .ok_or_else(|| fail("not a JPEG, PNG or WebP image file".into()))?;
        let crop = match args.get("crop").and_then(Value::as_str) {
            Some(text) => {
                let (w, h) = text.split_once('x').ok_or_else(|| {
                    fail(format!(
                        "crop=\"{text}\" must be WIDTHxHEIGHT, like 400x300"
                    ))
                })?;
                let parse = |n: &str| n.trim().parse::<u32>().ok().filter(|&n| n > 0);
                Some((
                    parse(w).ok_or_else(|| fail(format!("bad crop width `{w}`")))?,
                    parse(h).ok_or_else(|| fail(format!("bad crop height `{h}`")))?,
                ))
            }
            None => None,
        };
        let widths: Option<Vec<u32>> = args.get("widths").and_then(Value::as_array).map(|list| {
            list.iter()
                .filter_map(Value::as_u64)
                .map(|w| w as u32)
                .collect()
        });
        let image = match crop {
            Some((w, h)) => site.images.fill(&located.path, &source, w, h),
            None => site
                .images
                .responsive(&located.path, &source, widths.as_deref()),
        }
        .map_err(fail)?;
        to_value(&Views::new(site).responsive_view(&image, alt, crop.is_some()))
    }
}

/// `qr_code(text=page.permalink, label="…")` → an inline SVG QR code of `text`,
/// `role="img"` with `label` as its name (default: 本页网址二维码). Too long a `text`
/// is an error, which the render names with the page.
struct QrCodeFn;

impl Function for QrCodeFn {
    fn call(&self, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let text = text_arg(args, "text", "qr_code")?;
        let label = args
            .get("label")
            .and_then(Value::as_str)
            .unwrap_or("本页网址二维码");
        super::qr::svg(text, label)
            .map(Value::String)
            .map_err(|why| {
                tera::Error::msg(format!(
                    "qr_code(): {why}; use a shorter `base_url` or `slug`"
                ))
            })
    }
    fn is_safe(&self) -> bool {
        true
    }
}
