//! Reading role-matrix data: a YAML or JSON text, in either shape, into
//! a [`RoleMatrix`] or a finding.

use super::{Competency, RoleMatrix};
use crate::diag::{Diagnostic, Severity};
use serde_yaml::{Mapping, Value};

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
