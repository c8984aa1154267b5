//! Git history of the content folder, read once per build: which commits
//! changed which page, when and by whom, turned into per-page facts for
//! the `review-outdated` rule, the "last changed" line of every page and
//! the health dashboard. Runs `git`, never fails the build, and writes
//! nothing but a cache of the log in the git folder ([`log_cache`]).
//!
//! A fixed number of `git` processes, whatever the size of the handbook
//! (never one per file):
//! 1. `git rev-parse` (where the repository is, is it shallow), then
//!    `git log --raw -z --no-renames` over the content folder lists every
//!    commit that touched it, with the files it added, modified or deleted
//!    and their blob ids, and `git diff --name-only HEAD` the pages edited
//!    since. [`start`] runs these in the background while the pages are
//!    discovered and parsed. When the handbook is the whole repository the
//!    log has no path filter (cheaper); in a larger one it keeps to the
//!    content folder. While `HEAD` stays the same, the log comes from
//!    [`log_cache`] instead; after new commits on top of the cached `HEAD`,
//!    only those are read.
//! 2. [`Pending::finish`] plans which old versions the facts need: both
//!    sides of each change made after a page's `reviewed` date (an edit, or
//!    the review itself?), a page's version at the start of the rotation
//!    window (did its owners change?) and on an action's due date (was it
//!    already done?). It reads them with `git cat-file --batch`, a few
//!    processes in parallel, each fed the whole list up front. The newest
//!    version of a page unchanged on disk is the text already read.
//!
//! Paths are matched relative to the content folder, so a handbook in a
//! sub-folder of a larger repository works. Renames are not followed: a
//! renamed page's history starts at the rename. Uncommitted edits are not
//! history: the facts describe the committed versions, and the page as it
//! is on disk stands for "now".
//!
//! Without `git`, outside a repository, or in one without commits, the
//! state is [`GitState::Unknown`] with the reason, and every fact is
//! unknown. A shallow clone is analysed as far as it goes and flagged
//! ([`History::shallow_warning`]) so the caller can say so once.

use crate::config::HealthConfig;
use crate::date::{Date, Interval};
use crate::kind::Kind;
use crate::page::Page;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

mod log_cache;
mod versions;

use versions::{Facts, Fetched, Versions, Wanted};

use crate::frontmatter::REVIEWED_KEYS;

/// Whether git history could be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GitState {
    /// History was read.
    Available {
        /// The repository is a shallow clone: history stops early.
        shallow: bool,
        /// Commits that touched the content folder.
        commits: usize,
    },
    /// No history: no `git`, not a repository, no commits, or an error.
    Unknown {
        /// Why, in a few words (`not inside a git repository`).
        reason: String,
    },
}

/// A commit that changed a page: when (author date, UTC) and by whom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// Author date.
    pub date: Date,
    /// Author name (after `.mailmap`).
    pub author: String,
}

/// A page whose owners differ from what they were at the window start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnersChange {
    /// Owners as written at the start of the window (or at creation).
    pub was: Vec<String>,
}

/// What git history says about one page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageHistory {
    /// Commits that changed the page (since it was last added).
    pub commits: usize,
    /// The newest of them.
    pub last: Option<Edit>,
    /// The author dates of those commits, newest first (an incident's
    /// runbook must have one between the incident's start and close).
    pub dates: Vec<Date>,
    /// The newest commit after the page's `reviewed` date that edited its
    /// content (not only the review date or action `done:` flags).
    pub outdated: Option<Edit>,
    /// Set when the owners differ from those at the start of the rotation
    /// window (or at creation, for a page added since). Only checked in
    /// domains whose runbooks do not already have enough editors.
    pub owners_change: Option<OwnersChange>,
    /// Authors of the commits within the rotation window.
    pub editors_in_window: BTreeSet<String>,
    /// Per action of the page (same order): `Some(true)` when it is done
    /// and was already done on its due date (or has none), `Some(false)`
    /// when it is done but was not yet done on its due date, `None` when it
    /// is open or the page's history starts after its due date.
    pub actions_closed_by_due: Vec<Option<bool>>,
}

/// Git history of the handbook's pages.
#[derive(Debug, Clone)]
pub struct History {
    /// Whether history was read.
    pub state: GitState,
    /// First day of the rotation window, when history was read.
    pub window_start: Option<Date>,
    /// Facts by page path relative to the content folder.
    pages: HashMap<String, PageHistory>,
}

impl Default for History {
    fn default() -> Self {
        History::unknown("git history was not read")
    }
}

impl History {
    /// A history that knows nothing, and says why.
    pub fn unknown(reason: impl Into<String>) -> History {
        History {
            state: GitState::Unknown {
                reason: reason.into(),
            },
            window_start: None,
            pages: HashMap::new(),
        }
    }

    /// History was read (even if some pages have none).
    pub fn known(&self) -> bool {
        matches!(self.state, GitState::Available { .. })
    }

    /// The repository is a shallow clone.
    pub fn shallow(&self) -> bool {
        matches!(self.state, GitState::Available { shallow: true, .. })
    }

    /// Why history is unknown, if it is.
    pub fn reason(&self) -> Option<&str> {
        match &self.state {
            GitState::Unknown { reason } => Some(reason),
            GitState::Available { .. } => None,
        }
    }

    /// Facts about the page at `rel` (relative to the content folder);
    /// `None` when history is unknown or no commit touched it.
    pub fn page(&self, rel: &str) -> Option<&PageHistory> {
        self.pages.get(rel).filter(|p| p.commits > 0)
    }

