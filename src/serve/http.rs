//! The HTTP side of `serve`: the site from the in-memory store, with `index.html` for
//! folders, the site's 404 page with status 404, correct content types, a live-reload
//! script added to HTML pages (only here, never in `build` output), and the
//! server-sent events that tell open tabs to reload.
//!
//! Paths are looked up in the store, never joined onto a folder, so `..`, encoded
//! `%2e%2e` and absolute paths cannot reach other files; copies of files that resolve
//! outside the site folder (through a symlink) are refused.

use std::convert::Infallible;
use std::path::PathBuf;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::stream::{self, Stream, StreamExt};
use tokio::sync::{broadcast, watch};

use super::store::{Entry, SharedStore};

/// The script that reloads open tabs.
const LIVE_RELOAD: &str = include_str!("livereload.js");

/// Where the script and the events are served.
pub const SCRIPT_PATH: &str = "/__herald/livereload.js";
const EVENTS_PATH: &str = "/__herald/events";

/// What open tabs are told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signal {
    /// Reload the page: files changed.
    Reload,
    /// Only these stylesheets changed: swap them in place.
    Css(Vec<String>),
    /// The last rebuild failed: show these problems over the page.
    Errors(String),
    /// The problems are fixed.
    Clear,
}

/// What the handlers share.
#[derive(Clone)]
pub struct App {
    /// The served site.
    pub store: SharedStore,
    /// Signals to open tabs.
    pub signals: broadcast::Sender<Signal>,
    /// The site folder, resolved, to refuse copies that lead outside it.
    pub root: PathBuf,
    /// Becomes true when the server stops: event streams end then, since a stream
    /// that never ends would keep the graceful shutdown waiting forever.
    pub stopping: watch::Receiver<bool>,
    /// The inspection report (`/__herald/inspect`).
    pub reports: std::sync::Arc<super::inspect::Reports>,
}

/// The router of the development server.
pub fn router(app: App) -> Router {
    Router::new()
        .route(SCRIPT_PATH, get(script))
        .route(EVENTS_PATH, get(events))
        .route(super::inspect::REPORT_PATH, get(super::inspect::report))
        .fallback(get(file))
        .with_state(app)
}

async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        LIVE_RELOAD,
    )
        .into_response()
}

fn event(signal: &Signal) -> Event {
    match signal {
        Signal::Reload => Event::default().event("reload").data("{}"),
        Signal::Css(paths) => Event::default()
            .event("css")
            .data(serde_json::to_string(paths).unwrap_or_default()),
        Signal::Errors(text) => Event::default()
            .event("errors")
            .data(serde_json::to_string(text).unwrap_or_default()),
        Signal::Clear => Event::default().event("clear").data("{}"),
    }
}

async fn events(State(app): State<App>) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let receiver = app.signals.subscribe();
    let (generation, errors) = {
        let store = app.store.read().unwrap_or_else(|e| e.into_inner());
        (store.generation, store.errors.clone())
    };
    let mut first = vec![Ok(Event::default()
        .event("hello")
        .data(format!("{{\"generation\":{generation}}}"))
        .retry(Duration::from_millis(500)))];
    if let Some(errors) = errors {
        first.push(Ok(event(&Signal::Errors(errors))));
    }
    let updates = stream::unfold(receiver, |mut receiver| async move {
        let signal = match receiver.recv().await {
            Ok(signal) => signal,
            // A tab that fell behind reloads rather than show a stale page.
            Err(broadcast::error::RecvError::Lagged(_)) => Signal::Reload,
            Err(broadcast::error::RecvError::Closed) => return None,
        };
        Some((Ok(event(&signal)), receiver))
    });
    let mut stopping = app.stopping.clone();
    let stopped = async move {
        let _ = stopping.wait_for(|stop| *stop).await;
    };
    Sse::new(stream::iter(first).chain(updates).take_until(stopped))
        .keep_alive(KeepAlive::default())
}

async fn file(State(app): State<App>, uri: Uri) -> Response {
    let Some(path) = decode_path(uri.path()) else {
        return (StatusCode::BAD_REQUEST, "bad path").into_response();
    };
    let wanted = if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.clone()
    };
    let (entry, redirect, unreviewed) = {
        let store = app.store.read().unwrap_or_else(|e| e.into_inner());
        let unreviewed = store.unreviewed.contains(&wanted);
        match store.get(&wanted) {
            Some(entry) => (Some(entry.clone()), false, unreviewed),
            None => (
                None,
                store.get(&format!("{path}/index.html")).is_some(),
                false,
            ),
        }
    };
    if redirect {
        let location = format!("{}/", uri.path());
        return (
            StatusCode::MOVED_PERMANENTLY,
            [(header::LOCATION, location)],
        )
            .into_response();
    }
    match entry {
        Some(entry) => match read(&app, &entry).await {
            Some(bytes) if unreviewed => {
                respond(StatusCode::OK, &wanted, super::inspect::add_banner(bytes))
            }
            Some(bytes) => respond(StatusCode::OK, &wanted, bytes),
            None => not_found(&app).await,
        },
        None => not_found(&app).await,
    }
}

