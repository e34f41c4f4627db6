//! Reads a rendered page the way a reader sees it, with html5ever's tokenizer (the
//! WHATWG tokenizer of Servo, so entities, attributes without quotes and raw-text
//! elements are read as a browser reads them): the metadata tags, the footer, the
//! links, the list entries and the visible text outside code.

use std::cell::RefCell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

/// One entry of a list (`<li>` or `<article>` inside `<main>`) that holds links.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Entry {
    /// Links of the entry, as written.
    pub hrefs: Vec<String>,
    /// It shows a date: a `<time>` element or a written date.
    pub dated: bool,
}

/// What a page shows, read from its HTML.
#[derive(Debug, Clone, Default)]
pub struct PageScan {
    /// `<meta name=… content=…>` pairs, in order.
    pub metas: Vec<(String, String)>,
    /// Every URL the page holds (see [`crate::html`]).
    pub links: Vec<String>,
    /// Text readers see: title, body text and `alt` text, outside code, scripts and
    /// styles; runs are separated by newlines.
    pub text: String,
    /// The `<main>` element shows a date: a `<time>` element or a written date.
    pub main_dated: bool,
    /// The text of `<footer>` elements, with the `alt` text of their images.
    pub footer_text: String,
    /// Links of `<footer>` elements: (href, link text).
    pub footer_links: Vec<(String, String)>,
    /// List entries with links.
    pub entries: Vec<Entry>,
}

impl PageScan {
    /// The content of the first `<meta name>` called `name`, if present.
    pub fn meta(&self, name: &str) -> Option<&str> {
        self.metas
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, c)| c.as_str())
    }
}

/// Elements whose text readers do not read as the page's prose.
const UNREAD: &[&str] = &["script", "style", "code", "pre", "noscript", "template"];

#[derive(Default)]
struct State {
    scan: PageScan,
    main_text: String,
    unread: usize,
    head: bool,
    title: bool,
    main: usize,
    footer: usize,
    /// Open entries; the last one is innermost.
    entries: Vec<Entry>,
    /// The footer link being read: (href, text).
    footer_link: Option<(String, String)>,
}

struct Reader(RefCell<State>);

