//! The URLs an HTML page or fragment holds, read with html5ever's tokenizer (the
//! WHATWG tokenizer of Servo) as a browser reads them: single, double or no quotes,
//! any letter case, entities decoded, nothing inside `<script>` or `<style>` bodies.
//!
//! Every URL-bearing attribute counts: `href`, `src`, every `srcset` candidate,
//! `poster`, `<object data>`, form `action`, and `url()` in `style` attributes. Each
//! URL is either followed by the reader (a link) or loaded by the browser on its own
//! (an image, a script, a frame): a page must load nothing from another host.

use std::cell::RefCell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

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

/// Every URL of `html`, in order.
pub fn urls(html: &str) -> Vec<FoundUrl> {
    let sink = Collect(RefCell::new(Vec::new()));
    let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink.0.into_inner()
}

/// The URLs of one start tag: (url, loads, attribute).
pub fn tag_urls(tag: &Tag) -> Vec<(String, bool, &'static str)> {
    let name = &*tag.name;
    let mut found = Vec::new();
    for attribute in &tag.attrs {
        let value = attribute.value.trim();
        match &*attribute.name.local {
            "href" => found.push((value.to_string(), href_loads(tag), "href")),
            "src" => found.push((value.to_string(), true, "src")),
            "srcset" => found.extend(
                value
                    .split(',')
                    .filter_map(|c| c.split_whitespace().next())
                    .map(|url| (url.to_string(), true, "srcset")),
            ),
            "poster" => found.push((value.to_string(), true, "poster")),
            "data" if name == "object" => found.push((value.to_string(), true, "data")),
            "action" => found.push((value.to_string(), false, "action")),
            "style" => found.extend(css_urls(value).map(|url| (url, true, "style"))),
            _ => {}
        }
    }
    found.retain(|(url, ..)| !url.is_empty());
    found
}

/// `<link href>` loads for stylesheets, icons and preloads; other links (`canonical`,
/// an `alternate` feed) and `<a>`/`<area>` are followed.
fn href_loads(tag: &Tag) -> bool {
    if &*tag.name != "link" {
        return false;
    }
    let rel = tag
        .attrs
        .iter()
        .find(|a| &*a.name.local == "rel")
        .map(|a| a.value.to_ascii_lowercase())
        .unwrap_or_default();
    rel.split_whitespace().any(|r| {
        matches!(
            r,
            "stylesheet" | "icon" | "apple-touch-icon" | "preload" | "modulepreload" | "manifest"
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

struct Collect(RefCell<Vec<FoundUrl>>);

impl TokenSink for Collect {
    type Handle = ();

    fn process_token(&self, token: Token, line: u64) -> TokenSinkResult<()> {
        let Token::TagToken(tag) = token else {
            return TokenSinkResult::Continue;
        };
        if tag.kind != TagKind::StartTag {
            return TokenSinkResult::Continue;
        }
        let line = usize::try_from(line).unwrap_or(usize::MAX);
        let mut found = self.0.borrow_mut();
        for (url, loads, attribute) in tag_urls(&tag) {
            found.push(FoundUrl {
                url,
                line,
                loads,
                at: format!("{} {attribute}", &*tag.name),
            });
        }
        // Script and style bodies are text, not markup: their strings are no URLs.
        match &*tag.name {
            "script" if !tag.self_closing => TokenSinkResult::RawData(RawKind::ScriptData),
            "style" if !tag.self_closing => TokenSinkResult::RawData(RawKind::Rawtext),
            "textarea" | "title" => TokenSinkResult::RawData(RawKind::Rcdata),
            _ => TokenSinkResult::Continue,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
