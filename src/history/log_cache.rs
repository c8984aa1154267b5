//! A cache of pass 1 (`git log --raw`), kept in the repository's git folder
//! (`.git/handbook/git-log.json`) and used when nothing it depends on has
//! changed: the same `HEAD` commit, the same content folder, the same
//! `.mailmap`, and a repository that is not shallow. Each work tree of a
//! repository (`git worktree`) has its own git folder, so its own cache. A
//! build, a check or a `serve` start after the first then skips the log,
//! the largest part of what git history costs (about 0.6 s of CPU at
//! 2,923 commits).
//!
//! When `HEAD` has moved on by a straight line of commits (each with one
//! parent, the oldest a child of the cached `HEAD`: new commits, a
//! fast-forward pull of a squash-merged branch), only those commits are
//! read and put in front of the cached log: `git log` walks such a line in
//! order and then goes on exactly as it did from the old `HEAD`, so the
//! result is the same as a full read. Any other move (a merge, a checkout of
//! another branch, a rebase) reads the log again in full, since extending
//! the cache would then have to reproduce `git log`'s date order across
//! branches. The file is written to a temporary name and renamed, so a
//! reader sees the old cache or the new one; a cache that cannot be read,
//! or is of another version, is ignored; one that cannot be written (a
//! read-only checkout) is skipped silently.

use super::log::{Change, Commit, Status};
use crate::date::Date;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Bumped whenever the format or what the log holds changes.
const VERSION: u32 = 1;

/// What a cached log was read from; it is used only for an equal key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Key {
    /// The `HEAD` commit id.
    pub(super) head: String,
    /// The content folder relative to the top of the work tree.
    pub(super) prefix: String,
    /// The log ran without a path filter (the handbook is the repository).
    pub(super) whole_repo: bool,
    /// A hash of the work tree's `.mailmap` (author names go through it).
    pub(super) mailmap: u64,
}

impl Key {
    /// The key for a repository whose work tree is at `toplevel`.
    pub(super) fn new(head: String, prefix: &str, whole_repo: bool, toplevel: &Path) -> Key {
        use std::hash::{Hash, Hasher};
        let mailmap = std::fs::read(toplevel.join(".mailmap")).map_or(0, |bytes| {
            let mut h = std::hash::DefaultHasher::new();
            bytes.hash(&mut h);
            h.finish()
        });
        Key {
            head,
            prefix: prefix.to_string(),
            whole_repo,
            mailmap,
        }
    }
}

impl Key {
    /// Whether a log cached under `self` can be extended to `other`: the
    /// same folder, path filter and `.mailmap`, another `HEAD`.
    pub(super) fn extends_to(&self, other: &Key) -> bool {
        self.head != other.head
            && self.prefix == other.prefix
            && self.whole_repo == other.whole_repo
            && self.mailmap == other.mailmap
    }
}

/// The part of the log that is kept.
pub(super) struct Cached {
    pub(super) commits: Vec<Commit>,
    pub(super) touching: usize,
    pub(super) changes: HashMap<String, Vec<Change>>,
}

/// One change as written: (commit, status `A`, `M` or `D`, old, new).
type ChangeRow = (u32, char, Box<str>, Box<str>);

/// The file as written.
#[derive(Serialize, Deserialize)]
struct File {
    version: u32,
    key: Key,
    /// Per commit: author date (days since 1970-01-01) and author.
    commits: Vec<(i64, String)>,
    touching: usize,
    /// Per path: its changes, newest first.
    changes: Vec<(String, Vec<ChangeRow>)>,
}

/// Where the cache of the repository whose git folder is `git_dir` lives.
pub(super) fn path_in(git_dir: &Path) -> PathBuf {
    git_dir.join("handbook").join("git-log.json")
}

