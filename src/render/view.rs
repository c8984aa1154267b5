//! The view model: plain, serialisable data that templates read.
//!
//! The pipeline turns the `Handbook` and its findings into a [`SiteView`];
//! the renderer only ever sees these structs, never the parse model, so a
//! theme author can learn everything a template may use from this file.
//! All URLs are relative to the site root and never start with `/`; every
//! page carries `root` (e.g. `"../"`) so links work from `file://` too.

use serde::Serialize;

/// Everything the templates can see about the whole site.
#[derive(Debug, Clone, Serialize, Default)]
pub struct SiteView {
    /// `[book] title`.
    pub title: String,
    /// `[book] description`.
    pub description: String,
    /// `[book] language`, e.g. `en`.
    pub language: String,
    /// `[build] site-url` with a trailing slash, if set.
    pub site_url: Option<String>,
    /// The date staleness was evaluated against, `YYYY-MM-DD`.
    pub today: String,
    /// The sidebar tree.
    pub nav: NavTree,
    /// Every page, sorted by `path`.
    pub pages: Vec<PageView>,
    /// One index per kind, in the order of `Kind::ALL`.
    pub kinds: Vec<KindIndexView>,
    /// One entry per owner id (teams and people) that owns something or is in the registry.
    pub owners: Vec<OwnerView>,
    /// Data for `health.html`.
    pub health: HealthView,
    /// Data for `reliability.html`.
    pub reliability: crate::reliability::ReliabilityView,
}

/// The sidebar: the folders of the content as a tree, cut into nodes that
/// are each written as one small script, `nav/ID.js` (see [`crate::nav`]).
#[derive(Debug, Clone, Serialize, Default)]
pub struct NavTree {
    /// Every node, sorted by id; `root` lists the top folder.
    pub nodes: Vec<NavNode>,
}

/// One node of the sidebar: what one folder (or one group of a large
/// folder's entries) lists, in order.
#[derive(Debug, Clone, Serialize, Default)]
pub struct NavNode {
    /// `root`, a folder's id (a hash of its path) or a group's (`ID-2`).
    pub id: String,
    /// Subfolders and pages, or groups.
    pub entries: Vec<NavEntry>,
}

/// One line of a sidebar node.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum NavEntry {
    /// A link to a page.
    Page(NavPage),
    /// A folder, opened to show its own node.
    Folder(NavFolder),
    /// A run of a large folder's entries, opened to show its own node.
    Group(NavGroup),
}

/// A page in the sidebar.
#[derive(Debug, Clone, Serialize, Default)]
pub struct NavPage {
    /// Page title (plain text; the script sets it as text).
    pub title: String,
    /// Root-relative URL, e.g. `runbooks/db-failover.html`.
    pub url: String,
    /// Whether the page is stale (the sidebar marks it).
    pub stale: bool,
    /// Whether the page has owners.
    pub owned: bool,
    /// When a sibling shows the same title: the file name, to tell them apart.
    pub hint: Option<String>,
}

/// A folder in the sidebar.
#[derive(Debug, Clone, Serialize, Default)]
pub struct NavFolder {
    /// The id of the folder's node.
    pub id: String,
    /// Its index page's title, else its name made readable.
    pub label: String,
    /// Its index page, linked from the folder's line.
    pub index: Option<NavPage>,
    /// Pages under it, at any depth.
    pub pages: usize,
    /// Stale pages under it.
    pub stale: usize,
    /// When a sibling shows the same label: the folder's name and `/`.
    pub hint: Option<String>,
}

/// A group of a large folder's entries.
#[derive(Debug, Clone, Serialize, Default)]
pub struct NavGroup {
    /// The id of the group's node.
    pub id: String,
    /// The first and the last entry's labels, shortened.
    pub label: String,
    /// Pages under it.
    pub pages: usize,
    /// Stale pages under it.
    pub stale: usize,
}

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
    /// (see [`NavTree`]).
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

/// A role-matrix grid as the page template draws it: competencies as
/// rows, levels as columns, and each level beside the next.
#[derive(Debug, Clone, Serialize, Default)]
pub struct MatrixView {
    /// Heading id (`role-matrix`).
    pub anchor: String,
    /// Heading text.
    pub heading: String,
    /// The data file, root-relative URL of its published copy (none when
    /// the grid is in the page's frontmatter).
    pub data_url: Option<String>,
    /// The data file's path as written in findings.
    pub source: String,
    /// Level names, in order.
    pub levels: Vec<String>,
    /// One row per competency.
    pub rows: Vec<MatrixRowView>,
    /// Level N beside level N+1, for each N but the last.
    pub steps: Vec<MatrixStepView>,
}

/// One competency of a grid.
#[derive(Debug, Clone, Serialize, Default)]
pub struct MatrixRowView {
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Expectations per level, in level order (empty: nothing written).
    pub cells: Vec<Vec<String>>,
}

/// Level `from` beside level `to`.
#[derive(Debug, Clone, Serialize, Default)]
pub struct MatrixStepView {
    /// The lower level.
    pub from: String,
    /// The next level.
    pub to: String,
    /// Fragment id (`role-matrix-step-1`).
    pub anchor: String,
    /// Per competency: its expectations at `from` and at `to`.
    pub rows: Vec<MatrixPairView>,
}

