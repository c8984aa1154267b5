//! `handbook init` and `handbook new`: write starter files. Never
//! overwrites an existing file.

use crate::config::{load_config, LoadOptions};
use crate::date::Date;
use crate::discover::discover;
use crate::error::{io_err, Error, Result};
use crate::frontmatter::adr_number_in;
use crate::kind::Kind;
use crate::markdown::slugify;
use std::path::{Path, PathBuf};

/// The default folder for each kind under the content dir.
fn default_folder(kind: Kind) -> &'static str {
    match kind {
        Kind::Adr => "adr",
        Kind::Runbook => "runbooks",
        Kind::RoleMatrix => "roles",
        Kind::Standard => "standards",
        Kind::Guide => "guides",
    }
}

fn yaml_quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The markdown of a new page of `kind`.
pub fn page_template(
    kind: Kind,
    title: &str,
    owners: &[String],
    today: Date,
    adr_number: Option<u32>,
) -> String {
    let owners_yaml = if owners.is_empty() {
        "[]  # who keeps this page true: team ids or \"@person\"".to_string()
    } else {
        format!(
            "[{}]",
            owners
                .iter()
                .map(|o| yaml_quote(o))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let mut fm = format!(
        "---\ntitle: {}\nkind: {}\nowners: {owners_yaml}\n",
        yaml_quote(title),
        kind.as_str()
    );
    let body = match kind {
        Kind::Adr => {
            fm.push_str(&format!("status: proposed\ndate: {today}\n"));
            let n = adr_number.unwrap_or(1);
            format!("# {n}. {title}\n\n## Context\n\nWhat forces are at play, and why does this need a decision now?\n\n## Decision\n\nWhat we decided, in one or two sentences.\n\n## Consequences\n\nWhat becomes easier, what becomes harder, and what we will watch.\n")
        }
        Kind::Runbook => {
            fm.push_str(&format!("reviewed: {today}\ndomain: \nactions: []\n"));
            format!("# {title}\n\n## Failure signature\n\nThe alert, dashboard or symptom that tells you this is happening.\n\n## Mitigation\n\n1. The first safe step to stop the bleeding.\n\n## Root cause\n\nWhat usually causes this, and how to confirm it.\n\n## Prevention\n\nWhat stops it from happening again; track the work as `actions:` above.\n")
        }
        Kind::RoleMatrix => {
            fm.push_str(&format!("reviewed: {today}\n"));
            format!("# {title}\n\n| | Engineer | Senior engineer | Tech lead | Manager |\n|---|---|---|---|---|\n| Behaviour | | | | |\n| Scope | | | | |\n| Delivery | | | | |\n")
        }
        Kind::Standard => {
            fm.push_str(&format!("reviewed: {today}\nenforced_by: \n"));
            format!("# {title}\n\n## The standard\n\nWhat we expect, stated so a reviewer can check it.\n\n## Why\n\nThe failure this standard prevents.\n\n## How it is enforced\n\nName the automation in `enforced_by:` above.\n")
        }
        Kind::Guide => {
            fm.push_str(&format!("reviewed: {today}\n"));
            format!("# {title}\n\nWrite the guide here.\n")
        }
    };
    format!("{fm}---\n\n{body}")
}

/// Creates a page of `kind` titled `title` in the handbook at `root`;
/// returns its path. ADRs get the next free number.
pub fn new_page(
    root: &Path,
    kind: Kind,
    title: &str,
    owners: &[String],
    today: Date,
) -> Result<PathBuf> {
    let config = load_config(root, &LoadOptions::default())?;
    let sources = discover(&config)?;
    let slug = slugify(title);
    let slug = if slug.is_empty() {
        "page".to_string()
    } else {
        slug
    };
    // Use the folder where pages of this kind already live, else the default.
    let folder = sources
        .pages
        .iter()
        .filter_map(|p| p.rel.split_once('/').map(|(f, _)| f))
        .find(|f| Kind::from_folder(f) == kind && kind != Kind::Guide)
        .unwrap_or(default_folder(kind))
        .to_string();
    let (file, number) = if kind == Kind::Adr {
        let next = sources
            .pages
            .iter()
            .filter(|p| p.rel.starts_with(&format!("{folder}/")))
            .filter_map(|p| {
                let name = p.rel.rsplit('/').next()?;
                name.starts_with(|c: char| c.is_ascii_digit())
                    .then(|| adr_number_in(name))
                    .flatten()
            })
            .max()
            .unwrap_or(0)
            + 1;
        (format!("{next:04}-{slug}.md"), Some(next))
    } else {
        (format!("{slug}.md"), None)
    };
    let path = config.content_dir.join(&folder).join(file);
    if path.exists() {
        return Err(Error::Usage(format!(
            "{} already exists; pick another title",
            path.display()
        )));
    }
    let text = page_template(kind, title, owners, today, number);
    write_new(&path, &text)?;
    Ok(path)
}

fn write_new(path: &Path, text: &str) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io_err(dir))?;
    }
    std::fs::write(path, text).map_err(io_err(path))
}

const INIT_BOOK_TOML: &str = r#"[book]
title = "Engineering Handbook"
src = "src"
description = "How we build, run and decide."
language = "en"

[build]
build-dir = "book"
# site-url = "https://handbook.example.com/"
# edit-url-template = "https://github.com/ORG/REPO/edit/main/{path}"

