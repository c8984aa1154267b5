//! Link and URL helpers: a source path's output URL ([`page_url`]) and
//! page name, which files are folder index pages, resolving a relative link
//! against its page ([`resolve_link`]), and the output form the renderer
//! gives link and image destinations (`rewrite_dest`, `rewrite_src`).
//!
//! Pure string functions over page paths; which pages exist is handed in
//! (`known_pages`), never read from disk.

use std::collections::HashSet;

use super::resolve::{relative_href, url_dir};
use super::{
    find_page, is_bare_email, layout_safe_id, page_url_styled, pretty_link_base, resolve_absolute,
    LinkTarget, MarkdownContext,
};

/// Index page names that make a folder link (`../adr/`) point at its
/// `index.html` (the spellings people use; [`is_index_page`] decides in any
/// case).
pub(crate) const INDEX_PAGES: &[&str] = &[
    "README.md",
    "readme.md",
    "Readme.md",
    "index.md",
    "INDEX.md",
    "Index.md",
    "README.markdown",
    "index.markdown",
    "_index.md",
    "index.html.md",
];

/// Map a source path to its output URL: `"a/b.md"` → `"a/b.html"`,
/// `"a/README.md"` / `"a/index.md"` / `"a/_index.md"` (Hugo) (any case, also
/// `.MD`/`.markdown`) → `"a/index.html"`; GOV.UK Tech Docs / Middleman pages
/// keep their single `.html`: `"a/b.html.md"` → `"a/b.html"`,
/// `"a/index.html.md"` → `"a/index.html"`. Paths that are not markdown come
/// back unchanged; `"a/b.html.md.erb"` → `"a/b.html"`. Works on relative link paths too (`"../adr/0003-x.md"` →
/// `"../adr/0003-x.html"`).
pub fn page_url(path: &str) -> String {
    let (dir, file) = path.split_at(path.rfind('/').map_or(0, |i| i + 1));
    match page_stem(file) {
        Some(stem) if is_index_stem(stem) => format!("{dir}index.html"),
        Some(stem) => format!("{dir}{stem}.html"),
        None => path.to_owned(),
    }
}

/// The name a markdown file's page goes by: the file name without its
/// markdown extension and without a `.html` before it (`"b.html.md"` →
/// `"b"`). `None` for a file that is not markdown.
pub(crate) fn page_stem(file: &str) -> Option<&str> {
    // GOV.UK Tech Docs / Middleman: `x.html.md.erb` is `x.html.md` run
    // through ERB first.
    let file = match file.len().checked_sub(".erb".len()) {
        Some(cut)
            if file
                .get(cut..)
                .is_some_and(|e| e.eq_ignore_ascii_case(".erb")) =>
        {
            &file[..cut]
        }
        _ => file,
    };
    let (stem, ext) = file.rsplit_once('.')?;
    if !is_markdown_ext(ext) {
        return None;
    }
    let stem = match stem.len().checked_sub(".html".len()) {
        Some(cut)
            if cut > 0
                && stem
                    .get(cut..)
                    .is_some_and(|s| s.eq_ignore_ascii_case(".html")) =>
        {
            &stem[..cut]
        }
        _ => stem,
    };
    Some(stem)
}

/// Whether a page stem names its folder's index page: `index`, `README`
/// or Hugo's `_index`, in any case.
pub(crate) fn is_index_stem(stem: &str) -> bool {
    ["index", "readme", "_index"]
        .iter()
        .any(|name| stem.eq_ignore_ascii_case(name))
}

/// Whether the markdown file at `path` (a file name or a '/'-separated
/// path) is its folder's index page (`index.html` on the site).
pub(crate) fn is_index_page(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or(path);
    page_stem(file).is_some_and(is_index_stem)
}

fn is_markdown_ext(ext: &str) -> bool {
    ext.eq_ignore_ascii_case("md") || ext.eq_ignore_ascii_case("markdown")
}

pub(super) fn has_markdown_ext(path: &str) -> bool {
    path.rsplit_once('.')
        .is_some_and(|(stem, ext)| !stem.ends_with('/') && is_markdown_ext(ext))
}

