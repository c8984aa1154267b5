//! Stage 5: the client-side search index.
//!
//! Pure: reads the [`Handbook`] and its [`SiteView`], returns the files of the
//! index (root-relative path → bytes); never touches the disk. The browser
//! side is `themes/default/static/search.js`; the format below is the
//! contract between the two.
//!
//! # Documents
//!
//! One document per page section: the text before the first `h2`, then one
//! per `h2` (a page has at most [`MAX_SECTIONS`]; later ones join the last).
//! A section's fields are the page title (and tags), the section's headings
//! and its body text; the text of its code blocks counts as body text for
//! terms (commands and identifiers are searched for) but is never part of a
//! snippet, where ASCII tables and box drawing are clutter. Pages with `search: false`, and pages whose URL a later
//! page takes (as in the renderer), are left out. Terms come from
//! [`text::tokenize`].
//!
//! # Files (all under `search/`, all JavaScript, so they load from `file://`)
//!
//! Every file calls one function of `window.__handbookSearch`, which
//! `search.js` defines before it injects the `<script>` tag:
//!
//! - `manifest.js` → `manifest({v, build, pages, per_file, shards, facets})`: `shards`
//!   is `[[first_term, name], …]` sorted by term (code point order; the
//!   first is `""`), so a term lives in the last shard whose first term is
//!   not greater; `facets` maps `kind`, `owner`, `domain` and `stale` to
//!   `[[value, label, pages, name], …]`. Small: no per-page data. `v` is
//!   the format version: 2 since runs of CJK text are indexed as bigrams
//!   (version 1 held each run as one term).
//! - `NAME.js` (`t-<hash>`) → `shard(name, {term: postings})`: the inverted
//!   index for a range of terms, packed to about [`SHARD_TARGET_BYTES`] (a
//!   very common term may make a larger shard on its own). `postings` is a
//!   flat array of integers, sorted by page then section, each
//!   `((page_delta * 64) + section) * 16 + code`: `page_delta` is the page
//!   number minus the previous entry's (the first counts from 0), and `code`
//!   is 8 if the term is in the page title, + 4 if in a heading of the
//!   section (or a tag of the page), + 0–3 for how often it is in the body
//!   (0: never, 1: once, 2: 2–3 times, 3: more).
//! - `NAME.js` (`f-<hash>`) → `facet(name, [[value, page_deltas], …])`:
//!   for one facet, the pages with each value, delta-encoded; loaded only
//!   when that filter is on. A list of pairs, not an object: values come
//!   from frontmatter, and a `"__proto__"` key in a JavaScript object
//!   literal would set its prototype instead of holding data.
//!
//! Terms are object keys in shards; they never collide with
//! `"__proto__"` because [`text::tokenize`] keeps only letters and digits.
//! The client keeps all of it in `Map`s, so terms such as `constructor`
//! are plain data there too.
//! - `p/N.js` → `pages(N, [{t, u, k, K, o, d, s, w, x}, …])`: pages
//!   `N * per_file` up to [`PAGES_PER_FILE`] more (`per_file` in the
//!   manifest): title, URL, kind and kind label, owners `[[id, label]]`,
//!   domain, stale and owned (0/1), and sections `[[anchor, heading, text]]`
//!   with the body's prose (code blocks left out) cut to
//!   [`SearchConfig::snippet_chars`], for snippets. Loaded only for the results on screen.
//!
//! Shard and facet names are hashes of their content, and over HTTP page
//! files are requested with `?b=<build>` (the manifest's hash of the whole
//! index), so a browser cache never mixes two builds.

mod files;
mod postings;
pub mod text;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;

use crate::handbook::Handbook;
use crate::markdown::RenderedMarkdown;
use crate::matrix::{MATRIX_ANCHOR, MATRIX_HEADING};
use crate::page::Page;
use crate::view::{PageView, SiteView};
#[cfg(test)]
use files::snippet_text;
use files::{assemble, index_pages};

/// Sections per page: later `h2`s are folded into the last one.
pub const MAX_SECTIONS: usize = 64;

/// Pages per result file (`search/p/N.js`). Fewer, larger files make the
/// build faster (creating files is much of the index's cost) and each result
/// shown loads more bytes: 8 pages are about 20 KB.
pub const PAGES_PER_FILE: usize = 8;

/// About how many bytes of postings go into one shard file.
pub const SHARD_TARGET_BYTES: usize = 32 * 1024;

/// Body characters kept per section for snippets: enough for a snippet
/// around a match in most sections, while the result files stay small.
pub const DEFAULT_SNIPPET_CHARS: usize = 500;

