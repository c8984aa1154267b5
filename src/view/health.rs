//! The health dashboard's data ([`HealthView`]): counts and lists of
//! pages, findings by rule, and the scored parts: per domain the
//! skill-distribution score (see `domain_score.rs`), follow-through on
//! actions, and owner load. Pure: reads the handbook, the rule results,
//! the page views and the git facts ([`crate::history`]); never touches
//! the disk. The README's "Health score" section documents the method;
//! keep the two in step. Thresholds come from book.toml
//! ([`crate::config::HealthConfig`]).

use super::domain_score;
use super::listings::{OwnedAction, OwnerFiles, PageSummary};
use super::page::{finding_view, FindingView, OwnerRef, PageView};
use crate::date::Date;
use crate::diag::Severity;
use crate::handbook::Handbook;
use crate::kind::Kind;
use crate::rules::Evaluation;
use serde::Serialize;
use std::collections::BTreeMap;

/// Count of pages of one kind for the health page.
#[derive(Debug, Clone, Serialize, Default)]
pub struct KindCount {
    /// Kind id.
    pub kind: String,
    /// Plural label.
    pub label: String,
    /// Pages of this kind.
    pub total: usize,
    /// Stale pages of this kind.
    pub stale: usize,
    /// Pages of this kind never reviewed (no `reviewed` date, and an
    /// interval other than `never`): on a handbook just adopted, these are
    /// what "0 stale" would hide.
    pub never_reviewed: usize,
    /// Unowned pages of this kind.
    pub unowned: usize,
}

/// Findings of one rule, for the health page.
#[derive(Debug, Clone, Serialize, Default)]
pub struct RuleGroup {
    /// Rule id.
    pub rule: String,
    /// Severity of the rule's findings.
    pub severity: String,
    /// The findings.
    pub findings: Vec<FindingView>,
}

/// Data of `health.html`.
#[derive(Debug, Clone, Serialize, Default)]
pub struct HealthView {
    /// Total pages.
    pub pages: usize,
    /// Counts per kind.
    pub by_kind: Vec<KindCount>,
    /// Stale pages, most overdue first.
    pub stale: Vec<PageSummary>,
    /// How many pages were never reviewed (see [`KindCount::never_reviewed`]).
    pub never_reviewed: usize,
    /// Pages due within `warn-before`.
    pub due_soon: Vec<PageSummary>,
    /// Pages with no owner.
    pub unowned: Vec<PageSummary>,
    /// Pages whose owners resolve to one active person.
    pub single_owner: Vec<PageSummary>,
    /// Open actions past their due date.
    pub overdue_actions: Vec<OwnedAction>,
    /// All findings grouped by rule id (sorted by rule id).
    pub findings_by_rule: Vec<RuleGroup>,
    /// Totals: errors.
    pub errors: usize,
    /// Totals: warnings.
    pub warnings: usize,
    /// Totals: infos.
    pub infos: usize,
    /// Skill-distribution score per domain, lowest score first.
    pub domains: Vec<DomainHealthView>,
    /// Follow-through on actions.
    pub follow_through: FollowThroughView,
    /// Pages per active person, most loaded first.
    pub owner_load: Vec<OwnerLoadView>,
    /// What git history was available.
    pub git: GitView,
    /// Lowest totals of the bands hidden fragility, healthy core and
    /// resilient (`[health]` in book.toml).
    pub band_from: [u32; 3],
}

/// One piece of evidence behind a score.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Evidence {
    /// One plain-text sentence.
    pub text: String,
    /// Root-relative URL of the page (or owner page) it is about, if any.
    pub url: Option<String>,
}

/// One of the five dimensions of a domain's score.
#[derive(Debug, Clone, Serialize, Default)]
pub struct DimensionView {
    /// `coverage`, `recovery`, `decision_traceability`, `onboarding_transfer`, `ownership_rotation`.
    pub key: String,
    /// Human label (`Decision traceability`).
    pub label: String,
    /// 0, 1 or 2; `None` when unknown (rotation without git history).
    pub score: Option<u8>,
    /// Why: one line per owner, runbook, ADR, guide or change.
    pub evidence: Vec<Evidence>,
}

