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

use std::collections::{HashMap, HashSet};

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::highlight::push_escaped;

/// Opens the HTML comment standing for a block attribute list
/// (`<!--handbook-attrs #id .class-->`) on the line after a block; the
/// renderer puts them on the paragraph above, or drops them.
pub(super) const BLOCK_ATTRS: &str = "<!--handbook-attrs";

/// The id and classes of a [`BLOCK_ATTRS`] marker.
pub(super) fn block_attrs(marker: &str) -> Option<(Option<&str>, Vec<&str>)> {
    let inner = marker
        .trim()
        .strip_prefix(BLOCK_ATTRS)?
        .strip_suffix("-->")?;
    let mut id = None;
    let mut classes = Vec::new();
    for token in inner.split_whitespace() {
        if let Some(i) = token.strip_prefix('#') {
            id = Some(name_ok(i)?);
        } else {
            classes.push(name_ok(token.strip_prefix('.')?)?);
        }
    }
    Some((id, classes))
}

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

struct Shortcode {
    name: String,
    /// `<` or `%`, as written.
    delim: &'static str,
    closing: bool,
    /// `(key, value)`; positional arguments have no key.
    args: Vec<(Option<String>, String)>,
    /// On a closing tag whose opening one stood on its own line: the HTML
    /// that closes the block (set by `mark_block_closes`).
    block_close: Option<&'static str>,
}

impl Shortcode {
    fn positional(&self, n: usize) -> Option<&str> {
        self.args
            .iter()
            .filter(|(k, _)| k.is_none())
            .nth(n)
            .map(|(_, v)| v.as_str())
    }

    fn named(&self, keys: &[&str]) -> Option<&str> {
        keys.iter().find_map(|key| {
            self.args
                .iter()
                .find(|(k, _)| k.as_deref() == Some(key))
                .map(|(_, v)| v.as_str())
        })
    }
}

/// A Kramdown/Pandoc attribute list.
#[derive(Default)]
struct AttrList {
    id: Option<String>,
    classes: Vec<String>,
    /// `{:toc}`.
    toc: bool,
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

/// The start of the line before `at` when it is a one-item list `* TOC`
/// (kramdown's table-of-contents placeholder).
fn toc_item_before(body: &str, at: usize) -> Option<usize> {
    let line_start = body[..at].rfind('\n').map_or(0, |i| i + 1);
    if !body[line_start..at].trim().is_empty() || line_start == 0 {
        return None;
    }
    let prev_start = body[..line_start - 1].rfind('\n').map_or(0, |i| i + 1);
    let prev = body[prev_start..line_start].trim();
    let item = prev
        .strip_prefix(['*', '-', '+'])
        .or_else(|| prev.strip_prefix("1."))?;
    (item.trim() == "TOC" || item.trim() == "Table of Contents").then_some(prev_start)
}

/// A shortcode tag at the start of `s`: its length and what it is.
fn parse_shortcode(s: &str, in_code: bool) -> Option<(usize, TagKind)> {
    let delim = &s[2..3];
    let close_delim = if delim == "<" { ">" } else { "%" };
    let close = format!("{close_delim}}}}}");
    let inner_start = 3;
    let rest = &s[inner_start..];
    let trimmed = rest.trim_start();
    if let Some(escaped) = trimmed.strip_prefix("/*") {
        // `{{</* x */>}}`
        let end = escaped.find("*/")?;
        let after = escaped[end + 2..].trim_start();
        if !after.starts_with(close.as_str()) {
            return None;
        }
        let inner = escaped[..end].trim();
        let len = s.len() - after.len() + close.len();
        return Some((
            len,
            TagKind::Escaped(format!("{{{{{delim} {inner} {close_delim}}}}}")),
        ));
    }
    if in_code {
        return None;
    }
    // Find the close outside quotes, within a sane distance.
    let limit = rest.len().min(4000);
    let mut quote: Option<char> = None;
    let mut end = None;
    for (j, c) in rest[..floor_char(rest, limit)].char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '`' => quote = Some(c),
            None if rest[j..].starts_with(close.as_str()) => {
                end = Some(j);
                break;
            }
            None => {}
        }
    }
    let end = end?;
    let mut inner = rest[..end].trim();
    inner = inner.strip_suffix('/').unwrap_or(inner).trim_end();
    let (closing, inner) = match inner.strip_prefix('/') {
        Some(r) => (true, r.trim_start()),
        None => (false, inner),
    };
    let name_end = inner.find(char::is_whitespace).unwrap_or(inner.len());
    let name = &inner[..name_end];
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_alphanumeric() || "-_/.".contains(c))
    {
        return None;
    }
    let args = parse_args(&inner[name_end..]);
    Some((
        inner_start + end + close.len(),
        TagKind::Shortcode(Shortcode {
            name: name.to_owned(),
            delim: if delim == "<" { "<" } else { "%" },
            closing,
            args,
            block_close: None,
        }),
    ))
}