async fn not_found(app: &App) -> Response {
    let entry = app
        .store
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .get("404.html")
        .cloned();
    match entry {
        Some(entry) => match read(app, &entry).await {
            Some(bytes) => respond(StatusCode::NOT_FOUND, "404.html", bytes),
            None => (StatusCode::NOT_FOUND, "Not Found").into_response(),
        },
        None => respond(
            StatusCode::NOT_FOUND,
            "404.html",
            b"<!DOCTYPE html><title>Not Found</title><h1>Not Found</h1>".to_vec(),
        ),
    }
}

/// The bytes of an entry; files are read now and must lie inside the site folder.
async fn read(app: &App, entry: &Entry) -> Option<Vec<u8>> {
    match entry {
        Entry::Bytes(bytes) => Some(bytes.to_vec()),
        Entry::File(source) => {
            let real = tokio::fs::canonicalize(source).await.ok()?;
            if !real.starts_with(&app.root) {
                return None;
            }
            tokio::fs::read(real).await.ok()
        }
    }
}

fn respond(status: StatusCode, path: &str, mut bytes: Vec<u8>) -> Response {
    let kind = content_type(path);
    if kind.starts_with("text/html") {
        bytes = inject_script(bytes);
    }
    let mut response = Response::new(Body::from(bytes));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    if let Ok(kind) = HeaderValue::from_str(&kind) {
        headers.insert(header::CONTENT_TYPE, kind);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Adds the live-reload script before `</body>` (or at the end).
fn inject_script(html: Vec<u8>) -> Vec<u8> {
    let tag = format!("<script src=\"{SCRIPT_PATH}\" defer></script>");
    let text = String::from_utf8_lossy(&html);
    match text.rfind("</body>") {
        Some(at) => format!("{}{tag}{}", &text[..at], &text[at..]).into_bytes(),
        None => format!("{text}{tag}").into_bytes(),
    }
}

/// The path of a request without its leading `/`, percent-decoded; `None` for paths
/// that try to climb (`..`), contain NUL or backslashes, or are not UTF-8.
pub fn decode_path(raw: &str) -> Option<String> {
    let path = percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .ok()?
        .into_owned();
    if path.contains(['\0', '\\']) {
        return None;
    }
    let inner = path.strip_prefix('/').unwrap_or(&path);
    let parts: Vec<&str> = inner.split('/').collect();
    let last = parts.len().saturating_sub(1);
    // `..` and `.` climb; empty segments (`//`) could make an absolute path.
    if parts
        .iter()
        .enumerate()
        .any(|(i, part)| *part == ".." || *part == "." || (part.is_empty() && i != last))
    {
        return None;
    }
    Some(inner.to_string())
}

/// The content type of a file, by its extension; text types say they are UTF-8,
/// since everything Herald writes is.
pub fn content_type(path: &str) -> String {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let texty = mime.type_() == mime_guess::mime::TEXT
        || matches!(mime.subtype().as_str(), "javascript" | "xml" | "json");
    if texty && mime.get_param(mime_guess::mime::CHARSET).is_none() {
        format!("{mime}; charset=utf-8")
    } else {
        mime.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn climbing_paths_are_refused() {
        assert_eq!(decode_path("/articles/x/").as_deref(), Some("articles/x/"));
        assert_eq!(decode_path("/%E7%BD%91.pdf").as_deref(), Some("网.pdf"));
        for bad in [
            "/../etc/passwd",
            "/a/%2e%2e/%2e%2e/etc/passwd",
            "/a/%2E%2E/b",
            "//etc/passwd",
            "/a%00b",
            "/a%5c..%5cb",
            "/%ff",
        ] {
            assert_eq!(decode_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn script_goes_before_body_end() {
        let html = inject_script(b"<html><body><p>x</p></body></html>".to_vec());
        assert_eq!(
            String::from_utf8(html).unwrap(),
            format!(
                "<html><body><p>x</p><script src=\"{SCRIPT_PATH}\" defer></script></body></html>"
            )
        );
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("atom.xml"), "text/xml; charset=utf-8");
        assert_eq!(content_type("x.PDF"), "application/pdf");
        assert_eq!(content_type("app.js"), "text/javascript; charset=utf-8");
        assert_eq!(
            content_type("search/index.json"),
            "application/json; charset=utf-8"
        );
        assert_eq!(content_type("icon.svg"), "image/svg+xml");
        assert_eq!(content_type("promo.mp4"), "video/mp4");
        assert_eq!(content_type("captions.vtt"), "text/vtt; charset=utf-8");
        assert_eq!(content_type("LICENSE"), "application/octet-stream");
    }
}
