//! Stage 2a: split a page into YAML frontmatter and markdown body, parse
//! the YAML into typed fields, and remember where each key is written so
//! findings point at the key. Pure: strings in, data and findings out.
//!
//! Positions are always absolute within the markdown file: a YAML error at
//! snippet line 2 is reported at file line 3 (the fence is line 1).

use crate::date::{Date, Interval};
use crate::diag::{Diagnostic, Severity};
use fence::Syntax;
use fields::Fields;
use serde_yaml::Mapping;
use std::collections::BTreeMap;

pub(crate) mod fence;
mod fields;
#[cfg(test)]
mod tests;
mod toml_front;
mod yaml_front;

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
            Syntax::Yaml => yaml_front::key_spans(block.text, 2),
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
        Syntax::Yaml => match yaml_front::yaml_mapping(path, block.text) {
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

/// The ADR number in `0007-foo`, `ADR-7`, `7`.
pub fn adr_number_in(s: &str) -> Option<u32> {
    let digits: String = s
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits.parse().ok()
}
