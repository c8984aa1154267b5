//! Fuzz targets: one function per input format a handbook reads, each
//! feeding arbitrary bytes through the same library entry points the
//! pipeline uses and asserting what must hold for any input.
//!
//! Owns: the target bodies shared by `fuzz/fuzz_targets/*.rs` (cargo-fuzz,
//! nightly) and `tests/fuzz.rs` (seeded random inputs on every `cargo test`),
//! so both run the same code. Must not read or write the disk (config
//! parsing only asks whether folders named in `book.toml` exist), and must
//! not be used by the pipeline.
//!
//! A target returns normally when the input was handled correctly, whatever
//! findings or errors it gave, and panics when an invariant is broken:
//! - nothing panics on user input (errors are returned, findings reported);
//! - every finding's and error's line and column lie inside the input
//!   (1-based; column at most the line's characters + 1; or the start of
//!   the line after the last, where parsers put the end of input; `0:0`
//!   only where the error says "unknown");
//! - text that the page writes in frontmatter reaches the HTML escaped: a
//!   rendered page has no more `<script`/`</script` tags than the theme's
//!   own plus those its markdown produced, and markdown produces no more
//!   than its input holds (raw HTML passes through, as documented);
//! - rendering is deterministic, and CODEOWNERS's last matching rule wins.
//!
//! Timing (a call must finish, and quickly) is checked by the caller.

#![doc(hidden)]

use std::collections::HashSet;
use std::path::Path;
use std::sync::LazyLock;

use crate::config::{parse_config, Config};
use crate::date::Date;
use crate::diag::Diagnostic;
use crate::discover::{decode, SourceFile};
use crate::error::Error;
use crate::frontmatter::parse_frontmatter;
use crate::handbook::Handbook;
use crate::markdown::{page_url, render_markdown, Highlighter, MarkdownContext};
use crate::owners::{parse_registry, CodeOwners};
use crate::page::parse_page;
use crate::render::{render_to_map, Theme};

/// A fuzz target: takes any bytes, panics when an invariant breaks.
pub type Target = fn(&[u8]);

/// Every target by name, as `tests/fuzz.rs` and `fuzz/` name them.
pub const TARGETS: [(&str, Target); 5] = [
    ("frontmatter", frontmatter),
    ("markdown", markdown),
    ("book_toml", book_toml),
    ("owners_yaml", owners_yaml),
    ("codeowners", codeowners),
];

/// The handbook root the targets pretend to read from. It does not exist,
/// so `book.toml` paths resolve but nothing is found there.
const ROOT: &str = "/nonexistent-handbook-fuzz-root";

/// The content path of the page the `frontmatter` target builds.
const PAGE_REL: &str = "runbooks/fuzz.md";

/// "Today" for the rules: fixed, so findings are deterministic.
fn today() -> Date {
    Date::from_ymd(2026, 6, 1).expect("a valid date")
}

/// The configuration of an empty `book.toml`.
static CONFIG: LazyLock<Config> = LazyLock::new(|| {
    parse_config(Path::new(ROOT), &Path::new(ROOT).join("book.toml"), "")
        .expect("an empty book.toml parses")
});

/// The embedded default theme, loaded once.
static THEME: LazyLock<Theme> =
    LazyLock::new(|| Theme::load(None).expect("the embedded theme loads"));

/// Highlights code like `build` does (without keeping a cache).
static HIGHLIGHTER: LazyLock<Highlighter> = LazyLock::new(Highlighter::uncached);

/// `<script` and `</script` tags (any case) on a page whose body renders to
/// nothing: the theme's own.
static THEME_SCRIPT_TAGS: LazyLock<(usize, usize)> = LazyLock::new(|| {
    let page = render_page(b"---\ntitle: Baseline\nowners: [a]\n---\n");
    script_tags(&page.html)
});

/// `(opening, closing)` script tags in `html`, in any letter case.
fn script_tags(html: &str) -> (usize, usize) {
    let lower = html.to_ascii_lowercase();
    (
        lower.matches("<script").count(),
        lower.matches("</script").count(),
    )
}

/// The width in characters of each line of `text`, as `str::lines` splits
/// it (LF and CRLF end a line) or, with `lone_cr`, as CommonMark and YAML
/// do (a lone CR ends one too).
fn line_widths(text: &str, lone_cr: bool) -> Vec<u32> {
    let mut widths = Vec::new();
    let mut width = 0u32;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let ends = c == '\n' || (lone_cr && c == '\r' && chars.peek() != Some(&'\n'));
        if ends {
            widths.push(width);
            width = 0;
        } else {
            width += 1;
        }
    }
    if width > 0 {
        widths.push(width);
    }
    widths
}

/// Whether `(line, column)` is a position in a text with lines of these
/// widths: on a line, at most one past its last character, or at the start
/// of the line after the last (where parsers report the end of input).
fn is_inside(widths: &[u32], line: u32, column: u32) -> bool {
    if line == 0 || column == 0 {
        return false;
    }
    match widths.get(line as usize - 1) {
        Some(w) => column <= w + 1,
        None => line as usize == widths.len() + 1 && column == 1,
    }
}

