//! The inverted index: every term → the sections it is in, with a code for
//! where (title, heading, body) and how often.
//!
//! Built in two parallel passes: each page's terms on its own
//! ([`page_terms`]), then one merge per hash bucket of terms, so no step
//! walks the whole corpus on one thread. A page's terms live in one string
//! (an arena) and are found by their hash, which the merge reuses, so the
//! hot loops neither allocate per term nor hash a term twice. Pure; the
//! output is sorted and does not depend on the number of threads.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use rayon::prelude::*;

use super::{text, SearchPage, MAX_SECTIONS};

/// Code bit: the term is in the page title.
pub(super) const IN_TITLE: u8 = 8;
/// Code bit: the term is in a heading of the section, or a tag of the page.
pub(super) const IN_HEADING: u8 = 4;

/// Hash buckets of terms merged in parallel (a power of two).
const BUCKETS: usize = 64;

/// No term (end of a hash chain).
const NONE: u32 = u32::MAX;

/// Every term, sorted, with its shard entry: `"term":[postings]`, the
/// postings packed as the parent module's docs say.
pub(super) type Inverted = Vec<(String, String)>;

/// A fast hash of a term (FxHash-style, 8 bytes at a time, then mixed).
pub(super) fn hash_str(s: &str) -> u64 {
    hash_bytes(s.as_bytes())
}

