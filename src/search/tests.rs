//! Unit tests of the index builder: sections, postings, shards, facets,
//! opt-out, determinism, and agreement with `search.js`.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use super::*;
use crate::discover::SourceFile;
use crate::markdown::Highlighter;
use crate::view::OwnerRef;

const SEARCH_JS: &str = include_str!("../../themes/default/static/search.js");

/// Parses `text` (front matter + markdown) as the page `rel`.
fn page(rel: &str, text: &str) -> Page {
    let config = crate::config::parse_config(Path::new("/hb"), Path::new("/hb/book.toml"), "")
        .expect("empty config parses");
    let known: HashSet<String> = HashSet::from([rel.to_owned()]);
    crate::page::parse_page(
        SourceFile {
            rel: rel.to_owned(),
            root_rel: format!("src/{rel}"),
            text: text.to_owned(),
            invalid_utf8_at: None,
        },
        &config,
        &known,
        &Highlighter::plain(),
    )
}

/// The view of `p` as the site would show it.
fn view(p: &Page, owners: &[&str], stale: bool) -> PageView {
    PageView {
        path: p.src.rel.clone(),
        url: p.url.clone(),
        title: p.title.clone(),
        kind: p.kind.as_str().to_owned(),
        kind_label: p.kind.label().to_owned(),
        owners: owners
            .iter()
            .map(|id| OwnerRef {
                id: (*id).to_owned(),
                label: id.to_uppercase(),
                kind: "team".into(),
                url: format!("owners/{id}.html"),
            })
            .collect(),
        owned: !owners.is_empty(),
        stale,
        ..PageView::default()
    }
}

const FAILOVER: &str = "---
title: Postgres primary failover
kind: runbook
owners: [platform]
tags: [sev1]
---

The ledger database runs as one primary and one standby.

## Failure signature

Replication lag alerts fire. The Café on floor 3 is closed.

### Dashboards

Look at the latency panel.

## Mitigation

Promote the standby. Promote it again if the first failover fails.
Failover, failover, failover.
";

const GUIDE: &str = "---
title: Writing guides
---

Guides explain how things work. See the failover runbook for databases.
";

const HIDDEN: &str = "---
title: Secret page
search: false
---

Nobody should find the word zanzibar here.
";

fn sample() -> Vec<SearchPage> {
    let pages = [
        page("runbooks/db-failover.md", FAILOVER),
        page("guides/writing.md", GUIDE),
        page("guides/hidden.md", HIDDEN),
    ];
    let views = [
        view(&pages[0], &["platform", "sre"], true),
        view(&pages[1], &[], false),
        view(&pages[2], &["platform"], false),
    ];
    collect_pages(&pages, &views)
}

/// The JSON argument of a `window.__handbookSearch.FUNC(key, DATA);` file.
fn data_of(file: &[u8]) -> serde_json::Value {
    let text = std::str::from_utf8(file).expect("index files are UTF-8");
    let text = text.trim_end().strip_suffix(");").expect("ends with );");
    let open = text.find('(').expect("a call");
    let args = &text[open + 1..];
    // Skip the key (a JSON string or a number) and its comma, if any.
    let data = if let Some(quoted) = args.strip_prefix('"') {
        &quoted[quoted.find('"').expect("closing quote") + 2..]
    } else if args.starts_with(|c: char| c.is_ascii_digit()) {
        &args[args.find(',').expect("a comma") + 1..]
    } else {
        args
    };
    serde_json::from_str(data).expect("the data is JSON")
}

fn manifest(index: &SearchIndex) -> serde_json::Value {
    data_of(&index.files["search/manifest.js"])
}

/// Decoded postings of `term`: (page, section, code).
fn postings_of(index: &SearchIndex, term: &str) -> Vec<(u64, u64, u64)> {
    let m = manifest(index);
    let shards = m["shards"].as_array().expect("shards");
    let shard = shards
        .iter()
        .rfind(|s| s[0].as_str().expect("first term") <= term)
        .expect("the first shard starts at \"\"");
    let name = shard[1].as_str().expect("name");
    let data = data_of(&index.files[&format!("search/{name}.js")]);
    let Some(list) = data.get(term) else {
        return Vec::new();
    };
    let mut page = 0;
    list.as_array()
        .expect("array")
        .iter()
        .map(|v| {
            let v = v.as_u64().expect("integer");
            let code = v % 16;
            let section = (v / 16) % 64;
            page += v / 16 / 64;
            (page, section, code)
        })
        .collect()
}

