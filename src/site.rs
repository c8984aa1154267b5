//! Stage 4 (preparation): turns the parse model and the rule results into
//! the template view model ([`SiteView`]). Pure; decides what each page
//! shows (banners, owner links, ADR chains, listings), never how.

use crate::date::Date;
use crate::diag::{Diagnostic, Severity};
use crate::handbook::Handbook;
use crate::kind::Kind;
use crate::natural::natural_cmp;
use crate::owners::Owner;
use crate::page::Page;
use crate::recognise::adr_log;
use crate::render::view::*;
use crate::rules::{Evaluation, PageStatus, ReviewState};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// Builds the whole view model.
pub fn site_view(h: &Handbook, ev: &Evaluation, today: Date) -> SiteView {
    let adr_by_number: BTreeMap<(&str, u32), &Page> = h
        .pages
        .iter()
        .filter(|p| p.kind == Kind::Adr)
        .filter_map(|p| p.adr_number.map(|n| ((adr_log(&p.src.rel), n), p)))
        .collect();
    let files = OwnerFiles::of(h, ev);
    let incidents = crate::incident::Incidents::new(&h.pages);
    let mut pages: Vec<PageView> = h
        .pages
        .par_iter()
        .enumerate()
        .map(|(i, p)| {
            let mut v = page_view(
                h,
                &files,
                p,
                &ev.statuses[i],
                &ev.page_findings[i],
                &adr_by_number,
                today,
            );
            v.incident = crate::reliability::incident_view(h, &incidents, i, today);
            if p.kind == Kind::Runbook {
                v.incidents = crate::reliability::runbook_incidents(h, &incidents, i);
            }
            v
        })
        .collect();
    let summaries: Vec<PageSummary> = pages
        .par_iter()
        .zip(&ev.page_findings)
        .zip(&h.pages)
        .map(|((v, f), p)| summary(v, p, f.len()))
        .collect();
    // The listings and the dashboard read the same views; none depends on
    // another, so they are worked out side by side.
    let ((nav, kinds), (owners, health)) = rayon::join(
        || rayon::join(|| crate::nav::nav_tree(h, ev), || kind_indexes(&summaries)),
        || {
            rayon::join(
                || owner_views(h, &files, ev, &pages, &summaries),
                || {
                    let mut v = health(h, ev, &pages, &summaries);
                    crate::health::add_scores(&mut v, h, &files, ev, &pages, &summaries, today);
                    v
                },
            )
        },
    );
    let nav = crate::nav::attach_nav(&mut pages, nav);
    SiteView {
        title: h.config.title.clone(),
        description: h.config.description.clone(),
        language: h.config.language.clone(),
        site_url: h.config.site_url.clone(),
        today: today.to_string(),
        nav,
        kinds,
        owners,
        health,
        reliability: crate::reliability::reliability_view(h, &incidents, today),
        pages,
    }
}

/// `../` repeated once per folder level of a root-relative URL.
pub fn root_of(url: &str) -> String {
    "../".repeat(url.matches('/').count())
}

fn owner_ref(h: &Handbook, files: &OwnerFiles, o: &Owner) -> OwnerRef {
    OwnerRef {
        id: o.id().to_string(),
        label: h.registry.label(o),
        kind: o.kind().to_string(),
        url: files.url(o.id()),
    }
}

/// The stem no owner page gets: `owners/index.html` lists the owners.
const INDEX_STEM: &str = "index";

/// The file of each owner page: [`owner_file`] of its id, unless another id
/// makes the same name (`a b` and `a-b`, or `Alice` and `alice` on a
/// case-insensitive disk). Then the first id in sort order keeps the name
/// and the others get `-2`, `-3`, ... (skipping names another id owns), so
/// the names are distinct and stay the same from build to build.
#[derive(Debug, Clone, Default)]
pub struct OwnerFiles {
    stems: BTreeMap<String, String>,
}