fn floor_char(s: &str, mut at: usize) -> usize {
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// `a "b c" key="v" k2=v2 `raw``: positional and named arguments.
fn parse_args(s: &str) -> Vec<(Option<String>, String)> {
    let mut args = Vec::new();
    let mut chars = s.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.peek().is_none() {
            break;
        }
        let mut key = None;
        let mut token = String::new();
        let value = loop {
            match chars.peek().copied() {
                Some(q @ ('"' | '`')) => {
                    chars.next();
                    let mut v = String::new();
                    while let Some(c) = chars.next() {
                        if c == q {
                            break;
                        }
                        if c == '\\' && q == '"' {
                            if let Some(n) = chars.next() {
                                v.push(n);
                            }
                            continue;
                        }
                        v.push(c);
                    }
                    break v;
                }
                Some('=') if key.is_none() && !token.is_empty() => {
                    chars.next();
                    key = Some(std::mem::take(&mut token));
                }
                Some(c) if !c.is_whitespace() => {
                    token.push(c);
                    chars.next();
                }
                _ => break std::mem::take(&mut token),
            }
        };
        args.push((key, value));
    }
    args
}

/// A `{...}` attribute list at `body[at..]` (`s`): Kramdown `{: ...}` /
/// `{:toc}` anywhere, Pandoc `{.c #id k="v"}` right after a span or alone
/// or at the end of its line.
fn parse_attr_list(s: &str, body: &str, at: usize) -> Option<(usize, TagKind)> {
    let line_end = s.find('\n').unwrap_or(s.len());
    let close = s[..line_end].find('}')?;
    let inner = &s[1..close];
    let after = &s[close + 1..line_end];
    if let Some(ial) = inner.strip_prefix(':') {
        // `{:toc}`, `{: .c #id}`, `{::options ...}`, `{:/}`, `{:ref: .c}`.
        let ial = ial.trim();
        if ial.starts_with(['.', '#', ':', '/']) || ial.is_empty() || ial == "toc" {
            let mut attrs = parse_attr_tokens(ial).unwrap_or_default();
            attrs.toc = ial == "toc" || ial.split_whitespace().any(|t| t == "toc");
            return Some((close + 1, TagKind::Attrs(attrs)));
        }
        let is_ald = ial
            .split_once(':')
            .is_some_and(|(name, _)| name.chars().all(|c| c.is_alphanumeric() || c == '-'));
        return is_ald.then(|| (close + 1, TagKind::Attrs(AttrList::default())));
    }
    let attrs = parse_attr_tokens(inner)?;
    let prev = body[..at].chars().next_back();
    let after_span = prev.is_some_and(|c| matches!(c, ')' | ']' | '`' | '*' | '_'));
    let line_start = body[..at].rfind('\n').map_or(0, |i| i + 1);
    let alone = body[line_start..at].trim().is_empty();
    let at_end = after.trim().is_empty();
    (after_span || alone || at_end).then_some((close + 1, TagKind::Attrs(attrs)))
}

/// `#id .class key=value key="a b"` tokens; `None` unless there is at least
/// one and every one is an attribute.
fn parse_attr_tokens(inner: &str) -> Option<AttrList> {
    let mut attrs = AttrList::default();
    let mut any = false;
    let mut rest = inner.trim();
    while !rest.is_empty() {
        any = true;
        let end = token_end(rest)?;
        let token = &rest[..end];
        rest = rest[end..].trim_start();
        if let Some(id) = token.strip_prefix('#') {
            attrs.id = Some(name_ok(id)?.to_owned());
        } else if let Some(class) = token.strip_prefix('.') {
            attrs.classes.push(name_ok(class)?.to_owned());
        } else {
            let (key, _) = token.split_once('=')?;
            let ok = key.starts_with(|c: char| c.is_ascii_alphabetic())
                && key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            if !ok {
                return None;
            }
        }
    }
    any.then_some(attrs)
}

