//! `handbook check`: findings, output formats and exit codes.

use crate::harness::{findings_of, of_rule, Finding, HandbookTest, TODAY};
use std::collections::BTreeSet;

/// (rule, path, severity) rows of the table in example-handbook/DEFECTS.md.
fn expected_defects() -> Vec<(String, String, String)> {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/example-handbook/DEFECTS.md"
    ))
    .unwrap();
    let mut rows: Vec<(String, String, String)> = text
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|l| {
            let cells: Vec<String> = l
                .split('|')
                .map(|c| c.trim().trim_matches('`').to_string())
                .collect();
            // ["", file, rule, severity, why, ""]
            (cells[2].clone(), cells[1].clone(), cells[3].clone())
        })
        .collect();
    rows.sort();
    assert_eq!(rows.len(), 20, "DEFECTS.md table changed: {rows:?}");
    rows
}

/// The 1-based line of the first line of `text` starting with one of `keys`.
fn line_of_key(text: &str, keys: &[&str]) -> u64 {
    text.lines()
        .position(|l| keys.iter().any(|k| l.starts_with(k)))
        .map(|i| i as u64 + 1)
        .unwrap_or_else(|| panic!("no {keys:?} in\n{text}"))
}

#[test]
fn example_handbook_findings_match_defects_md() {
    let t = HandbookTest::example();
    let r = t.run(&["check", "--format", "json", "--today", TODAY]);
    r.assert_code(1);
    let report = r.json();
    assert_eq!(report["version"], 1);
    assert_eq!(report["today"], TODAY);
    let pages = crate::harness::list_files(&t.path("src"))
        .iter()
        .filter(|f| f.ends_with(".md"))
        .count();
    assert_eq!(report["pages"], pages);
    let findings = findings_of(&report);
    let mut got: Vec<(String, String, String)> = findings
        .iter()
        .map(|f| (f.rule.clone(), f.path.clone(), f.severity.clone()))
        .collect();
    got.sort();
    assert_eq!(got, expected_defects(), "findings differ from DEFECTS.md");
    assert_eq!(
        report["summary"],
        serde_json::json!({"error": 4, "warning": 14, "info": 2})
    );
    for f in &findings {
        assert!(
            f.line >= 1 && f.column >= 1 && !f.message.is_empty(),
            "{f:?}"
        );
    }
}

#[test]
fn finding_lines_point_at_the_key() {
    let t = HandbookTest::fixture("check/warnings");
    let (code, findings) = t.check_json();
    assert_eq!(code, 0);
    let stale = of_rule(&findings, "review-stale");
    assert_eq!(stale.len(), 1, "{findings:?}");
    let text = t.read("src/guides/old.md");
    assert_eq!(stale[0].path, "src/guides/old.md");
    assert_eq!(stale[0].line, line_of_key(&text, &["reviewed:"]));
    assert_eq!(stale[0].line, 5);

    // The same on the example handbook, for the keys each rule is about.
    let ex = HandbookTest::example();
    let (_, findings) = ex.check_json();
    let check = |rule: &str, keys: &[&str]| {
        let of = of_rule(&findings, rule);
        assert!(!of.is_empty(), "no {rule} finding");
        for f in of {
            let text = ex.read(&f.path);
            assert_eq!(f.line, line_of_key(&text, keys), "{rule} in {}", f.path);
        }
    };
    check(
        "review-stale",
        &["reviewed:", "last_reviewed_on:", "last_reviewed:"],
    );
    check("review-due-soon", &["reviewed:"]);
    check("owner-unknown", &["owners:", "owner:"]);
    check("owner-inactive", &["owners:", "owner:"]);
    check("owner-single", &["owners:", "owner:"]);
    let unowned = of_rule(&findings, "action-unowned");
    let text = ex.read(&unowned[0].path);
    assert_eq!(
        unowned[0].line,
        line_of_key(&text, &["  - what: Add a dead-letter table"])
    );
}

