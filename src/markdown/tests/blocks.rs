//! Block markup: GitHub extensions and alerts, raw HTML, task lists,
//! tables and the plain text of a page.

use super::*;

#[test]
fn gfm_extensions_render() {
    let r = render(concat!(
        "| a | b |\n|---|:-:|\n| 1 | 2 |\n\n",
        "~~gone~~\n\n",
        "- [x] done\n- [ ] todo\n\n",
        "Claim[^1].\n\n[^1]: Source.\n\n",
        "> [!WARNING]\n> Careful.\n"
    ));
    let html = &r.html;
    assert!(html.contains("<table><thead><tr><th>a</th>"), "{html}");
    assert!(
        html.contains("<td style=\"text-align: center\">2</td>"),
        "{html}"
    );
    assert!(html.contains("<del>gone</del>"), "{html}");
    assert!(
        html.contains("<input disabled=\"\" type=\"checkbox\" checked=\"\"/>"),
        "{html}"
    );
    assert!(
        html.contains("<input disabled=\"\" type=\"checkbox\"/>"),
        "{html}"
    );
    assert!(html.contains("class=\"footnote-ref\""), "{html}");
    assert!(html.contains("<section class=\"footnotes\""), "{html}");
    assert!(html.contains("callout-warning"), "{html}");
}

#[test]
fn github_alerts_become_callouts_of_each_kind() {
    for (marker, class, title) in [
        ("[!NOTE]", "note", "Note"),
        ("[!TIP]", "tip", "Tip"),
        ("[!IMPORTANT]", "important", "Important"),
        ("[!WARNING]", "warning", "Warning"),
        ("[!CAUTION]", "caution", "Caution"),
        ("[!note]", "note", "Note"),
        ("[!Caution]", "caution", "Caution"),
    ] {
        let r = render(&format!("> {marker}\n> Body *text*.\n\nAfter.\n"));
        assert_eq!(
            &*r.html,
            format!(
                "<div class=\"callout callout-{class}\" role=\"note\">\n\
                 <p class=\"callout-title\">{title}</p>\n\
                 <p>Body <em>text</em>.</p>\n</div>\n<p>After.</p>\n"
            ),
            "{marker}"
        );
        assert!(!r.html.contains("blockquote"), "{}", r.html);
        assert!(!r.text.contains("[!"), "{}", r.text);
    }
}

#[test]
fn plain_and_unknown_marker_blockquotes_stay_blockquotes() {
    let r = render("> Just a quote.\n\n> [!DANGER]\n> Not a kind.\n");
    assert!(
        r.html
            .starts_with("<blockquote>\n<p>Just a quote.</p>\n</blockquote>\n"),
        "{}",
        r.html
    );
    assert!(r.html.contains("[!DANGER]"), "{}", r.html);
    assert!(!r.html.contains("callout"), "{}", r.html);
}

#[test]
fn raw_html_passes_through() {
    let r =
        render("<details><summary>More</summary>\n\nBody with <kbd>Ctrl</kbd>.\n\n</details>\n");
    assert!(r.html.contains("<details><summary>More</summary>"));
    assert!(r.html.contains("<kbd>Ctrl</kbd>"));
    assert_eq!(r.text, "Body with Ctrl.");
}

#[test]
fn plain_text_has_blocks_on_lines_and_code() {
    let r = render("# T\n\nOne\ntwo *three*.\n\n- a\n- b `c`\n\n```sh\necho hi\n```\n");
    assert_eq!(r.text, "T\nOne two three.\na\nb c\necho hi");
}

#[test]
fn task_lists_get_classes_and_disabled_checkboxes() {
    let r = render("- [ ] todo\n- [x] done\n- plain\n\nText.\n\n1. [x] first\n2. second\n\nText.\n\n3. [ ] loose\n\n4. item\n");
    let html = &r.html;
    assert!(html.contains("<ul class=\"contains-task-list\">"), "{html}");
    assert!(
        html.contains(
            "<li class=\"task-list-item\"><input disabled=\"\" type=\"checkbox\"/>\ntodo</li>"
        ),
        "{html}"
    );
    assert!(
        html.contains("<li class=\"task-list-item\"><input disabled=\"\" type=\"checkbox\" checked=\"\"/>\ndone</li>"),
        "{html}"
    );
    // The ordinary item of the mixed list keeps a plain `<li>` (and so its
    // bullet).
    assert!(html.contains("<li>plain</li>"), "{html}");
    assert!(html.contains("<ol class=\"contains-task-list\">"), "{html}");
    assert!(html.contains("<li>second</li>"), "{html}");
    assert!(
        html.contains("<ol class=\"contains-task-list\" start=\"3\">"),
        "{html}"
    );
    assert!(
        html.contains(
            "<li class=\"task-list-item\">\n<p><input disabled=\"\" type=\"checkbox\"/>\nloose</p>"
        ),
        "{html}"
    );
    assert_eq!(html.matches("task-list-item").count(), 4, "{html}");
    // A list without checkboxes is untouched.
    let plain = render("- a\n- b\n");
    assert!(plain.html.contains("<ul>\n<li>a</li>"), "{}", plain.html);
}

#[test]
fn tables_scroll_in_their_own_box() {
    let r = render("Before.\n\n| a | b |\n|---|---|\n| `x` | 2 |\n\nAfter.\n");
    assert!(
        r.html
            .contains("<div class=\"md-table-wrap\" tabindex=\"0\">\n<table>"),
        "{}",
        r.html
    );
    assert!(
        r.html.contains("</table>\n</div>\n<p>After.</p>"),
        "{}",
        r.html
    );
}

#[test]
fn code_block_text_is_marked_in_the_page_text() {
    let r = render("Intro words.\n\n```\n+---+---+\n| a | b |\n```\n\n    indented\n\n- item\n  ```\n  listed\n  ```\n\nOutro.\n");
    let code: Vec<&str> = r
        .code_blocks
        .iter()
        .map(|&(s, e)| r.text[s..e].trim_end())
        .collect();
    assert_eq!(
        code,
        ["+---+---+\n| a | b |", "indented", "listed"],
        "{:?}",
        r.text
    );
    // Each block starts on a line of its own.
    for &(s, _) in &r.code_blocks {
        assert!(s == 0 || r.text.as_bytes()[s - 1] == b'\n', "{:?}", r.text);
    }
    assert!(r.text.starts_with("Intro words.\n"), "{:?}", r.text);
    assert!(r.text.ends_with("\nOutro."), "{:?}", r.text);
}
