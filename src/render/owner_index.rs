//! `owners/index.html`: every owner (registry teams and people, and ids
//! seen on pages and actions), with what their owner page counts. Worked
//! out from [`SiteView::owners`] alone, so it agrees with the owner pages.

use crate::natural::natural_cmp;
use crate::view::{OwnerView, SiteView};
use serde::Serialize;

/// One row of `owners/index.html` (the `owners` list of `owners.html`).
#[derive(Debug, Clone, Serialize)]
pub struct OwnerRow<'a> {
    /// Id without `@`.
    pub id: &'a str,
    /// Display name.
    pub label: &'a str,
    /// `team` or `person`.
    pub kind: &'a str,
    /// Root-relative URL of the owner page.
    pub url: &'a str,
    /// Known to owners.yaml.
    pub registered: bool,
    /// As [`OwnerView::active`].
    pub active: bool,
    /// Pages owned.
    pub pages: usize,
    /// Of those, stale.
    pub stale: usize,
    /// Findings on those pages.
    pub findings: usize,
    /// Open actions assigned to the owner.
    pub actions: usize,
    /// Of those, past due.
    pub overdue: usize,
}

/// The rows: teams first, then people, each by label in natural order.
pub fn owner_rows(site: &SiteView) -> Vec<OwnerRow<'_>> {
    let mut rows: Vec<OwnerRow<'_>> = site.owners.iter().map(row).collect();
    rows.sort_by(|a, b| {
        (a.kind != "team")
            .cmp(&(b.kind != "team"))
            .then_with(|| natural_cmp(&a.label.to_lowercase(), &b.label.to_lowercase()))
            .then_with(|| a.id.cmp(b.id))
    });
    rows
}

fn row(o: &OwnerView) -> OwnerRow<'_> {
    OwnerRow {
        id: &o.id,
        label: &o.label,
        kind: &o.kind,
        url: &o.url,
        registered: o.registered,
        active: o.active,
        pages: o.pages.len(),
        stale: o.pages.iter().filter(|p| p.stale).count(),
        findings: o.pages.iter().map(|p| p.findings).sum(),
        actions: o.actions.len(),
        overdue: o.actions.iter().filter(|a| a.action.overdue).count(),
    }
}
