//! Git access, by running the `git` command: which files changed since a
//! ref (for `check --changed-since`). Errors name the folder and the ref.

use crate::error::{Error, Result};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A `git` command that runs none of the repository's own programs: a
/// handbook checked out from anywhere may carry a `.git/config` whose
/// `core.fsmonitor` names a script, and git runs that script for every
/// command that looks at the work tree. Reads take no optional locks, so a
/// check beside an editor's git never fails it.
pub(crate) fn command() -> Command {
    let mut cmd = Command::new("git");
    cmd.args(["-c", "core.fsmonitor=false"])
        .env("GIT_OPTIONAL_LOCKS", "0")
        .stdin(std::process::Stdio::null());
    cmd
}

fn git(dir: &Path, args: &[&str]) -> Result<std::process::Output> {
    command()
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| {
            Error::Usage(format!(
                "cannot run git ({e}); install git or drop --changed-since"
            ))
        })
}

fn stdout_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).trim_end().to_string()
}

/// The top folder of the git work tree holding `dir`.
pub fn repo_root(dir: &Path) -> Result<PathBuf> {
    let out = git(dir, &["rev-parse", "--show-toplevel"])?;
    if !out.status.success() {
        return Err(Error::Usage(format!(
            "--changed-since needs a git repository, and {} is not inside one",
            dir.display()
        )));
    }
    Ok(PathBuf::from(stdout_of(&out)))
}

/// What to do when a ref or merge base is missing from a shallow clone
/// (CI checks out one commit by default); empty for a full clone.
fn shallow_hint(root: &Path) -> &'static str {
    let shallow = git(root, &["rev-parse", "--is-shallow-repository"])
        .is_ok_and(|out| out.status.success() && stdout_of(&out) == "true");
    if shallow {
        "; this is a shallow clone: fetch the history with `git fetch --deepen=200` \
         (or `git fetch --unshallow`), or check out with `fetch-depth: 0` \
         (GitHub Actions) or `GIT_DEPTH: 0` (GitLab CI)"
    } else {
        ""
    }
}

/// Files changed since the merge base of `reference` and `HEAD`, including
/// uncommitted and untracked files, as absolute paths. Deleted files are
/// included (they can break links).
pub fn changed_since(dir: &Path, reference: &str) -> Result<BTreeSet<PathBuf>> {
    let root = repo_root(dir)?;
    let verify = git(
        &root,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{reference}^{{commit}}"),
        ],
    )?;
    if !verify.status.success() {
        return Err(Error::Usage(format!(
            "--changed-since {reference}: no such branch, tag or commit in {}{}",
            root.display(),
            shallow_hint(&root)
        )));
    }
    let base = git(&root, &["merge-base", reference, "HEAD"])?;
    if !base.status.success() {
        return Err(Error::Usage(format!(
            "--changed-since {reference}: it shares no history with HEAD in {}{}",
            root.display(),
            shallow_hint(&root)
        )));
    }
    let base = stdout_of(&base);
    let mut files = BTreeSet::new();
    for args in [
        vec![
            "diff",
            "--name-only",
            "--no-renames",
            "--no-ext-diff",
            "--no-textconv",
            "-z",
            base.as_str(),
        ],
        vec!["ls-files", "--others", "--exclude-standard", "-z"],
    ] {
        let out = git(&root, &args)?;
        if !out.status.success() {
            return Err(Error::Usage(format!(
                "git {} failed in {}: {}",
                args.join(" "),
                root.display(),
                String::from_utf8_lossy(&out.stderr).trim()
            )));
        }
        for name in out.stdout.split(|b| *b == 0).filter(|n| !n.is_empty()) {
            files.insert(root.join(String::from_utf8_lossy(name).as_ref()));
        }
    }
    Ok(files)
}
