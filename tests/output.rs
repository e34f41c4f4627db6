//! What `herald build` leaves on disk, for deployment: the same site always gives the
//! same bytes; a rebuild touches only files whose bytes changed (so `rsync` sends only
//! those); `--compress` adds deterministic `.gz` files; a build killed at any moment
//! leaves the previous output complete.

mod common;

use std::collections::BTreeMap;
use std::io::Read as _;
use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime};

use common::{TestSite, assert_contains, reaches, resume, spawn};

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

/// One article of [`big_site`], with `body`.
fn big_article(site: &TestSite, i: usize, body: &str) {
    site.article(
        &format!("{}/a{i}.md", 2020 + i % 6),
        &format!("文章{i}"),
        &format!("2026-0{}-1{}", 1 + i % 9, i % 10),
        &format!("tags: [标签{}]\ntopics: [week]\n", i % 25),
        body,
    );
}

/// A site with enough pages that writing them takes a while.
fn big_site(articles: usize) -> TestSite {
    let site = TestSite::new();
    site.file("content/topics/week/_index.md", "---\ntitle: 宣传周\n---\n");
    let body = "网络安全为人民，网络安全靠人民。".repeat(40);
    for i in 0..articles {
        big_article(&site, i, &body);
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

/// What interrupted builds can leave beside the output.
fn leftovers(parent: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(parent)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            ["herald-staging", "herald-old", "herald-journal"]
                .iter()
                .any(|mark| name.contains(mark))
        })
        .collect()
}

/// `herald ARGS` in the site folder, taking the portable commit path if `portable`
/// (`HERALD_PORTABLE_FS=1`: no `renameat2`, as on macOS and Windows), pausing at
/// `pause_at`, with stdin and stderr piped.
fn herald_paused(
    site: &TestSite,
    args: &[&str],
    portable: bool,
    pause_at: &str,
) -> (std::process::Child, common::StderrLines) {
    let mut command = site.paused_command(args, pause_at);
    if portable {
        command.env("HERALD_PORTABLE_FS", "1");
    }
    spawn(command)
}

/// `herald ARGS`, with the portable commit path if `portable`.
fn herald_in(site: &TestSite, args: &[&str], portable: bool) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_herald"));
    command
        .args(args)
        .current_dir(site.root())
        .env("HERALD_NOW", common::NOW);
    if portable {
        command.env("HERALD_PORTABLE_FS", "1");
    }
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "herald {args:?} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Two versions of a site and the arguments that build each: the kill tests build
/// the old one, then kill a build of the new one.
struct Versions<'a> {
    site: &'a TestSite,
    old_args: &'a [&'a str],
    new_args: &'a [&'a str],
    /// Writes the old (false) or the new (true) content.
    content: fn(&TestSite, bool),
    /// Forces the portable commit path.
    portable: bool,
}

/// Where a build is killed: before its commit is decided (the old output must be
/// untouched), and after (the next build must finish it).
const BEFORE_COMMIT: &[&str] = &[
    "build-staging",
    "build-writing",
    "build-written",
    "build-compressed",
];
const JOURNAL_COMMIT: &[&str] = &[
    "build-journal",
    "build-moving",
    "build-moved",
    "build-removed",
];

/// Kills a build of the new version at each of `points` (`HERALD_PAUSE_AT`: the kill
/// lands exactly there, however busy the machine), then checks the output: killed
/// before the commit, it is the complete old output, untouched (bytes, times,
/// inodes); killed during the commit, no file the old and new sites share is missing,
/// and the next build first finishes the commit (at its first pause the output is
/// already the new site, byte for byte), then ends with the new site.
fn kill_at_points(v: &Versions<'_>, points: &[&str]) {
    let (site, public) = (v.site, v.site.path("public"));
    (v.content)(site, true);
    let new_output = build_fresh(site, v.new_args);
    (v.content)(site, false);
    let old_output = build_fresh(site, v.old_args);
    for point in points {
        (v.content)(site, false);
        herald_in(site, v.old_args, v.portable);
        let old = snapshot(&public);
        assert_eq!(bytes_only(&old), bytes_only(&old_output), "before {point}");
        (v.content)(site, true);
        let (mut child, mut lines) = herald_paused(site, v.new_args, v.portable, point);
        assert!(
            reaches(&mut lines, point),
            "the build never reached {point}"
        );
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let now = snapshot(&public);
        if BEFORE_COMMIT.contains(point) {
            assert!(now == old, "killed at {point}: the previous output changed");
            herald_in(site, v.new_args, v.portable);
        } else {
            assert_nothing_missing(&old, &now, &new_output, point);
            let (mut next, mut lines) =
                herald_paused(site, v.new_args, v.portable, "build-staging");
            assert!(reaches(&mut lines, "build-staging"));
            assert_eq!(
                bytes_only(&snapshot(&public)),
                bytes_only(&new_output),
                "killed at {point}: the next build did not finish the commit"
            );
            resume(&mut next);
            assert!(next.wait().unwrap().success());
        }
        assert_eq!(
            bytes_only(&snapshot(&public)),
            bytes_only(&new_output),
            "after the build that followed a kill at {point}"
        );
        assert_eq!(leftovers(site.root()), Vec::<PathBuf>::new(), "{point}");
    }
}

