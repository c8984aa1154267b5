//! File watching for `serve`: notify (native, or polling with `--poll`)
//! behind notify-debouncer-mini, and the filter that decides which paths
//! are worth a rebuild.
//!
//! Watched: the content dir and the theme dir (recursively), and the single
//! files `book.toml`, the owners registry and every place CODEOWNERS may
//! be (through their parent folders, non-recursively, so that editors'
//! atomic saves, which replace the file, are seen). Ignored: the output
//! dir, dotfiles and dot-folders, `node_modules`/`target` (as discovery
//! ignores them) and editor temp files (`~`, `.swp`, `.swx`, `.swo`,
//! `4913`, `.kate-swp`, JetBrains `___jb_tmp___`/`___jb_old___`, Emacs
//! `#name#`).
//!
//! Access events (`open`, close after reading) are dropped before the
//! debouncer: the rebuild itself opens the files it watches, and the
//! debouncer does not keep event kinds. Only sends paths; never reads files.

use crate::config::Config;
use notify_debouncer_mini::notify::{
    self, Event, EventHandler, EventKind, PollWatcher, RecommendedWatcher, RecursiveMode, Watcher,
    WatcherKind,
};
use notify_debouncer_mini::{
    new_debouncer_opt, DebounceEventResult, DebouncedEventKind, Debouncer,
};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Quiet time after the last event on a path before it is reported: long
/// enough for an editor's save (temp file, rename) to finish, short
/// enough not to be felt.
pub(crate) const DEBOUNCE: Duration = Duration::from_millis(40);

/// How often `--poll` scans the watched folders.
const POLL_INTERVAL: Duration = Duration::from_millis(250);

/// Something to watch.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Target {
    /// A folder and everything under it.
    Dir(PathBuf),
    /// One file (it may not exist yet).
    File(PathBuf),
}

/// What the watched paths are, for [`Watch::set_targets`] and
/// [`Filter::relevant`]: from the config of the last build that loaded one.
pub(crate) fn targets(root: &Path, config: Option<&Config>) -> BTreeSet<Target> {
    let mut t = BTreeSet::new();
    t.insert(Target::File(root.join("book.toml")));
    let Some(config) = config else {
        // No config yet (a broken book.toml at start): its content dir is
        // unknown; `src/` is the default.
        let src = root.join("src");
        if src.is_dir() {
            t.insert(Target::Dir(src));
        }
        t.insert(Target::File(root.join("owners.yaml")));
        return t;
    };
    t.insert(Target::Dir(config.content_dir.clone()));
    t.insert(Target::File(
        config
            .owners
            .registry
            .clone()
            .unwrap_or_else(|| config.root.join("owners.yaml")),
    ));
    if let Some(theme) = &config.theme_dir {
        t.insert(Target::Dir(theme.clone()));
    }
    // Where `CodeOwners::load` looks: the root, the content dir's parent and,
    // below a repository's top, the folders up to it.
    let mut bases = vec![config.root.clone()];
    if let Some(parent) = config.content_dir.parent() {
        if parent != config.root && parent.starts_with(&config.root) {
            bases.push(parent.to_owned());
        }
    }
    if !config.root.join(".git").exists() {
        if let Some(top) = config.root.ancestors().find(|d| d.join(".git").exists()) {
            bases.extend(
                config
                    .root
                    .ancestors()
                    .skip(1)
                    .take_while(|d| d.starts_with(top))
                    .map(Path::to_owned),
            );
        }
    }
    for base in bases {
        for name in ["CODEOWNERS", ".github/CODEOWNERS", "docs/CODEOWNERS"] {
            t.insert(Target::File(base.join(name)));
        }
    }
    t
}

/// Decides which reported paths matter.
#[derive(Debug, Default)]
pub(crate) struct Filter {
    targets: BTreeSet<Target>,
    out_dir: Option<PathBuf>,
    theme_dir: Option<PathBuf>,
}

impl Filter {
    /// A filter for `targets`, ignoring everything under `out_dir`.
    pub(crate) fn new(
        targets: BTreeSet<Target>,
        out_dir: Option<PathBuf>,
        theme_dir: Option<PathBuf>,
    ) -> Filter {
        Filter {
            targets,
            out_dir,
            theme_dir,
        }
    }

    /// Whether a change at `path` can change the site.
    pub(crate) fn relevant(&self, path: &Path) -> bool {
        if self.targets.contains(&Target::File(path.to_owned())) {
            return true;
        }
        if self.out_dir.as_ref().is_some_and(|o| path.starts_with(o)) {
            return false;
        }
        self.targets.iter().any(|t| match t {
            Target::Dir(dir) => path.strip_prefix(dir).is_ok_and(|rest| {
                let names: Vec<String> = rest
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                !names.iter().any(|n| crate::discover::is_ignored_name(n))
                    && !names
                        .last()
                        .is_some_and(|n| crate::discover::is_temp_file(n))
            }),
            Target::File(_) => false,
        })
    }

    /// Whether `path` is under the theme dir.
    pub(crate) fn in_theme(&self, path: &Path) -> bool {
        self.theme_dir.as_ref().is_some_and(|t| path.starts_with(t))
    }
}

/// A notify watcher that drops access events before they reach the
/// debouncer (which erases event kinds).
struct NoAccess<W>(W);

fn is_access(event: &notify::Result<Event>) -> bool {
    use notify::event::{AccessKind, AccessMode};
    match event {
        // A close after writing means "the write is finished": keep it.
        Ok(e) => {
            matches!(e.kind, EventKind::Access(k) if k != AccessKind::Close(AccessMode::Write))
        }
        Err(_) => false,
    }
}

