//! Unit tests for the markdown stage: string in, HTML and positions out.

use std::collections::HashSet;

use super::*;

/// Render `body` as `page_path` with the given other pages known.
fn render_in(page_path: &str, known: &[&str], body: &str, body_line: u32) -> RenderedMarkdown {
    let known_pages: HashSet<String> = known.iter().map(|s| (*s).to_owned()).collect();
    let highlighter = Highlighter::new();
    let cx = MarkdownContext {
        page_path,
        known_pages: &known_pages,
        highlighter: &highlighter,
        title: Some("Test page"),
        base_path: "/",
        pretty_urls: false,
        frontmatter: "",
        partials: None,
    };
    render_markdown(body, body_line, &cx)
}

fn render(body: &str) -> RenderedMarkdown {
    render_in("guide/page.md", &[], body, 1)
}

fn ids(r: &RenderedMarkdown) -> Vec<&str> {
    r.headings.iter().map(|h| h.id.as_str()).collect()
}

fn hrefs(html: &str) -> Vec<&str> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect()
}

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
fn rust_fence_is_highlighted() {
    let r = render("```rust\nfn main() { let x = 1; }\n```\n");
    assert!(r
        .html
        .starts_with("<pre class=\"hl-code\"><code class=\"language-rust\"><span class=\""));
    // `fn` and `let` are keywords: bold in the light theme.
    assert!(r.html.contains("lb"), "{}", r.html);
    assert!(r.html.ends_with("</code></pre>\n"));
    assert_eq!(r.text, "fn main() { let x = 1; }");
}

#[test]
fn fence_info_attributes_are_ignored() {
    let r =
        render("```rust,ignore title=\"x\"\nfn a() {}\n```\n\n```{.python}\ndef f(): pass\n```\n");
    assert!(r
        .html
        .contains("<code class=\"language-rust\"><span class=\""));
    assert!(r
        .html
        .contains("<code class=\"language-python\"><span class=\""));
}

#[test]
fn unknown_language_and_indented_code_are_escaped_plain_text() {
    let r = render("```nosuchlang\n<script>alert(1)</script>\n```\n\n    <b>x</b> & y\n");
    assert!(r.html.contains(
        "<code class=\"language-nosuchlang\">&lt;script&gt;alert(1)&lt;/script&gt;\n</code>"
    ));
    assert!(r
        .html
        .contains("<pre class=\"hl-code\"><code>&lt;b&gt;x&lt;/b&gt; &amp; y\n</code></pre>"));
    assert!(!r.html.contains("<script>"));
    assert!(!r.html.contains("hl-source"));
}

#[test]
fn hostile_language_token_is_escaped() {
    let r = render("```\"><script>\nx\n```\n");
    assert!(!r.html.contains("<script>"), "{}", r.html);
    assert!(r.html.contains("language-&quot;&gt;&lt;script&gt;"));
}

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
fn same_block_twice_hits_the_cache() {
    let highlighter = Highlighter::new();
    let a = highlighter.highlight("rust", "fn main() {}\n");
    let b = highlighter.highlight("rust", "fn main() {}\n");
    assert_eq!(highlighter.cache_len(), 1);
    assert!(std::sync::Arc::ptr_eq(&a, &b));
    highlighter.highlight("Rust", "fn other() {}\n");
    assert_eq!(highlighter.cache_len(), 2);
}

#[test]
fn pages_share_the_highlight_cache() {
    let known = HashSet::new();
    let highlighter = Highlighter::new();
    let cx = MarkdownContext {
        page_path: "a.md",
        known_pages: &known,
        highlighter: &highlighter,
        title: Some("Test page"),
        base_path: "/",
        pretty_urls: false,
        frontmatter: "",
        partials: None,
    };
    let body = "```yaml\na: 1\n```\n\n```yaml\na: 1\n```\n\n```go\npackage x\n```\n";
    let first = render_markdown(body, 1, &cx);
    let second = render_markdown(body, 1, &cx);
    assert_eq!(highlighter.cache_len(), 2);
    assert_eq!(first, second);
}

#[test]
fn parallel_callers_share_one_cache() {
    let highlighter = Highlighter::new();
    let blocks: Vec<String> = (0..32).map(|i| format!("let x{i} = {i};\n")).collect();
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| {
                for block in &blocks {
                    assert!(highlighter
                        .highlight("rust", block)
                        .contains("<span class="));
                }
            });
        }
    });
    assert_eq!(highlighter.cache_len(), blocks.len());
}

