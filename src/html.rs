//! The URLs an HTML page or fragment holds, read as a browser reads them: single,
//! double or no quotes, any letter case, entities decoded, nothing inside `<script>`
//! or `<style>` bodies.
//!
//! Every URL-bearing attribute counts: `href`, `src`, every `srcset` candidate,
//! `poster`, `<object data>`, form `action`, and `url()` in `style` attributes. Each
//! URL is either followed by the reader (a link) or loaded by the browser on its own
//! (an image, a script, a frame): a page must load nothing from another host.
//!
//! [`urls`] runs for every page of every build, so it uses `lol_html` (Cloudflare's
//! streaming WHATWG tokenizer), which parses the attributes of only the tags that can
//! hold a URL: 2.7 times the speed of html5ever's tokenizer on the default theme's
//! pages (275 against 102 MB/s), where reading links had been a fifth of a build.
//! [`tag_urls`] reads the same attributes from an html5ever tag, for `inspect`'s
//! reader, which needs every token anyway.

use html5ever::tokenizer::Tag;
use lol_html::html_content::Element;
use lol_html::{HtmlRewriter, Settings, element};

/// One URL of a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundUrl {
    /// As written, entities decoded.
    pub url: String,
    /// The 1-based line in the HTML read where its tag ends (a tag may span lines).
    pub line: usize,
    /// True when the browser loads it without the reader asking (an image, script,
    /// frame, stylesheet, video poster); false for links the reader follows.
    pub loads: bool,
    /// The element and attribute: `img src`, `a href`.
    pub at: String,
}

/// The tags that can hold a URL: only theirs are parsed attribute by attribute.
const WITH_URLS: &str = "[href], [src], [srcset], [poster], object[data], [action], [style]";

/// Every URL of `html`, in order.
pub fn urls(html: &str) -> Vec<FoundUrl> {
    let mut found = Vec::new();
    let mut lines = (0usize, 1usize); // (byte offset, line there)
    for_each_element(html, WITH_URLS, |el| {
        let line = line_at(html, &mut lines, el.source_location().bytes().end);
        let name = el.tag_name();
        for (url, loads, attribute) in element_urls(el) {
            let at = format!("{name} {attribute}");
            found.push(FoundUrl {
                url,
                line,
                loads,
                at,
            });
        }
    });
    found
}

/// Calls `each` for every element of `html` that `selector` matches, in order.
fn for_each_element(html: &str, selector: &str, mut each: impl FnMut(&Element<'_, '_>)) {
    let mut rewriter = HtmlRewriter::new(
        Settings {
            element_content_handlers: vec![element!(selector, |el| {
                each(el);
                Ok(())
            })],
            ..Settings::new()
        },
        |_: &[u8]| {},
    );
    // Reading cannot fail: no handler returns an error and no memory limit is set.
    let _ = rewriter.write(html.as_bytes());
    let _ = rewriter.end();
}

/// The elements that hold a URL in a page's markup (SVG's `use` and `image` too),
/// named by tag: lol_html then lexes the attributes of only these tags and skims the
/// others, a third faster on the default theme's pages than [`WITH_URLS`].
const LINKING_TAGS: &str = "a, area, link, base, img, script, iframe, frame, embed, \
    source, track, input, audio, video, object, form, use, image";

/// The URLs of a rendered page, as [`urls`] finds them, for the build's link check,
/// which reads every page of every build: only the tags that can hold a URL are read
/// attribute by attribute, and every tag only when the page has a `style` attribute
/// (whose `url()`s count). An `href` or `src` on another element (which browsers do
/// not follow or load) is not read.
pub fn links(html: &str) -> Vec<String> {
    let selector = match has_style_attribute(html) {
        true => WITH_URLS,
        false => LINKING_TAGS,
    };
    let mut found = Vec::new();
    for_each_element(html, selector, |el| {
        found.extend(element_urls(el).into_iter().map(|(url, ..)| url));
    });
    found
}

