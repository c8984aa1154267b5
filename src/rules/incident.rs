//! Rules on incidents and on what they lean on: `incident-closed-unverified`,
//! `incident-mitigated-open`, `incident-runbook-missing`,
//! `incident-runbook-not-updated`, `incident-repeat`, `action-unverified`,
//! `runbook-unexercised`, `standard-enforcement-missing`.

use super::{field, is, RuleCx};
use crate::date::{Date, Interval};
use crate::diag::{Diagnostic, Severity};
use crate::incident::{mitigated_since, Incident, Incidents, RunbookRef, Status};
use crate::kind::Kind;
use crate::page::Page;

pub(super) fn check(
    index: usize,
    page: &Page,
    incidents: &Incidents,
    cx: &RuleCx<'_>,
    out: &mut Vec<Diagnostic>,
) {
    if let Some(incident) = incidents.get(index) {
        closed_unverified(page, incident, out);
        mitigated_open(page, incident, cx, out);
        runbook_missing(page, incident, out);
        runbook_not_updated(page, incident, cx, out);
        repeat(page, incident, cx, out);
    }
    action_unverified(page, cx, out);
    if is(page, Kind::Runbook) {
        runbook_unexercised(page, cx, out);
    }
    if is(page, Kind::Standard) && page.enforcement_missing {
        let written = page.front.enforced_by.as_deref().unwrap_or_default();
        out.push(
            Diagnostic::new(
                "standard-enforcement-missing",
                Severity::Warning,
                &page.src.root_rel,
                page.spans.of("enforced_by"),
                format!(
                    "`enforced_by` names `{written}`, which exists neither in the repository nor in the handbook folder"
                ),
            )
            .with_help(
                "fix the path (from the repository root) to the CI job, hook or bot that enforces the standard, or restore it",
            ),
        );
    }
}

/// Days from `from` to `to`.
fn days(from: Date, to: Date) -> i64 {
    to.days() - from.days()
}

/// Where the status is written, else `key`, else the fence.
fn status_or(page: &Page, key: &str) -> (u32, u32) {
    page.spans.first_of(&["status", key])
}

fn closed_unverified(page: &Page, incident: &Incident, out: &mut Vec<Diagnostic>) {
    if incident.status != Status::Closed {
        return;
    }
    let prevention: Vec<_> = page.front.actions.iter().filter(|a| a.prevention).collect();
    let message = if prevention.is_empty() {
        "incident is closed but has no prevention action".to_string()
    } else {
        let open: Vec<String> = prevention
            .iter()
            .filter_map(|a| match (a.done, a.verified) {
                (false, _) => Some(format!("\"{}\" is not done", a.what)),
                (true, None) => Some(format!("\"{}\" is done but not verified", a.what)),
                (true, Some(_)) => None,
            })
            .collect();
        if open.is_empty() {
            return;
        }
        format!(
            "incident is closed while its prevention is not verified: {}",
            open.join(", ")
        )
    };
    let help = if prevention.is_empty() {
        format!(
            "closed means the prevention is verified and shipped: add an action with {}, an owner and a due date, or set {} until then",
            field(page, "prevention", "true", "true"),
            field(page, "status", "mitigated", "\"mitigated\"")
        )
    } else {
        format!(
            "set {} until a named person confirms each prevention action shipped ({} and {} on the action)",
            field(page, "status", "mitigated", "\"mitigated\""),
            field(page, "verified", "YYYY-MM-DD", "\"YYYY-MM-DD\""),
            field(page, "verified_by", "\"@someone\"", "\"@someone\"")
        )
    };
    out.push(
        Diagnostic::new(
            "incident-closed-unverified",
            Severity::Error,
            &page.src.root_rel,
            status_or(page, "closed"),
            message,
        )
        .with_help(help),
    );
}

