use std::path::Path;

use super::*;
use crate::output::Staging;

fn png(path: &Path, width: u32, height: u32) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    image::RgbImage::from_fn(width, height, |x, _| image::Rgb([(x % 256) as u8, 80, 160]))
        .save(path)
        .unwrap();
}

fn pipeline(root: &Path) -> Pipeline {
    Pipeline::new(root, &ImageConfig::default())
}

#[test]
fn widths_never_upscale_and_names_carry_a_hash() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.png");
    png(&file, 1000, 500);
    let images = pipeline(dir.path());
    let r = images.responsive("images/a.png", &file, None).unwrap();
    let widths: Vec<u32> = r.variants.iter().map(|(_, w)| *w).collect();
    assert_eq!(widths, [480, 960, 1000]);
    assert_eq!((r.width, r.height), (1000, 500));
    assert!(
        r.src.starts_with("images/a.") && r.src.ends_with(".1000w.png"),
        "{}",
        r.src
    );
    let small = dir.path().join("s.png");
    png(&small, 300, 300);
    let r = images.responsive("s.png", &small, None).unwrap();
    assert_eq!(r.variants.len(), 1);
    assert_eq!(r.width, 300);
}

#[test]
fn publishing_makes_real_sizes_and_the_cache_avoids_decoding_again() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("assets/images/a.png");
    png(&file, 1200, 600);
    let out = dir.path().join("public");
    let images = pipeline(dir.path());
    let r = images.responsive("images/a.png", &file, None).unwrap();
    images.fill("images/a.png", &file, 300, 300).unwrap();
    let staging = Staging::begin(&out).unwrap();
    let (stats, errors) = images.publish(&staging, false);
    staging.commit().unwrap();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!((stats.variants, stats.processed, stats.decoded), (5, 5, 1));
    for (path, width) in &r.variants {
        let (w, h) = image::image_dimensions(out.join(path)).unwrap();
        assert_eq!(w, *width);
        assert_eq!(h, width / 2);
    }
    let again = pipeline(dir.path());
    again.responsive("images/a.png", &file, None).unwrap();
    again.fill("images/a.png", &file, 300, 300).unwrap();
    let (stats, _) = again.publish(&crate::output::Discard, false);
    assert_eq!((stats.processed, stats.cached, stats.decoded), (0, 5, 0));
}

#[test]
fn a_changed_source_gets_new_names() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.png");
    png(&file, 600, 300);
    let first = pipeline(dir.path())
        .responsive("a.png", &file, None)
        .unwrap();
    png(&file, 600, 301);
    let second = pipeline(dir.path())
        .responsive("a.png", &file, None)
        .unwrap();
    assert_ne!(first.src, second.src);
}

#[test]
fn exif_orientation_turns_the_picture() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("turned.jpg");
    // A 40×20 JPEG whose EXIF says "rotate 90° clockwise": it displays 20×40.
    let mut jpeg = Vec::new();
    image::RgbImage::from_pixel(40, 20, image::Rgb([200, 0, 0]))
        .write_to(&mut std::io::Cursor::new(&mut jpeg), ImageFormat::Jpeg)
        .unwrap();
    let exif: &[u8] = &[
        b'E', b'x', b'i', b'f', 0, 0, b'M', b'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0,
        0, 1, 0, 6, 0, 0, 0, 0, 0, 0,
    ];
    let mut with_exif = vec![0xFF, 0xD8, 0xFF, 0xE1, 0, (exif.len() + 2) as u8];
    with_exif.extend_from_slice(exif);
    with_exif.extend_from_slice(&jpeg[2..]);
    std::fs::write(&file, with_exif).unwrap();
    let source = source::read(&file).unwrap();
    assert_eq!((source.width, source.height), (20, 40));
    let images = pipeline(dir.path());
    let r = images.responsive("turned.jpg", &file, None).unwrap();
    let out = dir.path().join("public");
    let staging = Staging::begin(&out).unwrap();
    let (_, errors) = images.publish(&staging, false);
    staging.commit().unwrap();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(image::image_dimensions(out.join(&r.src)).unwrap(), (20, 40));
}

#[test]
fn absurd_and_damaged_images_are_refused_with_reasons() {
    let dir = tempfile::tempdir().unwrap();
    // A PNG header claiming 100000×100000 pixels.
    let mut huge = Vec::new();
    image::RgbImage::new(1, 1)
        .write_to(&mut std::io::Cursor::new(&mut huge), ImageFormat::Png)
        .unwrap();
    huge[16..20].copy_from_slice(&100_000u32.to_be_bytes());
    huge[20..24].copy_from_slice(&100_000u32.to_be_bytes());
    // The IHDR chunk's CRC covers its type and data (bytes 12..29).
    let crc = crc32(&huge[12..29]);
    huge[29..33].copy_from_slice(&crc.to_be_bytes());
    let file = dir.path().join("huge.png");
    std::fs::write(&file, huge).unwrap();
    let why = source::read(&file).unwrap_err();
    assert!(why.contains("too large"), "{why}");

    let truncated = dir.path().join("cut.png");
    png(&truncated, 400, 400);
    let bytes = std::fs::read(&truncated).unwrap();
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let images = pipeline(dir.path());
    images.responsive("cut.png", &truncated, None).unwrap();
    let (_, errors) = images.publish(&crate::output::Discard, false);
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].file.as_deref(), Some(truncated.as_path()));
    assert!(
        errors[0].message.contains("damaged or truncated"),
        "{}",
        errors[0].message
    );

    let text = dir.path().join("not.png");
    std::fs::write(&text, "hello").unwrap();
    assert!(source::read(&text).is_err());
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}