/// What to do next in a domain: its lowest dimension.
#[derive(Debug, Clone, Serialize, Default)]
pub struct NextMove {
    /// Dimension key.
    pub key: String,
    /// Dimension label.
    pub label: String,
    /// Its score.
    pub score: u8,
    /// One sentence: the transfer move that raises it.
    pub advice: String,
}

/// The skill-distribution score of one domain (`domain:`, else the top folder).
#[derive(Debug, Clone, Serialize, Default)]
pub struct DomainHealthView {
    /// Domain name.
    pub domain: String,
    /// Fragment id of the domain's section on `health.html` (`domain-payments`).
    pub anchor: String,
    /// Pages in the domain.
    pub pages: usize,
    /// Pages in the domain past their review date.
    pub stale: usize,
    /// Pages in the domain with no review date at all (on a handbook
    /// just adopted, most of them: "0 stale" alone would hide it).
    pub never_reviewed: usize,
    /// Sum of the known dimensions, 0-10 (an unknown one counts 0).
    pub score: u8,
    /// `structural-risk`, `hidden-fragility`, `healthy-core` or `resilient`.
    pub band: String,
    /// Human label of the band (`Hidden fragility`).
    pub band_label: String,
    /// The five dimensions, in the order coverage, recovery, decision
    /// traceability, onboarding transfer, ownership rotation.
    pub dimensions: Vec<DimensionView>,
    /// The lowest known dimension below 2, if any.
    pub next_move: Option<NextMove>,
}

/// Overdue actions of one owner.
#[derive(Debug, Clone, Serialize, Default)]
pub struct OwnerOverdue {
    /// Owner id (`payments`, `bob`); empty for actions without an owner.
    pub owner: String,
    /// Display label.
    pub label: String,
    /// Owner page URL, when there is one.
    pub url: Option<String>,
    /// The overdue actions, oldest due date first.
    pub actions: Vec<OwnedAction>,
}

/// Follow-through numbers (from incident-review practice).
#[derive(Debug, Clone, Serialize, Default)]
pub struct FollowThroughView {
    /// Actions on all pages.
    pub actions: usize,
    /// Of those, done.
    pub closed: usize,
    /// Done, and already done on their due date (or without one), from git
    /// history; `None` without history.
    pub closed_by_due: Option<usize>,
    /// Open and past due.
    pub overdue: usize,
    /// `closed` as a whole percentage of `actions` (0 without actions).
    pub closed_percent: u32,
    /// `closed_by_due` as a whole percentage of `actions`.
    pub closed_by_due_percent: Option<u32>,
    /// Closed actions whose closing history does not reach back to their
    /// due date (not counted in `closed_by_due`; 0 when that is unknown).
    pub closed_untimed: usize,
    /// Overdue actions grouped by owner, most first.
    pub overdue_by_owner: Vec<OwnerOverdue>,
    /// Runbooks that have actions.
    pub runbooks_with_actions: usize,
    /// Runbooks whose actions are all done.
    pub runbooks_all_closed: Vec<PageSummary>,
}

/// How many pages one active person owns (directly or through a team).
#[derive(Debug, Clone, Serialize, Default)]
pub struct OwnerLoadView {
    /// The person.
    pub person: OwnerRef,
    /// Pages whose owners include them.
    pub pages: usize,
    /// `pages` as a whole percentage of the pages whose owners are known.
    pub percent: u32,
}

/// What git history the dashboard had.
#[derive(Debug, Clone, Serialize, Default)]
pub struct GitView {
    /// History was read.
    pub known: bool,
    /// Why not, when it was not.
    pub reason: Option<String>,
    /// The clone is shallow (dates may be wrong).
    pub shallow: bool,
    /// Commits that touched the content folder.
    pub commits: usize,
    /// First day of the ownership-rotation window, `YYYY-MM-DD`.
    pub window_start: Option<String>,
}

