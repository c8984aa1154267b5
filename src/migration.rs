//! The migration report `init` prints after adopting an existing
//! repository: its pages by kind (recognised exactly as `build` does), the
//! frontmatter keys its pages carry and what each becomes, and the three
//! things to do next. Reads the pages through the normal stages 0-2;
//! writes nothing.

use crate::config::{load_config, LoadOptions};
use crate::error::Result;
use crate::frontmatter::{FIELD_KEYS, OWNER_KEYS, REVIEWED_KEYS, REVIEW_EVERY_KEYS};
use crate::kind::Kind;
use crate::page::Page;
use std::collections::BTreeMap;
use std::path::Path;

/// How many frontmatter keys the report lists before summing up the rest.
const MAX_KEYS: usize = 12;

/// Loads the handbook at `dir` (its book.toml just written) and returns the
/// report for its pages and how many pages `build` will read.
/// `owners_proposed`: whether an owners.yaml was written for the owners
/// found.
pub fn report_for(dir: &Path, owners_proposed: bool) -> Result<(String, usize)> {
    let config = load_config(dir, &LoadOptions::default())?;
    let sources = crate::discover::discover(&config)?;
    let highlighter = crate::markdown::Highlighter::plain();
    let pages = crate::page::parse_pages(sources.pages, &config, &highlighter);
    Ok((migration_report(&pages, owners_proposed), pages.len()))
}

/// What a frontmatter key becomes in `handbook`.
pub fn key_mapping(key: &str) -> &'static str {
    if OWNER_KEYS.contains(&key) {
        "owners"
    } else if REVIEWED_KEYS.contains(&key) {
        "reviewed"
    } else if REVIEW_EVERY_KEYS.contains(&key) {
        "review interval"
    } else if key == "matrix" || key == "competencies" {
        "role matrix data"
    } else if key == "topics" || key == "levels" {
        "role matrix data if a grid"
    } else if let Some(k) = FIELD_KEYS.iter().find(|k| **k == key) {
        k
    } else {
        "kept, not used"
    }
}

/// The report: deterministic, a dozen lines at most for the keys.
pub fn migration_report(pages: &[Page], owners_proposed: bool) -> String {
    let mut out = String::from("migration report:\n");
    let mut kinds: BTreeMap<Kind, usize> = BTreeMap::new();
    for p in pages {
        *kinds.entry(p.kind).or_default() += 1;
    }
    let by_kind: Vec<String> = Kind::ALL
        .iter()
        .filter_map(|k| kinds.get(k).map(|n| format!("{n} {}", k.as_str())))
        .collect();
    out.push_str(&format!(
        "  pages by kind: {}\n",
        if by_kind.is_empty() {
            "none".to_string()
        } else {
            by_kind.join(", ")
        }
    ));
    let mut keys: BTreeMap<&str, usize> = BTreeMap::new();
    // `topics`/`levels` are a role-matrix grid on some pages, and a
    // taxonomy or anything else on others.
    let mut grid_keys: BTreeMap<&str, bool> = BTreeMap::new();
    for p in pages {
        for k in p.spans.keys() {
            *keys.entry(k).or_default() += 1;
            *grid_keys.entry(k).or_default() |= p.front.matrix_inline.is_some();
        }
    }
    let mapping = |k: &str| match key_mapping(k) {
        "role matrix data if a grid" if grid_keys.get(k) == Some(&true) => "role matrix data",
        "role matrix data if a grid" => "kept, not used",
        other => other,
    };
    let without = pages.iter().filter(|p| !p.front.present).count();
    if keys.is_empty() {
        out.push_str("  frontmatter: none on any page\n");
    } else {
        out.push_str(&format!(
            "  frontmatter keys ({} of {} pages have frontmatter):\n",
            pages.len() - without,
            pages.len()
        ));
        let mut sorted: Vec<(&str, usize)> = keys.into_iter().collect();
        sorted.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        let width = sorted
            .iter()
            .take(MAX_KEYS)
            .map(|(k, n)| k.chars().count() + n.to_string().len())
            .max()
            .unwrap_or(0);
        for (k, n) in sorted.iter().take(MAX_KEYS) {
            let pad = width - k.chars().count() - n.to_string().len();
            out.push_str(&format!(
                "    {k} {n}{} -> {}\n",
                " ".repeat(pad),
                mapping(k)
            ));
        }
        if sorted.len() > MAX_KEYS {
            let rest = &sorted[MAX_KEYS..];
            let used = rest
                .iter()
                .filter(|(k, _)| mapping(k) != "kept, not used")
                .count();
            out.push_str(&format!(
                "    ... {} more key(s), {used} of them used\n",
                rest.len()
            ));
        }
    }
    let unowned = pages.iter().filter(|p| p.front.owners.is_empty()).count();
    let unreviewed = pages.iter().filter(|p| p.front.reviewed.is_none()).count();
    out.push_str("next:\n");
    if owners_proposed {
        out.push_str(
            "  1. fill in owners.yaml: each team's members, `active: false` for people who left\n",
        );
    } else {
        out.push_str(&format!(
            "  1. name owners ({unowned} page(s) have none): `owners:` in frontmatter or a CODEOWNERS file, then an owners.yaml\n"
        ));
    }
    out.push_str(&format!(
        "  2. set `reviewed:` dates ({unreviewed} page(s) have none), or accept today's findings: handbook check --write-baseline handbook-baseline.json\n"
    ));
    out.push_str("  3. handbook serve, and look at health.html\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_map_as_the_parser_reads_them() {
        assert_eq!(key_mapping("title"), "title");
        assert_eq!(key_mapping("owner_slack"), "owners");
        assert_eq!(key_mapping("maintainers"), "owners");
        assert_eq!(key_mapping("last_reviewed_on"), "reviewed");
        assert_eq!(key_mapping("review_in"), "review interval");
        // `author` is not an owner alias: the parser ignores it.
        assert_eq!(key_mapping("author"), "kept, not used");
        assert_eq!(key_mapping("weight"), "weight");
        assert_eq!(key_mapping("nav_order"), "kept, not used");
    }
}
