//! Stage 3: the rules engine shared by `build`, `check` and `serve`.
//! Reads the [`Handbook`], never mutates it, never touches disk. First it
//! evaluates every page's ownership and review state ([`PageStatus`]),
//! then runs the rules, then applies `[check.rules]` severities.

mod adr;
mod content;
pub use content::{has_section, NAME_MAX};
mod history;
mod incident;
pub use incident::gate;
mod links;
mod ownership;
mod staleness;

use crate::date::{Date, Interval};
use crate::diag::{sort_findings, Diagnostic, Severity};
use crate::handbook::Handbook;
use crate::kind::Kind;
use crate::owners::Owner;
use crate::page::Page;
use rayon::prelude::*;
use std::collections::BTreeSet;

/// Inputs every rule may read besides the page: the date and the handbook.
pub struct RuleCx<'a> {
    /// The date staleness is measured against.
    pub today: Date,
    /// The whole handbook (for rules that look across pages).
    pub handbook: &'a Handbook,
    /// Status of every page, by page index.
    pub statuses: &'a [PageStatus],
}

/// Where a page stands on review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ReviewState {
    /// Reviewed and not due soon.
    Fresh,
    /// Due within `warn-before`.
    DueSoon,
    /// Past its due date.
    Stale,
    /// Needs reviews but has no `reviewed` date.
    Missing,
    /// Its interval is `never`.
    Never,
}

impl ReviewState {
    /// `fresh`, `due-soon`, `stale`, `missing`, `never`.
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewState::Fresh => "fresh",
            ReviewState::DueSoon => "due-soon",
            ReviewState::Stale => "stale",
            ReviewState::Missing => "missing",
            ReviewState::Never => "never",
        }
    }
}

/// Ownership and review state of one page.
#[derive(Debug, Clone)]
pub struct PageStatus {
    /// Owners as written and resolved.
    pub owners: Vec<(String, Owner)>,
    /// True when the owners came from CODEOWNERS.
    pub from_codeowners: bool,
    /// Active people behind all owners; `None` when some owner's members are unknown.
    pub active_people: Option<BTreeSet<String>>,
    /// The review interval in force.
    pub interval: Interval,
    /// Next due date.
    pub due: Option<Date>,
    /// Review state.
    pub review: ReviewState,
    /// The newest commit after `reviewed` that edited the page (from git
    /// history; `None` when there is none, no review date, or no history).
    pub outdated: Option<crate::history::Edit>,
}

impl PageStatus {
    /// Has at least one owner.
    pub fn owned(&self) -> bool {
        !self.owners.is_empty()
    }

    /// Owners resolve to exactly one active person.
    pub fn single_owner(&self) -> bool {
        self.active_people.as_ref().is_some_and(|p| p.len() == 1)
    }

    /// Past its due date.
    pub fn stale(&self) -> bool {
        self.review == ReviewState::Stale
    }
}

/// The result of stage 3.
#[derive(Debug, Clone, Default)]
pub struct Evaluation {
    /// Status per page (same order as `Handbook::pages`).
    pub statuses: Vec<PageStatus>,
    /// Findings per page (same order), sorted, severities applied, `off` rules dropped.
    pub page_findings: Vec<Vec<Diagnostic>>,
    /// Findings not on a page (book.toml, owners.yaml).
    pub other_findings: Vec<Diagnostic>,
    /// Findings hidden by pages' `check: { ignore: [...] }`.
    pub ignored: usize,
}

impl Evaluation {
    /// All findings, sorted by path, line, column.
    pub fn all_findings(&self) -> Vec<Diagnostic> {
        let mut all: Vec<Diagnostic> = self
            .other_findings
            .iter()
            .chain(self.page_findings.iter().flatten())
            .cloned()
            .collect();
        sort_findings(&mut all);
        all
    }
}

