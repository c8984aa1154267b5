//! Stage 2a: split a page into YAML frontmatter and markdown body, parse
//! the YAML into typed fields, and remember where each key is written so
//! findings point at the key. Pure: strings in, data and findings out.
//!
//! Positions are always absolute within the markdown file: a YAML error at
//! snippet line 2 is reported at file line 3 (the fence is line 1).

use crate::date::{Date, Interval};
use crate::diag::{Diagnostic, Severity};
use fence::Syntax;
use serde_yaml::{Mapping, Value};
use std::collections::BTreeMap;

pub(crate) mod fence;
mod toml_front;

/// The keys the review date is read from, in order of precedence:
/// `reviewed` and the aliases other tools write.
pub const REVIEWED_KEYS: [&str; 3] = ["reviewed", "last_reviewed_on", "last_reviewed"];

/// The keys owners are read from, in order: `owners` and its aliases.
pub const OWNER_KEYS: [&str; 4] = ["owners", "owner", "maintainers", "owner_slack"];

/// The keys the review interval is read from, in order of precedence.
pub const REVIEW_EVERY_KEYS: [&str; 2] = ["review_every", "review_in"];

/// The other keys a field is read from.
pub const FIELD_KEYS: [&str; 22] = [
    "title",
    "kind",
    "domain",
    "tags",
    "status",
    "date",
    "supersedes",
    "superseded_by",
    "actions",
    "enforced_by",
    "search",
    "check",
    "started",
    "mitigated",
    "closed",
    "severity",
    "signature",
    "runbook",
    "exercised",
    "exercised_by",
    "draft",
    "weight",
];

/// Whether `key` is one a frontmatter field is read from (aliases included).
fn is_field_key(key: &str) -> bool {
    OWNER_KEYS.contains(&key)
        || REVIEWED_KEYS.contains(&key)
        || REVIEW_EVERY_KEYS.contains(&key)
        || FIELD_KEYS.contains(&key)
}

/// Where top-level keys (and action items) are written: key → (line, column).
#[derive(Debug, Clone, Default)]
pub struct KeySpans(BTreeMap<String, (u32, u32)>);

impl KeySpans {
    /// Position of `key`, or the opening fence (1:1) when it is absent.
    pub fn of(&self, key: &str) -> (u32, u32) {
        self.0.get(key).copied().unwrap_or((1, 1))
    }

    /// Position of the first of `keys` that is written, else 1:1.
    pub fn first_of(&self, keys: &[&str]) -> (u32, u32) {
        keys.iter()
            .find_map(|k| self.0.get(*k).copied())
            .unwrap_or((1, 1))
    }

    /// Position of `key`'s value when it is written on the key's line (YAML),
    /// else of the key ([`KeySpans::of`]).
    pub fn value_of(&self, key: &str) -> (u32, u32) {
        self.0
            .get(&format!("{key}="))
            .copied()
            .unwrap_or_else(|| self.of(key))
    }

    /// Whether `key` is written.
    pub fn has(&self, key: &str) -> bool {
        self.0.contains_key(key)
    }

    /// The top-level keys written, in name order (action items left out).
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0
            .keys()
            .map(String::as_str)
            .filter(|k| !k.contains('[') && !k.ends_with('='))
    }

    /// The first of `keys` that is written.
    pub fn first_written<'k>(&self, keys: &[&'k str]) -> Option<&'k str> {
        keys.iter().copied().find(|k| self.0.contains_key(*k))
    }
}

/// A follow-through action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    /// What is to be done.
    pub what: String,
    /// Who does it.
    pub owner: Option<String>,
    /// When it is due.
    pub due: Option<Date>,
    /// Whether it is done.
    pub done: bool,
    /// When it was done, when `done:` is written as a date.
    pub done_on: Option<Date>,
    /// `prevention: true`: the action stops the failure from coming back.
    pub prevention: bool,
    /// `verified`: when someone confirmed the prevention shipped.
    pub verified: Option<Date>,
    /// `verified_by`: who confirmed it.
    pub verified_by: Option<String>,
    /// Line of the item in the file.
    pub line: u32,
}

