//! The listings: kind indexes, owner pages and the file names of owner
//! pages.

use super::page::{ActionView, OwnerRef, PageView};
use crate::handbook::Handbook;
use crate::kind::Kind;
use crate::natural::natural_cmp;
use crate::owners::Owner;
use crate::page::Page;
use crate::rules::Evaluation;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Where the owners index is written.
pub const OWNERS_INDEX_URL: &str = "owners/index.html";

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

pub(super) fn owner_ref(h: &Handbook, files: &OwnerFiles, o: &Owner) -> OwnerRef {
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
pub(super) fn owner_stem(id: &str) -> String {
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

pub(super) fn summary(v: &PageView, p: &Page, findings: usize) -> PageSummary {
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

pub(super) fn kind_indexes(summaries: &[PageSummary]) -> Vec<KindIndexView> {
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

pub(super) fn owner_views(
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::root_of;

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