pub(super) fn health(
    h: &Handbook,
    ev: &Evaluation,
    pages: &[PageView],
    summaries: &[PageSummary],
) -> HealthView {
    let by_kind: Vec<KindCount> = Kind::ALL
        .iter()
        .map(|k| {
            let of_kind: Vec<&PageSummary> =
                summaries.iter().filter(|s| s.kind == k.as_str()).collect();
            KindCount {
                kind: k.as_str().to_string(),
                label: k.plural().to_string(),
                total: of_kind.len(),
                stale: of_kind.iter().filter(|s| s.stale).count(),
                never_reviewed: of_kind
                    .iter()
                    .filter(|s| s.review_state == "missing")
                    .count(),
                unowned: of_kind.iter().filter(|s| !s.owned).count(),
            }
        })
        .collect();
    let pick = |f: &dyn Fn(&PageSummary) -> bool| -> Vec<PageSummary> {
        summaries.iter().filter(|s| f(s)).cloned().collect()
    };
    let mut stale = pick(&|s| s.stale);
    stale.sort_by(|a, b| a.due.cmp(&b.due).then_with(|| a.url.cmp(&b.url)));
    let mut due_soon = pick(&|s| s.review_state == "due-soon");
    due_soon.sort_by(|a, b| a.due.cmp(&b.due).then_with(|| a.url.cmp(&b.url)));
    let unowned = pick(&|s| !s.owned);
    let single_owner: Vec<PageSummary> = ev
        .statuses
        .iter()
        .enumerate()
        .filter(|(_, st)| st.single_owner())
        .map(|(i, _)| summaries[i].clone())
        .collect();
    let mut overdue_actions: Vec<OwnedAction> = pages
        .iter()
        .flat_map(|p| {
            p.actions.iter().filter(|a| a.overdue).map(|a| OwnedAction {
                action: a.clone(),
                page_title: p.title.clone(),
                page_url: p.url.clone(),
            })
        })
        .collect();
    overdue_actions.sort_by(|a, b| {
        a.action
            .due
            .cmp(&b.action.due)
            .then_with(|| a.page_url.cmp(&b.page_url))
    });
    let url_of: BTreeMap<&str, &str> = h
        .pages
        .iter()
        .map(|p| (p.src.root_rel.as_str(), p.url.as_str()))
        .collect();
    let all = ev.all_findings();
    // A rule's findings share one severity unless `[check.rules]` changed
    // it; the group shows the most severe.
    let mut groups: BTreeMap<&str, (Severity, Vec<FindingView>)> = BTreeMap::new();
    for d in &all {
        let g = groups.entry(d.rule).or_insert((d.severity, Vec::new()));
        g.0 = g.0.max(d.severity);
        g.1.push(finding_view(d, url_of.get(d.path.as_str()).copied()));
    }
    let findings_by_rule = groups
        .into_iter()
        .map(|(rule, (severity, findings))| RuleGroup {
            rule: rule.to_string(),
            severity: severity.as_str().to_string(),
            findings,
        })
        .collect();
    let summary = crate::diag::Summary::of(&all);
    HealthView {
        pages: h.pages.len(),
        never_reviewed: by_kind.iter().map(|k| k.never_reviewed).sum(),
        by_kind,
        stale,
        due_soon,
        unowned,
        single_owner,
        overdue_actions,
        findings_by_rule,
        errors: summary.error,
        warnings: summary.warning,
        infos: summary.info,
        // Scored parts: filled by `add_scores`.
        ..HealthView::default()
    }
}

/// Fills the scored parts of `view` (domains, follow-through, owner load,
/// git) for `h`. `pages` and `summaries` are the page views, in page order.
pub(super) fn add_scores(
    view: &mut HealthView,
    h: &Handbook,
    files: &OwnerFiles,
    ev: &Evaluation,
    pages: &[PageView],
    summaries: &[PageSummary],
    today: Date,
) {
    view.domains = domain_score::domains(h, files, ev, pages);
    view.follow_through = follow_through(h, files, summaries, &view.overdue_actions, today);
    view.owner_load = owner_load(h, files, ev);
    view.band_from = h.config.health.bands;
    view.git = GitView {
        known: h.history.known(),
        reason: h.history.reason().map(String::from),
        shallow: h.history.shallow(),
        commits: match &h.history.state {
            crate::history::GitState::Available { commits, .. } => *commits,
            crate::history::GitState::Unknown { .. } => 0,
        },
        window_start: h.history.window_start.map(|d| d.to_string()),
    };
}

fn percent(part: usize, whole: usize) -> u32 {
    if whole == 0 {
        0
    } else {
        ((part as f64 * 100.0 / whole as f64).round()) as u32
    }
}

