//! The broken-site corpus: every folder of `tests/broken/` is a small site with one
//! thing wrong, and an `expected.txt` saying exactly what `herald build` must print.
//!
//! `expected.txt` holds, one per line:
//! - `# …` comments;
//! - `setup: big PATH MB` (a Markdown file of that many megabytes),
//!   `setup: deep PATH N` (front matter with `[` nested N deep) or
//!   `setup: symlink PATH TARGET`, made in the copy when the test runs, because git
//!   cannot keep them or should not;
//! - `exit: N`, the exit status (1 unless said);
//! - `output: PATH`, a file the build must write (for cases that must build);
//! - every other line: a line `build` must print on stderr, in this order.
//!
//! Each case is copied to a temp folder first, so builds never write into the
//! repository. A failing case must print no panic, leave no output folder and no
//! staging folder, and `check` must report the same problems.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

struct Case {
    name: String,
    setup: Vec<Vec<String>>,
    exit: i32,
    outputs: Vec<String>,
    lines: Vec<String>,
}

fn read_case(dir: &Path) -> Case {
    let name = dir.file_name().unwrap().to_string_lossy().to_string();
    let text = std::fs::read_to_string(dir.join("expected.txt"))
        .unwrap_or_else(|e| panic!("{name}: expected.txt: {e}"));
    let mut case = Case {
        name,
        setup: Vec::new(),
        exit: 1,
        outputs: Vec::new(),
        lines: Vec::new(),
    };
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        } else if let Some(rest) = line.strip_prefix("setup: ") {
            case.setup
                .push(rest.split_whitespace().map(str::to_string).collect());
        } else if let Some(code) = line.strip_prefix("exit: ") {
            case.exit = code.parse().expect("exit: a number");
        } else if let Some(path) = line.strip_prefix("output: ") {
            case.outputs.push(path.to_string());
        } else {
            case.lines.push(line.to_string());
        }
    }
    case
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else if entry.file_name() != "expected.txt" {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn set_up(case: &Case, site: &Path) {
    for step in &case.setup {
        // Git keeps no empty folders: make the one the file goes in.
        let parent = site.join(&step[1]).parent().unwrap().to_path_buf();
        std::fs::create_dir_all(parent).unwrap();
        match step
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .as_slice()
        {
            ["big", path, megabytes] => {
                let bytes = megabytes.parse::<usize>().unwrap() * 1024 * 1024;
                let mut text = String::from("---\ntitle: 大文件\ndate: 2026-01-01\n---\n");
                let line = "网络安全宣传周，网络安全为人民，网络安全靠人民。\n";
                text.reserve(bytes);
                while text.len() < bytes {
                    text.push_str(line);
                }
                std::fs::write(site.join(path), text).unwrap();
            }
            ["deep", path, depth] => {
                let depth = depth.parse::<usize>().unwrap();
                let text = format!(
                    "---\ntitle: 深\ndate: 2026-01-01\nx: {}\n---\n",
                    "[".repeat(depth)
                );
                std::fs::write(site.join(path), text).unwrap();
            }
            ["symlink", path, target] => {
                std::os::unix::fs::symlink(target, site.join(path)).unwrap();
            }
            other => panic!("{}: unknown setup {other:?}", case.name),
        }
    }
}

fn herald(work: &Path, args: &[&str]) -> (i32, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_herald"))
        .args(args)
        .current_dir(work)
        .env("HERALD_NOW", common::NOW)
        .output()
        .expect("run herald");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Checks one case; returns what went wrong, if anything.
fn run_case(dir: &Path) -> Result<(), String> {
    let case = read_case(dir);
    let work = tempfile::tempdir().unwrap();
    let site = work.path().join("site");
    copy_dir(dir, &site);
    set_up(&case, &site);

    let (code, stderr) = herald(
        work.path(),
        &["build", "--root", "site", "--output", "public"],
    );
    let fail = |why: String| Err(format!("{}: {why}\n--- stderr:\n{stderr}", case.name));
    if stderr.contains("panicked") {
        return fail("herald panicked".into());
    }
    if code != case.exit {
        return fail(format!("exit status {code}, expected {}", case.exit));
    }
    let printed: Vec<&str> = stderr.lines().collect();
    let mut at = 0;
    for expected in &case.lines {
        match printed[at..].iter().position(|l| l == expected) {
            Some(found) => at += found + 1,
            None => return fail(format!("missing (or out of order) line:\n{expected}")),
        }
    }
    let public = work.path().join("public");
    for output in &case.outputs {
        if !public.join(output).is_file() {
            return fail(format!("{output} was not written"));
        }
    }
    let left: Vec<PathBuf> = std::fs::read_dir(work.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            // The stamp of the last commit stays beside the output on purpose.
            name.contains("herald") && !name.ends_with(".herald-stamp")
        })
        .collect();
    if !left.is_empty() {
        return fail(format!("staging folders left behind: {left:?}"));
    }
    if case.exit == 0 {
        return Ok(());
    }
    if public.exists() {
        return fail("a failed build left an output folder".into());
    }
    // `check` finds the same problems, writing nothing.
    let (code, check_stderr) = herald(work.path(), &["check", "--root", "site"]);
    if code != case.exit || check_stderr.contains("panicked") {
        return fail(format!("check: exit status {code}\n{check_stderr}"));
    }
    for expected in case.lines.iter().filter(|l| !l.starts_with("build failed")) {
        if !check_stderr.lines().any(|l| l == expected) {
            return fail(format!("check did not print:\n{expected}\n{check_stderr}"));
        }
    }
    Ok(())
}

#[test]
fn every_broken_site_fails_with_its_expected_error() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/broken");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("expected.txt").is_file())
        .collect();
    cases.sort();
    assert!(
        cases.len() >= 15,
        "the corpus has only {} cases",
        cases.len()
    );
    // Four at a time: each case is a few runs of the binary.
    let failures: Vec<String> = std::thread::scope(|scope| {
        let runs: Vec<_> = cases
            .chunks(cases.len().div_ceil(4))
            .map(|chunk| {
                scope.spawn(move || chunk.iter().filter_map(|d| run_case(d).err()).collect())
            })
            .collect();
        runs.into_iter()
            .flat_map(|run| {
                run.join()
                    .unwrap_or_else(|_| vec!["a case panicked".into()])
            })
            .collect::<Vec<String>>()
    });
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

#[test]
fn a_broken_site_leaves_the_previous_output_as_it_was() {
    // The same corpus, over an existing good output.
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/broken/nul-byte");
    let work = tempfile::tempdir().unwrap();
    let site = work.path().join("site");
    copy_dir(&corpus, &site);
    let broken = site.join("content/articles/nul.md");
    let bad = std::fs::read(&broken).unwrap();
    std::fs::write(&broken, "---\ntitle: 好的\ndate: 2026-01-01\n---\n正文\n").unwrap();
    let (code, stderr) = herald(
        work.path(),
        &["build", "--root", "site", "--output", "public"],
    );
    assert_eq!(code, 0, "{stderr}");
    let page = work.path().join("public/articles/nul/index.html");
    let before = std::fs::read(&page).unwrap();
    std::fs::write(&broken, bad).unwrap();
    let (code, stderr) = herald(
        work.path(),
        &["build", "--root", "site", "--output", "public"],
    );
    assert_eq!(code, 1, "{stderr}");
    common::assert_contains(&stderr, "the previous output was left as it was");
    assert_eq!(std::fs::read(&page).unwrap(), before);
}
