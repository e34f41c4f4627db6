//! Embeds the default theme (`themes/default/`) and the starter portal of `herald init`
//! (`src/scaffold/starter/`) in the binary, so that `herald init` works anywhere and a
//! site without its own copy of the theme still builds; names the git commit the
//! binary is built from, for `herald --version`; compiles the word readings of
//! `src/content/pinyin_words.txt` into the FST that slugs read; and hashes the sources
//! into `HERALD_SOURCE_HASH`, which keys Herald's caches.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::{env, fs};

fn main() {
    let theme = embed(
        Path::new("themes/default"),
        "default_theme.rs",
        "The default theme's files: path inside the theme, bytes.",
    );
    embed(
        Path::new("src/scaffold/starter"),
        "starter.rs",
        "The starter portal's files: path inside the portal, bytes.",
    );
    version();
    pinyin_words(&PathBuf::from(env::var("OUT_DIR").unwrap()));
    source_hashes(theme);
}

/// `HERALD_SOURCE_HASH`, of everything that shapes what Herald writes (the code, the
/// built-in theme `theme_files`, the build script, the locked dependencies), and
/// `HERALD_IMAGES_HASH`, of what shapes its image variants.
fn source_hashes(theme_files: Vec<(String, PathBuf)>) {
    let mut sources = theme_files;
    collect(Path::new("src"), Path::new("src"), &mut sources);
    println!("cargo::rerun-if-changed=src");
    for name in ["build.rs", "Cargo.toml", "Cargo.lock"] {
        println!("cargo::rerun-if-changed={name}");
        sources.push((name.to_string(), PathBuf::from(name)));
    }
    // One read of each file feeds both hashes; the images' hash sees only its subset.
    sources.sort();
    let (mut source, mut images) = (Fnv::new(), Fnv::new());
    for (rel, path) in &sources {
        let bytes = fs::read(path).unwrap_or_default();
        source.file(rel, &bytes);
        if rel == "Cargo.lock" || path.starts_with(Path::new("src/images")) {
            images.file(rel, &bytes);
        }
    }
    println!("cargo::rustc-env=HERALD_SOURCE_HASH={:016x}", source.0);
    println!("cargo::rustc-env=HERALD_IMAGES_HASH={:016x}", images.0);
}

/// FNV-1a over files' paths and bytes: the build script has no dependencies, and this
/// needs no strength, only change detection.
struct Fnv(u64);

impl Fnv {
    fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    fn file(&mut self, rel: &str, bytes: &[u8]) {
        for &byte in rel.as_bytes().iter().chain(&[0]).chain(bytes).chain(&[0]) {
            self.0 = (self.0 ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// `HERALD_VERSION`: `0.1.0 (3f2a9c1)`, or just `0.1.0` when not built from git.
fn version() {
    let package = env::var("CARGO_PKG_VERSION").unwrap();
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .filter(|s| !s.is_empty())
    };
    let version = match git(&["rev-parse", "--short=7", "HEAD"]) {
        Some(commit) => format!("{package} ({commit})"),
        None => package,
    };
    println!("cargo::rustc-env=HERALD_VERSION={version}");
    // Built again when HEAD moves: a commit, a checkout.
    if let (Some(dir), Some(common)) = (
        git(&["rev-parse", "--git-dir"]),
        git(&["rev-parse", "--git-common-dir"]),
    ) {
        println!("cargo::rerun-if-changed={dir}/HEAD");
        println!("cargo::rerun-if-changed={common}/packed-refs");
        if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
            println!("cargo::rerun-if-changed={common}/{branch}");
        }
    }
}

/// Writes `out_name` with the files of `folder`, and returns them.
fn embed(folder: &Path, out_name: &str, doc: &str) -> Vec<(String, PathBuf)> {
    println!("cargo::rerun-if-changed={}", folder.display());
    let mut files = Vec::new();
    collect(folder, folder, &mut files);
    files.sort();
    let mut code = format!("/// {doc}\npub static FILES: &[(&str, &[u8])] = &[\n");
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
    let out = PathBuf::from(env::var("OUT_DIR").unwrap()).join(out_name);
    fs::write(out, code).unwrap();
    files
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