impl OwnerFiles {
    /// File names for every owner id the site can link to: registry teams,
    /// people and members, page owners and action owners.
    pub fn of(h: &Handbook, ev: &Evaluation) -> OwnerFiles {
        let reg = &h.registry;
        let mut ids: BTreeSet<String> = BTreeSet::new();
        ids.extend(reg.teams.keys().cloned());
        ids.extend(reg.people.keys().cloned());
        for t in reg.teams.values() {
            ids.extend(
                t.members
                    .iter()
                    .map(|m| m.trim_start_matches('@').to_string()),
            );
        }
        for st in &ev.statuses {
            ids.extend(st.owners.iter().map(|(_, o)| o.id().to_string()));
        }
        for p in &h.pages {
            for a in &p.front.actions {
                if let Some(w) = a.owner.as_deref().filter(|w| !w.trim().is_empty()) {
                    ids.insert(reg.resolve(w).id().to_string());
                }
            }
        }
        OwnerFiles::new(ids.iter().map(String::as_str))
    }

    /// File names for `ids`.
    pub fn new<'a>(ids: impl IntoIterator<Item = &'a str>) -> OwnerFiles {
        let ids: BTreeSet<&str> = ids.into_iter().filter(|id| !id.is_empty()).collect();
        let mut groups: BTreeMap<String, Vec<(&str, String)>> = BTreeMap::new();
        for id in ids {
            let stem = owner_stem(id);
            groups
                .entry(stem.to_lowercase())
                .or_default()
                .push((id, stem));
        }
        let mut taken: BTreeSet<String> = groups.keys().cloned().collect();
        // `owners/index.html` is the list of owners.
        taken.insert(INDEX_STEM.to_owned());
        let mut stems = BTreeMap::new();
        for (key, members) in &groups {
            let mut members = members.iter();
            if key != INDEX_STEM {
                if let Some((id, stem)) = members.next() {
                    stems.insert(id.to_string(), stem.clone());
                }
            }
            for (id, stem) in members {
                let mut n = 2;
                let name = loop {
                    let cand = format!("{stem}-{n}");
                    if taken.insert(cand.to_lowercase()) {
                        break cand;
                    }
                    n += 1;
                };
                stems.insert(id.to_string(), name);
            }
        }
        OwnerFiles { stems }
    }

    /// Root-relative URL of an owner's page, `owners/NAME.html`. An id not
    /// given to [`OwnerFiles::new`] gets its plain [`owner_file`] name.
    pub fn url(&self, id: &str) -> String {
        match self.stems.get(id) {
            Some(stem) => format!("owners/{stem}.html"),
            None => format!("owners/{}.html", owner_stem(id)),
        }
    }
}

/// [`owner_file`], or `owner` when nothing of the id is left.
fn owner_stem(id: &str) -> String {
    let f = owner_file(id);
    if f.is_empty() {
        "owner".to_string()
    } else {
        f
    }
}

/// A safe file name for an owner id.
pub fn owner_file(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c
            } else {
                '-'
            }
        })
        .collect::<String>()
        .trim_start_matches('.')
        .to_string()
}

fn finding_view(d: &Diagnostic, page_url: Option<&str>) -> FindingView {
    FindingView {
        rule: d.rule.to_string(),
        severity: d.severity.as_str().to_string(),
        path: d.path.clone(),
        line: d.line,
        column: d.column,
        message: d.message.clone(),
        help: d.help.clone(),
        page_url: page_url.map(String::from),
    }
}

fn action_view(a: &crate::frontmatter::Action, today: Date) -> ActionView {
    ActionView {
        what: a.what.clone(),
        owner: a.owner.clone(),
        due: a.due.map(|d| d.to_string()),
        done: a.done,
        overdue: !a.done && a.due.is_some_and(|d| d < today),
    }
}

/// ADRs by decision log and number (see [`adr_log`]).
type AdrsByNumber<'h> = BTreeMap<(&'h str, u32), &'h Page>;

fn adr_ref(log: &str, n: u32, adrs: &AdrsByNumber<'_>) -> AdrRef {
    match adrs.get(&(log, n)) {
        Some(p) => AdrRef {
            number: n,
            title: p.title.clone(),
            url: Some(p.url.clone()),
        },
        None => AdrRef {
            number: n,
            title: format!("ADR {n} (missing)"),
            url: None,
        },
    }
}

