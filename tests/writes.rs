//! Herald writes only where it should: `herald new` stays inside `content/`, a build
//! into an `--output` that is a symbolic link replaces the link's target and keeps the
//! link, and two builds into one output take turns.

mod common;

use std::process::{Command, Stdio};

use common::{NOW, TestSite, assert_contains};

#[test]
fn new_refuses_paths_that_leave_content() {
    let site = TestSite::new();
    let outside = tempfile::tempdir().unwrap();
    let absolute = outside.path().join("x.md");
    for path in [
        "../../x.md",
        "articles/../../x.md",
        "content/../config-copy.md",
        absolute.to_str().unwrap(),
    ] {
        let stderr = site.run(&["new", path]).fails();
        assert_contains(&stderr, "is outside the site's content/ folder");
        assert_contains(&stderr, "help: give a path inside content/");
    }
    assert!(!absolute.exists());
    assert!(!site.path("config-copy.md").exists());
    assert!(!site.root().parent().unwrap().join("x.md").exists());
}

#[cfg(unix)]
#[test]
fn new_refuses_a_linked_folder_that_leads_out_of_content() {
    let site = TestSite::new();
    let outside = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path(), site.path("content/elsewhere")).unwrap();
    let stderr = site.run(&["new", "elsewhere/x.md"]).fails();
    assert_contains(&stderr, "is outside the site's content/ folder");
    assert!(!outside.path().join("x.md").exists());
}

#[test]
fn new_accepts_every_way_of_naming_a_path_inside_content() {
    let site = TestSite::new();
    let absolute = site.path("content/articles/abs.md");
    for path in [
        "articles/one.md",
        "./articles/two.md",
        "content/articles/three.md",
        "articles/2026/../four.md",
        absolute.to_str().unwrap(),
    ] {
        site.run(&["new", path]).ok();
    }
    for name in ["one", "two", "three", "four", "abs"] {
        assert!(
            site.path(&format!("content/articles/{name}.md")).is_file(),
            "{name}"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_build_into_a_linked_output_replaces_the_target_and_keeps_the_link() {
    let site = TestSite::new();
    site.article("a.md", "甲文", "2026-01-01", "", "第一版");
    std::fs::create_dir_all(site.path("releases")).unwrap();
    std::os::unix::fs::symlink("releases/r1", site.path("current")).unwrap();
    // The link is dangling at first: the build creates its target.
    site.run(&["build", "--output", "current"]).ok();
    assert!(
        site.path("current")
            .symlink_metadata()
            .unwrap()
            .is_symlink()
    );
    let page = site.path("releases/r1/articles/a/index.html");
    assert_contains(&std::fs::read_to_string(&page).unwrap(), "第一版");

    site.article("a.md", "甲文", "2026-01-01", "", "第二版");
    site.run(&["build", "--output", "current"]).ok();
    assert!(
        site.path("current")
            .symlink_metadata()
            .unwrap()
            .is_symlink()
    );
    assert_contains(&std::fs::read_to_string(&page).unwrap(), "第二版");
    assert_eq!(leftovers(&site.path("releases")), Vec::<String>::new());
    assert_eq!(leftovers(site.root()), Vec::<String>::new());
}

#[cfg(unix)]
#[test]
fn a_failed_build_into_a_dangling_link_leaves_nothing_behind() {
    let site = TestSite::new();
    site.file("content/articles/bad.md", "---\ntitle: [\n---\n");
    std::fs::create_dir_all(site.path("releases")).unwrap();
    std::os::unix::fs::symlink("releases/r1", site.path("current")).unwrap();
    site.run(&["build", "--output", "current"]).fails();
    assert!(
        site.path("current")
            .symlink_metadata()
            .unwrap()
            .is_symlink()
    );
    assert!(!site.path("releases/r1").exists());
    assert_eq!(leftovers(&site.path("releases")), Vec::<String>::new());
    assert_eq!(leftovers(site.root()), Vec::<String>::new());
}

#[cfg(unix)]
#[test]
fn a_linked_output_that_leads_into_the_site_is_refused() {
    let site = TestSite::new();
    std::os::unix::fs::symlink("content", site.path("out")).unwrap();
    let stderr = site.run(&["build", "--output", "out"]).fails();
    assert_contains(&stderr, "refusing to use");
    assert!(site.path("content/_index.md").is_file());
}

#[test]
fn a_build_waits_while_another_build_holds_the_output() {
    let site = TestSite::new();
    site.article("a.md", "甲文", "2026-01-01", "", "正文");
    let lock = std::fs::File::create(site.path(".public.herald-lock")).unwrap();
    lock.lock().unwrap();
    let mut build = Command::new(env!("CARGO_BIN_EXE_herald"))
        .arg("build")
        .current_dir(site.root())
        .env("HERALD_NOW", NOW)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = std::io::BufReader::new(build.stderr.take().unwrap());
    let mut line = String::new();
    std::io::BufRead::read_line(&mut stderr, &mut line).unwrap();
    assert_contains(&line, "waiting for another build into");
    // While it waits it has touched nothing.
    assert!(!site.path("public").exists());
    assert_eq!(leftovers(site.root()), Vec::<String>::new());
    lock.unlock().unwrap();
    assert!(build.wait().unwrap().success());
    assert!(site.exists("articles/a/index.html"));
}

#[test]
fn two_builds_into_one_output_at_once_both_succeed() {
    let site = TestSite::new();
    for n in 0..30 {
        site.article(
            &format!("a{n}.md"),
            &format!("文章{n}"),
            "2026-01-01",
            "",
            "正文",
        );
    }
    let start = || {
        Command::new(env!("CARGO_BIN_EXE_herald"))
            .arg("build")
            .current_dir(site.root())
            .env("HERALD_NOW", NOW)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (first, second) = (start(), start());
    for build in [first, second] {
        let output = build.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    assert!(site.exists("articles/a29/index.html"));
    assert_eq!(leftovers(site.root()), Vec::<String>::new());
}

/// Staging and old-output folders left in `dir`.
fn leftovers(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("herald-staging") || n.contains("herald-old"))
        .collect();
    names.sort();
    names
}
