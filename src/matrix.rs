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
use serde_yaml::{Mapping, Value};
use std::collections::BTreeSet;

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

/// Parses a data file (`path` relative to the handbook root, for findings).
/// JSON is read as JSON, so its errors have JSON's positions.
pub fn parse_matrix(path: &str, text: &str) -> Result<RoleMatrix, Diagnostic> {
    let value: Value = if path.to_ascii_lowercase().ends_with(".json") {
        let json: serde_json::Value = serde_json::from_str(text).map_err(|e| {
            invalid(
                path,
                (e.line().max(1) as u32, e.column().max(1) as u32),
                format!("role-matrix data is not valid JSON: {e}"),
                "fix the JSON; see the README's \"Role matrix data\" for the shape",
            )
        })?;
        serde_yaml::to_value(json)
            .map_err(|e| invalid(path, (1, 1), format!("role-matrix data: {e}"), ""))?
    } else {
        serde_yaml::from_str(text).map_err(|e| {
            let msg = e.to_string();
            let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
            let at = e
                .location()
                .map(|l| crate::config::line_col(text, l.index()))
                .unwrap_or((1, 1));
            invalid(
                path,
                at,
                format!("role-matrix data is not valid YAML: {msg}"),
                "fix the YAML; quote texts that contain `: ` or start with `@`, `*`, `&`, `[` or `{`",
            )
        })?
    };
    match value {
        Value::Mapping(m) => from_mapping(path, text, &m),
        _ => Err(invalid(
            path,
            (1, 1),
            "role-matrix data must be a mapping with `levels` and `competencies` (or `topics`)"
                .into(),
            "see the README's \"Role matrix data\"",
        )),
    }
}

fn invalid(path: &str, at: (u32, u32), message: String, help: &str) -> Diagnostic {
    let d = Diagnostic::new("frontmatter-invalid", Severity::Error, path, at, message);
    if help.is_empty() {
        d
    } else {
        d.with_help(help)
    }
}

/// Finds where texts are written, in order: each search starts after the
/// previous find, so repeated names land on their own lines.
struct Locator<'a> {
    text: &'a str,
    from: usize,
}

impl Locator<'_> {
    /// Where `needle` is next written, preferring a place where it is the
    /// value of a `name` key (`- name: 'x'`, `"name": "x"`) over a mention
    /// in some text before it.
    fn find(&mut self, needle: &str) -> (u32, u32) {
        let needle = needle.trim();
        let rest = self.text.get(self.from..).unwrap_or("");
        let mut first = None;
        let mut named = None;
        if !needle.is_empty() {
            for (i, _) in rest.match_indices(needle) {
                first.get_or_insert(i);
                let line_start = rest[..i].rfind('\n').map_or(0, |n| n + 1);
                let before = rest[line_start..i]
                    .trim_end()
                    .trim_end_matches(['"', '\''])
                    .trim_end();
                if before.ends_with(':') && before.contains("name") {
                    named = Some(i);
                    break;
                }
            }
        }
        match named.or(first) {
            Some(i) => {
                let at = self.from + i;
                self.from = at + needle.len();
                crate::config::line_col(self.text, at)
            }
            None => crate::config::line_col(self.text, self.from.min(self.text.len())),
        }
    }
}

/// A competency as read: name, description, `(level, texts)` pairs, and
/// where it is written.
type RawRow = (
    String,
    Option<String>,
    Vec<(String, Vec<String>)>,
    (u32, u32),
);

/// Text of a scalar, or of each item of a list of scalars.
fn texts(v: Option<&Value>) -> Vec<String> {
    let one = |v: &Value| match v {
        Value::String(s) => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    };
    match v {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Sequence(items)) => items
            .iter()
            .filter_map(|i| match i {
                // `exampleCriteria` items: `{criteria, examples}`.
                Value::Mapping(m) => {
                    let main = m.get("criteria").and_then(one)?;
                    let ex = texts(m.get("examples"));
                    Some(if ex.is_empty() {
                        main
                    } else {
                        format!("{main} (e.g. {})", ex.join("; "))
                    })
                }
                other => one(other),
            })
            .filter(|s| !s.is_empty())
            .collect(),
        Some(other) => one(other).into_iter().filter(|s| !s.is_empty()).collect(),
    }
}

