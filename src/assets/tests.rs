use super::*;

fn site() -> (tempfile::TempDir, SiteFiles, Vec<Diagnostic>) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for (path, text) in [
        ("static/robots-extra.txt", "x"),
        ("static/docs/指南 2026.pdf", "pdf"),
        ("assets/css/site.css", "body{}"),
        ("assets/images/a.png", "png"),
        ("content/articles/pic.png", "png"),
    ] {
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let theme = Theme {
        name: "default".into(),
        dir: None,
        site: root.to_path_buf(),
    };
    let content = vec![SourceFile {
        path: root.join("content/articles/pic.png"),
        rel: "articles/pic.png".into(),
    }];
    let (files, errors) = SiteFiles::collect(root, &theme, &content, true);
    (dir, files, errors)
}

#[test]
fn css_is_fingerprinted() {
    let (_dir, files, errors) = site();
    assert!(errors.is_empty(), "{errors:?}");
    let css = files.asset("css/site.css").unwrap();
    assert!(
        css.starts_with("css/site.")
            && css.ends_with(".css")
            && css.len() == "css/site.12345678.css".len(),
        "{css}"
    );
    assert!(
        files
            .asset(HIGHLIGHT_CSS)
            .unwrap()
            .starts_with("css/highlight.")
    );
    assert_eq!(files.asset("images/a.png"), Some("images/a.png"));
}

#[test]
fn locates_relative_assets_and_site_paths() {
    let (_dir, files, _) = site();
    let from = Some("articles/2026/x.md");
    assert_eq!(
        files
            .locate("../../../assets/images/a.png", from)
            .unwrap()
            .path,
        "images/a.png"
    );
    assert_eq!(
        files.locate("images/a.png", from).unwrap().path,
        "images/a.png"
    );
    assert_eq!(
        files.locate("/images/a.png", from).unwrap().path,
        "images/a.png"
    );
    assert_eq!(
        files.locate("../pic.png", from).unwrap().path,
        "articles/pic.png"
    );
    assert_eq!(
        files.locate("/docs/指南 2026.pdf", None).unwrap().path,
        "docs/指南 2026.pdf"
    );
    assert!(
        files
            .locate("../../../../etc/passwd", from)
            .unwrap_err()
            .contains("outside")
    );
    assert!(files.locate("missing.png", from).is_err());
}

#[test]
fn normalize_paths() {
    assert_eq!(
        normalize("content/a", "../b/./c.png").as_deref(),
        Some("content/b/c.png")
    );
    assert_eq!(normalize("", "../x"), None);
    assert_eq!(encode_path("docs/指南 2026.pdf"), "docs/指南%202026.pdf");
}

#[test]
fn sizes() {
    let (_dir, files, _) = site();
    assert_eq!(files.size("docs/指南 2026.pdf"), Some(3));
}