/// Whether `html` may have a `style` attribute: an `=` after the word, in any case
/// (spaces allowed between). A `<style>` element or a `stylesheet` does not count;
/// `data-style=` does, which only costs the slower reading.
fn has_style_attribute(html: &str) -> bool {
    let bytes = html.as_bytes();
    memchr::memchr_iter(b'=', bytes).any(|eq| {
        let name = bytes[..eq].trim_ascii_end();
        name.len() >= 5 && name[name.len() - 5..].eq_ignore_ascii_case(b"style")
    })
}

/// The 1-based line of the byte at `end - 1`, counting on from the last call's
/// position (tags come in order, so the whole page is counted once).
fn line_at(html: &str, (offset, line): &mut (usize, usize), end: usize) -> usize {
    let to = end.saturating_sub(1).clamp(*offset, html.len());
    *line += html.as_bytes()[*offset..to]
        .iter()
        .filter(|&&b| b == b'\n')
        .count();
    *offset = to;
    *line
}

/// The URLs of one element found by lol_html: (url, loads, attribute).
fn element_urls(el: &Element<'_, '_>) -> Vec<(String, bool, &'static str)> {
    let name = el.tag_name();
    let value = |attribute: &str| el.get_attribute(attribute).map(|v| decoded(&v));
    let rel = || value("rel").unwrap_or_default();
    let mut found = Vec::new();
    if let Some(href) = value("href") {
        found.push((href.trim().to_string(), link_loads(&name, &rel()), "href"));
    }
    for (attribute, loads) in [
        ("src", true),
        ("srcset", true),
        ("poster", true),
        ("action", false),
        ("style", true),
    ] {
        if let Some(v) = value(attribute) {
            push_urls(&mut found, attribute, v.trim(), loads);
        }
    }
    if name == "object"
        && let Some(data) = value("data")
    {
        found.push((data.trim().to_string(), true, "data"));
    }
    found.retain(|(url, ..)| !url.is_empty());
    found
}

/// `value` with its character references decoded; borrowed when it has none.
fn decoded(value: &str) -> String {
    match value.contains('&') {
        true => html_escape::decode_html_entities(value).into_owned(),
        false => value.to_string(),
    }
}

/// The URLs of one html5ever start tag: (url, loads, attribute), in attribute order.
pub fn tag_urls(tag: &Tag) -> Vec<(String, bool, &'static str)> {
    let name = &*tag.name;
    let rel = || {
        let rel = tag.attrs.iter().find(|a| &*a.name.local == "rel");
        rel.map(|a| a.value.to_string()).unwrap_or_default()
    };
    let mut found = Vec::new();
    for attribute in &tag.attrs {
        let value = attribute.value.trim();
        match &*attribute.name.local {
            "href" => found.push((value.to_string(), link_loads(name, &rel()), "href")),
            "src" => push_urls(&mut found, "src", value, true),
            "srcset" => push_urls(&mut found, "srcset", value, true),
            "poster" => push_urls(&mut found, "poster", value, true),
            "data" if name == "object" => found.push((value.to_string(), true, "data")),
            "action" => push_urls(&mut found, "action", value, false),
            "style" => push_urls(&mut found, "style", value, true),
            _ => {}
        }
    }
    found.retain(|(url, ..)| !url.is_empty());
    found
}