/// One competency at two neighbouring levels.
#[derive(Debug, Clone, Serialize, Default)]
pub struct MatrixPairView {
    /// Competency name.
    pub name: String,
    /// Expectations at the lower level.
    pub from: Vec<String>,
    /// Expectations at the next level.
    pub to: Vec<String>,
}

impl MatrixView {
    /// The view of `m`.
    pub fn of(m: &crate::matrix::RoleMatrix) -> MatrixView {
        // Numbered levels (`levels: 6`, `level: 1`) read as "Level 1".
        let levels: Vec<String> = m
            .levels
            .iter()
            .map(|l| {
                if !l.is_empty() && l.chars().all(|c| c.is_ascii_digit()) {
                    format!("Level {l}")
                } else {
                    l.clone()
                }
            })
            .collect();
        let steps = levels
            .windows(2)
            .enumerate()
            .map(|(i, pair)| MatrixStepView {
                from: pair[0].clone(),
                to: pair[1].clone(),
                anchor: format!("{}-step-{}", crate::matrix::MATRIX_ANCHOR, i + 1),
                rows: m
                    .competencies
                    .iter()
                    .map(|c| MatrixPairView {
                        name: c.name.clone(),
                        from: c.cells[i].clone(),
                        to: c.cells[i + 1].clone(),
                    })
                    .collect(),
            })
            .collect();
        MatrixView {
            anchor: crate::matrix::MATRIX_ANCHOR.to_owned(),
            heading: crate::matrix::MATRIX_HEADING.to_owned(),
            data_url: m.file.clone(),
            source: m.source.clone(),
            levels,
            rows: m
                .competencies
                .iter()
                .map(|c| MatrixRowView {
                    name: c.name.clone(),
                    description: c.description.clone(),
                    cells: c.cells.clone(),
                })
                .collect(),
            steps,
        }
    }
}

/// A row of a kind index or owner page listing (a light summary of a page).
#[derive(Debug, Clone, Serialize, Default)]
pub struct PageSummary {
    /// Title.
    pub title: String,
    /// Root-relative URL.
    pub url: String,
    /// Kind id.
    pub kind: String,
    /// Review state as in [`PageView::review_state`].
    pub review_state: String,
    /// Stale flag.
    pub stale: bool,
    /// Owned flag.
    pub owned: bool,
    /// The page's owners. In [`OwnerView::pages`] only the owner whose page
    /// it is (the others are counted in `co_owners` and listed on the page
    /// itself), so owner pages grow with pages × owners, not × owners².
    pub owners: Vec<OwnerRef>,
    /// In [`OwnerView::pages`]: how many other owners the page has; 0
    /// elsewhere.
    pub co_owners: usize,
    /// Reviewed date.
    pub reviewed: Option<String>,
    /// Due date.
    pub due: Option<String>,
    /// Domain.
    pub domain: Option<String>,
    /// ADR number, for the ADR log.
    pub adr_number: Option<u32>,
    /// ADR status, for the ADR log.
    pub adr_status: Option<String>,
    /// ADR date, for the ADR log.
    pub adr_date: Option<String>,
    /// Number of findings on the page.
    pub findings: usize,
}

/// One page per kind (`kinds/runbook.html` etc.); the ADR log is a table.
#[derive(Debug, Clone, Serialize, Default)]
pub struct KindIndexView {
    /// Kind id.
    pub kind: String,
    /// Plural label (`Runbooks`, `Architecture decisions`).
    pub label: String,
    /// Root-relative URL of the index, `kinds/ID.html`.
    pub url: String,
    /// Pages of this kind; ADRs sorted by number, others by title.
    pub pages: Vec<PageSummary>,
}

/// One owner page (`owners/ID.html`).
#[derive(Debug, Clone, Serialize, Default)]
pub struct OwnerView {
    /// Id without `@`.
    pub id: String,
    /// Display name.
    pub label: String,
    /// `team` or `person`.
    pub kind: String,
    /// Root-relative URL, `owners/ID.html`.
    pub url: String,
    /// Known to owners.yaml.
    pub registered: bool,
    /// False for people with `active: false`, or teams with no active member.
    pub active: bool,
    /// Team chat channel, if any.
    pub channel: Option<String>,
    /// Team members (person ids) for teams.
    pub members: Vec<OwnerRef>,
    /// Teams a person belongs to.
    pub teams: Vec<OwnerRef>,
    /// Pages owned, stale first, then by title. Each row's `owners` holds
    /// only this owner; `co_owners` counts the others.
    pub pages: Vec<PageSummary>,
    /// Open actions assigned to this owner.
    pub actions: Vec<OwnedAction>,
}

/// An action listed on an owner page or on the health page.
#[derive(Debug, Clone, Serialize, Default)]
pub struct OwnedAction {
    /// The action.
    pub action: ActionView,
    /// Title of the page it is on.
    pub page_title: String,
    /// URL of the page it is on.
    pub page_url: String,
}

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
