//! Responsive images: editors' full-size images from `assets/` turned into the sizes
//! readers' screens need, once.
//!
//! Pages ask for an image while they render and get its variants' URLs and sizes at
//! once (read from the header). The pixels are processed afterwards, in parallel, one
//! decode per source for all its sizes, and only when the cache lacks the result: a
//! variant's name and cache key hash the source's bytes with the operation and quality,
//! so a stale result can never be used and an unchanged site decodes nothing.
//!
//! Every published variant is re-encoded (metadata such as GPS positions is dropped),
//! turned upright by its EXIF orientation, and never larger than its source.

mod process;
pub mod source;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use image::ImageFormat;

use crate::config::Images as ImageConfig;
use crate::hash;
pub use process::ImageStats;
use source::Source;

/// Bumped when processing changes, so old cache entries are not reused.
const PIPELINE_VERSION: u32 = 1;

/// The file extensions processed as images (others are copied as they are).
pub fn is_processable(path: &str) -> bool {
    let ext = path
        .rsplit_once('.')
        .map_or("", |(_, e)| e)
        .to_ascii_lowercase();
    matches!(ext.as_str(), "jpg" | "jpeg" | "png" | "webp")
}

/// What a variant is made with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    /// Scale to this width, keeping the aspect ratio.
    Width(u32),
    /// Scale and crop from the centre to exactly this size.
    Fill(u32, u32),
}

/// One file to make from a source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    /// The source file.
    pub source: PathBuf,
    /// What to do.
    pub operation: Operation,
    /// The output format.
    pub format: ImageFormat,
    /// Its size.
    pub width: u32,
    /// Its height.
    pub height: u32,
    /// Cache key.
    pub key: u64,
}

/// An image ready for `<img src srcset sizes width height>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Responsive {
    /// Published path of the largest variant (the `src`).
    pub src: String,
    /// Its width.
    pub width: u32,
    /// Its height.
    pub height: u32,
    /// Published paths and widths of every variant, smallest first.
    pub variants: Vec<(String, u32)>,
}

/// The images of one site.
#[derive(Debug)]
pub struct Pipeline {
    config: ImageConfig,
    cache_dir: PathBuf,
    sources: Mutex<HashMap<PathBuf, Result<Arc<Source>, String>>>,
    variants: Mutex<BTreeMap<String, Variant>>,
    published: Mutex<HashSet<String>>,
}

impl Pipeline {
    /// A pipeline for a site at `root`, caching in `root/.herald-cache/images/`.
    pub fn new(root: &Path, config: &ImageConfig) -> Pipeline {
        Pipeline {
            config: config.clone(),
            cache_dir: root.join(".herald-cache").join("images"),
            sources: Mutex::new(HashMap::new()),
            variants: Mutex::new(BTreeMap::new()),
            published: Mutex::new(HashSet::new()),
        }
    }

    /// The `sizes` attribute for images in a page's text.
    pub fn sizes(&self) -> &str {
        &self.config.sizes
    }

    /// A source image's header, read once.
    pub fn source(&self, path: &Path) -> Result<Arc<Source>, String> {
        let mut sources = self.sources.lock().unwrap_or_else(|e| e.into_inner());
        sources
            .entry(path.to_path_buf())
            .or_insert_with(|| source::read(path).map(Arc::new))
            .clone()
    }

    /// Forgets what is known of sources (after files changed).
    pub fn forget_sources(&self) {
        self.sources
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }

    /// The image at `published` (its path as written in the site, e.g.
    /// `images/a.jpg`, read from `file`) in the configured widths (or `widths`), never
    /// wider than the source.
    pub fn responsive(
        &self,
        published: &str,
        file: &Path,
        widths: Option<&[u32]>,
    ) -> Result<Responsive, String> {
        let source = self.source(file)?;
        let wanted = widths.unwrap_or(&self.config.widths);
        let mut widths: Vec<u32> = wanted
            .iter()
            .copied()
            .filter(|&w| w > 0 && w < source.width)
            .collect();
        widths.push(
            source
                .width
                .min(wanted.iter().copied().max().unwrap_or(source.width))
                .max(1),
        );
        widths.sort_unstable();
        widths.dedup();
        let variants: Vec<(String, Variant)> = widths
            .iter()
            .map(|&w| self.variant(published, &source, Operation::Width(w)))
            .collect();
        Ok(self.register(variants))
    }

