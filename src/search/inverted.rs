//! Tokenising articles into posting lists: chunks of articles in parallel, each with
//! its own small term numbering, then merged in article order into the index's
//! numbering, so that every list comes out sorted by article without sorting.

use rayon::prelude::*;

use super::postings::{MAX_TF, push_number, value};
use super::terms::{Lookup, TermKey, Terms, encode_ids};
use super::tokenizer::for_each_key;
use super::writer::Document;

/// Articles tokenised by one task, at least.
const CHUNK: usize = 256;
/// Articles tokenised by one task, at most (their places in the chunk are `u16`s).
const MAX_CHUNK: usize = 1 << 16;
/// Chunks of a large site, at most (each keeps a table as long as the term list).
const MAX_CHUNKS: usize = 64;
/// No article holds the term in that chunk.
const NONE: u32 = u32::MAX;

/// What one chunk of articles holds, in the chunk's own term numbering.
#[derive(Debug, Default)]
struct Chunk {
    /// The articles, ascending.
    articles: Vec<u32>,
    /// Each term, by the chunk's number.
    keys: Vec<TermKey>,
    /// `(article's place in `articles`, value)` entries grouped by term, each group's
    /// articles ascending. (A value is at most `2 × MAX_TF + 1`.)
    entries: Vec<(u16, u16)>,
    /// Where each term's group starts in `entries` (one more for the end).
    starts: Vec<u32>,
    /// Each article's terms, by the chunk's numbers: `held[held_starts[n]..]`.
    held: Vec<u32>,
    held_starts: Vec<u32>,
}

impl Chunk {
    /// The entries of the chunk's term `local`: `(article, value)`.
    fn group(&self, local: u32) -> impl ExactSizeIterator<Item = (u32, u32)> + '_ {
        let l = local as usize;
        self.entries[self.starts[l] as usize..self.starts[l + 1] as usize]
            .iter()
            .map(move |&(n, value)| (self.articles[n as usize], u32::from(value)))
    }
}

/// Newly tokenised articles, their entries readable in the index's term numbering.
#[derive(Debug, Default)]
pub struct Tokenised {
    chunks: Vec<Chunk>,
    /// Per chunk: each term's (index number) number in the chunk, or [`NONE`].
    locals: Vec<Vec<u32>>,
    /// Per chunk: the index's number of each of the chunk's terms.
    maps: Vec<Vec<u32>>,
    /// Each article tokenised, with its terms encoded by [`encode_ids`].
    pub held: Vec<(u32, Box<[u8]>)>,
}

impl Tokenised {
    /// The entries of term `t` (the index's number), articles ascending, in runs.
    pub fn adds(
        &self,
        t: u32,
    ) -> impl Iterator<Item = impl ExactSizeIterator<Item = (u32, u32)> + '_> + '_ {
        self.chunks
            .iter()
            .zip(&self.locals)
            .filter_map(move |(chunk, locals)| match locals.get(t as usize) {
                Some(&local) if local != NONE => Some(chunk.group(local)),
                _ => None,
            })
    }

    /// Writes every term's list into `lists` (by the index's numbers), which must all
    /// be empty; returns the number of entries. Each task takes a range of terms and
    /// reads the chunks in order, so that every list is written front to back.
    pub fn encode_all(&self, lists: &mut [String]) -> usize {
        let size = lists
            .len()
            .div_ceil(4 * rayon::current_num_threads())
            .max(1);
        lists
            .par_chunks_mut(size)
            .enumerate()
            .map(|(part, mine)| {
                let first = part * size;
                let mut next = vec![0u32; mine.len()];
                let mut entries = 0;
                for (chunk, map) in self.chunks.iter().zip(&self.maps) {
                    for (local, &t) in map.iter().enumerate() {
                        let Some(at) = (t as usize)
                            .checked_sub(first)
                            .filter(|&at| at < mine.len())
                        else {
                            continue;
                        };
                        let group = chunk.group(local as u32);
                        let (list, next) = (&mut mine[at], &mut next[at]);
                        list.reserve(group.len() * 3);
                        entries += group.len();
                        for (article, value) in group {
                            push_number(list, article - *next);
                            push_number(list, value);
                            *next = article + 1;
                        }
                    }
                }
                entries
            })
            .sum()
    }

