//! `handbook.json`: the machine-readable catalog of pages and health, for
//! other tools. Built from the view model so it always agrees with the site.

use crate::render::view::{FindingView, SiteView};
use serde::Serialize;

#[derive(Serialize)]
struct Catalog<'a> {
    version: u32,
    today: &'a str,
    pages: Vec<CatalogPage<'a>>,
    health: CatalogHealth,
}

#[derive(Serialize)]
struct CatalogPage<'a> {
    path: &'a str,
    url: &'a str,
    title: &'a str,
    kind: &'a str,
    owners: Vec<&'a str>,
    reviewed: Option<&'a str>,
    due: Option<&'a str>,
    stale: bool,
    domain: Option<&'a str>,
    status: Option<&'a str>,
    last_changed: Option<&'a str>,
    last_author: Option<&'a str>,
    findings: &'a [FindingView],
}

#[derive(Serialize)]
struct CatalogHealth {
    domains: Vec<serde_json::Value>,
    follow_through: FollowThrough,
}

#[derive(Serialize)]
struct FollowThrough {
    actions: usize,
    closed: usize,
    closed_by_due: Option<usize>,
    overdue: usize,
}

/// Serialises the catalog. `findings` per page lists that page's findings.
/// `health.domains` stays empty until the scored dashboard exists;
/// `closed_by_due` is `null` until git history tells when actions closed.
pub fn catalog_json(site: &SiteView) -> Vec<u8> {
    let pages = site
        .pages
        .iter()
        .map(|p| CatalogPage {
            path: &p.source_path,
            url: &p.url,
            title: &p.title,
            kind: &p.kind,
            owners: p.owners.iter().map(|o| o.id.as_str()).collect(),
            reviewed: p.reviewed.as_deref(),
            due: p.due.as_deref(),
            stale: p.stale,
            domain: p.domain.as_deref(),
            status: p.adr.as_ref().and_then(|a| a.status.as_deref()),
            last_changed: p.last_changed.as_deref(),
            last_author: p.last_author.as_deref(),
            findings: &p.findings,
        })
        .collect();
    let actions = site.pages.iter().flat_map(|p| &p.actions);
    let (mut total, mut closed, mut overdue) = (0, 0, 0);
    for a in actions {
        total += 1;
        closed += usize::from(a.done);
        overdue += usize::from(a.overdue);
    }
    let cat = Catalog {
        version: 1,
        today: &site.today,
        pages,
        health: CatalogHealth {
            domains: Vec::new(),
            follow_through: FollowThrough {
                actions: total,
                closed,
                closed_by_due: None,
                overdue,
            },
        },
    };
    let mut out = serde_json::to_vec_pretty(&cat).unwrap_or_default();
    out.push(b'\n');
    out
}
