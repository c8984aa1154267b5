//! Pass 2: the old versions the facts need, planned per page, read through
//! a few `git cat-file --batch` processes, and the facts worked out from
//! them ([`Pending::finish`]).

use super::facts::{current_life, page_facts};
use super::log::{git, Change, LogSource, Status};
use super::versions::{self, Facts, Fetched, Wanted};
use super::{window_start, GitState, History, PageHistory, Pending, Wants};
use crate::config::HealthConfig;
use crate::date::Date;
use crate::kind::Kind;
use crate::page::Page;
use std::collections::{BTreeSet, HashMap};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Stdio};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Instant;

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
