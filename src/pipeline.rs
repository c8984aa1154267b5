//! Runs the stages in order: config → discover → parse → check → view →
//! render → write. `build` runs them all; `check` stops after the rules;
//! `serve` (its own orchestrator in `serve/memo/`, for now) keeps the output
//! in memory. The only module that knows the order, and the owner of
//! `build`'s on-disk cache (`cache.rs`: highlighted code blocks, which
//! `serve` also starts from).

use crate::config::{load_config, Config, LoadOptions};
use crate::date::Date;
use crate::diag::Diagnostic;
use crate::discover::{discover, AssetFile};
use crate::error::{Error, Result};
use crate::handbook::Handbook;
use crate::history::Wants;
use crate::markdown::{highlight_css, Highlighter};
use crate::output::{check_out_dir, Sink, Staging};
use crate::owners::{load_registry, CodeOwners};
use crate::page::{parse_pages_counted, Page};
use crate::progress::Progress;
use crate::render::{render_site, Theme};
use crate::rules::run_rules;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

mod cache;

/// The code blocks the last `build` of the handbook at `root` kept on
/// disk, for `serve` to start from (it does not write them back).
pub fn cached_blocks(root: &Path) -> Option<Arc<crate::markdown::BlockCache>> {
    cache::DiskCache::open(root).map(|c| c.blocks)
}

/// Options of `handbook build`.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// `--dest`: output folder instead of `[build] build-dir`.
    pub dest: Option<PathBuf>,
    /// The date staleness is measured against.
    pub today: Date,
    /// `--drafts`: publish `draft: true` pages too.
    pub drafts: bool,
    /// Read and write the on-disk cache of highlighted code (see
    /// `pipeline/cache.rs`); `--no-cache` turns it off.
    pub cache: bool,
}

/// What a build did.
#[derive(Debug, Clone)]
pub struct BuildReport {
    /// Pages built.
    pub pages: usize,
    /// Files written (pages, listings, assets).
    pub files: usize,
    /// Every finding, sorted.
    pub findings: Vec<Diagnostic>,
    /// Text of the files findings point at, by root-relative path.
    pub sources: BTreeMap<String, String>,
    /// Where the site is.
    pub out_dir: PathBuf,
    /// Wall time of the build.
    pub elapsed: std::time::Duration,
}

/// Options of `handbook check`.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// The date staleness is measured against.
    pub today: Date,
    /// `--changed-since REF`: report only on what changed since the merge base with REF.
    pub changed_since: Option<String>,
    /// Keep the text of files with findings, to quote their lines (human format).
    pub quote_sources: bool,
    /// `--gate`: report only what should hold a release (see
    /// [`crate::rules::gate`]), as errors.
    pub gate: bool,
}

/// Keeps the findings on changed files, plus link findings anywhere whose
/// target is a changed (or deleted) page: the rules ran over the whole
/// handbook, so cross-page problems caused by the change still show.
fn only_changed(
    h: &Handbook,
    findings: Vec<Diagnostic>,
    changed: &BTreeSet<PathBuf>,
) -> Vec<Diagnostic> {
    let canonical = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    let root = canonical(&h.config.root);
    let content = canonical(&h.config.content_dir);
    let changed_root_rel: BTreeSet<String> = changed
        .iter()
        .filter_map(|p| p.strip_prefix(&root).ok().map(crate::discover::to_slash))
        .collect();
    let changed_content_rel: BTreeSet<String> = changed
        .iter()
        .filter_map(|p| p.strip_prefix(&content).ok().map(crate::discover::to_slash))
        .collect();
    let pages_by_path: BTreeMap<&str, &crate::page::Page> = h
        .pages
        .iter()
        .map(|p| (p.src.root_rel.as_str(), p))
        .collect();
    let links_into_changed = |d: &Diagnostic| -> bool {
        let Some(page) = pages_by_path.get(d.path.as_str()) else {
            return false;
        };
        page.md.links.iter().any(|l| {
            (l.line, l.column) == (d.line, d.column)
                && crate::markdown::resolve_link(&page.src.rel, l.dest.trim()).is_some_and(|t| {
                    crate::markdown::find_page(&t.path, |c| changed_content_rel.contains(c))
                        .is_some()
                })
        })
    };
    findings
        .into_iter()
        .filter(|d| {
            changed_root_rel.contains(&d.path)
                || (matches!(d.rule, "link-broken" | "anchor-broken") && links_into_changed(d))
        })
        .collect()
}

