//! Who owns what: the `owners.yaml` registry and the CODEOWNERS fallback.
//! Loading reads files (called from stage 0); resolving is pure. CODEOWNERS
//! matching lives in [`CodeOwners`].

mod codeowners;

pub use codeowners::CodeOwners;

use crate::config::Config;
use crate::diag::{Diagnostic, Severity};
use crate::error::{io_err, Error, Result};
use serde_yaml::{Mapping, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// A team in the registry.
#[derive(Debug, Clone, Default)]
pub struct Team {
    /// Display name.
    pub name: Option<String>,
    /// Person ids.
    pub members: Vec<String>,
    /// Chat channel.
    pub channel: Option<String>,
}

/// A person in the registry.
#[derive(Debug, Clone)]
pub struct Person {
    /// Display name.
    pub name: Option<String>,
    /// False when the person has left.
    pub active: bool,
}

/// The owners registry. Empty (and `present == false`) without owners.yaml.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    /// Whether owners.yaml exists; without it any non-empty owner is accepted.
    pub present: bool,
    /// Path relative to the handbook root, for findings.
    pub path: String,
    /// Teams by id.
    pub teams: BTreeMap<String, Team>,
    /// People by id.
    pub people: BTreeMap<String, Person>,
}

/// An owner id resolved against the registry.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Owner {
    /// A registered team.
    Team(String),
    /// A registered person.
    Person(String),
    /// Not in the registry (or there is no registry); `person` when written as `@x`.
    Unknown {
        /// The id without `@`.
        id: String,
        /// Written as `@x`.
        person: bool,
    },
}

impl Owner {
    /// The id (no `@`).
    pub fn id(&self) -> &str {
        match self {
            Owner::Team(id) | Owner::Person(id) | Owner::Unknown { id, .. } => id,
        }
    }

    /// `team` or `person`.
    pub fn kind(&self) -> &'static str {
        match self {
            Owner::Team(_) | Owner::Unknown { person: false, .. } => "team",
            Owner::Person(_) | Owner::Unknown { person: true, .. } => "person",
        }
    }
}

impl Registry {
    /// Resolves an owner as written (`payments`, `@alice`, `@acme/payments`, `#payments-oncall`).
    pub fn resolve(&self, written: &str) -> Owner {
        let w = written.trim();
        let person = w.starts_with('@') && !w.contains('/');
        let id = w.trim_start_matches('@');
        let id = id.rsplit('/').next().unwrap_or(id);
        if self.teams.contains_key(id) {
            return Owner::Team(id.to_string());
        }
        if self.people.contains_key(id) {
            return Owner::Person(id.to_string());
        }
        if w.starts_with('#') {
            if let Some((tid, _)) = self
                .teams
                .iter()
                .find(|(_, t)| t.channel.as_deref() == Some(w))
            {
                return Owner::Team(tid.clone());
            }
        }
        Owner::Unknown {
            id: id.to_string(),
            person,
        }
    }

    /// Whether a person is active (unknown people count as active).
    pub fn person_active(&self, id: &str) -> bool {
        self.people.get(id).is_none_or(|p| p.active)
    }

    /// Active people behind an owner. `None` when it cannot be known (an
    /// unregistered team, or a team without a member list).
    pub fn active_people(&self, owner: &Owner) -> Option<BTreeSet<String>> {
        match owner {
            Owner::Person(id) | Owner::Unknown { id, person: true } => {
                Some(if self.person_active(id) {
                    BTreeSet::from([id.clone()])
                } else {
                    BTreeSet::new()
                })
            }
            Owner::Team(id) => {
                let team = self.teams.get(id)?;
                if team.members.is_empty() {
                    return None;
                }
                Some(
                    team.members
                        .iter()
                        .map(|m| m.trim_start_matches('@').to_string())
                        .filter(|m| self.person_active(m))
                        .collect(),
                )
            }
            Owner::Unknown { .. } => None,
        }
    }

    /// Display label of an owner.
    pub fn label(&self, owner: &Owner) -> String {
        match owner {
            Owner::Team(id) => self.teams[id].name.clone().unwrap_or_else(|| id.clone()),
            Owner::Person(id) => self.people[id]
                .name
                .clone()
                .unwrap_or_else(|| format!("@{id}")),
            Owner::Unknown { id, person: true } => format!("@{id}"),
            Owner::Unknown { id, person: false } => id.clone(),
        }
    }
}

/// `active:` as people write it: YAML 1.2 reads `no`, `off` and a quoted
/// `"false"` as text, and a person marked so has left all the same.
/// Anything unreadable counts as active (the default).
fn active_flag(v: &Value) -> bool {
    match v {
        Value::Bool(b) => *b,
        Value::String(s) => !matches!(
            s.trim().to_ascii_lowercase().as_str(),
            "false" | "no" | "n" | "off" | "0"
        ),
        Value::Number(n) => n.as_i64() != Some(0),
        _ => true,
    }
}

/// Loads owners.yaml if configured or present. Malformed YAML is a
/// configuration error (exit 2); unknown keys are findings.
pub fn load_registry(config: &Config) -> Result<(Registry, Vec<Diagnostic>)> {
    let Some(path) = &config.owners.registry else {
        return Ok((Registry::default(), Vec::new()));
    };
    let text = std::fs::read_to_string(path).map_err(io_err(path))?;
    let rel = path
        .strip_prefix(&config.root)
        .map(crate::discover::to_slash)
        .unwrap_or_else(|_| path.display().to_string());
    parse_registry(path, &rel, &text)
}

