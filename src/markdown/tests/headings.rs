//! Heading ids and anchors, the ids other generators write, layout ids
//! kept free, and the table of contents.

use super::*;

#[test]
fn headings_get_slug_ids_and_anchors() {
    let r = render("# Payments failover\n\n## Rollback (v2): DB & Cache\n");
    assert_eq!(ids(&r), ["payments-failover", "rollback-v2-db--cache"]);
    assert!(r.html.contains(
        "<h1 id=\"payments-failover\">Payments failover <a class=\"anchor\" \
         href=\"#payments-failover\" aria-hidden=\"true\" tabindex=\"-1\">#</a></h1>"
    ));
    assert_eq!(r.first_h1.as_deref(), Some("Payments failover"));
    assert_eq!(r.headings[1].level, 2);
    assert_eq!(r.headings[1].text, "Rollback (v2): DB & Cache");
}

#[test]
fn custom_heading_ids_are_kept_and_reserved() {
    let r = render("## Rollback {#rollback}\n\n## Steps\n\n## Roll back {#steps}\n");
    // The custom `{#steps}` is reserved, so the earlier "Steps" slug moves aside.
    assert_eq!(ids(&r), ["rollback", "steps-1", "steps"]);
    assert!(r.html.contains("<h2 id=\"rollback\">Rollback <a"));
    assert_eq!(r.headings[0].text, "Rollback");
}

#[test]
fn duplicate_headings_are_numbered() {
    let r = render("# Foo\n## Foo\n### Foo\n## Foo 1\n## `code` *em*\n## !!!\n");
    assert_eq!(
        ids(&r),
        ["foo", "foo-1", "foo-2", "foo-1-1", "code-em", "section"]
    );
    assert_eq!(r.headings[4].text, "code em");
}

#[test]
fn setext_and_inline_markup_headings() {
    let r = render("Title\n=====\n\nSub *title*\n---\n");
    assert_eq!(ids(&r), ["title", "sub-title"]);
    assert_eq!(r.first_h1.as_deref(), Some("Title"));
    assert_eq!((r.headings[1].line, r.headings[1].column), (4, 1));
}

#[test]
fn no_h1_means_no_first_h1() {
    assert_eq!(render("## Only h2\n").first_h1, None);
    assert_eq!(render("").first_h1, None);
}

#[test]
fn headings_move_off_layout_ids_and_links_follow() {
    let r = render(
        "[c](#content) [s](#sidebar) [o](other.md#content) [h](other.html#sidebar) [k](#keep)\n\n## Content\n\n## Sidebar {#sidebar}\n\n## Content\n\n## Keep\n",
    );
    assert_eq!(ids(&r), ["content-1", "sidebar-1", "content-2", "keep"]);
    let aliases: Vec<_> = r
        .headings
        .iter()
        .map(|h| h.aliases.first().map(String::as_str))
        .collect();
    assert_eq!(aliases, [Some("content"), Some("sidebar"), None, None]);
    // The paragraph of links comes first, the headings' `#` anchors after.
    assert_eq!(
        hrefs(&r.html)[..5],
        [
            "#content-1",
            "#sidebar-1",
            "other.html#content-1",
            "other.html#sidebar-1",
            "#keep"
        ]
    );
}

/// Every id written literally in the templates a content page is made of is
/// in [`LAYOUT_IDS`], so a new theme id cannot silently clash with headings.
#[test]
fn layout_ids_match_the_default_theme() {
    let templates = [
        include_str!("../../../themes/default/templates/base.html"),
        include_str!("../../../themes/default/templates/page.html"),
        include_str!("../../../themes/default/templates/macros.html"),
    ];
    let mut found: Vec<&str> = templates
        .iter()
        .flat_map(|t| t.split(" id=\"").skip(1))
        .filter_map(|s| s.split('"').next())
        .filter(|id| !id.contains("{{"))
        .collect();
    found.sort_unstable();
    let mut expected = LAYOUT_IDS.to_vec();
    expected.sort_unstable();
    assert_eq!(found, expected);
}

