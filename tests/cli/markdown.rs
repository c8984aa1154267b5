//! Markdown as real handbooks write it: MADR placeholders, raw HTML anchors,
//! GOV.UK `.html.md` and Hugo `_index.md` pages, folder links, and headings
//! that would clash with the layout's own ids.

use crate::harness::{of_rule, HandbookTest};

/// A handbook with a `src/` folder holding `pages`.
fn handbook(pages: &[(&str, &str)]) -> HandbookTest {
    let t = HandbookTest::empty();
    t.write("book.toml", "[book]\ntitle = \"Markdown\"\n");
    for (rel, text) in pages {
        t.write(&format!("src/{rel}"), text);
    }
    t
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
