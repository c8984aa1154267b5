//! Writing the index files: the page fragments, the term shards, the
//! facet files and the manifest (the format is in the parent module).

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;

use super::{
    postings, SearchConfig, SearchIndex, SearchPage, DIR, PAGES_PER_FILE, SHARD_TARGET_BYTES,
};

/// A content-addressed file name: `prefix-<48-bit hash of data>`.
pub(super) fn content_name(prefix: &str, data: &[u8]) -> String {
    format!("{prefix}-{:012x}", postings::hash_bytes(data) >> 16)
}

/// Wraps `data` (JSON) in a call of `window.__handbookSearch.<func>`.
pub(super) fn script(func: &str, key: &str, data: &str) -> Vec<u8> {
    format!("window.__handbookSearch.{func}({key},{data});\n").into_bytes()
}

/// What the browser reads from one page fragment.
#[derive(Serialize)]
struct PageFragment<'a> {
    t: &'a str,
    u: &'a str,
    k: &'a str,
    #[serde(rename = "K")]
    kind_label: &'a str,
    o: &'a [(String, String)],
    d: Option<&'a str>,
    s: u8,
    w: u8,
    x: Vec<(&'a str, &'a str, String)>,
}

/// One facet value in the manifest: `[value, label, pages, file name]`.
type FacetEntry = (String, String, usize, String);

#[derive(Serialize)]
struct Manifest<'a> {
    v: u32,
    build: String,
    pages: usize,
    per_file: usize,
    sections: usize,
    shards: &'a [(String, String)],
    facets: BTreeMap<&'static str, Vec<FacetEntry>>,
}

/// The first `max` characters of `text`, whitespace collapsed, cut at a word
/// boundary unless that would lose more than half.
pub(super) fn snippet_text(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max + max / 4));
    let mut chars = 0;
    let mut space = false;
    let mut last_space = None;
    for c in text.chars() {
        if c.is_whitespace() {
            space = chars > 0;
            continue;
        }
        if chars + usize::from(space) >= max {
            // Out of room in a word: end at the last word boundary, if it
            // is not too far back.
            if let Some(at) = last_space.filter(|&at| !space && at * 2 >= out.len()) {
                out.truncate(at);
            }
            return out;
        }
        if space {
            last_space = Some(out.len());
            out.push(' ');
            chars += 1;
            space = false;
        }
        out.push(c);
        chars += 1;
    }
    out
}

/// Builds every file of the index from the pages to index.
pub(super) fn index_pages(pages: &[SearchPage], cfg: &SearchConfig) -> SearchIndex {
    let terms = postings::invert(pages);
    let mut index = assemble(&pages.iter().collect::<Vec<_>>(), terms, cfg);
    index.tokenized = pages.len();
    index
}

