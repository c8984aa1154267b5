//! Stage 4 (preparation): the sidebar as a tree of folders, cut into
//! small nodes ([`NavTree`]), and each page's branch in it. Pure; decides
//! what the sidebar lists and in which order, never how it looks.
//!
//! The tree follows the source folders (`guides/backend/x.md` is under
//! `guides` → `backend`); links are always the pages' own `url`, never
//! worked out from the source path. Each folder is one node, written by
//! the renderer as one small script (`nav/ID.js`), so a page loads only
//! the nodes of its own branch and the others as the reader opens them:
//! the navigation a page loads does not grow with the pages in other
//! folders. A folder with more than [`GROUP_MAX`] entries is cut into
//! groups (nodes of their own, themselves cut when they are too big), so
//! no node grows past a few hundred entries either.
//!
//! Order within a folder (see `nav/order.rs`): at the top, the home page first;
//! then what `SUMMARY.md` lists, in its order (a folder where its first
//! listed page is); then subfolders, then pages, each by `weight` (a
//! folder by its index page's; lower first, none last) and then in natural
//! order of what the reader sees ("4. Deploys" before "39. Rollbacks").
//! The reading order (previous / next) is the sidebar's, depth first: a
//! folder's index page, then what the folder lists. A folder is named by its index page's
//! title (`index.md`, `README.md`, `_index.md`), else by its name made
//! readable; a folder that holds nothing but its index page is listed as
//! that page. Siblings that would show the same text get a hint that tells
//! them apart (the page's file name, the folder's name).

use crate::handbook::Handbook;
use crate::markdown::is_index_page;
use crate::natural::natural_cmp;
use crate::rules::Evaluation;
use crate::view::{
    Crumb, NavEntry, NavFolder, NavGroup, NavNode, NavPage, NavTree, PageLink, PageView,
};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The most entries a node lists before it is cut into groups.
pub const GROUP_MAX: usize = 100;

/// The id of the top node (the content folder itself).
pub const ROOT_ID: &str = "root";

mod order;

/// What [`nav_tree`] works out: the sidebar and where each page is in it.
#[derive(Debug, Clone, Default)]
pub struct NavData {
    /// The sidebar tree.
    pub tree: NavTree,
    /// For each page (in `h.pages` order) its branch: the ids of the
    /// nodes to open to show it, from the top down.
    pub branches: Vec<Vec<String>>,
    /// The pages the sidebar shows, in reading order (depth first, as
    /// listed), by index into `h.pages`.
    pub order: Vec<usize>,
    /// For each page, the folders above it: the home page, then each
    /// folder down to the page's own (not the page itself). Empty for the
    /// home page.
    pub crumbs: Vec<Vec<Crumb>>,
}

/// The sidebar tree, each page's branch in it, the reading order and
/// each page's breadcrumbs.
pub fn nav_tree(h: &Handbook, ev: &Evaluation) -> NavData {
    let mut top = Dir::default();
    for (i, p) in h.pages.iter().enumerate() {
        let mut parts: Vec<&str> = p.src.rel.split('/').collect();
        let file = parts.pop().unwrap_or_default();
        let mut dir = &mut top;
        let mut path = String::new();
        for part in parts {
            if !path.is_empty() {
                path.push('/');
            }
            path.push_str(part);
            dir = dir.dirs.entry(part.to_owned()).or_insert_with(|| Dir {
                name: part.to_owned(),
                path: path.clone(),
                ..Dir::default()
            });
        }
        // Pages are sorted by path: when a folder has several index pages
        // the last wins, as it wins the folder's `index.html`.
        if is_index_page(file) {
            if let Some(lost) = dir.index.replace(i) {
                dir.shadowed.push(lost);
            }
        } else {
            dir.pages.push(i);
        }
    }
    let ranks = crate::summary::summary_ranks(h.summary.as_ref(), &h.pages);
    order::rank_dirs(&mut top, &ranks);
    let mut b = Builder {
        h,
        ev,
        ranks,
        ids: BTreeSet::new(),
        nodes: Vec::new(),
        branches: vec![Vec::new(); h.pages.len()],
        order: Vec::with_capacity(h.pages.len()),
        crumbs: vec![Vec::new(); h.pages.len()],
    };
    top.id = ROOT_ID.to_owned();
    b.ids.insert(ROOT_ID.to_owned());
    b.assign_ids(&mut top);
    let home = Crumb {
        title: top
            .index
            .map(|i| h.pages[i].title.clone())
            .filter(|t| !t.trim().is_empty())
            .unwrap_or_else(|| {
                let t = h.config.title.trim();
                if t.is_empty() { "Home" } else { t }.to_owned()
            }),
        url: Some("index.html".to_owned()),
    };
    b.folder(&top, &[], &[home]);
    b.nodes.sort_by(|x, y| x.id.cmp(&y.id));
    NavData {
        tree: NavTree { nodes: b.nodes },
        branches: b.branches,
        order: b.order,
        crumbs: b.crumbs,
    }
}