fn page_view(
    h: &Handbook,
    files: &OwnerFiles,
    p: &Page,
    st: &PageStatus,
    findings: &[Diagnostic],
    adrs: &AdrsByNumber<'_>,
    today: Date,
) -> PageView {
    let mut banners = Vec::new();
    let mut push = |kind: &str, level: &str, message: String| {
        banners.push(Banner {
            kind: kind.into(),
            level: level.into(),
            message,
        })
    };
    if findings.iter().any(|d| d.rule == "frontmatter-invalid") {
        push(
            "invalid",
            "error",
            "This page's frontmatter could not be read; some details below may be missing.".into(),
        );
    }
    if p.front.draft {
        push(
            "draft",
            "info",
            "Draft: `handbook build` leaves this page out of the published site (`--drafts` keeps it).".into(),
        );
    }
    if !st.owned() {
        push(
            "unowned",
            "error",
            "Nobody owns this page. Unowned pages rot: add `owners:` to its frontmatter.".into(),
        );
    }
    match st.review {
        ReviewState::Stale => push(
            "stale",
            "warning",
            format!(
                "This page is stale: its review was due on {} ({} days ago). Treat its content with care.",
                st.due.map(|d| d.to_string()).unwrap_or_default(),
                st.due.map(|d| today.days() - d.days()).unwrap_or(0)
            ),
        ),
        ReviewState::DueSoon => push(
            "due-soon",
            "info",
            format!("Review due soon: on {}.", st.due.map(|d| d.to_string()).unwrap_or_default()),
        ),
        ReviewState::Missing => push(
            "unreviewed",
            "warning",
            "This page has no review date: nobody has confirmed it is still true.".into(),
        ),
        _ => {}
    }
    if let Some(edit) = st
        .outdated
        .as_ref()
        .filter(|_| findings.iter().any(|d| d.rule == "review-outdated"))
    {
        push(
            "outdated",
            "warning",
            format!(
                "Edited since its last review: changed on {} by {}, after the review on {}. Check the change, then bump `reviewed:`.",
                edit.date,
                edit.author,
                p.front.reviewed.map(|d| d.to_string()).unwrap_or_default()
            ),
        );
    }
    if st.single_owner() {
        push(
            "single-owner",
            "warning",
            "Only one person owns this page (bus factor 1).".into(),
        );
    }
    // Findings that have a banner of their own are not counted again.
    const BANNERED: [&str; 7] = [
        "frontmatter-invalid",
        "owner-missing",
        "owner-single",
        "review-stale",
        "review-due-soon",
        "review-missing",
        "review-outdated",
    ];
    let other: Vec<&Diagnostic> = findings
        .iter()
        .filter(|d| !BANNERED.contains(&d.rule))
        .collect();
    if !other.is_empty() {
        let worst = other
            .iter()
            .map(|d| d.severity)
            .max()
            .unwrap_or(Severity::Info);
        let message = if other.len() == findings.len() {
            format!(
                "{} finding(s) on this page; see the list below.",
                other.len()
            )
        } else {
            format!(
                "{} more finding(s) on this page; see the list below.",
                other.len()
            )
        };
        push("findings", worst.as_str(), message);
    }
    banners.sort_by_key(|b| match b.level.as_str() {
        "error" => 0,
        "warning" => 1,
        _ => 2,
    });

    let adr = (p.kind == Kind::Adr).then(|| {
        let log = adr_log(&p.src.rel);
        let mut superseded_by: BTreeSet<u32> = p.front.superseded_by.iter().copied().collect();
        if let Some(n) = p.adr_number {
            for (&(_, m), other) in adrs.range((log, 0)..=(log, u32::MAX)) {
                if other.front.supersedes.contains(&n) {
                    superseded_by.insert(m);
                }
            }
        }
        AdrView {
            number: p.adr_number,
            status: p.front.status.clone(),
            date: p.front.date.map(|d| d.to_string()),
            supersedes: p
                .front
                .supersedes
                .iter()
                .map(|&n| adr_ref(log, n, adrs))
                .collect(),
            superseded_by: superseded_by
                .into_iter()
                .map(|n| adr_ref(log, n, adrs))
                .collect(),
        }
    });
    // An incident's prevention actions are listed in its own block.
    let mut actions: Vec<ActionView> = p
        .front
        .actions
        .iter()
        .filter(|a| !(p.kind == Kind::Incident && a.prevention))
        .map(|a| action_view(a, today))
        .collect();
    actions.sort_by_key(|a| a.done);
    let edit_url = h
        .config
        .edit_url_template
        .as_ref()
        .map(|t| t.replace("{path}", &crate::url::encode_path(&p.src.root_rel)));
    let owners = dedup_owners(
        st.owners
            .iter()
            .map(|(_, o)| owner_ref(h, files, o))
            .collect(),
    );
    let last = h.history.page(&p.src.rel).and_then(|f| f.last.as_ref());
    PageView {
        path: p.src.rel.clone(),
        source_path: p.src.root_rel.clone(),
        url: p.url.clone(),
        root: root_of(&p.url),
        title: p.title.clone(),
        kind: p
            .kind_unknown
            .clone()
            .unwrap_or_else(|| p.kind.as_str().to_string()),
        kind_label: p.kind.label().to_string(),
        owners,
        owners_from_codeowners: st.from_codeowners,
        reviewed: p.front.reviewed.map(|d| d.to_string()),
        due: st.due.map(|d| d.to_string()),
        review_state: st.review.as_str().to_string(),
        stale: st.stale(),
        owned: st.owned(),
        single_owner: st.single_owner(),
        domain: p.front.domain.clone(),
        tags: p.front.tags.clone(),
        edit_url,
        banners,
        findings: findings.iter().map(|d| finding_view(d, None)).collect(),
        adr,
        actions,
        enforced_by: p.front.enforced_by.clone(),
        incident: None,
        incidents: Vec::new(),
        matrix: p.matrix.as_deref().map(crate::render::view::MatrixView::of),
        content: p.md.html.clone(),
        has_mermaid: p.md.has_mermaid,
        title_id: p.md.title_id.clone(),
        toc: p
            .md
            .headings
            .iter()
            .filter(|x| (2..=3).contains(&x.level))
            .map(|x| TocEntry {
                level: x.level,
                id: x.id.clone(),
                text: x.text.clone(),
            })
            .collect(),
        last_changed: last.map(|e| e.date.to_string()),
        last_author: last.map(|e| e.author.clone()),
        // Filled in by `site_view` once the sidebar tree is known.
        nav: Vec::new(),
        prev: None,
        next: None,
        breadcrumbs: Vec::new(),
    }
}

