//! Stage 4a: markdown → HTML for one page body.
//!
//! Owns: rendering a page's markdown (CommonMark plus tables in a scrolling
//! wrapper, footnotes gathered at the end with back-links (`footnotes`),
//! strikethrough, task lists with GitHub's classes, GitHub alerts as
//! callouts, bare-URL autolinks (`autolink`), `[[_TOC_]]`/`[TOC]` tables of
//! contents and ```` ```mermaid ```` diagrams) with pulldown-cmark, after `templates` has resolved foreign
//! template syntax (Hugo shortcodes, ERB, Kramdown attribute lists); heading
//! attribute blocks (`{#custom .class}`, only when every token is one; see
//! `heading_attrs`); heading ids (`{#custom}` or GitHub-style slugs, unique
//! per page) and their `#` anchors; rewriting relative `.md` links to the output
//! `.html` URLs ([`page_url`]); collecting every heading and link with its
//! absolute `line:column` in the source file (for `link-broken`,
//! `anchor-broken` and `runbook-section-missing`); the page's plain text for
//! search; and, through [`Highlighter`], syntax highlighting of fenced code.
//!
//! Pure and total: it never reads the disk, never panics on user input (empty,
//! NUL bytes, CRLF, unterminated fences, huge or deeply nested pages), and the
//! same input always gives the same output. Raw HTML in markdown passes
//! through, as in mdBook. pulldown-cmark types stay out of the public API.
//!
//! This file holds the public types and [`render_markdown`]; the event
//! rewriting is in `renderer` (second pass: `renderer::finish`), heading
//! slugs in `slug`, link and URL helpers in `links`, block HTML (TOC,
//! mermaid, callouts) in `blocks` and offset → `line:column` in
//! `line_index`.

use std::collections::{HashMap, HashSet};

use pulldown_cmark::Options;
use serde::Serialize;

mod autolink;
mod block_cache;
mod blocks;
mod code_style;
mod footnotes;
mod heading_attrs;
mod highlight;
mod html_anchors;
mod line_index;
mod line_memo;
mod links;
mod renderer;
mod resolve;
mod slug;

pub(crate) use resolve::is_bare_email;
pub use resolve::{find_page, page_url_styled, pretty_link_base, resolve_absolute, AbsoluteTarget};
mod templates;

#[cfg(test)]
pub(crate) use block_cache::block_key;
pub use block_cache::BlockCache;
pub use code_style::highlight_css;
pub(crate) use highlight::escape_html;
pub use highlight::Highlighter;
pub(crate) use links::{is_index_page, is_index_stem, page_stem};
pub use links::{page_url, resolve_link};
pub use slug::{slugify, slugify_gitlab, slugify_goldmark, slugify_hugo, OTHER_SLUG_STYLES};

use line_index::LineIndex;

#[cfg(test)]
mod tests;

/// Options for rendering one page's markdown body.
#[derive(Clone, Copy, Debug)]
pub struct MarkdownContext<'a> {
    /// The page's own path relative to the content dir, '/'-separated, e.g.
    /// `"runbooks/db-failover.md"`. Relative links are resolved against it.
    pub page_path: &'a str,
    /// Every source page path relative to the content dir (as above). Used to
    /// point directory links (`../adr/`, `../adr`) at `index.html` when that
    /// directory has a `README.md`/`index.md`, so they also work from
    /// `file://`.
    pub known_pages: &'a HashSet<String>,
    /// Highlighter with its cache (shared by all pages, `Sync`).
    pub highlighter: &'a Highlighter,
    /// The frontmatter `title`, if any. A body that opens with an H1 saying
    /// the same (or any H1, without one: it becomes the title) leaves that H1
    /// out of the HTML, since the theme shows the title; see
    /// [`RenderedMarkdown::title_id`].
    pub title: Option<&'a str>,
    /// `[build] base-path` (`/` or `/handbook/`): site-absolute links under
    /// it are resolved and made relative.
    pub base_path: &'a str,
    /// `[build] pretty-urls`: pages are written as `x/index.html`, so every
    /// relative href is computed from that folder.
    pub pretty_urls: bool,
    /// The page's frontmatter block as written (`""` when none): ERB's
    /// `current_page.data.KEY` reads it.
    pub frontmatter: &'a str,
    /// Partial files (Middleman's `_name.md` in a partials folder) by path
    /// under the content dir, for ERB's `partial "name"`.
    pub partials: Option<&'a HashMap<String, String>>,
}

/// The result of [`render_markdown`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RenderedMarkdown {
    /// The body as HTML (trusted: raw HTML in the markdown passes through).
    pub html: std::sync::Arc<str>,
    /// Every heading, in document order.
    pub headings: Vec<Heading>,
    /// Every link and image destination, in document order.
    pub links: Vec<Link>,
    /// Plain text of the first level-1 heading (the default page title).
    pub first_h1: Option<String>,
    /// Id of the H1 that opened the body and repeated the page title: it is
    /// left out of `html` (still in `headings`), and the theme puts this id on
    /// its own title so links to it keep working.
    pub title_id: Option<String>,
    /// Link targets defined in raw HTML (`id="..."`, `<a name="...">`), in
    /// document order.
    pub html_anchors: Vec<String>,
    /// Plain text of the body for search, code included; blocks are separated
    /// by newlines, inline HTML is dropped.
    pub text: String,
    /// Byte ranges of `text` that hold the content of code blocks (fenced,
    /// indented, mermaid), in order; each starts at a line start. Search
    /// indexes their words but leaves them out of result snippets, where
    /// ASCII tables and box drawing are clutter.
    pub code_blocks: Vec<(usize, usize)>,
    /// Template syntax (Hugo shortcodes, ERB) that could not be rendered
    /// and was dropped, if any.
    pub template_syntax: Option<DroppedTemplates>,
    /// The body has a ```` ```mermaid ```` diagram (the page loads the
    /// diagram script).
    pub has_mermaid: bool,
}

