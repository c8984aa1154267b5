//! Foreign template syntax in a page body, resolved before markdown parsing.
//!
//! Owns: Hugo shortcodes (`{{< name args >}}`, `{{% name %}}…{{% /name %}}`,
//! the escape `{{</* x */>}}`), ERB as GOV.UK Tech Docs / Middleman pages use
//! it (`<%= current_page.data.title %>`, `<%= partial "x" %>`, `<% logic %>`)
//! and Kramdown/Pandoc attribute lists (`{: .class}`, `{style="..."}`,
//! `* TOC` + `{:toc}`). [`expand`] rewrites the body into plain markdown (and
//! a little HTML) and keeps an [`OffsetMap`] from the new text back to the
//! original, so every heading and link found later keeps its line:column in
//! the file. Code spans and code blocks are left alone (they document the
//! syntax), apart from undoing Hugo's `{{</* */>}}` escape, as Hugo does.
//!
//! Pure: the partials it may inline are handed in; it never reads the disk.
//!
//! This file finds the tags ([`scan`]) and writes the new text
//! ([`expand`]); what each kind of tag becomes is in `hugo` (shortcodes),
//! `erb` and `attrs` (attribute lists).

use std::collections::{HashMap, HashSet};

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::highlight::push_escaped;

mod attrs;
mod erb;
mod hugo;

pub(super) use attrs::{block_attrs, BLOCK_ATTRS};
use attrs::{parse_attr_list, toc_item_before, AttrList};
use erb::erb_value;
use hugo::{mark_block_closes, pair_shortcodes, parse_shortcode, shortcode_html, Shortcode};

/// What [`expand`] may look things up in.
pub(super) struct TemplateCx<'a> {
    /// The page's path under the content dir.
    pub(super) page_path: &'a str,
    /// Every page path under the content dir (for `relref`).
    pub(super) known_pages: &'a HashSet<String>,
    /// The page's frontmatter block as written (for `current_page.data.*`).
    pub(super) frontmatter: &'a str,
    /// The frontmatter title, if any.
    pub(super) title: Option<&'a str>,
    /// Partial files by path under the content dir (for ERB `partial`).
    pub(super) partials: Option<&'a HashMap<String, String>>,
}

/// The body with its template syntax resolved.
pub(super) struct Expansion {
    /// The markdown to render.
    pub(super) text: String,
    /// Where each part of `text` came from.
    pub(super) map: OffsetMap,
    /// Template syntax dropped: (offset in the original body, name), in
    /// order, each name once.
    pub(super) dropped: Vec<(usize, String)>,
}

/// From offsets in the expanded text to offsets in the original body.
#[derive(Default)]
pub(super) struct OffsetMap {
    /// (start in the new text, start in the original, copied verbatim).
    parts: Vec<(usize, usize, bool)>,
}

impl OffsetMap {
    /// The original offset of `offset` in the new text: exact in copied
    /// text, the start of the template tag in generated text.
    pub(super) fn original(&self, offset: usize) -> usize {
        let i = self.parts.partition_point(|p| p.0 <= offset);
        match i.checked_sub(1).and_then(|i| self.parts.get(i)) {
            Some(&(new, orig, true)) => orig + (offset - new),
            Some(&(_, orig, false)) => orig,
            None => offset,
        }
    }
}

/// Builds the new text with its map.
struct Out {
    text: String,
    map: OffsetMap,
}

impl Out {
    fn copy(&mut self, src: &str, from: usize, to: usize) {
        if from < to {
            self.map.parts.push((self.text.len(), from, true));
            self.text.push_str(&src[from..to]);
        }
    }

    fn generated(&mut self, orig: usize, text: &str) {
        self.map.parts.push((self.text.len(), orig, false));
        self.text.push_str(text);
    }
}

/// Whether `body` may hold syntax [`expand`] resolves (a cheap pre-check so
/// pages without any cost one scan).
fn may_have_templates(body: &str) -> bool {
    ["{{<", "{{%", "<%", "{:", "{.", "{#", "{style"]
        .iter()
        .any(|p| body.contains(p))
}

/// Resolves the template syntax in `body`; `None` when there is none.
pub(super) fn expand(body: &str, cx: &TemplateCx<'_>) -> Option<Expansion> {
    expand_depth(body, cx, 0)
}

