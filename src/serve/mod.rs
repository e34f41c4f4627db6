//! `herald serve`: build the site into memory, serve it on 127.0.0.1, watch the site's
//! folders, rebuild what each save affects, and reload open browser tabs once the
//! rebuilt files are in place. No edit, however broken, stops the server: a failed
//! rebuild keeps the last good site served and shows the errors over the page.

mod classify;
mod http;
mod inspect;
mod store;
mod watch;
mod workspace;

pub use classify::classify;
pub use http::{Signal, content_type, decode_path};
pub use store::{Entry, SharedStore, Store};
pub use workspace::{Outcome, Rebuild, Workspace};

use std::io::Write as _;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::sync::broadcast;

use crate::error::{Diagnostic, Diagnostics};
use crate::site::{Changes, LoadOptions};

/// How to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The site folder.
    pub root: PathBuf,
    /// The address to listen on.
    pub bind: IpAddr,
    /// The port; when busy, the next free one of the ten after it is used.
    pub port: u16,
    /// Include drafts and future pages.
    pub drafts: bool,
}

/// How many ports after the asked one to try when it is busy.
const PORT_TRIES: u16 = 10;

/// Runs the development server until Ctrl-C.
pub fn run(options: ServeOptions) -> Result<(), Diagnostic> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Diagnostic::error(format!("cannot start the server: {e}")))?;
    let listener = runtime.block_on(bind(options.bind, options.port))?;
    let address = listener
        .local_addr()
        .map_err(|e| Diagnostic::error(format!("cannot start the server: {e}")))?;
    if options.port != 0 && address.port() != options.port {
        println!(
            "port {} is busy; using {} instead",
            options.port,
            address.port()
        );
    }
    let url = base_url(address);
    let root = std::path::absolute(&options.root).unwrap_or_else(|_| options.root.clone());

    let mut load = LoadOptions::new(&root);
    load.drafts = options.drafts;
    let reports = Arc::new(inspect::Reports::new(load.clone()));
    load.base_url = Some(url.clone());
    load.fingerprint = false;
    let store = SharedStore::default();
    let (signals, _) = broadcast::channel(64);
    let mut workspace = Workspace::new(load);
    let early = signals.clone();
    workspace.reload_early(Box::new(move || {
        let _ = early.send(Signal::Reload);
    }));
    // Watch before the first build reads anything: a save made while it runs (seconds
    // on a large site) is then waiting in the watcher and applied right after it.
    let mut watcher = watch::Watcher::start(&root)?;
    let first = workspace.rebuild(
        &Changes {
            config: true,
            ..Changes::default()
        },
        &store,
    );
    note_unreviewed(&workspace, &store);
    report(&root, "first build", &first, false, &store, &signals);
    crate::pause::point("serve-first-build");
    println!("serving {} at {url}  (Ctrl-C to stop)", root.display());
    println!("inspection report: {url}__herald/inspect");
    let _ = std::io::stdout().flush();

    let site_moved = Arc::new(tokio::sync::Notify::new());
    {
        let (store, signals, root) = (store.clone(), signals.clone(), root.clone());
        let site_moved = site_moved.clone();
        std::thread::spawn(move || {
            if rebuild_on_changes(&mut watcher, &mut workspace, &store, &signals, &root) {
                site_moved.notify_one();
            }
        });
    }

    let (stop, stopping) = tokio::sync::watch::channel(false);
    let app = http::App {
        store,
        signals,
        root: std::fs::canonicalize(&root).unwrap_or(root.clone()),
        stopping: stopping.clone(),
        reports,
    };
    let moved = runtime
        .block_on(serve_until_stopped(
            listener, app, stop, stopping, site_moved,
        ))
        .map_err(|e| Diagnostic::error(format!("the server stopped: {e}")))?;
    if moved {
        return Err(Diagnostic::error(format!(
            "the site folder {} was moved, renamed or removed while serving; stopped",
            root.display()
        ))
        .with_help("start `herald serve` again where the site is now"));
    }
    println!("stopped");
    Ok(())
}

/// Rebuilds after each burst of changes, until the watcher stops (false) or the site
/// folder leaves its path (true).
fn rebuild_on_changes(
    watcher: &mut watch::Watcher,
    workspace: &mut Workspace,
    store: &SharedStore,
    signals: &broadcast::Sender<Signal>,
    root: &Path,
) -> bool {
    while let Some(paths) = watcher.next_batch() {
        if watcher.site_moved() {
            return true;
        }
        let theme = workspace
            .site()
            .map_or_else(|| "default".to_string(), |s| s.config.theme.clone());
        let changes = classify(root, &theme, &paths);
        if changes.is_empty() {
            continue;
        }
        let had_errors = store.read().is_ok_and(|s| s.errors.is_some());
        let rebuild = workspace.rebuild(&changes, store);
        note_unreviewed(workspace, store);
        let what = describe(root, &paths);
        report(root, &what, &rebuild, had_errors, store, signals);
    }
    false
}

/// How long open connections get to finish after Ctrl-C before the server stops
/// anyway: an editor's Ctrl-C must end the process, whatever a tab is doing.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_millis(500);

/// Serves until Ctrl-C or until the site folder moves (then returns true), then ends
/// every event stream, closes idle keep-alive connections, and stops within
/// [`SHUTDOWN_GRACE`] even if a request is still busy.
async fn serve_until_stopped(
    listener: tokio::net::TcpListener,
    app: http::App,
    stop: tokio::sync::watch::Sender<bool>,
    mut stopping: tokio::sync::watch::Receiver<bool>,
    site_moved: Arc<tokio::sync::Notify>,
) -> std::io::Result<bool> {
    let moved = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let seen = moved.clone();
    let server = axum::serve(listener, http::router(app)).with_graceful_shutdown(async move {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            () = site_moved.notified() => seen.store(true, std::sync::atomic::Ordering::SeqCst),
        }
        let _ = stop.send(true);
    });
    let deadline = async move {
        let _ = stopping.wait_for(|stop| *stop).await;
        tokio::time::sleep(SHUTDOWN_GRACE).await;
    };
    tokio::select! {
        served = server.into_future() => served?,
        () = deadline => {}
    }
    Ok(moved.load(std::sync::atomic::Ordering::SeqCst))
}

