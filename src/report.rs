//! Printing findings and errors: the human format (one
//! `path:line:col: severity[rule]: message` line per finding, colour only
//! on a terminal), JSON, GitHub workflow commands and SARIF 2.1.0.

use crate::config::RULE_IDS;
use crate::date::Date;
use crate::diag::{Diagnostic, Severity, Summary};
use crate::error::{io_err, Error, Result};
use serde_json::json;
use std::io::{IsTerminal, Write};

/// Output formats of `handbook check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Compiler-style lines on stderr and a summary.
    Human,
    /// One JSON document on stdout.
    Json,
    /// GitHub Actions workflow commands on stdout.
    Github,
    /// SARIF 2.1.0 on stdout.
    Sarif,
}

/// Whether stderr is a terminal that wants colour (`NO_COLOR` unset).
pub fn use_colour() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// Prints a program error and its causes to stderr.
pub fn print_error(e: &Error) {
    eprintln!("{}", error_text(e));
}

/// A program error and its causes, one per line. A cause the message
/// already quotes (an I/O error after its path) is not repeated.
pub fn error_text(e: &Error) -> String {
    let mut text = format!("error: {e}");
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let cause = s.to_string();
        if !text.contains(&cause) {
            text.push_str("\n  caused by: ");
            text.push_str(&cause);
        }
        source = s.source();
    }
    text
}

fn paint(text: &str, code: &str, colour: bool) -> String {
    if colour {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

/// Looks up the text of a file a finding points at (by its path relative
/// to the handbook root), so the human format can quote the line.
pub trait SourceText {
    /// The whole text of `path`, if known.
    fn text(&self, path: &str) -> Option<&str>;
}

/// No sources: findings print without a quoted line.
pub struct NoSources;

impl SourceText for NoSources {
    fn text(&self, _: &str) -> Option<&str> {
        None
    }
}

impl SourceText for std::collections::BTreeMap<String, String> {
    fn text(&self, path: &str) -> Option<&str> {
        self.get(path).map(String::as_str)
    }
}

/// One finding in the human format: the `path:line:col: severity[rule]:
/// message` line editors and CI problem matchers parse, then (when the
/// source is known) the line itself with a caret under the column, then
/// the help line.
pub fn human_line(d: &Diagnostic, colour: bool, sources: &dyn SourceText) -> String {
    let (sev, code) = match d.severity {
        Severity::Error => ("error", "1;31"),
        Severity::Warning => ("warning", "1;33"),
        Severity::Info => ("info", "1;36"),
    };
    let mut s = format!(
        "{}:{}:{}: {}[{}]: {}",
        d.path,
        d.line,
        d.column,
        paint(sev, code, colour),
        d.rule,
        d.message
    );
    let line_text = sources
        .text(&d.path)
        .and_then(|t| t.lines().nth(d.line as usize - 1))
        .map(|l| l.trim_end_matches('\r'));
    let gutter = " ".repeat(d.line.to_string().len());
    if let Some(text) = line_text {
        let text: String = text.chars().take(200).collect();
        let col = (d.column as usize).saturating_sub(1);
        let width = text
            .chars()
            .skip(col)
            .take_while(|c| !c.is_whitespace() && *c != ':')
            .count()
            .max(1);
        let pad: String = text
            .chars()
            .take(col)
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        let bar = paint("|", "1;34", colour);
        s.push_str(&format!("\n {gutter} {bar}\n {} {bar} {text}", d.line));
        s.push_str(&format!(
            "\n {gutter} {bar} {pad}{}",
            paint(&"^".repeat(width), code, colour)
        ));
    }
    if let Some(h) = &d.help {
        s.push_str(&format!(
            "\n {gutter} = {}: {h}",
            paint("help", "1", colour)
        ));
    }
    s
}

/// Prints findings in the human format to stderr, a blank line between files.
pub fn print_human(findings: &[Diagnostic], colour: bool, sources: &dyn SourceText) {
    let stderr = std::io::stderr();
    let mut w = stderr.lock();
    let mut last_path: Option<&str> = None;
    for d in findings {
        if last_path.is_some_and(|p| p != d.path) {
            let _ = writeln!(w);
        }
        last_path = Some(&d.path);
        let _ = writeln!(w, "{}", human_line(d, colour, sources));
    }
}

/// The JSON report (SPEC "check output formats"); fields in SPEC order.
#[derive(serde::Serialize)]
pub struct JsonReport<'a> {
    version: u32,
    today: String,
    pages: usize,
    summary: Summary,
    findings: &'a [Diagnostic],
}

/// Builds the JSON report.
pub fn json_report(findings: &[Diagnostic], pages: usize, today: Date) -> JsonReport<'_> {
    JsonReport {
        version: 1,
        today: today.to_string(),
        pages,
        summary: Summary::of(findings),
        findings,
    }
}