/// What a check found.
#[derive(Debug, Clone)]
pub struct CheckReport {
    /// Pages checked.
    pub pages: usize,
    /// Every finding, sorted.
    pub findings: Vec<Diagnostic>,
    /// Text of the files findings point at, by root-relative path.
    pub sources: BTreeMap<String, String>,
    /// Findings hidden by pages' `check: { ignore: [...] }`.
    pub ignored: usize,
    /// Every page's path relative to the handbook root, sorted.
    pub page_paths: Vec<String>,
}

/// The text of every file a finding points at: pages from memory, config
/// files (book.toml, owners.yaml) from disk.
fn finding_sources(h: &Handbook, findings: &[Diagnostic]) -> BTreeMap<String, String> {
    let wanted: BTreeSet<&str> = findings.iter().map(|d| d.path.as_str()).collect();
    let mut out = BTreeMap::new();
    for p in &h.pages {
        if wanted.contains(p.src.root_rel.as_str()) {
            out.insert(p.src.root_rel.clone(), p.src.text.clone());
        }
    }
    for path in wanted {
        if !out.contains_key(path) {
            if let Ok(text) = std::fs::read_to_string(h.config.root.join(path)) {
                out.insert(path.to_string(), text);
            }
        }
    }
    out
}

/// Stages 1-2 after the config: owners, discovery and parsing.
pub fn load_handbook(config: Config, highlighter: &Highlighter) -> Result<Handbook> {
    load_handbook_counted(config, highlighter, &Progress::hidden())
}

/// [`load_handbook`], showing its stages (`reading pages`, `parsing N/T
/// pages`) on `progress`.
pub fn load_handbook_counted(
    config: Config,
    highlighter: &Highlighter,
    progress: &Progress,
) -> Result<Handbook> {
    load_handbook_with(config, |config| {
        progress.stage("reading pages", 0);
        let sources = discover(config)?;
        if config.book_toml.is_none() && sources.pages.is_empty() {
            return Ok((Vec::new(), sources.assets));
        }
        Ok((
            parse_pages_counted(sources.pages, config, highlighter, progress),
            sources.assets,
        ))
    })
}

/// [`load_handbook`] with discovery and parsing done by `pages`, which
/// returns the parsed pages (sorted by path) and the assets. `serve` passes
/// a closure that re-reads and re-parses only the files that changed.
pub fn load_handbook_with(
    config: Config,
    pages: impl FnOnce(&Config) -> Result<(Vec<Page>, Vec<AssetFile>)>,
) -> Result<Handbook> {
    let (registry, registry_findings) = load_registry(&config)?;
    let codeowners = if config.owners.codeowners {
        CodeOwners::load(&config.root, &config.content_dir)?
    } else {
        CodeOwners::default()
    };
    let (mut pages, assets) = pages(&config)?;
    crate::domains::assign_domains(&config.health.domains, &mut pages);
    crate::matrix::attach_matrices(&config.content_dir, &assets, &mut pages);
    crate::enforcement::attach_enforcement(&config, &mut pages);
    if config.book_toml.is_none() && pages.is_empty() {
        return Err(Error::Usage(format!(
            "{}: no book.toml and no markdown files here; pass the handbook root (the folder holding book.toml or your .md pages), or run `handbook init`",
            config.root.display()
        )));
    }
    let summary = crate::summary::load_summary(&config)?;
    let mut config_findings = config.findings.clone();
    config_findings.extend(registry_findings);
    if let Some(s) = &summary {
        config_findings.extend(crate::summary::summary_findings(s, &pages));
    }
    Ok(Handbook {
        summary,
        config,
        registry,
        codeowners,
        pages,
        assets,
        config_findings,
        history: Default::default(),
    })
}

