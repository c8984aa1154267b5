//! Sidebar tree tests: tiny handbooks built from strings.

use super::*;
use crate::config::parse_config;
use crate::date::Date;
use crate::discover::SourceFile;
use crate::markdown::Highlighter;
use crate::page::parse_pages;
use crate::rules::run_rules;
use std::path::Path;

fn handbook(files: &[(&str, &str)]) -> Handbook {
    let root = Path::new("/nonexistent-handbook");
    let config = parse_config(root, &root.join("book.toml"), "").unwrap();
    let mut sources: Vec<SourceFile> = files
        .iter()
        .map(|(rel, text)| SourceFile {
            rel: rel.to_string(),
            root_rel: format!("src/{rel}"),
            text: text.to_string(),
            invalid_utf8_at: None,
        })
        .collect();
    sources.sort_by(|a, b| a.rel.cmp(&b.rel));
    Handbook {
        pages: parse_pages(sources, &config, &Highlighter::plain()),
        config,
        registry: Default::default(),
        codeowners: Default::default(),
        assets: Vec::new(),
        config_findings: Vec::new(),
        summary: None,
        history: Default::default(),
    }
}

fn tree(files: &[(&str, &str)]) -> (Handbook, NavTree, Vec<Vec<String>>) {
    let h = handbook(files);
    let ev = run_rules(&h, Date::parse("2026-11-23").unwrap());
    let d = nav_tree(&h, &ev);
    (h, d.tree, d.branches)
}

fn node<'a>(t: &'a NavTree, id: &str) -> &'a NavNode {
    t.nodes
        .iter()
        .find(|n| n.id == id)
        .unwrap_or_else(|| panic!("no node {id}"))
}

fn id(path: &str) -> String {
    format!("{:016x}", fnv1a(path))
}

fn labels(n: &NavNode) -> Vec<&str> {
    n.entries.iter().map(NavEntry::label).collect()
}

fn branch_of<'a>(h: &Handbook, b: &'a [Vec<String>], rel: &str) -> &'a [String] {
    let i = h.pages.iter().position(|p| p.src.rel == rel).unwrap();
    &b[i]
}

#[test]
fn folders_nest_and_sort_naturally_with_the_home_page_first() {
    let (h, t, b) = tree(&[
        ("index.md", "# Home\n"),
        ("about.md", "# About\n"),
        ("ops/index.md", "# Operations\n"),
        ("ops/db/postgres/failover.md", "# Failover\n"),
        ("ops/db/postgres/b.md", "# 39. Rollbacks\n"),
        ("ops/db/postgres/c.md", "# 4. Deploys\n"),
        ("guides/x.md", "# X\n"),
        ("39-later/y.md", "# Y\n"),
        ("4-sooner/z.md", "# Z\n"),
    ]);
    let root = node(&t, ROOT_ID);
    // Home first; folders (labelled by their index page's title, else their
    // name) before pages, each in natural order.
    assert_eq!(
        labels(root),
        [
            "Home",
            "4 sooner",
            "39 later",
            "Guides",
            "Operations",
            "About"
        ]
    );
    assert_eq!(
        labels(node(&t, &id("ops/db/postgres"))),
        ["4. Deploys", "39. Rollbacks", "Failover"]
    );
    let NavEntry::Folder(ops) = &root.entries[4] else {
        panic!("not a folder: {:?}", root.entries[4]);
    };
    assert_eq!(ops.id, id("ops"));
    assert_eq!(
        ops.index.as_ref().map(|p| p.url.as_str()),
        Some("ops/index.html")
    );
    assert_eq!(ops.pages, 4, "the index page and three below");
    // The index page is the folder's own link, not one of its entries.
    assert_eq!(labels(node(&t, &id("ops"))), ["Db"]);

    // A page three folders deep opens its whole branch; an index page opens
    // its own folder.
    assert_eq!(
        branch_of(&h, &b, "ops/db/postgres/failover.md"),
        [
            ROOT_ID.to_owned(),
            id("ops"),
            id("ops/db"),
            id("ops/db/postgres")
        ]
    );
    assert_eq!(
        branch_of(&h, &b, "ops/index.md"),
        [ROOT_ID.to_owned(), id("ops")]
    );
    assert_eq!(branch_of(&h, &b, "index.md"), [ROOT_ID.to_owned()]);
    // One node per folder, and the top one.
    assert_eq!(t.nodes.len(), 7);
}

