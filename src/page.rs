//! Stage 2: one page of the handbook ([`Page`]), and `parse_pages`, which
//! turns discovered sources into [`Page`]s (frontmatter + rendered
//! markdown). Pure apart from using the shared highlighter cache. The
//! whole book is [`crate::handbook::Handbook`].

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::discover::SourceFile;
use crate::frontmatter::{adr_number_in, parse_frontmatter, FrontMatter, KeySpans};
use crate::kind::Kind;
use crate::markdown::{
    is_index_page, is_index_stem, page_stem, page_url_styled, render_markdown, Highlighter,
    MarkdownContext, RenderedMarkdown,
};
use crate::recognise::{adr_date_in, adr_status_in, infer_kind};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};

/// One page of the handbook.
#[derive(Debug, Clone)]
pub struct Page {
    /// Where it came from.
    pub src: SourceFile,
    /// Typed frontmatter.
    pub front: FrontMatter,
    /// Where frontmatter keys are written.
    pub spans: KeySpans,
    /// First line of the body.
    pub body_line: u32,
    /// Effective kind (explicit, else inferred from the folder; `Guide` when unknown).
    pub kind: Kind,
    /// `kind:` as written when it names no known kind.
    pub kind_unknown: Option<String>,
    /// Title: frontmatter, else first H1, else the file name.
    pub title: String,
    /// Root-relative output URL.
    pub url: String,
    /// ADR number from the file name (`0007-x.md` → 7).
    pub adr_number: Option<u32>,
    /// Rendered body, headings and links.
    pub md: RenderedMarkdown,
    /// Findings made while parsing (frontmatter-invalid).
    pub parse_findings: Vec<Diagnostic>,
    /// Domain: `domain:`, else `[[health.domains]]`, else a folder (see
    /// [`crate::domains`]); set when the handbook is loaded.
    pub domain: Option<String>,
    /// The role-matrix grid (see [`crate::matrix`]); set when the handbook is loaded.
    pub matrix: Option<std::sync::Arc<crate::matrix::RoleMatrix>>,
    /// Findings about the grid's data (unreadable, malformed).
    pub matrix_findings: Vec<Diagnostic>,
    /// A standard whose `enforced_by` names a repository path that does
    /// not exist (see [`crate::enforcement`]); set when the handbook is loaded.
    pub enforcement_missing: bool,
}

impl Page {
    /// The top folder under the content dir, if any (`runbooks`).
    pub fn top_folder(&self) -> Option<&str> {
        self.src.rel.split_once('/').map(|(f, _)| f)
    }

    /// The page's domain (see [`crate::domains`]).
    pub fn domain(&self) -> Option<&str> {
        self.domain.as_deref()
    }
}

/// Parses every source in parallel. `highlighter` decides whether code is
/// highlighted (`build`, `serve`) or left plain (`check`).
pub fn parse_pages(
    sources: Vec<SourceFile>,
    config: &Config,
    highlighter: &Highlighter,
) -> Vec<Page> {
    parse_pages_counted(
        sources,
        config,
        highlighter,
        &crate::progress::Progress::hidden(),
    )
}

/// [`parse_pages`], counting each parsed page on `progress` (the
/// `parsing N/T pages` stage of a build).
pub fn parse_pages_counted(
    sources: Vec<SourceFile>,
    config: &Config,
    highlighter: &Highlighter,
    progress: &crate::progress::Progress,
) -> Vec<Page> {
    let (partials, sources): (Vec<SourceFile>, Vec<SourceFile>) = sources
        .into_iter()
        .partition(|s| crate::discover::is_partial(&s.rel));
    let partials: HashMap<String, String> = partials.into_iter().map(|s| (s.rel, s.text)).collect();
    let known: HashSet<String> = sources.iter().map(|s| s.rel.clone()).collect();
    progress.stage("parsing", sources.len());
    let mut pages: Vec<Page> = sources
        .into_par_iter()
        .map(|src| {
            let page = parse_page_with(src, config, &known, Some(&partials), highlighter);
            progress.tick();
            page
        })
        .collect();
    pages.sort_by(|a, b| a.src.rel.cmp(&b.src.rel));
    pages
}

/// Parses one page (without partials to inline; see [`parse_page_with`]).
pub fn parse_page(
    src: SourceFile,
    config: &Config,
    known: &HashSet<String>,
    highlighter: &Highlighter,
) -> Page {
    parse_page_with(src, config, known, None, highlighter)
}

