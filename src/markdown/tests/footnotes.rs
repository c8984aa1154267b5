//! Footnotes: numbered by first reference, linked back, ids kept unique.

use super::*;

#[test]
fn footnotes_are_numbered_by_first_reference_and_link_back_to_each() {
    let r = render(concat!(
        "# Test page\n\n",
        "First[^b], second[^a], again[^b].\n\n",
        "[^a]: Note A.\n",
        "[^b]: Note B.\n",
    ));
    let html = &r.html;
    // Numbers follow the first reference: b is 1, a is 2.
    assert!(
        html.contains(r##"<sup class="footnote-ref"><a href="#fn-b" id="fnref-b">1</a></sup>"##),
        "{html}"
    );
    assert!(
        html.contains(r##"<sup class="footnote-ref"><a href="#fn-a" id="fnref-a">2</a></sup>"##),
        "{html}"
    );
    assert!(
        html.contains(r##"<a href="#fn-b" id="fnref-b-2">1</a>"##),
        "{html}"
    );
    // One section at the end, notes in number order, each with a back-link
    // per reference.
    let section = &html[html.find("<section class=\"footnotes\"").expect(html)..];
    assert!(section.trim_end().ends_with("</section>"), "{html}");
    let b = section.find("id=\"fn-b\"").expect(section);
    let a = section.find("id=\"fn-a\"").expect(section);
    assert!(b < a, "{section}");
    assert_eq!(section.matches("class=\"footnote-backref\"").count(), 3);
    assert!(section.contains(
        r##"Note B. <a href="#fnref-b" class="footnote-backref" aria-label="Back to reference 1">↩</a> <a href="#fnref-b-2" class="footnote-backref" aria-label="Back to reference 1-2">↩<sup>2</sup></a></p>"##
    ), "{section}");
    assert!(!html.contains("footnote-definition"), "{html}");
    // Ids are unique, every in-page link lands.
    let ids = html_ids(html);
    let unique: HashSet<&str> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "{ids:?}");
    for href in hrefs(html).into_iter().filter(|h| h.starts_with('#')) {
        assert!(unique.contains(&href[1..]), "{href} dangles in {html}");
    }
    // A heading whose id is a footnote's keeps it; the note moves.
    let r = render("Ref[^b].\n\n## Fn b\n\n[^b]: Note.\n");
    assert_eq!(r.headings.last().map(|h| h.id.as_str()), Some("fn-b"));
    assert!(
        r.html.contains(r##"<a href="#fn-b-1" id="fnref-b">"##),
        "{}",
        r.html
    );
    assert!(r.html.contains("<li id=\"fn-b-1\">"), "{}", r.html);
}

#[test]
fn footnote_ids_survive_odd_labels_and_undefined_references_stay_text() {
    let r = render(concat!(
        "Spaces[^my note], unicode[^über straße], hash[^#1], symbols[^!!], ",
        "case[^CASE], nothing[^missing].\n\n",
        "[^my note]: Spaces.\n\n",
        "[^über straße]: Unicode.\n\n",
        "[^#1]: Hash.\n\n",
        "[^!!]: Symbols.\n\n",
        "[^case]: Case.\n\n",
        "[^unused]: Never referenced.\n\n",
        "[^case]: A second definition of case.\n",
    ));
    let html = &r.html;
    for want in [
        r#"id="fn-my-note""#,
        r#"id="fn-über-straße""#,
        r#"id="fn-1""#,
        r#"id="fn-4""#,
        r#"id="fn-case""#,
        r#"id="fn-unused""#,
    ] {
        assert!(html.contains(want), "{want} in {html}");
    }
    // The undefined reference is text, not a link to nowhere.
    assert!(html.contains("nothing[^missing]."), "{html}");
    assert!(!html.contains("#fn-missing"), "{html}");
    // The first definition of a label wins; the unreferenced note is kept,
    // numbered last, with no back-link.
    assert!(html.contains("Case."), "{html}");
    assert!(!html.contains("A second definition"), "{html}");
    let section = &html[html.find("class=\"footnotes\"").expect(html)..];
    assert_eq!(section.matches("<li id=").count(), 6, "{section}");
    assert_eq!(section.matches("footnote-backref").count(), 5, "{section}");
    let unused = &section[section.find("id=\"fn-unused\"").expect(section)..];
    assert!(!unused.contains("footnote-backref"), "{unused}");
    let ids = html_ids(html);
    let unique: HashSet<&str> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "{ids:?}");
    for href in hrefs(html).into_iter().filter(|h| h.starts_with('#')) {
        assert!(unique.contains(&href[1..]), "{href} dangles in {html}");
    }
}

#[test]
fn footnotes_with_block_content_and_nested_references_link_back() {
    let r = render(concat!(
        "Text[^long].\n\n",
        "[^long]: First paragraph[^inner].\n\n",
        "    ```\n    code\n    ```\n\n",
        "[^inner]: Inner.\n",
    ));
    let html = &r.html;
    let section = &html[html.find("class=\"footnotes\"").expect(html)..];
    // A note that ends in a code block gets its back-link in a paragraph
    // of its own.
    assert!(
        section.contains(
            r##"</code></pre>
<p><a href="#fnref-long" class="footnote-backref""##
        ),
        "{section}"
    );
    assert!(
        section.contains(r##"<a href="#fn-inner" id="fnref-inner">2</a>"##),
        "{section}"
    );
    for href in hrefs(html).into_iter().filter(|h| h.starts_with('#')) {
        assert!(
            html.contains(&format!("id=\"{}\"", &href[1..])),
            "{href}: {html}"
        );
    }
    // No footnotes, no section.
    assert!(!render("Plain [^x] text.\n").html.contains("footnotes"));
}

#[test]
fn a_footnote_in_the_dropped_title_heading_leaves_no_stray_reference() {
    let r = render("# Test page[^t]\n\nBody[^b].\n\n[^t]: On the title.\n\n[^b]: On the body.\n");
    let html = &r.html;
    assert!(html.trim_start().starts_with("<p>Body<sup"), "{html}");
    assert!(!html.contains("fnref-t"), "{html}");
    // The note is still listed, without a back-link to nowhere.
    assert!(html.contains("<li id=\"fn-t\">"), "{html}");
    for href in hrefs(html).into_iter().filter(|h| h.starts_with('#')) {
        assert!(
            html.contains(&format!("id=\"{}\"", &href[1..])),
            "{href}: {html}"
        );
    }
}
