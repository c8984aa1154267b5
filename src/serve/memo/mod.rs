//! Incremental rebuilds for `serve`: the build pipeline rerun from stage 0
//! over memoized stages, so that a one-page edit costs one page's parse and
//! render plus whatever really depends on it.
//!
//! One code path, no per-change special cases: every rebuild loads the
//! config, walks the content dir, runs every rule and builds the whole view
//! model ([`site_view`]). What is memoized is what costs:
//!
//! - **Parse** (markdown + highlighting, the bulk of a build): a page is
//!   reused as long as its file's stamp (size, mtime, inode) is unchanged and
//!   the watcher did not report it; otherwise it is re-read, and re-parsed
//!   only if its text changed. The config (and the set of folder index pages,
//!   which decides how `folder/` links are written) invalidate the pages
//!   that depend on them.
//! - **Render**: before rendering, every template output's context is
//!   fingerprinted ([`Sink::wants`]) with each page body stood in for by a
//!   parse id (hashing megabytes of HTML would cost more than rendering).
//!   Only outputs whose fingerprint changed are rendered; the rest keep their
//!   bytes. A new theme or config re-renders everything.
//! - **Only bodies changed** (the common edit): when every re-parsed page
//!   kept its shape (frontmatter, title, headings, links; see
//!   `moves::Outline`) and nothing else changed (pages, assets, owners,
//!   config, theme, date), the
//!   findings and the view model of the last build still hold, except for
//!   those pages' HTML, so the rules and the view are not rerun and only
//!   those pages are rendered. If headings and links only moved (lines
//!   inserted above them), findings at their positions move with them and
//!   the health page and `handbook.json` are rendered again too.
//!   `incremental_rebuilds_equal_fresh_builds` (in `tests.rs`) checks
//!   every kind of edit against a fresh build, byte for byte. The files:
//!   `scan` (what to read and parse again), `moves` (pages whose headings
//!   and links only moved), `render` (both paths' rendering).
//! - The search index is not built here: the session builds it apart, off
//!   the edit-to-reload path.
//!
//! Which files to re-read comes from the watcher: with `check_all` off, a
//! page nobody reported is reused without even a `stat`.
//!
//! Reads the disk (config, sources, assets, theme); never writes it. Set
//! `HANDBOOK_TIMINGS=1` to print the time of each stage per rebuild.

use crate::config::{load_config, Config, LoadOptions};
use crate::date::Date;
use crate::diag::Summary;
use crate::discover::{discover_paths, read_page, root_prefix, to_slash, AssetFile};
use crate::error::{io_err, Result};
use crate::handbook::Handbook;
use crate::markdown::{highlight_css, Highlighter};
use crate::output::Sink;
use crate::page::{parse_page_with, Page};
use crate::pipeline::{finish_history, load_handbook_with, render_view};
use crate::render::{render_site, Theme};
use crate::rules::{run_rules, Evaluation};
use crate::view::site_view;
use crate::view::SiteView;
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Instant, SystemTime};

mod moves;
mod render;
mod scan;
#[cfg(test)]
mod tests;

use moves::move_findings;
use scan::Scan;

/// The files of a built site: root-relative path → bytes.
pub(crate) type Files = HashMap<String, Arc<[u8]>>;

/// A handbook and its view model, as of one build. Shared with the search
/// job; the next rebuild takes its pages back.
#[derive(Debug)]
pub(crate) struct Built {
    /// The parsed handbook.
    pub(crate) handbook: Handbook,
    /// Its view model.
    pub(crate) site: SiteView,
}

/// What one successful rebuild produced.
#[derive(Debug)]
pub(crate) struct Rebuilt {
    /// Every file of the site except the search index.
    pub(crate) files: Arc<Files>,
    /// Files added, changed or removed since the previous good build.
    pub(crate) changed: usize,
    /// Pages in the handbook.
    pub(crate) pages: usize,
    /// Template outputs rendered (the rest were reused).
    pub(crate) rendered: usize,
    /// Pages re-parsed (the rest were reused).
    pub(crate) parsed: usize,
    /// Finding counts.
    pub(crate) summary: Summary,
    /// The handbook and view, for the search index.
    pub(crate) built: Arc<Built>,
    /// The config of this build (what to watch).
    pub(crate) config: Config,
    /// Whether only page bodies changed, so only those pages were rendered
    /// (findings moved with their headings and links, if they moved).
    pub(crate) fast: bool,
}