/// Parses owners.yaml text.
pub fn parse_registry(path: &Path, rel: &str, text: &str) -> Result<(Registry, Vec<Diagnostic>)> {
    let text = text.trim_start_matches('\u{feff}');
    let err = |line: u32, column: u32, message: String| Error::Config {
        path: path.to_owned(),
        line,
        column,
        message,
    };
    let value: Value = serde_yaml::from_str(text).map_err(|e| {
        // From the byte index, as for frontmatter: libyaml also ends lines
        // at U+2028, U+2029 and U+0085, which editors do not. Its message
        // repeats its own (then wrong) "at line N column M".
        let (l, c) = e
            .location()
            .map(|l| crate::config::line_col(text, l.index()))
            .unwrap_or((0, 0));
        let msg = e.to_string();
        let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
        err(l, c, msg)
    })?;
    let mut reg = Registry {
        present: true,
        path: rel.to_string(),
        ..Registry::default()
    };
    let mut findings = Vec::new();
    let root = match value {
        Value::Mapping(m) => m,
        Value::Null => return Ok((reg, findings)),
        _ => {
            return Err(err(
                1,
                1,
                "owners.yaml must be a mapping with `teams:` and `people:`".into(),
            ))
        }
    };
    let locate = |key: &str| -> (u32, u32) {
        text.lines()
            .enumerate()
            .find_map(|(i, l)| {
                let t = l.trim_start();
                (t.starts_with(&format!("{key}:")) || t.starts_with(&format!("\"{key}\":")))
                    .then(|| (i as u32 + 1, (l.len() - t.len()) as u32 + 1))
            })
            .unwrap_or((1, 1))
    };
    let mut unknown = |key: &str, section: &str| {
        findings.push(
            Diagnostic::new(
                "config-unknown-key",
                Severity::Warning,
                rel,
                locate(key),
                format!("unknown key `{key}` in {section}; this version ignores it"),
            )
            .with_help(
                "owners.yaml knows `teams:` (name, members, channel) and `people:` (name, active)",
            ),
        );
    };
    for (k, v) in &root {
        let key = k.as_str().unwrap_or_default();
        match key {
            "teams" => {
                for (id, t) in mapping(v) {
                    let mut team = Team::default();
                    for (fk, fv) in mapping(t) {
                        match fk.as_str() {
                            "name" => team.name = text_of(fv),
                            "channel" => team.channel = text_of(fv),
                            "members" => {
                                team.members = match fv {
                                    Value::Sequence(s) => s
                                        .iter()
                                        .filter_map(text_of)
                                        .map(|m| m.trim_start_matches('@').to_string())
                                        .collect(),
                                    other => text_of(other).into_iter().collect(),
                                }
                            }
                            other => unknown(other, &format!("team `{id}`")),
                        }
                    }
                    reg.teams.insert(id, team);
                }
            }
            "people" => {
                for (id, p) in mapping(v) {
                    let mut person = Person {
                        name: None,
                        active: true,
                    };
                    match p {
                        Value::String(s) => person.name = Some(s.clone()),
                        _ => {
                            for (fk, fv) in mapping(p) {
                                match fk.as_str() {
                                    "name" => person.name = text_of(fv),
                                    "active" => person.active = active_flag(fv),
                                    "email" | "github" | "slack" | "role" | "title" => {}
                                    other => unknown(other, &format!("person `{id}`")),
                                }
                            }
                        }
                    }
                    reg.people
                        .insert(id.trim_start_matches('@').to_string(), person);
                }
            }
            other => unknown(other, "owners.yaml"),
        }
    }
    Ok((reg, findings))
}

fn mapping(v: &Value) -> Vec<(String, &Value)> {
    match v {
        Value::Mapping(m) => mapping_entries(m),
        _ => Vec::new(),
    }
}

fn mapping_entries(m: &Mapping) -> Vec<(String, &Value)> {
    m.iter()
        .filter_map(|(k, v)| text_of(k).map(|k| (k, v)))
        .collect()
}

fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_resolves_ids_and_activity() {
        let (reg, findings) = parse_registry(
            Path::new("owners.yaml"),
            "owners.yaml",
            "teams:\n  payments:\n    name: Payments\n    members: [alice, carol]\n    channel: \"#pay\"\n    colour: red\npeople:\n  alice: { name: Alice }\n  carol: { name: Carol, active: false }\n",
        )
        .unwrap();
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].line, 6);
        assert_eq!(
            reg.resolve("@acme/payments"),
            Owner::Team("payments".into())
        );
        assert_eq!(reg.resolve("#pay"), Owner::Team("payments".into()));
        assert_eq!(reg.resolve("@alice"), Owner::Person("alice".into()));
        assert_eq!(
            reg.resolve("@mallory"),
            Owner::Unknown {
                id: "mallory".into(),
                person: true
            }
        );
        let people = reg.active_people(&Owner::Team("payments".into())).unwrap();
        assert_eq!(people.into_iter().collect::<Vec<_>>(), vec!["alice"]);
    }

    #[test]
    fn malformed_registry_is_a_config_error_with_line() {
        let e = parse_registry(Path::new("owners.yaml"), "owners.yaml", "teams:\n  a: [\n")
            .unwrap_err();
        assert!(matches!(e, Error::Config { line, .. } if line >= 2));
    }
}
