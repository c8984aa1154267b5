//! `handbook check`: flags → `pipeline::check` → a report format.

use super::{root, today, Outcome};
use crate::baseline::Baseline;
use crate::diag::{Severity, Summary};
use crate::error::Result;
use crate::pipeline::{check_counted, CheckOptions};
use crate::progress::Progress;
use crate::repo_path::{handbook_rel_of, PathBase};
use crate::report::{self, Format};
use clap::Args;
use std::collections::BTreeSet;
use std::path::PathBuf;

/// Flags of `handbook check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Handbook root (the folder holding book.toml); default: current folder.
    pub dir: Option<PathBuf>,
    /// Report only on these pages (relative to the current folder or the
    /// repository root); rules still run over the whole handbook. Files
    /// outside the handbook, and files that are not pages, are ignored.
    pub files: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// Date to measure staleness against (default: SOURCE_DATE_EPOCH or today, UTC).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<String>,
    /// Report only pages changed since the merge base with this git ref
    /// (rules that span pages still run over the whole handbook).
    #[arg(long, value_name = "GIT_REF")]
    pub changed_since: Option<String>,
    /// `warnings`: fail on warnings too.
    #[arg(long, value_parser = ["warnings"])]
    pub deny: Option<String>,
    /// Report (and fail on) only findings that this baseline file, written
    /// by `--write-baseline`, does not hold.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Release gate: report (as errors) only what should hold a release:
    /// incidents mitigated past `close-within`, overdue prevention actions,
    /// repeat incidents whose earlier prevention was never verified.
    #[arg(long)]
    pub gate: bool,
    /// Write every current finding to FILE as the accepted baseline, and
    /// exit 0.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
}

/// `check FILE...` (as pre-commit runs it): a first argument that is a
/// file, not a folder, is a file to report on, and the handbook is the
/// current folder.
fn split_dir_and_files(dir: Option<PathBuf>, mut files: Vec<PathBuf>) -> (PathBuf, Vec<PathBuf>) {
    match dir {
        Some(d) if d.is_file() => {
            files.insert(0, d);
            (root(None), files)
        }
        d => (root(d), files),
    }
}

pub(super) fn run(a: CheckArgs, colour: bool) -> Result<Outcome> {
    let today = today(a.today.as_deref())?;
    let opts = CheckOptions {
        today,
        changed_since: a.changed_since,
        quote_sources: a.format == Format::Human,
        gate: a.gate,
    };
    let (root, files) = split_dir_and_files(a.dir, a.files);
    let progress = Progress::on_stderr(false);
    let mut r = check_counted(&root, &opts, &progress)?;
    drop(progress);
    let base = PathBase::from_env(&root);
    if !files.is_empty() {
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        let wanted: BTreeSet<String> = files
            .iter()
            .filter_map(|f| handbook_rel_of(f, &root, &cwd, &base.base))
            .collect();
        r.findings.retain(|d| wanted.contains(&d.path));
        r.page_paths.retain(|p| wanted.contains(p));
    }
    if let Some(path) = &a.write_baseline {
        let baseline = Baseline::of(&r.findings);
        baseline.write(path)?;
        eprintln!(
            "wrote {} finding(s) of {} pages to the baseline {}; `handbook check --baseline {}` reports only new ones",
            baseline.len(),
            r.pages,
            path.display(),
            path.display()
        );
        return Ok(Outcome::Clean);
    }
    let mut findings = r.findings;
    let mut hidden = 0;
    if let Some(path) = &a.baseline {
        (findings, hidden) = Baseline::load(path)?.filter(findings);
    }
    // The baseline matched handbook-relative paths (so it holds wherever
    // `check` runs from); reports show them from the repository root.
    let cx = report::ReportCx {
        pages: r.pages,
        today,
        sources: &r.sources,
        base: &base,
        pages_checked: &r.page_paths,
        colour,
    };
    report::print(a.format, &findings, &cx)?;
    if let (Some(path), true) = (&a.baseline, hidden > 0) {
        eprintln!(
            "{hidden} finding(s) hidden by the baseline {}",
            path.display()
        );
    }
    if r.ignored > 0 {
        eprintln!(
            "{} finding(s) hidden by pages' `check: {{ ignore: [...] }}`",
            r.ignored
        );
    }
    let s = Summary::of(&findings);
    let fail_at = if a.deny.is_some() {
        Severity::Warning
    } else {
        Severity::Error
    };
    if findings.iter().any(|d| d.severity >= fail_at) || (a.deny.is_some() && s.warning > 0) {
        Ok(Outcome::ContentErrors)
    } else {
        Ok(Outcome::Clean)
    }
}