fn dedup_owners(mut v: Vec<OwnerRef>) -> Vec<OwnerRef> {
    let mut seen = BTreeSet::new();
    v.retain(|o| seen.insert(o.id.clone()));
    v
}

fn summary(v: &PageView, p: &Page, findings: usize) -> PageSummary {
    PageSummary {
        title: v.title.clone(),
        url: v.url.clone(),
        kind: p.kind.as_str().to_string(),
        review_state: v.review_state.clone(),
        stale: v.stale,
        owned: v.owned,
        owners: v.owners.clone(),
        reviewed: v.reviewed.clone(),
        due: v.due.clone(),
        domain: v.domain.clone(),
        adr_number: v.adr.as_ref().and_then(|a| a.number),
        adr_status: v.adr.as_ref().and_then(|a| a.status.clone()),
        adr_date: v.adr.as_ref().and_then(|a| a.date.clone()),
        findings,
        co_owners: 0,
    }
}

/// The row of an owner page: `s` with only that owner in `owners` and the
/// others counted, so that K owner pages of N pages hold N × K owner
/// references, not N × K².
fn owned_row(s: &PageSummary, id: &str) -> PageSummary {
    let me: Vec<OwnerRef> = s.owners.iter().filter(|o| o.id == id).cloned().collect();
    PageSummary {
        title: s.title.clone(),
        url: s.url.clone(),
        kind: s.kind.clone(),
        review_state: s.review_state.clone(),
        stale: s.stale,
        owned: s.owned,
        co_owners: s.owners.len().saturating_sub(me.len()),
        owners: me,
        reviewed: s.reviewed.clone(),
        due: s.due.clone(),
        domain: s.domain.clone(),
        adr_number: s.adr_number,
        adr_status: s.adr_status.clone(),
        adr_date: s.adr_date.clone(),
        findings: s.findings,
    }
}