#[test]
fn siblings_with_the_same_title_are_told_apart() {
    let (_, t, _) = tree(&[
        ("a/one.md", "# Setup\n"),
        ("a/two.md", "# setup\n"),
        ("a/three.md", "# Other\n"),
        ("a/x/index.md", "# Overview\n"),
        ("a/y/README.md", "# Overview\n"),
        ("a/x/more.md", "# More\n"),
        ("a/y/more.md", "# More\n"),
        ("b/one.md", "# Setup\n"),
    ]);
    let hints: Vec<(&str, Option<&str>)> = node(&t, &id("a"))
        .entries
        .iter()
        .map(|e| match e {
            NavEntry::Page(p) => (p.title.as_str(), p.hint.as_deref()),
            NavEntry::Folder(f) => (f.label.as_str(), f.hint.as_deref()),
            NavEntry::Group(g) => (g.label.as_str(), None),
        })
        .collect();
    assert_eq!(
        hints,
        [
            ("Overview", Some("x/")),
            ("Overview", Some("y/")),
            ("Other", None),
            ("Setup", Some("one.md")),
            ("setup", Some("two.md")),
        ]
    );
    // The same title in another folder is not a clash.
    let NavEntry::Page(p) = &node(&t, &id("b")).entries[0] else {
        panic!("not a page");
    };
    assert_eq!(p.hint, None);
}

#[test]
fn large_folders_are_cut_into_groups_that_the_branch_names() {
    let pages: Vec<(String, String)> = (1..=250)
        .map(|n| (format!("adr/{n:04}-x.md"), format!("# ADR {n}: decision\n")))
        .collect();
    let files: Vec<(&str, &str)> = pages
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let (h, t, b) = tree(&files);
    let adr = id("adr");
    let top = node(&t, &adr);
    assert_eq!(
        labels(top),
        [
            "ADR 1: decision – ADR 84: decision",
            "ADR 85: decision – ADR 168: decision",
            "ADR 169: decision – ADR 250: decision"
        ]
    );
    assert!(t.nodes.iter().all(|n| n.entries.len() <= GROUP_MAX));
    assert_eq!(
        branch_of(&h, &b, "adr/0100-x.md"),
        [ROOT_ID.to_owned(), adr.clone(), format!("{adr}-2")]
    );
    let second = node(&t, &format!("{adr}-2"));
    assert_eq!(second.entries.len(), 84);
    assert!(second
        .entries
        .iter()
        .any(|e| matches!(e, NavEntry::Page(p) if p.url == "adr/0100-x.html")));
}

#[test]
fn group_places_match_the_cut_at_any_size() {
    for n in [0, 1, 100, 101, 250, 10_000, 10_001, 23_456] {
        let places = group_places(n, "f");
        assert_eq!(places.len(), n);
        // No group holds more than GROUP_MAX entries or subgroups.
        let mut members: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (i, p) in places.iter().enumerate() {
            let mut parent = "f".to_owned();
            for g in p {
                members.entry(parent).or_default().insert(g.clone());
                parent = g.clone();
            }
            members
                .entry(parent)
                .or_default()
                .insert(format!("item{i}"));
        }
        assert!(
            members.values().all(|m| m.len() <= GROUP_MAX),
            "{n}: a node over {GROUP_MAX}"
        );
        // Entries stay in order: groups are consecutive runs.
        let flat: Vec<&Vec<String>> = places.iter().collect();
        assert!(flat
            .windows(2)
            .all(|w| w[0] <= w[1] || w[0].len() != w[1].len() || {
                // "f-10" sorts before "f-9" as text; compare numerically.
                let num = |v: &Vec<String>| -> Vec<usize> {
                    v.iter()
                        .map(|s| s.rsplit('-').next().unwrap().parse().unwrap())
                        .collect()
                };
                num(w[0]) <= num(w[1])
            }));
    }
}

#[test]
fn a_folder_of_nothing_but_its_index_page_is_listed_as_that_page() {
    let (h, t, b) = tree(&[
        ("services/payments/README.md", "# Payments service\n"),
        ("services/ledger/README.md", "# Ledger\n"),
        ("services/ledger/api.md", "# API\n"),
        ("services/billing/index.md", "# Ledger\n"),
    ]);
    let services = node(&t, &id("services"));
    let shown: Vec<(&str, bool, Option<&str>)> = services
        .entries
        .iter()
        .map(|e| match e {
            NavEntry::Page(p) => (p.title.as_str(), false, p.hint.as_deref()),
            NavEntry::Folder(f) => (f.label.as_str(), true, f.hint.as_deref()),
            NavEntry::Group(g) => (g.label.as_str(), true, None),
        })
        .collect();
    assert_eq!(
        shown,
        [
            ("Ledger", true, Some("ledger/")),
            ("Ledger", false, Some("billing/")),
            ("Payments service", false, None),
        ]
    );
    assert_eq!(
        branch_of(&h, &b, "services/payments/README.md"),
        [ROOT_ID.to_owned(), id("services")]
    );
    assert!(t.nodes.iter().all(|n| n.id != id("services/payments")));
}

