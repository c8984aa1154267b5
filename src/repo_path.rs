//! Where `check` reports paths from. Findings carry paths relative to the
//! handbook root; CI (GitHub annotations, code scanning, GitLab Code
//! Quality) wants them relative to the repository root, and a person at a
//! terminal relative to where they stand. [`PathBase::find`] picks the
//! base once: the top of the git work tree holding the handbook (found by
//! walking up for `.git`, a folder or a worktree's file, without running
//! git), else the current directory. [`PathBase::show`] turns a
//! handbook-relative path into one relative to that base.
//!
//! Reads only the file system's folder entries; the environment
//! (`GIT_CEILING_DIRECTORIES`, the current directory) is passed in.

use std::path::{Component, Path, PathBuf};

/// The base reported paths are relative to, and the handbook root's path
/// from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathBase {
    /// Absolute base folder (repository root or current directory).
    pub base: PathBuf,
    /// The handbook root relative to `base`, `/`-separated, ending in `/`
    /// (empty when the handbook is the base).
    prefix: String,
}

/// The top of the git work tree holding `dir` (absolute): the nearest
/// folder, `dir` included, with a `.git` entry. The walk does not go up
/// into a folder listed in `ceilings` (git's `GIT_CEILING_DIRECTORIES`).
pub fn work_tree_root(dir: &Path, ceilings: &[PathBuf]) -> Option<PathBuf> {
    let mut here = Some(dir);
    while let Some(d) = here {
        if d.join(".git").symlink_metadata().is_ok() {
            return Some(d.to_path_buf());
        }
        here = d.parent().filter(|p| !ceilings.iter().any(|c| c == p));
    }
    None
}

/// The absolute folders of `GIT_CEILING_DIRECTORIES`, symlinks resolved
/// where they exist (to compare with canonical paths).
pub fn git_ceilings() -> Vec<PathBuf> {
    std::env::var_os("GIT_CEILING_DIRECTORIES")
        .map(|v| {
            std::env::split_paths(&v)
                .filter(|p| p.is_absolute())
                .map(|p| p.canonicalize().unwrap_or(p))
                .collect()
        })
        .unwrap_or_default()
}

/// `to` relative to `from` (both absolute), `/`-separated, with `..` where
/// `to` is not under `from`. `None` when they share no root (another drive).
fn relative(from: &Path, to: &Path) -> Option<String> {
    let from: Vec<Component<'_>> = from.components().collect();
    let to: Vec<Component<'_>> = to.components().collect();
    if from.first() != to.first() {
        return None;
    }
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_owned(); from.len() - common];
    parts.extend(
        to[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    Some(parts.join("/"))
}

impl PathBase {
    /// The base for a handbook at `root`: its git work tree's top, else
    /// `cwd`. Both are made absolute (and symlinks resolved) first; a
    /// root that cannot be resolved keeps paths handbook-relative.
    pub fn find(root: &Path, cwd: &Path, ceilings: &[PathBuf]) -> PathBase {
        let canonical = |p: &Path| p.canonicalize().ok();
        let (Some(root), Some(cwd)) = (canonical(&cwd.join(root)), canonical(cwd)) else {
            return PathBase::handbook_relative(root);
        };
        let ceilings: Vec<PathBuf> = ceilings
            .iter()
            .filter_map(|c| canonical(c).or_else(|| Some(c.clone())))
            .collect();
        let base = work_tree_root(&root, &ceilings).unwrap_or(cwd);
        match relative(&base, &root) {
            Some(rel) => PathBase {
                prefix: if rel.is_empty() { rel } else { rel + "/" },
                base,
            },
            None => PathBase::handbook_relative(&root),
        }
    }

    /// The base from the process's environment: the current directory and
    /// `GIT_CEILING_DIRECTORIES`.
    pub fn from_env(root: &Path) -> PathBase {
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        PathBase::find(root, &cwd, &git_ceilings())
    }

    /// Paths stay relative to the handbook root at `root`.
    pub fn handbook_relative(root: &Path) -> PathBase {
        PathBase {
            base: root.to_path_buf(),
            prefix: String::new(),
        }
    }

    /// The handbook root relative to the base, `/`-terminated (or empty).
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// A handbook-relative path as reported: relative to the base.
    pub fn show(&self, handbook_rel: &str) -> String {
        format!("{}{handbook_rel}", self.prefix)
    }

    /// The reverse of [`show`](Self::show), for paths that are under the
    /// handbook root.
    pub fn handbook_rel<'a>(&self, shown: &'a str) -> Option<&'a str> {
        shown.strip_prefix(self.prefix.as_str())
    }

    /// The base as a `file://` URI ending in `/`, for SARIF's
    /// `originalUriBaseIds`.
    pub fn base_uri(&self) -> String {
        let slash = self.base.to_string_lossy().replace('\\', "/");
        let slash = slash.trim_end_matches('/');
        let lead = if slash.starts_with('/') { "" } else { "/" };
        format!("file://{lead}{}/", crate::url::encode_path(slash))
    }
}

/// A file named on the command line, as a path relative to the handbook
/// root `root`: tried relative to `cwd`, then to the repository root
/// `base` (as pre-commit passes them). `None` when it does not exist or
/// is outside the handbook.
pub fn handbook_rel_of(file: &Path, root: &Path, cwd: &Path, base: &Path) -> Option<String> {
    let root = root.canonicalize().ok()?;
    [cwd.join(file), base.join(file)]
        .iter()
        .filter_map(|p| p.canonicalize().ok())
        .find_map(|p| p.strip_prefix(&root).ok().map(crate::discover::to_slash))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_go_up_where_needed() {
        let r = |a: &str, b: &str| relative(Path::new(a), Path::new(b));
        assert_eq!(r("/a/b", "/a/b").as_deref(), Some(""));
        assert_eq!(r("/a", "/a/b/c").as_deref(), Some("b/c"));
        assert_eq!(r("/a/x", "/a/b").as_deref(), Some("../b"));
        assert_eq!(r("/x/y", "/a").as_deref(), Some("../../a"));
    }

    #[test]
    fn the_work_tree_is_found_by_its_git_entry_below_the_ceiling() {
        let tmp = std::env::temp_dir().join(format!("hb-repo-path-{}", std::process::id()));
        let docs = tmp.join("repo/docs");
        std::fs::create_dir_all(&docs).unwrap();
        std::fs::write(tmp.join("repo/.git"), "gitdir: elsewhere\n").unwrap();
        assert_eq!(work_tree_root(&docs, &[]), Some(tmp.join("repo")));
        assert_eq!(work_tree_root(&docs, &[tmp.join("repo")]), None);
        let b = PathBase::find(&docs, &docs, &[]);
        assert_eq!(b.show("src/a.md"), "docs/src/a.md");
        assert_eq!(b.handbook_rel("docs/src/a.md"), Some("src/a.md"));
        assert!(b.base_uri().starts_with("file:///"), "{}", b.base_uri());
        assert!(b.base_uri().ends_with("/repo/"), "{}", b.base_uri());
        let _ = std::fs::remove_dir_all(&tmp);
    }
}