/// Parses `::CMD file=P,line=L,col=C,title=T::MSG`.
fn parse_github(line: &str) -> (String, String, u64, u64, String) {
    let rest = line
        .strip_prefix("::")
        .unwrap_or_else(|| panic!("bad line {line}"));
    let (cmd, rest) = rest
        .split_once(' ')
        .unwrap_or_else(|| panic!("bad line {line}"));
    let (props, msg) = rest
        .split_once("::")
        .unwrap_or_else(|| panic!("bad line {line}"));
    assert!(!msg.is_empty(), "{line}");
    let props: Vec<(&str, &str)> = props
        .split(',')
        .map(|p| {
            p.split_once('=')
                .unwrap_or_else(|| panic!("bad property in {line}"))
        })
        .collect();
    let keys: Vec<&str> = props.iter().map(|(k, _)| *k).collect();
    assert_eq!(keys, ["file", "line", "col", "title"], "{line}");
    (
        cmd.to_string(),
        props[0].1.to_string(),
        props[1].1.parse().unwrap(),
        props[2].1.parse().unwrap(),
        props[3].1.to_string(),
    )
}

#[test]
fn github_format_is_workflow_commands() {
    let t = HandbookTest::example();
    let (_, findings) = t.check_json();
    let r = t.run(&["check", "--format", "github", "--today", TODAY]);
    r.assert_code(1);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), findings.len(), "{}", r.stdout);
    for (line, f) in lines.iter().zip(&findings) {
        let (cmd, file, l, c, title) = parse_github(line);
        let want = match f.severity.as_str() {
            "error" => "error",
            "warning" => "warning",
            _ => "notice",
        };
        assert_eq!(
            (cmd.as_str(), file.as_str(), l, c, title.as_str()),
            (want, f.path.as_str(), f.line, f.column, f.rule.as_str()),
            "{line}"
        );
    }
}

#[test]
fn sarif_format_is_valid_2_1_0() {
    let t = HandbookTest::example();
    let (_, findings) = t.check_json();
    let r = t.run(&["check", "--format", "sarif", "--today", TODAY]);
    r.assert_code(1);
    let sarif = r.json();
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "handbook");
    let rule_ids: BTreeSet<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    // Every rule has a descriptor, the newest included.
    for id in [
        "frontmatter-invalid",
        "page-name-too-long",
        "role-matrix-incomplete",
        "template-syntax",
    ] {
        assert!(rule_ids.contains(id), "no descriptor for {id}");
    }
    assert_eq!(rule_ids.len(), 35);
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), findings.len());
    for (res, f) in results.iter().zip(&findings) {
        let id = res["ruleId"].as_str().unwrap();
        assert!(rule_ids.contains(id), "rule {id} has no descriptor");
        assert_eq!(id, f.rule);
        let level = res["level"].as_str().unwrap();
        assert!(["error", "warning", "note"].contains(&level), "{level}");
        let loc = &res["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], f.path.as_str());
        assert_eq!(loc["region"]["startLine"], f.line);
        assert!(res["message"]["text"]
            .as_str()
            .is_some_and(|m| !m.is_empty()));
    }
    assert!(
        results.iter().any(|r| r["level"] == "note"),
        "info findings should be notes"
    );
}

#[test]
fn clean_handbook_has_no_findings() {
    let t = HandbookTest::fixture("check/clean");
    let r = t.run(&["check", "--format", "json", "--today", TODAY]);
    r.assert_code(0);
    let report = r.json();
    assert_eq!(findings_of(&report), Vec::<Finding>::new());
    assert_eq!(report["pages"], 6);
    assert_eq!(
        report["summary"],
        serde_json::json!({"error": 0, "warning": 0, "info": 0})
    );
    // Human format too, and --deny warnings changes nothing.
    t.run(&["check", "--today", TODAY]).assert_code(0);
    t.run(&["check", "--today", TODAY, "--deny", "warnings"])
        .assert_code(0);
}

#[test]
fn warnings_fail_only_under_deny_warnings() {
    let t = HandbookTest::fixture("check/warnings");
    let (code, findings) = t.check_json();
    assert_eq!(code, 0);
    assert!(
        findings.iter().all(|f| f.severity != "error"),
        "{findings:?}"
    );
    assert!(
        findings.iter().any(|f| f.severity == "warning"),
        "{findings:?}"
    );
    let r = t.run(&["check", "--today", TODAY]);
    r.assert_code(0);
    assert!(
        r.stderr.contains("review-stale"),
        "human output lacks the finding:\n{}",
        r.stderr
    );
    t.run(&["check", "--today", TODAY, "--deny", "warnings"])
        .assert_code(1);
    t.run(&[
        "check", "--format", "json", "--today", TODAY, "--deny", "warnings",
    ])
    .assert_code(1);
}

