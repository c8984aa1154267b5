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
    /// `path:line:col: severity[rule]: message` and an indented help line,
    /// control characters from the content escaped ([`escape_controls`]).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}[{}]: {}",
            escape_controls(&self.path),
            self.line,
            self.column,
            self.severity,
            self.rule,
            escape_controls(&self.message)
        )?;
        if let Some(help) = &self.help {
            write!(f, "\n  = help: {}", escape_controls(help))?;
        }
        Ok(())
    }
}

/// Whether `c` must not reach a terminal as it is: C0 controls except tab,
/// DEL, C1 controls, and the bidirectional embedding, override and isolate
/// characters (U+202A–U+202E, U+2066–U+2069) that reorder what a line
/// shows ("Trojan Source"). An ESC from a page's frontmatter could clear
/// the screen or retitle the window; a newline could forge a finding line.
pub fn is_unsafe_for_terminal(c: char) -> bool {
    (c.is_control() && c != '\t') || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// How [`escape_controls`] writes `c`: `\x1b` for C0, DEL and C1 controls,
/// `\u{202e}` for the bidi characters; `None` for characters shown as
/// they are.
pub fn control_escape(c: char) -> Option<String> {
    if !is_unsafe_for_terminal(c) {
        None
    } else if u32::from(c) <= 0xff {
        Some(format!("\\x{:02x}", u32::from(c)))
    } else {
        Some(format!("\\u{{{:x}}}", u32::from(c)))
    }
}

/// `text` with every character [`is_unsafe_for_terminal`] written as a
/// visible escape (see [`control_escape`]), for text from the content
/// (messages, paths, quoted source lines) printed to a terminal or a log.
/// Borrowed when there is nothing to escape.
pub fn escape_controls(text: &str) -> std::borrow::Cow<'_, str> {
    escape_controls_except(text, &[])
}

/// [`escape_controls`], keeping the characters in `keep` as they are (line
/// breaks of a multi-line error, or those an output format encodes itself).
pub fn escape_controls_except<'t>(text: &'t str, keep: &[char]) -> std::borrow::Cow<'t, str> {
    let escaped = |c: char| is_unsafe_for_terminal(c) && !keep.contains(&c);
    if !text.chars().any(escaped) {
        return text.into();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match control_escape(c).filter(|_| escaped(c)) {
            Some(e) => out.push_str(&e),
            None => out.push(c),
        }
    }
    out.into()
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