#[test]
fn sections_split_at_h2_with_anchors() {
    let p = page("runbooks/db-failover.md", FAILOVER);
    let s = sections_of(&p.md);
    assert_eq!(s.len(), 3);
    assert_eq!(s[0].anchor, "");
    assert!(s[0].body.starts_with("The ledger database"));
    assert_eq!(s[1].anchor, "failure-signature");
    assert_eq!(s[1].heading, "Failure signature");
    assert_eq!(s[1].subheadings, "Dashboards");
    assert!(s[1].body.contains("Café"));
    assert!(s[1].body.contains("latency panel"));
    assert!(!s[1].body.contains("Dashboards"));
    assert_eq!(s[2].anchor, "mitigation");
    assert!(s[2].body.starts_with("Promote the standby."));
}

#[test]
fn sections_are_capped() {
    let mut md = String::from("intro\n");
    for i in 0..100 {
        md.push_str(&format!("\n## Part {i}\n\ntext {i}\n"));
    }
    let s = sections_of(&page("a.md", &md).md);
    assert_eq!(s.len(), MAX_SECTIONS);
    assert!(s[MAX_SECTIONS - 1].body.contains("text 99"));
    assert!(s[MAX_SECTIONS - 1].subheadings.contains("Part 99"));
}

#[test]
fn opted_out_and_shadowed_pages_are_left_out() {
    let pages = sample();
    let urls: Vec<&str> = pages.iter().map(|p| p.url.as_str()).collect();
    assert_eq!(urls, ["runbooks/db-failover.html", "guides/writing.html"]);

    let index = index_pages(&pages, &SearchConfig::default());
    assert!(postings_of(&index, "zanzibar").is_empty());
    let all: String = index
        .files
        .values()
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .collect();
    assert!(!all.contains("zanzibar") && !all.contains("Secret page"));

    // Two pages with one URL: the later one (by path) is indexed, as rendered.
    let a = page("guides/README.md", "---\ntitle: Readme\n---\nalpha\n");
    let b = page("guides/index.md", "---\ntitle: Index\n---\nbeta\n");
    let views = [view(&a, &[], false), view(&b, &[], false)];
    assert_eq!(a.url, b.url);
    let pages = collect_pages(&[a, b], &views);
    assert_eq!(pages.len(), 1);
    assert_eq!(pages[0].title, "Index");
}

/// Plain markdown (no frontmatter block, as in most existing handbooks)
/// is indexed: only a written `search: false` opts a page out.
#[test]
fn pages_without_frontmatter_are_indexed() {
    let pages = [
        page("README.md", "# Runbooks\n\nStart here for wombats.\n"),
        page("db/_index.md", "Databases, no heading.\n"),
        page("db/off.md", "---\nsearch: false\n---\nnumbats\n"),
        page("db/on.md", "---\nsearch: true\n---\nquolls\n"),
    ];
    assert!(!pages[0].front.present);
    let views: Vec<PageView> = pages.iter().map(|p| view(p, &[], false)).collect();
    let indexed = collect_pages(&pages, &views);
    let urls: Vec<&str> = indexed.iter().map(|p| p.url.as_str()).collect();
    assert_eq!(urls, [&*pages[0].url, &*pages[1].url, &*pages[3].url]);
    let index = index_pages(&indexed, &SearchConfig::default());
    assert_eq!(postings_of(&index, "wombat").len(), 1);
    assert!(postings_of(&index, "numbat").is_empty());
}

#[test]
fn postings_carry_field_and_frequency() {
    let index = index_pages(&sample(), &SearchConfig::default());
    assert_eq!(index.pages, 2);
    assert_eq!(index.sections, 4);
    // Title term: in every section of page 0 (8), in the body of page 1.
    let failover = postings_of(&index, "failover");
    assert_eq!(
        failover,
        [
            (0, 0, postings::IN_TITLE as u64),
            (0, 1, postings::IN_TITLE as u64),
            (0, 2, postings::IN_TITLE as u64 + 3),
            (1, 0, 1),
        ]
    );
    // Heading terms: h2 and h3 both count as headings; tags too.
    assert_eq!(postings_of(&index, "mitigation"), [(0, 2, 4)]);
    assert_eq!(postings_of(&index, "dashboard"), [(0, 1, 4)]);
    assert!(postings_of(&index, "sev1").iter().all(|p| p.2 & 4 == 4));
    // Body-only word, stemmed: "Promote ... Promote" twice → level 2.
    assert_eq!(postings_of(&index, &text::stem("promote")), [(0, 2, 2)]);
    // Accents are folded: `Café` is found as `cafe`.
    let cafe = text::terms("cafe");
    assert_eq!(postings_of(&index, &cafe[0]), [(0, 1, 1)]);
    // Plurals: "databases" and "database" are one term.
    assert_eq!(text::terms("databases"), text::terms("database"));
    assert_eq!(postings_of(&index, &text::terms("databases")[0]).len(), 2);
}

