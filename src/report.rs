//! Printing findings and errors: the human format (one
//! `path:line:col: severity[rule]: message` line per finding, colour only
//! on a terminal), JSON, GitHub workflow commands and SARIF 2.1.0; GitLab
//! Code Quality and JUnit XML in [`ci`].

pub mod ci;
pub mod grouped;
mod machine;

use crate::date::Date;
use crate::diag::{
    control_escape, escape_controls, escape_controls_except, Diagnostic, Severity, Summary,
};
use crate::error::{io_err, Error, Result};
use crate::repo_path::PathBase;
use std::io::{IsTerminal, Write};

pub use machine::{github_report, json_report, rule_help_uri, sarif_report, JsonReport};

/// Output formats of `handbook check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Compiler-style lines on stderr and a summary.
    Human,
    /// One JSON document on stdout.
    Json,
    /// GitHub Actions workflow commands on stdout.
    Github,
    /// SARIF 2.1.0 on stdout.
    Sarif,
    /// GitLab Code Quality JSON on stdout.
    Gitlab,
    /// JUnit XML on stdout: a test case per page, a failure per finding.
    Junit,
}

/// `--color`: when the human format uses colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, as the environment says.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

impl ColorChoice {
    /// Whether to colour, given the environment (`env` looks a variable
    /// up) and whether stderr is a terminal. Under `auto`, a non-empty
    /// `NO_COLOR` turns colour off; else `FORCE_COLOR` or `CLICOLOR_FORCE`
    /// (non-empty, not `0`) turns it on even off a terminal.
    pub fn wanted(self, env: impl Fn(&str) -> Option<String>, terminal: bool) -> bool {
        let set = |k: &str| env(k).is_some_and(|v| !v.is_empty());
        let forced = |k: &str| env(k).is_some_and(|v| !v.is_empty() && v != "0" && v != "false");
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto if set("NO_COLOR") => false,
            ColorChoice::Auto => forced("FORCE_COLOR") || forced("CLICOLOR_FORCE") || terminal,
        }
    }
}

/// Whether stderr is a terminal that wants colour (`--color auto`).
pub fn use_colour() -> bool {
    ColorChoice::Auto.wanted(
        |k| std::env::var_os(k).map(|v| v.to_string_lossy().into_owned()),
        std::io::stderr().is_terminal(),
    )
}

/// Prints a program error and its causes to stderr, control characters
/// (from a path, say) escaped; its line breaks are kept.
pub fn print_error(e: &Error) {
    let mut text = error_text(e);
    if let Error::Config {
        path, line, column, ..
    } = e
    {
        // The line the error is on, with a caret, as findings are shown.
        let source = std::fs::read_to_string(path).ok();
        if let Some(quote) = source
            .as_deref()
            .and_then(|t| quote_line(t, *line, *column))
        {
            text.push('\n');
            text.push_str(&quote);
        }
    }
    eprintln!("{}", escape_controls_except(&text, &['\n']));
}

/// Line `line` of `text` with a caret under `column` (both 1-based), in
/// the gutter layout of the human format; `None` when the line is unknown.
pub fn quote_line(text: &str, line: u32, column: u32) -> Option<String> {
    let src = text.lines().nth((line as usize).checked_sub(1)?)?;
    let number = line.to_string();
    let pad = " ".repeat(number.len());
    let before: String = src
        .chars()
        .take((column as usize).saturating_sub(1))
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    Some(format!("{pad} |\n{number} | {src}\n{pad} | {before}^"))
}

/// A program error and its causes, one per line. A cause the message
/// already quotes (an I/O error after its path) is not repeated.
pub fn error_text(e: &Error) -> String {
    let mut text = format!("error: {e}");
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let cause = s.to_string();
        if !text.contains(&cause) {
            text.push_str("\n  caused by: ");
            text.push_str(&cause);
        }
        source = s.source();
    }
    text
}