/// `true` for destinations that are relative paths: no scheme (`https:`,
/// `mailto:`, …), not `//host`, not `/absolute`, not a bare `#fragment` or
/// `?query`, not empty.
fn is_relative(dest: &str) -> bool {
    if dest.is_empty() || dest.starts_with(['/', '\\', '#', '?']) {
        return false;
    }
    !has_scheme(dest)
}

fn has_scheme(dest: &str) -> bool {
    let Some(colon) = dest.find(':') else {
        return false;
    };
    let scheme = &dest[..colon];
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// The output form of a link destination, or `None` to keep it as written.
///
/// A link that means a page (whatever generator's spelling it uses, see
/// [`find_page`]) points at that page's output file; site-absolute links
/// the handbook owns ([`resolve_absolute`]) become relative; with pretty
/// URLs every relative link is re-based on the page's own folder.
pub(super) fn rewrite_dest(dest: &str, cx: &MarkdownContext<'_>) -> Option<String> {
    if is_bare_email(dest) {
        return Some(format!("mailto:{dest}"));
    }
    let (path, suffix) = dest.split_at(dest.find(['#', '?']).unwrap_or(dest.len()));
    let own_url = page_url_styled(cx.page_path, cx.pretty_urls);
    let own_dir = url_dir(&own_url);
    let is_known = |c: &str| cx.known_pages.contains(c);
    let to_page = |page: &str| {
        let url = crate::url::encode_path(&page_url_styled(page, cx.pretty_urls));
        Some(format!(
            "{}{}",
            relative_href(own_dir, &url),
            layout_safe_suffix(suffix)
        ))
    };
    if !is_relative(dest) {
        let abs = resolve_absolute(dest, cx.base_path)?;
        if let Some(page) = find_page(&abs.path, is_known) {
            return to_page(&page);
        }
        let top = abs.path.split('/').next().unwrap_or("");
        let top_folder = abs.path.contains('/') && has_top_folder(cx.known_pages, top);
        return (abs.claimed || top_folder).then(|| {
            format!(
                "{}{suffix}",
                relative_href(own_dir, &crate::url::encode_path(&abs.path))
            )
        });
    }
    if !cx.pretty_urls {
        let page = if has_markdown_ext(path) {
            Some(page_url(path))
        } else {
            folder_index_url(path, cx)
        };
        if let Some(page) = page {
            return Some(format!("{page}{}", layout_safe_suffix(suffix)));
        }
    }
    let target = resolve_path(cx.page_path, path)?;
    if let Some(page) = find_page(&target, is_known) {
        return to_page(&page);
    }
    if cx.pretty_urls && !has_markdown_ext(path) {
        // On the old pretty site the browser read the link from the
        // page's own folder (`a/b/`); links to `.md` files are the
        // author's, relative to the file.
        let page = pretty_link_base(cx.page_path)
            .and_then(|base| resolve_path(&base, path))
            .and_then(|t| find_page(&t, is_known));
        if let Some(page) = page {
            return to_page(&page);
        }
    }
    if cx.pretty_urls {
        // A missing page still goes where it would be; anything else (an
        // asset, a folder) is re-based on this page's output folder.
        let to = if has_markdown_ext(&target) {
            page_url_styled(&target, true)
        } else {
            target
        };
        return Some(format!(
            "{}{suffix}",
            relative_href(own_dir, &crate::url::encode_path(&to))
        ));
    }
    let is_page = path.to_ascii_lowercase().ends_with(".html");
    match layout_safe_suffix(suffix) {
        std::borrow::Cow::Owned(suffix) if is_page => Some(format!("{path}{suffix}")),
        _ => None,
    }
}

/// The output form of an image source, or `None` to keep it as written:
/// a site-absolute source the handbook owns becomes relative, and with
/// pretty URLs a relative one is re-based on the page's own folder.
pub(super) fn rewrite_src(src: &str, cx: &MarkdownContext<'_>) -> Option<String> {
    let own_url = page_url_styled(cx.page_path, cx.pretty_urls);
    let own_dir = url_dir(&own_url);
    let (path, suffix) = src.split_at(src.find(['#', '?']).unwrap_or(src.len()));
    let target = if is_relative(src) {
        if !cx.pretty_urls {
            return None;
        }
        resolve_path(cx.page_path, path)?
    } else {
        let abs = resolve_absolute(src, cx.base_path)?;
        let top = abs.path.split('/').next().unwrap_or("");
        let top_folder = abs.path.contains('/') && has_top_folder(cx.known_pages, top);
        if !(abs.claimed || top_folder) {
            return None;
        }
        abs.path
    };
    Some(format!(
        "{}{suffix}",
        relative_href(own_dir, &crate::url::encode_path(&target))
    ))
}

/// Whether some page lives under the top-level folder `top`.
fn has_top_folder(known_pages: &HashSet<String>, top: &str) -> bool {
    known_pages
        .iter()
        .any(|p| p.len() > top.len() && p.starts_with(top) && p[top.len()..].starts_with('/'))
}

/// `path/index.html` for a link `path` or `path/` to a folder that has an
/// index page (so it also works from `file://`), else `None`.
fn folder_index_url(path: &str, cx: &MarkdownContext<'_>) -> Option<String> {
    let dir = resolve_path(cx.page_path, path)?;
    let dir = if dir.is_empty() || dir.ends_with('/') {
        dir
    } else {
        // `../adr` without the slash: a folder only if it has an index page.
        format!("{dir}/")
    };
    let has_index = INDEX_PAGES
        .iter()
        .any(|name| cx.known_pages.contains(&format!("{dir}{name}")));
    if !has_index {
        return None;
    }
    let sep = if path.ends_with('/') { "" } else { "/" };
    Some(format!("{path}{sep}index.html"))
}

/// A link's `?query#fragment` with a layout id in the fragment replaced by
/// the id the target heading gets ([`layout_safe_id`]).
fn layout_safe_suffix(suffix: &str) -> std::borrow::Cow<'_, str> {
    let Some(hash) = suffix.find('#') else {
        return suffix.into();
    };
    let fragment = crate::url::decode_lenient(&suffix[hash + 1..]);
    match layout_safe_id(&fragment) {
        std::borrow::Cow::Owned(id) => format!("{}#{id}", &suffix[..hash]).into(),
        std::borrow::Cow::Borrowed(_) => suffix.into(),
    }
}

