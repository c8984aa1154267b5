//! The per-domain skill-distribution score of the health dashboard: five
//! dimensions, 0-2 each, each with its evidence, and the band of the
//! total. The README's "Health score" section documents the method; keep
//! the two in step.

use super::health::{DimensionView, DomainHealthView, Evidence, NextMove};
use super::listings::OwnerFiles;
use super::page::PageView;
use crate::config::HealthConfig;
use crate::date::Date;
use crate::handbook::Handbook;
use crate::kind::Kind;
use crate::owners::Owner;
use crate::page::Page;
use crate::rules::{Evaluation, PageStatus, ReviewState};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The five dimensions: key (as in `handbook.json`) and label.
pub(super) const DIMENSIONS: [(&str, &str); 5] = [
    ("coverage", "Coverage"),
    ("recovery", "Recovery"),
    ("decision_traceability", "Decision traceability"),
    ("onboarding_transfer", "Onboarding transfer"),
    ("ownership_rotation", "Ownership rotation"),
];

/// The bands: id and label, lowest first.
pub(super) const BANDS: [(&str, &str); 4] = [
    ("structural-risk", "Structural risk"),
    ("hidden-fragility", "Hidden fragility"),
    ("healthy-core", "Healthy core"),
    ("resilient", "Resilient"),
];

/// The band of a total, with the thresholds `[hidden-fragility,
/// healthy-core, resilient]`.
pub(super) fn band(score: u8, bands: [u32; 3]) -> (&'static str, &'static str) {
    let n = bands.iter().filter(|&&b| u32::from(score) >= b).count();
    BANDS[n.min(3)]
}

/// The score of each domain of `h`, lowest first. `pages` are the page
/// views, in page order.
pub(super) fn domains(
    h: &Handbook,
    files: &OwnerFiles,
    ev: &Evaluation,
    pages: &[PageView],
) -> Vec<DomainHealthView> {
    let cx = Cx {
        h,
        files,
        ev,
        pages,
        cfg: &h.config.health,
        window_start: h.history.window_start,
        inbound: inbound_links(h),
    };
    let mut by_domain: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, p) in h.pages.iter().enumerate() {
        if let Some(d) = p.domain().map(str::trim).filter(|d| !d.is_empty()) {
            by_domain.entry(d).or_default().push(i);
        }
    }
    let mut domains: Vec<DomainHealthView> = by_domain
        .into_iter()
        .map(|(d, idx)| cx.domain(d, &idx))
        .collect();
    domains.sort_by(|a, b| a.score.cmp(&b.score).then_with(|| a.domain.cmp(&b.domain)));
    domains
}

/// Inputs shared by the dimension functions.
struct Cx<'a> {
    h: &'a Handbook,
    /// Owner page URLs.
    files: &'a OwnerFiles,
    ev: &'a Evaluation,
    pages: &'a [PageView],
    cfg: &'a HealthConfig,
    window_start: Option<Date>,
    /// Page index → indexes of the other pages linking to it (folder
    /// index pages, which list everything, do not count).
    inbound: HashMap<usize, BTreeSet<usize>>,
}

/// A page that introduces its folder (`index.md`, `README.md`, `_index.md`).
fn is_index(p: &Page) -> bool {
    crate::markdown::is_index_page(&p.src.rel)
}

fn inbound_links(h: &Handbook) -> HashMap<usize, BTreeSet<usize>> {
    let by_rel: HashMap<&str, usize> = h
        .pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.src.rel.as_str(), i))
        .collect();
    let mut inbound: HashMap<usize, BTreeSet<usize>> = HashMap::new();
    for (i, p) in h.pages.iter().enumerate().filter(|(_, p)| !is_index(p)) {
        for l in p.md.links.iter().filter(|l| !l.is_image) {
            let Some(t) = crate::markdown::resolve_link(&p.src.rel, l.dest.trim()) else {
                continue;
            };
            let target = crate::markdown::find_page(&t.path, |c| by_rel.contains_key(c));
            if let Some(&j) = target.and_then(|t| by_rel.get(t.as_str())) {
                if j != i {
                    inbound.entry(j).or_default().insert(i);
                }
            }
        }
    }
    inbound
}

fn fresh(st: &PageStatus) -> bool {
    matches!(
        st.review,
        ReviewState::Fresh | ReviewState::DueSoon | ReviewState::Never
    )
}