/// Parses one page; ERB `partial "x"` in it is inlined from `partials`
/// (texts by path under the content dir).
pub fn parse_page_with(
    src: SourceFile,
    config: &Config,
    known: &HashSet<String>,
    partials: Option<&HashMap<String, String>>,
    highlighter: &Highlighter,
) -> Page {
    let parsed = parse_frontmatter(&src.root_rel, &src.text);
    let mut parse_findings = parsed.findings;
    if let Some(d) = crate::discover::invalid_utf8_finding(&src) {
        parse_findings.insert(0, d);
    }
    let body = src.text.get(parsed.body_offset..).unwrap_or("");
    let cx = MarkdownContext {
        page_path: &src.rel,
        known_pages: known,
        highlighter,
        title: parsed.front.title.as_deref(),
        base_path: &config.base_path,
        pretty_urls: config.pretty_urls,
        frontmatter: src.text.get(..parsed.body_offset).unwrap_or(""),
        partials,
    };
    let md = render_markdown(body, parsed.body_line, &cx);
    if let Some(t) = &md.template_syntax {
        parse_findings.push(
            Diagnostic::new(
                "template-syntax",
                crate::diag::Severity::Info,
                &src.root_rel,
                (t.line, t.column),
                format!(
                    "template syntax left out of the page: {}",
                    names_listed(&t.names)
                ),
            )
            .with_help(
                "nothing renders it here; write the content as markdown, or keep it in a code block if it documents the syntax",
            ),
        );
    }
    let file_name = src.rel.rsplit('/').next().unwrap_or(&src.rel);
    // A folder's index page (`adr/README.md`, as adr-tools and log4brains
    // lay it out; Hugo's `_index.md`) introduces the folder; it is not one
    // of its records.
    let is_index = is_index_page(file_name);
    let inferred = || {
        let headings: Vec<String> = md.headings.iter().map(|h| h.text.clone()).collect();
        infer_kind(config, &src.rel, is_index, &headings, body)
    };
    let (kind, kind_unknown) = match parsed.front.kind.as_deref() {
        None => (inferred(), None),
        Some(k) => match Kind::parse(k) {
            Some(kind) => (kind, None),
            None => (inferred(), Some(k.to_string())),
        },
    };
    let mut front = parsed.front;
    if kind == Kind::Adr && front.status_written.is_none() {
        // An ADR without frontmatter keeps its status in the body.
        if let Some(found) = adr_status_in(body) {
            front.status = Some(
                found
                    .status
                    .map_or_else(|| found.written.to_lowercase(), str::to_owned),
            );
            front.status_written = Some(found.written);
            if front.superseded_by.is_empty() {
                front.superseded_by.extend(found.superseded_by);
            }
            if front.date.is_none() {
                front.date = adr_date_in(body);
            }
        }
    }
    let adr_number = (kind == Kind::Adr)
        .then(|| {
            file_name
                .starts_with(|c: char| c.is_ascii_digit())
                .then(|| adr_number_in(file_name))
        })
        .flatten()
        .flatten();
    let title = front
        .title
        .clone()
        .or_else(|| md.first_h1.clone())
        .unwrap_or_else(|| title_from_path(&src.rel, &config.title));
    let url = page_url_styled(&src.rel, config.pretty_urls);
    let domain = front
        .domain
        .clone()
        .or_else(|| src.rel.split_once('/').map(|(f, _)| f.to_owned()));
    Page {
        domain,
        matrix: None,
        matrix_findings: Vec::new(),
        enforcement_missing: false,
        front,
        spans: parsed.spans,
        body_line: parsed.body_line,
        kind,
        kind_unknown,
        title,
        url,
        adr_number,
        md,
        parse_findings,
        src,
    }
}

/// `a`, `b` … for a finding's message: the first ten, then how many more.
fn names_listed(names: &[String]) -> String {
    const SHOWN: usize = 10;
    let mut list: Vec<String> = names.iter().take(SHOWN).map(|n| format!("`{n}`")).collect();
    if names.len() > SHOWN {
        list.push(format!("and {} more", names.len() - SHOWN));
    }
    list.join(", ")
}

/// A title from a file name: `db-failover.md` → `Db failover`; an index
/// page takes its folder's name, or the book title at the root.
pub fn title_from_path(rel: &str, book_title: &str) -> String {
    let mut parts: Vec<&str> = rel.split('/').collect();
    let file = parts.pop().unwrap_or(rel);
    let stem = page_stem(file)
        .or_else(|| file.rsplit_once('.').map(|(s, _)| s))
        .unwrap_or(file);
    let stem = if is_index_stem(stem) {
        match parts.last() {
            Some(folder) => *folder,
            None => return book_title.to_string(),
        }
    } else {
        stem
    };
    let words = stem.replace(['-', '_'], " ");
    let mut chars = words.trim().chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => book_title.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_from_paths() {
        assert_eq!(
            title_from_path("runbooks/db-failover.md", "B"),
            "Db failover"
        );
        assert_eq!(title_from_path("README.md", "Book"), "Book");
        assert_eq!(title_from_path("adr/index.md", "Book"), "Adr");
        assert_eq!(title_from_path("adr/_index.md", "Book"), "Adr");
        assert_eq!(title_from_path("manual/on-call.html.md", "B"), "On call");
        assert_eq!(title_from_path("manual/index.html.md", "B"), "Manual");
    }
}
