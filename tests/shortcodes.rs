//! Shortcodes: the built-in video, figure, notice and download of the default theme,
//! the block form, code left alone, the escape, a site's own template, and every
//! error with its file, line and column.

mod common;

use std::path::Path;

use common::{TestSite, assert_contains, assert_lacks};

fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 200) as u8, (y % 200) as u8, 90])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
    out.into_inner()
}

/// A test site with the default theme's shortcode templates and a few files.
fn site() -> TestSite {
    let site = TestSite::new();
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/shortcodes");
    for entry in std::fs::read_dir(&from).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        site.file(
            &format!("themes/default/templates/shortcodes/{name}"),
            &std::fs::read_to_string(entry.path()).unwrap(),
        );
    }
    site.bytes("static/videos/promo.mp4", &[0u8; 2048]);
    site.file(
        "static/videos/promo.vtt",
        "WEBVTT\n\n00:00.000 --> 00:02.000\n网络安全为人民\n",
    );
    site.bytes("assets/images/poster.jpg", &jpeg(1200, 675));
    site.bytes("static/downloads/handbook.pdf", &vec![b'%'; 1_258_291]);
    site
}

fn one_article(site: &TestSite, body: &str) {
    site.article("a.md", "宣传周开幕", "2026-09-14", "", body);
}

