//! Responsive images through the real binary: sizes on disk, HTML attributes,
//! orientation, thumbnails, the cache, and the errors.

mod common;

use common::{TestSite, assert_contains, assert_lacks};

fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 200) as u8, (y % 200) as u8, 90])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
    out.into_inner()
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbaImage::from_pixel(width, height, image::Rgba([10, 60, 140, 200]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// A JPEG with an EXIF block saying "rotate 90° clockwise" (and a GPS-looking tag).
fn turned_jpeg(width: u32, height: u32) -> Vec<u8> {
    let plain = jpeg(width, height);
    let exif: &[u8] = &[
        b'E', b'x', b'i', b'f', 0, 0, b'M', b'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0,
        0, 1, 0, 6, 0, 0, 0, 0, 0, 0,
    ];
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE1, 0, (exif.len() + 2) as u8];
    out.extend_from_slice(exif);
    out.extend_from_slice(&plain[2..]);
    out
}

fn image_site() -> TestSite {
    let site = TestSite::new();
    site.bytes("assets/images/cover.jpg", &jpeg(2000, 1000))
        .bytes("assets/images/chart.png", &png(800, 600))
        .bytes("assets/images/turned.jpg", &turned_jpeg(400, 200))
        .bytes("static/downloads/poster.png", &png(1080, 1528))
        .file("content/topics/week/_index.md", "---\ntitle: 宣传周\ncover: /images/cover.jpg\n---\n")
        .file(
            "content/security-week/2026/_index.md",
            "---\ntitle: 2026\nstarts: 2026-09-14\nends: 2026-09-20\ngallery:\n  - { image: /downloads/poster.png, title: 海报 }\nmaterials:\n  - { title: 海报, file: /downloads/poster.png }\n---\n",
        )
        .article("with-cover.md", "有封面", "2026-01-01", "cover: ../../assets/images/cover.jpg\ncover_alt: 封面\ntopics: [week]\n", "![图表](/images/chart.png)\n\n![转过的](images/turned.jpg)")
        .article("no-cover.md", "无封面", "2026-01-02", "", "![图表](/images/chart.png)\n\n![图表二](/images/chart.png)")
        .file(
            "templates/page.html",
            "{% if page.cover %}<img class=\"cover\" src=\"{{ page.cover.url }}\" srcset=\"{{ page.cover.srcset }}\" sizes=\"{{ page.cover.sizes }}\" width=\"{{ page.cover.width }}\" height=\"{{ page.cover.height }}\" alt=\"{{ page.cover.alt }}\">{% endif %}{{ page.content | safe }}",
        )
        .file("templates/topics.html", "{% for t in topics %}<img class=\"thumb\" src=\"{{ t.thumbnail.url }}\" srcset=\"{{ t.thumbnail.srcset }}\" width=\"{{ t.thumbnail.width }}\" height=\"{{ t.thumbnail.height }}\">{% endfor %}")
        .file(
            "templates/security_week.html",
            "{% for p in week.gallery %}<img class=\"poster\" src=\"{{ p.thumbnail.url }}\" width=\"{{ p.thumbnail.width }}\" height=\"{{ p.thumbnail.height }}\">{% endfor %}{% for m in week.materials %}<a href=\"{{ m.url }}\">{{ m.size_text }}</a><img class=\"material\" src=\"{{ m.thumbnail.url }}\">{% endfor %}",
        )
        .file(
            "templates/index.html",
            "{% set c = image(path='images/cover.jpg', crop='300x200', alt='裁剪') %}<img class=\"crop\" src=\"{{ c.url }}\" srcset=\"{{ c.srcset }}\" width=\"{{ c.width }}\" height=\"{{ c.height }}\" alt=\"{{ c.alt }}\">\
             {% set w = image(path='images/cover.jpg', widths=[320, 640]) %}<img class=\"widths\" srcset=\"{{ w.srcset }}\">\
             <link href=\"{{ asset(path='images/chart.png') }}\">",
        );
    site
}

fn attr<'a>(html: &'a str, class_or_alt: &str, name: &str) -> &'a str {
    let at = html
        .find(class_or_alt)
        .unwrap_or_else(|| panic!("{class_or_alt} not in\n{html}"));
    let tag_start = if class_or_alt.starts_with('<') {
        at
    } else {
        html[..at].rfind('<').unwrap()
    };
    let tag = &html[tag_start..tag_start + html[tag_start..].find('>').unwrap()];
    let key = format!(" {name}=\"");
    let start = tag
        .find(&key)
        .unwrap_or_else(|| panic!("no {name} in {tag}"))
        + key.len();
    &tag[start..start + tag[start..].find('"').unwrap()]
}