/// Tells the store which articles get the "not signed off" banner.
fn note_unreviewed(workspace: &Workspace, store: &SharedStore) {
    if let (Some(site), Ok(mut store)) = (workspace.site(), store.write()) {
        store.unreviewed = inspect::unreviewed(site);
    }
}

async fn bind(ip: IpAddr, port: u16) -> Result<tokio::net::TcpListener, Diagnostic> {
    let mut last = None;
    for offset in 0..=PORT_TRIES {
        let Some(candidate) = port.checked_add(offset) else {
            break;
        };
        match tokio::net::TcpListener::bind(SocketAddr::new(ip, candidate)).await {
            Ok(listener) => return Ok(listener),
            Err(e) => last = Some(e),
        }
        if port == 0 {
            break;
        }
    }
    let reason = last.map_or_else(String::new, |e| e.to_string());
    Err(Diagnostic::error(format!(
        "cannot listen on {ip}:{port} or the {PORT_TRIES} ports after it: {reason}"
    ))
    .with_help("stop the other server, or pass another --port"))
}

fn base_url(address: SocketAddr) -> String {
    match address.ip() {
        IpAddr::V6(ip) => format!("http://[{ip}]:{}/", address.port()),
        IpAddr::V4(ip) => format!("http://{ip}:{}/", address.port()),
    }
}

/// The changed paths in a few words for the terminal.
fn describe(root: &Path, paths: &[PathBuf]) -> String {
    // Herald's own cache and editors' temporary files are not what the editor saved.
    let shown: Vec<String> = paths
        .iter()
        .filter_map(|p| p.strip_prefix(root).ok())
        .filter(|p| {
            !p.components()
                .any(|c| crate::fs::is_ignored_name(&c.as_os_str().to_string_lossy()))
        })
        .map(|p| p.display().to_string())
        .collect();
    match shown.len() {
        0 => "changes".into(),
        1..=3 => shown.join(", "),
        n => format!("{}, {} and {} more", shown[0], shown[1], n - 2),
    }
}

/// Prints one line per rebuild (and the errors, if any) and tells open tabs.
/// `had_errors` says whether tabs were showing errors before this rebuild.
fn report(
    root: &Path,
    what: &str,
    rebuild: &Rebuild,
    had_errors: bool,
    store: &SharedStore,
    signals: &broadcast::Sender<Signal>,
) {
    let ms = rebuild.elapsed.as_millis();
    let clock = chrono::Local::now().format("%H:%M:%S");
    print_diagnostics(root, &rebuild.warnings);
    match &rebuild.outcome {
        Outcome::Applied {
            written,
            removed,
            css_only,
        } => {
            let removed = if *removed > 0 {
                format!(", removed {removed}")
            } else {
                String::new()
            };
            println!(
                "[{clock}] {what} → rebuilt {written} file{}{removed} in {ms} ms",
                if *written == 1 { "" } else { "s" }
            );
            let signal = if css_only.is_empty() || had_errors {
                Signal::Reload
            } else {
                Signal::Css(css_only.clone())
            };
            if had_errors {
                let _ = signals.send(Signal::Clear);
            }
            // Told already when the pages were shown, unless only stylesheets changed.
            if !(rebuild.reloaded && matches!(signal, Signal::Reload)) {
                let _ = signals.send(signal);
            }
        }
        Outcome::Unchanged => {
            println!("[{clock}] {what} → nothing to rebuild ({ms} ms)");
            if had_errors {
                if let Ok(mut store) = store.write() {
                    store.errors = None;
                }
                let _ = signals.send(Signal::Clear);
                let _ = signals.send(Signal::Reload);
            }
        }
        Outcome::Failed(diagnostics) => {
            print_diagnostics(root, diagnostics);
            let count = diagnostics.error_count();
            println!(
                "[{clock}] {what} → {count} error{}; still serving the last good site ({ms} ms)",
                if count == 1 { "" } else { "s" }
            );
            let text = diagnostics
                .iter()
                .map(|d| d.display_relative(root).to_string())
                .collect::<Vec<_>>()
                .join("\n\n");
            if let Ok(mut store) = store.write() {
                store.errors = Some(text.clone());
            }
            let _ = signals.send(Signal::Errors(text));
        }
    }
    let _ = std::io::stdout().flush();
}

fn print_diagnostics(root: &Path, diagnostics: &Diagnostics) {
    let mut err = std::io::stderr().lock();
    for d in diagnostics.iter() {
        let _ = writeln!(err, "{}", d.display_relative(root));
    }
}

/// A full build into memory, as `serve` makes it (for tests and tools).
pub fn build_in_memory(options: &LoadOptions) -> (Store, Diagnostics) {
    let store = SharedStore::default();
    let mut workspace = Workspace::new(options.clone());
    let rebuild = workspace.rebuild(
        &Changes {
            config: true,
            ..Changes::default()
        },
        &store,
    );
    let diagnostics = match rebuild.outcome {
        Outcome::Failed(d) => d,
        _ => rebuild.warnings,
    };
    let store = Arc::try_unwrap(store)
        .map(|lock| lock.into_inner().unwrap_or_else(|e| e.into_inner()))
        .unwrap_or_default();
    (store, diagnostics)
}
