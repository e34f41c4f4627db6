//! `herald serve` as an editor uses it: pages over HTTP, saves of every kind seen by
//! the real file watcher, reload events, broken edits, and a safe file server.

mod common;

use common::serve::{Server, get, keep_alive};
use common::{TestSite, assert_contains, assert_lacks};

fn site() -> TestSite {
    let site = TestSite::new();
    site.file("content/articles/_index.md", "---\ntitle: 新闻\n---\n")
        .file("static/docs/说明 1.txt", "静态文件")
        .file("assets/css/app.css", "body { color: black; }")
        .article(
            "a.md",
            "甲文",
            "2026-01-01",
            "tags: [网络安全]\n",
            "甲的正文",
        )
        .article("b.md", "乙文", "2026-02-01", "", "乙的正文");
    site
}

#[test]
fn serves_pages_files_and_404_with_live_reload_script() {
    let site = site();
    let server = Server::start(site.root(), 0, &[]);
    let page = server.get("/articles/a/");
    assert_eq!(page.status, 200);
    assert_contains(
        &page.headers.to_ascii_lowercase(),
        "content-type: text/html; charset=utf-8",
    );
    assert_contains(&page.body, "甲的正文");
    assert_contains(
        &page.body,
        "<script src=\"/__herald/livereload.js\" defer></script></body>",
    );
    let index = server.get("/");
    assert_eq!(index.status, 200);
    let redirect = server.get("/articles/a");
    assert_eq!(redirect.status, 301);
    assert_contains(&redirect.headers, "location: /articles/a/");
    let css = server.get("/css/app.css");
    assert_eq!(
        css.status, 200,
        "assets are not fingerprinted while serving"
    );
    assert_contains(&css.headers.to_ascii_lowercase(), "content-type: text/css");
    let file = server.get("/docs/%E8%AF%B4%E6%98%8E%201.txt");
    assert_eq!(file.body, "静态文件");
    let feed = server.get("/atom.xml");
    assert_contains(
        &feed.headers.to_ascii_lowercase(),
        "content-type: text/xml; charset=utf-8",
    );
    assert_lacks(&feed.body, "livereload");
    let missing = server.get("/no/such/page/");
    assert_eq!(missing.status, 404);
    assert_contains(&missing.body, "页面不存在");
    assert_eq!(server.get("/__herald/livereload.js").status, 200);
}

#[test]
fn paths_cannot_leave_the_site() {
    let site = site();
    std::fs::write(site.path("secret.txt"), "secret").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink("/etc/passwd", site.path("static/passwd")).unwrap();
    let server = Server::start(site.root(), 0, &[]);
    for path in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/articles/..%2f..%2fsecret.txt",
        "//etc/passwd",
        "/a%5c..%5csecret.txt",
    ] {
        let response = server.get(path);
        assert_eq!(response.status, 400, "{path}");
        assert_lacks(&response.body, "secret");
        assert_lacks(&response.body, "root:");
    }
    // A link out of the site is an error, and what it points to is never served.
    let linked = server.get("/passwd");
    assert_eq!(linked.status, 404);
    assert_lacks(&linked.body, "root:");
    assert_eq!(get(&server.address, "/config.yaml").status, 404);
}

#[test]
fn saves_of_every_kind_show_up() {
    let site = site();
    let mut server = Server::start(site.root(), 0, &[]);
    let mut events = server.events();
    events.wait_for("hello");

    // A plain save.
    site.article(
        "a.md",
        "甲文",
        "2026-01-01",
        "tags: [网络安全]\n",
        "甲的正文第二版",
    );
    server.wait_for("/articles/a/", "甲的正文第二版");
    events.wait_for("reload");

    // An editor's atomic save: write a temporary file, then rename it over the page.
    let tmp = site.path("content/articles/.b.md.tmp");
    std::fs::write(
        &tmp,
        "---\ntitle: 乙文\ndate: 2026-02-01\n---\n\n乙的正文（原子保存）\n",
    )
    .unwrap();
    std::fs::rename(&tmp, site.path("content/articles/b.md")).unwrap();
    server.wait_for("/articles/b/", "乙的正文（原子保存）");

    // vim-style: backup file, swap file and the 4913 probe around the write.
    std::fs::write(site.path("content/articles/4913"), "").unwrap();
    std::fs::remove_file(site.path("content/articles/4913")).unwrap();
    std::fs::write(site.path("content/articles/.a.md.swp"), "\0swap").unwrap();
    std::fs::rename(
        site.path("content/articles/a.md"),
        site.path("content/articles/a.md~"),
    )
    .unwrap();
    site.article(
        "a.md",
        "甲文",
        "2026-01-01",
        "tags: [网络安全]\n",
        "甲的正文第三版",
    );
    std::fs::remove_file(site.path("content/articles/a.md~")).unwrap();
    server.wait_for("/articles/a/", "甲的正文第三版");

    // A new file, then a burst of saves to it.
    site.article("c.md", "丙文", "2026-03-01", "", "丙的正文");
    server.wait_for("/articles/", "丙文");
    for n in 1..=5 {
        site.article("c.md", "丙文", "2026-03-01", "", &format!("丙的正文 {n}"));
    }
    server.wait_for("/articles/c/", "丙的正文 5");

    // A rename: the old URL goes away, the new one appears.
    std::fs::rename(
        site.path("content/articles/c.md"),
        site.path("content/articles/c-new.md"),
    )
    .unwrap();
    server.wait_for_status("/articles/c/", 404);
    server.wait_for("/articles/c-new/", "丙的正文 5");

    // A deletion.
    std::fs::remove_file(site.path("content/articles/c-new.md")).unwrap();
    server.wait_for_status("/articles/c-new/", 404);
    let archive = server.wait_for("/articles/", "甲文");
    assert_lacks(&archive.body, "丙文");

    // A new folder with an article in it.
    site.article("2026/d.md", "丁文", "2026-04-01", "", "丁的正文");
    server.wait_for("/articles/2026/d/", "丁的正文");
    server.wait_for_line("rebuilt");
}

