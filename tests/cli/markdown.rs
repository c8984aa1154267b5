//! Markdown as real handbooks write it: MADR placeholders, raw HTML anchors,
//! GOV.UK `.html.md` and Hugo `_index.md` pages, folder links, and headings
//! that would clash with the layout's own ids.

use crate::harness::{assert_links_resolve, of_rule, HandbookTest};

/// A handbook with a `src/` folder holding `pages`.
fn handbook(pages: &[(&str, &str)]) -> HandbookTest {
    HandbookTest::with_pages("Markdown", pages)
}

#[test]
fn placeholder_headings_keep_their_text() {
    let t = handbook(&[(
        "adr/template.md",
        "---\ntitle: Template\n---\n\n# {short title of solved problem and solution}\n\n### {title of option 1}\n\n## Real {#real .wide onclick=alert(1)}\n\n```\n# {not a heading}\n```\n",
    )]);
    t.build_ok();
    let main = t.main_html("book/adr/template.html");
    assert!(
        main.contains("{short title of solved problem and solution}"),
        "{main}"
    );
    assert!(main.contains("{title of option 1}"), "{main}");
    assert!(!main.contains(r#"short="""#), "{main}");
    assert!(
        main.contains(r#"id="short-title-of-solved-problem-and-solution""#),
        "{main}"
    );
    assert!(main.contains(r#"id="title-of-option-1""#), "{main}");
    assert!(
        main.contains(r#"<h2 id="real" class="wide">Real"#),
        "{main}"
    );
    assert!(!main.contains("onclick"), "{main}");
    assert!(main.contains("# {not a heading}"), "{main}");
}

#[test]
fn raw_html_ids_and_names_are_link_targets() {
    let t = handbook(&[
        (
            "adr.md",
            "---\ntitle: ADR\n---\n\nSee [Intro](#introduction), [box](#box), [inline](#inline-anchor) and [fake](#fake).\n\n<h2><a name=\"introduction\">Introduction</a></h2>\n\n<div class=\"note\"\n  id=\"box\">\nBoxed.\n</div>\n\nText <a name=\"inline-anchor\"></a> here.\n\n```html\n<a name=\"fake\"></a>\n```\n",
        ),
        (
            "other.md",
            "---\ntitle: Other\n---\n\n[box](adr.md#box) and [intro](adr.html#introduction).\n",
        ),
    ]);
    let (_, findings) = t.check_json();
    assert!(of_rule(&findings, "link-broken").is_empty(), "{findings:?}");
    let broken = of_rule(&findings, "anchor-broken");
    assert_eq!(broken.len(), 1, "{findings:?}");
    assert!(broken[0].message.contains("#fake"), "{broken:?}");
    assert_eq!(broken[0].path, "src/adr.md");
}

#[test]
fn html_md_pages_build_to_single_html() {
    let t = handbook(&[
        (
            "manual/index.html.md",
            "---\ntitle: Manual\n---\n\nSee [on call](on-call.html.md), [its pager](on-call.html#pager) and [home](../index.md).\n",
        ),
        ("manual/on-call.html.md", "---\ntitle: On call\n---\n\n## Pager\n"),
        ("index.md", "---\ntitle: Home\n---\n\nThe [manual](manual/) and [on call](manual/on-call.html.md#pager).\n"),
    ]);
    let (_, findings) = t.check_json();
    assert_links_resolve(&findings);
    t.build_ok();
    assert!(t.exists("book/manual/on-call.html"));
    assert!(!t.exists("book/manual/on-call.html.html"));
    assert!(!t.exists("book/manual/index.html.html"));
    let manual = t.main_html("book/manual/index.html");
    assert!(manual.contains(r#"href="on-call.html""#), "{manual}");
    assert!(manual.contains(r#"href="on-call.html#pager""#), "{manual}");
    let home = t.main_html("book/index.html");
    assert!(home.contains(r#"href="manual/index.html""#), "{home}");
    assert!(
        home.contains(r#"href="manual/on-call.html#pager""#),
        "{home}"
    );
    assert_eq!(
        t.catalog_page("src/manual/on-call.html.md")["url"],
        "manual/on-call.html"
    );
}

#[test]
fn hugo_index_pages_are_folder_index_guides() {
    let t = handbook(&[
        (
            "runbooks/_index.md",
            "---\ntitle: Runbooks\n---\n\nAll our runbooks.\n",
        ),
        (
            "index.md",
            "---\ntitle: Home\n---\n\nThe [runbooks](runbooks/).\n",
        ),
        (
            "both/index.md",
            "---\ntitle: Index wins\n---\n\nFrom index.md.\n",
        ),
        (
            "both/_index.md",
            "---\ntitle: Hugo index\n---\n\nFrom _index.md.\n",
        ),
    ]);
    let (_, findings) = t.check_json();
    let in_runbooks: Vec<_> = findings
        .iter()
        .filter(|f| f.path == "src/runbooks/_index.md" && f.rule.starts_with("runbook"))
        .collect();
    assert!(in_runbooks.is_empty(), "{in_runbooks:?}");
    t.build_ok();
    assert!(!t.exists("book/runbooks/_index.html"));
    assert!(t
        .main_html("book/runbooks/index.html")
        .contains("All our runbooks."));
    let page = t.catalog_page("src/runbooks/_index.md");
    assert_eq!(page["kind"], "guide", "{page}");
    assert_eq!(page["url"], "runbooks/index.html", "{page}");
    let home = t.main_html("book/index.html");
    assert!(home.contains(r#"href="runbooks/index.html""#), "{home}");
    // As with README.md + index.md: one folder, one index.html, the last
    // page by path (index.md sorts after _index.md) every time.
    assert!(t
        .main_html("book/both/index.html")
        .contains("From index.md."));
    // The catalog lists the page the site shows, not the one it replaces.
    let catalog: serde_json::Value = serde_json::from_str(&t.read("book/handbook.json")).unwrap();
    let sources: Vec<&str> = catalog["pages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["url"] == "both/index.html")
        .map(|p| p["path"].as_str().unwrap())
        .collect();
    assert_eq!(sources, ["src/both/index.md"]);
}

#[test]
fn folder_links_without_slash_point_at_the_index_page() {
    let t = handbook(&[
        ("monorepo-vs-multirepo/index.md", "---\ntitle: Repos\n---\n\n## Trade-offs\n"),
        ("adr/README.md", "---\ntitle: ADRs\n---\n\nDecisions.\n"),
        ("assets/plain", "not a folder"),
        (
            "guide.md",
            "---\ntitle: Guide\n---\n\n[x](monorepo-vs-multirepo) [y](monorepo-vs-multirepo#trade-offs) [z](adr?tab=1) [w](assets/plain)\n",
        ),
    ]);
    let (_, findings) = t.check_json();
    assert_links_resolve(&findings);
    t.build_ok();
    let main = t.main_html("book/guide.html");
    for href in [
        r#"href="monorepo-vs-multirepo/index.html""#,
        r#"href="monorepo-vs-multirepo/index.html#trade-offs""#,
        r#"href="adr/index.html?tab=1""#,
        r#"href="assets/plain""#,
    ] {
        assert!(main.contains(href), "no {href} in\n{main}");
    }
}

#[test]
fn headings_never_take_the_layouts_ids() {
    let t = handbook(&[
        (
            "page.md",
            "---\ntitle: Page\n---\n\nJump to [content](#content).\n\n## Content\n\nBody.\n\n## Sidebar\n",
        ),
        ("other.md", "---\ntitle: Other\n---\n\nSee [its sidebar](page.md#sidebar).\n"),
    ]);
    let (_, findings) = t.check_json();
    assert!(
        of_rule(&findings, "anchor-broken").is_empty(),
        "{findings:?}"
    );
    t.build_ok();
    let html = t.read("book/page.html");
    for id in ["content", "sidebar"] {
        let n = html.matches(&format!(r#"id="{id}""#)).count();
        assert_eq!(n, 1, "id {id} used {n} times:\n{html}");
    }
    let main = t.main_html("book/page.html");
    assert!(main.contains(r#"<h2 id="content-1">Content"#), "{main}");
    assert!(
        main.contains(r##"href="#content-1">content</a>"##),
        "{main}"
    );
    let other = t.main_html("book/other.html");
    assert!(other.contains(r#"href="page.html#sidebar-1""#), "{other}");
}

#[test]
fn code_in_banner_and_finding_texts_is_shown_as_code() {
    let t = handbook(&[
        (
            "unowned.md",
            "---\ntitle: Unowned\nreviewed: 2026-10-01\n---\n\nText.\n",
        ),
        (
            "odd.md",
            "---\ntitle: Odd\nowners: [\"<b>x</b>\"]\nreviewed: 2026-10-01\n---\n\nText.\n",
        ),
    ]);
    t.write(
        "owners.yaml",
        "teams:\n  sre:\n    name: SRE\n    members: [alice, bob]\n",
    );
    t.build_ok();
    let main = t.main_html("book/unowned.html");
    assert!(
        main.contains("add <code>owners:</code> to its frontmatter"),
        "{main}"
    );
    assert!(main.contains("page has no <code>owners</code>"), "{main}");
    assert!(
        main.contains("help: add <code>owners: [team-id]</code>"),
        "{main}"
    );
    assert!(!main.contains('`'), "{main}");
    let main = t.main_html("book/odd.html");
    assert!(
        main.contains("owner <code>&lt;b&gt;x&lt;/b&gt;</code> is not in"),
        "{main}"
    );
    assert!(!main.contains("<b>x"), "{main}");
    // `check` prints the texts as written.
    let r = t.run(&["check", "--today", crate::harness::TODAY]);
    assert!(r.stderr.contains("page has no `owners`"), "{}", r.stderr);
}

#[test]
fn a_body_h1_repeating_the_title_is_shown_once() {
    let t = handbook(&[
        (
            "same.md",
            "---\ntitle: Payments failover\n---\n\n# Payments failover\n\nSteps.\n",
        ),
        ("untitled.md", "# Only heading\n\nBody.\n"),
        (
            "other.md",
            "---\ntitle: Other\n---\n\n# Something else\n\nSee [it](same.md#payments-failover).\n",
        ),
        (
            "later.md",
            "---\ntitle: Later\n---\n\nIntro first.\n\n# Later\n",
        ),
    ]);
    let (_, findings) = t.check_json();
    assert!(
        of_rule(&findings, "anchor-broken").is_empty(),
        "{findings:?}"
    );
    t.build_ok();
    let h1s = |rel: &str| t.main_html(rel).matches("<h1").count();
    let main = t.main_html("book/same.html");
    assert_eq!(h1s("book/same.html"), 1, "{main}");
    assert!(
        main.contains(r#"<h1 id="payments-failover">Payments failover</h1>"#),
        "{main}"
    );
    assert!(main.contains("Steps."), "{main}");
    assert_eq!(
        h1s("book/untitled.html"),
        1,
        "{}",
        t.main_html("book/untitled.html")
    );
    assert_eq!(t.catalog_page("src/untitled.md")["title"], "Only heading");
    // A different H1, or one after other content, is the author's: kept.
    assert_eq!(h1s("book/other.html"), 2);
    assert_eq!(h1s("book/later.html"), 2);
}

#[test]
fn github_and_gitlab_markdown_toc_autolinks_and_alerts() {
    let t = handbook(&[(
        "runbooks/failover.md",
        "---\ntitle: Failover\n---\n\n[[_TOC_]]\n\n## Detect\n\nDashboards: https://grafana.example.org/d/db, www.example.org/status.\n\n\
         > [!WARNING]\n> Page the DB owner first (https://wiki.example.org/Pager_(db)).\n\n\
         ## Mitigate\n\n### Promote the replica\n\n> [!tip]\n> Ask <oncall@example.org>.\n\n\
         > A plain quote.\n\n`[TOC]` and `https://in.code/x` stay code.\n",
    )]);
    let (_, findings) = t.check_json();
    // Bare URLs are external: `www.example.org/status` is not a broken relative link.
    assert_links_resolve(&findings);
    t.build_ok();
    let main = t.main_html("book/runbooks/failover.html");
    assert!(!main.contains("[[_TOC_]]"), "{main}");
    assert!(!main.contains("[!"), "{main}");
    // The table of contents, where the marker was, links to the headings' ids.
    let toc_at = main
        .find(r#"<ul class="markdown-toc">"#)
        .unwrap_or_else(|| panic!("no TOC: {main}"));
    let toc = &main[toc_at
        ..main[toc_at..]
            .find("</ul>\n</li>\n</ul>")
            .map_or(main.len(), |e| toc_at + e)];
    let targets: Vec<&str> = toc
        .split("href=\"#")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect();
    assert_eq!(
        targets,
        ["detect", "mitigate", "promote-the-replica"],
        "{toc}"
    );
    for id in &targets {
        assert!(
            main.contains(&format!("id=\"{id}\"")),
            "#{id} has no target: {main}"
        );
    }
    assert!(toc_at < main.find("id=\"detect\"").unwrap_or(0), "{main}");
    // Autolinks, trailing punctuation and the unbalanced `)` left out.
    assert!(
        main.contains(
            r#"<a href="https://grafana.example.org/d/db">https://grafana.example.org/d/db</a>, "#
        ),
        "{main}"
    );
    assert!(
        main.contains(r#"<a href="http://www.example.org/status">www.example.org/status</a>.</p>"#),
        "{main}"
    );
    assert!(
        main.contains(r#"(<a href="https://wiki.example.org/Pager_(db)">https://wiki.example.org/Pager_(db)</a>).</p>"#),
        "{main}"
    );
    assert!(
        main.contains(r#"<a href="mailto:oncall@example.org">"#),
        "{main}"
    );
    assert!(main.contains("<code>https://in.code/x</code>"), "{main}");
    assert!(main.contains("<code>[TOC]</code>"), "{main}");
    // Alerts are callouts; a plain quote stays a quote.
    assert!(
        main.contains("<div class=\"callout callout-warning\" role=\"note\">\n<p class=\"callout-title\">Warning</p>"),
        "{main}"
    );
    assert!(
        main.contains("<div class=\"callout callout-tip\" role=\"note\">"),
        "{main}"
    );
    assert!(
        main.contains("<blockquote>\n<p>A plain quote.</p>"),
        "{main}"
    );
}

/// Every `id="…"` in `html`.
fn ids_of(html: &str) -> Vec<&str> {
    html.split(" id=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect()
}

/// Every `href="#…"` in `html`, without the `#`.
fn fragment_hrefs(html: &str) -> Vec<&str> {
    html.split("href=\"#")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect()
}

#[test]
fn footnotes_link_both_ways_with_unique_ids() {
    let t = handbook(&[(
        "notes.md",
        concat!(
            "---\ntitle: Notes\n---\n\n",
            "Latency[^slo] is bounded[^my note]; see the SLO[^slo] again ",
            "and a [^missing] one.\n\n",
            "## Details\n\nUnicode[^größe] and hash[^#2].\n\n",
            "[^my note]: A label with a space.\n",
            "[^slo]: The service level objective.\n",
            "[^größe]: Size.\n",
            "[^#2]: A hash label.\n",
        ),
    )]);
    t.build_ok();
    let main = t.main_html("book/notes.html");
    // Numbered by first reference: slo 1, "my note" 2, größe 3, #2 4.
    for (n, note) in [
        (1, "fn-slo"),
        (2, "fn-my-note"),
        (3, "fn-größe"),
        (4, "fn-2"),
    ] {
        assert!(
            main.contains(&format!("<a href=\"#{note}\" id=\"fnref-")),
            "{note} in {main}"
        );
        assert!(
            main.contains(&format!("aria-label=\"Back to reference {n}\"")),
            "{n} in {main}"
        );
    }
    let section = &main[main.find("<section class=\"footnotes\"").expect(&main)..];
    let order: Vec<usize> = ["fn-slo", "fn-my-note", "fn-größe", "fn-2"]
        .iter()
        .map(|id| section.find(&format!("<li id=\"{id}\"")).expect(section))
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{section}");
    // Two references to one note: two reference ids, two back-links.
    let refs = main.matches("class=\"footnote-ref\"").count();
    let backrefs = main.matches("class=\"footnote-backref\"").count();
    assert_eq!((refs, backrefs), (5, 5), "{main}");
    assert!(main.contains("id=\"fnref-slo-2\""), "{main}");
    assert!(
        main.contains("aria-label=\"Back to reference 1-2\""),
        "{main}"
    );
    // The undefined reference is left as text.
    assert!(main.contains("a [^missing] one"), "{main}");
    // Ids are unique and every in-page link lands on one.
    let ids = ids_of(&main);
    let unique: std::collections::HashSet<&str> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "duplicate ids: {ids:?}");
    for href in fragment_hrefs(&main) {
        assert!(unique.contains(href), "#{href} has no target in {main}");
    }
}

#[test]
fn task_lists_show_disabled_checkboxes_without_bullets() {
    let t = handbook(&[(
        "todo.md",
        "---\ntitle: Todo\n---\n\n- [ ] write the runbook\n- [x] page the owner\n- an ordinary item\n",
    )]);
    t.build_ok();
    let main = t.main_html("book/todo.html");
    assert!(main.contains("<ul class=\"contains-task-list\">"), "{main}");
    assert!(
        main.contains("<li class=\"task-list-item\"><input disabled=\"\" type=\"checkbox\"/>\nwrite the runbook</li>"),
        "{main}"
    );
    assert!(
        main.contains("<li class=\"task-list-item\"><input disabled=\"\" type=\"checkbox\" checked=\"\"/>\npage the owner</li>"),
        "{main}"
    );
    assert!(main.contains("<li>an ordinary item</li>"), "{main}");
    // The theme hides bullets only on task items (appended section).
    let css = t.read("book/static/style.css");
    let ours = &css[css
        .find("/* Content features: footnotes, task lists, tables (issue 16) */")
        .expect("the content-features section")..];
    assert!(
        ours.contains(".contains-task-list > li.task-list-item { list-style: none; }"),
        "{ours}"
    );
    assert!(!ours.contains(".contains-task-list > li {"), "{ours}");
    assert!(!ours.contains(".contains-task-list { list-style"), "{ours}");
}

#[test]
fn wide_tables_scroll_and_their_code_does_not_break() {
    let t = handbook(&[(
        "wide.md",
        "---\ntitle: Wide\n---\n\n| flag | meaning |\n|---|---|\n| `--max-connections-per-upstream-host` | a long one |\n",
    )]);
    t.build_ok();
    let main = t.main_html("book/wide.html");
    assert!(
        main.contains("<div class=\"md-table-wrap\" tabindex=\"0\">\n<table>"),
        "{main}"
    );
    assert!(main.contains("</table>\n</div>"), "{main}");
    let css = t.read("book/static/style.css");
    let ours = &css[css
        .find("/* Content features: footnotes, task lists, tables (issue 16) */")
        .expect("the content-features section")..];
    assert!(
        ours.contains(".content .md-table-wrap { max-width: 100%; overflow-x: auto;"),
        "{ours}"
    );
    assert!(
        ours.contains(".content :is(td, th) code { white-space: nowrap; overflow-wrap: normal; word-break: normal; }"),
        "{ours}"
    );
}

/// In a browser, with the default theme: task items show no bullet while
/// the ordinary item beside them keeps its own, a wide table scrolls in its
/// wrapper, and inline code in a cell stays on one line.
#[test]
fn browser_shows_task_lists_and_wide_tables_as_intended() {
    let Some(chromium) =
        crate::harness::chromium_or_skip("browser_shows_task_lists_and_wide_tables_as_intended")
    else {
        return;
    };
    let long = "--max-connections-per-upstream-host-before-the-circuit-breaker-opens";
    let t = handbook(&[(
        "look.md",
        &format!(
            concat!(
                "---\ntitle: Look\n---\n\n",
                "- [ ] todo\n- [x] done\n- plain\n\n",
                "| flag | default | meaning |\n|---|---|---|\n",
                "| `{long}` | `{long}` | `{long}` and more words here |\n\n",
                "<pre id=\"probe\"></pre>\n\n",
                "<script>addEventListener('load', function () {{\n",
                "var li = document.querySelectorAll('.content li');\n",
                "var wrap = document.querySelector('.md-table-wrap');\n",
                "var code = document.querySelector('.md-table-wrap td code');\n",
                "var style = function (e, p) {{ return getComputedStyle(e).getPropertyValue(p); }};\n",
                "document.getElementById('probe').textContent = JSON.stringify({{\n",
                "  bullets: Array.prototype.map.call(li, function (e) {{ return style(e, 'list-style-type'); }}),\n",
                "  scrolls: wrap.scrollWidth > wrap.clientWidth,\n",
                "  overflow: style(wrap, 'overflow-x'),\n",
                "  code_lines: code.getClientRects().length,\n",
                "  code_height: Math.round(code.getBoundingClientRect().height),\n",
                "  line_height: Math.round(parseFloat(style(code, 'line-height')) || 0),\n",
                "  font_size: Math.round(parseFloat(style(code, 'font-size')))\n",
                "}});\n}});</script>\n",
            ),
            long = long
        ),
    )]);
    t.build_ok();
    let url = format!("file://{}", t.path("book/look.html").display());
    let dom = crate::search::dump_dom(&chromium, &url);
    let json = dom
        .split("<pre id=\"probe\">")
        .nth(1)
        .and_then(|s| s.split("</pre>").next())
        .unwrap_or_else(|| panic!("no probe in {dom}"));
    let json = json.replace("&quot;", "\"");
    let v: serde_json::Value =
        serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"));
    assert_eq!(
        v["bullets"],
        serde_json::json!(["none", "none", "disc"]),
        "{v}"
    );
    assert_eq!(v["overflow"], "auto", "{v}");
    assert_eq!(v["scrolls"], true, "the wide table scrolls in its box: {v}");
    assert_eq!(v["code_lines"], 1, "{v}");
    // One line high: the code did not wrap inside its word.
    let height = v["code_height"].as_u64().unwrap_or(0);
    let font = v["font_size"].as_u64().unwrap_or(16);
    assert!(height < font * 2 + 8, "code wrapped: {v}");
}
