//! Role-matrix data: the levels × competencies grid a `role-matrix` page
//! draws, read from a YAML or JSON file beside the page (`matrix:` in its
//! frontmatter, or a data file with the page's stem) or from the page's own
//! frontmatter. Two shapes are read (the README's "Role matrix data"):
//!
//! - ours: `levels: [...]` and `competencies: [{name, description, levels:
//!   {LEVEL: text or [texts]}}]`;
//! - the open progression-framework shape: `topics: [{name, title,
//!   content: [{level, criteria: [...], exampleCriteria: [{criteria,
//!   examples}]}]}]`, with `levels:` a number or a list.
//!
//! Parsing is pure (text in, grid or finding out); [`attach_matrices`]
//! reads the data files while the handbook is loaded.

use crate::diag::{Diagnostic, Severity};
use crate::discover::AssetFile;
use crate::kind::Kind;
use crate::page::Page;
use std::collections::BTreeSet;

mod parse;

pub use parse::{from_mapping, parse_matrix};

/// The id of the grid's heading on the page (and of its search section);
/// written literally in `page.html` and listed in
/// [`crate::markdown::LAYOUT_IDS`].
pub const MATRIX_ANCHOR: &str = "role-matrix-grid";

/// The grid's heading on the page.
pub const MATRIX_HEADING: &str = "Levels and competencies";

/// A levels × competencies grid.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RoleMatrix {
    /// Where the data is written, relative to the handbook root (the data
    /// file, or the page for data in its frontmatter).
    pub source: String,
    /// The data file relative to the content folder, when it is a file.
    pub file: Option<String>,
    /// Level names, in order.
    pub levels: Vec<String>,
    /// Competencies, in the order written.
    pub competencies: Vec<Competency>,
}

/// One row of the grid.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Competency {
    /// Name.
    pub name: String,
    /// What it is about.
    pub description: Option<String>,
    /// Expectations per level, in the order of [`RoleMatrix::levels`]
    /// (empty: nothing written for that level).
    pub cells: Vec<Vec<String>>,
    /// Where the competency is written in [`RoleMatrix::source`].
    pub at: (u32, u32),
}

impl RoleMatrix {
    /// All the grid's text, for the search index.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for c in &self.competencies {
            out.push_str(&c.name);
            out.push('\n');
            if let Some(d) = &c.description {
                out.push_str(d);
                out.push('\n');
            }
            for item in c.cells.iter().flatten() {
                out.push_str(item);
                out.push('\n');
            }
        }
        out
    }
}

/// The data file names tried beside a role-matrix page `x.md`.
const STEM_EXTENSIONS: [&str; 3] = ["yaml", "yml", "json"];

/// Reads each page's grid: from `matrix:` (a path relative to the page),
/// else from `topics:`/`competencies:` in its frontmatter, else, for a
/// `role-matrix` page `x.md`, from `x.yaml`, `x.yml` or `x.json` beside it.
/// Problems become the page's `matrix_findings`.
pub fn attach_matrices(content_dir: &std::path::Path, assets: &[AssetFile], pages: &mut [Page]) {
    let asset_rels: BTreeSet<&str> = assets.iter().map(|a| a.rel.as_str()).collect();
    for page in pages.iter_mut() {
        page.matrix = None;
        page.matrix_findings.clear();
        let prefix = page
            .src
            .root_rel
            .strip_suffix(page.src.rel.as_str())
            .unwrap_or("")
            .to_owned();
        let named = page.front.matrix.clone();
        let file = match &named {
            Some(name) => {
                match resolve(&page.src.rel, name) {
                    Some(rel) => Some(rel),
                    None => {
                        let at = page.spans.of("matrix");
                        page.matrix_findings.push(
                        Diagnostic::new(
                            "frontmatter-invalid",
                            Severity::Error,
                            &page.src.root_rel,
                            at,
                            format!("`matrix: {name}` points outside the content folder"),
                        )
                        .with_help("name a YAML or JSON file beside the page, e.g. `matrix: ladder.yaml`"),
                    );
                        continue;
                    }
                }
            }
            None if page.front.matrix_inline.is_some() => None,
            None if page.kind == Kind::RoleMatrix => stem_file(&page.src.rel, &asset_rels),
            None => None,
        };
        let parsed = match file {
            Some(rel) => {
                let root_rel = format!("{prefix}{rel}");
                match std::fs::read(content_dir.join(&rel)) {
                    Ok(bytes) => {
                        let text = String::from_utf8_lossy(&bytes);
                        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
                        parse_matrix(&root_rel, text).map(|mut m| {
                            m.file = Some(rel.clone());
                            m
                        })
                    }
                    Err(e) => Err(Diagnostic::new(
                        "frontmatter-invalid",
                        Severity::Error,
                        &page.src.root_rel,
                        page.spans.of("matrix"),
                        format!(
                            "`matrix: {}`: {root_rel} cannot be read ({})",
                            named.as_deref().unwrap_or(&rel),
                            if e.kind() == std::io::ErrorKind::NotFound {
                                "no such file".to_string()
                            } else {
                                e.to_string()
                            }
                        ),
                    )
                    .with_help(
                        "the path is relative to the page; name a YAML or JSON file that exists",
                    )),
                }
            }
            None => match &page.front.matrix_inline {
                Some(map) => from_mapping(&page.src.root_rel, &page.src.text, map),
                None => continue,
            },
        };
        match parsed {
            Ok(m) => page.matrix = Some(std::sync::Arc::new(m)),
            Err(d) => page.matrix_findings.push(d),
        }
    }
}

/// `name` relative to the folder of the page at `page_rel`, normalised;
/// `None` when it climbs out of the content folder.
fn resolve(page_rel: &str, name: &str) -> Option<String> {
    let mut parts: Vec<&str> = if name.starts_with('/') {
        Vec::new()
    } else {
        page_rel.split('/').collect()
    };
    if !name.starts_with('/') {
        parts.pop();
    }
    for seg in name.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// `x.yaml`, `x.yml` or `x.json` beside `x.md`, if one is in the content.
fn stem_file(page_rel: &str, assets: &BTreeSet<&str>) -> Option<String> {
    let stem = page_rel.rsplit_once('.').map(|(s, _)| s)?;
    STEM_EXTENSIONS
        .iter()
        .map(|ext| format!("{stem}.{ext}"))
        .find(|candidate| assets.contains(candidate.as_str()))
}

/// `role-matrix-incomplete`: a competency with nothing for some level.
pub fn check_complete(m: &RoleMatrix, out: &mut Vec<Diagnostic>) {
    for c in &m.competencies {
        let missing: Vec<&str> = m
            .levels
            .iter()
            .zip(&c.cells)
            .filter(|(_, cell)| cell.is_empty())
            .map(|(l, _)| l.as_str())
            .collect();
        if missing.is_empty() {
            continue;
        }
        let list = missing
            .iter()
            .map(|l| format!("`{l}`"))
            .collect::<Vec<_>>()
            .join(", ");
        out.push(
            Diagnostic::new(
                "role-matrix-incomplete",
                Severity::Warning,
                &m.source,
                c.at,
                format!(
                    "competency `{}` says nothing for level{} {list}",
                    c.name,
                    if missing.len() == 1 { "" } else { "s" }
                ),
            )
            .with_help("write what is expected at each level, even \"as the level before\""),
        );
    }
}

#[cfg(test)]
mod tests;
