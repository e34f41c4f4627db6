//! Measures what word-level pinyin costs: the first `slugify` call (any load the word
//! table needs) and `slugify` over every title, tag and `## ` heading of a site's
//! Markdown, against spelling each character alone with the `pinyin` crate.
//!
//! ```sh
//! python3 /work/shared/bench/gen_corpus.py --articles 10000 --out /tmp/corpus
//! cargo run --release --example slug_bench -- /tmp/corpus/content
//! ```

use std::time::{Duration, Instant};

use herald::content::slug::slugify;
use pinyin::ToPinyin;

fn main() {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: slug_bench CONTENT_DIR");
        std::process::exit(2);
    };
    let start = Instant::now();
    let first = slugify("重庆银行开业");
    println!("first call: {:?} ({first})", start.elapsed());

    let texts = collect(&dir);
    let chars: usize = texts.iter().map(|t| t.chars().count()).sum();
    println!(
        "{} titles, tags and headings, {chars} characters",
        texts.len()
    );
    let by_word = time(|| texts.iter().map(|t| slugify(t).len()).sum());
    let by_char = time(|| texts.iter().map(|t| by_character(t).len()).sum());
    println!("slugify (by word):   {by_word:?}");
    println!("pinyin by character: {by_char:?}");
}

/// The best of three runs of `work`.
fn time(work: impl Fn() -> usize) -> Duration {
    (0..3)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(work());
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

/// The old way, for comparison: each character's most common reading.
fn by_character(text: &str) -> String {
    let syllables: Vec<_> = text.to_pinyin().flatten().map(|p| p.plain()).collect();
    syllables.join("-")
}

/// Titles, tags and level-2 headings of every `.md` file under `dir`.
fn collect(dir: &str) -> Vec<String> {
    let mut texts = Vec::new();
    for entry in walkdir::WalkDir::new(dir).into_iter().flatten() {
        if entry.path().extension().is_none_or(|e| e != "md") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(entry.path()) else {
            continue;
        };
        for line in text.lines() {
            if let Some(title) = line.strip_prefix("title:") {
                texts.push(title.trim().trim_matches('"').to_string());
            } else if let Some(tags) = line.strip_prefix("tags:") {
                let tags = tags.trim().trim_start_matches('[').trim_end_matches(']');
                texts.extend(
                    tags.split(',')
                        .map(|t| t.trim().trim_matches('"').to_string()),
                );
            } else if let Some(heading) = line.strip_prefix("## ") {
                texts.push(heading.to_string());
            }
        }
    }
    texts
}