/// Typed frontmatter. Every field is optional; aliases are folded in.
#[derive(Debug, Clone, Default)]
pub struct FrontMatter {
    /// Whether the file had a frontmatter block at all.
    pub present: bool,
    /// The block is TOML (`+++` fences) rather than YAML.
    pub toml: bool,
    /// `title`.
    pub title: Option<String>,
    /// `kind` as written.
    pub kind: Option<String>,
    /// `owners` / `owner` / `maintainers` / `owner_slack`, in order, deduplicated.
    pub owners: Vec<String>,
    /// `reviewed` / `last_reviewed_on` / `last_reviewed`.
    pub reviewed: Option<Date>,
    /// `review_every` / `review_in`.
    pub review_every: Option<Interval>,
    /// `domain`.
    pub domain: Option<String>,
    /// `tags`.
    pub tags: Vec<String>,
    /// ADR `status`, trimmed and lower-cased.
    pub status: Option<String>,
    /// ADR `status` exactly as written, for messages.
    pub status_written: Option<String>,
    /// ADR `date`.
    pub date: Option<Date>,
    /// ADR numbers this one supersedes.
    pub supersedes: Vec<u32>,
    /// ADR numbers that supersede this one.
    pub superseded_by: Vec<u32>,
    /// Follow-through actions.
    pub actions: Vec<Action>,
    /// `enforced_by`.
    pub enforced_by: Option<String>,
    /// Incident `started`.
    pub started: Option<Date>,
    /// Incident `mitigated`.
    pub mitigated: Option<Date>,
    /// Incident `closed`.
    pub closed: Option<Date>,
    /// Incident `severity`, as written.
    pub severity: Option<String>,
    /// Incident `signature`: a short id of the failure mode.
    pub signature: Option<String>,
    /// Incident `runbook`: the runbook (or section) used, as written.
    pub runbook: Option<String>,
    /// Runbook `exercised`: the last drill or game day.
    pub exercised: Option<Date>,
    /// Runbook `exercised_by`.
    pub exercised_by: Option<String>,
    /// `draft: true` (as Hugo writes it): `build` leaves the page out
    /// unless `--drafts`; `serve` shows it, marked.
    pub draft: bool,
    /// `weight`: orders the page among its siblings in the sidebar (lower
    /// first; pages without one after those with one). On a folder's index
    /// page it places the folder among its sibling folders.
    pub weight: Option<i64>,
    /// `search: false` opts out of the search index.
    pub search: bool,
    /// `check: { ignore: [rule-id, ...] }`: rules whose findings on this
    /// page are not reported.
    pub ignore_rules: Vec<String>,
    /// `matrix`: the role-matrix data file, relative to the page.
    pub matrix: Option<String>,
    /// `levels` with `topics` or `competencies`: role-matrix data written
    /// in the frontmatter itself.
    pub matrix_inline: Option<Mapping>,
    /// The block is there but does not parse: no key could be read, so
    /// rules about missing keys have nothing to say.
    pub unreadable: bool,
    /// Keys whose value was refused (a `frontmatter-invalid` finding each),
    /// so the finding about the key being missing is not made too.
    pub invalid: Vec<String>,
}

/// Result of parsing one page's frontmatter.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    /// The typed fields.
    pub front: FrontMatter,
    /// Where keys are written.
    pub spans: KeySpans,
    /// Byte offset of the body in the text.
    pub body_offset: usize,
    /// 1-based line where the body starts.
    pub body_line: u32,
    /// `frontmatter-invalid` findings.
    pub findings: Vec<Diagnostic>,
}

/// Does this YAML text look like a block of `key: value` lines?
fn looks_like_mapping(yaml: &str) -> bool {
    yaml.lines().any(|l| {
        let l = l.trim_end();
        !l.starts_with([' ', '\t', '#', '-'])
            && l.split_once(':')
                .is_some_and(|(k, _)| !k.is_empty() && !k.contains(' ') || k.starts_with('"'))
    })
}

