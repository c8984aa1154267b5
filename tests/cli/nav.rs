//! The sidebar: a tree of folders drawn by `toc.js` from small node files
//! (`nav/ID.js`), the page's branch open. Checked in headless Chromium from
//! `file://` and over HTTP, and by size on the built files.

use crate::harness::{chromium_or_skip, nav_branch, unreachable_hrefs, HandbookTest, TODAY};
use crate::search::{dump_dom, StaticServer};
use std::path::{Path, PathBuf};

/// A page three folders deep, folders with and without an index page,
/// two pages of one title.
pub(crate) const NESTED: &[(&str, &str)] = &[
    ("index.md", "# Handbook\n"),
    ("ops/index.md", "# Operations\n"),
    ("ops/db/redis.md", "# Redis\n"),
    ("ops/db/postgres/failover.md", "# Postgres failover\n"),
    ("ops/db/postgres/vacuum.md", "# Vacuum\n"),
    ("ops/db/postgres/setup.md", "# Setup\n"),
    ("ops/db/postgres/setup-v9.md", "# Setup\n"),
    ("guides/frontend.md", "# Frontend\n"),
    ("guides/backend/testing.md", "# Testing\n"),
    ("guides/backend/logging.md", "# Logging\n"),
];

/// A handbook with a page three folders deep, folders beside it, a folder
/// with an index page, two pages of one title, and 150 ADRs (cut into two
/// groups in the sidebar).
fn nested() -> HandbookTest {
    let mut pages: Vec<(String, String)> = NESTED
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    for n in 1..=150 {
        pages.push((
            format!("adr/{n:04}-choice.md"),
            format!("# ADR {n}: Choice {n}\n"),
        ));
    }
    let refs: Vec<(&str, &str)> = pages
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    HandbookTest::with_pages("Nested", &refs)
}

fn build(t: &HandbookTest) -> PathBuf {
    t.run(&["build", "--today", TODAY]).assert_code(0);
    t.path("book")
}

/// The `<nav id="sidebar">` element of a DOM dump.
fn sidebar(dom: &str) -> &str {
    let start = dom.find("<nav id=\"sidebar\"").expect("no sidebar");
    let end = dom[start..].find("</nav>").map_or(dom.len(), |e| start + e);
    &dom[start..end]
}

/// `aria-expanded` of the folder toggle named `label`, if there is one.
fn expanded(nav: &str, label: &str) -> Option<bool> {
    nav.split("<button").skip(1).find_map(|b| {
        let tag = &b[..b.find("</button>")?];
        let named = tag.contains(&format!("aria-label=\"{label}\""))
            || tag.contains(&format!("<span class=\"nav-label\">{label}</span>"));
        named.then(|| tag.contains("aria-expanded=\"true\""))
    })
}

/// The node files the page has asked for (`<script src=".../nav/ID.js">`).
fn loaded_nodes(dom: &str) -> Vec<String> {
    let mut out: Vec<String> = dom
        .split("<script src=\"")
        .skip(1)
        .filter_map(|s| {
            let src = &s[..s.find('"')?];
            let at = src.find("nav/")?;
            Some(src[at..].to_owned())
        })
        .collect();
    out.sort();
    out
}

/// What a page three folders deep shows as it loads, from `base`.
fn check_deep_page(chromium: &Path, site: &Path, base: &str) {
    let page = "ops/db/postgres/failover.html";
    let dom = dump_dom(chromium, &format!("{base}{page}"));
    let nav = sidebar(&dom);
    // Its branch is open, the page marked; the other folders are closed.
    for open in ["Operations", "Db", "Postgres"] {
        assert_eq!(
            expanded(nav, open),
            Some(true),
            "{open} is not open:\n{nav}"
        );
    }
    for closed in ["Guides", "Decisions (ADRs)"] {
        assert_eq!(
            expanded(nav, closed),
            Some(false),
            "{closed} is open:\n{nav}"
        );
    }
    assert!(
        nav.contains("<a href=\"../../../ops/db/postgres/failover.html\" aria-current=\"page\">Postgres failover</a>"),
        "the page is not marked:\n{nav}"
    );
    // Pages of one title show their file names.
    assert!(
        nav.contains("<span class=\"nav-hint\">setup-v9.md</span>"),
        "{nav}"
    );
    // Only the branch was loaded: nothing of the closed folders.
    let mut branch = nav_branch(&std::fs::read_to_string(site.join(page)).unwrap());
    branch.sort();
    assert_eq!(branch.len(), 4, "{branch:?}");
    assert_eq!(loaded_nodes(&dom), branch);
    assert!(
        !nav.contains("testing.html"),
        "a closed folder was drawn:\n{nav}"
    );
    let missing = unreachable_hrefs(site, page, nav);
    assert!(
        missing.is_empty(),
        "sidebar links that reach nothing: {missing:?}"
    );
}

#[test]
fn sidebar_opens_the_branch_of_a_deep_page_from_file_urls() {
    let Some(chromium) = chromium_or_skip("sidebar_opens_the_branch_of_a_deep_page_from_file_urls")
    else {
        return;
    };
    let t = nested();
    let site = build(&t);
    check_deep_page(&chromium, &site, &format!("file://{}/", site.display()));
}

#[test]
fn sidebar_opens_the_branch_of_a_deep_page_over_http() {
    let Some(chromium) = chromium_or_skip("sidebar_opens_the_branch_of_a_deep_page_over_http")
    else {
        return;
    };
    let t = nested();
    let site = build(&t);
    let server = StaticServer::start(site.clone());
    check_deep_page(&chromium, &site, &format!("http://{}/", server.addr));
}

