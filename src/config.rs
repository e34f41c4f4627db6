//! `config.yaml`: read into strict serde structs (an unknown key is an error naming
//! the nearest known one), then validated into [`Config`] with derived values
//! (the base URL split into origin and path, the time zone, dates).

use std::path::{Path, PathBuf};

use chrono::{FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::content::date::{WrittenDate, parse_offset};
use crate::error::Diagnostic;
use crate::inspect::settings::Inspection;
use crate::{fs, yaml};

/// The config file's name inside a site's root.
pub const CONFIG_FILE: &str = "config.yaml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: String,
    #[serde(default)]
    description: String,
    base_url: String,
    #[serde(default = "default_language")]
    language: String,
    #[serde(default = "default_theme")]
    theme: String,
    #[serde(default = "default_paginate")]
    paginate: usize,
    #[serde(default = "default_timezone")]
    timezone: String,
    #[serde(default)]
    campaign: Option<RawCampaign>,
    #[serde(default)]
    footer: Footer,
    #[serde(default)]
    menu: Vec<MenuItem>,
    #[serde(default)]
    feeds: Feeds,
    #[serde(default)]
    search: Search,
    #[serde(default)]
    images: Images,
    #[serde(default)]
    links: Links,
    #[serde(default)]
    inspection: Inspection,
    #[serde(default)]
    extra: Map<String, Value>,
}

fn default_language() -> String {
    "zh-CN".into()
}
fn default_theme() -> String {
    "default".into()
}
fn default_paginate() -> usize {
    20
}
fn default_timezone() -> String {
    "+08:00".into()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCampaign {
    #[serde(default)]
    name: String,
    #[serde(default)]
    slogan: String,
    starts: WrittenDate,
    ends: WrittenDate,
    #[serde(default)]
    security_week: Option<i32>,
}

/// The current campaign shown on the landing page.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Campaign {
    /// The campaign's name, e.g. 2026年网络安全宣传周.
    pub name: String,
    /// The slogan on the hero banner.
    pub slogan: String,
    /// First day.
    pub starts: NaiveDate,
    /// Last day.
    pub ends: NaiveDate,
    /// The year of the security-awareness week shown at `/security-week/`.
    pub security_week: Option<i32>,
}

/// Government-site footer fields.
#[derive(Debug, Clone, Deserialize, Serialize, Default, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct Footer {
    /// Sponsoring organisation (主办单位).
    pub org: String,
    /// Contact line (address, phone, mail).
    pub contact: String,
    /// ICP filing number.
    pub icp: String,
    /// Where the ICP number links to.
    pub icp_url: String,
    /// Public-security filing number.
    pub police: String,
    /// Where the public-security number links to.
    pub police_url: String,
    /// Site identifier code (网站标识码).
    pub site_code: String,
    /// Show the Party-and-government-organ badge.
    pub organ_badge: bool,
    /// The error-report link (我为政府网站找错).
    pub error_report_url: String,
}

/// One menu entry; `url` may be `@/path.md`, a site path or an absolute URL.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct MenuItem {
    /// The label.
    pub name: String,
    /// Where it goes.
    pub url: String,
}

/// Feed settings.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct Feeds {
    /// How many newest entries a feed carries.
    pub limit: usize,
}

impl Default for Feeds {
    fn default() -> Self {
        Feeds { limit: 50 }
    }
}

/// Search settings.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct Search {
    /// Write a search index and the search page.
    pub enabled: bool,
}

impl Default for Search {
    fn default() -> Self {
        Search { enabled: true }
    }
}

/// Responsive image settings.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq, Hash)]
#[serde(deny_unknown_fields, default)]
pub struct Images {
    /// Widths images are resized to (never upscaled).
    pub widths: Vec<u32>,
    /// JPEG quality, 1 to 100.
    pub quality: u8,
    /// The `sizes` attribute of images in a page's text: how wide they show.
    pub sizes: String,
}