/// The end of the first token of `s` (a quoted value may hold spaces).
fn token_end(s: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in s.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c.is_whitespace() => return Some(i),
            None => {}
        }
    }
    quote.is_none().then_some(s.len())
}

fn name_ok(name: &str) -> Option<&str> {
    (!name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | ':')))
    .then_some(name)
}

/// Index of each opening shortcode → index of its closing tag.
fn pair_shortcodes(tags: &[FoundTag]) -> HashMap<usize, usize> {
    let mut pairs = HashMap::new();
    let mut open: Vec<(usize, &str)> = Vec::new();
    for (i, tag) in tags.iter().enumerate() {
        let TagKind::Shortcode(sc) = &tag.kind else {
            continue;
        };
        if sc.closing {
            if let Some(k) = open.iter().rposition(|(_, n)| *n == sc.name) {
                pairs.insert(open[k].0, i);
                open.truncate(k);
            }
        } else {
            open.push((i, &sc.name));
        }
    }
    pairs
}

/// The callout kind (theme class) a shortcode's type names.
fn callout_kind(word: &str) -> Option<&'static str> {
    Some(match word.to_ascii_lowercase().as_str() {
        "note" | "info" | "primary" | "secondary" | "light" | "dark" | "notice" => "note",
        "tip" | "success" | "hint" => "tip",
        "important" => "important",
        "warning" | "warn" | "attention" => "warning",
        "caution" | "danger" | "error" => "caution",
        _ => return None,
    })
}

const CALLOUTS: &[&str] = &[
    "alert",
    "notice",
    "note",
    "warning",
    "tip",
    "info",
    "caution",
    "important",
    "callout",
    "panel",
    "admonition",
    "hint",
];

/// What a shortcode tag becomes; closing HTML for paired block shortcodes
/// is produced when their closing tag is reached (see `block_close`).
fn shortcode_html(
    sc: &Shortcode,
    paired: bool,
    line: &LineCx<'_>,
    cx: &TemplateCx<'_>,
    note: &mut impl FnMut(usize, String),
    at: usize,
) -> String {
    let name = sc.name.to_ascii_lowercase();
    let blank = format!("\n{}", line.prefix.trim_end_matches([' ', '\t']));
    match name.as_str() {
        n if CALLOUTS.contains(&n) => {
            let kind = sc
                .named(&["type", "color", "style", "kind", "header-bg"])
                .and_then(callout_kind)
                .or_else(|| sc.positional(0).and_then(callout_kind))
                .or_else(|| callout_kind(n))
                .unwrap_or("note");
            let title = sc
                .named(&["title", "header", "heading"])
                .map(|t| t.trim_matches('*').to_owned())
                .unwrap_or_else(|| {
                    let mut c = kind.chars();
                    c.next()
                        .map(|f| f.to_uppercase().chain(c).collect())
                        .unwrap_or_default()
                });
            if !paired || !line.alone {
                return String::new();
            }
            let mut s = format!(
                "<div class=\"callout callout-{kind}\" role=\"note\"><p class=\"callout-title\">"
            );
            push_escaped(&mut s, &title);
            s.push_str("</p>");
            s.push_str(&blank);
            s
        }
        "details" | "collapse" | "expand" | "spoiler" => {
            if !paired || !line.alone {
                return String::new();
            }
            let summary = sc
                .named(&["summary", "title", "header"])
                .or_else(|| sc.positional(0))
                .unwrap_or("Details");
            let mut s = String::from("<details><summary>");
            push_escaped(&mut s, summary);
            s.push_str("</summary>");
            s.push_str(&blank);
            s
        }
        "figure" => {
            let src = sc.named(&["src"]).unwrap_or_default();
            let alt = sc.named(&["alt", "title", "caption"]).unwrap_or_default();
            let caption = sc.named(&["caption", "title"]);
            let mut s = String::from("<figure><img src=\"");
            push_escaped(&mut s, src);
            s.push_str("\" alt=\"");
            push_escaped(&mut s, alt);
            s.push_str("\">");
            if let Some(c) = caption {
                s.push_str("<figcaption>");
                push_escaped(&mut s, c);
                s.push_str("</figcaption>");
            }
            s.push_str("</figure>");
            if line.alone {
                s.push_str(&blank);
            }
            s
        }
        "youtube" | "vimeo" => {
            let id = sc
                .named(&["id"])
                .or_else(|| sc.positional(0))
                .unwrap_or_default();
            let title = sc.named(&["title"]);
            let (site, url) = if name == "youtube" {
                ("YouTube", format!("https://www.youtube.com/watch?v={id}"))
            } else {
                ("Vimeo", format!("https://vimeo.com/{id}"))
            };
            let mut s = String::from("<a class=\"video-link\" href=\"");
            push_escaped(&mut s, &url);
            s.push_str("\">");
            push_escaped(&mut s, title.unwrap_or(&format!("{site} video")));
            s.push_str("</a>");
            if line.alone {
                // A paragraph of its own, not an HTML block swallowing the next line.
                s = format!("<p>{s}</p>{blank}");
            }
            s
        }
        "label" => {
            // GitLab's label chip: its name is the content.
            let mut s = String::from("<span class=\"label\">");
            push_escaped(
                &mut s,
                sc.named(&["name"])
                    .or_else(|| sc.positional(0))
                    .unwrap_or_default(),
            );
            s.push_str("</span>");
            s
        }
        "relref" | "ref" => {
            let target = sc
                .named(&["path"])
                .or_else(|| sc.positional(0))
                .unwrap_or_default();
            let link = relref(cx.page_path, target, cx.known_pages);
            if line.link_dest {
                link
            } else {
                // Printed as text: the URL the page is published at.
                match link.split_once('#') {
                    Some((path, fragment)) => format!("{}#{fragment}", super::page_url(path)),
                    None => super::page_url(&link),
                }
            }
        }
        _ => {
            let close = if sc.delim == "<" { ">" } else { "%" };
            note(at, format!("{{{{{} {} {close}}}}}", sc.delim, sc.name));
            String::new()
        }
    }
}

