//! `SUMMARY.md`: an optional reading order, written as mdBook writes it.
//!
//! The file sits at the top of the content folder (it is never a page).
//! Every link in it names a page by its path under the content folder, in
//! the order the reader should meet them:
//!
//! ```markdown
//! # Summary
//!
//! [Introduction](README.md)
//!
//! # Operations
//!
//! - [Operations](ops/index.md)
//!     - [Postgres failover](ops/db/failover.md)
//! - [Draft chapter]()
//! ---
//! [Contributors](contributors.md)
//! ```
//!
//! Only the links and their order count: within each folder of the
//! sidebar, the pages SUMMARY lists (and the folders that hold them) come
//! first, in SUMMARY's order, before the others (see [`crate::nav`]).
//! Headings (`# Summary`, part titles), separators (`---`), nesting and
//! draft chapters (`[Draft]()`, no target) are accepted so that an mdBook
//! SUMMARY works as it is, and are otherwise ignored; the sidebar keeps
//! the folder tree and the pages' own titles. A link to a file that is not
//! a page is a `link-broken` finding at its line and column.
//!
//! [`parse_summary`] is pure; [`load_summary`] reads the file.

use crate::config::Config;
use crate::diag::{Diagnostic, Severity};
use crate::error::{io_err, Result};
use crate::page::Page;
use std::collections::HashMap;

/// The file name, at the top of the content folder.
pub const SUMMARY_FILE: &str = "SUMMARY.md";

/// A parsed `SUMMARY.md`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Summary {
    /// Its path as findings show it (`src/SUMMARY.md`).
    pub path: String,
    /// Its links, in order.
    pub links: Vec<SummaryLink>,
}

/// One link of `SUMMARY.md`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct SummaryLink {
    /// The link text.
    pub title: String,
    /// The target as written.
    pub written: String,
    /// The page path it names, under the content folder: no `./`, no
    /// `#fragment`, `%XX` decoded.
    pub target: String,
    /// 1-based line of the target.
    pub line: u32,
    /// 1-based column (in characters) of the target.
    pub column: u32,
}

/// Reads `SUMMARY.md` at the top of the content folder, if there is one.
pub fn load_summary(config: &Config) -> Result<Option<Summary>> {
    let abs = config.content_dir.join(SUMMARY_FILE);
    if !abs.is_file() {
        return Ok(None);
    }
    // Bytes that are not UTF-8 only spoil the links they are in, which
    // then name no page and are reported.
    let bytes = std::fs::read(&abs).map_err(io_err(&abs))?;
    let text = String::from_utf8_lossy(&bytes);
    let prefix = crate::discover::root_prefix(config);
    let path = if prefix.is_empty() {
        SUMMARY_FILE.to_owned()
    } else {
        format!("{prefix}/{SUMMARY_FILE}")
    };
    Ok(Some(Summary {
        path,
        links: parse_summary(&text),
    }))
}

/// The links of a `SUMMARY.md`, in order: every `[text](target)` on a
/// line of its own or as a list item. Draft chapters (no target), links
/// to other sites and lines that are not links are left out.
pub fn parse_summary(text: &str) -> Vec<SummaryLink> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Vec::new();
    let mut in_fence = false;
    for (n, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence || trimmed.starts_with('#') {
            continue;
        }
        let item = list_item(trimmed);
        let Some(link) = link_at(item) else {
            continue;
        };
        let written = link.target.trim();
        if written.is_empty() || written.contains("://") || written.starts_with("mailto:") {
            continue;
        }
        // Column of the target: what precedes it, in characters.
        let before = line.len() - item.len() + link.target_start;
        let column = line[..before].chars().count() + 1;
        out.push(SummaryLink {
            title: link.text.trim().to_owned(),
            written: written.to_owned(),
            target: page_path(written),
            line: u32::try_from(n + 1).unwrap_or(u32::MAX),
            column: u32::try_from(column).unwrap_or(u32::MAX),
        });
    }
    out
}

/// What follows a list marker (`-`, `*`, `+`, `1.`), else the line.
fn list_item(line: &str) -> &str {
    if let Some(rest) = line
        .strip_prefix("- ")
        .or_else(|| line.strip_prefix("* "))
        .or_else(|| line.strip_prefix("+ "))
    {
        return rest.trim_start();
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 {
        if let Some(rest) = line[digits..].strip_prefix(". ") {
            return rest.trim_start();
        }
    }
    line
}

struct Link<'a> {
    text: &'a str,
    target: &'a str,
    /// Byte offset of `target` in the item.
    target_start: usize,
}

