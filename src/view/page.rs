//! One page's view ([`PageView`]): what its header, banners, findings,
//! ADR chain, actions and table of contents show.

use super::listings::{owner_ref, OwnerFiles};
use super::matrix::MatrixView;
use super::root_of;
use crate::date::Date;
use crate::diag::{Diagnostic, Severity};
use crate::handbook::Handbook;
use crate::kind::Kind;
use crate::page::Page;
use crate::recognise::adr_log;
use crate::rules::{PageStatus, ReviewState};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// One step of a page's breadcrumbs: the home page or a folder, as the
/// sidebar names it.
#[derive(Debug, Clone, Serialize, Default, PartialEq, Eq)]
pub struct Crumb {
    /// What the sidebar shows (plain text).
    pub title: String,
    /// Root-relative URL of its index page; `None` for a folder without one.
    pub url: Option<String>,
}

/// A link to another page: previous / next in reading order.
#[derive(Debug, Clone, Serialize, Default, PartialEq, Eq)]
pub struct PageLink {
    /// The page's title (plain text).
    pub title: String,
    /// Its root-relative URL.
    pub url: String,
}

/// A reference to an owner, as shown in a page header.
#[derive(Debug, Clone, Serialize, Default)]
pub struct OwnerRef {
    /// Owner id as written, without `@` (`payments`, `alice`).
    pub id: String,
    /// Display label: the registry name if known, else the id as written (`@alice`).
    pub label: String,
    /// `team` or `person`.
    pub kind: String,
    /// Root-relative URL of the owner page, `owners/ID.html`.
    pub url: String,
}

/// A rule finding, as shown on the site.
#[derive(Debug, Clone, Serialize, Default)]
pub struct FindingView {
    /// Rule id (`owner-missing`).
    pub rule: String,
    /// `error`, `warning` or `info`.
    pub severity: String,
    /// Source path relative to the handbook root (`src/runbooks/x.md`).
    pub path: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// What is wrong.
    pub message: String,
    /// How to fix it, if known.
    pub help: Option<String>,
    /// Root-relative URL of the page the finding is on, if it is on a page.
    pub page_url: Option<String>,
}

/// A banner at the top of a page.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Banner {
    /// `stale`, `due-soon`, `unreviewed`, `outdated`, `unowned`, `single-owner`, `invalid`, `findings`.
    pub kind: String,
    /// `error`, `warning` or `info` (for styling).
    pub level: String,
    /// One sentence, plain text.
    pub message: String,
}

/// A link to another ADR.
#[derive(Debug, Clone, Serialize, Default)]
pub struct AdrRef {
    /// ADR number.
    pub number: u32,
    /// Title of the target, or `ADR N (missing)`.
    pub title: String,
    /// Root-relative URL; `None` when the target does not exist.
    pub url: Option<String>,
}

/// ADR-specific data of a page.
#[derive(Debug, Clone, Serialize, Default)]
pub struct AdrView {
    /// Number from the file name (`0007-foo.md` → 7), if any.
    pub number: Option<u32>,
    /// `proposed|accepted|rejected|deprecated|superseded`, or what was written.
    pub status: Option<String>,
    /// Decision date `YYYY-MM-DD`.
    pub date: Option<String>,
    /// ADRs this one supersedes.
    pub supersedes: Vec<AdrRef>,
    /// ADRs that supersede this one (from either side's frontmatter).
    pub superseded_by: Vec<AdrRef>,
}

/// A follow-through action.
#[derive(Debug, Clone, Serialize, Default)]
pub struct ActionView {
    /// What is to be done.
    pub what: String,
    /// Owner as written, if any.
    pub owner: Option<String>,
    /// Due date `YYYY-MM-DD`.
    pub due: Option<String>,
    /// Whether it is done.
    pub done: bool,
    /// Not done and past due.
    pub overdue: bool,
}

/// One heading of a page's table of contents.
#[derive(Debug, Clone, Serialize, Default)]
pub struct TocEntry {
    /// 1..=6.
    pub level: u8,
    /// Anchor id.
    pub id: String,
    /// Plain text of the heading.
    pub text: String,
}

