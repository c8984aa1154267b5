//! Stage 0: `book.toml` → [`Config`]. Reads one file; resolves paths and
//! defaults. A malformed file is an [`Error::Config`] with line and column;
//! an unknown key is a `config-unknown-key` finding, never silence.

use crate::date::Interval;
use crate::diag::{Diagnostic, Severity};
use crate::error::{io_err, Error, Result};
use crate::kind::Kind;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::{Table, Value};

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
    let table: Table = text.parse::<Table>().map_err(|e| {
        let (line, column) = e.span().map(|s| line_col(text, s.start)).unwrap_or((0, 0));
        Error::Config {
            path: path.to_owned(),
            line,
            column,
            message: e.message().trim().to_string(),
        }
    })?;
    let mut p = Parser {
        path,
        text,
        findings: Vec::new(),
    };
    let book = p.section(&table, "book");
    let build = p.section(&table, "build");
    let review = p.section(&table, "review");
    let owners = p.section(&table, "owners");
    let check = p.section(&table, "check");
    let kinds = p.section(&table, "kinds");
    let health_table = p.section(&table, "health");
    p.unknown_keys(
        &table,
        "",
        &[
            "book", "build", "review", "owners", "check", "kinds", "health",
        ],
    );
    p.unknown_keys(
        &book,
        "book",
        &[
            "title",
            "src",
            "description",
            "language",
            "authors",
            "multilingual",
        ],
    );
    p.unknown_keys(
        &build,
        "build",
        &[
            "build-dir",
            "site-url",
            "edit-url-template",
            "base-path",
            "pretty-urls",
            "theme",
            "create-missing",
            "exclude",
        ],
    );
    let exclude = p.exclude(&build)?;
    p.unknown_keys(
        &review,
        "review",
        &["default-interval", "warn-before", "interval"],
    );
    p.unknown_keys(&owners, "owners", &["registry", "codeowners"]);
    p.unknown_keys(&check, "check", &["rules", "overrides"]);
    let health = p.health(&health_table)?;

    let title = p.string(&book, "book", "title")?.unwrap_or_else(|| {
        root.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "Handbook".into())
    });
    let description = p.string(&book, "book", "description")?.unwrap_or_default();
    let language = p
        .string(&book, "book", "language")?
        .unwrap_or_else(|| "en".into());
    let content_dir = match p.string(&book, "book", "src")? {
        Some(src) => {
            let dir = root.join(&src);
            if !dir.is_dir() {
                return Err(p.error_at(
                    "book",
                    "src",
                    format!(
                    "content folder `{src}` does not exist under {}; create it or fix `[book] src`",
                    root.display()
                ),
                ));
            }
            dir
        }
        None if root.join("src").is_dir() => root.join("src"),
        None => root.to_path_buf(),
    };
    let out_dir = root.join(
        p.string(&build, "build", "build-dir")?
            .unwrap_or_else(|| "book".into()),
    );
    let site_url = p.string(&build, "build", "site-url")?.map(|mut u| {
        if !u.ends_with('/') {
            u.push('/');
        }
        u
    });
    let edit_url_template = p.string(&build, "build", "edit-url-template")?;
    let base_path = match p.string(&build, "build", "base-path")? {
        Some(b) => normalise_base_path(&b),
        None => site_url
            .as_deref()
            .map_or_else(|| "/".to_owned(), |u| normalise_base_path(url_path(u))),
    };
    let pretty_urls = p.bool(&build, "build", "pretty-urls")?.unwrap_or(false);
    let theme_dir = match p.string(&build, "build", "theme")? {
        Some(t) => {
            let dir = root.join(&t);
            if !dir.is_dir() {
                return Err(p.error_at(
                    "build",
                    "theme",
                    format!(
                        "theme folder `{t}` does not exist; create it or remove `[build] theme`"
                    ),
                ));
            }
            Some(dir)
        }
        None => None,
    };

    let default_interval = p
        .interval(&review, "review", "default-interval")?
        .unwrap_or(Interval::Days(180));
    let warn_before = p
        .interval(&review, "review", "warn-before")?
        .unwrap_or(Interval::Days(14));
    let mut per_kind = BTreeMap::from([
        (Kind::Runbook, Interval::Days(90)),
        (Kind::Adr, Interval::Never),
        // An incident review is a record of what happened, like an ADR.
        (Kind::Incident, Interval::Never),
    ]);
    let interval_table = p.section(&review, "review.interval");
    for (key, _) in interval_table.iter() {
        match Kind::parse(key) {
            Some(kind) => {
                if let Some(iv) = p.interval(&interval_table, "review.interval", key)? {
                    per_kind.insert(kind, iv);
                }
            }
            None => p.unknown("review.interval", key, &Kind::ids()),
        }
    }

    let registry = match p.string(&owners, "owners", "registry")? {
        Some(r) => {
            let path = root.join(&r);
            if !path.is_file() {
                let what = if path.is_dir() {
                    "is a folder"
                } else {
                    "does not exist"
                };
                return Err(p.error_at(
                    "owners",
                    "registry",
                    format!(
                        "owners registry `{r}` {what} under {}; create it or fix `[owners] registry`",
                        root.display()
                    ),
                ));
            }
            Some(path)
        }
        None => Some(root.join("owners.yaml")).filter(|p| p.is_file()),
    };
    let codeowners = p.bool(&owners, "owners", "codeowners")?.unwrap_or(true);

    let rules = p.section(&check, "check.rules");
    let rule_levels = p.rule_levels(&rules, "check.rules")?;

    let rule_overrides = p.rule_overrides(&check)?;

    let mut runbook_sections: Vec<String> = DEFAULT_RUNBOOK_SECTIONS
        .iter()
        .map(|s| s.to_string())
        .collect();
    let mut adr_proposed_max_age = Interval::Days(30);
    let mut incident_close_within = Interval::Days(30);
    let mut incident_verify_within = Interval::Days(14);
    let mut runbook_exercise_every = Interval::Days(180);
    let mut kind_paths = Vec::new();
    for (key, value) in kinds.iter() {
        let Some(kind) = Kind::parse(key) else {
            p.unknown("kinds", key, &Kind::ids());
            continue;
        };
        let Some(t) = value.as_table() else {
            return Err(p.error_at("kinds", key, format!("`[kinds.{key}]` must be a table")));
        };
        let section = format!("kinds.{key}");
        if let Some(globs) = p.kind_paths(t, &section)? {
            kind_paths.push((kind, globs));
        }
        match kind {
            Kind::Runbook => {
                p.unknown_keys(
                    t,
                    &section,
                    &["required-sections", "exercise-every", "paths"],
                );
                if let Some(iv) = p.interval(t, &section, "exercise-every")? {
                    runbook_exercise_every = iv;
                }
                if let Some(v) = t.get("required-sections") {
                    runbook_sections = v
                        .as_array()
                        .and_then(|a| a.iter().map(|x| x.as_str().map(String::from)).collect())
                        .ok_or_else(|| {
                            p.error_at(
                                &section,
                                "required-sections",
                                "`required-sections` must be a list of strings".into(),
                            )
                        })?;
                }
            }
            Kind::Adr => {
                p.unknown_keys(t, &section, &["proposed-max-age", "paths"]);
                if let Some(iv) = p.interval(t, &section, "proposed-max-age")? {
                    adr_proposed_max_age = iv;
                }
            }
            Kind::Incident => {
                p.unknown_keys(t, &section, &["close-within", "verify-within", "paths"]);
                if let Some(iv) = p.interval(t, &section, "close-within")? {
                    incident_close_within = iv;
                }
                if let Some(iv) = p.interval(t, &section, "verify-within")? {
                    incident_verify_within = iv;
                }
            }
            _ => p.unknown_keys(t, &section, &["paths"]),
        }
    }

    Ok(Config {
        root: root.to_owned(),
        book_toml: None,
        title,
        description,
        language,
        content_dir,
        out_dir,
        site_url,
        edit_url_template,
        base_path,
        pretty_urls,
        theme_dir,
        review: ReviewConfig {
            default_interval,
            warn_before,
            per_kind,
        },
        owners: OwnersConfig {
            registry,
            codeowners,
        },
        rule_levels,
        rule_overrides,
        exclude,
        kind_paths,
        runbook_sections,
        adr_proposed_max_age,
        incident_close_within,
        incident_verify_within,
        runbook_exercise_every,
        health,
        findings: p.findings,
    })
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

