//! HTML for the block constructs the renderer adds to pulldown-cmark's:
//! `[[_TOC_]]`/`[TOC]` tables of contents, ```` ```mermaid ```` diagrams
//! and GitHub alerts as callouts; and the language token of a code fence.
//!
//! Pure functions from strings (or the parser's alert kind) to HTML.

use pulldown_cmark::BlockQuoteKind;

use super::highlight::push_escaped;
use super::Heading;

/// Whether a paragraph's source is only a table-of-contents marker:
/// `[[_TOC_]]` or `[TOC]` (any case), alone on its line.
pub(super) fn is_toc_marker(src: &str) -> bool {
    let src = src.trim();
    src.eq_ignore_ascii_case("[[_TOC_]]") || src.eq_ignore_ascii_case("[TOC]")
}

/// The page's headings as nested lists of links to their ids, for a
/// `[[_TOC_]]` marker. The heading that repeats the page title (shown by the
/// theme, not in the body) is left out. A heading deeper than the one before
/// opens a nested list; one shallower closes lists down to its level (a
/// jump from `###` back to `##` under a `#` stays in the same list).
/// Empty when the page has no other headings.
pub(super) fn toc_html(headings: &[Heading], title_id: Option<&str>) -> String {
    let mut html = String::new();
    // Levels of the lists open, outermost first; the last is the level of
    // the list item open in it.
    let mut open: Vec<u8> = Vec::new();
    for h in headings.iter().filter(|h| Some(h.id.as_str()) != title_id) {
        match open.last().copied() {
            None => {
                html.push_str("<ul class=\"markdown-toc\">\n<li>");
                open.push(h.level);
            }
            Some(top) if h.level > top => {
                html.push_str("\n<ul>\n<li>");
                open.push(h.level);
            }
            Some(_) => {
                while let [.., parent, top] = open[..] {
                    if h.level >= top || h.level > parent {
                        break;
                    }
                    open.pop();
                    html.push_str("</li>\n</ul>\n");
                }
                html.push_str("</li>\n<li>");
                if let Some(top) = open.last_mut() {
                    *top = h.level;
                }
            }
        }
        html.push_str("<a href=\"#");
        push_escaped(&mut html, &h.id);
        html.push_str("\">");
        push_escaped(&mut html, &h.text);
        html.push_str("</a>");
    }
    for _ in &open {
        html.push_str("</li>\n</ul>\n");
    }
    html
}

/// A mermaid diagram: its source kept escaped (readable without
/// JavaScript) in the `<pre class="mermaid">` the diagram script draws into.
pub(super) fn mermaid_html(code: &str) -> String {
    let mut html = String::with_capacity(code.len() + 32);
    html.push_str("<pre class=\"mermaid\">");
    push_escaped(&mut html, code);
    html.push_str("</pre>\n");
    html
}

/// The opening of a GitHub alert (`> [!NOTE]`) rendered as a callout: a
/// `div` with the kind's class and title (the parser drops the marker).
pub(super) fn callout_open(kind: BlockQuoteKind) -> &'static str {
    match kind {
        BlockQuoteKind::Note => {
            "<div class=\"callout callout-note\" role=\"note\">\n<p class=\"callout-title\">Note</p>\n"
        }
        BlockQuoteKind::Tip => {
            "<div class=\"callout callout-tip\" role=\"note\">\n<p class=\"callout-title\">Tip</p>\n"
        }
        BlockQuoteKind::Important => {
            "<div class=\"callout callout-important\" role=\"note\">\n<p class=\"callout-title\">Important</p>\n"
        }
        BlockQuoteKind::Warning => {
            "<div class=\"callout callout-warning\" role=\"note\">\n<p class=\"callout-title\">Warning</p>\n"
        }
        BlockQuoteKind::Caution => {
            "<div class=\"callout callout-caution\" role=\"note\">\n<p class=\"callout-title\">Caution</p>\n"
        }
    }
}

/// The language token of a fence's info string: the first word, with
/// mdBook-style attributes (`rust,ignore`) and Pandoc braces (`{.rust}`)
/// removed. `None` when there is none.
pub(super) fn fence_lang(info: &str) -> Option<&str> {
    let first = info
        .split(|c: char| c.is_whitespace() || c == ',')
        .find(|s| !s.is_empty())?;
    let lang = first
        .trim_start_matches('{')
        .trim_start_matches('.')
        .trim_end_matches('}');
    (!lang.is_empty()).then_some(lang)
}
