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

use std::collections::{HashMap, HashSet};

use pulldown_cmark::{
    CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd,
};
use serde::Serialize;

mod autolink;
mod blocks;
mod code_style;
mod footnotes;
mod heading_attrs;
mod highlight;
mod html_anchors;
mod line_index;
mod line_memo;
mod links;
mod resolve;
mod slug;

pub(crate) use resolve::is_bare_email;
pub use resolve::{find_page, page_url_styled, pretty_link_base, resolve_absolute, AbsoluteTarget};
mod templates;

pub use code_style::highlight_css;
pub(crate) use highlight::escape_html;
pub use highlight::Highlighter;
pub(crate) use links::{is_index_page, is_index_stem, page_stem};
pub use links::{page_url, resolve_link};
use links::{rewrite_dest, rewrite_src};
use slug::HeadingIds;
pub use slug::{slugify, slugify_gitlab, slugify_goldmark, slugify_hugo, OTHER_SLUG_STYLES};

use blocks::{callout_open, fence_lang, is_toc_marker, mermaid_html, toc_html};
use line_index::LineIndex;

use highlight::push_escaped;

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
    let mut r = Renderer {
        cx,
        lines,
        has_mermaid: false,
        events: Vec::new(),
        slots: Vec::new(),
        heading: None,
        code: None,
        links: Vec::new(),
        html_block: None,
        html_chunks: Vec::new(),
        html_anchors: Vec::new(),
        fragment_links: Vec::new(),
        title_id: None,
        text: String::with_capacity(body.len()),
        code_html_len: 0,
        toc_slots: Vec::new(),
        in_toc_marker: false,
        footnotes: footnotes::Footnotes::default(),
        code_blocks: Vec::new(),
        lists: Vec::new(),
        items: Vec::new(),
    };
    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        if r.skip_toc_marker(&event, body.get(range.clone()).unwrap_or_default()) {
            continue;
        }
        r.event(event, range.start);
    }
    let mut md = r.finish(body.len());
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

/// A heading whose id is assigned once the whole page is known (custom ids
/// are reserved first, so an earlier slug cannot take a later `{#id}`).
struct HeadingSlot {
    start_event: usize,
    anchor_event: usize,
    /// Left out of the HTML: the opening H1 that repeats the page title.
    is_title: bool,
    custom_id: Option<String>,
    level: u8,
    text: String,
    line: u32,
    column: u32,
}

/// The heading being read.
struct OpenHeading {
    start_event: usize,
    /// An H1 that is the first thing in the body.
    leading_h1: bool,
    level: u8,
    text: String,
    line: u32,
    column: u32,
}

/// The code block being read.
struct OpenCode {
    /// Language token of a fenced block (`None` for indented blocks and bare fences).
    lang: Option<String>,
    code: String,
}

struct Renderer<'a, 'c> {
    cx: &'c MarkdownContext<'c>,
    lines: LineIndex<'a>,
    events: Vec<Event<'a>>,
    slots: Vec<HeadingSlot>,
    heading: Option<OpenHeading>,
    code: Option<OpenCode>,
    links: Vec<Link>,
    /// The raw HTML block being read (its lines come as separate events).
    html_block: Option<String>,
    /// The open HTML block's chunks: (start in `html_block`, source offset).
    html_chunks: Vec<(usize, usize)>,
    html_anchors: Vec<String>,
    /// Events of links to `#fragment`s of this page, to point at a heading
    /// moved off a layout id once all ids are known.
    fragment_links: Vec<usize>,
    title_id: Option<String>,
    text: String,
    /// Bytes of code-block HTML pushed so far, to size the output once.
    code_html_len: usize,
    /// Events standing where a `[[_TOC_]]`/`[TOC]` paragraph was, filled
    /// with the table of contents once all heading ids are known.
    toc_slots: Vec<usize>,
    /// Inside a table-of-contents marker paragraph (its events are dropped).
    in_toc_marker: bool,
    has_mermaid: bool,
    /// Byte ranges of `text` from code blocks.
    code_blocks: Vec<(usize, usize)>,
    /// Footnote references and definitions, placed by `finish`.
    footnotes: footnotes::Footnotes,
    /// Events of the lists open now (`Start(List)`), outermost first.
    lists: Vec<usize>,
    /// Events of the list items open now (`Start(Item)`), outermost first.
    items: Vec<usize>,
}

