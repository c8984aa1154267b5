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
//!   kept its shape (frontmatter, title, headings, links; see [`Outline`]) and
//!   nothing else changed (pages, assets, owners, config, theme, date), the
//!   findings and the view model of the last build still hold, except for
//!   those pages' HTML, so the rules and the view are not rerun and only
//!   those pages are rendered. If headings and links only moved (lines
//!   inserted above them), findings at their positions move with them and
//!   the health page and `handbook.json` are rendered again too.
//!   `incremental_rebuilds_equal_fresh_builds` below checks every kind of
//!   edit against a fresh build, byte for byte.
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
use crate::markdown::{highlight_css, Highlighter};
use crate::page::{parse_page_with, Handbook, Page};
use crate::pipeline::{finish_history, load_handbook_with, render_view};
use crate::render::view::SiteView;
use crate::render::{render_site, Sink, Theme};
use crate::rules::{run_rules, Evaluation};
use crate::site::site_view;
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Instant, SystemTime};

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
    clashes: crate::site::Clashes,
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
            highlighter: Highlighter::new(),
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
            let clashes = crate::site::output_clashes(&handbook, &site, &theme.static_names());
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

    /// Walks the content dir and returns every page, reusing cached ones,
    /// and what changed.
    /// Reads the partials as `build` does; a change in any of them (or in
    /// their set) makes every page parse again, since any page may use it.
    fn read_partials(&mut self, config: &Config, paths: Vec<(String, PathBuf)>) -> Result<()> {
        let prefix = root_prefix(config);
        let mut partials = HashMap::with_capacity(paths.len());
        for (rel, abs) in paths {
            match read_page(&abs, rel, &prefix) {
                Ok(src) => {
                    partials.insert(src.rel, src.text);
                }
                Err(e) if crate::discover::is_vanished(&e) => {}
                Err(e) => return Err(e),
            }
        }
        let mut sorted: Vec<(&String, &String)> = partials.iter().collect();
        sorted.sort();
        let mut h = DefaultHasher::new();
        sorted.hash(&mut h);
        let fp = h.finish();
        if fp != self.partials_fp {
            self.meta.clear();
            self.partials_fp = fp;
        }
        self.partials = partials;
        Ok(())
    }

    fn scan_pages(
        &mut self,
        config: &Config,
        paths: Vec<(String, PathBuf)>,
        dirty: &HashSet<String>,
        check_all: bool,
    ) -> Result<(Vec<Page>, Scan)> {
        let prefix = root_prefix(config);
        let known: HashSet<String> = paths.iter().map(|(rel, _)| rel.clone()).collect();
        let index_fp = {
            let mut h = DefaultHasher::new();
            // Every page path, not only index pages: `x`, `x/` and `x.html`
            // links render to whichever page of that name exists.
            let mut index: Vec<&String> = known.iter().collect();
            index.sort();
            index.hash(&mut h);
            h.finish()
        };
        let index_changed = index_fp != self.index_fp;
        self.index_fp = index_fp;

        // Take the previous pages (and view) back, cloning only if the
        // search job still holds them.
        let (old_pages, old_site) = match self.last.take().map(wait_for_sole_owner) {
            Some(built) => match Arc::try_unwrap(built) {
                Ok(Built { handbook, site }) => (handbook.pages, Some(site)),
                Err(shared) => (shared.handbook.pages.clone(), Some(shared.site.clone())),
            },
            None => (Vec::new(), None),
        };
        let mut old: HashMap<String, Page> = old_pages
            .into_iter()
            .map(|p| (p.src.rel.clone(), p))
            .collect();
        let old_meta = std::mem::take(&mut self.meta);

        // Pages are moved through here, not copied: boxing them would only
        // add an allocation each.
        #[allow(clippy::large_enum_variant)]
        enum Job {
            Keep(Page, PageMeta),
            /// Source, stamp, text hash, the old page's outline (if any).
            Parse(
                crate::discover::SourceFile,
                Option<Stamp>,
                u64,
                Option<Outline>,
            ),
        }
        let jobs: Vec<(String, PathBuf, Option<Page>, Option<PageMeta>)> = paths
            .into_iter()
            .map(|(rel, abs)| {
                let page = old.remove(&rel);
                let meta = old_meta.get(&rel).copied();
                (rel, abs, page, meta)
            })
            .collect();
        // Pages left in `old` were deleted (or renamed).
        let removed = !old.is_empty();
        drop(old);
        // A page deleted between the walk and its reading is gone, as in
        // `build`; any other read error fails the rebuild, as it fails
        // `build` (the last good site stays served, the error shown).
        let read = |abs: &Path, rel: String| match read_page(abs, rel, &prefix) {
            Ok(src) => Some(Ok(src)),
            Err(e) if crate::discover::is_vanished(&e) => None,
            Err(e) => Some(Err(e)),
        };
        let jobs: Vec<Job> = jobs
            .into_par_iter()
            .filter_map(|(rel, abs, page, meta)| {
                let reported = is_dirty(dirty, &rel);
                // Trust the watcher: nothing was reported here.
                let trusted = !check_all
                    && !reported
                    && page.is_some()
                    && meta.is_some_and(|m| !(index_changed && m.dir_links));
                if trusted {
                    if let (Some(p), Some(m)) = (page, meta) {
                        return Some(Ok(Job::Keep(p, m)));
                    }
                    return None;
                }
                let stamp = Stamp::of(&abs);
                match (page, meta) {
                    (Some(p), Some(m)) if !(index_changed && m.dir_links) => {
                        if stamp.is_some() && m.stamp == stamp && !reported {
                            return Some(Ok(Job::Keep(p, m)));
                        }
                        let src = match read(&abs, rel)? {
                            Ok(src) => src,
                            Err(e) => return Some(Err(e)),
                        };
                        let text_hash = hash_source(&src);
                        if text_hash == m.text_hash {
                            return Some(Ok(Job::Keep(p, PageMeta { stamp, ..m })));
                        }
                        Some(Ok(Job::Parse(src, stamp, text_hash, Some(Outline::of(&p)))))
                    }
                    (page, _) => {
                        let src = match read(&abs, rel)? {
                            Ok(src) => src,
                            Err(e) => return Some(Err(e)),
                        };
                        let text_hash = hash_source(&src);
                        Some(Ok(Job::Parse(
                            src,
                            stamp,
                            text_hash,
                            page.as_ref().map(Outline::of),
                        )))
                    }
                }
            })
            .collect::<Result<_>>()?;

        let first_id = self.next_parse_id;
        let n_parse = jobs.iter().filter(|j| matches!(j, Job::Parse(..))).count();
        self.next_parse_id += n_parse as u64;
        let highlighter = &self.highlighter;
        let partials = &self.partials;
        let mut ids = first_id..;
        let jobs: Vec<(Job, u64)> = jobs
            .into_iter()
            .map(|j| {
                let id = match &j {
                    Job::Parse(..) => ids.next().unwrap_or(first_id),
                    Job::Keep(_, m) => m.parse_id,
                };
                (j, id)
            })
            .collect();
        // (page, meta, how it changed when re-parsed)
        let results: Vec<(Page, PageMeta, Option<Change>)> = jobs
            .into_par_iter()
            .map(|(job, id)| match job {
                Job::Keep(p, m) => (p, m, None),
                Job::Parse(src, stamp, text_hash, old) => {
                    let page = parse_page_with(src, config, &known, Some(partials), highlighter);
                    let dir_links = has_dir_links(&page);
                    let meta = PageMeta {
                        stamp,
                        text_hash,
                        parse_id: id,
                        dir_links,
                    };
                    let change = match old {
                        Some(old) => old.compare(&Outline::of(&page)),
                        None => Change::Shape,
                    };
                    (page, meta, Some(change))
                }
            })
            .collect();
        let mut pages = Vec::with_capacity(results.len());
        let mut scan = Scan {
            parsed: n_parse,
            shape_changed: removed || index_changed,
            body_changed: Vec::new(),
            moved: Vec::new(),
            old_site,
        };
        for (page, meta, reparsed) in results {
            match reparsed {
                Some(Change::Body) => scan.body_changed.push(page.src.rel.clone()),
                Some(Change::Moved(moves)) => {
                    scan.body_changed.push(page.src.rel.clone());
                    scan.moved.push((page.src.rel.clone(), moves));
                }
                Some(Change::Shape) => scan.shape_changed = true,
                None => {}
            }
            self.meta.insert(page.src.rel.clone(), meta);
            pages.push(page);
        }
        pages.sort_by(|a, b| a.src.rel.cmp(&b.src.rel));
        Ok((pages, scan))
    }

    /// The fast path's render: puts the new bodies into the last good view
    /// and renders only those pages. `None` when the view does not line up
    /// with the handbook (then the caller takes the full path).
    #[allow(clippy::type_complexity)]
    fn render_bodies(
        &mut self,
        handbook: &Handbook,
        mut site: SiteView,
        scan: &Scan,
        assets: &[(String, Arc<[u8]>)],
    ) -> Result<Option<(SiteView, Arc<Files>, usize, usize)>> {
        let Some((theme, _)) = &self.theme else {
            return Ok(None);
        };
        if site.pages.len() != handbook.pages.len() {
            return Ok(None);
        }
        let Some(findings_moved) = move_finding_views(handbook, &mut site, &scan.moved) else {
            return Ok(None);
        };
        let changed: HashSet<&str> = scan.body_changed.iter().map(String::as_str).collect();
        let mut urls = HashSet::new();
        for (view, page) in site.pages.iter_mut().zip(&handbook.pages) {
            if view.path != page.src.rel {
                return Ok(None);
            }
            if changed.contains(page.src.rel.as_str()) {
                view.content = Arc::clone(&page.md.html);
                urls.insert(view.url.clone());
            }
        }
        if findings_moved {
            // Moved findings show on the health page and in the catalog.
            urls.insert("health.html".to_owned());
        }
        let skip = HashSet::new();
        let sink = CollectSink {
            skip: &skip,
            only: Some(&urls),
            out: Mutex::new(Vec::new()),
        };
        render_site(&site, theme, &self.css, &sink)?;
        let mut puts = sink
            .out
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        if findings_moved {
            puts.push((
                "handbook.json".to_owned(),
                crate::catalog::catalog_json(&site),
            ));
        }
        let mut files: Files = (*self.files).clone();
        let mut n_changed = 0;
        for (rel, bytes) in assets {
            // Same asset paths (else no fast path); contents may differ.
            if files.get(rel).is_none_or(|old| !Arc::ptr_eq(old, bytes)) {
                n_changed += 1;
                files.insert(rel.clone(), Arc::clone(bytes));
            }
        }
        let rendered = puts.len();
        for (path, bytes) in puts {
            // Rendered from a body the keys of `rendered` do not cover: the
            // next full build renders it again.
            self.rendered.remove(&path);
            if files.get(&path).is_none_or(|old| old[..] != bytes[..]) {
                n_changed += 1;
            }
            files.insert(path, Arc::from(bytes));
        }
        Ok(Some((site, Arc::new(files), n_changed, rendered)))
    }

    /// Reads the content dir's assets into memory (cached by stamp).
    /// Discovery has left out what resolves outside the content dir
    /// (symlinks pointing out), for `build` and `serve` alike.
    fn load_assets(&mut self, assets: &[AssetFile]) -> Vec<(String, Arc<[u8]>)> {
        let mut old = std::mem::take(&mut self.assets);
        let mut out = Vec::with_capacity(assets.len());
        for a in assets {
            let stamp = Stamp::of(&a.abs);
            let bytes = match old.remove(&a.rel) {
                Some(c) if c.stamp.is_some() && c.stamp == stamp => c.bytes,
                _ => match std::fs::read(&a.abs).map_err(io_err(&a.abs)) {
                    Ok(b) => Arc::from(b),
                    Err(e) => {
                        eprintln!("warning: {e}");
                        continue;
                    }
                },
            };
            self.assets.insert(
                a.rel.clone(),
                CachedAsset {
                    stamp,
                    bytes: Arc::clone(&bytes),
                },
            );
            out.push((a.rel.clone(), bytes));
        }
        out
    }

    /// Renders what changed; returns the files, how many differ from the
    /// last good build and how many template outputs were rendered.
    fn render(
        &mut self,
        handbook: &Handbook,
        site: &mut SiteView,
        assets: Vec<(String, Arc<[u8]>)>,
        clock: &mut Clock,
    ) -> Result<(Arc<Files>, usize, usize)> {
        let Some((theme, _)) = &self.theme else {
            return Err(crate::error::Error::Theme {
                path: self.root.clone(),
                reason: "not loaded".to_owned(),
            });
        };

        // Phase 1: fingerprint every template output, with page bodies
        // replaced by their parse ids.
        let bodies: Vec<Arc<str>> = site
            .pages
            .iter_mut()
            .zip(&handbook.pages)
            .map(|(view, page)| {
                let id = self
                    .meta
                    .get(&page.src.rel)
                    .filter(|_| view.path == page.src.rel)
                    .map(|m| m.parse_id);
                let stand_in: Arc<str> = match id {
                    Some(id) => Arc::from(format!("\u{0}parse:{id}")),
                    // Not expected; an unmatched body is its own stand-in.
                    None => Arc::clone(&view.content),
                };
                std::mem::replace(&mut view.content, stand_in)
            })
            .collect();
        let keys = KeySink::default();
        let phase1 = render_site(site, theme, "", &keys);
        for (view, body) in site.pages.iter_mut().zip(bodies) {
            view.content = body;
        }
        phase1?;
        let keys = keys.into_keys();
        clock.lap("keys");

        // Phase 2: render the outputs whose key changed, plus everything
        // that is not a template (statics, sitemap, handbook.json).
        let unchanged: HashSet<&str> = keys
            .iter()
            .filter(|(path, key)| self.rendered.get(*path).is_some_and(|r| r.key == **key))
            .map(|(path, _)| path.as_str())
            .collect();
        let sink = CollectSink {
            skip: &unchanged,
            only: None,
            out: Mutex::new(Vec::new()),
        };
        render_view(site, theme, &self.css, &sink)?;
        let puts = sink
            .out
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        let n_rendered = puts.iter().filter(|(p, _)| keys.contains_key(p)).count();
        clock.lap("render");

        let mut files = Files::with_capacity(keys.len() + puts.len() + assets.len());
        for (rel, bytes) in assets {
            files.insert(rel, bytes);
        }
        let mut rendered = HashMap::with_capacity(keys.len());
        for path in &unchanged {
            if let Some(r) = self.rendered.remove(*path) {
                files.insert((*path).to_owned(), Arc::clone(&r.bytes));
                rendered.insert((*path).to_owned(), r);
            }
        }
        for (path, bytes) in puts {
            let bytes: Arc<[u8]> = Arc::from(bytes);
            if let Some(&key) = keys.get(&path) {
                rendered.insert(
                    path.clone(),
                    RenderedFile {
                        key,
                        bytes: Arc::clone(&bytes),
                    },
                );
            }
            files.insert(path, bytes);
        }
        self.rendered = rendered;

        let old = &self.files;
        let mut changed = files
            .iter()
            .filter(|(path, bytes)| {
                old.get(*path)
                    .is_none_or(|o| !Arc::ptr_eq(o, bytes) && o[..] != bytes[..])
            })
            .count();
        changed += old.keys().filter(|p| !files.contains_key(*p)).count();
        Ok((Arc::new(files), changed, n_rendered))
    }
}

