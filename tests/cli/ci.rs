//! `check` where CI runs it: paths relative to the repository root in
//! every format, the GitLab and JUnit reports, the file-list form.

use crate::harness::{HandbookTest, RunResult, TODAY};

const PAGE: &str = "---\ntitle: Disk full\n---\n\n# Disk full\n\nFree some space.\n";
const FORMATS: [&str; 4] = ["human", "json", "github", "sarif"];

/// A handbook (with one unowned page) in `dir` of a fresh temp folder,
/// which is a git work tree when `git`; `other/` is an unrelated folder.
fn repo(dir: &str, git: bool) -> HandbookTest {
    let t = HandbookTest::empty();
    let at = |rel: &str| {
        if dir.is_empty() {
            rel.to_owned()
        } else {
            format!("{dir}/{rel}")
        }
    };
    t.write(&at("book.toml"), "[book]\ntitle = \"Ops\"\n");
    t.write(&at("src/runbooks/disk.md"), PAGE);
    t.write("other/.keep", "");
    if git {
        std::fs::create_dir_all(t.path(".git")).unwrap();
    }
    t
}

/// The paths a report in `format` gives its findings (at least one).
fn reported_paths(r: &RunResult, format: &str) -> Vec<String> {
    r.assert_code(1);
    let paths: Vec<String> = match format {
        "human" => r
            .stderr
            .lines()
            .filter(|l| l.contains(": error[") || l.contains(": warning["))
            .map(|l| l.split(':').next().unwrap().to_owned())
            .collect(),
        "json" => r.json()["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["path"].as_str().unwrap().to_owned())
            .collect(),
        "github" => r
            .stdout
            .lines()
            .map(|l| {
                let file = l.split("file=").nth(1).unwrap();
                file.split(",line=").next().unwrap().to_owned()
            })
            .collect(),
        "sarif" => {
            let sarif = r.json();
            sarif["runs"][0]["results"]
                .as_array()
                .unwrap()
                .iter()
                .map(|res| {
                    let loc = &res["locations"][0]["physicalLocation"]["artifactLocation"];
                    assert_eq!(loc["uriBaseId"], "%SRCROOT%", "{loc}");
                    loc["uri"].as_str().unwrap().to_owned()
                })
                .collect()
        }
        _ => unreachable!(),
    };
    assert!(!paths.is_empty(), "no findings in {format}: {r:?}");
    paths
}

/// Runs `check [DIR]` from `cwd` in every format and asserts every
/// finding's path is `want`, and that SARIF's `%SRCROOT%` is `base`.
#[track_caller]
fn assert_paths(t: &HandbookTest, cwd: &str, dir: Option<&str>, want: &str, base: &str) {
    for format in FORMATS {
        let mut args = vec!["check", "--format", format, "--today", TODAY];
        args.extend(dir);
        let r = t.run_in(cwd, &args, &[]);
        for p in reported_paths(&r, format) {
            assert_eq!(p, want, "{format} from {cwd:?} with {dir:?}");
        }
        if format == "human" {
            assert!(
                r.stderr.contains("| ---"),
                "the line is quoted: {}",
                r.stderr
            );
        }
        if format == "sarif" {
            let uri = r.json()["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
                .as_str()
                .unwrap()
                .to_owned();
            // The harness writes the temp root as `[ROOT]`.
            let want_uri = format!("file://[ROOT]/{base}");
            assert_eq!(
                uri.trim_end_matches('/'),
                want_uri.trim_end_matches('/'),
                "{cwd:?}"
            );
        }
    }
}

#[test]
fn paths_are_repository_relative_with_the_handbook_at_the_root() {
    let t = repo("", true);
    assert_paths(&t, "", None, "src/runbooks/disk.md", "");
    assert_paths(
        &t,
        "src/runbooks",
        Some("../.."),
        "src/runbooks/disk.md",
        "",
    );
    assert_paths(&t, "other", Some(".."), "src/runbooks/disk.md", "");
}

#[test]
fn paths_are_repository_relative_with_the_handbook_in_docs() {
    let t = repo("docs", true);
    let want = "docs/src/runbooks/disk.md";
    assert_paths(&t, "", Some("docs"), want, "");
    assert_paths(&t, "docs", None, want, "");
    assert_paths(&t, "other", Some("../docs"), want, "");
}

#[test]
fn paths_are_relative_to_the_current_folder_outside_git() {
    let t = repo("docs", false);
    assert_paths(&t, "", Some("docs"), "docs/src/runbooks/disk.md", "");
    assert_paths(&t, "docs", None, "src/runbooks/disk.md", "docs");
    assert_paths(
        &t,
        "other",
        Some("../docs"),
        "../docs/src/runbooks/disk.md",
        "other",
    );
}

#[test]
fn a_worktree_git_file_marks_the_repository_root_too() {
    let t = repo("docs", false);
    t.write(".git", "gitdir: /elsewhere/.git/worktrees/x\n");
    assert_paths(&t, "docs", None, "docs/src/runbooks/disk.md", "");
}

#[test]
fn a_baseline_matches_wherever_check_runs_from() {
    let t = repo("docs", true);
    t.run_in(
        "",
        &[
            "check",
            "docs",
            "--write-baseline",
            "b.json",
            "--today",
            TODAY,
        ],
        &[],
    )
    .assert_code(0);
    let text = t.read("b.json");
    assert!(
        text.contains("\"path\":\"src/runbooks/disk.md\""),
        "handbook-relative paths: {text}"
    );
    for (cwd, dir, file) in [
        ("", "docs", "b.json"),
        ("docs", ".", "../b.json"),
        ("other", "../docs", "../b.json"),
    ] {
        let r = t.run_in(
            cwd,
            &["check", dir, "--baseline", file, "--today", TODAY],
            &[],
        );
        r.assert_code(0);
        assert!(r.stderr.contains("hidden by the baseline"), "{}", r.stderr);
    }
}

/// GitHub's anchor for a README heading: lower case, punctuation other
/// than `-` and `_` dropped, spaces as `-`.
fn github_anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == '-' || *c == '_' || *c == ' ')
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

#[test]
fn sarif_help_uris_point_at_readme_anchors_that_exist() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let anchors: Vec<String> = readme
        .lines()
        .filter(|l| l.starts_with('#'))
        .map(|l| github_anchor(l.trim_start_matches('#')))
        .collect();
    let t = repo("", true);
    let r = t.run(&["check", "--format", "sarif", "--today", TODAY]);
    let sarif = r.json();
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert!(rules.len() > 10);
    for rule in rules {
        let uri = rule["helpUri"].as_str().unwrap();
        let (page, anchor) = uri.split_once('#').unwrap();
        assert!(page.ends_with("/README.md"), "{uri}");
        assert!(
            anchors.iter().any(|a| a == anchor),
            "{uri}: no such anchor in README.md"
        );
        let id = rule["id"].as_str().unwrap();
        assert!(
            readme.contains(&format!("| {id} |")),
            "{id} is not in the README's rule table"
        );
    }
}