fn data(h: &Handbook) -> NavData {
    let ev = run_rules(h, Date::parse("2026-11-23").unwrap());
    nav_tree(h, &ev)
}

fn order_rels(h: &Handbook, d: &NavData) -> Vec<String> {
    d.order
        .iter()
        .map(|&i| h.pages[i].src.rel.clone())
        .collect()
}

#[test]
fn weight_orders_pages_and_folders_before_names() {
    let (_, t, _) = tree(&[
        ("index.md", "# Home\n"),
        ("a.md", "# A\n"),
        ("b.md", "---\nweight: 2\n---\n# B\n"),
        ("c.md", "---\nweight: -1\n---\n# C\n"),
        ("x/index.md", "# X\n"),
        ("x/p.md", "# P\n"),
        ("y/index.md", "---\nweight: 5\n---\n# Y\n"),
        ("y/q.md", "# Q\n"),
        ("z/r.md", "# R\n"),
    ]);
    // Folders still come before pages; the weighted ones first in each.
    assert_eq!(
        labels(node(&t, ROOT_ID)),
        ["Home", "Y", "X", "Z", "C", "B", "A"]
    );
}

#[test]
fn summary_order_wins_over_weight_and_names() {
    let mut h = handbook(&[
        ("index.md", "# Home\n"),
        ("a.md", "---\nweight: 1\n---\n# A\n"),
        ("b.md", "# B\n"),
        ("ops/index.md", "# Ops\n"),
        ("ops/db.md", "# Db\n"),
        ("ops/cache.md", "# Cache\n"),
        ("zeta/z.md", "# Z\n"),
    ]);
    h.summary = Some(crate::summary::Summary {
        path: "src/SUMMARY.md".into(),
        links: crate::summary::parse_summary(
            "# Summary\n\n[Home](index.md)\n- [B](b.md)\n- [Ops](ops/index.md)\n    - [Db](ops/db.md)\n- [Missing](gone.md)\n",
        ),
    });
    let d = data(&h);
    // Listed entries first in SUMMARY order (a page before a folder, if
    // SUMMARY says so); the rest as without it.
    assert_eq!(
        labels(node(&d.tree, ROOT_ID)),
        ["Home", "B", "Ops", "Zeta", "A"]
    );
    assert_eq!(labels(node(&d.tree, &id("ops"))), ["Db", "Cache"]);
    // Reading order is the sidebar's, depth first, a folder's index first.
    assert_eq!(
        order_rels(&h, &d),
        [
            "index.md",
            "b.md",
            "ops/index.md",
            "ops/db.md",
            "ops/cache.md",
            "zeta/z.md",
            "a.md"
        ]
    );
}

#[test]
fn breadcrumbs_name_folders_as_the_sidebar_does() {
    let h = handbook(&[
        ("index.md", "# Home\n"),
        ("ops/index.md", "# Operations\n"),
        ("ops/db/postgres/failover.md", "# Failover\n"),
        ("ops/lone/index.md", "# Lone\n"),
    ]);
    let d = data(&h);
    let crumbs = |rel: &str| -> Vec<(String, Option<String>)> {
        let i = h.pages.iter().position(|p| p.src.rel == rel).unwrap();
        d.crumbs[i]
            .iter()
            .map(|c| (c.title.clone(), c.url.clone()))
            .collect()
    };
    let home = ("Home".to_owned(), Some("index.html".to_owned()));
    let ops = ("Operations".to_owned(), Some("ops/index.html".to_owned()));
    assert_eq!(
        crumbs("ops/db/postgres/failover.md"),
        [
            home.clone(),
            ops.clone(),
            ("Db".to_owned(), None),
            ("Postgres".to_owned(), None)
        ]
    );
    assert_eq!(crumbs("ops/index.md").len(), 1);
    assert_eq!(crumbs("ops/index.md")[0], home);
    assert_eq!(crumbs("ops/lone/index.md"), [home, ops]);
    assert!(crumbs("index.md").is_empty());
}