/// Stage 1b: fills in the git history that `pending` (started with
/// [`crate::history::start`] before loading, so `git log` runs while the
/// pages are parsed) has read.
pub fn with_history(
    mut h: Handbook,
    pending: crate::history::Pending,
    today: Date,
    wants: crate::history::Wants,
) -> Handbook {
    h.history = finish_history(&h, pending, today, wants);
    h
}

/// Works out the history facts for `h`'s pages from what `pending` read,
/// and warns once per process about a shallow clone. `serve` keeps the
/// result for the whole session.
pub fn finish_history(
    h: &Handbook,
    pending: crate::history::Pending,
    today: Date,
    wants: crate::history::Wants,
) -> std::sync::Arc<crate::history::History> {
    static SHALLOW_REPORTED: std::sync::atomic::AtomicBool =
        std::sync::atomic::AtomicBool::new(false);
    let history = pending.finish(&h.pages, today, &h.config.health, wants);
    if let Some(warning) = history.shallow_warning(&h.config.root) {
        if !SHALLOW_REPORTED.swap(true, Ordering::Relaxed) {
            eprintln!("{warning}");
        }
    }
    std::sync::Arc::new(history)
}

/// Stages 4-5 from the site view: every page, listing and asset of the
/// theme, and the search index, into `sink`; returns how many files. Each
/// page written counts on `progress` (`rendering N/T pages`).
pub fn render_site_and_index(
    h: &Handbook,
    site: &crate::view::SiteView,
    theme: &Theme,
    sink: &dyn Sink,
    progress: &Progress,
) -> Result<usize> {
    let page_urls: HashSet<&str> = site.pages.iter().map(|p| p.url.as_str()).collect();
    progress.stage("rendering", page_urls.len());
    let counter = CountingSink {
        inner: sink,
        count: AtomicUsize::new(0),
        page_urls: progress.is_shown().then_some(page_urls),
        progress,
    };
    let index_done = std::sync::atomic::AtomicBool::new(false);
    // The index is built on one thread while the pages render on the
    // others: it is mostly serial, and would leave a core idle after them.
    let (pages, index) = rayon::join(
        || {
            let rendered = render_view(site, theme, &highlight_css(), &counter);
            if !index_done.load(Ordering::Relaxed) {
                progress.stage("building the search index", 0);
            }
            rendered
        },
        || {
            let put = put_search_index(h, site, &counter, None);
            index_done.store(true, Ordering::Relaxed);
            put
        },
    );
    pages?;
    index?;
    Ok(counter.count.into_inner())
}

/// Stage 4 without the search index: every template, the theme's static
/// files (`extra_css`, the highlighting CSS, appended to
/// `static/highlight.css`) and `handbook.json`. `serve` calls it with the
/// CSS computed once per session and builds the search index apart, off the
/// edit-to-reload path.
pub fn render_view(
    site: &crate::view::SiteView,
    theme: &Theme,
    extra_css: &str,
    sink: &dyn Sink,
) -> Result<()> {
    render_site(site, theme, extra_css, sink)?;
    sink.put("handbook.json", crate::catalog::catalog_json(site))
}

/// Stage 5: the search index, into `sink`. For measurements only:
/// `HANDBOOK_NO_SEARCH=1` skips it and `HANDBOOK_TIMINGS=1` prints its cost.
pub fn put_search_index(
    h: &Handbook,
    site: &crate::view::SiteView,
    sink: &dyn Sink,
    memo: Option<&mut crate::search::SearchMemo>,
) -> Result<()> {
    use rayon::prelude::*;
    if std::env::var_os("HANDBOOK_NO_SEARCH").is_some_and(|v| v == "1") {
        return Ok(());
    }
    let start = Instant::now();
    let cfg = crate::search::SearchConfig::default();
    let index = match memo {
        Some(memo) => crate::search::build_index_memo(h, site, &cfg, memo),
        None => crate::search::build_index(h, site, &cfg),
    };
    let built = start.elapsed();
    let (files, bytes) = (index.files.len(), index.total_bytes);
    index
        .files
        .into_par_iter()
        .try_for_each(|(path, data)| sink.put(&path, data))?;
    if crate::timings_wanted() {
        eprintln!(
            "timing: search index: {} pages ({} tokenized), {} sections, {} terms, {files} files, {bytes} bytes; built in {:.1} ms, written in {:.1} ms",
            index.pages,
            index.tokenized,
            index.sections,
            index.terms,
            built.as_secs_f64() * 1e3,
            (start.elapsed() - built).as_secs_f64() * 1e3
        );
    }
    Ok(())
}