[review]
default-interval = "180d"
warn-before = "14d"

[review.interval]
runbook = "90d"
standard = "180d"
role-matrix = "365d"
guide = "180d"
adr = "never"

[owners]
registry = "owners.yaml"
codeowners = true
"#;

const INIT_OWNERS: &str = r##"teams:
  platform:
    name: Platform
    members: [alice, bob]
    channel: "#platform"
people:
  alice: { name: Alice Example }
  bob: { name: Bob Example }
"##;

/// What `init` did.
#[derive(Debug, Default)]
pub struct Scaffold {
    /// Files written, in order.
    pub written: Vec<PathBuf>,
    /// The folder of pages that were already there (`docs`, `.`) and how
    /// many: book.toml points at it and no example pages were added.
    pub existing: Option<(&'static str, usize)>,
}

/// Scaffolds a handbook in `dir`: book.toml, owners.yaml, an index and one
/// page per kind. Existing files are left alone. When `dir` already holds
/// pages (in `src/`, `docs/`, `content/` or the root itself), book.toml
/// points at them and no example pages are added among them.
pub fn init(dir: &Path, today: Date) -> Result<Scaffold> {
    std::fs::create_dir_all(dir).map_err(io_err(dir))?;
    let existing = existing_content(dir);
    let src = existing.map_or("src", |(folder, _)| folder);
    let owners = ["platform".to_string()];
    let mut files: Vec<(PathBuf, String)> = vec![
        (
            dir.join("book.toml"),
            INIT_BOOK_TOML.replace("src = \"src\"", &format!("src = \"{src}\"")),
        ),
        (dir.join("owners.yaml"), INIT_OWNERS.to_string()),
    ];
    if existing.is_none() {
        files.push((
            dir.join("src/index.md"),
            format!("---\ntitle: Engineering Handbook\nkind: guide\nowners: [platform]\nreviewed: {today}\n---\n\n# Engineering Handbook\n\nStart with the [decision log](adr/0001-record-architecture-decisions.md), the [runbooks](runbooks/example-runbook.md) and the [pull request standard](standards/pull-requests.md).\n"),
        ));
        files.extend(example_pages(dir, today, &owners));
    }
    let mut written = Vec::new();
    for (path, text) in files {
        if path.exists() {
            continue;
        }
        write_new(&path, &text)?;
        written.push(path);
    }
    Ok(Scaffold { written, existing })
}

/// One example page of each kind, under `src/`.
fn example_pages(dir: &Path, today: Date, owners: &[String]) -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    for (kind, name, title) in [
        (
            Kind::Adr,
            "0001-record-architecture-decisions.md",
            "Record architecture decisions",
        ),
        (Kind::Runbook, "example-runbook.md", "Example runbook"),
        (
            Kind::RoleMatrix,
            "role-matrix.md",
            "Engineering role matrix",
        ),
        (Kind::Standard, "pull-requests.md", "Pull requests"),
        (Kind::Guide, "getting-started.md", "Getting started"),
    ] {
        let number = (kind == Kind::Adr).then_some(1);
        let mut text = page_template(kind, title, owners, today, number);
        if kind == Kind::Adr {
            text = text.replace("status: proposed", "status: accepted");
        }
        files.push((dir.join("src").join(default_folder(kind)).join(name), text));
    }
    files
}

/// Folders that hold no handbook pages: dependencies, build outputs.
const NOT_CONTENT: &[&str] = &["node_modules", "target", "book", "site", "public", "vendor"];

/// Files at the top of a repository that are about the repository, not
/// handbook pages.
const REPO_FILES: &[&str] = &[
    "readme.md",
    "changelog.md",
    "license.md",
    "contributing.md",
    "code_of_conduct.md",
    "security.md",
];

/// Where pages already are: `src`, `docs` or `content` when that folder
/// holds markdown, else the root when it does (beyond README and the like).
fn existing_content(dir: &Path) -> Option<(&'static str, usize)> {
    for folder in ["src", "docs", "content"] {
        let path = dir.join(folder);
        if path.is_dir() {
            let n = count_markdown(&path, false);
            // An existing src/ is the content folder even when empty (as
            // the config reads it): the examples then go there.
            if n > 0 || folder == "src" {
                return (n > 0).then_some((folder, n));
            }
        }
    }
    let n = count_markdown(dir, true);
    (n > 0).then_some((".", n))
}

/// Markdown files under `dir`, not counting hidden entries, dependency and
/// build folders, nor (`top`) the repository's own README and the like.
fn count_markdown(dir: &Path, top: bool) -> usize {
    let lower = |e: &walkdir::DirEntry| e.file_name().to_string_lossy().to_lowercase();
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_entry(|e| {
            let name = lower(e);
            e.depth() == 0
                || !(name.starts_with('.')
                    || (e.file_type().is_dir()
                        && (NOT_CONTENT.contains(&name.as_str())
                            || e.path().join(crate::output::MARKER).exists())))
        })
        .filter_map(|e| e.ok())
        .filter(|e| {
            let name = lower(e);
            e.file_type().is_file()
                && crate::discover::is_markdown(&name)
                && !(top && e.depth() == 1 && REPO_FILES.contains(&name.as_str()))
        })
        .count()
}