#[test]
fn toc_markers_become_nested_lists_of_heading_links() {
    for marker in ["[[_TOC_]]", "[TOC]", "[toc]"] {
        let r = render(&format!(
            "# Test page\n\nIntro.\n\n{marker}\n\n## Setup & run\n\n### Build\n\n### Test\n\n## Rollback\n"
        ));
        assert!(
            r.html.trim_start().starts_with(
                "<p>Intro.</p>\n<ul class=\"markdown-toc\">\n\
                 <li><a href=\"#setup--run\">Setup &amp; run</a>\n\
                 <ul>\n<li><a href=\"#build\">Build</a></li>\n\
                 <li><a href=\"#test\">Test</a></li>\n</ul>\n</li>\n\
                 <li><a href=\"#rollback\">Rollback</a></li>\n</ul>\n<h2 id=\"setup--run\">"
            ),
            "{marker}: {}",
            r.html
        );
        assert!(!r.html.contains(marker), "{}", r.html);
        assert!(!r.text.contains(marker), "{}", r.text);
        // Every TOC link is a heading id of the page; the title H1 is left out.
        let toc_end = r.html.find("<h2").unwrap_or(0);
        assert_eq!(
            hrefs(&r.html[..toc_end]),
            ["#setup--run", "#build", "#test", "#rollback"]
        );
    }
}

#[test]
fn toc_follows_moved_ids_and_uneven_levels() {
    let r = render("[TOC]\n\n### Deep\n\n## Content\n\n#### Deeper\n\n## Other {#custom}\n");
    let toc_end = r.html.find("<h3").unwrap_or(0);
    let toc = &r.html[..toc_end];
    assert_eq!(hrefs(toc), ["#deep", "#content-1", "#deeper", "#custom"]);
    assert_eq!(
        toc.matches("<ul").count(),
        toc.matches("</ul>").count(),
        "{toc}"
    );
    assert_eq!(
        toc.matches("<li>").count(),
        toc.matches("</li>").count(),
        "{toc}"
    );
}

#[test]
fn toc_markers_in_code_or_with_other_text_stay_text() {
    let r = render(concat!(
        "```\n[[_TOC_]]\n```\n\n",
        "    [TOC]\n\n",
        "`[TOC]`\n\n",
        "See [TOC] here.\n\n",
        "## Heading\n"
    ));
    assert!(!r.html.contains("markdown-toc"), "{}", r.html);
    assert!(r.html.contains("[[_TOC_]]\n</code></pre>"), "{}", r.html);
    assert!(r.html.contains("<code>[TOC]</code>"), "{}", r.html);
    assert!(r.html.contains("<p>See [TOC] here.</p>"), "{}", r.html);
}

#[test]
fn toc_marker_on_a_page_without_headings_leaves_nothing() {
    let r = render("Text.\n\n[[_TOC_]]\n");
    assert_eq!(&*r.html, "<p>Text.</p>\n");
}

#[test]
fn headings_answer_to_gitlab_hugo_and_goldmark_ids() {
    let r = render(
        "## Fail over -- steps\n\n## Rollback (café checks)\n\n## Fail over -- steps\n\n\
         See [steps](#fail-over-steps) and [café](#rollback-caf-checks).\n",
    );
    assert_eq!(
        ids(&r),
        [
            "fail-over----steps",
            "rollback-café-checks",
            "fail-over----steps-1"
        ]
    );
    assert_eq!(r.headings[0].aliases, ["fail-over-steps"]);
    assert_eq!(r.headings[1].aliases, ["rollback-caf-checks"]);
    // The repeat is numbered in each style, as each generator does.
    assert_eq!(r.headings[2].aliases, ["fail-over-steps-1"]);
    assert!(
        r.html.contains("<span id=\"fail-over-steps\"></span>"),
        "{}",
        r.html
    );
    // On the page, links to another style's id point at the real one.
    let h = hrefs(&r.html);
    assert!(h.contains(&"#fail-over----steps"), "{h:?}");
    assert!(h.contains(&"#rollback-café-checks"), "{h:?}");
}

#[test]
fn other_slug_styles() {
    assert_eq!(slugify_gitlab("A -- B"), "a-b");
    assert_eq!(slugify_hugo("Café_x (v2)"), "café_x-v2");
    assert_eq!(slugify_goldmark("Café_x (v2)"), "caf-x-v2");
    // An alias never takes another heading's id or a layout id.
    let r = render("## A -- B\n\n## a-b\n\n## Content!\n");
    assert_eq!(ids(&r), ["a----b", "a-b", "content-1"]);
    assert!(
        r.headings[0].aliases.is_empty(),
        "{:?}",
        r.headings[0].aliases
    );
    assert_eq!(r.headings[2].aliases, ["content"]);
}
