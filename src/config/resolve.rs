//! [`RawConfig`] → [`Config`]: defaults, folders under the handbook root,
//! and the checks serde does not make (folders and files exist, durations
//! and globs parse, rule levels are levels, health thresholds are in
//! order). Every error points at the value (or key) it is about.

use super::doc::{keys, section_and_key, Doc, Step};
use super::raw::{
    known_keys, Count, GlobList, RawConfig, RawHealth, RawKind, RuleLevels, Section, StringList,
    Text,
};
use super::{
    normalise_base_path, url_path, Config, DomainGlobs, Exclude, HealthConfig, OwnersConfig,
    ReviewConfig, RuleOverride, DEFAULT_RUNBOOK_SECTIONS,
};
use crate::date::Interval;
use crate::diag::{Diagnostic, Severity};
use crate::error::Result;
use crate::kind::Kind;
use std::collections::BTreeMap;
use std::path::Path;
use toml::Spanned;

/// Resolves `raw` for the handbook at `root`. `ignored` are the paths
/// serde_ignored reported: unknown keys, each a finding.
pub(super) fn resolve(
    root: &Path,
    doc: &Doc<'_>,
    raw: RawConfig,
    ignored: &[Vec<Step>],
) -> Result<Config> {
    let mut r = Resolver {
        doc,
        findings: ignored.iter().map(|path| unknown_key(doc, path)).collect(),
    };
    let book = r.table(raw.book, &["book"]);
    let build = r.table(raw.build, &["build"]);
    let review = r.table(raw.review, &["review"]);
    let owners = r.table(raw.owners, &["owners"]);
    let check = r.table(raw.check, &["check"]);
    let kinds = r.table(raw.kinds, &["kinds"]);
    let health = r.table(raw.health, &["health"]);

    let exclude = match &build.exclude {
        Some(patterns) => Exclude {
            patterns: strings(patterns),
            set: r.globs(patterns, &keys(&["build", "exclude"]), true)?,
        },
        None => Exclude::default(),
    };
    let health = r.health(health)?;

    let title = text(&book.title).unwrap_or_else(|| {
        root.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "Handbook".into())
    });
    let description = text(&book.description).unwrap_or_default();
    let language = text(&book.language).unwrap_or_else(|| "en".into());
    let content_dir = match &book.src {
        Some(src) => {
            let dir = root.join(src.get_ref());
            if !dir.is_dir() {
                return Err(doc.error_at(
                    src,
                    format!(
                        "content folder `{}` does not exist under {}; create it or fix `[book] src`",
                        src.get_ref(),
                        root.display()
                    ),
                ));
            }
            dir
        }
        None if root.join("src").is_dir() => root.join("src"),
        None => root.to_path_buf(),
    };
    let out_dir = root.join(text(&build.build_dir).unwrap_or_else(|| "book".into()));
    let site_url = text(&build.site_url).map(|mut u| {
        if !u.ends_with('/') {
            u.push('/');
        }
        u
    });
    let edit_url_template = text(&build.edit_url_template);
    let base_path = match &build.base_path {
        Some(b) => normalise_base_path(b.get_ref()),
        None => site_url
            .as_deref()
            .map_or_else(|| "/".to_owned(), |u| normalise_base_path(url_path(u))),
    };
    let pretty_urls = build.pretty_urls.unwrap_or(false);
    let theme_dir = match &build.theme {
        Some(t) => {
            let dir = root.join(t.get_ref());
            if !dir.is_dir() {
                return Err(doc.error_at(
                    t,
                    format!(
                        "theme folder `{}` does not exist; create it or remove `[build] theme`",
                        t.get_ref()
                    ),
                ));
            }
            Some(dir)
        }
        None => None,
    };

    let default_interval = r
        .interval(review.default_interval.as_ref(), "default-interval")?
        .unwrap_or(Interval::Days(180));
    let warn_before = r
        .interval(review.warn_before.as_ref(), "warn-before")?
        .unwrap_or(Interval::Days(14));
    let mut per_kind = BTreeMap::from([
        (Kind::Runbook, Interval::Days(90)),
        (Kind::Adr, Interval::Never),
        // An incident review is a record of what happened, like an ADR.
        (Kind::Incident, Interval::Never),
    ]);
    for (key, kind, value) in &r.table(review.interval, &["review", "interval"]).0 {
        if let Some(iv) = r.interval(Some(value), key)? {
            per_kind.insert(*kind, iv);
        }
    }

    let registry = match &owners.registry {
        Some(reg) => {
            let path = root.join(reg.get_ref());
            if !path.is_file() {
                let what = if path.is_dir() {
                    "is a folder"
                } else {
                    "does not exist"
                };
                return Err(doc.error_at(
                    reg,
                    format!(
                        "owners registry `{}` {what} under {}; create it or fix `[owners] registry`",
                        reg.get_ref(),
                        root.display()
                    ),
                ));
            }
            Some(path)
        }
        None => Some(root.join("owners.yaml")).filter(|p| p.is_file()),
    };
    let codeowners = owners.codeowners.unwrap_or(true);

    let rules = r.table(check.rules, &["check", "rules"]);
    let rule_levels = r.rule_levels(&rules, &keys(&["check", "rules"]))?;
    let mut rule_overrides = Vec::new();
    for (i, o) in check.overrides.iter().flat_map(|o| &o.0).enumerate() {
        let at = [keys(&["check", "overrides"]), vec![Step::Index(i)]].concat();
        let Some(paths) = o.paths.as_ref().filter(|p| !p.0.is_empty()) else {
            return Err(doc.error_at_key(&at, "an override needs `paths`, a list of globs; write each as a `[[check.overrides]]` table with `paths = [\"legacy/**\"]` and `rules = { owner-missing = \"warning\" }`".to_owned()));
        };
        let matcher = r.globs(paths, &at, false)?;
        let levels = match &o.rules {
            Some(levels) => r.rule_levels(levels, &child(&at, "rules"))?,
            None => BTreeMap::new(),
        };
        rule_overrides.push(RuleOverride {
            paths: strings(paths),
            matcher,
            levels,
        });
    }

    let mut runbook_sections: Vec<String> = DEFAULT_RUNBOOK_SECTIONS
        .iter()
        .map(|s| s.to_string())
        .collect();
    let mut adr_proposed_max_age = Interval::Days(30);
    let mut incident_close_within = Interval::Days(30);
    let mut incident_verify_within = Interval::Days(14);
    let mut runbook_exercise_every = Interval::Days(180);
    let mut kind_paths = Vec::new();
    for (key, kind, table) in &kinds.0 {
        if let Some(globs) = table.paths() {
            let at = keys(&["kinds", key, "paths"]);
            kind_paths.push((*kind, r.globs(globs, &at, true)?));
        }
        match table {
            RawKind::Runbook(t) => {
                if let Some(iv) = r.interval(t.exercise_every.as_ref(), "exercise-every")? {
                    runbook_exercise_every = iv;
                }
                if let Some(StringList(sections)) = &t.required_sections {
                    runbook_sections = sections.clone();
                }
            }
            RawKind::Adr(t) => {
                if let Some(iv) = r.interval(t.proposed_max_age.as_ref(), "proposed-max-age")? {
                    adr_proposed_max_age = iv;
                }
            }
            RawKind::Incident(t) => {
                if let Some(iv) = r.interval(t.close_within.as_ref(), "close-within")? {
                    incident_close_within = iv;
                }
                if let Some(iv) = r.interval(t.verify_within.as_ref(), "verify-within")? {
                    incident_verify_within = iv;
                }
            }
            RawKind::Other(_) => {}
        }
    }

    let mut findings = r.findings;
    findings.sort_by_key(|f| (f.line, f.column));
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
        findings,
    })
}

