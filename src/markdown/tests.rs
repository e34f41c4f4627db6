use super::*;

struct FakeSite;

impl Resolver for FakeSite {
    fn link(&self, target: &str) -> Result<String, String> {
        match target {
            "articles/known.md" => Ok("/articles/known/".into()),
            _ => Err("no such file in content/".into()),
        }
    }
    fn image(&self, src: &str, _from: &str) -> Result<ResolvedImage, String> {
        match src {
            "/images/a.png" => Ok(ResolvedImage {
                src: src.into(),
                width: Some(640),
                height: Some(480),
                ..ResolvedImage::default()
            }),
            _ => Err("no such image".into()),
        }
    }
    fn shortcode(&self, call: &ShortcodeCall<'_>) -> Result<ShortcodeOutput, ShortcodeError> {
        match call.name {
            "box" => Ok(ShortcodeOutput {
                html: format!("<aside>{}</aside>", call.body.unwrap_or_default()),
                ..ShortcodeOutput::default()
            }),
            "hotline" => Ok(ShortcodeOutput {
                html: format!("<b>{}</b>", call.args["n"]),
                ..ShortcodeOutput::default()
            }),
            _ => Err(ShortcodeError::new("unknown", "known: box, hotline")),
        }
    }
}

fn render_md(body: &str) -> (Rendered, Vec<Diagnostic>) {
    let source = Source {
        body,
        file: Path::new("content/articles/a.md"),
        rel: "articles/a.md",
        body_offset: 4,
        summary: None,
        eager_first_image: false,
        keep_text: true,
    };
    render(&source, &FakeSite)
}

#[test]
fn extensions_are_on() {
    let (r, _) = render_md(
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~\n\n- [x] done\n\nnote[^1]\n\n[^1]: foot\n",
    );
    assert!(
        r.html.contains(
            "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"表格\"><table>"
        ),
        "{}",
        r.html
    );
    assert!(r.html.contains("<del>old</del>"));
    assert!(
        r.html
            .contains("<input type=\"checkbox\" disabled checked aria-label=\"已完成\">"),
        "{}",
        r.html
    );
    assert!(r.html.contains("footnote-definition"));
}

#[test]
fn headings_have_ids_and_toc() {
    let (r, _) = render_md("## 活动概况\n\n### 细节\n\n## 防范建议 {#tips}\n");
    assert!(
        r.html
            .contains("<h2 id=\"huo-dong-gai-kuang\">活动概况</h2>"),
        "{}",
        r.html
    );
    assert!(r.html.contains("<h2 id=\"tips\">防范建议</h2>"));
    assert_eq!(r.toc.len(), 2);
    assert_eq!(r.toc[0].children[0].id, "xi-jie");
    assert_eq!(r.heading_count, 3);
    assert_eq!(r.anchors, ["huo-dong-gai-kuang", "xi-jie", "tips"]);
}

#[test]
fn internal_links_resolve_or_name_the_line() {
    let (r, problems) =
        render_md("见[已知](@/articles/known.md#part)。\n\n再见[缺失](@/articles/missing.md)。\n");
    assert!(
        r.html.contains("href=\"/articles/known/#part\""),
        "{}",
        r.html
    );
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].line, Some(7));
    assert!(problems[0].message.contains("@/articles/missing.md"));
    assert_eq!(r.links.len(), 2);
    assert_eq!(r.links[0].anchor.as_deref(), Some("part"));
}

#[test]
fn images_get_size_and_lazy_loading() {
    let (r, problems) = render_md("![海报](/images/a.png \"标题\")\n\n![](/images/missing.png)\n");
    assert!(
        r.html.contains("<img src=\"/images/a.png\" alt=\"海报\" width=\"640\" height=\"480\" title=\"标题\" loading=\"lazy\" decoding=\"async\">"),
        "{}",
        r.html
    );
    let severities: Vec<_> = problems.iter().map(|p| p.severity).collect();
    assert_eq!(
        severities,
        [
            crate::error::Severity::Error,
            crate::error::Severity::Warning
        ]
    );
}