#[test]
fn check_rules_change_severity() {
    let t = HandbookTest::fixture("check/warnings");
    t.write(
        "book.toml",
        "[book]\ntitle = \"W\"\n\n[check.rules]\nreview-stale = \"error\"\n",
    );
    let (code, findings) = t.check_json();
    assert_eq!(code, 1);
    let stale = of_rule(&findings, "review-stale");
    assert_eq!(stale.len(), 1);
    assert_eq!(stale[0].severity, "error");

    t.write(
        "book.toml",
        "[book]\ntitle = \"W\"\n\n[check.rules]\nreview-stale = \"off\"\n",
    );
    let (code, findings) = t.check_json();
    assert_eq!(code, 0);
    assert!(
        of_rule(&findings, "review-stale").is_empty(),
        "{findings:?}"
    );
    t.run(&["check", "--today", TODAY, "--deny", "warnings"])
        .assert_code(0);

    // An invalid level is a configuration error.
    t.write(
        "book.toml",
        "[book]\ntitle = \"W\"\n\n[check.rules]\nreview-stale = \"loud\"\n",
    );
    let r = t.run(&["check", "--today", TODAY]);
    r.assert_code(2);
    assert!(r.stderr.contains("book.toml:5"), "{}", r.stderr);
    // The line itself is quoted, with a caret under the column.
    let quoted: Vec<&str> = r.stderr.lines().skip(1).collect();
    assert_eq!(
        quoted,
        ["  |", "5 | review-stale = \"loud\"", "  | ^"],
        "{}",
        r.stderr
    );
}

#[test]
fn human_format_shows_source_line_and_caret() {
    let t = HandbookTest::fixture("check/warnings");
    let r = t.run(&["check", "--today", TODAY]);
    r.assert_code(0);
    assert!(r.stderr.contains("src/guides/old.md:5:1"), "{}", r.stderr);
    assert!(r.stderr.contains("review-stale"), "{}", r.stderr);
    assert!(
        r.stderr.lines().any(|l| l.contains("reviewed: 2025-01-01")),
        "the source line is not shown:\n{}",
        r.stderr
    );
    assert!(
        r.stderr.lines().any(|l| l
            .trim_start()
            .trim_start_matches('|')
            .trim_start()
            .starts_with('^')),
        "no caret under the source line:\n{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("1 warning"),
        "no summary line:\n{}",
        r.stderr
    );
}

#[test]
fn usage_errors_exit_2() {
    let t = HandbookTest::fixture("check/clean");
    for args in [
        &["check", "--today", "2026-13-45"][..],
        &["check", "--today", "yesterday"],
        &["build", "--today", "2026-02-30"],
        &["check", "--today", TODAY, "--frobnicate"],
        &["build", "--today", TODAY, "--frobnicate"],
        &["check", "--today", TODAY, "--format", "xml"],
        &["check", "--today", TODAY, "--deny", "everything"],
        &["check", "no-such-folder", "--today", TODAY],
        &["frobnicate"],
    ] {
        let r = t.run(args);
        r.assert_code(2);
        assert!(!r.stderr.is_empty(), "{args:?}: no message");
    }
    assert!(!t.exists("book"), "a failed command wrote a site");
}

