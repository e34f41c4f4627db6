//! The demo portal on a real web server: Debian's nginx, configured with the server
//! block of the README (only the `listen` line and the folder changed), serving a
//! `--compress` build under the sub-path `/campaign/`. A crawler follows every link
//! and image from the landing page; every one must answer 200.
//!
//! nginx must be at /usr/sbin/nginx (`.ci/run` installs it; `apt-get install nginx`).
//! Without it the test fails, unless `HERALD_SKIP_NGINX=1` says to skip it.

mod common;

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const NGINX: &str = "/usr/sbin/nginx";
const BASE: &str = "/campaign/";

/// nginx running in the foreground; stopped when dropped, also when a test panics.
struct Nginx {
    child: Child,
    dir: PathBuf,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Nginx {
    fn error_log(&self) -> String {
        std::fs::read_to_string(self.dir.join("error.log")).unwrap_or_default()
    }
}

/// The README's nginx block, with its folder and `listen` line replaced.
fn readme_server_block(public: &Path, port: u16) -> String {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let after = readme
        .split("<!-- nginx-conf -->")
        .nth(1)
        .expect("README.md has a <!-- nginx-conf --> block");
    let block = after
        .split("```nginx\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("an ```nginx block after the marker");
    for needed in [
        "listen 80;",
        "alias /srv/www/campaign/;",
        "gzip_static on;",
        "include /srv/www/campaign.redirects.map;",
    ] {
        assert!(block.contains(needed), "the README's block lost `{needed}`");
    }
    block
        .replace("listen 80;", &format!("listen 127.0.0.1:{port};"))
        .replace(
            "alias /srv/www/campaign/;",
            &format!("alias {}/;", public.display()),
        )
        .replace(
            "include /srv/www/campaign.redirects.map;",
            &format!("include {}.redirects.map;", public.display()),
        )
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start_nginx(dir: &Path, public: &Path, port: u16) -> Nginx {
    let temp = dir.join("temp");
    std::fs::create_dir_all(&temp).unwrap();
    // As root, nginx's workers would run as `nobody` and could not read the temp folder.
    let user = if is_root() { "user root;\n" } else { "" };
    let t = temp.display();
    let conf = format!(
        "{user}daemon off;\nworker_processes 1;\npid {dir}/nginx.pid;\nerror_log {dir}/error.log warn;\n\
         events {{ worker_connections 64; }}\n\
         http {{\n\
           include /etc/nginx/mime.types;\n\
           default_type application/octet-stream;\n\
           access_log {dir}/access.log;\n\
           client_body_temp_path {t}/body;\n proxy_temp_path {t}/proxy;\n fastcgi_temp_path {t}/fastcgi;\n\
           uwsgi_temp_path {t}/uwsgi;\n scgi_temp_path {t}/scgi;\n\
         {server}\n}}\n",
        dir = dir.display(),
        server = readme_server_block(public, port),
    );
    std::fs::write(dir.join("nginx.conf"), conf).unwrap();
    let child = Command::new(NGINX)
        .arg("-p")
        .arg(dir)
        .arg("-c")
        .arg(dir.join("nginx.conf"))
        .arg("-e")
        .arg(dir.join("error.log"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start nginx");
    let mut nginx = Nginx {
        child,
        dir: dir.to_path_buf(),
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Ok(Some(status)) = nginx.child.try_wait() {
            let mut stderr = String::new();
            if let Some(mut pipe) = nginx.child.stderr.take() {
                let _ = pipe.read_to_string(&mut stderr);
            }
            panic!("nginx exited ({status}):\n{stderr}\n{}", nginx.error_log());
        }
        assert!(
            Instant::now() < deadline,
            "nginx did not listen on port {port}:\n{}",
            nginx.error_log()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    nginx
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// An HTTP response.
#[derive(Debug)]
struct Response {
    status: u16,
    headers: BTreeMap<String, String>,
    body: Vec<u8>,
}

impl Response {
    fn header(&self, name: &str) -> &str {
        self.headers.get(name).map_or("", String::as_str)
    }
}

/// GET with HTTP/1.1 and `Connection: close` (nginx sends gzip only to HTTP/1.1), with
/// extra request headers.
fn get(port: u16, path: &str, extra: &str) -> Response {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect to nginx");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n{extra}\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no header end in the response to {path}"));
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let headers: BTreeMap<String, String> = headers;
    if headers
        .get("transfer-encoding")
        .is_some_and(|t| t.contains("chunked"))
    {
        body = unchunk(&body);
    }
    Response {
        status,
        headers,
        body,
    }
}

/// Decodes a chunked body.
fn unchunk(mut raw: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    loop {
        let line_end = raw
            .windows(2)
            .position(|w| w == b"\r\n")
            .expect("chunk size");
        let size_text = String::from_utf8_lossy(&raw[..line_end]).into_owned();
        let size = usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16)
            .expect("hex chunk size");
        raw = &raw[line_end + 2..];
        if size == 0 {
            return body;
        }
        body.extend_from_slice(&raw[..size]);
        raw = &raw[size + 2..];
    }
}

/// Every `href`, `src`, `srcset` and form `action` URL in an HTML page (outside
/// scripts).
fn links(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    let without_scripts: String = html
        .split("</script>")
        .map(|part| match part.find("<script") {
            Some(open) => {
                let tag_end = part[open..].find('>').map_or(part.len(), |e| open + e + 1);
                &part[..tag_end]
            }
            None => part,
        })
        .collect();
    for attribute in [" href=\"", " src=\"", " srcset=\"", " action=\""] {
        for piece in without_scripts.split(attribute).skip(1) {
            let value = piece.split('"').next().unwrap_or("").replace("&amp;", "&");
            if attribute == " srcset=\"" {
                found.extend(
                    value
                        .split(',')
                        .filter_map(|c| c.split_whitespace().next())
                        .map(str::to_string),
                );
            } else {
                found.push(value);
            }
        }
    }
    found
}

/// The path of `link` found on `page` if it is on this server, else `None`.
fn on_this_server(link: &str, page: &str, port: u16) -> Option<String> {
    let link = link.split('#').next().unwrap_or("");
    if link.is_empty() {
        return None;
    }
    let origin = format!("http://127.0.0.1:{port}");
    if let Some(path) = link.strip_prefix(&origin) {
        return Some(path.to_string());
    }
    if link.starts_with("//") || link.contains("://") || link.contains(':') {
        return None; // another host, mailto:, tel:
    }
    if link.starts_with('/') {
        return Some(link.to_string());
    }
    // Relative: from the page's folder.
    let folder = &page[..=page.rfind('/').unwrap()];
    let mut parts: Vec<&str> = folder.split('/').filter(|p| !p.is_empty()).collect();
    for segment in link.split('/') {
        match segment {
            "." | "" => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    let mut path = format!("/{}", parts.join("/"));
    if link.ends_with('/') {
        path.push('/');
    }
    Some(path)
}

/// Every `.html` file under `dir`, relative, with `/`.
fn html_files(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "html") {
                let rel = path.strip_prefix(dir).unwrap();
                found.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    found
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .expect("a gzip body");
    out
}

#[test]
fn the_demo_portal_works_on_nginx_under_a_sub_path() {
    if std::env::var("HERALD_SKIP_NGINX").is_ok_and(|v| v == "1") {
        eprintln!("skipping the nginx test: HERALD_SKIP_NGINX=1");
        return;
    }
    assert!(
        Path::new(NGINX).exists(),
        "{NGINX} is missing: install Debian's nginx (`apt-get install -y nginx`; .ci/run does), \
         or set HERALD_SKIP_NGINX=1 to skip this test"
    );
    let dir = tempfile::tempdir().unwrap();
    let public = dir.path().join("public");
    let port = free_port();
    let origin = format!("http://127.0.0.1:{port}");
    let build = Command::new(env!("CARGO_BIN_EXE_herald"))
        .args(["build", "--root", env!("CARGO_MANIFEST_DIR"), "--output"])
        .arg(&public)
        .args(["--base-url", &format!("{origin}{BASE}"), "--compress"])
        .env("HERALD_NOW", common::NOW)
        .output()
        .unwrap();
    assert!(
        build.status.success(),
        "build failed:\n{}",
        String::from_utf8_lossy(&build.stderr)
    );
    let nginx = start_nginx(dir.path(), &public, port);

    // Crawl from the landing page (and the 404 page, which nothing links to).
    let mut queue: VecDeque<(String, String)> = [BASE, "/campaign/404.html"]
        .iter()
        .map(|p| (p.to_string(), "(start)".to_string()))
        .collect();
    let mut seen: BTreeSet<String> = queue.iter().map(|(p, _)| p.clone()).collect();
    let mut failures = Vec::new();
    let mut pages = BTreeSet::new();
    let mut fetched = 0;
    while let Some((path, from)) = queue.pop_front() {
        let response = get(port, &path, "");
        fetched += 1;
        if response.status != 200 {
            failures.push(format!("{path} → {} (linked from {from})", response.status));
            continue;
        }
        if !path.starts_with(BASE) {
            failures.push(format!("{path} is outside {BASE} (linked from {from})"));
        }
        let content_type = response.header("content-type").to_string();
        if path.ends_with(".xml") {
            assert!(
                content_type.contains("xml"),
                "{path} is served as {content_type}"
            );
        }
        if !content_type.starts_with("text/html") {
            continue;
        }
        pages.insert(path.clone());
        assert!(
            content_type.contains("charset=utf-8"),
            "{path}: {content_type}"
        );
        assert_eq!(response.header("cache-control"), "no-cache", "{path}");
        let html = String::from_utf8_lossy(&response.body).into_owned();
        for link in links(&html) {
            let Some(target) = on_this_server(&link, &path, port) else {
                continue;
            };
            if seen.insert(target.clone()) {
                queue.push_back((target, path.clone()));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {fetched} URLs failed:\n{}\n{}",
        failures.len(),
        failures.join("\n"),
        nginx.error_log()
    );
    eprintln!(
        "crawled {} pages, {fetched} URLs in all, every one 200",
        pages.len()
    );
    // Every HTML file of the build was reached by following links (but the redirect
    // pages of old URLs, which nothing links to and nginx answers with a 301).
    let map_file = dir.path().join("public.redirects.map");
    let map = std::fs::read_to_string(&map_file).expect("the redirects map beside the output");
    let aliases: Vec<(String, String)> = map
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let mut quoted = l.split('"').skip(1).step_by(2);
            Some((quoted.next()?.to_string(), quoted.next()?.to_string()))
        })
        .collect();
    assert!(
        !aliases.is_empty(),
        "the demo portal has no aliases:\n{map}"
    );
    let unreached: Vec<String> = html_files(&public)
        .into_iter()
        .map(|rel| format!("{BASE}{}", rel.strip_suffix("index.html").unwrap_or(&rel)))
        .filter(|url| !pages.contains(url) && !aliases.iter().any(|(old, _)| old == url))
        .collect();
    assert!(unreached.is_empty(), "no link leads to {unreached:?}");
    assert!(pages.len() > 104, "crawled only {} pages", pages.len());
    assert!(fetched > 250, "fetched only {fetched} URLs");
    assert!(
        seen.contains("/campaign/atom.xml"),
        "no page links to the feed"
    );
    // robots.txt names the sitemap (crawlers find it there, not through a link).
    let robots = get(port, "/campaign/robots.txt", "");
    assert_eq!(robots.status, 200);
    let robots = String::from_utf8_lossy(&robots.body).into_owned();
    assert!(
        robots.contains(&format!("Sitemap: {origin}/campaign/sitemap.xml")),
        "{robots}"
    );

    // The sitemap: XML, and every URL in it answers.
    let sitemap = get(port, "/campaign/sitemap.xml", "");
    assert_eq!(sitemap.status, 200);
    assert!(sitemap.header("content-type").contains("xml"));
    let sitemap = String::from_utf8_lossy(&sitemap.body).into_owned();
    let locs: Vec<&str> = sitemap
        .split("<loc>")
        .skip(1)
        .filter_map(|l| l.split("</loc>").next())
        .collect();
    assert!(locs.len() >= 100, "{} URLs in the sitemap", locs.len());
    for loc in &locs {
        let path = loc
            .strip_prefix(&origin)
            .unwrap_or_else(|| panic!("{loc} is not on {origin}"));
        assert_eq!(get(port, path, "").status, 200, "{loc} from the sitemap");
    }
    let feed = get(port, "/campaign/atom.xml", "");
    assert!(feed.header("content-type").contains("xml"), "{feed:?}");

    // Unknown paths: the site's own 404 page, with status 404.
    let not_found_page = std::fs::read(public.join("404.html")).unwrap();
    for missing in [
        "/campaign/no/such/page/",
        "/campaign/articles/nope.html",
        "/campaign/images/nope.jpg",
    ] {
        let response = get(port, missing, "");
        assert_eq!(response.status, 404, "{missing}");
        assert_eq!(
            response.body, not_found_page,
            "{missing}: not the site's 404 page"
        );
    }
    let bare = get(port, "/campaign", "");
    assert_eq!(bare.status, 301);
    assert!(bare.header("location").ends_with("/campaign/"), "{bare:?}");

    // Video captions are served as WebVTT, or browsers ignore the track.
    let vtt = get(port, "/campaign/videos/2026/cyber-week-promo.vtt", "");
    assert_eq!(vtt.status, 200, "{vtt:?}");
    assert_eq!(vtt.header("content-type"), "text/vtt; charset=utf-8");
    assert!(String::from_utf8_lossy(&vtt.body).starts_with("WEBVTT"));

    // An old URL (`aliases:`) answers 301 to the page's URL, through the map file.
    for (old, new) in &aliases {
        let moved = get(port, old, "");
        assert_eq!(moved.status, 301, "{old}: {moved:?}");
        assert!(
            moved.header("location").ends_with(new.as_str()),
            "{old} → {:?}, expected {new}",
            moved.header("location")
        );
        assert_eq!(get(port, new, "").status, 200, "{new}");
    }
    assert!(
        aliases
            .iter()
            .any(|(old, new)| old == "/campaign/news/2026/0914-kaimu.html"
                && new == "/campaign/articles/2026/cyber-week-opening/"),
        "{aliases:?}"
    );

    // gzip_static: the precompressed file, for browsers that accept it.
    let index = std::fs::read(public.join("index.html")).unwrap();
    let zipped = get(port, BASE, "Accept-Encoding: gzip, deflate\r\n");
    assert_eq!(zipped.status, 200);
    assert_eq!(
        zipped.header("content-encoding"),
        "gzip",
        "{:?}",
        zipped.headers
    );
    assert_eq!(gunzip(&zipped.body), index);
    let plain = get(port, BASE, "");
    assert_eq!(plain.header("content-encoding"), "");
    assert_eq!(plain.body, index);

    // Fingerprinted assets and image variants are cached for good.
    let html = String::from_utf8_lossy(&index).into_owned();
    let css = links(&html)
        .into_iter()
        .find(|l| l.contains("/css/site.") && l.ends_with(".css"))
        .expect("the stylesheet");
    let css = get(port, &css, "Accept-Encoding: gzip\r\n");
    assert_eq!(css.header("content-encoding"), "gzip");
    assert!(
        css.header("cache-control").contains("immutable"),
        "{:?}",
        css.headers
    );
    let variant = seen
        .iter()
        .find(|p| p.contains("/images/") && p.ends_with("w.jpg"))
        .expect("an image variant");
    assert!(
        get(port, variant, "")
            .header("cache-control")
            .contains("immutable")
    );
    drop(nginx);
}
