//! Rules `link-broken` and `anchor-broken`: relative links must point at
//! a page or file of the handbook, and `#fragments` at a heading id or an
//! anchor the page defines in raw HTML (`id="..."`, `<a name="...">`).
//!
//! Links are read the way the generator the handbook was written for read
//! them ([`find_page`]): `x/`, `x` and `x.html` find page `x.md`, a folder
//! index (`_index.md`, `README.md`) or `x.html.md`. Site-absolute links are
//! read against `[build] base-path` ([`resolve_absolute`]) and reported only
//! when they are surely the handbook's: under a base path other than `/`,
//! or (under `/`) when their first folder is one of the content's. Other
//! `/...` links point at the rest of the organisation's website.

use crate::diag::{Diagnostic, Severity};
use crate::handbook::Handbook;
use crate::markdown::{find_page, is_bare_email, pretty_link_base, resolve_absolute, resolve_link};
use crate::page::Page;
use std::collections::{HashMap, HashSet};

/// What links can point at: pages (by content-relative path and by URL) and assets.
pub(super) struct LinkIndex<'h> {
    /// Page path or URL → heading ids and raw HTML anchors of that page.
    anchors: HashMap<&'h str, HashSet<&'h str>>,
    /// Asset paths.
    assets: HashSet<&'h str>,
    /// Folders that exist (for links to `folder/`).
    folders: HashSet<String>,
    /// `[build] base-path`.
    base_path: &'h str,
    /// `[build] pretty-urls`.
    pretty_urls: bool,
}

impl<'h> LinkIndex<'h> {
    pub(super) fn new(h: &'h Handbook) -> LinkIndex<'h> {
        let mut anchors = HashMap::new();
        let mut folders = HashSet::new();
        for p in &h.pages {
            let ids: HashSet<&str> =
                p.md.headings
                    .iter()
                    .flat_map(|x| {
                        std::iter::once(x.id.as_str()).chain(x.aliases.iter().map(String::as_str))
                    })
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
        let assets: HashSet<&str> = h.assets.iter().map(|a| a.rel.as_str()).collect();
        for a in &assets {
            if let Some((top, _)) = a.split_once('/') {
                folders.insert(top.to_owned());
            }
        }
        LinkIndex {
            anchors,
            assets,
            folders,
            base_path: &h.config.base_path,
            pretty_urls: h.config.pretty_urls,
        }
    }

    /// Whether a content-relative target names a page, an asset or a folder.
    fn finds(&self, path: &str) -> bool {
        self.anchors.contains_key(path)
            || self.assets.contains(path)
            || find_page(path, |c| self.anchors.contains_key(c)).is_some()
            || self.folders.contains(path.trim_end_matches('/'))
    }
}

pub(super) fn check(page: &Page, idx: &LinkIndex<'_>, out: &mut Vec<Diagnostic>) {
    let path = &page.src.root_rel;
    for link in &page.md.links {
        let dest = link.dest.trim();
        if is_bare_email(dest) {
            continue;
        }
        // External and out-of-tree links are not ours to check; site-absolute
        // ones are when they are under the base path.
        let (target, absolute) = match resolve_link(&page.src.rel, dest) {
            Some(t) => (t, None),
            None => match resolve_absolute(dest, idx.base_path) {
                Some(a) => (
                    crate::markdown::LinkTarget {
                        path: a.path,
                        fragment: a.fragment,
                    },
                    Some(a.claimed),
                ),
                None => continue,
            },
        };
        // On a site with pretty URLs the browser read a relative link from
        // the page's own folder (`a/b.md` was `a/b/`): try that reading
        // when the file-system one finds nothing.
        let file = target.path.rsplit('/').next().unwrap_or("");
        let url_like = file.is_empty() || crate::markdown::page_stem(file).is_none();
        let target = match (&absolute, idx.pretty_urls && url_like) {
            (None, true) if !idx.finds(&target.path) => pretty_link_base(&page.src.rel)
                .and_then(|base| resolve_link(&base, dest))
                .filter(|t| idx.finds(&t.path))
                .unwrap_or(target),
            _ => target,
        };
        let written = dest.split('#').next().unwrap_or(dest);
        let at = (link.line, link.column);
        let folder = target.path.trim_end_matches('/');
        let anchors = if let Some(a) = idx.anchors.get(target.path.as_str()) {
            Some(a)
        } else if idx.assets.contains(target.path.as_str()) {
            None
        } else if let Some(p) = find_page(&target.path, |c| idx.anchors.contains_key(c)) {
            idx.anchors.get(p.as_str())
        } else if folder.is_empty() || idx.folders.contains(folder) {
            None
        } else {
            let top = folder.split('/').next().unwrap_or(folder);
            let ours = match absolute {
                None | Some(true) => true,
                Some(false) => folder.contains('/') && idx.folders.contains(top),
            };
            if !ours {
                continue;
            }
            let help = if absolute.is_some() {
                format!(
                    "fix the path (site-absolute links are read against base-path `{}`) or remove the link",
                    idx.base_path
                )
            } else {
                "fix the path (it is relative to this page's folder) or remove the link".to_owned()
            };
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
                .with_help(help),
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