/// `HANDBOOK_TIMINGS=1`: prints how long each stage of a build took.
struct StageClock {
    last: Option<Instant>,
}

impl StageClock {
    fn from_env() -> StageClock {
        let on = crate::timings_wanted();
        StageClock {
            last: on.then(Instant::now),
        }
    }

    fn lap(&mut self, stage: &str) {
        if let Some(last) = self.last.as_mut() {
            eprintln!(
                "timing: {stage}: {:.1} ms",
                last.elapsed().as_secs_f64() * 1e3
            );
            *last = Instant::now();
        }
    }
}

/// Counts the files passing through to another sink, and the pages among
/// them on the progress line.
struct CountingSink<'a> {
    inner: &'a dyn Sink,
    count: AtomicUsize,
    /// The pages' URLs, when the progress line shows.
    page_urls: Option<HashSet<&'a str>>,
    progress: &'a Progress,
}

impl Sink for CountingSink<'_> {
    fn put(&self, path: &str, bytes: Vec<u8>) -> Result<()> {
        self.count.fetch_add(1, Ordering::Relaxed);
        let page = self.page_urls.as_ref().is_some_and(|u| u.contains(path));
        let put = self.inner.put(path, bytes);
        if page {
            self.progress.tick();
        }
        put
    }
}

/// `handbook build`: all stages, rendered into a staging folder that is
/// swapped in only when everything succeeded.
pub fn build(root: &Path, opts: &BuildOptions) -> Result<BuildReport> {
    build_counted(root, opts, &Progress::hidden())
}

/// [`build`], showing its stages on `progress` (which it leaves erased).
pub fn build_counted(root: &Path, opts: &BuildOptions, progress: &Progress) -> Result<BuildReport> {
    let start = Instant::now();
    let mut config = load_config(
        root,
        &LoadOptions {
            dest: opts.dest.clone(),
        },
    )?;
    config.out_dir = crate::output::resolve_out_dir(&config.out_dir)?;
    check_out_dir(&config.out_dir, &config.root, &config.content_dir)?;
    let theme = Theme::load(config.theme_dir.as_deref())?;
    let mut clock = StageClock::from_env();
    let history = crate::history::start(&config.root, &config.content_dir);
    let cache = opts
        .cache
        .then(|| cache::DiskCache::open(&config.root))
        .flatten();
    clock.lap("cache read");
    let highlighter = match &cache {
        Some(c) => Highlighter::with_blocks(Arc::clone(&c.blocks)),
        None => Highlighter::uncached(),
    };
    let handbook = load_handbook_counted(config, &highlighter, progress)?;
    drop(highlighter);
    clock.lap("discover+parse+highlight");
    // Written while the rest of the build runs; joined before returning.
    let cache_saved = cache.map(|c| std::thread::spawn(move || c.save()));
    progress.stage("reading the git history", 0);
    let handbook = with_history(handbook, history, opts.today, Wants::All);
    clock.lap("git history");
    progress.stage("checking the rules", 0);
    let ev = run_rules(&handbook, opts.today);
    clock.lap("rules");
    let staging = Staging::new(&handbook.config.out_dir)?;
    // Drafts are checked like every page (the findings below are the same
    // as `check`'s) but left out of the published site.
    let without = (!opts.drafts && handbook.pages.iter().any(|p| p.front.draft))
        .then(|| without_drafts(&handbook, &ev));
    let (published_hb, published_ev) = match &without {
        Some((h, e)) => (h, e),
        None => (&handbook, &ev),
    };
    let site = crate::view::site_view(published_hb, published_ev, opts.today);
    clock.lap("site view");
    let clashes = crate::view::output_clashes(published_hb, &site, &theme.static_names());
    for clash in &clashes.warnings {
        progress.eprintln(&format!("warning: {clash}"));
    }
    let published: Vec<_> = handbook
        .assets
        .iter()
        .filter(|a| !clashes.hidden_assets.contains(&a.rel))
        .cloned()
        .collect();
    staging.copy_assets(&published)?;
    let files = render_site_and_index(published_hb, &site, &theme, &staging, progress)?;
    clock.lap("render+write+search");
    progress.stage("writing the site", 0);
    staging.commit()?;
    clock.lap("swap");
    if let Some(saving) = cache_saved {
        // A panic while saving loses only the cache.
        let _ = saving.join();
        clock.lap("cache write");
    }
    progress.clear();
    let findings = ev.all_findings();
    Ok(BuildReport {
        pages: published_hb.pages.len(),
        files: files + published.len(),
        sources: finding_sources(&handbook, &findings),
        findings,
        out_dir: handbook.config.out_dir.clone(),
        elapsed: start.elapsed(),
    })
}