/// Gives each page its sidebar branch, breadcrumbs and previous / next
/// (from `nav`, which [`nav_tree`] worked out for these pages);
/// returns the sidebar tree.
pub fn attach_nav(pages: &mut [PageView], nav: NavData) -> NavTree {
    let link = |v: &PageView| PageLink {
        title: v.title.clone(),
        url: v.url.clone(),
    };
    let mut links: Vec<(Option<PageLink>, Option<PageLink>)> = vec![(None, None); pages.len()];
    for w in nav.order.windows(2) {
        let (a, b) = (w[0], w[1]);
        links[a].1 = Some(link(&pages[b]));
        links[b].0 = Some(link(&pages[a]));
    }
    let parts = nav.branches.into_iter().zip(nav.crumbs).zip(links);
    for (view, ((branch, crumbs), (prev, next))) in pages.iter_mut().zip(parts) {
        view.nav = branch;
        view.breadcrumbs = crumbs;
        view.prev = prev;
        view.next = next;
    }
    nav.tree
}

/// A source folder while the tree is built.
#[derive(Default)]
struct Dir {
    /// Folder name as written (`backend`).
    name: String,
    /// Path under the content folder (`guides/backend`).
    path: String,
    /// Node id ([`ROOT_ID`] at the top).
    id: String,
    dirs: BTreeMap<String, Dir>,
    /// Pages directly in it, by index into `Handbook::pages`.
    pages: Vec<usize>,
    /// Its index page.
    index: Option<usize>,
    /// Index pages that lost the folder's `index.html` to `index`.
    shadowed: Vec<usize>,
    /// The first `SUMMARY.md` position of a page in it, at any depth.
    rank: Option<usize>,
}

/// Where an entry of a folder's listing comes from.
enum Slot<'d> {
    Page(usize),
    Folder(&'d Dir),
    /// A folder listed as its index page, its only page.
    Lone(&'d Dir, usize),
}

struct Builder<'a> {
    h: &'a Handbook,
    ev: &'a Evaluation,
    /// `SUMMARY.md` positions by page.
    ranks: HashMap<usize, usize>,
    ids: BTreeSet<String>,
    nodes: Vec<NavNode>,
    branches: Vec<Vec<String>>,
    order: Vec<usize>,
    crumbs: Vec<Vec<Crumb>>,
}

/// What [`Builder::folder`] tells the parent about a folder.
struct Totals {
    pages: usize,
    stale: usize,
}