/// Whether `c` would act on a terminal: C0 controls but tab and newline,
/// DEL, C1 controls, and bidi embedding, override and isolate characters.
fn acts_on_terminal(c: char) -> bool {
    (c.is_control() && c != '\t' && c != '\n')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[test]
fn control_characters_from_the_content_are_escaped_in_human_and_github_output() {
    // Frontmatter values (YAML escapes: ESC, BEL, C1 CSI, RLO), a raw ESC
    // and RLO in the body line a finding quotes, and an ESC in a file name.
    let page = concat!(
        "---\n",
        "title: \"Evil \\e[2J\\e]0;pwned\\a title\"\n",
        "kind: \"\\e[2J\\x9b31m\\u202Erunbook\"\n",
        "owners: [\"\\e[31mghost\\x85\\u2066\"]\n",
        "reviewed: 2026-01-01\n",
        "---\n\n",
        "\u{1b}[2J\u{202e}\u{7f} see [x](missing.md)\n",
    );
    let t = HandbookTest::with_pages("Controls", &[("evil.md", page), ("red\u{1b}[31m.md", page)]);
    t.write(
        "owners.yaml",
        "teams:\n  payments:\n    name: Payments\n    members: [alice]\npeople:\n  alice: { name: Alice }\n",
    );

    let r = t.run(&["check", "--today", TODAY]);
    r.assert_code(1);
    let raw: Vec<char> = r.stderr.chars().filter(|&c| acts_on_terminal(c)).collect();
    assert!(raw.is_empty(), "raw {raw:?} in human output:\n{}", r.stderr);
    for shown in [
        "unknown kind `\\x1b[2J\\x9b31m\\u{202e}runbook`",
        "owner `\\x1b[31mghost\\x85\\u{2066}`",
        "\\x1b[2J\\u{202e}\\x7f see [x](missing.md)",
        "src/red\\x1b[31m.md:",
    ] {
        assert!(r.stderr.contains(shown), "no {shown} in:\n{}", r.stderr);
    }

    let r = t.run(&["check", "--format", "github", "--today", TODAY]);
    r.assert_code(1);
    let raw: Vec<char> = r.stdout.chars().filter(|&c| acts_on_terminal(c)).collect();
    assert!(
        raw.is_empty(),
        "raw {raw:?} in github output:\n{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("file=src/red\\x1b[31m.md,"),
        "{}",
        r.stdout
    );
    for line in r.stdout.lines() {
        parse_github(line);
    }

    // JSON keeps the text as it is, escaped the JSON way.
    let r = t.run(&["check", "--format", "json", "--today", TODAY]);
    r.assert_code(1);
    assert!(!r.stdout.contains('\u{1b}'), "{}", r.stdout);
    let messages: Vec<String> = findings_of(&r.json())
        .into_iter()
        .map(|f| f.message)
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("\u{1b}[2J\u{9b}31m\u{202e}runbook")),
        "{messages:?}"
    );
}

#[test]
fn check_is_linear_in_links_on_one_long_line() {
    // 64,000 links on one 7 MB line (a sentence after each), the last one
    // broken. Columns used to be counted from the line start for every
    // link: quadratic, about 30 s here in a debug build and under 2 s now.
    const LINKS: usize = 64_000;
    let words = "and some words after the link, so that the line is long enough \
                 to show it, like a generated table. ";
    let mut line = String::from("é ");
    for i in 0..LINKS - 1 {
        line.push_str(&format!("[l{i}](b.md) {words}"));
    }
    let column = line.chars().count() + 1;
    line.push_str("[gone](missing.md)\n");
    let front = "---\ntitle: T\nowners: [payments]\nreviewed: 2026-01-01\n---\n\n";
    let t = HandbookTest::with_pages(
        "Long line",
        &[("a.md", &format!("{front}{line}")), ("b.md", front)],
    );
    let started = std::time::Instant::now();
    let r = t.run(&["check", "--format", "json", "--today", TODAY]);
    let took = started.elapsed();
    r.assert_code(1);
    let all = findings_of(&r.json());
    let findings = of_rule(&all, "link-broken");
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!((findings[0].line, findings[0].column), (7, column as u64));
    assert!(
        took < std::time::Duration::from_secs(12),
        "check took {took:?} for {LINKS} links on one line"
    );
}

#[test]
fn human_output_is_linear_in_findings_on_one_long_line() {
    // 24,000 broken links on one 11 MB line. Each finding's quoted line was
    // looked up by scanning the file from the top: about 25 s here in a
    // debug build, 4 s now.
    const LINKS: usize = 24_000;
    let words = "some words after the link. ".repeat(16);
    let mut line = String::new();
    for i in 0..LINKS {
        line.push_str(&format!("[l{i}](missing{i}.md) {words}"));
    }
    let front = "---\ntitle: T\nowners: [payments]\nreviewed: 2026-01-01\n---\n\n";
    let t = HandbookTest::with_pages("Long line", &[("a.md", &format!("{front}{line}\n"))]);
    let started = std::time::Instant::now();
    let r = t.run(&["check", "--today", TODAY]);
    let took = started.elapsed();
    r.assert_code(1);
    let quoted = r
        .stderr
        .lines()
        .filter(|l| l.starts_with(" 7 | [l0](missing0.md) some words"))
        .count();
    assert_eq!(quoted, LINKS, "every finding quotes its line");
    assert!(
        r.stderr.contains("src/a.md:7:1: error[link-broken]"),
        "{}",
        &r.stderr[..2000]
    );
    assert!(
        took < std::time::Duration::from_secs(12),
        "check took {took:?} for {LINKS} findings on one line"
    );
}