/// Evaluates every page and runs every rule.
pub fn run_rules(handbook: &Handbook, today: Date) -> Evaluation {
    let statuses: Vec<PageStatus> = handbook
        .pages
        .par_iter()
        .map(|p| evaluate(handbook, p, today))
        .collect();
    let cx = RuleCx {
        today,
        handbook,
        statuses: &statuses,
    };
    let link_index = links::LinkIndex::new(handbook);
    let adr_index = adr::AdrIndex::new(handbook);
    let incidents = crate::incident::Incidents::new(&handbook.pages);
    let mut page_findings: Vec<Vec<Diagnostic>> = handbook
        .pages
        .par_iter()
        .enumerate()
        .map(|(i, page)| {
            let mut out = page.parse_findings.clone();
            out.extend(page.matrix_findings.iter().cloned());
            if let Some(m) = &page.matrix {
                crate::matrix::check_complete(m, &mut out);
            }
            let status = &statuses[i];
            if let Some(k) = &page.kind_unknown {
                out.push(
                    Diagnostic::new(
                        "kind-unknown",
                        Severity::Error,
                        &page.src.root_rel,
                        page.spans.of("kind"),
                        format!("unknown kind `{k}`"),
                    )
                    .with_help(format!(
                        "{}use one of: adr, runbook, incident, role-matrix, standard, guide",
                        crate::suggest::hint(k, Kind::ids())
                    )),
                );
            }
            ownership::check(page, status, &cx, &mut out);
            staleness::check(page, status, &cx, &mut out);
            history::check(page, status, &cx, &mut out);
            content::check(page, &cx, &mut out);
            adr::check(page, &adr_index, &cx, &mut out);
            incident::check(i, page, &incidents, &cx, &mut out);
            links::check(page, &link_index, &mut out);
            drop_consequences(page, &mut out);
            out
        })
        .collect();
    adr::check_cycles(handbook, &adr_index, &mut page_findings);
    let mut ignored = 0;
    for (f, page) in page_findings.iter_mut().zip(&handbook.pages) {
        ignored += apply_levels(handbook, Some(page), f);
        sort_findings(f);
    }
    let mut other = handbook.config_findings.clone();
    apply_levels(handbook, None, &mut other);
    sort_findings(&mut other);
    Evaluation {
        statuses,
        page_findings,
        other_findings: other,
        ignored,
    }
}

/// One mistake, one finding: a frontmatter that does not parse, or a key
/// whose value was refused, already has its `frontmatter-invalid`; the
/// findings that only say the key is missing would repeat it.
fn drop_consequences(page: &Page, out: &mut Vec<Diagnostic>) {
    let f = &page.front;
    if !f.unreadable && f.invalid.is_empty() {
        return;
    }
    let refused =
        |keys: &[&str]| f.unreadable || keys.iter().any(|k| f.invalid.iter().any(|i| i == k));
    out.retain(|d| {
        let keys: &[&str] = match d.rule {
            "owner-missing" => &crate::frontmatter::OWNER_KEYS,
            "review-missing" => &crate::frontmatter::REVIEWED_KEYS,
            "adr-status-invalid" if page.front.status.is_none() => &["status"],
            "runbook-unexercised" if f.exercised.is_none() => &["exercised"],
            "incident-runbook-missing" if f.runbook.is_none() => &["runbook"],
            "standard-unenforced" => &["enforced_by"],
            _ => return true,
        };
        !refused(keys)
    });
}