fn kind_indexes(summaries: &[PageSummary]) -> Vec<KindIndexView> {
    Kind::ALL
        .iter()
        .map(|k| {
            let mut pages: Vec<PageSummary> = summaries
                .iter()
                .filter(|s| s.kind == k.as_str())
                .cloned()
                .collect();
            if *k == Kind::Adr {
                pages.sort_by(|a, b| {
                    a.adr_number
                        .cmp(&b.adr_number)
                        .then_with(|| a.url.cmp(&b.url))
                });
            } else {
                pages.sort_by(|a, b| {
                    natural_cmp(&a.title, &b.title).then_with(|| a.url.cmp(&b.url))
                });
            }
            KindIndexView {
                kind: k.as_str().to_string(),
                label: k.plural().to_string(),
                url: format!("kinds/{}.html", k.as_str()),
                pages,
            }
        })
        .collect()
}

fn stale_first(pages: &mut [PageSummary]) {
    pages.sort_by(|a, b| {
        b.stale
            .cmp(&a.stale)
            .then_with(|| natural_cmp(&a.title, &b.title))
            .then_with(|| a.url.cmp(&b.url))
    });
}

fn owner_views(
    h: &Handbook,
    files: &OwnerFiles,
    ev: &Evaluation,
    pages: &[PageView],
    summaries: &[PageSummary],
) -> Vec<OwnerView> {
    let reg = &h.registry;
    let mut owners: BTreeMap<String, OwnerView> = BTreeMap::new();
    for id in reg.teams.keys() {
        add_owner(h, files, &mut owners, &Owner::Team(id.clone()));
    }
    for id in reg.people.keys() {
        add_owner(h, files, &mut owners, &Owner::Person(id.clone()));
    }
    for (i, st) in ev.statuses.iter().enumerate() {
        let mut ids = BTreeSet::new();
        for (_, o) in &st.owners {
            ids.insert(add_owner(h, files, &mut owners, o));
        }
        for id in ids {
            if let Some(v) = owners.get_mut(&id) {
                v.pages.push(owned_row(&summaries[i], &id));
            }
        }
        for a in pages[i].actions.iter().filter(|a| !a.done) {
            if let Some(w) = &a.owner {
                let id = add_owner(h, files, &mut owners, &reg.resolve(w));
                if let Some(v) = owners.get_mut(&id) {
                    v.actions.push(OwnedAction {
                        action: a.clone(),
                        page_title: pages[i].title.clone(),
                        page_url: pages[i].url.clone(),
                    });
                }
            }
        }
    }
    let mut out: Vec<OwnerView> = owners.into_values().filter(|o| !o.id.is_empty()).collect();
    for o in &mut out {
        stale_first(&mut o.pages);
    }
    out
}

fn add_owner(
    h: &Handbook,
    files: &OwnerFiles,
    owners: &mut BTreeMap<String, OwnerView>,
    o: &Owner,
) -> String {
    let reg = &h.registry;
    let id = o.id().to_string();
    owners.entry(id.clone()).or_insert_with(|| {
        let r = owner_ref(h, files, o);
        let people = reg.active_people(o);
        OwnerView {
            id: r.id.clone(),
            label: r.label.clone(),
            kind: r.kind.clone(),
            url: r.url.clone(),
            registered: !matches!(o, Owner::Unknown { .. }),
            active: people.is_none_or(|p| !p.is_empty()),
            channel: match o {
                Owner::Team(t) => reg.teams[t].channel.clone(),
                _ => None,
            },
            members: match o {
                Owner::Team(t) => reg.teams[t]
                    .members
                    .iter()
                    .map(|m| owner_ref(h, files, &reg.resolve(&format!("@{m}"))))
                    .collect(),
                _ => Vec::new(),
            },
            teams: match o {
                Owner::Person(pid) => reg
                    .teams
                    .iter()
                    .filter(|(_, t)| t.members.iter().any(|m| m == pid))
                    .map(|(tid, _)| owner_ref(h, files, &Owner::Team(tid.clone())))
                    .collect(),
                _ => Vec::new(),
            },
            pages: Vec::new(),
            actions: Vec::new(),
        }
    });
    id
}

