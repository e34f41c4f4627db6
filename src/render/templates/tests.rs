use super::*;

fn load(files: &[(&str, &str)]) -> Result<Templates, Vec<Diagnostic>> {
    let sources = files
        .iter()
        .map(|(name, text)| {
            (
                (*name).to_string(),
                TemplateSource {
                    path: PathBuf::from(format!("templates/{name}")),
                    text: (*text).to_string(),
                },
            )
        })
        .collect();
    Templates::from_sources(sources, Vec::new())
}

#[test]
fn syntax_error_names_file_and_line() {
    let errs = load(&[("page.html", "<p>\n{{ page.title \n</p>")]).unwrap_err();
    assert_eq!(errs.len(), 1);
    assert_eq!(
        errs[0].file.as_deref(),
        Some(Path::new("templates/page.html"))
    );
    assert!(errs[0].line.is_some(), "{:?}", errs[0]);
    assert!(
        errs[0].message.starts_with("template syntax error"),
        "{}",
        errs[0].message
    );
}

#[test]
fn include_loop_is_refused() {
    let errs = load(&[
        ("a.html", "{% include \"b.html\" %}"),
        ("b.html", "{% include \"a.html\" %}"),
    ])
    .unwrap_err();
    assert!(
        errs[0].message.contains("pulls itself in"),
        "{}",
        errs[0].message
    );
    let errs = load(&[("self.html", "x {% include \"self.html\" %}")]).unwrap_err();
    assert!(
        errs[0].message.contains("self.html → self.html"),
        "{}",
        errs[0].message
    );
}

#[test]
fn missing_include_names_the_line() {
    let errs = load(&[("a.html", "x\n{%- include \"nope.html\" -%}")]).unwrap_err();
    assert_eq!(errs[0].line, Some(2));
    assert!(load(&[("a.html", "{% include \"nope.html\" ignore missing %}")]).is_ok());
}

#[test]
fn uses_are_transitive() {
    let t = load(&[
        (
            "base.html",
            "{% block body %}{% endblock %}{% include \"footer.html\" %}",
        ),
        ("footer.html", "f"),
        (
            "page.html",
            "{% extends \"base.html\" %}{% block body %}p{% endblock %}",
        ),
    ])
    .unwrap();
    let uses: Vec<_> = t.uses("page.html").unwrap().iter().cloned().collect();
    assert_eq!(uses, ["base.html", "footer.html", "page.html"]);
}

#[test]
fn missing_variable_names_template_line() {
    let t = load(&[
        ("base.html", "<html>\n{% block body %}{% endblock %}\n</html>"),
        ("page.html", "{% extends \"base.html\" %}\n{% block body %}\n<h1>{{ page.titel }}</h1>\n{% endblock %}"),
    ])
    .unwrap();
    let mut ctx = tera::Context::new();
    ctx.insert("page", &serde_json::json!({"title": "x"}));
    let err = t.instance().render("page.html", &ctx).unwrap_err();
    let d = t.render_error(&err, "page.html");
    assert_eq!(d.file.as_deref(), Some(Path::new("templates/page.html")));
    assert_eq!(d.line, Some(3));
    assert!(
        d.message.contains("`page.titel` not found"),
        "{}",
        d.message
    );
}

#[test]
fn autoescape_keeps_slashes() {
    let t = load(&[("a.html", "{{ x }}")]).unwrap();
    let mut ctx = tera::Context::new();
    ctx.insert("x", "/a/<b>&'\"");
    assert_eq!(
        t.instance().render("a.html", &ctx).unwrap(),
        "/a/&lt;b&gt;&amp;&#39;&quot;"
    );
}
