//! Stage 0: `book.toml` → [`Config`]. Reads one file; resolves paths and
//! defaults. A malformed file is an [`Error::Config`] with line and column;
//! an unknown key is a `config-unknown-key` finding, never silence.
//!
//! `raw.rs` holds the serde structs (the one list of known keys),
//! `doc.rs` the positions of keys and the errors' wording, and
//! `resolve.rs` the checks from the raw structs to [`Config`].

use crate::date::Interval;
use crate::diag::{Diagnostic, Severity};
use crate::error::{io_err, Error, Result};
use crate::kind::Kind;
use doc::Doc;
use raw::RawConfig;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

mod doc;
mod raw;
mod resolve;

/// The resolved configuration of one handbook.
#[derive(Debug, Clone)]
pub struct Config {
    /// The handbook root (the folder holding `book.toml`).
    pub root: PathBuf,
    /// Path of `book.toml`, when there is one.
    pub book_toml: Option<PathBuf>,
    /// Site title.
    pub title: String,
    /// Site description.
    pub description: String,
    /// Language code.
    pub language: String,
    /// Content folder (absolute).
    pub content_dir: PathBuf,
    /// Output folder (absolute).
    pub out_dir: PathBuf,
    /// `site-url` with a trailing slash.
    pub site_url: Option<String>,
    /// `edit-url-template` with `{path}`.
    pub edit_url_template: Option<String>,
    /// `base-path`: where the site is mounted on its host, with a leading
    /// and a trailing slash (`/handbook/`; default: the path of `site-url`,
    /// else `/`). Site-absolute links under it are the handbook's own.
    pub base_path: String,
    /// `pretty-urls`: page `a/b.md` is written as `a/b/index.html`.
    pub pretty_urls: bool,
    /// Theme override folder (absolute), if configured.
    pub theme_dir: Option<PathBuf>,
    /// Review intervals.
    pub review: ReviewConfig,
    /// Owner resolution.
    pub owners: OwnersConfig,
    /// Severity overrides by rule id; `None` = off.
    pub rule_levels: BTreeMap<String, Option<Severity>>,
    /// `[[check.overrides]]`, in order: later ones win over earlier ones
    /// and over `[check.rules]` for the pages they match.
    pub rule_overrides: Vec<RuleOverride>,
    /// `[build] exclude`: content files left out of everything.
    pub exclude: Exclude,
    /// `[kinds.KIND] paths`: globs (under the content folder) that give
    /// the pages they match that kind, in book.toml's order.
    pub kind_paths: Vec<(Kind, globset::GlobSet)>,
    /// `[kinds.runbook] required-sections`.
    pub runbook_sections: Vec<String>,
    /// `[kinds.adr] proposed-max-age`.
    pub adr_proposed_max_age: Interval,
    /// `[kinds.incident] close-within`: how long an incident may stay
    /// mitigated before it must be closed.
    pub incident_close_within: Interval,
    /// `[kinds.incident] verify-within`: how long after a prevention action
    /// is done someone must verify it shipped.
    pub incident_verify_within: Interval,
    /// `[kinds.runbook] exercise-every`: how often a runbook must be
    /// drilled (`never`: not checked).
    pub runbook_exercise_every: Interval,
    /// `[health]`: thresholds of the health dashboard's score.
    pub health: HealthConfig,
    /// Findings about the config itself (unknown keys).
    pub findings: Vec<Diagnostic>,
}

/// `[review]`.
#[derive(Debug, Clone)]
pub struct ReviewConfig {
    /// Interval for kinds without their own.
    pub default_interval: Interval,
    /// The "due soon" window.
    pub warn_before: Interval,
    /// Per-kind intervals.
    pub per_kind: BTreeMap<Kind, Interval>,
}

impl ReviewConfig {
    /// The interval for a kind.
    pub fn interval_for(&self, kind: Kind) -> Interval {
        self.per_kind
            .get(&kind)
            .copied()
            .unwrap_or(self.default_interval)
    }
}

/// `[owners]`.
#[derive(Debug, Clone)]
pub struct OwnersConfig {
    /// owners.yaml path (absolute), if it exists or was configured.
    pub registry: Option<PathBuf>,
    /// Fall back to CODEOWNERS.
    pub codeowners: bool,
}

/// `[health]`: the thresholds of the skill-distribution score on
/// `health.html` (see the README's "Health score" section).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HealthConfig {
    /// `coverage-partial`: active people behind a domain's owners for coverage 1.
    pub coverage_partial: u32,
    /// `coverage-full`: active people for coverage 2.
    pub coverage_full: u32,
    /// `decision-links`: other pages that must link an accepted ADR for
    /// decision traceability 2.
    pub decision_links: u32,
    /// `rotation-window`: how far back ownership rotation looks.
    pub rotation_window: Interval,
    /// `rotation-editors`: distinct people editing a domain's runbooks in
    /// the window that count as rotation.
    pub rotation_editors: u32,
    /// `hidden-fragility-from`, `healthy-core-from`, `resilient-from`: the
    /// lowest total of each band above structural risk.
    pub bands: [u32; 3],
    /// `[[health.domains]]`: named domains by path globs, first match wins.
    pub domains: Vec<DomainGlobs>,
}

/// One `[[health.domains]]` table: the pages whose path (under the content
/// folder) matches one of `paths` belong to the domain `name`.
#[derive(Debug, Clone)]
pub struct DomainGlobs {
    /// The domain's name, as shown on the health page.
    pub name: String,
    /// The globs as written.
    pub paths: Vec<String>,
    matcher: globset::GlobSet,
}