    /// True when some article tokenised holds term `t`.
    pub fn holds(&self, t: u32) -> bool {
        self.locals
            .iter()
            .any(|locals| locals.get(t as usize).is_some_and(|&l| l != NONE))
    }
}

/// Tokenises `articles` (ascending numbers), whose documents `document` gives,
/// numbering new terms in `terms`.
pub fn tokenise<'a, F, D>(articles: &[u32], document: F, terms: &mut Terms) -> Tokenised
where
    F: Fn(u32) -> D + Sync,
    D: std::ops::Deref<Target = Document<'a>>,
{
    let t = crate::timing::phase("search: tokenise");
    let size = CHUNK
        .max(articles.len().div_ceil(MAX_CHUNKS))
        .min(MAX_CHUNK);
    let chunks: Vec<Chunk> = articles
        .par_chunks(size)
        .map(|chunk| tokenise_chunk(chunk, &document))
        .collect();
    drop(t);
    let _t = crate::timing::phase("search: number terms");
    let maps: Vec<Vec<u32>> = chunks
        .iter()
        .map(|chunk| chunk.keys.iter().map(|k| terms.id(k)).collect())
        .collect();
    let count = terms.len();
    let (locals, held) = chunks
        .par_iter()
        .zip(&maps)
        .map(|(chunk, map)| {
            let mut locals = vec![NONE; count];
            for (local, &t) in map.iter().enumerate() {
                locals[t as usize] = local as u32;
            }
            (locals, held_terms(chunk, map))
        })
        .unzip::<_, _, Vec<_>, Vec<_>>();
    Tokenised {
        chunks,
        locals,
        maps,
        held: held.into_iter().flatten().collect(),
    }
}

/// Each article of `chunk` with its terms' index numbers (`map` of the chunk's).
fn held_terms(chunk: &Chunk, map: &[u32]) -> Vec<(u32, Box<[u8]>)> {
    chunk
        .articles
        .iter()
        .enumerate()
        .map(|(n, &article)| {
            let range = chunk.held_starts[n] as usize..chunk.held_starts[n + 1] as usize;
            let ids = chunk.held[range].iter().map(|&l| map[l as usize]);
            (article, encode_ids(ids))
        })
        .collect()
}

fn tokenise_chunk<'a, D>(articles: &[u32], document: &impl Fn(u32) -> D) -> Chunk
where
    D: std::ops::Deref<Target = Document<'a>>,
{
    let mut lookup = Lookup::default();
    let mut keys: Vec<TermKey> = Vec::new();
    // Per term: the last article (place in `articles`) holding it, and where its
    // entry for that article is in `held` and `values`.
    let mut last: Vec<u32> = Vec::new();
    let mut slot: Vec<u32> = Vec::new();
    // Entries in article order: each article's terms, and their values.
    let mut held: Vec<u32> = Vec::with_capacity(articles.len() * 640);
    let mut values: Vec<u16> = Vec::with_capacity(articles.len() * 640);
    let mut held_starts = Vec::with_capacity(articles.len() + 1);
    held_starts.push(0u32);
    for (n, &article) in articles.iter().enumerate() {
        let n = n as u32;
        let doc = document(article);
        for (text, title) in doc.texts() {
            for_each_key(&text, |key| {
                let id = lookup.get(key).unwrap_or_else(|| {
                    let id = keys.len() as u32;
                    lookup.insert(key, id);
                    keys.push(key.into());
                    last.push(NONE);
                    slot.push(0);
                    id
                }) as usize;
                if last[id] == n {
                    let value = &mut values[slot[id] as usize];
                    if u32::from(*value >> 1) < MAX_TF {
                        *value += 2;
                    }
                    *value |= u16::from(title);
                } else {
                    last[id] = n;
                    slot[id] = held.len() as u32;
                    held.push(id as u32);
                    values.push(value(1, title) as u16);
                }
            });
        }
        held_starts.push(held.len() as u32);
    }
    let (entries, starts) = group_by_term(keys.len(), &held, &values, &held_starts);
    Chunk {
        articles: articles.to_vec(),
        keys,
        entries,
        starts,
        held,
        held_starts,
    }
}