    /// The one-line warning to print when the repository is shallow.
    pub fn shallow_warning(&self, root: &Path) -> Option<String> {
        self.shallow().then(|| {
            format!(
                "warning: {} is in a shallow git clone: history stops at the clone depth, so last-changed dates, \
                 review-outdated and ownership rotation only see part of it; run `git fetch --unshallow` \
                 (in GitHub Actions: `fetch-depth: 0`)",
                root.display()
            )
        })
    }

    /// Builds a history from facts (tests).
    pub fn from_pages(
        window_start: Date,
        pages: impl IntoIterator<Item = (String, PageHistory)>,
    ) -> History {
        let pages: HashMap<String, PageHistory> = pages.into_iter().collect();
        History {
            state: GitState::Available {
                shallow: false,
                commits: pages.values().map(|p| p.commits).sum(),
            },
            window_start: Some(window_start),
            pages,
        }
    }
}

/// The first day of a window of `window` ending `today`.
pub fn window_start(today: Date, window: Interval) -> Date {
    match window {
        Interval::Days(n) => today.add_days(-i64::from(n)),
        Interval::Months(n) => {
            let (y, m, d) = today.ymd();
            let total = y * 12 + i64::from(m) - 1 - i64::from(n);
            let (ny, nm) = (total.div_euclid(12), (total.rem_euclid(12) + 1) as u32);
            (0..4)
                .find_map(|back| Date::from_ymd(ny, nm, d.saturating_sub(back).max(1)))
                .unwrap_or(today)
        }
        Interval::Never => Date::from_days(i64::MIN / 4),
    }
}

// ---------------------------------------------------------------------
// Pass 1: `git log --raw`.

/// One commit.
#[derive(Debug, Clone)]
struct Commit {
    date: Date,
    author: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Added,
    Modified,
    Deleted,
}

/// One file changed by one commit.
#[derive(Debug, Clone)]
struct Change {
    commit: u32,
    status: Status,
    old: Box<str>,
    new: Box<str>,
}

/// The parsed output of pass 1.
#[derive(Debug, Default)]
struct RawLog {
    /// A folder inside the work tree, to run `git cat-file` in.
    dir: PathBuf,
    shallow: bool,
    commits: Vec<Commit>,
    /// Commits that changed something in the content folder.
    touching: usize,
    /// Changes by path relative to the content folder, newest first.
    changes: HashMap<String, Vec<Change>>,
    /// Paths that differ from `HEAD` on disk (`None`: unknown, assume all).
    dirty: Option<HashSet<String>>,
    /// Where the log came from.
    source: LogSource,
    /// The git folder, when what is worked out from old versions may be
    /// kept in it ([`versions`]).
    git_dir: Option<PathBuf>,
    elapsed: Duration,
}

/// Where pass 1 got the log from.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum LogSource {
    /// `git log`, in full.
    #[default]
    Read,
    /// The cache, as it was.
    Cached,
    /// The cache, with this many newer commits read in front of it.
    Extended(usize),
}

/// Pass 1 running in the background; see [`start`].
#[derive(Debug)]
pub struct Pending {
    handle: Option<JoinHandle<Result<RawLog, String>>>,
}

/// Starts reading the history of `content_dir` in the background.
/// `root` is the handbook root: when it is the top of the repository (the
/// repository is the handbook), `git log` runs without a path filter,
/// which is cheaper, and changes outside the content folder are dropped
/// while parsing; in a larger repository the path filter keeps unrelated
/// commits out.
pub fn start(root: &Path, content_dir: &Path) -> Pending {
    let dir = content_dir.to_path_buf();
    let root = root.to_path_buf();
    let handle = std::thread::Builder::new()
        .name("git-history".into())
        .spawn(move || read_log(&root, &dir))
        .ok();
    Pending { handle }
}

fn git() -> Command {
    let mut cmd = crate::git::command();
    // User configuration must not change what we parse.
    cmd.args([
        "-c",
        "log.showSignature=false",
        "-c",
        "core.quotePath=false",
    ]);
    cmd
}

fn first_line(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    line.trim()
        .trim_start_matches("fatal: ")
        .trim_start_matches("error: ")
        .to_string()
}

fn spawn_error(e: &std::io::Error) -> String {
    if e.kind() == std::io::ErrorKind::NotFound {
        "git is not installed".to_string()
    } else {
        format!("cannot run git: {e}")
    }
}