/// A fast, well-mixed 64-bit hash of bytes (not for adversarial input; the
/// index hashes its own text).
pub(super) fn hash_bytes(bytes: &[u8]) -> u64 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut h: u64 = bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(c);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(K);
    }
    let mut tail = [0u8; 8];
    tail[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
    h = (h.rotate_left(5) ^ u64::from_le_bytes(tail)).wrapping_mul(K);
    // murmur3's finaliser, so every bit depends on every input bit.
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// Hashes `u64` keys that already are hashes: passes them through.
#[derive(Default, Clone, Copy)]
struct PassThrough(u64);

impl Hasher for PassThrough {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Hash → the first id with that hash.
type HashIndex = HashMap<u64, u32, BuildHasherDefault<PassThrough>>;

/// The merge bucket of a term: the top bits of its hash.
fn bucket_of(hash: u64) -> usize {
    (hash >> (64 - BUCKETS.trailing_zeros())) as usize
}

/// How often a term is in a section's body, as the code's two low bits.
fn body_level(count: u32) -> u8 {
    match count {
        0 => 0,
        1 => 1,
        2..=3 => 2,
        _ => 3,
    }
}

/// The terms of one page, sorted by hash (so by bucket), with their postings.
/// Depends on that page alone, so `serve` keeps it for unchanged pages.
pub(super) struct PageTerms {
    /// Every term's text, back to back.
    arena: String,
    /// Per term: byte range in `arena`, and hash.
    terms: Vec<(u32, u32, u64)>,
    /// `terms[bucket_starts[b]..bucket_starts[b + 1]]` are bucket `b`'s.
    bucket_starts: Vec<usize>,
    /// `postings[offsets[k]..offsets[k + 1]]` are `terms[k]`'s `(section, code)`.
    offsets: Vec<usize>,
    postings: Vec<(u8, u8)>,
}

impl PageTerms {
    fn term(&self, k: usize) -> &str {
        let (start, end, _) = self.terms[k];
        &self.arena[start as usize..end as usize]
    }
}

/// A term's count and flags in one section.
#[derive(Clone, Copy)]
struct Entry {
    id: u32,
    section: u8,
    flags: u8,
    count: u32,
}

/// Collects one page's terms; reused from page to page (it keeps its
/// allocations).
#[derive(Default)]
struct Collector {
    arena: String,
    /// Per term id: byte range in `arena`, and hash.
    terms: Vec<(u32, u32, u64)>,
    /// Per term id: the next id with the same hash, or [`NONE`].
    next: Vec<u32>,
    index: HashIndex,
    /// Per term id: flags that hold for the whole page (title, tags).
    page_flags: Vec<u8>,
    /// Per term id: its latest entry in `entries`.
    last: Vec<usize>,
    entries: Vec<Entry>,
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Collector {
    fn id(&mut self, term: &str) -> usize {
        let hash = hash_str(term);
        let first = self.index.get(&hash).copied().unwrap_or(NONE);
        let mut id = first;
        while id != NONE {
            let (start, end, _) = self.terms[id as usize];
            if &self.arena[start as usize..end as usize] == term {
                return id as usize;
            }
            id = self.next[id as usize];
        }
        let id = self.terms.len();
        let start = self.arena.len();
        self.arena.push_str(term);
        self.terms
            .push((to_u32(start), to_u32(self.arena.len()), hash));
        self.next.push(first);
        self.index.insert(hash, to_u32(id));
        self.page_flags.push(0);
        self.last.push(usize::MAX);
        id
    }

    fn page(&mut self, term: &str, flag: u8) {
        let id = self.id(term);
        self.page_flags[id] |= flag;
    }

    /// Sections must come in increasing order.
    fn section(&mut self, term: &str, section: u8, flag: u8, count: u32) {
        let id = self.id(term);
        if let Some(e) = self.entries.get_mut(self.last[id]) {
            if e.section == section {
                e.flags |= flag;
                e.count += count;
                return;
            }
        }
        self.last[id] = self.entries.len();
        self.entries.push(Entry {
            id: to_u32(id),
            section,
            flags: flag,
            count,
        });
    }

    /// The page's terms; leaves the collector empty for the next page.
    fn finish(&mut self, sections: usize) -> PageTerms {
        let n = self.terms.len();
        // Entries grouped by term id, in section order.
        let mut starts = vec![0usize; n + 1];
        for e in &self.entries {
            starts[e.id as usize + 1] += 1;
        }
        for i in 0..n {
            starts[i + 1] += starts[i];
        }
        let mut fill = starts.clone();
        let mut grouped = vec![(0u8, 0u8, 0u32); self.entries.len()];
        for e in &self.entries {
            let slot = &mut fill[e.id as usize];
            grouped[*slot] = (e.section, e.flags, e.count);
            *slot += 1;
        }

        // By hash, which groups the terms by bucket (its top bits); the
        // merge needs nothing more, the final list is sorted by term.
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_unstable_by_key(|&id| self.terms[id].2);

        let mut out = PageTerms {
            arena: std::mem::take(&mut self.arena),
            terms: Vec::with_capacity(n),
            bucket_starts: vec![0; BUCKETS + 1],
            offsets: Vec::with_capacity(n + 1),
            postings: Vec::with_capacity(self.entries.len() + n),
        };
        for &id in &order {
            out.bucket_starts[bucket_of(self.terms[id].2) + 1] += 1;
            out.offsets.push(out.postings.len());
            let own = &grouped[starts[id]..starts[id + 1]];
            let page_flags = self.page_flags[id];
            if page_flags == 0 {
                out.postings.extend(
                    own.iter()
                        .map(|&(s, flags, count)| (s, flags | body_level(count))),
                );
            } else {
                // A title or tag term is in every section of its page.
                let mut own = own.iter().peekable();
                for s in 0..sections {
                    let s = u8::try_from(s).unwrap_or(u8::MAX);
                    let mut code = page_flags;
                    if let Some(&(_, flags, count)) = own.next_if(|e| e.0 == s) {
                        code |= flags | body_level(count);
                    }
                    out.postings.push((s, code));
                }
            }
            out.terms.push(self.terms[id]);
        }
        out.offsets.push(out.postings.len());
        for b in 0..BUCKETS {
            out.bucket_starts[b + 1] += out.bucket_starts[b];
        }
        self.terms.clear();
        self.next.clear();
        self.index.clear();
        self.page_flags.clear();
        self.last.clear();
        self.entries.clear();
        out
    }
}

/// The terms of one page, collected with `c` (empty, reused across pages).
fn page_terms(c: &mut Collector, page: &SearchPage) -> PageTerms {
    text::tokenize(&page.title, |t| c.page(t, IN_TITLE));
    for tag in &page.tags {
        text::tokenize(tag, |t| c.page(t, IN_HEADING));
    }
    for (i, s) in page.sections.iter().enumerate() {
        let i = u8::try_from(i.min(MAX_SECTIONS - 1)).unwrap_or(u8::MAX);
        text::tokenize(&s.heading, |t| c.section(t, i, IN_HEADING, 0));
        text::tokenize(&s.subheadings, |t| c.section(t, i, IN_HEADING, 0));
        text::tokenize(&s.body, |t| c.section(t, i, 0, 1));
        text::tokenize(&s.code, |t| c.section(t, i, 0, 1));
    }
    c.finish(page.sections.len().min(MAX_SECTIONS))
}

/// One term being merged: its entry so far and the last page in it.
struct Merging {
    term: String,
    entry: String,
    last_page: u32,
}

/// One bucket's terms, merged over all pages in page order and packed.
fn merge_bucket(per_page: &[&PageTerms], b: usize) -> Inverted {
    let mut index = HashIndex::default();
    let mut next: Vec<u32> = Vec::new();
    let mut out: Vec<Merging> = Vec::new();
    for (page, pt) in per_page.iter().enumerate() {
        let page = to_u32(page);
        for k in pt.bucket_starts[b]..pt.bucket_starts[b + 1] {
            let term = pt.term(k);
            let hash = pt.terms[k].2;
            let first = index.get(&hash).copied().unwrap_or(NONE);
            let mut slot = first;
            while slot != NONE && out[slot as usize].term != term {
                slot = next[slot as usize];
            }
            if slot == NONE {
                slot = to_u32(out.len());
                // Terms are letters and digits: nothing to escape.
                let mut entry = String::with_capacity(term.len() + 16);
                entry.push('"');
                entry.push_str(term);
                entry.push_str("\":[");
                out.push(Merging {
                    term: term.to_owned(),
                    entry,
                    last_page: 0,
                });
                next.push(first);
                index.insert(hash, slot);
            }
            let m = &mut out[slot as usize];
            for &(section, code) in &pt.postings[pt.offsets[k]..pt.offsets[k + 1]] {
                if !m.entry.ends_with('[') {
                    m.entry.push(',');
                }
                let delta = u64::from(page - m.last_page);
                push_u64(
                    &mut m.entry,
                    (delta * MAX_SECTIONS as u64 + u64::from(section)) * 16 + u64::from(code),
                );
                m.last_page = page;
            }
        }
    }
    out.into_iter()
        .map(|mut m| {
            m.entry.push(']');
            (m.term, m.entry)
        })
        .collect()
}

/// Builds the inverted index of `pages` (page numbers are their positions).
pub(super) fn invert(pages: &[SearchPage]) -> Inverted {
    let per_page: Vec<PageTerms> = pages
        .par_iter()
        .map_init(Collector::default, page_terms)
        .collect();
    merge(&per_page.iter().collect::<Vec<_>>())
}

/// The terms of one page on its own.
pub(super) fn terms_of(page: &SearchPage) -> PageTerms {
    page_terms(&mut Collector::default(), page)
}

/// Merges pages' terms (page numbers are their positions) into the
/// inverted index.
pub(super) fn merge(per_page: &[&PageTerms]) -> Inverted {
    let buckets: Vec<Inverted> = (0..BUCKETS)
        .into_par_iter()
        .map(|b| merge_bucket(per_page, b))
        .collect();
    let mut all: Inverted = buckets.into_iter().flatten().collect();
    all.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    all
}

/// Appends `v` in decimal (the hot loop of packing; `write!` is slower).
pub(super) fn push_u64(out: &mut String, mut v: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    for &b in &buf[i..] {
        out.push(char::from(b));
    }
}
