//! A seeded random sequence of editor actions on a site served by the real
//! `herald serve`, after which every file the live server serves (and every file it
//! served at any step before) answers exactly as on a freshly started server.
//!
//! Each action waits for the server's own line about the rebuild it caused, never for
//! a time. The seeds are fixed so CI is deterministic; a failure prints the seed and
//! the actions so it can be replayed. `HERALD_RANDOM_SEEDS=1,2,3` and
//! `HERALD_RANDOM_ACTIONS=40` run other seeds and longer sequences.

mod common;

#[path = "serve_random/editor.rs"]
mod editor;

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::net::TcpStream;

use common::serve::Server;
use editor::Editor;
use herald::site::LoadOptions;

/// The seeds CI runs, each for [`ACTIONS`] actions: between them they do every kind
/// of action (a folder renamed too), saves during the first build, and bursts.
const SEEDS: [u64; 3] = [1, 5, 18];
const ACTIONS: usize = 15;

#[test]
fn random_edits_leave_the_live_server_equal_to_a_fresh_one() {
    let (seeds, actions) = editor::seeds_and_actions(&SEEDS, ACTIONS);
    for seed in seeds {
        run(seed, actions);
    }
}

/// Runs `count` random actions from `seed` on a served site, then compares the live
/// server with a fresh one.
fn run(seed: u64, count: usize) {
    let mut editor = Editor::new(seed);
    // The server's first build creates `.herald-cache/` in the watched site folder, and
    // the line of the next rebuild would name it first, leaving less room for the
    // names waited for (a line names three files at most).
    std::fs::create_dir(editor.site.path(".herald-cache")).unwrap();
    // Some runs save while the first build runs: the server pauses right after it.
    let early = editor.choose(3);
    let live = if early > 0 {
        Server::start_paused(editor.site.root())
    } else {
        Server::start(editor.site.root(), 0, &[])
    };
    let mut run = Run {
        served: expected_paths(&editor),
        editor,
        live,
        seed,
        log: Vec::new(),
    };
    if early > 0 {
        for _ in 0..early {
            run.act("while the first build runs");
        }
        run.live.resume();
        run.barrier();
    }
    let mut done = early;
    while done < count {
        // Now and then a burst: saves that land while the last one is rebuilt.
        let burst = if run.editor.choose(4) == 0 {
            2 + run.editor.choose(3)
        } else {
            1
        };
        if burst == 1 {
            let seen = run.live.output.len();
            let action = run.act("");
            wait_for_rebuild(&mut run.live, seen, &action.keys);
        } else {
            for _ in 0..burst {
                run.act("no wait");
            }
            run.barrier();
        }
        done += burst;
    }
    while let Some(action) = run.editor.fix_one() {
        let seen = run.live.output.len();
        run.log.push(action.describe());
        wait_for_rebuild(&mut run.live, seen, &action.keys);
    }
    run.served.extend(expected_paths(&run.editor));
    run.barrier();
    run.compare_with_a_fresh_server();
}

/// One seed's run; prints the seed and the actions if it fails.
struct Run {
    editor: Editor,
    live: Server,
    seed: u64,
    /// Every action, as done.
    log: Vec<String>,
    /// Every path served at any step.
    served: BTreeSet<String>,
}

impl Run {
    /// Does one random action and notes the paths the site has after it.
    fn act(&mut self, note: &str) -> editor::Action {
        let action = self.editor.act();
        let note = if note.is_empty() {
            String::new()
        } else {
            format!("  ({note})")
        };
        self.log.push(format!("{}{note}", action.describe()));
        self.served.extend(expected_paths(&self.editor));
        action
    }

    /// Saves a file and waits for its rebuild line: every earlier change is handled
    /// then.
    fn barrier(&mut self) {
        let seen = self.live.output.len();
        let barrier = self.editor.barrier();
        wait_for_rebuild(&mut self.live, seen, &barrier.keys);
    }

    fn compare_with_a_fresh_server(&mut self) {
        let fresh = Server::start(self.editor.site.root(), 0, &[]);
        let mut differences = Vec::new();
        let extra = ["404.html", "no/such/page/", "__herald/inspect"];
        let paths: Vec<&str> = self
            .served
            .iter()
            .map(String::as_str)
            .chain(extra)
            .collect();
        for path in &paths {
            let (a, b) = (fetch(&self.live, path), fetch(&fresh, path));
            if a != b {
                differences.push(difference(path, &a, &b));
            }
        }
        assert!(
            differences.is_empty(),
            "{} of {} files differ between the live server and a fresh one:\n{}\n\nlive server output:\n{}",
            differences.len(),
            paths.len(),
            differences.join("\n"),
            self.live.output.join("\n")
        );
        println!(
            "seed {}: {} actions, {} files equal",
            self.seed,
            self.log.len(),
            paths.len()
        );
        self.print_log();
    }