/// Reads a page's HTML.
pub fn scan(html: &str) -> PageScan {
    let reader = Reader(RefCell::new(State::default()));
    let tokenizer = Tokenizer::new(reader, TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    let state = tokenizer.sink.0.into_inner();
    let mut scan = state.scan;
    scan.main_dated |= is_date_text(&state.main_text);
    scan
}

impl TokenSink for Reader {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut state = self.0.borrow_mut();
        match token {
            Token::TagToken(tag) => return state.tag(&tag),
            Token::CharacterTokens(text) => state.characters(&text),
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

fn attr<'t>(tag: &'t Tag, name: &str) -> Option<&'t str> {
    tag.attrs
        .iter()
        .find(|a| &*a.name.local == name)
        .map(|a| &*a.value)
}

/// True if `text` holds a written date (`2026年9月14日`, `2026-09-14`).
fn is_date_text(text: &str) -> bool {
    let digits_then = |rest: &str, mark: char| {
        let n = rest.chars().take_while(char::is_ascii_digit).count();
        (1..=2).contains(&n) && rest[n..].starts_with(mark)
    };
    text.char_indices().any(|(i, _)| {
        let rest = &text[i..];
        let year = rest.chars().take(4).filter(char::is_ascii_digit).count() == 4
            && rest.len() > 4
            && rest.is_char_boundary(4);
        if !year {
            return false;
        }
        let after = &rest[4..];
        after
            .strip_prefix('年')
            .is_some_and(|r| digits_then(r, '月'))
            || after.strip_prefix('-').is_some_and(|r| digits_then(r, '-'))
    })
}

impl State {
    fn tag(&mut self, tag: &Tag) -> TokenSinkResult<()> {
        let name = &*tag.name;
        let start = tag.kind == TagKind::StartTag;
        if UNREAD.contains(&name) {
            if start && !tag.self_closing {
                self.unread += 1;
            } else if !start {
                self.unread = self.unread.saturating_sub(1);
            }
        }
        if !start {
            self.end(name);
            return TokenSinkResult::Continue;
        }
        self.links_of(tag);
        match name {
            "head" => self.head = true,
            "body" => self.head = false,
            "title" => self.title = true,
            "main" => self.main += 1,
            "footer" => self.footer += 1,
            "time" if self.main > 0 => {
                self.scan.main_dated = true;
                if let Some(entry) = self.entries.last_mut() {
                    entry.dated = true;
                }
            }
            "li" | "article" if self.main > 0 => self.entries.push(Entry::default()),
            "meta" => {
                if let (Some(n), Some(c)) = (attr(tag, "name"), attr(tag, "content")) {
                    self.scan.metas.push((n.to_string(), c.to_string()));
                }
            }
            "img" | "area" | "input" => {
                if let Some(alt) = attr(tag, "alt").filter(|a| !a.trim().is_empty()) {
                    self.push_text(alt);
                    if self.footer > 0 {
                        self.scan.footer_text.push_str(alt);
                        self.scan.footer_text.push('\n');
                    }
                }
            }
            _ => {}
        }
        if self.footer > 0 && name == "a" {
            let href = attr(tag, "href").unwrap_or("").to_string();
            self.footer_link = Some((href, String::new()));
        }
        match name {
            "script" => TokenSinkResult::RawData(RawKind::ScriptData),
            "style" | "noscript" => TokenSinkResult::RawData(RawKind::Rawtext),
            "title" | "textarea" => TokenSinkResult::RawData(RawKind::Rcdata),
            _ => TokenSinkResult::Continue,
        }
    }

    fn end(&mut self, name: &str) {
        match name {
            "head" => self.head = false,
            "title" => {
                self.title = false;
                self.scan.text.push('\n');
            }
            "main" => self.main = self.main.saturating_sub(1),
            "footer" => self.footer = self.footer.saturating_sub(1),
            "a" => {
                if let Some(link) = self.footer_link.take() {
                    self.scan.footer_links.push(link);
                }
            }
            "li" | "article" if self.main > 0 => {
                if let Some(entry) = self.entries.pop() {
                    if let Some(outer) = self.entries.last_mut() {
                        outer.dated |= entry.dated;
                        outer.hrefs.extend(entry.hrefs.iter().cloned());
                    }
                    if !entry.hrefs.is_empty() {
                        self.scan.entries.push(entry);
                    }
                }
            }
            _ => {}
        }
        if matches!(
            name,
            "p" | "div" | "li" | "h1" | "h2" | "h3" | "h4" | "td" | "br"
        ) {
            self.scan.text.push('\n');
        }
    }

    fn links_of(&mut self, tag: &Tag) {
        for (url, _, attribute) in crate::html::tag_urls(tag) {
            if attribute == "href"
                && &*tag.name == "a"
                && let Some(entry) = self.entries.last_mut()
            {
                entry.hrefs.push(url.clone());
            }
            self.scan.links.push(url);
        }
    }

    fn characters(&mut self, text: &str) {
        if self.title {
            self.scan.text.push_str(text);
            return;
        }
        if self.head || self.unread > 0 {
            return;
        }
        self.push_text(text);
        if self.main > 0 {
            self.main_text.push_str(text);
            if let Some(entry) = self.entries.last_mut()
                && is_date_text(text)
            {
                entry.dated = true;
            }
        }
        if self.footer > 0 {
            self.scan.footer_text.push_str(text);
            if let Some((_, link_text)) = &mut self.footer_link {
                link_text.push_str(text);
            }
        }
    }

    fn push_text(&mut self, text: &str) {
        if self.head || self.unread > 0 {
            return;
        }
        self.scan.text.push_str(text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_meta_footer_text_and_entries_but_not_code() {
        let html = r#"<!DOCTYPE html><html><head><title>标题 &amp; 站</title>
<meta name="SiteName" content="临川"><script>var a = "<footer>x</footer>";</script></head>
<body><main><ul><li><a href="/a/">甲</a> <time datetime="2026-01-01">2026年1月1日</time></li>
<li><a href="/b/">乙</a></li></ul><p>正文<code>13800138000</code></p><pre>中华人民共合国</pre>
<img src="/x.png" alt="图说"></main>
<footer><p>主办单位：某办</p><a href="https://beian.miit.gov.cn/">某ICP备1号</a><img alt="党政机关" src="/b.svg"></footer></body></html>"#;
        let s = scan(html);
        assert_eq!(s.meta("SiteName"), Some("临川"));
        assert!(s.text.contains("标题 & 站"));
        assert!(s.text.contains("正文"));
        assert!(s.text.contains("图说"));
        assert!(!s.text.contains("13800138000"));
        assert!(!s.text.contains("共合国"));
        assert!(!s.footer_text.contains('x'));
        assert!(s.footer_text.contains("主办单位：某办"));
        assert!(s.footer_text.contains("党政机关"));
        assert_eq!(
            s.footer_links,
            [(
                "https://beian.miit.gov.cn/".to_string(),
                "某ICP备1号".to_string()
            )]
        );
        assert_eq!(s.entries.len(), 2);
        assert!(s.entries[0].dated && !s.entries[1].dated);
        assert!(s.links.contains(&"/x.png".to_string()));
    }

    #[test]
    fn dates_in_text() {
        assert!(is_date_text("发布于2026年9月14日"));
        assert!(is_date_text("2026-09-14"));
        assert!(!is_date_text("电话：0000-12345678"));
        assert!(!is_date_text("共2026篇"));
    }
}
