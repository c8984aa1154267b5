//! Links written for the generator a handbook came from (Hugo, MkDocs,
//! GitLab, GOV.UK Tech Docs): checked as that generator resolved them and
//! made to work in the built site, with plain or pretty output URLs.

use crate::harness::{list_files, of_rule, unreachable_hrefs, HandbookTest};

/// Every internal `href` and `src` of every HTML file under `book/`
/// that reaches no file.
fn dead_links(t: &HandbookTest) -> Vec<String> {
    let site = t.path("book");
    let mut dead = Vec::new();
    for page in list_files(&site).iter().filter(|f| f.ends_with(".html")) {
        let html = t.read(&format!("book/{page}"));
        // `src="..."` checked as hrefs are.
        let html = html.replace(" src=\"", " href=\"");
        for href in unreachable_hrefs(&site, page, &html) {
            dead.push(format!("{page}: {href}"));
        }
    }
    dead
}

fn broken(t: &HandbookTest) -> Vec<String> {
    let (_, findings) = t.check_json();
    let mut out: Vec<String> = of_rule(&findings, "link-broken")
        .into_iter()
        .chain(of_rule(&findings, "anchor-broken"))
        .map(|f| format!("{}:{}: {}", f.path, f.line, f.rule))
        .collect();
    out.sort();
    out
}

#[test]
fn check_reads_hugo_links_as_hugo_did() {
    let t = HandbookTest::fixture("links/hugo");
    // Only the two links that are broken for Hugo too: a removed page
    // under the base path, and a runbook that was never written. Pretty,
    // extensionless and `.html` links, `/handbook/` links, GitLab and
    // goldmark heading ids, emails and links to the rest of the company
    // site (`/careers/`, `/blog/...`) are fine.
    assert_eq!(
        broken(&t),
        [
            "content/engineering/_index.md:14: link-broken",
            "content/engineering/onboarding.md:10: link-broken",
        ]
    );
}

#[test]
fn check_reads_mkdocs_and_tech_docs_links() {
    let t = HandbookTest::fixture("links/mkdocs");
    // `/guide/...` names a content folder under base path `/`, so it is
    // the handbook's; `/intranet/` is not.
    assert_eq!(broken(&t), ["docs/index.md:7: link-broken"]);
}

#[test]
fn built_hugo_site_has_no_dead_internal_links_in_either_url_style() {
    for pretty in [false, true] {
        let t = HandbookTest::fixture("links/hugo");
        if !pretty {
            let toml = t.read("book.toml");
            t.write("book.toml", &toml.replace("pretty-urls = true\n", ""));
        }
        t.run(&["build", "--today", crate::harness::TODAY]);
        let dead = dead_links(&t);
        // The two links that are broken in the source stay broken.
        let expected: &[&str] = if pretty {
            &[
                "engineering/index.html: retired-process/",
                "engineering/onboarding/index.html: ../../runbooks/cache/",
            ]
        } else {
            // Read from the page's folder, as a plain site does, the link
            // written for the old pretty site misses.
            &[
                "engineering/index.html: retired-process/",
                "engineering/onboarding.html: ../runbooks/cache/",
                "runbooks/db.html: ../restore/",
            ]
        };
        assert_eq!(dead, expected, "pretty-urls = {pretty}");
    }
}

#[test]
fn built_links_point_at_the_real_output_files() {
    let t = HandbookTest::fixture("links/hugo");
    let toml = t.read("book.toml");
    t.write("book.toml", &toml.replace("pretty-urls = true\n", ""));
    t.run(&["build", "--today", crate::harness::TODAY]);
    let eng = t.main_html("book/engineering/index.html");
    for href in [
        "href=\"onboarding.html\"",
        "href=\"../runbooks/db.html\"",
        "href=\"../runbooks/db.html#fail-over-steps\"",
        "href=\"../runbooks/db.html#rollback-caf-checks\"",
    ] {
        assert!(eng.contains(href), "{href} missing in\n{eng}");
    }
    let home = t.main_html("book/index.html");
    assert!(home.contains("href=\"engineering/index.html\""), "{home}");
    assert!(home.contains("src=\"img/logo.svg\""), "{home}");
    assert!(home.contains("href=\"/careers/\""), "{home}");
    assert!(
        home.contains("href=\"mailto:platform-oncall@example.org\""),
        "{home}"
    );
    assert!(
        home.contains("href=\"mailto:office@example.org\""),
        "{home}"
    );
    // Headings answer to the ids other generators gave them.
    let db = t.main_html("book/runbooks/db.html");
    assert!(db.contains("id=\"fail-over----steps\""), "{db}");
    assert!(db.contains("id=\"fail-over-steps\""), "{db}");
    assert!(db.contains("id=\"rollback-caf-checks\""), "{db}");
}