impl Builder<'_> {
    /// Gives every folder a node id: a hash of its path, so that the id,
    /// and with it the pages that name it, stay the same when other
    /// folders come and go. Folders are visited in path order, so a hash
    /// clash (in practice never) is settled the same way every build.
    fn assign_ids(&mut self, dir: &mut Dir) {
        for sub in dir.dirs.values_mut() {
            let mut id = format!("{:016x}", fnv1a(&sub.path));
            let mut n = 2;
            while !self.ids.insert(id.clone()) {
                id = format!("{:016x}-x{n}", fnv1a(&sub.path));
                n += 1;
            }
            sub.id = id;
            self.assign_ids(sub);
        }
    }

    fn page_entry(&self, i: usize) -> NavPage {
        let p = &self.h.pages[i];
        let st = &self.ev.statuses[i];
        NavPage {
            title: p.title.clone(),
            url: p.url.clone(),
            stale: st.stale(),
            owned: st.owned(),
            hint: None,
        }
    }

    /// Builds the node of `dir` (and its groups and subfolders' nodes) and
    /// the branches of the pages in it; `above` is the branch down to the
    /// node that lists `dir`, `trail` the breadcrumbs down to `dir` itself.
    fn folder(&mut self, dir: &Dir, above: &[String], trail: &[Crumb]) -> Totals {
        let mut branch = above.to_vec();
        branch.push(dir.id.clone());
        let mut totals = Totals { pages: 0, stale: 0 };
        // The folder's own link comes before what it lists; its index
        // page's breadcrumbs stop above the folder.
        if let Some(i) = dir.index {
            if dir.id != ROOT_ID {
                self.order.push(i);
            }
        }
        for &i in dir.index.iter().chain(&dir.shadowed) {
            if dir.id != ROOT_ID {
                self.crumbs[i] = trail[..trail.len().saturating_sub(1)].to_vec();
            }
        }

        // A folder that holds nothing but its index page is listed as
        // that page: a folder to open for one link is a step for nothing.
        let (lone, subs): (Vec<&Dir>, Vec<&Dir>) = dir
            .dirs
            .values()
            .partition(|sub| sub.dirs.is_empty() && sub.pages.is_empty() && sub.index.is_some());
        let folders: Vec<(NavEntry, Slot<'_>)> = subs
            .into_iter()
            .map(|sub| {
                let label = match sub.index {
                    Some(i) => self.h.pages[i].title.clone(),
                    None => folder_label(&sub.name),
                };
                let entry = NavEntry::Folder(NavFolder {
                    id: sub.id.clone(),
                    label,
                    index: sub.index.map(|i| self.page_entry(i)),
                    pages: 0,
                    stale: 0,
                    hint: None,
                });
                (entry, Slot::Folder(sub))
            })
            .collect();
        let pages: Vec<(NavEntry, Slot<'_>)> = dir
            .pages
            .iter()
            .map(|&i| (NavEntry::Page(self.page_entry(i)), Slot::Page(i)))
            .chain(lone.into_iter().filter_map(|sub| {
                let i = sub.index?;
                Some((NavEntry::Page(self.page_entry(i)), Slot::Lone(sub, i)))
            }))
            .collect();
        // Ties go by folder name or URL, which siblings never share.
        let tie = |x: &(NavEntry, Slot<'_>)| match (&x.0, &x.1) {
            (_, Slot::Folder(sub) | Slot::Lone(sub, _)) => sub.name.clone(),
            (e, _) => e.key().to_owned(),
        };
        let by_label = |a: &(NavEntry, Slot<'_>), b: &(NavEntry, Slot<'_>)| {
            natural_cmp(a.0.label(), b.0.label()).then_with(|| tie(a).cmp(&tie(b)))
        };
        let mut listed = folders;
        listed.extend(pages);
        listed.sort_by(|a, b| {
            order::compare(self.h, &self.ranks, &a.1, &b.1).then_with(|| by_label(a, b))
        });
        let mut entries = Vec::with_capacity(listed.len() + 1);
        // The home page (the top folder's index) first.
        if let Some(i) = dir.index.filter(|_| dir.id == ROOT_ID) {
            entries.push((NavEntry::Page(self.page_entry(i)), Slot::Page(i)));
        }
        entries.extend(listed);
        self.add_hints(&mut entries);

        let places = group_places(entries.len(), &dir.id);
        for ((entry, slot), groups) in entries.iter_mut().zip(places) {
            let mut down = branch.clone();
            down.extend(groups);
            match slot {
                Slot::Folder(sub) => {
                    let mut inner = trail.to_vec();
                    inner.push(Crumb {
                        title: entry.label().to_owned(),
                        url: sub.index.map(|i| self.h.pages[i].url.clone()),
                    });
                    let t = self.folder(sub, &down, &inner);
                    if let NavEntry::Folder(f) = entry {
                        f.pages = t.pages;
                        f.stale = t.stale;
                    }
                    totals.pages += t.pages;
                    totals.stale += t.stale;
                }
                Slot::Page(i) => {
                    self.count(&mut totals, *i);
                    self.order.push(*i);
                    if dir.index != Some(*i) {
                        self.crumbs[*i] = trail.to_vec();
                    }
                    self.branches[*i] = down;
                }
                Slot::Lone(sub, i) => {
                    self.count(&mut totals, *i);
                    self.order.push(*i);
                    for &j in &sub.shadowed {
                        self.branches[j] = down.clone();
                        self.crumbs[j] = trail.to_vec();
                    }
                    self.crumbs[*i] = trail.to_vec();
                    self.branches[*i] = down;
                }
            }
        }
        // A folder's index pages open the folder itself; below the top,
        // the index is listed as the folder's own link.
        for &i in dir.index.iter().chain(&dir.shadowed) {
            if dir.id != ROOT_ID && dir.index == Some(i) {
                self.count(&mut totals, i);
            }
            if dir.id != ROOT_ID || dir.index != Some(i) {
                self.branches[i] = branch.clone();
            }
        }

        let entries: Vec<NavEntry> = entries.into_iter().map(|(e, _)| e).collect();
        self.emit_node(dir.id.clone(), entries);
        totals
    }

    fn count(&self, totals: &mut Totals, i: usize) {
        totals.pages += 1;
        if self.ev.statuses[i].stale() {
            totals.stale += 1;
        }
    }

    /// Marks siblings that would show the same text with what tells them
    /// apart: a page's file name, a folder's name.
    fn add_hints(&self, entries: &mut [(NavEntry, Slot<'_>)]) {
        let norm = |e: &NavEntry| e.label().trim().to_lowercase();
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (e, _) in entries.iter() {
            *seen.entry(norm(e)).or_default() += 1;
        }
        for (e, slot) in entries.iter_mut() {
            if seen.get(&norm(e)).copied().unwrap_or(0) < 2 {
                continue;
            }
            match (e, slot) {
                (NavEntry::Page(p), Slot::Page(i)) => {
                    let rel = &self.h.pages[*i].src.rel;
                    p.hint = Some(rel.rsplit('/').next().unwrap_or(rel).to_owned());
                }
                (NavEntry::Folder(f), Slot::Folder(sub)) => {
                    f.hint = Some(format!("{}/", sub.name));
                }
                (NavEntry::Page(p), Slot::Lone(sub, _)) => {
                    p.hint = Some(format!("{}/", sub.name));
                }
                _ => {}
            }
        }
    }

    /// Records the node `id` listing `entries`, cut into groups (nodes
    /// `ID-1`, `ID-2`, ..., and `ID-1-1` below them) when there are more
    /// than [`GROUP_MAX`]; the cut matches [`group_places`].
    fn emit_node(&mut self, id: String, entries: Vec<NavEntry>) {
        if entries.len() <= GROUP_MAX {
            self.nodes.push(NavNode { id, entries });
            return;
        }
        let size = group_size(entries.len());
        let mut groups = Vec::new();
        let mut rest = entries.into_iter().peekable();
        let mut k = 0;
        while rest.peek().is_some() {
            k += 1;
            let chunk: Vec<NavEntry> = rest.by_ref().take(size).collect();
            let gid = format!("{id}-{k}");
            let pages = chunk.iter().map(NavEntry::pages).sum();
            let stale = chunk.iter().map(NavEntry::stale).sum();
            let first = chunk.first().map(NavEntry::label).unwrap_or_default();
            let last = chunk.last().map(NavEntry::label).unwrap_or_default();
            groups.push(NavEntry::Group(NavGroup {
                id: gid.clone(),
                label: format!("{} – {}", shorten(first), shorten(last)),
                pages,
                stale,
            }));
            self.emit_node(gid, chunk);
        }
        self.nodes.push(NavNode {
            id,
            entries: groups,
        });
    }
}

/// How many entries go in each group when `n` (more than [`GROUP_MAX`])
/// are cut: at most [`GROUP_MAX`] groups, of equal size but the last.
fn group_size(n: usize) -> usize {
    let groups = n.div_ceil(GROUP_MAX).min(GROUP_MAX);
    n.div_ceil(groups)
}

/// For each of `n` entries of node `id`, the ids of the groups it ends up
/// in, outermost first (empty when the node is not cut).
fn group_places(n: usize, id: &str) -> Vec<Vec<String>> {
    if n <= GROUP_MAX {
        return vec![Vec::new(); n];
    }
    let size = group_size(n);
    let mut out = Vec::with_capacity(n);
    let mut start = 0;
    let mut k = 0;
    while start < n {
        k += 1;
        let len = size.min(n - start);
        let gid = format!("{id}-{k}");
        for mut inner in group_places(len, &gid) {
            inner.insert(0, gid.clone());
            out.push(inner);
        }
        start += len;
    }
    out
}

/// At most 24 characters of `s`, with `…` when cut.
fn shorten(s: &str) -> String {
    const MAX: usize = 24;
    if s.chars().count() <= MAX {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(MAX - 1).collect();
    out.truncate(out.trim_end().len());
    out.push('…');
    out
}

impl NavEntry {
    /// What the reader sees, and what the entry sorts by.
    pub fn label(&self) -> &str {
        match self {
            NavEntry::Page(p) => &p.title,
            NavEntry::Folder(f) => &f.label,
            NavEntry::Group(g) => &g.label,
        }
    }

    /// A tie-breaker that is unique among siblings.
    fn key(&self) -> &str {
        match self {
            NavEntry::Page(p) => &p.url,
            NavEntry::Folder(f) => &f.id,
            NavEntry::Group(g) => &g.id,
        }
    }

    fn pages(&self) -> usize {
        match self {
            NavEntry::Page(_) => 1,
            NavEntry::Folder(f) => f.pages,
            NavEntry::Group(g) => g.pages,
        }
    }

    fn stale(&self) -> usize {
        match self {
            NavEntry::Page(p) => usize::from(p.stale),
            NavEntry::Folder(f) => f.stale,
            NavEntry::Group(g) => g.stale,
        }
    }
}

/// A folder's name made readable: `on-call_rotations` → `On call rotations`.
pub fn folder_label(folder: &str) -> String {
    match folder.to_ascii_lowercase().as_str() {
        "adr" | "adrs" => return "Decisions (ADRs)".into(),
        "faq" => return "FAQ".into(),
        _ => {}
    }
    let words = folder.replace(['-', '_'], " ");
    let mut c = words.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// FNV-1a, 64 bits: a hash that is the same on every machine and release.
fn fnv1a(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests;