fn paint(text: &str, code: &str, colour: bool) -> String {
    if colour {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

/// Looks up the text of a file a finding points at (by its path relative
/// to the handbook root), so the human format can quote the line.
pub trait SourceText {
    /// The whole text of `path`, if known.
    fn text(&self, path: &str) -> Option<&str>;
}

/// No sources: findings print without a quoted line.
pub struct NoSources;

impl SourceText for NoSources {
    fn text(&self, _: &str) -> Option<&str> {
        None
    }
}

impl SourceText for std::collections::BTreeMap<String, String> {
    fn text(&self, path: &str) -> Option<&str> {
        self.get(path).map(String::as_str)
    }
}

/// One finding in the human format: the `path:line:col: severity[rule]:
/// message` line editors and CI problem matchers parse, then (when the
/// source is known) the line itself with a caret under the column, then
/// the help line. Control and bidi characters from the content (in the
/// path, message, help and quoted line) are escaped, as `\x1b` or
/// `\u{202e}`, so a page cannot drive the terminal.
pub fn human_line(d: &Diagnostic, colour: bool, sources: &dyn SourceText) -> String {
    let line_text = sources
        .text(&d.path)
        .and_then(|t| t.lines().nth((d.line as usize).checked_sub(1)?));
    human_line_quoting(d, colour, line_text)
}

/// [`human_line`] with the finding's source line already looked up.
fn human_line_quoting(d: &Diagnostic, colour: bool, line_text: Option<&str>) -> String {
    let (sev, code) = match d.severity {
        Severity::Error => ("error", "1;31"),
        Severity::Warning => ("warning", "1;33"),
        Severity::Info => ("info", "1;36"),
    };
    let mut s = format!(
        "{}:{}:{}: {}[{}]: {}",
        escape_controls(&d.path),
        d.line,
        d.column,
        paint(sev, code, colour),
        d.rule,
        escape_controls(&d.message)
    );
    let line_text = line_text.map(|l| l.trim_end_matches('\r'));
    let gutter = " ".repeat(d.line.to_string().len());
    if let Some(text) = line_text {
        // Shown width of each character: an escaped one takes its escape's.
        let shown = |c: char| control_escape(c).map_or(1, |e| e.chars().count());
        let text: String = text.chars().take(200).collect();
        let col = (d.column as usize).saturating_sub(1);
        let width = text
            .chars()
            .skip(col)
            .take_while(|c| !c.is_whitespace() && *c != ':')
            .map(shown)
            .sum::<usize>()
            .max(1);
        let pad: String = text
            .chars()
            .take(col)
            .map(|c| {
                if c == '\t' {
                    "\t".into()
                } else {
                    " ".repeat(shown(c))
                }
            })
            .collect();
        let text = escape_controls(&text);
        let bar = paint("|", "1;34", colour);
        s.push_str(&format!("\n {gutter} {bar}\n {} {bar} {text}", d.line));
        s.push_str(&format!(
            "\n {gutter} {bar} {pad}{}",
            paint(&"^".repeat(width), code, colour)
        ));
    }
    if let Some(h) = &d.help {
        s.push_str(&format!(
            "\n {gutter} = {}: {}",
            paint("help", "1", colour),
            escape_controls(h)
        ));
    }
    s
}

/// The lines of one source file, found once for all its findings: a file
/// with many findings (thousands of links on one long line) is not scanned
/// again from the top for each.
struct SourceLines<'s> {
    text: &'s str,
    /// Byte offset where each line starts (after each `\n`).
    starts: Vec<usize>,
}

impl<'s> SourceLines<'s> {
    fn new(text: &'s str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        SourceLines { text, starts }
    }

    /// Line `n` (1-based) as `str::lines` gives it.
    fn line(&self, n: u32) -> Option<&'s str> {
        let i = (n as usize).checked_sub(1)?;
        let start = *self.starts.get(i)?;
        if start >= self.text.len() {
            return None;
        }
        let end = self.starts.get(i + 1).map_or(self.text.len(), |e| e - 1);
        self.text.get(start..end)
    }
}

/// Prints findings in the human format to stderr, a blank line between files.
pub fn print_human(findings: &[Diagnostic], colour: bool, sources: &dyn SourceText) {
    let stderr = std::io::stderr();
    let mut w = stderr.lock();
    let mut last_path: Option<&str> = None;
    let mut lines: Option<SourceLines<'_>> = None;
    for d in findings {
        if last_path != Some(d.path.as_str()) {
            if last_path.is_some() {
                let _ = writeln!(w);
            }
            lines = sources.text(&d.path).map(SourceLines::new);
        }
        last_path = Some(&d.path);
        let line_text = lines.as_ref().and_then(|l| l.line(d.line));
        let _ = writeln!(w, "{}", human_line_quoting(d, colour, line_text));
    }
}

/// Sources looked up by reported path: the base's prefix is taken off
/// before asking the handbook-relative `inner`.
struct ShownSources<'a> {
    base: &'a PathBase,
    inner: &'a dyn SourceText,
}

