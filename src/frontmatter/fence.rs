//! Where a page's frontmatter block is: between `---` lines (YAML, closed
//! by `---` or `...`) or between `+++` lines (TOML, as Hugo and Zola write
//! it). LF and CRLF both work.
//!
//! A block whose closing line is missing is a common editing slip. It is
//! still found, so that its keys are read and the slip is reported instead
//! of the keys showing up as page text: the block then ends at the first
//! blank line. A first `---` followed by text that names no frontmatter key
//! is a thematic break, not an unclosed block.
//!
//! The one definition of the block: the page reader and the git history
//! (which compares versions of a page's frontmatter) both use it.

/// The frontmatter's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Syntax {
    /// `---` fences.
    Yaml,
    /// `+++` fences.
    Toml,
}

impl Syntax {
    /// The fence line.
    pub(crate) fn fence(self) -> &'static str {
        match self {
            Syntax::Yaml => "---",
            Syntax::Toml => "+++",
        }
    }
}

/// A frontmatter block found in a page.
#[derive(Debug)]
pub(crate) struct Block<'a> {
    pub(crate) syntax: Syntax,
    /// The text between the fences (the fence lines excluded).
    pub(crate) text: &'a str,
    /// Byte offset of the body in the page.
    pub(crate) body_offset: usize,
    /// 1-based line where the body starts.
    pub(crate) body_line: u32,
    /// Whether the closing fence is there. When it is not, `text` ends at
    /// the first blank line.
    pub(crate) closed: bool,
}

/// The lines of `text` from byte `from`: (start, end without the line
/// break, start of the next line).
fn lines_from(text: &str, from: usize) -> impl Iterator<Item = (usize, usize, usize)> + '_ {
    let mut pos = from;
    std::iter::from_fn(move || {
        if pos >= text.len() {
            return None;
        }
        let start = pos;
        let (end, next) = match text[pos..].find('\n') {
            Some(i) => (pos + i, pos + i + 1),
            None => (text.len(), text.len()),
        };
        pos = next;
        Some((start, end, next))
    })
}

/// Finds the frontmatter block of `text`, if it has one.
pub(crate) fn split(text: &str) -> Option<Block<'_>> {
    let first_end = text.find('\n').unwrap_or(text.len());
    let syntax = match text[..first_end].trim_end() {
        "---" => Syntax::Yaml,
        "+++" => Syntax::Toml,
        _ => return None,
    };
    let start = (first_end + 1).min(text.len());
    let closes = |t: &str| match syntax {
        Syntax::Yaml => t == "---" || t == "...",
        Syntax::Toml => t == "+++",
    };
    let mut blank: Option<(usize, usize, u32)> = None;
    for (line, (from, end, next)) in (2u32..).zip(lines_from(text, start)) {
        let t = text[from..end].trim_end();
        if closes(t) {
            return Some(Block {
                syntax,
                text: &text[start..from],
                body_offset: next,
                body_line: line + 1,
                closed: true,
            });
        }
        if t.is_empty() && blank.is_none() {
            blank = Some((from, next, line + 1));
        }
    }
    // Never closed: up to the first blank line, if that reads as keys.
    let (end, body_offset, body_line) = blank.unwrap_or_else(|| {
        let lines = text[start..].lines().count() as u32;
        (text.len(), text.len(), lines + 2)
    });
    let block = &text[start..end.max(start)];
    names_a_key(block, syntax).then_some(Block {
        syntax,
        text: block,
        body_offset,
        body_line,
        closed: false,
    })
}

/// Whether an unindented line of `block` sets one of the frontmatter keys.
fn names_a_key(block: &str, syntax: Syntax) -> bool {
    let sep = match syntax {
        Syntax::Yaml => ':',
        Syntax::Toml => '=',
    };
    block.lines().any(|l| {
        !l.starts_with([' ', '\t'])
            && l.split_once(sep)
                .is_some_and(|(k, _)| super::is_field_key(k.trim().trim_matches(['"', '\''])))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closed_blocks_of_both_syntaxes() {
        let b = split("---\ntitle: T\n---\nbody\n").expect("yaml");
        assert_eq!(
            (b.syntax, b.text, b.closed),
            (Syntax::Yaml, "title: T\n", true)
        );
        assert_eq!((b.body_offset, b.body_line), (17, 4));
        let b = split("+++\r\ntitle = \"T\"\r\n+++\r\nbody\r\n").expect("toml");
        assert_eq!(b.syntax, Syntax::Toml);
        assert_eq!(b.text, "title = \"T\"\r\n");
        assert_eq!(b.body_line, 4);
        let b = split("---\n---\n").expect("empty");
        assert_eq!((b.text, b.body_offset), ("", 8));
    }

    #[test]
    fn unclosed_block_ends_at_the_first_blank_line() {
        let text = "---\ntitle: T\nowners: [a]\n\n# Heading\n\nText\n";
        let b = split(text).expect("unclosed");
        assert!(!b.closed);
        assert_eq!(b.text, "title: T\nowners: [a]\n");
        assert_eq!(&text[b.body_offset..], "# Heading\n\nText\n");
        assert_eq!(b.body_line, 5);
        let b = split("+++\ntitle = \"T\"").expect("toml, no blank line");
        assert!(!b.closed);
        assert_eq!((b.text, b.body_line), ("title = \"T\"", 3));
    }

    #[test]
    fn thematic_breaks_are_not_blocks() {
        assert!(split("---\n\n# Title\n\nText\n").is_none());
        assert!(split("---\nNote: this is prose.\n\nMore.\n").is_none());
        assert!(split("# Title\n---\n").is_none());
        assert!(split("").is_none());
    }
}