/// Scans unindented `key:` lines; `line0` is the file line of the YAML's first line.
fn key_spans(yaml: &str, line0: u32) -> KeySpans {
    let mut spans = BTreeMap::new();
    let mut in_actions = false;
    let mut action_index = 0;
    for (i, l) in yaml.lines().enumerate() {
        let line = line0 + i as u32;
        if !l.starts_with([' ', '\t', '-', '#']) {
            if let Some((raw_key, after)) = l.split_once(':') {
                let k = raw_key.trim().trim_matches(['"', '\'']);
                spans.entry(k.to_string()).or_insert((line, 1));
                // Where the value starts, for findings about the value.
                let value = after.trim_start();
                if !value.is_empty() && !value.starts_with('#') {
                    let column = raw_key.chars().count()
                        + 1
                        + after[..after.len() - value.len()].chars().count()
                        + 1;
                    spans
                        .entry(format!("{k}="))
                        .or_insert((line, column as u32));
                }
                in_actions = k == "actions";
                continue;
            }
        }
        if in_actions {
            let t = l.trim_start();
            if t.starts_with("- ") || t == "-" {
                let col = (l.len() - t.len()) as u32 + 1;
                spans.insert(format!("actions[{action_index}]"), (line, col));
                action_index += 1;
            }
        }
    }
    KeySpans(spans)
}

/// Parses the frontmatter of `text` (a page's full text, BOM removed).
/// `path` is the page path relative to the handbook root, for findings.
pub fn parse_frontmatter(path: &str, text: &str) -> Parsed {
    let no_frontmatter = || Parsed {
        body_line: 1,
        ..Parsed::default()
    };
    let Some(block) = fence::split(text) else {
        return no_frontmatter();
    };
    let mut out = Parsed {
        body_offset: block.body_offset,
        body_line: block.body_line,
        spans: match block.syntax {
            Syntax::Yaml => key_spans(block.text, 2),
            Syntax::Toml => toml_front::key_spans(block.text, 2),
        },
        ..Parsed::default()
    };
    out.front.present = true;
    out.front.search = true;
    out.front.toml = block.syntax == Syntax::Toml;
    if !block.closed {
        let fence = block.syntax.fence();
        let last = block.body_line.saturating_sub(2).max(2);
        out.findings.push(
            Diagnostic::new(
                "frontmatter-invalid",
                Severity::Error,
                path,
                (1, 1),
                format!("the frontmatter opened by `{fence}` on line 1 is never closed"),
            )
            .with_help(format!(
                "add a line `{fence}` after the last frontmatter line (line {last}); until then the page text starts at the first blank line"
            )),
        );
    }
    if block.text.trim().is_empty() {
        return out;
    }
    let map = match block.syntax {
        Syntax::Yaml => match yaml_mapping(path, block.text) {
            Ok(Some(map)) => map,
            Ok(None) if !block.closed => return out,
            Ok(None) => return no_frontmatter(),
            Err(finding) => {
                out.findings.push(finding);
                out.front.unreadable = true;
                return out;
            }
        },
        Syntax::Toml => match toml_front::parse(block.text) {
            Ok(map) => map,
            Err(e) => {
                out.findings.push(
                    Diagnostic::new(
                        "frontmatter-invalid",
                        Severity::Error,
                        path,
                        (e.at.0 + 1, e.at.1),
                        format!("frontmatter is not valid TOML: {}", e.message),
                    )
                    .with_help("fix the TOML between the `+++` lines; quote text values, e.g. `title = \"Payments failover\"`"),
                );
                out.front.unreadable = true;
                return out;
            }
        },
    };
    let mut f = Fields {
        path,
        spans: &out.spans,
        findings: Vec::new(),
        invalid: Vec::new(),
    };
    out.front = FrontMatter {
        toml: out.front.toml,
        ..f.read(&map)
    };
    out.front.invalid = f.invalid;
    out.findings.extend(f.findings);
    out
}

/// Parses the YAML between the fences: `Ok(None)` when it is not a
/// frontmatter at all (`---` used as a horizontal rule twice, around
/// prose), or empty; a finding when it is broken.
fn yaml_mapping(path: &str, yaml: &str) -> Result<Option<Mapping>, Diagnostic> {
    let value: Value = match serde_yaml::from_str(yaml) {
        Ok(v) => v,
        Err(e) => {
            if !looks_like_mapping(yaml) {
                return Ok(None);
            }
            return Err(yaml_error(path, yaml, &e));
        }
    };
    match value {
        Value::Mapping(m) => Ok(Some(m)),
        Value::Null => Ok(Some(Mapping::new())),
        _ if !looks_like_mapping(yaml) => Ok(None),
        _ => Err(Diagnostic::new(
            "frontmatter-invalid",
            Severity::Error,
            path,
            (2, 1),
            "frontmatter must be a mapping of `key: value` lines",
        )),
    }
}

