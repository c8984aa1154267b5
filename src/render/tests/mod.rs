//! Unit tests of the renderer: a small hand-built [`SiteView`] rendered with
//! the embedded theme (and with overrides from a temp folder).

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::*;
use crate::view::*;
use sample::{adr, sample_site};

mod sample;

fn render(site: &SiteView) -> BTreeMap<String, Vec<u8>> {
    let theme = Theme::load(None).expect("embedded theme loads");
    render_to_map(site, &theme, ".hl-k { color: red; }").expect("site renders")
}

fn text<'a>(out: &'a BTreeMap<String, Vec<u8>>, path: &str) -> &'a str {
    let bytes = out
        .get(path)
        .unwrap_or_else(|| panic!("{path} is not in the output"));
    std::str::from_utf8(bytes).expect("utf-8")
}

/// A unique, empty temp folder; removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> Self {
        use std::sync::atomic::{AtomicU32, Ordering};
        static N: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "handbook-render-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("templates")).expect("create temp dir");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn render_site_produces_every_expected_file() {
    let out = render(&sample_site(None));
    for path in [
        "index.html",
        "adr/0003-x.html",
        "adr/0007-x.html",
        "runbooks/db.html",
        "kinds/adr.html",
        "kinds/runbook.html",
        "owners/alice.html",
        "health.html",
        "404.html",
        "sitemap.xml",
        "toc.js",
        "static/style.css",
        "static/highlight.css",
        "static/handbook.js",
    ] {
        assert!(out.contains_key(path), "missing {path}");
    }
    assert_eq!(text(&out, "static/highlight.css"), ".hl-k { color: red; }");
    assert!(text(&out, "index.html").contains("data-view=\"home\""));
}

#[test]
fn render_escapes_titles_everywhere_but_not_content() {
    let out = render(&sample_site(None));
    let escaped = "&lt;b&gt;x&lt;/b&gt;";
    for path in [
        "runbooks/db.html",
        "kinds/runbook.html",
        "owners/alice.html",
        "health.html",
        "index.html",
    ] {
        let html = text(&out, path);
        assert!(html.contains(escaped), "{path} lacks the escaped title");
        assert!(!html.contains("<b>x</b>"), "{path} has the raw title");
    }
    let page = text(&out, "runbooks/db.html");
    assert!(page.contains("<title>&lt;b&gt;x&lt;/b&gt; · Acme &lt;Handbook&gt;</title>"));
    assert!(page.contains("&lt;i&gt;t&lt;/i&gt;"), "tags are escaped");
    assert!(
        page.contains("<p>Body <em>trusted</em>.</p>"),
        "content is not"
    );

    let node = text(&out, "nav/r1.js");
    assert!(node.contains(r"\u003cb\u003ex\u003c/b\u003e"), "{node}");
    assert!(!node.contains("<b>"));
}

#[test]
fn page_body_carries_data_attributes() {
    let out = render(&sample_site(None));
    let page = text(&out, "runbooks/db.html");
    assert!(page.contains("<html lang=\"en\">"));
    assert!(page.contains("data-kind=\"runbook\" data-stale=\"true\" data-owned=\"true\""));
    assert!(page.contains("data-root=\"../\""));
    assert!(page.contains("data-page=\"runbooks/db.html\""));
    let adr = text(&out, "adr/0007-x.html");
    assert!(adr.contains("data-kind=\"adr\" data-stale=\"false\" data-owned=\"true\""));
}

#[test]
fn nested_page_links_owners_and_assets_through_root() {
    let out = render(&sample_site(None));
    let page = text(&out, "runbooks/db.html");
    assert!(page.contains("href=\"../owners/alice.html\">Alice Ng</a>"));
    assert!(page.contains("href=\"../kinds/runbook.html\""));
    assert!(page.contains("href=\"../static/style.css\""));
    assert!(page.contains("<script src=\"../toc.js\"></script>"));
    assert!(page.contains("href=\"../health.html\""));
    assert!(page.contains("href=\"https://example.com/edit/src/runbooks/db.md\""));
    let owner = text(&out, "owners/alice.html");
    assert!(owner.contains("href=\"../runbooks/db.html\""));
    assert!(owner.contains("href=\"../owners/payments.html\">Payments</a>"));
}

#[test]
fn page_shows_banners_findings_actions_and_toc() {
    let out = render(&sample_site(None));
    let page = text(&out, "runbooks/db.html");
    assert!(page.contains("<div class=\"banner banner-stale level-warning\" role=\"note\">"));
    assert!(page.contains("This page is past its review date."));
    assert!(page.contains("<section class=\"findings\""));
    assert!(page.contains("review-stale"));
    assert!(page.contains("src/runbooks/db.md:4:11"));
    assert!(page.contains("help: review the page and bump <code>reviewed:</code>"));
    assert!(page.contains("Open actions"));
    assert!(page.contains("is-overdue"));
    assert!(page.contains("<details class=\"done-actions\">"));
    assert!(page.contains("class=\"page-toc\""));
    assert!(page.contains("href=\"#c\""));
    // Pages do not inline the sidebar.
    assert!(!page.contains("adr/0003-x.html"));
}