/// Adds the URLs `value` of `attribute` holds: one, every `srcset` candidate, or every
/// `url()` of a `style`.
fn push_urls(
    found: &mut Vec<(String, bool, &'static str)>,
    attribute: &'static str,
    value: &str,
    loads: bool,
) {
    match attribute {
        "srcset" => found.extend(
            value
                .split(',')
                .filter_map(|c| c.split_whitespace().next())
                .map(|url| (url.to_string(), loads, attribute)),
        ),
        "style" => found.extend(css_urls(value).map(|url| (url, loads, attribute))),
        _ => found.push((value.to_string(), loads, attribute)),
    }
}

/// `<link href>` loads for stylesheets, icons and preloads; other links (`canonical`,
/// an `alternate` feed) and `<a>`/`<area>` are followed.
fn link_loads(element: &str, rel: &str) -> bool {
    element == "link"
        && rel.split_whitespace().any(|r| {
            matches!(
                r.to_ascii_lowercase().as_str(),
                "stylesheet"
                    | "icon"
                    | "apple-touch-icon"
                    | "preload"
                    | "modulepreload"
                    | "manifest"
            )
        })
}

/// The URLs of `url(…)` in CSS text.
fn css_urls(css: &str) -> impl Iterator<Item = String> + '_ {
    css.split("url(").skip(1).filter_map(|rest| {
        let inner = rest.split(')').next()?.trim();
        let url = inner.trim_matches(['"', '\'']).trim();
        (!url.is_empty()).then(|| url.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    fn found(html: &str) -> Vec<(String, bool, String, usize)> {
        urls(html)
            .into_iter()
            .map(|u| (u.url, u.loads, u.at, u.line))
            .collect()
    }

    #[test]
    fn every_quoting_and_case_is_read() {
        let html = "<a href='/x/'>1</a> <a href=/y/>2</a> <A HREF=\"/z/?a=1&amp;b=2\">3</A>";
        let urls: Vec<String> = found(html).into_iter().map(|f| f.0).collect();
        assert_eq!(urls, ["/x/", "/y/", "/z/?a=1&b=2"]);
    }

    #[test]
    fn every_url_attribute_counts_and_loads_are_told_apart() {
        let html = r#"<video poster="/p.jpg"><source src="/v.mp4"><track src="/c.vtt"></video>
<img src="/a.png" srcset="/a-480.png 480w, /a-960.png 960w" data-src="/no.png">
<object data="/o.pdf"></object><embed src="/e.swf"><iframe src="https://x.cn/"></iframe>
<div style="background: url('/bg.png')"></div><form action="/s/"></form>
<link rel="stylesheet" href="/s.css"><link rel="canonical" href="https://site/a/">
<script>var s = 'src="/not-a-link"';</script><script src="/js/site.js"></script>"#;
        let got = found(html);
        let loads: Vec<&str> = got.iter().filter(|f| f.1).map(|f| f.0.as_str()).collect();
        let follows: Vec<&str> = got.iter().filter(|f| !f.1).map(|f| f.0.as_str()).collect();
        assert_eq!(
            loads,
            [
                "/p.jpg",
                "/v.mp4",
                "/c.vtt",
                "/a.png",
                "/a-480.png",
                "/a-960.png",
                "/o.pdf",
                "/e.swf",
                "https://x.cn/",
                "/bg.png",
                "/s.css",
                "/js/site.js"
            ]
        );
        assert_eq!(follows, ["/s/", "https://site/a/"]);
        assert_eq!(got[0].2, "video poster");
        assert_eq!(got[3].3, 2, "the line of the tag");
    }

    /// The URLs html5ever's tokenizer finds with [`tag_urls`] (the reader `inspect`
    /// uses), in the same shape as [`urls`], to compare the two.
    fn by_html5ever(html: &str) -> Vec<(String, bool, String)> {
        use html5ever::tendril::StrTendril;
        use html5ever::tokenizer::states::RawKind;
        use html5ever::tokenizer::{
            BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
        };
        struct Sink(RefCell<Vec<(String, bool, String)>>);
        impl TokenSink for Sink {
            type Handle = ();
            fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
                let Token::TagToken(tag) = token else {
                    return TokenSinkResult::Continue;
                };
                if tag.kind != TagKind::StartTag {
                    return TokenSinkResult::Continue;
                }
                for (url, loads, attribute) in tag_urls(&tag) {
                    let at = format!("{} {attribute}", &*tag.name);
                    self.0.borrow_mut().push((url, loads, at));
                }
                match &*tag.name {
                    "script" => TokenSinkResult::RawData(RawKind::ScriptData),
                    "style" | "iframe" | "noembed" | "noframes" | "xmp" => {
                        TokenSinkResult::RawData(RawKind::Rawtext)
                    }
                    "textarea" | "title" => TokenSinkResult::RawData(RawKind::Rcdata),
                    _ => TokenSinkResult::Continue,
                }
            }
        }
        let tokenizer = Tokenizer::new(Sink(RefCell::new(Vec::new())), TokenizerOpts::default());
        let input = BufferQueue::default();
        input.push_back(StrTendril::from_slice(html));
        let _ = tokenizer.feed(&input);
        tokenizer.end();
        tokenizer.sink.0.into_inner()
    }

    fn by_lol_html(html: &str) -> Vec<(String, bool, String)> {
        urls(html)
            .into_iter()
            .map(|u| (u.url, u.loads, u.at))
            .collect()
    }

    #[test]
    fn reads_what_html5ever_reads() {
        let pages = [
            "<a href='/x/?a=1&amp;b=2&lt;'>x</a><img SRC=/i.png alt=x>",
            "<link rel='Stylesheet preload' href=/s.css><link rel=alternate href=/f.xml>",
            "<!-- <a href=/hidden/> --><a href=\"/shown/\">s</a>",
            "<script>document.write('<a href=/no/>')</script><a href=/yes/>y</a>",
            "<style>a { background: url(/no.png) }</style><p style='color: red; background: url(\"/bg.png\")'>",
            "<textarea><a href=/no/></textarea><title><a href=/no2/></title><a href=/after/>",
            "<img srcset='/a.png 1x,/b.png 2x' src=''><object data=/o.pdf></object><form action=/s/>",
            "<a href='&#x2F;hex&#47;dec&sol;'>e</a><a\nhref\n=\n'/lines/'\n>l</a>",
            "<iframe src=/frame/><a href=/inside/></iframe><a href=/out/>",
        ];
        for page in pages {
            assert_eq!(by_lol_html(page), by_html5ever(page), "{page}");
        }
    }

    #[test]
    fn links_are_the_urls_of_a_page() {
        let pages = [
            "<a href='/x/?a=1&amp;b=2&lt;'>x</a><img SRC=/i.png alt=x><link rel=icon href=/f.svg>",
            "<p style='color: red; background: url(\"/bg.png\")'>p</p><a href=/a/>a</a>",
            "<p STYLE = 'background: url(/caps.png)'>p</p><video poster=/p.jpg src=/v.mp4></video>",
            "<link rel=stylesheet href=/s.css><style>a { background: url(/no.png) }</style>",
            "<img srcset='/a.png 1x,/b.png 2x'><object data=/o.pdf></object><form action=/s/>",
            "<svg><use href=/sprite.svg#i></use><image href=/i.png></image></svg>",
            "<!-- <a href=/hidden/> --><script>document.write('<a href=/no/>')</script><a href=/y/>",
        ];
        for page in pages {
            let urls: Vec<String> = urls(page).into_iter().map(|u| u.url).collect();
            assert_eq!(links(page), urls, "{page}");
        }
        // An href on an element that is no link is not read: browsers do not follow it.
        assert_eq!(
            links("<div href=/not-a-link/>d</div><a href=/a/>a</a>"),
            ["/a/"]
        );
    }

    #[test]
    fn finds_style_attributes_and_nothing_else() {
        assert!(has_style_attribute("<p style=\"x\">"));
        assert!(has_style_attribute("<p Style\n =x>"));
        assert!(!has_style_attribute(
            "<link rel=stylesheet href=a><style>p{}</style>"
        ));
        assert!(!has_style_attribute("tyle= at the start"));
        assert!(has_style_attribute("<p sTyLe='x'>"));
    }

    #[test]
    fn counts_lines_across_tags() {
        let html = "<p>\n<a href=/one/>1</a>\n\n<a\nhref=/two/>2</a>\n<img src=/three.png>";
        let lines: Vec<usize> = urls(html).into_iter().map(|u| u.line).collect();
        assert_eq!(lines, [2, 5, 6]);
    }
}
