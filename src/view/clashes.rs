//! Outputs that two sources claim: pages that replace generated pages,
//! pages that build to the same URL, and content files a page, a
//! generated file or the theme replaces.

use super::listings::{owner_stem, OwnerView, OWNERS_INDEX_URL};
use super::SiteView;
use crate::handbook::Handbook;
use std::collections::{BTreeMap, BTreeSet};

/// Outputs that two sources claim. Generated pages and rendered pages win
/// over content files of the same path, in `build` and `serve` alike.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Clashes {
    /// One warning per clash, saying who wins and what to do.
    pub warnings: Vec<String>,
    /// Content files (assets, by path under the content folder) that are
    /// not published because a page or a generated file takes their place.
    pub hidden_assets: BTreeSet<String>,
}

/// Finds pages that replace generated pages, pages that build to the same
/// URL, and content files that a page, a generated file or the theme's
/// static files replace; `theme_statics` are names under `static/`.
pub fn output_clashes(h: &Handbook, site: &SiteView, theme_statics: &[&str]) -> Clashes {
    let mut generated: BTreeMap<&str, String> = BTreeMap::new();
    for (url, what) in [
        ("health.html", "the health dashboard"),
        ("reliability.html", "the reliability page"),
        ("search.html", "the search page"),
        ("404.html", "the not-found page"),
        ("handbook.json", "the catalog"),
        ("sitemap.xml", "the sitemap"),
        ("toc.js", "the sidebar script"),
        (OWNERS_INDEX_URL, "the owners index"),
    ] {
        generated.insert(url, what.to_string());
    }
    for k in &site.kinds {
        generated.insert(&k.url, format!("the {} index", k.label));
    }
    for o in &site.owners {
        generated.insert(&o.url, format!("the owner page of {}", o.id));
    }
    let mut out = Clashes {
        warnings: owner_file_clashes(&site.owners),
        ..Clashes::default()
    };
    let mut by_url: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for p in &site.pages {
        by_url.entry(&p.url).or_default().push(&p.source_path);
    }
    for (url, sources) in &by_url {
        if let Some(what) = generated.get(url) {
            out.warnings.push(format!(
                "{} builds to {url}, which is {what}; the page replaces it. Rename the page",
                sources.join(" and ")
            ));
        }
        if let [kept @ .., last] = sources.as_slice() {
            if !kept.is_empty() {
                let why = if h.config.pretty_urls {
                    " (with `pretty-urls`, page x.md builds to x/index.html, as does x/index.md)"
                } else {
                    ""
                };
                out.warnings.push(format!(
                    "{} and {last} all build to {url}{why}; only {last} is kept. Rename the others",
                    kept.join(", ")
                ));
            }
        }
    }
    let prefix = crate::discover::root_prefix(&h.config);
    for a in &h.assets {
        let shown = if prefix.is_empty() {
            a.rel.clone()
        } else {
            format!("{prefix}/{}", a.rel)
        };
        let by = if let Some(name) = a
            .rel
            .strip_prefix("static/")
            .filter(|n| theme_statics.contains(n))
        {
            format!("the theme's static/{name}; move it, or override the theme's file in the [build] theme folder")
        } else if let Some(sources) = by_url.get(a.rel.as_str()) {
            format!(
                "the page built from {}; rename one of them",
                sources.join(" and ")
            )
        } else if let Some(what) = generated.get(a.rel.as_str()) {
            format!("{what}; rename it")
        } else if is_search_index_file(&a.rel) {
            "a file of the search index; rename it".to_owned()
        } else if is_nav_file(&a.rel) {
            "a file of the sidebar; rename it".to_owned()
        } else {
            continue;
        };
        out.warnings.push(format!("{shown} is replaced by {by}"));
        out.hidden_assets.insert(a.rel.clone());
    }
    out
}

/// Is `rel` a name the search index writes (`search/manifest.js`,
/// `search/p/N.js`, `search/PREFIX-HASH.js`)?
fn is_search_index_file(rel: &str) -> bool {
    let Some(name) = rel
        .strip_prefix("search/")
        .and_then(|r| r.strip_suffix(".js"))
    else {
        return false;
    };
    if name == "manifest" {
        return true;
    }
    if let Some(n) = name.strip_prefix("p/") {
        return !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit());
    }
    name.split_once('-').is_some_and(|(kind, hash)| {
        !kind.is_empty()
            && kind.bytes().all(|b| b.is_ascii_lowercase())
            && hash.len() == 12
            && hash.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

/// Is `rel` a name the sidebar writes (`nav/root.js`, `nav/HASH.js`,
/// `nav/HASH-2.js`, ...; see [`crate::nav`])?
fn is_nav_file(rel: &str) -> bool {
    let Some(id) = rel.strip_prefix("nav/").and_then(|r| r.strip_suffix(".js")) else {
        return false;
    };
    id == crate::nav::ROOT_ID
        || id.split_once('-').map_or(id, |(hash, _)| hash).len() == 16
            && id
                .bytes()
                .all(|b| b.is_ascii_hexdigit() || b == b'-' || b == b'x')
}

/// Owner ids whose pages would share a file name (see [`OwnerFiles`](super::OwnerFiles)): one
/// line per name, naming every id and where its page went.
fn owner_file_clashes(owners: &[OwnerView]) -> Vec<String> {
    let mut groups: BTreeMap<String, Vec<&OwnerView>> = BTreeMap::new();
    for o in owners {
        groups
            .entry(owner_stem(&o.id).to_lowercase())
            .or_default()
            .push(o);
    }
    groups
        .values()
        .filter(|g| g.len() > 1)
        .filter_map(|g| {
            let ids: Vec<String> = g.iter().map(|o| format!("`{}`", o.id)).collect();
            let (last, rest) = ids.split_last()?;
            let pages: Vec<String> = g
                .iter()
                .map(|o| format!("`{}` at {}", o.id, o.url))
                .collect();
            Some(format!(
                "owner ids {} and {last} share the file name owners/{}.html; their pages are {}. Rename one so each keeps its name",
                rest.join(", "),
                owner_stem(&g[0].id),
                pages.join(", ")
            ))
        })
        .collect()
}
