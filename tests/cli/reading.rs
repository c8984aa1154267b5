//! Reading order: `weight` and `SUMMARY.md` order the sidebar (read from
//! the node files `nav/ID.js` that `build` writes), each page links its
//! previous and next page in that order and shows its breadcrumbs, and
//! `owners/index.html` lists every owner.

use crate::harness::{chromium_or_skip, list_files, unreachable_hrefs, HandbookTest, TODAY};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn build(t: &HandbookTest) -> PathBuf {
    t.run(&["build", "--today", TODAY]).assert_code(0);
    t.path("book")
}

/// The entries of the sidebar node `id` as written in `nav/ID.js`.
fn node(site: &Path, id: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(site.join(format!("nav/{id}.js"))).unwrap();
    let start = text.find('{').unwrap();
    let end = text.rfind('}').unwrap();
    let v: Value = serde_json::from_str(&text[start..=end]).unwrap();
    v["e"].as_array().unwrap().clone()
}

/// What the reader sees of each entry of node `id`, in order.
fn labels(site: &Path, id: &str) -> Vec<String> {
    node(site, id)
        .iter()
        .map(|e| match e {
            Value::Array(page) => page[0].as_str().unwrap().to_owned(),
            Value::Object(o) => o["t"].as_str().unwrap().to_owned(),
            other => panic!("odd entry {other}"),
        })
        .collect()
}

/// The node id of the folder labelled `label` in node `id`.
fn folder(site: &Path, id: &str, label: &str) -> String {
    node(site, id)
        .iter()
        .find_map(|e| (e["t"] == label).then(|| e["d"].as_str().unwrap().to_owned()))
        .unwrap_or_else(|| panic!("no folder {label} in {id}"))
}

#[test]
fn weight_orders_pages_and_folders_in_the_sidebar() {
    let t = HandbookTest::with_pages(
        "Weights",
        &[
            ("index.md", "# Home\n"),
            ("alpha.md", "# Alpha\n"),
            ("beta.md", "---\nweight: 20\n---\n# Beta\n"),
            ("gamma.md", "---\nweight: 10\n---\n# Gamma\n"),
            ("aaa/index.md", "# Aaa\n"),
            ("aaa/x.md", "# X\n"),
            ("zzz/index.md", "---\nweight: 1\n---\n# Zzz\n"),
            ("zzz/y.md", "# Y\n"),
            ("zzz/b.md", "---\nweight: 2\n---\n# B\n"),
            ("zzz/a.md", "# A\n"),
        ],
    );
    let site = build(&t);
    assert_eq!(
        labels(&site, "root"),
        ["Home", "Zzz", "Aaa", "Gamma", "Beta", "Alpha"]
    );
    let zzz = folder(&site, "root", "Zzz");
    assert_eq!(labels(&site, &zzz), ["B", "A", "Y"]);
}

/// A handbook with a SUMMARY.md that orders pages against their names and
/// weights, lists a draft chapter and a part title, and links (line 10) to
/// a page that does not exist.
fn summarised() -> HandbookTest {
    HandbookTest::with_pages(
        "Summarised",
        &[
            ("index.md", "# Home\n"),
            ("intro.md", "---\nweight: 99\n---\n# Intro\n"),
            ("appendix.md", "---\nweight: 1\n---\n# Appendix\n"),
            ("ops/index.md", "# Operations\n"),
            ("ops/alpha.md", "# Alpha\n"),
            ("ops/zulu.md", "# Zulu\n"),
            (
                "SUMMARY.md",
                "# Summary\n\n[Home](index.md)\n\n# Part one\n\n- [Intro](intro.md)\n- [Ops](ops/index.md)\n    - [Zulu](./ops/zulu.md)\n    - [Missing](ops/nope.md)\n    - [Later]()\n---\n",
            ),
        ],
    )
}

#[test]
fn summary_order_wins_in_the_sidebar_and_previous_next() {
    let t = summarised();
    let site = build(&t);
    assert!(
        !site.join("SUMMARY.html").exists(),
        "SUMMARY.md became a page"
    );
    // Listed first, in SUMMARY's order; the rest after, by weight.
    assert_eq!(
        labels(&site, "root"),
        ["Home", "Intro", "Operations", "Appendix"]
    );
    let ops = folder(&site, "root", "Operations");
    assert_eq!(labels(&site, &ops), ["Zulu", "Alpha"]);
    // Previous / next walk the same order.
    let walk = next_chain(&site);
    assert_eq!(
        walk,
        [
            "index.html",
            "intro.html",
            "ops/index.html",
            "ops/zulu.html",
            "ops/alpha.html",
            "appendix.html"
        ]
    );
}