/// When a file was last seen: a change of any part means "re-read it".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
    inode: u64,
}

impl Stamp {
    fn of(path: &Path) -> Option<Stamp> {
        let meta = std::fs::metadata(path).ok()?;
        #[cfg(unix)]
        let inode = std::os::unix::fs::MetadataExt::ino(&meta);
        #[cfg(not(unix))]
        let inode = 0;
        Some(Stamp {
            len: meta.len(),
            modified: meta.modified().ok(),
            inode,
        })
    }
}

/// What the memo knows about a parsed page.
#[derive(Debug, Clone, Copy)]
struct PageMeta {
    stamp: Option<Stamp>,
    text_hash: u64,
    /// Unique per parse: stands in for the page body in render keys.
    parse_id: u64,
    /// The page has a `folder/`, `x`, `x.html` or `/site-absolute` link,
    /// whose href depends on which pages exist ([`crate::markdown::find_page`]).
    dir_links: bool,
}

/// A rendered template output and the key it was rendered from.
#[derive(Debug)]
struct RenderedFile {
    key: u64,
    bytes: Arc<[u8]>,
}

/// A content-dir asset held in memory.
#[derive(Debug)]
struct CachedAsset {
    stamp: Option<Stamp>,
    bytes: Arc<[u8]>,
}

/// The memo: everything one `serve` session keeps between rebuilds.
pub(crate) struct Memo {
    root: PathBuf,
    /// One highlighter (with its cache) for the whole session.
    highlighter: Highlighter,
    /// `highlight_css()`, computed once.
    css: String,
    theme: Option<(Theme, Option<PathBuf>)>,
    config_fp: Option<u64>,
    index_fp: u64,
    meta: HashMap<String, PageMeta>,
    /// The last build (good or not): its pages are the parse cache.
    last: Option<Arc<Built>>,
    rendered: HashMap<String, RenderedFile>,
    assets: HashMap<String, CachedAsset>,
    /// Files of the last good build.
    files: Arc<Files>,
    /// The inputs of the last good build besides the pages (`None` after
    /// a failure): equal inputs allow the fast path.
    good: Option<Inputs>,
    /// The findings of the last good build and their counts (the fast
    /// path keeps them, moving findings with their headings and links).
    last_eval: Option<(Evaluation, Summary)>,
    next_parse_id: u64,
    /// Git history, read once per session (and again after a config
    /// change): new commits show after a restart of `serve`.
    history: HistorySlot,
    /// What the watcher reported to rebuilds that failed: a rebuild that
    /// stops at a broken `book.toml` or theme never re-read those files, so
    /// the next one must (the watcher will not report them again).
    unbuilt: Unbuilt,
    /// Outputs claimed twice in the last full rebuild, as `build` finds
    /// them: warnings printed once while they last, and the content files
    /// that lose their place (the fast path keeps them out too).
    clashes: crate::view::Clashes,
    /// Middleman partials (`partials/_x.md`) by path under the content
    /// folder, as `build` inlines them, and their fingerprint: when one
    /// changes, every page is parsed again.
    partials: HashMap<String, String>,
    partials_fp: u64,
    /// The note `build` prints about `.mdx` files, as last printed.
    mdx_note: Option<String>,
    /// `HANDBOOK_TIMINGS=1`.
    timings: bool,
}

/// Changes handed to failed rebuilds, carried to the next one.
#[derive(Debug, Default)]
struct Unbuilt {
    dirty: HashSet<PathBuf>,
    theme_dirty: bool,
    check_all: bool,
}

