//! Links: rewritten to the output pages, recorded with absolute positions
//! for link checking; page URLs, slugs and link resolution.

use super::*;

#[test]
fn relative_md_links_are_rewritten() {
    let r = render(concat!(
        "[a](../adr/0003-x.md#ctx) [b](README.md) [c](sub/readme.MD#top) ",
        "[d](other.MD) [e](notes.markdown?x=1#y) [f](./index.md)\n"
    ));
    assert_eq!(
        hrefs(&r.html),
        [
            "../adr/0003-x.html#ctx",
            "index.html",
            "sub/index.html#top",
            "other.html",
            "notes.html?x=1#y",
            "./index.html"
        ]
    );
    // Recorded as written.
    let dests: Vec<&str> = r.links.iter().map(|l| l.dest.as_str()).collect();
    assert_eq!(dests[0], "../adr/0003-x.md#ctx");
    assert_eq!(dests[1], "README.md");
}

#[test]
fn absolute_fragment_and_html_links_are_untouched() {
    let r = render_in(
        "guide/page.md",
        &["guide/page.md", "guide/other.md"],
        concat!(
            "[a](https://example.com/x.md) [b](/abs/x.md) [c](#local) [d](other.html) ",
            "[e](mailto:a@b.md) [f](//cdn.example.com/x.md) [g](<a b.txt>) <https://x.io/y.md>\n"
        ),
        1,
    );
    assert_eq!(
        hrefs(&r.html),
        [
            "https://example.com/x.md",
            "/abs/x.md",
            "#local",
            "other.html",
            "mailto:a@b.md",
            "//cdn.example.com/x.md",
            "a%20b.txt",
            "https://x.io/y.md"
        ]
    );
}

#[test]
fn images_are_recorded_but_not_rewritten() {
    let r = render("![diagram](img/flow.md) [x](flow.md)\n");
    assert!(r.html.contains("src=\"img/flow.md\""));
    assert!(r.html.contains("href=\"flow.html\""));
    assert_eq!(r.links.len(), 2);
    assert!(r.links[0].is_image);
    assert!(!r.links[1].is_image);
}

#[test]
fn folder_links_point_at_index_when_it_exists() {
    let known = ["runbooks/db.md", "adr/README.md", "index.md"];
    let r = render_in(
        "runbooks/db.md",
        &known,
        "[a](../adr/) [b](../) [c](../ops/) [d](..) [e](../adr#x) [f](../ops)\n",
        1,
    );
    assert_eq!(
        hrefs(&r.html),
        [
            "../adr/index.html",
            "../index.html",
            "../ops/",
            "../index.html",
            "../adr/index.html#x",
            "../ops"
        ]
    );
}

#[test]
fn reference_links_are_rewritten_and_recorded() {
    let r = render("See [the ADR][adr].\n\n[adr]: ../adr/0001-x.md#decision\n");
    assert_eq!(hrefs(&r.html), ["../adr/0001-x.html#decision"]);
    assert_eq!(r.links[0].dest, "../adr/0001-x.md#decision");
    assert_eq!((r.links[0].line, r.links[0].column), (1, 5));
}

#[test]
fn positions_are_absolute_with_body_line() {
    let body = "intro\n\n## Steps\n\nSee [the runbook](x.md) and ![img](a.png).\n";
    let r = render_in("p.md", &[], body, 7);
    assert_eq!((r.headings[0].line, r.headings[0].column), (9, 1));
    assert_eq!((r.links[0].line, r.links[0].column), (11, 5));
    assert_eq!((r.links[1].line, r.links[1].column), (11, 29));
}

#[test]
fn positions_survive_crlf() {
    let body = "intro\r\n\r\n## Steps\r\n\r\n- item\r\n  - see [x](x.md)\r\n";
    let r = render_in("p.md", &[], body, 4);
    assert_eq!((r.headings[0].line, r.headings[0].column), (6, 1));
    assert_eq!((r.links[0].line, r.links[0].column), (9, 9));
    assert_eq!(ids(&r), ["steps"]);
}