fn size_of(site: &TestSite, url: &str) -> (u32, u32) {
    image::image_dimensions(site.path("public").join(url.trim_start_matches('/')))
        .unwrap_or_else(|e| panic!("{url}: {e}"))
}

#[test]
fn covers_and_text_images_get_resized_variants() {
    let site = image_site();
    let run = site.build().ok();
    assert_contains(&run.stdout, " made, 0 from cache)");
    let page = site.read("articles/with-cover/index.html");
    let srcset = attr(&page, "class=\"cover\"", "srcset");
    let urls: Vec<&str> = srcset.split(", ").collect();
    assert_eq!(urls.len(), 3, "{srcset}");
    for (entry, width) in urls.iter().zip([480, 960, 1600]) {
        let (url, descriptor) = entry.split_once(' ').unwrap();
        assert_eq!(descriptor, format!("{width}w"));
        assert_eq!(size_of(&site, url), (width, width / 2));
    }
    assert_eq!(attr(&page, "class=\"cover\"", "width"), "1600");
    assert_eq!(attr(&page, "class=\"cover\"", "height"), "800");
    assert_eq!(
        attr(&page, "class=\"cover\"", "sizes"),
        "(max-width: 48rem) 100vw, 48rem"
    );
    // An 800 px chart is never upscaled: 480 and its own 800.
    let chart = attr(&page, "alt=\"图表\"", "srcset");
    assert!(
        chart.ends_with(".800w.png 800w") && chart.contains(".480w.png 480w"),
        "{chart}"
    );
    assert_contains(&page, "alt=\"图表\" width=\"800\" height=\"600\"");
    // Below a cover every image of the text loads lazily.
    assert_contains(&page, "loading=\"lazy\" decoding=\"async\">");
    assert!(
        !site.exists("images/cover.jpg"),
        "originals of assets/ are not published (metadata stays private)"
    );
}

#[test]
fn first_image_of_a_page_without_cover_loads_at_once() {
    let site = image_site();
    site.build().ok();
    let page = site.read("articles/no-cover/index.html");
    let first = &page[page.find("alt=\"图表\"").unwrap()..];
    let first = &first[..first.find('>').unwrap()];
    assert_lacks(first, "loading=\"lazy\"");
    assert_contains(first, "decoding=\"async\"");
    let second = &page[page.find("alt=\"图表二\"").unwrap()..];
    assert_contains(&second[..second.find('>').unwrap()], "loading=\"lazy\"");
}

#[test]
fn exif_orientation_is_applied_and_metadata_stripped() {
    let site = image_site();
    site.build().ok();
    let page = site.read("articles/with-cover/index.html");
    assert_contains(&page, "alt=\"转过的\" width=\"200\" height=\"400\"");
    let src = attr(&page, "alt=\"转过的\"", "src");
    assert_eq!(size_of(&site, src), (200, 400));
    let bytes = std::fs::read(site.path("public").join(src.trim_start_matches('/'))).unwrap();
    assert!(
        !bytes.windows(4).any(|w| w == b"Exif"),
        "EXIF metadata must be stripped"
    );
}

#[test]
fn thumbnails_are_centre_cropped() {
    let site = image_site();
    site.build().ok();
    let topics = site.read("topics/index.html");
    let thumb = attr(&topics, "class=\"thumb\"", "src");
    assert_eq!(size_of(&site, thumb), (640, 360));
    assert!(attr(&topics, "class=\"thumb\"", "srcset").ends_with(" 2x"));
    let week = site.read("security-week/2026/index.html");
    let poster = attr(&week, "class=\"poster\"", "src");
    assert_eq!(size_of(&site, poster), (360, 480));
    assert_eq!(
        size_of(&site, attr(&week, "class=\"material\"", "src")),
        (240, 320)
    );
    // The poster itself stays downloadable as it is.
    assert_eq!(size_of(&site, "/downloads/poster.png"), (1080, 1528));
    let index = site.read("index.html");
    assert_eq!(
        size_of(&site, attr(&index, "class=\"crop\"", "src")),
        (300, 200)
    );
    assert_contains(&index, "alt=\"裁剪\"");
    let widths = attr(&index, "class=\"widths\"", "srcset");
    assert!(
        widths.contains(" 320w") && widths.contains(" 640w") && !widths.contains(" 480w"),
        "{widths}"
    );
    let asset = attr(&index, "<link", "href");
    assert!(
        asset.starts_with("/images/chart.") && asset.ends_with(".800w.png"),
        "{asset}"
    );
}