impl SourceText for ShownSources<'_> {
    fn text(&self, path: &str) -> Option<&str> {
        self.inner.text(self.base.handbook_rel(path)?)
    }
}

/// What a report says besides its findings.
pub struct ReportCx<'a> {
    /// Pages checked.
    pub pages: usize,
    /// The date staleness was measured against.
    pub today: Date,
    /// Text of the files findings point at, by handbook-relative path.
    pub sources: &'a dyn SourceText,
    /// What reported paths are relative to.
    pub base: &'a PathBase,
    /// Every page's handbook-relative path (JUnit's test cases).
    pub pages_checked: &'a [String],
    /// Colour the human format.
    pub colour: bool,
}

/// Prints findings (with handbook-relative paths) in the human format,
/// their paths shown relative to `base`.
pub fn print_human_from(
    findings: &[Diagnostic],
    colour: bool,
    sources: &dyn SourceText,
    base: &PathBase,
) {
    let shown = shown_paths(findings, base);
    print_human(
        &shown,
        colour,
        &ShownSources {
            base,
            inner: sources,
        },
    );
}

/// `findings` with their paths as shown relative to `base`.
fn shown_paths(findings: &[Diagnostic], base: &PathBase) -> Vec<Diagnostic> {
    findings
        .iter()
        .map(|d| Diagnostic {
            path: base.show(&d.path),
            ..d.clone()
        })
        .collect()
}

/// Prints `build`'s findings (with handbook-relative paths) grouped by
/// rule and capped as `opts` says ([`grouped::grouped_text`]), their
/// paths shown relative to `base`, on stderr.
pub fn print_grouped_from(
    findings: &[Diagnostic],
    sources: &dyn SourceText,
    base: &PathBase,
    opts: grouped::GroupedOptions,
) {
    let shown = shown_paths(findings, base);
    let text = grouped::grouped_text(
        &shown,
        &ShownSources {
            base,
            inner: sources,
        },
        opts,
    );
    let stderr = std::io::stderr();
    let _ = stderr.lock().write_all(text.as_bytes());
}