/// The folder the index is written to, under the site root.
pub const DIR: &str = "search";

/// Settings of the index.
#[derive(Debug, Clone)]
pub struct SearchConfig {
    /// Characters of each section's body kept for result snippets.
    pub snippet_chars: usize,
}

impl Default for SearchConfig {
    fn default() -> Self {
        SearchConfig {
            snippet_chars: DEFAULT_SNIPPET_CHARS,
        }
    }
}

/// The built index.
#[derive(Debug, Clone, Default)]
pub struct SearchIndex {
    /// Root-relative path (`search/manifest.js`) → bytes.
    pub files: BTreeMap<String, Vec<u8>>,
    /// Pages in the index.
    pub pages: usize,
    /// Sections (documents) in the index.
    pub sections: usize,
    /// Distinct terms.
    pub terms: usize,
    /// Bytes of all files together.
    pub total_bytes: u64,
    /// Pages whose terms were worked out for this index (the others came
    /// from a [`SearchMemo`]).
    pub tokenized: usize,
}

/// One page as the index sees it.
#[derive(Debug, Clone, Default, PartialEq)]
struct SearchPage {
    title: String,
    url: String,
    kind: String,
    kind_label: String,
    /// `(id, label)`.
    owners: Vec<(String, String)>,
    domain: Option<String>,
    tags: Vec<String>,
    stale: bool,
    owned: bool,
    sections: Vec<Section>,
}

/// One section of a page: before the first `h2`, or from one `h2` to the next.
#[derive(Debug, Clone, Default, PartialEq)]
struct Section {
    /// Heading id (empty for the part before the first `h2`).
    anchor: String,
    /// The `h2` text (empty for the first part).
    heading: String,
    /// Text of the other headings inside the section (`h1`, `h3`…), one per line.
    subheadings: String,
    /// Body text: prose only, for terms and snippets.
    body: String,
    /// Text of the section's code blocks: indexed as body terms (commands and
    /// identifiers are searched for) but never shown in a snippet.
    code: String,
}

/// Builds the index of every page that does not opt out with `search: false`.
/// `site` must be the view of `h` (its pages in the same order).
pub fn build_index(h: &Handbook, site: &SiteView, cfg: &SearchConfig) -> SearchIndex {
    index_pages(&collect_pages(&h.pages, &site.pages), cfg)
}

/// Indexes of the pages to index, in page order: opted-out pages and pages
/// whose URL a later page takes are skipped.
fn selected(pages: &[Page], views: &[PageView]) -> Vec<usize> {
    let mut last_for_url: HashMap<&str, usize> = HashMap::new();
    for (i, v) in views.iter().enumerate() {
        last_for_url.insert(&v.url, i);
    }
    (0..pages.len().min(views.len()))
        .filter(|&i| !opted_out(&pages[i]) && last_for_url.get(views[i].url.as_str()) == Some(&i))
        .collect()
}

/// Whether the page says `search: false`. Only a frontmatter block can: a
/// page without one (plain markdown, as most existing handbooks are) has
/// `front.search` unset, which means "not written", not "opted out".
fn opted_out(p: &Page) -> bool {
    p.front.present && !p.front.search
}

/// The pages to index, in page order (see [`selected`]).
fn collect_pages(pages: &[Page], views: &[PageView]) -> Vec<SearchPage> {
    selected(pages, views)
        .into_par_iter()
        .map(|i| search_page(&pages[i], &views[i]))
        .collect()
}

/// One page as the index sees it.
fn search_page(p: &Page, v: &PageView) -> SearchPage {
    SearchPage {
        title: v.title.clone(),
        url: v.url.clone(),
        kind: v.kind.clone(),
        kind_label: if p.kind_unknown.is_some() {
            v.kind.clone()
        } else {
            v.kind_label.clone()
        },
        owners: v
            .owners
            .iter()
            .map(|o| (o.id.clone(), o.label.clone()))
            .collect(),
        domain: p.domain().map(str::to_owned),
        tags: p.front.tags.clone(),
        stale: v.stale,
        owned: v.owned,
        sections: with_matrix(sections_of(&p.md), p),
    }
}

/// A role-matrix page's grid as one more section, so its text is found.
fn with_matrix(mut sections: Vec<Section>, p: &Page) -> Vec<Section> {
    if let Some(m) = &p.matrix {
        sections.push(Section {
            anchor: MATRIX_ANCHOR.to_owned(),
            heading: MATRIX_HEADING.to_owned(),
            subheadings: String::new(),
            body: m.text(),
            code: String::new(),
        });
    }
    sections
}