/// The `[text](target)` the item starts with.
fn link_at(item: &str) -> Option<Link<'_>> {
    let rest = item.strip_prefix('[')?;
    let mut depth = 0usize;
    let mut close = None;
    for (i, c) in rest.char_indices() {
        match c {
            '[' => depth += 1,
            ']' if depth == 0 => {
                close = Some(i);
                break;
            }
            ']' => depth -= 1,
            _ => {}
        }
    }
    let close = close?;
    let after = rest[close + 1..].strip_prefix('(')?;
    let end = after.find(')')?;
    let target = &after[..end];
    // `[`, text, `](`, then the target's leading spaces.
    let target_start = 1 + close + 2 + (target.len() - target.trim_start().len());
    Some(Link {
        text: &rest[..close],
        target: target.trim_start(),
        target_start,
    })
}

/// A written target as a page path: `./ops/a%20b.md#x` → `ops/a b.md`.
fn page_path(written: &str) -> String {
    let path = written.split(['#', '?']).next().unwrap_or_default();
    let path = path.trim_start_matches("./").trim_start_matches('/');
    percent_decode(path)
}

/// `%XX` sequences decoded; anything that is not one kept as written.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push(u8::try_from(h * 16 + l).unwrap_or(b'?'));
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_owned())
}

/// `link-broken` for each link of `summary` that names no page of `pages`.
pub fn summary_findings(summary: &Summary, pages: &[Page]) -> Vec<Diagnostic> {
    let known: std::collections::HashSet<&str> = pages.iter().map(|p| p.src.rel.as_str()).collect();
    summary
        .links
        .iter()
        .filter(|l| !known.contains(l.target.as_str()))
        .map(|l| {
            Diagnostic::new(
                "link-broken",
                Severity::Error,
                summary.path.clone(),
                (l.line, l.column),
                format!("SUMMARY.md links to `{}`, which is not a page", l.written),
            )
            .with_help(
                "paths in SUMMARY.md are relative to the content folder; fix the path, or remove the line",
            )
        })
        .collect()
}

/// For each page of `pages` that `summary` lists, its position in the
/// reading order (the first link to it wins).
pub fn summary_ranks(summary: Option<&Summary>, pages: &[Page]) -> HashMap<usize, usize> {
    let Some(summary) = summary else {
        return HashMap::new();
    };
    let by_rel: HashMap<&str, usize> = pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.src.rel.as_str(), i))
        .collect();
    let mut ranks = HashMap::new();
    for (pos, link) in summary.links.iter().enumerate() {
        if let Some(&i) = by_rel.get(link.target.as_str()) {
            ranks.entry(i).or_insert(pos);
        }
    }
    ranks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_links_in_order_with_their_positions() {
        let text = "# Summary\n\n[Intro](README.md)\n\n# Part one\n\n- [Ops](ops/index.md)\n    - [Fail over](./ops/fail%20over.md#top)\n- [Draft]()\n---\n1. [Site](https://example.com)\n* [Last](  last.md)\n";
        let links = parse_summary(text);
        let got: Vec<(&str, &str, u32, u32)> = links
            .iter()
            .map(|l| (l.title.as_str(), l.target.as_str(), l.line, l.column))
            .collect();
        assert_eq!(
            got,
            [
                ("Intro", "README.md", 3, 9),
                ("Ops", "ops/index.md", 7, 9),
                ("Fail over", "ops/fail over.md", 8, 19),
                ("Last", "last.md", 12, 12),
            ]
        );
    }

    #[test]
    fn odd_lines_are_skipped_not_fatal() {
        for text in [
            "- [unclosed(",
            "- [a](b",
            "[",
            "- ]x[",
            "%",
            "- [é](%",
            "- [x](a%2)",
            "```\n- [in fence](x.md)\n```",
        ] {
            let links = parse_summary(text);
            assert!(
                links.iter().all(|l| l.target != "x.md"),
                "{text:?}: {links:?}"
            );
        }
        assert_eq!(parse_summary("- [x](a%2)")[0].target, "a%2");
    }
}