/// Prints the report in `format`: human to stderr, the others to stdout.
/// `findings` carry handbook-relative paths; every format shows them
/// relative to `cx.base`.
pub fn print(format: Format, findings: &[Diagnostic], cx: &ReportCx<'_>) -> Result<()> {
    let shown: Vec<Diagnostic> = findings
        .iter()
        .map(|d| Diagnostic {
            path: cx.base.show(&d.path),
            ..d.clone()
        })
        .collect();
    let findings = &shown[..];
    let (pages, today) = (cx.pages, cx.today);
    let sources = &ShownSources {
        base: cx.base,
        inner: cx.sources,
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let text = match format {
        Format::Human => {
            print_human(findings, cx.colour, sources);
            eprintln!("checked {pages} pages: {}", Summary::of(findings));
            return Ok(());
        }
        Format::Json => {
            serde_json::to_string_pretty(&json_report(findings, pages, today)).unwrap_or_default()
                + "\n"
        }
        Format::Github => github_report(findings),
        Format::Gitlab => {
            serde_json::to_string_pretty(&ci::gitlab_report(findings)).unwrap_or_default() + "\n"
        }
        Format::Junit => {
            let files: Vec<String> = cx.pages_checked.iter().map(|p| cx.base.show(p)).collect();
            ci::junit_report(findings, &files)
        }
        Format::Sarif => {
            serde_json::to_string_pretty(&sarif_report(findings, &cx.base.base_uri()))
                .unwrap_or_default()
                + "\n"
        }
    };
    out.write_all(text.as_bytes()).map_err(io_err("<stdout>"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_escapes_properties_and_newlines() {
        let d = Diagnostic::new(
            "owner-missing",
            Severity::Error,
            "src/a,b.md",
            (3, 4),
            "no owners\nat all",
        )
        .with_help("add owners");
        let s = github_report(&[d]);
        assert_eq!(s, "::error file=src/a%2Cb.md,line=3,col=4,title=owner-missing::no owners%0Aat all%0Aadd owners\n");
    }

    #[test]
    fn colour_follows_the_flag_then_no_color_then_force_then_the_terminal() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                vars.iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        use ColorChoice::*;
        assert!(Auto.wanted(env(&[]), true));
        assert!(!Auto.wanted(env(&[]), false));
        assert!(!Auto.wanted(env(&[("NO_COLOR", "1")]), true));
        assert!(
            Auto.wanted(env(&[("NO_COLOR", "")]), true),
            "empty NO_COLOR is unset"
        );
        assert!(Auto.wanted(env(&[("FORCE_COLOR", "1")]), false));
        assert!(Auto.wanted(env(&[("CLICOLOR_FORCE", "1")]), false));
        assert!(!Auto.wanted(env(&[("FORCE_COLOR", "0")]), false));
        assert!(!Auto.wanted(env(&[("NO_COLOR", "1"), ("FORCE_COLOR", "1")]), false));
        assert!(Always.wanted(env(&[("NO_COLOR", "1")]), false));
        assert!(!Never.wanted(env(&[("FORCE_COLOR", "1")]), true));
    }

    #[test]
    fn source_lines_are_the_lines_str_lines_gives() {
        for text in [
            "",
            "\n",
            "a",
            "a\n",
            "a\nb",
            "a\r\nb\r\n",
            "a\r\r\n\n\nb\rc\n",
        ] {
            let lines = SourceLines::new(text);
            for n in 0..8 {
                let want = (n as usize)
                    .checked_sub(1)
                    .and_then(|i| text.lines().nth(i))
                    .map(|l| l.trim_end_matches('\r'));
                let got = lines.line(n).map(|l| l.trim_end_matches('\r'));
                assert_eq!(got, want, "{text:?} line {n}");
            }
        }
    }

    #[test]
    fn human_format_escapes_control_characters_from_the_content() {
        let title = "Evil\u{1b}[2J\u{7}\u{9b}31m\u{202e}txt.exe\ttab";
        let line = format!("title: \"{title}\"");
        let d = Diagnostic::new(
            "title-bad",
            Severity::Error,
            "src/\u{1b}]0;pwned\u{7}.md",
            (1, 8),
            format!("title `{title}`\nsrc/x.md:1:1: error[fake]: forged"),
        )
        .with_help("fix \u{2066}it\u{2069}");
        let mut sources = std::collections::BTreeMap::new();
        sources.insert(d.path.clone(), line.clone());
        let out = human_line(&d, false, &sources);
        assert!(
            !out.chars()
                .any(|c| c != '\n' && c != '\t' && crate::diag::is_unsafe_for_terminal(c)),
            "{out:?}"
        );
        assert_eq!(
            out.lines().count(),
            5,
            "one line per part, none forged: {out}"
        );
        assert!(out.starts_with("src/\\x1b]0;pwned\\x07.md:1:8: error[title-bad]: title `Evil\\x1b[2J\\x07\\x9b31m\\u{202e}txt.exe\ttab`\\x0asrc/x.md"), "{out}");
        assert!(out.ends_with("= help: fix \\u{2066}it\\u{2069}"), "{out}");
        // The caret sits under the first character of the value, past the
        // escapes before it.
        let quoted: Vec<&str> = out.lines().collect();
        let text_at = quoted[2].find("title:").unwrap();
        let caret_at = quoted[3].find('^').unwrap();
        assert_eq!(caret_at - text_at, "title: ".len());
        let d = Diagnostic::new("x", Severity::Error, "a.md", (1, 9), "m");
        let mut sources = std::collections::BTreeMap::new();
        sources.insert("a.md".to_owned(), "ab\u{1b}c\u{202e}de fgh".to_owned());
        let out = human_line(&d, false, &sources);
        let quoted: Vec<&str> = out.lines().collect();
        // `fgh` is column 9: after `ab\x1bc\u{202e}de `.
        let caret_at = quoted[3].find('^').unwrap();
        assert_eq!(&quoted[2][caret_at..], "fgh", "{out}");
    }

    #[test]
    fn github_format_has_no_raw_control_characters() {
        let d = Diagnostic::new(
            "owner-unknown",
            Severity::Warning,
            "src/a\u{1b}:b,c%.md",
            (2, 3),
            "owner `\u{1b}[2J\u{85}\u{202e}` line\r\nbreak 100%",
        )
        .with_help("add it");
        let s = github_report(&[d]);
        assert_eq!(
            s,
            "::warning file=src/a\\x1b%3Ab%2Cc%25.md,line=2,col=3,title=owner-unknown::owner `\\x1b[2J\\x85\\u{202e}` line%0D%0Abreak 100%25%0Aadd it\n"
        );
    }
}
