//! Which domain each page belongs to, for the health dashboard, the search
//! filters and ownership rotation. In order: the page's `domain:`; else the
//! first `[[health.domains]]` whose `paths` match; else its top folder,
//! except that a folder holding more than half of the handbook's pages and
//! having subfolders is split one level deeper (`handbook/engineering`),
//! again while one such folder still holds more than half. Pages at the
//! root without a domain belong to none. Pure: pages in, names out.

use crate::config::DomainGlobs;
use crate::page::Page;
use std::collections::BTreeMap;

/// Sets `domain` on every page (see the module docs for the order).
pub fn assign_domains(globs: &[DomainGlobs], pages: &mut [Page]) {
    let total = pages.len();
    let mut folder_default: Vec<usize> = Vec::new();
    for (i, p) in pages.iter_mut().enumerate() {
        if let Some(d) = p.front.domain.as_deref().map(str::trim) {
            if !d.is_empty() {
                p.domain = Some(d.to_owned());
                continue;
            }
        }
        if let Some(g) = globs.iter().find(|g| g.matches(&p.src.rel)) {
            p.domain = Some(g.name.clone());
            continue;
        }
        p.domain = None;
        folder_default.push(i);
    }
    let rels: Vec<&str> = folder_default
        .iter()
        .map(|&i| pages[i].src.rel.as_str())
        .collect();
    let names = folder_domains(&rels, total);
    for (i, name) in folder_default.into_iter().zip(names) {
        pages[i].domain = name;
    }
}

/// The folder domain of each path: its top folder, deepened where one
/// folder holds more than half of `total` pages and has subfolders.
pub fn folder_domains(rels: &[&str], total: usize) -> Vec<Option<String>> {
    let folders: Vec<Vec<&str>> = rels
        .iter()
        .map(|r| {
            let mut parts: Vec<&str> = r.split('/').collect();
            parts.pop();
            parts
        })
        .collect();
    // How many folder levels each page's domain spans (0: none).
    let mut depth: Vec<usize> = folders.iter().map(|f| f.len().min(1)).collect();
    loop {
        let mut count: BTreeMap<&[&str], usize> = BTreeMap::new();
        for (f, &d) in folders.iter().zip(&depth) {
            if d > 0 {
                *count.entry(&f[..d]).or_default() += 1;
            }
        }
        let crowded = count.into_iter().find(|(prefix, n)| {
            *n * 2 > total
                && folders
                    .iter()
                    .zip(&depth)
                    .any(|(f, &d)| d == prefix.len() && f.len() > d && &f[..d] == *prefix)
        });
        let Some((prefix, _)) = crowded else {
            break;
        };
        let prefix = prefix.to_vec();
        for (f, d) in folders.iter().zip(depth.iter_mut()) {
            if *d == prefix.len() && f.len() > *d && f[..*d] == prefix[..] {
                *d += 1;
            }
        }
    }
    folders
        .iter()
        .zip(depth)
        .map(|(f, d)| (d > 0).then(|| f[..d].join("/")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn domains(rels: &[&str]) -> Vec<Option<String>> {
        folder_domains(rels, rels.len())
    }

    #[test]
    fn top_folders_when_none_holds_most_pages() {
        let d = domains(&["a/x.md", "a/b/y.md", "c/z.md", "d/w.md", "top.md"]);
        let want = [Some("a"), Some("a"), Some("c"), Some("d"), None];
        assert_eq!(d, want.map(|s| s.map(String::from)));
    }

    #[test]
    fn a_folder_holding_most_pages_is_split_deeper_repeatedly() {
        let d = domains(&[
            "handbook/index.md",
            "handbook/eng/a.md",
            "handbook/eng/b.md",
            "handbook/eng/platform/c.md",
            "handbook/eng/platform/d.md",
            "handbook/eng/platform/e.md",
            "handbook/sales/f.md",
            "other/g.md",
        ]);
        let want = [
            "handbook",
            "handbook/eng",
            "handbook/eng",
            "handbook/eng/platform",
            "handbook/eng/platform",
            "handbook/eng/platform",
            "handbook/sales",
            "other",
        ];
        assert_eq!(d, want.map(|s| Some(s.to_string())));
    }

    #[test]
    fn a_crowded_folder_without_subfolders_stays_whole() {
        let d = domains(&[
            "runbooks/a.md",
            "runbooks/b.md",
            "runbooks/c.md",
            "adr/1.md",
        ]);
        assert_eq!(d[0].as_deref(), Some("runbooks"));
        assert_eq!(d[3].as_deref(), Some("adr"));
    }
}
