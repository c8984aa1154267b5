//! Heading ids: GitHub-style slugs of heading text ([`slugify`]), the ids
//! GitLab, Hugo and goldmark give the same headings
//! ([`OTHER_SLUG_STYLES`]), and [`HeadingIds`], which makes them unique per
//! page (`x`, `x-1`, …).
//!
//! Pure string functions; the renderer decides which heading gets which id.

use std::collections::{HashMap, HashSet};

/// GitHub-style slug of heading text: lowercase; each space becomes `-`;
/// punctuation and symbols (emoji included) are dropped except `-` and `_`;
/// letters, digits and combining marks of any script are kept.
/// `"Rollback (v2): DB & Cache"` → `"rollback-v2-db--cache"`.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.trim().chars() {
        if c.is_whitespace() {
            slug.push('-');
        } else if c == '-' || c == '_' {
            slug.push(c);
        } else if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                slug.push(c.to_ascii_lowercase());
            }
        } else if c.is_alphanumeric() {
            slug.extend(c.to_lowercase());
        } else if !c.is_control() && !is_symbol_or_punctuation(c) {
            // Combining marks (e.g. Devanagari vowel signs) and the like.
            slug.push(c);
        }
    }
    slug
}

/// Heading ids other generators give (besides GitHub's [`slugify`]):
/// GitLab's, Hugo's default (`autoHeadingIDType = "github"`) and
/// goldmark's own. Each heading answers to these too (`Heading::aliases`).
pub const OTHER_SLUG_STYLES: &[fn(&str) -> String] =
    &[slugify_gitlab, slugify_hugo, slugify_goldmark];

/// GitLab's heading ids: GitHub's, with runs of hyphens collapsed
/// (`"a -- b"` → `a-b`).
pub fn slugify_gitlab(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in slugify(text).chars() {
        if !(c == '-' && out.ends_with('-')) {
            out.push(c);
        }
    }
    out
}

/// Hugo's default heading ids: letters, digits and `_` lowercased, each
/// space or `-` a `-`, everything else (combining marks too) dropped.
pub fn slugify_hugo(text: &str) -> String {
    text.trim()
        .chars()
        .filter_map(|c| {
            if c == '-' || c.is_whitespace() {
                Some('-')
            } else if c == '_' || c.is_alphanumeric() {
                Some(c.to_lowercase().next().unwrap_or(c))
            } else {
                None
            }
        })
        .collect()
}

/// goldmark's default heading ids: ASCII letters and digits lowercased,
/// spaces, `-` and `_` as `-`, everything else dropped (empty: `heading`).
pub fn slugify_goldmark(text: &str) -> String {
    text.trim()
        .chars()
        .filter_map(|c| {
            if c.is_ascii_alphanumeric() {
                Some(c.to_ascii_lowercase())
            } else if c == '-' || c == '_' || c.is_ascii_whitespace() {
                Some('-')
            } else {
                None
            }
        })
        .collect()
}

/// Non-ASCII punctuation and symbol blocks that GitHub's slugger strips.
fn is_symbol_or_punctuation(c: char) -> bool {
    matches!(c as u32,
        0x00A0..=0x00BF | 0x00D7 | 0x00F7
        | 0x02C2..=0x02C5 | 0x02D2..=0x02DF
        | 0x2000..=0x2BFF // punctuation, super/subscripts, currency, letterlike, arrows, maths, dingbats
        | 0x2E00..=0x2E7F
        | 0x3000..=0x303F
        | 0xFE10..=0xFE6F
        | 0xFF01..=0xFF0F | 0xFF1A..=0xFF20 | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65
        | 0xFE00..=0xFE0F
        | 0x1F000..=0x1FAFF | 0xE0000..=0xE007F)
}

/// Ids in use on a page, handing out GitHub-style suffixes (`x`, `x-1`, …).
#[derive(Default)]
pub(super) struct HeadingIds {
    used: HashSet<String>,
    next_suffix: HashMap<String, u32>,
}

impl HeadingIds {
    pub(super) fn reserve(&mut self, id: &str) {
        self.used.insert(id.to_owned());
    }

    pub(super) fn unique(&mut self, slug: &str) -> String {
        self.unique_or(slug, "section")
    }

    pub(super) fn unique_or(&mut self, slug: &str, empty: &str) -> String {
        let base = if slug.is_empty() { empty } else { slug };
        if self.used.insert(base.to_owned()) {
            return base.to_owned();
        }
        let next = self.next_suffix.entry(base.to_owned()).or_insert(1);
        loop {
            let candidate = format!("{base}-{next}");
            *next += 1;
            if self.used.insert(candidate.clone()) {
                return candidate;
            }
        }
    }
}