fn health(
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
        // Scored parts: filled by `crate::health::add_scores`.
        ..HealthView::default()
    }
}

/// Outputs that two sources claim. Generated pages and rendered pages win
/// over content files of the same path, in `build` and `serve` alike.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Clashes {
    /// One warning per clash, saying who wins and what to do.
    pub warnings: Vec<String>,
    /// Content files (assets, by path under the content folder) that are
    /// not published because a page or a generated file takes their place.
    pub hidden_assets: BTreeSet<String>,
}

/// Finds pages that replace generated pages, pages that build to the same
/// URL, and content files that a page, a generated file or the theme's
/// static files replace; `theme_statics` are names under `static/`.
pub fn output_clashes(h: &Handbook, site: &SiteView, theme_statics: &[&str]) -> Clashes {
    let mut generated: BTreeMap<&str, String> = BTreeMap::new();
    for (url, what) in [
        ("health.html", "the health dashboard"),
        ("reliability.html", "the reliability page"),
        ("search.html", "the search page"),
        ("404.html", "the not-found page"),
        ("handbook.json", "the catalog"),
        ("sitemap.xml", "the sitemap"),
        ("toc.js", "the sidebar script"),
        (
            crate::render::owner_index::OWNERS_INDEX_URL,
            "the owners index",
        ),
    ] {
        generated.insert(url, what.to_string());
    }
    for k in &site.kinds {
        generated.insert(&k.url, format!("the {} index", k.label));
    }
    for o in &site.owners {
        generated.insert(&o.url, format!("the owner page of {}", o.id));
    }
    let mut out = Clashes {
        warnings: owner_file_clashes(&site.owners),
        ..Clashes::default()
    };
    let mut by_url: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for p in &site.pages {
        by_url.entry(&p.url).or_default().push(&p.source_path);
    }
    for (url, sources) in &by_url {
        if let Some(what) = generated.get(url) {
            out.warnings.push(format!(
                "{} builds to {url}, which is {what}; the page replaces it. Rename the page",
                sources.join(" and ")
            ));
        }
        if let [kept @ .., last] = sources.as_slice() {
            if !kept.is_empty() {
                let why = if h.config.pretty_urls {
                    " (with `pretty-urls`, page x.md builds to x/index.html, as does x/index.md)"
                } else {
                    ""
                };
                out.warnings.push(format!(
                    "{} and {last} all build to {url}{why}; only {last} is kept. Rename the others",
                    kept.join(", ")
                ));
            }
        }
    }
    let prefix = crate::discover::root_prefix(&h.config);
    for a in &h.assets {
        let shown = if prefix.is_empty() {
            a.rel.clone()
        } else {
            format!("{prefix}/{}", a.rel)
        };
        let by = if let Some(name) = a
            .rel
            .strip_prefix("static/")
            .filter(|n| theme_statics.contains(n))
        {
            format!("the theme's static/{name}; move it, or override the theme's file in the [build] theme folder")
        } else if let Some(sources) = by_url.get(a.rel.as_str()) {
            format!(
                "the page built from {}; rename one of them",
                sources.join(" and ")
            )
        } else if let Some(what) = generated.get(a.rel.as_str()) {
            format!("{what}; rename it")
        } else if is_search_index_file(&a.rel) {
            "a file of the search index; rename it".to_owned()
        } else if is_nav_file(&a.rel) {
            "a file of the sidebar; rename it".to_owned()
        } else {
            continue;
        };
        out.warnings.push(format!("{shown} is replaced by {by}"));
        out.hidden_assets.insert(a.rel.clone());
    }
    out
}

