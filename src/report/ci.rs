//! The reports CI servers read besides GitHub's: GitLab Code Quality JSON
//! and JUnit XML. Pure functions from findings (paths already relative
//! to the reporting base) to text; nothing here prints.

use crate::diag::{escape_controls_except, Diagnostic, Severity};
use serde_json::json;
use std::collections::BTreeMap;

/// GitLab's severity for a finding: errors block a merge request's
/// quality gate as `major`, warnings are `minor`, infos `info`.
fn gitlab_severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Info => "info",
    }
}

/// 128-bit FNV-1a as 32 hex digits: the same bytes give the same
/// fingerprint on every run and platform.
fn fnv128_hex(bytes: &[u8]) -> String {
    const PRIME: u128 = 0x0000000001000000000000000000013B;
    let mut h: u128 = 0x6c62272e07bb014262b821756295c58d;
    for &b in bytes {
        h ^= u128::from(b);
        h = h.wrapping_mul(PRIME);
    }
    format!("{h:032x}")
}

/// Fingerprints that stay the same across runs and line moves: made from
/// the rule, the path and the message with its numbers masked (as the
/// baseline matches findings), plus which copy of such a finding in the
/// file this is, so that two alike findings stay two.
fn fingerprints(findings: &[Diagnostic]) -> Vec<String> {
    let mut seen: BTreeMap<(&str, &str, String), usize> = BTreeMap::new();
    findings
        .iter()
        .map(|d| {
            let key = crate::baseline::message_key(&d.message);
            let n = seen.entry((d.rule, &d.path, key.clone())).or_insert(0);
            *n += 1;
            fnv128_hex(format!("{}\0{}\0{key}\0{n}", d.rule, d.path).as_bytes())
        })
        .collect()
}

/// The GitLab Code Quality report: a JSON array, one issue per finding.
pub fn gitlab_report(findings: &[Diagnostic]) -> serde_json::Value {
    let issues: Vec<_> = findings
        .iter()
        .zip(fingerprints(findings))
        .map(|(d, fingerprint)| {
            let description = match &d.help {
                Some(h) => format!("{} (help: {h})", d.message),
                None => d.message.clone(),
            };
            json!({
                "description": description,
                "check_name": d.rule,
                "fingerprint": fingerprint,
                "severity": gitlab_severity(d.severity),
                "location": {"path": d.path, "lines": {"begin": d.line}}
            })
        })
        .collect();
    serde_json::Value::Array(issues)
}

/// Text made safe for XML 1.0: markup characters as entities, and the
/// characters XML cannot hold (C0 controls but tab and line breaks), as
/// well as C1 and bidi controls, as visible escapes like `\x1b`.
fn xml_escape(s: &str) -> String {
    let visible = escape_controls_except(s, &['\t', '\n', '\r']);
    let mut out = String::with_capacity(visible.len());
    for c in visible.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}

/// The JUnit XML report: one test case per page (and per other file a
/// finding points at, such as book.toml), one failure per finding.
/// `files` are every page's path, as reported.
pub fn junit_report(findings: &[Diagnostic], files: &[String]) -> String {
    let mut by_file: BTreeMap<&str, Vec<&Diagnostic>> =
        files.iter().map(|f| (f.as_str(), Vec::new())).collect();
    for d in findings {
        by_file.entry(&d.path).or_default().push(d);
    }
    let tests = by_file.len();
    let failed = by_file.values().filter(|f| !f.is_empty()).count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"handbook\" tests=\"{tests}\" failures=\"{failed}\" errors=\"0\">\n"
    ));
    out.push_str(&format!(
        "  <testsuite name=\"handbook check\" tests=\"{tests}\" failures=\"{failed}\" errors=\"0\" skipped=\"0\">\n"
    ));
    for (file, found) in &by_file {
        let file = xml_escape(file);
        let open = format!("    <testcase classname=\"handbook\" name=\"{file}\" file=\"{file}\"");
        if found.is_empty() {
            out.push_str(&open);
            out.push_str("/>\n");
            continue;
        }
        out.push_str(&open);
        out.push_str(">\n");
        for d in found {
            let severity = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "info",
            };
            let mut body = format!(
                "{}:{}:{}: {severity}[{}]: {}",
                d.path, d.line, d.column, d.rule, d.message
            );
            if let Some(h) = &d.help {
                body.push_str(&format!("\nhelp: {h}"));
            }
            out.push_str(&format!(
                "      <failure type=\"{}\" message=\"{}\">{}</failure>\n",
                xml_escape(d.rule),
                xml_escape(&format!("{severity}: {}", d.message)),
                xml_escape(&body)
            ));
        }
        out.push_str("    </testcase>\n");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(path: &str, line: u32, message: &str) -> Diagnostic {
        Diagnostic::new("link-broken", Severity::Error, path, (line, 3), message)
    }

    #[test]
    fn fingerprints_survive_line_moves_and_day_counts_but_not_other_targets() {
        let a = fingerprints(&[d("a.md", 3, "no page x.md, 40 days")]);
        let moved = fingerprints(&[d("a.md", 9, "no page x.md, 41 days")]);
        let other = fingerprints(&[d("a.md", 3, "no page y.md, 40 days")]);
        assert_eq!(a, moved);
        assert_ne!(a, other);
        let twice = fingerprints(&[d("a.md", 3, "no page x.md"), d("a.md", 5, "no page x.md")]);
        assert_ne!(twice[0], twice[1], "two alike findings stay two issues");
    }

    #[test]
    fn xml_escapes_markup_and_characters_xml_cannot_hold() {
        assert_eq!(
            xml_escape("a<b>&\"c'\u{1b}[2J\u{0}\r\n\t"),
            "a&lt;b&gt;&amp;&quot;c&apos;\\x1b[2J\\x00&#13;\n\t"
        );
    }
}