#[test]
fn page_fragments_hold_what_results_show() {
    let index = index_pages(&sample(), &SearchConfig::default());
    // Both pages are in the first result file.
    let file = data_of(&index.files["search/p/0.js"]);
    assert_eq!(file.as_array().unwrap().len(), 2);
    let p = &file[0];
    assert_eq!(p["t"], "Postgres primary failover");
    assert_eq!(p["u"], "runbooks/db-failover.html");
    assert_eq!(p["k"], "runbook");
    assert_eq!(p["K"], "Runbook");
    assert_eq!(p["o"][1], serde_json::json!(["sre", "SRE"]));
    assert_eq!(p["d"], "runbooks");
    assert_eq!(p["s"], 1);
    assert_eq!(p["w"], 1);
    assert_eq!(p["x"][2][0], "mitigation");
    assert_eq!(p["x"][2][1], "Mitigation");
    let guide = &file[1];
    assert_eq!(guide["w"], 0);
    assert_eq!(guide["s"], 0);
    assert!(!index.files.contains_key("search/p/1.js"));
    assert_eq!(manifest(&index)["per_file"], PAGES_PER_FILE);
}

#[test]
fn facets_list_pages_per_value() {
    let index = index_pages(&sample(), &SearchConfig::default());
    let m = manifest(&index);
    assert_eq!(m["pages"], 2);
    let facets = &m["facets"];
    let pages_of = |facet: &str, value: &str| -> Vec<u64> {
        let entry = facets[facet]
            .as_array()
            .expect("facet list")
            .iter()
            .find(|e| e[0] == value)
            .unwrap_or_else(|| panic!("no {facet}={value}"));
        let data = data_of(&index.files[&format!("search/{}.js", entry[3].as_str().unwrap())]);
        let pairs = data.as_array().expect("[[value, page_deltas], …]");
        let pair = pairs
            .iter()
            .find(|p| p[0] == value)
            .unwrap_or_else(|| panic!("{value} not in its facet file"));
        let mut page = 0;
        pair[1]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                page += d.as_u64().unwrap();
                page
            })
            .collect()
    };
    assert_eq!(pages_of("kind", "runbook"), [0]);
    assert_eq!(pages_of("kind", "guide"), [1]);
    assert_eq!(pages_of("owner", "sre"), [0]);
    assert_eq!(pages_of("domain", "guides"), [1]);
    assert_eq!(pages_of("stale", "true"), [0]);
    assert_eq!(facets["owner"][0][1], "PLATFORM");
    // One file per facet, whatever the number of values.
    let owners = facets["owner"].as_array().unwrap();
    assert_eq!(owners.len(), 2);
    assert_eq!(owners[0][3], owners[1][3]);
    assert_eq!(
        index
            .files
            .keys()
            .filter(|k| k.starts_with("search/f-"))
            .count(),
        4
    );
}

#[test]
fn many_terms_make_many_sorted_shards() {
    // 3,000 pages of distinct words: far more than one shard holds.
    let pages: Vec<SearchPage> = (0..3000)
        .map(|i| SearchPage {
            title: format!("Page {i}"),
            url: format!("p{i}.html"),
            kind: "guide".into(),
            kind_label: "Guide".into(),
            sections: vec![Section {
                body: format!("word{i} common shared{} w{:x}", i % 7, i * 7919),
                ..Section::default()
            }],
            ..SearchPage::default()
        })
        .collect();
    let index = index_pages(&pages, &SearchConfig::default());
    let m = manifest(&index);
    let shards = m["shards"].as_array().unwrap();
    assert!(shards.len() > 3, "{} shards", shards.len());
    assert_eq!(shards[0][0], "");
    let firsts: Vec<&str> = shards.iter().map(|s| s[0].as_str().unwrap()).collect();
    let mut sorted = firsts.clone();
    sorted.sort_unstable();
    assert_eq!(firsts, sorted);
    let mut seen = 0;
    for (i, s) in shards.iter().enumerate() {
        let name = s[1].as_str().unwrap();
        let bytes = &index.files[&format!("search/{name}.js")];
        let data = data_of(bytes);
        for term in data.as_object().unwrap().keys() {
            // Every term is in the shard its first term says.
            assert!(term.as_str() >= firsts[i]);
            if let Some(next) = firsts.get(i + 1) {
                assert!(term.as_str() < *next);
            }
            seen += 1;
        }
        let common = data.get("common").is_some();
        assert!(bytes.len() < SHARD_TARGET_BYTES + 1024 || common);
    }
    assert_eq!(seen, index.terms);
    assert_eq!(postings_of(&index, "word2999"), [(2999, 0, 1)]);
    assert_eq!(postings_of(&index, "common").len(), 3000);
    assert_eq!(postings_of(&index, &text::stem("page")).len(), 3000);
}