/// During a commit: every file the old and new outputs share is there, with its old
/// bytes or its new ones.
fn assert_nothing_missing(
    old: &BTreeMap<String, FileState>,
    now: &BTreeMap<String, FileState>,
    new: &BTreeMap<String, FileState>,
    point: &str,
) {
    for (path, new_state) in new {
        let Some(old_state) = old.get(path) else {
            continue;
        };
        let now_state = now
            .get(path)
            .unwrap_or_else(|| panic!("killed at {point}: {path} is missing"));
        assert!(
            now_state.bytes == old_state.bytes || now_state.bytes == new_state.bytes,
            "killed at {point}: {path} is neither old nor new"
        );
    }
}

const NEW_BASE: [&str; 2] = ["--base-url", "https://new.example.gov.cn/campaign/"];

/// The same content; only the arguments differ.
fn same_content(_: &TestSite, _: bool) {}

/// A new base URL changes every page: the build stages the whole site.
fn whole_site_replaced(portable: bool) {
    let site = big_site(100);
    let new_args = ["build", "--compress", NEW_BASE[0], NEW_BASE[1]];
    let versions = Versions {
        site: &site,
        old_args: &["build", "--compress"],
        new_args: &new_args,
        content: same_content,
        portable,
    };
    let mut points = BEFORE_COMMIT.to_vec();
    // Linux exchanges the two folders in one step; elsewhere a journal commits.
    points.extend(if portable {
        JOURNAL_COMMIT
    } else {
        &["build-swapped"][..]
    });
    kill_at_points(&versions, &points);
}

#[test]
fn a_build_replacing_the_whole_output_killed_at_any_point_leaves_a_complete_site() {
    whole_site_replaced(false);
}

#[test]
fn the_portable_whole_replace_killed_at_any_point_leaves_a_complete_site() {
    whole_site_replaced(true);
}

/// The old and new content of the changes tests: three articles edited, one removed,
/// one added, a stylesheet changed.
fn edited_content(site: &TestSite, new: bool) {
    let body = if new {
        "改过的正文。"
    } else {
        "原来的正文。"
    };
    for i in [3, 17, 40] {
        big_article(site, i, &body.repeat(30));
    }
    let removed = site.path("content/articles/2025/a5.md");
    let added = site.path("content/articles/2026/added.md");
    if new {
        let _ = std::fs::remove_file(removed);
        site.article(
            "2026/added.md",
            "新增文章",
            "2026-09-14",
            "tags: [新标签]\n",
            "新的",
        );
    } else {
        big_article(site, 5, "第五篇");
        let _ = std::fs::remove_file(added);
    }
    let color = if new { "blue" } else { "red" };
    site.file("static/css/extra.css", &format!("p {{ color: {color} }}\n"));
}

/// A few articles edited: only the changed files are staged and committed.
fn changes_committed(portable: bool) {
    let site = big_site(60);
    let args = ["build", "--compress"];
    let versions = Versions {
        site: &site,
        old_args: &args,
        new_args: &args,
        content: edited_content,
        portable,
    };
    let mut points = BEFORE_COMMIT.to_vec();
    points.extend(JOURNAL_COMMIT);
    kill_at_points(&versions, &points);
}

#[test]
fn a_commit_of_changes_killed_at_any_point_is_finished_by_the_next_build() {
    changes_committed(false);
}

#[test]
fn the_portable_commit_of_changes_killed_at_any_point_is_finished_by_the_next_build() {
    changes_committed(true);
}

