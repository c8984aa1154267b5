//! ADR rules: `adr-status-invalid`, `adr-number-duplicate`,
//! `adr-supersedes-missing`, `adr-supersede-inconsistent`,
//! `adr-supersede-cycle`, `adr-proposed-stale`.

use super::{field, is, RuleCx};
use crate::diag::{Diagnostic, Severity};
use crate::handbook::Handbook;
use crate::kind::Kind;
use crate::page::Page;
use crate::recognise::adr_log;
use std::collections::{BTreeMap, BTreeSet};

/// The ADR statuses.
pub(super) const STATUSES: [&str; 5] = [
    "proposed",
    "accepted",
    "rejected",
    "deprecated",
    "superseded",
];

/// An ADR's number within its log (see [`adr_log`]).
type AdrKey<'h> = (&'h str, u32);

/// ADR pages by log and number. Numbers are unique within a log, and
/// `supersedes`/`superseded_by` name ADRs of the same log: a handbook may
/// keep one decision log per design document, each counting from 1.
pub(super) struct AdrIndex<'h> {
    by_number: BTreeMap<AdrKey<'h>, Vec<usize>>,
}

impl<'h> AdrIndex<'h> {
    pub(super) fn new(h: &'h Handbook) -> AdrIndex<'h> {
        let mut by_number: BTreeMap<AdrKey<'h>, Vec<usize>> = BTreeMap::new();
        for (i, p) in h.pages.iter().enumerate() {
            if let (Kind::Adr, Some(n)) = (p.kind, p.adr_number) {
                by_number
                    .entry((adr_log(&p.src.rel), n))
                    .or_default()
                    .push(i);
            }
        }
        AdrIndex { by_number }
    }

    fn get(&self, h: &'h Handbook, key: AdrKey<'h>) -> Option<&'h Page> {
        self.by_number
            .get(&key)
            .and_then(|v| v.first())
            .map(|&i| &h.pages[i])
    }

    /// Numbers (of the same log) that supersede ADR `key`, from either
    /// side's frontmatter.
    pub(super) fn successors(&self, h: &'h Handbook, key: AdrKey<'h>) -> BTreeSet<u32> {
        let (log, n) = key;
        let mut out: BTreeSet<u32> = self
            .get(h, key)
            .map(|p| p.front.superseded_by.iter().copied().collect())
            .unwrap_or_default();
        for (&(_, m), idx) in self.by_number.range((log, 0)..=(log, u32::MAX)) {
            if idx
                .iter()
                .any(|&i| h.pages[i].front.supersedes.contains(&n))
            {
                out.insert(m);
            }
        }
        out
    }
}

/// What to write instead of an invalid status. `superseded by ADR-13`
/// (adr-tools, MADR) becomes `superseded` and a `superseded_by` field.
fn status_help(page: &Page, status: Option<&str>) -> String {
    let by = status
        .and_then(|s| s.strip_prefix("superseded by"))
        .and_then(crate::frontmatter::adr_number_in);
    match by {
        Some(n) => format!(
            "write {} and {} on its own line",
            field(page, "status", "superseded", "\"superseded\""),
            field(page, "superseded_by", &n.to_string(), &n.to_string())
        ),
        None => format!(
            "set {} to one of {}",
            field(page, "status", "", ""),
            STATUSES.join(", ")
        ),
    }
}

