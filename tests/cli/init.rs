//! `handbook init` and `handbook new`.

use crate::harness::{HandbookTest, TODAY};

/// `SOURCE_DATE_EPOCH` for 2026-09-21 (`init` has no `--today`).
const EPOCH_2026_09_21: &str = "1790000000";

#[test]
fn init_scaffolds_a_clean_handbook() {
    let t = HandbookTest::empty();
    let r = t.run_env(&["init", "hb"], &[("SOURCE_DATE_EPOCH", EPOCH_2026_09_21)]);
    r.assert_code(0);
    // No index.md: the generated home page stays.
    assert!(!t.exists("hb/src/index.md"));
    assert!(r.stderr.contains("next:"), "{}", r.stderr);
    for f in [
        "hb/book.toml",
        "hb/owners.yaml",
        "hb/src/runbooks/example-runbook.md",
    ] {
        assert!(t.exists(f), "{f} missing; stdout:\n{}", r.stdout);
        assert!(
            r.stdout.contains(f.trim_start_matches("hb/")),
            "{f} not printed:\n{}",
            r.stdout
        );
    }
    // One page of each kind, and each is read as that kind.
    let r = t.run(&["build", "hb", "--today", "2026-09-21"]);
    r.assert_code(0);
    let cat: serde_json::Value = serde_json::from_str(&t.read("hb/book/handbook.json")).unwrap();
    let mut kinds: Vec<&str> = cat["pages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["kind"].as_str().unwrap())
        .collect();
    kinds.sort();
    kinds.dedup();
    assert_eq!(
        kinds,
        [
            "adr",
            "guide",
            "incident",
            "role-matrix",
            "runbook",
            "standard"
        ]
    );
    // Records (ADRs, incidents) need no review; the rest are reviewed today.
    for p in cat["pages"].as_array().unwrap() {
        if p["kind"] != "adr" && p["kind"] != "incident" {
            assert_eq!(p["reviewed"], "2026-09-21", "{p}");
        }
    }

    // A fresh scaffold checks clean: no errors or warnings. The only note
    // allowed is that the example standard names no automation yet.
    let r = t.run(&["check", "hb", "--format", "json", "--today", "2026-09-21"]);
    r.assert_code(0);
    let report = r.json();
    assert_eq!(report["summary"]["error"], 0, "{report:#}");
    assert_eq!(report["summary"]["warning"], 0, "{report:#}");
    for f in report["findings"].as_array().unwrap() {
        assert_eq!(f["rule"], "standard-unenforced", "unexpected finding {f}");
    }
    t.run(&["check", "hb", "--today", "2026-09-21", "--deny", "warnings"])
        .assert_code(0);

    // Running init again never overwrites.
    t.write("hb/src/index.md", "# Mine\n");
    t.run_env(&["init", "hb"], &[("SOURCE_DATE_EPOCH", EPOCH_2026_09_21)])
        .assert_code(0);
    assert_eq!(t.read("hb/src/index.md"), "# Mine\n");
}

#[test]
fn init_over_existing_pages_points_at_them() {
    // Pages at the top of a repository (a wiki export): book.toml must use
    // the root as content, not hide the pages behind an empty src/.
    let t = HandbookTest::empty();
    t.write("README.md", "# About this repo\n");
    t.write("on-call.md", "# On call\n\nWho to page.\n");
    t.write("runbooks/db-failover.md", "# DB failover\n");
    t.write("node_modules/pkg/README.md", "# not a page\n");
    let r = t.run_env(&["init"], &[("SOURCE_DATE_EPOCH", EPOCH_2026_09_21)]);
    r.assert_code(0);
    assert!(
        t.read("book.toml").contains("src = \".\""),
        "{}",
        t.read("book.toml")
    );
    assert!(
        // The repository's README is the home page: it counts, as in build.
        r.stderr.contains("found 3 pages at the top"),
        "{}",
        r.stderr
    );
    assert!(!t.exists("src"), "example pages were added: {}", r.stdout);
    t.run(&["build", "--today", "2026-09-21"]).assert_code(0);
    let cat: serde_json::Value = serde_json::from_str(&t.read("book/handbook.json")).unwrap();
    let mut paths: Vec<&str> = cat["pages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["path"].as_str().unwrap())
        .collect();
    paths.sort();
    assert_eq!(
        paths,
        ["README.md", "on-call.md", "runbooks/db-failover.md"]
    );

    // An MkDocs-style docs/ folder is the content when it has pages.
    let t = HandbookTest::empty();
    t.write("docs/index.md", "# Docs\n");
    t.write("README.md", "# Repo\n");
    let r = t.run_env(&["init"], &[("SOURCE_DATE_EPOCH", EPOCH_2026_09_21)]);
    r.assert_code(0);
    assert!(
        t.read("book.toml").contains("src = \"docs\""),
        "{}",
        t.read("book.toml")
    );
    assert!(r.stderr.contains("found 1 page in docs/"), "{}", r.stderr);
    assert!(!t.exists("src"), "example pages were added: {}", r.stdout);

    // Only a README: a fresh handbook is scaffolded as usual.
    let t = HandbookTest::empty();
    t.write("README.md", "# Repo\n");
    t.run_env(&["init"], &[("SOURCE_DATE_EPOCH", EPOCH_2026_09_21)])
        .assert_code(0);
    assert!(t.read("book.toml").contains("src = \"src\""));
    assert!(t.exists("src/runbooks/example-runbook.md"));
}

#[test]
fn new_adr_takes_the_next_number() {
    let t = HandbookTest::fixture("check/clean");
    let r = t.run(&[
        "new",
        "adr",
        "Use Postgres",
        "--owner",
        "payments",
        "--today",
        TODAY,
    ]);
    r.assert_code(0);
    let rel = "src/adr/0003-use-postgres.md";
    assert!(t.exists(rel), "stdout:\n{}", r.stdout);
    assert!(
        r.stdout.trim_end().ends_with("0003-use-postgres.md"),
        "{}",
        r.stdout
    );
    assert_eq!(r.stdout.lines().count(), 1, "{}", r.stdout);
    let text = t.read(rel);
    assert!(text.starts_with("---\n"), "{text}");
    for line in ["status: proposed", "date: 2026-11-23", "kind: adr"] {
        assert!(text.lines().any(|l| l == line), "no `{line}` in\n{text}");
    }
    let owners = text.lines().find(|l| l.starts_with("owners:")).unwrap();
    assert!(owners.contains("payments"), "{owners}");
    assert!(text.contains("Use Postgres"), "{text}");
    // The new page checks clean.
    let (code, findings) = t.check_json();
    assert_eq!(code, 0);
    assert!(findings.is_empty(), "{findings:?}");
}

#[test]
fn new_runbook_has_the_required_sections() {
    let t = HandbookTest::fixture("check/clean");
    let r = t.run(&[
        "new",
        "runbook",
        "Payments API down",
        "--owner",
        "payments",
        "--owner",
        "@alice",
        "--today",
        TODAY,
    ]);
    r.assert_code(0);
    let rel = "src/runbooks/payments-api-down.md";
    assert!(t.exists(rel), "stdout:\n{}", r.stdout);
    let text = t.read(rel);
    assert!(text.lines().any(|l| l == "reviewed: 2026-11-23"), "{text}");
    assert!(text.lines().any(|l| l == "kind: runbook"), "{text}");
    for s in [
        "Failure signature",
        "Mitigation",
        "Root cause",
        "Prevention",
    ] {
        assert!(
            text.lines().any(|l| l == format!("## {s}")),
            "no `## {s}` in\n{text}"
        );
    }
    let owners = text.lines().find(|l| l.starts_with("owners:")).unwrap();
    assert!(
        owners.contains("payments") && owners.contains("@alice"),
        "{owners}"
    );
    // A new runbook has not been drilled yet, and says so: that is its
    // only finding.
    let (code, findings) = t.check_json();
    assert_eq!(code, 0);
    let rules: Vec<&str> = findings.iter().map(|f| f.rule.as_str()).collect();
    assert_eq!(rules, ["runbook-unexercised"], "{findings:?}");
}

#[test]
fn new_with_unknown_kind_exits_2() {
    let t = HandbookTest::fixture("check/clean");
    let before = crate::harness::list_files(t.root());
    let r = t.run(&["new", "memo", "Lunch", "--today", TODAY]);
    r.assert_code(2);
    assert!(r.stderr.contains("memo"), "{}", r.stderr);
    assert_eq!(crate::harness::list_files(t.root()), before);
    t.run(&["new", "adr", "X", "--today", "someday"])
        .assert_code(2);
}

#[test]
fn init_in_an_existing_repository_adopts_what_it_finds() {
    let t = HandbookTest::empty();
    t.write(
        "mkdocs.yml",
        "site_name: \"Plattform-Handbuch\"\ndocs_dir: handbook\ntheme:\n  name: material\n  language: de\n",
    );
    // A src/ holding only a README is not the content.
    t.write("src/README.md", "# Source code\n");
    t.write("handbook/index.md", "# Start\n");
    t.write("handbook/runbooks/db.md", "---\nowner: team-a\n---\n# DB\n");
    t.write(
        "handbook/guides/x.md",
        "---\nmaintainers: [\"@dana\"]\n---\n# X\n",
    );
    t.write(".github/CODEOWNERS", "/handbook/ @acme/team-b @carol\n");
    let r = t.run_env(&["init"], &[("SOURCE_DATE_EPOCH", EPOCH_2026_09_21)]);
    r.assert_code(0);
    let toml = t.read("book.toml");
    assert!(toml.contains("src = \"handbook\""), "{toml}");
    assert!(toml.contains("title = \"Plattform-Handbuch\""), "{toml}");
    assert!(toml.contains("language = \"de\""), "{toml}");
    assert!(
        r.stderr.contains("found 3 pages in handbook/"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("next:"), "{}", r.stderr);
    let owners = t.read("owners.yaml");
    for id in ["team-a", "team-b", "carol", "dana"] {
        assert!(
            owners.contains(&format!("\"{id}\"")),
            "{id} missing: {owners}"
        );
    }
    assert!(
        !owners.contains("alice") && !owners.contains("bob"),
        "{owners}"
    );
    assert!(!t.exists("handbook/adr"), "example pages were added");
    // The owners it proposed resolve: no owner-unknown, no inactive team.
    let (_, findings) = t.check_json();
    let bad: Vec<_> = findings
        .iter()
        .filter(|f| f.rule == "owner-unknown" || f.rule == "owner-inactive")
        .collect();
    assert!(bad.is_empty(), "{bad:?}");

    // Nothing named anywhere: no owners.yaml at all, and existing files
    // are never overwritten.
    let t = HandbookTest::empty();
    t.write("docs/a.md", "# A\n");
    t.write("book.toml", "[book]\ntitle = \"Mine\"\n");
    let r = t.run_env(&["init"], &[("SOURCE_DATE_EPOCH", EPOCH_2026_09_21)]);
    r.assert_code(0);
    assert_eq!(t.read("book.toml"), "[book]\ntitle = \"Mine\"\n");
    assert!(!t.exists("owners.yaml"), "{}", r.stderr);
}

#[test]
fn init_prints_a_migration_report_of_kinds_keys_and_next_steps() {
    // A Hugo-style handbook: some pages with their own frontmatter keys,
    // some with none, ADRs by number and status section, a runbooks folder.
    let t = HandbookTest::empty();
    t.write(
        "content/teams/payments.md",
        "---\ntitle: Payments team\nowner_slack: payments\nauthor: Dana\nweight: 10\n---\n# Payments team\n",
    );
    t.write(
        "content/teams/search.md",
        "---\ntitle: Search team\nmaintainers: [search]\nweight: 20\nlast_reviewed_on: 2026-01-10\ntopics: [search, infra]\n---\n# Search\n",
    );
    t.write(
        "content/decisions/0001-use-postgres.md",
        "# 1. Use Postgres\n\n## Status\n\nAccepted\n\n## Context\n\nWe need a database.\n",
    );
    t.write(
        "content/ops/runbooks/queue-backlog.md",
        "# Queue backlog\n\nDrain the queue.\n",
    );
    let r = t.run_env(&["init"], &[("SOURCE_DATE_EPOCH", EPOCH_2026_09_21)]);
    r.assert_code(0);
    let report = r
        .stderr
        .split_once("migration report:\n")
        .map(|(_, rest)| rest)
        .unwrap_or_else(|| panic!("no report:\n{}", r.stderr));
    let expected = [
        "  pages by kind: 1 adr, 1 runbook, 2 guide",
        "  frontmatter keys (2 of 4 pages have frontmatter):",
        "    title 2            -> title",
        "    weight 2           -> weight",
        "    author 1           -> kept, not used",
        "    last_reviewed_on 1 -> reviewed",
        "    maintainers 1      -> owners",
        "    owner_slack 1      -> owners",
        "    topics 1           -> kept, not used",
        "next:",
        "  1. fill in owners.yaml: each team's members, `active: false` for people who left",
        "  2. set `reviewed:` dates (3 page(s) have none), or accept today's findings: handbook check --write-baseline handbook-baseline.json",
        "  3. handbook serve, and look at health.html",
    ];
    assert_eq!(report.lines().collect::<Vec<_>>(), expected, "{}", r.stderr);
    // The build reads the kinds the report counted.
    t.run(&["build", "--today", TODAY]).assert_no_panic();
    let kinds: Vec<(String, String)> = [
        "content/decisions/0001-use-postgres.md",
        "content/ops/runbooks/queue-backlog.md",
    ]
    .iter()
    .map(|p| {
        (
            p.to_string(),
            t.catalog_page(p)["kind"].as_str().unwrap_or("").to_string(),
        )
    })
    .collect();
    assert_eq!(kinds[0].1, "adr", "{kinds:?}");
    assert_eq!(kinds[1].1, "runbook", "{kinds:?}");
}

#[test]
fn init_keeps_the_url_style_and_base_path_of_a_hugo_site() {
    let t = HandbookTest::empty();
    t.write(
        "hugo.toml",
        "baseURL = \"https://www.example.org/handbook/\"\ntitle = \"Team Handbook\"\n",
    );
    t.write("content/_index.md", "# Handbook\n\n[Eng](/handbook/eng/)\n");
    t.write("content/eng/_index.md", "# Engineering\n\n[Home](../)\n");
    let r = t.run_env(&["init"], &[("SOURCE_DATE_EPOCH", EPOCH_2026_09_21)]);
    r.assert_code(0);
    let toml = t.read("book.toml");
    assert!(toml.contains("\npretty-urls = true"), "{toml}");
    assert!(toml.contains("\nbase-path = \"/handbook/\""), "{toml}");
    assert!(r.stderr.contains("pretty-urls = true"), "{}", r.stderr);
    assert!(
        r.stderr.contains("base-path = \"/handbook/\""),
        "{}",
        r.stderr
    );
    t.build_ok();
    assert!(t.exists("book/eng/index.html"));
}

#[test]
fn init_keeps_plain_urls_when_the_old_site_had_them() {
    for (file, text) in [
        (
            "hugo.toml",
            "baseURL = \"https://docs.example.org/\"\nuglyURLs = true\n",
        ),
        (
            "mkdocs.yml",
            "site_name: Ops\nsite_url: https://ops.example.org/\nuse_directory_urls: false\n",
        ),
    ] {
        let t = HandbookTest::empty();
        t.write(file, text);
        t.write("docs/index.md", "# Ops\n");
        t.write("content/index.md", "# Ops\n");
        let r = t.run_env(&["init"], &[("SOURCE_DATE_EPOCH", EPOCH_2026_09_21)]);
        r.assert_code(0);
        let toml = t.read("book.toml");
        assert!(!toml.contains("pretty-urls"), "{file}: {toml}");
        assert!(!toml.contains("base-path"), "{file}: {toml}");
    }
    // MkDocs without `use_directory_urls: false` had pretty URLs.
    let t = HandbookTest::empty();
    t.write(
        "mkdocs.yml",
        "site_name: Ops\nsite_url: https://example.org/ops\n",
    );
    t.write("docs/index.md", "# Ops\n");
    t.run_env(&["init"], &[("SOURCE_DATE_EPOCH", EPOCH_2026_09_21)])
        .assert_code(0);
    let toml = t.read("book.toml");
    assert!(toml.contains("\npretty-urls = true"), "{toml}");
    assert!(toml.contains("\nbase-path = \"/ops/\""), "{toml}");
}

#[test]
fn new_infers_or_checks_the_owner_so_the_page_passes_check() {
    let t = HandbookTest::fixture("check/clean");
    let owners_of = |rel: &str| {
        let text = t.read(rel);
        text.lines()
            .find(|l| l.starts_with("owners:"))
            .unwrap()
            .to_string()
    };
    // owners.yaml has one team: it owns the page.
    let r = t.run(&["new", "guide", "Lunch", "--today", TODAY]);
    r.assert_code(0);
    assert!(r.stderr.contains("next: write the guide"), "{}", r.stderr);
    assert!(owners_of("src/guides/lunch.md").contains("payments"));
    // Several teams and no CODEOWNERS: it asks instead of writing `owners: []`.
    let registry = t.read("owners.yaml");
    t.write(
        "owners.yaml",
        &registry.replace(
            "people:",
            "  platform:\n    name: Platform\n    members: [alice, bob]\npeople:",
        ),
    );
    let r = t.run(&["new", "guide", "Dinner", "--today", TODAY]);
    r.assert_code(2);
    assert!(r.stderr.contains("--owner TEAM"), "{}", r.stderr);
    assert!(r.stderr.contains("payments, platform"), "{}", r.stderr);
    assert!(!t.exists("src/guides/dinner.md"));
    // A misspelt owner is refused, with the near name.
    let r = t.run(&[
        "new", "guide", "Dinner", "--owner", "platfrom", "--today", TODAY,
    ]);
    r.assert_code(2);
    assert!(
        r.stderr.contains("did you mean `platform`?"),
        "{}",
        r.stderr
    );
    // CODEOWNERS names the folder's owner: that is the page's owner.
    t.write("CODEOWNERS", "/src/guides/ @platform\n");
    t.run(&["new", "guide", "Dinner", "--today", TODAY])
        .assert_code(0);
    assert!(owners_of("src/guides/dinner.md").contains("platform"));
    let (code, findings) = t.check_json();
    assert_eq!(code, 0, "{findings:?}");
    assert!(
        findings.iter().all(|f| !f.path.starts_with("src/guides/")),
        "{findings:?}"
    );
}
