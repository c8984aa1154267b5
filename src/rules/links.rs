//! Rules `link-broken` and `anchor-broken`: relative links must point at
//! a page or file of the handbook, and `#fragments` at a heading id or an
//! anchor the page defines in raw HTML (`id="..."`, `<a name="...">`).

use crate::diag::{Diagnostic, Severity};
use crate::markdown::resolve_link;
use crate::page::{Handbook, Page};
use std::collections::{HashMap, HashSet};

/// What links can point at: pages (by content-relative path and by URL) and assets.
pub(super) struct LinkIndex<'h> {
    /// Page path or URL → heading ids and raw HTML anchors of that page.
    anchors: HashMap<&'h str, HashSet<&'h str>>,
    /// Asset paths.
    assets: HashSet<&'h str>,
    /// Folders that exist (for links to `folder/`).
    folders: HashSet<String>,
}

impl<'h> LinkIndex<'h> {
    pub(super) fn new(h: &'h Handbook) -> LinkIndex<'h> {
        let mut anchors = HashMap::new();
        let mut folders = HashSet::new();
        for p in &h.pages {
            let ids: HashSet<&str> =
                p.md.headings
                    .iter()
                    .flat_map(|x| std::iter::once(x.id.as_str()).chain(x.alias.as_deref()))
                    .chain(p.md.html_anchors.iter().map(String::as_str))
                    .collect();
            anchors.insert(p.src.rel.as_str(), ids.clone());
            anchors.insert(p.url.as_str(), ids);
            let mut f = p.src.rel.as_str();
            while let Some((parent, _)) = f.rsplit_once('/') {
                folders.insert(parent.to_string());
                f = parent;
            }
        }
        let assets = h.assets.iter().map(|a| a.rel.as_str()).collect();
        LinkIndex {
            anchors,
            assets,
            folders,
        }
    }
}

pub(super) fn check(page: &Page, idx: &LinkIndex<'_>, out: &mut Vec<Diagnostic>) {
    let path = &page.src.root_rel;
    for link in &page.md.links {
        let dest = link.dest.trim();
        // External, site-absolute and out-of-tree links are not ours to check.
        let Some(target) = resolve_link(&page.src.rel, dest) else {
            continue;
        };
        let written = dest.split('#').next().unwrap_or(dest);
        let at = (link.line, link.column);
        let folder = target.path.trim_end_matches('/');
        let index_of_folder = ["index.md", "README.md", "readme.md", "index.html"]
            .iter()
            .map(|f| {
                if folder.is_empty() {
                    f.to_string()
                } else {
                    format!("{folder}/{f}")
                }
            })
            .find(|p| idx.anchors.contains_key(p.as_str()));
        let anchors = if let Some(a) = idx.anchors.get(target.path.as_str()) {
            Some(a)
        } else if idx.assets.contains(target.path.as_str()) {
            None
        } else if let Some(p) = index_of_folder {
            idx.anchors.get(p.as_str())
        } else if folder.is_empty() || idx.folders.contains(folder) {
            None
        } else {
            out.push(
                Diagnostic::new(
                    "link-broken",
                    Severity::Error,
                    path,
                    at,
                    format!(
                        "link to `{written}` points at a file that does not exist ({})",
                        target.path
                    ),
                )
                .with_help(
                    "fix the path (it is relative to this page's folder) or remove the link",
                ),
            );
            continue;
        };
        if let (Some(frag), Some(ids)) = (target.fragment.as_deref(), anchors) {
            if !frag.is_empty() && !ids.contains(frag) {
                let where_ = if written.is_empty() {
                    "this page"
                } else {
                    written
                };
                out.push(
                    Diagnostic::new(
                        "anchor-broken",
                        Severity::Warning,
                        path,
                        at,
                        format!("`#{frag}` matches no heading in {where_}"),
                    )
                    .with_help("link to an existing heading id (shown by the # next to each heading on the site)"),
                );
            }
        }
    }
}
