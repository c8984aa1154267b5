//! `build`'s findings in the human format, grouped by rule and capped: the
//! first few findings of each rule, a line saying how many more there are,
//! and a count per rule at the end, so a 5,000-page build prints a page of
//! text instead of 17,000 lines. `--verbose` lifts the cap. `check` does
//! not use this: its formats list every finding. Pure text; the caller
//! prints it.

use super::{human_line_quoting, SourceLines, SourceText};
use crate::diag::{Diagnostic, Severity};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

/// How many findings of each rule `build` prints without `--verbose`.
pub const DEFAULT_CAP: usize = 5;

/// The findings of one rule at one severity, in the order given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleGroup<'a> {
    /// The rule id.
    pub rule: &'static str,
    /// Its severity.
    pub severity: Severity,
    /// Every finding of the group.
    pub findings: Vec<&'a Diagnostic>,
}

impl RuleGroup<'_> {
    /// How many findings a cap of `cap` (none: no cap) leaves out.
    pub fn hidden(&self, cap: Option<usize>) -> usize {
        cap.map_or(0, |c| self.findings.len().saturating_sub(c))
    }
}

/// `findings` grouped by rule: errors first, then warnings, then infos,
/// rules in id order within a severity; each group keeps the findings'
/// order (by path and line, as they come sorted).
pub fn group_by_rule(findings: &[Diagnostic]) -> Vec<RuleGroup<'_>> {
    let mut groups: BTreeMap<(std::cmp::Reverse<Severity>, &'static str), Vec<&Diagnostic>> =
        BTreeMap::new();
    for d in findings {
        groups
            .entry((std::cmp::Reverse(d.severity), d.rule))
            .or_default()
            .push(d);
    }
    groups
        .into_iter()
        .map(|((severity, rule), findings)| RuleGroup {
            rule,
            severity: severity.0,
            findings,
        })
        .collect()
}

/// What [`grouped_text`] writes besides the findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupedOptions {
    /// Findings shown per rule (`None`: all of them, `--verbose`).
    pub cap: Option<usize>,
    /// End with the count of findings per rule.
    pub counts: bool,
    /// Colour the severities.
    pub colour: bool,
}

/// The findings grouped by rule ([`group_by_rule`]), at most `cap` of each
/// with an `… and N more `rule` findings` line after them, a blank line
/// between rules; then, with `counts`, `findings by rule:` and one line per
/// rule; then, when the cap left anything out, the hint to run with
/// `--verbose`. Empty when there are no findings.
pub fn grouped_text(
    findings: &[Diagnostic],
    sources: &dyn SourceText,
    opts: GroupedOptions,
) -> String {
    let groups = group_by_rule(findings);
    let mut out = String::new();
    let mut lines: HashMap<&str, Option<SourceLines<'_>>> = HashMap::new();
    for (i, g) in groups.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let shown = opts
            .cap
            .map_or(g.findings.len(), |c| c.min(g.findings.len()));
        for d in &g.findings[..shown] {
            let text = lines
                .entry(d.path.as_str())
                .or_insert_with(|| sources.text(&d.path).map(SourceLines::new))
                .as_ref()
                .and_then(|l| l.line(d.line));
            let _ = writeln!(out, "{}", human_line_quoting(d, opts.colour, text));
        }
        let hidden = g.hidden(opts.cap);
        if hidden > 0 {
            let _ = writeln!(
                out,
                "… and {hidden} more `{}` finding{}",
                g.rule,
                plural(hidden)
            );
        }
    }
    if opts.counts && !groups.is_empty() {
        let width = groups
            .iter()
            .map(|g| g.findings.len().to_string().len())
            .max()
            .unwrap_or(1);
        let _ = writeln!(out, "\nfindings by rule:");
        for g in &groups {
            let _ = writeln!(
                out,
                "  {:>width$} {:<7} {}",
                g.findings.len(),
                g.severity.to_string(),
                g.rule
            );
        }
    }
    let hidden: usize = groups.iter().map(|g| g.hidden(opts.cap)).sum();
    if hidden > 0 {
        let _ = writeln!(
            out,
            "{hidden} of {} findings not shown; run with --verbose to see all",
            findings.len()
        );
    }
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::NoSources;

    fn finding(rule: &'static str, severity: Severity, path: &str) -> Diagnostic {
        Diagnostic::new(rule, severity, path, (1, 1), "msg")
    }

    fn owner_missing(n: usize) -> Vec<Diagnostic> {
        (0..n)
            .map(|i| finding("owner-missing", Severity::Error, &format!("src/p{i:02}.md")))
            .collect()
    }

    #[test]
    fn groups_put_errors_first_and_keep_the_findings_order() {
        let findings = vec![
            finding("review-stale", Severity::Warning, "src/a.md"),
            finding("owner-missing", Severity::Error, "src/b.md"),
            finding("anchor-broken", Severity::Warning, "src/c.md"),
            finding("owner-missing", Severity::Error, "src/a.md"),
            finding("review-due-soon", Severity::Info, "src/a.md"),
        ];
        let groups = group_by_rule(&findings);
        let order: Vec<(&str, usize)> = groups.iter().map(|g| (g.rule, g.findings.len())).collect();
        assert_eq!(
            order,
            [
                ("owner-missing", 2),
                ("anchor-broken", 1),
                ("review-stale", 1),
                ("review-due-soon", 1)
            ]
        );
        let paths: Vec<&str> = groups[0].findings.iter().map(|d| d.path.as_str()).collect();
        assert_eq!(paths, ["src/b.md", "src/a.md"]);
    }

    #[test]
    fn the_cap_shows_five_then_says_how_many_more_and_counts_each_rule() {
        let mut findings = owner_missing(12);
        findings.push(finding("review-stale", Severity::Warning, "src/z.md"));
        let opts = GroupedOptions {
            cap: Some(DEFAULT_CAP),
            counts: true,
            colour: false,
        };
        let text = grouped_text(&findings, &NoSources, opts);
        assert_eq!(text.matches("error[owner-missing]").count(), 5, "{text}");
        assert!(text.contains("src/p04.md") && !text.contains("src/p05.md"));
        assert!(
            text.contains("… and 7 more `owner-missing` findings\n"),
            "{text}"
        );
        assert!(!text.contains("more `review-stale`"), "{text}");
        assert!(
            text.contains(
                "findings by rule:\n  12 error   owner-missing\n   1 warning review-stale\n"
            ),
            "{text}"
        );
        assert!(
            text.ends_with("7 of 13 findings not shown; run with --verbose to see all\n"),
            "{text}"
        );
    }

    #[test]
    fn without_a_cap_every_finding_shows_and_there_is_no_hint() {
        let findings = owner_missing(12);
        let opts = GroupedOptions {
            cap: None,
            counts: true,
            colour: false,
        };
        let text = grouped_text(&findings, &NoSources, opts);
        assert_eq!(text.matches("error[owner-missing]").count(), 12, "{text}");
        assert!(!text.contains("more `"), "{text}");
        assert!(!text.contains("--verbose"), "{text}");
    }

    #[test]
    fn one_more_is_singular_and_nothing_prints_nothing() {
        let opts = GroupedOptions {
            cap: Some(5),
            counts: false,
            colour: false,
        };
        let text = grouped_text(&owner_missing(6), &NoSources, opts);
        assert!(
            text.contains("… and 1 more `owner-missing` finding\n"),
            "{text}"
        );
        assert!(!text.contains("findings by rule"), "{text}");
        assert_eq!(grouped_text(&[], &NoSources, opts), "");
    }
}