/// The path a "rescan" notice (the OS dropped events) is reported as:
/// the next rebuild then checks every file instead of trusting events.
pub(crate) const RESCAN: &str = "/\u{0}handbook-rescan";

impl<W: Watcher> Watcher for NoAccess<W> {
    fn new<F: EventHandler>(mut handler: F, config: notify::Config) -> notify::Result<Self> {
        W::new(
            move |event: notify::Result<Event>| {
                if is_access(&event) {
                    return;
                }
                match event {
                    // The debouncer keeps paths only: give the notice one.
                    Ok(mut e) if e.need_rescan() => {
                        e.paths = vec![PathBuf::from(RESCAN)];
                        handler.handle_event(Ok(e));
                    }
                    other => handler.handle_event(other),
                }
            },
            config,
        )
        .map(NoAccess)
    }

    fn watch(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()> {
        self.0.watch(path, mode)
    }

    fn unwatch(&mut self, path: &Path) -> notify::Result<()> {
        self.0.unwatch(path)
    }

    fn kind() -> WatcherKind {
        W::kind()
    }
}

enum Inner {
    Native(Debouncer<NoAccess<RecommendedWatcher>>),
    Poll(Debouncer<NoAccess<PollWatcher>>),
}

/// The running watcher. Dropping it stops watching.
pub(crate) struct Watch {
    inner: Inner,
    /// What is being watched now: (path, recursive).
    watched: BTreeSet<(PathBuf, bool)>,
}

impl Watch {
    /// Starts a watcher (polling when `poll`) that calls `on_change` with
    /// batches of changed paths, or with an error message.
    pub(crate) fn new(
        poll: bool,
        mut on_change: impl FnMut(Result<Vec<PathBuf>, String>) + Send + 'static,
    ) -> notify::Result<Watch> {
        let handler = move |r: DebounceEventResult| match r {
            Ok(events) => {
                // `AnyContinuous` means "still being written": wait for the
                // quiet `Any`, so a half-written file is never built.
                let paths: Vec<PathBuf> = events
                    .into_iter()
                    .filter(|e| e.kind == DebouncedEventKind::Any)
                    .map(|e| e.path)
                    .collect();
                if !paths.is_empty() {
                    on_change(Ok(paths));
                }
            }
            Err(e) => on_change(Err(e.to_string())),
        };
        let config = notify_debouncer_mini::Config::default()
            .with_timeout(DEBOUNCE)
            .with_batch_mode(false);
        let inner = if poll {
            let config = config.with_notify_config(
                notify::Config::default()
                    .with_poll_interval(POLL_INTERVAL)
                    .with_follow_symlinks(true),
            );
            Inner::Poll(new_debouncer_opt(config, handler)?)
        } else {
            Inner::Native(new_debouncer_opt(config, handler)?)
        };
        Ok(Watch {
            inner,
            watched: BTreeSet::new(),
        })
    }

    fn watcher(&mut self) -> &mut dyn Watcher {
        match &mut self.inner {
            Inner::Native(d) => d.watcher(),
            Inner::Poll(d) => d.watcher(),
        }
    }

    /// Watches `targets` (and stops watching what is no longer among them).
    /// A folder that does not exist is skipped: it is picked up when a
    /// later build names it again after it appeared.
    pub(crate) fn set_targets(&mut self, targets: &BTreeSet<Target>) {
        let mut want = BTreeSet::new();
        for t in targets {
            match t {
                Target::Dir(d) if d.is_dir() => {
                    want.insert((d.clone(), true));
                }
                Target::File(f) => {
                    if let Some(parent) = f.parent().filter(|p| p.is_dir()) {
                        want.insert((parent.to_owned(), false));
                    }
                }
                Target::Dir(_) => {}
            }
        }
        // A folder watched recursively need not be watched flat as well.
        let recursive: Vec<PathBuf> = want
            .iter()
            .filter(|(_, r)| *r)
            .map(|(p, _)| p.clone())
            .collect();
        want.retain(|(p, r)| *r || !recursive.iter().any(|d| p.starts_with(d)));

        let old = std::mem::take(&mut self.watched);
        for (path, _) in old.difference(&want) {
            let _ = self.watcher().unwatch(path);
        }
        for (path, recursive) in &want {
            if old.contains(&(path.clone(), *recursive)) {
                self.watched.insert((path.clone(), *recursive));
                continue;
            }
            let mode = if *recursive {
                RecursiveMode::Recursive
            } else {
                RecursiveMode::NonRecursive
            };
            match self.watcher().watch(path, mode) {
                Ok(()) => {
                    self.watched.insert((path.clone(), *recursive));
                }
                Err(e) => eprintln!("warning: cannot watch {}: {e}", path.display()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_keeps_content_and_config_files_only() {
        let root = PathBuf::from("/h");
        let mut t = BTreeSet::new();
        t.insert(Target::Dir(root.join("src")));
        t.insert(Target::File(root.join("book.toml")));
        t.insert(Target::File(root.join(".github/CODEOWNERS")));
        let f = Filter::new(t, Some(root.join("src/book")), None);
        assert!(f.relevant(&root.join("src/a.md")));
        assert!(f.relevant(&root.join("src/img/x.png")));
        assert!(f.relevant(&root.join("book.toml")));
        assert!(f.relevant(&root.join(".github/CODEOWNERS")));
        assert!(!f.relevant(&root.join("Cargo.toml")));
        assert!(!f.relevant(&root.join("src/book/index.html")));
        assert!(!f.relevant(&root.join("src/.git/index")));
        assert!(!f.relevant(&root.join("src/.a.md.swp")));
        assert!(!f.relevant(&root.join("src/a.md~")));
        assert!(!f.relevant(&root.join("src/4913")));
        assert!(!f.relevant(&root.join("src/node_modules/x.md")));
    }
}
