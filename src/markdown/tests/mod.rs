//! Unit tests for the markdown stage: string in, HTML and positions out.

use std::collections::HashSet;

use super::*;

mod autolinks;
mod blocks;
mod code;
mod footnotes;
mod headings;
mod hostile;
mod links;
mod templates;

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

/// Every `id="…"` in `html`.
fn html_ids(html: &str) -> Vec<&str> {
    html.split(" id=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect()
}