/// Everything the templates can see about one page.
#[derive(Debug, Clone, Serialize, Default)]
pub struct PageView {
    /// Source path relative to the content dir (`runbooks/db-failover.md`).
    pub path: String,
    /// Source path relative to the handbook root (`src/runbooks/db-failover.md`), as findings show it.
    pub source_path: String,
    /// Root-relative URL (`runbooks/db-failover.html`).
    pub url: String,
    /// Prefix from this page back to the site root (`""`, `"../"`, ...).
    pub root: String,
    /// Title (plain text).
    pub title: String,
    /// Id for the title's `<h1>`: set when the body opened with an H1 that
    /// repeated the title, which is then shown only once, by the theme.
    pub title_id: Option<String>,
    /// `adr|runbook|role-matrix|standard|guide`, or what was written when unknown.
    pub kind: String,
    /// Human label of the kind (`Runbook`).
    pub kind_label: String,
    /// Resolved owners.
    pub owners: Vec<OwnerRef>,
    /// True when owners came from CODEOWNERS, not frontmatter.
    pub owners_from_codeowners: bool,
    /// Last review `YYYY-MM-DD`.
    pub reviewed: Option<String>,
    /// Next review due `YYYY-MM-DD` (none when the interval is `never` or no review date).
    pub due: Option<String>,
    /// `fresh`, `due-soon`, `stale`, `missing` (no review date) or `never` (no review needed).
    pub review_state: String,
    /// Past its due date.
    pub stale: bool,
    /// Has at least one owner.
    pub owned: bool,
    /// Owners resolve to exactly one active person.
    pub single_owner: bool,
    /// `domain:` field.
    pub domain: Option<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// "Edit this page" URL from `edit-url-template`.
    pub edit_url: Option<String>,
    /// Banners to show under the title, most severe first.
    pub banners: Vec<Banner>,
    /// This page's findings, sorted by line.
    pub findings: Vec<FindingView>,
    /// Set for ADR pages.
    pub adr: Option<AdrView>,
    /// Follow-through actions (open ones first).
    pub actions: Vec<ActionView>,
    /// `enforced_by` for standards.
    pub enforced_by: Option<String>,
    /// Set for incident pages: timeline, prevention, runbook.
    pub incident: Option<crate::reliability::IncidentView>,
    /// On runbook pages: the incidents that used the runbook, oldest first.
    pub incidents: Vec<crate::reliability::IncidentRef>,
    /// Rendered body HTML (trusted: markdown output).
    pub content: std::sync::Arc<str>,
    /// The body has a ```` ```mermaid ```` diagram: the page loads the
    /// diagram script (known from the markdown, so no template searches
    /// `content` for it).
    pub has_mermaid: bool,
    /// Headings h2..h3 for an on-page table of contents.
    pub toc: Vec<TocEntry>,
    /// Last git change date, when known.
    pub last_changed: Option<String>,
    /// Last git author, when known.
    pub last_author: Option<String>,
    /// The role-matrix grid, for pages that have one.
    pub matrix: Option<MatrixView>,
    /// The sidebar nodes to open to show this page, from `root` down
    /// (see [`NavTree`](super::NavTree)).
    pub nav: Vec<String>,
    /// The page before this one in reading order (the sidebar's, depth
    /// first); `None` for the first page and pages the sidebar does not show.
    pub prev: Option<PageLink>,
    /// The page after this one in reading order.
    pub next: Option<PageLink>,
    /// The home page, then each folder down to this page's (not the page
    /// itself); empty on the home page.
    pub breadcrumbs: Vec<Crumb>,
}

pub(super) fn finding_view(d: &Diagnostic, page_url: Option<&str>) -> FindingView {
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
pub(super) type AdrsByNumber<'h> = BTreeMap<(&'h str, u32), &'h Page>;

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

pub(super) fn page_view(
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
        matrix: p.matrix.as_deref().map(MatrixView::of),
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