/// The closing HTML of a block shortcode, set on its closing tag before output.
fn block_close_for(name: &str) -> Option<&'static str> {
    let name = name.to_ascii_lowercase();
    if CALLOUTS.contains(&name.as_str()) {
        Some("</div>")
    } else if matches!(name.as_str(), "details" | "collapse" | "expand" | "spoiler") {
        Some("</details>")
    } else {
        None
    }
}

/// A Hugo `relref`/`ref` target as a relative link to the page's source
/// (`../ops/oncall.md#paging`): resolved against the page's folder first,
/// then the content root; the extension is optional. Unresolved targets
/// are returned as written.
fn relref(page_path: &str, target: &str, known: &HashSet<String>) -> String {
    let (path, fragment) = match target.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (target, None),
    };
    let page_dir = page_path.rfind('/').map_or("", |i| &page_path[..i]);
    let bases: Vec<String> = if let Some(abs) = path.strip_prefix('/') {
        vec![abs.to_owned()]
    } else {
        let mut v = Vec::new();
        if !page_dir.is_empty() {
            v.push(format!("{page_dir}/{path}"));
        }
        v.push(path.to_owned());
        v
    };
    let found = bases.iter().find_map(|base| {
        let base = normalise(base)?;
        let trimmed = base.trim_end_matches('/');
        [
            base.clone(),
            format!("{trimmed}.md"),
            format!("{trimmed}/_index.md"),
            format!("{trimmed}/index.md"),
            format!("{trimmed}/README.md"),
            format!("{trimmed}.html.md"),
            format!("{trimmed}.html.md.erb"),
        ]
        .into_iter()
        .find(|c| known.contains(c))
    });
    let mut link = match (found, path.is_empty()) {
        (Some(found), _) => relative_path(page_dir, &found),
        (None, true) => String::new(),
        (None, false) => path.to_owned(),
    };
    if let Some(f) = fragment {
        link.push('#');
        link.push_str(f);
    }
    link.replace(' ', "%20")
}

