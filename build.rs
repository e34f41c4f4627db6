//! Embeds the default theme (`themes/default/`) in the binary, so that `herald init`
//! works anywhere and a site without its own copy of the theme still builds; and
//! hashes the sources into `HERALD_SOURCE_HASH`, which keys Herald's caches.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::{env, fs};

fn main() {
    let theme = Path::new("themes/default");
    println!("cargo::rerun-if-changed={}", theme.display());
    let mut files = Vec::new();
    collect(theme, theme, &mut files);
    files.sort();
    let mut code = String::from(
        "/// The default theme's files: path inside the theme, bytes.\npub static FILES: &[(&str, &[u8])] = &[\n",
    );
    for (rel, abs) in &files {
        println!("cargo::rerun-if-changed={}", abs.display());
        writeln!(
            code,
            "    ({rel:?}, include_bytes!({:?})),",
            abs.display().to_string()
        )
        .unwrap();
    }
    code.push_str("];\n");
    let out = PathBuf::from(env::var("OUT_DIR").unwrap()).join("default_theme.rs");
    fs::write(out, code).unwrap();
    pinyin_words(&PathBuf::from(env::var("OUT_DIR").unwrap()));
    // Everything that shapes what Herald writes, and what shapes its image variants.
    let mut sources = files;
    collect(Path::new("src"), Path::new("src"), &mut sources);
    println!("cargo::rerun-if-changed=src");
    for name in ["build.rs", "Cargo.toml", "Cargo.lock"] {
        println!("cargo::rerun-if-changed={name}");
        sources.push((name.to_string(), PathBuf::from(name)));
    }
    let images: Vec<_> = sources
        .iter()
        .filter(|(rel, abs)| rel == "Cargo.lock" || abs.starts_with(Path::new("src/images")))
        .cloned()
        .collect();
    println!(
        "cargo::rustc-env=HERALD_SOURCE_HASH={:016x}",
        hash_files(&sources)
    );
    println!(
        "cargo::rustc-env=HERALD_IMAGES_HASH={:016x}",
        hash_files(&images)
    );
}

/// A hash of the files' paths and bytes. FNV-1a: the build script has no dependencies,
/// and this needs no strength, only change detection.
fn hash_files(files: &[(String, PathBuf)]) -> u64 {
    let mut files = files.to_vec();
    files.sort();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for (rel, path) in &files {
        let bytes = fs::read(path).unwrap_or_default();
        for byte in rel.bytes().chain([0]).chain(bytes).chain([0]) {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

fn collect(base: &Path, dir: &Path, files: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().to_string();
        if name.starts_with('.') {
            continue;
        }
        if path.is_dir() {
            collect(base, &path, files);
            println!("cargo::rerun-if-changed={}", path.display());
        } else {
            let rel = path
                .strip_prefix(base)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            files.push((rel, fs::canonicalize(&path).unwrap()));
        }
    }
}

/// Compiles the word readings slugs use (`src/content/pinyin_words.txt`) into an FST from
/// word to the place of its reading in `pinyin_readings.txt`: slugify walks it byte by
/// byte for the longest word at each position, with nothing to load at startup.
fn pinyin_words(out: &Path) {
    let source = "src/content/pinyin_words.txt";
    println!("cargo::rerun-if-changed={source}");
    let text = fs::read_to_string(source).unwrap();
    let mut map = fst::MapBuilder::memory();
    let mut readings = String::new();
    for line in text.lines().filter(|line| !line.starts_with("# ")) {
        let (word, reading) = line.split_once(' ').unwrap();
        assert!(reading.len() < 256, "{source}: {word}: reading too long");
        map.insert(word, ((readings.len() as u64) << 8) | reading.len() as u64)
            .unwrap_or_else(|e| panic!("{source}: {word}: {e} (the file must stay sorted)"));
        readings.push_str(reading);
    }
    fs::write(out.join("pinyin_words.fst"), map.into_inner().unwrap()).unwrap();
    fs::write(out.join("pinyin_readings.txt"), readings).unwrap();
}