impl DomainGlobs {
    /// Does the page at `rel` (under the content folder) belong here?
    pub fn matches(&self, rel: &str) -> bool {
        self.matcher.is_match(rel)
    }
}

impl PartialEq for DomainGlobs {
    fn eq(&self, other: &Self) -> bool {
        (&self.name, &self.paths) == (&other.name, &other.paths)
    }
}

impl Eq for DomainGlobs {}

impl Default for HealthConfig {
    fn default() -> Self {
        HealthConfig {
            coverage_partial: 2,
            coverage_full: 3,
            decision_links: 1,
            rotation_window: Interval::Days(182),
            rotation_editors: 2,
            bands: [4, 7, 9],
            domains: Vec::new(),
        }
    }
}

/// The default required runbook sections.
pub const DEFAULT_RUNBOOK_SECTIONS: [&str; 4] = [
    "Failure signature",
    "Mitigation",
    "Root cause",
    "Prevention",
];

/// Every rule id this version knows (SPEC's table).
pub const RULE_IDS: [&str; 35] = [
    "frontmatter-invalid",
    "kind-unknown",
    "owner-missing",
    "owner-unknown",
    "owner-inactive",
    "owner-single",
    "review-missing",
    "review-stale",
    "review-due-soon",
    "review-future",
    "review-outdated",
    "adr-status-invalid",
    "adr-number-duplicate",
    "adr-supersedes-missing",
    "adr-supersede-inconsistent",
    "adr-supersede-cycle",
    "adr-proposed-stale",
    "runbook-section-missing",
    "action-unowned",
    "action-overdue",
    "action-unverified",
    "standard-unenforced",
    "standard-enforcement-missing",
    "incident-closed-unverified",
    "incident-mitigated-open",
    "incident-runbook-missing",
    "incident-runbook-not-updated",
    "incident-repeat",
    "runbook-unexercised",
    "link-broken",
    "anchor-broken",
    "config-unknown-key",
    "page-name-too-long",
    "role-matrix-incomplete",
    "template-syntax",
];

/// One `[[check.overrides]]` table: rule levels for the pages whose path
/// (under the content folder) matches one of its globs.
#[derive(Debug, Clone)]
pub struct RuleOverride {
    /// The globs as written.
    pub paths: Vec<String>,
    matcher: globset::GlobSet,
    /// Levels by rule id; `None` = off.
    pub levels: BTreeMap<String, Option<Severity>>,
}

impl RuleOverride {
    /// Does this override apply to the page at `rel` (under the content folder)?
    pub fn applies_to(&self, rel: &str) -> bool {
        self.matcher.is_match(rel)
    }
}

/// `[build] exclude`: globs of content files (paths under the content
/// folder) that are neither pages nor assets. A pattern also covers what
/// is below it: `drafts` and `drafts/` leave out the whole folder.
#[derive(Debug, Clone, Default)]
pub struct Exclude {
    /// The patterns as written.
    pub patterns: Vec<String>,
    set: globset::GlobSet,
}

impl Exclude {
    /// Is the content file at `rel` left out?
    pub fn excludes(&self, rel: &str) -> bool {
        !self.patterns.is_empty() && self.set.is_match(rel)
    }
}

/// Where to find the handbook and what the command line overrides.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// `--dest`.
    pub dest: Option<PathBuf>,
}

/// Loads `DIR/book.toml` (or defaults when absent) and resolves it.
pub fn load_config(root: &Path, opts: &LoadOptions) -> Result<Config> {
    let root = std::path::absolute(root).map_err(io_err(root))?;
    if !root.is_dir() {
        return Err(Error::Usage(format!(
            "{}: not a folder; pass the handbook root (the folder holding book.toml)",
            root.display()
        )));
    }
    let path = root.join("book.toml");
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => Some(t),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(source) => return Err(Error::Io { path, source }),
    };
    let mut cfg = match &text {
        Some(text) => parse_config(&root, &path, text)?,
        None => parse_config(&root, &path, "")?,
    };
    if text.is_some() {
        cfg.book_toml = Some(path);
    }
    if let Some(dest) = &opts.dest {
        cfg.out_dir = std::path::absolute(dest).map_err(io_err(dest))?;
    }
    Ok(cfg)
}

/// Parses book.toml text. `path` is used in errors and findings only.
pub fn parse_config(root: &Path, path: &Path, text: &str) -> Result<Config> {
    let doc = Doc::parse(path, text)?;
    let mut ignored = Vec::new();
    let raw: RawConfig =
        serde_ignored::deserialize(toml::Deserializer::new(doc.text()), |unknown| {
            ignored.push(doc::steps(&unknown));
        })
        .map_err(|e| doc.type_error(&e))?;
    resolve::resolve(root, &doc, raw, &ignored)
}

/// The path part of a URL (`https://acme.dev/handbook/` → `/handbook/`);
/// a value without `scheme://host` is taken as a path.
pub(crate) fn url_path(url: &str) -> &str {
    match url.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("/", |i| &rest[i..]),
        None => url,
    }
}

/// `handbook`, `/handbook`, `/handbook/` → `/handbook/`; empty → `/`.
fn normalise_base_path(path: &str) -> String {
    let inner = path
        .split(['?', '#'])
        .next()
        .unwrap_or("")
        .trim()
        .trim_matches('/');
    if inner.is_empty() {
        "/".to_owned()
    } else {
        format!("/{inner}/")
    }
}

/// 1-based line and column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() as u32 + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let column = before[line_start..].chars().count() as u32 + 1;
    (line, column)
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests;