#[test]
fn config_templates_static_and_css() {
    let site = site();
    let mut server = Server::start(site.root(), 0, &[]);
    let mut events = server.events();
    events.wait_for("hello");

    // config.yaml replaced by rename, as editors save it.
    let tmp = site.path("config.yaml.tmp");
    std::fs::write(&tmp, common::CONFIG.replace("测试站点", "改名的站点")).unwrap();
    std::fs::rename(&tmp, site.path("config.yaml")).unwrap();
    server.wait_for("/articles/a/", "改名的站点");
    // ...and again, to be sure the watch survived the rename.
    std::fs::write(
        site.path("config.yaml"),
        common::CONFIG.replace("测试站点", "再次改名"),
    )
    .unwrap();
    server.wait_for("/articles/a/", "再次改名");

    site.file("themes/default/templates/404.html", "新的 404 页面");
    server.wait_for("/nope/", "新的 404 页面");

    site.file("static/docs/说明 1.txt", "静态文件已更新");
    server.wait_for("/docs/%E8%AF%B4%E6%98%8E%201.txt", "静态文件已更新");
    // Copies are read when asked for; wait for the rebuild itself before the next edit.
    server.wait_for_line("说明 1.txt →");

    // A stylesheet change swaps the stylesheet without reloading the page.
    let mut events = server.events();
    events.wait_for("hello");
    site.file("assets/css/app.css", "body { color: navy; }");
    assert_eq!(events.wait_for("css"), "[\"/css/app.css\"]");
    server.wait_for("/css/app.css", "navy");
}

#[test]
fn broken_edit_keeps_the_old_page_and_the_next_good_save_recovers() {
    let site = site();
    let mut server = Server::start(site.root(), 0, &[]);
    let mut events = server.events();
    events.wait_for("hello");

    site.file(
        "content/articles/a.md",
        "---\ntitle: 甲文\ndate: 2026-01-01\ntags: [网络安全\n---\n\n坏了的正文\n",
    );
    let errors = events.wait_for("errors");
    assert_contains(&errors, "content/articles/a.md:4:");
    server.wait_for_line("still serving the last good site");
    let page = server.get("/articles/a/");
    assert_eq!(page.status, 200);
    assert_contains(&page.body, "甲的正文");
    // A tab opened now learns of the errors at once.
    let mut late = server.events();
    late.wait_for("errors");

    site.article(
        "a.md",
        "甲文",
        "2026-01-01",
        "tags: [网络安全]\n",
        "修好的正文",
    );
    events.wait_for("clear");
    events.wait_for("reload");
    server.wait_for("/articles/a/", "修好的正文");
}

#[test]
fn a_busy_port_moves_to_the_next_and_ctrl_c_exits_cleanly() {
    let site = site();
    let holder = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let busy = holder.local_addr().unwrap().port();
    let server = Server::start(site.root(), busy, &[]);
    assert_ne!(server.address, format!("127.0.0.1:{busy}"));
    assert!(
        server
            .output
            .iter()
            .any(|l| l.contains(&format!("port {busy} is busy; using"))),
        "{:?}",
        server.output
    );
    assert_eq!(server.get("/").status, 200);
    let (code, output) = server.interrupt();
    assert_eq!(code, Some(0), "{output:?}");
    assert!(output.iter().any(|l| l == "stopped"), "{output:?}");
}

#[test]
fn a_site_that_does_not_build_is_still_served_with_its_errors() {
    let site = site();
    site.file("content/articles/a.md", "---\ntitle: [\n---\n");
    let mut server = Server::start(site.root(), 0, &[]);
    let mut events = server.events();
    assert_contains(&events.wait_for("errors"), "content/articles/a.md:2");
    assert_eq!(server.get("/").status, 404);
    site.article("a.md", "甲文", "2026-01-01", "", "好了");
    server.wait_for("/articles/a/", "好了");
    server.wait_for_line("rebuilt");
}