#[test]
fn a_build_killed_at_moments_spread_over_it_leaves_a_complete_site() {
    let site = big_site(400);
    let old_args = ["build", "--compress"];
    // The new build differs on every page, so any mix of old and new would show.
    let new_args = ["build", "--compress", NEW_BASE[0], NEW_BASE[1]];
    site.run(&old_args).ok();
    let public = site.path("public");
    let mut old = snapshot(&public);
    let new_output = build_fresh(&site, &new_args);
    // Kills at moments spread over a whole build, wherever they land.
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
        leftovers(site.root()).is_empty(),
        "{:?}",
        leftovers(site.root())
    );
    assert_eq!(bytes_only(&snapshot(&public)), bytes_only(&old));
}

/// Reads every file of `paths` under `dir` over and over until `stop`, sending the
/// number of each finished pass; returns what it found wrong: a file missing, or
/// with bytes that are neither its old nor its new ones.
fn read_in_a_loop(
    dir: PathBuf,
    paths: Vec<(String, Vec<u8>, Vec<u8>)>,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    passes: std::sync::mpsc::Sender<usize>,
) -> Vec<String> {
    let mut wrong = Vec::new();
    let mut pass = 0;
    while !stop.load(std::sync::atomic::Ordering::SeqCst) {
        for (path, old, new) in &paths {
            match std::fs::read(dir.join(path)) {
                Ok(bytes) if bytes == *old || bytes == *new => {}
                Ok(_) => wrong.push(format!("{path}: neither old nor new")),
                Err(e) => wrong.push(format!("{path}: {e}")),
            }
        }
        pass += 1;
        let _ = passes.send(pass);
    }
    wrong
}

/// Runs the new version's build while a reader reads every shared file in a loop;
/// at each pause point of the commit, lets the reader finish two whole passes before
/// the build goes on. Returns what the reader found wrong.
fn read_during_commit(v: &Versions<'_>, points: &[&str]) -> Vec<String> {
    use std::sync::{Arc, atomic::AtomicBool, mpsc};
    let site = v.site;
    (v.content)(site, true);
    let new_output = build_fresh(site, v.new_args);
    (v.content)(site, false);
    herald_in(site, v.old_args, v.portable);
    let old = snapshot(&site.path("public"));
    let shared = old
        .iter()
        .filter_map(|(path, state)| {
            let new = new_output.get(path)?;
            Some((path.clone(), state.bytes.clone(), new.bytes.clone()))
        })
        .collect();
    (v.content)(site, true);
    let stop = Arc::new(AtomicBool::new(false));
    let (send, passes) = mpsc::channel();
    let reader = {
        let (dir, stop) = (site.path("public"), Arc::clone(&stop));
        std::thread::spawn(move || read_in_a_loop(dir, shared, stop, send))
    };
    let (mut child, lines) = herald_paused(site, v.new_args, v.portable, &points.join(","));
    let mut last = 0;
    for line in lines.map_while(Result::ok) {
        if line.starts_with("paused at ") {
            last = passes.try_iter().last().unwrap_or(last);
            let target = last + 2;
            while last < target {
                last = passes.recv().unwrap();
            }
            resume(&mut child);
        }
    }
    assert!(child.wait().unwrap().success());
    let target = passes.try_iter().last().unwrap_or(last) + 2;
    while last < target {
        last = passes.recv().unwrap();
    }
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let wrong = reader.join().unwrap();
    assert_eq!(
        bytes_only(&snapshot(&site.path("public"))),
        bytes_only(&new_output)
    );
    wrong
}

#[test]
fn a_reader_never_finds_a_file_missing_while_a_build_commits() {
    let site = big_site(60);
    let base_args = ["build", "--compress"];
    let new_base = ["build", "--compress", NEW_BASE[0], NEW_BASE[1]];
    let mut points = vec!["build-compressed", "build-swapped"];
    points.extend(JOURNAL_COMMIT);
    for portable in [false, true] {
        for (new_args, content) in [
            (&base_args[..], edited_content as fn(&TestSite, bool)),
            (&new_base[..], same_content as fn(&TestSite, bool)),
        ] {
            let versions = Versions {
                site: &site,
                old_args: &base_args,
                new_args,
                content,
                portable,
            };
            let wrong = read_during_commit(&versions, &points);
            assert!(
                wrong.is_empty(),
                "portable: {portable}, {new_args:?}: {:?}",
                &wrong[..wrong.len().min(10)]
            );
        }
    }
}