#[test]
fn pretty_sites_read_relative_links_from_the_page_folder() {
    let t = HandbookTest::fixture("links/hugo");
    t.run(&["build", "--today", crate::harness::TODAY]);
    let db = t.main_html("book/runbooks/db/index.html");
    assert!(db.contains("href=\"../restore/index.html\""), "{db}");
    // Without pretty URLs the same link is read from the source folder only.
    let toml = t.read("book.toml");
    t.write("book.toml", &toml.replace("pretty-urls = true\n", ""));
    let b = broken(&t);
    assert!(
        b.contains(&"content/runbooks/db.md:13: link-broken".to_owned()),
        "{b:?}"
    );
}

#[test]
fn mkdocs_and_tech_docs_links_build_to_the_pages() {
    for pretty in [false, true] {
        let t = HandbookTest::fixture("links/mkdocs");
        if pretty {
            t.write(
                "book.toml",
                "[book]\ntitle = \"Data\"\nsrc = \"docs\"\n[build]\npretty-urls = true\n",
            );
        }
        t.run(&["build", "--today", crate::harness::TODAY]);
        let dead = dead_links(&t);
        assert_eq!(
            dead,
            ["index.html: guide/not-written-yet/"],
            "pretty-urls = {pretty}"
        );
    }
}

#[test]
fn pretty_urls_write_pages_as_folders() {
    let t = HandbookTest::fixture("links/mkdocs");
    t.write(
        "book.toml",
        "[book]\ntitle = \"Data\"\nsrc = \"docs\"\n[build]\npretty-urls = true\n",
    );
    t.run(&["build", "--today", crate::harness::TODAY]);
    let files = list_files(&t.path("book"));
    for f in [
        "index.html",
        "guide/setup/index.html",
        "ops/paging/index.html",
        "ops/access/index.html",
    ] {
        assert!(files.iter().any(|x| x == f), "{f} not in {files:?}");
    }
    assert!(!t.exists("book/guide/setup.html"));
    let setup = t.main_html("book/guide/setup/index.html");
    assert!(
        setup.contains("href=\"../../ops/paging/index.html\""),
        "{setup}"
    );
    assert!(setup.contains("src=\"../../img/shot.png\""), "{setup}");
    let sitemap = t.read("book/sitemap.xml");
    assert!(sitemap.contains("guide/setup/index.html"), "{sitemap}");
    let search = t.read("book/search/p/0.js");
    assert!(
        search.contains("\"u\":\"guide/setup/index.html\""),
        "{search}"
    );
}