/// The finding for a YAML syntax error, at its line in the file (the
/// snippet starts on file line 2), with a hint for the common slips.
fn yaml_error(path: &str, yaml: &str, e: &serde_yaml::Error) -> Diagnostic {
    let msg = e.to_string();
    let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
    // From the byte index, not libyaml's line and column: YAML also ends a
    // line at U+2028, U+2029 and U+0085, which editors and the rest of the
    // page's positions do not.
    let parser_at = e
        .location()
        .map(|l| crate::config::line_col(yaml, l.index()))
        .unwrap_or((1, 1));
    // A duplicate key is reported at the start of the mapping; point at
    // the repeated key instead.
    if let Some(l) = duplicate_key_line(yaml, &msg) {
        return Diagnostic::new(
            "frontmatter-invalid",
            Severity::Error,
            path,
            (l + 1, 1),
            format!("frontmatter is not valid YAML: {msg}"),
        )
        .with_help("remove one of the repeated keys");
    }
    let (at, message, help) = if let Some(at) = tab_indent(yaml, parser_at.0) {
        (
            at,
            "frontmatter is not valid YAML: a tab indents this line".to_string(),
            "YAML does not allow tabs for indentation; use spaces".to_string(),
        )
    } else if let Some((at, quote)) = unclosed_quote(yaml, parser_at.0) {
        (
            at,
            format!("frontmatter is not valid YAML: the value opened with {quote} here is not closed ({msg})"),
            format!("end the value with {quote} on the same line, or remove the opening {quote}"),
        )
    } else {
        (
            parser_at,
            format!("frontmatter is not valid YAML: {msg}"),
            yaml_help(&msg),
        )
    };
    Diagnostic::new(
        "frontmatter-invalid",
        Severity::Error,
        path,
        (at.0 + 1, at.1),
        message,
    )
    .with_help(help)
}

/// The first line up to `until` (snippet lines, 1-based) indented with a
/// tab: (line, column of the tab).
fn tab_indent(yaml: &str, until: u32) -> Option<(u32, u32)> {
    yaml.lines()
        .take(until as usize)
        .enumerate()
        .find_map(|(i, l)| {
            let indent = &l[..l.len() - l.trim_start().len()];
            indent
                .find('\t')
                .map(|c| (i as u32 + 1, indent[..c].chars().count() as u32 + 1))
        })
}

/// The first line up to `until` whose value opens a quote that the line
/// does not close: (line, column of the quote) and the quote.
fn unclosed_quote(yaml: &str, until: u32) -> Option<((u32, u32), &'static str)> {
    yaml.lines()
        .take(until as usize)
        .enumerate()
        .find_map(|(i, l)| {
            let (key, value) = l.split_once(": ")?;
            let v = value.trim_start();
            let quote = match v.chars().next()? {
                '"' => "`\"`",
                '\'' => "`'`",
                _ => return None,
            };
            let open = v.chars().next()?;
            let rest = &v[1..];
            let closed = if open == '"' {
                let mut escaped = false;
                rest.chars().any(|c| {
                    let end = c == '"' && !escaped;
                    escaped = c == '\\' && !escaped;
                    end
                })
            } else {
                // `''` is an escaped quote inside single quotes.
                rest.replace("''", "").contains('\'')
            };
            let column = key.chars().count() + 2 + (value.len() - v.len()) + 1;
            (!closed).then_some(((i as u32 + 1, column as u32), quote))
        })
}

/// For "duplicate entry with key \"k\"", the snippet line (1-based) of the
/// second unindented `k:`.
fn duplicate_key_line(yaml: &str, msg: &str) -> Option<u32> {
    let key = msg
        .split("duplicate entry with key \"")
        .nth(1)?
        .split('"')
        .next()?;
    yaml.lines()
        .enumerate()
        .filter(|(_, l)| {
            l.strip_prefix(key)
                .or_else(|| l.strip_prefix(&format!("\"{key}\"")))
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        })
        .nth(1)
        .map(|(i, _)| i as u32 + 1)
}

