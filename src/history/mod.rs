//! Git history of the content folder, read once per build: which commits
//! changed which page, when and by whom, turned into per-page facts for
//! the `review-outdated` rule, the "last changed" line of every page and
//! the health dashboard. Runs `git`, never fails the build, and writes
//! nothing but a cache of the log in the git folder (`log_cache`).
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
//!    `log_cache` instead; after new commits on top of the cached `HEAD`,
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

use crate::date::{Date, Interval};
use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::thread::JoinHandle;

mod facts;
mod finish;
mod log;
mod log_cache;
#[cfg(test)]
mod tests;
mod versions;

use log::RawLog;

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
        .spawn(move || log::read_log(&root, &dir))
        .ok();
    Pending { handle }
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