fn mitigated_open(page: &Page, incident: &Incident, cx: &RuleCx<'_>, out: &mut Vec<Diagnostic>) {
    let within = cx.handbook.config.incident_close_within;
    let Some(since) = mitigated_since(page, incident.status) else {
        return;
    };
    let Some(limit) = since.plus(within) else {
        return;
    };
    if cx.today <= limit {
        return;
    }
    out.push(
        Diagnostic::new(
            "incident-mitigated-open",
            Severity::Warning,
            &page.src.root_rel,
            page.spans.first_of(&["mitigated", "status"]),
            format!(
                "incident has been mitigated since {since} ({} days; limit {within}) and is not closed: the failure can come back",
                days(since, cx.today)
            ),
        )
        .with_help(format!(
            "ship and verify the prevention actions, then set {}",
            field(page, "status", "closed", "\"closed\"")
        )),
    );
}

fn runbook_missing(page: &Page, incident: &Incident, out: &mut Vec<Diagnostic>) {
    let message = match &incident.runbook {
        RunbookRef::Found(_) => return,
        RunbookRef::Missing => "incident links no runbook".to_string(),
        RunbookRef::Broken(why) => format!("incident's runbook: {why}"),
    };
    out.push(
        Diagnostic::new(
            "incident-runbook-missing",
            Severity::Error,
            &page.src.root_rel,
            page.spans.of("runbook"),
            message,
        )
        .with_help(format!(
            "name the runbook section used, from the content folder or relative to this page: {}; write the runbook if there was none",
            field(
                page,
                "runbook",
                "runbooks/<name>.md#mitigation",
                "\"runbooks/<name>.md#mitigation\""
            )
        )),
    );
}

fn runbook_not_updated(
    page: &Page,
    incident: &Incident,
    cx: &RuleCx<'_>,
    out: &mut Vec<Diagnostic>,
) {
    let RunbookRef::Found(link) = &incident.runbook else {
        return;
    };
    let Some(started) = crate::incident::started(page) else {
        return;
    };
    let history = &cx.handbook.history;
    let runbook = &cx.handbook.pages[link.page];
    // Not committed yet (a runbook written in this change): nothing to say.
    let Some(facts) = history.page(&runbook.src.rel) else {
        return;
    };
    let end = match incident.status {
        Status::Closed => page.front.closed.unwrap_or(cx.today),
        _ => cx.today,
    };
    if facts.dates.iter().any(|d| *d >= started && *d <= end) {
        return;
    }
    let until = if end == cx.today && incident.status != Status::Closed {
        "today".to_string()
    } else {
        end.to_string()
    };
    out.push(
        Diagnostic::new(
            "incident-runbook-not-updated",
            Severity::Warning,
            &page.src.root_rel,
            page.spans.of("runbook"),
            format!(
                "runbook {} has no commit between {started} (the incident started) and {until}: what the incident taught is not in it",
                runbook.src.rel
            ),
        )
        .with_help("update the runbook's section with what worked and what did not, and commit it"),
    );
}

fn repeat(page: &Page, incident: &Incident, cx: &RuleCx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(r) = &incident.repeats else {
        return;
    };
    let earlier = &cx.handbook.pages[r.earlier];
    let when = crate::incident::started(earlier)
        .map(|d| format!(", started {d}"))
        .unwrap_or_default();
    let same = if r.by_signature {
        format!(
            "same signature `{}`",
            page.front.signature.as_deref().unwrap_or_default()
        )
    } else {
        let section = match &incident.runbook {
            RunbookRef::Found(l) => {
                let rel = &cx.handbook.pages[l.page].src.rel;
                match &l.anchor {
                    Some(a) => format!("{rel}#{a}"),
                    None => rel.clone(),
                }
            }
            _ => String::new(),
        };
        format!("same runbook section {section}")
    };
    let verified = if r.earlier_verified {
        "its prevention was verified"
    } else {
        "its prevention was never verified"
    };
    let at = if r.by_signature {
        page.spans.of("signature")
    } else {
        page.spans.of("runbook")
    };
    out.push(
        Diagnostic::new(
            "incident-repeat",
            Severity::Warning,
            &page.src.root_rel,
            at,
            format!(
                "repeats \"{}\" ({}{when}): {same}; {verified}",
                earlier.title, earlier.src.rel
            ),
        )
        .with_help(if r.earlier_verified {
            "the verified prevention did not hold: say why under Root cause and add a new prevention action"
        } else {
            "finish and verify the earlier incident's prevention actions: the failure came back while they floated"
        }),
    );
}