/// Compares `actual` with `tests/fixtures/ci/expected/NAME`.
#[track_caller]
fn assert_golden(name: &str, actual: &str) {
    crate::harness::assert_golden(&format!("tests/fixtures/ci/expected/{name}"), actual);
}

/// The report fixture: a repository with its handbook in `docs/`.
fn reports_repo() -> HandbookTest {
    let t = HandbookTest::fixture("ci/reports");
    std::fs::create_dir_all(t.path(".git")).unwrap();
    t
}

#[test]
fn gitlab_format_matches_its_golden_file() {
    let t = reports_repo();
    let r = t.run(&["check", "docs", "--format", "gitlab", "--today", TODAY]);
    r.assert_code(1);
    assert_golden("gitlab.json", &r.stdout);
    let issues = r.json();
    let severities: Vec<&str> = issues
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["severity"].as_str().unwrap())
        .collect();
    for s in &severities {
        assert!(
            ["info", "minor", "major", "critical", "blocker"].contains(s),
            "{s}"
        );
    }
}

#[test]
fn gitlab_fingerprints_are_stable_across_runs_and_line_moves() {
    let t = reports_repo();
    let fingerprints = |t: &HandbookTest| -> Vec<(String, String)> {
        let r = t.run(&["check", "docs", "--format", "gitlab", "--today", TODAY]);
        r.json()
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                (
                    i["check_name"].as_str().unwrap().to_owned(),
                    i["fingerprint"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let first = fingerprints(&t);
    assert_eq!(first, fingerprints(&t), "same run, same fingerprints");
    let unique: std::collections::BTreeSet<_> = first.iter().map(|f| &f.1).collect();
    assert_eq!(unique.len(), first.len(), "fingerprints are unique");
    let page = "docs/src/guides/deploy.md";
    let text = t
        .read(page)
        .replace("# Deploying\n", "# Deploying\n\nMoved down.\n\n");
    t.write(page, &text);
    let moved = fingerprints(&t);
    assert_eq!(first, moved, "moving lines keeps the fingerprints");
    let text = t.read(page).replace("freeze.md", "thaw.md");
    t.write(page, &text);
    assert_ne!(
        first,
        fingerprints(&t),
        "another link target is another issue"
    );
}

#[test]
fn junit_format_matches_its_golden_file() {
    let t = reports_repo();
    let r = t.run(&["check", "docs", "--format", "junit", "--today", TODAY]);
    r.assert_code(1);
    assert_golden("junit.xml", &r.stdout);
    // One test case per page (and for book.toml, which has a finding).
    assert_eq!(r.stdout.matches("<testcase ").count(), 4);
    assert_eq!(r.stdout.matches("<failure ").count(), 9);
}

#[test]
fn junit_escapes_what_pages_write() {
    let t = repo("", true);
    t.write("owners.yaml", "teams:\n  sre:\n    members: []\n");
    // YAML's `\e` and `\a` put ESC and BEL into the owner's name.
    t.write(
        "src/a.md",
        "---\ntitle: A\nowners: [\"<b\\e]0;t\\a\\\"&'>\"]\n---\n",
    );
    let r = t.run(&["check", "--format", "junit", "--today", TODAY]);
    let xml = &r.stdout;
    assert!(!xml.contains('\u{1b}') && !xml.contains('\u{7}'), "{xml}");
    assert!(
        xml.contains("&lt;b\\x1b]0;t\\x07&quot;&amp;&apos;&gt;"),
        "{xml}"
    );
}

/// A repository with its handbook in `docs/`: `a.md` (unowned, linking to
/// b.md's heading) and `b.md` (unowned), plus files that are not pages.
fn two_pages() -> HandbookTest {
    let t = repo("docs", true);
    t.write(
        "docs/src/a.md",
        "---\ntitle: A\n---\n\nSee [b](b.md#steps).\n",
    );
    t.write("docs/src/b.md", "---\ntitle: B\n---\n\n## Steps\n\nOne.\n");
    t.write("docs/src/notes.txt", "not a page\n");
    t.write("README.md", "# Repository\n");
    t
}

/// The distinct paths of a JSON report's findings.
fn json_paths(r: &RunResult) -> Vec<String> {
    let mut paths: Vec<String> = r.json()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_owned())
        .collect();
    paths.dedup();
    paths
}

#[test]
fn check_with_files_reports_on_those_pages_only() {
    let t = two_pages();
    let json = ["--format", "json", "--today", TODAY];
    let all = t.run_in("", &[&["check", "docs"][..], &json].concat(), &[]);
    assert_eq!(
        json_paths(&all),
        [
            "docs/src/a.md",
            "docs/src/b.md",
            "docs/src/runbooks/disk.md"
        ]
    );
    // Relative to the repository root (as pre-commit passes them), from
    // the root, from another folder, and relative to the current folder.
    for (cwd, args) in [
        ("", vec!["check", "docs", "docs/src/a.md"]),
        ("other", vec!["check", "../docs", "docs/src/a.md"]),
        ("docs", vec!["check", "src/a.md"]),
        ("docs/src", vec!["check", "..", "a.md"]),
    ] {
        let r = t.run_in(cwd, &[&args[..], &json].concat(), &[]);
        r.assert_code(1);
        assert_eq!(json_paths(&r), ["docs/src/a.md"], "{cwd:?} {args:?}");
        // The link into b.md resolved: rules saw the whole handbook.
        assert!(!r.stdout.contains("link-broken") && !r.stdout.contains("anchor-broken"));
    }
    let r = t.run_in(
        "",
        &[
            &["check", "docs", "docs/src/b.md", "docs/src/a.md"][..],
            &json,
        ]
        .concat(),
        &[],
    );
    assert_eq!(json_paths(&r), ["docs/src/a.md", "docs/src/b.md"]);
}

#[test]
fn check_ignores_files_that_are_not_handbook_pages_quietly() {
    let t = two_pages();
    for files in [
        vec!["README.md"],
        vec!["docs/src/notes.txt"],
        vec!["docs/src/gone.md"],
        vec!["README.md", "docs/src/notes.txt", "other/.keep"],
    ] {
        let mut args = vec!["check", "docs", "--today", TODAY];
        args.extend(&files);
        let r = t.run_in("", &args, &[]);
        r.assert_code(0);
        assert!(
            r.stderr.starts_with("checked 3 pages: 0 error(s)") && r.stderr.lines().count() == 1,
            "{files:?}: only the summary: {}",
            r.stderr
        );
        let mut args = vec!["check", "docs", "--format", "junit", "--today", TODAY];
        args.extend(&files);
        let r = t.run_in("", &args, &[]);
        assert!(!r.stdout.contains("<testcase"), "{}", r.stdout);
    }
    let r = t.run_in(
        "",
        &[
            "check",
            "docs",
            "--format",
            "junit",
            "--today",
            TODAY,
            "docs/src/b.md",
        ],
        &[],
    );
    assert_eq!(r.stdout.matches("<testcase ").count(), 1, "{}", r.stdout);
}

#[test]
fn pre_commit_hook_runs_check_on_the_changed_pages() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/.pre-commit-hooks.yaml"
    ))
    .unwrap();
    let hooks: serde_json::Value = serde_yaml::from_str(&text).unwrap();
    let hook = hooks
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["id"] == "handbook-check")
        .expect("a handbook-check hook");
    assert_eq!(hook["entry"], "handbook check");
    assert_ne!(hook["pass_filenames"], false);
    assert!(hook["files"].as_str().unwrap().contains("md"));
}

