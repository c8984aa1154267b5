//! Incidents (incident reviews, postmortems): their status, the runbook
//! they used, and the index across them (which incident repeats which,
//! which incidents used a runbook) that the rules and the site read.
//! Pure: reads the parsed pages, never the disk.

use crate::date::Date;
use crate::kind::Kind;
use crate::markdown::{find_page, resolve_link};
use crate::page::Page;
use serde::Serialize;
use std::collections::HashMap;

/// Where an incident stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Customer impact is not under control yet.
    Open,
    /// Customer impact is controlled; prevention is not verified yet.
    Mitigated,
    /// Prevention is verified and shipped.
    Closed,
}

impl Status {
    /// Reads a status as teams write it: `open`, `mitigated`, `closed` and
    /// the words incident tools use for them (`resolved` is mitigated: the
    /// alert cleared, nothing was prevented yet).
    pub fn parse(s: &str) -> Option<Status> {
        match s.trim().to_ascii_lowercase().as_str() {
            "open" | "active" | "investigating" | "identified" | "ongoing" => Some(Status::Open),
            "mitigated" | "resolved" | "monitoring" | "stable" => Some(Status::Mitigated),
            "closed" | "done" | "complete" | "completed" => Some(Status::Closed),
            _ => None,
        }
    }

    /// `open`, `mitigated`, `closed`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Mitigated => "mitigated",
            Status::Closed => "closed",
        }
    }

    /// What the status means, as the page says it.
    pub fn meaning(self) -> &'static str {
        match self {
            Status::Open => "customer impact is not under control yet",
            Status::Mitigated => {
                "customer impact is controlled, but the prevention is not yet verified and shipped: \
                 the same failure can come back"
            }
            Status::Closed => "the prevention is verified and shipped",
        }
    }
}

/// The status of an incident page: as written when it is one of
/// [`Status::parse`]'s words, else read from its dates.
pub fn status_of(page: &Page) -> Status {
    if let Some(s) = page.front.status.as_deref().and_then(Status::parse) {
        return s;
    }
    if page.front.closed.is_some() {
        Status::Closed
    } else if page.front.mitigated.is_some() {
        Status::Mitigated
    } else {
        Status::Open
    }
}

/// Whether the page says where the incident stands: a `status:` of
/// [`Status::parse`]'s words, or a `mitigated` or `closed` date. An adopted
/// postmortem often says neither; it is then not taken for an open one on
/// the page or in the counts (the rules read [`status_of`] all the same).
pub fn status_known(page: &Page) -> bool {
    page.front
        .status
        .as_deref()
        .and_then(Status::parse)
        .is_some()
        || page.front.mitigated.is_some()
        || page.front.closed.is_some()
}

/// Since when an incident has been mitigated and not closed, if it is:
/// `mitigated`, else `started` when its status says mitigated.
pub fn mitigated_since(page: &Page, status: Status) -> Option<Date> {
    if status == Status::Closed {
        return None;
    }
    page.front.mitigated.or(match status {
        Status::Mitigated => started(page),
        _ => None,
    })
}

/// The runbook section an incident used, resolved to a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunbookLink {
    /// The runbook page's index in `Handbook::pages`.
    pub page: usize,
    /// The section's heading id, when the link names one.
    pub anchor: Option<String>,
}

/// What an incident's `runbook:` says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunbookRef {
    /// No `runbook:`.
    Missing,
    /// Written, but not a page of the handbook, or not one of its
    /// sections: why, in a few words.
    Broken(String),
    /// A page (and section) of the handbook.
    Found(RunbookLink),
}

/// An earlier incident with the same failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repeat {
    /// The earlier incident's page index.
    pub earlier: usize,
    /// Matched by `signature` (else by the runbook section).
    pub by_signature: bool,
    /// Whether the earlier incident's prevention was verified.
    pub earlier_verified: bool,
}

/// What the index knows about one incident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incident {
    /// Its status.
    pub status: Status,
    /// Its runbook.
    pub runbook: RunbookRef,
    /// The newest earlier incident it repeats.
    pub repeats: Option<Repeat>,
}

/// Every incident of a handbook, by page index.
#[derive(Debug, Clone, Default)]
pub struct Incidents {
    /// Per page (same order as `Handbook::pages`): `Some` for incidents.
    pub by_page: Vec<Option<Incident>>,
}

