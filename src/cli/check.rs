//! `handbook check`: flags → `pipeline::check` → a report format.

use super::{root, today, Outcome};
use crate::diag::{Severity, Summary};
use crate::error::Result;
use crate::pipeline::{check, CheckOptions};
use crate::report::{self, Format};
use clap::Args;
use std::path::PathBuf;

/// Flags of `handbook check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Handbook root (the folder holding book.toml); default: current folder.
    pub dir: Option<PathBuf>,
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
}

pub(super) fn run(a: CheckArgs) -> Result<Outcome> {
    let today = today(a.today.as_deref())?;
    let opts = CheckOptions {
        today,
        changed_since: a.changed_since,
        quote_sources: a.format == Format::Human,
    };
    let r = check(&root(a.dir), &opts)?;
    report::print(a.format, &r.findings, r.pages, today, &r.sources)?;
    let s = Summary::of(&r.findings);
    let fail_at = if a.deny.is_some() {
        Severity::Warning
    } else {
        Severity::Error
    };
    if r.findings.iter().any(|d| d.severity >= fail_at) || (a.deny.is_some() && s.warning > 0) {
        Ok(Outcome::ContentErrors)
    } else {
        Ok(Outcome::Clean)
    }
}