/// Inputs that must render without panicking (and, for the huge ones, quickly).
#[test]
fn hostile_inputs_do_not_panic() {
    let deep_list: String = (0..1_000)
        .map(|i| format!("{}- x\n", "  ".repeat(i)))
        .collect();
    let deep_inline_list = format!("{}x\n", "- ".repeat(20_000));
    let deep_ordered = format!("{}x\n", "1. ".repeat(20_000));
    let deep_quote = format!("{}x\n", ">".repeat(50_000));
    let deep_emph = format!("{}x{}", "*".repeat(50_000), "_".repeat(50_000));
    let deep_links = format!("{}x{}", "[".repeat(50_000), "](y.md)".repeat(50_000));
    let big: String = (0..2_000)
        .map(|i| format!("## H {i}\n\nText [l](p{i}.md) `c`\n\n```rust\nlet x = {i};\n```\n"))
        .collect();
    let inputs = [
        "",
        "---",
        "---\n",
        "---\ntitle: x\n---\n",
        "```rust\nfn unterminated() {\n",
        "~~~\n",
        "\0\0# \0\n[\0](\0.md)\n```\0\n\0\n```\n",
        "\r\n\r\r\n# x\r",
        "[x]: <",
        "# {#}\n## {#a}\n## {#a}\n",
        "|a|\n|-|\n|",
        "[^x]\n\n[^x]: [^x]",
        deep_list.as_str(),
        deep_inline_list.as_str(),
        deep_ordered.as_str(),
        deep_quote.as_str(),
        deep_emph.as_str(),
        deep_links.as_str(),
        big.as_str(),
    ];
    for input in inputs {
        // Run on a thread with a 2 MiB stack, like a rayon worker.
        std::thread::scope(|scope| {
            let out = std::thread::Builder::new()
                .stack_size(2 << 20)
                .spawn_scoped(scope, || render(input))
                .expect("spawn")
                .join();
            assert!(
                out.is_ok(),
                "panicked on {:?}",
                &input[..input.len().min(40)]
            );
        });
    }
}

#[test]
fn huge_page_renders_and_counts_lines() {
    let block = "para [l](x.md)\n\n```sql\nselect 1;\n```\n\n";
    let body = block.repeat(1 << 20 >> 5);
    assert!(body.len() >= 1 << 20);
    let r = render_in("p.md", &[], &body, 3);
    let last = r.links.last().expect("links");
    assert_eq!(last.line, 3 + 6 * (r.links.len() as u32 - 1));
}

#[test]
fn unterminated_fence_runs_to_end() {
    let r = render("```rust\nfn a() {}\n");
    assert!(r
        .html
        .contains("<code class=\"language-rust\"><span class=\""));
    assert!(r.html.ends_with("</code></pre>\n"));
}

#[test]
fn crlf_code_blocks_render_like_lf() {
    let lf = render("```rust\nfn a() {}\nfn b() {}\n```\n\n```x\na\nb\n```\n");
    let crlf = render("```rust\r\nfn a() {}\r\nfn b() {}\r\n```\r\n\r\n```x\r\na\r\nb\r\n```\r\n");
    assert_eq!(lf.html, crlf.html);
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
        include_str!("../../themes/default/templates/base.html"),
        include_str!("../../themes/default/templates/page.html"),
        include_str!("../../themes/default/templates/macros.html"),
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

/// The `(href, text)` of every `<a>` in `html` (no attributes but `href`).
fn anchors(html: &str) -> Vec<(&str, &str)> {
    html.split("<a href=\"")
        .skip(1)
        .filter_map(|s| {
            let (href, rest) = s.split_once("\">")?;
            Some((href, rest.split_once("</a>")?.0))
        })
        .collect()
}

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

/// Render `body` as `page_path` with pretty URLs and a base path.
fn render_site(page_path: &str, known: &[&str], body: &str, pretty: bool) -> RenderedMarkdown {
    let known_pages: HashSet<String> = known.iter().map(|s| (*s).to_owned()).collect();
    let highlighter = Highlighter::new();
    let cx = MarkdownContext {
        page_path,
        known_pages: &known_pages,
        highlighter: &highlighter,
        title: None,
        base_path: "/handbook/",
        pretty_urls: pretty,
        frontmatter: "",
        partials: None,
    };
    render_markdown(body, 1, &cx)
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

/// Every `id="…"` in `html`.
fn html_ids(html: &str) -> Vec<&str> {
    html.split(" id=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect()
}

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
