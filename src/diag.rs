//! Findings about user content (`Diagnostic`s): what, where, how bad, and
//! how to fix it. Collected from every stage and reported together; they
//! never stop a run. Program failures are `crate::error::Error` instead.

use serde::Serialize;
use std::fmt;

/// How bad a finding is. Ordered: `Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; never fails anything.
    Info,
    /// Fails `check` only under `--deny warnings`.
    Warning,
    /// Fails `check`.
    Error,
}

impl Severity {
    /// Parses a configured level: `Some(None)` means `off`, `None` means
    /// the text is not a level at all.
    pub fn parse_level(s: &str) -> Option<Option<Severity>> {
        match s {
            "error" => Some(Some(Severity::Error)),
            "warning" | "warn" => Some(Some(Severity::Warning)),
            "info" | "note" => Some(Some(Severity::Info)),
            "off" | "allow" => Some(None),
            _ => None,
        }
    }

    /// `error`, `warning` or `info`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One finding. `path` is relative to the handbook root with forward
/// slashes; `line` and `column` are 1-based and absolute within the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Stable rule id from SPEC (`owner-missing`).
    pub rule: &'static str,
    /// Effective severity (after `[check.rules]`).
    pub severity: Severity,
    /// File the finding is about.
    pub path: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl Diagnostic {
    /// A new finding at `path:line:column`.
    pub fn new(
        rule: &'static str,
        severity: Severity,
        path: impl Into<String>,
        (line, column): (u32, u32),
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            rule,
            severity,
            path: path.into(),
            line: line.max(1),
            column: column.max(1),
            message: message.into(),
            help: None,
        }
    }

    /// Adds a help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Sort key: path, line, column, rule.
    fn key(&self) -> (&str, u32, u32, &str) {
        (&self.path, self.line, self.column, self.rule)
    }
}

impl fmt::Display for Diagnostic {
    /// `path:line:col: severity[rule]: message` and an indented help line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}[{}]: {}",
            self.path, self.line, self.column, self.severity, self.rule, self.message
        )?;
        if let Some(help) = &self.help {
            write!(f, "\n  = help: {help}")?;
        }
        Ok(())
    }
}

/// Sorts findings by path, line, column and rule, and drops exact repeats.
pub fn sort_findings(findings: &mut Vec<Diagnostic>) {
    findings.sort_by(|a, b| {
        a.key()
            .cmp(&b.key())
            .then_with(|| a.message.cmp(&b.message))
    });
    findings.dedup();
}

/// Counts of findings by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Error count.
    pub error: usize,
    /// Warning count.
    pub warning: usize,
    /// Info count.
    pub info: usize,
}

impl Summary {
    /// Counts `findings`.
    pub fn of(findings: &[Diagnostic]) -> Summary {
        let mut s = Summary::default();
        for d in findings {
            match d.severity {
                Severity::Error => s.error += 1,
                Severity::Warning => s.warning += 1,
                Severity::Info => s.info += 1,
            }
        }
        s
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} error(s), {} warning(s), {} info",
            self.error, self.warning, self.info
        )
    }
}