fn expand_depth(body: &str, cx: &TemplateCx<'_>, depth: u32) -> Option<Expansion> {
    if !may_have_templates(body) {
        return None;
    }
    let code = code_ranges(body);
    // Middleman runs ERB only on `.erb` files; elsewhere `<%` is text.
    let erb = cx.page_path.to_ascii_lowercase().ends_with(".erb");
    let tags = scan(body, &code, erb);
    if tags.is_empty() {
        return None;
    }
    let mut tags = tags;
    let pairs = pair_shortcodes(&tags);
    mark_block_closes(&mut tags, &pairs, body);
    let mut out = Out {
        text: String::with_capacity(body.len() + 256),
        map: OffsetMap::default(),
    };
    let mut dropped: Vec<(usize, String)> = Vec::new();
    let mut note = |at: usize, name: String| {
        if !dropped.iter().any(|(_, n)| *n == name) {
            dropped.push((at, name));
        }
    };
    let mut pos = 0;
    let mut i = 0;
    while i < tags.len() {
        let tag = &tags[i];
        let line = line_of(body, tag.start, tag.end);
        // A tag alone on its line that comes to nothing takes the line with
        // it: a blank line left behind would end a raw HTML block (and
        // indent the rest of it into a code block) or split a paragraph.
        let whole_line = line.alone && pos <= line.start;
        out.copy(body, pos, line.start.max(pos));
        let mark = (out.text.len(), out.map.parts.len());
        out.copy(body, line.start.max(pos), tag.start);
        let copied = out.text.len();
        pos = tag.end;
        match &tag.kind {
            TagKind::Escaped(literal) => {
                if tag.in_code {
                    out.generated(tag.start, literal);
                } else {
                    let mut s = String::new();
                    push_escaped(&mut s, literal);
                    out.generated(tag.start, &s);
                }
            }
            TagKind::Attrs(attrs) => {
                if attrs.toc {
                    let marker = if body[tag.start..].starts_with('{') {
                        ""
                    } else {
                        "[TOC]\n"
                    };
                    out.generated(tag.start, marker);
                } else if line.alone && line.after_text {
                    // The block above takes them (a paragraph; others drop
                    // them): a marker the renderer reads, see `BLOCK_ATTRS`.
                    let mut s = String::from(BLOCK_ATTRS);
                    if let Some(id) = &attrs.id {
                        s.push_str(&format!(" #{id}"));
                    }
                    for class in &attrs.classes {
                        s.push_str(&format!(" .{class}"));
                    }
                    s.push_str("-->");
                    out.generated(tag.start, &s);
                } else if line.alone || !line.heading {
                    out.generated(tag.start, "");
                } else {
                    // A heading's attributes, in the form `heading_attrs` reads.
                    let mut s = String::new();
                    if let Some(id) = &attrs.id {
                        s.push_str(&format!(" {{#{id}"));
                    }
                    for class in &attrs.classes {
                        s.push_str(if s.is_empty() { " {" } else { " " });
                        s.push('.');
                        s.push_str(class);
                    }
                    if !s.is_empty() {
                        s.push('}');
                    }
                    out.generated(tag.start, &s);
                }
            }
            TagKind::Erb(erb) => {
                let text = erb_value(erb, cx, depth, &line, &mut note, tag.start);
                out.generated(tag.start, &text);
            }
            TagKind::Shortcode(sc) => {
                let close = pairs.get(&i).copied();
                if sc.closing {
                    // A closing tag: handled with its opening one when paired.
                    let blank = format!("\n{}", line.prefix.trim_end_matches([' ', '\t']));
                    let text = match &sc.block_close {
                        Some(html) if line.alone => format!("{html}{blank}"),
                        Some(html) => format!("{blank}{blank}{html}{blank}"),
                        None => String::new(),
                    };
                    out.generated(tag.start, &text);
                } else if sc.name == "highlight" && close.is_some() {
                    let close = close.unwrap_or(i);
                    let inner_end = tags[close].start;
                    let inner = body.get(pos..inner_end).unwrap_or_default();
                    let fence = "`".repeat(longest_run(inner, '`').max(2) + 1);
                    let lang = sc.positional(0).unwrap_or_default();
                    let inner = inner.strip_prefix('\n').unwrap_or(inner);
                    out.generated(tag.start, &format!("{fence}{lang}\n"));
                    let inner_start = inner_end - inner.len();
                    out.copy(body, inner_start, inner_end);
                    let nl = if inner.ends_with('\n') || inner.is_empty() {
                        ""
                    } else {
                        "\n"
                    };
                    out.generated(tags[close].start, &format!("{nl}{fence}"));
                    pos = tags[close].end;
                    i = close + 1;
                    continue;
                } else {
                    let text = shortcode_html(sc, close.is_some(), &line, cx, &mut note, tag.start);
                    out.generated(tag.start, &text);
                }
            }
        }
        if whole_line && out.text.len() == copied {
            out.text.truncate(mark.0);
            out.map.parts.truncate(mark.1);
            pos = (line.end + 1).min(body.len());
        }
        i += 1;
    }
    out.copy(body, pos, body.len());
    Some(Expansion {
        text: out.text,
        map: out.map,
        dropped,
    })
}

