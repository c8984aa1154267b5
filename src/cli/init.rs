//! `handbook init` and `handbook new`: flags → `scaffold`.

use super::{root, today, Outcome};
use crate::error::{Error, Result};
use crate::kind::Kind;
use crate::scaffold;
use clap::Args;
use std::path::PathBuf;

/// Flags of `handbook init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Folder to create the handbook in; default: current folder.
    pub dir: Option<PathBuf>,
}

/// Flags of `handbook new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// adr | runbook | incident | role-matrix | standard | guide
    pub kind: String,
    /// The page title.
    pub title: String,
    /// Handbook root; default: current folder.
    pub dir: Option<PathBuf>,
    /// Owner (team id or @person); repeat for several.
    #[arg(long)]
    pub owner: Vec<String>,
    /// Date for `reviewed:`/`date:` (default: today).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<String>,
}

pub(super) fn run_init(a: InitArgs) -> Result<Outcome> {
    // `init` makes a handbook where it is run: no walking up.
    let dir = a.dir.unwrap_or_else(|| PathBuf::from("."));
    let done = scaffold::init(&dir, today(None)?)?;
    let configured = done.written.contains(&dir.join("book.toml"));
    if let Some(found) = done.existing.as_ref().filter(|_| configured) {
        let place = if found.content == "." {
            "at the top".to_string()
        } else {
            format!("in {}/", found.content)
        };
        // The report counts what `build` reads (the repository's README
        // too, when the content is at the top), so the first line does.
        let report = crate::migration::report_for(&dir, !found.owners.is_empty());
        let pages = report.as_ref().map_or(found.pages, |(_, n)| *n);
        eprintln!(
            "{}: found {} page{} {place}; book.toml points there (src = \"{}\"), no example pages added",
            dir.display(),
            pages,
            if pages == 1 { "" } else { "s" },
            found.content
        );
        if let Some(title) = &found.title {
            eprintln!("  title from the existing site config: {title}");
        }
        if let Some(language) = &found.language {
            eprintln!("  language from the existing site config: {language}");
        }
        if found.pretty_urls {
            eprintln!("  the old site had pretty URLs (x/): pretty-urls = true, so its links keep working");
        }
        if let Some(base) = &found.base_path {
            eprintln!("  the old site lived under {base}: base-path = \"{base}\", so links to {base}... are checked");
        }
        if found.owners.is_empty() {
            eprintln!(
                "  no owners named anywhere yet: no owners.yaml written (any owner is accepted)"
            );
        } else {
            eprintln!(
                "  owners.yaml proposed from the {} owner(s) your pages and CODEOWNERS name; add their members",
                found.owners.len()
            );
        }
        match report {
            Ok((report, _)) => eprint!("{report}"),
            Err(e) => eprintln!("note: no migration report: {e}"),
        }
    }
    if done.written.is_empty() {
        eprintln!("{}: already a handbook; nothing written", dir.display());
    }
    let fresh = done.existing.is_none() && configured;
    for p in done.written {
        println!("{}", p.display());
    }
    if fresh {
        let shown = dir.display();
        eprintln!("next:");
        eprintln!("  1. put your teams and people in {shown}/owners.yaml (the sample names alice and bob)");
        eprintln!("  2. handbook serve {shown}: the site, with an example page of each kind");
        eprintln!("  3. handbook new runbook \"Your first runbook\" {shown}");
    }
    Ok(Outcome::Clean)
}

pub(super) fn run_new(a: NewArgs) -> Result<Outcome> {
    let kind = Kind::parse(&a.kind).ok_or_else(|| {
        Error::Usage(format!(
            "unknown kind `{}`; use adr, runbook, incident, role-matrix, standard or guide",
            a.kind
        ))
    })?;
    let path = scaffold::new_page(
        &root(a.dir),
        kind,
        &a.title,
        &a.owner,
        today(a.today.as_deref())?,
    )?;
    // Print the path as the user would type it: relative to the current folder when inside it.
    let shown = std::env::current_dir()
        .ok()
        .and_then(|cwd| {
            path.strip_prefix(cwd)
                .ok()
                .map(std::path::Path::to_path_buf)
        })
        .unwrap_or(path);
    println!("{}", shown.display());
    eprintln!("next: {}", scaffold::to_fill_in(kind));
    Ok(Outcome::Clean)
}
