//! Byte offset → `line:column` in the page's file, for headings, links and
//! dropped template syntax ([`LineIndex`]). Counts only LF as a line end,
//! as the frontmatter scanner does, and maps offsets in a body whose
//! template syntax was expanded back to the body as written.

use super::templates;

/// Byte offset → absolute `(line, column)`, from line starts computed once.
///
/// The column counts characters from the start of the line. Offsets come
/// in document order, so the count is carried forward from the last offset
/// asked for when it is on the same line: many links on one long line cost
/// the length of the line once, not once per link (256,000 links on a 4 MB
/// line took 22 s when every position counted from the line start).
pub(super) struct LineIndex<'a> {
    src: &'a str,
    starts: Vec<usize>,
    first_line: u32,
    /// The last position counted: line index, byte offset, characters
    /// from the line start to that offset.
    cursor: (usize, usize, usize),
    /// When the parser reads an expanded body (template syntax resolved):
    /// its offsets back to `src`.
    pub(super) map: Option<templates::OffsetMap>,
}

impl<'a> LineIndex<'a> {
    pub(super) fn new(src: &'a str, first_line: u32) -> Self {
        let bytes = src.as_bytes();
        let mut starts = Vec::with_capacity(bytes.len() / 32 + 1);
        starts.push(0);
        for (i, &b) in bytes.iter().enumerate() {
            // Only LF ends a line (CRLF at its LF), as for frontmatter,
            // book.toml and the quoted source lines: a lone CR counted here
            // but not there put body positions past the end of the file.
            if b == b'\n' {
                starts.push(i + 1);
            }
        }
        Self {
            src,
            starts,
            first_line: first_line.max(1),
            cursor: (0, 0, 0),
            map: None,
        }
    }

    /// The position of a parser offset (in the expanded body, if any).
    pub(super) fn position(&mut self, offset: usize) -> (u32, u32) {
        let offset = match &self.map {
            Some(map) => map.original(offset),
            None => offset,
        };
        self.position_in_original(offset)
    }

    /// The position of an offset in the body as written.
    pub(super) fn position_in_original(&mut self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.src.len());
        let index = self
            .starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        let start = self.starts.get(index).copied().unwrap_or(0);
        // Count on from the cursor when it is on this line, at or before
        // `offset`; else from the line start.
        let (from, before) = match self.cursor {
            (line, at, chars) if line == index && (start..=offset).contains(&at) => (at, chars),
            _ => (start, 0),
        };
        let chars = match self.src.get(from..offset) {
            Some(s) => {
                let chars = before + s.chars().count();
                self.cursor = (index, offset, chars);
                chars
            }
            // Not a character boundary (never from the parser): bytes.
            None => offset - start,
        };
        let line = self
            .first_line
            .saturating_add(u32::try_from(index).unwrap_or(u32::MAX));
        let column = u32::try_from(chars).unwrap_or(u32::MAX).saturating_add(1);
        (line, column)
    }
}
