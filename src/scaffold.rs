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
        Kind::Incident => "incidents",
        Kind::RoleMatrix => "roles",
        Kind::Standard => "standards",
        Kind::Guide => "guides",
    }
}

fn yaml_quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The markdown of a new page of `kind`.
pub fn page_template(kind: Kind, title: &str, owners: &[String], today: Date) -> String {
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
            // The title is in the frontmatter and the number in the file
            // name (the page shows it beside the title): an H1 here would
            // show the title twice.
            "## Context\n\nWhat forces are at play, and why does this need a decision now?\n\n## Decision\n\nWhat we decided, in one or two sentences.\n\n## Consequences\n\nWhat becomes easier, what becomes harder, and what we will watch.\n".to_string()
        }
        Kind::Runbook => {
            fm.push_str(&format!("reviewed: {today}\ndomain: \nactions: []\n"));
            format!("# {title}\n\n## Failure signature\n\nThe alert, dashboard or symptom that tells you this is happening.\n\n## Mitigation\n\n1. The first safe step to stop the bleeding.\n\n## Root cause\n\nWhat usually causes this, and how to confirm it.\n\n## Prevention\n\nWhat stops it from happening again; track the work as `actions:` above.\n")
        }
        Kind::Incident => {
            let owner = owners
                .first()
                .map_or("\"@someone\"".to_string(), |o| yaml_quote(o));
            fm.push_str(&format!(
                "status: open  # open, mitigated (impact controlled) or closed (prevention verified and shipped)\n\
                 started: {today}\n\
                 mitigated:\n\
                 severity:\n\
                 signature:  # a short id of the failure mode, e.g. psp-timeout\n\
                 runbook:  # the runbook section used, e.g. runbooks/psp-outage.md#mitigation\n\
                 actions:\n  - what: \"The change that stops this failure from coming back\"\n    owner: {owner}\n    due: {}\n    prevention: true\n",
                today.add_days(14)
            ));
            format!("# {title}\n\nMitigated means customer impact is controlled; closed means the prevention is verified and shipped.\n\n## Failure signature\n\nThe alert or symptom, and the `signature:` above, so a repeat is recognised.\n\n## Impact\n\nWho was affected, how, and for how long.\n\n## Timeline\n\n- {today} hh:mm: what happened, what was seen, what was done.\n\n## Mitigation\n\nWhat controlled the impact, and which runbook section it followed.\n\n## Root cause\n\nWhy it happened, and why it was not caught earlier.\n\n## Prevention\n\nThe change that stops it from coming back; track it in `actions:` above with `prevention: true`, and record `verified:` and `verified_by:` once someone confirms it shipped.\n")
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
    let file = if kind == Kind::Adr {
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
        format!("{next:04}-{slug}.md")
    } else {
        format!("{slug}.md")
    };
    let owners = owners_for_new(&config, &format!("{folder}/{file}"), owners)?;
    let path = config.content_dir.join(&folder).join(file);
    if path.exists() {
        return Err(Error::Usage(format!(
            "{} already exists; pick another title",
            path.display()
        )));
    }
    let text = page_template(kind, title, &owners, today);
    write_new(&path, &text)?;
    Ok(path)
}

/// The owners a new page gets: `--owner` (checked against owners.yaml
/// when there is one), else the CODEOWNERS entry for its path, else the
/// only team of owners.yaml; else the user is asked to name one, since a
/// page without owners fails `check`.
fn owners_for_new(
    config: &crate::config::Config,
    rel: &str,
    given: &[String],
) -> Result<Vec<String>> {
    use crate::owners::Owner;
    let (reg, _) = crate::owners::load_registry(config)?;
    let teams: Vec<&str> = reg.teams.keys().map(String::as_str).collect();
    if !given.is_empty() {
        if reg.present {
            for o in given {
                if let Owner::Unknown { id, .. } = reg.resolve(o) {
                    let known = reg
                        .teams
                        .keys()
                        .chain(reg.people.keys())
                        .map(String::as_str);
                    return Err(Error::Usage(format!(
                        "owner `{o}` is not in {}; {}add `{id}` there, or use one of its teams: {}",
                        reg.path,
                        crate::suggest::hint(&id, known),
                        teams.join(", ")
                    )));
                }
            }
        }
        return Ok(given.to_vec());
    }
    if config.owners.codeowners {
        let found =
            crate::owners::CodeOwners::load(&config.root, &config.content_dir)?.owners_of_page(rel);
        if !found.is_empty() {
            return Ok(found);
        }
    }
    if let [only] = teams[..] {
        return Ok(vec![only.to_string()]);
    }
    Err(Error::Usage(if teams.is_empty() {
        "name the page's owner: `--owner TEAM` or `--owner @person` (a page without owners fails `check`)".to_string()
    } else {
        format!(
            "name the page's owner: `--owner TEAM` (owners.yaml's teams: {}) or `--owner @person`",
            teams.join(", ")
        )
    }))
}