impl<'a> Renderer<'a, '_> {
    /// Replaces a paragraph that is only a table-of-contents marker
    /// (`[[_TOC_]]`, GitLab; `[TOC]`, GitLab and Python-Markdown) with a slot
    /// for the table, and drops the events inside it. `src` is the event's
    /// source text. Returns `true` for events it consumed.
    fn skip_toc_marker(&mut self, event: &Event<'a>, src: &str) -> bool {
        if self.in_toc_marker {
            if matches!(event, Event::End(TagEnd::Paragraph)) {
                self.in_toc_marker = false;
            }
            return true;
        }
        if !matches!(event, Event::Start(Tag::Paragraph)) || !is_toc_marker(src) {
            return false;
        }
        self.in_toc_marker = true;
        self.end_block();
        self.toc_slots.push(self.events.len());
        self.events.push(Event::Html(CowStr::Borrowed("")));
        true
    }

    fn event(&mut self, event: Event<'a>, offset: usize) {
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => fence_lang(&info).map(str::to_owned),
                    CodeBlockKind::Indented => None,
                };
                self.code = Some(OpenCode {
                    lang,
                    code: String::new(),
                });
            }
            Event::Text(text) if self.code.is_some() => {
                if let Some(open) = &mut self.code {
                    open.code.push_str(&text);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some(open) = self.code.take() {
                    let is_mermaid = open.lang.as_deref() == Some("mermaid");
                    self.has_mermaid |= is_mermaid;
                    let html = if is_mermaid {
                        mermaid_html(&open.code)
                    } else {
                        self.code_block_html(&open)
                    };
                    self.code_html_len += html.len();
                    self.push_code_text(&open.code);
                    self.end_block();
                    self.events.push(Event::Html(html.into()));
                }
            }
            Event::Start(Tag::Heading { level, .. }) => {
                // Attribute blocks are read by `take_attr_block` (the parser's
                // own option takes any `{...}`, placeholders included).
                let (line, column) = self.lines.position(offset);
                self.heading = Some(OpenHeading {
                    start_event: self.events.len(),
                    leading_h1: self.events.is_empty() && level == HeadingLevel::H1,
                    level: level as u8,
                    text: String::new(),
                    line,
                    column,
                });
                self.events.push(Event::Start(Tag::Heading {
                    level,
                    id: None,
                    classes: Vec::new(),
                    attrs: Vec::new(),
                }));
            }
            Event::End(TagEnd::Heading(level)) => {
                if let Some(mut open) = self.heading.take() {
                    let custom_id = self.take_attr_block(&mut open);
                    let text = open.text.trim();
                    let is_title = open.leading_h1
                        && !text.is_empty()
                        && self.cx.title.is_none_or(|t| t.trim() == text);
                    self.slots.push(HeadingSlot {
                        start_event: open.start_event,
                        anchor_event: self.events.len(),
                        is_title,
                        custom_id,
                        level: open.level,
                        text: open.text.trim().to_owned(),
                        line: open.line,
                        column: open.column,
                    });
                    // Placeholder for the anchor, filled in by `finish`.
                    self.events.push(Event::InlineHtml(CowStr::Borrowed("")));
                }
                self.end_block();
                self.events.push(Event::End(TagEnd::Heading(level)));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                if link_type == LinkType::Email {
                    // `<name@example.org>`: a mailto link, not a relative path.
                    self.record_link(&format!("mailto:{dest_url}"), offset, false);
                } else {
                    self.record_link(&dest_url, offset, false);
                }
                if dest_url.starts_with('#') {
                    self.fragment_links.push(self.events.len());
                }
                let dest_url = match link_type {
                    LinkType::Email => None,
                    _ => rewrite_dest(&dest_url, self.cx),
                }
                .map_or(dest_url, CowStr::from);
                self.events.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                self.record_link(&dest_url, offset, true);
                let dest_url = rewrite_src(&dest_url, self.cx).map_or(dest_url, CowStr::from);
                self.events.push(Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::Text(ref text) | Event::Code(ref text) => {
                self.push_text(text);
                self.events.push(event);
            }
            Event::InlineHtml(html) => {
                // `{{<shortcode>}}`: template syntax, not HTML. Show it.
                let after_braces =
                    matches!(self.events.last(), Some(Event::Text(t)) if t.ends_with("{{"));
                if after_braces {
                    self.push_text(&html);
                    self.events.push(Event::Text(html));
                } else {
                    html_anchors::collect_html_anchors(&html, &mut self.html_anchors);
                    let html = self.html_with_links(html, &[(0, offset)]);
                    self.events.push(Event::InlineHtml(html));
                }
            }
            Event::Start(Tag::HtmlBlock) => {
                self.html_block = Some(String::new());
                self.events.push(event);
            }
            Event::Html(ref html) if html.starts_with(templates::BLOCK_ATTRS) => {
                self.apply_block_attrs(html);
            }
            Event::Html(html) => {
                if let Some(block) = &mut self.html_block {
                    // Each chunk is one line of the block at its own source
                    // offset: kept until the block ends, so that a tag
                    // split over lines (`<a\n  href="x.md">`) is read whole.
                    self.html_chunks.push((block.len(), offset));
                    block.push_str(&html);
                } else {
                    let html = self.html_with_links(html, &[(0, offset)]);
                    self.events.push(Event::Html(html));
                }
            }
            Event::End(TagEnd::HtmlBlock) => {
                if let Some(block) = self.html_block.take() {
                    html_anchors::collect_html_anchors(&block, &mut self.html_anchors);
                    let chunks = std::mem::take(&mut self.html_chunks);
                    let html = self.html_with_links(CowStr::from(block), &chunks);
                    self.events.push(Event::Html(html));
                }
                self.events.push(event);
            }
            Event::SoftBreak => {
                self.push_text(" ");
                self.events.push(event);
            }
            Event::HardBreak => {
                self.push_text("\n");
                self.events.push(event);
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                self.events.push(Event::Html(callout_open(kind).into()));
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => {
                self.end_block();
                self.events.push(Event::Html(CowStr::Borrowed("</div>\n")));
            }
            Event::End(TagEnd::TableCell) => {
                self.push_text(" ");
                self.events.push(event);
            }
            Event::Start(Tag::Table(_)) => {
                // Wide tables scroll in their own box (keyboard users can
                // focus it to scroll) instead of squeezing their cells.
                self.end_block();
                self.events.push(Event::Html(CowStr::Borrowed(
                    "<div class=\"md-table-wrap\" tabindex=\"0\">\n",
                )));
                self.events.push(event);
            }
            Event::End(TagEnd::Table) => {
                self.end_block();
                self.events.push(event);
                self.events.push(Event::Html(CowStr::Borrowed("</div>\n")));
            }
            Event::FootnoteReference(label) => {
                self.footnotes.reference(self.events.len(), &label);
                self.events.push(Event::InlineHtml(CowStr::Borrowed("")));
            }
            Event::Start(Tag::FootnoteDefinition(ref label)) => {
                self.end_block();
                self.footnotes.open(self.events.len(), label);
                self.events.push(event);
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                self.end_block();
                self.events.push(event);
                self.footnotes.close(self.events.len());
            }
            Event::Start(Tag::List(_)) => {
                self.lists.push(self.events.len());
                self.events.push(event);
            }
            Event::End(TagEnd::List(_)) => {
                self.lists.pop();
                self.events.push(event);
            }
            Event::Start(Tag::Item) => {
                self.items.push(self.events.len());
                self.events.push(event);
            }
            Event::End(TagEnd::Item) => {
                self.items.pop();
                self.end_block();
                self.events.push(event);
            }
            Event::TaskListMarker(_) => {
                self.mark_task_item();
                self.events.push(event);
            }
            Event::End(
                TagEnd::Paragraph
                | TagEnd::TableRow
                | TagEnd::TableHead
                | TagEnd::BlockQuote(_)
                | TagEnd::DefinitionListTitle
                | TagEnd::DefinitionListDefinition,
            ) => {
                self.end_block();
                self.events.push(event);
            }
            other => self.events.push(other),
        }
    }

    /// Gives the open list item (it starts with a task-list checkbox) the
    /// class `task-list-item`, and its list the class `contains-task-list`,
    /// as GitHub does; the theme hides the bullets of those items only.
    fn mark_task_item(&mut self) {
        if let Some(&item) = self.items.last() {
            if let Some(e) = self.events.get_mut(item) {
                *e = Event::Html(CowStr::Borrowed("<li class=\"task-list-item\">"));
            }
        }
        let Some(&list) = self.lists.last() else {
            return;
        };
        let html = match self.events.get(list) {
            Some(Event::Start(Tag::List(None))) => "<ul class=\"contains-task-list\">\n".into(),
            Some(Event::Start(Tag::List(Some(1)))) => "<ol class=\"contains-task-list\">\n".into(),
            Some(Event::Start(Tag::List(Some(start)))) => {
                format!("<ol class=\"contains-task-list\" start=\"{start}\">\n")
            }
            _ => return,
        };
        if let Some(e) = self.events.get_mut(list) {
            *e = Event::Html(CowStr::from(html));
        }
    }

    /// Removes a valid `{#id .class}` block from the end of the open
    /// heading's text (events, heading text and page text), puts its classes
    /// on the heading and returns its id. A `{...}` that is not all
    /// attributes stays as text.
    fn take_attr_block(&mut self, open: &mut OpenHeading) -> Option<String> {
        let first_inline = open.start_event + 1;
        let run_start = self.events[first_inline.min(self.events.len())..]
            .iter()
            .rposition(|e| !matches!(e, Event::Text(_)))
            .map_or(first_inline, |i| first_inline + i + 1);
        let trailing: String = self.events[run_start.min(self.events.len())..]
            .iter()
            .filter_map(|e| match e {
                Event::Text(t) => Some(t.as_ref()),
                _ => None,
            })
            .collect();
        let block = heading_attrs::find_attr_block(&trailing)?;
        if !open.text.ends_with(&trailing) || !self.text.ends_with(&trailing) {
            return None;
        }
        open.text.truncate(open.text.len() - block.cut);
        self.text.truncate(self.text.len() - block.cut);
        let mut left = block.cut;
        for event in self.events[run_start..].iter_mut().rev() {
            let Event::Text(t) = event else { break };
            let keep = t.len().saturating_sub(left);
            left -= t.len() - keep;
            *event = Event::Text(CowStr::from(t.get(..keep).unwrap_or_default().to_owned()));
            if left == 0 {
                break;
            }
        }
        if let Some(Event::Start(Tag::Heading { classes, .. })) =
            self.events.get_mut(open.start_event)
        {
            *classes = block.attrs.classes.into_iter().map(CowStr::from).collect();
        }
        block.attrs.id
    }

    /// Puts a block attribute list (`{: .lead #intro}` on the line after a
    /// paragraph, read by `templates`) on that paragraph: the events end
    /// `... End(Paragraph), Start(HtmlBlock)`. After anything else it is
    /// dropped.
    fn apply_block_attrs(&mut self, marker: &str) {
        let Some((id, classes)) = templates::block_attrs(marker) else {
            return;
        };
        let n = self.events.len();
        if n < 2
            || !matches!(self.events[n - 1], Event::Start(Tag::HtmlBlock))
            || !matches!(self.events[n - 2], Event::End(TagEnd::Paragraph))
        {
            return;
        }
        let Some(start) = self.events[..n - 2]
            .iter()
            .rposition(|e| matches!(e, Event::Start(Tag::Paragraph)))
        else {
            return;
        };
        let mut p = String::from("<p");
        if let Some(id) = id {
            p.push_str(" id=\"");
            push_escaped(&mut p, id);
            p.push('"');
            self.html_anchors.push(id.to_owned());
        }
        if !classes.is_empty() {
            p.push_str(" class=\"");
            push_escaped(&mut p, &classes.join(" "));
            p.push('"');
        }
        p.push('>');
        self.events[start] = Event::Html(p.into());
    }

    /// Append inline text to the page text and to the open heading, if any.
    fn push_text(&mut self, text: &str) {
        self.text.push_str(text);
        if let Some(open) = &mut self.heading {
            open.text.push_str(text);
        }
    }

    /// Append a code block's content to the page text, on lines of its own,
    /// and record where it is.
    fn push_code_text(&mut self, code: &str) {
        self.end_block();
        let start = self.text.len();
        self.text.push_str(code);
        self.code_blocks.push((start, self.text.len()));
    }

    /// Separate blocks in the page text with one newline.
    fn end_block(&mut self) {
        let trimmed = self.text.trim_end_matches([' ', '\t']).len();
        self.text.truncate(trimmed);
        if !self.text.is_empty() && !self.text.ends_with('\n') {
            self.text.push('\n');
        }
    }

    /// Records the `<a href>` and `<img src>` of raw HTML at `offset` as
    /// links, and rewrites their values as markdown links are rewritten
    /// (`x.md` → the output file), so what `check` accepts also works in
    /// the built site.
    /// `chunks`: where each piece of `html` starts in it and in the source
    /// (the lines of an HTML block are not contiguous in a list or a quote),
    /// sorted, the first at 0.
    fn html_with_links(&mut self, html: CowStr<'a>, chunks: &[(usize, usize)]) -> CowStr<'a> {
        let links = html_anchors::html_links(&html);
        if links.is_empty() {
            return html;
        }
        let source = |at: usize| {
            let i = chunks
                .partition_point(|&(start, _)| start <= at)
                .saturating_sub(1);
            chunks.get(i).map_or(0, |&(start, src)| src + (at - start))
        };
        let mut out = String::with_capacity(html.len() + 16);
        let mut pos = 0;
        for l in &links {
            self.record_link(&l.dest, source(l.at.start), l.image);
            let new = if l.image {
                rewrite_src(&l.dest, self.cx)
            } else {
                rewrite_dest(&l.dest, self.cx)
            };
            if let Some(new) = new {
                out.push_str(&html[pos..l.at.start]);
                out.push_str(&new.replace('&', "&amp;").replace('"', "&quot;"));
                pos = l.at.end;
            }
        }
        if pos == 0 {
            return html;
        }
        out.push_str(&html[pos..]);
        CowStr::from(out)
    }

    fn record_link(&mut self, dest: &str, offset: usize, is_image: bool) {
        let (line, column) = self.lines.position(offset);
        self.links.push(Link {
            dest: dest.to_owned(),
            line,
            column,
            is_image,
        });
    }

    fn code_block_html(&self, open: &OpenCode) -> String {
        let mut html = String::with_capacity(open.code.len() * 2 + 64);
        html.push_str("<pre class=\"hl-code\"><code");
        match &open.lang {
            Some(lang) => {
                html.push_str(" class=\"language-");
                push_escaped(&mut html, lang);
                html.push_str("\">");
                html.push_str(&self.cx.highlighter.highlight(lang, &open.code));
            }
            None => {
                html.push('>');
                push_escaped(&mut html, &open.code);
            }
        }
        html.push_str("</code></pre>\n");
        html
    }

    /// Gives every heading its id (custom ids first, so an earlier slug cannot
    /// take a later `{#id}`; layout ids never), fills in the heading tags and
    /// their `#` anchors, and returns the headings.
    fn assign_heading_ids(&mut self) -> Vec<Heading> {
        let mut ids = HeadingIds::default();
        for id in LAYOUT_IDS {
            ids.reserve(id);
        }
        for slot in &self.slots {
            if let Some(id) = &slot.custom_id {
                if !LAYOUT_IDS.contains(&id.as_str()) {
                    ids.reserve(id);
                }
            }
        }
        let slots = std::mem::take(&mut self.slots);
        let assigned: Vec<(String, Option<String>)> = slots
            .iter()
            .map(|slot| match &slot.custom_id {
                Some(id) if LAYOUT_IDS.contains(&id.as_str()) => (ids.unique(id), Some(id.clone())),
                Some(id) => (id.clone(), None),
                None => {
                    let slug = slugify(&slot.text);
                    let id = ids.unique(&slug);
                    let moved = LAYOUT_IDS.contains(&slug.as_str());
                    (id, moved.then_some(slug))
                }
            })
            .collect();
        // The ids other generators gave the same headings (GitLab, Hugo,
        // goldmark), each numbered for repeats as that generator does.
        let mut taken: HashSet<String> = assigned.iter().map(|(id, _)| id.clone()).collect();
        taken.extend(LAYOUT_IDS.iter().map(|s| (*s).to_owned()));
        let mut styles: Vec<HeadingIds> = (0..OTHER_SLUG_STYLES.len())
            .map(|_| HeadingIds::default())
            .collect();
        let mut headings = Vec::with_capacity(slots.len());
        for (slot, (id, layout_alias)) in slots.into_iter().zip(assigned) {
            // Only the first heading that wanted a layout id answers to it.
            let mut aliases: Vec<String> = layout_alias
                .filter(|a| taken.insert(format!("\0{a}")))
                .into_iter()
                .collect();
            let mut anchors = String::new();
            if slot.custom_id.is_none() {
                for (style, used) in OTHER_SLUG_STYLES.iter().zip(&mut styles) {
                    let other = used.unique_or(&style(&slot.text), "heading");
                    if taken.insert(other.clone()) {
                        if !slot.is_title {
                            anchors.push_str("<span id=\"");
                            push_escaped(&mut anchors, &other);
                            anchors.push_str("\"></span>");
                        }
                        aliases.push(other);
                    }
                }
            }
            if slot.is_title {
                // The theme shows the title (with this id); drop the repeat,
                // up to and including its end tag after the anchor slot.
                let end = (slot.anchor_event + 2).min(self.events.len());
                for event in self
                    .events
                    .get_mut(slot.start_event..end)
                    .unwrap_or_default()
                {
                    *event = Event::Text(CowStr::Borrowed(""));
                }
                self.title_id = Some(id.clone());
            } else if let Some(Event::Start(Tag::Heading { id: event_id, .. })) =
                self.events.get_mut(slot.start_event)
            {
                *event_id = Some(CowStr::from(id.clone()));
            }
            if let Some(anchor) = self
                .events
                .get_mut(slot.anchor_event)
                .filter(|_| !slot.is_title)
            {
                let mut html = String::with_capacity(id.len() + 72 + anchors.len());
                html.push_str(" <a class=\"anchor\" href=\"#");
                push_escaped(&mut html, &id);
                html.push_str("\" aria-hidden=\"true\" tabindex=\"-1\">#</a>");
                html.push_str(&anchors);
                *anchor = Event::InlineHtml(html.into());
            }
            headings.push(Heading {
                level: slot.level,
                id,
                aliases,
                text: slot.text,
                line: slot.line,
                column: slot.column,
            });
        }
        headings
    }

    /// Points in-page links to a heading's alias (`#content`) at its id.
    fn point_fragment_links(&mut self, headings: &[Heading]) {
        let moved: HashMap<&str, &str> = headings
            .iter()
            .flat_map(|h| h.aliases.iter().map(|a| (a.as_str(), h.id.as_str())))
            .collect();
        if moved.is_empty() {
            return;
        }
        for &i in &self.fragment_links {
            if let Some(Event::Start(Tag::Link { dest_url, .. })) = self.events.get_mut(i) {
                let fragment = crate::url::decode_lenient(dest_url.trim_start_matches('#'));
                if let Some(id) = moved.get(fragment.as_str()) {
                    *dest_url = CowStr::from(format!("#{id}"));
                }
            }
        }
    }

    fn finish(mut self, body_len: usize) -> RenderedMarkdown {
        // An unterminated construct at end of input is closed by the parser,
        // but be defensive: never lose an open code block's text.
        if let Some(open) = self.code.take() {
            let html = self.code_block_html(&open);
            self.push_code_text(&open.code);
            self.events.push(Event::Html(html.into()));
        }

        let headings = self.assign_heading_ids();
        self.point_fragment_links(&headings);
        if !self.toc_slots.is_empty() {
            let toc = toc_html(&headings, self.title_id.as_deref());
            for &i in &self.toc_slots {
                if let Some(slot) = self.events.get_mut(i) {
                    *slot = Event::Html(CowStr::from(toc.clone()));
                }
            }
        }

        let mut html = String::with_capacity(body_len + body_len / 2 + self.code_html_len + 64);
        let events = if self.footnotes.is_empty() {
            self.events
        } else {
            let taken =
                LAYOUT_IDS
                    .iter()
                    .map(|s| (*s).to_owned())
                    .chain(headings.iter().flat_map(|h| {
                        std::iter::once(h.id.clone()).chain(h.aliases.iter().cloned())
                    }))
                    .chain(self.html_anchors.iter().cloned());
            let (events, ids) = std::mem::take(&mut self.footnotes).place(self.events, taken);
            self.html_anchors.extend(ids);
            events
        };
        let events = autolink::autolink_events(events);
        pulldown_cmark::html::push_html(&mut html, events.into_iter());

        let first_h1 = headings
            .iter()
            .find(|h| h.level == 1 && !h.text.is_empty())
            .map(|h| h.text.clone());
        let text = self.text.trim();
        let lead = self.text.len() - self.text.trim_start().len();
        let code_blocks = self
            .code_blocks
            .iter()
            .map(|&(s, e)| {
                (
                    s.saturating_sub(lead),
                    e.saturating_sub(lead).min(text.len()),
                )
            })
            .filter(|&(s, e)| s < e)
            .collect();
        let text = text.to_owned();
        RenderedMarkdown {
            html: html.into(),
            headings,
            links: self.links,
            first_h1,
            title_id: self.title_id,
            html_anchors: self.html_anchors,
            text,
            code_blocks,
            template_syntax: None,
            has_mermaid: self.has_mermaid,
        }
    }
}