fn normalise(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// `target` (under the content root) as a path relative to the folder `from`.
fn relative_path(from: &str, target: &str) -> String {
    let from: Vec<&str> = from.split('/').filter(|s| !s.is_empty()).collect();
    let to: Vec<&str> = target.split('/').collect();
    let common = from
        .iter()
        .zip(&to)
        .take_while(|(a, b)| a == b)
        .count()
        .min(to.len().saturating_sub(1));
    let mut out = "../".repeat(from.len() - common);
    out.push_str(&to[common..].join("/"));
    out
}

/// What an ERB tag becomes.
fn erb_value(
    inner: &str,
    cx: &TemplateCx<'_>,
    depth: u32,
    line: &LineCx<'_>,
    note: &mut impl FnMut(usize, String),
    at: usize,
) -> String {
    let (output, code) = match inner.strip_prefix('=') {
        Some(rest) => (true, rest),
        None => (false, inner.strip_prefix('-').unwrap_or(inner)),
    };
    let code = code.trim().trim_end_matches('-').trim();
    if code.starts_with('#') || inner.starts_with('#') {
        return String::new();
    }
    if output {
        if let Some(key) = code.strip_prefix("current_page.data.") {
            let key = key.trim();
            let value = if key == "title" {
                cx.title.map(str::to_owned)
            } else {
                None
            }
            .or_else(|| front_value(cx.frontmatter, key));
            if let Some(v) = value {
                let mut s = String::new();
                push_escaped(&mut s, &v);
                return s;
            }
        }
        if let Some(args) = code.strip_prefix("partial") {
            let args = args.trim_start().trim_start_matches('(');
            let name = args
                .trim_start()
                .strip_prefix(['"', '\''])
                .and_then(|r| r.find(['"', '\'']).map(|e| &r[..e]));
            if let Some(name) = name {
                if let Some(text) = find_partial(name, cx) {
                    let body = strip_frontmatter(text);
                    let expanded = if depth < 4 {
                        expand_depth(body, cx, depth + 1).map(|e| e.text)
                    } else {
                        None
                    };
                    let mut body = expanded.unwrap_or_else(|| body.to_owned());
                    if line.alone && !body.ends_with('\n') {
                        body.push('\n');
                    }
                    return body;
                }
                note(at, format!("<%= partial \"{name}\" %>"));
                return String::new();
            }
        }
    }
    let word: String = code
        .chars()
        .take_while(|c| c.is_alphanumeric() || matches!(c, '_' | '.'))
        .collect();
    let shown = if output {
        format!("<%= {word} %>")
    } else {
        format!("<% {word} %>")
    };
    note(at, shown);
    String::new()
}

fn strip_frontmatter(text: &str) -> &str {
    let Some(rest) = text.strip_prefix("---\n") else {
        return text;
    };
    match rest.find("\n---\n") {
        Some(end) => &rest[end + 5..],
        None => text,
    }
}

/// A top-level `key: value` of the frontmatter block, unquoted.
fn front_value(front: &str, key: &str) -> Option<String> {
    front.lines().find_map(|l| {
        let rest = l.strip_prefix(key)?.strip_prefix(':')?;
        let v = rest.trim();
        let v = v
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .or_else(|| v.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
            .unwrap_or(v);
        (!v.is_empty()).then(|| v.to_owned())
    })
}

/// The markdown partial Middleman would take for `partial "dir/name"`:
/// `dir/_name` (or `dir/name`) with a markdown or ERB extension, under the
/// page's folder first, then the content root.
fn find_partial<'p>(name: &str, cx: &TemplateCx<'p>) -> Option<&'p str> {
    let partials = cx.partials?;
    let name = name.trim_start_matches('/');
    let (dir, base) = match name.rfind('/') {
        Some(i) => (&name[..=i], &name[i + 1..]),
        None => ("", name),
    };
    let page_dir = cx.page_path.rfind('/').map_or("", |i| &cx.page_path[..=i]);
    for root in [page_dir, ""] {
        for prefix in ["_", ""] {
            for ext in [
                "",
                ".md",
                ".html.md",
                ".html.md.erb",
                ".md.erb",
                ".markdown",
            ] {
                let path = format!("{root}{dir}{prefix}{base}{ext}");
                if let Some(text) = partials.get(&path) {
                    return Some(text);
                }
            }
        }
    }
    None
}

/// Sets each paired block shortcode's closing HTML on its closing tag.
fn mark_block_closes(tags: &mut [FoundTag], pairs: &HashMap<usize, usize>, body: &str) {
    for (&open, &close) in pairs {
        let (alone, name) = match &tags[open].kind {
            TagKind::Shortcode(sc) => (
                line_of(body, tags[open].start, tags[open].end).alone,
                sc.name.clone(),
            ),
            _ => continue,
        };
        if let TagKind::Shortcode(sc) = &mut tags[close].kind {
            sc.block_close = if alone { block_close_for(&name) } else { None };
        }
    }
}