impl Default for Images {
    fn default() -> Self {
        Images {
            widths: vec![480, 960, 1600],
            quality: 82,
            sizes: "(max-width: 48rem) 100vw, 48rem".into(),
        }
    }
}

/// Settings of the check of links in the written pages.
#[derive(Debug, Clone, Deserialize, Serialize, Default, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct Links {
    /// Paths of this host that something other than this site serves (`/cms/`): links
    /// under them are not checked.
    pub served_elsewhere: Vec<String>,
    /// Hosts an article's raw HTML may load from (`<iframe src>`, `<script src>`): empty
    /// by default, since every such load tells another host who reads the page.
    pub embed_hosts: Vec<String>,
}

impl Links {
    /// True if pages may load from `host` (listed in `embed_hosts`, letter case aside).
    pub fn may_embed(&self, host: &str) -> bool {
        self.embed_hosts
            .iter()
            .any(|h| h.eq_ignore_ascii_case(host))
    }

    /// True if the root-relative `path` is served by something else.
    pub fn is_served_elsewhere(&self, path: &str) -> bool {
        self.served_elsewhere
            .iter()
            .any(|prefix| !prefix.is_empty() && path.starts_with(prefix.as_str()))
    }
}

/// The validated site configuration.
#[derive(Debug, Clone, Serialize)]
pub struct Config {
    /// Site title.
    pub title: String,
    /// One-line description for meta tags and feeds.
    pub description: String,
    /// The base URL, always ending with `/`.
    pub base_url: String,
    /// Scheme and host of the base URL, e.g. `https://www.example.gov.cn`.
    pub origin: String,
    /// The path part of the base URL, starting and ending with `/`.
    pub base_path: String,
    /// The host, for the `SiteDomain` meta tag.
    pub domain: String,
    /// Page language, `zh-CN` by default.
    pub language: String,
    /// Theme folder name under `themes/`.
    pub theme: String,
    /// Items per list page.
    pub paginate: usize,
    /// Offset of dates written without one, `+08:00` by default.
    #[serde(serialize_with = "serialize_offset")]
    pub timezone: FixedOffset,
    /// The current campaign, if any.
    pub campaign: Option<Campaign>,
    /// Government-site footer fields.
    pub footer: Footer,
    /// The menu as written (templates get it with resolved URLs).
    pub menu: Vec<MenuItem>,
    /// Feed settings.
    pub feeds: Feeds,
    /// Search settings.
    pub search: Search,
    /// Image settings.
    pub images: Images,
    /// Link-check settings.
    pub links: Links,
    /// `herald inspect` thresholds and the publishing gate.
    pub inspection: Inspection,
    /// Free-form values for themes.
    pub extra: Map<String, Value>,
    /// Where the config was read from (not shown to templates).
    #[serde(skip)]
    pub path: PathBuf,
}

fn serialize_offset<S: serde::Serializer>(zone: &FixedOffset, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&zone.to_string())
}

impl Config {
    /// Reads and validates `config.yaml` in `root`.
    pub fn load(root: &Path) -> Result<Config, Vec<Diagnostic>> {
        let path = root.join(CONFIG_FILE);
        if !path.is_file() {
            return Err(vec![
                Diagnostic::error(format!("no {CONFIG_FILE} in {}", root.display()))
                    .with_help("run Herald in a site folder, pass --root DIR, or create one with `herald init DIR`"),
            ]);
        }
        let text = fs::read_text(&path).map_err(|d| vec![d])?;
        Config::parse(&text, &path)
    }

    /// Parses and validates config text read from `path`.
    pub fn parse(text: &str, path: &Path) -> Result<Config, Vec<Diagnostic>> {
        let raw: RawConfig = yaml::from_str(text).map_err(|e| vec![e.into_diagnostic(path, 0)])?;
        validate(raw, text, path)
    }

    /// Replaces the base URL (for `--base-url` and for `serve`).
    pub fn set_base_url(&mut self, url: &str) -> Result<(), Diagnostic> {
        let parts = split_base_url(url).map_err(Diagnostic::error)?;
        (self.base_url, self.origin, self.base_path, self.domain) = parts;
        Ok(())
    }