/// Sorts the entries by term (counting), keeping article order within a term:
/// `(place of the article, value)` and where each term's entries start.
fn group_by_term(
    terms: usize,
    held: &[u32],
    values: &[u16],
    held_starts: &[u32],
) -> (Vec<(u16, u16)>, Vec<u32>) {
    let mut starts = vec![0u32; terms + 1];
    for &id in held {
        starts[id as usize + 1] += 1;
    }
    for i in 1..starts.len() {
        starts[i] += starts[i - 1];
    }
    let mut at = starts.clone();
    let mut entries = vec![(0u16, 0u16); held.len()];
    for n in 0..held_starts.len() - 1 {
        let range = held_starts[n] as usize..held_starts[n + 1] as usize;
        for (&id, &value) in held[range.clone()].iter().zip(&values[range]) {
            let slot = &mut at[id as usize];
            entries[*slot as usize] = (n as u16, value);
            *slot += 1;
        }
    }
    (entries, starts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::postings;
    use crate::search::terms::decode_ids;
    use crate::search::tokenizer::{Key, pack};

    fn doc<'a>(title: &'a str, body: &'a crate::markdown::Body) -> Document<'a> {
        Document {
            url: "a/",
            title,
            date: String::new(),
            summary: "",
            extra: String::new(),
            body,
        }
    }

    #[test]
    fn counts_terms_and_marks_the_title_across_chunks() {
        let bodies: Vec<crate::markdown::Body> = (0..600)
            .map(|i| format!("安全第一，安全。word{}", i % 3).into())
            .collect();
        // Every other article, as when only some are tokenised again.
        let articles: Vec<u32> = (0..600).map(|i| i * 2).collect();
        let mut terms = Terms::default();
        let out = tokenise(
            &articles,
            |a| {
                Box::new(doc(
                    if a == 10 { "网络安全" } else { "标题" },
                    &bodies[a as usize / 2],
                ))
            },
            &mut terms,
        );
        let mut lists = vec![String::new(); terms.len()];
        let mut id = |t: &str| terms.id(&TermKey::from(Key::Packed(pack(t).unwrap())));
        let safe = id("安全");
        let list: Vec<(u32, u32)> = out.adds(safe).flatten().collect();
        assert_eq!(list.len(), 600);
        assert!(
            list.windows(2).all(|w| w[0].0 < w[1].0),
            "sorted by article"
        );
        assert_eq!(list[5], (10, postings::value(3, true)));
        assert_eq!(list[6], (12, postings::value(2, false)));
        assert_eq!(out.adds(id("word1")).flatten().count(), 200);
        assert!(out.holds(id("word2")));
        // 标题 or 网络 络安 安全, then 安全 全第 第一 and one word each.
        assert_eq!(out.encode_all(&mut lists), 599 * 5 + 6);
        assert_eq!(
            postings::decode(&lists[safe as usize]).unwrap(),
            out.adds(safe).flatten().collect::<Vec<_>>()
        );
        let (article, held) = &out.held[300];
        assert_eq!(*article, 600);
        let held = decode_ids(held).unwrap();
        assert!(held.contains(&safe) && held.contains(&id("word0")));
        assert!(!held.contains(&id("word1")));
    }
}
