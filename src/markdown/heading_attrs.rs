//! Heading attribute blocks: `## Rollback {#rollback .wide}`.
//!
//! pulldown-cmark's own `ENABLE_HEADING_ATTRIBUTES` takes *any* trailing
//! `{...}` of a heading as attributes, so the MADR template heading
//! `# {short title of solved problem and solution}` lost its text and became
//! `<h1 short="" title="" ...>`. We parse headings without that option and
//! read the block here instead, from the heading's trailing text events: a
//! trailing `{...}` is an attribute block only when every token in it is
//! `#id`, `.class` or `key=value`. Otherwise it is text, shown as written (as
//! GitHub does). `key=value` tokens are accepted (so the block is hidden) but
//! never emitted: an attribute block must not smuggle `onclick` into the page.
//!
//! Because the input is the parser's events, a `#` line inside a code fence is
//! never mistaken for a heading.

/// The parsed attribute block of one heading.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct HeadingAttrs {
    /// The last `#id`, if any.
    pub(super) id: Option<String>,
    /// Every `.class`, in order.
    pub(super) classes: Vec<String>,
}

/// Where a heading's trailing text holds a valid attribute block.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct AttrBlock {
    /// What the block says.
    pub(super) attrs: HeadingAttrs,
    /// Bytes to cut from the end of the text (the block, trailing spaces and
    /// the spaces before it).
    pub(super) cut: usize,
}

/// Finds a valid attribute block at the end of `text` (a heading's trailing
/// run of plain text). `None` when there is none or it is not all attributes.
pub(super) fn find_attr_block(text: &str) -> Option<AttrBlock> {
    let trimmed = text.trim_end();
    let inner_end = trimmed.strip_suffix('}')?;
    let open = inner_end.rfind('{')?;
    let inner = &inner_end[open + 1..];
    if inner.contains(['}', '<', '>', '\\', '\n', '\r']) {
        return None;
    }
    let attrs = parse_attrs(inner)?;
    let keep = trimmed[..open].trim_end().len();
    Some(AttrBlock {
        attrs,
        cut: text.len() - keep,
    })
}

/// Parses the inside of `{...}`; `None` unless it has at least one token and
/// every token is `#id`, `.class` or `key=value`.
fn parse_attrs(inner: &str) -> Option<HeadingAttrs> {
    let mut attrs = HeadingAttrs::default();
    let mut tokens = 0;
    for token in inner.split_ascii_whitespace() {
        tokens += 1;
        if let Some(id) = token.strip_prefix('#') {
            attrs.id = Some(name_token(id)?.to_owned());
        } else if let Some(class) = token.strip_prefix('.') {
            attrs.classes.push(name_token(class)?.to_owned());
        } else {
            let (key, value) = token.split_once('=')?;
            let key_ok = key.starts_with(|c: char| c.is_ascii_alphabetic())
                && key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            if !key_ok || value.is_empty() {
                return None;
            }
        }
    }
    (tokens > 0).then_some(attrs)
}

/// An id or class name: letters, digits, `-`, `_`, `:` and `.`, not empty.
fn name_token(name: &str) -> Option<&str> {
    let ok = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'));
    ok.then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(text: &str) -> Option<(Option<String>, Vec<String>, usize)> {
        find_attr_block(text).map(|b| (b.attrs.id, b.attrs.classes, b.cut))
    }

    #[test]
    fn ids_and_classes_are_attributes() {
        assert_eq!(
            block("Rollback {#rollback}"),
            Some((Some("rollback".into()), vec![], 12))
        );
        assert_eq!(
            block("X {#a .wide .b-2}  "),
            Some((Some("a".into()), vec!["wide".into(), "b-2".into()], 18))
        );
        assert_eq!(block("X {.c}"), Some((None, vec!["c".into()], 5)));
        assert_eq!(
            block("X {#a lang=fr}"),
            Some((Some("a".into()), vec![], 13))
        );
        assert_eq!(block("{#only}"), Some((Some("only".into()), vec![], 7)));
    }

    #[test]
    fn placeholders_and_prose_are_text() {
        for text in [
            "{short title of solved problem and solution}",
            "{title of option 1}",
            "Use {braces}",
            "X {#a b}",
            "X {}",
            "X {#}",
            "X {#a onclick}",
            "X {=1}",
            "X {#a}}",
            "Hugo {{< x >}}",
            "X {#a} tail",
        ] {
            assert_eq!(block(text), None, "{text}");
        }
    }
}
