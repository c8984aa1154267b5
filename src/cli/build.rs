//! `handbook build`: flags → `pipeline::build`.

use super::{root, today, Outcome};
use crate::error::Result;
use crate::pipeline::{build, BuildOptions};
use crate::report;
use clap::Args;
use std::path::PathBuf;

/// Flags of `handbook build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Handbook root (the folder holding book.toml); default: current folder.
    pub dir: Option<PathBuf>,
    /// Output folder (default: `[build] build-dir`, `book`).
    #[arg(long, value_name = "OUT")]
    pub dest: Option<PathBuf>,
    /// Date to measure staleness against (default: SOURCE_DATE_EPOCH or today, UTC).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<String>,
    /// Publish `draft: true` pages too (they are left out by default).
    #[arg(long)]
    pub drafts: bool,
    /// Print nothing but the errors among the findings (no warnings, notes
    /// or summary).
    #[arg(long, short)]
    pub quiet: bool,
}

pub(super) fn run(a: BuildArgs, colour: bool) -> Result<Outcome> {
    let today = today(a.today.as_deref())?;
    let root = root(a.dir);
    let r = build(
        &root,
        &BuildOptions {
            dest: a.dest,
            today,
            drafts: a.drafts,
        },
    )?;
    let base = crate::repo_path::PathBase::from_env(&root);
    if a.quiet {
        // Quiet is for CI logs: the errors still show, nothing else does.
        let errors: Vec<crate::diag::Diagnostic> = r
            .findings
            .iter()
            .filter(|d| d.severity == crate::diag::Severity::Error)
            .cloned()
            .collect();
        report::print_human_from(&errors, colour, &r.sources, &base);
    } else {
        report::print_human_from(&r.findings, colour, &r.sources, &base);
        let s = crate::diag::Summary::of(&r.findings);
        eprintln!(
            "built {} pages ({} files) into {} in {:.2}s; {}",
            r.pages,
            r.files,
            r.out_dir.display(),
            r.elapsed.as_secs_f64(),
            s
        );
    }
    Ok(Outcome::Clean)
}