/// Where the session's git history is: not asked for yet, being read by
/// `git log` in the background, or worked out.
enum HistorySlot {
    NotRead,
    Reading(crate::history::Pending),
    Ready(Arc<crate::history::History>),
}
impl Memo {
    /// A memo for the handbook at `root`; nothing is loaded yet.
    pub(crate) fn new(root: &Path) -> Memo {
        Memo {
            root: root.to_owned(),
            // The blocks `build` left on disk make the first build as
            // quick as a warm one; serve never writes them.
            highlighter: match crate::pipeline::cached_blocks(root) {
                Some(blocks) => Highlighter::seeded(blocks),
                None => Highlighter::new(),
            },
            css: highlight_css(),
            theme: None,
            config_fp: None,
            index_fp: 0,
            meta: HashMap::new(),
            last: None,
            rendered: HashMap::new(),
            assets: HashMap::new(),
            files: Arc::new(Files::new()),
            good: None,
            last_eval: None,
            next_parse_id: 0,
            history: HistorySlot::NotRead,
            unbuilt: Unbuilt::default(),
            clashes: Default::default(),
            partials: HashMap::new(),
            partials_fp: 0,
            mdx_note: None,
            timings: crate::timings_wanted(),
        }
    }

    /// Forgets every cached result (after a panic in a rebuild, so no
    /// half-updated state survives). Keeps the highlighter.
    pub(crate) fn reset(&mut self) {
        self.theme = None;
        self.config_fp = None;
        self.meta.clear();
        self.last = None;
        self.rendered.clear();
        self.assets.clear();
        self.good = None;
        self.last_eval = None;
        self.history = HistorySlot::NotRead;
        self.clashes = Default::default();
    }

    /// Rebuilds the site. `dirty` lists paths the watcher reported (files
    /// or folders; they are re-read); `theme_dirty` says a theme file
    /// changed. With `check_all`, every other page's stamp (size, mtime,
    /// inode) is checked too; without it the watcher is trusted to have
    /// reported every change. On error the memo keeps what it had, so the
    /// next rebuild is still incremental, and adds this rebuild's changes
    /// to the next one's.
    pub(crate) fn rebuild(
        &mut self,
        today: Date,
        dirty: &HashSet<PathBuf>,
        theme_dirty: bool,
        check_all: bool,
    ) -> Result<Rebuilt> {
        let mut pending = std::mem::take(&mut self.unbuilt);
        pending.dirty.extend(dirty.iter().cloned());
        pending.theme_dirty |= theme_dirty;
        pending.check_all |= check_all;
        let result = self.try_rebuild(
            today,
            &pending.dirty,
            pending.theme_dirty,
            pending.check_all,
        );
        if result.is_err() {
            // The next build must not patch the last good one blindly,
            // and must still re-read what this one was told changed.
            self.good = None;
            self.unbuilt = pending;
        }
        result
    }

