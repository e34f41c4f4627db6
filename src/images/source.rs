//! Reading what a source image is without decoding its pixels: format, size (after
//! EXIF orientation), and a hash of its bytes. Absurdly large images are refused here,
//! before anything allocates for them.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use image::{ImageDecoder, ImageFormat, ImageReader, Limits};

use crate::hash;

/// The largest side Herald accepts, in pixels.
pub const MAX_SIDE: u32 = 16_384;
/// The most memory one decoded image may take.
pub const MAX_BYTES: u64 = 512 * 1024 * 1024;

/// A source image, known from its header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The file.
    pub path: PathBuf,
    /// Hash of its bytes.
    pub hash: u64,
    /// Width as displayed (after EXIF orientation).
    pub width: u32,
    /// Height as displayed.
    pub height: u32,
    /// The file's format.
    pub format: ImageFormat,
    /// True when it has transparency.
    pub has_alpha: bool,
}

/// The decoder limits every image is read with.
pub fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_BYTES);
    limits
}

/// Reads an image's header. Errors say what is wrong in words an editor can act on.
pub fn read(path: &Path) -> Result<Source, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read the image: {e}"))?;
    let mut reader = ImageReader::new(Cursor::new(&bytes))
        .with_guessed_format()
        .map_err(|e| format!("cannot read the image: {e}"))?;
    let format = reader
        .format()
        .ok_or("this is not an image Herald can resize (JPEG, PNG or WebP)")?;
    reader.limits(limits());
    let mut decoder = reader.into_decoder().map_err(|e| explain(&e))?;
    let (width, height) = decoder.dimensions();
    let has_alpha = decoder.color_type().has_alpha();
    if decoder.total_bytes() > MAX_BYTES {
        return Err(format!(
            "the image is {width}×{height} pixels, which would need more than {} MB to process",
            MAX_BYTES >> 20
        ));
    }
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let (width, height) = if swaps_sides(orientation) {
        (height, width)
    } else {
        (width, height)
    };
    Ok(Source {
        path: path.to_path_buf(),
        hash: hash::of_bytes(&bytes),
        width,
        height,
        format,
        has_alpha,
    })
}

/// True for EXIF orientations that turn the picture by a quarter.
pub fn swaps_sides(orientation: image::metadata::Orientation) -> bool {
    use image::metadata::Orientation::*;
    matches!(
        orientation,
        Rotate90 | Rotate270 | Rotate90FlipH | Rotate270FlipH
    )
}

/// An image error in an editor's words.
pub fn explain(error: &image::ImageError) -> String {
    match error {
        image::ImageError::Limits(_) => {
            format!(
                "the image is too large: Herald refuses images over {MAX_SIDE} pixels a side or {} MB decoded",
                MAX_BYTES >> 20
            )
        }
        image::ImageError::Decoding(_) => format!("the image is damaged or truncated ({error})"),
        image::ImageError::IoError(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
            "the image is damaged or truncated (it ends too early)".to_string()
        }
        image::ImageError::Unsupported(_) => {
            format!("this image format is not supported ({error})")
        }
        other => format!("cannot read the image: {other}"),
    }
}