fn yaml_help(msg: &str) -> String {
    if msg.contains("tab") {
        "YAML does not allow tabs for indentation; use spaces".into()
    } else if msg.contains("duplicate") {
        "remove one of the repeated keys".into()
    } else if msg.contains("repetition limit") || msg.contains("recursion limit") {
        "the aliases (`*name`) or nesting here expand past what a page can hold; write the values out".into()
    } else {
        "fix the YAML between the `---` lines; quote values that contain `: ` or start with `@`, `*`, `&`, `[` or `{`".into()
    }
}

struct Fields<'a> {
    path: &'a str,
    spans: &'a KeySpans,
    findings: Vec<Diagnostic>,
    invalid: Vec<String>,
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

    fn read(&mut self, map: &Mapping) -> FrontMatter {
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

/// The ADR number in `0007-foo`, `ADR-7`, `7`.
pub fn adr_number_in(s: &str) -> Option<u32> {
    let digits: String = s
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits.parse().ok()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_matrix_data_in_frontmatter_but_not_a_topics_taxonomy() {
        let p = parse_frontmatter("a.md", "---\ntopics: [payments, search]\n---\n");
        assert!(p.front.matrix_inline.is_none());
        let p = parse_frontmatter(
            "a.md",
            "---\nlevels: 2\ntopics:\n  - name: craft\n    content: [{level: 1, criteria: [x]}]\n---\n",
        );
        let m = p.front.matrix_inline.expect("a grid");
        assert!(m.contains_key("levels") && m.contains_key("topics"));
        assert!(p.findings.is_empty());
    }

    #[test]
    fn yaml_error_line_is_absolute_in_the_file() {
        let p = parse_frontmatter(
            "a.md",
            "---\ntitle: T\nreviewed: [unclosed\nx: 1\n---\nbody\n",
        );
        let d = &p.findings[0];
        assert_eq!(d.rule, "frontmatter-invalid");
        assert!(
            d.line >= 3,
            "line {} should be in the file, not the snippet",
            d.line
        );
        assert_eq!(p.body_line, 6);
    }

    #[test]
    fn alias_bombs_are_a_finding_with_a_help() {
        let mut text = String::from("---\ntitle: T\na: &a [x, x, x, x, x, x, x, x, x]\n");
        for (prev, name) in "abcdefgh".chars().zip("bcdefghi".chars()) {
            let refs = vec![format!("*{prev}"); 9].join(", ");
            text.push_str(&format!("{name}: &{name} [{refs}]\n"));
        }
        text.push_str("---\nbody\n");
        let p = parse_frontmatter("a.md", &text);
        assert_eq!(p.findings.len(), 1, "{:?}", p.findings);
        let help = p.findings[0].help.as_deref().unwrap_or("");
        assert!(help.contains("aliases"), "{help}");
    }

    #[test]
    fn tab_and_duplicate_keys_are_findings() {
        let p = parse_frontmatter("a.md", "---\ntitle: T\nowners:\n\t- a\n---\n");
        assert_eq!(p.findings.len(), 1);
        assert_eq!(p.findings[0].line, 4);
        let p = parse_frontmatter("a.md", "---\ntitle: A\nkind: guide\ntitle: B\n---\n");
        assert_eq!(p.findings.len(), 1);
        assert!(
            p.findings[0].message.contains("duplicate"),
            "{}",
            p.findings[0].message
        );
        assert_eq!(p.findings[0].line, 4);
    }

    #[test]
    fn yaml_error_lines_count_only_line_feeds() {
        // U+2028 is a line break to YAML (so `b` is a key without `:`, found
        // missing where `owners` starts), but not to editors: libyaml's own
        // count would say line 4.
        let p = parse_frontmatter("a.md", "---\ntitle: a\u{2028}b\nowners: [x\nkind: y\n---\n");
        let d = &p.findings[0];
        assert!(d.message.contains("YAML"), "{}", d.message);
        assert_eq!((d.line, d.column), (3, 1));
    }

    #[test]
    fn bad_date_points_at_the_value() {
        let p = parse_frontmatter("a.md", "---\ntitle: T\nreviewed: last week\n---\n");
        assert_eq!(p.findings.len(), 1);
        assert_eq!((p.findings[0].line, p.findings[0].column), (3, 11));
        // Spaces and quotes before the value: the column of the value.
        let p = parse_frontmatter("a.md", "---\nreviewed:   \"2026-13-01\"\n---\n");
        assert_eq!((p.findings[0].line, p.findings[0].column), (2, 13));
        // The value on the next line: the key.
        let p = parse_frontmatter("a.md", "---\nreviewed:\n  soon\n---\n");
        assert_eq!((p.findings[0].line, p.findings[0].column), (2, 1));
    }

    #[test]
    fn crlf_and_aliases() {
        let p = parse_frontmatter("a.md", "---\r\nlast_reviewed_on: \"2026-08-01\"\r\nreview_in: 6 months\r\nowner_slack: \"#payments\"\r\nmaintainers: [a, b]\r\n---\r\nbody\r\n");
        assert!(p.findings.is_empty(), "{:?}", p.findings);
        assert_eq!(p.front.reviewed.unwrap().to_string(), "2026-08-01");
        assert_eq!(p.front.review_every, Some(Interval::Months(6)));
        assert_eq!(p.front.owners, vec!["a", "b", "#payments"]);
        assert_eq!(p.body_line, 7);
        assert_eq!(&"---\r\nlast_reviewed_on: \"2026-08-01\"\r\nreview_in: 6 months\r\nowner_slack: \"#payments\"\r\nmaintainers: [a, b]\r\n---\r\nbody\r\n"[p.body_offset..], "body\r\n");
    }

    #[test]
    fn horizontal_rule_without_closing_fence_is_not_frontmatter() {
        let p = parse_frontmatter("a.md", "---\n\n# Title\n\nText\n");
        assert!(!p.front.present);
        assert!(p.findings.is_empty());
        assert_eq!(p.body_offset, 0);
        let p = parse_frontmatter("a.md", "---\n\nJust some prose here.\n\n---\n\nMore.\n");
        assert!(!p.front.present);
        assert!(p.findings.is_empty());
    }

    #[test]
    fn actions_and_adr_fields() {
        let text = "---\nstatus: Accepted\ndate: 2026-03-02\nsupersedes: [3, \"ADR-0004\"]\nsuperseded_by: 7\nactions:\n  - what: Add alert\n    owner: \"@bob\"\n    due: 2026-10-15\n  - what: Fix\n    done: true\n---\n";
        let p = parse_frontmatter("a.md", text);
        assert!(p.findings.is_empty(), "{:?}", p.findings);
        assert_eq!(p.front.status.as_deref(), Some("accepted"));
        assert_eq!(p.front.supersedes, vec![3, 4]);
        assert_eq!(p.front.superseded_by, vec![7]);
        assert_eq!(p.front.actions.len(), 2);
        assert_eq!(p.front.actions[0].line, 7);
        assert_eq!(p.front.actions[1].line, 10);
        assert!(p.front.actions[1].done);
        assert_eq!(p.spans.of("superseded_by"), (5, 1));
    }

    #[test]
    fn wrong_types_are_findings_not_crashes() {
        let p = parse_frontmatter(
            "a.md",
            "---\ntitle: [a, b]\nowners: {a: 1}\nreview_every: soon\n---\n",
        );
        assert_eq!(p.findings.len(), 3, "{:?}", p.findings);
    }

    #[test]
    fn weight_is_a_whole_number_and_a_bad_one_is_found_at_its_value() {
        let p = parse_frontmatter("a.md", "---\ntitle: T\nweight: -3\n---\n");
        assert!(p.findings.is_empty(), "{:?}", p.findings);
        assert_eq!(p.front.weight, Some(-3));
        let p = parse_frontmatter("a.md", "---\ntitle: T\nweight: \"7\"\n---\n");
        assert_eq!(p.front.weight, Some(7));
        let p = parse_frontmatter("a.md", "---\ntitle: T\nweight: 1.5\n---\n");
        assert_eq!(p.front.weight, None);
        assert_eq!(p.findings.len(), 1, "{:?}", p.findings);
        assert_eq!((p.findings[0].line, p.findings[0].column), (3, 9));
        assert!(p.findings[0].message.contains("not a whole number"));
    }
}
