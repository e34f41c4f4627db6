//! The site's side of shortcodes: finding a call's template (the site's
//! `templates/shortcodes/NAME.html`, else the theme's) and giving it what it needs.
//!
//! Every argument whose value is a path of the site (`/videos/a.mp4`, `./a.pdf`,
//! `../images/a.jpg`) must name an existing file; the template finds its details in
//! `files.<argument>`: `url`, `size`, `size_text` (`1.2 MB`), `format` (`MP4`), and for
//! images `image` (`src width height srcset sizes`, resized like any other image).

use serde::Serialize;
use serde_json::{Map, Value};
use tera::Context;

use super::Site;
use crate::assets::encode_path;
use crate::content::week::human_size;
use crate::markdown::{Resolver, ShortcodeCall, ShortcodeError, ShortcodeOutput};
use crate::render::shortcodes;

/// What a template learns about a file an argument named.
#[derive(Debug, Serialize)]
struct FileView {
    url: String,
    path: String,
    size: u64,
    size_text: String,
    format: String,
    image: Option<ImageView>,
}

#[derive(Debug, Serialize)]
struct ImageView {
    src: String,
    width: Option<u32>,
    height: Option<u32>,
    srcset: Option<String>,
    sizes: Option<String>,
}

/// True for argument values that name a file of the site.
pub(crate) fn names_file(value: &str) -> bool {
    value.starts_with("./")
        || value.starts_with("../")
        || (value.starts_with('/') && !value.starts_with("//"))
}

/// True for the image files a shortcode gets `image` for.
fn is_image(path: &str) -> bool {
    let ext = path
        .rsplit_once('.')
        .map_or("", |(_, e)| e)
        .to_ascii_lowercase();
    matches!(ext.as_str(), "jpg" | "jpeg" | "png" | "webp" | "gif")
}

impl Site {
    /// Renders one shortcode call.
    pub(crate) fn render_shortcode(
        &self,
        call: &ShortcodeCall<'_>,
    ) -> Result<ShortcodeOutput, ShortcodeError> {
        // Broken templates are reported on their own; the body waits for the fix.
        let Some(templates) = self.templates.as_ref() else {
            return Ok(ShortcodeOutput::default());
        };
        if !templates.has(&shortcodes::template_name(call.name)) {
            let known = shortcodes::known(templates);
            let help = if known.is_empty() {
                "this site and its theme have no shortcodes".to_string()
            } else {
                format!("known shortcodes: {}", known.join(", "))
            };
            return Err(ShortcodeError::new(
                format!(
                    "there is no shortcode `{}` (no templates/shortcodes/{}.html in the site or the theme)",
                    call.name, call.name
                ),
                help,
            ));
        }
        let mut output = ShortcodeOutput::default();
        let mut files = Map::new();
        for (key, value) in call.args {
            let Some(written) = value.as_str().filter(|v| names_file(v)) else {
                continue;
            };
            let view = self.file_view(written, call.rel, &mut output.files).map_err(|why| {
                ShortcodeError {
                    message: format!("`{key}=\"{written}\"`: {why}"),
                    help: Some("put the file in static/ (or assets/) and write its path from the site root, like /videos/promo.mp4".into()),
                    arg: Some(key.clone()),
                }
            })?;
            output.named_files.push(written.to_string());
            files.insert(key.clone(), serde_json::to_value(view).unwrap_or_default());
        }
        let mut context = Context::new();
        for (key, value) in call.args {
            context.insert(key, value);
        }
        if let Some(body) = call.body {
            context.insert("body", body);
        }
        context.insert("nth", &call.nth);
        context.insert("files", &Value::Object(files));
        let (html, warnings) = shortcodes::render(templates, call.name, &context)?;
        output.html = html;
        output.warnings = warnings;
        Ok(output)
    }

    fn file_view(
        &self,
        written: &str,
        rel: &str,
        needs: &mut Vec<String>,
    ) -> Result<FileView, String> {
        let located = self.files.locate(written, Some(rel))?;
        let size = match &located.source {
            Some(source) => std::fs::metadata(source).map(|m| m.len()).unwrap_or(0),
            None => self.files.size(&located.path).unwrap_or(0),
        };
        let format = located
            .path
            .rsplit_once('.')
            .map_or(String::new(), |(_, ext)| ext.to_ascii_uppercase());
        let image = if is_image(&located.path) {
            let resolved = self.image(written, rel)?;
            needs.extend(resolved.files.iter().cloned());
            Some(ImageView {
                src: resolved.src,
                width: resolved.width,
                height: resolved.height,
                srcset: resolved.srcset,
                sizes: resolved.sizes,
            })
        } else {
            None
        };
        Ok(FileView {
            url: self.config.href(&encode_path(&located.path)),
            path: located.path,
            size,
            size_text: human_size(size),
            format,
            image,
        })
    }

    /// A version of the file a shortcode argument named: where it is, its size and time.
    pub(crate) fn shortcode_file_version(&self, written: &str, from: &str) -> Option<u64> {
        let located = self.files.locate(written, Some(from)).ok()?;
        let meta = located
            .source
            .as_ref()
            .and_then(|s| std::fs::metadata(s).ok());
        let stamp = meta.map(|m| (m.len(), m.modified().ok()));
        // Resolving an image asks the pipeline for its resized copies, as rendering
        // did: a body taken from the Markdown cache still gets them published.
        let image = is_image(&located.path).then(|| format!("{:?}", self.image(written, from)));
        Some(crate::hash::of(&(
            located.path,
            format!("{stamp:?}"),
            image,
        )))
    }

    /// A version of shortcode `name`'s template (`None`: there is none, or the
    /// templates have errors).
    pub(crate) fn shortcode_template_version(&self, name: &str) -> Option<u64> {
        self.templates
            .as_ref()?
            .version(&shortcodes::template_name(name))
    }
}