    fn try_rebuild(
        &mut self,
        today: Date,
        dirty: &HashSet<PathBuf>,
        theme_dirty: bool,
        check_all: bool,
    ) -> Result<Rebuilt> {
        let mut clock = Clock::new(self.timings);
        let config = load_config(&self.root, &LoadOptions::default())?;
        let config_fp = fingerprint_config(&config);
        let mut fast = true;
        if self.config_fp != Some(config_fp) {
            // Titles, URLs, rule levels... anything may change: start over.
            self.meta.clear();
            self.rendered.clear();
            self.config_fp = Some(config_fp);
            // The content folder or the health settings may have moved.
            self.history = HistorySlot::NotRead;
            fast = false;
        }
        let theme_stale = match &self.theme {
            None => true,
            Some((_, dir)) => theme_dirty || *dir != config.theme_dir,
        };
        if theme_stale {
            self.theme = None;
            let theme = Theme::load(config.theme_dir.as_deref())?;
            self.theme = Some((theme, config.theme_dir.clone()));
            self.rendered.clear();
            fast = false;
        }
        clock.lap("config+theme");

        let dirty_rels: HashSet<String> = dirty
            .iter()
            .filter_map(|p| p.strip_prefix(&config.content_dir).ok())
            .map(to_slash)
            .collect();
        if matches!(self.history, HistorySlot::NotRead) {
            // `git log` runs while the pages are read and parsed.
            let pending = crate::history::start(&config.root, &config.content_dir);
            self.history = HistorySlot::Reading(pending);
        }
        let mut scan = None;
        let mut handbook = load_handbook_with(config.clone(), |config| {
            let (paths, assets) = discover_paths(config);
            // Middleman partials are not pages; pages inline them.
            let (partials, paths): (Vec<_>, Vec<_>) = paths
                .into_iter()
                .partition(|(rel, _)| crate::discover::is_partial(rel));
            self.read_partials(config, partials)?;
            let (pages, s) = self.scan_pages(config, paths, &dirty_rels, check_all)?;
            scan = Some(s);
            Ok((pages, assets))
        })?;
        let mut scan = scan.unwrap_or_default();
        clock.lap("scan+parse");
        // What `build`'s discovery says about the content, said again
        // when it changes (not at every save).
        let mdx_note = crate::discover::mdx_note(&handbook.assets);
        if mdx_note != self.mdx_note {
            if let Some(note) = &mdx_note {
                eprintln!("{note}");
            }
            self.mdx_note = mdx_note;
        }
        handbook.history = match std::mem::replace(&mut self.history, HistorySlot::NotRead) {
            HistorySlot::Reading(pending) => {
                finish_history(&handbook, pending, today, crate::history::Wants::All)
            }
            HistorySlot::Ready(h) => h,
            HistorySlot::NotRead => Default::default(),
        };
        self.history = HistorySlot::Ready(Arc::clone(&handbook.history));
        clock.lap("history");
        let mut asset_files = self.load_assets(&handbook.assets);
        let inputs = Inputs::of(&handbook, today);
        clock.lap("assets");

        // The fast path: only page bodies changed (same pages, same
        // frontmatter, headings, links, owners, config, theme, date), so
        // the findings and the view model are those of the last good build
        // but for those bodies, and only those pages are rendered again.
        fast = fast && !scan.shape_changed && self.good.as_ref() == Some(&inputs);
        let last_eval = self.last_eval.take();
        let reuse = if fast {
            scan.old_site.take().zip(last_eval)
        } else {
            None
        };
        if let Some((site, (mut ev, summary))) = reuse {
            // Same pages and owners, so the same outputs win as last time.
            asset_files.retain(|(rel, _)| !self.clashes.hidden_assets.contains(rel));
            let moved = move_findings(&handbook, &mut ev, &scan.moved);
            let rendered = if moved {
                self.render_bodies(&handbook, site, &scan, &asset_files)
            } else {
                Ok(None)
            };
            match rendered {
                Ok(Some((site, files, changed, rendered))) => {
                    clock.lap("render");
                    self.last_eval = Some((ev, summary));
                    let mut r = self.finish(
                        handbook, site, files, changed, rendered, &scan, summary, inputs, clock,
                        config,
                    );
                    r.fast = true;
                    return Ok(r);
                }
                Ok(None) => {}
                Err(e) => {
                    self.last = Some(Arc::new(Built {
                        handbook,
                        site: SiteView::default(),
                    }));
                    return Err(e);
                }
            }
        }
        if let Some(site) = scan.old_site.take() {
            // Freeing a large view model takes a while; not here.
            let _ = std::thread::Builder::new()
                .name("handbook-free".to_owned())
                .spawn(move || drop(site));
        }

        let ev = run_rules(&handbook, today);
        clock.lap("rules");
        let mut site = site_view(&handbook, &ev, today);
        if let Some((theme, _)) = &self.theme {
            let clashes = crate::view::output_clashes(&handbook, &site, &theme.static_names());
            if clashes.warnings != self.clashes.warnings {
                for clash in &clashes.warnings {
                    eprintln!("warning: {clash}");
                }
            }
            asset_files.retain(|(rel, _)| !clashes.hidden_assets.contains(rel));
            self.clashes = clashes;
        }
        clock.lap("view");
        let mut summary = Summary::of(&ev.other_findings);
        for f in &ev.page_findings {
            let s = Summary::of(f);
            summary.error += s.error;
            summary.warning += s.warning;
            summary.info += s.info;
        }
        match self.render(&handbook, &mut site, asset_files, &mut clock) {
            Ok((files, changed, rendered)) => {
                self.last_eval = Some((ev, summary));
                Ok(self.finish(
                    handbook, site, files, changed, rendered, &scan, summary, inputs, clock, config,
                ))
            }
            Err(e) => {
                // Even a failed render keeps the parsed pages for next time.
                self.last = Some(Arc::new(Built { handbook, site }));
                Err(e)
            }
        }
    }

