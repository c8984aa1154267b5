//! Stage 4 (preparation), the view stage: turns the parse model and the
//! rule results into the template view model ([`SiteView`]). Pure; decides
//! what each page shows (banners, owner links, ADR chains, listings, the
//! health dashboard and the geometry of its charts), never how.
//! [`crate::render`] turns the view into files: it imports this stage,
//! never the other way round.
//!
//! The view model is plain, serialisable data that templates read. The
//! pipeline turns the `Handbook` and its findings into a [`SiteView`]; the
//! renderer only ever sees these structs, never the parse model, so a
//! theme author can learn everything a template may use from this module.
//! All URLs are relative to the site root and never start with `/`; every
//! page carries `root` (e.g. `"../"`) so links work from `file://` too.
//!
//! - here: [`site_view`], [`SiteView`] and the sidebar's model ([`NavTree`],
//!   filled in by [`crate::nav`]);
//! - `page.rs`: one page's view ([`PageView`]): banners, findings, ADR
//!   chain, actions, table of contents;
//! - `matrix.rs`: a role-matrix grid ([`MatrixView`]);
//! - `listings.rs`: kind indexes and owner pages, and the file names of
//!   owner pages ([`OwnerFiles`]);
//! - `health.rs`: the health dashboard's data ([`HealthView`]);
//! - `domain_score.rs`: its per-domain skill-distribution score;
//! - `charts.rs`: the geometry of its two charts ([`KindChart`],
//!   [`DomainChart`]);
//! - `clashes.rs`: outputs that two sources claim ([`output_clashes`]).

mod charts;
mod clashes;
mod domain_score;
mod health;
mod listings;
mod matrix;
mod page;

pub use charts::{
    ChartSegment, ChartTick, ChartZone, DomainChart, DomainChartRow, KindChart, KindChartRow,
};
pub use clashes::{output_clashes, Clashes};
pub use health::{
    DimensionView, DomainHealthView, Evidence, FollowThroughView, GitView, HealthView, KindCount,
    NextMove, OwnerLoadView, OwnerOverdue, RuleGroup,
};
pub use listings::{
    owner_file, KindIndexView, OwnedAction, OwnerFiles, OwnerView, PageSummary, OWNERS_INDEX_URL,
};
pub use matrix::{MatrixPairView, MatrixRowView, MatrixStepView, MatrixView};
pub use page::{
    ActionView, AdrRef, AdrView, Banner, Crumb, FindingView, OwnerRef, PageLink, PageView, TocEntry,
};

use crate::date::Date;
use crate::handbook::Handbook;
use crate::kind::Kind;
use crate::page::Page;
use crate::recognise::adr_log;
use crate::rules::Evaluation;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;

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
            let mut v = page::page_view(
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
        .map(|((v, f), p)| listings::summary(v, p, f.len()))
        .collect();
    // The listings and the dashboard read the same views; none depends on
    // another, so they are worked out side by side.
    let ((nav, kinds), (owners, health)) = rayon::join(
        || {
            rayon::join(
                || crate::nav::nav_tree(h, ev),
                || listings::kind_indexes(&summaries),
            )
        },
        || {
            rayon::join(
                || listings::owner_views(h, &files, ev, &pages, &summaries),
                || {
                    let mut v = health::health(h, ev, &pages, &summaries);
                    health::add_scores(&mut v, h, &files, ev, &pages, &summaries, today);
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