/// A build keeps no article's rendered body in memory once it is in the Markdown
/// cache's file: each is read back from there as its page is written. A file damaged
/// meanwhile fails the build with an error naming it, and nothing is published.
#[test]
fn a_build_reads_bodies_back_from_the_markdown_cache_and_damage_fails_it() {
    let site = TestSite::new();
    site.article("a.md", "甲", "2026-01-01", "", "独有的正文句子。");
    // Saved early from the first body rendered afresh (500 by default: an edit's few
    // bodies wait for the save at the end).
    let mut command = site.paused_command(&["build"], "build-staging");
    command.env("HERALD_SPILL_AT", "1");
    let (mut child, mut lines) = spawn(command);
    assert!(reaches(&mut lines, "build-staging"));
    let bodies = site.path(".herald-cache/markdown-bodies.bin");
    let written = std::fs::read(&bodies).unwrap();
    let sentence = "独有的正文句子".as_bytes();
    let at = written
        .windows(sentence.len())
        .position(|w| w == sentence)
        .expect("the body was saved before the pages are written");
    let mut damaged = written.clone();
    damaged[at..at + 3].copy_from_slice("错".as_bytes());
    // In place, as a disk or another program would: the build holds the file open.
    std::fs::OpenOptions::new()
        .write(true)
        .open(&bodies)
        .and_then(|mut f| std::io::Write::write_all(&mut f, &damaged))
        .unwrap();
    resume(&mut child);
    let stderr: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(!child.wait().unwrap().success(), "{stderr:?}");
    assert_contains(&stderr.join("\n"), "was damaged while Herald read it");
    assert!(!site.path("public/articles/a/index.html").exists());
    site.build().ok();
    assert_contains(&site.read("articles/a/index.html"), "独有的正文句子");
}

#[test]
fn a_build_after_an_edit_saves_its_state_beside_the_last_one() {
    let site = big_site(80);
    site.build().ok();
    let base = site.path(".herald-cache/build-state.bin");
    let delta = site.path(".herald-cache/build-state-delta.bin");
    let base_bytes = std::fs::read(&base).unwrap();
    assert!(!delta.exists());
    let body = |n: usize| format!("第{n}次修改的正文。");
    // (Compared with a copy built from nothing: a build into another folder here
    // would replace the state, which one site keeps for one output at a time.)
    let output_bytes = |site: &TestSite| common::files_with_bytes(&site.path("public"));
    // A small site's search index changes in many files at each edit: the delta is
    // let grow to the base's size (8 times smaller by default, for large sites).
    let build_keeping_base = |site: &TestSite| {
        let output = Command::new(env!("CARGO_BIN_EXE_herald"))
            .arg("build")
            .current_dir(site.root())
            .env("HERALD_NOW", common::NOW)
            .env("HERALD_DELTA_SHARE", "1")
            .output()
            .unwrap();
        assert!(output.status.success(), "{output:?}");
    };

    // Edits of one article each: the base stays, the changes go beside it, and each
    // build reads both back (the output is what a fresh build gives).
    for (step, i) in [3, 40, 3].into_iter().enumerate() {
        big_article(&site, i, &body(step));
        build_keeping_base(&site);
        assert!(std::fs::read(&base).unwrap() == base_bytes, "step {step}");
        assert!(delta.is_file(), "step {step}");
        assert_eq!(
            output_bytes(&site),
            output_bytes(&site.built_from_scratch())
        );
    }
    // A file touched but not changed: the state read back with its delta matches
    // the output, so the build sees nothing to do and writes nothing.
    let before = snapshot(&site.path("public"));
    let touched = std::fs::File::options()
        .write(true)
        .open(site.path("content/articles/2023/a3.md"))
        .unwrap();
    touched.set_modified(SystemTime::now()).unwrap();
    let again = site.build().ok();
    assert_contains(&format!("{}{}", again.stdout, again.stderr), "up to date");
    assert_eq!(snapshot(&site.path("public")), before);

    // A damaged delta is left out: the base describes an older output, which the
    // output's stamp tells apart, so the next build still gives the right output.
    let mut bytes = std::fs::read(&delta).unwrap();
    bytes.truncate(bytes.len() / 2);
    std::fs::write(&delta, &bytes).unwrap();
    big_article(&site, 7, &body(9));
    build_keeping_base(&site);
    assert_eq!(
        output_bytes(&site),
        output_bytes(&site.built_from_scratch())
    );

    // Changes of an eighth of the state or more: written whole as a new base.
    big_article(&site, 8, &body(10));
    site.build().ok();
    assert!(std::fs::read(&base).unwrap() != base_bytes);
    assert!(!delta.exists());
    assert_eq!(
        output_bytes(&site),
        output_bytes(&site.built_from_scratch())
    );
}