    fn print_log(&self) {
        for (n, action) in self.log.iter().enumerate() {
            println!("  {:>2}. {action}", n + 1);
        }
    }
}

impl Drop for Run {
    fn drop(&mut self) {
        if std::thread::panicking() {
            println!(
                "\nserve_random failed with seed {} after these actions \
                 (replay: HERALD_RANDOM_SEEDS={} cargo test --test serve_random):",
                self.seed, self.seed
            );
            self.print_log();
        }
    }
}

/// Waits for the server's line on a rebuild (done, nothing to do, or failed) whose
/// changed files include one of `keys`, printed after the first `seen` lines.
fn wait_for_rebuild(server: &mut Server, seen: usize, keys: &[String]) {
    let what = format!("on a rebuild for {}", keys.join(" or "));
    server.wait_for_line_after(seen, &what, |line| {
        // `[12:00:00] a.md, b.md → rebuilt 3 files in 9 ms`
        line.split_once(" → ").is_some_and(|(changed, _)| {
            changed
                .split(", ")
                .filter_map(|file| file.rsplit(' ').next())
                .any(|file| keys.iter().any(|key| key == file))
        })
    });
}

/// The paths a fresh server would serve for the site as it is now (none while it
/// does not build).
fn expected_paths(editor: &Editor) -> BTreeSet<String> {
    let mut options = LoadOptions::new(editor.site.root());
    options.base_url = Some("http://127.0.0.1:1111/".into());
    options.fingerprint = false;
    options.now = common::NOW.parse().unwrap();
    // Computed afresh, and nothing written into the site.
    options.cache = false;
    let (store, diagnostics) = herald::serve::build_in_memory(&options);
    if diagnostics.has_errors() {
        return BTreeSet::new();
    }
    store.paths().into_iter().collect()
}

/// A response with the server's own address replaced, so two servers compare.
#[derive(PartialEq, Eq)]
struct Answer {
    status: u16,
    content_type: String,
    body: Vec<u8>,
}

fn fetch(server: &Server, path: &str) -> Answer {
    let encoded = percent_encoding::utf8_percent_encode(path, URL_PATH).to_string();
    let mut stream = TcpStream::connect(&server.address).expect("connect");
    write!(
        stream,
        "GET /{encoded} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        server.address
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("/{path}: no HTTP head in {raw:?}"));
    let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
    assert!(!head.contains("chunked"), "/{path}: chunked answer\n{head}");
    let header = |name: &str| {
        head.lines()
            .find_map(|l| l.strip_prefix(name))
            .map_or_else(String::new, |v| v.trim().to_string())
    };
    Answer {
        status: head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0),
        content_type: header("content-type:"),
        body: replace(&raw[split + 4..], server.address.as_bytes(), b"SERVER"),
    }
}

/// Characters written as they are in a request path; everything else is encoded.
const URL_PATH: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'/')
    .remove(b'.')
    .remove(b'-')
    .remove(b'_')
    .remove(b'~');

fn replace(bytes: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at..].starts_with(from) {
            out.extend_from_slice(to);
            at += from.len();
        } else {
            out.push(bytes[at]);
            at += 1;
        }
    }
    out
}

/// One line on a differing file, with the text around the first differing byte.
fn difference(path: &str, live: &Answer, fresh: &Answer) -> String {
    if (live.status, &live.content_type) != (fresh.status, &fresh.content_type) {
        return format!(
            "/{path}: live {} {:?}, fresh {} {:?}",
            live.status, live.content_type, fresh.status, fresh.content_type
        );
    }
    let first = live
        .body
        .iter()
        .zip(&fresh.body)
        .position(|(a, b)| a != b)
        .unwrap_or(live.body.len().min(fresh.body.len()));
    let around = |body: &[u8]| {
        let start = first.saturating_sub(200);
        let end = (first + 200).min(body.len());
        String::from_utf8_lossy(&body[start..end]).into_owned()
    };
    format!(
        "/{path} (status {}) differs at byte {first}:\n--- live ---\n{}\n--- fresh ---\n{}\n",
        live.status,
        around(&live.body),
        around(&fresh.body)
    )
}