#[test]
fn video_has_poster_captions_and_a_sized_download_link() {
    let site = site();
    one_article(
        &site,
        "开幕式视频：\n\n{{ video(src=\"/videos/promo.mp4\", poster=\"/images/poster.jpg\", captions=\"/videos/promo.vtt\", title=\"2026年宣传周宣传片\") }}\n\n以上。",
    );
    let run = site.build().ok();
    assert_lacks(&run.stderr, "warning");
    let html = site.read("articles/a/index.html");
    assert_contains(&html, "<figure class=\"sc-video\">");
    assert_contains(
        &html,
        "<video controls preload=\"none\" poster=\"/images/poster.",
    );
    assert_contains(&html, "width=\"1200\" height=\"675\"");
    assert_contains(
        &html,
        "<source src=\"/videos/promo.mp4\" type=\"video/mp4\">",
    );
    assert_contains(
        &html,
        "<track kind=\"captions\" srclang=\"zh\" label=\"中文字幕\" src=\"/videos/promo.vtt\" default>",
    );
    assert_contains(&html, "href=\"/videos/promo.mp4\" download>下载视频");
    assert_contains(&html, "MP4 · 2 KB");
    // The block is not inside a paragraph.
    assert_lacks(&html, "<p><figure");
    // The poster went through the image pipeline: its variant is published.
    let poster = html
        .split("poster=\"/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    assert!(site.exists(poster), "{poster}");
}

#[test]
fn a_poster_is_published_when_the_body_comes_from_the_cache() {
    let site = site();
    one_article(
        &site,
        "{{ video(src=\"/videos/promo.mp4\", poster=\"/images/poster.jpg\", captions=\"/videos/promo.vtt\") }}",
    );
    site.build().ok();
    // Another output folder: nothing to carry over, but the Markdown cache is used.
    site.run(&["build", "--output", "second"]).ok();
    let html = std::fs::read_to_string(site.path("second/articles/a/index.html")).unwrap();
    let poster = html
        .split("poster=\"/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    assert!(site.path("second").join(poster).exists(), "{poster}");
}

#[test]
fn video_without_captions_warns_on_its_line() {
    let site = site();
    one_article(
        &site,
        "第一段。\n\n{{ video(src=\"/videos/promo.mp4\") }}\n",
    );
    let run = site.build().ok();
    // Front matter: 4 lines, then a blank line: the call is on line 8, its name at column 4.
    assert_contains(
        &run.stderr,
        "warning: content/articles/a.md:8:4: shortcode `video`: the video has no captions",
    );
    let html = site.read("articles/a/index.html");
    assert_lacks(&html, "<track");
    assert_lacks(&html, "poster=");
}

#[test]
fn a_missing_video_file_is_an_error_at_its_argument() {
    let site = site();
    one_article(
        &site,
        "{{ video(src=\"/videos/none.mp4\", captions=\"/videos/promo.vtt\") }}",
    );
    let err = site.build().fails();
    assert_contains(
        &err,
        "error: content/articles/a.md:6:14: shortcode `video`: `src=\"/videos/none.mp4\"`: there is no /videos/none.mp4 in static/ or assets/",
    );
    assert_contains(&err, "help: put the file in static/");
}

#[test]
fn a_video_from_another_host_is_refused() {
    let site = site();
    one_article(
        &site,
        "{{ video(src=\"https://cdn.example.com/v.mp4\", captions=\"/videos/promo.vtt\") }}",
    );
    let err = site.build().fails();
    assert_contains(
        &err,
        "content/articles/a.md:6:4: shortcode `video`: src=\"https://cdn.example.com/v.mp4\" must be a video file of this site",
    );
}

#[test]
fn figure_is_responsive_with_a_caption() {
    let site = site();
    one_article(
        &site,
        "{{ figure(src=\"/images/poster.jpg\", alt=\"宣传周海报\", caption=\"图为本届宣传周主海报\") }}",
    );
    site.build().ok();
    let html = site.read("articles/a/index.html");
    assert_contains(&html, "<figure class=\"sc-figure\">");
    assert_contains(
        &html,
        "alt=\"宣传周海报\" width=\"1200\" height=\"675\" srcset=\"/images/poster.",
    );
    assert_contains(&html, " 480w, ");
    assert_contains(&html, "<figcaption>图为本届宣传周主海报</figcaption>");
}

#[test]
fn figure_needs_alt_text() {
    let site = site();
    one_article(
        &site,
        "前文\n\n  {{ figure(src=\"/images/poster.jpg\") }}\n",
    );
    let err = site.build().fails();
    assert_contains(
        &err,
        "error: content/articles/a.md:8:6: shortcode `figure`: the argument `alt` is required",
    );
    assert_contains(&err, "help: add it to the call: {{ figure(alt=\"…\") }}");
}

#[test]
fn notice_renders_its_markdown_body() {
    let site = site();
    site.article("b.md", "另一篇", "2026-09-10", "", "正文");
    one_article(
        &site,
        "{% notice(type=\"warning\", title=\"谨防诈骗\") %}\n**不要**向陌生人转账，详见[这篇](@/articles/b.md)。\n\n- 一\n- 二\n{% end %}\n\n后文。",
    );
    site.build().ok();
    let html = site.read("articles/a/index.html");
    assert_contains(
        &html,
        "<aside class=\"sc-notice sc-notice--warning\" role=\"note\" aria-label=\"注意：谨防诈骗\">",
    );
    assert_contains(&html, "<span class=\"sc-notice__label\">注意</span>");
    assert_contains(
        &html,
        "<strong>不要</strong>向陌生人转账，详见<a href=\"/articles/b/\">这篇</a>。",
    );
    assert_contains(&html, "<li>二</li>");
    assert_contains(&html, "<p>后文。</p>");
    assert_lacks(&html, "{% end %}");
}

#[test]
fn a_broken_link_inside_a_notice_names_its_own_line() {
    let site = site();
    one_article(
        &site,
        "{% notice() %}\n第一行\n\n[坏链接](@/articles/none.md)\n{% end %}\n",
    );
    let err = site.build().fails();
    assert_contains(
        &err,
        "error: content/articles/a.md:9: broken link `@/articles/none.md`",
    );
}

#[test]
fn notice_types_and_an_unknown_type() {
    let site = site();
    one_article(
        &site,
        "{% notice(type=\"danger\") %}危险{% end %}\n\n{% notice() %}默认{% end %}\n",
    );
    site.build().ok();
    let html = site.read("articles/a/index.html");
    assert_contains(
        &html,
        "sc-notice--danger\" role=\"note\" aria-label=\"警示\"",
    );
    assert_contains(&html, "sc-notice--info\" role=\"note\" aria-label=\"提示\"");
    one_article(&site, "{% notice(type=\"tip\") %}x{% end %}\n");
    let err = site.build().fails();
    assert_contains(
        &err,
        "content/articles/a.md:6:4: shortcode `notice`: type=\"tip\" is not a notice type",
    );
}

#[test]
fn download_shows_format_and_size() {
    let site = site();
    one_article(
        &site,
        "请下载：{{ download(file=\"/downloads/handbook.pdf\", title=\"活动手册\") }}",
    );
    site.build().ok();
    let html = site.read("articles/a/index.html");
    assert_contains(
        &html,
        "<a href=\"/downloads/handbook.pdf\" download><span class=\"sc-download__title\">活动手册</span></a> <span class=\"sc-download__info\">PDF · 1.2 MB</span>",
    );
}

#[test]
fn code_keeps_shortcodes_and_the_escape_writes_one() {
    let site = site();
    one_article(
        &site,
        "行内 `{{ video(src=\"/x.mp4\") }}` 代码。\n\n```\n{% notice() %}\n{% end %}\n```\n\n转义：{{/* video(src=\"/x.mp4\") */}}。",
    );
    site.build().ok();
    let html = site.read("articles/a/index.html");
    assert_contains(&html, "<code>{{ video(src=\"/x.mp4\") }}</code>");
    assert_contains(&html, "{% notice() %}");
    assert_contains(&html, "<p>转义：{{ video(src=\"/x.mp4\") }}。</p>");
}

#[test]
fn the_sites_template_wins_over_the_themes() {
    let site = site();
    site.file(
        "templates/shortcodes/notice.html",
        "<div class=\"mine\">{{ body | safe }}</div>",
    );
    site.file(
        "templates/shortcodes/hotline.html",
        "<b>{{ number }}</b>#{{ nth }}",
    );
    one_article(
        &site,
        "{% notice() %}自己的{% end %}\n\n拨打 {{ hotline(number=12377) }} 或 {{ hotline(number=110) }}。",
    );
    site.build().ok();
    let html = site.read("articles/a/index.html");
    assert_contains(&html, "<div class=\"mine\"><p>自己的</p>\n</div>");
    assert_contains(&html, "拨打 <b>12377</b>#0 或 <b>110</b>#1。");
}

#[test]
fn errors_name_file_line_and_column() {
    let cases = [
        (
            "前文\n\n{{ vidoe(src=\"/videos/promo.mp4\") }}",
            "content/articles/a.md:8:4: shortcode `vidoe`: there is no shortcode `vidoe`",
            "help: known shortcodes: download, figure, notice, video",
        ),
        (
            "{{ video(src=/videos/promo.mp4) }}",
            "content/articles/a.md:6:14: argument `src`: `/videos/promo.mp4` is not a value",
            "help: quote text: src=\"/videos/promo.mp4\"",
        ),
        (
            "{{ video(captions=\"/videos/promo.vtt\") }}",
            "content/articles/a.md:6:4: shortcode `video`: the argument `src` is required",
            "help: add it to the call: {{ video(src=\"…\") }}",
        ),
        (
            "正文\n\n{% notice(type=\"info\") %}\n没有结尾",
            "content/articles/a.md:8:1: block shortcode `notice` is never closed",
            "help: end its body with `{% end %}` on a line of its own",
        ),
    ];
    for (body, error, help) in cases {
        let site = site();
        one_article(&site, body);
        let err = site.build().fails();
        assert_contains(&err, &format!("error: {error}"));
        assert_contains(&err, help);
        // `check` reports the same.
        assert_contains(&site.run(&["check"]).fails(), error);
    }
}