#[test]
fn sidebar_folders_load_their_entries_when_opened() {
    let Some(chromium) = chromium_or_skip("sidebar_folders_load_their_entries_when_opened") else {
        return;
    };
    let t = nested();
    let site = build(&t);
    // The page, with a script that opens closed folders one after the
    // other as they appear (each loads its node first), then closes `Db`.
    let page = "ops/db/postgres/failover.html";
    let html = std::fs::read_to_string(site.join(page)).unwrap();
    let clicks = r##"<script>
(function () {
  var steps = ["Guides", "Backend", "Decisions (ADRs)", "ADR 76", "Db"], i = 0;
  function find(label) {
    var bs = document.querySelectorAll("#sidebar .nav-toggle");
    for (var k = 0; k < bs.length; k++) {
      var name = bs[k].getAttribute("aria-label") || bs[k].textContent;
      if (name.indexOf(label) === 0) { return bs[k]; }
    }
    return null;
  }
  function tick() {
    if (i === steps.length) { document.body.setAttribute("data-test", "done"); return; }
    var b = find(steps[i]);
    if (!b) { setTimeout(tick, 20); return; }
    b.click();
    i++;
    setTimeout(tick, 20);
  }
  setTimeout(tick, 20);
})();
</script>
</body>"##;
    let test_page = "ops/db/postgres/clicks-test.html";
    std::fs::write(site.join(test_page), html.replace("</body>", clicks)).unwrap();
    let dom = dump_dom(&chromium, &format!("file://{}/{test_page}", site.display()));
    assert!(
        dom.contains("data-test=\"done\""),
        "the clicks did not all happen"
    );
    let nav = sidebar(&dom);
    for open in ["Guides", "Backend", "Decisions (ADRs)"] {
        assert_eq!(
            expanded(nav, open),
            Some(true),
            "{open} did not open:\n{nav}"
        );
    }
    // Opened folders show their entries: subfolders first, then pages.
    let at = |s: &str| {
        nav.find(s)
            .unwrap_or_else(|| panic!("{s} not shown:\n{nav}"))
    };
    assert!(at(">Backend<") < at(">Frontend<"));
    assert!(at(">Logging<") < at(">Testing<"));
    // The ADRs come in two groups; the second, opened, lists its pages.
    assert!(nav.contains("ADR 1: Choice 1 – ADR 75: Choice 75"), "{nav}");
    assert!(nav.contains(">ADR 150: Choice 150</a>"), "{nav}");
    assert!(
        !nav.contains(">ADR 75: Choice 75</a>"),
        "the first group was drawn:\n{nav}"
    );
    // A folder closes again, its entries hidden.
    assert_eq!(expanded(nav, "Db"), Some(false), "{nav}");
    let missing = unreachable_hrefs(&site, test_page, nav);
    assert!(
        missing.is_empty(),
        "sidebar links that reach nothing: {missing:?}"
    );
}

/// A handbook of `per_area` pages in each of 4 × 5 folders, `adrs` ADRs,
/// and a few fixed pages (among them `ops/db/postgres/failover.md`).
fn generated(per_area: usize, adrs: usize) -> HandbookTest {
    let mut pages: Vec<(String, String)> = vec![
        ("index.md".into(), "# Handbook\n".into()),
        ("ops/index.md".into(), "# Operations\n".into()),
        (
            "ops/db/postgres/failover.md".into(),
            "# Postgres failover\n".into(),
        ),
        ("ops/db/postgres/vacuum.md".into(), "# Vacuum\n".into()),
    ];
    for team in ["payments", "identity", "search", "platform"] {
        for area in ["api", "workers", "database", "queue", "cache"] {
            for n in 0..per_area {
                pages.push((
                    format!("teams/{team}/{area}/page-{n}.md"),
                    format!("# {team} {area} note number {n}\n\nA line.\n"),
                ));
            }
        }
    }
    for n in 1..=adrs {
        pages.push((
            format!("adr/{n:04}-decision.md"),
            format!("# ADR {n}: Decision about things {n}\n"),
        ));
    }
    let refs: Vec<(&str, &str)> = pages
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    HandbookTest::with_pages("Generated", &refs)
}

/// Bytes of navigation a built page loads: its sidebar markup, `toc.js`
/// and the node files of its branch.
fn nav_bytes(site: &Path, page: &str) -> usize {
    let html = std::fs::read_to_string(site.join(page)).unwrap();
    let size = |rel: &str| std::fs::metadata(site.join(rel)).unwrap().len() as usize;
    sidebar(&html).len() + size("toc.js") + nav_branch(&html).iter().map(|n| size(n)).sum::<usize>()
}

/// The navigation a page loads stays small however many pages the other
/// folders hold: at about 2,600 pages every page loads well under the
/// 100 KB allowed at 10,000 (one `toc.js` listing every page was 190 KB
/// here), and a page outside the grown folders loads what it loaded at
/// 130 pages, give or take the digits of the counts.
#[test]
fn pages_load_navigation_that_does_not_grow_with_other_folders() {
    let small = generated(5, 30);
    let small_site = build(&small);
    let large = generated(100, 600);
    let large_site = build(&large);

    for page in ["ops/db/postgres/failover.html", "index.html", "search.html"] {
        let (s, l) = (nav_bytes(&small_site, page), nav_bytes(&large_site, page));
        assert!(
            l <= s + 64,
            "{page}: {s} bytes of navigation at 130 pages, {l} at 2,600"
        );
    }
    let mut worst = (0, String::new());
    for file in crate::harness::list_files(&large_site) {
        if file.ends_with(".html") {
            let n = nav_bytes(&large_site, &file);
            if n > worst.0 {
                worst = (n, file);
            }
        }
    }
    assert!(
        worst.0 < 30_000,
        "{} loads {} bytes of navigation",
        worst.1,
        worst.0
    );
}
