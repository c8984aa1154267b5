//! Rules on page contents: `runbook-section-missing`, `action-unowned`,
//! `action-overdue`, `standard-unenforced`.

use super::{is, RuleCx};
use crate::diag::{Diagnostic, Severity};
use crate::kind::Kind;
use crate::page::Page;

/// Other headings accepted for each default runbook section (lower case).
pub(super) const SECTION_ALIASES: [(&str, &[&str]); 4] = [
    (
        "failure signature",
        &[
            "symptoms",
            "signature",
            "detection",
            "how to recognise",
            "how to recognize",
            "alerts",
            // Prometheus-style alert runbooks: what the alert means.
            "meaning",
            "alert description",
        ],
    ),
    (
        "mitigation",
        &[
            "remediation",
            "resolution",
            "immediate actions",
            "fix",
            "response",
        ],
    ),
    (
        "root cause",
        &[
            "cause",
            "causes",
            "root causes",
            "diagnosis",
            "root cause analysis",
        ],
    ),
    (
        "prevention",
        &[
            "follow-up",
            "follow-ups",
            "followup",
            "preventing recurrence",
            "prevent recurrence",
        ],
    ),
];

/// Normalises a heading for comparison: lower case, no numbering, no trailing colon.
fn normalise(h: &str) -> String {
    let h = h.trim().trim_end_matches(':').trim();
    let h = h
        .trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == ')')
        .trim();
    h.to_lowercase()
}

/// Does some heading satisfy the required section?
pub fn has_section(headings: &[String], required: &str) -> bool {
    let want = normalise(required);
    let aliases: &[&str] = SECTION_ALIASES
        .iter()
        .find(|(name, _)| *name == want)
        .map(|(_, a)| *a)
        .unwrap_or(&[]);
    headings.iter().any(|h| {
        let h = normalise(h);
        h == want || aliases.contains(&h.as_str())
    })
}

pub(super) fn check(page: &Page, cx: &RuleCx<'_>, out: &mut Vec<Diagnostic>) {
    check_output_name(page, out);
    let path = &page.src.root_rel;
    if is(page, Kind::Runbook) {
        let headings: Vec<String> = page.md.headings.iter().map(|h| h.text.clone()).collect();
        for required in &cx.handbook.config.runbook_sections {
            if !has_section(&headings, required) {
                out.push(
                    Diagnostic::new(
                        "runbook-section-missing",
                        Severity::Warning,
                        path,
                        (page.body_line, 1),
                        format!("runbook has no `{required}` section"),
                    )
                    .with_help(format!("add a `## {required}` heading")),
                );
            }
        }
    }
    for (i, action) in page.front.actions.iter().enumerate() {
        let label = if action.what.is_empty() {
            format!("action {}", i + 1)
        } else {
            format!("action \"{}\"", action.what)
        };
        if action.owner.is_none() {
            out.push(
                Diagnostic::new(
                    "action-unowned",
                    Severity::Error,
                    path,
                    (action.line, 1),
                    format!("{label} has no owner"),
                )
                .with_help(format!(
                    "add {} to the action",
                    super::field(page, "owner", "\"@someone\"", "\"@someone\"")
                )),
            );
        }
        if let Some(due) = action.due {
            if !action.done && due < cx.today {
                out.push(
                    Diagnostic::new(
                        "action-overdue",
                        Severity::Warning,
                        path,
                        (action.line, 1),
                        format!("{label} was due {due} and is not done"),
                    )
                    .with_help(format!(
                        "finish it and set {}, or agree a new {} date",
                        super::field(page, "done", "true", "true"),
                        super::field(page, "due", "", "")
                    )),
                );
            }
        }
    }
    if is(page, Kind::Standard) && page.front.enforced_by.is_none() {
        out.push(
            Diagnostic::new(
                "standard-unenforced",
                Severity::Info,
                path,
                page.spans.of("enforced_by"),
                "standard names no automation that enforces it",
            )
            .with_help(format!(
                "add {} once something enforces it",
                super::field(
                    page,
                    "enforced_by",
                    "<path to the CI job or bot>",
                    "\"<path to the CI job or bot>\""
                )
            )),
        );
    }
}

/// The longest file name (in bytes) that common file systems accept.
pub const NAME_MAX: usize = 255;

/// `page-name-too-long`: the page's output file name (`x.md` → `x.html`,
/// two bytes longer) would be refused by the file system, so `build` could
/// not write it. Reported here so `check` fails where `build` would.
fn check_output_name(page: &Page, out: &mut Vec<Diagnostic>) {
    let name = page.url.rsplit('/').next().unwrap_or(&page.url);
    if name.len() <= NAME_MAX {
        return;
    }
    out.push(
        Diagnostic::new(
            "page-name-too-long",
            Severity::Error,
            &page.src.root_rel,
            (1, 1),
            format!(
                "the page builds to a file name of {} bytes ({name}), and file systems allow {NAME_MAX}; it is left out of the built site",
                name.len()
            ),
        )
        .with_help("shorten the file name".to_owned()),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_match_case_insensitively_and_by_alias() {
        let h = vec!["Symptoms".to_string(), "1. MITIGATION:".to_string()];
        assert!(has_section(&h, "Failure signature"));
        assert!(has_section(&h, "Mitigation"));
        assert!(!has_section(&h, "Root cause"));
        // Prometheus-style alert runbooks: Meaning / Impact / Diagnosis / Mitigation.
        let h = vec!["Meaning".to_string(), "Diagnosis".to_string()];
        assert!(has_section(&h, "Failure signature"));
        assert!(has_section(&h, "Root cause"));
        assert!(!has_section(&h, "Prevention"));
    }
}