#[test]
fn adr_pages_show_status_and_supersede_chain_both_ways() {
    let out = render(&sample_site(None));
    let old = text(&out, "adr/0003-x.html");
    assert!(old.contains("status-superseded"));
    assert!(old.contains("Superseded by:"));
    assert!(old.contains("href=\"../adr/0007-x.html\">ADR 7 — Use CockroachDB</a>"));
    let new = text(&out, "adr/0007-x.html");
    assert!(new.contains("Supersedes:"));
    assert!(new.contains("href=\"../adr/0003-x.html\">ADR 3 — Use Postgres</a>"));
    assert!(new.contains("2026-03-02"));
}

#[test]
fn adr_log_lists_rows_in_number_order() {
    let out = render(&sample_site(None));
    let log = text(&out, "kinds/adr.html");
    assert!(log.contains("ADR log"));
    let three = log.find("Use Postgres").expect("ADR 3 row");
    let seven = log.find("Use CockroachDB").expect("ADR 7 row");
    assert!(three < seven);
    assert_eq!(log.matches("<tr class=\"adr-row\">").count(), 2);
    assert!(log.contains("<td class=\"num\">3</td>"));
    let runbooks = text(&out, "kinds/runbook.html");
    assert!(runbooks.contains("2025-04-01"), "due date listed");
    assert!(runbooks.contains("state-stale"));
}

#[test]
fn health_page_has_chart_lists_and_findings() {
    let out = render(&sample_site(None));
    let health = text(&out, "health.html");
    assert!(health.contains("<svg class=\"bar-chart\""));
    assert!(health.contains("class=\"bar bar-total\""));
    assert!(health.contains("Overdue actions"));
    assert!(health.contains("id=\"rule-review-stale\""));
    assert!(health.contains("href=\"runbooks/db.html\">src/runbooks/db.md:4:11</a>"));
}

#[test]
fn index_page_gets_home_listing() {
    let mut site = sample_site(None);
    let mut index = adr(1, "Welcome", "accepted");
    index.url = "index.html".into();
    index.root = String::new();
    index.kind = "guide".into();
    index.adr = None;
    site.pages.insert(0, index);
    let out = render(&site);
    let home = text(&out, "index.html");
    assert!(home.contains("data-view=\"page\""));
    assert!(home.contains("Welcome"));
    assert!(home.contains("class=\"home-listing\""));
    assert!(home.contains("href=\"kinds/adr.html\""));
}

#[test]
fn sitemap_uses_absolute_urls_when_site_url_is_set() {
    let out = render(&sample_site(Some("https://handbook.acme.dev/")));
    let xml = text(&out, "sitemap.xml");
    assert!(xml.starts_with("<?xml"));
    assert!(xml.contains("<loc>https://handbook.acme.dev/runbooks/db.html</loc>"));
    assert!(xml.contains("<loc>https://handbook.acme.dev/owners/alice.html</loc>"));
    assert!(xml.contains("<loc>https://handbook.acme.dev/index.html</loc>"));
    assert!(!xml.contains("404.html"));
    let locs: Vec<&str> = xml.lines().filter(|l| l.contains("<loc>")).collect();
    let mut sorted = locs.clone();
    sorted.sort_unstable();
    assert_eq!(locs, sorted);

    let out = render(&sample_site(None));
    assert!(text(&out, "sitemap.xml").contains("<loc>runbooks/db.html</loc>"));
    assert_eq!(
        crate::url::encode_path("tîm/my page #1.html"),
        "t%C3%AEm/my%20page%20%231.html"
    );
    let not_found = text(&out, "404.html");
    assert!(!not_found.contains("<base"));
    let out = render(&sample_site(Some("https://h.example/")));
    assert!(text(&out, "404.html").contains("<base href=\"https://h.example/\">"));
}