#[test]
fn code_is_highlighted_and_not_searchable() {
    let (r, _) = render_md("说明\n\n```rust\nlet secret = 1;\n```\n");
    assert!(
        r.html
            .contains("<pre class=\"highlight\" tabindex=\"0\"><code class=\"language-rust\"")
    );
    assert!(!r.text.contains("secret"));
    assert!(r.stats.latin_words >= 3);
}

#[test]
fn summary_from_more_marker_or_auto() {
    let (r, _) = render_md("第一段。\n\n<!-- more -->\n\n第二段。\n");
    assert_eq!(r.summary, "<p>第一段。</p>");
    let (r, _) = render_md("## 标题\n\n正文 <b>x</b> 一。\n");
    assert_eq!(r.summary, "<p>正文 x 一。</p>");
    assert_eq!(r.description, "正文 x 一。");
}

#[test]
fn written_summary_is_escaped() {
    let source = Source {
        body: "正文",
        file: Path::new("a.md"),
        rel: "a.md",
        body_offset: 0,
        summary: Some("<script>摘要</script>"),
        eager_first_image: false,
        keep_text: true,
    };
    let (r, _) = render(&source, &FakeSite);
    assert_eq!(r.summary, "<p>&lt;script&gt;摘要&lt;/script&gt;</p>");
    assert_eq!(r.description, "<script>摘要</script>");
}

#[test]
fn reading_time_counts_chinese() {
    let body = "字".repeat(900);
    let (r, _) = render_md(&body);
    assert_eq!(r.reading_time, 3);
}

#[test]
fn bold_left_open_by_chinese_punctuation_is_a_warning() {
    let (r, problems) =
        render_md("第一行\n\n**处理结果：**责令整改。\n\n**正常**：加粗。\n\n```\na ** b\n```\n");
    assert!(r.html.contains("<strong>正常</strong>"));
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].severity, crate::error::Severity::Warning);
    assert_eq!(problems[0].line, Some(7));
}

#[test]
fn shortcodes_render_in_place_and_keep_lines_exact() {
    let (r, problems) = render_md(
        "拨打 {{ hotline(n=12377) }} 举报。\n\n{% box() %}\n盒中**文字**与[链接](@/articles/known.md)\n{% end %}\n\n[坏](@/articles/none.md)\n",
    );
    assert!(
        r.html.contains("<p>拨打 <b>12377</b> 举报。</p>"),
        "{}",
        r.html
    );
    assert!(
        r.html.contains("<aside><p>盒中<strong>文字</strong>与<a href=\"/articles/known/\">链接</a></p>\n</aside>"),
        "{}",
        r.html
    );
    assert!(!r.html.contains("<p><aside>"), "{}", r.html);
    // The body's link and text count; the broken link after the block keeps its line
    // (body_offset 4 + line 7).
    assert_eq!(r.links.len(), 2);
    assert!(r.text.contains("盒中文字"), "{}", r.text);
    assert_eq!(r.shortcodes, ["box", "hotline"]);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].line, Some(11));
}

#[test]
fn an_unknown_shortcode_is_an_error_at_its_column() {
    let (r, problems) = render_md("一二 {{ nope(a=1) }}");
    assert_eq!(problems.len(), 1);
    assert_eq!((problems[0].line, problems[0].column), (Some(5), Some(7)));
    assert!(problems[0].message.contains("shortcode `nope`"));
    assert!(r.html.contains("<p>一二 </p>"), "{}", r.html);
}

#[test]
fn a_shortcode_inside_raw_html_is_replaced_too() {
    let (r, problems) = render_md("<div class=\"x\">\n{{ hotline(n=110) }}\n</div>\n");
    assert!(problems.is_empty(), "{problems:?}");
    assert!(
        r.html.contains("<div class=\"x\">\n<b>110</b>\n</div>"),
        "{}",
        r.html
    );
}