    /// The absolute URL of a site path such as `articles/x/` (no leading slash).
    pub fn permalink(&self, site_path: &str) -> String {
        format!("{}{}", self.base_url, site_path)
    }

    /// The root-relative URL of a site path, including the base path: `/campaign/articles/x/`.
    pub fn href(&self, site_path: &str) -> String {
        format!("{}{}", self.base_path, site_path)
    }
}

fn validate(raw: RawConfig, text: &str, path: &Path) -> Result<Config, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let mut fail = |keys: &[&str], message: String, help: &str| {
        let mut d = Diagnostic::error(message).in_file(path).with_help(help);
        d.line = key_path_line(text, keys);
        errors.push(d);
    };

    let base = split_base_url(&raw.base_url);
    if let Err(message) = &base {
        fail(
            &["base_url"],
            message.clone(),
            "write the full address, e.g. https://www.example.gov.cn/",
        );
    }
    if raw.title.trim().is_empty() {
        fail(
            &["title"],
            "`title` is empty".into(),
            "give the site a title",
        );
    }
    if raw.paginate == 0 {
        fail(
            &["paginate"],
            "`paginate` must be at least 1".into(),
            "the default is 20",
        );
    }
    let timezone = parse_offset(&raw.timezone);
    if timezone.is_none() {
        fail(
            &["timezone"],
            format!("`timezone: {}` is not an offset", raw.timezone),
            "write it like +08:00",
        );
    }
    if raw.theme.is_empty() || raw.theme.contains(['/', '\\']) || raw.theme.starts_with('.') {
        fail(
            &["theme"],
            format!("`theme: {}` is not a folder name", raw.theme),
            "name a folder under themes/, e.g. default",
        );
    }
    if raw.images.widths.is_empty() || raw.images.widths.iter().any(|w| !(16..=8192).contains(w)) {
        fail(
            &["images", "widths"],
            "`images.widths` must list widths between 16 and 8192".into(),
            "the default is [480, 960, 1600]",
        );
    }
    if !(1..=100).contains(&raw.images.quality) {
        fail(
            &["images", "quality"],
            "`images.quality` must be between 1 and 100".into(),
            "the default is 82",
        );
    }
    let campaign = raw.campaign.map(|c| Campaign {
        name: c.name,
        slogan: c.slogan,
        starts: c.starts.date(),
        ends: c.ends.date(),
        security_week: c.security_week,
    });
    if let Some(c) = &campaign
        && c.ends < c.starts
    {
        fail(
            &["campaign", "ends"],
            format!(
                "the campaign ends ({}) before it starts ({})",
                c.ends, c.starts
            ),
            "swap `starts` and `ends`",
        );
    }
    for (keys, message, help) in raw.inspection.problems() {
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        fail(&keys, message, &help);
    }
    let (Ok((base_url, origin, base_path, domain)), Some(timezone), true) =
        (base, timezone, errors.is_empty())
    else {
        return Err(errors);
    };
    let mut images = raw.images;
    images.widths.sort_unstable();
    images.widths.dedup();
    Ok(Config {
        title: raw.title,
        description: raw.description,
        base_url,
        origin,
        base_path,
        domain,
        language: raw.language,
        theme: raw.theme,
        paginate: raw.paginate,
        timezone,
        campaign,
        footer: raw.footer.with_default_links(),
        menu: raw.menu,
        feeds: raw.feeds,
        search: raw.search,
        images,
        links: raw.links,
        inspection: raw.inspection,
        extra: raw.extra,
        path: path.to_path_buf(),
    })
}

impl Footer {
    fn with_default_links(mut self) -> Footer {
        if self.icp_url.is_empty() {
            self.icp_url = "https://beian.miit.gov.cn/".into();
        }
        if self.police_url.is_empty() {
            self.police_url = "https://beian.mps.gov.cn/".into();
        }
        self
    }
}