fn action_unverified(page: &Page, cx: &RuleCx<'_>, out: &mut Vec<Diagnostic>) {
    let within = cx.handbook.config.incident_verify_within;
    for (i, action) in page.front.actions.iter().enumerate() {
        if !action.prevention || !action.done || action.verified.is_some() {
            continue;
        }
        // When it was done: as written, else its due date, else the
        // incident's own dates.
        let Some(since) = action
            .done_on
            .or(action.due)
            .or(page.front.mitigated)
            .or(crate::incident::started(page))
        else {
            continue;
        };
        let Some(limit) = since.plus(within) else {
            continue;
        };
        if cx.today <= limit {
            continue;
        }
        let label = if action.what.is_empty() {
            format!("prevention action {}", i + 1)
        } else {
            format!("prevention action \"{}\"", action.what)
        };
        out.push(
            Diagnostic::new(
                "action-unverified",
                Severity::Warning,
                &page.src.root_rel,
                (action.line, 1),
                format!(
                    "{label} is done (since {since}) and not verified ({} days; limit {within})",
                    days(since, cx.today)
                ),
            )
            .with_help(format!(
                "once a named person has confirmed it shipped, add {} and {} to the action",
                field(page, "verified", "YYYY-MM-DD", "\"YYYY-MM-DD\""),
                field(page, "verified_by", "\"@someone\"", "\"@someone\"")
            )),
        );
    }
}

fn runbook_unexercised(page: &Page, cx: &RuleCx<'_>, out: &mut Vec<Diagnostic>) {
    let every = cx.handbook.config.runbook_exercise_every;
    if every == Interval::Never {
        return;
    }
    let message = match page.front.exercised {
        None => "runbook has never been exercised (no `exercised` date)".to_string(),
        Some(d) => match d.plus(every) {
            Some(due) if cx.today > due => format!(
                "runbook was last exercised on {d} ({} days ago; every {every})",
                days(d, cx.today)
            ),
            _ => return,
        },
    };
    out.push(
        Diagnostic::new(
            "runbook-unexercised",
            Severity::Warning,
            &page.src.root_rel,
            page.spans.of("exercised"),
            message,
        )
        .with_help(format!(
            "run it in a drill or game day and record {} and {}; `[kinds.runbook] exercise-every = \"never\"` turns this off",
            field(page, "exercised", "YYYY-MM-DD", "\"YYYY-MM-DD\""),
            field(page, "exercised_by", "\"@someone\"", "\"@someone\"")
        )),
    );
}

/// `check --gate`: of `findings`, only those that say a release should
/// wait, as errors: an incident mitigated past `close-within`, an overdue
/// prevention action, and a repeat incident whose earlier prevention was
/// never verified.
pub fn gate(handbook: &crate::handbook::Handbook, findings: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let by_path: std::collections::HashMap<&str, usize> = handbook
        .pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.src.root_rel.as_str(), i))
        .collect();
    let incidents = Incidents::new(&handbook.pages);
    findings
        .into_iter()
        .filter(|d| {
            let page = by_path.get(d.path.as_str()).copied();
            match d.rule {
                "incident-mitigated-open" => true,
                "action-overdue" => page.is_some_and(|i| {
                    handbook.pages[i]
                        .front
                        .actions
                        .iter()
                        .any(|a| a.prevention && a.line == d.line)
                }),
                "incident-repeat" => page
                    .and_then(|i| incidents.get(i))
                    .and_then(|inc| inc.repeats.as_ref())
                    .is_some_and(|r| !r.earlier_verified),
                _ => false,
            }
        })
        .map(|mut d| {
            d.severity = Severity::Error;
            d
        })
        .collect()
}