pub(super) fn check(page: &Page, idx: &AdrIndex, cx: &RuleCx<'_>, out: &mut Vec<Diagnostic>) {
    if !is(page, Kind::Adr) {
        return;
    }
    let h = cx.handbook;
    let path = &page.src.root_rel;
    let status = page.front.status.as_deref();
    match status {
        Some(s) if STATUSES.contains(&s) => {}
        _ => out.push(
            Diagnostic::new(
                "adr-status-invalid",
                Severity::Error,
                path,
                page.spans.of("status"),
                match &page.front.status_written {
                    Some(s) => format!("ADR status `{s}` is not one of {}", STATUSES.join(", ")),
                    None => "ADR has no `status`".to_string(),
                },
            )
            .with_help(status_help(page, status)),
        ),
    }
    let Some(n) = page.adr_number else { return };
    let log = adr_log(&page.src.rel);
    if let Some(dups) = idx.by_number.get(&(log, n)) {
        if dups.len() > 1 {
            let others: Vec<&str> = dups
                .iter()
                .map(|&i| h.pages[i].src.root_rel.as_str())
                .filter(|p| *p != path)
                .collect();
            out.push(
                Diagnostic::new(
                    "adr-number-duplicate",
                    Severity::Error,
                    path,
                    (1, 1),
                    format!("ADR number {n} is also used by {}", others.join(", ")),
                )
                .with_help("renumber one of them to the next free number"),
            );
        }
    }
    for (key, list) in [
        ("supersedes", &page.front.supersedes),
        ("superseded_by", &page.front.superseded_by),
    ] {
        for &m in list {
            let Some(other) = idx.get(h, (log, m)) else {
                out.push(
                    Diagnostic::new(
                        "adr-supersedes-missing",
                        Severity::Error,
                        path,
                        page.spans.of(key),
                        format!("`{key}` names ADR {m}, which does not exist"),
                    )
                    .with_help("fix the number or add the missing ADR"),
                );
                continue;
            };
            if key == "supersedes" {
                // This ADR supersedes `other`: it must say so back.
                let other_status = other.front.status.as_deref();
                let points_elsewhere = !other.front.superseded_by.is_empty()
                    && !other.front.superseded_by.contains(&n);
                if other_status != Some("superseded") || points_elsewhere {
                    let why = if points_elsewhere {
                        format!(
                            "its `superseded_by` names ADR {}",
                            join(&other.front.superseded_by)
                        )
                    } else {
                        format!("its status is `{}`", other_status.unwrap_or("missing"))
                    };
                    out.push(
                        Diagnostic::new(
                            "adr-supersede-inconsistent",
                            Severity::Error,
                            path,
                            page.spans.of(key),
                            format!(
                                "this ADR supersedes ADR {m} ({}), but {why}",
                                other.src.root_rel
                            ),
                        )
                        .with_help(format!(
                            "set `status: superseded` and `superseded_by: {n}` in ADR {m}"
                        )),
                    );
                }
            }
        }
    }
    if status == Some("superseded")
        && page.front.superseded_by.is_empty()
        && idx.successors(h, (log, n)).is_empty()
    {
        out.push(
            Diagnostic::new(
                "adr-supersede-inconsistent",
                Severity::Error,
                path,
                page.spans.of("status"),
                "ADR is `superseded` but no ADR supersedes it",
            )
            .with_help(format!(
                "add {} naming the ADR that replaced it",
                field(page, "superseded_by", "N", "N")
            )),
        );
    }
    if status == Some("proposed") {
        if let Some(date) = page.front.date {
            if let Some(limit) = date.plus(h.config.adr_proposed_max_age) {
                if cx.today > limit {
                    out.push(
                        Diagnostic::new(
                            "adr-proposed-stale",
                            Severity::Warning,
                            path,
                            page.spans.of("status"),
                            format!(
                                "ADR has been `proposed` since {date} ({} days; limit {})",
                                cx.today.days() - date.days(),
                                h.config.adr_proposed_max_age
                            ),
                        )
                        .with_help(format!(
                            "decide: set {} or `rejected`",
                            field(page, "status", "accepted", "\"accepted\"")
                        )),
                    );
                }
            }
        }
    }
}

fn join(ns: &[u32]) -> String {
    ns.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")
}

/// Finds supersede cycles and reports each once, on its lowest-numbered ADR.
pub(super) fn check_cycles<'h>(
    h: &'h Handbook,
    idx: &AdrIndex<'h>,
    findings: &mut [Vec<Diagnostic>],
) {
    let nodes: Vec<AdrKey<'h>> = idx.by_number.keys().copied().collect();
    let edges: BTreeMap<AdrKey<'h>, BTreeSet<AdrKey<'h>>> = nodes
        .iter()
        .map(|&(log, n)| {
            (
                (log, n),
                idx.successors(h, (log, n))
                    .into_iter()
                    .map(|m| (log, m))
                    .filter(|m| idx.by_number.contains_key(m))
                    .collect(),
            )
        })
        .collect();
    let mut reported: BTreeSet<AdrKey<'h>> = BTreeSet::new();
    for &start in &nodes {
        // Depth-first search for a path back to `start` through higher numbers only,
        // so each cycle is found once, from its smallest member.
        let mut stack = vec![(start, vec![start])];
        let mut seen = BTreeSet::new();
        while let Some((n, path)) = stack.pop() {
            for &m in edges.get(&n).into_iter().flatten() {
                if m == start {
                    if reported.insert(start) {
                        let page_index = idx.by_number[&start][0];
                        let page = &h.pages[page_index];
                        let chain: Vec<String> = path
                            .iter()
                            .chain([&start])
                            .map(|(_, x)| format!("ADR {x}"))
                            .collect();
                        findings[page_index].push(
                            Diagnostic::new(
                                "adr-supersede-cycle",
                                Severity::Error,
                                &page.src.root_rel,
                                page.spans.first_of(&["superseded_by", "supersedes"]),
                                format!("supersede links form a cycle: {}", chain.join(" → ")),
                            )
                            .with_help("an ADR cannot (indirectly) supersede itself; fix `supersedes`/`superseded_by`"),
                        );
                    }
                } else if m > start && seen.insert(m) {
                    let mut p = path.clone();
                    p.push(m);
                    stack.push((m, p));
                }
            }
        }
    }
}