#[test]
fn version_names_the_commit_it_was_built_from() {
    let t = HandbookTest::empty();
    let r = t.run(&["--version"]);
    r.assert_code(0);
    let want = format!("handbook {}", env!("CARGO_PKG_VERSION"));
    assert!(r.stdout.starts_with(&want), "{}", r.stdout);
    let head = std::process::Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output();
    if let Some(head) = head.ok().filter(|o| o.status.success()) {
        let head = String::from_utf8(head.stdout).unwrap();
        assert_eq!(r.stdout.trim(), format!("{want} ({})", head.trim()));
    }
}

#[test]
fn color_flag_and_environment_decide_the_colour() {
    let t = repo("", false);
    let check = |args: &[&str], env: &[(&str, &str)]| {
        let mut all = vec!["check", "--today", TODAY];
        all.extend(args);
        let r = t.run_env(&all, env);
        r.assert_code(1);
        r.stderr.contains("\x1b[")
    };
    // The harness sets NO_COLOR=1; an empty NO_COLOR counts as unset.
    assert!(!check(&[], &[]));
    assert!(check(&["--color", "always"], &[]));
    assert!(check(&[], &[("NO_COLOR", ""), ("FORCE_COLOR", "1")]));
    assert!(check(&[], &[("NO_COLOR", ""), ("CLICOLOR_FORCE", "1")]));
    assert!(!check(&[], &[("FORCE_COLOR", "1")]), "NO_COLOR wins");
    assert!(!check(
        &["--color", "never"],
        &[("NO_COLOR", ""), ("FORCE_COLOR", "1")]
    ));
    assert!(!check(&[], &[("NO_COLOR", "")]), "not a terminal");
}