fn read_log(root: &Path, dir: &Path) -> Result<RawLog, String> {
    let start = Instant::now();
    let out = git()
        .arg("-C")
        .arg(dir)
        .args([
            "rev-parse",
            "--is-shallow-repository",
            "--show-toplevel",
            "--show-prefix",
            "--git-dir",
        ])
        .output()
        .map_err(|e| spawn_error(&e))?;
    if !out.status.success() {
        let msg = first_line(&out.stderr);
        return Err(if msg.contains("not a git repository") {
            "not inside a git repository".to_string()
        } else {
            msg
        });
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut lines = text.lines();
    let shallow = lines.next() == Some("true");
    let toplevel = lines.next().map(PathBuf::from);
    let prefix = lines.next().unwrap_or("").to_string();
    let git_dir = lines.next().map(|d| dir.join(d));
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    let whole_repo = toplevel.as_ref().is_some_and(|t| same(t, root));
    let mut log = RawLog {
        dir: dir.to_path_buf(),
        shallow,
        ..RawLog::default()
    };

    // A shallow clone's history can deepen under the same HEAD: not cached.
    let cache = match (&toplevel, &git_dir, shallow) {
        (Some(top), Some(git_dir), false) => head_commit(dir).map(|head| {
            (
                log_cache::path_in(git_dir),
                log_cache::Key::new(head, &prefix, whole_repo, top),
            )
        }),
        _ => None,
    };
    let stored = cache.as_ref().and_then(|(p, _)| log_cache::load(p));
    match (stored, &cache) {
        (Some((was, cached)), Some((_, key))) if &was == key => {
            log.commits = cached.commits;
            log.touching = cached.touching;
            log.changes = cached.changes;
            log.source = LogSource::Cached;
        }
        (Some((was, cached)), Some((_, key)))
            if was.extends_to(key) && straight_line(dir, &was.head, &key.head) =>
        {
            let range = format!("{}..{}", was.head, key.head);
            run_log(dir, whole_repo, &prefix, Some(&range), &mut log)?;
            log.source = LogSource::Extended(log.commits.len());
            append_older(&mut log, cached);
        }
        _ => run_log(dir, whole_repo, &prefix, None, &mut log)?,
    }
    if log.source != LogSource::Cached {
        if let Some((path, key)) = &cache {
            log_cache::store(path, key, &log.commits, log.touching, &log.changes);
        }
    }
    if cache.is_some() {
        log.git_dir = git_dir;
    }
    log.dirty = dirty_paths(dir, &prefix);
    log.elapsed = start.elapsed();
    Ok(log)
}

/// The `HEAD` commit id, if there is one.
fn head_commit(dir: &Path) -> Option<String> {
    let out = git()
        .arg("-C")
        .arg(dir)
        .args(["rev-parse", "-q", "--verify", "HEAD^{commit}"])
        .stderr(Stdio::null())
        .output()
        .ok()
        .filter(|o| o.status.success())?;
    let head = String::from_utf8_lossy(&out.stdout).trim().to_string();
    (!head.is_empty()).then_some(head)
}

/// Whether `HEAD` (`head`) is `old` plus a straight line of commits: each
/// with exactly one parent, the oldest a child of `old`. Then `git log`
/// lists those commits and goes on exactly as from `old`.
fn straight_line(dir: &Path, old: &str, head: &str) -> bool {
    let Ok(out) = git()
        .arg("-C")
        .arg(dir)
        .args(["rev-list", "--parents", &format!("{old}..{head}")])
        .stderr(Stdio::null())
        .output()
    else {
        return false;
    };
    if !out.status.success() {
        return false;
    }
    let text = String::from_utf8_lossy(&out.stdout);
    // Newest first: each commit's one parent is the next line's commit,
    // and the last one's is `old`.
    let mut expect = head;
    for line in text.lines() {
        let ids: Vec<&str> = line.split(' ').collect();
        match ids[..] {
            [commit, parent] if commit == expect => expect = parent,
            _ => return false,
        }
    }
    expect == old && !text.is_empty()
}

/// Puts the older, cached part of the log behind the commits `log` holds.
fn append_older(log: &mut RawLog, older: log_cache::Cached) {
    let offset = log.commits.len() as u32;
    log.commits.extend(older.commits);
    log.touching += older.touching;
    for (path, list) in older.changes {
        let shifted = list.into_iter().map(|c| Change {
            commit: c.commit + offset,
            ..c
        });
        log.changes.entry(path).or_default().extend(shifted);
    }
}

/// Runs `git log --raw` over the content folder into `log`: the whole
/// history, or only the commits in `range` (`OLD..NEW`).
fn run_log(
    dir: &Path,
    whole_repo: bool,
    prefix: &str,
    range: Option<&str>,
    log: &mut RawLog,
) -> Result<(), String> {
    let mut child = git()
        .arg("-C")
        .arg(dir)
        .args([
            "log",
            "--no-color",
            "--no-renames",
            "--no-abbrev",
            "--raw",
            "-z",
            "--format=%x01%H%x00%at%x00%aN",
        ])
        .args(range)
        .args(if whole_repo {
            &[][..]
        } else {
            &["--", "."][..]
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| spawn_error(&e))?;
    let stderr = child.stderr.take().map(|mut s| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = s.read_to_end(&mut buf);
            buf
        })
    });
    if let Some(stdout) = child.stdout.take() {
        parse_log(BufReader::with_capacity(1 << 16, stdout), prefix, log);
    }
    let status = child.wait().map_err(|e| format!("git log failed: {e}"))?;
    let err = stderr.and_then(|h| h.join().ok()).unwrap_or_default();
    if !status.success() {
        let msg = first_line(&err);
        return Err(if msg.contains("does not have any commits") {
            "the git repository has no commits yet".to_string()
        } else if msg.is_empty() {
            format!("git log failed ({status})")
        } else {
            msg
        });
    }
    Ok(())
}

/// Pages whose text on disk differs from `HEAD` (relative to the content
/// folder). For the others the text already read stands for the newest
/// committed version, which then need not be read from git.
fn dirty_paths(dir: &Path, prefix: &str) -> Option<HashSet<String>> {
    let out = git()
        .arg("-C")
        .arg(dir)
        .args([
            "diff",
            "--name-only",
            "--no-renames",
            "-z",
            "HEAD",
            "--",
            ".",
        ])
        .stderr(Stdio::null())
        .output()
        .ok()
        .filter(|o| o.status.success())?;
    Some(
        out.stdout
            .split(|b| *b == 0)
            .filter_map(|p| {
                let p = String::from_utf8_lossy(p);
                p.strip_prefix(prefix).map(String::from)
            })
            .collect(),
    )
}

