//! A seeded random sequence of editor actions, each followed by `herald build` into
//! the same output: after every build that succeeds, the output is byte for byte what
//! a build from scratch of the same files gives. This is the test of everything a
//! build keeps in `.herald-cache` (the parse cache, the Markdown cache and its file
//! of bodies, the build state, the search index).
//!
//! The editor is the one of `serve_random`; search is turned on in every config it
//! writes. `HERALD_RANDOM_SEEDS=1,2,3` and `HERALD_RANDOM_ACTIONS=40` run other seeds
//! and longer sequences; a failure prints the seed and the actions.

mod common;

#[allow(dead_code)]
#[path = "serve_random/editor.rs"]
mod editor;

use std::collections::BTreeMap;

use common::TestSite;
use editor::Editor;

const SEEDS: [u64; 2] = [3, 11];
const ACTIONS: usize = 12;

#[test]
fn random_edits_built_one_by_one_equal_fresh_builds() {
    // Every file the editor writes is then taken from the parse cache (`site::parsed`)
    // until it is written again, instead of only those older than 2 s. The only test
    // of this binary, so no other test sees the variable.
    unsafe { std::env::set_var("HERALD_PARSE_RECENT_MS", "0") };
    // The build state and the search index save what changed beside their base
    // whenever that is smaller than the base, as builds after an edit of a large site
    // do; small sites would otherwise write the whole base every time.
    unsafe { std::env::set_var("HERALD_DELTA_SHARE", "1") };
    let (seeds, actions) = editor::seeds_and_actions(&SEEDS, ACTIONS);
    for seed in seeds {
        run(seed, actions);
    }
}

fn run(seed: u64, count: usize) {
    let mut editor = Editor::new(seed);
    with_search(&editor.site);
    editor.site.build().ok();
    let mut log = Vec::new();
    for step in 0..count {
        let action = editor.act();
        log.push(action.describe());
        with_search(&editor.site);
        let built = editor.site.build();
        if built.code != 0 {
            // A broken file: the output stays as it was; a later action fixes it.
            continue;
        }
        let (now, fresh) = (
            common::files_with_bytes(&editor.site.path("public")),
            from_scratch(&editor.site),
        );
        if now != fresh {
            let differ: Vec<&String> = now
                .keys()
                .chain(fresh.keys())
                .filter(|k| now.get(*k) != fresh.get(*k))
                .collect();
            panic!(
                "seed {seed}, after step {step}: the output differs from a fresh build in {differ:?}\nactions:\n{}",
                log.join("\n")
            );
        }
    }
}

/// Turns search on in the site's config, if the editor's last config left it off.
fn with_search(site: &TestSite) {
    let config = site.read_file("config.yaml");
    if !config.contains("search:") {
        site.file(
            "config.yaml",
            &format!("{config}search: {{ enabled: true }}\n"),
        );
    }
}

/// The output of a build of a copy of the site's files, without caches or output.
fn from_scratch(site: &TestSite) -> BTreeMap<String, Vec<u8>> {
    common::files_with_bytes(&site.built_from_scratch().path("public"))
}