#[test]
fn columns_count_characters_not_bytes() {
    let r = render("Ünïcödé → [x](y.md)\n");
    assert_eq!((r.links[0].line, r.links[0].column), (1, 11));
}

#[test]
fn columns_stay_exact_on_a_long_line_with_many_links() {
    // One 100k-character line: multi-byte text (2, 3 and 4 bytes) between
    // links, then a second line, so the counted-forward column must equal
    // counting from the line start, in characters.
    let filler = ["é", "→", "😀", "a"];
    let mut line = String::new();
    let mut expected = Vec::new();
    let mut chars = 0;
    for i in 0..2000 {
        for j in 0..(i % 37) {
            line.push_str(filler[(i + j) % 4]);
            chars += 1;
        }
        expected.push((3, chars + 1));
        let link = format!("[l{i}](p{i}.md) ");
        chars += link.chars().count();
        line.push_str(&link);
    }
    while chars < 100_000 {
        line.push('ü');
        chars += 1;
    }
    let body = format!("intro\n\n{line}\n  ü [last](z.md)\n");
    let r = render_in("p.md", &[], &body, 1);
    let got: Vec<(u32, usize)> = r
        .links
        .iter()
        .map(|l| (l.line, l.column as usize))
        .collect();
    expected.push((4, 5));
    assert_eq!(got.len(), expected.len());
    assert_eq!(got, expected);
}

#[test]
fn line_index_positions_in_any_order_match_counting_from_the_line_start() {
    let src = "ab→c\n😀x\r\ny\rzé→q\n";
    // Only LF ends a line (CRLF at its LF); a lone CR is a character.
    let ends_line = |i: usize| src.as_bytes()[i] == b'\n';
    let naive = |offset: usize| {
        let ends: Vec<usize> = (0..offset).filter(|&i| ends_line(i)).collect();
        let line_start = ends.last().map_or(0, |i| i + 1);
        let column = src[line_start..offset].chars().count();
        (ends.len() as u32 + 5, column as u32 + 1)
    };
    let boundaries: Vec<usize> = (0..=src.len())
        .filter(|&i| src.is_char_boundary(i))
        .collect();
    let mut index = LineIndex::new(src, 5);
    // Forward, backward, and jumping between lines.
    let order = boundaries
        .iter()
        .chain(boundaries.iter().rev())
        .chain(boundaries.iter().step_by(3))
        .chain(boundaries.iter().rev().step_by(2));
    for &offset in order {
        assert_eq!(index.position(offset), naive(offset), "offset {offset}");
    }
}

#[test]
fn page_url_cases() {
    assert_eq!(page_url("a/b.md"), "a/b.html");
    assert_eq!(page_url("b.md"), "b.html");
    assert_eq!(page_url("a/README.md"), "a/index.html");
    assert_eq!(page_url("a/readme.MD"), "a/index.html");
    assert_eq!(page_url("README.md"), "index.html");
    assert_eq!(page_url("a/index.md"), "a/index.html");
    assert_eq!(page_url("a/Index.markdown"), "a/index.html");
    assert_eq!(page_url("a/b.MD"), "a/b.html");
    assert_eq!(page_url("a/b.Markdown"), "a/b.html");
    assert_eq!(page_url("a.b/c.d.md"), "a.b/c.d.html");
    assert_eq!(page_url("a/readme-ops.md"), "a/readme-ops.html");
    assert_eq!(page_url("img/x.png"), "img/x.png");
    assert_eq!(page_url("a/Makefile"), "a/Makefile");
    assert_eq!(page_url("manual/on-call.html.md"), "manual/on-call.html");
    assert_eq!(page_url("manual/index.html.md"), "manual/index.html");
    assert_eq!(page_url("manual/apps.html.md.erb"), "manual/apps.html");
    assert_eq!(page_url("notes.md.erb"), "notes.html");
    assert_eq!(page_url("docs/_index.md"), "docs/index.html");
    assert_eq!(page_url("docs/_INDEX.markdown"), "docs/index.html");
    assert_eq!(page_url("docs/_intro.md"), "docs/_intro.html");
    assert_eq!(page_url("a/b.html"), "a/b.html");
}

