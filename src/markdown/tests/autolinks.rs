//! Bare URLs and email addresses become links.

use super::*;

#[test]
fn bare_urls_become_links() {
    let r = render(
        "See https://example.org/x and http://localhost:8080/a?b=1#c or www.example.org/docs.\n",
    );
    assert_eq!(
        anchors(&r.html),
        [
            ("https://example.org/x", "https://example.org/x"),
            (
                "http://localhost:8080/a?b=1#c",
                "http://localhost:8080/a?b=1#c"
            ),
            ("http://www.example.org/docs", "www.example.org/docs"),
        ]
    );
    assert!(
        r.html.ends_with("www.example.org/docs</a>.</p>\n"),
        "{}",
        r.html
    );
    // External: nothing for link checking.
    assert!(r.links.is_empty(), "{:?}", r.links);
    assert_eq!(
        r.text,
        "See https://example.org/x and http://localhost:8080/a?b=1#c or www.example.org/docs."
    );
}

#[test]
fn autolinks_leave_out_trailing_punctuation_and_unbalanced_parens() {
    let cases = [
        ("https://a.org/x.", "https://a.org/x"),
        ("https://a.org/x,", "https://a.org/x"),
        ("https://a.org/x:", "https://a.org/x"),
        ("https://a.org/x;", "https://a.org/x"),
        ("https://a.org/x!", "https://a.org/x"),
        ("https://a.org/x?", "https://a.org/x"),
        ("https://a.org/x?!.", "https://a.org/x"),
        ("(https://a.org/x)", "https://a.org/x"),
        (
            "(https://en.wikipedia.org/wiki/Foo_(bar))",
            "https://en.wikipedia.org/wiki/Foo_(bar)",
        ),
        ("https://a.org/x))", "https://a.org/x"),
        ("https://a.org/(x)", "https://a.org/(x)"),
        ("*https://a.org/em*", "https://a.org/em"),
        ("HTTPS://A.ORG/up", "HTTPS://A.ORG/up"),
    ];
    for (input, link) in cases {
        let r = render(&format!("Go {input} now.\n"));
        let got: Vec<&str> = anchors(&r.html).into_iter().map(|(_, t)| t).collect();
        assert_eq!(got, [link], "{input}: {}", r.html);
    }
}

#[test]
fn autolinks_skip_code_links_html_and_non_urls() {
    let r = render(concat!(
        "`https://in.code/span`\n\n",
        "```\nhttps://in.code/block\n```\n\n",
        "[https://text.org](https://dest.org) ![www.alt.org](img.png)\n\n",
        "<https://angle.org> <name@example.org>\n\n",
        "<a href=\"https://raw.org\">https://raw.org/text</a> after https://after.org\n\n",
        "xhttps://glued.org www. https:// http://a_b.c_d www.a.b_c\n"
    ));
    assert!(
        r.html.contains("<code>https://in.code/span</code>"),
        "{}",
        r.html
    );
    assert!(
        r.html.contains("https://in.code/block\n</code>"),
        "{}",
        r.html
    );
    assert_eq!(
        anchors(&r.html),
        [
            ("https://dest.org", "https://text.org"),
            ("https://angle.org", "https://angle.org"),
            ("mailto:name@example.org", "name@example.org"),
            ("https://raw.org", "https://raw.org/text"),
            ("https://after.org", "https://after.org"),
        ]
    );
}

#[test]
fn find_urls_positions() {
    use super::autolink::{find_urls, FoundUrl};
    assert_eq!(
        find_urls("a www.x.org, b"),
        [FoundUrl {
            start: 2,
            end: 11,
            www: true
        }]
    );
    assert!(find_urls("é)https://x.org").is_empty());
    assert_eq!(
        find_urls("é https://x.org/é)")[0].end,
        "é https://x.org/é".len()
    );
}

#[test]
fn autolink_scan_stays_linear_on_hostile_text() {
    // Each `_` or `(` is a place a URL could start; none may rescan the line.
    for unit in ["_www.", "(www.a", "_www.a_b", "(https://", "www.a.b("] {
        let line = unit.repeat(400_000 / unit.len());
        let started = std::time::Instant::now();
        let r = render(&line);
        assert!(r.html.len() >= line.len());
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "{unit}: {:?}",
            started.elapsed()
        );
    }
}

#[test]
fn email_autolinks_are_mailto_and_recorded_as_such() {
    let r = render("Ask <oncall@example.org>.\n");
    assert_eq!(
        &*r.html,
        "<p>Ask <a href=\"mailto:oncall@example.org\">oncall@example.org</a>.</p>\n"
    );
    assert_eq!(r.links.len(), 1);
    assert_eq!(r.links[0].dest, "mailto:oncall@example.org");
    assert_eq!(resolve_link("guide/page.md", &r.links[0].dest), None);
}
