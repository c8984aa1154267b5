//! `handbook build`: the files of the site and what they show.

use crate::harness::{list_files, nav_branch, unreachable_hrefs, HandbookTest, TODAY};
use std::collections::BTreeMap;

/// The output path of a source page: same relative path with `.html`;
/// `index.md` and `README.md` (any case) become `index.html`.
fn html_of(src_rel: &str) -> String {
    let (dir, file) = src_rel
        .rsplit_once('/')
        .map_or(("", src_rel), |(d, f)| (d, f));
    let stem = file.rsplit_once('.').unwrap().0;
    let name = if stem.eq_ignore_ascii_case("index") || stem.eq_ignore_ascii_case("readme") {
        "index".to_string()
    } else {
        stem.to_string()
    };
    if dir.is_empty() {
        format!("{name}.html")
    } else {
        format!("{dir}/{name}.html")
    }
}

/// Every markdown file under `src/` of a handbook, relative to `src/`.
fn markdown_sources(t: &HandbookTest) -> Vec<String> {
    list_files(&t.path("src"))
        .into_iter()
        .filter(|f| f.to_ascii_lowercase().ends_with(".md"))
        .collect()
}

/// Position of `needle` in `hay`, failing the test when absent.
#[track_caller]
fn pos(hay: &str, needle: &str) -> usize {
    hay.find(needle)
        .unwrap_or_else(|| panic!("`{needle}` not found in:\n{hay}"))
}

#[test]
fn every_page_and_listing_is_written() {
    let t = HandbookTest::fixture("build/basic");
    t.build_ok();
    let sources = markdown_sources(&t);
    assert!(sources.len() >= 15, "fixture has {sources:?}");
    for src in &sources {
        let out = format!("book/{}", html_of(src));
        assert!(t.exists(&out), "{src} was not built to {out}");
    }
    // The mapping rules themselves, spelled out.
    for out in [
        "book/index.html",
        "book/guides/index.html",
        "book/guides/UPPER.html",
        "book/guides/nested/deep/page.html",
        "book/adr/0001-x.html",
        "book/adr/10-later.html",
    ] {
        assert!(t.exists(out), "{out} missing");
    }
    assert!(!t.exists("book/guides/README.html"));
    for out in [
        "404.html",
        "health.html",
        "handbook.json",
        "sitemap.xml",
        "toc.js",
        "kinds/adr.html",
        "kinds/runbook.html",
        "kinds/role-matrix.html",
        "kinds/standard.html",
        "kinds/guide.html",
    ] {
        assert!(t.exists(&format!("book/{out}")), "{out} missing");
    }
    // Every team and person of owners.yaml, plus owners used by pages.
    for id in [
        "payments", "platform", "alice", "bob", "erin", "farid", "jun",
    ] {
        assert!(
            t.exists(&format!("book/owners/{id}.html")),
            "owners/{id}.html missing"
        );
    }
}