/// Template syntax left out of a page because nothing renders it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DroppedTemplates {
    /// 1-based line of the first one.
    pub line: u32,
    /// 1-based column of the first one.
    pub column: u32,
    /// What was dropped (`{{< name >}}`, `<% if %>`), each once, in order.
    pub names: Vec<String>,
}

/// One heading of a page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Heading {
    /// 1 to 6.
    pub level: u8,
    /// The `id` attribute: the `{#custom}` id when given, else a GitHub-style
    /// slug of the text made unique within the page (`foo`, `foo-1`, …).
    pub id: String,
    /// Other ids links may use for this heading; in-page links to them are
    /// rewritten to `id`. First the id the author wrote when `id` had to
    /// move off one the page layout uses ([`LAYOUT_IDS`]): `## Content` gets
    /// id `content-1` and alias `content`. Then the ids GitLab, Hugo and
    /// goldmark give the heading when they differ from `id` and from every
    /// other id of the page ([`OTHER_SLUG_STYLES`]); the heading carries
    /// those as empty `<span id>`s so links from elsewhere land too.
    pub aliases: Vec<String>,
    /// Plain text of the heading (inline code included, markup dropped).
    pub text: String,
    /// 1-based line in the file (frontmatter included).
    pub line: u32,
    /// 1-based column in characters.
    pub column: u32,
}

/// One link or image in a page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Link {
    /// The destination as written (before `.md` → `.html` rewriting; backslash
    /// escapes and entities resolved; for reference links, the definition's;
    /// `mailto:` added to an email autolink `<name@example.org>`).
    pub dest: String,
    /// 1-based line in the file of the link's first character (`[`, `!` or `<`).
    pub line: u32,
    /// 1-based column in characters.
    pub column: u32,
    /// `true` for `![alt](src)` images.
    pub is_image: bool,
}

/// A relative link resolved against the page that contains it; see
/// [`resolve_link`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkTarget {
    /// Target path relative to the content dir, '/'-separated and
    /// percent-decoded. A directory target ends with `/`; the content dir
    /// itself is `""`.
    pub path: String,
    /// The percent-decoded `#fragment`, without `#`, if any.
    pub fragment: Option<String>,
}

/// Element ids the default theme's page layout uses (`themes/default/templates`
/// `base.html`, `page.html` and the home listing in `macros.html`). A heading
/// never takes one: its id moves to the next free `-N` form (`content-1`),
/// in-page links to the written id follow it, and cross-page links to a page
/// with such a heading are rewritten to the `-1` form ([`layout_safe_id`]).
pub const LAYOUT_IDS: &[&str] = &[
    "content",
    "sidebar",
    "findings-heading",
    "actions-heading",
    "incident-heading",
    "runbook-incidents-heading",
    "page-toc-heading",
    "home-browse",
    "home-health",
    "home-stale",
    "role-matrix-grid",
    "role-matrix-grid-compare",
];

/// The id a heading that wants `id` gets on a page where no other heading
/// takes the `-1` form first: `content` → `content-1`; ids that are not
/// layout ids are kept.
pub fn layout_safe_id(id: &str) -> std::borrow::Cow<'_, str> {
    if LAYOUT_IDS.contains(&id) {
        format!("{id}-1").into()
    } else {
        id.into()
    }
}

/// Render one page's markdown body.
///
/// `body_line` is the 1-based line in the file where `body` starts (after
/// frontmatter), so that heading and link lines are absolute in the file.
pub fn render_markdown(body: &str, body_line: u32, cx: &MarkdownContext<'_>) -> RenderedMarkdown {
    let expansion = templates::expand(
        body,
        &templates::TemplateCx {
            page_path: cx.page_path,
            known_pages: cx.known_pages,
            frontmatter: cx.frontmatter,
            title: cx.title,
            partials: cx.partials,
        },
    );
    let mut lines = LineIndex::new(body, body_line);
    let (source, dropped) = match expansion {
        Some(e) => {
            lines.map = Some(e.map);
            (std::borrow::Cow::Owned(e.text), e.dropped)
        }
        None => (std::borrow::Cow::Borrowed(body), Vec::new()),
    };
    let first_dropped = dropped.first().map(|&(at, _)| at);
    let template_syntax = first_dropped.map(|at| {
        let (line, column) = lines.position_in_original(at);
        DroppedTemplates {
            line,
            column,
            names: dropped.into_iter().map(|(_, n)| n).collect(),
        }
    });
    let body: &str = &source;
    let mut md = renderer::render(body, lines, cx);
    md.template_syntax = template_syntax;
    md
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_GFM
}
