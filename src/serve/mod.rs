//! `handbook serve`: builds the site into memory, serves it over HTTP and
//! rebuilds it as files change, reloading open tabs.
//!
//! Threads: the caller's thread runs the session (first build, then one
//! rebuild per batch of file events); the HTTP server (`server`) accepts
//! on one thread and gives each connection its own, up to a cap derived
//! from the descriptor limit; a long-poll (`reload`) waits on its
//! connection's thread; the watcher and its debouncer run their own
//! threads; the search index is built on a one-thread pool, off the
//! edit-to-reload path.
//!
//! State is one `ServeState` behind an `Arc`: the last good site
//! (`RwLock`, swapped whole so a request never sees half a build), the
//! error of the last rebuild if it failed, and the generation counter.
//! Nothing is written to disk. Ctrl-C (or SIGTERM) stops the watcher,
//! answers waiting long-polls, stops the server, and returns.
//!
//! See `memo` for what a rebuild reuses, `watch` for what is watched,
//! `http` for what is served, `host` for to whom, `server` for how.

mod host;
mod http;
mod memo;
mod reload;
mod server;
mod start;
mod watch;

use crate::date::Date;
use crate::error::{Error, Result};
use memo::{Built, Files, Memo};
use reload::Reloader;
use start::{bind, lower_priority, open_browser, url_of};
use std::collections::HashSet;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant};

/// Options of `handbook serve`.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Address to listen on (`127.0.0.1`).
    pub bind: String,
    /// Port (`3000`; 0 picks a free one).
    pub port: u16,
    /// Open the site in a browser once it is served.
    pub open: bool,
    /// Fixed date for staleness; `None` uses `SOURCE_DATE_EPOCH` or the
    /// clock at each rebuild.
    pub today: Option<Date>,
    /// Poll the file system instead of using native notifications.
    pub poll: bool,
    /// Host names to answer besides localhost, IP literals and `bind`
    /// (`--allow-host`; `.lan` allows every name under `lan`).
    pub allow_hosts: Vec<String>,
}

/// After a rebuild, the search index is rebuilt once no file event came
/// for this long (it costs more than the rebuild itself on large books).
const SEARCH_IDLE: Duration = Duration::from_millis(400);

/// While the config names a folder or file that does not exist (a new
/// theme, content folder or owners registry), how often it is loaded
/// again: creating what it names is not a change the watcher reports.
const CONFIG_RETRY: Duration = Duration::from_millis(500);

/// What the session thread waits for.
enum Msg {
    /// Paths the watcher reported, or its error.
    Changed(std::result::Result<Vec<PathBuf>, String>),
    /// The search index of build `build` is ready.
    Search { build: u64, files: Files },
    /// Ctrl-C.
    Stop,
}

/// The site as served.
#[derive(Clone)]
pub(crate) struct Published {
    /// Every file but the search index.
    files: Arc<Files>,
    /// The search index (may lag the files by one rebuild).
    search: Arc<Files>,
    /// The error of the last rebuild, when it failed.
    error: Option<Arc<str>>,
}

impl Published {
    /// A file of the site.
    pub(crate) fn get(&self, path: &str) -> Option<Arc<[u8]>> {
        self.files
            .get(path)
            .or_else(|| self.search.get(path))
            .cloned()
    }
}

/// Shared between the session, the HTTP workers and the reload thread.
pub(crate) struct ServeState {
    published: RwLock<Published>,
    reloader: Reloader,
}