/// Splits a base URL into (normalised URL, origin, path, host).
fn split_base_url(url: &str) -> Result<(String, String, String, String), String> {
    let url = url.trim();
    let Some((scheme, rest)) = url.split_once("://") else {
        return Err(format!("`base_url: {url}` is not an absolute http(s) URL"));
    };
    if scheme != "http" && scheme != "https" {
        return Err(format!(
            "`base_url: {url}` must start with http:// or https://"
        ));
    }
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    if host.is_empty() || path.contains(['?', '#']) {
        return Err(format!(
            "`base_url: {url}` must be scheme, host and an optional path"
        ));
    }
    let mut path = path.to_string();
    if !path.ends_with('/') {
        path.push('/');
    }
    let origin = format!("{scheme}://{host}");
    let domain = host.split(':').next().unwrap_or(host).to_string();
    Ok((format!("{origin}{path}"), origin, path, domain))
}

/// The line of a possibly nested key (`campaign.ends`), or of its nearest written parent.
fn key_path_line(text: &str, keys: &[&str]) -> Option<usize> {
    let first = yaml::key_line(text, keys.first()?)?;
    let mut found = first;
    for key in &keys[1..] {
        let after: Vec<&str> = text
            .lines()
            .skip(found)
            .take_while(|l| l.starts_with(' ') || l.is_empty())
            .collect();
        match after.iter().position(|l| {
            l.trim_start()
                .strip_prefix(key)
                .is_some_and(|r| r.trim_start().starts_with(':'))
        }) {
            Some(i) => found += i + 1,
            None => break,
        }
    }
    Some(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, Vec<Diagnostic>> {
        Config::parse(text, Path::new("config.yaml"))
    }

    #[test]
    fn defaults_and_base_path() {
        let c = parse("title: 站点\nbase_url: https://example.gov.cn/campaign\n").unwrap();
        assert_eq!(c.base_url, "https://example.gov.cn/campaign/");
        assert_eq!(c.base_path, "/campaign/");
        assert_eq!(c.origin, "https://example.gov.cn");
        assert_eq!(c.domain, "example.gov.cn");
        assert_eq!(c.paginate, 20);
        assert_eq!(c.feeds.limit, 50);
        assert_eq!(c.images.widths, [480, 960, 1600]);
        assert_eq!(c.href("articles/"), "/campaign/articles/");
        assert_eq!(
            c.permalink("atom.xml"),
            "https://example.gov.cn/campaign/atom.xml"
        );
    }

    #[test]
    fn unknown_nested_key_names_nearest() {
        let errs =
            parse("title: t\nbase_url: https://a.cn/\nfooter:\n  org: x\n  ipc: y\n").unwrap_err();
        assert_eq!(errs[0].message, "unknown key `footer.ipc`");
        assert_eq!(errs[0].line, Some(5));
        assert_eq!(errs[0].help.as_deref(), Some("did you mean `icp`?"));
    }

    #[test]
    fn bad_values_name_their_line() {
        let errs = parse("title: t\nbase_url: example.gov.cn\npaginate: 0\n").unwrap_err();
        assert_eq!(errs.len(), 2);
        assert_eq!(errs[0].line, Some(2));
        assert_eq!(errs[1].line, Some(3));
    }

    #[test]
    fn campaign_dates_are_checked() {
        let text = "title: t\nbase_url: https://a.cn/\ncampaign:\n  starts: 2026-09-20\n  ends: 2026-09-14\n";
        let errs = parse(text).unwrap_err();
        assert_eq!(errs[0].line, Some(5));
        let errs = parse("title: t\nbase_url: https://a.cn/\ncampaign: { starts: 2026-02-30, ends: 2026-03-01 }\n").unwrap_err();
        assert!(
            errs[0].message.contains("not a real date"),
            "{}",
            errs[0].message
        );
        assert_eq!(errs[0].line, Some(3));
    }
}