/// What to do about an unknown book.toml key. mdBook's own sections are
/// named as such, with where their handbook equivalents go.
fn unknown_key_help(section: &str, key: &str) -> &'static str {
    match (section, key) {
        ("", "output" | "preprocessor") | ("output" | "preprocessor", _) => {
            "this is mdBook configuration, which handbook does not read; put `site-url` and `edit-url-template` under [build]"
        }
        _ => "check the spelling against the book.toml reference in the README",
    }
}

struct Parser<'a> {
    path: &'a Path,
    text: &'a str,
    findings: Vec<Diagnostic>,
}

impl Parser<'_> {
    fn rel_path(&self) -> String {
        self.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "book.toml".into())
    }

    /// Finds the line of `key` inside `[section]` by scanning the text.
    fn locate(&self, section: &str, key: &str) -> (u32, u32) {
        let mut current = String::new();
        let mut header_line = 0;
        for (i, raw) in self.text.lines().enumerate() {
            let line = raw.trim();
            if let Some(h) = line.strip_prefix('[') {
                current = h
                    .trim_start_matches('[')
                    .trim_end_matches(']')
                    .trim()
                    .to_string();
                if section.is_empty() && current == key {
                    return (i as u32 + 1, 1);
                }
                if current == format!("{section}.{key}")
                    || (section.is_empty() && current.starts_with(&format!("{key}.")))
                {
                    return (i as u32 + 1, 1);
                }
                if current == section {
                    header_line = i as u32 + 1;
                }
                continue;
            }
            let k = line
                .split('=')
                .next()
                .unwrap_or("")
                .trim()
                .trim_matches('"');
            if current == section && k == key {
                let col = raw.len() - raw.trim_start().len();
                return (i as u32 + 1, col as u32 + 1);
            }
        }
        (header_line.max(1), 1)
    }

    fn unknown(&mut self, section: &str, key: &str, known: &[&str]) {
        let pos = self.locate(section, key);
        let shown = if section.is_empty() {
            format!("[{key}]")
        } else {
            format!("`{key}` in [{section}]")
        };
        self.findings.push(
            Diagnostic::new(
                "config-unknown-key",
                Severity::Warning,
                self.rel_path(),
                pos,
                format!("unknown key {shown}; this version ignores it"),
            )
            .with_help(format!(
                "{}{}",
                crate::suggest::hint(key, known.iter().copied()),
                unknown_key_help(section, key)
            )),
        );
    }

    /// `paths = [globs]` of a `[kinds.KIND]` table; a pattern also covers
    /// what is below it (`architecture/decisions` is the whole folder).
    fn kind_paths(&mut self, t: &Table, section: &str) -> Result<Option<globset::GlobSet>> {
        let Some(value) = t.get("paths") else {
            return Ok(None);
        };
        let patterns: Option<Vec<&str>> = value
            .as_array()
            .and_then(|a| a.iter().map(|p| p.as_str()).collect());
        let Some(patterns) = patterns else {
            return Err(self.error_at(
                section,
                "paths",
                "`paths` must be a list of globs, like `paths = [\"architecture/decisions/**\"]`"
                    .to_owned(),
            ));
        };
        let set = self.globs(&patterns, section, "paths", true)?;
        Ok(Some(set))
    }

    /// Compiles content-folder globs (`*` stays in one folder, `**` spans
    /// folders, a leading `/` is dropped); with `cover_below`, a pattern
    /// also matches what is below it (`drafts` is the whole folder). A bad
    /// glob is an error at `section.key`.
    fn globs<S: AsRef<str>>(
        &self,
        patterns: &[S],
        section: &str,
        key: &str,
        cover_below: bool,
    ) -> Result<globset::GlobSet> {
        let mut set = globset::GlobSetBuilder::new();
        for pattern in patterns {
            let pattern = pattern.as_ref();
            let base = pattern.trim_start_matches('/');
            let mut globs = vec![base.to_owned()];
            if cover_below {
                let base = base.trim_end_matches('/');
                globs = vec![base.to_owned(), format!("{base}/**")];
            }
            for glob in globs {
                let glob = globset::GlobBuilder::new(&glob)
                    .literal_separator(true)
                    .build()
                    .map_err(|e| {
                        self.error_at(
                            section,
                            key,
                            format!("`{pattern}` in `{key}` is not a glob: {e}"),
                        )
                    })?;
                set.add(glob);
            }
        }
        set.build().map_err(|e| {
            self.error_at(
                section,
                key,
                format!("the `{key}` globs do not compile: {e}"),
            )
        })
    }

    /// `[build] exclude = ["drafts/**", ...]`.
    fn exclude(&mut self, build: &Table) -> Result<Exclude> {
        let Some(value) = build.get("exclude") else {
            return Ok(Exclude::default());
        };
        let patterns: Option<Vec<String>> = value
            .as_array()
            .and_then(|a| a.iter().map(|p| p.as_str().map(str::to_owned)).collect());
        let Some(patterns) = patterns else {
            return Err(self.error_at(
                "build",
                "exclude",
                "`exclude` must be a list of globs, like `exclude = [\"drafts/**\", \"**/*.tmp.md\"]`".to_owned(),
            ));
        };
        let set = self.globs(&patterns, "build", "exclude", true)?;
        Ok(Exclude { patterns, set })
    }

    /// Rule levels in a `rules` table (`[check.rules]`, or a
    /// `[[check.overrides]]`'s); unknown rule ids are warned about.
    fn rule_levels(
        &mut self,
        rules: &Table,
        section: &str,
    ) -> Result<BTreeMap<String, Option<Severity>>> {
        let mut levels = BTreeMap::new();
        for (key, value) in rules.iter() {
            if !RULE_IDS.contains(&key.as_str()) {
                self.unknown(section, key, &RULE_IDS);
                continue;
            }
            match value.as_str().and_then(Severity::parse_level) {
                Some(level) => {
                    levels.insert(key.clone(), level);
                }
                None => {
                    return Err(self.error_at(
                        section,
                        key,
                        format!("`{key}` must be one of \"error\", \"warning\", \"info\", \"off\""),
                    ))
                }
            }
        }
        Ok(levels)
    }

    /// `[[check.overrides]]`: `paths` (globs under the content folder) and
    /// `rules` (levels, as in `[check.rules]`).
    fn rule_overrides(&mut self, check: &Table) -> Result<Vec<RuleOverride>> {
        let Some(value) = check.get("overrides") else {
            return Ok(Vec::new());
        };
        let shape = "write each as a `[[check.overrides]]` table with `paths = [\"legacy/**\"]` and `rules = { owner-missing = \"warning\" }`";
        let Some(items) = value.as_array() else {
            return Err(self.error_at(
                "check",
                "overrides",
                format!("`overrides` must be a list of tables; {shape}"),
            ));
        };
        let mut out = Vec::new();
        for item in items {
            let Some(table) = item.as_table() else {
                return Err(self.error_at(
                    "check",
                    "overrides",
                    format!("an entry of `overrides` is not a table; {shape}"),
                ));
            };
            for key in table.keys() {
                if key != "paths" && key != "rules" {
                    self.unknown("check.overrides", key, &["paths", "rules"]);
                }
            }
            let paths: Option<Vec<String>> = table.get("paths").and_then(|v| {
                v.as_array()?
                    .iter()
                    .map(|p| p.as_str().map(str::to_owned))
                    .collect()
            });
            let Some(paths) = paths.filter(|p| !p.is_empty()) else {
                return Err(self.error_at(
                    "check",
                    "overrides",
                    format!("an override needs `paths`, a list of globs; {shape}"),
                ));
            };
            let matcher = self.globs(&paths, "check", "overrides", false)?;
            let rules = match table.get("rules") {
                None => Table::new(),
                Some(toml::Value::Table(t)) => t.clone(),
                Some(_) => {
                    return Err(self.error_at(
                        "check",
                        "overrides",
                        format!("`rules` must be a table; {shape}"),
                    ))
                }
            };
            let levels = self.rule_levels(&rules, "check.overrides.rules")?;
            out.push(RuleOverride {
                paths,
                matcher,
                levels,
            });
        }
        Ok(out)
    }

    fn unknown_keys(&mut self, table: &Table, section: &str, known: &[&str]) {
        for key in table.keys() {
            if !known.contains(&key.as_str()) {
                self.unknown(section, key, known);
            }
        }
    }

    fn error_at(&self, section: &str, key: &str, message: String) -> Error {
        let (line, column) = self.locate(section, key);
        Error::Config {
            path: self.path.to_owned(),
            line,
            column,
            message,
        }
    }

    fn section(&mut self, table: &Table, name: &str) -> Table {
        let key = name.rsplit('.').next().unwrap_or(name);
        match table.get(key) {
            Some(Value::Table(t)) => t.clone(),
            Some(_) => {
                let parent = name.rsplit_once('.').map(|(p, _)| p).unwrap_or("");
                self.findings.push(Diagnostic::new(
                    "config-unknown-key",
                    Severity::Warning,
                    self.rel_path(),
                    self.locate(parent, key),
                    format!("`{name}` should be a table ([{name}]); ignored"),
                ));
                Table::new()
            }
            None => Table::new(),
        }
    }

    fn string(&self, table: &Table, section: &str, key: &str) -> Result<Option<String>> {
        match table.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(self.error_at(
                section,
                key,
                format!(
                    "`{key}` in [{section}] must be a string, found {}",
                    other.type_str()
                ),
            )),
        }
    }

    fn bool(&self, table: &Table, section: &str, key: &str) -> Result<Option<bool>> {
        match table.get(key) {
            None => Ok(None),
            Some(Value::Boolean(b)) => Ok(Some(*b)),
            Some(other) => Err(self.error_at(
                section,
                key,
                format!(
                    "`{key}` in [{section}] must be true or false, found {}",
                    other.type_str()
                ),
            )),
        }
    }

    fn uint(&self, table: &Table, section: &str, key: &str) -> Result<Option<u32>> {
        match table.get(key) {
            None => Ok(None),
            Some(Value::Integer(n)) => u32::try_from(*n).map(Some).map_err(|_| {
                self.error_at(
                    section,
                    key,
                    format!("`{key}` in [{section}] must be a whole number from 0, found {n}"),
                )
            }),
            Some(other) => Err(self.error_at(
                section,
                key,
                format!(
                    "`{key}` in [{section}] must be a whole number, found {}",
                    other.type_str()
                ),
            )),
        }
    }

    /// `[health]`: thresholds, checked for order (a partial level above the
    /// full one, or bands out of order, is a config error).
    fn health(&mut self, t: &Table) -> Result<HealthConfig> {
        const KEYS: [&str; 8] = [
            "coverage-partial",
            "coverage-full",
            "decision-links",
            "rotation-window",
            "rotation-editors",
            "hidden-fragility-from",
            "healthy-core-from",
            "resilient-from",
        ];
        self.unknown_keys(t, "health", &[&KEYS[..], &["domains"]].concat());
        let d = HealthConfig::default();
        let s = "health";
        let mut h = HealthConfig {
            coverage_partial: self.uint(t, s, KEYS[0])?.unwrap_or(d.coverage_partial),
            coverage_full: self.uint(t, s, KEYS[1])?.unwrap_or(d.coverage_full),
            decision_links: self.uint(t, s, KEYS[2])?.unwrap_or(d.decision_links),
            rotation_window: self.interval(t, s, KEYS[3])?.unwrap_or(d.rotation_window),
            rotation_editors: self.uint(t, s, KEYS[4])?.unwrap_or(d.rotation_editors),
            bands: d.bands,
            domains: self.health_domains(t)?,
        };
        for (i, key) in KEYS[5..].iter().enumerate() {
            if let Some(n) = self.uint(t, s, key)? {
                h.bands[i] = n;
            }
        }
        if h.coverage_partial > h.coverage_full {
            return Err(self.error_at(
                s,
                KEYS[0],
                format!(
                    "`coverage-partial` ({}) must not be above `coverage-full` ({})",
                    h.coverage_partial, h.coverage_full
                ),
            ));
        }
        if h.rotation_window == Interval::Never {
            return Err(self.error_at(
                s,
                KEYS[3],
                "`rotation-window` must be a duration such as \"182d\" or \"6m\", not \"never\""
                    .into(),
            ));
        }
        if !(1 <= h.bands[0]
            && h.bands[0] < h.bands[1]
            && h.bands[1] < h.bands[2]
            && h.bands[2] <= 10)
        {
            let key = KEYS[5..]
                .iter()
                .find(|k| t.contains_key(**k))
                .copied()
                .unwrap_or(KEYS[5]);
            return Err(self.error_at(s, key, format!(
                "band thresholds must rise within 1..=10: hidden-fragility-from ({}) < healthy-core-from ({}) < resilient-from ({})",
                h.bands[0], h.bands[1], h.bands[2]
            )));
        }
        Ok(h)
    }

    /// `[[health.domains]]`: `name` and `paths` (globs under the content
    /// folder; a folder covers what is below it).
    fn health_domains(&mut self, t: &Table) -> Result<Vec<DomainGlobs>> {
        let Some(value) = t.get("domains") else {
            return Ok(Vec::new());
        };
        let shape = "write each as a `[[health.domains]]` table with `name = \"Payments\"` and `paths = [\"payments/**\", \"billing/**\"]`";
        let Some(items) = value.as_array() else {
            return Err(self.error_at(
                "health",
                "domains",
                format!("`domains` must be a list of tables; {shape}"),
            ));
        };
        let mut out = Vec::new();
        for item in items {
            let name = item
                .get("name")
                .and_then(|v| v.as_str())
                .map(str::trim)
                .filter(|n| !n.is_empty());
            let paths: Option<Vec<String>> = item.get("paths").and_then(|v| {
                v.as_array()?
                    .iter()
                    .map(|p| p.as_str().map(str::to_owned))
                    .collect()
            });
            let (Some(table), Some(name), Some(paths)) =
                (item.as_table(), name, paths.filter(|p| !p.is_empty()))
            else {
                return Err(self.error_at(
                    "health",
                    "domains",
                    format!("each domain needs a `name` and `paths`, a list of globs; {shape}"),
                ));
            };
            for key in table.keys() {
                if key != "name" && key != "paths" {
                    self.unknown("health.domains", key, &["name", "paths"]);
                }
            }
            let matcher = self.globs(&paths, "health", "domains", true)?;
            out.push(DomainGlobs {
                name: name.to_owned(),
                paths,
                matcher,
            });
        }
        Ok(out)
    }

    fn interval(&self, table: &Table, section: &str, key: &str) -> Result<Option<Interval>> {
        match self.string(table, section, key)? {
            None => Ok(None),
            Some(s) => Interval::parse(&s).map(Some).ok_or_else(|| {
                self.error_at(section, key, format!(
                    "`{key}` = \"{s}\" is not a duration; use e.g. \"90d\", \"12w\", \"6m\", \"1y\" or \"never\""
                ))
            }),
        }
    }
}

#[cfg(test)]
mod tests;