#[test]
fn sidebar_nodes_are_compact_and_mark_flags() {
    let out = render(&sample_site(None));
    let toc = text(&out, "toc.js");
    assert!(toc.contains(r#"["Architecture decisions","kinds/adr.html",2,0]"#));
    assert!(toc.contains(r#"var ROOT = "root";"#), "{toc}");
    assert_eq!(
        text(&out, "nav/a1.js"),
        "handbookNav(\"a1\",{\"b\":\"adr/\",\"e\":[[\"Use CockroachDB\",\"0007-x.html\",0],\
         [\"Use Postgres\",\"0003-x.html\",0,\"0003-x.md\"]]});\n"
    );
    let r1 = text(&out, "nav/r1.js");
    assert!(r1.contains(r#""db.html",1]"#), "stale flag: {r1}");
    let root = text(&out, "nav/root.js");
    assert!(
        root.contains(r#"{"d":"r1","n":1,"s":1,"t":"Runbooks"}"#),
        "{root}"
    );
    assert_eq!(
        json_for_script(&"</script>\u{2028}&"),
        r#""\u003c/script\u003e\u2028\u0026""#
    );
    // Pages name their branch; other pages only the top node.
    assert!(text(&out, "runbooks/db.html").contains(r#"data-nav="root r1""#));
    assert!(text(&out, "health.html").contains(r#"data-nav="root""#));
}

#[test]
fn renders_are_deterministic() {
    let site = sample_site(Some("https://h.example/"));
    assert_eq!(render(&site), render(&site));
}

#[test]
fn theme_override_replaces_template_and_adds_static_files() {
    let dir = TempDir::new("override");
    std::fs::write(
        dir.0.join("templates/page.html"),
        "CUSTOM {{ page.title }} {{ root }}",
    )
    .expect("write template");
    std::fs::create_dir_all(dir.0.join("static/img")).expect("mkdir");
    std::fs::write(dir.0.join("static/img/logo.svg"), "<svg/>").expect("write");
    std::fs::write(dir.0.join("static/style.css"), "body{}").expect("write");
    std::fs::write(dir.0.join("README.txt"), "ignored").expect("write");
    std::fs::write(dir.0.join("templates/.page.html.swp"), "{% broken").expect("write");

    let theme = Theme::load(Some(&dir.0)).expect("override loads");
    let out = render_to_map(&sample_site(None), &theme, "").expect("renders");
    assert_eq!(
        text(&out, "runbooks/db.html"),
        "CUSTOM &lt;b&gt;x&lt;/b&gt; ../"
    );
    assert_eq!(text(&out, "static/img/logo.svg"), "<svg/>");
    assert_eq!(text(&out, "static/style.css"), "body{}");
    assert!(!out.keys().any(|k| k.contains("README")));
    // Other templates are still the embedded ones.
    assert!(text(&out, "kinds/adr.html").contains("ADR log"));
}

#[test]
fn broken_override_template_is_a_template_error_naming_it() {
    let dir = TempDir::new("broken");
    std::fs::write(
        dir.0.join("templates/kind.html"),
        "{% extends \"base.html\" %}\n{% block main %}\n{{ kind.label \n{% endblock main %}\n",
    )
    .expect("write template");
    let err = Theme::load(Some(&dir.0)).expect_err("parse error");
    // The file the writer edits, where they edit it.
    let shown = err.to_string();
    let at = format!("{}:4:1: ", dir.0.join("templates/kind.html").display());
    assert!(shown.starts_with(&at), "{shown}");
    match err {
        Error::Template { name, message, .. } => {
            assert_eq!(name, "kind.html");
            assert!(message.starts_with("failed to parse:"), "{message}");
            assert!(message.contains("--> 4:1"), "line info in {message}");
        }
        other => panic!("unexpected error {other:?}"),
    }

    let dir = TempDir::new("orphan");
    std::fs::write(
        dir.0.join("templates/owner.html"),
        "{% extends \"nope.html\" %}",
    )
    .expect("write template");
    match Theme::load(Some(&dir.0)).expect_err("missing parent") {
        Error::Template { name, message, .. } => {
            assert_eq!(name, "owner.html");
            assert!(message.contains("nope.html"), "{message}");
        }
        other => panic!("unexpected error {other:?}"),
    }
}

#[test]
fn missing_override_dir_is_a_theme_error() {
    let missing = std::env::temp_dir().join("handbook-render-does-not-exist-9f3a");
    assert!(matches!(
        Theme::load(Some(&missing)),
        Err(Error::Theme { .. })
    ));
}

#[test]
fn render_error_names_template_and_output() {
    let dir = TempDir::new("render-error");
    std::fs::write(dir.0.join("templates/home.html"), "{{ no_such_var }}").expect("write");
    let theme = Theme::load(Some(&dir.0)).expect("loads");
    match render_to_map(&sample_site(None), &theme, "") {
        Err(Error::Template {
            name,
            message,
            file,
        }) => {
            let path = dir.0.join("templates/home.html");
            assert_eq!(file.as_deref(), Some(path.display().to_string().as_str()));
            assert_eq!(name, "home.html");
            assert!(message.contains("index.html"), "{message}");
            assert!(message.contains("no_such_var"), "{message}");
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn code_spans_are_escaped_and_wrapped() {
    use super::theme::code_spans_html;
    assert_eq!(
        code_spans_html("add `owners: [a]` & `<b>`"),
        "add <code>owners: [a]</code> &amp; <code>&lt;b&gt;</code>"
    );
    assert_eq!(code_spans_html("one ` tick"), "one ` tick");
    assert_eq!(code_spans_html("`a` and `b"), "<code>a</code> and `b");
    assert_eq!(code_spans_html(""), "");
}