/// Parses `git log --raw -z --format=%x01%H%x00%at%x00%aN` output: NUL
/// separated tokens; a commit is `\x01HASH`, `TIME`, `NAME`; a change is
/// `:MODE MODE OLD NEW STATUS` then the path. Paths outside `prefix` (the
/// content folder relative to the top of the work tree) are skipped.
fn parse_log(mut input: impl BufRead, prefix: &str, log: &mut RawLog) {
    let mut buf = Vec::with_capacity(256);
    let mut pending_meta: Option<(Status, Box<str>, Box<str>)> = None;
    let mut header_left = 0u8;
    let mut counted: Option<usize> = None;
    loop {
        buf.clear();
        match input.read_until(0, &mut buf) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
        if buf.last() == Some(&0) {
            buf.pop();
        }
        let mut token: &[u8] = &buf;
        while let Some(rest) = token.strip_prefix(b"\n") {
            token = rest;
        }
        if let Some((status, old, new)) = pending_meta.take() {
            let path = String::from_utf8_lossy(token);
            let Some(commit) = log.commits.len().checked_sub(1) else {
                continue;
            };
            if let Some(rel) = path.strip_prefix(prefix) {
                if counted != Some(commit) {
                    counted = Some(commit);
                    log.touching += 1;
                }
                log.changes
                    .entry(rel.to_string())
                    .or_default()
                    .push(Change {
                        commit: commit as u32,
                        status,
                        old,
                        new,
                    });
            }
            continue;
        }
        if let Some(_hash) = token.strip_prefix(b"\x01") {
            log.commits.push(Commit {
                date: Date::from_days(0),
                author: String::new(),
            });
            header_left = 2;
            continue;
        }
        if header_left > 0 {
            if let Some(c) = log.commits.last_mut() {
                let text = String::from_utf8_lossy(token);
                if header_left == 2 {
                    let secs: i64 = text.trim().parse().unwrap_or(0);
                    c.date = Date::from_days(secs.div_euclid(86_400));
                } else {
                    c.author = text.trim().to_string();
                }
            }
            header_left -= 1;
            continue;
        }
        if let Some(meta) = token.strip_prefix(b":") {
            let meta = String::from_utf8_lossy(meta);
            let mut fields = meta.split(' ');
            let (_, _, old, new, status) = (
                fields.next(),
                fields.next(),
                fields.next().unwrap_or(""),
                fields.next().unwrap_or(""),
                fields.next().unwrap_or(""),
            );
            let status = match status.as_bytes().first() {
                Some(b'A') => Status::Added,
                Some(b'D') => Status::Deleted,
                _ => Status::Modified,
            };
            pending_meta = Some((status, old.into(), new.into()));
        }
    }
}

// ---------------------------------------------------------------------
// Pass 2: the old versions the facts need.

/// At most this many modifications after a page's review date are read to
/// find an edit (newest first); older ones are not looked at.
const MAX_CHANGES_AFTER_REVIEW: usize = 16;

/// One `git cat-file --batch` process fed a planned list of blob ids by a
/// writer thread and drained by a reader thread, so git runs ahead while
/// the facts are worked out.
struct CatFile {
    child: Child,
    answers: std::sync::mpsc::Receiver<Option<Arc<str>>>,
    threads: Vec<JoinHandle<()>>,
    reads: usize,
}

