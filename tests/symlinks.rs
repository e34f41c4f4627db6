//! Symbolic links in a site: those that stay inside the site folder work, those that
//! lead outside it are an error in `build`, `check` and `serve` alike, and nothing
//! behind them is published (a link to `/etc/passwd` must never reach the web server).
#![cfg(unix)]

mod common;

use std::os::unix::fs::symlink;

use common::serve::Server;
use common::{TestSite, assert_contains, assert_lacks};

/// A folder outside the site with a secret file and a secret folder.
struct Outside {
    dir: tempfile::TempDir,
}

impl Outside {
    fn new() -> Outside {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("secret.txt"), "TOP-SECRET-FILE").unwrap();
        std::fs::create_dir_all(dir.path().join("private")).unwrap();
        std::fs::write(dir.path().join("private/notes.txt"), "TOP-SECRET-FOLDER").unwrap();
        std::fs::write(dir.path().join("leak.yaml"), "secret: TOP-SECRET-DATA\n").unwrap();
        Outside { dir }
    }

    fn path(&self, rel: &str) -> std::path::PathBuf {
        self.dir.path().join(rel)
    }
}

/// A site with a link of each kind that leaves it: a file link, a folder link, a chain
/// of links whose last step leaves, in static/, content/, assets/ and data/.
fn leaking_site(outside: &Outside) -> TestSite {
    let site = TestSite::new();
    site.article("a.md", "甲文", "2026-01-01", "", "正文");
    site.file("static/robots-extra.txt", "ok");
    std::fs::create_dir_all(site.path("data")).unwrap();
    std::fs::create_dir_all(site.path("assets")).unwrap();
    symlink(outside.path("secret.txt"), site.path("static/passwd.txt")).unwrap();
    symlink(outside.path("private"), site.path("static/private")).unwrap();
    // static/chain.txt → static/step.txt → outside/secret.txt
    symlink(outside.path("secret.txt"), site.path("static/step.txt")).unwrap();
    symlink(site.path("static/step.txt"), site.path("static/chain.txt")).unwrap();
    symlink(
        outside.path("secret.txt"),
        site.path("content/articles/note.txt"),
    )
    .unwrap();
    symlink(outside.path("private"), site.path("assets/private")).unwrap();
    symlink(outside.path("leak.yaml"), site.path("data/leak.yaml")).unwrap();
    site
}

const LINKS: [&str; 6] = [
    "static/passwd.txt",
    "static/private",
    "static/step.txt",
    "content/articles/note.txt",
    "assets/private",
    "data/leak.yaml",
];

#[test]
fn build_refuses_links_out_of_the_site_and_publishes_nothing() {
    let outside = Outside::new();
    let site = leaking_site(&outside);
    let stderr = site.build().fails();
    for link in LINKS {
        assert_contains(
            &stderr,
            &format!("{link}: symbolic link leads outside the site folder"),
        );
    }
    // The chain names its first link too, since it resolves outside through it.
    assert_contains(&stderr, "static/chain.txt: symbolic link leads outside");
    assert_contains(&stderr, "copy the file into the site folder");
    assert!(
        !site.path("public").exists(),
        "a failed build publishes nothing"
    );
}

#[test]
fn check_reports_the_same_links() {
    let outside = Outside::new();
    let site = leaking_site(&outside);
    let stderr = site.run(&["check"]).fails();
    for link in LINKS {
        assert_contains(
            &stderr,
            &format!("{link}: symbolic link leads outside the site folder"),
        );
    }
    assert_contains(
        &stderr,
        &outside
            .path("secret.txt")
            .canonicalize()
            .unwrap()
            .display()
            .to_string(),
    );
}

#[test]
fn serve_shows_the_error_and_serves_nothing_behind_the_links() {
    let outside = Outside::new();
    let site = leaking_site(&outside);
    let mut server = Server::start(site.root(), 0, &[]);
    server.wait_for_line("symbolic link leads outside the site folder");
    for path in [
        "/passwd.txt",
        "/private/notes.txt",
        "/chain.txt",
        "/articles/note.txt",
    ] {
        let response = server.get(path);
        assert_eq!(response.status, 404, "{path}");
        assert_lacks(&response.body, "TOP-SECRET");
    }
}

#[test]
fn links_that_stay_inside_the_site_keep_working() {
    let site = TestSite::new();
    site.article("a.md", "甲文", "2026-01-01", "", "正文");
    site.file("shared/logo.txt", "LOGO");
    site.file("shared/docs/guide.txt", "GUIDE");
    std::fs::create_dir_all(site.path("static")).unwrap();
    symlink(site.path("shared/logo.txt"), site.path("static/logo.txt")).unwrap();
    symlink("../shared/docs", site.path("static/docs")).unwrap();
    // A chain that stays inside: static/alias.txt → static/logo.txt → shared/logo.txt.
    symlink("logo.txt", site.path("static/alias.txt")).unwrap();
    site.build().ok();
    assert_eq!(site.read("logo.txt"), "LOGO");
    assert_eq!(site.read("docs/guide.txt"), "GUIDE");
    assert_eq!(site.read("alias.txt"), "LOGO");
    site.run(&["check"]).ok();
}

#[test]
fn a_site_reached_through_a_link_is_still_inside_itself() {
    let holder = tempfile::tempdir().unwrap();
    let site = TestSite::new();
    site.article("a.md", "甲文", "2026-01-01", "", "正文");
    site.file("shared/logo.txt", "LOGO");
    std::fs::create_dir_all(site.path("static")).unwrap();
    symlink(site.path("shared/logo.txt"), site.path("static/logo.txt")).unwrap();
    let linked_root = holder.path().join("site");
    symlink(site.root(), &linked_root).unwrap();
    let out = holder.path().join("out");
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_herald"))
        .args(["build", "--root"])
        .arg(&linked_root)
        .arg("--output")
        .arg(&out)
        .env("HERALD_NOW", common::NOW)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(out.join("logo.txt")).unwrap(),
        "LOGO"
    );
}