#[test]
fn index_is_deterministic() {
    let a = index_pages(&sample(), &SearchConfig::default());
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let b = pool.install(|| index_pages(&sample(), &SearchConfig::default()));
    assert_eq!(a.files, b.files);
    // Names are content hashes: the same content, the same names.
    let names: BTreeMap<_, _> = a.files.keys().map(|k| (k.clone(), ())).collect();
    assert!(names.keys().any(|k| k.starts_with("search/t-")));
    assert!(names.keys().any(|k| k.starts_with("search/f-")));
}

#[test]
fn total_bytes_is_the_sum_of_the_files() {
    let index = index_pages(&sample(), &SearchConfig::default());
    assert!(index.total_bytes > 0);
    assert_eq!(
        index.total_bytes,
        index.files.values().map(|b| b.len() as u64).sum::<u64>()
    );
}

#[test]
fn snippets_are_cut_at_words() {
    assert_eq!(snippet_text("a  b\n\nc", 100), "a b c");
    assert_eq!(snippet_text("alpha beta gamma", 12), "alpha beta");
    assert_eq!(snippet_text("alpha beta gamma", 10), "alpha beta");
    assert_eq!(snippet_text("alpha beta gamma", 11), "alpha beta");
    assert_eq!(snippet_text("alpha beta", 10), "alpha beta");
    assert_eq!(snippet_text(" alpha ", 10), "alpha");
    let long = "x".repeat(50);
    assert_eq!(snippet_text(&long, 10).chars().count(), 10);
    assert_eq!(snippet_text("", 10), "");
    let accented = "é".repeat(30);
    assert_eq!(snippet_text(&accented, 7), "é".repeat(7));
}

#[test]
fn search_js_uses_the_same_tables() {
    assert!(
        SEARCH_JS.contains(&format!("var FOLD_TABLE = \"{}\";", text::FOLD_TABLE)),
        "search.js FOLD_TABLE differs from text::FOLD_TABLE"
    );
    assert!(
        SEARCH_JS.contains(&format!("var STOP_WORDS = \"{}\";", text::STOP_WORDS)),
        "search.js STOP_WORDS differs from text::STOP_WORDS"
    );
    assert!(
        SEARCH_JS.contains(&format!("var CJK_RANGES = \"{}\";", text::CJK_RANGES)),
        "search.js CJK_RANGES differs from text::CJK_RANGES"
    );
    assert!(SEARCH_JS.contains(&format!("var MAX_TOKEN_CHARS = {};", text::MAX_TOKEN_CHARS)));
    assert!(SEARCH_JS.contains(&format!("var SECTIONS = {MAX_SECTIONS};")));
    // Every stop word is short (the Rust side checks length first).
    assert!(text::STOP_WORDS.split(' ').all(|w| w.len() <= 5));
    // Every fold entry maps one character to ASCII letters.
    for entry in text::FOLD_TABLE.split(' ') {
        let mut c = entry.chars();
        assert!(!c.next().unwrap().is_ascii(), "{entry}");
        assert!(
            c.as_str().bytes().all(|b| b.is_ascii_lowercase()),
            "{entry}"
        );
    }
}

/// `serve`'s index: the same files as a fresh index, with only the pages
/// that changed worked out again.
#[test]
fn memo_index_equals_a_fresh_index_and_redoes_only_changed_pages() {
    use crate::config::{load_config, LoadOptions};
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("example-handbook");
    let config = load_config(&root, &LoadOptions::default()).unwrap();
    let mut h = crate::pipeline::load_handbook(config, &Highlighter::plain()).unwrap();
    let today = crate::date::Date::parse("2026-11-23").unwrap();
    let site = crate::view::site_view(&h, &crate::rules::run_rules(&h, today), today);
    let cfg = SearchConfig::default();
    let mut memo = SearchMemo::default();

    let fresh = build_index(&h, &site, &cfg);
    let first = build_index_memo(&h, &site, &cfg, &mut memo);
    assert_eq!(first.files, fresh.files);
    assert_eq!(
        first.tokenized, fresh.pages,
        "an empty memo does every page"
    );
    let again = build_index_memo(&h, &site, &cfg, &mut memo);
    assert_eq!(again.files, fresh.files);
    assert_eq!(again.tokenized, 0, "nothing changed");

    // One page gains a word: one page is worked out again, and the index
    // is the one a fresh build makes, word included.
    let i = h.pages.len() / 2;
    h.pages[i].md.text.push_str("\nzebrafinch\n");
    let fresh = build_index(&h, &site, &cfg);
    let changed = build_index_memo(&h, &site, &cfg, &mut memo);
    assert_eq!(changed.tokenized, 1);
    assert_eq!(changed.files, fresh.files);
    assert!(changed
        .files
        .values()
        .any(|f| String::from_utf8_lossy(f).contains("\"zebrafinch\":[")));

    // A page gone from the handbook leaves the memo too.
    h.pages.remove(i);
    let mut site = site;
    site.pages.remove(i);
    let fresh = build_index(&h, &site, &cfg);
    let removed = build_index_memo(&h, &site, &cfg, &mut memo);
    assert_eq!(removed.files, fresh.files);
    assert_eq!(removed.tokenized, 0);
    assert_eq!(memo.pages.len(), fresh.pages);
}

