//! Markdown as real handbooks write it: MADR placeholders, raw HTML anchors,
//! GOV.UK `.html.md` and Hugo `_index.md` pages, folder links, and headings
//! that would clash with the layout's own ids.

use crate::harness::HandbookTest;

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
