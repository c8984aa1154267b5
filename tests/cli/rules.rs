//! Every rule on one handbook (`tests/fixtures/check/every-rule`): each
//! fires exactly where expected, the clean pages stay clean, and the four
//! output formats match their golden files. Also `--changed-since`.

use crate::harness::{findings_of, HandbookTest, TODAY};
use std::path::Path;
use std::process::Command;

/// (rule, path, line) of every expected finding; nothing else may fire.
const EXPECTED: [(&str, &str, u64); 33] = [
    ("config-unknown-key", "book.toml", 3),
    ("adr-status-invalid", "src/adr/0001-status-invalid.md", 3),
    ("adr-number-duplicate", "src/adr/0002-a.md", 1),
    ("adr-number-duplicate", "src/adr/0002-b.md", 1),
    (
        "adr-supersedes-missing",
        "src/adr/0003-supersedes-missing.md",
        4,
    ),
    (
        "adr-supersede-inconsistent",
        "src/adr/0004-inconsistent.md",
        4,
    ),
    ("adr-supersede-cycle", "src/adr/0006-cycle.md", 4),
    ("adr-proposed-stale", "src/adr/0008-proposed-stale.md", 3),
    (
        "frontmatter-invalid",
        "src/guides/frontmatter-invalid.md",
        4,
    ),
    ("kind-unknown", "src/guides/kind-unknown.md", 4),
    ("link-broken", "src/guides/links.md", 7),
    ("anchor-broken", "src/guides/links.md", 8),
    ("owner-inactive", "src/guides/owner-inactive.md", 3),
    ("owner-missing", "src/guides/owner-missing.md", 1),
    ("owner-single", "src/guides/owner-single.md", 3),
    ("owner-unknown", "src/guides/owner-unknown.md", 3),
    ("review-due-soon", "src/guides/review-due-soon.md", 3),
    ("review-future", "src/guides/review-future.md", 3),
    ("review-missing", "src/guides/review-missing.md", 1),
    ("review-stale", "src/guides/review-stale.md", 3),
    ("action-unowned", "src/runbooks/actions.md", 6),
    ("action-overdue", "src/runbooks/actions.md", 8),
    (
        "runbook-section-missing",
        "src/runbooks/section-missing.md",
        6,
    ),
    ("standard-unenforced", "src/standards/unenforced.md", 1),
    (
        "standard-enforcement-missing",
        "src/standards/enforcement-missing.md",
        4,
    ),
    ("runbook-unexercised", "src/runbooks/unexercised.md", 4),
    (
        "incident-closed-unverified",
        "src/incidents/closed-unverified.md",
        3,
    ),
    (
        "incident-mitigated-open",
        "src/incidents/mitigated-open.md",
        4,
    ),
    (
        "incident-runbook-missing",
        "src/incidents/runbook-missing.md",
        5,
    ),
    ("incident-repeat", "src/incidents/repeat.md", 6),
    ("action-unverified", "src/incidents/action-unverified.md", 8),
    ("role-matrix-incomplete", "src/roles/incomplete.yaml", 7),
    ("template-syntax", "src/guides/template-syntax.md", 8),
];

#[test]
fn every_rule_fires_on_its_page_and_nowhere_else() {
    let t = HandbookTest::fixture("check/every-rule");
    let (code, findings) = t.check_json();
    assert_eq!(code, 1);
    let mut got: Vec<(String, String, u64)> = findings
        .iter()
        .map(|f| (f.rule.clone(), f.path.clone(), f.line))
        .collect();
    let mut want: Vec<(String, String, u64)> = EXPECTED
        .iter()
        .map(|(r, p, l)| (r.to_string(), p.to_string(), *l))
        .collect();
    got.sort();
    want.sort();
    assert_eq!(got, want);
    // Each kind's good.md (the closed incident too, though a later incident
    // repeats it) and the pages that must not fire.
    let clean = ["good.md", "0009-good.md", "0005-not-marked-superseded.md"];
    assert!(
        findings
            .iter()
            .all(|f| !clean.iter().any(|c| f.path.ends_with(c))),
        "false positive on a clean page: {findings:?}"
    );
}

/// Compares `actual` with `tests/fixtures/check/every-rule.golden/NAME`.
#[track_caller]
fn assert_golden(name: &str, actual: &str) {
    crate::harness::assert_golden(
        &format!("tests/fixtures/check/every-rule.golden/{name}"),
        actual,
    );
}

#[test]
fn output_formats_match_golden_files() {
    let t = HandbookTest::fixture("check/every-rule");
    let human = t.run(&["check", "--today", TODAY]);
    human.assert_code(1);
    assert_golden("human.txt", &human.stderr);
    for (format, file) in [
        ("json", "check.json"),
        ("github", "github.txt"),
        ("sarif", "sarif.json"),
    ] {
        let r = t.run(&["check", "--format", format, "--today", TODAY]);
        r.assert_code(1);
        assert_golden(file, &r.stdout);
    }
}