#[test]
fn changed_since_on_a_shallow_clone_says_how_to_fetch_the_history() {
    let t = repo("", false);
    let git = |dir: &std::path::Path, args: &[&str]| {
        let out = std::process::Command::new("git")
            .args(["-c", "user.name=T", "-c", "user.email=t@example.com"])
            .args([
                "-c",
                "commit.gpgsign=false",
                "-c",
                "init.defaultBranch=main",
            ])
            .args(args)
            .current_dir(dir)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    git(t.root(), &["init", "-q"]);
    git(t.root(), &["add", "."]);
    git(t.root(), &["commit", "-qm", "one"]);
    git(t.root(), &["tag", "base"]);
    t.write("src/runbooks/disk.md", &format!("{PAGE}\nMore.\n"));
    git(t.root(), &["commit", "-qam", "two"]);
    let url = format!("file://{}", t.root().display());
    git(t.root(), &["clone", "-q", "--depth", "1", &url, "shallow"]);
    let full = t.run_in(
        "",
        &["check", "--changed-since", "HEAD~5", "--today", TODAY],
        &[],
    );
    full.assert_code(2);
    assert!(!full.stderr.contains("shallow"), "{}", full.stderr);
    for reference in ["base", "HEAD~1"] {
        let r = t.run_in(
            "shallow",
            &["check", "--changed-since", reference, "--today", TODAY],
            &[],
        );
        r.assert_code(2);
        assert!(
            r.stderr.contains("shallow clone") && r.stderr.contains("fetch-depth: 0"),
            "{}",
            r.stderr
        );
    }
}

#[test]
fn build_shows_findings_from_the_repository_root_too() {
    let t = repo("docs", true);
    for (cwd, dir) in [("", "docs"), ("docs", "."), ("other", "../docs")] {
        let r = t.run_in(
            cwd,
            &["build", dir, "--dest", "site", "--today", TODAY],
            &[],
        );
        r.assert_code(0);
        assert!(
            r.stderr
                .contains("\ndocs/src/runbooks/disk.md:1:1: error[owner-missing]")
                || r.stderr
                    .starts_with("docs/src/runbooks/disk.md:1:1: error[owner-missing]"),
            "{cwd:?}: {}",
            r.stderr
        );
        assert!(
            r.stderr.contains("| ---"),
            "the line is quoted: {}",
            r.stderr
        );
    }
}