/// Asserts that `(line, column)` is a position in `text` (1-based; see
/// [`is_inside`]). Lines are counted either way a lone CR may be read:
/// the markdown renderer and YAML end a line there, `str::lines` does not.
#[track_caller]
fn assert_inside(text: &str, line: u32, column: u32, what: &dyn std::fmt::Display) {
    let lf = line_widths(text, false);
    if is_inside(&lf, line, column) || is_inside(&line_widths(text, true), line, column) {
        return;
    }
    match lf.get((line as usize).wrapping_sub(1)) {
        Some(w) => panic!(
            "position {line}:{column} is past the end of line {line} ({w} characters): {what}"
        ),
        None => panic!(
            "position {line}:{column} is outside the input ({} lines): {what}",
            lf.len()
        ),
    }
}

/// Asserts that every finding about `path` lies inside `text`.
#[track_caller]
fn assert_findings_inside(text: &str, path: &str, findings: &[Diagnostic]) {
    for d in findings.iter().filter(|d| d.path == path) {
        assert_inside(text, d.line, d.column, d);
    }
}

/// Asserts that a config error's position lies inside `text`, or is the
/// documented "unknown" `0:0`.
#[track_caller]
fn assert_error_inside(text: &str, e: &Error) {
    match e {
        Error::Config { line, column, .. } => {
            if (*line, *column) != (0, 0) {
                assert_inside(text, *line, *column, e);
            }
        }
        other => panic!("expected a config error, got: {other}"),
    }
}

/// One page rendered through the whole pipeline, in memory.
struct RenderedPage {
    /// The page's text as the pipeline read it (BOM removed, lossy UTF-8).
    text: String,
    /// Its findings (parse and rules), severities applied.
    findings: Vec<Diagnostic>,
    /// The markdown body's HTML.
    body_html: String,
    /// The page's HTML file.
    html: String,
}

/// Reads `data` as the file `src/runbooks/fuzz.md` of a handbook with an
/// empty `book.toml`, and runs the pipeline on it in memory: parse, rules,
/// view, render with the default theme.
fn render_page(data: &[u8]) -> RenderedPage {
    let config = &*CONFIG;
    let (text, invalid_utf8_at) = decode(data.to_vec());
    let src = SourceFile {
        rel: PAGE_REL.to_string(),
        root_rel: format!("src/{PAGE_REL}"),
        text,
        invalid_utf8_at,
    };
    let known: HashSet<String> = HashSet::from([PAGE_REL.to_string()]);
    let page = parse_page(src, config, &known, &HIGHLIGHTER);
    let text = page.src.text.clone();
    let body_html = page.md.html.to_string();
    let h = Handbook {
        config: config.clone(),
        registry: Default::default(),
        codeowners: Default::default(),
        pages: vec![page],
        assets: Vec::new(),
        config_findings: Vec::new(),
        summary: None,
        history: Default::default(),
    };
    let ev = crate::rules::run_rules(&h, today());
    let site = crate::view::site_view(&h, &ev, today());
    let files = match render_to_map(&site, &THEME, "") {
        Ok(files) => files,
        Err(e) => panic!("rendering failed: {e}"),
    };
    let url = page_url(PAGE_REL);
    let html = files
        .get(&url)
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .unwrap_or_else(|| panic!("no {url} among the rendered files"));
    RenderedPage {
        text,
        findings: ev.all_findings(),
        body_html,
        html,
    }
}

/// A markdown page with frontmatter, from bytes (BOM, invalid UTF-8 and
/// all), through the whole pipeline to its HTML file.
pub fn frontmatter(data: &[u8]) {
    let (text, _) = decode(data.to_vec());
    let parsed = parse_frontmatter("fuzz.md", &text);
    assert!(
        parsed.body_offset <= text.len() && text.is_char_boundary(parsed.body_offset),
        "body offset {} is not a character boundary of the text",
        parsed.body_offset
    );
    if parsed.body_offset < text.len() {
        let (line, _) = crate::config::line_col(&text, parsed.body_offset);
        assert_eq!(
            parsed.body_line, line,
            "body_line does not match the line of the body offset"
        );
    }
    assert_findings_inside(&text, "fuzz.md", &parsed.findings);

    let page = render_page(data);
    assert_findings_inside(&page.text, &format!("src/{PAGE_REL}"), &page.findings);
    let (open, close) = script_tags(&page.html);
    let (body_open, body_close) = script_tags(&page.body_html);
    let (theme_open, theme_close) = *THEME_SCRIPT_TAGS;
    assert!(
        open <= theme_open + body_open && close <= theme_close + body_close,
        "the page has {open} <script and {close} </script tags, but the theme has {theme_open}/{theme_close} and the body {body_open}/{body_close}: frontmatter text reached the HTML unescaped"
    );
}

