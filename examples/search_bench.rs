//! Runs queries against a built site's search index the way `search.js` does and
//! prints, per query, the files read with their sizes as a web server would send
//! them (gzip level 6 where that is smaller) and every matching article's URL. Used by `scripts/bench_search.sh`.
//!
//! ```sh
//! cargo run --release --example search_bench -- public/search 诈骗 "Wi-Fi 密码"
//! ```

use std::io::Write;

use flate2::Compression;
use flate2::write::GzEncoder;
use herald::search::query::{self, Folder};

/// Results shown at once by the search page.
const SHOWN: usize = 10;

fn gzip_size(bytes: &[u8]) -> usize {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::new(6));
    encoder.write_all(bytes).expect("gzip");
    encoder.finish().expect("gzip").len()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: search_bench SEARCH_DIR QUERY...");
        std::process::exit(2);
    };
    for q in args {
        let mut folder = Folder::new(&dir);
        let started = std::time::Instant::now();
        let results = query::search(&mut folder, &q, SHOWN).unwrap_or_else(|e| {
            eprintln!("{q}: {e}");
            std::process::exit(1);
        });
        let elapsed = started.elapsed();
        let fetched: Vec<serde_json::Value> = folder
            .read
            .iter()
            .map(|(path, size)| {
                let bytes = std::fs::read(std::path::Path::new(&dir).join(path)).expect("read");
                let sent = gzip_size(&bytes).min(*size);
                serde_json::json!({ "path": path, "bytes": size, "sent": sent })
            })
            .collect();
        // Every match's URL, for recall (not part of what the page downloads).
        let mut all = Folder::new(&dir);
        let manifest = query::manifest(&mut all).expect("manifest");
        let mut documents = query::Documents::default();
        let urls: Vec<String> = results
            .hits
            .iter()
            .map(|hit| {
                documents
                    .get(&mut all, &manifest, hit.id)
                    .expect("document")
                    .url
            })
            .collect();
        let line = serde_json::json!({
            "query": q,
            "total": results.hits.len(),
            "shown": results.shown.iter().map(|d| &d.title).collect::<Vec<_>>(),
            "fetched": fetched,
            "urls": urls,
            "rank_ms": elapsed.as_secs_f64() * 1000.0,
        });
        println!("{line}");
    }
}