#[test]
fn a_baseline_hides_the_findings_a_team_adopted_with_and_only_those() {
    let t = HandbookTest::with_pages(
        "Adopted",
        &[
            ("index.md", "# Home\n\n[gone](gone.md)\n"),
            ("legacy/old.md", "# Old\n\nNo owners here.\n"),
        ],
    );
    let today = ["--today", TODAY];
    let first = t.run(&["check", "--format", "json", today[0], today[1]]);
    first.assert_code(1);
    let adopted = findings_of(&first.json()).len();
    assert!(adopted >= 3, "{}", first.stdout);

    let w = t.run(&[
        "check",
        "--write-baseline",
        "handbook-baseline.json",
        today[0],
        today[1],
    ]);
    w.assert_code(0);
    assert!(
        w.stderr.contains(&format!("wrote {adopted} finding(s)")),
        "{}",
        w.stderr
    );
    let text = t.read("handbook-baseline.json");
    let parsed: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(parsed["version"], 1);

    // Lines move and days pass: still the same findings.
    t.write(
        "src/index.md",
        "# Home\n\nIntro.\n\nMore intro.\n\n[gone](gone.md)\n",
    );
    let later = ["--today", "2027-03-01"];
    let r = t.run(&[
        "check",
        "--baseline",
        "handbook-baseline.json",
        later[0],
        later[1],
    ]);
    r.assert_code(0);
    assert!(
        r.stderr
            .contains(&format!("{adopted} finding(s) hidden by the baseline")),
        "{}",
        r.stderr
    );

    // A new broken link is reported, and only it.
    t.write("src/index.md", "# Home\n\n[gone](gone.md) [new](new.md)\n");
    let r = t.run(&[
        "check",
        "--baseline",
        "handbook-baseline.json",
        "--format",
        "json",
        later[0],
        later[1],
    ]);
    r.assert_code(1);
    let left = findings_of(&r.json());
    assert_eq!(left.len(), 1, "{left:?}");
    assert_eq!(left[0].rule, "link-broken");
    assert!(left[0].message.contains("new.md"), "{left:?}");

    // A file that is not a baseline is a clear error, exit 2.
    t.write("bad.json", "{\"findings\": 3}");
    let r = t.run(&["check", "--baseline", "bad.json"]);
    r.assert_code(2);
    assert!(r.stderr.contains("bad.json:1:"), "{}", r.stderr);
    assert!(r.stderr.contains("--write-baseline"), "{}", r.stderr);
}

#[test]
fn overrides_by_path_and_page_ignores_set_what_a_legacy_folder_reports() {
    let t = HandbookTest::with_pages(
        "Legacy",
        &[
            ("index.md", "# Home\n"),
            ("legacy/old.md", "# Old\n\n[gone](gone.md)\n"),
            ("legacy/deep/older.md", "# Older\n"),
            (
                "guides/quiet.md",
                "---\ntitle: Quiet\ncheck: { ignore: [owner-missing, review-missing] }\n---\n\n[gone](gone.md)\n",
            ),
        ],
    );
    t.write(
        "book.toml",
        "[book]\ntitle = \"Legacy\"\n[check.rules]\nreview-missing = \"info\"\n\n[[check.overrides]]\npaths = [\"legacy/**\"]\nrules = { owner-missing = \"warning\", review-missing = \"off\" }\n\n[[check.overrides]]\npaths = [\"legacy/deep/*.md\"]\nrules = { owner-missing = \"off\" }\n",
    );
    let (_, findings) = t.check_json();
    let of = |path: &str| -> Vec<(String, String)> {
        findings
            .iter()
            .filter(|f| f.path == format!("src/{path}"))
            .map(|f| (f.rule.clone(), f.severity.clone()))
            .collect()
    };
    assert_eq!(
        of("index.md"),
        [
            ("owner-missing".to_owned(), "error".to_owned()),
            ("review-missing".to_owned(), "info".to_owned())
        ]
    );
    let old = of("legacy/old.md");
    assert!(
        old.contains(&("owner-missing".into(), "warning".into())),
        "{old:?}"
    );
    assert!(
        old.contains(&("link-broken".into(), "error".into())),
        "{old:?}"
    );
    assert!(!old.iter().any(|(r, _)| r == "review-missing"), "{old:?}");
    // The later, narrower override wins.
    assert_eq!(of("legacy/deep/older.md"), Vec::<(String, String)>::new());
    // The page's own ignore list hides only what it names.
    assert_eq!(
        of("guides/quiet.md"),
        [("link-broken".to_owned(), "error".to_owned())]
    );
    let r = t.run(&["check", "--today", TODAY]);
    assert!(
        r.stderr
            .contains("2 finding(s) hidden by pages' `check: { ignore: [...] }`"),
        "{}",
        r.stderr
    );

    // A glob that does not compile is a config error at its key.
    t.write(
        "book.toml",
        "[book]\ntitle = \"Legacy\"\n[[check.overrides]]\npaths = [\"legacy/[\"]\n",
    );
    let r = t.run(&["check"]);
    r.assert_code(2);
    assert!(r.stderr.contains("book.toml:"), "{}", r.stderr);
    assert!(r.stderr.contains("is not a glob"), "{}", r.stderr);
}