fn key_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The grid from a mapping in either shape; `text` is the file the mapping
/// was read from (for positions), `path` its root-relative path.
pub fn from_mapping(path: &str, text: &str, map: &Mapping) -> Result<RoleMatrix, Diagnostic> {
    let mut loc = Locator { text, from: 0 };
    let declared: Option<Vec<String>> = match map.get("levels") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => match n.as_u64().filter(|n| (1..=100).contains(n)) {
            Some(n) => Some((1..=n).map(|i| i.to_string()).collect()),
            None => {
                return Err(invalid(
                    path,
                    loc.find("levels"),
                    "`levels` must be a count from 1 to 100 or a list of level names".into(),
                    "write e.g. `levels: [L1, L2, L3]`",
                ))
            }
        },
        Some(Value::Sequence(items)) => Some(items.iter().filter_map(key_text).collect()),
        Some(_) => {
            return Err(invalid(
                path,
                loc.find("levels"),
                "`levels` must be a list of level names".into(),
                "write e.g. `levels: [L1, L2, L3]`",
            ))
        }
    };
    let mut rows: Vec<RawRow> = Vec::new();
    let list = |key: &str| match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Sequence(s)) => Ok(Some(s)),
        Some(_) => Err(key.to_owned()),
    };
    let not_a_list = |key: String, loc: &mut Locator<'_>| {
        invalid(
            path,
            loc.find(&key),
            format!("`{key}` must be a list"),
            "see the README's \"Role matrix data\"",
        )
    };
    if let Some(items) = list("competencies").map_err(|k| not_a_list(k, &mut loc))? {
        for item in items {
            let Value::Mapping(m) = item else {
                return Err(invalid(
                    path,
                    loc.find("competencies"),
                    "each competency must be a mapping with `name` and `levels`".into(),
                    "write `- name: Delivery` and `levels: { L1: ..., L2: ... }`",
                ));
            };
            let name = m.get("name").and_then(key_text).unwrap_or_default();
            let at = loc.find(&name);
            let mut cells = Vec::new();
            match m.get("levels") {
                Some(Value::Mapping(levels)) => {
                    for (k, v) in levels {
                        if let Some(k) = key_text(k) {
                            cells.push((k, texts(Some(v))));
                        }
                    }
                }
                None | Some(Value::Null) => {}
                Some(_) => {
                    return Err(invalid(
                        path,
                        at,
                        format!("competency `{name}`: `levels` must map level names to texts"),
                        "write `levels: { L1: \"...\", L2: [\"...\", \"...\"] }`",
                    ))
                }
            }
            let description = m
                .get("description")
                .and_then(key_text)
                .filter(|d| !d.is_empty());
            rows.push((name, description, cells, at));
        }
    }
    if let Some(items) = list("topics").map_err(|k| not_a_list(k, &mut loc))? {
        for item in items {
            let Value::Mapping(m) = item else {
                return Err(invalid(
                    path,
                    loc.find("topics"),
                    "each topic must be a mapping with `name` and `content`".into(),
                    "write `- name: communication` and `content: [{ level: 1, criteria: [...] }]`",
                ));
            };
            let id = m.get("name").and_then(key_text).unwrap_or_default();
            let at = loc.find(&id);
            let title = m.get("title").and_then(key_text).filter(|t| !t.is_empty());
            let name = title.clone().unwrap_or_else(|| humanise(&id));
            let mut cells = Vec::new();
            if let Some(Value::Sequence(content)) = m.get("content") {
                for c in content {
                    let Value::Mapping(c) = c else { continue };
                    let Some(level) = c.get("level").and_then(key_text) else {
                        continue;
                    };
                    let mut items = texts(c.get("criteria"));
                    items.extend(texts(c.get("exampleCriteria")));
                    cells.push((level, items));
                }
            }
            let description = m
                .get("description")
                .and_then(key_text)
                .filter(|d| !d.is_empty());
            rows.push((name, description, cells, at));
        }
    }
    if rows.is_empty() {
        return Err(invalid(
            path,
            (1, 1),
            "role-matrix data has no `competencies` (or `topics`)".into(),
            "see the README's \"Role matrix data\"",
        ));
    }
    let levels = match declared {
        Some(levels) => {
            for (name, _, cells, at) in &rows {
                if let Some((l, _)) = cells.iter().find(|(l, _)| !levels.contains(l)) {
                    return Err(invalid(
                        path,
                        *at,
                        format!("competency `{name}` names level `{l}`, which is not in `levels`"),
                        "add the level to `levels`, or correct its name",
                    ));
                }
            }
            levels
        }
        None => {
            let mut seen: Vec<String> = Vec::new();
            for (_, _, cells, _) in &rows {
                for (l, _) in cells {
                    if !seen.contains(l) {
                        seen.push(l.clone());
                    }
                }
            }
            if seen.iter().all(|l| l.parse::<u32>().is_ok()) {
                seen.sort_by_key(|l| l.parse::<u32>().unwrap_or(0));
            }
            seen
        }
    };
    let competencies = rows
        .into_iter()
        .map(|(name, description, cells, at)| Competency {
            cells: levels
                .iter()
                .map(|l| {
                    cells
                        .iter()
                        .filter(|(k, _)| k == l)
                        .flat_map(|(_, t)| t.iter().cloned())
                        .collect()
                })
                .collect(),
            name,
            description,
            at,
        })
        .collect();
    Ok(RoleMatrix {
        source: path.to_owned(),
        file: None,
        levels,
        competencies,
    })
}

