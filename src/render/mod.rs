//! Stage 4b: turns the [`crate::view::SiteView`] into the files of the site.
//!
//! Pure: takes the view model and a loaded [`Theme`], returns a map of
//! root-relative output paths to bytes. Never reads or writes the disk
//! (only [`Theme::load`] reads theme files).
//!
//! Pages are rendered in parallel and each page's template context holds
//! only that page plus a few small site-level fields, so rendering is
//! O(pages), not O(pages²). The sidebar is not part of any page: a shared
//! `toc.js` draws it in the browser from small node files, `nav/ID.js`,
//! one per folder (see [`crate::nav`] and `nav.rs` here), loading those of
//! the page's own branch at once and the others as they are opened. A
//! page names only its branch (`page.nav`), so adding or renaming a page
//! re-renders its folder's node, not every page.
//!
//! # Template contract
//!
//! Every HTML template receives:
//! - `site`: `title`, `description`, `language` (never empty, default `en`),
//!   `site_url` (with a trailing slash, or null), `today`, `pages` (count) and
//!   `kinds`: one `{kind, label, url, count, stale}` per kind index;
//! - `root`: the prefix from the output file back to the site root (`""`,
//!   `"../"`); every link is written `{{ root }}{{ url }}`;
//! - `current_url`: the root-relative URL of the file being rendered.
//!
//! Plus, per template:
//! - `page.html`: `page` ([`crate::view::PageView`]), `is_home` (bool) and, when
//!   `is_home`, `home` (see below) for the listing under the content;
//!   `page.prev` and `page.next` (`{title, url}` or null: the neighbours in
//!   the sidebar's reading order) and `page.breadcrumbs` (`[{title, url}]`,
//!   the home page then each folder down to the page's own, `url` null for
//!   a folder without an index page; empty on the home page). The default
//!   theme draws them as `<nav class="breadcrumbs">` (first in the
//!   article) and `<nav class="page-nav">` with `a.page-nav-prev` and
//!   `a.page-nav-next` (last);
//! - `home.html`: `home`: `stale_recent` (up to ten [`crate::view::PageSummary`],
//!   most recently stale first), `stale`, `due_soon`, `unowned`,
//!   `single_owner`, `overdue_actions`, `errors`, `warnings`, `infos` (counts);
//! - `kind.html`: `kind` ([`crate::view::KindIndexView`]);
//! - `owner.html`: `owner` ([`crate::view::OwnerView`]); each row of `owner.pages`
//!   names only that owner in `owners` and counts the rest in `co_owners`;
//! - `owners.html` (written to `owners/index.html`): `owners`, one
//!   [`owner_index::OwnerRow`] per owner, teams first, then people, each by
//!   label;
//! - `health.html`: `health` ([`crate::view::HealthView`]) and `chart`
//!   ([`crate::view::KindChart`]): `width`,
//!   `height`, `label_width`, `max`, `rows` of `{label, kind, y, total,
//!   stale, unowned, w_total, w_stale, w_unowned}` (SVG user units), and
//!   `domain_chart` ([`crate::view::DomainChart`]) for the domain scores;
//! - `reliability.html`: `reliability` ([`crate::reliability::ReliabilityView`]):
//!   incident counts, `open_risk` rows with their chart geometry (`bar`,
//!   `y`, `chart_width`, `chart_height`, `limit_x`), `repeats`,
//!   `open_prevention`, `repeat_rate_percent`, `median_days_to_close`;
//! - `404.html`: `base_href`: `site.site_url` when set, else null. A 404
//!   page is served at whatever URL was missing, so relative links only work
//!   if the server serves it from the root or `<base href>` is set; with no
//!   `site-url` the links are root-relative-by-convention (`root` is `""`),
//!   which is right for the common case of a missing top-level page.
//! - `search.html`: nothing more; `static/search.js` reads the query from
//!   the URL and the index under `search/` (see [`crate::search`]);
//! - `toc.js` (not autoescaped): `site`, `kinds_json` (already escaped for
//!   embedding in a script: an array of `[label, url, count, stale]`) and
//!   `root_id`, the id of the top node of the sidebar tree. The script
//!   defines `handbookNav(id, data)`, which the node files `nav/ID.js`
//!   call (their format is in `src/render/nav.rs`), and loads the nodes
//!   that `<nav id="sidebar" data-nav="ID ID ...">` names (`page.nav` on
//!   content pages; only the top node elsewhere).
//!
//! `.html` templates are autoescaped; only `page.content` (trusted markdown
//! output) is printed with `| safe`.
//!
//! A page whose URL is the same as a generated file (`404.html`,
//! `health.html`, a kind or owner index) replaces that file.

