//! What `herald build` leaves on disk, for deployment: the same site always gives the
//! same bytes; a rebuild touches only files whose bytes changed (so `rsync` sends only
//! those); `--compress` adds deterministic `.gz` files; a build killed at any moment
//! leaves the previous output complete.

mod common;

use std::collections::BTreeMap;
use std::io::{BufRead as _, BufReader, Read as _};
use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime};

use common::{TestSite, assert_contains};

/// One output file: its bytes, modification time and inode.
#[derive(Debug, Clone, PartialEq, Eq)]
struct FileState {
    bytes: Vec<u8>,
    modified: SystemTime,
    inode: u64,
}

/// Every file under `dir` by relative path.
fn snapshot(dir: &Path) -> BTreeMap<String, FileState> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            if meta.is_dir() {
                stack.push(path);
                continue;
            }
            let rel = path
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .to_string();
            files.insert(
                rel,
                FileState {
                    bytes: std::fs::read(&path).unwrap(),
                    modified: meta.modified().unwrap(),
                    inode: meta.ino(),
                },
            );
        }
    }
    files
}

fn bytes_only(files: &BTreeMap<String, FileState>) -> BTreeMap<&str, &[u8]> {
    files
        .iter()
        .map(|(path, state)| (path.as_str(), state.bytes.as_slice()))
        .collect()
}

/// Runs the binary with `HERALD_NOW` set to `now`.
fn herald_at(now: &str, args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_herald"))
        .args(args)
        .env("HERALD_NOW", now)
        .output()
        .expect("run herald");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "herald {args:?} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

fn demo_root() -> &'static str {
    env!("CARGO_MANIFEST_DIR")
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .expect("a valid gzip file");
    out
}

#[test]
fn two_builds_of_the_demo_portal_are_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    // Two processes (each with its own hash seeds), at two times of the same day: no
    // build time and no hash-map order may show in the output.
    for (out, now) in [
        (&a, "2026-09-10T09:00:00+08:00"),
        (&b, "2026-09-10T09:00:37+08:00"),
    ] {
        herald_at(
            now,
            &[
                "build",
                "--root",
                demo_root(),
                "--output",
                out.to_str().unwrap(),
                "--compress",
            ],
        );
    }
    let (a, b) = (snapshot(&a), snapshot(&b));
    assert!(a.len() > 300, "the demo portal has {} files", a.len());
    let (a, b) = (bytes_only(&a), bytes_only(&b));
    let a_paths: Vec<_> = a.keys().collect();
    let b_paths: Vec<_> = b.keys().collect();
    assert_eq!(a_paths, b_paths, "the same files");
    let differing: Vec<&&str> = a.keys().filter(|path| a[*path] != b[*path]).collect();
    assert!(differing.is_empty(), "files that differ: {differing:?}");
}

#[test]
fn rebuilding_the_demo_portal_touches_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let args = [
        "build",
        "--root",
        demo_root(),
        "--output",
        out.to_str().unwrap(),
        "--compress",
    ];
    herald_at(common::NOW, &args);
    let before = snapshot(&out);
    std::thread::sleep(Duration::from_millis(20));
    let stdout = herald_at(common::NOW, &args);
    assert!(stdout.starts_with("up to date: "), "{stdout}");
    let after = snapshot(&out);
    let touched: Vec<&String> = before
        .keys()
        .filter(|path| after.get(*path) != before.get(*path))
        .collect();
    assert!(
        touched.is_empty(),
        "rewritten though unchanged: {touched:?}"
    );
    assert_eq!(before.len(), after.len());
}