#[test]
fn pretty_urls_report_a_page_and_a_folder_index_that_clash() {
    let t = HandbookTest::with_pages(
        "Clash",
        &[
            ("index.md", "# Home\n"),
            ("team/ops.md", "# Ops page\n"),
            ("team/ops/index.md", "# Ops folder\n"),
        ],
    );
    t.write(
        "book.toml",
        "[book]\ntitle = \"Clash\"\n[build]\npretty-urls = true\n",
    );
    let r = t.run(&["build", "--today", crate::harness::TODAY]);
    assert!(
        r.stderr.contains("team/ops.md and src/team/ops/index.md")
            || r.stderr.contains("team/ops.md and team/ops/index.md"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("team/ops/index.html"), "{}", r.stderr);
    assert!(r.stderr.contains("pretty-urls"), "{}", r.stderr);
}

#[test]
fn site_absolute_links_under_root_are_flagged_only_inside_content_folders() {
    let t = HandbookTest::with_pages(
        "Abs",
        &[
            (
                "index.md",
                "# Home\n\n[a](/about/) [b](/runbooks/gone/) [c](/runbooks/db/#steps) [d](/runbooks/db.html)\n",
            ),
            ("runbooks/db.md", "# DB\n\n## Steps\n"),
        ],
    );
    assert_eq!(broken(&t), ["src/index.md:3: link-broken"]);
}

/// `serve` makes the files `build` writes, with the same `<main>` and the
/// same non-HTML bytes, in both URL styles.
#[cfg(feature = "serve")]
#[test]
fn serve_makes_the_files_build_makes_in_both_url_styles() {
    for pretty in [false, true] {
        let t = HandbookTest::fixture("links/hugo");
        if !pretty {
            let toml = t.read("book.toml");
            t.write("book.toml", &toml.replace("pretty-urls = true\n", ""));
        }
        t.run(&["build", "--today", crate::harness::TODAY]);
        let built = list_files(&t.path("book"));
        std::fs::rename(t.path("book"), t.path("built")).unwrap();
        let serve = crate::serve::Serve::start(&t);
        for f in &built {
            if f.starts_with('.') || f.starts_with("search/") {
                continue;
            }
            let r = serve.get(&format!("/{f}"));
            assert_eq!(r.status, 200, "{f} (pretty-urls = {pretty})");
            let on_disk = std::fs::read(t.path(&format!("built/{f}"))).unwrap();
            let on_disk = String::from_utf8_lossy(&on_disk);
            if f.ends_with(".html") {
                let start = on_disk.find("<main").unwrap_or(0);
                let end = on_disk[start..]
                    .find("</main>")
                    .map_or(on_disk.len(), |e| start + e);
                assert_eq!(r.main(), &on_disk[start..end], "{f}");
            } else {
                assert_eq!(r.body, on_disk, "{f} (pretty-urls = {pretty})");
            }
        }
        if pretty {
            assert_eq!(serve.get("/runbooks/db/").status, 200);
        }
    }
}

#[test]
fn health_counts_links_written_for_the_old_generator() {
    let t = HandbookTest::with_pages(
        "Decisions",
        &[
            ("index.md", "# Home\n"),
            (
                "adr/0001-use-queues.md",
                "---\ntitle: Use queues\nstatus: accepted\nowners: [platform]\n---\n\n## Context\n\nLoad.\n\n## Decision\n\nQueues.\n",
            ),
            (
                "guides/ingest.md",
                "---\ntitle: Ingest\nowners: [platform]\n---\n\nWhy: [ADR 1](../adr/0001-use-queues/).\n",
            ),
        ],
    );
    t.build_ok();
    let health = t.read("book/health.html");
    assert!(health.contains("linked from 1 other page"), "{health}");
}

/// The sidebar (built by `toc.js` in the browser) links to the pages'
/// pretty URLs and marks the current page, from `file://`.
#[test]
fn pretty_urls_sidebar_works_in_a_browser() {
    let Some(chromium) = crate::harness::chromium_or_skip("pretty_urls_sidebar_works_in_a_browser")
    else {
        return;
    };
    let t = HandbookTest::fixture("links/hugo");
    t.run(&["build", "--today", crate::harness::TODAY]);
    let site = t.path("book");
    let page = "runbooks/db/index.html";
    let dom = crate::search::dump_dom(&chromium, &format!("file://{}/{page}", site.display()));
    assert!(
        dom.contains("href=\"../../runbooks/restore/index.html\""),
        "{dom}"
    );
    assert!(
        dom.contains("aria-current=\"page\" href=\"../../runbooks/db/index.html\"")
            || dom.contains("href=\"../../runbooks/db/index.html\" aria-current=\"page\""),
        "{dom}"
    );
    assert_eq!(
        unreachable_hrefs(&site, page, &dom),
        Vec::<String>::new(),
        "{dom}"
    );
}

#[test]
fn raw_html_links_are_checked_and_written_to_the_output_files() {
    let t = HandbookTest::with_pages(
        "Raw",
        &[
            ("guides/target.md", "# Target\n\n## Steps\n"),
            (
                "guides/a.md",
                "# A\n\n<p><a href=\"target.md#steps\">ok</a> <a href=\"https://example.org/x.md\">ext</a></p>\n\n<div>\n<a href=\"gone.md\">gone</a>\n</div>\n",
            ),
            // Tags split over lines, in a quote (each line has its own `> `).
            (
                "guides/b.md",
                "# B\n\n> <div>\n> <a class=\"x\"\n>    href=\"target.md\">t</a>\n> <img\n>   src=\"missing.png\">\n> </div>\n",
            ),
        ],
    );
    assert_eq!(
        broken(&t),
        [
            "src/guides/a.md:6: link-broken",
            "src/guides/b.md:7: link-broken"
        ]
    );
    t.run(&["build", "--today", crate::harness::TODAY])
        .assert_no_panic();
    let html = t.main_html("book/guides/a.html");
    assert!(
        html.contains("<a href=\"target.html#steps\">ok</a>"),
        "{html}"
    );
    assert!(html.contains("href=\"https://example.org/x.md\""), "{html}");
    let b = t.main_html("book/guides/b.html");
    assert!(b.contains("href=\"target.html\">t</a>"), "{b}");
    assert!(
        unreachable_hrefs(&t.path("book"), "guides/a.html", &html)
            .iter()
            .all(|h| h.contains("gone")),
        "{html}"
    );
}

/// Footnotes' ids are link targets like headings': a hand-written link to
/// a note or back to its reference is not `anchor-broken`; a made-up one is.
#[test]
fn links_to_footnotes_resolve() {
    let t = HandbookTest::with_pages(
        "Notes",
        &[(
            "a.md",
            "# A\n\nClaim.[^src]\n\nSee [the source](#fn-src), [back](#fnref-src) and [nothing](#fn-nope).\n\n[^src]: The source.\n",
        )],
    );
    assert_eq!(broken(&t), ["src/a.md:5: anchor-broken"]);
}
