//! Phase timings for finding where time goes: with `HERALD_TIMINGS=1` in the
//! environment, each timed phase prints its duration to stderr, and on Linux the
//! process's resident memory when it ended (peak memory is a goal of its own) and
//! the CPU time all its threads spent in it (which, unlike the wall time, holds still
//! when other work shares the machine).

use std::sync::OnceLock;
use std::time::Instant;

fn enabled() -> bool {
    static ENABLED: OnceLock<bool> = OnceLock::new();
    *ENABLED.get_or_init(|| std::env::var_os("HERALD_TIMINGS").is_some_and(|v| v != "0"))
}

/// Prints a line about the work done (with `HERALD_TIMINGS=1`), such as how much of
/// it an incremental step could skip.
pub fn note(what: std::fmt::Arguments<'_>) {
    if enabled() {
        eprintln!("  {what}");
    }
}

/// Times a phase until dropped.
pub struct Phase {
    name: &'static str,
    started: Option<(Instant, Option<f64>)>,
}

/// Starts timing the phase `name`.
pub fn phase(name: &'static str) -> Phase {
    Phase {
        name,
        started: enabled().then(|| (Instant::now(), cpu_ms())),
    }
}

impl Drop for Phase {
    fn drop(&mut self) {
        if let Some((started, cpu_then)) = self.started {
            let cpu = cpu_ms().zip(cpu_then).map(|(now, then)| now - then);
            eprintln!(
                "  {:>8.2} ms {:>6} MB {:>6} cpu ms  {}",
                started.elapsed().as_secs_f64() * 1000.0,
                resident_mb().map_or_else(|| "?".to_string(), |mb| mb.to_string()),
                cpu.map_or_else(|| "?".to_string(), |ms| format!("{ms:.0}")),
                self.name
            );
        }
    }
}

/// The resident memory of this process, in MB, where the system tells it.
fn resident_mb() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096 / 1_000_000)
}

/// The CPU time (user and system, every thread) this process has used, in
/// milliseconds, where the system tells it (in steps of 10 ms on Linux).
fn cpu_ms() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name may hold spaces: the fields are counted after its `)`.
    let mut fields = stat.rsplit_once(')')?.1.split_whitespace().skip(11);
    let user: f64 = fields.next()?.parse().ok()?;
    let system: f64 = fields.next()?.parse().ok()?;
    Some((user + system) * 10.0)
}