/// Is `rel` a name the search index writes (`search/manifest.js`,
/// `search/p/N.js`, `search/PREFIX-HASH.js`)?
fn is_search_index_file(rel: &str) -> bool {
    let Some(name) = rel
        .strip_prefix("search/")
        .and_then(|r| r.strip_suffix(".js"))
    else {
        return false;
    };
    if name == "manifest" {
        return true;
    }
    if let Some(n) = name.strip_prefix("p/") {
        return !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit());
    }
    name.split_once('-').is_some_and(|(kind, hash)| {
        !kind.is_empty()
            && kind.bytes().all(|b| b.is_ascii_lowercase())
            && hash.len() == 12
            && hash.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

/// Is `rel` a name the sidebar writes (`nav/root.js`, `nav/HASH.js`,
/// `nav/HASH-2.js`, ...; see [`crate::nav`])?
fn is_nav_file(rel: &str) -> bool {
    let Some(id) = rel.strip_prefix("nav/").and_then(|r| r.strip_suffix(".js")) else {
        return false;
    };
    id == crate::nav::ROOT_ID
        || id.split_once('-').map_or(id, |(hash, _)| hash).len() == 16
            && id
                .bytes()
                .all(|b| b.is_ascii_hexdigit() || b == b'-' || b == b'x')
}

/// Owner ids whose pages would share a file name (see [`OwnerFiles`]): one
/// line per name, naming every id and where its page went.
fn owner_file_clashes(owners: &[OwnerView]) -> Vec<String> {
    let mut groups: BTreeMap<String, Vec<&OwnerView>> = BTreeMap::new();
    for o in owners {
        groups
            .entry(owner_stem(&o.id).to_lowercase())
            .or_default()
            .push(o);
    }
    groups
        .values()
        .filter(|g| g.len() > 1)
        .filter_map(|g| {
            let ids: Vec<String> = g.iter().map(|o| format!("`{}`", o.id)).collect();
            let (last, rest) = ids.split_last()?;
            let pages: Vec<String> = g
                .iter()
                .map(|o| format!("`{}` at {}", o.id, o.url))
                .collect();
            Some(format!(
                "owner ids {} and {last} share the file name owners/{}.html; their pages are {}. Rename one so each keeps its name",
                rest.join(", "),
                owner_stem(&g[0].id),
                pages.join(", ")
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roots_and_owner_files() {
        assert_eq!(root_of("index.html"), "");
        assert_eq!(root_of("a/b/c.html"), "../../");
        assert_eq!(owner_file("acme/payments"), "acme-payments");
        assert_eq!(owner_file("../x"), "-x");
    }

    #[test]
    fn owner_files_are_distinct_and_deterministic() {
        let f = OwnerFiles::new(["a-b", "a b", "a-b-2", "Alice", "alice", "..", "owner"]);
        assert_eq!(f.url("a b"), "owners/a-b.html");
        assert_eq!(f.url("a-b"), "owners/a-b-3.html");
        assert_eq!(f.url("a-b-2"), "owners/a-b-2.html");
        // Names that differ only in case clash on macOS and Windows disks.
        assert_eq!(f.url("Alice"), "owners/Alice.html");
        assert_eq!(f.url("alice"), "owners/alice-2.html");
        assert_eq!(f.url(".."), "owners/owner.html");
        assert_eq!(f.url("owner"), "owners/owner-2.html");
        // Unknown ids fall back to their plain name.
        assert_eq!(f.url("zed"), "owners/zed.html");
        // `owners/index.html` is the owners index, in any case.
        let ix = OwnerFiles::new(["index", "Index"]);
        assert_eq!(ix.url("Index"), "owners/Index-2.html");
        assert_eq!(ix.url("index"), "owners/index-3.html");
        let again = OwnerFiles::new(["owner", "..", "alice", "Alice", "a-b-2", "a b", "a-b"]);
        assert_eq!(again.stems, f.stems);
    }
}
