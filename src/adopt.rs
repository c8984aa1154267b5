//! What `init` learns from a repository that already holds a handbook:
//! where its pages are, its title and language from the generator it was
//! written for (MkDocs, Hugo, GOV.UK Tech Docs, mdBook), and the owners its
//! pages and CODEOWNERS already name. Reads the repository; writes nothing.

use std::collections::BTreeSet;
use std::path::Path;

/// What an existing repository says about itself.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Existing {
    /// The content folder, relative to the repository (`docs`, `.`).
    pub content: String,
    /// Markdown pages in it.
    pub pages: usize,
    /// The site's title, from the generator's config.
    pub title: Option<String>,
    /// The site's language (`ja`, `en-GB`), from the generator's config.
    pub language: Option<String>,
    /// Owner ids the pages' frontmatter and CODEOWNERS name.
    pub owners: BTreeSet<String>,
    /// The generator wrote pages as `x/index.html` (Hugo unless
    /// `uglyURLs = true`; MkDocs unless `use_directory_urls: false`), so
    /// links into the old site keep working with `pretty-urls`.
    pub pretty_urls: bool,
    /// The path part of Hugo's `baseURL` / MkDocs' `site_url` when it is
    /// not `/` (`/handbook/`): site-absolute links are read against it.
    pub base_path: Option<String>,
}

/// Folders that hold no handbook pages: dependencies, build outputs.
const NOT_CONTENT: &[&str] = &["node_modules", "target", "book", "site", "public", "vendor"];

/// Files at the top of a repository that are about the repository.
const REPO_FILES: &[&str] = &[
    "readme.md",
    "changelog.md",
    "license.md",
    "contributing.md",
    "code_of_conduct.md",
    "security.md",
];

/// Looks at `dir`; `None` when it holds no pages (a new handbook).
pub fn detect(dir: &Path) -> Option<Existing> {
    let (content, pages) = content_folder(dir)?;
    let (title, language) = site_settings(dir);
    let owners = known_owners(&dir.join(&content), dir);
    let (pretty_urls, base_path) = url_style(dir);
    Some(Existing {
        content,
        pages,
        title,
        language,
        owners,
        pretty_urls,
        base_path,
    })
}

/// Whether the generator wrote pretty URLs, and the site's base path
/// (from MkDocs' `site_url` or Hugo's `baseURL`) when it is not `/`.
fn url_style(dir: &Path) -> (bool, Option<String>) {
    let (pretty, url) = if let Some(t) = read(dir, "mkdocs.yml") {
        let flat = yaml_value(&t, "use_directory_urls").is_some_and(|v| v == "false");
        (!flat, yaml_value(&t, "site_url"))
    } else if let Some(t) = hugo_config(dir) {
        let ugly = setting(&t, "uglyURLs")
            .or_else(|| setting(&t, "uglyurls"))
            .is_some_and(|v| v == "true");
        let url = setting(&t, "baseURL").or_else(|| setting(&t, "baseurl"));
        (!ugly, url)
    } else {
        return (false, None);
    };
    let base = url
        .map(|u| crate::config::url_path(&u).trim_matches('/').to_owned())
        .filter(|p| !p.is_empty())
        .map(|p| format!("/{p}/"));
    (pretty, base)
}

/// The content folder: the one the generator's config names (MkDocs
/// `docs_dir`, Hugo `contentDir`), else the first of `src/`, `docs/`,
/// `content/`, `source/` holding pages, else the root when it does. A
/// folder whose only page is a README does not count.
fn content_folder(dir: &Path) -> Option<(String, usize)> {
    let named = read(dir, "mkdocs.yml")
        .and_then(|t| yaml_value(&t, "docs_dir"))
        .or_else(|| hugo_config(dir).and_then(|t| setting(&t, "contentDir")));
    let candidates = named
        .into_iter()
        .chain(["src", "docs", "content", "source"].map(String::from));
    for folder in candidates {
        let folder = folder.trim_matches('/').to_owned();
        let path = dir.join(&folder);
        if folder.is_empty() || !path.is_dir() {
            continue;
        }
        let n = count_markdown(&path, false);
        if n > 0 {
            return Some((folder, n));
        }
    }
    let n = count_markdown(dir, true);
    (n > 0).then(|| (".".to_owned(), n))
}

fn read(dir: &Path, name: &str) -> Option<String> {
    std::fs::read_to_string(dir.join(name)).ok()
}

/// Hugo's site config, in any of its names.
fn hugo_config(dir: &Path) -> Option<String> {
    [
        "hugo.toml",
        "hugo.yaml",
        "hugo.yml",
        "config.toml",
        "config.yaml",
        "config/_default/hugo.toml",
        "config/_default/hugo.yaml",
        "config/_default/config.toml",
        "config/_default/config.yaml",
    ]
    .iter()
    .find_map(|name| read(dir, name))
}

