//! A small site in a temp folder, the real `herald` binary run on it, and short
//! helpers to read what it wrote.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The clock every test build runs at, so future-dated pages are predictable.
pub const NOW: &str = "2026-11-22T12:00:00+08:00";

/// A site folder in a temp dir.
pub struct TestSite {
    dir: tempfile::TempDir,
}

/// The outcome of one run of the binary.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(output: Output) -> Run {
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Panics with the output unless the run succeeded.
    pub fn ok(self) -> Run {
        assert_eq!(
            self.code, 0,
            "expected success\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Panics unless the run failed with status 1; returns stderr.
    pub fn fails(self) -> String {
        assert_eq!(
            self.code, 1,
            "expected failure\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self.stderr
    }
}

pub const CONFIG: &str = "title: 测试站点\nbase_url: https://www.example.gov.cn/\npaginate: 2\n";

impl TestSite {
    /// A site with a config and a landing page.
    pub fn new() -> TestSite {
        let site = TestSite {
            dir: tempfile::tempdir().expect("temp dir"),
        };
        site.file("config.yaml", CONFIG);
        site.file("content/_index.md", "---\ntitle: 首页\n---\n欢迎\n");
        // The small test theme, so tests do not depend on the real theme's wording.
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/theme");
        for file in walk(&fixture) {
            let rel = file.strip_prefix(&fixture).unwrap();
            let target = site.path("themes/default").join(rel);
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::copy(&file, target).unwrap();
        }
        site
    }

    /// An empty folder.
    pub fn empty() -> TestSite {
        TestSite {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Writes a file (creating folders).
    pub fn file(&self, rel: &str, text: &str) -> &TestSite {
        self.bytes(rel, text.as_bytes())
    }

    pub fn bytes(&self, rel: &str, bytes: &[u8]) -> &TestSite {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
        self
    }

    /// Writes an article with the given extra front matter lines.
    pub fn article(
        &self,
        rel: &str,
        title: &str,
        date: &str,
        front: &str,
        body: &str,
    ) -> &TestSite {
        let text = format!("---\ntitle: {title}\ndate: {date}\n{front}---\n\n{body}\n");
        self.file(&format!("content/articles/{rel}"), &text)
    }

    /// Runs `herald ARGS` in the site folder.
    pub fn run(&self, args: &[&str]) -> Run {
        let output = Command::new(env!("CARGO_BIN_EXE_herald"))
            .args(args)
            .current_dir(self.root())
            .env("HERALD_NOW", NOW)
            .output()
            .expect("run herald");
        Run::from(output)
    }

    /// `herald build` into `public/`.
    pub fn build(&self) -> Run {
        self.run(&["build"])
    }

    /// Reads an output file of `public/`.
    pub fn read(&self, rel: &str) -> String {
        let path = self.path("public").join(rel);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
    }

    /// Reads a file of the site folder.
    pub fn read_file(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap()
    }

    /// True if `public/rel` exists.
    pub fn exists(&self, rel: &str) -> bool {
        self.path("public").join(rel).exists()
    }

    /// Every file under `public/`, relative, sorted.
    pub fn output_files(&self) -> Vec<String> {
        let base = self.path("public");
        let mut files: Vec<String> = walk(&base)
            .into_iter()
            .map(|p| {
                p.strip_prefix(&base)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect();
        files.sort();
        files
    }

    /// A copy of this site's sources (no caches, no output, nothing a build writes
    /// beside its output), built from nothing: what an incremental build must equal.
    pub fn built_from_scratch(&self) -> TestSite {
        let copy = TestSite::empty();
        for file in walk(self.root()) {
            let rel = file.strip_prefix(self.root()).unwrap();
            let name = rel.to_string_lossy().replace('\\', "/");
            let written = rel.starts_with(".herald-cache")
                || rel.starts_with("public")
                || name.starts_with("public.")
                || name.starts_with(".public");
            if !written {
                copy.bytes(&name, &std::fs::read(&file).unwrap());
            }
        }
        copy.build().ok();
        copy
    }

    /// Sets the modification time of every file under `content/` a minute back, so
    /// that the parse cache trusts their stamps (it keeps none changed in the last 2 s).
    pub fn settle_content(&self) {
        let minute_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(60);
        for file in files_with_bytes(&self.path("content")).keys() {
            let path = self.path("content").join(file);
            let file = std::fs::File::options().write(true).open(path).unwrap();
            file.set_modified(minute_ago).unwrap();
        }
    }

    /// `herald ARGS` in the site folder, to be spawned with [`spawn`]: paused at
    /// `pause_at` (`HERALD_PAUSE_AT`), stdin and stderr piped.
    pub fn paused_command(&self, args: &[&str], pause_at: &str) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_herald"));
        command
            .args(args)
            .current_dir(self.root())
            .env("HERALD_NOW", NOW)
            .env("HERALD_PAUSE_AT", pause_at)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped());
        command
    }
}

/// A child's stderr, line by line.
pub type StderrLines = std::io::Lines<std::io::BufReader<std::process::ChildStderr>>;

/// Starts `command`, with its stderr's lines.
pub fn spawn(mut command: Command) -> (std::process::Child, StderrLines) {
    use std::io::BufRead as _;
    let mut child = command.spawn().unwrap();
    let lines = std::io::BufReader::new(child.stderr.take().unwrap()).lines();
    (child, lines)
}

/// Reads stderr lines until `paused at POINT`; false if the run ended first.
pub fn reaches(lines: &mut impl Iterator<Item = std::io::Result<String>>, point: &str) -> bool {
    let expected = format!("paused at {point}");
    lines.map_while(Result::ok).any(|line| line == expected)
}

/// Lets a paused run go on.
pub fn resume(child: &mut std::process::Child) {
    use std::io::Write as _;
    let stdin = child.stdin.as_mut().unwrap();
    stdin.write_all(b"\n").unwrap();
    stdin.flush().unwrap();
}

/// Every file under `dir` (relative path, `/`-separated) with its bytes.
pub fn files_with_bytes(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    walk(dir)
        .into_iter()
        .map(|file| {
            let rel = file.strip_prefix(dir).unwrap();
            let bytes = std::fs::read(&file).unwrap();
            (rel.to_string_lossy().replace('\\', "/"), bytes)
        })
        .collect()
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                out.extend(walk(&path));
            } else {
                out.push(path);
            }
        }
    }
    out
}

/// Asserts that `haystack` contains `needle`, showing the haystack otherwise.
#[track_caller]
pub fn assert_contains(haystack: &str, needle: &str) {
    assert!(
        haystack.contains(needle),
        "expected to find\n  {needle}\nin\n{haystack}"
    );
}

/// Asserts that `haystack` does not contain `needle`.
#[track_caller]
pub fn assert_lacks(haystack: &str, needle: &str) {
    assert!(
        !haystack.contains(needle),
        "expected NOT to find\n  {needle}\nin\n{haystack}"
    );
}
pub mod serve;
