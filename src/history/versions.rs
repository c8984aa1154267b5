//! What [`super::facts::page_facts`] asks of old versions of a page, and where the
//! answers come from: what a change did (an edit, a review, bookkeeping)
//! and the owners and actions a version wrote down.
//!
//! Both are functions of blob contents, and blob ids name their contents,
//! so the answers are kept in `.git/handbook/facts.json` under the blob
//! ids, beside the log cache. A later build asks git only for the versions
//! it has no answer for: after one commit, the few that commit added. A
//! build that works out every fact keeps only the answers it used, so the
//! file stays the size of what the history needs now; a check (which asks
//! less) only adds to it.

use super::facts::{classify, ChangeKind};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Bumped whenever what is kept, or how it is worked out, changes.
const VERSION: u32 = 1;

/// The owners and actions written in one version of a page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct OldFront {
    /// `owners:` as written.
    pub(super) owners: Vec<String>,
    /// Each action's `what:` and `done:`.
    pub(super) actions: Vec<(String, bool)>,
}

impl OldFront {
    fn of(text: &str) -> OldFront {
        let front = crate::frontmatter::parse_frontmatter("", text).front;
        OldFront {
            owners: front.owners,
            actions: front
                .actions
                .into_iter()
                .map(|a| (a.what, a.done))
                .collect(),
        }
    }
}

/// Answers by blob id: what a change did (keyed `OLD NEW`) and what a
/// version wrote down.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(super) struct Facts {
    kinds: HashMap<String, ChangeKind>,
    fronts: HashMap<String, Arc<OldFront>>,
}

impl Facts {
    fn kind(&self, old: &str, new: &str) -> Option<ChangeKind> {
        self.kinds.get(&format!("{old} {new}")).copied()
    }

    fn front(&self, oid: &str) -> Option<Arc<OldFront>> {
        self.fronts.get(oid).cloned()
    }

    /// How many answers.
    pub(super) fn len(&self) -> usize {
        self.kinds.len() + self.fronts.len()
    }

    /// Adds `other`'s answers.
    pub(super) fn extend(&mut self, other: Facts) {
        self.kinds.extend(other.kinds);
        self.fronts.extend(other.fronts);
    }
}

/// What the facts need to know about old versions.
pub(super) trait Versions {
    /// What the change from blob `old` to blob `new` did, when known.
    fn change_kind(&mut self, old: &str, new: &str) -> Option<ChangeKind>;
    /// The owners and actions written in blob `oid`, when known.
    fn front(&mut self, oid: &str) -> Option<Arc<OldFront>>;
}

/// The planning pass: answers what `known` holds, and lists the blobs
/// every other question needs.
pub(super) struct Wanted<'a> {
    known: &'a Facts,
    /// Blob ids to read, in the order first asked for.
    pub(super) oids: Vec<Box<str>>,
}

impl<'a> Wanted<'a> {
    pub(super) fn new(known: &'a Facts) -> Wanted<'a> {
        Wanted {
            known,
            oids: Vec::new(),
        }
    }

    fn want(&mut self, oid: &str) {
        if !self.oids.iter().any(|o| &**o == oid) {
            self.oids.push(oid.into());
        }
    }
}

impl Versions for Wanted<'_> {
    fn change_kind(&mut self, old: &str, new: &str) -> Option<ChangeKind> {
        let kind = self.known.kind(old, new);
        if kind.is_none() {
            self.want(old);
            self.want(new);
        }
        kind
    }

    fn front(&mut self, oid: &str) -> Option<Arc<OldFront>> {
        let front = self.known.front(oid);
        if front.is_none() {
            self.want(oid);
        }
        front
    }
}

/// The answering pass for one page: from `known`, else from the blobs
/// read for it. Every answer given is recorded in `used`.
pub(super) struct Fetched<'a> {
    known: &'a Facts,
    /// Blob texts by id.
    pub(super) texts: HashMap<Box<str>, Arc<str>>,
    /// The answers given, known before or worked out now.
    pub(super) used: Facts,
    /// How many were worked out now.
    pub(super) learned: usize,
}