/// The files of the index from the pages and their merged terms.
pub(super) fn assemble(
    pages: &[&SearchPage],
    terms: postings::Inverted,
    cfg: &SearchConfig,
) -> SearchIndex {
    let sections: usize = pages.iter().map(|p| p.sections.len()).sum();
    let term_count = terms.len();

    // Each term's `"term":[...]`, packed into shards in term order.
    let entries: Vec<&str> = terms.iter().map(|(_, e)| e.as_str()).collect();
    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut shards: Vec<(String, String)> = Vec::new();
    let mut start = 0;
    while start < entries.len() {
        let mut end = start;
        let mut size = 2;
        while end < entries.len()
            && (end == start || size + entries[end].len() < SHARD_TARGET_BYTES)
        {
            size += entries[end].len() + 1;
            end += 1;
        }
        let mut data = String::with_capacity(size);
        data.push('{');
        data.push_str(&entries[start..end].join(","));
        data.push('}');
        let name = content_name("t", data.as_bytes());
        let first = if shards.is_empty() {
            String::new()
        } else {
            terms[start].0.clone()
        };
        files.insert(
            format!("{DIR}/{name}.js"),
            script("shard", &format!("\"{name}\""), &data),
        );
        shards.push((first, name));
        start = end;
    }

    let facets = facet_files(pages, &mut files);

    let fragments: Vec<(String, Vec<u8>)> = pages
        .par_chunks(PAGES_PER_FILE)
        .enumerate()
        .map(|(n, chunk)| {
            let fragments: Vec<PageFragment<'_>> = chunk
                .iter()
                .map(|p| PageFragment {
                    t: &p.title,
                    u: &p.url,
                    k: &p.kind,
                    kind_label: &p.kind_label,
                    o: &p.owners,
                    d: p.domain.as_deref(),
                    s: u8::from(p.stale),
                    w: u8::from(p.owned),
                    x: p.sections
                        .iter()
                        .map(|s| {
                            (
                                s.anchor.as_str(),
                                s.heading.as_str(),
                                snippet_text(&s.body, cfg.snippet_chars),
                            )
                        })
                        .collect(),
                })
                .collect();
            let json = serde_json::to_string(&fragments).unwrap_or_default();
            (
                format!("{DIR}/p/{n}.js"),
                script("pages", &n.to_string(), &json),
            )
        })
        .collect();
    files.extend(fragments);

    let mut build = 0u64;
    for (path, bytes) in &files {
        build = (build.rotate_left(7) ^ postings::hash_str(path) ^ postings::hash_bytes(bytes))
            .wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
    let manifest = Manifest {
        v: 2,
        build: format!("{:012x}", build >> 16),
        pages: pages.len(),
        per_file: PAGES_PER_FILE,
        sections,
        shards: &shards,
        facets,
    };
    let json = serde_json::to_string(&manifest).unwrap_or_default();
    files.insert(
        format!("{DIR}/manifest.js"),
        format!("window.__handbookSearch.manifest({json});\n").into_bytes(),
    );

    let total_bytes: u64 = files.values().map(|b| b.len() as u64).sum();
    SearchIndex {
        files,
        pages: pages.len(),
        sections,
        terms: term_count,
        total_bytes,
        tokenized: 0,
    }
}

/// Writes one file per facet (kind, owner, domain, stale) listing the pages
/// of each value, and returns the manifest's facet table.
pub(super) fn facet_files(
    pages: &[&SearchPage],
    files: &mut BTreeMap<String, Vec<u8>>,
) -> BTreeMap<&'static str, Vec<FacetEntry>> {
    // facet → value → (label, pages)
    let mut values: BTreeMap<&'static str, BTreeMap<String, (String, Vec<u32>)>> = BTreeMap::new();
    for (n, p) in pages.iter().enumerate() {
        let n = u32::try_from(n).unwrap_or(u32::MAX);
        let mut add = |facet: &'static str, value: &str, label: &str| {
            let v = values
                .entry(facet)
                .or_default()
                .entry(value.to_owned())
                .or_insert_with(|| (label.to_owned(), Vec::new()));
            if v.1.last() != Some(&n) {
                v.1.push(n);
            }
        };
        add("kind", &p.kind, &p.kind_label);
        for (id, label) in &p.owners {
            add("owner", id, label);
        }
        if let Some(d) = &p.domain {
            add("domain", d, d);
        }
        if p.stale {
            add("stale", "true", "Stale");
        }
    }
    let mut out: BTreeMap<&'static str, Vec<FacetEntry>> = BTreeMap::new();
    for facet in ["kind", "owner", "domain", "stale"] {
        out.insert(facet, Vec::new());
    }
    for (facet, vals) in values {
        // One file per facet: `[[value, page_deltas], …]`.
        let mut data = String::from("[");
        let mut entries = Vec::with_capacity(vals.len());
        for (value, (label, pages)) in vals {
            if data.len() > 1 {
                data.push(',');
            }
            data.push('[');
            data.push_str(&serde_json::to_string(&value).unwrap_or_default());
            data.push_str(",[");
            let mut last = 0;
            for (i, p) in pages.iter().enumerate() {
                if i > 0 {
                    data.push(',');
                }
                postings::push_u64(&mut data, u64::from(p - last));
                last = *p;
            }
            data.push_str("]]");
            entries.push((value, label, pages.len()));
        }
        data.push(']');
        let name = content_name("f", data.as_bytes());
        files.insert(
            format!("{DIR}/{name}.js"),
            script("facet", &format!("\"{name}\""), &data),
        );
        let list = out.entry(facet).or_default();
        list.extend(
            entries
                .into_iter()
                .map(|(value, label, count)| (value, label, count, name.clone())),
        );
        if facet == "owner" {
            list.sort_by(|a, b| {
                a.1.to_lowercase()
                    .cmp(&b.1.to_lowercase())
                    .then_with(|| a.0.cmp(&b.0))
            });
        }
    }
    out
}