fn follow_through(
    h: &Handbook,
    files: &OwnerFiles,
    summaries: &[PageSummary],
    overdue_actions: &[OwnedAction],
    today: Date,
) -> FollowThroughView {
    let reg = &h.registry;
    let (mut actions, mut closed, mut by_due, mut overdue) = (0, 0, 0, 0);
    let (mut timed, mut untimed) = (0, 0);
    let mut runbooks_with_actions = 0;
    let mut runbooks_all_closed = Vec::new();
    for (i, p) in h.pages.iter().enumerate() {
        let facts = h.history.page(&p.src.rel);
        for (j, a) in p.front.actions.iter().enumerate() {
            actions += 1;
            closed += usize::from(a.done);
            overdue += usize::from(!a.done && a.due.is_some_and(|d| d < today));
            if a.done {
                match facts.and_then(|f| f.actions_closed_by_due.get(j).copied().flatten()) {
                    Some(on_time) => {
                        timed += 1;
                        by_due += usize::from(on_time);
                    }
                    None => untimed += 1,
                }
            }
        }
        if p.kind == Kind::Runbook && !p.front.actions.is_empty() {
            runbooks_with_actions += 1;
            if p.front.actions.iter().all(|a| a.done) {
                runbooks_all_closed.push(summaries[i].clone());
            }
        }
    }
    // Unknown unless history dates at least one closed action.
    let closed_by_due = (timed > 0).then_some(by_due);
    let mut groups: BTreeMap<String, OwnerOverdue> = BTreeMap::new();
    for oa in overdue_actions {
        let (id, label, url) = match oa.action.owner.as_deref().map(str::trim) {
            Some(w) if !w.is_empty() => {
                let o = reg.resolve(w);
                let id = o.id().to_string();
                let url = Some(files.url(&id));
                (id, reg.label(&o), url)
            }
            _ => (String::new(), "(no owner)".to_string(), None),
        };
        groups
            .entry(id.clone())
            .or_insert_with(|| OwnerOverdue {
                owner: id,
                label,
                url,
                actions: Vec::new(),
            })
            .actions
            .push(oa.clone());
    }
    let mut overdue_by_owner: Vec<OwnerOverdue> = groups.into_values().collect();
    overdue_by_owner.sort_by(|a, b| {
        b.actions
            .len()
            .cmp(&a.actions.len())
            .then_with(|| a.owner.cmp(&b.owner))
    });
    runbooks_all_closed.sort_by(|a, b| {
        a.title
            .to_lowercase()
            .cmp(&b.title.to_lowercase())
            .then_with(|| a.url.cmp(&b.url))
    });
    FollowThroughView {
        actions,
        closed,
        closed_by_due,
        overdue,
        closed_percent: percent(closed, actions),
        closed_by_due_percent: closed_by_due.map(|n| percent(n, actions)),
        closed_untimed: if closed_by_due.is_some() { untimed } else { 0 },
        overdue_by_owner,
        runbooks_with_actions,
        runbooks_all_closed,
    }
}

/// Pages per active person (through teams too), plus registered active
/// people who own nothing. Pages whose owners' members are unknown are
/// left out.
fn owner_load(h: &Handbook, files: &OwnerFiles, ev: &Evaluation) -> Vec<OwnerLoadView> {
    let reg = &h.registry;
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for (id, p) in &reg.people {
        if p.active {
            counts.insert(id.clone(), 0);
        }
    }
    let mut known = 0;
    for st in &ev.statuses {
        if let Some(people) = st.active_people.as_ref().filter(|p| !p.is_empty()) {
            known += 1;
            for person in people {
                *counts.entry(person.clone()).or_default() += 1;
            }
        }
    }
    let mut out: Vec<OwnerLoadView> = counts
        .into_iter()
        .map(|(id, pages)| {
            let o = reg.resolve(&format!("@{id}"));
            OwnerLoadView {
                person: OwnerRef {
                    label: reg.label(&o),
                    kind: "person".into(),
                    url: files.url(&id),
                    id,
                },
                pages,
                percent: percent(pages, known),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.pages
            .cmp(&a.pages)
            .then_with(|| a.person.id.cmp(&b.person.id))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::domain_score::level;

    #[test]
    fn levels_and_percentages() {
        assert_eq!(level(1, 2, 3), 0);
        assert_eq!(level(2, 2, 3), 1);
        assert_eq!(level(5, 2, 3), 2);
        assert_eq!(percent(1, 3), 33);
        assert_eq!(percent(2, 3), 67);
        assert_eq!(percent(0, 0), 0);
    }
}