#[test]
fn object_prototype_names_are_plain_terms_and_facet_values() {
    // Terms are object keys in shard files: none may be `__proto__`, which
    // a JavaScript object literal takes as its prototype.
    for text in ["__proto__", "a__proto__b", "x.__proto__", "_proto_"] {
        assert!(
            !text::terms(text).iter().any(|t| t.contains('_')),
            "{text}: {:?}",
            text::terms(text)
        );
    }
    let body = "constructor constructors toString hasOwnProperty __proto__ valueOf";
    let pages = vec![SearchPage {
        title: "Prototype words".into(),
        url: "proto.html".into(),
        kind: "__proto__".into(),
        kind_label: "constructor".into(),
        owners: vec![("__proto__".into(), "Proto".into())],
        domain: Some("constructor".into()),
        sections: vec![Section {
            body: body.into(),
            ..Section::default()
        }],
        ..SearchPage::default()
    }];
    let index = index_pages(&pages, &SearchConfig::default());
    // `constructor` twice (`constructors` stems to it), the others once
    // (`hasownproperty` stems to `hasownproperti`).
    for (term, code) in [
        ("constructor", 2),
        ("tostring", 1),
        ("hasownproperti", 1),
        ("proto", 1),
        ("valueof", 1),
    ] {
        assert_eq!(postings_of(&index, term), [(0, 0, code)], "{term}");
    }
    // Facet files are lists of pairs, so `__proto__` is a value like any.
    let m = manifest(&index);
    for (facet, value) in [
        ("kind", "__proto__"),
        ("owner", "__proto__"),
        ("domain", "constructor"),
    ] {
        let entry = &m["facets"][facet][0];
        assert_eq!(entry[0], value);
        let data = data_of(&index.files[&format!("search/{}.js", entry[3].as_str().unwrap())]);
        assert_eq!(data, serde_json::json!([[value, [0]]]), "{facet}");
    }
}

/// Code blocks are indexed (commands and identifiers are searched for) but
/// kept out of the body text that snippets are cut from.
#[test]
fn code_blocks_are_terms_but_not_snippet_text() {
    let p = page(
        "runbooks/capacity.md",
        "---\ntitle: Capacity\n---\n\nThe quokka report lists every node.\n\n```\n+-------+------+\n| node  | wombatcpu |\n+-------+------+\n│ db-1  │ 93%  │\n```\n\n## Mitigation\n\nScale out.\n\n    kubectl scale numbatdeploy\n\nMitigation\n",
    );
    let s = sections_of(&p.md);
    assert_eq!(s.len(), 2, "{s:?}");
    assert_eq!(s[0].body, "The quokka report lists every node.");
    assert!(s[0].code.contains("wombatcpu"), "{s:?}");
    assert_eq!(s[1].body, "Scale out.\nMitigation");
    assert_eq!(s[1].code, "kubectl scale numbatdeploy");
    let views = [view(&p, &[], false)];
    let index = index_pages(&collect_pages(&[p], &views), &SearchConfig::default());
    let file = data_of(&index.files["search/p/0.js"]);
    for section in file[0]["x"].as_array().unwrap() {
        let snippet = section[2].as_str().unwrap();
        assert!(
            !snippet.contains("+---") && !snippet.contains('│') && !snippet.contains('|'),
            "{snippet}"
        );
    }
    assert_eq!(file[0]["x"][0][2], "The quokka report lists every node.");
    for (word, section) in [("wombatcpu", 0), ("numbatdeploy", 1), ("quokka", 0)] {
        let term = &text::terms(word)[0];
        assert_eq!(postings_of(&index, term), [(0, section, 1)], "{word}");
    }
}
