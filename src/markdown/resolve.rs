//! Links as the source's generator resolved them: pretty URLs (`x/`,
//! `../x/`, Hugo's extensionless `x`), folder indexes (`index.md`,
//! `_index.md`, `README.md`), `.html` spellings of markdown pages and
//! site-absolute links under the site's base path. One place decides which
//! page a link means, for `link-broken` and for the hrefs of the built site.
//!
//! Pure: it sees the set of page paths it is given, never the disk.

use super::links::{has_markdown_ext, resolve_path, INDEX_PAGES};
use super::page_url;

/// The output URL of a page, root-relative: `a/b.md` → `a/b.html`, or with
/// pretty URLs `a/b/index.html`; index pages stay `a/index.html` either way.
/// The one place the URL style is decided ([`crate::page::Page::url`]).
pub fn page_url_styled(path: &str, pretty: bool) -> String {
    let url = page_url(path);
    if !pretty || !has_markdown_ext(path) || super::is_index_page(path) {
        return url;
    }
    match url.strip_suffix(".html") {
        Some(stem) => format!("{stem}/index.html"),
        None => url,
    }
}

/// The content-relative paths a link target may be written for, most
/// specific first: the path itself, the markdown page behind a `.html` or
/// extensionless spelling, and a folder's index pages.
pub(crate) fn page_candidates(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let index_of = |dir: &str, out: &mut Vec<String>| {
        out.extend(INDEX_PAGES.iter().map(|name| format!("{dir}{name}")));
    };
    if path.is_empty() || path.ends_with('/') {
        index_of(path, &mut out);
        // Hugo and MkDocs write page `x.md` as `x/`.
        if let Some(page) = path.strip_suffix('/').filter(|p| !p.is_empty()) {
            for ext in ["md", "markdown", "html.md"] {
                out.push(format!("{page}.{ext}"));
            }
        }
        return out;
    }
    out.push(path.to_owned());
    let file = path.rsplit('/').next().unwrap_or(path);
    if super::is_index_page(file) {
        // `index.md` where the folder's index is `_index.md` or `README.md`.
        index_of(&path[..path.len() - file.len()], &mut out);
        return out;
    }
    let lower = file.to_ascii_lowercase();
    if let Some(stem) = path
        .len()
        .checked_sub(".html".len())
        .filter(|_| lower.ends_with(".html"))
        .map(|cut| &path[..cut])
    {
        if lower == "index.html" {
            index_of(&path[..path.len() - file.len()], &mut out);
        } else {
            for ext in ["md", "markdown", "html.md"] {
                out.push(format!("{stem}.{ext}"));
            }
        }
    } else if !file.contains('.') {
        for ext in ["md", "markdown", "html.md"] {
            out.push(format!("{path}.{ext}"));
        }
        index_of(&format!("{path}/"), &mut out);
    }
    out
}

/// Where a browser read the relative links of page `page_path` on a site
/// with pretty URLs: `a/b.md` was `a/b/`, so `../x/` meant `a/x/`. Given as
/// a page path in that folder (`a/b/_`), for [`super::resolve_link`];
/// `None` for index pages, which stay in their folder.
pub fn pretty_link_base(page_path: &str) -> Option<String> {
    if super::is_index_page(page_path) || !has_markdown_ext(page_path) {
        return None;
    }
    let url = page_url_styled(page_path, true);
    let dir = url_dir(&url);
    Some(format!("{dir}_"))
}

/// The page a content-relative target path means, if `is_page` knows one.
pub fn find_page(path: &str, is_page: impl Fn(&str) -> bool) -> Option<String> {
    if let Some(found) = page_candidates(path).into_iter().find(|c| is_page(c)) {
        return Some(found);
    }
    // Hugo writes every URL in lower case, so its links (`/x/JTBD/`, a
    // page URL, not a file) reach `jtbd.md`. Only URL-style links (a
    // folder, or no extension) are read that way: a file link keeps its case.
    let file = path
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(path);
    let url_style = path.ends_with('/') || !file.contains('.');
    let lower = path.to_lowercase();
    if url_style && lower != path {
        return page_candidates(&lower).into_iter().find(|c| is_page(c));
    }
    None
}

/// A site-absolute link (`/handbook/x/`) read against the base path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AbsoluteTarget {
    /// The path under the content dir (percent-decoded; `""` for the root,
    /// `x/` for a folder).
    pub path: String,
    /// The decoded `#fragment`, if any.
    pub fragment: Option<String>,
    /// `true` when the link is under a base path other than `/`: it is the
    /// handbook's for sure. Under `/` it is only when it resolves or its
    /// first folder is one of the content's.
    pub claimed: bool,
}

/// Reads `dest` as a site-absolute link (`/x/`, not `//host`) against
/// `base_path` (`/` or `/handbook/`). `None` for anything else, and for
/// absolute links outside a non-root base path (another part of the
/// company's site).
pub fn resolve_absolute(dest: &str, base_path: &str) -> Option<AbsoluteTarget> {
    if !dest.starts_with('/') || dest.starts_with("//") {
        return None;
    }
    let (before, fragment) = match dest.split_once('#') {
        Some((b, f)) => (b, Some(crate::url::decode_lenient(f))),
        None => (dest, None),
    };
    let path = before.split_once('?').map_or(before, |(p, _)| p);
    let path = crate::url::decode_lenient(path);
    let (rest, claimed) = if base_path == "/" {
        (path.strip_prefix('/')?.to_owned(), false)
    } else if path == base_path.trim_end_matches('/') {
        (String::new(), true)
    } else {
        (path.strip_prefix(base_path)?.to_owned(), true)
    };
    // Normalise `.`/`..` inside the path; climbing out is not ours.
    let path = if rest.is_empty() {
        rest
    } else {
        resolve_path("", &rest)?
    };
    Some(AbsoluteTarget {
        path,
        fragment,
        claimed,
    })
}

