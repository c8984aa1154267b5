//! `check --write-baseline` and `check --baseline`: the findings a team
//! accepted on the day it adopted handbook, so that CI fails only on new
//! ones. Findings are matched by rule, file and a key made from the message
//! with every run of digits replaced by `#`: line moves, dates and day
//! counts ("due 2026-07-01, 40 days ago") do not make an old finding new,
//! while a different link target, owner or heading does. Each entry keeps
//! a count, so a third copy of a finding recorded twice is new.
//!
//! Reads and writes only the baseline file it is given.

use crate::diag::Diagnostic;
use crate::error::{io_err, Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// The format written by `--write-baseline` (version 1).
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    version: u32,
    findings: Vec<Entry>,
}

/// One accepted finding (or several alike).
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(deny_unknown_fields)]
struct Entry {
    rule: String,
    path: String,
    key: String,
    #[serde(default = "one", skip_serializing_if = "is_one")]
    count: usize,
}

fn one() -> usize {
    1
}

fn is_one(n: &usize) -> bool {
    *n == 1
}

/// Accepted findings, by (rule, path, key), with how many of each.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Baseline {
    accepted: BTreeMap<(String, String, String), usize>,
}

/// The stable part of a message: digit runs become `#`.
fn key(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut in_digits = false;
    for c in message.chars() {
        if c.is_ascii_digit() {
            if !in_digits {
                out.push('#');
            }
            in_digits = true;
        } else {
            out.push(c);
            in_digits = false;
        }
    }
    out
}

/// [`key`] for other reports that match findings the same way (GitLab's
/// fingerprints).
pub(crate) fn message_key(message: &str) -> String {
    key(message)
}

fn id(d: &Diagnostic) -> (String, String, String) {
    (d.rule.to_owned(), d.path.clone(), key(&d.message))
}

impl Baseline {
    /// The baseline that accepts exactly `findings`.
    pub fn of(findings: &[Diagnostic]) -> Baseline {
        let mut accepted = BTreeMap::new();
        for d in findings {
            *accepted.entry(id(d)).or_insert(0) += 1;
        }
        Baseline { accepted }
    }

    /// Number of findings it accepts.
    pub fn len(&self) -> usize {
        self.accepted.values().sum()
    }