#[test]
fn a_slow_rename_save_never_shows_a_404() {
    let site = site();
    // However slow this machine is, the new file comes back within the grace.
    let grace = [("HERALD_VANISHED_GRACE_MS", "30000")];
    let mut server = Server::start_with_env(site.root(), 0, &[], &grace);
    let address = server.address.clone();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let poller = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut statuses = Vec::new();
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                statuses.push(get(&address, "/articles/a/").status);
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
            statuses
        })
    };
    // vim's default save: the old file renamed to a backup, a pause (longer than the
    // debounce and settle, about 10 ms, as on a slow disk), the new file, the backup
    // removed.
    std::fs::rename(
        site.path("content/articles/a.md"),
        site.path("content/articles/a.md~"),
    )
    .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(40));
    site.article(
        "a.md",
        "甲文",
        "2026-01-01",
        "tags: [网络安全]\n",
        "甲的正文（慢慢保存）",
    );
    std::fs::remove_file(site.path("content/articles/a.md~")).unwrap();
    server.wait_for("/articles/a/", "甲的正文（慢慢保存）");
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let statuses = poller.join().unwrap();
    assert!(
        statuses.iter().all(|&s| s == 200),
        "the page answered {:?}",
        statuses.iter().filter(|&&s| s != 200).collect::<Vec<_>>()
    );
    // One rebuild for the whole save: none ran in the moment the file was missing.
    // (An event the watcher reports late may add a "nothing to rebuild" line.)
    let output = server.drain(std::time::Duration::from_millis(300));
    let rebuilds: Vec<&String> = output
        .iter()
        .skip_while(|l| !l.contains("Ctrl-C"))
        .filter(|l| l.contains(" → ") && !l.contains("nothing to rebuild"))
        .collect();
    assert_eq!(rebuilds.len(), 1, "{rebuilds:?}");
}

#[test]
fn ctrl_c_stops_with_an_event_stream_and_a_keep_alive_connection_open() {
    let site = site();
    let server = Server::start(site.root(), 0, &[]);
    let mut events = server.events();
    events.wait_for("hello");
    let _page = keep_alive(&server.address, "/articles/a/");
    let (code, output) = server.interrupt();
    assert_eq!(code, Some(0), "{output:?}");
    assert!(output.iter().any(|l| l == "stopped"), "{output:?}");
    assert!(events.closes(), "the event stream was left open");
}

#[test]
fn a_save_made_during_the_first_build_shows() {
    let site = site();
    let mut server = Server::start_paused(site.root());
    // The first build has read the site; this save comes before serving starts.
    site.article("a.md", "甲文", "2026-01-01", "", "首次构建时保存的正文");
    server.resume();
    server.wait_for("/articles/a/", "首次构建时保存的正文");
}

#[test]
fn a_save_made_right_after_serving_is_printed_shows() {
    let site = site();
    let server = Server::start(site.root(), 0, &[]);
    site.article("b.md", "乙文", "2026-02-01", "", "刚开始服务时保存的正文");
    server.wait_for("/articles/b/", "刚开始服务时保存的正文");
}

#[test]
fn serve_stops_when_the_site_folder_is_moved_instead_of_dropping_pages() {
    let site = site();
    let mut server = Server::start(site.root(), 0, &[]);
    let moved = site.root().with_extension("moved");
    std::fs::rename(site.root(), &moved).unwrap();
    // An editor's save in the folder's new place.
    std::fs::write(
        moved.join("content/articles/a.md"),
        "---\ntitle: 甲文\ndate: 2026-01-01\n---\n搬家后的正文\n",
    )
    .unwrap();
    server.wait_for_line("was moved, renamed or removed while serving");
    let (code, output) = server.exit();
    std::fs::rename(&moved, site.root()).unwrap();
    assert_eq!(code, Some(1), "{output:?}");
    assert!(
        output
            .iter()
            .any(|l| l.contains("start `herald serve` again")),
        "{output:?}"
    );
    // No rebuild ran on the files that were no longer there.
    let mut after_start = output.iter().skip_while(|l| !l.contains("Ctrl-C"));
    assert!(!after_start.any(|l| l.contains("rebuilt")), "{output:?}");
}

/// Pages a build left in the parse cache come to `serve` without their Markdown: they
/// are served whole, and one whose link target moves is rendered again from its file.
#[test]
fn pages_from_the_parse_cache_are_served_whole_and_rendered_again_from_their_file() {
    let site = site();
    site.article(
        "c.md",
        "丙文",
        "2026-03-01",
        "",
        "丙的正文 [见乙](@/articles/b.md)",
    );
    site.settle_content(); // what the parse cache keeps: files older than 2 s
    site.build().ok();
    assert!(site.path(".herald-cache/pages.bin").exists());

    let server = Server::start(site.root(), 0, &[]);
    let mut events = server.events();
    events.wait_for("hello");
    server.wait_for("/articles/c/", "丙的正文");
    site.article("b.md", "乙文", "2026-02-01", "slug: yi\n", "乙的正文");
    let page = server.wait_for("/articles/c/", "/articles/yi/");
    assert_contains(&page.body, "丙的正文");
}