#[test]
fn a_second_build_decodes_nothing() {
    let site = image_site();
    site.build().ok();
    let run = site.build().ok();
    assert!(
        run.stdout.starts_with("up to date:"),
        "nothing to decode or write: {}",
        run.stdout
    );
    // Without the build state (but with the image cache) every image comes from the cache.
    for state in ["build-state.bin", "last-build.bin"] {
        std::fs::remove_file(site.path(".herald-cache").join(state)).unwrap();
    }
    let run = site.build().ok();
    assert_contains(&run.stdout, " (0 made, ");
    // A changed image is made again, under a new name.
    site.bytes("assets/images/chart.png", &png(800, 601));
    let run = site.build().ok();
    assert!(!run.stdout.contains(" (0 made, "), "{}", run.stdout);
    assert_contains(
        &site.read("articles/no-cover/index.html"),
        "width=\"800\" height=\"601\"",
    );
}

#[test]
fn broken_images_are_errors_naming_the_file() {
    let site = TestSite::new();
    let mut cut = png(400, 400);
    cut.truncate(cut.len() / 2);
    site.bytes("assets/images/cut.png", &cut)
        .file("assets/images/text.jpg", "this is not a picture")
        .article(
            "a.md",
            "甲",
            "2026-01-01",
            "cover: /images/text.jpg\n",
            "![截断](/images/cut.png)\n\n![缺失](/images/missing.png)",
        );
    let stderr = site.build().fails();
    assert_contains(
        &stderr,
        "error: content/articles/a.md:4: cover image `/images/text.jpg`: this is not an image Herald can resize",
    );
    assert_contains(
        &stderr,
        "error: content/articles/a.md:9: image `/images/missing.png`: there is no /images/missing.png",
    );
    assert_contains(
        &stderr,
        "error: assets/images/cut.png: the image is damaged or truncated",
    );
}

#[test]
fn absurd_dimensions_are_refused() {
    let site = TestSite::new();
    let mut huge = png(1, 1);
    huge[16..20].copy_from_slice(&60_000u32.to_be_bytes());
    huge[20..24].copy_from_slice(&60_000u32.to_be_bytes());
    let crc = crc32(&huge[12..29]);
    huge[29..33].copy_from_slice(&crc.to_be_bytes());
    site.bytes("assets/images/huge.png", &huge).article(
        "a.md",
        "甲",
        "2026-01-01",
        "",
        "![巨图](/images/huge.png)",
    );
    let stderr = site.build().fails();
    assert_contains(
        &stderr,
        "content/articles/a.md:6: image `/images/huge.png`: the image is too large",
    );
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

#[test]
fn images_from_other_hosts_are_refused() {
    let site = TestSite::new();
    site.article(
        "a.md",
        "甲",
        "2026-01-01",
        "cover: https://cdn.example.com/a.jpg\n",
        "![远程](//cdn.example.com/b.png)",
    );
    let stderr = site.build().fails();
    assert_contains(
        &stderr,
        "content/articles/a.md:4: cover image `https://cdn.example.com/a.jpg`: it is on another host",
    );
    assert_contains(
        &stderr,
        "content/articles/a.md:7: image `//cdn.example.com/b.png`: it is on another host",
    );
}

#[test]
fn a_build_that_keeps_a_page_keeps_the_image_variants_it_shows() {
    // The landing page asks for its variants while it renders; a build that keeps the
    // page from the last build must still publish them.
    let site = image_site();
    site.build().ok();
    let crop = attr(&site.read("index.html"), "crop", "src").to_string();
    assert!(site.exists(crop.trim_start_matches('/')), "{crop}");
    site.file("static/new.txt", "a change that no page shows");
    let run = site.build().ok();
    assert!(run.stdout.starts_with("built "), "{}", run.stdout);
    assert_eq!(attr(&site.read("index.html"), "crop", "src"), crop);
    assert!(site.exists(crop.trim_start_matches('/')), "{crop} lost");
    let variant = site.path("public").join(crop.trim_start_matches('/'));
    assert!(std::fs::metadata(&variant).unwrap().len() > 0);
    // Published again by a rendered page after being kept: still whole.
    site.file(
        "templates/index.html",
        &format!("{}<p>changed</p>", site.read_file("templates/index.html")),
    );
    site.build().ok();
    assert!(std::fs::metadata(&variant).unwrap().len() > 0);
}
