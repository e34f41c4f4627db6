//! What `serve` adds for the inspection rules: `/__herald/inspect`, the HTML report of
//! the site as it is now (made again on the first request after each rebuild), and a
//! banner over articles that lack their final sign-off (三审三校). Both exist only in
//! `serve`: `build` output never has them.

use std::collections::HashSet;
use std::sync::Arc;

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use tokio::sync::Mutex;

use super::http::App;
use crate::inspect::review;
use crate::site::{LoadOptions, Site};

/// Where the report is served.
pub const REPORT_PATH: &str = "/__herald/inspect";

/// The report's inputs and the last one made.
#[derive(Debug)]
pub struct Reports {
    /// How to load the site: its own `base_url`, so the report reads as on the live site.
    pub options: LoadOptions,
    /// (store generation, HTML) of the last report.
    cached: Mutex<Option<(u64, Arc<String>)>>,
}

impl Reports {
    /// Reports on the site at `options`.
    pub fn new(options: LoadOptions) -> Self {
        Reports {
            options,
            cached: Mutex::new(None),
        }
    }
}

/// `GET /__herald/inspect`.
pub async fn report(State(app): State<App>) -> Response {
    let generation = app
        .store
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .generation;
    let mut cached = app.reports.cached.lock().await;
    let html = match &*cached {
        Some((made, html)) if *made == generation => html.clone(),
        _ => {
            let options = app.reports.options.clone();
            let made = tokio::task::spawn_blocking(move || make(&options))
                .await
                .unwrap_or_else(|e| format!("<!DOCTYPE html><title>inspect</title><pre>{e}</pre>"));
            let html = Arc::new(made);
            *cached = Some((generation, html.clone()));
            html
        }
    };
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        html.to_string(),
    )
        .into_response()
}

/// The report page, with findings linked to the pages of this server.
fn make(options: &LoadOptions) -> String {
    match crate::inspect::inspect(options) {
        Ok(mut report) => {
            for f in &mut report.findings {
                if let Some(url) = &mut f.url
                    && let Some(rest) = url.strip_prefix(report.base_path.as_str())
                {
                    *url = format!("/{rest}");
                }
            }
            crate::inspect::report::html(&report, "")
        }
        Err(errors) => {
            let text: Vec<String> = errors
                .iter()
                .map(|d| d.display_relative(&options.root).to_string())
                .collect();
            let escaped = crate::markdown::escape_html(&text.join("\n"));
            format!(
                "<!DOCTYPE html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>网站检查报告</title><h1>无法检查</h1><pre>{escaped}</pre></html>"
            )
        }
    }
}

/// Output paths of the articles that get the banner: those without a final sign-off,
/// when `inspection.review_required` is on or the article has begun its review.
pub fn unreviewed(site: &Site) -> HashSet<String> {
    let required = site.config.inspection.review_required;
    site.library
        .pages
        .iter()
        .filter(|p| p.is_article)
        .filter(|p| required || p.meta.extra.contains_key("review"))
        .filter(|p| review::check(p, site.options.now, site.config.timezone).is_some())
        .map(|p| format!("{}index.html", p.path))
        .collect()
}

/// Adds the banner right after `<body …>`.
pub fn add_banner(html: Vec<u8>) -> Vec<u8> {
    const BANNER: &str = "<div role=\"alert\" style=\"position:sticky;top:0;z-index:9999;margin:0;padding:.75rem 1rem;background:#b00020;color:#fff;font:700 1rem/1.5 system-ui,sans-serif;text-align:center\">本文尚未完成三审三校签署（终审），此提示只在预览中显示：发布前请在 review.final 中签署</div>";
    let text = String::from_utf8_lossy(&html);
    let at = text
        .find("<body")
        .and_then(|b| text[b..].find('>').map(|e| b + e + 1));
    match at {
        Some(at) => format!("{}{BANNER}{}", &text[..at], &text[at..]).into_bytes(),
        None => format!("{BANNER}{text}").into_bytes(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn banner_goes_after_body_start() {
        let html = add_banner(b"<html><body class=\"x\"><p>y</p></body></html>".to_vec());
        let html = String::from_utf8(html).unwrap();
        assert!(html.starts_with("<html><body class=\"x\"><div role=\"alert\""));
        assert!(html.ends_with("<p>y</p></body></html>"));
    }
}
