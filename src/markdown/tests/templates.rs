//! Template syntax of other generators (shortcodes, ERB): resolved,
//! kept out of the text, positions kept.

use super::*;

#[test]
fn template_syntax_is_resolved_and_kept_out_of_text() {
    let body = "Hugo {{< ref \"x\" >}} and {{<figure src=\"a.png\">}}, ERB <%= user.name %>, Liquid {% if x %}.\n\n<% end %>\n";
    // ERB is read only in `.erb` pages, as Middleman does.
    let md = render_in("a.md", &["a.md"], body, 1);
    assert!(md.html.contains("&lt;%= user.name %&gt;"), "{}", md.html);
    let r = render_in("a.html.md.erb", &["a.html.md.erb"], body, 1);
    let html = &r.html;
    assert!(!html.contains("{{"), "{html}");
    assert!(!html.contains("&lt;%"), "{html}");
    assert!(html.contains("<figure><img src=\"a.png\""), "{html}");
    // Liquid is not among the syntaxes resolved.
    assert!(html.contains("{% if x %}"), "{html}");
    assert!(!r.text.contains("{{"), "{}", r.text);
    assert!(!r.text.contains("<%"), "{}", r.text);
    let dropped = r.template_syntax.expect("ERB dropped");
    assert_eq!((dropped.line, dropped.column), (1, 56));
    assert_eq!(dropped.names, ["<%= user.name %>", "<% end %>"]);
}

#[test]
fn shortcodes_keep_later_positions_and_search_text_clean() {
    let body = "{{% alert title=\"Careful\" color=\"danger\" %}}\nMind the **gap**.\n{{% /alert %}}\n{{< unknown-widget a=\"b\" >}}\n## After {#after}\n\n[x](missing.md) {{< youtube abc >}}\n";
    let r = render_in("a.md", &["a.md"], body, 5);
    assert!(r.html.contains("callout-caution"), "{}", r.html);
    assert!(r.text.contains("Mind the gap."), "{}", r.text);
    assert!(!r.text.contains("{{"), "{}", r.text);
    assert!(!r.text.contains("unknown-widget"), "{}", r.text);
    let h = r
        .headings
        .iter()
        .find(|h| h.id == "after")
        .expect("heading");
    assert_eq!((h.line, h.column), (9, 1));
    let l = &r.links[0];
    assert_eq!((l.dest.as_str(), l.line, l.column), ("missing.md", 11, 1));
    let dropped = r.template_syntax.expect("one dropped");
    assert_eq!((dropped.line, dropped.column), (8, 1));
    assert_eq!(dropped.names, ["{{< unknown-widget >}}"]);
}

#[test]
fn no_template_syntax_no_finding() {
    let r = render("Plain {braces} and `{{< in code >}}`.\n");
    assert_eq!(r.template_syntax, None);
    assert!(r.html.contains("{braces}"), "{}", r.html);
    assert!(
        r.html.contains("<code>{{&lt; in code &gt;}}</code>"),
        "{}",
        r.html
    );
}

#[test]
fn template_fragments_never_panic_and_keep_positions_in_the_file() {
    const PARTS: &[&str] = &[
        "{{< alert >}}",
        "{{% /alert %}}",
        "{{< details \"x\" >}}",
        "{{< /details >}}",
        "{{</* a */>}}",
        "{{< highlight go >}}",
        "{{< /highlight >}}",
        "{{< relref \"../x\" >}}",
        "{{< youtube id=\"a\" />}}",
        "<%= partial 'p' %>",
        "<% if x %>",
        "<%= current_page.data.title %>",
        "{: .c #i}",
        "{:toc}",
        "* TOC",
        "{style=\"a b\"}",
        "## H {: #h}",
        "# T",
        "[l](x.md)",
        "\n",
        "\n\n",
        "> ",
        "    ",
        "- ",
        "```",
        "`",
        "é字",
        "[l](",
        ")",
        "{{<",
        "%}}",
        "<%",
        "{",
        "}",
        "\"",
        "\r\n",
    ];
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    for _ in 0..2000 {
        let mut body = String::new();
        for _ in 0..1 + next(30) {
            body.push_str(PARTS[next(PARTS.len())]);
        }
        let lines = body.split('\n').count() as u32;
        for path in ["a.md", "a.html.md.erb"] {
            let r = render_in(path, &[path, "x.md"], &body, 3);
            for (line, column) in r
                .headings
                .iter()
                .map(|h| (h.line, h.column))
                .chain(r.links.iter().map(|l| (l.line, l.column)))
                .chain(r.template_syntax.iter().map(|t| (t.line, t.column)))
            {
                assert!(
                    (3..3 + lines).contains(&line) && column >= 1,
                    "{line}:{column} outside {body:?}"
                );
            }
        }
    }
}

#[test]
fn a_dropped_shortcode_alone_on_its_line_takes_the_line_with_it() {
    // A blank line left in a raw HTML block would end it, and the indented
    // lines after it would become a code block.
    let body = "<div class=\"row\">\n  <div>\n    {{< country-select >}}\n      </div>\n</div>\n\nOne\n{{% tabs %}}\ntwo.\n\n## After\n";
    let r = render_in("a.md", &["a.md"], body, 1);
    assert!(
        r.html
            .contains("<div class=\"row\">\n  <div>\n      </div>\n</div>"),
        "{}",
        r.html
    );
    assert!(!r.html.contains("<pre"), "{}", r.html);
    assert!(r.html.contains("<p>One\ntwo.</p>"), "{}", r.html);
    let h = &r.headings[0];
    assert_eq!((h.text.as_str(), h.line), ("After", 11));
    let dropped = r.template_syntax.expect("dropped");
    assert_eq!((dropped.line, dropped.column), (3, 5));
}
