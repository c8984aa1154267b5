//! Rules `link-broken` and `anchor-broken`: relative links must point at
//! a page or file of the handbook, and `#fragments` at a heading id.

use crate::diag::{Diagnostic, Severity};
use crate::page::{Handbook, Page};
use std::collections::{HashMap, HashSet};

/// What links can point at: pages (by content-relative path and by URL) and assets.
pub(super) struct LinkIndex<'h> {
    /// Page path or URL → heading ids of that page.
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
            let ids: HashSet<&str> = p.md.headings.iter().map(|x| x.id.as_str()).collect();
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

/// Is this link relative (something we can and should check)?
fn is_relative(dest: &str) -> bool {
    !(dest.is_empty()
        || dest.starts_with('/')
        || dest.starts_with("//")
        || dest.contains("://")
        || dest.starts_with("mailto:")
        || dest.starts_with("tel:")
        || dest.starts_with("data:")
        || dest.starts_with("javascript:")
        || dest.starts_with('{')
        || dest.split_once(':').is_some_and(|(scheme, _)| {
            !scheme.contains('/')
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '-' || c == '.')
        }))
}

/// Joins `rel` onto the folder of `page_path`, resolving `.` and `..`.
/// `None` when it climbs out of the content folder.
pub(super) fn resolve(page_path: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = page_path.split('/').collect();
    parts.pop();
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Some(b) = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub(super) fn check(page: &Page, idx: &LinkIndex<'_>, out: &mut Vec<Diagnostic>) {
    let path = &page.src.root_rel;
    for link in &page.md.links {
        let dest = link.dest.trim();
        if !is_relative(dest) {
            continue;
        }
        let (target, fragment) = match dest.split_once('#') {
            Some((t, f)) => (t, Some(f)),
            None => (dest, None),
        };
        let target = target.split('?').next().unwrap_or(target);
        let at = (link.line, link.column);
        let anchors = if target.is_empty() {
            idx.anchors.get(page.src.rel.as_str())
        } else {
            let decoded = percent_decode(target);
            let Some(resolved) = resolve(&page.src.rel, &decoded) else {
                continue; // points outside the content folder; not ours to check
            };
            let as_folder = resolved.trim_end_matches('/');
            let index_of_folder = ["index.md", "README.md", "readme.md", "index.html"]
                .iter()
                .map(|f| {
                    if as_folder.is_empty() {
                        f.to_string()
                    } else {
                        format!("{as_folder}/{f}")
                    }
                })
                .find(|p| idx.anchors.contains_key(p.as_str()));
            if let Some(a) = idx.anchors.get(resolved.as_str()) {
                Some(a)
            } else if idx.assets.contains(resolved.as_str()) {
                None
            } else if let Some(p) = index_of_folder {
                idx.anchors.get(p.as_str())
            } else if idx.folders.contains(as_folder) {
                None
            } else {
                out.push(
                    Diagnostic::new(
                        "link-broken",
                        Severity::Error,
                        path,
                        at,
                        format!(
                            "link to `{target}` points at a file that does not exist ({resolved})"
                        ),
                    )
                    .with_help(
                        "fix the path (it is relative to this page's folder) or remove the link",
                    ),
                );
                continue;
            }
        };
        if let (Some(frag), Some(ids)) = (fragment, anchors) {
            let frag = percent_decode(frag);
            if !frag.is_empty() && !ids.contains(frag.as_str()) {
                out.push(
                    Diagnostic::new(
                        "anchor-broken",
                        Severity::Warning,
                        path,
                        at,
                        format!("`#{frag}` matches no heading in {}", if target.is_empty() { "this page" } else { target }),
                    )
                    .with_help("link to an existing heading id (shown by the # next to each heading on the site)"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_relative_paths() {
        assert_eq!(resolve("a/b.md", "../c.md").as_deref(), Some("c.md"));
        assert_eq!(resolve("a/b.md", "./d/e.md").as_deref(), Some("a/d/e.md"));
        assert_eq!(resolve("b.md", "../x.md"), None);
        assert_eq!(percent_decode("my%20page.md"), "my page.md");
    }

    #[test]
    fn only_relative_links_are_checked() {
        assert!(is_relative("a.md"));
        assert!(is_relative("../a.md#x"));
        assert!(!is_relative("https://x.dev/a.md"));
        assert!(!is_relative("mailto:a@b"));
        assert!(!is_relative("/abs.md"));
    }
}