#[test]
fn the_browser_draws_the_sidebar_in_summary_order() {
    let Some(chromium) = chromium_or_skip("the_browser_draws_the_sidebar_in_summary_order") else {
        return;
    };
    let t = summarised();
    let site = build(&t);
    let dom = crate::search::dump_dom(
        &chromium,
        &format!("file://{}/ops/zulu.html", site.display()),
    );
    let start = dom.find("<nav id=\"sidebar\"").expect("no sidebar");
    let nav = &dom[start..];
    let nav = &nav[..nav.find("</nav>").unwrap_or(nav.len())];
    let at = |s: &str| {
        nav.find(s)
            .unwrap_or_else(|| panic!("{s} not drawn:\n{nav}"))
    };
    assert!(at(">Intro</a>") < at(">Operations<"), "{nav}");
    assert!(at(">Operations<") < at(">Zulu</a>"), "{nav}");
    assert!(at(">Zulu</a>") < at(">Alpha</a>"), "{nav}");
    assert!(at(">Alpha</a>") < at(">Appendix</a>"), "{nav}");
}

#[test]
fn summary_link_to_a_missing_page_is_reported_at_its_line_and_column() {
    let t = summarised();
    let (code, findings) = t.check_json();
    assert_eq!(code, 1);
    let broken: Vec<_> = findings
        .iter()
        .filter(|f| f.path == "src/SUMMARY.md")
        .collect();
    assert_eq!(broken.len(), 1, "{findings:?}");
    assert_eq!(broken[0].rule, "link-broken");
    assert_eq!((broken[0].line, broken[0].column), (10, 17));
    assert!(broken[0].message.contains("ops/nope.md"), "{broken:?}");
    let r = t.run(&["check", "--today", TODAY]);
    assert!(
        r.stderr.contains(
            "src/SUMMARY.md:10:17: error[link-broken]: SUMMARY.md links to `ops/nope.md`"
        ),
        "{}",
        r.stderr
    );
}

/// The pages from `index.html` on, following each page's "Next" link.
fn next_chain(site: &Path) -> Vec<String> {
    let mut out = vec!["index.html".to_owned()];
    loop {
        let here = out.last().unwrap().clone();
        let html = std::fs::read_to_string(site.join(&here)).unwrap();
        let Some(href) = rel_href(&html, "class=\"page-nav-next\" rel=\"next\" href=\"") else {
            return out;
        };
        let next = resolve(&here, &href);
        assert!(!out.contains(&next), "next goes round: {out:?} then {next}");
        // And back again.
        let back = std::fs::read_to_string(site.join(&next)).unwrap();
        let prev = rel_href(&back, "class=\"page-nav-prev\" rel=\"prev\" href=\"")
            .unwrap_or_else(|| panic!("{next} has no previous link"));
        assert_eq!(resolve(&next, &prev), here, "previous of {next}");
        out.push(next);
    }
}

/// The href that follows `key` in `html`.
fn rel_href(html: &str, key: &str) -> Option<String> {
    let start = html.find(key)? + key.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_owned())
}