/// What to fill in on a new page of `kind`, for the line after its path.
pub fn to_fill_in(kind: Kind) -> &'static str {
    match kind {
        Kind::Adr => "fill in Context, Decision and Consequences; set `status: accepted` once decided",
        Kind::Runbook => "fill in the four sections and `domain:`; after the first drill, record `exercised:`",
        Kind::Incident => "fill in the signature, the runbook section used (`runbook:`), the timeline and the prevention action",
        Kind::RoleMatrix => "fill in the grid: one row per competency, one column per level",
        Kind::Standard => "state the standard, and name what enforces it in `enforced_by:`",
        Kind::Guide => "write the guide",
    }
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
    /// What the repository already held (its pages' folder, title,
    /// language, owners): book.toml points at it and no example pages or
    /// sample people were added.
    pub existing: Option<crate::adopt::Existing>,
}

/// Scaffolds a handbook in `dir`: book.toml, owners.yaml, an index and one
/// page per kind. Existing files are left alone. When `dir` already holds
/// pages (in `src/`, `docs/`, `content/` or the root itself), book.toml
/// points at them and no example pages are added among them.
pub fn init(dir: &Path, today: Date) -> Result<Scaffold> {
    std::fs::create_dir_all(dir).map_err(io_err(dir))?;
    let existing = crate::adopt::detect(dir);
    let owners = ["platform".to_string()];
    let mut files: Vec<(PathBuf, String)> = Vec::new();
    match &existing {
        None => {
            files.push((dir.join("book.toml"), INIT_BOOK_TOML.to_string()));
            files.push((dir.join("owners.yaml"), INIT_OWNERS.to_string()));
            // No index.md: the generated home page (kinds, health at a
            // glance, recently stale pages) is the better start; a team
            // that wants its own writes src/index.md.
            files.extend(example_pages(dir, today, &owners));
        }
        Some(found) => {
            // Never sample people in a real repository: the registry lists
            // the owners its pages and CODEOWNERS already name, or is left
            // out (then any owner is accepted).
            let registry = !found.owners.is_empty();
            let mut toml = INIT_BOOK_TOML.replace(
                "src = \"src\"",
                &format!("src = \"{}\"", toml_escape(&found.content)),
            );
            if let Some(title) = &found.title {
                toml = toml.replace(
                    "title = \"Engineering Handbook\"",
                    &format!("title = \"{}\"", toml_escape(title)),
                );
            }
            if let Some(language) = &found.language {
                toml = toml.replace(
                    "language = \"en\"",
                    &format!("language = \"{}\"", toml_escape(language)),
                );
            }
            let mut build = String::new();
            if found.pretty_urls {
                build.push_str("pretty-urls = true               # pages at x/index.html, as the old site had them\n");
            }
            if let Some(base) = &found.base_path {
                build.push_str(&format!(
                    "base-path = \"{}\"   # where the old site was mounted: /...-links under it are the handbook's\n",
                    toml_escape(base)
                ));
            }
            toml = toml.replace(
                "build-dir = \"book\"\n",
                &format!("build-dir = \"book\"\n{build}"),
            );
            if !registry {
                toml = toml.replace("registry = \"owners.yaml\"", "# registry = \"owners.yaml\"   # teams and people; without it any owner is accepted");
            }
            files.push((dir.join("book.toml"), toml));
            if registry {
                files.push((dir.join("owners.yaml"), proposed_owners(&found.owners)));
            }
        }
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

/// A string as the inside of a TOML basic string.
fn toml_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// owners.yaml proposed from the owners a repository already names:
/// `@person` ids as people, the others as teams whose members are to be
/// filled in.
fn proposed_owners(owners: &std::collections::BTreeSet<String>) -> String {
    let quote = |id: &str| serde_json::to_string(id).unwrap_or_else(|_| format!("{id:?}"));
    let mut teams = String::new();
    let mut people = String::new();
    for id in owners {
        match id.strip_prefix('@') {
            Some(person) => people.push_str(&format!(
                "  {}: {{ name: {} }}\n",
                quote(person),
                quote(person)
            )),
            None => teams.push_str(&format!(
                "  {}:\n    name: {}\n    # members: [someone, someone-else]\n",
                quote(id),
                quote(id)
            )),
        }
    }
    let mut out = String::from("# Proposed by `handbook init` from the owners your pages and CODEOWNERS\n# already name. Add each team's members, and `active: false` for people\n# who have left.\n");
    if !teams.is_empty() {
        out.push_str("teams:\n");
        out.push_str(&teams);
    }
    if !people.is_empty() {
        out.push_str("people:\n");
        out.push_str(&people);
    }
    out
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
        (Kind::Incident, "example-incident.md", "Example incident"),
        (
            Kind::RoleMatrix,
            "role-matrix.md",
            "Engineering role matrix",
        ),
        (Kind::Standard, "pull-requests.md", "Pull requests"),
        (Kind::Guide, "getting-started.md", "Getting started"),
    ] {
        let mut text = page_template(kind, title, owners, today);
        match kind {
            Kind::Adr => text = text.replace("status: proposed", "status: accepted"),
            // A sample of the field filled in: the drill it records is the
            // team's to run.
            Kind::Runbook => {
                text = text.replace(
                    "actions: []\n",
                    &format!("exercised: {today}  # the last drill or game day that ran this runbook\nactions: []\n"),
                )
            }
            Kind::Incident => {
                text = text.replace(
                    "runbook:  # the runbook section used, e.g. runbooks/psp-outage.md#mitigation",
                    "runbook: runbooks/example-runbook.md#mitigation",
                )
            }
            _ => {}
        }
        files.push((dir.join("src").join(default_folder(kind)).join(name), text));
    }
    files
}