#[test]
fn a_rebuild_rewrites_exactly_the_files_whose_bytes_changed() {
    let site = TestSite::new();
    for i in 0..6 {
        site.article(
            &format!("a{i}.md"),
            &format!("文章{i}"),
            &format!("2026-01-0{}", i + 1),
            "tags: [网络安全]\n",
            &format!("正文{i}"),
        );
    }
    site.file("static/css/extra.css", "p { color: red }\n");
    site.run(&["build", "--compress"]).ok();
    let public = site.path("public");
    let before = snapshot(&public);
    std::thread::sleep(Duration::from_millis(20));
    // A body edit: its page changes, and the feed that carries its body.
    site.article(
        "a2.md",
        "文章2",
        "2026-01-03",
        "tags: [网络安全]\n",
        "新的正文",
    );
    site.run(&["build", "--compress"]).ok();
    // The search index names its files after their contents: an edit renames the
    // block of documents it touches. Everything else keeps its name.
    let not_search = |map: &std::collections::BTreeMap<String, _>| -> Vec<String> {
        map.keys()
            .filter(|k| !k.starts_with("search/"))
            .cloned()
            .collect()
    };
    let mut after = snapshot(&public);
    let mut before = before;
    assert_eq!(not_search(&before), not_search(&after));
    before.retain(|k, _| !k.starts_with("search/"));
    after.retain(|k, _| !k.starts_with("search/"));
    let mut changed = Vec::new();
    for (path, old) in &before {
        let new = &after[path];
        if old.bytes == new.bytes {
            assert_eq!(
                (old.modified, old.inode),
                (new.modified, new.inode),
                "{path} is unchanged but was written again"
            );
        } else {
            assert_ne!(old.modified, new.modified, "{path}");
            changed.push(path.as_str());
        }
    }
    assert!(changed.contains(&"articles/a2/index.html"), "{changed:?}");
    assert!(
        changed.contains(&"articles/a2/index.html.gz"),
        "{changed:?}"
    );
    assert!(
        !changed.iter().any(|p| p.starts_with("articles/a4/")),
        "{changed:?}"
    );
    assert!(changed.len() < before.len() / 2, "{changed:?}");
}

#[test]
fn compress_writes_a_deterministic_gz_beside_every_text_file() {
    let site = TestSite::new();
    site.article("a.md", "甲", "2026-01-01", "", "正文")
        .file("static/data/hotlines.json", "{\"a\": 1}\n")
        .file(
            "static/icons/mark.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n",
        )
        .file("static/js/app.js", "console.log(1);\n")
        .bytes("static/images/pixel.png", b"\x89PNG not really");
    let run = site.run(&["build", "--compress"]).ok();
    assert_contains(&run.stdout, "gzipped");
    let files = site.output_files();
    let text_files: Vec<&String> = files
        .iter()
        .filter(|f| {
            ["html", "css", "js", "xml", "json", "svg", "txt"]
                .iter()
                .any(|ext| f.ends_with(&format!(".{ext}")))
        })
        .collect();
    assert!(text_files.len() >= 10, "{files:?}");
    for file in &text_files {
        let original = std::fs::read(site.path("public").join(file)).unwrap();
        let gz = std::fs::read(site.path("public").join(format!("{file}.gz")))
            .unwrap_or_else(|_| panic!("no {file}.gz"));
        assert_eq!(gunzip(&gz), original, "{file}.gz");
        assert_eq!(gz[3], 0, "{file}.gz: no name in the header");
        assert_eq!(&gz[4..8], &[0, 0, 0, 0], "{file}.gz: no time in the header");
    }
    for kept_plain in ["images/pixel.png", "robots.txt"] {
        assert!(files.iter().any(|f| f == kept_plain), "{kept_plain}");
    }
    assert!(!files.iter().any(|f| f == "images/pixel.png.gz"));
    // Without the flag, the output is exactly what this build made: no stale .gz
    // (the search index's documents are gzip files of their own).
    site.build().ok();
    assert!(
        !site
            .output_files()
            .iter()
            .any(|f| f.ends_with(".gz") && !f.starts_with("search/docs/"))
    );
}

