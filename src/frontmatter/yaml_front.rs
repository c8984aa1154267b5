//! The YAML side of the frontmatter: where each key is written, and the
//! mapping between the `---` fences, or a finding that points at the slip.

use super::KeySpans;
use crate::diag::{Diagnostic, Severity};
use serde_yaml::{Mapping, Value};
use std::collections::BTreeMap;

/// Does this YAML text look like a block of `key: value` lines?
fn looks_like_mapping(yaml: &str) -> bool {
    yaml.lines().any(|l| {
        let l = l.trim_end();
        !l.starts_with([' ', '\t', '#', '-'])
            && l.split_once(':')
                .is_some_and(|(k, _)| !k.is_empty() && !k.contains(' ') || k.starts_with('"'))
    })
}

/// Scans unindented `key:` lines; `line0` is the file line of the YAML's first line.
pub(super) fn key_spans(yaml: &str, line0: u32) -> KeySpans {
    let mut spans = BTreeMap::new();
    let mut in_actions = false;
    let mut action_index = 0;
    for (i, l) in yaml.lines().enumerate() {
        let line = line0 + i as u32;
        if !l.starts_with([' ', '\t', '-', '#']) {
            if let Some((raw_key, after)) = l.split_once(':') {
                let k = raw_key.trim().trim_matches(['"', '\'']);
                spans.entry(k.to_string()).or_insert((line, 1));
                // Where the value starts, for findings about the value.
                let value = after.trim_start();
                if !value.is_empty() && !value.starts_with('#') {
                    let column = raw_key.chars().count()
                        + 1
                        + after[..after.len() - value.len()].chars().count()
                        + 1;
                    spans
                        .entry(format!("{k}="))
                        .or_insert((line, column as u32));
                }
                in_actions = k == "actions";
                continue;
            }
        }
        if in_actions {
            let t = l.trim_start();
            if t.starts_with("- ") || t == "-" {
                let col = (l.len() - t.len()) as u32 + 1;
                spans.insert(format!("actions[{action_index}]"), (line, col));
                action_index += 1;
            }
        }
    }
    KeySpans(spans)
}

/// Parses the YAML between the fences: `Ok(None)` when it is not a
/// frontmatter at all (`---` used as a horizontal rule twice, around
/// prose), or empty; a finding when it is broken.
pub(super) fn yaml_mapping(path: &str, yaml: &str) -> Result<Option<Mapping>, Diagnostic> {
    let value: Value = match serde_yaml::from_str(yaml) {
        Ok(v) => v,
        Err(e) => {
            if !looks_like_mapping(yaml) {
                return Ok(None);
            }
            return Err(yaml_error(path, yaml, &e));
        }
    };
    match value {
        Value::Mapping(m) => Ok(Some(m)),
        Value::Null => Ok(Some(Mapping::new())),
        _ if !looks_like_mapping(yaml) => Ok(None),
        _ => Err(Diagnostic::new(
            "frontmatter-invalid",
            Severity::Error,
            path,
            (2, 1),
            "frontmatter must be a mapping of `key: value` lines",
        )),
    }
}

/// The finding for a YAML syntax error, at its line in the file (the
/// snippet starts on file line 2), with a hint for the common slips.
fn yaml_error(path: &str, yaml: &str, e: &serde_yaml::Error) -> Diagnostic {
    let msg = e.to_string();
    let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
    // From the byte index, not libyaml's line and column: YAML also ends a
    // line at U+2028, U+2029 and U+0085, which editors and the rest of the
    // page's positions do not.
    let parser_at = e
        .location()
        .map(|l| crate::config::line_col(yaml, l.index()))
        .unwrap_or((1, 1));
    // A duplicate key is reported at the start of the mapping; point at
    // the repeated key instead.
    if let Some(l) = duplicate_key_line(yaml, &msg) {
        return Diagnostic::new(
            "frontmatter-invalid",
            Severity::Error,
            path,
            (l + 1, 1),
            format!("frontmatter is not valid YAML: {msg}"),
        )
        .with_help("remove one of the repeated keys");
    }
    let (at, message, help) = if let Some(at) = tab_indent(yaml, parser_at.0) {
        (
            at,
            "frontmatter is not valid YAML: a tab indents this line".to_string(),
            "YAML does not allow tabs for indentation; use spaces".to_string(),
        )
    } else if let Some((at, quote)) = unclosed_quote(yaml, parser_at.0) {
        (
            at,
            format!("frontmatter is not valid YAML: the value opened with {quote} here is not closed ({msg})"),
            format!("end the value with {quote} on the same line, or remove the opening {quote}"),
        )
    } else {
        (
            parser_at,
            format!("frontmatter is not valid YAML: {msg}"),
            yaml_help(&msg),
        )
    };
    Diagnostic::new(
        "frontmatter-invalid",
        Severity::Error,
        path,
        (at.0 + 1, at.1),
        message,
    )
    .with_help(help)
}

/// The first line up to `until` (snippet lines, 1-based) indented with a
/// tab: (line, column of the tab).
fn tab_indent(yaml: &str, until: u32) -> Option<(u32, u32)> {
    yaml.lines()
        .take(until as usize)
        .enumerate()
        .find_map(|(i, l)| {
            let indent = &l[..l.len() - l.trim_start().len()];
            indent
                .find('\t')
                .map(|c| (i as u32 + 1, indent[..c].chars().count() as u32 + 1))
        })
}

/// The first line up to `until` whose value opens a quote that the line
/// does not close: (line, column of the quote) and the quote.
fn unclosed_quote(yaml: &str, until: u32) -> Option<((u32, u32), &'static str)> {
    yaml.lines()
        .take(until as usize)
        .enumerate()
        .find_map(|(i, l)| {
            let (key, value) = l.split_once(": ")?;
            let v = value.trim_start();
            let quote = match v.chars().next()? {
                '"' => "`\"`",
                '\'' => "`'`",
                _ => return None,
            };
            let open = v.chars().next()?;
            let rest = &v[1..];
            let closed = if open == '"' {
                let mut escaped = false;
                rest.chars().any(|c| {
                    let end = c == '"' && !escaped;
                    escaped = c == '\\' && !escaped;
                    end
                })
            } else {
                // `''` is an escaped quote inside single quotes.
                rest.replace("''", "").contains('\'')
            };
            let column = key.chars().count() + 2 + (value.len() - v.len()) + 1;
            (!closed).then_some(((i as u32 + 1, column as u32), quote))
        })
}

/// For "duplicate entry with key \"k\"", the snippet line (1-based) of the
/// second unindented `k:`.
fn duplicate_key_line(yaml: &str, msg: &str) -> Option<u32> {
    let key = msg
        .split("duplicate entry with key \"")
        .nth(1)?
        .split('"')
        .next()?;
    yaml.lines()
        .enumerate()
        .filter(|(_, l)| {
            l.strip_prefix(key)
                .or_else(|| l.strip_prefix(&format!("\"{key}\"")))
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        })
        .nth(1)
        .map(|(i, _)| i as u32 + 1)
}

fn yaml_help(msg: &str) -> String {
    if msg.contains("tab") {
        "YAML does not allow tabs for indentation; use spaces".into()
    } else if msg.contains("duplicate") {
        "remove one of the repeated keys".into()
    } else if msg.contains("repetition limit") || msg.contains("recursion limit") {
        "the aliases (`*name`) or nesting here expand past what a page can hold; write the values out".into()
    } else {
        "fix the YAML between the `---` lines; quote values that contain `: ` or start with `@`, `*`, `&`, `[` or `{`".into()
    }
}