/// `href` as written on the page at `page`, as a site path.
fn resolve(page: &str, href: &str) -> String {
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    for seg in href.split('/') {
        match seg {
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// The element of `html` that opens with `open` (up to its `</nav>`).
fn element<'a>(html: &'a str, open: &str) -> Option<&'a str> {
    let start = html.find(open)?;
    let end = html[start..].find("</nav>")? + start;
    Some(&html[start..end])
}

/// The nav tests' nested handbook ([`crate::nav::NESTED`]).
fn nested() -> HandbookTest {
    HandbookTest::with_pages("Nested", crate::nav::NESTED)
}

#[test]
fn previous_next_and_breadcrumbs_follow_the_sidebar() {
    let t = nested();
    let site = build(&t);
    // Depth first, as the sidebar lists them: a folder's index page before
    // what the folder holds, subfolders before pages.
    assert_eq!(
        next_chain(&site),
        [
            "index.html",
            "guides/backend/logging.html",
            "guides/backend/testing.html",
            "guides/frontend.html",
            "ops/index.html",
            "ops/db/postgres/failover.html",
            "ops/db/postgres/setup-v9.html",
            "ops/db/postgres/setup.html",
            "ops/db/postgres/vacuum.html",
            "ops/db/redis.html",
        ]
    );
    let page = "ops/db/postgres/failover.html";
    let html = std::fs::read_to_string(site.join(page)).unwrap();
    // The breadcrumbs come first in the article, before the header.
    let article = &html[html.find("<article class=\"page\">").unwrap()..];
    assert!(
        article.find("<nav class=\"breadcrumbs\"").unwrap()
            < article.find("<header class=\"page-header\"").unwrap()
    );
    let crumbs = element(
        &html,
        "<nav class=\"breadcrumbs\" aria-label=\"Breadcrumb\"><ol>",
    )
    .unwrap();
    let items: Vec<&str> = crumbs.split("<li>").skip(1).collect();
    assert_eq!(items.len(), 5, "{crumbs}");
    assert!(
        items[0].contains("<a href=\"../../../index.html\">Handbook</a>"),
        "{crumbs}"
    );
    assert!(
        items[1].contains("<a href=\"../../../ops/index.html\">Operations</a>"),
        "{crumbs}"
    );
    assert!(items[2].contains("<span>Db</span>"), "{crumbs}");
    assert!(items[3].contains("<span>Postgres</span>"), "{crumbs}");
    assert!(
        items[4].contains("aria-current=\"page\">Postgres failover</a>"),
        "{crumbs}"
    );
    let pager = element(
        &html,
        "<nav class=\"page-nav\" aria-label=\"Previous and next\">",
    )
    .unwrap();
    assert!(
        pager.contains("<a class=\"page-nav-prev\" rel=\"prev\" href=\"../../../ops/index.html\"><span class=\"page-nav-label\">Previous</span> <span class=\"page-nav-title\">Operations</span></a>"),
        "{pager}"
    );
    assert!(
        pager.contains("rel=\"next\" href=\"../../../ops/db/postgres/setup-v9.html\""),
        "{pager}"
    );
    // The home page has no breadcrumbs and no previous page; the last no next.
    let home = std::fs::read_to_string(site.join("index.html")).unwrap();
    assert!(!home.contains("class=\"breadcrumbs\""));
    assert!(!home.contains("page-nav-prev"));
    let last = std::fs::read_to_string(site.join("ops/db/redis.html")).unwrap();
    assert!(!last.contains("page-nav-next"));
    // Every breadcrumb and previous / next link reaches a file.
    for file in list_files(&site).iter().filter(|f| f.ends_with(".html")) {
        let html = std::fs::read_to_string(site.join(file)).unwrap();
        for open in ["<nav class=\"breadcrumbs\"", "<nav class=\"page-nav\""] {
            if let Some(nav) = element(&html, open) {
                let missing = unreachable_hrefs(&site, file, nav);
                assert!(missing.is_empty(), "{file}: {missing:?}");
            }
        }
    }
}

#[test]
fn owners_index_lists_every_owner_with_links_that_resolve() {
    let page = |title: &str, owners: &str, reviewed: &str| {
        format!("---\ntitle: {title}\nowners: [{owners}]\nreviewed: {reviewed}\n---\n\n# {title}\n")
    };
    let t = HandbookTest::with_pages(
        "Owned",
        &[
            ("index.md", &page("Home", "payments", "2026-11-01")),
            ("a.md", &page("A", "payments, \"@carol\"", "2020-01-01")),
            ("b.md", &page("B", "\"@alice\"", "2026-11-01")),
            ("c.md", &page("C", "index", "2026-11-01")),
        ],
    );
    t.write(
        "owners.yaml",
        "teams:\n  payments:\n    name: Payments\n    members: [alice, bob]\npeople:\n  alice: { name: Alice Ng }\n  bob: { name: Bob Okafor }\n  dana: { name: Dana Idle, active: false }\n",
    );
    t.run(&["build", "--today", TODAY]).assert_no_panic();
    let site = t.path("book");
    let index = std::fs::read_to_string(site.join("owners/index.html")).unwrap();
    let main = &index[index.find("<main").unwrap()..];
    // Every owner page is linked from the index.
    let owner_pages: Vec<String> = list_files(&site.join("owners"))
        .into_iter()
        .filter(|f| f != "index.html")
        .collect();
    assert!(owner_pages.len() >= 6, "{owner_pages:?}");
    for f in &owner_pages {
        assert!(
            main.contains(&format!("href=\"../owners/{f}\"")),
            "owners/{f} is not listed:\n{main}"
        );
    }
    // Registry owners and those seen only on pages (`carol`, `index`, whose
    // page must not take the index's file).
    for label in [
        "Payments",
        "Alice Ng",
        "Bob Okafor",
        "Dana Idle",
        "@carol",
        "index",
    ] {
        assert!(
            main.contains(&format!("\">{label}</a>")),
            "{label}:\n{main}"
        );
    }
    // Teams first; Payments owns two pages, one stale.
    assert!(main.find(">Payments<").unwrap() < main.find(">Alice Ng<").unwrap());
    let row = &main[main.find(">Payments<").unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(
        row.contains("<td class=\"num\">2</td>\n<td class=\"num\">1</td>"),
        "{row}"
    );
    let missing = unreachable_hrefs(&site, "owners/index.html", main);
    assert!(missing.is_empty(), "{missing:?}");
    // The header links it from every page.
    let a = std::fs::read_to_string(site.join("a.html")).unwrap();
    assert!(
        a.contains("<a href=\"owners/index.html\">Owners</a>"),
        "no header link"
    );
    assert!(index.contains("<a href=\"../owners/index.html\" aria-current=\"page\">Owners</a>"));
}

#[test]
fn a_summary_that_is_not_utf8_is_reported_not_fatal() {
    let t = HandbookTest::with_pages("Bytes", &[("index.md", "# Home\n"), ("a.md", "# A\n")]);
    t.write_bytes(
        "src/SUMMARY.md",
        b"# Summary\n\n- [A](a.md)\n- [B](b\xff.md)\n",
    );
    let (code, findings) = t.check_json();
    assert_eq!(code, 1);
    let broken: Vec<_> = findings
        .iter()
        .filter(|f| f.path == "src/SUMMARY.md")
        .map(|f| (f.rule.as_str(), f.line, f.column))
        .collect();
    assert_eq!(broken, [("link-broken", 4, 7)], "{findings:?}");
}