#[test]
fn slugify_cases() {
    assert_eq!(slugify("Hello World"), "hello-world");
    assert_eq!(slugify("  Trim me  "), "trim-me");
    assert_eq!(slugify("What's new?"), "whats-new");
    assert_eq!(
        slugify("Rollback (v2): DB & Cache"),
        "rollback-v2-db--cache"
    );
    assert_eq!(
        slugify("snake_case and kebab-case"),
        "snake_case-and-kebab-case"
    );
    assert_eq!(slugify("Ünïcödé Straße"), "ünïcödé-straße");
    assert_eq!(slugify("日本語 の 見出し"), "日本語-の-見出し");
    assert_eq!(slugify("🚀 Launch"), "-launch");
    assert_eq!(slugify("C++ → Rust…"), "c--rust");
    assert_eq!(slugify("हिन्दी"), "हिन्दी");
    assert_eq!(slugify(""), "");
}

#[test]
fn resolve_link_cases() {
    let target = |dest: &str| resolve_link("runbooks/db.md", dest).map(|t| (t.path, t.fragment));
    let some = |p: &str, f: Option<&str>| Some((p.to_owned(), f.map(str::to_owned)));
    assert_eq!(
        target("../adr/0003-x.md#ctx"),
        some("adr/0003-x.md", Some("ctx"))
    );
    assert_eq!(target("./other.md"), some("runbooks/other.md", None));
    assert_eq!(
        target("other%20page.md?x#Caf%C3%A9"),
        some("runbooks/other page.md", Some("Café"))
    );
    assert_eq!(
        target("#rollback"),
        some("runbooks/db.md", Some("rollback"))
    );
    assert_eq!(target("../adr/"), some("adr/", None));
    assert_eq!(target(".."), some("", None));
    assert_eq!(target("../../outside.md"), None);
    assert_eq!(target("https://x.io/a.md"), None);
    assert_eq!(target("/abs.md"), None);
    assert_eq!(target(""), None);
}

#[test]
fn generator_links_point_at_the_output_files() {
    let known = [
        "eng/_index.md",
        "eng/onboarding.md",
        "runbooks/db.md",
        "ops/x.html.md",
    ];
    let body = "[a](onboarding) [b](../runbooks/db/#s) [c](/handbook/runbooks/db/) \
                [d](/careers/) [e](../ops/x.html) [f](/handbook/gone/) ![i](/handbook/img/a.png) \
                [g](../runbooks/db.md) ![j](pic.png)\n";
    let plain = render_site("eng/_index.md", &known, body, false);
    assert_eq!(
        hrefs(&plain.html),
        [
            "onboarding.html",
            "../runbooks/db.html#s",
            "../runbooks/db.html",
            "/careers/",
            "../ops/x.html",
            "../gone/",
            "../runbooks/db.html"
        ]
    );
    assert!(
        plain.html.contains("src=\"../img/a.png\""),
        "{}",
        plain.html
    );
    assert!(plain.html.contains("src=\"pic.png\""), "{}", plain.html);
    let pretty = render_site("eng/onboarding.md", &known, body, true);
    assert_eq!(
        hrefs(&pretty.html),
        [
            "index.html",
            "../../runbooks/db/index.html#s",
            "../../runbooks/db/index.html",
            "/careers/",
            "../../ops/x/index.html",
            "../../gone/",
            "../../runbooks/db/index.html"
        ]
    );
    assert!(
        pretty.html.contains("src=\"../pic.png\""),
        "{}",
        pretty.html
    );
}