/// The string of an optional value.
fn text(value: &Text) -> Option<String> {
    value.as_ref().map(|v| v.get_ref().clone())
}

/// The patterns of a glob list, as written.
fn strings(globs: &GlobList) -> Vec<String> {
    globs.0.clone()
}

/// `at` and then `key`.
fn child(at: &[Step], key: &str) -> Vec<Step> {
    let mut path = at.to_vec();
    path.push(Step::Key(key.to_owned()));
    path
}

/// The `config-unknown-key` finding for a key serde_ignored reported.
fn unknown_key(doc: &Doc<'_>, path: &[Step]) -> Diagnostic {
    // toml hands a datetime to serde as a table with one private key: a
    // datetime where a table belongs is a section that is not a table.
    if let [parent @ .., Step::Key(k)] = path {
        if k.starts_with("$__toml_private") {
            return not_a_table(doc, parent);
        }
    }
    let (section, key) = section_and_key(path);
    let shown = if section.is_empty() {
        format!("[{key}]")
    } else {
        format!("`{key}` in [{section}]")
    };
    let parts: Vec<&str> = section.split('.').filter(|s| !s.is_empty()).collect();
    let known = known_keys(&parts);
    doc.finding_at_key(
        path,
        format!("unknown key {shown}; this version ignores it"),
    )
    .with_help(format!(
        "{}{}",
        crate::suggest::hint(key, known.iter().copied()),
        unknown_key_help(&section, key)
    ))
}

