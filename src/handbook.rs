//! The in-memory model of the whole handbook: configuration, owners,
//! pages and assets, as the parse stage leaves it for the rules and the
//! view stage.

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::discover::AssetFile;
use crate::owners::{CodeOwners, Registry};
use crate::page::Page;

/// The whole handbook: configuration, owners and pages (sorted by path).
#[derive(Debug, Clone)]
pub struct Handbook {
    /// Configuration.
    pub config: Config,
    /// owners.yaml.
    pub registry: Registry,
    /// CODEOWNERS (empty when disabled or absent).
    pub codeowners: CodeOwners,
    /// Pages, sorted by `src.rel`.
    pub pages: Vec<Page>,
    /// Non-markdown files to copy.
    pub assets: Vec<AssetFile>,
    /// Findings about config files (unknown keys).
    pub config_findings: Vec<Diagnostic>,
    /// `SUMMARY.md`, when the content folder has one (see [`crate::summary`]).
    pub summary: Option<crate::summary::Summary>,
    /// Git history of the pages (unknown until read; see [`crate::history`]).
    pub history: std::sync::Arc<crate::history::History>,
}
