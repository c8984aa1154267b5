//! A standard's `enforced_by`: when it names a path in the repository
//! (`.github/workflows/pr.yml`, `tools/lint-adr.sh`), does that path
//! exist? Read when the handbook is loaded, so the rules never touch the
//! disk (`standard-enforcement-missing`).

use crate::config::Config;
use crate::kind::Kind;
use crate::page::Page;
use std::path::{Path, PathBuf};

/// Sets `enforcement_missing` on every standard whose `enforced_by` is a
/// path that exists neither under the root of the git work tree holding
/// the handbook nor under the handbook root.
pub fn attach_enforcement(config: &Config, pages: &mut [Page]) {
    let mut git_root: Option<Option<PathBuf>> = None;
    for page in pages.iter_mut() {
        page.enforcement_missing = false;
        if page.kind != Kind::Standard {
            continue;
        }
        let Some(path) = page.front.enforced_by.as_deref().and_then(as_repo_path) else {
            continue;
        };
        let git = git_root.get_or_insert_with(|| crate::git::repo_root(&config.root).ok());
        let exists = |base: &Path| base.join(path).exists();
        page.enforcement_missing = !(git.as_deref().is_some_and(exists) || exists(&config.root));
    }
}

/// `enforced_by` read as a repository path: one word with a `/` or a file
/// extension, not a URL and not climbing out (`..`). `None` for anything
/// else (`the lint-pr CI job`, `https://ci.example.org/job`), which is
/// taken as it is.
pub fn as_repo_path(value: &str) -> Option<&str> {
    let v = value.trim().trim_matches('`');
    let path_like = !v.is_empty()
        && !v.contains(char::is_whitespace)
        && !v.contains("://")
        && !v.starts_with("mailto:")
        && !v.split(['/', '\\']).any(|s| s == "..")
        && (v.contains('/')
            || v.rsplit_once('.').is_some_and(|(stem, ext)| {
                !stem.is_empty()
                    && (1..=5).contains(&ext.len())
                    && ext.chars().all(|c| c.is_ascii_alphanumeric())
                    && ext.chars().any(|c| c.is_ascii_alphabetic())
            }));
    path_like.then(|| v.trim_start_matches("./").trim_start_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::as_repo_path;

    #[test]
    fn paths_are_told_from_prose_and_urls() {
        assert_eq!(
            as_repo_path(".github/workflows/pr.yml"),
            Some(".github/workflows/pr.yml")
        );
        assert_eq!(as_repo_path("./tools/lint.sh"), Some("tools/lint.sh"));
        assert_eq!(as_repo_path("`Makefile.toml`"), Some("Makefile.toml"));
        assert_eq!(as_repo_path("danger.js"), Some("danger.js"));
        assert_eq!(as_repo_path("the lint-pr CI job"), None);
        assert_eq!(as_repo_path("https://ci.example.org/job/lint"), None);
        assert_eq!(as_repo_path("CODEOWNERS"), None);
        assert_eq!(as_repo_path("../elsewhere/x.yml"), None);
        assert_eq!(as_repo_path("v1.2"), None);
    }
}