impl ServeState {
    /// The site as served now (a cheap copy of three pointers).
    pub(crate) fn published(&self) -> Published {
        self.published
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn update(&self, f: impl FnOnce(&mut Published)) {
        let mut p = self
            .published
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        f(&mut p);
    }
}

/// Runs `handbook serve` on the handbook at `root` until Ctrl-C.
pub fn serve(root: &Path, opts: &ServeOptions) -> Result<()> {
    let listener = bind(&opts.bind, opts.port)?;
    let addr = listener.local_addr().map_err(|e| Error::Serve {
        addr: format!("{}:{}", opts.bind, opts.port),
        reason: e.to_string(),
    })?;
    if !addr.ip().is_loopback() {
        eprintln!(
            "warning: --bind {} makes the preview reachable from the network: anyone who can reach this machine can read the handbook",
            addr.ip()
        );
    }
    let cap = server::connection_cap(server::descriptor_limit());

    let (tx, rx) = channel::<Msg>();
    {
        let tx = tx.clone();
        if let Err(e) = ctrlc::set_handler(move || {
            let _ = tx.send(Msg::Stop);
        }) {
            eprintln!("warning: cannot catch Ctrl-C ({e}); stop with a signal instead");
        }
    }

    let state = Arc::new(ServeState {
        published: RwLock::new(Published {
            files: Arc::new(Files::new()),
            search: Arc::new(Files::new()),
            error: None,
        }),
        // Long-polls may take half the connections, never all.
        reloader: Reloader::new(cap / 2),
    });

    let mut session = Session {
        root: std::path::absolute(root).unwrap_or_else(|_| root.to_owned()),
        today: opts.today,
        memo: Memo::new(root),
        state: Arc::clone(&state),
        tx: tx.clone(),
        build_id: 0,
        good: None,
        search_running: false,
        search_announced: false,
        search_due: None,
        search_pool: rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .thread_name(|_| "handbook-search".to_owned())
            .start_handler(|_| lower_priority())
            .build()
            .ok(),
        search_memo: Arc::default(),
        config: None,
        config_retry: None,
        timings: crate::timings_wanted(),
    };
    // Watch first, so that nothing saved during the first build is missed
    // (later rebuilds trust the watcher to report every change).
    let watch_tx = tx.clone();
    let mut watcher = watch::Watch::new(opts.poll, move |r| {
        let _ = watch_tx.send(Msg::Changed(r));
    })
    .map_err(|e| Error::Serve {
        addr: session.root.display().to_string(),
        reason: format!("cannot watch files: {e}; try --poll"),
    })?;
    session.config = crate::config::load_config(root, &crate::config::LoadOptions::default()).ok();
    session.watch(&mut watcher);

    // The first build: a problem with the handbook itself (no such folder,
    // nothing to build) stops here; a broken config or theme is shown in
    // the browser like any later failure.
    match session.rebuild(&HashSet::new(), true, true) {
        Err(e @ Error::Usage(_)) => return Err(e),
        Err(e) => crate::report::print_error(&e),
        Ok(()) => {}
    }
    let mut filter = session.watch(&mut watcher);

    let hosts = host::AllowedHosts::new(&opts.bind, &opts.allow_hosts);
    let handler = {
        let state = Arc::clone(&state);
        Box::new(move |request: &server::Request| http::handle(request, &state, &hosts))
    };
    let server = server::Server::start(listener, handler, cap).map_err(|e| Error::Serve {
        addr: addr.to_string(),
        reason: format!("cannot start the HTTP server: {e}"),
    })?;

    let url = url_of(addr);
    eprintln!("serving {} at {url}", root.display());
    eprintln!("watching for changes; press Ctrl-C to stop");
    if opts.open {
        open_browser(&url);
    }

    session.run(&rx, &mut watcher, &mut filter);

    // Shut down: no more events, answer waiting long-polls, close
    // connections.
    drop(watcher);
    state.reloader.stop();
    server.stop();
    eprintln!("stopped");
    Ok(())
}

/// The session: the memo, the last good build and the search job.
struct Session {
    root: PathBuf,
    today: Option<Date>,
    memo: Memo,
    state: Arc<ServeState>,
    tx: Sender<Msg>,
    /// Counts successful builds.
    build_id: u64,
    /// The last good build, for the search index.
    good: Option<Arc<Built>>,
    search_running: bool,
    /// Whether "search index ready" was printed.
    search_announced: bool,
    /// Build the search index when idle until then.
    search_due: Option<Instant>,
    search_pool: Option<rayon::ThreadPool>,
    /// Pages and terms of the last search index, reused for unchanged pages.
    search_memo: Arc<Mutex<crate::search::SearchMemo>>,
    /// The config of the last build that loaded one (what to watch).
    config: Option<crate::config::Config>,
    /// When the last rebuild failed on the config: what was wrong (see
    /// `config_problem`) and when to look again.
    config_retry: Option<(String, Instant)>,
    /// `HANDBOOK_TIMINGS=1`: also print what changed.
    timings: bool,
}

impl Session {
    /// Handles events until Ctrl-C.
    fn run(&mut self, rx: &Receiver<Msg>, watcher: &mut watch::Watch, filter: &mut watch::Filter) {
        loop {
            let due = [self.search_due, self.config_retry.as_ref().map(|r| r.1)]
                .into_iter()
                .flatten()
                .min();
            let msg = match due {
                Some(due) => match rx.recv_timeout(due.saturating_duration_since(Instant::now())) {
                    Ok(m) => m,
                    Err(RecvTimeoutError::Timeout) => {
                        let now = Instant::now();
                        if self.search_due.is_some_and(|d| d <= now) {
                            self.start_search();
                        }
                        if self.config_retry.as_ref().is_some_and(|r| r.1 <= now) {
                            self.retry_config(watcher, filter);
                        }
                        continue;
                    }
                    Err(RecvTimeoutError::Disconnected) => return,
                },
                None => match rx.recv() {
                    Ok(m) => m,
                    Err(_) => return,
                },
            };
            let mut paths = HashSet::new();
            let mut stop = false;
            // The watcher lost events: check every file's stamp next time.
            let mut check_all = false;
            let mut handle =
                |msg: Msg, session: &mut Session, paths: &mut HashSet<PathBuf>| match msg {
                    Msg::Stop => stop = true,
                    Msg::Changed(Ok(p)) => {
                        for p in p {
                            if p.as_os_str() == watch::RESCAN {
                                check_all = true;
                            } else if filter.relevant(&p) {
                                paths.insert(p);
                            }
                        }
                    }
                    Msg::Changed(Err(e)) => {
                        eprintln!("warning: file watcher: {e}");
                        check_all = true;
                    }
                    Msg::Search { build, files } => session.search_done(build, files),
                };
            handle(msg, self, &mut paths);
            // Coalesce whatever else is already queued into one rebuild.
            while let Ok(more) = rx.try_recv() {
                handle(more, self, &mut paths);
            }
            if stop {
                return;
            }
            if paths.is_empty() && !check_all {
                continue;
            }
            let theme_dirty = check_all || paths.iter().any(|p| filter.in_theme(p));
            if self.timings {
                let mut shown: Vec<String> =
                    paths.iter().map(|p| p.display().to_string()).collect();
                shown.sort();
                eprintln!("timing: changed: {}", shown.join(", "));
            }
            self.watch_ahead(watcher);
            if let Err(e) = self.rebuild(&paths, theme_dirty, check_all) {
                crate::report::print_error(&e);
            }
            *filter = self.watch(watcher);
        }
    }

