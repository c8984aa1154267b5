//! `handbook build`: flags → `pipeline::build`.

use super::{root, today, Outcome};
use crate::diag::{Diagnostic, Severity, Summary};
use crate::error::Result;
use crate::pipeline::{build_counted, BuildOptions};
use crate::progress::Progress;
use crate::report::{self, grouped::GroupedOptions, grouped::DEFAULT_CAP};
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
    /// Neither read nor write the cache of highlighted code blocks
    /// (kept in `.git/handbook/`, else `.handbook-cache/`).
    #[arg(long)]
    pub no_cache: bool,
    /// Print nothing but the errors among the findings (no warnings, notes,
    /// progress or summary).
    #[arg(long, short, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print every finding; without it `build` prints the first five of
    /// each rule and how many more there are.
    #[arg(long, short)]
    pub verbose: bool,
}

pub(super) fn run(a: BuildArgs, colour: bool) -> Result<Outcome> {
    let today = today(a.today.as_deref())?;
    let root = root(a.dir);
    let progress = Progress::on_stderr(a.quiet);
    let r = build_counted(
        &root,
        &BuildOptions {
            dest: a.dest,
            today,
            drafts: a.drafts,
            cache: !a.no_cache,
        },
        &progress,
    )?;
    progress.clear();
    let base = crate::repo_path::PathBase::from_env(&root);
    let cap = (!a.verbose).then_some(DEFAULT_CAP);
    if a.quiet {
        // Quiet is for CI logs: the errors still show (capped as ever, with
        // how many more each rule has), nothing else does.
        let errors: Vec<Diagnostic> = r
            .findings
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .cloned()
            .collect();
        let opts = GroupedOptions {
            cap,
            counts: false,
            colour,
        };
        report::print_grouped_from(&errors, &r.sources, &base, opts);
    } else {
        let opts = GroupedOptions {
            cap,
            counts: true,
            colour,
        };
        report::print_grouped_from(&r.findings, &r.sources, &base, opts);
        let s = Summary::of(&r.findings);
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
