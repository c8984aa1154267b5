//! Typing the frontmatter's values: each field read from its keys, with
//! a finding at the key or value when it has the wrong type or form.

use super::{
    adr_number_in, Action, FrontMatter, KeySpans, OWNER_KEYS, REVIEWED_KEYS, REVIEW_EVERY_KEYS,
};
use crate::date::{Date, Interval};
use crate::diag::{Diagnostic, Severity};
use serde_yaml::{Mapping, Value};

pub(super) struct Fields<'a> {
    pub(super) path: &'a str,
    pub(super) spans: &'a KeySpans,
    pub(super) findings: Vec<Diagnostic>,
    pub(super) invalid: Vec<String>,
}

impl Fields<'_> {
    fn bad(&mut self, key: &str, message: String, help: &str) {
        let pos = self.spans.of(key);
        self.bad_at(key, pos, message, help);
    }

    /// [`Fields::bad`] at the value (for a value of the wrong form).
    fn bad_value(&mut self, key: &str, message: String, help: &str) {
        let pos = self.spans.value_of(key);
        self.bad_at(key, pos, message, help);
    }

    fn bad_at(&mut self, key: &str, pos: (u32, u32), message: String, help: &str) {
        let top = key.split('[').next().unwrap_or(key);
        if !self.invalid.iter().any(|k| k == top) {
            self.invalid.push(top.to_string());
        }
        self.findings.push(
            Diagnostic::new(
                "frontmatter-invalid",
                Severity::Error,
                self.path,
                pos,
                message,
            )
            .with_help(help),
        );
    }

    fn get<'m>(&self, map: &'m Mapping, key: &str) -> Option<&'m Value> {
        map.get(key).filter(|v| !v.is_null())
    }

    fn string(&mut self, map: &Mapping, key: &str) -> Option<String> {
        match self.get(map, key)? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            other => {
                self.bad(
                    key,
                    format!("`{key}` must be text, found {}", type_name(other)),
                    "write a single value",
                );
                None
            }
        }
    }

    /// [`Fields::string`], trimmed, with an empty value taken as absent.
    fn text(&mut self, map: &Mapping, key: &str) -> Option<String> {
        self.string(map, key)
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    }

    fn strings(&mut self, map: &Mapping, key: &str) -> Vec<String> {
        match self.get(map, key) {
            None => Vec::new(),
            Some(Value::String(s)) => s
                .split(',')
                .map(|x| x.trim().to_string())
                .filter(|x| !x.is_empty())
                .collect(),
            Some(Value::Sequence(seq)) => {
                let mut out = Vec::new();
                for item in seq {
                    match item {
                        Value::String(s) => out.push(s.trim().to_string()),
                        Value::Number(n) => out.push(n.to_string()),
                        Value::Null => {}
                        other => {
                            self.bad(
                                key,
                                format!("`{key}` items must be text, found {}", type_name(other)),
                                "write a list like `[a, b]`",
                            );
                        }
                    }
                }
                out.retain(|s| !s.is_empty());
                out
            }
            Some(other) => {
                self.bad(
                    key,
                    format!("`{key}` must be a list, found {}", type_name(other)),
                    "write a list like `[a, b]`",
                );
                Vec::new()
            }
        }
    }

    fn date(&mut self, map: &Mapping, key: &str) -> Option<Date> {
        let v = self.get(map, key)?;
        let s = match v {
            Value::String(s) => s.clone(),
            Value::Tagged(t) => match &t.value {
                Value::String(s) => s.clone(),
                _ => String::new(),
            },
            other => format!("{other:?}"),
        };
        match Date::parse(&s) {
            Some(d) => Some(d),
            None => {
                let shown = match v {
                    Value::String(s) => format!("\"{s}\""),
                    other => type_name(other).to_string(),
                };
                self.bad_value(
                    key,
                    format!("`{key}`: {shown} is not a date"),
                    "write the date as YYYY-MM-DD, e.g. 2026-09-01",
                );
                None
            }
        }
    }

    fn weight(&mut self, map: &Mapping) -> Option<i64> {
        let v = self.get(map, "weight")?;
        let n = match v {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        };
        if n.is_none() {
            let shown = match v {
                Value::String(s) => format!("\"{s}\""),
                Value::Number(n) => n.to_string(),
                other => type_name(other).to_string(),
            };
            self.bad_value(
                "weight",
                format!("`weight`: {shown} is not a whole number"),
                "write a whole number, e.g. `weight: 10`; lower comes first",
            );
        }
        n
    }

    fn interval(&mut self, map: &Mapping, key: &str) -> Option<Interval> {
        let v = self.get(map, key)?;
        let parsed = match v {
            Value::String(s) => Interval::parse(s),
            Value::Number(n) => n
                .as_u64()
                .and_then(|d| u32::try_from(d).ok())
                .map(Interval::Days),
            _ => None,
        };
        if parsed.is_none() {
            self.bad(
                key,
                format!("`{key}` is not a duration"),
                "use e.g. 90d, 12w, 6m, 1y, `6 months` or never",
            );
        }
        parsed
    }

    fn numbers(&mut self, map: &Mapping, key: &str) -> Vec<u32> {
        let items: Vec<&Value> = match self.get(map, key) {
            None => return Vec::new(),
            Some(Value::Sequence(seq)) => seq.iter().collect(),
            Some(v) => vec![v],
        };
        let mut out = Vec::new();
        for item in items {
            let n = match item {
                Value::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
                Value::String(s) => adr_number_in(s),
                _ => None,
            };
            match n {
                Some(n) => out.push(n),
                None => self.bad(
                    key,
                    format!("`{key}` must name ADR numbers, e.g. `[3]`"),
                    "write the number from the ADR's file name (0003-x.md → 3)",
                ),
            }
        }
        out
    }

    fn actions(&mut self, map: &Mapping) -> Vec<Action> {
        let Some(v) = self.get(map, "actions") else {
            return Vec::new();
        };
        let Value::Sequence(seq) = v else {
            self.bad(
                "actions",
                "`actions` must be a list of `- what: ...` items".into(),
                "see the frontmatter reference in the README",
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, item) in seq.iter().enumerate() {
            let line = self
                .spans
                .of(&format!("actions[{i}]"))
                .0
                .max(self.spans.of("actions").0);
            let key = format!("actions[{i}]");
            let m = match item {
                Value::Mapping(m) => m,
                Value::String(s) => {
                    out.push(Action {
                        what: s.clone(),
                        owner: None,
                        due: None,
                        done: false,
                        done_on: None,
                        prevention: false,
                        verified: None,
                        verified_by: None,
                        line,
                    });
                    continue;
                }
                _ => {
                    self.bad(
                        &key,
                        format!(
                            "action {} must be a mapping with `what`, `owner`, `due`, `done`",
                            i + 1
                        ),
                        "see the frontmatter reference in the README",
                    );
                    continue;
                }
            };
            let text = |k: &str| match m.get(k) {
                Some(Value::String(s)) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
                Some(Value::Number(n)) => Some(n.to_string()),
                _ => None,
            };
            let what = text("what")
                .or_else(|| text("action"))
                .or_else(|| text("title"))
                .unwrap_or_default();
            let owner = text("owner").or_else(|| text("owners"));
            let due = self.action_date(m, "due", i, &key);
            let verified = self.action_date(m, "verified", i, &key);
            let flag = |k: &str| match m.get(k) {
                Some(Value::Bool(b)) => *b,
                Some(Value::String(s)) => {
                    matches!(s.to_ascii_lowercase().as_str(), "yes" | "true" | "done")
                }
                _ => false,
            };
            // `done: 2026-11-02` says when, and that it is done.
            let done_on = match m.get("done") {
                Some(Value::String(s)) => Date::parse(s),
                _ => None,
            };
            let done = flag("done") || done_on.is_some();
            out.push(Action {
                what,
                owner,
                due,
                done,
                done_on,
                prevention: flag("prevention"),
                verified,
                verified_by: text("verified_by"),
                line,
            });
        }
        out
    }

    /// A date field of action `i` (`due`, `verified`); a finding when it
    /// is not a date.
    fn action_date(&mut self, m: &Mapping, field: &str, i: usize, key: &str) -> Option<Date> {
        match m.get(field) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => match Date::parse(s) {
                Some(d) => Some(d),
                None => {
                    self.bad(
                        key,
                        format!("action {}: `{field}: {s}` is not a date", i + 1),
                        "write the date as YYYY-MM-DD",
                    );
                    None
                }
            },
            Some(_) => {
                self.bad(
                    key,
                    format!("action {}: `{field}` is not a date", i + 1),
                    "write the date as YYYY-MM-DD",
                );
                None
            }
        }
    }

    pub(super) fn read(&mut self, map: &Mapping) -> FrontMatter {
        let mut owners = Vec::new();
        for key in OWNER_KEYS {
            for o in self.strings(map, key) {
                if !owners.contains(&o) {
                    owners.push(o);
                }
            }
        }
        let reviewed = REVIEWED_KEYS
            .into_iter()
            .find(|k| self.get(map, k).is_some())
            .and_then(|k| self.date(map, k));
        let review_every = REVIEW_EVERY_KEYS
            .into_iter()
            .find(|k| self.get(map, k).is_some())
            .and_then(|k| self.interval(map, k));
        let status_written = self.string(map, "status");
        let search = match self.get(map, "search") {
            Some(Value::Bool(b)) => *b,
            _ => true,
        };
        let ignore_rules = match self.get(map, "check") {
            None => Vec::new(),
            Some(Value::Mapping(check)) => {
                let check = check.clone();
                self.strings(&check, "ignore")
            }
            Some(other) => {
                let found = type_name(other);
                self.bad(
                    "check",
                    format!("`check` must be a mapping, found {found}"),
                    "write `check: { ignore: [rule-id] }`",
                );
                Vec::new()
            }
        };
        FrontMatter {
            present: true,
            toml: false,
            title: self.string(map, "title").filter(|t| !t.trim().is_empty()),
            kind: self.string(map, "kind"),
            owners,
            reviewed,
            review_every,
            domain: self.string(map, "domain").filter(|d| !d.trim().is_empty()),
            tags: self.strings(map, "tags"),
            status: status_written
                .as_deref()
                .map(|s| s.trim().to_ascii_lowercase()),
            status_written,
            date: self.date(map, "date"),
            supersedes: self.numbers(map, "supersedes"),
            superseded_by: self.numbers(map, "superseded_by"),
            actions: self.actions(map),
            enforced_by: self
                .string(map, "enforced_by")
                .filter(|s| !s.trim().is_empty()),
            started: self.date(map, "started"),
            mitigated: self.date(map, "mitigated"),
            closed: self.date(map, "closed"),
            severity: self.text(map, "severity"),
            signature: self.text(map, "signature"),
            runbook: self.text(map, "runbook"),
            exercised: self.date(map, "exercised"),
            exercised_by: self.text(map, "exercised_by"),
            draft: matches!(self.get(map, "draft"), Some(Value::Bool(true)))
                || matches!(self.get(map, "draft"), Some(Value::String(s)) if matches!(s.trim().to_ascii_lowercase().as_str(), "true" | "yes")),
            weight: self.weight(map),
            search,
            ignore_rules,
            matrix: self.string(map, "matrix").filter(|m| !m.trim().is_empty()),
            matrix_inline: matrix_inline(map),
            unreadable: false,
            invalid: Vec::new(),
        }
    }
}

/// The role-matrix keys of a frontmatter that carries its grid itself:
/// `competencies`, or `topics` whose items have `content` (a Hugo
/// `topics: [a, b]` taxonomy is not a grid).
fn matrix_inline(map: &Mapping) -> Option<Mapping> {
    let grid_topics = match map.get("topics") {
        Some(Value::Sequence(items)) => items
            .iter()
            .any(|t| matches!(t, Value::Mapping(m) if m.contains_key("content"))),
        _ => false,
    };
    if !(grid_topics || map.contains_key("competencies")) {
        return None;
    }
    let mut out = Mapping::new();
    for key in ["levels", "topics", "competencies"] {
        if let Some(v) = map.get(key) {
            out.insert(Value::from(key), v.clone());
        }
    }
    Some(out)
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "a mapping",
        Value::Tagged(_) => "a tagged value",
    }
}