#[test]
fn body_carries_kind_stale_and_owned() {
    let t = HandbookTest::fixture("build/basic");
    t.build_ok();
    let stale = t.body_tag("book/runbooks/db-failover.html");
    for attr in [
        r#"data-kind="runbook""#,
        r#"data-stale="true""#,
        r#"data-owned="true""#,
    ] {
        assert!(stale.contains(attr), "stale page: {attr} not in {stale}");
    }
    let fresh = t.body_tag("book/runbooks/api-restart.html");
    for attr in [
        r#"data-kind="runbook""#,
        r#"data-stale="false""#,
        r#"data-owned="true""#,
    ] {
        assert!(fresh.contains(attr), "fresh page: {attr} not in {fresh}");
    }
    let unowned = t.body_tag("book/guides/unowned.html");
    for attr in [
        r#"data-kind="guide""#,
        r#"data-stale="false""#,
        r#"data-owned="false""#,
    ] {
        assert!(
            unowned.contains(attr),
            "unowned page: {attr} not in {unowned}"
        );
    }
    let adr = t.body_tag("book/adr/0001-x.html");
    assert!(adr.contains(r#"data-kind="adr""#), "{adr}");
}

#[test]
fn titles_are_escaped_everywhere_and_inline_html_passes() {
    let t = HandbookTest::fixture("build/basic");
    t.build_ok();
    let escaped = "&lt;b&gt;x&lt;/b&gt;";
    for file in [
        "book/guides/escape.html",
        "book/kinds/guide.html",
        "book/owners/payments.html",
    ] {
        let html = t.read(file);
        assert!(html.contains(escaped), "{file} lacks the escaped title");
        assert!(!html.contains("<b>x</b>"), "{file} has the raw title");
        assert!(
            !html.contains("</script>\""),
            "{file} has a raw </script> from the title"
        );
    }
    for file in list_files(&t.path("book")) {
        if file.ends_with(".html") {
            let html = t.read(&format!("book/{file}"));
            assert!(!html.contains("<b>x</b>"), "{file} has the raw title");
        }
    }
    let branch = nav_branch(&t.read("book/guides/escape.html"));
    let node = t.read(&format!(
        "book/{}",
        branch.last().expect("a sidebar branch")
    ));
    assert!(!node.contains("</script"), "{node} contains a raw </script");
    assert!(!node.contains("<b>x"), "{node} contains the raw title");
    assert!(node.contains("escape"), "{node} does not list the page");
    let main = t.main_html("book/guides/escape.html");
    assert!(
        main.contains("<kbd>Ctrl</kbd>"),
        "inline HTML was escaped:\n{main}"
    );
}

#[test]
fn relative_md_links_are_rewritten() {
    let t = HandbookTest::fixture("build/basic");
    t.build_ok();
    let main = t.main_html("book/guides/links.html");
    assert!(main.contains(r#"href="../adr/0001-x.html#ctx""#), "{main}");
    assert!(
        main.contains(r#"href="../runbooks/db-failover.html""#),
        "{main}"
    );
    for href in main
        .split("href=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap())
    {
        // The edit link points at the source on purpose.
        if !href.starts_with("https://") {
            assert!(!href.contains(".md"), "an .md link was left: {href}");
        }
    }
    let deep = t.main_html("book/guides/nested/deep/page.html");
    assert!(
        deep.contains(r#"href="../../../adr/0001-x.html#ctx""#),
        "{deep}"
    );
    let home = t.main_html("book/index.html");
    assert!(
        home.contains(r#"href="runbooks/db-failover.html""#),
        "{home}"
    );
}

#[test]
fn fenced_code_is_highlighted() {
    let t = HandbookTest::fixture("build/basic");
    t.build_ok();
    let main = t.main_html("book/runbooks/db-failover.html");
    let code = &main[pos(&main, "<pre class=\"hl-code\"")..];
    let code = &code[..pos(code, "</pre>")];
    assert!(code.contains("promote"), "{code}");
    assert!(t
        .read("book/runbooks/db-failover.html")
        .contains("static/highlight.css"));
    let css = t.read("book/static/highlight.css");
    // Every class on a highlighted run is styled by the site's CSS, in the
    // light (`l…`) and the dark (`d…`) theme.
    let classes: Vec<&str> = code
        .split("<span class=\"")
        .skip(1)
        .flat_map(|piece| piece.split('"').next().unwrap_or_default().split(' '))
        .collect();
    assert!(
        classes.iter().any(|c| c.starts_with('l')) && classes.iter().any(|c| c.starts_with('d')),
        "code is not highlighted in both themes:\n{code}"
    );
    for class in classes {
        assert!(
            css.contains(&format!(".hl-code .{class} {{")),
            "no rule for `{class}` in highlight.css"
        );
    }
    assert!(
        css.contains("prefers-color-scheme: dark"),
        "highlight.css has no dark section"
    );
}

#[test]
fn owner_page_lists_owned_pages_stale_first() {
    let t = HandbookTest::fixture("build/basic");
    t.build_ok();
    let page = t.main_html("book/runbooks/db-failover.html");
    assert!(
        page.contains(r#"href="../owners/platform.html""#),
        "owners are not linked:\n{page}"
    );
    let main = t.main_html("book/owners/platform.html");
    for url in [
        "runbooks/db-failover.html",
        "runbooks/api-restart.html",
        "adr/0001-x.html",
        "adr/0002-old-sessions.html",
        "adr/0003-new-tokens.html",
        "standards/pr-size.html",
    ] {
        assert!(
            main.contains(&format!("href=\"../{url}\"")),
            "{url} not on the owner page:\n{main}"
        );
    }
    assert!(
        !main.contains("guides/escape.html"),
        "a payments page is listed for platform"
    );
    // "API restart" sorts before "Postgres failover", but the stale one comes first.
    assert!(
        pos(&main, "runbooks/db-failover.html") < pos(&main, "runbooks/api-restart.html"),
        "stale page is not listed first:\n{main}"
    );
    let jun = t.main_html("book/owners/jun.html");
    assert!(jun.contains("guides/single.html"), "{jun}");
}

#[test]
fn adr_log_is_in_number_order_with_status() {
    let t = HandbookTest::fixture("build/basic");
    t.build_ok();
    let main = t.main_html("book/kinds/adr.html");
    // Numbers 1, 2, 3, 9, 10: neither title order nor file-name order.
    let order = [
        "adr/0001-x.html",
        "adr/0002-old-sessions.html",
        "adr/0003-new-tokens.html",
        "adr/9-nine.html",
        "adr/10-later.html",
    ];
    let at: Vec<usize> = order.iter().map(|u| pos(&main, u)).collect();
    assert!(
        at.windows(2).all(|w| w[0] < w[1]),
        "ADR log out of order {at:?}:\n{main}"
    );
    let rows: Vec<&str> = main.split("<tr").skip(1).collect();
    let row_of = |url: &str| *rows.iter().find(|r| r.contains(url)).unwrap();
    for (url, status) in [
        ("adr/0001-x.html", "accepted"),
        ("adr/0002-old-sessions.html", "superseded"),
        ("adr/9-nine.html", "rejected"),
        ("adr/10-later.html", "proposed"),
    ] {
        let row = row_of(url).to_lowercase();
        assert!(row.contains(status), "row of {url} lacks {status}: {row}");
    }
}

#[test]
fn adr_page_shows_supersede_chain_both_ways() {
    let t = HandbookTest::fixture("build/basic");
    t.build_ok();
    let old = t.main_html("book/adr/0002-old-sessions.html");
    assert!(
        old.contains(r#"href="../adr/0003-new-tokens.html""#),
        "no link to the superseding ADR:\n{old}"
    );
    assert!(old.to_lowercase().contains("superseded by"), "{old}");
    let new = t.main_html("book/adr/0003-new-tokens.html");
    assert!(
        new.contains(r#"href="../adr/0002-old-sessions.html""#),
        "no link to the superseded ADR:\n{new}"
    );
    assert!(new.to_lowercase().contains("supersedes"), "{new}");
}

#[test]
fn banners_show_page_state() {
    let t = HandbookTest::fixture("build/basic");
    t.build_ok();
    let stale = t.main_html("book/runbooks/db-failover.html");
    assert!(stale.contains("banner-stale"), "{stale}");
    assert!(
        stale.contains("2026-04-05"),
        "stale banner lacks the due date:\n{stale}"
    );
    let unowned = t.main_html("book/guides/unowned.html");
    assert!(unowned.contains("banner-unowned"), "{unowned}");
    let single = t.main_html("book/guides/single.html");
    assert!(single.contains("banner-single-owner"), "{single}");
    let broken = t.main_html("book/guides/broken-yaml.html");
    assert!(broken.contains("banner-invalid"), "{broken}");
    assert!(
        broken.contains("Body of the broken page survives."),
        "{broken}"
    );
    let fresh = t.main_html("book/runbooks/api-restart.html");
    for b in [
        "banner-stale",
        "banner-unowned",
        "banner-single-owner",
        "banner-invalid",
    ] {
        assert!(!fresh.contains(b), "fresh page shows {b}:\n{fresh}");
    }
    assert!(!stale.contains("banner-unowned"), "{stale}");
}

#[test]
fn catalog_has_one_entry_per_page() {
    let t = HandbookTest::fixture("build/basic");
    t.build_ok();
    let cat: serde_json::Value = serde_json::from_str(&t.read("book/handbook.json")).unwrap();
    assert_eq!(cat["version"], 1);
    assert_eq!(cat["today"], TODAY);
    let pages = cat["pages"].as_array().unwrap();
    let sources = markdown_sources(&t);
    assert_eq!(pages.len(), sources.len());
    for src in &sources {
        let path = format!("src/{src}");
        let p = pages
            .iter()
            .find(|p| p["path"] == path.as_str())
            .unwrap_or_else(|| panic!("{path} not in handbook.json"));
        for key in [
            "path", "url", "title", "kind", "owners", "reviewed", "due", "stale", "domain",
            "status",
        ] {
            assert!(p.get(key).is_some(), "{path}: no `{key}` in {p}");
        }
        assert_eq!(p["url"], html_of(src).as_str(), "{path}");
        assert!(p["owners"].is_array() && p["stale"].is_boolean(), "{p}");
    }
    let db = t.catalog_page("src/runbooks/db-failover.md");
    assert_eq!(db["title"], "Postgres failover");
    assert_eq!(db["kind"], "runbook");
    assert_eq!(db["owners"], serde_json::json!(["platform"]));
    assert_eq!(db["reviewed"], "2026-01-05");
    assert_eq!(db["due"], "2026-04-05");
    assert_eq!(db["stale"], true);
    assert_eq!(db["domain"], "platform");
    let fresh = t.catalog_page("src/runbooks/api-restart.md");
    assert_eq!(fresh["stale"], false);
    assert_eq!(fresh["due"], "2027-01-30");
    let adr = t.catalog_page("src/adr/0002-old-sessions.md");
    assert_eq!(adr["kind"], "adr");
    assert_eq!(adr["status"], "superseded");
}

#[test]
fn sitemap_lists_absolute_urls() {
    let t = HandbookTest::fixture("build/basic");
    t.build_ok();
    let xml = t.read("book/sitemap.xml");
    let locs: Vec<&str> = xml
        .split("<loc>")
        .skip(1)
        .map(|s| s.split("</loc>").next().unwrap())
        .collect();
    assert!(locs.len() >= markdown_sources(&t).len(), "{xml}");
    for loc in &locs {
        assert!(
            loc.starts_with("https://handbook.example.test/docs/"),
            "relative or wrong URL {loc}"
        );
    }
    assert!(
        locs.contains(&"https://handbook.example.test/docs/runbooks/db-failover.html"),
        "{xml}"
    );
    assert!(
        locs.contains(&"https://handbook.example.test/docs/guides/nested/deep/page.html"),
        "{xml}"
    );
}

#[test]
fn builds_are_byte_identical() {
    let t = HandbookTest::fixture("build/basic");
    t.run(&["build", "--today", TODAY, "--dest", "out-a"])
        .assert_code(0);
    t.run(&["build", "--today", TODAY, "--dest", "out-b"])
        .assert_code(0);
    let a = list_files(&t.path("out-a"));
    let b = list_files(&t.path("out-b"));
    assert_eq!(a, b, "the two builds wrote different files");
    assert!(a.len() > 20);
    for f in &a {
        assert!(
            t.read_bytes(&format!("out-a/{f}")) == t.read_bytes(&format!("out-b/{f}")),
            "{f} differs between two builds"
        );
    }
}

/// Every file of the built site with its bytes.
fn snapshot(t: &HandbookTest, dir: &str) -> BTreeMap<String, Vec<u8>> {
    list_files(&t.path(dir))
        .into_iter()
        .map(|f| {
            let bytes = t.read_bytes(&format!("{dir}/{f}"));
            (f, bytes)
        })
        .collect()
}

#[test]
fn malformed_book_toml_exits_2_and_keeps_the_site() {
    let t = HandbookTest::fixture("build/basic");
    t.build_ok();
    let before = snapshot(&t, "book");
    // Line 3: a key with no value.
    t.write("book.toml", "[book]\nsrc = \"src\"\ntitle = \n");
    let r = t.run(&["build", "--today", TODAY]);
    r.assert_code(2);
    assert!(
        r.stderr.contains("book.toml:3"),
        "stderr does not name book.toml:3:\n{}",
        r.stderr
    );
    assert_eq!(
        before,
        snapshot(&t, "book"),
        "a failed build changed the site"
    );
    // Line 4: the wrong type.
    t.write("book.toml", "[book]\nsrc = \"src\"\n\ntitle = 5\n");
    let r = t.run(&["build", "--today", TODAY]);
    r.assert_code(2);
    assert!(
        r.stderr.contains("book.toml:4"),
        "stderr does not name book.toml:4:\n{}",
        r.stderr
    );
    assert!(r.stderr.contains("title"), "{}", r.stderr);
    assert_eq!(
        before,
        snapshot(&t, "book"),
        "a failed build changed the site"
    );
    let r = t.run(&["check", "--today", TODAY]);
    r.assert_code(2);
    assert!(r.stderr.contains("book.toml:4"), "{}", r.stderr);
}

#[test]
fn missing_owners_registry_names_the_key_and_errors_once() {
    let t = HandbookTest::fixture("build/basic");
    t.write(
        "book.toml",
        "[book]\nsrc = \"src\"\n\n[owners]\nregistry = \"teams.yaml\"\n",
    );
    let r = t.run(&["check", "--today", TODAY]);
    r.assert_code(2);
    // Where it is configured, what is wrong and what to do.
    assert!(r.stderr.contains("book.toml:5:"), "{}", r.stderr);
    assert!(
        r.stderr.contains("`teams.yaml` does not exist"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("[owners] registry"), "{}", r.stderr);
    // A folder where the file should be is an error too, said once.
    t.write("book.toml", "[book]\nsrc = \"src\"\n");
    std::fs::remove_file(t.path("book.toml")).unwrap();
    std::fs::create_dir(t.path("book.toml")).unwrap();
    let r = t.run(&["check", "--today", TODAY]);
    r.assert_code(2);
    assert_eq!(
        r.stderr.matches("Is a directory").count(),
        1,
        "the OS error is printed more than once:\n{}",
        r.stderr
    );
}

#[test]
fn failed_render_keeps_the_previous_site() {
    let t = HandbookTest::fixture("check/clean");
    t.build_ok();
    let before = snapshot(&t, "book");
    t.write("theme/templates/page.html", "{% if %}broken\n");
    t.write(
        "book.toml",
        "[book]\ntitle = \"Clean Handbook\"\n\n[build]\ntheme = \"theme\"\n",
    );
    let r = t.run(&["build", "--today", TODAY]);
    r.assert_code(2);
    assert!(r.stderr.contains("page.html"), "{}", r.stderr);
    assert_eq!(
        before,
        snapshot(&t, "book"),
        "a failed build changed the site"
    );
    let leftovers: Vec<String> = std::fs::read_dir(t.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".book"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "temporary folders left: {leftovers:?}"
    );
}

#[test]
fn folder_without_book_toml_or_markdown_is_refused() {
    let t = HandbookTest::empty();
    t.write("notes.txt", "not a handbook");
    let r = t.run(&["build", "--today", TODAY]);
    r.assert_code(2);
    assert!(
        !t.exists("book"),
        "a site was written into a folder that is not a handbook"
    );
    t.run(&["check", "--today", TODAY]).assert_code(2);
}

#[test]
fn unknown_book_toml_key_is_a_warning() {
    let t = HandbookTest::fixture("build/basic");
    t.write(
        "book.toml",
        "[book]\ntitle = \"Basic\"\nsrc = \"src\"\ntitel = \"typo\"\n\n[biuld]\nx = 1\n",
    );
    let r = t.build_ok();
    assert!(r.stderr.contains("config-unknown-key"), "{}", r.stderr);
    assert!(r.stderr.contains("titel"), "{}", r.stderr);
    assert!(r.stderr.contains("biuld"), "{}", r.stderr);
    assert!(t.exists("book/index.html"));
    let (_, findings) = t.check_json();
    let unknown: Vec<_> = findings
        .iter()
        .filter(|f| f.rule == "config-unknown-key")
        .collect();
    assert_eq!(unknown.len(), 2, "{unknown:?}");
    let titel = unknown
        .iter()
        .find(|f| f.message.contains("titel"))
        .unwrap();
    assert_eq!(
        (titel.path.as_str(), titel.line, titel.severity.as_str()),
        ("book.toml", 4, "warning")
    );
}

#[test]
fn dest_over_the_sources_is_refused() {
    let t = HandbookTest::fixture("build/basic");
    let sources_before = list_files(t.root());
    for dest in [".", "src", "src/..", t.root().to_str().unwrap()] {
        let r = t.run(&["build", "--today", TODAY, "--dest", dest]);
        r.assert_code(2);
        assert!(r.stderr.contains("refusing"), "--dest {dest}: {}", r.stderr);
        assert_eq!(
            list_files(t.root()),
            sources_before,
            "--dest {dest} changed files"
        );
    }
    // A folder handbook did not create is not replaced.
    t.write("other/keep.txt", "precious");
    let r = t.run(&["build", "--today", TODAY, "--dest", "other"]);
    r.assert_code(2);
    assert_eq!(t.read("other/keep.txt"), "precious");
    assert_eq!(list_files(&t.path("other")), vec!["keep.txt".to_string()]);
    // A site handbook built is replaced.
    t.run(&["build", "--today", TODAY, "--dest", "site"])
        .assert_code(0);
    t.run(&["build", "--today", TODAY, "--dest", "site"])
        .assert_code(0);
    assert!(t.exists("site/index.html"));
}

#[test]
fn source_date_epoch_sets_today() {
    let t = HandbookTest::fixture("build/basic");
    // 1790000000 is 2026-09-21T14:13:20Z.
    let r = t.run_env(&["build"], &[("SOURCE_DATE_EPOCH", "1790000000")]);
    r.assert_code(0);
    let cat: serde_json::Value = serde_json::from_str(&t.read("book/handbook.json")).unwrap();
    assert_eq!(cat["today"], "2026-09-21");
    // --today wins over the environment.
    let r = t.run_env(
        &["build", "--today", TODAY],
        &[("SOURCE_DATE_EPOCH", "1790000000")],
    );
    r.assert_code(0);
    let cat: serde_json::Value = serde_json::from_str(&t.read("book/handbook.json")).unwrap();
    assert_eq!(cat["today"], TODAY);
}

#[test]
fn malformed_source_date_epoch_is_an_error() {
    let t = HandbookTest::fixture("check/clean");
    // reproducible-builds.org: a malformed value must fail the build.
    let r = t.run_env(&["build"], &[("SOURCE_DATE_EPOCH", "garbage")]);
    r.assert_code(2);
    assert!(r.stderr.contains("SOURCE_DATE_EPOCH"), "{}", r.stderr);
    assert!(!t.exists("book"));
}

#[test]
fn root_without_book_toml_or_src_is_the_content() {
    let t = HandbookTest::empty();
    t.write("README.md", "# Team notes\n\nHello.\n");
    t.write("a.md", "---\ntitle: Page A\n---\n\nAlpha text.\n");
    t.write("sub/b.md", "# Page B\n\nBravo text.\n");
    t.build_ok();
    assert!(t.main_html("book/index.html").contains("Hello."));
    assert!(t.main_html("book/a.html").contains("Alpha text."));
    assert!(t.main_html("book/sub/b.html").contains("Bravo text."));
    let cat: serde_json::Value = serde_json::from_str(&t.read("book/handbook.json")).unwrap();
    let mut paths: Vec<&str> = cat["pages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["path"].as_str().unwrap())
        .collect();
    paths.sort();
    assert_eq!(paths, ["README.md", "a.md", "sub/b.md"]);
}

#[test]
fn dest_that_is_a_file_is_refused_and_kept() {
    let t = HandbookTest::fixture("build/basic");
    let before = t.read("book.toml");
    let r = t.run(&["build", "--today", TODAY, "--dest", "book.toml"]);
    r.assert_code(2);
    assert!(r.stderr.contains("is a file"), "{}", r.stderr);
    assert_eq!(t.read("book.toml"), before, "book.toml was replaced");
}

#[test]
fn dest_that_is_a_symlink_builds_into_its_target() {
    let t = HandbookTest::fixture("build/basic");
    let target = HandbookTest::empty();
    std::os::unix::fs::symlink(target.path("www"), t.path("book")).unwrap();
    // A link to nothing is refused, and left alone.
    let r = t.run(&["build", "--today", TODAY]);
    r.assert_code(2);
    assert!(r.stderr.contains("symlink"), "{}", r.stderr);
    std::fs::create_dir_all(target.path("www")).unwrap();
    t.build_ok();
    let link = std::fs::symlink_metadata(t.path("book")).unwrap();
    assert!(link.file_type().is_symlink(), "the link was replaced");
    assert!(
        target.exists("www/index.html"),
        "the site is not in the target"
    );
    // And again, over its own earlier build.
    t.build_ok();
    assert!(std::fs::symlink_metadata(t.path("book"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(target.exists("www/index.html"));
}

#[test]
fn pages_named_with_url_characters_are_linked_reachably() {
    // `a#b.md` listed as href="a#b.html" points at `a`; `50% done.md` as
    // "50% done.html" is a malformed escape.
    let t = HandbookTest::with_url_characters();
    t.write(
        "book.toml",
        "[book]\ntitle = \"Odd names\"\n[build]\nsite-url = \"https://hb.example/\"\n",
    );
    t.build_ok();
    let site = t.path("book");
    let mut checked = 0;
    for page in list_files(&site)
        .into_iter()
        .filter(|p| p.ends_with(".html"))
    {
        let html = t.read(&format!("book/{page}"));
        let missing = unreachable_hrefs(&site, &page, &html);
        assert!(
            missing.is_empty(),
            "{page}: links that reach nothing: {missing:?}"
        );
        checked += html.matches("a%23b.html").count();
    }
    // The listings name the page at all (else this test checks nothing).
    assert!(checked >= 2, "no listing links to a#b.html");
    let page = t.read("book/notes/a#b.html");
    assert!(
        page.contains("href=\"https://hb.example/notes/a%23b.html\""),
        "canonical link not encoded"
    );
}

#[test]
fn concurrent_builds_of_one_handbook_all_succeed() {
    // Two builds of one handbook at once (a watcher and a manual build, two
    // CI steps) race to swap their sites in; each must finish, and one
    // complete site must be left, with nothing moved aside left over.
    let pages: Vec<(String, String)> = (0..40)
        .map(|i| (format!("notes/p{i}.md"), format!("# Page {i}\n\nText.\n")))
        .collect();
    let pages: Vec<(&str, &str)> = pages
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let t = HandbookTest::with_pages("Race", &pages);
    t.build_ok();
    for round in 0..8 {
        let runs: Vec<_> = (0..4)
            .map(|_| {
                std::process::Command::new(env!("CARGO_BIN_EXE_handbook"))
                    .args(["build", "--today", TODAY, "--quiet"])
                    .current_dir(t.root())
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for run in runs {
            let out = run.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "round {round}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        assert!(
            t.exists("book/notes/p39.html"),
            "round {round}: site incomplete"
        );
        let left: Vec<String> = std::fs::read_dir(t.root())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".book"))
            .collect();
        assert!(left.is_empty(), "round {round}: left behind {left:?}");
    }
}

#[test]
fn the_sidebar_sorts_numbers_as_numbers() {
    let t = HandbookTest::with_pages(
        "Order",
        &[
            ("index.md", "# Home\n"),
            ("steps/a.md", "# 39. Rollbacks\n"),
            ("steps/b.md", "# 4. Deploys\n"),
            ("steps/c.md", "# 10. Alerts\n"),
            ("39-later/x.md", "# Later\n"),
            ("4-sooner/y.md", "# Sooner\n"),
        ],
    );
    t.build_ok();
    // The sidebar node of `steps/`, and the top one, named by the page.
    let branch = nav_branch(&t.read("book/steps/a.html"));
    let steps = t.read(&format!("book/{}", branch[1]));
    let top = t.read(&format!("book/{}", branch[0]));
    let at = |text: &str, s: &str| {
        text.find(s)
            .unwrap_or_else(|| panic!("{s} not in the sidebar node:\n{text}"))
    };
    assert!(
        at(&steps, "4. Deploys") < at(&steps, "10. Alerts"),
        "{steps}"
    );
    assert!(
        at(&steps, "10. Alerts") < at(&steps, "39. Rollbacks"),
        "{steps}"
    );
    assert!(
        at(&top, "4 sooner") < at(&top, "39 later"),
        "folders: {top}"
    );
}

#[test]
fn quiet_build_keeps_the_errors_and_drops_the_rest() {
    let t = HandbookTest::example();
    let r = t.run(&["build", "--today", TODAY, "--quiet"]);
    r.assert_code(0);
    // DEFECTS.md: 4 errors, 14 warnings, 2 notes.
    assert_eq!(r.stderr.matches("error[").count(), 4, "{}", r.stderr);
    assert_eq!(r.stderr.matches("warning[").count(), 0, "{}", r.stderr);
    assert!(!r.stderr.contains("built "), "no summary: {}", r.stderr);
    let loud = t.run(&["build", "--today", TODAY]);
    assert_eq!(
        loud.stderr.matches("warning[").count(),
        14,
        "{}",
        loud.stderr
    );
}

#[test]
fn drafts_are_checked_but_left_out_of_the_site_unless_asked() {
    let t = HandbookTest::with_pages(
        "Drafts",
        &[
            ("index.md", "# Home\n\nSee [the plan](plan.md).\n"),
            (
                "plan.md",
                "---\ntitle: The plan\ndraft: true\n---\n# The plan\n\nzebrafish\n",
            ),
        ],
    );
    // check reads drafts like any page.
    let (_, findings) = t.check_json();
    assert!(
        findings.iter().any(|f| f.path == "src/plan.md"),
        "{findings:?}"
    );
    let r = t.run(&["build", "--today", TODAY]);
    r.assert_no_panic();
    assert!(r.stderr.contains("built 1 pages"), "{}", r.stderr);
    assert!(!t.exists("book/plan.html"));
    let search = list_files(&t.path("book/search"));
    assert!(!search.is_empty());
    let searchable = |needle: &str| {
        search.iter().any(|f| {
            std::fs::read_to_string(t.path(&format!("book/search/{f}")))
                .is_ok_and(|text| text.contains(needle))
        })
    };
    assert!(searchable("Home"), "the index holds the published page");
    assert!(!searchable("The plan"), "a draft is not searchable");
    // --drafts publishes it, marked.
    t.run(&["build", "--today", TODAY, "--drafts"])
        .assert_no_panic();
    let html = t.main_html("book/plan.html");
    assert!(html.contains("Draft:"), "{html}");
}

/// A handbook of `n` pages without owners: `n` `owner-missing` errors.
fn unowned_pages(n: usize) -> HandbookTest {
    let pages: Vec<(String, String)> = (1..=n)
        .map(|i| {
            (
                format!("notes/p{i:02}.md"),
                format!("---\ntitle: Page {i}\nreviewed: 2026-11-01\n---\n# Page {i}\n"),
            )
        })
        .collect();
    let pages: Vec<(&str, &str)> = pages
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    HandbookTest::with_pages("Unowned", &pages)
}

#[test]
fn build_prints_five_findings_per_rule_then_how_many_more() {
    let t = unowned_pages(12);
    let r = t.build_ok();
    let e = &r.stderr;
    assert_eq!(e.matches("error[owner-missing]").count(), 5, "{e}");
    assert!(e.contains("src/notes/p05.md:"), "{e}");
    assert!(!e.contains("src/notes/p06.md:"), "{e}");
    assert!(e.contains("… and 7 more `owner-missing` findings\n"), "{e}");
    assert!(e.contains("findings by rule:\n"), "{e}");
    assert!(e.contains("  12 error   owner-missing\n"), "{e}");
    assert!(e.contains("run with --verbose to see all"), "{e}");
    // The summary still ends the run, with every finding counted.
    let last = e.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("built 12 pages") && last.contains("12 error(s)"),
        "{e}"
    );
}

#[test]
fn build_verbose_prints_every_finding() {
    let t = unowned_pages(12);
    let r = t.run(&["build", "--today", TODAY, "--verbose"]);
    r.assert_code(0);
    let e = &r.stderr;
    assert_eq!(e.matches("error[owner-missing]").count(), 12, "{e}");
    assert!(e.contains("src/notes/p12.md:"), "{e}");
    assert!(!e.contains("more `owner-missing`"), "{e}");
    assert!(!e.contains("--verbose"), "{e}");
    assert!(e.contains("  12 error   owner-missing\n"), "{e}");
}

#[test]
fn quiet_build_caps_the_errors_too_but_says_how_many_more() {
    let t = unowned_pages(12);
    let r = t.run(&["build", "--today", TODAY, "--quiet"]);
    r.assert_code(0);
    let e = &r.stderr;
    assert_eq!(e.matches("error[owner-missing]").count(), 5, "{e}");
    assert!(e.contains("… and 7 more `owner-missing` findings\n"), "{e}");
    assert!(!e.contains("built "), "no summary under --quiet: {e}");
    let all = t.run(&["build", "--today", TODAY, "--quiet", "--verbose"]);
    assert_eq!(
        all.code, 2,
        "--quiet and --verbose conflict: {}",
        all.stderr
    );
}

#[test]
fn build_shows_no_progress_when_stderr_is_not_a_terminal() {
    let t = unowned_pages(12);
    let r = t.build_ok();
    assert!(!r.stderr.contains('\r'), "{:?}", r.stderr);
    assert!(!r.stderr.contains("parsing"), "{}", r.stderr);
    assert!(!r.stderr.contains("rendering"), "{}", r.stderr);
}

#[test]
fn build_shows_progress_on_a_terminal_but_not_under_ci_or_quiet() {
    let t = unowned_pages(12);
    let Some(shown) = t.run_in_terminal(&["build", "--today", TODAY], &[]) else {
        return;
    };
    // Each stage is drawn as it starts and at its last page, over the
    // same line, and the line is erased before the findings.
    assert!(shown.contains("\rparsing 12/12 pages\x1b[K"), "{shown:?}");
    assert!(shown.contains("\rrendering 12/12 pages\x1b[K"), "{shown:?}");
    assert!(shown.contains("\r\x1b[Ksrc/notes/p01.md:"), "{shown:?}");
    assert!(shown.contains("built 12 pages"), "{shown:?}");
    for env in [&[("CI", "true")][..], &[("TERM", "dumb")][..]] {
        let ci = t
            .run_in_terminal(&["build", "--today", TODAY], env)
            .unwrap_or_default();
        assert!(ci.contains("built 12 pages"), "{env:?}: {ci:?}");
        assert!(!ci.contains("parsing"), "{env:?}: {ci:?}");
        assert!(!ci.contains("\x1b[K"), "{env:?}: {ci:?}");
    }
    let quiet = t
        .run_in_terminal(&["build", "--today", TODAY, "--quiet"], &[])
        .unwrap_or_default();
    assert!(quiet.contains("error[owner-missing]"), "{quiet:?}");
    assert!(!quiet.contains("parsing"), "{quiet:?}");
    // `check` shows it too, and its report follows on a clean line.
    let check = t
        .run_in_terminal(&["check", "--today", TODAY], &[])
        .unwrap_or_default();
    assert!(check.contains("\rparsing 12/12 pages\x1b[K"), "{check:?}");
    assert!(check.contains("\r\x1b[Ksrc/notes/p01.md:"), "{check:?}");
}