impl<'a> Fetched<'a> {
    pub(super) fn new(known: &'a Facts) -> Fetched<'a> {
        Fetched {
            known,
            texts: HashMap::new(),
            used: Facts::default(),
            learned: 0,
        }
    }
}

impl Versions for Fetched<'_> {
    fn change_kind(&mut self, old: &str, new: &str) -> Option<ChangeKind> {
        let kind = match self.known.kind(old, new) {
            Some(kind) => kind,
            None => {
                let (a, b) = (self.texts.get(old)?, self.texts.get(new)?);
                self.learned += 1;
                classify(a, b)
            }
        };
        self.used.kinds.insert(format!("{old} {new}"), kind);
        Some(kind)
    }

    fn front(&mut self, oid: &str) -> Option<Arc<OldFront>> {
        let front = match self.known.front(oid) {
            Some(front) => front,
            None => {
                let text = self.texts.get(oid)?;
                self.learned += 1;
                Arc::new(OldFront::of(text))
            }
        };
        self.used.fronts.insert(oid.to_string(), front.clone());
        Some(front)
    }
}

/// The file as written.
#[derive(Serialize, Deserialize)]
struct File {
    version: u32,
    facts: Facts,
}

/// Where the answers for the repository whose git folder is `git_dir` live.
pub(super) fn path_in(git_dir: &Path) -> PathBuf {
    git_dir.join("handbook").join("facts.json")
}

/// The answers kept at `path`; none when there is no readable file of this
/// version.
pub(super) fn load(path: &Path) -> Facts {
    std::fs::read(path)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<File>(&bytes).ok())
        .filter(|f| f.version == VERSION)
        .map(|f| f.facts)
        .unwrap_or_default()
}

/// Writes `facts` to `path`; best effort.
pub(super) fn store(path: &Path, facts: Facts) {
    let file = File {
        version: VERSION,
        facts,
    };
    if let Ok(bytes) = serde_json::to_vec(&file) {
        crate::cache_file::write_atomically(path, &bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "---\nowners: [a]\nreviewed: 2026-01-01\nactions:\n  - what: X\n    done: false\n---\nBody.\n";

    #[test]
    fn answers_come_from_texts_then_from_what_was_kept() {
        let bumped = BASE.replace("2026-01-01", "2026-02-01");
        let empty = Facts::default();
        let mut wanted = Wanted::new(&empty);
        assert_eq!(wanted.change_kind("v0", "v1"), None);
        assert_eq!(wanted.front("v0"), None);
        assert_eq!(wanted.oids, ["v0".into(), "v1".into()] as [Box<str>; 2]);

        let mut fetched = Fetched::new(&empty);
        fetched.texts.insert("v0".into(), Arc::from(BASE));
        fetched
            .texts
            .insert("v1".into(), Arc::from(bumped.as_str()));
        assert_eq!(fetched.change_kind("v0", "v1"), Some(ChangeKind::Review));
        let front = fetched.front("v0").expect("read");
        assert_eq!(front.owners, ["a"]);
        assert_eq!(front.actions, [("X".to_string(), false)]);
        assert_eq!(fetched.change_kind("v1", "v2"), None, "v2 was not read");
        assert_eq!(fetched.learned, 2);

        // Kept and loaded again, the answers need no blob.
        let dir = std::env::temp_dir().join(format!("handbook-facts-{}", std::process::id()));
        let path = path_in(&dir);
        store(&path, fetched.used);
        let known = load(&path);
        assert_eq!(known.len(), 2);
        let mut wanted = Wanted::new(&known);
        assert_eq!(wanted.change_kind("v0", "v1"), Some(ChangeKind::Review));
        assert_eq!(wanted.front("v0"), Some(front));
        assert!(wanted.oids.is_empty());
        let mut fetched = Fetched::new(&known);
        assert_eq!(fetched.change_kind("v0", "v1"), Some(ChangeKind::Review));
        assert_eq!(fetched.learned, 0);
        assert_eq!(fetched.used.len(), 1);

        std::fs::write(&path, b"{\"version\":1,").unwrap();
        assert_eq!(load(&path).len(), 0, "a garbled file is not read");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