/// `technical_skills` → `Technical skills`.
fn humanise(id: &str) -> String {
    let words = id.replace(['_', '-'], " ");
    let mut chars = words.trim().chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
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
mod tests {
    use super::*;

    const OURS: &str = "levels: [L1, L2, L3]\ncompetencies:\n  - name: Delivery\n    description: Getting things shipped\n    levels:\n      L1: Ships small tasks with help\n      L2: [Ships features, Breaks work down]\n      L3: Leads projects\n  - name: Communication\n    levels:\n      L1: Asks for help early\n      L3: Writes the design docs\n";

    #[test]
    fn our_shape_reads_levels_rows_and_cells() {
        let m = parse_matrix("src/roles/ladder.yaml", OURS).unwrap();
        assert_eq!(m.levels, ["L1", "L2", "L3"]);
        assert_eq!(m.competencies.len(), 2);
        let d = &m.competencies[0];
        assert_eq!(d.cells[1], ["Ships features", "Breaks work down"]);
        assert_eq!(d.description.as_deref(), Some("Getting things shipped"));
        assert_eq!(d.at, (3, 11));
        let c = &m.competencies[1];
        assert_eq!(c.at, (9, 11));
        assert!(c.cells[1].is_empty());
        let mut out = Vec::new();
        check_complete(&m, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!((out[0].line, out[0].column), (9, 11));
        assert!(out[0].message.contains("`L2`"), "{}", out[0].message);
    }

    #[test]
    fn progression_framework_shape_with_numbered_levels() {
        let text = "levels: 3\ntopics:\n  - name: technical_skills\n    title: Technical skills\n    content:\n      - level: 1\n        criteria:\n          - Writes tested code\n        exampleCriteria:\n          - criteria: Reviews peers\n            examples:\n              - Left useful comments\n      - level: 2\n        criteria: [Owns a service]\n      - level: 3\n        criteria: [Shapes the platform]\n  - name: impact\n    content:\n      - level: 2\n        criteria: [Moves a team metric]\n";
        let m = parse_matrix("x.yml", text).unwrap();
        assert_eq!(m.levels, ["1", "2", "3"]);
        assert_eq!(m.competencies[0].name, "Technical skills");
        assert_eq!(
            m.competencies[0].cells[0],
            [
                "Writes tested code",
                "Reviews peers (e.g. Left useful comments)"
            ]
        );
        assert_eq!(m.competencies[1].name, "Impact");
        assert_eq!(m.competencies[1].at.0, 17);
        let mut out = Vec::new();
        check_complete(&m, &mut out);
        assert_eq!(out.len(), 1);
        assert!(
            out[0].message.contains("levels `1`, `3`"),
            "{}",
            out[0].message
        );
    }

    #[test]
    fn broken_data_is_a_finding_at_its_line() {
        let d = parse_matrix(
            "a.yaml",
            "levels: [L1]\ncompetencies:\n  - name: [unclosed\n",
        )
        .unwrap_err();
        assert_eq!(d.rule, "frontmatter-invalid");
        assert_eq!(d.path, "a.yaml");
        assert!(d.line >= 3, "{d:?}");
        let d =
            parse_matrix("a.json", "{\"levels\": [\"L1\"],\n \"competencies\": [,]}").unwrap_err();
        assert_eq!((d.line, d.column), (2, 19));
        assert!(d.message.contains("JSON"), "{}", d.message);
        let d = parse_matrix(
            "a.yaml",
            "levels: [L1]\ncompetencies:\n  - name: X\n    levels: { L9: y }\n",
        )
        .unwrap_err();
        assert_eq!(d.line, 3);
        assert!(d.message.contains("`L9`"), "{}", d.message);
    }

    #[test]
    fn a_competency_is_located_at_its_name_key_not_an_earlier_mention() {
        let text = "levels: [1, 2]\ncompetencies:\n  - name: Delivery\n    levels:\n      1: Keeps up communication with the team\n  - name: communication\n    levels:\n      2: Writes it down\n";
        let m = parse_matrix("a.yaml", text).unwrap();
        assert_eq!(m.competencies[1].at, (6, 11));
    }

    #[test]
    fn paths_resolve_from_the_page_folder() {
        assert_eq!(
            resolve("roles/eng.md", "ladder.yaml").as_deref(),
            Some("roles/ladder.yaml")
        );
        assert_eq!(
            resolve("roles/eng.md", "../data/l.json").as_deref(),
            Some("data/l.json")
        );
        assert_eq!(
            resolve("roles/eng.md", "/data/l.json").as_deref(),
            Some("data/l.json")
        );
        assert_eq!(resolve("eng.md", "../x.yaml"), None);
    }
}