/// What a scan of the content dir found.
struct Scan {
    /// Pages re-parsed.
    parsed: usize,
    /// A page was added, removed or renamed, or one changed more than its
    /// body (frontmatter, title, headings, links, their lines), or the set
    /// of folder index pages changed.
    shape_changed: bool,
    /// Pages whose body changed (and nothing else, or only positions).
    body_changed: Vec<String>,
    /// Pages whose headings and links moved (old → new line and column),
    /// nothing else changing but the body.
    moved: Vec<(String, Moves)>,
    /// The view model of the previous build.
    old_site: Option<SiteView>,
}

impl Default for Scan {
    fn default() -> Scan {
        Scan {
            parsed: 0,
            shape_changed: true,
            body_changed: Vec::new(),
            moved: Vec::new(),
            old_site: None,
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

/// A page's shape: everything but its body (raw text, HTML, plain text).
/// Rules and the view model read only the shape, plus the HTML as the
/// page's content, so two pages of equal shape differ only in that HTML.
/// (Pinned by `rules_and_view_read_only_the_shape` below.)
#[cfg(test)]
fn shape(page: &Page) -> u64 {
    Outline::of(page).shape
}

/// Line and column of something in a page.
type Pos = (u32, u32);

/// Where each heading and link of a page went: old position → new.
type Moves = HashMap<Pos, Pos>;

/// How a re-parsed page differs from its previous version.
enum Change {
    /// Only the body: same shape.
    Body,
    /// The body, and headings and links moved (lines or columns); nothing
    /// else. Findings at those positions move with them.
    Moved(Moves),
    /// Anything else.
    Shape,
}

/// A page's shape, its shape with heading and link positions left out,
/// and those positions (headings, then links, in document order).
struct Outline {
    shape: u64,
    unplaced: u64,
    places: Vec<Pos>,
}

impl Outline {
    fn of(page: &Page) -> Outline {
        let mut q = page.clone();
        q.src.text = String::new();
        q.md.html = Arc::from("");
        q.md.text = String::new();
        q.md.code_blocks = Vec::new();
        let hash = |q: &Page| {
            let mut h = DefaultHasher::new();
            format!("{q:?}").hash(&mut h);
            h.finish()
        };
        let shape = hash(&q);
        let mut places = Vec::with_capacity(q.md.headings.len() + q.md.links.len());
        for h in &mut q.md.headings {
            places.push((h.line, h.column));
            (h.line, h.column) = (0, 0);
        }
        for l in &mut q.md.links {
            places.push((l.line, l.column));
            (l.line, l.column) = (0, 0);
        }
        Outline {
            shape,
            unplaced: hash(&q),
            places,
        }
    }

    /// How `new` differs from this (the old outline).
    fn compare(self, new: &Outline) -> Change {
        if self.shape == new.shape {
            return Change::Body;
        }
        if self.unplaced != new.unplaced || self.places.len() != new.places.len() {
            return Change::Shape;
        }
        let mut moves = Moves::with_capacity(self.places.len());
        for (old, new) in self.places.into_iter().zip(new.places.iter().copied()) {
            // One old place must not go to two new ones.
            if moves.insert(old, new).is_some_and(|prev| prev != new) {
                return Change::Shape;
            }
        }
        Change::Moved(moves)
    }
}

/// Phase 1 sink: records each template output's key, renders nothing.
#[derive(Default)]
struct KeySink {
    keys: Mutex<HashMap<String, u64>>,
}

impl KeySink {
    fn into_keys(self) -> HashMap<String, u64> {
        self.keys
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

impl Sink for KeySink {
    fn put(&self, _path: &str, _bytes: Vec<u8>) -> Result<()> {
        Ok(())
    }

    fn wants(&self, path: &str, key: &dyn Fn() -> u64) -> bool {
        let key = key();
        let mut keys = self.keys.lock().unwrap_or_else(PoisonError::into_inner);
        // Two outputs at one path (a page replacing a listing): the order
        // of parallel calls varies, so combine commutatively.
        keys.entry(path.to_owned())
            .and_modify(|k| *k = k.wrapping_add(key))
            .or_insert(key);
        false
    }
}

/// Phase 2 sink: skips unchanged template outputs, collects the rest in
/// the order they are put (a later file at the same path wins).
struct CollectSink<'a> {
    skip: &'a HashSet<&'a str>,
    /// When set, only these paths (templates or not) are kept.
    only: Option<&'a HashSet<String>>,
    out: Mutex<Vec<(String, Vec<u8>)>>,
}

impl Sink for CollectSink<'_> {
    fn put(&self, path: &str, bytes: Vec<u8>) -> Result<()> {
        if self.only.is_some_and(|only| !only.contains(path)) {
            return Ok(());
        }
        self.out
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((path.to_owned(), bytes));
        Ok(())
    }

    fn wants(&self, path: &str, _key: &dyn Fn() -> u64) -> bool {
        !self.skip.contains(path) && self.only.is_none_or(|only| only.contains(path))
    }
}

/// The index of the page at `rel` (pages are sorted by `rel`).
fn page_index(h: &Handbook, rel: &str) -> Option<usize> {
    h.pages
        .binary_search_by(|p| p.src.rel.as_str().cmp(rel))
        .ok()
}

/// Moves the findings of pages whose headings and links moved along with
/// them. False when a finding is somewhere else in the body (then the
/// caller reruns the rules).
fn move_findings(h: &Handbook, ev: &mut Evaluation, moved: &[(String, Moves)]) -> bool {
    for (rel, moves) in moved {
        let Some(i) = page_index(h, rel) else {
            return false;
        };
        let page = &h.pages[i];
        let Some(findings) = ev.page_findings.get_mut(i) else {
            return false;
        };
        for d in findings.iter_mut() {
            if d.path != page.src.root_rel {
                return false;
            }
            if d.line >= page.body_line {
                match moves.get(&(d.line, d.column)) {
                    Some(&(line, column)) => (d.line, d.column) = (line, column),
                    None => return false,
                }
            }
        }
        crate::diag::sort_findings(findings);
    }
    true
}

/// The same move in the view model: each page's findings and the health
/// page's findings by rule, sorted as `site_view` sorts them. `None` when a
/// finding cannot be placed; else whether any finding moved.
fn move_finding_views(
    h: &Handbook,
    site: &mut SiteView,
    moved: &[(String, Moves)],
) -> Option<bool> {
    use crate::render::view::FindingView;
    let mut any = false;
    let mut shift = |f: &mut FindingView, body_line: u32, moves: &Moves| -> bool {
        if f.line < body_line {
            return true;
        }
        match moves.get(&(f.line, f.column)) {
            Some(&(line, column)) => {
                any |= (f.line, f.column) != (line, column);
                (f.line, f.column) = (line, column);
                true
            }
            None => false,
        }
    };
    for (rel, moves) in moved {
        let i = page_index(h, rel)?;
        let page = &h.pages[i];
        let view = site.pages.get_mut(i).filter(|v| v.path == *rel)?;
        for f in &mut view.findings {
            if !shift(f, page.body_line, moves) {
                return None;
            }
        }
        view.findings.sort_by(|a, b| {
            (a.line, a.column, &a.rule, &a.message).cmp(&(b.line, b.column, &b.rule, &b.message))
        });
        for group in &mut site.health.findings_by_rule {
            let mut touched = false;
            for f in group
                .findings
                .iter_mut()
                .filter(|f| f.path == page.src.root_rel)
            {
                if !shift(f, page.body_line, moves) {
                    return None;
                }
                touched = true;
            }
            if touched {
                group.findings.sort_by(|a, b| {
                    (&a.path, a.line, a.column, &a.message)
                        .cmp(&(&b.path, b.line, b.column, &b.message))
                });
            }
        }
    }
    Some(any)
}

/// Whether `rel` or a folder above it was reported changed (`""` is the
/// content dir itself).
fn is_dirty(dirty: &HashSet<String>, rel: &str) -> bool {
    if dirty.is_empty() {
        return false;
    }
    dirty.contains(rel)
        || dirty.contains("")
        || rel
            .match_indices('/')
            .any(|(i, _)| dirty.contains(&rel[..i]))
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

fn hash_source(src: &crate::discover::SourceFile) -> u64 {
    let mut h = DefaultHasher::new();
    src.text.hash(&mut h);
    src.invalid_utf8_at.hash(&mut h);
    h.finish()
}

#[cfg(test)]
fn is_index_page(rel: &str) -> bool {
    crate::markdown::is_index_page(rel)
}

/// Whether a page has a relative link that may name a folder (`../adr/`,
/// `.`, `../adr`: anything but a markdown file), whose output form depends
/// on which folders have an index page.
fn has_dir_links(page: &Page) -> bool {
    page.md.links.iter().any(|l| {
        let dest = l.dest.trim();
        let path = dest.split(['#', '?']).next().unwrap_or(dest);
        let file = path.rsplit('/').next().unwrap_or(path);
        !path.is_empty()
            && !path.contains("://")
            && (path.starts_with('/')
                || file.is_empty()
                || crate::markdown::page_stem(file).is_none())
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast path relies on this: rules and the view model read a page's
    /// shape and its HTML as content, never its raw text or plain text.
    #[test]
    fn rules_and_view_read_only_the_shape() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let config = load_config(root, &LoadOptions::default()).unwrap();
        let h = crate::pipeline::load_handbook(config, &Highlighter::plain()).unwrap();
        let today = Date::parse("2026-11-23").unwrap();
        let mut blank = h.clone();
        for p in &mut blank.pages {
            p.src.text = String::new();
            p.md.text = String::new();
            p.md.code_blocks = Vec::new();
            p.md.html = Arc::from("");
        }
        let (ev, ev_blank) = (run_rules(&h, today), run_rules(&blank, today));
        assert_eq!(format!("{ev:?}"), format!("{ev_blank:?}"));
        let mut site = site_view(&h, &ev, today);
        let site_blank = site_view(&blank, &ev_blank, today);
        for p in &mut site.pages {
            p.content = Arc::from("");
        }
        assert_eq!(
            serde_json::to_string(&site).unwrap(),
            serde_json::to_string(&site_blank).unwrap()
        );
        assert!(h.pages.iter().all(|p| shape(p)
            == shape(&blank.pages[h.pages.iter().position(|q| q.src.rel == p.src.rel).unwrap()])));
    }

    #[test]
    fn shape_ignores_the_body_only() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let config = load_config(root, &LoadOptions::default()).unwrap();
        let known = HashSet::new();
        let hl = Highlighter::plain();
        let page = |text: &str| {
            let src = crate::discover::SourceFile {
                rel: "guides/a.md".into(),
                root_rel: "src/guides/a.md".into(),
                text: text.into(),
                invalid_utf8_at: None,
            };
            crate::page::parse_page(src, &config, &known, &hl)
        };
        let a = page("---\ntitle: A\n---\n\n## One\n\nText.\n");
        let b = page("---\ntitle: A\n---\n\n## One\n\nOther text.\n");
        let c = page("---\ntitle: B\n---\n\n## One\n\nText.\n");
        let d = page("---\ntitle: A\n---\n\nNew line.\n\n## One\n\nText.\n");
        assert_eq!(shape(&a), shape(&b), "a body edit keeps the shape");
        assert_ne!(shape(&a), shape(&c), "frontmatter is shape");
        assert_ne!(shape(&a), shape(&d), "heading lines are shape");
    }

    /// A copy of `tests/fixtures/build/basic` in a temp folder.
    struct TempBook(PathBuf);

    impl TempBook {
        fn new(name: &str) -> TempBook {
            fn copy(from: &Path, to: &Path) {
                std::fs::create_dir_all(to).unwrap();
                for e in std::fs::read_dir(from).unwrap() {
                    let e = e.unwrap();
                    if e.file_type().unwrap().is_dir() {
                        copy(&e.path(), &to.join(e.file_name()));
                    } else {
                        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
                    }
                }
            }
            let root =
                std::env::temp_dir().join(format!("handbook-memo-{}-{name}", std::process::id()));
            let _ = std::fs::remove_dir_all(&root);
            copy(
                &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/build/basic"),
                &root,
            );
            TempBook(root)
        }

        fn edit(&self, rel: &str, f: impl FnOnce(String) -> String) -> HashSet<PathBuf> {
            let path = self.0.join(rel);
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            std::fs::write(&path, f(text)).unwrap();
            [path].into()
        }
    }

    impl Drop for TempBook {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn today() -> Date {
        Date::parse("2026-11-23").unwrap()
    }

    /// Panics unless an incremental rebuild made exactly the files a
    /// fresh build makes.
    #[track_caller]
    fn assert_same_as_fresh(root: &Path, got: &Files, step: &str) {
        let fresh = Memo::new(root)
            .rebuild(today(), &HashSet::new(), true, true)
            .unwrap()
            .files;
        let mut paths: Vec<&String> = fresh.keys().chain(got.keys()).collect();
        paths.sort();
        paths.dedup();
        for p in paths {
            match (got.get(p), fresh.get(p)) {
                (Some(a), Some(b)) if a == b => {}
                (a, b) => {
                    let show = |x: Option<&Arc<[u8]>>| {
                        x.map_or("(missing)".to_owned(), |x| {
                            String::from_utf8_lossy(x).into_owned()
                        })
                    };
                    let (a, b) = (show(a), show(b));
                    let at = a
                        .bytes()
                        .zip(b.bytes())
                        .position(|(x, y)| x != y)
                        .unwrap_or(a.len().min(b.len()));
                    let from = at.saturating_sub(200);
                    panic!(
                        "{step}: {p} differs from a fresh build at byte {at}:\n--- incremental\n{}\n--- fresh\n{}",
                        a.get(from..(at + 200).min(a.len())).unwrap_or(&a),
                        b.get(from..(at + 200).min(b.len())).unwrap_or(&b)
                    );
                }
            }
        }
    }

    /// Panics unless `got` (a rebuild's files) holds what `handbook
    /// build` writes, byte for byte, but for the search index (built apart
    /// in `serve`) and the build's marker file.
    #[track_caller]
    fn assert_same_as_build(root: &Path, got: &Files, step: &str) {
        let dest = root.join("book-cmp");
        crate::pipeline::build(
            root,
            // serve shows drafts (marked); `build --drafts` publishes them alike.
            &crate::pipeline::BuildOptions {
                dest: Some(dest.clone()),
                today: today(),
                drafts: true,
            },
        )
        .unwrap();
        let skip = |p: &str| p.starts_with("search/") || p == crate::output::MARKER;
        let mut built = Vec::new();
        let mut stack = vec![dest.clone()];
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).unwrap() {
                let path = e.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    let rel = to_slash(path.strip_prefix(&dest).unwrap());
                    if !skip(&rel) {
                        built.push(rel);
                    }
                }
            }
        }
        built.sort();
        let mut served: Vec<String> = got.keys().filter(|p| !skip(p)).cloned().collect();
        served.sort();
        assert_eq!(
            served, built,
            "{step}: serve and build make different files"
        );
        for rel in built {
            let bytes = std::fs::read(dest.join(&rel)).unwrap();
            assert!(
                got[&rel][..] == bytes[..],
                "{step}: {rel} differs between serve and build"
            );
        }
    }

    /// Every kind of edit, rebuilt incrementally (trusting the reported
    /// paths), gives byte for byte the site a fresh build gives.
    #[test]
    fn incremental_rebuilds_equal_fresh_builds() {
        let book = TempBook::new("equal");
        let root = book.0.clone();
        let mut memo = Memo::new(&root);
        memo.rebuild(today(), &HashSet::new(), true, true).unwrap();
        let mut step = |name: &str, dirty: HashSet<PathBuf>, fast: bool| {
            let r = memo.rebuild(today(), &dirty, false, false).unwrap();
            assert_eq!(r.fast, fast, "{name}: fast path taken or not");
            assert_same_as_fresh(&root, &r.files, name);
            assert_same_as_build(&root, &r.files, name);
        };

        let d = book.edit("src/guides/single.md", |t| t + "\nAppended paragraph.\n");
        step("append to a body", d, true);
        let d = book.edit("src/guides/links.md", |t| {
            t + "\nA [broken](nope.md) link and [a bad anchor](#nowhere).\n\n## Later\n"
        });
        step("add broken links and a heading", d, false);
        let d = book.edit("src/guides/links.md", |t| {
            t.replace(
                "See [the context]",
                "New first paragraph.\n\nSee [the context]",
            )
        });
        step("insert lines above links with findings", d, true);
        let d = book.edit("src/guides/links.md", |t| {
            t.replace("A [broken]", "Some more words: a [broken]")
        });
        step("move a link within its line", d, true);
        let d = book.edit("src/guides/links.md", |t| {
            t.replace("## Later", "## Latest")
        });
        step("rename a heading", d, false);
        let d = book.edit("src/adr/0002-old-sessions.md", |t| {
            t.replace("title: Old server sessions", "title: Sticky sessions")
        });
        step("retitle a superseded ADR", d, false);
        let d = book.edit("src/adr/0001-x.md", |t| {
            t.replace("## Context {#ctx}", "Intro line.\n\n## Context {#ctx}")
        });
        step("move a heading another page links to", d, true);
        let d = book.edit("src/runbooks/new-one.md", |_| {
            "---\ntitle: New one\nowners: [payments]\nreviewed: 2026-10-01\n---\n\n## Mitigation\n".to_owned()
        });
        step("add a page", d, false);
        let gone = root.join("src/runbooks/new-one.md");
        std::fs::remove_file(&gone).unwrap();
        step("delete a page", [gone].into(), false);
        let d = book.edit("src/guides/single.md", |t| {
            t.replace("reviewed:", "reviewed: 2020-01-01\nold:")
        });
        step("make a page stale", d, false);
        let mut d = book.edit("src/ladder.yaml", |_| {
            "levels: [L1, L2]\ncompetencies:\n  - name: Delivery\n    levels: { L1: Ships tasks, L2: Ships features }\n".to_owned()
        });
        d.extend(book.edit("src/ladder.md", |_| {
            "---\ntitle: Ladder\nkind: role-matrix\nowners: [payments]\nreviewed: 2026-10-01\n---\n# Ladder\n".to_owned()
        }));
        step("add a role matrix and its data", d, false);
        let d = book.edit("src/ladder.yaml", |t| {
            t.replace("Ships features", "Leads projects")
        });
        step("edit only a role matrix's data", d, false);
        // A GOV.UK Tech Docs page inlines a Middleman partial, in `serve`
        // as in `build`; editing the partial alone updates the page.
        std::fs::create_dir_all(root.join("src/partials")).unwrap();
        let mut d = book.edit("src/partials/_contact.md", |_| {
            "Ask in the #platform channel.\n".to_owned()
        });
        d.extend(book.edit("src/guides/support.html.md.erb", |_| {
            "---\ntitle: Support\nowners: [payments]\nreviewed: 2026-10-01\n---\n# <%= current_page.data.title %>\n\n<%= partial \"partials/contact\" %>\n".to_owned()
        }));
        step("add a page that inlines a partial", d, false);
        let d = book.edit("src/partials/_contact.md", |t| {
            t.replace("#platform", "#platform-help")
        });
        step("edit only a partial", d, false);
        // The sidebar's nodes: a folder named by a new index page, renamed
        // by its title, a page moved into new folders, a folder emptied.
        let d = book.edit("src/runbooks/index.md", |_| {
            "# Run the platform\n".to_owned()
        });
        step("give a folder an index page", d, false);
        let d = book.edit("src/runbooks/index.md", |_| {
            "# Runbooks we trust\n".to_owned()
        });
        step("retitle a folder's index page", d, false);
        let from = root.join("src/guides/single.md");
        let to = root.join("src/guides/deep/er/single.md");
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::rename(&from, &to).unwrap();
        step(
            "move a page into new folders",
            [from, to.clone()].into(),
            false,
        );
        std::fs::remove_dir_all(root.join("src/guides/deep")).unwrap();
        step(
            "delete a folder",
            [root.join("src/guides/deep")].into(),
            false,
        );
        // SUMMARY.md orders the sidebar and previous / next; a weight too.
        let d = book.edit("src/SUMMARY.md", |_| {
            "# Summary\n\n- [Escape](guides/escape.md)\n- [Failover](runbooks/db-failover.md)\n- [Gone](guides/gone.md)\n".to_owned()
        });
        step("add a SUMMARY.md", d, false);
        let d = book.edit("src/guides/escape.md", |t| t + "\nAppended paragraph.\n");
        step("append to a body under a SUMMARY.md", d, true);
        let d = book.edit("src/SUMMARY.md", |t| {
            t.replace("- [Gone](guides/gone.md)\n", "")
                .replace("- [Escape](guides/escape.md)\n", "")
                + "- [Escape](guides/escape.md)\n"
        });
        step("reorder SUMMARY.md", d, false);
        let d = book.edit("src/runbooks/api-restart.md", |t| {
            t.replacen("---\n", "---\nweight: -5\n", 1)
        });
        step("give a page a weight", d, false);
        let gone = root.join("src/SUMMARY.md");
        std::fs::remove_file(&gone).unwrap();
        step("delete SUMMARY.md", [gone].into(), false);
        step("nothing changed", HashSet::new(), true);
    }

    /// A retitled page renders itself, its folder's sidebar node and the
    /// listings again; not the pages of other folders, whose sidebar is
    /// in files of its own.
    #[test]
    fn a_new_title_renders_its_sidebar_node_not_other_pages() {
        let book = TempBook::new("retitle");
        let root = book.0.clone();
        let mut memo = Memo::new(&root);
        let before = memo
            .rebuild(today(), &HashSet::new(), true, true)
            .unwrap()
            .files;
        let d = book.edit("src/guides/single.md", |t| {
            t.replace("title: Jun's page", "title: Jun's own page")
        });
        let after = memo.rebuild(today(), &d, false, false).unwrap().files;
        let redone: Vec<&str> = after
            .iter()
            .filter(|(p, b)| before.get(*p).is_none_or(|old| !Arc::ptr_eq(old, b)))
            .map(|(p, _)| p.as_str())
            .collect();
        let node = after
            .iter()
            .filter(|(p, _)| p.starts_with("nav/"))
            .find(|(_, b)| String::from_utf8_lossy(b).contains("Jun's own page"))
            .map(|(p, _)| p.as_str())
            .expect("a sidebar node lists the new title");
        assert!(redone.contains(&"guides/single.html"), "{redone:?}");
        assert!(redone.contains(&node), "{redone:?}");
        for p in &redone {
            assert!(
                !["adr/", "runbooks/", "roles/", "standards/"]
                    .iter()
                    .any(|f| p.starts_with(f)),
                "{p} was rendered again: {redone:?}"
            );
            assert!(
                !p.starts_with("nav/") || *p == node,
                "{p} was rendered again: {redone:?}"
            );
        }
    }

    /// A link written Hugo-style (`later`, `/docs/later/`) renders to the
    /// page once it exists, in an incremental rebuild as in a fresh one,
    /// with plain and with pretty URLs.
    #[test]
    fn pages_appearing_under_generator_links_rebuild_their_linkers() {
        for pretty in [false, true] {
            let book = TempBook::new(&format!("gen-links-{pretty}"));
            let root = book.0.clone();
            if pretty {
                book.edit("book.toml", |t| t + "pretty-urls = true\n");
            }
            book.edit("src/guides/single.md", |t| {
                t + "\nSee [later](later) and [again](/docs/guides/later/).\n"
            });
            let mut memo = Memo::new(&root);
            memo.rebuild(today(), &HashSet::new(), true, true).unwrap();
            let d = book.edit("src/guides/later.md", |_| "# Later\n".to_owned());
            let r = memo.rebuild(today(), &d, false, false).unwrap();
            assert_same_as_fresh(&root, &r.files, "add the linked page");
            let gone = root.join("src/guides/later.md");
            std::fs::remove_file(&gone).unwrap();
            let r = memo.rebuild(today(), &[gone].into(), false, false).unwrap();
            assert_same_as_fresh(&root, &r.files, "delete the linked page");
        }
    }

    #[test]
    fn dirty_folders_cover_their_files() {
        let dirty: HashSet<String> = ["guides/old".to_owned()].into();
        assert!(is_dirty(&dirty, "guides/old"));
        assert!(is_dirty(&dirty, "guides/old/a.md"));
        assert!(!is_dirty(&dirty, "guides/older.md"));
        assert!(!is_dirty(&dirty, "guides/a.md"));
        let all: HashSet<String> = ["".to_owned()].into();
        assert!(is_dirty(&all, "a/b.md"));
        assert!(!is_dirty(&HashSet::new(), "a.md"));
    }

    #[test]
    fn index_pages_are_recognised() {
        assert!(is_index_page("adr/README.md"));
        assert!(is_index_page("index.md"));
        assert!(is_index_page("docs/_index.md"));
        assert!(is_index_page("manual/index.html.md"));
        assert!(!is_index_page("adr/0001-x.md"));
    }
}
