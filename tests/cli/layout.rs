//! The reading layout, measured in headless Chromium on the bundled
//! example handbook: what only a browser can tell (where things land on a
//! 390x844 phone and a 1280x900 laptop). Each page gets a probe script
//! and is shown in an iframe of the screen's size (headless Chromium's
//! window has a minimum width, an iframe is exact); the probe posts its
//! measurements to the frame's parent, which writes them into its DOM,
//! read back with --dump-dom.

use crate::harness::{chromium_or_skip, HandbookTest};
use serde_json::Value;
use std::path::Path;

const TODAY: &str = "2026-11-20";

/// Pages of each kind a reader lands on from search or a pager alert.
const PAGES: &[&str] = &[
    "runbooks/db-failover.html",
    "runbooks/psp-outage.html",
    "adr/0006-transactional-outbox-for-ledger-events.html",
    "standards/pull-requests.html",
    "onboarding/first-week.html",
    "architecture/pci-scope.html",
];

/// Measures, once the page and its scripts have loaded: the title and the
/// body's first paragraph against the fold, horizontal overflow, dates
/// that wrap, where the table of contents sits, the heading anchors'
/// visibility and the copy buttons.
const PROBE: &str = r#"<script>
window.addEventListener('load', function () {
  // Press the first copy button: its label answers (Copied, or how to copy
  // by hand where the browser refuses).
  var copy = document.querySelector('.copy-button');
  if (copy) { copy.click(); }
  setTimeout(function () {
  var de = document.documentElement, fold = window.innerHeight;
  function rect(e) { if (!e) { return null; } var r = e.getBoundingClientRect();
    return {top: Math.round(r.top), bottom: Math.round(r.bottom), left: Math.round(r.left), right: Math.round(r.right)}; }
  var h1 = document.querySelector('article.page h1');
  var para = document.querySelector('.content > p');
  var lh = para ? parseFloat(getComputedStyle(para).lineHeight) : 0;
  var wrapped = [].slice.call(document.querySelectorAll('main time')).filter(function (t) {
    return t.getClientRects().length > 1 || t.getBoundingClientRect().height > 1.8 * parseFloat(getComputedStyle(t).fontSize);
  }).map(function (t) { return t.textContent; });
  var anchor = document.querySelector('.content .anchor');
  var toc = document.querySelector('.page-toc');
  var tocNav = document.querySelector('.page-toc nav');
  parent.postMessage(JSON.stringify({
    fold: fold,
    width: de.clientWidth,
    scrollWidth: de.scrollWidth,
    h1: rect(h1),
    para: rect(para),
    lineHeight: lh,
    wrappedDates: wrapped,
    toc: toc ? {open: toc.open, nav: tocNav && tocNav.offsetParent ? rect(tocNav) : null} : null,
    content: rect(document.querySelector('.content')),
    anchorOpacity: anchor ? getComputedStyle(anchor).opacity : null,
    pres: document.querySelectorAll('.content pre:not(.mermaid)').length,
    copyButtons: document.querySelectorAll('.content .code-block > .copy-button').length,
    copyLabel: copy ? copy.textContent : null,
    metaLine: rect(document.querySelector('.meta-line')),
    details: document.querySelector('.meta-more') ? document.querySelector('.meta-more').open : null,
    findingsOpen: document.querySelector('.findings > details') ? document.querySelector('.findings > details').open : null,
    sidebarHeadings: [].slice.call(document.querySelectorAll('#sidebar .sidebar-heading')).map(function (h) { return h.textContent; }),
    kindFilters: document.querySelectorAll('#sidebar .kind-filters a').length,
    title: rect(document.querySelector('.site-title')),
    titleScroll: (function (t) { return t ? t.scrollWidth - t.clientWidth : 0; })(document.querySelector('.site-title'))
  }), '*');
}, 200); });
</script></body>"#;