impl Incidents {
    /// Reads every incident page, resolves its runbook and finds repeats:
    /// an incident repeats the newest one before it (by `started`, then
    /// path) with the same `signature` (case ignored) or the same runbook
    /// section (a link with a `#section`).
    pub fn new(pages: &[Page]) -> Incidents {
        let by_rel: HashMap<&str, usize> = pages
            .iter()
            .enumerate()
            .map(|(i, p)| (p.src.rel.as_str(), i))
            .collect();
        let mut by_page: Vec<Option<Incident>> = pages
            .iter()
            .map(|p| {
                (p.kind == Kind::Incident).then(|| Incident {
                    status: status_of(p),
                    runbook: resolve_runbook(p, pages, &by_rel),
                    repeats: None,
                })
            })
            .collect();
        let mut order: Vec<usize> = (0..pages.len()).filter(|&i| by_page[i].is_some()).collect();
        order.sort_by_key(|&i| (started(&pages[i]), i));
        // The newest earlier incident per signature and per runbook
        // section, as (rank in `order`, page index).
        let mut last_by_signature: HashMap<String, (usize, usize)> = HashMap::new();
        let mut last_by_section: HashMap<(usize, Option<String>), (usize, usize)> = HashMap::new();
        for (rank, i) in order.into_iter().enumerate() {
            let signature = pages[i]
                .front
                .signature
                .as_deref()
                .map(|s| s.trim().to_lowercase())
                .filter(|s| !s.is_empty());
            // A section is named by its anchor: two incidents that link
            // the same runbook as a whole may have used different parts.
            let section = match by_page[i].as_ref().map(|inc| &inc.runbook) {
                Some(RunbookRef::Found(l)) if l.anchor.is_some() => {
                    Some((l.page, l.anchor.clone()))
                }
                _ => None,
            };
            let by_sig = signature
                .as_ref()
                .and_then(|s| last_by_signature.get(s).copied())
                .map(|(r, e)| (r, e, true));
            let by_sec = section
                .as_ref()
                .and_then(|s| last_by_section.get(s).copied())
                .map(|(r, e)| (r, e, false));
            // The newer of the two; a tie is the same incident, by signature.
            let repeat = match (by_sig, by_sec) {
                (Some(a), Some(b)) => Some(if b.0 > a.0 { b } else { a }),
                (a, b) => a.or(b),
            };
            if let (Some((_, earlier, by_signature)), Some(inc)) = (repeat, by_page[i].as_mut()) {
                inc.repeats = Some(Repeat {
                    earlier,
                    by_signature,
                    earlier_verified: prevention_verified(&pages[earlier]),
                });
            }
            if let Some(s) = signature {
                last_by_signature.insert(s, (rank, i));
            }
            if let Some(s) = section {
                last_by_section.insert(s, (rank, i));
            }
        }
        Incidents { by_page }
    }

    /// The incident on page `i`, if it is one.
    pub fn get(&self, i: usize) -> Option<&Incident> {
        self.by_page.get(i).and_then(Option::as_ref)
    }
}

/// When the incident started: `started`, else `date` (as many postmortem
/// templates write it).
pub fn started(page: &Page) -> Option<Date> {
    page.front.started.or(page.front.date)
}

/// Whether the page has prevention actions and every one of them is done
/// and verified.
pub fn prevention_verified(page: &Page) -> bool {
    let mut prevention = page
        .front
        .actions
        .iter()
        .filter(|a| a.prevention)
        .peekable();
    prevention.peek().is_some() && prevention.all(|a| a.done && a.verified.is_some())
}

/// Without `runbook:`, the first link in the body to a runbook page (and
/// its section): the runbook an adopted postmortem names in its text.
fn body_runbook(page: &Page, pages: &[Page], by_rel: &HashMap<&str, usize>) -> Option<RunbookLink> {
    let is_page = |p: &str| by_rel.contains_key(p);
    page.md.links.iter().find_map(|l| {
        let t = resolve_link(&page.src.rel, l.dest.trim())?;
        let rel = find_page(&t.path, is_page)?;
        let index = by_rel[rel.as_str()];
        let target = &pages[index];
        if target.kind != Kind::Runbook {
            return None;
        }
        let anchor = t.fragment.filter(|a| {
            target
                .md
                .headings
                .iter()
                .any(|h| h.id == *a || h.aliases.iter().any(|x| x == a))
        });
        Some(RunbookLink {
            page: index,
            anchor,
        })
    })
}

/// Resolves an incident's `runbook:`: a link relative to the incident
/// page (`../runbooks/x.md#mitigation`) or a path from the content
/// folder (`runbooks/x.md#mitigation`), the page's own spelling first.
fn resolve_runbook(page: &Page, pages: &[Page], by_rel: &HashMap<&str, usize>) -> RunbookRef {
    let Some(written) = page.front.runbook.as_deref() else {
        return body_runbook(page, pages, by_rel).map_or(RunbookRef::Missing, RunbookRef::Found);
    };
    let is_page = |p: &str| by_rel.contains_key(p);
    let from_root = written.trim_start_matches('/');
    let found = [
        resolve_link(&page.src.rel, written),
        resolve_link("_", from_root),
    ]
    .into_iter()
    .flatten()
    .find_map(|t| find_page(&t.path, is_page).map(|p| (p, t.fragment)));
    let Some((rel, fragment)) = found else {
        return RunbookRef::Broken(format!("`{written}` is not a page of the handbook"));
    };
    let index = by_rel[rel.as_str()];
    let target = &pages[index];
    let anchor = fragment.filter(|f| !f.is_empty());
    if let Some(a) = &anchor {
        let known = target
            .md
            .headings
            .iter()
            .any(|h| h.id == *a || h.aliases.iter().any(|x| x == a));
        if !known {
            return RunbookRef::Broken(format!("{} has no section `#{a}`", target.src.rel));
        }
    }
    RunbookRef::Found(RunbookLink {
        page: index,
        anchor,
    })
}
