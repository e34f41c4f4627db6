//! What tests may set in the environment: named points where they stop Herald, and
//! numbers that change a threshold ([`setting`]).
//!
//! Named points: with `HERALD_PAUSE_AT=NAME` (several
//! names separated by commas), Herald prints `paused at NAME` on stderr when it gets
//! there and waits for a line on stdin. A test then acts at exactly that moment
//! (saves a file, kills the process) instead of guessing it with sleeps, which a busy
//! machine would make fail one day.

use std::io::{BufRead, Write};

/// Pauses at the point `name` if the environment asks for it.
pub fn point(name: &str) {
    let asked = std::env::var("HERALD_PAUSE_AT")
        .is_ok_and(|names| names.split(',').any(|n| n.trim() == name));
    if asked {
        let mut stderr = std::io::stderr().lock();
        let _ = writeln!(stderr, "paused at {name}");
        let _ = stderr.flush();
        drop(stderr);
        let _ = std::io::stdin().lock().read_line(&mut String::new());
    }
}

/// The number `name` holds in the environment, or `default` when it is unset or not a
/// number: thresholds that tests shorten (`HERALD_PARSE_RECENT_MS`, `HERALD_SPILL_AT`,
/// `HERALD_VANISHED_GRACE_MS`, `HERALD_DELTA_SHARE`).
pub fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}