fn gh_escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn gh_escape_prop(s: &str) -> String {
    gh_escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// One GitHub workflow command per finding.
pub fn github_report(findings: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in findings {
        let cmd = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let msg = match &d.help {
            Some(h) => format!("{}\n{h}", d.message),
            None => d.message.clone(),
        };
        out.push_str(&format!(
            "::{cmd} file={},line={},col={},title={}::{}\n",
            gh_escape_prop(&d.path),
            d.line,
            d.column,
            gh_escape_prop(d.rule),
            gh_escape_data(&msg)
        ));
    }
    out
}

/// SARIF 2.1.0 with one rule descriptor per rule id.
pub fn sarif_report(findings: &[Diagnostic]) -> serde_json::Value {
    let rules: Vec<_> = RULE_IDS
        .iter()
        .map(|id| json!({"id": id, "name": id, "helpUri": format!("https://github.com/handbook-rs/handbook#rule-{id}")}))
        .collect();
    let results: Vec<_> = findings
        .iter()
        .map(|d| {
            let level = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "note",
            };
            let text = match &d.help {
                Some(h) => format!("{} (help: {h})", d.message),
                None => d.message.clone(),
            };
            json!({
                "ruleId": d.rule,
                "ruleIndex": RULE_IDS.iter().position(|r| *r == d.rule),
                "level": level,
                "message": {"text": text},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": crate::markdown::percent_encode_path(&d.path)},
                    "region": {"startLine": d.line, "startColumn": d.column}
                }}]
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "handbook", "version": env!("CARGO_PKG_VERSION"), "informationUri": "https://github.com/handbook-rs/handbook", "rules": rules}},
            "results": results
        }]
    })
}

/// Prints the report in `format`: human to stderr, the others to stdout.
pub fn print(
    format: Format,
    findings: &[Diagnostic],
    pages: usize,
    today: Date,
    sources: &dyn SourceText,
) -> Result<()> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let text = match format {
        Format::Human => {
            print_human(findings, use_colour(), sources);
            eprintln!("checked {pages} pages: {}", Summary::of(findings));
            return Ok(());
        }
        Format::Json => {
            serde_json::to_string_pretty(&json_report(findings, pages, today)).unwrap_or_default()
                + "\n"
        }
        Format::Github => github_report(findings),
        Format::Sarif => {
            serde_json::to_string_pretty(&sarif_report(findings)).unwrap_or_default() + "\n"
        }
    };
    out.write_all(text.as_bytes()).map_err(io_err("<stdout>"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_escapes_properties_and_newlines() {
        let d = Diagnostic::new(
            "owner-missing",
            Severity::Error,
            "src/a,b.md",
            (3, 4),
            "no owners\nat all",
        )
        .with_help("add owners");
        let s = github_report(&[d]);
        assert_eq!(s, "::error file=src/a%2Cb.md,line=3,col=4,title=owner-missing::no owners%0Aat all%0Aadd owners\n");
    }
}
