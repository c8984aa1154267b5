//! Inputs that must render without panicking, and quickly.

use super::*;

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