/// A site with enough pages that writing them takes a while.
fn big_site(articles: usize) -> TestSite {
    let site = TestSite::new();
    site.file("content/topics/week/_index.md", "---\ntitle: 宣传周\n---\n");
    let body = "网络安全为人民，网络安全靠人民。".repeat(40);
    for i in 0..articles {
        site.article(
            &format!("{}/a{i}.md", 2020 + i % 6),
            &format!("文章{i}"),
            &format!("2026-0{}-1{}", 1 + i % 9, i % 10),
            &format!("tags: [标签{}]\ntopics: [week]\n", i % 25),
            &body,
        );
    }
    site
}

/// The complete output of `args`, built into a folder of its own.
fn build_fresh(site: &TestSite, args: &[&str]) -> BTreeMap<String, FileState> {
    let mut args = args.to_vec();
    args.extend(["--output", "fresh"]);
    site.run(&args).ok();
    let files = snapshot(&site.path("fresh"));
    std::fs::remove_dir_all(site.path("fresh")).unwrap();
    files
}

fn staging_folders(parent: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(parent)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            name.contains("herald-staging") || name.contains("herald-old")
        })
        .collect()
}

#[test]
fn a_build_killed_at_any_moment_leaves_the_previous_output_complete() {
    let site = big_site(400);
    let old_args = ["build", "--compress"];
    // The new build differs on every page, so any mix of old and new would show.
    let new_args = [
        "build",
        "--compress",
        "--base-url",
        "https://new.example.gov.cn/campaign/",
    ];
    site.run(&old_args).ok();
    let public = site.path("public");
    let mut old = snapshot(&public);

    // Kill at each named point of a build (see `HERALD_PAUSE_AT`): just after the
    // staging folder is made, while pages are being written, when everything is
    // written, after compressing, and after the swap while the previous output is
    // being removed. The kill lands exactly there, however busy the machine.
    let new_output = build_fresh(&site, &new_args);
    for point in [
        "build-staging",
        "build-writing",
        "build-written",
        "build-compressed",
        "build-swapped",
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_herald"))
            .args(new_args)
            .current_dir(site.root())
            .env("HERALD_NOW", common::NOW)
            .env("HERALD_PAUSE_AT", point)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = BufReader::new(child.stderr.take().unwrap());
        let paused = stderr
            .lines()
            .map_while(Result::ok)
            .any(|line| line == format!("paused at {point}"));
        assert!(paused, "the build never reached {point}");
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let now = snapshot(&public);
        if point == "build-swapped" {
            // Killed after the swap: the new output is in place, complete.
            assert_eq!(
                bytes_only(&now),
                bytes_only(&new_output),
                "killed at {point}"
            );
            site.run(&old_args).ok();
            old = snapshot(&public);
        } else {
            assert!(now == old, "killed at {point}: the previous output changed");
        }
    }
    // And a few kills at moments spread over a whole build, wherever they land.
    let started = Instant::now();
    build_fresh(&site, &new_args);
    let full = started.elapsed().as_millis() as u64;
    for delay_ms in (0..5).map(|i| full * i / 4) {
        let mut child = Command::new(env!("CARGO_BIN_EXE_herald"))
            .args(new_args)
            .current_dir(site.root())
            .env("HERALD_NOW", common::NOW)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL
        let status = child.wait().unwrap();
        let now = snapshot(&public);
        if status.success() || now != old {
            // Finished, or killed after the swap: the new output must be complete.
            assert_eq!(
                bytes_only(&now),
                bytes_only(&new_output),
                "killed after {delay_ms} ms: a half-written output"
            );
            site.run(&old_args).ok();
            old = snapshot(&public);
        }
    }
    // Leftovers of the killed builds are removed by the next build.
    site.run(&old_args).ok();
    assert!(
        staging_folders(site.root()).is_empty(),
        "{:?}",
        staging_folders(site.root())
    );
    assert_eq!(bytes_only(&snapshot(&public)), bytes_only(&old));
}
