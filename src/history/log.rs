//! Pass 1: `git log --raw` over the content folder (or the cached log,
//! extended by the commits since), and the pages edited since `HEAD`.

use super::log_cache;
use crate::date::Date;
use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// One commit.
#[derive(Debug, Clone)]
pub(super) struct Commit {
    pub(super) date: Date,
    pub(super) author: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Status {
    Added,
    Modified,
    Deleted,
}

/// One file changed by one commit.
#[derive(Debug, Clone)]
pub(super) struct Change {
    pub(super) commit: u32,
    pub(super) status: Status,
    pub(super) old: Box<str>,
    pub(super) new: Box<str>,
}

/// The parsed output of pass 1.
#[derive(Debug, Default)]
pub(super) struct RawLog {
    /// A folder inside the work tree, to run `git cat-file` in.
    pub(super) dir: PathBuf,
    pub(super) shallow: bool,
    pub(super) commits: Vec<Commit>,
    /// Commits that changed something in the content folder.
    pub(super) touching: usize,
    /// Changes by path relative to the content folder, newest first.
    pub(super) changes: HashMap<String, Vec<Change>>,
    /// Paths that differ from `HEAD` on disk (`None`: unknown, assume all).
    pub(super) dirty: Option<HashSet<String>>,
    /// Where the log came from.
    pub(super) source: LogSource,
    /// The git folder, when what is worked out from old versions may be
    /// kept in it ([`versions`](super::versions)).
    pub(super) git_dir: Option<PathBuf>,
    pub(super) elapsed: Duration,
}

/// Where pass 1 got the log from.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) enum LogSource {
    /// `git log`, in full.
    #[default]
    Read,
    /// The cache, as it was.
    Cached,
    /// The cache, with this many newer commits read in front of it.
    Extended(usize),
}

pub(super) fn git() -> Command {
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

pub(super) fn read_log(root: &Path, dir: &Path) -> Result<RawLog, String> {
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
pub(super) fn parse_log(mut input: impl BufRead, prefix: &str, log: &mut RawLog) {
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