/// The finding for a section written as a value (`book = 5`).
fn not_a_table(doc: &Doc<'_>, path: &[Step]) -> Diagnostic {
    let (parent, key) = section_and_key(path);
    let name = if parent.is_empty() {
        key.to_owned()
    } else {
        format!("{parent}.{key}")
    };
    doc.finding_at_key(
        path,
        format!("`{name}` should be a table ([{name}]); ignored"),
    )
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

struct Resolver<'d, 'a> {
    doc: &'d Doc<'a>,
    findings: Vec<Diagnostic>,
}

impl Resolver<'_, '_> {
    /// The section's table; one written as a value is a finding, and its
    /// defaults apply.
    fn table<T: Default>(&mut self, section: Section<T>, path: &[&str]) -> T {
        if let Section::NotTable = section {
            self.findings.push(not_a_table(self.doc, &keys(path)));
        }
        section.into_table()
    }

    /// A duration, or an error at the value.
    fn interval(&self, value: Option<&Spanned<String>>, key: &str) -> Result<Option<Interval>> {
        let Some(v) = value else {
            return Ok(None);
        };
        Interval::parse(v.get_ref()).map(Some).ok_or_else(|| {
            self.doc.error_at(v, format!(
                "`{key}` = \"{}\" is not a duration; use e.g. \"90d\", \"12w\", \"6m\", \"1y\" or \"never\"",
                v.get_ref()
            ))
        })
    }

    /// Compiles content-folder globs (`*` stays in one folder, `**` spans
    /// folders, a leading `/` is dropped); with `cover_below`, a pattern
    /// also matches what is below it (`drafts` is the whole folder). A bad
    /// glob is an error at `at`: the list's key, or the `[[...]]` entry
    /// that holds it.
    fn globs(
        &self,
        patterns: &GlobList,
        at: &[Step],
        cover_below: bool,
    ) -> Result<globset::GlobSet> {
        let key = match at.last() {
            Some(Step::Index(_)) => "paths",
            _ => section_and_key(at).1,
        };
        let mut set = globset::GlobSetBuilder::new();
        for pattern in &patterns.0 {
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
                        self.doc
                            .error_at_key(at, format!("`{pattern}` in `{key}` is not a glob: {e}"))
                    })?;
                set.add(glob);
            }
        }
        set.build().map_err(|e| {
            self.doc
                .error_at_key(at, format!("the `{key}` globs do not compile: {e}"))
        })
    }

    /// Rule levels by id; a level that is not one is an error at its key.
    fn rule_levels(
        &self,
        levels: &RuleLevels,
        at: &[Step],
    ) -> Result<BTreeMap<String, Option<Severity>>> {
        let mut out = BTreeMap::new();
        for (key, id, value) in &levels.0 {
            let Some(level) = Severity::parse_level(value.get_ref()) else {
                return Err(self.doc.error_at_key(
                    &child(at, key),
                    format!("`{key}` must be one of \"error\", \"warning\", \"info\", \"off\""),
                ));
            };
            out.insert((*id).to_owned(), level);
        }
        Ok(out)
    }

    /// `[health]`: thresholds, checked for order (a partial level above the
    /// full one, or bands out of order, is an error), and the domains.
    fn health(&self, t: RawHealth) -> Result<HealthConfig> {
        let d = HealthConfig::default();
        let count = |v: &Option<Spanned<Count>>, default: u32| {
            v.as_ref().map_or(default, |v| v.get_ref().0)
        };
        let bands = [
            &t.hidden_fragility_from,
            &t.healthy_core_from,
            &t.resilient_from,
        ];
        let mut h = HealthConfig {
            coverage_partial: count(&t.coverage_partial, d.coverage_partial),
            coverage_full: count(&t.coverage_full, d.coverage_full),
            decision_links: count(&t.decision_links, d.decision_links),
            rotation_window: self
                .interval(t.rotation_window.as_ref(), "rotation-window")?
                .unwrap_or(d.rotation_window),
            rotation_editors: count(&t.rotation_editors, d.rotation_editors),
            bands: d.bands,
            domains: Vec::new(),
        };
        for (band, value) in h.bands.iter_mut().zip(bands) {
            *band = count(value, *band);
        }
        if h.coverage_partial > h.coverage_full {
            let at = t.coverage_partial.as_ref().or(t.coverage_full.as_ref());
            let message = format!(
                "`coverage-partial` ({}) must not be above `coverage-full` ({})",
                h.coverage_partial, h.coverage_full
            );
            return Err(match at {
                Some(v) => self.doc.error_at(v, message),
                None => self.doc.error_at_key(&keys(&["health"]), message),
            });
        }
        if let (Interval::Never, Some(v)) = (h.rotation_window, &t.rotation_window) {
            return Err(self.doc.error_at(
                v,
                "`rotation-window` must be a duration such as \"182d\" or \"6m\", not \"never\""
                    .into(),
            ));
        }
        let [a, b, c] = h.bands;
        if !(1 <= a && a < b && b < c && c <= 10) {
            let message = format!(
                "band thresholds must rise within 1..=10: hidden-fragility-from ({a}) < healthy-core-from ({b}) < resilient-from ({c})"
            );
            return Err(match bands.into_iter().flatten().next() {
                Some(v) => self.doc.error_at(v, message),
                None => self.doc.error_at_key(&keys(&["health"]), message),
            });
        }
        for (i, domain) in t.domains.iter().flat_map(|d| &d.0).enumerate() {
            let at = [keys(&["health", "domains"]), vec![Step::Index(i)]].concat();
            let name = domain
                .name
                .as_ref()
                .map(|n| n.get_ref().trim())
                .filter(|n| !n.is_empty());
            let paths = domain.paths.as_ref().filter(|p| !p.0.is_empty());
            let (Some(name), Some(paths)) = (name, paths) else {
                return Err(self.doc.error_at_key(&at, "each domain needs a `name` and `paths`, a list of globs; write each as a `[[health.domains]]` table with `name = \"Payments\"` and `paths = [\"payments/**\", \"billing/**\"]`".to_owned()));
            };
            h.domains.push(DomainGlobs {
                name: name.to_owned(),
                paths: strings(paths),
                matcher: self.globs(paths, &at, true)?,
            });
        }
        Ok(h)
    }
}
