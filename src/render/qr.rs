//! QR codes of pages' addresses, drawn at build time as small inline SVG.
//!
//! Readers scan the code with a phone (扫一扫 在手机上阅读, and the way to share a page
//! to WeChat), so it must work without JavaScript and without asking any host for an
//! image. The `qrcodegen` crate does the encoding (Project Nayuki's reference-quality
//! implementation of ISO/IEC 18004). This module only draws the modules as one compact
//! path: each row's runs of dark modules as stroked lines, with relative moves, which
//! keeps the SVG of a typical permalink near 2.4 KB.
//!
//! Every article of a 10,000-article site gets a code, so the mask is fixed
//! ([`MASK`]) instead of chosen by the standard's penalty score: scoring all eight
//! masks took 159 µs a code against 7.4 µs for one (1.6 s of CPU in a 10,000-article
//! build), and every decoder reads the mask from the code's format bits.

use qrcodegen::{Mask, QrCode, QrCodeEcc, QrSegment, Version};

/// The largest QR version a page's code may have. Version 10 (57×57 modules) holds a
/// 213-byte address at error-correction level M; a larger code would no longer fit
/// the page's budget of about 3 KB, nor scan reliably from a screen at its size.
pub const MAX_VERSION: u8 = 10;

/// Error correction level M (15 %): a code shown on screens and paper survives a
/// smudge or a glare, and stays small.
const LEVEL: QrCodeEcc = QrCodeEcc::Medium;

/// The mask every code uses: pattern 2 (every third column), the one the standard's
/// penalty score picks most often for permalinks (1,876 of 3,000 sample addresses;
/// pattern 0 came next with 443).
const MASK: u8 = 2;

/// Blank modules around the code (the standard's quiet zone).
const QUIET: usize = 4;

/// The SVG of the QR code of `text`, labelled `label` for screen readers, or why it
/// cannot be made.
pub fn svg(text: &str, label: &str) -> Result<String, String> {
    let code = encode(text)?;
    let width = code.size() as usize;
    let side = width + 2 * QUIET;
    let dark = |x: usize, y: usize| code.get_module(x as i32, y as i32);
    let mut path = String::with_capacity(width * width / 2);
    // The pen's position: each run starts with a relative move from the last one's
    // end, which keeps numbers short.
    let (mut pen_x, mut pen_y) = (0usize, 0usize);
    for y in 0..width {
        let mut x = 0;
        while x < width {
            if !dark(x, y) {
                x += 1;
                continue;
            }
            let start = x;
            while x < width && dark(x, y) {
                x += 1;
            }
            let (sx, sy) = (start + QUIET, y + QUIET);
            // Numbers are pushed by hand: `write!` was a third of drawing a code.
            if path.is_empty() {
                path.push('M');
                push_number(&mut path, sx as isize);
                path.push(' ');
                push_number(&mut path, sy as isize);
                path.push_str(".5");
            } else {
                path.push('m');
                push_number(&mut path, sx as isize - pen_x as isize);
                path.push(' ');
                push_number(&mut path, sy as isize - pen_y as isize);
            }
            path.push('h');
            push_number(&mut path, (x - start) as isize);
            (pen_x, pen_y) = (x + QUIET, sy);
        }
    }
    Ok(format!(
        concat!(
            r#"<svg class="qr-code" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {side} {side}""#,
            r#" width="{px}" height="{px}" role="img" aria-label="{label}" shape-rendering="crispEdges">"#,
            r##"<rect width="{side}" height="{side}" fill="#fff"/>"##,
            r##"<path stroke="#000" d="{path}"/></svg>"##
        ),
        side = side,
        px = side * 3,
        label = crate::markdown::escape_html(label),
        path = path,
    ))
}

/// Appends `n` in decimal.
fn push_number(out: &mut String, n: isize) {
    if n < 0 {
        out.push('-');
    }
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = n.unsigned_abs();
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    out.extend(digits[at..].iter().map(|&d| char::from(d)));
}

/// The QR code of `text`: error correction M (raised where the same size allows),
/// versions 1 to [`MAX_VERSION`], mask [`MASK`].
fn encode(text: &str) -> Result<QrCode, String> {
    let segments = [QrSegment::make_bytes(text.as_bytes())];
    QrCode::encode_segments_advanced(
        &segments,
        LEVEL,
        Version::MIN,
        Version::new(MAX_VERSION),
        Some(Mask::new(MASK)),
        true,
    )
    .map_err(|_| {
        format!(
            "the address `{text}` ({} bytes) is too long for the page's QR code (at most 213 bytes fit a version-{MAX_VERSION} code)",
            text.len()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "https://www.linchuan.example.gov.cn/articles/2026/cyber-week-opening/";

    #[test]
    fn numbers_are_written_as_format_writes_them() {
        for n in [
            0,
            7,
            -7,
            10,
            -10,
            56,
            -56,
            100,
            12345,
            isize::MIN + 1,
            isize::MAX,
        ] {
            let mut out = String::from("x");
            push_number(&mut out, n);
            assert_eq!(out, format!("x{n}"));
        }
    }

    #[test]
    fn draws_every_dark_module_once_and_stays_small() {
        let svg = svg(URL, "本页二维码").unwrap();
        assert!(svg.len() < 3000, "{} bytes", svg.len());
        assert!(svg.contains(r#"aria-label="本页二维码""#));
        // Replay the path and compare with the code's modules.
        let code = encode(URL).unwrap();
        let width = code.size() as usize;
        let mut drawn = vec![false; width * width];
        let d = svg
            .split(r#" d=""#)
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        let (mut x, mut y) = (0isize, 0isize);
        let mut rest = d;
        while let Some(op) = rest.chars().next() {
            rest = &rest[1..];
            let end = rest.find(['m', 'h', 'M']).unwrap_or(rest.len());
            let (args, tail) = rest.split_at(end);
            rest = tail;
            let nums: Vec<f64> = args.split(' ').map(|n| n.parse().unwrap()).collect();
            match op {
                'M' => (x, y) = (nums[0] as isize, nums[1].floor() as isize),
                'm' => (x, y) = (x + nums[0] as isize, y + nums[1] as isize),
                'h' => {
                    for i in 0..nums[0] as isize {
                        let (mx, my) = ((x + i) as usize - QUIET, y as usize - QUIET);
                        assert!(!drawn[my * width + mx], "module drawn twice");
                        drawn[my * width + mx] = true;
                    }
                    x += nums[0] as isize;
                }
                other => panic!("unexpected {other}"),
            }
        }
        let dark: Vec<bool> = (0..width * width)
            .map(|i| code.get_module((i % width) as i32, (i / width) as i32))
            .collect();
        assert_eq!(drawn, dark);
    }

    #[test]
    fn uses_the_fixed_mask() {
        assert_eq!(encode(URL).unwrap().mask().value(), MASK);
    }

    #[test]
    fn is_deterministic() {
        assert_eq!(svg(URL, "x"), svg(URL, "x"));
    }

    #[test]
    fn refuses_an_address_too_long_to_scan() {
        let long = format!("https://example.gov.cn/{}/", "a".repeat(300));
        let err = svg(&long, "x").unwrap_err();
        assert!(err.contains("too long"), "{err}");
        assert!(err.contains("324 bytes"), "{err}");
        // At the limit, still drawn.
        let fits = format!("https://example.gov.cn/{}/", "a".repeat(180));
        assert!(svg(&fits, "x").is_ok());
    }

    #[test]
    fn escapes_the_label() {
        assert!(svg(URL, "a\"<b>").unwrap().contains("a&quot;&lt;b&gt;"));
    }
}
