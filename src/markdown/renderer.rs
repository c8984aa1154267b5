//! The renderer's first pass: pulldown-cmark's events for one page body,
//! rewritten as they come. Code blocks become highlighted HTML (or mermaid
//! diagrams), GitHub alerts callouts, tables scrolling boxes; link and image
//! destinations (raw HTML ones too) are recorded with their `line:column`
//! and rewritten to output URLs; headings are read into slots whose ids are
//! assigned once the whole page is known ([`finish`]); and the page's plain
//! text for search is collected.
//!
//! Heading and block attribute lists and task-list classes are in
//! [`attrs`]; the second pass (heading ids, table of contents, footnotes,
//! the final HTML) in [`finish`].

use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Parser, Tag, TagEnd};

use super::blocks::{callout_open, fence_lang, is_toc_marker, mermaid_html};
use super::highlight::push_escaped;
use super::line_index::LineIndex;
use super::links::{rewrite_dest, rewrite_src};
use super::{footnotes, html_anchors, templates, Link, MarkdownContext, RenderedMarkdown};

mod attrs;
mod finish;

/// Renders `body` (the page body with its template syntax resolved;
/// `lines` maps its offsets back to the file): pulldown-cmark's events
/// rewritten as they come, then the second pass ([`Renderer::finish`]).
pub(super) fn render<'a>(
    body: &'a str,
    lines: LineIndex<'a>,
    cx: &MarkdownContext<'_>,
) -> RenderedMarkdown {
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
    for (event, range) in Parser::new_ext(body, super::options()).into_offset_iter() {
        if r.skip_toc_marker(&event, body.get(range.clone()).unwrap_or_default()) {
            continue;
        }
        r.event(event, range.start);
    }
    r.finish(body.len())
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
}
