//! Owners end to end: CODEOWNERS as GitHub reads it, owner pages whose size
//! stays linear in pages × owners, and one owner page per distinct id.

use crate::harness::{list_files, HandbookTest};
use std::time::{Duration, Instant};

fn page(title: &str, owners: &str) -> String {
    format!("---\ntitle: {title}\nkind: guide\nreviewed: 2026-11-01\n{owners}---\n\n# {title}\n\nText.\n")
}

/// Bytes of everything `build` wrote under `book/`.
fn site_bytes(t: &HandbookTest) -> u64 {
    list_files(&t.path("book"))
        .iter()
        .map(|f| {
            std::fs::metadata(t.path(&format!("book/{f}")))
                .unwrap()
                .len()
        })
        .sum()
}

/// A handbook of `n` pages, each owned by the same `k` owners.
fn co_owned(n: usize, k: usize) -> HandbookTest {
    let owners: Vec<String> = (0..k).map(|i| format!("owner-{i:02}")).collect();
    let line = format!("owners: [{}]\n", owners.join(", "));
    let pages: Vec<(String, String)> = (0..n)
        .map(|i| {
            (
                format!("p/page-{i:03}.md"),
                page(&format!("Page {i}"), &line),
            )
        })
        .collect();
    let refs: Vec<(&str, &str)> = pages
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    HandbookTest::with_pages("Co-owned", &refs)
}

#[test]
fn site_size_grows_linearly_with_co_owners() {
    // Every owner page used to list every page with all its co-owners:
    // K owner pages × N rows × K links, so 1,000 pages with 50 owners made
    // a 202 MB site. Per page × owner the size must stay flat (it even
    // falls, as the per-page part is shared by more owners); quadratic
    // growth makes it 3-4 times larger from K=5 to K=40.
    let n = 40;
    let per_unit = |k: usize| {
        let t = co_owned(n, k);
        t.build_ok();
        site_bytes(&t) as f64 / (n * k) as f64
    };
    let (small, large) = (per_unit(5), per_unit(40));
    assert!(
        large < small * 1.3,
        "bytes per page×owner: {small:.0} at K=5, {large:.0} at K=40"
    );
}

#[test]
fn owner_page_counts_co_owners_and_links_each_page() {
    let t = co_owned(3, 4);
    t.build_ok();
    let html = t.main_html("book/owners/owner-00.html");
    for i in 0..3 {
        assert!(
            html.contains(&format!("href=\"../p/page-{i:03}.html\"")),
            "{html}"
        );
    }
    // The co-owners are counted, not listed on every row.
    assert!(html.contains("3 co-owners"), "{html}");
    assert!(!html.contains("owners/owner-01.html"), "{html}");
    // The page itself still names all its owners.
    let p = t.main_html("book/p/page-000.html");
    for i in 0..4 {
        assert!(p.contains(&format!("owners/owner-{i:02}.html")), "{p}");
    }
}

#[test]
fn codeowners_docs_star_does_not_own_nested_pages() {
    // GitHub: `docs/*` matches `docs/getting-started.md` but not
    // `docs/build-app/troubleshooting.md`.
    let t = HandbookTest::with_pages(
        "Codeowners",
        &[
            ("docs/getting-started.md", &page("Start", "")),
            ("docs/build-app/troubleshooting.md", &page("Trouble", "")),
        ],
    );
    t.write("CODEOWNERS", "* @everyone\nsrc/docs/* @docs-team\n");
    t.build_ok();
    assert_eq!(
        t.catalog_page("src/docs/getting-started.md")["owners"],
        serde_json::json!(["docs-team"])
    );
    assert_eq!(
        t.catalog_page("src/docs/build-app/troubleshooting.md")["owners"],
        serde_json::json!(["everyone"])
    );
}

#[test]
fn check_answers_fast_with_pathological_codeowners_line() {
    // One 40-byte `**` line and a page 25 folders deep took `check` 100 s.
    let deep = format!("{}page.md", "d/".repeat(25));
    let t = HandbookTest::with_pages("Deep", &[(&deep, &page("Deep", ""))]);
    t.write("CODEOWNERS", "**/**/**/**/**/**/**/**/**/**/**/**/x @a\n");
    let started = Instant::now();
    let r = t.run(&["check", "--today", crate::harness::TODAY]);
    r.assert_no_panic();
    assert!(r.stderr.contains("owner-missing"), "{}", r.stderr);
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "check took {:?}",
        started.elapsed()
    );
}

#[test]
fn owner_ids_with_one_file_name_get_distinct_pages_and_a_warning() {
    // `a b` and `a-b` both made owners/a-b.html; the second silently
    // replaced the first. Now the first id by sort order keeps the name.
    let t = HandbookTest::with_pages(
        "Clash",
        &[
            ("one.md", &page("One", "owners: [\"a b\"]\n")),
            ("two.md", &page("Two", "owners: [a-b]\n")),
        ],
    );
    let r = t.build_ok();
    assert!(
        r.stderr.contains("`a b`") && r.stderr.contains("`a-b`"),
        "no warning naming both ids:\n{}",
        r.stderr
    );
    let first = t.main_html("book/owners/a-b.html");
    let second = t.main_html("book/owners/a-b-2.html");
    assert!(
        first.contains("<h1>a b</h1>") && first.contains("one.html"),
        "{first}"
    );
    assert!(
        second.contains("<h1>a-b</h1>") && second.contains("two.html"),
        "{second}"
    );
    // Each page links to its own owner's file.
    assert!(t.main_html("book/one.html").contains("owners/a-b.html\""));
    assert!(t.main_html("book/two.html").contains("owners/a-b-2.html\""));
    // A real id that looks like a disambiguated name is not overwritten.
    let t = HandbookTest::with_pages(
        "Clash",
        &[
            ("one.md", &page("One", "owners: [\"a b\"]\n")),
            ("two.md", &page("Two", "owners: [a-b]\n")),
            ("three.md", &page("Three", "owners: [a-b-2]\n")),
        ],
    );
    t.build_ok();
    let files: Vec<String> = list_files(&t.path("book/owners"));
    assert_eq!(
        files,
        ["a-b-2.html", "a-b-3.html", "a-b.html", "index.html"]
    );
    assert!(t.main_html("book/owners/a-b-2.html").contains("three.html"));
    assert!(t.main_html("book/owners/a-b-3.html").contains("two.html"));
}