/// "reviewed 2026-10-01", "stale since 2026-05-17", "never reviewed".
fn review_words(p: &Page, st: &PageStatus) -> String {
    match st.review {
        ReviewState::Stale => format!(
            "stale (review was due {})",
            st.due.map(|d| d.to_string()).unwrap_or_default()
        ),
        ReviewState::Missing => "never reviewed".into(),
        ReviewState::Never => "no review needed".into(),
        ReviewState::Fresh | ReviewState::DueSoon => match p.front.reviewed {
            Some(r) => format!("fresh (reviewed {r})"),
            None => "fresh".into(),
        },
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn ev_page(text: String, p: &PageView) -> Evidence {
    Evidence {
        text,
        url: Some(p.url.clone()),
    }
}

fn ev_text(text: impl Into<String>) -> Evidence {
    Evidence {
        text: text.into(),
        url: None,
    }
}

pub(super) fn level(n: usize, partial: u32, full: u32) -> u8 {
    if n as u64 >= u64::from(full) {
        2
    } else if n as u64 >= u64::from(partial) {
        1
    } else {
        0
    }
}

impl Cx<'_> {
    fn domain(&self, domain: &str, idx: &[usize]) -> DomainHealthView {
        let (coverage, people) = self.coverage(idx);
        let dims = [
            coverage,
            self.recovery(idx),
            self.decisions(idx),
            self.onboarding(idx),
            self.rotation(idx, people),
        ];
        let score: u8 = dims.iter().filter_map(|d| d.score).sum();
        let next_move = dims
            .iter()
            .filter_map(|d| d.score.filter(|s| *s < 2).map(|s| (s, d)))
            .min_by_key(|(s, _)| *s)
            .map(|(s, d)| NextMove {
                key: d.key.clone(),
                label: d.label.clone(),
                score: s,
                advice: advice(&d.key, s).to_string(),
            });
        let (band, band_label) = band(score, self.cfg.bands);
        DomainHealthView {
            domain: domain.to_string(),
            anchor: format!("domain-{}", super::owner_file(&domain.to_lowercase())),
            pages: idx.len(),
            stale: idx.iter().filter(|&&i| self.pages[i].stale).count(),
            never_reviewed: idx
                .iter()
                .filter(|&&i| self.pages[i].review_state == "missing")
                .count(),
            score,
            band: band.to_string(),
            band_label: band_label.to_string(),
            dimensions: dims.into(),
            next_move,
        }
    }

    fn dim(i: usize, score: Option<u8>, evidence: Vec<Evidence>) -> DimensionView {
        DimensionView {
            key: DIMENSIONS[i].0.to_string(),
            label: DIMENSIONS[i].1.to_string(),
            score,
            evidence,
        }
    }

    /// Distinct active people behind the domain's owners. An owner whose
    /// members are unknown (a team without a member list, or no
    /// owners.yaml) counts as one person.
    fn coverage(&self, idx: &[usize]) -> (DimensionView, usize) {
        let reg = &self.h.registry;
        let mut owners: BTreeMap<&str, &Owner> = BTreeMap::new();
        for &i in idx {
            for (_, o) in &self.ev.statuses[i].owners {
                owners.entry(o.id()).or_insert(o);
            }
        }
        let mut people: BTreeSet<String> = BTreeSet::new();
        let mut lines = Vec::new();
        for (id, o) in &owners {
            let url = Some(self.files.url(id));
            let label = reg.label(o);
            let text = match reg.active_people(o) {
                Some(p) if p.is_empty() => format!("{label}: no active member"),
                Some(p) => {
                    let names: Vec<&str> = p.iter().map(String::as_str).collect();
                    let text = if matches!(o, Owner::Team(_)) {
                        format!("{label}: {}", names.join(", "))
                    } else {
                        label.clone()
                    };
                    people.extend(p);
                    text
                }
                None => {
                    people.insert(format!("{id} (members unknown)"));
                    format!("{label}: members unknown, counted as one person")
                }
            };
            lines.push(Evidence { text, url });
        }
        let n = people.len();
        let mut evidence = vec![ev_text(if owners.is_empty() {
            "no page in the domain has an owner".to_string()
        } else {
            format!(
                "{} behind the owners: {}",
                plural(n, "active person", "active people"),
                people.iter().cloned().collect::<Vec<_>>().join(", ")
            )
        })];
        evidence.extend(lines);
        let score = level(n, self.cfg.coverage_partial, self.cfg.coverage_full);
        (Self::dim(0, Some(score), evidence), n)
    }

    /// Runbooks: none → 0; all fresh, complete and without overdue
    /// actions, and no incident mitigated past `close-within` or repeating
    /// an unverified prevention → 2; otherwise 1.
    fn recovery(&self, idx: &[usize]) -> DimensionView {
        let mut good = Vec::new();
        let mut bad = Vec::new();
        for &i in idx
            .iter()
            .filter(|&&i| self.h.pages[i].kind == Kind::Runbook)
        {
            let (p, st, v) = (&self.h.pages[i], &self.ev.statuses[i], &self.pages[i]);
            let complete = !self.ev.page_findings[i]
                .iter()
                .any(|d| d.rule == "runbook-section-missing");
            let overdue = v.actions.iter().filter(|a| a.overdue).count();
            let mut words = vec![review_words(p, st)];
            if !complete {
                words.push("missing a required section".into());
            }
            if overdue > 0 {
                words.push(plural(overdue, "overdue action", "overdue actions"));
            }
            let line = ev_page(format!("{}: {}", p.title, words.join(", ")), v);
            if fresh(st) && complete && overdue == 0 {
                good.push(line);
            } else {
                bad.push(line);
            }
        }
        let runbooks = (good.len(), bad.len());
        // Incidents: one mitigated past `close-within`, or a repeat whose
        // earlier prevention was never verified, keeps recovery below 2.
        let mut capped = false;
        for &i in idx
            .iter()
            .filter(|&&i| self.h.pages[i].kind == Kind::Incident)
        {
            let (p, v) = (&self.h.pages[i], &self.pages[i]);
            let Some(inc) = &v.incident else { continue };
            let mut words = Vec::new();
            if inc.past_close_within {
                words.push(format!(
                    "mitigated {} days ago and not closed",
                    inc.days_open.unwrap_or(0)
                ));
            }
            if let Some(r) = inc.repeats.as_ref().filter(|_| !inc.repeats_verified) {
                words.push(format!(
                    "repeats \"{}\", whose prevention was never verified",
                    r.title
                ));
            }
            if !words.is_empty() {
                capped = true;
                bad.push(ev_page(
                    format!("{} (incident): {}", p.title, words.join(", ")),
                    v,
                ));
            }
        }
        let score = match runbooks {
            (0, 0) => 0,
            (_, 0) if !capped => 2,
            _ => 1,
        };
        let mut evidence = bad;
        evidence.extend(good);
        if runbooks == (0, 0) {
            evidence.push(ev_text("no runbook in this domain"));
        }
        Self::dim(1, Some(score), evidence)
    }

    /// ADRs: no accepted or proposed one → 0; every accepted one linked
    /// from `decision-links` other pages and not stale → 2; otherwise 1.
    fn decisions(&self, idx: &[usize]) -> DimensionView {
        let mut evidence = Vec::new();
        let (mut accepted, mut traced, mut proposed) = (0, 0, 0);
        for &i in idx.iter().filter(|&&i| self.h.pages[i].kind == Kind::Adr) {
            let (p, st, v) = (&self.h.pages[i], &self.ev.statuses[i], &self.pages[i]);
            let status = p.front.status.as_deref().unwrap_or("");
            let links = self.inbound.get(&i).map_or(0, BTreeSet::len);
            // Titles usually carry the number already ("ADR 0002: ...").
            let name = match p.adr_number {
                Some(n) if !p.title.to_ascii_lowercase().starts_with("adr") => {
                    format!("ADR {n}: {}", p.title)
                }
                _ => p.title.clone(),
            };
            match status {
                "accepted" => {
                    accepted += 1;
                    let ok = links as u64 >= u64::from(self.cfg.decision_links.max(1))
                        && st.review != ReviewState::Stale;
                    traced += usize::from(ok);
                    let mut words = vec![if links == 0 {
                        "accepted, not linked from any other page".to_string()
                    } else {
                        format!(
                            "accepted, linked from {}",
                            plural(links, "other page", "other pages")
                        )
                    }];
                    if st.review == ReviewState::Stale {
                        words.push(review_words(p, st));
                    }
                    evidence.push(ev_page(format!("{name}: {}", words.join(", ")), v));
                }
                "proposed" => {
                    proposed += 1;
                    evidence.push(ev_page(format!("{name}: proposed"), v));
                }
                other => {
                    let other = if other.is_empty() { "no status" } else { other };
                    evidence.push(ev_page(format!("{name}: {other} (does not count)"), v));
                }
            }
        }
        let score = if accepted + proposed == 0 {
            evidence.push(ev_text("no accepted or proposed ADR in this domain"));
            0
        } else if accepted > 0 && traced == accepted {
            2
        } else {
            1
        };
        Self::dim(2, Some(score), evidence)
    }

    /// Guides (not folder index pages): none → 0; one fresh → 2; only
    /// stale or unreviewed ones → 1.
    fn onboarding(&self, idx: &[usize]) -> DimensionView {
        let mut evidence = Vec::new();
        let mut any_fresh = false;
        for &i in idx {
            let (p, st, v) = (&self.h.pages[i], &self.ev.statuses[i], &self.pages[i]);
            if p.kind != Kind::Guide || is_index(p) {
                continue;
            }
            any_fresh |= fresh(st);
            evidence.push(ev_page(format!("{}: {}", p.title, review_words(p, st)), v));
        }
        let score = if evidence.is_empty() {
            evidence.push(ev_text("no guide in this domain"));
            0
        } else if any_fresh {
            2
        } else {
            1
        };
        Self::dim(3, Some(score), evidence)
    }

    /// From git: owners changed within the window, or enough people edited
    /// the domain's runbooks → 2; owners unchanged but several people → 1;
    /// one person, unchanged → 0. Unknown without history.
    fn rotation(&self, idx: &[usize], people: usize) -> DimensionView {
        let history = &self.h.history;
        let (Some(ws), true) = (self.window_start, history.known()) else {
            let why = history.reason().unwrap_or("no git history");
            return Self::dim(4, None, vec![ev_text(format!("unknown: {why}"))]);
        };
        if idx
            .iter()
            .all(|&i| history.page(&self.h.pages[i].src.rel).is_none())
        {
            return Self::dim(
                4,
                None,
                vec![ev_text("unknown: no commit touches this domain's pages")],
            );
        }
        let mut evidence = Vec::new();
        let mut changed = false;
        let mut editors: BTreeSet<&str> = BTreeSet::new();
        for &i in idx {
            let (p, v) = (&self.h.pages[i], &self.pages[i]);
            let Some(f) = history.page(&p.src.rel) else {
                continue;
            };
            if let Some(c) = &f.owners_change {
                changed = true;
                let list = |o: &[String]| {
                    if o.is_empty() {
                        "none".to_string()
                    } else {
                        o.join(", ")
                    }
                };
                evidence.push(ev_page(
                    format!(
                        "owners of {} changed since {ws}: were {}, now {}",
                        p.title,
                        list(&c.was),
                        list(&p.front.owners)
                    ),
                    v,
                ));
            }
            if p.kind == Kind::Runbook {
                editors.extend(f.editors_in_window.iter().map(String::as_str));
            }
        }
        let enough_editors = editors.len() as u64 >= u64::from(self.cfg.rotation_editors.max(1));
        evidence.push(ev_text(if editors.is_empty() {
            format!("no runbook edits since {ws}")
        } else {
            format!(
                "runbooks edited by {} since {ws}: {}",
                plural(editors.len(), "person", "people"),
                editors.iter().copied().collect::<Vec<_>>().join(", ")
            )
        }));
        let score = if changed || enough_editors {
            2
        } else if people >= 2 {
            evidence.insert(
                0,
                ev_text(format!(
                    "owners unchanged since {ws}, shared by {people} people"
                )),
            );
            1
        } else {
            let who = if people == 0 {
                "nobody holds the domain"
            } else {
                "one person holds the domain"
            };
            evidence.insert(0, ev_text(format!("owners unchanged since {ws}: {who}")));
            0
        };
        Self::dim(4, Some(score), evidence)
    }
}

/// The transfer move that raises a dimension from `score`.
fn advice(key: &str, score: u8) -> &'static str {
    match (key, score) {
        ("coverage", 0) => "Add a second active owner: pair someone with the current owner on the next change and add them to `owners:`.",
        ("coverage", _) => "Bring one more person into ownership of the domain's key pages.",
        ("recovery", 0) => "Write the first runbook for the domain's most likely failure.",
        ("recovery", _) => "Review the stale or incomplete runbooks listed, close their overdue actions, and verify the prevention of the incidents listed.",
        ("decision_traceability", 0) => "Record the domain's most important standing decision as an ADR.",
        ("decision_traceability", _) => "Accept or reject the proposed ADRs, and link each accepted one from the runbooks and guides that rely on it.",
        ("onboarding_transfer", 0) => "Write an onboarding guide for the domain, with a newcomer as co-author.",
        ("onboarding_transfer", _) => "Have a newcomer review the stale guide and bump `reviewed:`.",
        ("ownership_rotation", 0) => "Hand the next runbook review (or one page's ownership) to someone other than the usual owner.",
        _ => "Rotate one page's ownership, or have a second person review a runbook, this quarter.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_follow_the_thresholds() {
        let b = [4, 7, 9];
        assert_eq!(band(0, b).0, "structural-risk");
        assert_eq!(band(3, b).0, "structural-risk");
        assert_eq!(band(4, b).0, "hidden-fragility");
        assert_eq!(band(6, b).0, "hidden-fragility");
        assert_eq!(band(7, b).0, "healthy-core");
        assert_eq!(band(8, b).0, "healthy-core");
        assert_eq!(band(9, b).0, "resilient");
        assert_eq!(band(10, b).0, "resilient");
        assert_eq!(band(5, [2, 5, 10]).0, "healthy-core");
    }
}