mod nav;
pub mod owner_index;
mod theme;

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::output::Sink;
use crate::view::{
    root_of, DomainChart, HealthView, KindChart, KindIndexView, OwnerView, PageSummary, PageView,
    SiteView, OWNERS_INDEX_URL,
};
pub use theme::Theme;

/// How many recently stale pages the home page lists.
const HOME_STALE_LIMIT: usize = 10;

/// Renders every HTML page and asset of the site into `sink`. Paths are
/// root-relative ('/'-separated). `extra_css` is appended as
/// `static/highlight.css` (syntax-highlighting classes, produced elsewhere).
///
/// Files are handed to the sink as soon as they are rendered, so a large
/// site is never held in memory whole. Listings go first, so that a page
/// with the same URL replaces them; when two pages share a URL
/// (`README.md`, `_index.md` and `index.md` in one folder) the last by path
/// wins.
pub fn render_site(site: &SiteView, theme: &Theme, extra_css: &str, sink: &dyn Sink) -> Result<()> {
    let site_ctx = SiteCtx::new(site);
    let page_ctx = if theme.default_templates {
        site_ctx.lean()
    } else {
        site_ctx.clone()
    };
    let home = HomeCtx::new(&site.health);
    let has_index_page = site.pages.iter().any(|p| p.url == "index.html");

    site.kinds.par_iter().try_for_each(|kind| {
        render_html(
            sink,
            theme,
            "kind.html",
            &site_ctx,
            &kind.url,
            KindCtx { kind },
        )
    })?;

    site.owners.par_iter().try_for_each(|owner| {
        render_html(
            sink,
            theme,
            "owner.html",
            &page_ctx,
            &owner.url,
            OwnerCtx { owner },
        )
    })?;

    render_html(
        sink,
        theme,
        "owners.html",
        &site_ctx,
        OWNERS_INDEX_URL,
        OwnersCtx {
            owners: owner_index::owner_rows(site),
        },
    )?;

    let health = HealthCtx {
        health: &site.health,
        chart: KindChart::new(&site.health),
        domain_chart: DomainChart::new(&site.health),
    };
    render_html(sink, theme, "health.html", &site_ctx, "health.html", health)?;
    render_html(
        sink,
        theme,
        "reliability.html",
        &site_ctx,
        "reliability.html",
        ReliabilityCtx {
            reliability: &site.reliability,
        },
    )?;

    let not_found = NotFoundCtx {
        base_href: site.site_url.as_deref(),
    };
    render_html(sink, theme, "404.html", &site_ctx, "404.html", not_found)?;
    render_html(
        sink,
        theme,
        "search.html",
        &site_ctx,
        "search.html",
        SearchCtx {},
    )?;

    if !has_index_page {
        render_html(
            sink,
            theme,
            "home.html",
            &site_ctx,
            "index.html",
            HomeOnlyCtx { home: &home },
        )?;
    }

    let mut last_for_url: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (i, page) in site.pages.iter().enumerate() {
        last_for_url.insert(&page.url, i);
    }
    site.pages
        .par_iter()
        .enumerate()
        .filter(|(i, page)| last_for_url.get(page.url.as_str()) == Some(i))
        .try_for_each(|(_, page)| {
            let is_home = page.url == "index.html";
            let ctx = PageCtx {
                page,
                is_home,
                home: is_home.then_some(&home),
            };
            let site = if is_home { &site_ctx } else { &page_ctx };
            render_html(sink, theme, "page.html", site, &page.url, ctx)
        })?;

    render_toc(&site_ctx, theme, sink)?;
    nav::render_nav(&site.nav, sink)?;
    sink.put("sitemap.xml", sitemap(site, !has_index_page))?;

    let has_diagrams = site.pages.iter().any(|p| p.has_mermaid);
    for (name, bytes) in &theme.statics {
        if name == theme::MERMAID_JS && !has_diagrams {
            continue;
        }
        sink.put(&format!("static/{name}"), bytes.clone())?;
    }
    let mut highlight = theme
        .statics
        .get("highlight.css")
        .cloned()
        .unwrap_or_default();
    if !highlight.is_empty() && !highlight.ends_with(b"\n") {
        highlight.push(b'\n');
    }
    highlight.extend_from_slice(extra_css.as_bytes());
    sink.put("static/highlight.css", highlight)?;
    Ok(())
}