/// A hash of everything [`search_page`] reads: equal keys, equal pages.
fn page_key(p: &Page, v: &PageView) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    (
        &v.title,
        &v.url,
        &v.kind,
        &v.kind_label,
        p.kind_unknown.is_some(),
    )
        .hash(&mut h);
    for o in &v.owners {
        (&o.id, &o.label).hash(&mut h);
    }
    (
        p.domain(),
        &p.front.tags,
        v.stale,
        v.owned,
        &p.md.text,
        &p.md.code_blocks,
    )
        .hash(&mut h);
    p.matrix.as_ref().map(|m| m.text()).hash(&mut h);
    for head in &p.md.headings {
        (head.level, &head.id, &head.text).hash(&mut h);
    }
    h.finish()
}

/// What `serve` keeps between search indexes: each page as indexed and its
/// terms, so the next index works out only the pages that changed; the
/// merge and the files are then made from all pages again.
#[derive(Default)]
pub struct SearchMemo {
    pages: HashMap<String, MemoPage>,
}

struct MemoPage {
    key: u64,
    page: std::sync::Arc<SearchPage>,
    terms: std::sync::Arc<postings::PageTerms>,
}

/// [`build_index`], reusing from `memo` the pages that did not change and
/// leaving in it the pages of this index.
pub fn build_index_memo(
    h: &Handbook,
    site: &SiteView,
    cfg: &SearchConfig,
    memo: &mut SearchMemo,
) -> SearchIndex {
    use std::sync::Arc;
    let old = &memo.pages;
    let entries: Vec<(String, MemoPage, bool)> = selected(&h.pages, &site.pages)
        .into_par_iter()
        .map(|i| {
            let (p, v) = (&h.pages[i], &site.pages[i]);
            let key = page_key(p, v);
            match old.get(&p.src.rel).filter(|m| m.key == key) {
                Some(m) => (
                    p.src.rel.clone(),
                    MemoPage {
                        key,
                        page: Arc::clone(&m.page),
                        terms: Arc::clone(&m.terms),
                    },
                    false,
                ),
                None => {
                    let page = search_page(p, v);
                    let terms = postings::terms_of(&page);
                    let (page, terms) = (Arc::new(page), Arc::new(terms));
                    (p.src.rel.clone(), MemoPage { key, page, terms }, true)
                }
            }
        })
        .collect();
    let pages: Vec<&SearchPage> = entries.iter().map(|e| &*e.1.page).collect();
    let terms: Vec<&postings::PageTerms> = entries.iter().map(|e| &*e.1.terms).collect();
    let mut index = assemble(&pages, postings::merge(&terms), cfg);
    index.tokenized = entries.iter().filter(|e| e.2).count();
    drop((pages, terms));
    memo.pages = entries.into_iter().map(|(rel, m, _)| (rel, m)).collect();
    index
}

/// Splits a page's plain text at its `h2` headings. Heading lines are found
/// in the text in document order (each heading is a line of its own there).
/// Lines of code blocks go to the section's `code`, never to its `body`.
fn sections_of(md: &RenderedMarkdown) -> Vec<Section> {
    let headings: Vec<_> = md.headings.iter().filter(|h| !h.text.is_empty()).collect();
    let mut next = 0;
    let mut sections = vec![Section::default()];
    let mut code = md.code_blocks.iter().peekable();
    let mut at = 0;
    for line in md.text.split('\n') {
        let start = at;
        at += line.len() + 1;
        while code.next_if(|&&(_, end)| end <= start).is_some() {}
        let line = line.trim();
        if code.peek().is_some_and(|&&(s, e)| (s..e).contains(&start)) {
            let current = sections.len() - 1;
            push_line(&mut sections[current].code, line);
            continue;
        }
        // Look a few headings ahead, so one heading that cannot be found
        // does not hide the rest.
        let found = headings
            .iter()
            .enumerate()
            .skip(next)
            .take(4)
            .find(|(_, h)| h.text == line)
            .map(|(i, h)| (i, *h));
        let current = sections.len() - 1;
        match found {
            Some((i, h)) => {
                next = i + 1;
                if h.level == 2 && sections.len() < MAX_SECTIONS {
                    sections.push(Section {
                        anchor: h.id.clone(),
                        heading: h.text.clone(),
                        ..Section::default()
                    });
                } else {
                    let s = &mut sections[current];
                    push_line(&mut s.subheadings, line);
                }
            }
            None => push_line(&mut sections[current].body, line),
        }
    }
    // The part before the first h2 stays even when empty: a match on the
    // title alone then links to the top of the page.
    sections
}

fn push_line(out: &mut String, line: &str) {
    if line.is_empty() {
        return;
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out.push_str(line);
}