    /// The image at `published` cropped from the centre to `width`×`height` (and twice
    /// that for sharp screens, where the source is large enough).
    pub fn fill(
        &self,
        published: &str,
        file: &Path,
        width: u32,
        height: u32,
    ) -> Result<Responsive, String> {
        let source = self.source(file)?;
        let mut sizes = vec![(width, height)];
        if source.width >= width * 2 && source.height >= height * 2 {
            sizes.push((width * 2, height * 2));
        }
        let variants: Vec<(String, Variant)> = sizes
            .iter()
            .map(|&(w, h)| self.variant(published, &source, Operation::Fill(w, h)))
            .collect();
        let mut responsive = self.register(variants);
        // The `src` of a thumbnail is its 1× size.
        if let Some((path, _)) = responsive.variants.first() {
            responsive.src = path.clone();
            responsive.width = width;
            responsive.height = height;
        }
        Ok(responsive)
    }

    fn variant(&self, published: &str, source: &Source, operation: Operation) -> (String, Variant) {
        let format = output_format(source);
        let key = hash::of(&(
            source.hash,
            operation,
            self.config.quality,
            format.extensions_str(),
            PIPELINE_VERSION,
        ));
        let (width, height) = match operation {
            Operation::Width(w) => (w, scaled_height(source, w)),
            Operation::Fill(w, h) => (w, h),
        };
        let stem = published.rsplit_once('.').map_or(published, |(s, _)| s);
        let size = match operation {
            Operation::Width(w) => format!("{w}w"),
            Operation::Fill(w, h) => format!("{w}x{h}"),
        };
        let ext = format.extensions_str().first().copied().unwrap_or("img");
        let path = format!("{stem}.{}.{size}.{ext}", hash::short_hex(key));
        (
            path,
            Variant {
                source: source.path.clone(),
                operation,
                format,
                width,
                height,
                key,
            },
        )
    }

    fn register(&self, variants: Vec<(String, Variant)>) -> Responsive {
        let mut registry = self.variants.lock().unwrap_or_else(|e| e.into_inner());
        let list: Vec<(String, u32)> = variants.iter().map(|(p, v)| (p.clone(), v.width)).collect();
        let (src, largest) = variants
            .last()
            .map(|(p, v)| (p.clone(), v.clone()))
            .expect("at least one variant");
        for (path, variant) in variants {
            registry.insert(path, variant);
        }
        Responsive {
            src,
            width: largest.width,
            height: largest.height,
            variants: list,
        }
    }

    /// Forgets variants not in `live` (no page refers to them any more); returns the
    /// published paths of those that were published.
    pub fn retain(&self, live: impl Fn(&str) -> bool) -> Vec<String> {
        let mut registry = self.variants.lock().unwrap_or_else(|e| e.into_inner());
        let mut published = self.published.lock().unwrap_or_else(|e| e.into_inner());
        registry.retain(|path, _| live(path));
        let mut gone: Vec<String> = published.iter().filter(|p| !live(p)).cloned().collect();
        gone.sort();
        published.retain(|p| live(p));
        gone
    }

    fn cache_file(&self, variant: &Variant) -> PathBuf {
        let ext = variant
            .format
            .extensions_str()
            .first()
            .copied()
            .unwrap_or("img");
        // The variant's key names its output; the cache also depends on the code and
        // codecs that made it, so a Herald that would make other bytes makes them anew.
        let key = hash::of(&(variant.key, env!("HERALD_IMAGES_HASH")));
        self.cache_dir.join(format!("{key:016x}.{ext}"))
    }
}

/// The height of `source` scaled to `width`, at least one pixel.
fn scaled_height(source: &Source, width: u32) -> u32 {
    ((u64::from(source.height) * u64::from(width) + u64::from(source.width) / 2)
        / u64::from(source.width.max(1)))
    .max(1) as u32
}

/// The format variants of a source are written in: the source's own, except WebP
/// (the image crate writes only lossless WebP, far larger than JPEG for photos),
/// which becomes JPEG, or PNG when it is transparent.
fn output_format(source: &Source) -> ImageFormat {
    match source.format {
        ImageFormat::Png => ImageFormat::Png,
        ImageFormat::WebP if source.has_alpha => ImageFormat::Png,
        _ => ImageFormat::Jpeg,
    }
}

#[cfg(test)]
mod tests;