/// Renders the whole site into a map (tests, `serve`).
pub fn render_to_map(
    site: &SiteView,
    theme: &Theme,
    extra_css: &str,
) -> Result<BTreeMap<String, Vec<u8>>> {
    let sink = std::sync::Mutex::new(BTreeMap::new());
    render_site(site, theme, extra_css, &sink)?;
    Ok(sink
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner))
}

/// Site-level fields every template sees: small and built once. The
/// counts are absent from the [`SiteCtx::lean`] form.
#[derive(Debug, Clone, Serialize)]
struct SiteCtx<'a> {
    title: &'a str,
    description: &'a str,
    language: &'a str,
    site_url: Option<&'a str>,
    today: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pages: Option<usize>,
    kinds: Vec<KindLink<'a>>,
}

/// A link to one kind index, for headers, the home page and the sidebar.
#[derive(Debug, Clone, Serialize)]
struct KindLink<'a> {
    kind: &'a str,
    label: &'a str,
    url: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    count: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stale: Option<usize>,
}

impl<'a> SiteCtx<'a> {
    fn new(site: &'a SiteView) -> Self {
        let kinds = site
            .kinds
            .iter()
            .map(|k| KindLink {
                kind: &k.kind,
                label: &k.label,
                url: &k.url,
                count: Some(k.pages.len()),
                stale: Some(k.pages.iter().filter(|p| p.stale).count()),
            })
            .collect();
        SiteCtx {
            title: &site.title,
            description: &site.description,
            language: if site.language.trim().is_empty() {
                "en"
            } else {
                &site.language
            },
            site_url: site.site_url.as_deref().filter(|u| !u.is_empty()),
            today: &site.today,
            pages: Some(site.pages.len()),
            kinds,
        }
    }

    /// Without the site-wide counts, for content pages: their context (and
    /// so their fingerprint) then changes only when they do.
    fn lean(&self) -> Self {
        let mut lean = self.clone();
        lean.pages = None;
        for k in &mut lean.kinds {
            k.count = None;
            k.stale = None;
        }
        lean
    }
}

/// The context of one template: the common fields plus its own.
#[derive(Debug, Serialize)]
struct Ctx<'a, T: Serialize> {
    site: &'a SiteCtx<'a>,
    root: String,
    current_url: &'a str,
    #[serde(flatten)]
    extra: T,
}

#[derive(Debug, Serialize)]
struct PageCtx<'a> {
    page: &'a PageView,
    is_home: bool,
    home: Option<&'a HomeCtx<'a>>,
}

#[derive(Debug, Serialize)]
struct HomeOnlyCtx<'a> {
    home: &'a HomeCtx<'a>,
}

/// Data of the home listing (on `home.html`, or under an `index.md` page).
#[derive(Debug, Serialize)]
struct HomeCtx<'a> {
    stale_recent: Vec<&'a PageSummary>,
    stale: usize,
    due_soon: usize,
    unowned: usize,
    single_owner: usize,
    overdue_actions: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
}

impl<'a> HomeCtx<'a> {
    fn new(health: &'a HealthView) -> Self {
        // `health.stale` is most overdue first; the most recently stale
        // pages are at its end.
        let stale_recent = health.stale.iter().rev().take(HOME_STALE_LIMIT).collect();
        HomeCtx {
            stale_recent,
            stale: health.stale.len(),
            due_soon: health.due_soon.len(),
            unowned: health.unowned.len(),
            single_owner: health.single_owner.len(),
            overdue_actions: health.overdue_actions.len(),
            errors: health.errors,
            warnings: health.warnings,
            infos: health.infos,
        }
    }
}

#[derive(Debug, Serialize)]
struct KindCtx<'a> {
    kind: &'a KindIndexView,
}

#[derive(Debug, Serialize)]
struct OwnerCtx<'a> {
    owner: &'a OwnerView,
}

#[derive(Debug, Serialize)]
struct OwnersCtx<'a> {
    owners: Vec<owner_index::OwnerRow<'a>>,
}

#[derive(Debug, Serialize)]
struct HealthCtx<'a> {
    health: &'a HealthView,
    chart: KindChart<'a>,
    domain_chart: DomainChart<'a>,
}

#[derive(Debug, Serialize)]
struct ReliabilityCtx<'a> {
    reliability: &'a crate::reliability::ReliabilityView,
}

/// `search.html` needs only the common fields; the browser does the rest.
#[derive(Debug, Serialize)]
struct SearchCtx {}

#[derive(Debug, Serialize)]
struct NotFoundCtx<'a> {
    base_href: Option<&'a str>,
}

