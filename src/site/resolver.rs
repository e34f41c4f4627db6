//! How Markdown finds what it links to: pages, files, images, shortcodes.

use super::Site;
use crate::assets::encode_path;
use crate::content::Item;
use crate::markdown::{self, ResolvedImage, Resolver};

impl Resolver for Site {
    fn may_embed(&self, host: &str) -> bool {
        self.config.links.may_embed(host)
    }

    fn link(&self, target: &str) -> Result<String, String> {
        match self.library.by_rel.get(target) {
            Some(Item::Page(id)) => Ok(self
                .config
                .href(&encode_path(&self.library.pages[*id].path))),
            Some(Item::Section(id)) => Ok(self
                .config
                .href(&encode_path(&self.library.sections[*id].path))),
            None if self.broken.contains(target) => Ok("#".into()),
            None => Err(self.why_missing(target)),
        }
    }

    fn href(&self, site_path: &str) -> String {
        self.config.href(site_path)
    }

    fn shortcode(
        &self,
        call: &markdown::ShortcodeCall<'_>,
    ) -> Result<markdown::ShortcodeOutput, markdown::ShortcodeError> {
        self.render_shortcode(call)
    }

    fn shortcode_version(&self, name: &str) -> Option<u64> {
        self.shortcode_template_version(name)
    }

    fn file_version(&self, written: &str, from: &str) -> Option<u64> {
        self.shortcode_file_version(written, from)
    }

    fn image(&self, src: &str, from: &str) -> Result<ResolvedImage, String> {
        if src.starts_with("data:") {
            return Ok(ResolvedImage {
                src: src.to_string(),
                ..ResolvedImage::default()
            });
        }
        if is_remote(src) {
            return Err(REMOTE_IMAGE.into());
        }
        let located = self.files.locate(src, Some(from))?;
        if located.image {
            let source = located.source.as_deref().ok_or("the image has no file")?;
            let image = self.images.responsive(&located.path, source, None)?;
            let href = |path: &str| self.config.href(&encode_path(path));
            let srcset = image
                .variants
                .iter()
                .map(|(path, w)| format!("{} {w}w", href(path)))
                .collect::<Vec<_>>()
                .join(", ");
            return Ok(ResolvedImage {
                src: href(&image.src),
                width: Some(image.width),
                height: Some(image.height),
                srcset: Some(srcset),
                sizes: Some(self.images.sizes().to_string()),
                files: image.variants.into_iter().map(|(path, _)| path).collect(),
            });
        }
        let size = located.source.as_deref().and_then(|p| self.image_size(p));
        Ok(ResolvedImage {
            src: self.config.href(&encode_path(&located.path)),
            width: size.map(|s| s.0),
            height: size.map(|s| s.1),
            ..ResolvedImage::default()
        })
    }
}

/// Why an image from another host is refused.
pub(crate) const REMOTE_IMAGE: &str = "it is on another host, and Herald's pages load nothing from other hosts (readers' browsers would contact it); download it into assets/images/ and write /images/name.jpg";

/// True for URLs of other hosts (`https://…`, `//host/…`).
pub(crate) fn is_remote(url: &str) -> bool {
    url.starts_with("//")
        || url
            .split_once("://")
            .is_some_and(|(scheme, _)| scheme.chars().all(|c| c.is_ascii_alphabetic()))
}
