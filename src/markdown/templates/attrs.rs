//! Kramdown/Pandoc attribute lists: `{: .class #id}`, `{.c key="v"}`,
//! `{:toc}` with kramdown's `* TOC` placeholder item, and the
//! [`BLOCK_ATTRS`] marker through which a list on the line after a
//! paragraph reaches the renderer.

use super::TagKind;

/// Opens the HTML comment standing for a block attribute list
/// (`<!--handbook-attrs #id .class-->`) on the line after a block; the
/// renderer puts them on the paragraph above, or drops them.
pub(in crate::markdown) const BLOCK_ATTRS: &str = "<!--handbook-attrs";

/// The id and classes of a [`BLOCK_ATTRS`] marker.
pub(in crate::markdown) fn block_attrs(marker: &str) -> Option<(Option<&str>, Vec<&str>)> {
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

/// A Kramdown/Pandoc attribute list.
#[derive(Default)]
pub(super) struct AttrList {
    pub(super) id: Option<String>,
    pub(super) classes: Vec<String>,
    /// `{:toc}`.
    pub(super) toc: bool,
}

/// The start of the line before `at` when it is a one-item list `* TOC`
/// (kramdown's table-of-contents placeholder).
pub(super) fn toc_item_before(body: &str, at: usize) -> Option<usize> {
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

/// A `{...}` attribute list at `body[at..]` (`s`): Kramdown `{: ...}` /
/// `{:toc}` anywhere, Pandoc `{.c #id k="v"}` right after a span or alone
/// or at the end of its line.
pub(super) fn parse_attr_list(s: &str, body: &str, at: usize) -> Option<(usize, TagKind)> {
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
