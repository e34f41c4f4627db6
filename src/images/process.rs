//! Making the variants that pages asked for: decode each source once, make every
//! missing size from it, keep the results in the cache, and publish them.

use std::collections::BTreeMap;
use std::io::{Cursor, IsTerminal, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;

use super::source::{explain, limits};
use super::{Operation, Pipeline, Variant};
use crate::error::Diagnostic;
use crate::output::Sink;
use crate::theme::Origin;

/// What publishing the images did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImageStats {
    /// Variants published.
    pub variants: usize,
    /// Variants made now.
    pub processed: usize,
    /// Variants taken from the cache.
    pub cached: usize,
    /// Source images decoded.
    pub decoded: usize,
}

impl Pipeline {
    /// Makes the variants asked for so far that the cache lacks, and publishes them
    /// into `sink` (with `only_new`, only those not published before by this pipeline).
    pub fn publish(&self, sink: &dyn Sink, only_new: bool) -> (ImageStats, Vec<Diagnostic>) {
        let wanted: Vec<(String, Variant)> = {
            let registry = self.variants.lock().unwrap_or_else(|e| e.into_inner());
            let published = self.published.lock().unwrap_or_else(|e| e.into_inner());
            registry
                .iter()
                .filter(|(path, _)| !only_new || !published.contains(*path))
                .map(|(p, v)| (p.clone(), v.clone()))
                .collect()
        };
        let mut stats = ImageStats {
            variants: wanted.len(),
            ..ImageStats::default()
        };
        let mut missing: BTreeMap<PathBuf, Vec<&Variant>> = BTreeMap::new();
        for (_, variant) in &wanted {
            if !self.cache_file(variant).is_file() {
                missing
                    .entry(variant.source.clone())
                    .or_default()
                    .push(variant);
            }
        }
        let to_make: usize = missing.values().map(Vec::len).sum();
        stats.processed = to_make;
        stats.cached = wanted.len() - to_make;
        stats.decoded = missing.len();
        let progress = Progress::new(to_make);
        let mut errors: Vec<Diagnostic> = missing
            .par_iter()
            .filter_map(|(source, variants)| self.make(source, variants, &progress).err())
            .collect();
        progress.finish();
        let failed: Vec<&Path> = errors.iter().filter_map(|d| d.file.as_deref()).collect();
        let publish_errors: Vec<Diagnostic> = wanted
            .par_iter()
            .filter(|(_, v)| !failed.contains(&v.source.as_path()))
            .filter_map(|(path, variant)| {
                sink.copy(path, &Origin::Disk(self.cache_file(variant)))
                    .err()
            })
            .collect();
        errors.extend(publish_errors);
        if errors.is_empty() {
            let mut published = self.published.lock().unwrap_or_else(|e| e.into_inner());
            published.extend(wanted.into_iter().map(|(p, _)| p));
        }
        (stats, errors)
    }

    /// The output paths of the variants asked for so far, without making them (for
    /// `inspect`, which needs to know they will be published, not their pixels).
    pub fn variant_paths(&self) -> Vec<String> {
        let registry = self.variants.lock().unwrap_or_else(|e| e.into_inner());
        registry.keys().cloned().collect()
    }

    /// Decodes `source` once and writes every variant of it to the cache.
    fn make(
        &self,
        source: &Path,
        variants: &[&Variant],
        progress: &Progress,
    ) -> Result<(), Diagnostic> {
        let fail = |message: String| {
            Diagnostic::error(message)
                .in_file(source)
                .with_help("open and save the image again, or replace it")
        };
        let image = decode(source).map_err(fail)?;
        crate::fs::create_dir_all(&self.cache_dir)?;
        for variant in variants {
            let made = match variant.operation {
                Operation::Width(w) if w >= image.width() => image.clone(),
                Operation::Width(w) => {
                    image.resize_exact(w, variant.height, FilterType::CatmullRom)
                }
                Operation::Fill(w, h) => image.resize_to_fill(w, h, FilterType::CatmullRom),
            };
            let bytes = encode(&made, variant.format, self.config.quality)
                .map_err(|e| fail(format!("cannot encode the image: {e}")))?;
            write_atomically(&self.cache_file(variant), &bytes)?;
            progress.advance();
        }
        Ok(())
    }
}

/// Decodes an image with the limits and turns it upright by its EXIF orientation.
fn decode(path: &Path) -> Result<DynamicImage, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read the image: {e}"))?;
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| format!("cannot read the image: {e}"))?;
    reader.limits(limits());
    let mut decoder = reader.into_decoder().map_err(|e| explain(&e))?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(|e| explain(&e))?;
    image.apply_orientation(orientation);
    Ok(image)
}

fn encode(image: &DynamicImage, format: ImageFormat, quality: u8) -> image::ImageResult<Vec<u8>> {
    let mut out = Vec::new();
    match format {
        ImageFormat::Jpeg => {
            let rgb = image.to_rgb8();
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
                .encode_image(&rgb)?;
        }
        _ => image.write_with_encoder(image::codecs::png::PngEncoder::new(&mut out))?,
    }
    Ok(out)
}

/// Writes a cache file so that a reader never sees half of it.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), Diagnostic> {
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    crate::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
        .map_err(|e| crate::fs::io_error(path, "cannot write to the image cache", &e))
}

/// Progress of image work: silent for the first second, then a bar on a terminal or
/// a line a second otherwise.
struct Progress {
    total: usize,
    done: AtomicUsize,
    started: Instant,
    last_line: std::sync::Mutex<Instant>,
    bar: Option<ProgressBar>,
}

impl Progress {
    fn new(total: usize) -> Progress {
        let bar = (total > 0 && std::io::stdout().is_terminal()).then(|| {
            let bar =
                ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::hidden());
            bar.set_style(
                ProgressStyle::with_template("images {bar:30} {pos}/{len} ({eta} left)")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar
        });
        Progress {
            total,
            done: AtomicUsize::new(0),
            started: Instant::now(),
            last_line: std::sync::Mutex::new(Instant::now()),
            bar,
        }
    }

    fn advance(&self) {
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        if self.started.elapsed() < Duration::from_secs(1) {
            return;
        }
        match &self.bar {
            Some(bar) => {
                if bar.is_hidden() {
                    bar.set_draw_target(ProgressDrawTarget::stdout());
                }
                bar.set_position(done as u64);
            }
            None => {
                let mut last = self.last_line.lock().unwrap_or_else(|e| e.into_inner());
                if last.elapsed() >= Duration::from_secs(1) {
                    *last = Instant::now();
                    println!("images: {done}/{} made", self.total);
                    let _ = std::io::stdout().flush();
                }
            }
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