fn measure(chromium: &Path, site: &Path, page: &str, size: &str, dark: bool) -> Value {
    // A copy beside the page, so its relative links and scripts still load.
    let src = site.join(page);
    let probe_path = src.with_file_name(format!(
        "probe-{}-{}",
        size.replace(',', "x"),
        src.file_name().unwrap().to_string_lossy()
    ));
    let mut html = std::fs::read_to_string(&src).unwrap();
    if dark {
        html = html.replacen("<html ", "<html data-theme=\"dark\" ", 1);
    }
    std::fs::write(&probe_path, html.replace("</body>", PROBE)).unwrap();
    let (w, h) = size.split_once(',').unwrap();
    let frame_path = probe_path.with_extension("frame.html");
    std::fs::write(
        &frame_path,
        format!(
            "<!DOCTYPE html><html><head><style>body{{margin:0}}iframe{{border:0;display:block}}</style></head><body>\
             <iframe width=\"{w}\" height=\"{h}\" src=\"{}\"></iframe>\
             <script>window.addEventListener('message',function(e){{document.body.setAttribute('data-probe',e.data);}});</script>\
             </body></html>",
            probe_path.file_name().unwrap().to_string_lossy()
        ),
    )
    .unwrap();
    let window = format!(
        "--window-size={},{}",
        w.parse::<u32>().unwrap() + 600,
        h.parse::<u32>().unwrap() + 300
    );
    let dom = crate::templates::dump_dom(
        chromium,
        &format!("file://{}", frame_path.display()),
        &[
            &window,
            "--hide-scrollbars",
            "--force-device-scale-factor=1",
        ],
    );
    let _ = std::fs::remove_file(&probe_path);
    let _ = std::fs::remove_file(&frame_path);
    let raw = dom
        .split("data-probe=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or_else(|| panic!("no probe in the DOM of {page}: {dom}"))
        .replace("&quot;", "\"")
        .replace("&amp;", "&");
    serde_json::from_str(&raw).unwrap()
}

fn num(v: &Value) -> i64 {
    v.as_i64()
        .unwrap_or_else(|| v.as_f64().map(|f| f as i64).unwrap_or(i64::MIN))
}

fn built_example() -> HandbookTest {
    let t = HandbookTest::example();
    t.run(&["build", "--quiet", "--today", TODAY])
        .assert_code(0);
    t
}

/// On a phone a runbook's title and the start of its first step are on
/// the first screen; nothing scrolls sideways; the site title is whole.
#[test]
fn a_phone_shows_the_title_and_the_first_paragraph_above_the_fold() {
    let Some(chromium) =
        chromium_or_skip("a_phone_shows_the_title_and_the_first_paragraph_above_the_fold")
    else {
        return;
    };
    let t = built_example();
    let site = t.path("book");
    for page in PAGES {
        for dark in [false, true] {
            let p = measure(&chromium, &site, page, "390,844", dark);
            eprintln!("{page} dark={dark}: {p}");
            let fold = num(&p["fold"]);
            assert_eq!(fold, 844, "{page}: {p}");
            assert!(
                num(&p["scrollWidth"]) <= num(&p["width"]),
                "{page} scrolls sideways at 390 px: {p}"
            );
            assert!(
                num(&p["h1"]["bottom"]) <= fold,
                "{page}: title below the fold: {p}"
            );
            // At least two lines of the first paragraph are on screen.
            let two_lines =
                num(&p["para"]["top"]) + (2.0 * p["lineHeight"].as_f64().unwrap()) as i64;
            assert!(
                two_lines <= fold,
                "{page}: first paragraph below the fold: {p}"
            );
            assert_eq!(p["wrappedDates"], serde_json::json!([]), "{page}: {p}");
            // The metadata is one line of owners and review state; the rest
            // waits behind a closed disclosure.
            assert_eq!(p["details"], Value::Bool(false), "{page}: {p}");
            assert!(
                num(&p["metaLine"]["bottom"]) - num(&p["metaLine"]["top"]) <= 80,
                "{page}: the metadata line is tall: {p}"
            );
            // "On this page" is a closed line, not a list pushing the body down.
            if let Some(toc) = p["toc"].as_object() {
                assert_eq!(toc["open"], Value::Bool(false), "{page}: {p}");
            }
            // The findings fold to their summary line (count in view).
            assert_ne!(p["findingsOpen"], Value::Bool(true), "{page}: {p}");
            // The title is not cut: it wraps instead of overflowing.
            assert!(num(&p["titleScroll"]) <= 0, "{page}: site title cut: {p}");
        }
    }
}

/// On a laptop the table of contents is a column right of the text, dates
/// stay on one line, heading anchors wait for the pointer, code blocks
/// have copy buttons, and the sidebar is one tree with kind filters.
#[test]
fn a_laptop_shows_the_table_of_contents_beside_the_text() {
    let Some(chromium) = chromium_or_skip("a_laptop_shows_the_table_of_contents_beside_the_text")
    else {
        return;
    };
    let t = built_example();
    let site = t.path("book");
    let mut with_toc = 0;
    let mut code_blocks = 0;
    for page in PAGES {
        let p = measure(&chromium, &site, page, "1280,900", false);
        eprintln!("{page}: {p}");
        assert!(
            num(&p["scrollWidth"]) <= num(&p["width"]),
            "{page} scrolls sideways at 1280 px: {p}"
        );
        assert_eq!(p["wrappedDates"], serde_json::json!([]), "{page}: {p}");
        assert!(num(&p["h1"]["bottom"]) <= num(&p["fold"]), "{page}: {p}");
        if let Some(toc) = p["toc"].as_object() {
            with_toc += 1;
            assert_eq!(toc["open"], Value::Bool(true), "{page}: {p}");
            let nav = &toc["nav"];
            assert!(
                num(&nav["left"]) >= num(&p["content"]["right"]),
                "{page}: the table of contents is not right of the text: {p}"
            );
            assert!(num(&nav["top"]) < num(&p["fold"]), "{page}: {p}");
        }
        if !p["anchorOpacity"].is_null() {
            assert_eq!(
                p["anchorOpacity"], "0",
                "{page}: heading anchors always shown: {p}"
            );
        }
        assert_eq!(p["copyButtons"], p["pres"], "{page}: {p}");
        code_blocks += num(&p["pres"]);
        if num(&p["pres"]) > 0 {
            assert!(
                p["copyLabel"] == "Copied" || p["copyLabel"] == "Press Ctrl+C",
                "{page}: the copy button did not answer: {p}"
            );
        }
        assert_eq!(
            p["sidebarHeadings"],
            serde_json::json!([]),
            "one sidebar: {p}"
        );
        assert!(num(&p["kindFilters"]) >= 5, "{page}: {p}");
    }
    assert!(
        with_toc >= 3,
        "too few pages with a table of contents to test it"
    );
    assert!(code_blocks > 0, "no code block to test the copy buttons on");
    // Listings: their date columns do not break a date over two lines.
    for page in ["kinds/runbook.html", "kinds/adr.html", "health.html"] {
        let p = measure(&chromium, &site, page, "1280,900", false);
        assert_eq!(p["wrappedDates"], serde_json::json!([]), "{page}: {p}");
        assert!(
            num(&p["scrollWidth"]) <= num(&p["width"]),
            "{page} scrolls sideways: {p}"
        );
    }
}

/// The kind filters list only kinds that have pages: a handbook of guides
/// gets one filter, not five empty ones.
#[test]
fn kind_filters_leave_out_kinds_without_pages() {
    let Some(chromium) = chromium_or_skip("kind_filters_leave_out_kinds_without_pages") else {
        return;
    };
    let t = HandbookTest::with_pages(
        "Guides only",
        &[
            ("index.md", "# Home\n\nWelcome.\n"),
            ("one.md", "# One\n\nText.\n"),
            ("two.md", "# Two\n\nText.\n"),
        ],
    );
    t.run(&["build", "--quiet", "--today", TODAY]);
    let p = measure(&chromium, &t.path("book"), "one.html", "1280,900", false);
    assert_eq!(num(&p["kindFilters"]), 1, "{p}");
}