/// Renders one HTML template with the common fields plus `extra` into
/// `sink` at `url`, unless the sink does not want it ([`Sink::wants`]).
fn render_html<T: Serialize>(
    sink: &dyn Sink,
    theme: &Theme,
    template: &str,
    site: &SiteCtx<'_>,
    url: &str,
    extra: T,
) -> Result<()> {
    let ctx = Ctx {
        site,
        root: root_of(url),
        current_url: url,
        extra,
    };
    emit(sink, theme, template, url, &ctx)
}

/// Renders `template` with `ctx` into `sink` at `output`, if the sink
/// wants it.
fn emit<T: Serialize>(
    sink: &dyn Sink,
    theme: &Theme,
    template: &str,
    output: &str,
    ctx: &T,
) -> Result<()> {
    if !sink.wants(output, &|| fingerprint(template, ctx)) {
        return Ok(());
    }
    sink.put(output, render_template(theme, template, output, ctx)?)
}

/// A 64-bit hash of a template name and its context serialised as JSON:
/// the key of [`Sink::wants`].
fn fingerprint<T: Serialize>(template: &str, ctx: &T) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    template.hash(&mut hasher);
    // A context that does not serialise fails to render too, so the key
    // of that case does not matter.
    serde_json::to_vec(ctx)
        .unwrap_or_default()
        .hash(&mut hasher);
    hasher.finish()
}

fn render_template<T: Serialize>(
    theme: &Theme,
    template: &str,
    output: &str,
    ctx: &T,
) -> Result<Vec<u8>> {
    let fail = |e: tera::Error| {
        theme::with_file(
            Error::Template {
                name: template.to_owned(),
                file: None,
                message: format!("while rendering {output}: {}", flatten(&e)),
            },
            &theme.sources,
        )
    };
    let context = tera::Context::from_serialize(ctx).map_err(fail)?;
    theme
        .tera
        .render(template, &context)
        .map(String::into_bytes)
        .map_err(fail)
}

fn flatten(err: &tera::Error) -> String {
    match theme::template_error("", err) {
        Error::Template { message, .. } => message,
        other => other.to_string(),
    }
}

/// Renders `toc.js` into `sink`: the script that draws the sidebar (the
/// kind indexes, then the tree, whose nodes it loads from `nav/`).
fn render_toc(site_ctx: &SiteCtx<'_>, theme: &Theme, sink: &dyn Sink) -> Result<()> {
    let kinds: Vec<(&str, &str, usize, usize)> = site_ctx
        .kinds
        .iter()
        .map(|k| (k.label, k.url, k.count.unwrap_or(0), k.stale.unwrap_or(0)))
        .collect();

    #[derive(Serialize)]
    struct TocCtx<'a> {
        site: &'a SiteCtx<'a>,
        kinds_json: String,
        root_id: &'a str,
    }
    let ctx = TocCtx {
        site: site_ctx,
        kinds_json: json_for_script(&kinds),
        root_id: crate::nav::ROOT_ID,
    };
    emit(sink, theme, "toc.js", "toc.js", &ctx)
}

/// Serialises `value` as JSON that is also safe inside a `<script>` element
/// or a JS file: `<`, `>`, `&` and the JS line separators are `\u` escapes.
fn json_for_script<T: Serialize>(value: &T) -> String {
    let json = serde_json::to_string(value).unwrap_or_else(|_| "[]".to_owned());
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            _ => out.push(c),
        }
    }
    out
}

/// `sitemap.xml`: every page, kind index, owner page, the owners index, the health page and
/// (when generated) the home page; absolute when `site_url` is set.
fn sitemap(site: &SiteView, with_home: bool) -> Vec<u8> {
    let mut urls: Vec<&str> = site.pages.iter().map(|p| p.url.as_str()).collect();
    urls.extend(site.kinds.iter().map(|k| k.url.as_str()));
    urls.extend(site.owners.iter().map(|o| o.url.as_str()));
    urls.push(OWNERS_INDEX_URL);
    urls.push("health.html");
    urls.push("reliability.html");
    if with_home {
        urls.push("index.html");
    }
    urls.sort_unstable();
    urls.dedup();

    let mut base = site.site_url.clone().unwrap_or_default();
    if !base.is_empty() && !base.ends_with('/') {
        base.push('/');
    }
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for url in urls {
        xml.push_str("  <url><loc>");
        xml.push_str(&escape_xml(&base));
        xml.push_str(&escape_xml(&crate::url::encode_path(url)));
        xml.push_str("</loc></url>\n");
    }
    xml.push_str("</urlset>\n");
    xml.into_bytes()
}

fn escape_xml(s: &str) -> String {
    theme::escape_html(s).replace("&#39;", "&apos;")
}

#[cfg(test)]
mod tests;
