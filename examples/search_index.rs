//! Times the search index of a site on its own, without rendering: made from nothing,
//! brought up to date with nothing changed, saved to and loaded from the cache. Prints
//! the fastest of several runs (the machine may be shared; saving is timed once) and
//! the number of files.
//!
//! ```sh
//! cargo run --release --example search_index -- SITE_DIR [RUNS]
//! ```

use std::time::{Duration, Instant};

use herald::search::SearchIndex;
use herald::site::{LoadOptions, Site, Touched};

// As the `herald` binary allocates.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// CPU time of this process so far (all threads), from /proc (Linux), in 10 ms ticks.
fn cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit_once(") ")
        .map_or(vec![], |(_, rest)| rest.split(' ').collect());
    let ticks: u64 = [11, 12]
        .iter()
        .filter_map(|&i| fields.get(i)?.parse::<u64>().ok())
        .sum();
    Duration::from_millis(ticks * 10)
}

/// The fastest wall time and the least CPU time of `runs` runs of `f`.
fn fastest(runs: usize, mut f: impl FnMut()) -> (Duration, Duration) {
    (0..runs)
        .map(|_| {
            let (started, cpu_before) = (Instant::now(), cpu());
            f();
            (started.elapsed(), cpu() - cpu_before)
        })
        .fold((Duration::MAX, Duration::MAX), |(w, c), (w2, c2)| {
            (w.min(w2), c.min(c2))
        })
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(root) = args.next() else {
        eprintln!("usage: search_index SITE_DIR [RUNS]");
        std::process::exit(2);
    };
    let runs: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(5);
    let (site, diagnostics) = Site::load(&LoadOptions::new(&root));
    let Some(site) = site else {
        eprintln!("{diagnostics:?}");
        std::process::exit(1);
    };
    let mut files = 0;
    let full = fastest(runs, || {
        let mut index = SearchIndex::default();
        files = index
            .update(&site, &Touched::All, &|_, _| {})
            .map_or(0, |f| f.len());
    });
    let mut index = SearchIndex::default();
    index.update(&site, &Touched::All, &|_, _| {});
    let same = fastest(runs, || {
        assert!(index.update(&site, &Touched::All, &|_, _| {}).is_none())
    });
    let dir = tempfile::tempdir().expect("temp dir");
    let started = Instant::now();
    index.save(dir.path());
    let save = started.elapsed();
    let load = fastest(runs, || {
        let loaded = SearchIndex::load(dir.path());
        assert_eq!(loaded.files().len(), files);
    });
    let size =
        std::fs::metadata(dir.path().join(".herald-cache/search-index.bin")).map_or(0, |m| m.len());
    println!(
        "articles {}, index files {files}; fastest of {runs} (wall, CPU of all threads): from nothing {} ({}), nothing changed {} ({}); save {} ({:.1} MB), load {} ({})",
        site.library.article_count(),
        ms(full.0),
        ms(full.1),
        ms(same.0),
        ms(same.1),
        ms(save),
        size as f64 / 1e6,
        ms(load.0),
        ms(load.1),
    );
}