/// Whether a link destination is an email address written without
/// `mailto:` (`[Ana](ana@example.org)`).
pub(crate) fn is_bare_email(dest: &str) -> bool {
    let Some((user, host)) = dest.split_once('@') else {
        return false;
    };
    !user.is_empty()
        && host.contains('.')
        && !dest.contains(['/', ':', '#', '?', ' '])
        && !host.ends_with('.')
}

/// `to` (root-relative; a folder ends with `/`) as seen from the folder
/// `from_dir` (root-relative, `""` or ending with `/`): `../b/x.html`.
pub(crate) fn relative_href(from_dir: &str, to: &str) -> String {
    let from: Vec<&str> = from_dir.split('/').filter(|s| !s.is_empty()).collect();
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from
        .iter()
        .zip(to_parts.iter())
        .take_while(|(a, b)| a == b)
        .count()
        // Never use up the last part of `to` (its file name).
        .min(to_parts.len().saturating_sub(1));
    let mut out = "../".repeat(from.len() - common);
    out.push_str(&to_parts[common..].join("/"));
    if out.is_empty() {
        out.push_str("./");
    }
    out
}

/// The folder of a root-relative URL: `a/b.html` → `a/`, `x.html` → `""`.
pub(crate) fn url_dir(url: &str) -> &str {
    url.rfind('/').map_or("", |i| &url[..=i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pretty_urls_move_pages_but_not_indexes() {
        assert_eq!(page_url_styled("a/b.md", true), "a/b/index.html");
        assert_eq!(page_url_styled("a/_index.md", true), "a/index.html");
        assert_eq!(page_url_styled("a/b.html.md", true), "a/b/index.html");
        assert_eq!(page_url_styled("a/b.md", false), "a/b.html");
        assert_eq!(page_url_styled("img/x.png", true), "img/x.png");
    }

    #[test]
    fn hugo_urls_are_lower_case() {
        let pages = ["ops/jtbd.md", "ops/Runbook.md"];
        let is_page = |c: &str| pages.contains(&c);
        assert_eq!(
            find_page("ops/JTBD/", is_page).as_deref(),
            Some("ops/jtbd.md")
        );
        assert_eq!(
            find_page("ops/Jtbd", is_page).as_deref(),
            Some("ops/jtbd.md")
        );
        // A file link keeps its case.
        assert_eq!(find_page("ops/JTBD.md", is_page), None);
        assert_eq!(
            find_page("ops/Runbook.md", is_page).as_deref(),
            Some("ops/Runbook.md")
        );
    }

    #[test]
    fn candidates_cover_generator_spellings() {
        let c = page_candidates("runbooks/db");
        assert!(c.contains(&"runbooks/db.md".to_owned()));
        assert!(c.contains(&"runbooks/db/_index.md".to_owned()));
        let c = page_candidates("guide/x.html");
        assert!(c.contains(&"guide/x.html.md".to_owned()));
        assert!(c.contains(&"guide/x.md".to_owned()));
        assert!(page_candidates("a/").contains(&"a/README.md".to_owned()));
        assert!(page_candidates("a/").contains(&"a.md".to_owned()));
        assert!(!page_candidates("").iter().any(|c| c.starts_with('.')));
    }

    #[test]
    fn absolute_links_read_against_the_base_path() {
        let t = resolve_absolute("/handbook/eng/x/#a-b", "/handbook/").unwrap();
        assert_eq!(
            (t.path.as_str(), t.fragment.as_deref(), t.claimed),
            ("eng/x/", Some("a-b"), true)
        );
        assert_eq!(resolve_absolute("/careers/", "/handbook/"), None);
        assert_eq!(resolve_absolute("//cdn.example.org/x", "/"), None);
        let t = resolve_absolute("/handbook", "/handbook/").unwrap();
        assert_eq!(t.path, "");
        let t = resolve_absolute("/x.html", "/").unwrap();
        assert_eq!((t.path.as_str(), t.claimed), ("x.html", false));
    }

    #[test]
    fn pretty_sites_read_links_from_the_page_folder() {
        assert_eq!(
            pretty_link_base("adr/decisions/003-go.md").as_deref(),
            Some("adr/decisions/003-go/_")
        );
        assert_eq!(pretty_link_base("adr/_index.md"), None);
        assert!(page_candidates("a/index.md").contains(&"a/_index.md".to_owned()));
    }

    #[test]
    fn relative_hrefs() {
        assert_eq!(relative_href("a/b/", "a/c/index.html"), "../c/index.html");
        assert_eq!(relative_href("", "a/x.html"), "a/x.html");
        assert_eq!(relative_href("a/", "a/x.html"), "x.html");
        assert_eq!(relative_href("a/b/", "a/b/"), "./");
        assert_eq!(relative_href("a/b/", "x.png"), "../../x.png");
    }

    #[test]
    fn bare_emails() {
        assert!(is_bare_email("ana@example.org"));
        assert!(!is_bare_email("docs/a@b.md"));
        assert!(!is_bare_email("@x"));
    }
}