    /// Records a good build and describes it.
    #[allow(clippy::too_many_arguments)]
    fn finish(
        &mut self,
        handbook: Handbook,
        site: SiteView,
        files: Arc<Files>,
        changed: usize,
        rendered: usize,
        scan: &Scan,
        summary: Summary,
        inputs: Inputs,
        mut clock: Clock,
        config: Config,
    ) -> Rebuilt {
        let pages = handbook.pages.len();
        let built = Arc::new(Built { handbook, site });
        self.last = Some(Arc::clone(&built));
        self.files = Arc::clone(&files);
        self.good = Some(inputs);
        clock.lap("publish");
        clock.report(pages, scan.parsed, rendered);
        Rebuilt {
            files,
            changed,
            pages,
            rendered,
            parsed: scan.parsed,
            summary,
            built,
            config,
            fast: false,
        }
    }
}

/// The inputs of a build besides the pages: when they and every page's
/// shape are unchanged, so are the findings and the view model.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Inputs {
    today: Date,
    /// owners.yaml, CODEOWNERS, SUMMARY.md and config findings.
    owners: u64,
    /// Which assets exist (links to them are checked).
    assets: u64,
    /// The pages' role-matrix grids and their findings (read from data
    /// files, which a page-body scan does not see change).
    matrices: u64,
}

impl Inputs {
    fn of(h: &Handbook, today: Date) -> Inputs {
        let mut owners = DefaultHasher::new();
        format!("{:?}{:?}{:?}", h.registry, h.codeowners, h.config_findings).hash(&mut owners);
        // SUMMARY.md orders the sidebar and previous/next.
        h.summary.hash(&mut owners);
        let mut assets = DefaultHasher::new();
        for a in &h.assets {
            a.rel.hash(&mut assets);
        }
        let mut matrices = DefaultHasher::new();
        for p in h
            .pages
            .iter()
            .filter(|p| p.matrix.is_some() || !p.matrix_findings.is_empty())
        {
            format!("{}{:?}{:?}", p.src.rel, p.matrix, p.matrix_findings).hash(&mut matrices);
        }
        Inputs {
            today,
            owners: owners.finish(),
            assets: assets.finish(),
            matrices: matrices.finish(),
        }
    }
}

/// Waits (up to a second) until nobody else holds `built`: the search job
/// copies it and lets go within a fraction of that.
fn wait_for_sole_owner(built: Arc<Built>) -> Arc<Built> {
    let deadline = Instant::now() + std::time::Duration::from_secs(1);
    while Arc::strong_count(&built) > 1 && Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    built
}

/// A fingerprint of the resolved config (its debug form covers every field).
fn fingerprint_config(config: &Config) -> u64 {
    let mut h = DefaultHasher::new();
    format!("{config:?}").hash(&mut h);
    h.finish()
}

/// Stage timings for `HANDBOOK_TIMINGS=1`.
struct Clock {
    on: bool,
    start: Instant,
    last: Instant,
    laps: Vec<(&'static str, f64)>,
}

impl Clock {
    fn new(on: bool) -> Clock {
        let now = Instant::now();
        Clock {
            on,
            start: now,
            last: now,
            laps: Vec::new(),
        }
    }

    fn lap(&mut self, stage: &'static str) {
        if self.on {
            let now = Instant::now();
            self.laps
                .push((stage, (now - self.last).as_secs_f64() * 1e3));
            self.last = now;
        }
    }

    fn report(&self, pages: usize, parsed: usize, rendered: usize) {
        if self.on {
            let laps: Vec<String> = self
                .laps
                .iter()
                .map(|(s, ms)| format!("{s} {ms:.1}"))
                .collect();
            eprintln!(
                "timing: serve rebuild: {} ms ({}); {pages} pages, {parsed} parsed, {rendered} rendered",
                format_args!("{:.1}", self.start.elapsed().as_secs_f64() * 1e3),
                laps.join(", ")
            );
        }
    }
}