/// Resolve a link destination written in `page_path` against the content dir.
///
/// `"../adr/0003-x.md#context"` in `"runbooks/db.md"` gives path
/// `"adr/0003-x.md"` and fragment `"context"`; `"#rollback"` gives the page
/// itself. `None` for links this module cannot check: external URLs (with a
/// scheme or `//host`), site-absolute `/paths`, empty destinations, and paths
/// that climb above the content dir.
pub fn resolve_link(page_path: &str, dest: &str) -> Option<LinkTarget> {
    let (before_fragment, fragment) = match dest.split_once('#') {
        Some((before, fragment)) => (before, Some(crate::url::decode_lenient(fragment))),
        None => (dest, None),
    };
    let path = before_fragment
        .split_once('?')
        .map_or(before_fragment, |(path, _)| path);
    if path.is_empty() {
        return (!dest.is_empty() && !dest.starts_with('/')).then(|| LinkTarget {
            path: page_path.to_owned(),
            fragment,
        });
    }
    if !is_relative(path) {
        return None;
    }
    Some(LinkTarget {
        path: resolve_path(page_path, path)?,
        fragment,
    })
}

/// Join a relative `path` onto `page_path`'s folder, normalising `.` and `..`
/// and percent-decoding. A directory result ends with `/` (root: `""`).
pub(super) fn resolve_path(page_path: &str, path: &str) -> Option<String> {
    let decoded = crate::url::decode_lenient(path);
    let dir = page_path.rfind('/').map_or("", |i| &page_path[..i]);
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    let mut is_dir = false;
    for segment in decoded.split('/') {
        is_dir = true;
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            name => {
                parts.push(name);
                is_dir = false;
            }
        }
    }
    let mut out = parts.join("/");
    if is_dir && !out.is_empty() {
        out.push('/');
    }
    Some(out)
}