impl CatFile {
    fn spawn(dir: &Path, oids: Vec<Box<str>>) -> Option<CatFile> {
        let mut child = git()
            .arg("-C")
            .arg(dir)
            .args(["cat-file", "--batch", "--buffer"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let mut stdin: ChildStdin = child.stdin.take()?;
        let mut stdout = BufReader::with_capacity(1 << 16, child.stdout.take()?);
        let count = oids.len();
        let writer = std::thread::Builder::new()
            .name("git-cat-file-in".into())
            .spawn(move || {
                let mut w = std::io::BufWriter::new(&mut stdin);
                for oid in &oids {
                    if w.write_all(oid.as_bytes()).is_err() || w.write_all(b"\n").is_err() {
                        return;
                    }
                }
                let _ = w.flush();
            })
            .ok()?;
        let (tx, answers) = std::sync::mpsc::channel();
        let reader = std::thread::Builder::new()
            .name("git-cat-file-out".into())
            .spawn(move || {
                for _ in 0..count {
                    match read_blob(&mut stdout) {
                        Ok(answer) => {
                            if tx.send(answer).is_err() {
                                return;
                            }
                        }
                        Err(()) => return,
                    }
                }
            })
            .ok()?;
        Some(CatFile {
            child,
            answers,
            threads: vec![writer, reader],
            reads: 0,
        })
    }

    /// The next answer: `Ok(None)` for a missing object or one that is not
    /// a blob, `Err` when the process is unusable.
    fn next_blob(&mut self) -> Result<Option<Arc<str>>, ()> {
        let answer = self.answers.recv().map_err(drop)?;
        self.reads += usize::from(answer.is_some());
        Ok(answer)
    }
}

/// Reads one `git cat-file --batch` answer.
fn read_blob(stdout: &mut impl BufRead) -> Result<Option<Arc<str>>, ()> {
    let mut header = String::new();
    if stdout.read_line(&mut header).map_err(drop)? == 0 {
        return Err(());
    }
    let mut parts = header.split_whitespace();
    let (_, kind, size) = (parts.next(), parts.next(), parts.next());
    let Some(size) = size.and_then(|s| s.parse::<usize>().ok()) else {
        // `<oid> missing`: nothing more comes for it.
        return Ok(None);
    };
    let mut bytes = vec![0; size + 1];
    stdout.read_exact(&mut bytes).map_err(drop)?;
    bytes.pop();
    Ok((kind == Some("blob")).then(|| Arc::from(String::from_utf8_lossy(&bytes).as_ref())))
}

impl Drop for CatFile {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

/// A page, its changes, whether to check its owners, whether its text on
/// disk stands for the newest version, and the old versions to read.
type Plan<'a> = (&'a Page, &'a [Change], bool, bool, Vec<Box<str>>);

/// Only the current life of a file: its changes up to (and including) the
/// newest time it was added.
fn current_life(changes: &[Change]) -> &[Change] {
    let n = changes
        .iter()
        .position(|c| c.status == Status::Added)
        .map_or(changes.len(), |i| i + 1);
    &changes[..n]
}

/// Which facts [`Pending::finish`] works out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wants {
    /// Only what the rules need (`review-outdated`) and last-changed
    /// dates: `check`, which reads no old versions for the dashboard.
    Review,
    /// Everything, for the site and its health dashboard.
    All,
}

impl Pending {
    /// Waits for pass 1, then works out the facts for `pages` (pass 2):
    /// plans which old versions each page needs, reads them all through one
    /// `git cat-file`, and computes the facts page by page. The rotation
    /// window ends `today`; a domain whose runbooks already have enough
    /// editors in it needs no owners check. With `HANDBOOK_TIMINGS=1`,
    /// prints what it cost.
    pub fn finish(
        mut self,
        pages: &[Page],
        today: Date,
        cfg: &HealthConfig,
        wants: Wants,
    ) -> History {
        let health = wants == Wants::All;
        let log = match self.handle.take().map(JoinHandle::join) {
            Some(Ok(Ok(log))) => log,
            Some(Ok(Err(reason))) => return History::unknown(reason),
            Some(Err(_)) | None => return History::unknown("reading git history failed"),
        };
        let start = Instant::now();
        let ws = window_start(today, cfg.rotation_window);
        let facts_path = log.git_dir.as_deref().map(versions::path_in);
        let known = facts_path
            .as_deref()
            .map(versions::load)
            .unwrap_or_default();
        let known_len = known.len();
        let date = |c: &Change| log.commits[c.commit as usize].date;

        let mut editors: HashMap<&str, BTreeSet<&str>> = HashMap::new();
        for p in pages.iter().filter(|p| p.kind == Kind::Runbook) {
            let (Some(d), Some(changes)) = (p.domain(), log.changes.get(&p.src.rel)) else {
                continue;
            };
            let who = current_life(changes)
                .iter()
                .filter(|c| date(c) > ws)
                .map(|c| log.commits[c.commit as usize].author.as_str());
            editors.entry(d).or_default().extend(who);
        }
        let enough = cfg.rotation_editors.max(1) as usize;
        // The newest committed version of a page unchanged on disk is the
        // text already read: its blob id, when that is so.
        let clean = |p: &Page, changes: &[Change]| -> Option<Box<str>> {
            let dirty = log.dirty.as_ref()?;
            let newest = current_life(changes).first()?;
            (newest.status != Status::Deleted
                && p.src.invalid_utf8_at.is_none()
                && !dirty.contains(&p.src.rel))
            .then(|| newest.new.clone())
        };
        let check_owners = |p: &Page| {
            health
                && p.domain()
                    .is_some_and(|d| editors.get(d).is_none_or(|e| e.len() < enough))
        };

        let plans: Vec<Plan<'_>> = pages
            .iter()
            .filter_map(|p| {
                let changes = log.changes.get(&p.src.rel)?;
                let owners = check_owners(p);
                let mut wanted = Wanted::new(&known);
                page_facts(p, changes, &log.commits, &mut wanted, ws, owners, health);
                let on_disk = clean(p, changes);
                let before = wanted.oids.len();
                wanted.oids.retain(|o| on_disk.as_deref() != Some(&**o));
                let use_disk = wanted.oids.len() < before;
                Some((p, changes.as_slice(), owners, use_disk, wanted.oids))
            })
            .collect();
        // Read in a few parallel chunks, each with its own `git cat-file`.
        let wanted: usize = plans.iter().map(|p| p.4.len()).sum();
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .clamp(1, 4)
            .min(wanted / 500 + 1);
        let per_chunk = wanted / threads + 1;
        let mut chunks: Vec<&[Plan<'_>]> = Vec::new();
        let (mut from, mut size) = (0, 0);
        for (i, p) in plans.iter().enumerate() {
            size += p.4.len();
            if size >= per_chunk {
                chunks.push(&plans[from..=i]);
                (from, size) = (i + 1, 0);
            }
        }
        chunks.push(&plans[from..]);
        type ChunkResult = (Vec<(String, PageHistory)>, usize, Facts, usize);
        let results: Vec<ChunkResult> = std::thread::scope(|scope| {
            let handles: Vec<_> = chunks
                .iter()
                .map(|chunk| {
                    let clean = &clean;
                    let log = &log;
                    let known = &known;
                    scope.spawn(move || {
                        let all: Vec<Box<str>> =
                            chunk.iter().flat_map(|p| p.4.iter().cloned()).collect();
                        let mut cat = if all.is_empty() {
                            None
                        } else {
                            CatFile::spawn(&log.dir, all)
                        };
                        let mut out = Vec::with_capacity(chunk.len());
                        let (mut used, mut learned) = (Facts::default(), 0);
                        for (page, changes, owners, use_disk, oids) in chunk.iter() {
                            let mut fetched = Fetched::new(known);
                            if let Some(oid) = clean(page, changes).filter(|_| *use_disk) {
                                fetched.texts.insert(oid, Arc::from(page.src.text.as_str()));
                            }
                            for oid in oids {
                                let Some(c) = cat.as_mut() else { break };
                                match c.next_blob() {
                                    Ok(Some(text)) => {
                                        fetched.texts.insert(oid.clone(), text);
                                    }
                                    Ok(None) => {}
                                    Err(()) => cat = None,
                                }
                            }
                            let f = page_facts(
                                page,
                                changes,
                                &log.commits,
                                &mut fetched,
                                ws,
                                *owners,
                                health,
                            );
                            out.push((page.src.rel.clone(), f));
                            used.extend(fetched.used);
                            learned += fetched.learned;
                        }
                        let reads = cat.as_ref().map_or(0, |c| c.reads);
                        (out, reads, used, learned)
                    })
                })
                .collect();
            handles.into_iter().filter_map(|h| h.join().ok()).collect()
        });
        let reads: usize = results.iter().map(|r| r.1).sum();
        let learned: usize = results.iter().map(|r| r.3).sum();
        let (mut facts, mut used) = (HashMap::new(), Facts::default());
        for (pages, _, u, _) in results {
            facts.extend(pages);
            used.extend(u);
        }
        // A build keeps only the answers it used; a check, which asks
        // less, adds to what is kept.
        let kept = used.len();
        if let Some(path) = &facts_path {
            if !health {
                let mut all = known;
                all.extend(used);
                used = all;
            }
            if learned > 0 || (health && kept != known_len) {
                versions::store(path, used);
            }
        }
        if crate::timings_wanted() {
            eprintln!(
                "timing: git history: {} commits, {} changed paths; log {:.1} ms{}, {} facts from the last run, {} of {} old versions read in {:.1} ms",
                log.commits.len(),
                log.changes.len(),
                log.elapsed.as_secs_f64() * 1e3,
                match log.source {
                    LogSource::Read => String::new(),
                    LogSource::Cached => " (cached)".to_string(),
                    LogSource::Extended(n) => format!(
                        " (cached, and {n} newer commit{} read)",
                        if n == 1 { "" } else { "s" }
                    ),
                },
                known_len,
                reads,
                wanted,
                start.elapsed().as_secs_f64() * 1e3
            );
        }
        History {
            state: GitState::Available {
                shallow: log.shallow,
                commits: log.touching,
            },
            window_start: Some(ws),
            pages: facts,
        }
    }
}

/// The facts about one page from its changes (newest first). Old versions
/// come from `versions`; run with [`Wanted`] it lists the ones it needs.
fn page_facts(
    page: &Page,
    changes: &[Change],
    commits: &[Commit],
    versions: &mut dyn Versions,
    window_start: Date,
    check_owners: bool,
    check_actions: bool,
) -> PageHistory {
    let changes = current_life(changes);
    let Some(newest) = changes.first().filter(|c| c.status != Status::Deleted) else {
        return PageHistory::default();
    };
    let commit = |c: &Change| -> &Commit { &commits[c.commit as usize] };
    let edit = |c: &Change| Edit {
        date: commit(c).date,
        author: commit(c).author.clone(),
    };
    let mut facts = PageHistory {
        commits: changes.len(),
        last: Some(edit(newest)),
        dates: changes.iter().map(|c| commit(c).date).collect(),
        editors_in_window: changes
            .iter()
            .filter(|c| commit(c).date > window_start)
            .map(|c| commit(c).author.clone())
            .collect(),
        ..PageHistory::default()
    };

    if let Some(reviewed) = page.front.reviewed {
        // Adding the page writes its review date: that is the review.
        let after = changes
            .iter()
            .filter(|c| commit(c).date > reviewed && c.status == Status::Modified)
            .take(MAX_CHANGES_AFTER_REVIEW);
        for c in after {
            if versions.change_kind(&c.old, &c.new) == Some(ChangeKind::Edit) {
                facts.outdated = Some(edit(c));
                break;
            }
        }
    }

    // The version in force on `day`: the newest change made on or before it.
    let at = |day: Date| changes.iter().position(|c| commit(c).date <= day);

    if check_owners {
        let base = at(window_start).unwrap_or(changes.len() - 1);
        if base > 0 {
            if let Some(then) = versions.front(&changes[base].new) {
                if owner_set(&then.owners) != owner_set(&page.front.owners) {
                    facts.owners_change = Some(OwnersChange {
                        was: then.owners.clone(),
                    });
                }
            }
        }
    }

    if !check_actions {
        return facts;
    }
    let mut old_fronts: HashMap<usize, Option<Arc<versions::OldFront>>> = HashMap::new();
    facts.actions_closed_by_due = page
        .front
        .actions
        .iter()
        .map(|a| {
            if !a.done {
                return None;
            }
            let Some(due) = a.due else {
                return Some(true);
            };
            match at(due) {
                // History starts after the due date (the page was added,
                // or imported, later): when it closed is unknown.
                None => None,
                Some(0) => Some(true),
                Some(k) => {
                    let then = old_fronts
                        .entry(k)
                        .or_insert_with(|| versions.front(&changes[k].new));
                    Some(then.as_ref().is_some_and(|then| {
                        then.actions
                            .iter()
                            .any(|(what, done)| *done && what.trim() == a.what.trim())
                    }))
                }
            }
        })
        .collect();
    facts
}

fn owner_set(owners: &[String]) -> BTreeSet<String> {
    owners
        .iter()
        .map(|o| o.trim().trim_start_matches('@').to_lowercase())
        .collect()
}

/// What a commit did to a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
enum ChangeKind {
    /// It changed the `reviewed:` line: the review itself (with or
    /// without the edits it reviewed).
    Review,
    /// It changed only action `done:` flags: follow-through, not content.
    Bookkeeping,
    /// It changed the content.
    Edit,
}

fn classify(old: &str, new: &str) -> ChangeKind {
    if review_date(old) != review_date(new) {
        ChangeKind::Review
    } else if content_lines(old).eq(content_lines(new)) {
        ChangeKind::Bookkeeping
    } else {
        ChangeKind::Edit
    }
}

/// Where a line of a page is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    /// In a YAML (`---`) frontmatter block.
    Yaml,
    /// In a TOML (`+++`) frontmatter block.
    Toml,
    /// In the body.
    Body,
}

/// A page's lines (without `\r`), each with where it is. The block is the
/// one the page reader finds ([`crate::frontmatter::fence`]), so an
/// unclosed block or a `---` thematic break reads the same here; its fence
/// lines are left out.
fn lines_in_front(text: &str) -> impl Iterator<Item = (Place, &str)> {
    use crate::frontmatter::fence::{split, Syntax};
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (place, front, body) = match split(text) {
        Some(block) => (
            match block.syntax {
                Syntax::Yaml => Place::Yaml,
                Syntax::Toml => Place::Toml,
            },
            block.text,
            &text[block.body_offset.min(text.len())..],
        ),
        None => (Place::Body, "", text),
    };
    fn line(raw: &str) -> &str {
        raw.strip_suffix('\r').unwrap_or(raw)
    }
    front
        .lines()
        .map(move |l| (place, line(l)))
        .chain(body.split('\n').map(move |l| (Place::Body, line(l))))
}

/// The key and value of a frontmatter line (`key: value` in YAML,
/// `key = value` in TOML), the key unquoted.
fn key_value(place: Place, line: &str) -> Option<(&str, &str)> {
    let sep = match place {
        Place::Yaml => ':',
        Place::Toml => '=',
        Place::Body => return None,
    };
    let (k, v) = line.split_once(sep)?;
    Some((k.trim().trim_matches(['"', '\'']), v))
}

/// The review date as written (`reviewed:` or an alias), if any.
fn review_date(text: &str) -> Option<&str> {
    lines_in_front(text)
        .take_while(|(place, _)| *place != Place::Body)
        .find_map(|(place, line)| {
            // Only top-level keys: not an action's or a table's.
            if line.starts_with([' ', '\t']) {
                return None;
            }
            let (k, v) = key_value(place, line)?;
            REVIEWED_KEYS
                .contains(&k)
                .then(|| v.trim().trim_matches(['"', '\'']))
        })
}

/// The lines that make up the content: all but the review date and the
/// action `done:` flags in the frontmatter.
fn content_lines(text: &str) -> impl Iterator<Item = &str> {
    lines_in_front(text).filter_map(|(place, line)| {
        if place == Place::Body {
            return Some(line);
        }
        let top = !line.starts_with([' ', '\t', '-']);
        let item = line.trim_start().trim_start_matches("- ");
        match key_value(place, if top { line } else { item }) {
            Some((k, _)) if top && REVIEWED_KEYS.contains(&k) => None,
            // YAML writes `done:` inside an action item; TOML, under
            // `[[actions]]`, at the start of the line.
            Some(("done", _)) if !top || place == Place::Toml => None,
            _ => Some(line),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn window_start_in_days_and_months() {
        assert_eq!(
            window_start(d("2026-11-23"), Interval::Days(182)),
            d("2026-05-25")
        );
        assert_eq!(
            window_start(d("2026-11-23"), Interval::Months(6)),
            d("2026-05-23")
        );
        assert_eq!(
            window_start(d("2026-08-31"), Interval::Months(6)),
            d("2026-02-28")
        );
    }

    #[test]
    fn classifies_review_bookkeeping_and_edits() {
        let base = "---\ntitle: T\nreviewed: 2026-01-01\nactions:\n  - what: A\n    done: false\n---\n\nBody.\n";
        let bumped = base.replace("2026-01-01", "2026-06-01");
        let done = base.replace("done: false", "done: true");
        let edited = base.replace("Body.", "Body, edited.");
        let both = bumped.replace("Body.", "Body, edited.");
        assert_eq!(classify(base, &bumped), ChangeKind::Review);
        assert_eq!(classify(base, &both), ChangeKind::Review);
        assert_eq!(classify(base, &done), ChangeKind::Bookkeeping);
        assert_eq!(classify(base, &edited), ChangeKind::Edit);
        // The same in TOML frontmatter.
        let base = "+++\ntitle = \"T\"\nreviewed = 2026-01-01\n\n[[actions]]\nwhat = \"A\"\ndone = false\n+++\n\nBody.\n";
        let bumped = base.replace("2026-01-01", "2026-06-01");
        let done = base.replace("done = false", "done = true");
        let edited = base.replace("what = \"A\"", "what = \"B\"");
        assert_eq!(classify(base, &bumped), ChangeKind::Review);
        assert_eq!(classify(base, &done), ChangeKind::Bookkeeping);
        assert_eq!(classify(base, &edited), ChangeKind::Edit);
        assert_eq!(
            classify(base, &base.replace('\n', "\r\n")),
            ChangeKind::Bookkeeping
        );
        let alias = "---\nlast_reviewed_on: \"2026-01-01\"\n---\nX\n";
        assert_eq!(
            classify(alias, &alias.replace("01-01", "02-01")),
            ChangeKind::Review
        );
        // `done:` in the body is content.
        assert_eq!(
            classify("---\n---\n  done: x\n", "---\n---\n  done: y\n"),
            ChangeKind::Edit
        );
    }

    /// The history reads the frontmatter block as the page reader does:
    /// an unclosed block ends at the first blank line, a `---` that opens
    /// no key is a thematic break, CRLF and a BOM change nothing.
    #[test]
    fn reads_the_block_the_page_reader_reads() {
        let unclosed = "---\nreviewed: 2026-01-01\n\n# Title\n";
        assert_eq!(review_date(unclosed), Some("2026-01-01"));
        // A rule, then prose: the page has no frontmatter, so a later
        // `reviewed:` line is text, not its review date.
        let rule = "---\nNotes from the drill\n\nreviewed: 2026-01-01\n";
        assert_eq!(review_date(rule), None, "a thematic break, then text");
        let crlf = "\u{feff}---\r\nreviewed: 2026-02-02\r\n---\r\nBody\r\n";
        assert_eq!(review_date(crlf), Some("2026-02-02"));
        // Bumping the date of an unclosed block is a review, not an edit
        // of the body; changing its body is an edit.
        assert_eq!(
            classify(unclosed, "---\nreviewed: 2026-03-01\n\n# Title\n"),
            ChangeKind::Review
        );
        assert_eq!(
            classify(unclosed, "---\nreviewed: 2026-01-01\n\n# Title, edited\n"),
            ChangeKind::Edit
        );
    }

    #[test]
    fn parses_raw_log_output_under_a_prefix() {
        let z = "\x01aaaa\x001790000000\x00Alice Ng\x00\n:000000 100644 0000 1111 A\x00docs/src/a.md\x00:100644 100644 2222 3333 M\x00README.md\x00\x01bbbb\x001780000000\x00Bob\x00\x01cccc\x001770000000\x00Carol\x00\n:100644 000000 4444 0000 D\x00docs/src/b.md\x00";
        let mut log = RawLog::default();
        parse_log(z.as_bytes(), "docs/src/", &mut log);
        assert_eq!(log.commits.len(), 3);
        assert_eq!(log.touching, 2, "the second commit touches only README.md");
        assert_eq!(log.commits[0].author, "Alice Ng");
        assert_eq!(log.commits[0].date.to_string(), "2026-09-21");
        assert_eq!(log.changes.len(), 2, "{:?}", log.changes.keys());
        let a = &log.changes["a.md"][0];
        assert_eq!((a.commit, a.status, &*a.new), (0, Status::Added, "1111"));
        let b = &log.changes["b.md"][0];
        assert_eq!((b.commit, b.status), (2, Status::Deleted));
    }

    fn page(text: &str) -> Page {
        let root = Path::new("/nonexistent-handbook");
        let config = crate::config::parse_config(root, &root.join("book.toml"), "").unwrap();
        let src = crate::discover::SourceFile {
            rel: "runbooks/a.md".into(),
            root_rel: "src/runbooks/a.md".into(),
            text: text.into(),
            invalid_utf8_at: None,
        };
        let known = std::collections::HashSet::new();
        crate::page::parse_page(src, &config, &known, &crate::markdown::Highlighter::plain())
    }

    fn change(commit: u32, status: Status, old: &str, new: &str) -> Change {
        Change {
            commit,
            status,
            old: old.into(),
            new: new.into(),
        }
    }

    #[test]
    fn facts_from_changes_and_versions() {
        let now = "---\nowners: [b]\nreviewed: 2026-06-01\nactions:\n  - what: X\n    due: 2026-03-01\n    done: true\n  - what: Y\n    due: 2025-01-01\n    done: true\n---\nBody, edited.\n";
        let v1 = now.replace("Body, edited.", "Body.");
        let v0 = v1
            .replace("[b]", "[a]")
            .replace("2026-06-01", "2026-01-01")
            .replace(
                "due: 2026-03-01\n    done: true",
                "due: 2026-03-01\n    done: false",
            );
        let commits = vec![
            Commit {
                date: d("2026-07-01"),
                author: "Bea".into(),
            },
            Commit {
                date: d("2026-06-01"),
                author: "Al".into(),
            },
            Commit {
                date: d("2026-01-01"),
                author: "Al".into(),
            },
        ];
        // Newest first: an edit after the review, the review (which also
        // closed X after its due date and changed the owners), the creation.
        let changes = vec![
            change(0, Status::Modified, "v1", "now"),
            change(1, Status::Modified, "v0", "v1"),
            change(2, Status::Added, "0000", "v0"),
        ];
        let p = page(now);
        let none = Facts::default();
        let mut wanted = Wanted::new(&none);
        page_facts(
            &p,
            &changes,
            &commits,
            &mut wanted,
            d("2026-05-25"),
            true,
            true,
        );
        assert_eq!(
            wanted.oids,
            ["v1".into(), "now".into(), "v0".into()] as [Box<str>; 3]
        );
        let mut versions = Fetched::new(&none);
        for (oid, text) in [("v0", v0.as_str()), ("v1", &v1), ("now", now)] {
            versions.texts.insert(oid.into(), Arc::from(text));
        }
        let f = page_facts(
            &p,
            &changes,
            &commits,
            &mut versions,
            d("2026-05-25"),
            true,
            true,
        );
        assert_eq!(f.commits, 3);
        assert_eq!(
            f.last,
            Some(Edit {
                date: d("2026-07-01"),
                author: "Bea".into()
            })
        );
        assert_eq!(
            f.outdated,
            Some(Edit {
                date: d("2026-07-01"),
                author: "Bea".into()
            })
        );
        assert_eq!(
            f.owners_change,
            Some(OwnersChange {
                was: vec!["a".into()]
            })
        );
        assert_eq!(
            f.editors_in_window,
            BTreeSet::from(["Al".into(), "Bea".into()])
        );
        // X was still open on 2026-03-01; Y's due date is before the page existed.
        assert_eq!(f.actions_closed_by_due, [Some(false), None]);

        // The same page without the last edit: the review is the newest change.
        let f = page_facts(
            &p,
            &changes[1..],
            &commits,
            &mut versions,
            d("2026-05-25"),
            false,
            false,
        );
        assert_eq!(f.outdated, None);
        assert_eq!(f.owners_change, None, "not checked");
        assert!(f.actions_closed_by_due.is_empty(), "not checked");
    }

    #[test]
    fn unknown_history_knows_nothing() {
        let h = History::unknown("not inside a git repository");
        assert!(!h.known());
        assert_eq!(h.reason(), Some("not inside a git repository"));
        assert!(h.page("a.md").is_none());
        assert!(h.shallow_warning(Path::new("x")).is_none());
    }
}