#[test]
fn every_format_reports_the_same_findings() {
    let t = HandbookTest::fixture("check/every-rule");
    let json = findings_of(
        &t.run(&["check", "--format", "json", "--today", TODAY])
            .json(),
    );
    let github = t
        .run(&["check", "--format", "github", "--today", TODAY])
        .stdout;
    assert_eq!(github.lines().count(), json.len());
    for f in &json {
        let cmd = match f.severity.as_str() {
            "error" => "error",
            "warning" => "warning",
            _ => "notice",
        };
        let prefix = format!(
            "::{cmd} file={},line={},col={},title={}::",
            f.path, f.line, f.column, f.rule
        );
        assert!(
            github.lines().any(|l| l.starts_with(&prefix)),
            "{prefix} missing in\n{github}"
        );
    }
    let sarif: serde_json::Value = serde_json::from_str(
        &t.run(&["check", "--format", "sarif", "--today", TODAY])
            .stdout,
    )
    .unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), json.len());
    let human = t.run(&["check", "--today", TODAY]).stderr;
    for f in &json {
        let head = format!(
            "{}:{}:{}: {}[{}]",
            f.path, f.line, f.column, f.severity, f.rule
        );
        assert!(human.contains(&head), "{head} missing in\n{human}");
    }
    assert!(
        human.contains("checked 38 pages: 15 error(s), 15 warning(s), 3 info"),
        "{human}"
    );
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn changed_since_reports_only_changed_pages_and_links_into_them() {
    let t = HandbookTest::fixture("check/clean");
    git(t.root(), &["init", "-q", "-b", "main"]);
    git(t.root(), &["add", "-A"]);
    git(t.root(), &["commit", "-q", "-m", "base"]);
    git(t.root(), &["checkout", "-q", "-b", "topic"]);
    let r = t.run(&[
        "check",
        "--format",
        "json",
        "--today",
        TODAY,
        "--changed-since",
        "main",
    ]);
    r.assert_code(0);
    assert!(findings_of(&r.json()).is_empty());

    // A new unowned page: reported. Untouched pages with the same problem are not.
    t.write(
        "src/guides/new.md",
        "---\nreviewed: 2026-11-01\n---\n# New\n",
    );
    let r = t.run(&[
        "check",
        "--format",
        "json",
        "--today",
        TODAY,
        "--changed-since",
        "main",
    ]);
    r.assert_code(1);
    let f = findings_of(&r.json());
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(
        (f[0].rule.as_str(), f[0].path.as_str()),
        ("owner-missing", "src/guides/new.md")
    );

    // Deleting a page breaks links elsewhere: those pages are reported too.
    t.write(
        "src/guides/linker.md",
        "---\nowners: [payments]\nreviewed: 2026-11-01\n---\n[t](target.md)\n",
    );
    t.write(
        "src/guides/target.md",
        "---\nowners: [payments]\nreviewed: 2026-11-01\n---\n# T\n",
    );
    git(t.root(), &["add", "-A"]);
    git(t.root(), &["commit", "-q", "-m", "more"]);
    git(t.root(), &["branch", "-f", "main"]);
    std::fs::remove_file(t.path("src/guides/target.md")).unwrap();
    let r = t.run(&[
        "check",
        "--format",
        "json",
        "--today",
        TODAY,
        "--changed-since",
        "main",
    ]);
    r.assert_code(1);
    let f = findings_of(&r.json());
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(
        (f[0].rule.as_str(), f[0].path.as_str(), f[0].line),
        ("link-broken", "src/guides/linker.md", 5)
    );
}

#[test]
fn changed_since_errors_are_clear() {
    let t = HandbookTest::fixture("check/clean");
    // The test folder lives inside this repository's work tree; stop git
    // from finding that repository above it.
    let ceiling = t.root().parent().unwrap().to_string_lossy().into_owned();
    let r = t.run_env(
        &["check", "--today", TODAY, "--changed-since", "main"],
        &[("GIT_CEILING_DIRECTORIES", &ceiling)],
    );
    r.assert_code(2);
    assert!(
        r.stderr.contains("not inside") || r.stderr.contains("git repository"),
        "{}",
        r.stderr
    );
    git(t.root(), &["init", "-q", "-b", "main"]);
    git(t.root(), &["add", "-A"]);
    git(t.root(), &["commit", "-q", "-m", "base"]);
    let r = t.run(&["check", "--today", TODAY, "--changed-since", "no-such-ref"]);
    r.assert_code(2);
    assert!(
        r.stderr.contains("no-such-ref") && r.stderr.contains("no such"),
        "{}",
        r.stderr
    );
}