/// Byte ranges of code spans and code blocks in `body`.
fn code_ranges(body: &str) -> Vec<(usize, usize)> {
    let mut ranges = Vec::new();
    let mut block_start = None;
    for (event, range) in Parser::new_ext(body, super::options()).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(_)) => block_start = Some(range.start),
            Event::End(TagEnd::CodeBlock) => {
                ranges.push((block_start.take().unwrap_or(range.start), range.end));
            }
            Event::Code(_) => ranges.push((range.start, range.end)),
            _ => {}
        }
    }
    ranges.sort_unstable();
    ranges
}

/// Where a tag stands on its line.
struct LineCx<'a> {
    /// Only whitespace (and blockquote `>`) around the tag on its line.
    alone: bool,
    /// The line is an ATX heading.
    heading: bool,
    /// The container prefix (indentation and `>`) to repeat on added lines.
    prefix: &'a str,
    /// The tag is a link's destination (`[x]({{< relref "y" >}})`).
    link_dest: bool,
    /// The line before is not blank (a block the tag may attach to).
    after_text: bool,
    /// Where the line starts, and ends (its `\n` or the end of the body).
    start: usize,
    end: usize,
}

fn line_of(body: &str, start: usize, end: usize) -> LineCx<'_> {
    let line_start = body[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = body[end..].find('\n').map_or(body.len(), |i| end + i);
    let before = &body[line_start..start];
    let after = &body[end..line_end];
    let alone = before.chars().all(|c| c.is_whitespace() || c == '>') && after.trim().is_empty();
    let prefix_len = before
        .find(|c: char| !(c.is_whitespace() || c == '>'))
        .unwrap_or(before.len());
    LineCx {
        alone,
        heading: before.trim_start().starts_with('#'),
        prefix: &before[..prefix_len],
        link_dest: before.ends_with("](") || before.ends_with("href=\""),
        start: line_start,
        end: line_end,
        after_text: line_start > 0
            && body[..line_start - 1]
                .rsplit('\n')
                .next()
                .is_some_and(|prev| {
                    !prev
                        .trim_matches(|c: char| c.is_whitespace() || c == '>')
                        .is_empty()
                }),
    }
}

fn longest_run(s: &str, c: char) -> usize {
    let (mut best, mut run) = (0, 0);
    for ch in s.chars() {
        run = if ch == c { run + 1 } else { 0 };
        best = best.max(run);
    }
    best
}

/// One piece of template syntax found in the body.
struct FoundTag {
    start: usize,
    end: usize,
    in_code: bool,
    kind: TagKind,
}

enum TagKind {
    /// `{{</* x */>}}`: shown as `{{< x >}}`.
    Escaped(String),
    Shortcode(Shortcode),
    Erb(String),
    Attrs(AttrList),
}

/// Every tag in `body`, in order (ERB only when `erb`). In code only
/// Hugo's escape counts.
fn scan(body: &str, code: &[(usize, usize)], erb: bool) -> Vec<FoundTag> {
    let bytes = body.as_bytes();
    let mut tags = Vec::new();
    let mut i = 0;
    let mut code_i = 0;
    while i + 1 < bytes.len() {
        let b = bytes[i];
        if b != b'{' && b != b'<' {
            i += 1;
            continue;
        }
        while code.get(code_i).is_some_and(|r| r.1 <= i) {
            code_i += 1;
        }
        let in_code = code.get(code_i).is_some_and(|r| r.0 <= i && i < r.1);
        let rest = &body[i..];
        let found = if rest.starts_with("{{<") || rest.starts_with("{{%") {
            parse_shortcode(rest, in_code)
        } else if in_code {
            None
        } else if erb && rest.starts_with("<%") {
            rest[2..].find("%>").map(|end| {
                let end = end + 2;
                let inner = rest[2..end].to_owned();
                (end + 2, TagKind::Erb(inner))
            })
        } else if b == b'{' {
            parse_attr_list(rest, body, i)
        } else {
            None
        };
        match found {
            Some((len, kind)) => {
                // Kramdown's `* TOC` list item before `{:toc}` is the marker.
                let toc_item = match &kind {
                    TagKind::Attrs(a) if a.toc => toc_item_before(body, i)
                        .filter(|&s| tags.last().is_none_or(|t: &FoundTag| t.end <= s)),
                    _ => None,
                };
                tags.push(FoundTag {
                    start: toc_item.unwrap_or(i),
                    end: i + len,
                    in_code,
                    kind,
                });
                i += len;
            }
            None => i += 1,
        }
    }
    tags
}