/// A markdown body (no frontmatter handling) rendered to HTML, with code
/// highlighted.
pub fn markdown(data: &[u8]) {
    let (text, _) = decode(data.to_vec());
    let known: HashSet<String> = HashSet::from([PAGE_REL.to_string()]);
    let cx = MarkdownContext {
        page_path: PAGE_REL,
        known_pages: &known,
        highlighter: &HIGHLIGHTER,
        title: None,
        base_path: "/",
        pretty_urls: false,
        frontmatter: "",
        partials: None,
    };
    let md = render_markdown(&text, 1, &cx);
    for h in &md.headings {
        assert_inside(&text, h.line, h.column, &format_args!("heading {h:?}"));
    }
    for l in &md.links {
        assert_inside(&text, l.line, l.column, &format_args!("link {l:?}"));
    }
    let (open, close) = script_tags(&md.html);
    let (in_open, in_close) = script_tags(&text);
    assert!(
        open <= in_open && close <= in_close,
        "the HTML has {open} <script and {close} </script tags, the input only {in_open}/{in_close}"
    );
    let again = render_markdown(&text, 1, &cx);
    assert!(again == md, "rendering the same markdown twice differs");
}

/// `book.toml` text parsed into a configuration.
pub fn book_toml(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let root = Path::new(ROOT);
    match parse_config(root, &root.join("book.toml"), &text) {
        Ok(config) => assert_findings_inside(&text, "book.toml", &config.findings),
        Err(e) => assert_error_inside(&text, &e),
    }
}

/// `owners.yaml` text parsed into the owners registry, and every owner in
/// it resolved.
pub fn owners_yaml(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let path = Path::new(ROOT).join("owners.yaml");
    // Positions count from after a BOM, as editors show them.
    let shown = text.trim_start_matches('\u{feff}');
    match parse_registry(&path, "owners.yaml", &text) {
        Ok((registry, findings)) => {
            assert_findings_inside(shown, "owners.yaml", &findings);
            for id in registry.teams.keys().chain(registry.people.keys()) {
                let owner = registry.resolve(id);
                let _ = registry.label(&owner);
                let _ = registry.active_people(&owner);
            }
        }
        Err(e) => assert_error_inside(shown, &e),
    }
}

/// CODEOWNERS text parsed, and paths (fixed ones and ones made from its
/// patterns) matched against it.
pub fn codeowners(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let c = CodeOwners::parse(&text);
    // Paths of files: never empty (an empty path names no file, and the
    // matcher answers only for files).
    let mut paths: Vec<String> = [
        "README.md",
        "src/runbooks/db-failover.md",
        "docs/handbook/src/adr/0007-use-postgres.md",
        "a/b/c/d/e/f/g.md",
    ]
    .map(String::from)
    .to_vec();
    for line in text.lines().take(64) {
        if let Some(pattern) = line.split_whitespace().next() {
            let p = pattern.trim_matches('/').replace(['*', '?'], "x");
            paths.push(format!("{p}/page.md"));
            if !p.is_empty() {
                paths.push(p);
            }
        }
    }
    for p in &paths {
        for owner in c.owners_of(p) {
            assert!(
                !owner.is_empty() && !owner.contains(char::is_whitespace),
                "owner {owner:?} of {p:?} is empty or has spaces"
            );
        }
    }
    let last = CodeOwners::parse(&format!("{text}\n* @fuzz-last\n"));
    for p in &paths {
        assert_eq!(
            last.owners_of(p),
            ["@fuzz-last"],
            "a final `*` rule must win for {p:?}"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_inside_and_outside_the_input() {
        let lf = line_widths("ab\ncd\r\n", false);
        assert_eq!(lf, vec![2, 3]);
        assert!(is_inside(&lf, 1, 3));
        assert!(!is_inside(&lf, 1, 4));
        assert!(is_inside(&lf, 3, 1), "the end of input");
        assert!(!is_inside(&lf, 3, 2));
        assert!(!is_inside(&lf, 0, 1));
        assert_eq!(line_widths("a\rb", true), vec![1, 1]);
        assert_eq!(line_widths("", false), Vec::<u32>::new());
        assert!(is_inside(&[], 1, 1));
    }

    #[test]
    #[should_panic(expected = "outside the input")]
    fn a_position_past_the_end_fails() {
        assert_inside("a\nb", 4, 1, &"finding");
    }

    #[test]
    fn script_tags_are_counted_in_any_case() {
        assert_eq!(script_tags("<SCRIPT src=x></Script>&lt;script>"), (1, 1));
    }

    #[test]
    fn every_target_takes_its_seed_shapes() {
        // Frontmatter text that must be escaped, and a body that may hold
        // raw HTML: the page check tells them apart.
        frontmatter(b"---\ntitle: \"<script>alert(1)</script>\"\n---\n<script>ok()</script>\n");
        markdown(b"# T {#<script>}\n\n```js\n</script>\n```\n");
        book_toml(b"[book]\ntitle = 1\n");
        owners_yaml(b"teams: [");
        codeowners(b"docs/** @a\n");
    }
}
