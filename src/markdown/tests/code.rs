//! Code blocks: highlighting, fence info, plain fallbacks, CRLF, and the
//! shared highlight cache.

use super::*;

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

#[test]
fn crlf_code_blocks_render_like_lf() {
    let lf = render("```rust\nfn a() {}\nfn b() {}\n```\n\n```x\na\nb\n```\n");
    let crlf = render("```rust\r\nfn a() {}\r\nfn b() {}\r\n```\r\n\r\n```x\r\na\r\nb\r\n```\r\n");
    assert_eq!(lf.html, crlf.html);
}
