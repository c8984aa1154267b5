//! The machine-read reports of `handbook check`: JSON, GitHub workflow
//! commands and SARIF 2.1.0. Pure functions from findings to text or
//! JSON; nothing here prints.

use crate::config::RULE_IDS;
use crate::date::Date;
use crate::diag::{escape_controls_except, Diagnostic, Severity, Summary};
use serde_json::json;

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

/// Escapes workflow-command data: `%`, CR and LF as GitHub decodes them.
/// Other control characters are made visible escapes first
/// ([`gh_visible`]): GitHub has no encoding for them.
fn gh_escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Content as `github_report` writes it: control and bidi characters as
/// visible escapes (GitHub's log viewer would act on an ESC), except the
/// line breaks GitHub's own encoding carries (`%0A`, `%0D`).
fn gh_visible(s: &str) -> std::borrow::Cow<'_, str> {
    escape_controls_except(s, &['\n', '\r'])
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
        let message = gh_visible(&d.message);
        let msg = match &d.help {
            Some(h) => format!("{message}\n{}", gh_visible(h)),
            None => message.into_owned(),
        };
        out.push_str(&format!(
            "::{cmd} file={},line={},col={},title={}::{}\n",
            gh_escape_prop(&gh_visible(&d.path)),
            d.line,
            d.column,
            gh_escape_prop(d.rule),
            gh_escape_data(&msg)
        ));
    }
    out
}

/// Where a rule is documented: the README's rule table, under the
/// `## Rules` heading (GitHub's anchor for it is `#rules`).
pub fn rule_help_uri(_rule: &str) -> String {
    format!("{README_URL}#rules")
}

/// The repository's README, where rules are documented.
const README_URL: &str = "https://github.com/handbook-rs/handbook/blob/main/README.md";

/// SARIF 2.1.0 with one rule descriptor per rule id. Result paths are
/// relative to `%SRCROOT%`, which `originalUriBaseIds` gives as
/// `base_uri` (the repository root, or the current directory).
pub fn sarif_report(findings: &[Diagnostic], base_uri: &str) -> serde_json::Value {
    let rules: Vec<_> = RULE_IDS
        .iter()
        .map(|id| json!({"id": id, "name": id, "helpUri": rule_help_uri(id)}))
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
                    "artifactLocation": {
                        "uri": crate::url::encode_path(&d.path),
                        "uriBaseId": "%SRCROOT%"
                    },
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
            "originalUriBaseIds": {"%SRCROOT%": {"uri": base_uri}},
            "results": results
        }]
    })
}