    /// Accepts no finding.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The findings not accepted, in their order, and how many were hidden.
    pub fn filter(&self, findings: Vec<Diagnostic>) -> (Vec<Diagnostic>, usize) {
        let mut left = self.accepted.clone();
        let mut hidden = 0;
        let kept = findings
            .into_iter()
            .filter(|d| match left.get_mut(&id(d)) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    hidden += 1;
                    false
                }
                _ => true,
            })
            .collect();
        (kept, hidden)
    }

    /// The file's text: sorted, one entry per line, so that a change to
    /// the baseline reads well in a diff.
    pub fn to_text(&self) -> String {
        let entries: Vec<String> = self
            .accepted
            .iter()
            .map(|((rule, path, key), &count)| {
                let e = Entry {
                    rule: rule.clone(),
                    path: path.clone(),
                    key: key.clone(),
                    count,
                };
                serde_json::to_string(&e).unwrap_or_default()
            })
            .collect();
        if entries.is_empty() {
            return "{\"version\": 1, \"findings\": []}\n".to_owned();
        }
        format!(
            "{{\"version\": 1, \"findings\": [\n  {}\n]}}\n",
            entries.join(",\n  ")
        )
    }

    /// Parses a baseline file's text; errors name `path` with line and column.
    pub fn parse(path: &Path, text: &str) -> Result<Baseline> {
        let bad = |line: usize, column: usize, message: String| Error::Config {
            path: path.to_owned(),
            line: line as u32,
            column: column as u32,
            message,
        };
        let file: File = serde_json::from_str(text).map_err(|e| {
            bad(
                e.line(),
                e.column(),
                format!("not a handbook baseline ({e}); write a new one with `handbook check --write-baseline FILE`"),
            )
        })?;
        if file.version != 1 {
            return Err(bad(
                1,
                1,
                format!(
                    "baseline version {} is not one this handbook reads (1); write a new one with `handbook check --write-baseline FILE`",
                    file.version
                ),
            ));
        }
        let mut accepted = BTreeMap::new();
        for e in file.findings {
            *accepted.entry((e.rule, e.path, e.key)).or_insert(0) += e.count;
        }
        Ok(Baseline { accepted })
    }

    /// Reads a baseline file.
    pub fn load(path: &Path) -> Result<Baseline> {
        let text = std::fs::read_to_string(path).map_err(io_err(path))?;
        Baseline::parse(path, &text)
    }

    /// Writes the baseline to `path` (through a temporary file beside it,
    /// so a reader never sees half of it).
    pub fn write(&self, path: &Path) -> Result<()> {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "baseline".to_owned());
        let tmp = path.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
        std::fs::write(&tmp, self.to_text()).map_err(io_err(&tmp))?;
        std::fs::rename(&tmp, path).map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            Error::Io {
                path: path.to_owned(),
                source: e,
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Severity;

    fn finding(rule: &'static str, path: &str, line: u32, message: &str) -> Diagnostic {
        Diagnostic::new(rule, Severity::Error, path, (line, 1), message)
    }

    #[test]
    fn keys_ignore_numbers_but_not_words() {
        assert_eq!(
            key("due 2026-07-01, 40 days ago"),
            key("due 2026-08-02, 9 days ago")
        );
        assert_ne!(key("link to `a.md`"), key("link to `b.md`"));
    }

    #[test]
    fn accepted_findings_stay_hidden_after_lines_move_and_days_pass() {
        let old = vec![
            finding("link-broken", "src/a.md", 3, "link to `x.md` is broken"),
            finding(
                "review-stale",
                "src/a.md",
                1,
                "review was due 2026-01-01 (10 days ago)",
            ),
        ];
        let b = Baseline::parse(Path::new("b.json"), &Baseline::of(&old).to_text()).unwrap();
        assert_eq!(b.len(), 2);
        let now = vec![
            finding("link-broken", "src/a.md", 9, "link to `x.md` is broken"),
            finding("link-broken", "src/a.md", 12, "link to `y.md` is broken"),
            finding(
                "review-stale",
                "src/a.md",
                1,
                "review was due 2026-01-01 (45 days ago)",
            ),
            finding("owner-missing", "src/b.md", 1, "page has no owners"),
        ];
        let (kept, hidden) = b.filter(now);
        assert_eq!(hidden, 2);
        let kept: Vec<(&str, u32)> = kept.iter().map(|d| (d.rule, d.line)).collect();
        assert_eq!(kept, [("link-broken", 12), ("owner-missing", 1)]);
    }

    #[test]
    fn a_third_copy_of_a_finding_accepted_twice_is_new() {
        let twice = vec![
            finding("link-broken", "src/a.md", 3, "link to `x.md` is broken"),
            finding("link-broken", "src/a.md", 5, "link to `x.md` is broken"),
        ];
        let b = Baseline::of(&twice);
        let mut thrice = twice.clone();
        thrice.push(finding(
            "link-broken",
            "src/a.md",
            7,
            "link to `x.md` is broken",
        ));
        let (kept, hidden) = b.filter(thrice);
        assert_eq!((kept.len(), hidden), (1, 2));
        assert!(Baseline::of(&twice).to_text().contains("\"count\":2"));
    }

    #[test]
    fn a_broken_file_is_an_error_at_its_position() {
        let e = Baseline::parse(
            Path::new("base.json"),
            "{\"version\": 1,\n  \"findings\": [x]}",
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with("base.json:2:16: invalid configuration"),
            "{e}"
        );
        let e = Baseline::parse(Path::new("base.json"), "{\"version\": 2, \"findings\": []}")
            .unwrap_err()
            .to_string();
        assert!(e.contains("version 2"), "{e}");
    }
}