/// The handbook and its evaluation without the `draft: true` pages.
fn without_drafts(
    h: &Handbook,
    ev: &crate::rules::Evaluation,
) -> (Handbook, crate::rules::Evaluation) {
    let keep: Vec<bool> = h.pages.iter().map(|p| !p.front.draft).collect();
    let kept = |i: &usize| keep[*i];
    let handbook = Handbook {
        config: h.config.clone(),
        registry: h.registry.clone(),
        codeowners: h.codeowners.clone(),
        pages: (0..h.pages.len())
            .filter(kept)
            .map(|i| h.pages[i].clone())
            .collect(),
        assets: h.assets.clone(),
        config_findings: h.config_findings.clone(),
        summary: h.summary.clone(),
        history: h.history.clone(),
    };
    let ev = crate::rules::Evaluation {
        statuses: (0..h.pages.len())
            .filter(kept)
            .map(|i| ev.statuses[i].clone())
            .collect(),
        page_findings: (0..h.pages.len())
            .filter(kept)
            .map(|i| ev.page_findings[i].clone())
            .collect(),
        other_findings: ev.other_findings.clone(),
        ignored: ev.ignored,
    };
    (handbook, ev)
}

/// `handbook check`: stages 0-3, without highlighting code.
pub fn check(root: &Path, opts: &CheckOptions) -> Result<CheckReport> {
    check_counted(root, opts, &Progress::hidden())
}

/// [`check`], showing its stages on `progress` (which it leaves erased).
pub fn check_counted(root: &Path, opts: &CheckOptions, progress: &Progress) -> Result<CheckReport> {
    let highlighter = Highlighter::plain();
    let config = load_config(root, &LoadOptions::default())?;
    let history = crate::history::start(&config.root, &config.content_dir);
    let handbook = load_handbook_counted(config, &highlighter, progress)?;
    progress.stage("reading the git history", 0);
    // The rules need only `review-outdated`'s facts, not the dashboard's.
    let handbook = with_history(handbook, history, opts.today, Wants::Review);
    progress.stage("checking the rules", 0);
    let ev = run_rules(&handbook, opts.today);
    progress.clear();
    let mut findings = ev.all_findings();
    if opts.gate {
        findings = crate::rules::gate(&handbook, findings);
    }
    if let Some(reference) = &opts.changed_since {
        let changed = crate::git::changed_since(&handbook.config.root, reference)?;
        findings = only_changed(&handbook, findings, &changed);
    }
    Ok(CheckReport {
        pages: handbook.pages.len(),
        sources: if opts.quote_sources {
            finding_sources(&handbook, &findings)
        } else {
            BTreeMap::new()
        },
        findings,
        ignored: ev.ignored,
        page_paths: handbook
            .pages
            .iter()
            .map(|p| p.src.root_rel.clone())
            .collect(),
    })
}