/// The cached log at `path` and the key it was read for, if there is a
/// readable one of this version.
pub(super) fn load(path: &Path) -> Option<(Key, Cached)> {
    let bytes = std::fs::read(path).ok()?;
    let file: File = serde_json::from_slice(&bytes).ok()?;
    if file.version != VERSION {
        return None;
    }
    let commits = file
        .commits
        .into_iter()
        .map(|(days, author)| Commit {
            date: Date::from_days(days),
            author,
        })
        .collect::<Vec<_>>();
    let mut changes = HashMap::with_capacity(file.changes.len());
    for (path, list) in file.changes {
        let mut out = Vec::with_capacity(list.len());
        for (commit, status, old, new) in list {
            if commit as usize >= commits.len() {
                return None;
            }
            let status = match status {
                'A' => Status::Added,
                'D' => Status::Deleted,
                'M' => Status::Modified,
                _ => return None,
            };
            out.push(Change {
                commit,
                status,
                old,
                new,
            });
        }
        changes.insert(path, out);
    }
    Some((
        file.key,
        Cached {
            commits,
            touching: file.touching,
            changes,
        },
    ))
}

/// Writes the log for `key` to `path`; best effort.
pub(super) fn store(
    path: &Path,
    key: &Key,
    commits: &[Commit],
    touching: usize,
    changes: &HashMap<String, Vec<Change>>,
) {
    let mut paths: Vec<(&String, &Vec<Change>)> = changes.iter().collect();
    paths.sort_by(|a, b| a.0.cmp(b.0));
    let file = File {
        version: VERSION,
        key: key.clone(),
        commits: commits
            .iter()
            .map(|c| (c.date.days(), c.author.clone()))
            .collect(),
        touching,
        changes: paths
            .into_iter()
            .map(|(p, list)| {
                let list = list
                    .iter()
                    .map(|c| {
                        let status = match c.status {
                            Status::Added => 'A',
                            Status::Deleted => 'D',
                            Status::Modified => 'M',
                        };
                        (c.commit, status, c.old.clone(), c.new.clone())
                    })
                    .collect();
                (p.clone(), list)
            })
            .collect(),
    };
    if let Ok(bytes) = serde_json::to_vec(&file) {
        crate::cache_file::write_atomically(path, &bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(head: &str) -> Key {
        Key {
            head: head.into(),
            prefix: "docs/".into(),
            whole_repo: false,
            mailmap: 7,
        }
    }

    #[test]
    fn round_trips_for_the_same_key_only() {
        let dir = std::env::temp_dir().join(format!("handbook-log-cache-{}", std::process::id()));
        let path = path_in(&dir);
        let commits = vec![
            Commit {
                date: Date::from_days(20_000),
                author: "Alice".into(),
            },
            Commit {
                date: Date::from_days(19_990),
                author: "Bob".into(),
            },
        ];
        let mut changes = HashMap::new();
        changes.insert(
            "runbooks/a.md".to_string(),
            vec![
                Change {
                    commit: 0,
                    status: Status::Modified,
                    old: "1".repeat(40).into(),
                    new: "2".repeat(40).into(),
                },
                Change {
                    commit: 1,
                    status: Status::Added,
                    old: "0".repeat(40).into(),
                    new: "1".repeat(40).into(),
                },
            ],
        );
        store(&path, &key("abc"), &commits, 2, &changes);
        let (k, back) = load(&path).expect("cached");
        assert_eq!(k, key("abc"));
        assert_eq!(back.touching, 2);
        assert_eq!(back.commits.len(), 2);
        assert_eq!(back.commits[1].author, "Bob");
        assert_eq!(back.commits[0].date, Date::from_days(20_000));
        let a = &back.changes["runbooks/a.md"];
        assert_eq!(a.len(), 2);
        assert_eq!(a[1].status, Status::Added);
        assert_eq!(&*a[0].new, "2".repeat(40));
        // Only another HEAD can be extended to; a garbled file is unread.
        assert!(k.extends_to(&key("abd")));
        assert!(!k.extends_to(&key("abc")));
        let mut other = key("abd");
        other.prefix = "handbook/".into();
        assert!(!k.extends_to(&other));
        let mut other = key("abd");
        other.mailmap = 8;
        assert!(!k.extends_to(&other));
        std::fs::write(&path, b"{\"version\":1,").unwrap();
        assert!(load(&path).is_none());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