/// Applies `[check.rules]`, then the `[[check.overrides]]` matching the
/// page, in order: changes severities and drops `off` rules. Then drops
/// the rules the page's `check: { ignore: [...] }` names, and returns how
/// many findings that hid (`frontmatter-invalid` is never ignored: the
/// list may be what failed to parse).
fn apply_levels(handbook: &Handbook, page: Option<&Page>, findings: &mut Vec<Diagnostic>) -> usize {
    let config = &handbook.config;
    let overrides: Vec<&crate::config::RuleOverride> = match page {
        Some(p) => config
            .rule_overrides
            .iter()
            .filter(|o| o.applies_to(&p.src.rel))
            .collect(),
        None => Vec::new(),
    };
    if !config.rule_levels.is_empty() || !overrides.is_empty() {
        findings.retain_mut(|d| {
            let level = overrides
                .iter()
                .rev()
                .find_map(|o| o.levels.get(d.rule))
                .or_else(|| config.rule_levels.get(d.rule));
            match level {
                None => true,
                Some(None) => false,
                Some(Some(sev)) => {
                    d.severity = *sev;
                    true
                }
            }
        });
    }
    let ignore = page.map_or(&[][..], |p| p.front.ignore_rules.as_slice());
    if ignore.is_empty() {
        return 0;
    }
    let before = findings.len();
    findings.retain(|d| d.rule == "frontmatter-invalid" || !ignore.iter().any(|r| r == d.rule));
    before - findings.len()
}

/// Computes one page's ownership and review state.
pub fn evaluate(handbook: &Handbook, page: &Page, today: Date) -> PageStatus {
    let reg = &handbook.registry;
    let mut written = page.front.owners.clone();
    let mut from_codeowners = false;
    if written.is_empty() && handbook.config.owners.codeowners {
        written = handbook.codeowners.owners_of_page(&page.src.rel);
        from_codeowners = !written.is_empty();
    }
    let owners: Vec<(String, Owner)> = written
        .into_iter()
        .map(|w| {
            let o = reg.resolve(&w);
            (w, o)
        })
        .collect();
    let mut active_people = Some(BTreeSet::new());
    for (_, o) in &owners {
        match (reg.active_people(o), active_people.as_mut()) {
            (Some(p), Some(acc)) => acc.extend(p),
            _ => active_people = None,
        }
    }
    if owners.is_empty() {
        active_people = None;
    }
    let interval = page
        .front
        .review_every
        .unwrap_or_else(|| handbook.config.review.interval_for(page.kind));
    let due = page.front.reviewed.and_then(|r| r.plus(interval));
    let review = match (interval, page.front.reviewed, due) {
        (Interval::Never, _, _) => ReviewState::Never,
        (_, None, _) => ReviewState::Missing,
        (_, Some(_), Some(due)) if today > due => ReviewState::Stale,
        (_, Some(_), Some(due)) if today >= warn_start(due, handbook.config.review.warn_before) => {
            ReviewState::DueSoon
        }
        _ => ReviewState::Fresh,
    };
    let outdated = page
        .front
        .reviewed
        .filter(|r| *r <= today)
        .and_then(|_| handbook.history.page(&page.src.rel))
        .and_then(|f| f.outdated.clone());
    PageStatus {
        owners,
        from_codeowners,
        active_people,
        interval,
        due,
        review,
        outdated,
    }
}

/// The first day of the "due soon" window before `due`.
fn warn_start(due: Date, warn_before: Interval) -> Date {
    match warn_before {
        Interval::Days(n) => due.add_days(-i64::from(n)),
        Interval::Months(n) => due.add_days(-30 * i64::from(n)),
        Interval::Never => due,
    }
}

/// Is this page of a kind that has the given id? Helper for rules.
/// A frontmatter line as `page` would write it, in backticks for a help:
/// `` `key: yaml` `` in YAML frontmatter, `` `key = toml` `` in TOML (`+++`,
/// Hugo and Zola pages). An empty value gives the key alone (`` `status:` ``).
pub(super) fn field(page: &Page, key: &str, yaml: &str, toml: &str) -> String {
    let (sep, value) = if page.front.toml {
        (" =", toml)
    } else {
        (":", yaml)
    };
    if value.is_empty() {
        format!("`{key}{sep}`")
    } else {
        format!("`{key}{sep} {value}`")
    }
}

fn is(page: &Page, kind: Kind) -> bool {
    page.kind == kind
}

#[cfg(test)]
mod tests;