/// Title and language from MkDocs, Hugo, Tech Docs or mdBook config.
fn site_settings(dir: &Path) -> (Option<String>, Option<String>) {
    if let Some(t) = read(dir, "mkdocs.yml") {
        return (yaml_value(&t, "site_name"), yaml_value(&t, "language"));
    }
    if let Some(t) = hugo_config(dir) {
        let language = setting(&t, "languageCode")
            .or_else(|| setting(&t, "defaultContentLanguage"))
            .or_else(|| setting(&t, "languagecode"));
        return (setting(&t, "title"), language);
    }
    if let Some(t) = read(dir, "config/tech-docs.yml") {
        return (yaml_value(&t, "service_name"), None);
    }
    if let Some(t) = read(dir, "book.toml") {
        return (setting(&t, "title"), setting(&t, "language"));
    }
    (None, None)
}

/// A `key: value` at any indentation of a YAML file, unquoted.
fn yaml_value(text: &str, key: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let (k, v) = line.trim().split_once(':')?;
        (k.trim() == key).then(|| unquote(v))?
    })
}

/// A `key = value` (TOML) or `key: value` (YAML) setting, unquoted.
fn setting(text: &str, key: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let line = line.trim();
        let (k, v) = line.split_once('=').or_else(|| line.split_once(':'))?;
        (k.trim() == key).then(|| unquote(v))?
    })
}

/// A value without its comment and quotes; `None` when empty.
fn unquote(v: &str) -> Option<String> {
    let v = v.trim();
    let v = match v.chars().next() {
        Some(q @ ('"' | '\'')) => v[1..].split(q).next().unwrap_or(""),
        _ => v.split(" #").next().unwrap_or(v).trim(),
    };
    (!v.is_empty()).then(|| v.to_owned())
}

/// Owner ids written in the pages' frontmatter (`owners`, `owner`,
/// `maintainers`, `owner_slack`) and on CODEOWNERS lines (`@org/team` as
/// `team`, `@person` as written).
fn known_owners(content: &Path, root: &Path) -> BTreeSet<String> {
    let mut owners = BTreeSet::new();
    for entry in walkdir::WalkDir::new(content)
        .into_iter()
        .filter_entry(|e| !is_skipped(e))
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .filter(|e| crate::discover::is_markdown(&e.file_name().to_string_lossy()))
    {
        let Ok(text) = std::fs::read_to_string(entry.path()) else {
            continue;
        };
        let parsed = crate::frontmatter::parse_frontmatter("", &text);
        owners.extend(parsed.front.owners.into_iter().filter(|o| !o.is_empty()));
    }
    for name in ["CODEOWNERS", ".github/CODEOWNERS", "docs/CODEOWNERS"] {
        let Some(text) = read(root, name) else {
            continue;
        };
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or("");
            for word in line.split_whitespace().skip(1) {
                if let Some(id) = word.strip_prefix('@') {
                    let id = id.rsplit('/').next().unwrap_or(id);
                    if word.contains('/') {
                        owners.insert(id.to_owned());
                    } else {
                        owners.insert(format!("@{id}"));
                    }
                }
            }
        }
    }
    owners
}

fn is_skipped(e: &walkdir::DirEntry) -> bool {
    let name = e.file_name().to_string_lossy().to_lowercase();
    e.depth() > 0
        && (name.starts_with('.')
            || (e.file_type().is_dir()
                && (NOT_CONTENT.contains(&name.as_str())
                    || e.path().join(crate::output::MARKER).exists())))
}

/// Markdown files under `dir`, not counting hidden entries, dependency and
/// build folders, nor (`top`) the repository's own README and the like. A
/// folder whose only markdown is a README counts 0.
fn count_markdown(dir: &Path, top: bool) -> usize {
    let mut readmes = 0;
    let n = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_entry(|e| !is_skipped(e))
        .filter_map(|e| e.ok())
        .filter(|e| {
            let name = e.file_name().to_string_lossy().to_lowercase();
            let page = e.file_type().is_file()
                && crate::discover::is_markdown(&name)
                && !(top && e.depth() == 1 && REPO_FILES.contains(&name.as_str()));
            if page && name == "readme.md" {
                readmes += 1;
            }
            page
        })
        .count();
    if n == readmes && !top {
        0
    } else {
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_from_generator_configs() {
        let mkdocs = "site_name: 'Team Handbook'\ndocs_dir: handbook\ntheme:\n  name: material\n  language: ja\n";
        assert_eq!(
            yaml_value(mkdocs, "site_name").as_deref(),
            Some("Team Handbook")
        );
        assert_eq!(yaml_value(mkdocs, "language").as_deref(), Some("ja"));
        assert_eq!(yaml_value(mkdocs, "docs_dir").as_deref(), Some("handbook"));
        let hugo = "baseURL = \"https://x/\"\ntitle = \"GitLab-style Handbook\" # site\nlanguageCode = \"en-us\"\ncontentDir = \"pages\"\n";
        assert_eq!(
            setting(hugo, "title").as_deref(),
            Some("GitLab-style Handbook")
        );
        assert_eq!(setting(hugo, "languageCode").as_deref(), Some("en-us"));
        assert_eq!(setting(hugo, "contentDir").as_deref(), Some("pages"));
        assert_eq!(setting("title:\n", "title"), None);
    }
}
