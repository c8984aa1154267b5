//! `handbook.json`: the machine-readable catalog of pages and health, for
//! other tools. Built from the view model so it always agrees with the site.

use crate::view::{DomainHealthView, FindingView, SiteView};
use serde::Serialize;

#[derive(Serialize)]
struct Catalog<'a> {
    version: u32,
    today: &'a str,
    pages: Vec<CatalogPage<'a>>,
    health: CatalogHealth<'a>,
    reliability: CatalogReliability<'a>,
}

/// The numbers of `reliability.html`.
#[derive(Serialize)]
struct CatalogReliability<'a> {
    incidents: usize,
    open: usize,
    unknown: usize,
    mitigated: usize,
    closed: usize,
    close_within: &'a str,
    /// Mitigated and not closed: (URL, days since mitigation, past the limit).
    mitigated_not_closed: Vec<CatalogOpenRisk<'a>>,
    repeat_count: usize,
    repeat_rate_percent: Option<u32>,
    median_days_to_close: Option<i64>,
    open_prevention_actions: usize,
    repeats: Vec<CatalogRepeat<'a>>,
}

#[derive(Serialize)]
struct CatalogOpenRisk<'a> {
    url: &'a str,
    mitigated: Option<&'a str>,
    days: i64,
    past_limit: bool,
}

#[derive(Serialize)]
struct CatalogRepeat<'a> {
    signature: &'a str,
    incidents: Vec<&'a str>,
    latest_verified: bool,
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
struct CatalogHealth<'a> {
    domains: Vec<CatalogDomain<'a>>,
    follow_through: FollowThrough,
}

#[derive(Serialize)]
struct CatalogDomain<'a> {
    domain: &'a str,
    pages: usize,
    stale: usize,
    never_reviewed: usize,
    score: u8,
    band: &'a str,
    dimensions: CatalogDimensions<'a>,
}

/// The five dimensions, in SPEC order.
#[derive(Serialize)]
struct CatalogDimensions<'a> {
    coverage: CatalogDimension<'a>,
    recovery: CatalogDimension<'a>,
    decision_traceability: CatalogDimension<'a>,
    onboarding_transfer: CatalogDimension<'a>,
    ownership_rotation: CatalogDimension<'a>,
}

#[derive(Serialize)]
struct CatalogDimension<'a> {
    score: Option<u8>,
    evidence: Vec<&'a str>,
}

impl<'a> CatalogDomain<'a> {
    fn new(d: &'a DomainHealthView) -> Self {
        let dim = |key: &str| {
            let found = d.dimensions.iter().find(|x| x.key == key);
            CatalogDimension {
                score: found.and_then(|x| x.score),
                evidence: found
                    .map(|x| x.evidence.iter().map(|e| e.text.as_str()).collect())
                    .unwrap_or_default(),
            }
        };
        CatalogDomain {
            domain: &d.domain,
            pages: d.pages,
            stale: d.stale,
            never_reviewed: d.never_reviewed,
            score: d.score,
            band: &d.band,
            dimensions: CatalogDimensions {
                coverage: dim("coverage"),
                recovery: dim("recovery"),
                decision_traceability: dim("decision_traceability"),
                onboarding_transfer: dim("onboarding_transfer"),
                ownership_rotation: dim("ownership_rotation"),
            },
        }
    }
}

#[derive(Serialize)]
struct FollowThrough {
    actions: usize,
    closed: usize,
    closed_by_due: Option<usize>,
    overdue: usize,
}

/// Serialises the catalog. `findings` per page lists that page's findings;
/// `health` holds the dashboard's domain scores (lowest first) and
/// follow-through numbers (`closed_by_due` is `null` without git history).
/// A page another page replaces (two sources building to one URL, such as
/// `README.md` beside `index.md`: the last one is published) is left out,
/// as it is left out of the site.
pub fn catalog_json(site: &SiteView) -> Vec<u8> {
    let published: std::collections::HashMap<&str, usize> = site
        .pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.url.as_str(), i))
        .collect();
    let pages = site
        .pages
        .iter()
        .enumerate()
        .filter(|&(i, p)| published.get(p.url.as_str()) == Some(&i))
        .map(|(_, p)| CatalogPage {
            path: &p.source_path,
            url: &p.url,
            title: &p.title,
            kind: &p.kind,
            owners: p.owners.iter().map(|o| o.id.as_str()).collect(),
            reviewed: p.reviewed.as_deref(),
            due: p.due.as_deref(),
            stale: p.stale,
            domain: p.domain.as_deref(),
            status: p
                .adr
                .as_ref()
                .and_then(|a| a.status.as_deref())
                .or(p.incident.as_ref().map(|i| i.status.as_str())),
            last_changed: p.last_changed.as_deref(),
            last_author: p.last_author.as_deref(),
            findings: &p.findings,
        })
        .collect();
    let ft = &site.health.follow_through;
    let r = &site.reliability;
    let reliability = CatalogReliability {
        incidents: r.incidents,
        open: r.open,
        unknown: r.unknown,
        mitigated: r.mitigated,
        closed: r.closed,
        close_within: &r.close_within,
        mitigated_not_closed: r
            .open_risk
            .iter()
            .map(|o| CatalogOpenRisk {
                url: &o.incident.url,
                mitigated: o.mitigated.as_deref(),
                days: o.days,
                past_limit: o.past_limit,
            })
            .collect(),
        repeat_count: r.repeat_count,
        repeat_rate_percent: r.repeat_rate_percent,
        median_days_to_close: r.median_days_to_close,
        open_prevention_actions: r.open_prevention.len(),
        repeats: r
            .repeats
            .iter()
            .map(|s| CatalogRepeat {
                signature: &s.signature,
                incidents: s.incidents.iter().map(|i| i.url.as_str()).collect(),
                latest_verified: s.latest_verified,
            })
            .collect(),
    };
    let cat = Catalog {
        version: 1,
        today: &site.today,
        pages,
        health: CatalogHealth {
            domains: site.health.domains.iter().map(CatalogDomain::new).collect(),
            follow_through: FollowThrough {
                actions: ft.actions,
                closed: ft.closed,
                closed_by_due: ft.closed_by_due,
                overdue: ft.overdue,
            },
        },
        reliability,
    };
    let mut out = serde_json::to_vec_pretty(&cat).unwrap_or_default();
    out.push(b'\n');
    out
}