    /// Watches what the config on disk names before a rebuild reads it, so
    /// that a folder the rebuild is about to read for the first time (a
    /// theme just named or just created) has no window between being read
    /// and being watched in which an edit would be missed.
    fn watch_ahead(&self, watcher: &mut watch::Watch) {
        if let Ok(config) =
            crate::config::load_config(&self.root, &crate::config::LoadOptions::default())
        {
            watcher.set_targets(&watch::targets(&self.root, Some(&config)));
        }
    }

    /// Loads the config again after a rebuild failed on it, and rebuilds
    /// if it now loads or fails differently (what it named was created).
    fn retry_config(&mut self, watcher: &mut watch::Watch, filter: &mut watch::Filter) {
        let Some((problem, _)) = self.config_retry.take() else {
            return;
        };
        if self.config_problem().as_ref() == Some(&problem) {
            self.config_retry = Some((problem, Instant::now() + CONFIG_RETRY));
            return;
        }
        self.watch_ahead(watcher);
        if let Err(e) = self.rebuild(&HashSet::new(), false, false) {
            crate::report::print_error(&e);
        }
        *filter = self.watch(watcher);
    }

    /// What is wrong with `book.toml` and the owners registry, if anything:
    /// the part of a rebuild that [`retry_config`](Self::retry_config)
    /// repeats (cheap: no page is read).
    fn config_problem(&self) -> Option<String> {
        let config =
            match crate::config::load_config(&self.root, &crate::config::LoadOptions::default()) {
                Ok(c) => c,
                Err(e) => return Some(e.to_string()),
            };
        crate::owners::load_registry(&config)
            .err()
            .map(|e| e.to_string())
    }

    /// Points the watcher at what the last loaded config names.
    fn watch(&self, watcher: &mut watch::Watch) -> watch::Filter {
        let targets = watch::targets(&self.root, self.config.as_ref());
        watcher.set_targets(&targets);
        watch::Filter::new(
            targets,
            self.config.as_ref().map(|c| c.out_dir.clone()),
            self.config.as_ref().and_then(|c| c.theme_dir.clone()),
        )
    }