#[test]
fn excluded_files_are_neither_checked_nor_built() {
    let t = HandbookTest::with_pages(
        "Excluding",
        &[
            ("index.md", "# Home\n"),
            ("drafts/idea.md", "# Idea\n"),
            ("drafts/deeper/more.md", "# More\n"),
            ("guides/setup.md", "# Setup\n"),
            ("guides/setup.tmp.md", "# Scratch\n"),
        ],
    );
    t.write("src/drafts/diagram.png", "not really a png");
    t.write(
        "book.toml",
        "[book]\ntitle = \"Excluding\"\n[build]\nexclude = [\"drafts/\", \"**/*.tmp.md\"]\n",
    );
    let (_, findings) = t.check_json();
    let paths: BTreeSet<&str> = findings.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        paths,
        BTreeSet::from(["src/guides/setup.md", "src/index.md"]),
        "{findings:?}"
    );
    t.build_ok();
    assert!(t.exists("book/guides/setup.html"));
    for gone in [
        "book/drafts/idea.html",
        "book/drafts/deeper/more.html",
        "book/drafts/diagram.png",
        "book/guides/setup.tmp.html",
    ] {
        assert!(!t.exists(gone), "{gone} was built");
    }
    t.write("book.toml", "[build]\nexclude = \"drafts\"\n");
    let r = t.run(&["check"]);
    r.assert_code(2);
    assert!(
        r.stderr.contains("`exclude` must be a list of globs"),
        "{}",
        r.stderr
    );
}

#[test]
fn commands_in_a_sub_folder_use_the_handbook_above_it() {
    let t = HandbookTest::example();
    let from_root = findings_of(
        &t.run(&["check", "--format", "json", "--today", TODAY])
            .json(),
    );
    // `check` in src/runbooks: the whole handbook, not the two pages there
    // (it used to say "checked 2 pages: 0 error(s)" and exit 0).
    let r = t.run_in(
        "src/runbooks",
        &["check", "--format", "json", "--today", TODAY],
        &[],
    );
    r.assert_code(1);
    assert!(
        r.stderr.contains("using the handbook at ../.."),
        "{}",
        r.stderr
    );
    let report = r.json();
    assert_eq!(findings_of(&report).len(), from_root.len());
    // `new adr` there takes the next number in the ADR folder, not a new
    // `adr/` beside the runbooks.
    let r = t.run_in(
        "src/runbooks",
        &[
            "new",
            "adr",
            "Use cells",
            "--owner",
            "payments",
            "--today",
            TODAY,
        ],
        &[],
    );
    r.assert_code(0);
    assert!(t.exists("src/adr/0010-use-cells.md"), "{}", r.stdout);
    assert!(!t.exists("src/runbooks/adr"));
    // `build` there writes the site where book.toml says, not into the content.
    t.run_in("src/runbooks", &["build", "--today", TODAY, "--quiet"], &[])
        .assert_code(0);
    assert!(t.exists("book/index.html"));
    assert!(!t.exists("src/runbooks/book"));
}