    /// Rebuilds and publishes; on failure keeps the last good site and
    /// shows the error. Either way open tabs reload if anything changed.
    fn rebuild(
        &mut self,
        dirty: &HashSet<PathBuf>,
        theme_dirty: bool,
        check_all: bool,
    ) -> Result<()> {
        let start = Instant::now();
        let today = match self.today {
            Some(d) => d,
            None => Date::today_from_env().map_err(Error::Usage)?,
        };
        // Let go of the last build so the memo can take its pages back
        // without copying them (a running search job may still hold it).
        self.good = None;
        let result = catch_unwind(AssertUnwindSafe(|| {
            self.memo.rebuild(today, dirty, theme_dirty, check_all)
        }));
        let result = result.unwrap_or_else(|panic| {
            // A bug, not the user's fault: start over next time, keep serving.
            self.memo.reset();
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_owned());
            Err(Error::Serve {
                addr: self.root.display().to_string(),
                reason: format!("internal error while rebuilding (please report it): {what}"),
            })
        });
        match result {
            Ok(r) => {
                self.config_retry = None;
                let had_error = self.state.published().error.is_some();
                self.build_id += 1;
                self.config = Some(r.config);
                self.good = Some(r.built);
                self.state.update(|p| {
                    p.files = r.files;
                    p.error = None;
                });
                if r.changed > 0 || had_error {
                    self.state.reloader.bump();
                } else if self.build_id > 1 {
                    // A save that changed nothing: nothing to say.
                    return Ok(());
                }
                eprintln!(
                    "{} {} pages in {:.0} ms ({} parsed, {} rendered, {} files changed); {}",
                    if self.build_id == 1 {
                        "built"
                    } else {
                        "rebuilt"
                    },
                    r.pages,
                    start.elapsed().as_secs_f64() * 1e3,
                    r.parsed,
                    r.rendered,
                    r.changed,
                    r.summary
                );
                // The first index is wanted at once; later ones when idle.
                self.search_due = Some(if self.build_id == 1 {
                    Instant::now()
                } else {
                    Instant::now() + SEARCH_IDLE
                });
                Ok(())
            }
            Err(e) => {
                // Retry only what can be repeated without a rebuild (else
                // every retry would be a failed rebuild, reloading tabs).
                self.config_retry = match e {
                    Error::Config { .. } => self.config_problem(),
                    _ => None,
                }
                .map(|problem| (problem, Instant::now() + CONFIG_RETRY));
                let message = crate::report::error_text(&e);
                self.state
                    .update(|p| p.error = Some(Arc::from(message.as_str())));
                self.state.reloader.bump();
                eprintln!("rebuild failed; still serving the last good build");
                Err(e)
            }
        }
    }

    /// Starts building the search index of the last good build, unless
    /// one is being built (it restarts when that one is done).
    fn start_search(&mut self) {
        self.search_due = None;
        if self.search_running {
            return;
        }
        let Some(built) = self.good.clone() else {
            return;
        };
        let build = self.build_id;
        let tx = self.tx.clone();
        let memo = Arc::clone(&self.search_memo);
        let job = move || {
            // Copy what the index is built from and let go of the build at
            // once: the next rebuild takes its pages back (and waits for
            // this copy rather than copying them itself).
            let (handbook, site) = (built.handbook.clone(), built.site.clone());
            drop(built);
            let sink = Mutex::new(std::collections::BTreeMap::new());
            let files = catch_unwind(AssertUnwindSafe(|| {
                let mut memo = memo.lock().unwrap_or_else(PoisonError::into_inner);
                crate::pipeline::put_search_index(&handbook, &site, &sink, Some(&mut memo))
            }));
            drop((handbook, site));
            let files: Files = match files {
                Ok(Ok(())) => sink
                    .into_inner()
                    .unwrap_or_else(PoisonError::into_inner)
                    .into_iter()
                    .map(|(k, v): (String, Vec<u8>)| (k, Arc::from(v)))
                    .collect(),
                Ok(Err(e)) => {
                    crate::report::print_error(&e);
                    Files::new()
                }
                Err(_) => Files::new(),
            };
            let _ = tx.send(Msg::Search { build, files });
        };
        self.search_running = true;
        match &self.search_pool {
            Some(pool) => pool.spawn(job),
            None => job(),
        }
    }

    /// Publishes a finished search index if it is still the newest.
    fn search_done(&mut self, build: u64, files: Files) {
        self.search_running = false;
        if build == self.build_id {
            if !self.search_announced {
                self.search_announced = true;
                eprintln!("search index ready; after changes it is rebuilt in the background");
            }
            let mut old = Arc::new(files);
            self.state
                .update(|p| std::mem::swap(&mut p.search, &mut old));
            // Freeing the old index (thousands of files) takes a while.
            let _ = std::thread::Builder::new()
                .name("handbook-free".to_owned())
                .spawn(move || drop(old));
        } else {
            // A newer build came meanwhile: index that one when idle.
            self.search_due = Some(Instant::now() + SEARCH_IDLE);
        }
    }
}
