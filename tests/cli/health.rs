//! The health dashboard and git awareness: a fixture handbook
//! (`tests/fixtures/health/scored`) is given a scripted git history (fixed
//! dates and authors) and every dimension of every domain is checked
//! against values worked out by hand below; plus `review-outdated`, the
//! "last changed" line, no git, no `git` binary, a shallow clone and a
//! handbook in a sub-folder of a larger repository.
//!
//! The hand computation (today 2026-11-23; rotation window from 2026-05-25):
//!
//! | domain   | coverage | recovery | decisions | onboarding | rotation | total | band |
//! |----------|----------|----------|-----------|------------|----------|-------|------|
//! | legacy   | 0 (gina) | 1 (no Root cause, overdue action) | 0 (none) | 0 (none) | 0 (gina alone, unchanged) | 1 | structural-risk |
//! | data     | 0 (frank) | 0 (no runbook) | 1 (ADR 3 proposed) | 1 (guide never reviewed) | 2 (owners of the guide changed 2026-07-01) | 4 | hidden-fragility |
//! | payments | 1 (alice, bob) | 1 (refunds stale) | 2 (ADR 1 linked from card-declines) | 1 (guide stale) | 1 (unchanged, 2 people, only Alice edits runbooks) | 6 | hidden-fragility |
//! | platform | 2 (carol, dan, erin) | 2 (failover fresh and complete) | 1 (ADR 2 not linked) | 2 (fresh guide) | 2 (Dan and Carol edited the runbook) | 9 | resilient |
//!
//! Without git, rotation is unknown (counted 0): 1, 2, 5 and 7.

use crate::harness::{of_rule, HandbookTest, TODAY};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

const FIXTURE: &str = "health/scored";

use crate::harness::git_at as git;

/// The fixture's text of `rel`.
fn fixture_text(rel: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(FIXTURE)
        .join(rel);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// `text` with `from` replaced by `to`; `from` must be there.
fn with(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "`{from}` not in:\n{text}");
    text.replacen(from, to, 1)
}

/// A repository at `repo` whose handbook lives at `repo/prefix`.
struct Repo {
    repo: PathBuf,
    prefix: String,
}

impl Repo {
    /// Writes `files` (handbook-relative paths) and commits them on `date` as `who`.
    fn commit(&self, date: &str, who: &str, files: &[(&str, String)]) {
        let mut paths = Vec::new();
        for (rel, text) in files {
            let path = format!("{}{rel}", self.prefix);
            let abs = self.repo.join(&path);
            std::fs::create_dir_all(abs.parent().unwrap()).unwrap();
            std::fs::write(&abs, text).unwrap();
            paths.push(path);
        }
        let mut add = vec!["add", "--"];
        add.extend(paths.iter().map(String::as_str));
        git(&self.repo, &add, date, who);
        git(
            &self.repo,
            &["commit", "-q", "-m", &format!("{who} on {date}")],
            date,
            who,
        );
    }
}

/// Commits the fixture handbook (already copied to `repo/prefix`) in the
/// scripted history described in the module docs, ending with exactly the
/// fixture's files.
fn scripted_history(repo: &Path, prefix: &str) {
    let r = Repo {
        repo: repo.to_path_buf(),
        prefix: prefix.to_string(),
    };
    git(repo, &["init", "-q"], "2025-12-01", "Gina");
    let f = fixture_text;
    let card = f("src/runbooks/card-declines.md");
    let card_v0 = with(
        &with(
            &with(&card, "reviewed: 2026-10-01", "reviewed: 2026-01-10"),
            "due: 2026-09-01\n    done: true",
            "due: 2026-09-01\n    done: false",
        ),
        "due: 2026-09-15\n    done: true",
        "due: 2026-09-15\n    done: false",
    );
    let card_v0 = with(&card_v0, " Check the acquirer status page first.", "");
    let card_v1 = with(
        &card_v0,
        "due: 2026-09-01\n    done: false",
        "due: 2026-09-01\n    done: true",
    );
    let card_v2 = with(
        &card_v1,
        "due: 2026-09-15\n    done: false",
        "due: 2026-09-15\n    done: true",
    );
    let card_v3 = with(&card_v2, "reviewed: 2026-01-10", "reviewed: 2026-10-01");
    let refunds = f("src/runbooks/refunds.md");
    let failover = f("src/runbooks/db-failover.md");
    let failover_v0 = with(
        &with(&failover, "reviewed: 2026-11-01", "reviewed: 2026-04-01"),
        " Measure the promotion time.",
        "",
    );
    let failover_v1 = with(&failover, "reviewed: 2026-11-01", "reviewed: 2026-04-01");
    let data_guide = f("src/guides/data-onboarding.md");
    let batch = f("src/legacy/batch-jobs.md");

    r.commit(
        "2025-12-01",
        "Gina",
        &[
            ("book.toml", f("book.toml")),
            ("owners.yaml", f("owners.yaml")),
            (
                "src/legacy/batch-jobs.md",
                with(&batch, "reviewed: 2026-10-20", "reviewed: 2025-12-01"),
            ),
        ],
    );
    r.commit(
        "2026-01-05",
        "Alice",
        &[(
            "src/adr/0001-use-ledger.md",
            f("src/adr/0001-use-ledger.md"),
        )],
    );
    r.commit(
        "2026-01-10",
        "Alice",
        &[("src/runbooks/card-declines.md", card_v0)],
    );
    r.commit(
        "2026-02-01",
        "Alice",
        &[(
            "src/runbooks/refunds.md",
            with(&refunds, "reviewed: 2026-06-01", "reviewed: 2026-02-01"),
        )],
    );
    r.commit(
        "2026-02-10",
        "Carol",
        &[("src/adr/0002-postgres.md", f("src/adr/0002-postgres.md"))],
    );
    r.commit(
        "2026-03-01",
        "Bob",
        &[(
            "src/guides/payments-onboarding.md",
            f("src/guides/payments-onboarding.md"),
        )],
    );
    r.commit(
        "2026-03-15",
        "Erin",
        &[(
            "src/guides/data-onboarding.md",
            with(&data_guide, "owners: [data]", "owners: [platform]"),
        )],
    );
    r.commit(
        "2026-04-01",
        "Carol",
        &[("src/runbooks/db-failover.md", failover_v0)],
    );
    // Only the review date: the review itself.
    r.commit(
        "2026-06-01",
        "Alice",
        &[("src/runbooks/refunds.md", refunds)],
    );
    // Ownership moves from platform to data inside the window.
    r.commit(
        "2026-07-01",
        "Frank",
        &[("src/guides/data-onboarding.md", data_guide)],
    );
    // Closed before its due date (2026-09-01).
    r.commit(
        "2026-08-20",
        "Alice",
        &[("src/runbooks/card-declines.md", card_v1)],
    );
    r.commit(
        "2026-09-10",
        "Dan",
        &[("src/runbooks/db-failover.md", failover_v1)],
    );
    // Closed after its due date (2026-09-15).
    r.commit(
        "2026-09-20",
        "Alice",
        &[("src/runbooks/card-declines.md", card_v2)],
    );
    r.commit(
        "2026-10-01",
        "Alice",
        &[("src/runbooks/card-declines.md", card_v3)],
    );
    r.commit(
        "2026-10-01",
        "Erin",
        &[(
            "src/guides/platform-onboarding.md",
            f("src/guides/platform-onboarding.md"),
        )],
    );
    // An edit after the review of 2026-10-01: review-outdated.
    r.commit(
        "2026-10-15",
        "Alice",
        &[("src/runbooks/card-declines.md", card)],
    );
    r.commit("2026-10-20", "Gina", &[("src/legacy/batch-jobs.md", batch)]);
    r.commit(
        "2026-11-01",
        "Frank",
        &[("src/adr/0003-warehouse.md", f("src/adr/0003-warehouse.md"))],
    );
    r.commit(
        "2026-11-01",
        "Alice",
        &[("src/index.md", f("src/index.md"))],
    );
    // Reviewed on 2026-11-01, committed on 2026-11-05: only the review
    // date changes, so the page is not outdated.
    r.commit(
        "2026-11-05",
        "Carol",
        &[("src/runbooks/db-failover.md", failover)],
    );
    let status = Command::new("git")
        .args(["status", "--porcelain"])
        .current_dir(repo)
        .env("GIT_CEILING_DIRECTORIES", repo.parent().unwrap())
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&status.stdout),
        "",
        "the scripted history must end at the fixture's files"
    );
}

/// The fixture with its scripted history.
fn with_history() -> HandbookTest {
    let t = HandbookTest::fixture(FIXTURE);
    scripted_history(t.root(), "");
    t
}

/// `GIT_CEILING_DIRECTORIES` for runs that must not find the repository
/// holding the test folder.
fn no_outer_repo(t: &HandbookTest) -> (&'static str, String) {
    (
        "GIT_CEILING_DIRECTORIES",
        t.root().parent().unwrap().to_string_lossy().into_owned(),
    )
}

fn catalog(t: &HandbookTest, rel: &str) -> Value {
    serde_json::from_str(&t.read(rel)).unwrap()
}

fn domain<'a>(cat: &'a Value, name: &str) -> &'a Value {
    cat["health"]["domains"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["domain"] == name)
        .unwrap_or_else(|| panic!("no domain {name} in {:#}", cat["health"]))
}

/// [coverage, recovery, decisions, onboarding, rotation] scores.
fn dims(d: &Value) -> [Option<u64>; 5] {
    [
        "coverage",
        "recovery",
        "decision_traceability",
        "onboarding_transfer",
        "ownership_rotation",
    ]
    .map(|k| d["dimensions"][k]["score"].as_u64())
}

fn evidence(d: &Value, dim: &str) -> Vec<String> {
    d["dimensions"][dim]["evidence"]
        .as_array()
        .unwrap_or_else(|| panic!("no evidence for {dim} in {d:#}"))
        .iter()
        .map(|e| e.as_str().unwrap().to_string())
        .collect()
}

#[track_caller]
fn assert_evidence(d: &Value, dim: &str, needle: &str) {
    let ev = evidence(d, dim);
    assert!(
        ev.iter().any(|e| e.contains(needle)),
        "{} {dim}: no evidence containing {needle:?} in {ev:#?}",
        d["domain"]
    );
}

#[test]
fn scores_every_dimension_of_every_domain_from_docs_and_history() {
    let t = with_history();
    let r = t.run(&["build", "--today", TODAY]);
    r.assert_code(0);
    assert!(!r.stderr.contains("shallow"), "{}", r.stderr);
    let cat = catalog(&t, "book/handbook.json");
    let names: Vec<&str> = cat["health"]["domains"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["domain"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["legacy", "data", "payments", "platform"],
        "lowest first"
    );

    let legacy = domain(&cat, "legacy");
    assert_eq!(dims(legacy), [Some(0), Some(1), Some(0), Some(0), Some(0)]);
    assert_eq!(
        (legacy["score"].as_u64(), legacy["band"].as_str()),
        (Some(1), Some("structural-risk"))
    );
    assert_evidence(
        legacy,
        "coverage",
        "1 active person behind the owners: gina",
    );
    assert_evidence(legacy, "recovery", "Nightly batch jobs: fresh (reviewed 2026-10-20), missing a required section, 1 overdue action");
    assert_evidence(
        legacy,
        "decision_traceability",
        "no accepted or proposed ADR",
    );
    assert_evidence(legacy, "onboarding_transfer", "no guide in this domain");
    assert_evidence(
        legacy,
        "ownership_rotation",
        "owners unchanged since 2026-05-25: one person holds the domain",
    );
    assert_evidence(
        legacy,
        "ownership_rotation",
        "runbooks edited by 1 person since 2026-05-25: Gina",
    );

    let data = domain(&cat, "data");
    assert_eq!(dims(data), [Some(0), Some(0), Some(1), Some(1), Some(2)]);
    assert_eq!(
        (data["score"].as_u64(), data["band"].as_str()),
        (Some(4), Some("hidden-fragility"))
    );
    assert_evidence(data, "coverage", "Data: frank");
    assert_evidence(data, "recovery", "no runbook in this domain");
    assert_evidence(
        data,
        "decision_traceability",
        "A columnar warehouse: proposed",
    );
    assert_evidence(
        data,
        "onboarding_transfer",
        "Data onboarding: never reviewed",
    );
    assert_evidence(
        data,
        "ownership_rotation",
        "owners of Data onboarding changed since 2026-05-25: were platform, now data",
    );

    let payments = domain(&cat, "payments");
    assert_eq!(
        dims(payments),
        [Some(1), Some(1), Some(2), Some(1), Some(1)]
    );
    assert_eq!(
        (payments["score"].as_u64(), payments["band"].as_str()),
        (Some(6), Some("hidden-fragility"))
    );
    assert_evidence(
        payments,
        "coverage",
        "2 active people behind the owners: alice, bob",
    );
    assert_evidence(
        payments,
        "recovery",
        "Refunds stuck: stale (review was due 2026-08-30)",
    );
    assert_evidence(
        payments,
        "recovery",
        "Card declines spike: fresh (reviewed 2026-10-01)",
    );
    assert_evidence(
        payments,
        "decision_traceability",
        "ADR 1: Use a double-entry ledger: accepted, linked from 1 other page",
    );
    assert_evidence(
        payments,
        "onboarding_transfer",
        "Payments onboarding: stale (review was due 2026-08-28)",
    );
    assert_evidence(
        payments,
        "ownership_rotation",
        "owners unchanged since 2026-05-25, shared by 2 people",
    );
    assert_evidence(
        payments,
        "ownership_rotation",
        "runbooks edited by 1 person since 2026-05-25: Alice",
    );

    let platform = domain(&cat, "platform");
    assert_eq!(
        dims(platform),
        [Some(2), Some(2), Some(1), Some(2), Some(2)]
    );
    assert_eq!(
        (platform["score"].as_u64(), platform["band"].as_str()),
        (Some(9), Some("resilient"))
    );
    assert_evidence(platform, "coverage", "Platform: carol, dan, erin");
    assert_evidence(
        platform,
        "recovery",
        "Database failover: fresh (reviewed 2026-11-01)",
    );
    assert_evidence(
        platform,
        "decision_traceability",
        "ADR 2: Postgres for everything: accepted, not linked from any other page",
    );
    assert_evidence(
        platform,
        "onboarding_transfer",
        "Platform onboarding: fresh (reviewed 2026-10-01)",
    );
    assert_evidence(
        platform,
        "ownership_rotation",
        "runbooks edited by 2 people since 2026-05-25: Carol, Dan",
    );

    // A 2-1 split: one action closed on time, one late; one overdue.
    assert_eq!(
        cat["health"]["follow_through"],
        serde_json::json!({"actions": 4, "closed": 2, "closed_by_due": 1, "overdue": 1})
    );

    let card = t.catalog_page("src/runbooks/card-declines.md");
    assert_eq!(
        (card["last_changed"].as_str(), card["last_author"].as_str()),
        (Some("2026-10-15"), Some("Alice"))
    );
    let failover = t.catalog_page("src/runbooks/db-failover.md");
    assert_eq!(
        (
            failover["last_changed"].as_str(),
            failover["last_author"].as_str()
        ),
        (Some("2026-11-05"), Some("Carol"))
    );
}

#[test]
fn health_page_shows_scores_evidence_and_next_moves() {
    let t = with_history();
    t.build_ok();
    let main = t.main_html("book/health.html");
    // The chart is inline SVG with one bar per domain; no script anywhere.
    assert!(
        main.contains("<svg class=\"bar-chart score-chart\""),
        "{main}"
    );
    assert!(!t.read("book/health.html").contains("<script>"));
    for d in ["legacy", "data", "payments", "platform"] {
        assert!(main.contains(&format!("id=\"domain-{d}\"")), "{d}");
    }
    assert!(
        main.contains("payments: 6 of 10, Hidden fragility."),
        "{main}"
    );
    // Evidence links to the pages behind it.
    let payments = section(&main, "id=\"domain-payments\"");
    assert!(
        payments.contains(
            "href=\"runbooks/refunds.html\">Refunds stuck: stale (review was due 2026-08-30)</a>"
        ),
        "{payments}"
    );
    assert!(payments.contains("href=\"adr/0001-use-ledger.html\">ADR 1: Use a double-entry ledger: accepted, linked from 1 other page</a>"), "{payments}");
    assert!(
        payments.contains("<strong>Next move: Coverage</strong> (now 1)"),
        "{payments}"
    );
    let platform = section(&main, "id=\"domain-platform\"");
    assert!(
        platform.contains("<strong>Next move: Decision traceability</strong> (now 1)"),
        "{platform}"
    );
    // Follow-through, owner load and the older lists.
    assert!(main.contains("closed by their due date (1)"), "{main}");
    assert!(
        main.contains("1/3</span> <span class=\"stat-label\">runbooks with every action closed"),
        "{main}"
    );
    let load = section(&main, "id=\"owner-load\"");
    assert!(load.contains("href=\"owners/alice.html\">Alice</a></th><td class=\"num\">5</td><td class=\"num\">45%</td>"), "{load}");
    assert!(
        !load.contains(">Hal<"),
        "inactive people carry no load: {load}"
    );
    let overdue = section(&main, "id=\"follow-through\"");
    assert!(
        overdue.contains("href=\"owners/gina.html\">Gina</a></th><td class=\"num\">1</td>"),
        "{overdue}"
    );
    for id in ["stale", "unowned", "single-owner"] {
        assert!(main.contains(&format!("<section id=\"{id}\"")), "{id}");
    }
    assert!(main.contains("Git history: 20 commits"), "{main}");
}

/// The text from `marker` to the end of its element's section (the next
/// `<details` or `<section`).
fn section<'a>(html: &'a str, marker: &str) -> &'a str {
    let start = html.find(marker).unwrap_or_else(|| panic!("no {marker}"));
    let rest = &html[start + marker.len()..];
    let end = ["<details class=\"domain-detail\"", "<section"]
        .iter()
        .filter_map(|m| rest.find(m))
        .min()
        .unwrap_or(rest.len());
    &rest[..end]
}

#[test]
fn review_outdated_fires_on_an_edit_after_the_review_not_on_a_bump() {
    let t = with_history();
    let (code, findings) = t.check_json();
    assert_eq!(code, 0, "warnings only");
    let outdated = of_rule(&findings, "review-outdated");
    assert_eq!(outdated.len(), 1, "{findings:#?}");
    let f = outdated[0];
    assert_eq!(
        (f.path.as_str(), f.line, f.column),
        ("src/runbooks/card-declines.md", 5, 1)
    );
    assert_eq!(f.severity, "warning");
    assert_eq!(
        f.message,
        "edited on 2026-10-15 by Alice after its last review (2026-10-01)"
    );
    // db-failover's commit of 2026-11-05 only bumped `reviewed:`.
    assert!(
        findings
            .iter()
            .all(|f| f.path != "src/runbooks/db-failover.md"),
        "{findings:#?}"
    );

    t.build_ok();
    let card = t.main_html("book/runbooks/card-declines.html");
    assert!(card.contains("banner-outdated"), "{card}");
    assert!(card.contains("Edited since its last review: changed on 2026-10-15 by Alice, after the review on 2026-10-01."), "{card}");
    assert!(card.contains("<dt>Last changed</dt><dd><time datetime=\"2026-10-15\">2026-10-15</time> by Alice</dd>"), "{card}");
    let failover = t.main_html("book/runbooks/db-failover.html");
    assert!(!failover.contains("banner-outdated"), "{failover}");

    // Off in [check.rules]: no finding, no banner.
    let toml = t.read("book.toml");
    t.write(
        "book.toml",
        &format!("{toml}\n[check.rules]\nreview-outdated = \"off\"\n"),
    );
    let (_, findings) = t.check_json();
    assert!(of_rule(&findings, "review-outdated").is_empty());
    t.build_ok();
    assert!(!t
        .main_html("book/runbooks/card-declines.html")
        .contains("banner-outdated"));
}

/// `serve` reads the same history as `build`: the outdated banner, the
/// last-changed line and the rotation scores are there in the preview.
#[cfg(feature = "serve")]
#[test]
fn serve_shows_what_git_history_says() {
    let t = with_history();
    let s = crate::serve::Serve::start(&t);
    let card = s.get("/runbooks/card-declines.html");
    assert_eq!(card.status, 200, "{}", card.body);
    let main = card.main();
    assert!(main.contains("banner-outdated"), "{main}");
    assert!(main.contains("<dt>Last changed</dt><dd><time datetime=\"2026-10-15\">2026-10-15</time> by Alice</dd>"), "{main}");
    let health = s.get("/health.html");
    assert!(
        !health.main().contains("Git history unknown"),
        "{}",
        health.main()
    );
    let cat: Value = serde_json::from_str(&s.get("/handbook.json").body).unwrap();
    assert_eq!(
        dims(domain(&cat, "platform"))[4],
        Some(2),
        "rotation from git"
    );
}

#[test]
fn without_git_history_rotation_and_dates_are_unknown() {
    let t = HandbookTest::fixture(FIXTURE);
    let ceiling = no_outer_repo(&t);
    let r = t.run_env(&["build", "--today", TODAY], &[(ceiling.0, &ceiling.1)]);
    r.assert_code(0);
    let cat = catalog(&t, "book/handbook.json");
    for (name, dimensions, score, band) in [
        (
            "legacy",
            [Some(0), Some(1), Some(0), Some(0), None],
            1,
            "structural-risk",
        ),
        (
            "data",
            [Some(0), Some(0), Some(1), Some(1), None],
            2,
            "structural-risk",
        ),
        (
            "payments",
            [Some(1), Some(1), Some(2), Some(1), None],
            5,
            "hidden-fragility",
        ),
        (
            "platform",
            [Some(2), Some(2), Some(1), Some(2), None],
            7,
            "healthy-core",
        ),
    ] {
        let d = domain(&cat, name);
        assert_eq!(dims(d), dimensions, "{name}");
        assert_eq!(
            (d["score"].as_u64(), d["band"].as_str()),
            (Some(score), Some(band)),
            "{name}"
        );
        assert_eq!(
            evidence(d, "ownership_rotation"),
            ["unknown: not inside a git repository"]
        );
    }
    assert_eq!(
        cat["health"]["follow_through"]["closed_by_due"],
        Value::Null
    );
    for p in cat["pages"].as_array().unwrap() {
        assert_eq!(p["last_changed"], Value::Null, "{p}");
        assert_eq!(p["last_author"], Value::Null, "{p}");
    }
    let main = t.main_html("book/health.html");
    assert!(
        main.contains("Git history unknown (not inside a git repository)"),
        "{main}"
    );

    // The same with no `git` program at all.
    let empty = t.path("no-git-here");
    std::fs::create_dir_all(&empty).unwrap();
    let r = t.run_env(
        &["check", "--format", "json", "--today", TODAY],
        &[("PATH", empty.to_str().unwrap())],
    );
    r.assert_code(0);
    assert!(of_rule(&crate::harness::findings_of(&r.json()), "review-outdated").is_empty());
    let r = t.run_env(
        &["build", "--today", TODAY],
        &[("PATH", empty.to_str().unwrap())],
    );
    r.assert_code(0);
    let cat = catalog(&t, "book/handbook.json");
    assert_eq!(
        evidence(domain(&cat, "payments"), "ownership_rotation"),
        ["unknown: git is not installed"]
    );
}

#[test]
fn check_json_output_gains_nothing_from_health() {
    let t = with_history();
    let r = t.run(&["check", "--format", "json", "--today", TODAY]);
    r.assert_no_panic();
    let json = r.json();
    let keys: Vec<&String> = json.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["findings", "pages", "summary", "today", "version"]);
    assert!(!r.stdout.contains("domains") && !r.stdout.contains("follow_through"));
}

#[test]
fn thresholds_come_from_book_toml() {
    let t = with_history();
    let toml = t.read("book.toml");
    t.write(
        "book.toml",
        &format!("{toml}\n[health]\ncoverage-partial = 1\ncoverage-full = 2\nrotation-editors = 3\nresilient-from = 10\n"),
    );
    t.build_ok();
    let cat = catalog(&t, "book/handbook.json");
    // One person is now enough for coverage 1, two for 2.
    assert_eq!(dims(domain(&cat, "payments"))[0], Some(2));
    assert_eq!(dims(domain(&cat, "legacy"))[0], Some(1));
    // Two runbook editors are no longer rotation; the owners are unchanged.
    let platform = domain(&cat, "platform");
    assert_eq!(dims(platform)[4], Some(1));
    assert_eq!(
        (platform["score"].as_u64(), platform["band"].as_str()),
        (Some(8), Some("healthy-core"))
    );

    t.write(
        "book.toml",
        &format!("{toml}\n[health]\nhealthy-core-from = 3\n"),
    );
    let r = t.run(&["build", "--today", TODAY]);
    r.assert_code(2);
    assert!(
        r.stderr.contains("band thresholds must rise"),
        "{}",
        r.stderr
    );
}

#[test]
fn shallow_clone_is_reported_once() {
    let t = with_history();
    let clone = t.path("clone");
    let out = Command::new("git")
        .args(["clone", "-q", "--depth", "2"])
        .arg(format!("file://{}", t.root().display()))
        .arg(&clone)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CEILING_DIRECTORIES", t.root().parent().unwrap())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for args in [
        &["build", "clone", "--today", TODAY][..],
        &["check", "clone", "--today", TODAY][..],
    ] {
        let r = t.run(args);
        r.assert_no_panic();
        assert_eq!(
            r.stderr.matches("shallow git clone").count(),
            1,
            "{args:?}: {}",
            r.stderr
        );
        assert!(r.stderr.contains("git fetch --unshallow"), "{}", r.stderr);
    }
    // The two commits it has still date the pages they touched.
    let cat = catalog(&t, "clone/book/handbook.json");
    let failover = cat["pages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["path"] == "src/runbooks/db-failover.md")
        .unwrap();
    assert_eq!(failover["last_changed"], "2026-11-05");
    assert!(t
        .main_html("clone/book/health.html")
        .contains("shallow clone"));
}

#[test]
fn handbook_in_a_subfolder_of_a_larger_repository() {
    let t = HandbookTest::empty();
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(FIXTURE);
    for rel in crate::harness::list_files(&src) {
        t.write(&format!("docs/handbook/{rel}"), &fixture_text(&rel));
    }
    scripted_history(t.root(), "docs/handbook/");
    // Unrelated commits elsewhere in the repository, after the handbook's.
    let r = Repo {
        repo: t.root().to_path_buf(),
        prefix: String::new(),
    };
    r.commit(
        "2026-11-10",
        "Zed",
        &[("service/main.rs", "fn main() {}\n".into())],
    );
    r.commit("2026-11-11", "Zed", &[("README.md", "# Monorepo\n".into())]);

    let r = t.run(&["build", "docs/handbook", "--today", TODAY]);
    r.assert_code(0);
    let cat = catalog(&t, "docs/handbook/book/handbook.json");
    assert_eq!(
        dims(domain(&cat, "data")),
        [Some(0), Some(0), Some(1), Some(1), Some(2)]
    );
    assert_eq!(cat["health"]["follow_through"]["closed_by_due"], 1);
    let card = cat["pages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["path"] == "src/runbooks/card-declines.md")
        .unwrap();
    assert_eq!(card["last_changed"], "2026-10-15");
    assert!(t
        .main_html("docs/handbook/book/health.html")
        .contains("Git history: 20 commits"));
    let r = t.run(&[
        "check",
        "docs/handbook",
        "--format",
        "json",
        "--today",
        TODAY,
    ]);
    let findings = crate::harness::findings_of(&r.json());
    assert_eq!(
        of_rule(&findings, "review-outdated").len(),
        1,
        "{findings:#?}"
    );
}

/// The second build reads `git log` from its cache in `.git/handbook/` and
/// says the same; a new commit moves `HEAD`, so the log is read again and
/// the commit shows; a garbled cache is ignored.
#[test]
fn git_log_cache_is_used_while_head_stays_and_extended_by_new_commits() {
    let t = with_history();
    let timings = [("HANDBOOK_TIMINGS", "1")];
    let build = |t: &HandbookTest| {
        let r = t.run_env(&["build", "--today", TODAY], &timings);
        r.assert_code(0);
        r.stderr
    };
    let cold = build(&t);
    assert!(cold.contains("timing: git history: "), "{cold}");
    assert!(!cold.contains("(cached)"), "{cold}");
    assert!(!cold.contains(", 0 of 0 old versions read"), "{cold}");
    assert!(t.exists(".git/handbook/git-log.json"));
    let cold_catalog = t.read("book/handbook.json");
    let cold_card = t.main_html("book/runbooks/card-declines.html");

    let warm = build(&t);
    assert!(warm.contains("(cached)"), "{warm}");
    // What old versions said is kept too: no version is read again.
    assert!(t.exists(".git/handbook/facts.json"));
    assert!(warm.contains(", 0 of 0 old versions read"), "{warm}");
    assert_eq!(t.read("book/handbook.json"), cold_catalog);
    assert_eq!(t.main_html("book/runbooks/card-declines.html"), cold_card);

    // A new commit on top: only it is read, in front of the cached log,
    // and the result is what a full read gives.
    let card = t.read("src/runbooks/card-declines.md");
    t.write(
        "src/runbooks/card-declines.md",
        &format!("{card}\nOne more step.\n"),
    );
    git(
        t.root(),
        &["commit", "-q", "-am", "edit"],
        "2026-11-20",
        "Carol",
    );
    let moved = build(&t);
    assert!(
        moved.contains("(cached, and 1 newer commit read)"),
        "{moved}"
    );
    let html = t.main_html("book/runbooks/card-declines.html");
    assert!(
        html.contains("<dt>Last changed</dt><dd><time datetime=\"2026-11-20\">2026-11-20</time> by Carol</dd>"),
        "{html}"
    );
    let after_commit = t.read("book/handbook.json");
    assert_ne!(after_commit, cold_catalog);
    std::fs::remove_dir_all(t.root().join(".git/handbook")).unwrap();
    let full = build(&t);
    assert!(!full.contains("(cached"), "{full}");
    assert!(
        t.read("book/handbook.json") == after_commit,
        "the extended log gives another catalog than a full read"
    );

    // A merge is not a straight line: the log is read in full.
    git(
        t.root(),
        &["checkout", "-q", "-b", "side", "HEAD~2"],
        "2026-11-21",
        "Dan",
    );
    t.write(
        "src/guides/side.md",
        "---\ntitle: Side\nowners: [dan]\n---\nSide.\n",
    );
    git(
        t.root(),
        &["add", "src/guides/side.md"],
        "2026-11-21",
        "Dan",
    );
    git(
        t.root(),
        &["commit", "-q", "-m", "side"],
        "2026-11-21",
        "Dan",
    );
    git(t.root(), &["checkout", "-q", "main"], "2026-11-22", "Dan");
    git(
        t.root(),
        &["merge", "-q", "--no-ff", "-m", "merge side", "side"],
        "2026-11-22",
        "Dan",
    );
    let merged = build(&t);
    assert!(!merged.contains("(cached"), "{merged}");
    let after_merge = t.read("book/handbook.json");
    assert!(after_merge.contains("Side"), "the merged page is built");

    // Going back is not a straight line either.
    git(
        t.root(),
        &["reset", "-q", "--hard", "HEAD~1"],
        "2026-11-22",
        "Dan",
    );
    let back = build(&t);
    assert!(!back.contains("(cached"), "{back}");
    assert!(
        t.read("book/handbook.json") == after_commit,
        "back where it was"
    );

    // A garbled cache is not used, and not fatal.
    t.write(".git/handbook/git-log.json", "{\"version\": 1, \"key\":");
    let garbled = build(&t);
    assert!(!garbled.contains("(cached"), "{garbled}");
    assert_eq!(t.read("book/handbook.json"), after_commit);
}

#[test]
fn pages_never_reviewed_are_counted_beside_stale_ones() {
    // A handbook just adopted: nothing reviewed, so nothing is "stale".
    let t = HandbookTest::with_pages(
        "Adopted",
        &[
            ("index.md", "# Home\n"),
            ("runbooks/db.md", "# DB\n"),
            (
                "guides/setup.md",
                "---\nreviewed: 2026-11-01\n---\n# Setup\n",
            ),
        ],
    );
    t.build_ok();
    let html = t.read("book/health.html");
    assert!(
        html.contains(
            "<span class=\"stat-value\">2</span> <span class=\"stat-label\">never reviewed</span>"
        ),
        "{html}"
    );
    let runbooks = html
        .split("<tr>")
        .find(|row| row.starts_with("<th scope=\"row\">") && row.contains("Runbooks<"))
        .unwrap_or_else(|| panic!("no runbooks row: {html}"));
    assert!(
        runbooks
            .contains("<td class=\"num\">1</td><td class=\"num\">0</td><td class=\"num\">1</td>"),
        "{runbooks}"
    );
}

#[test]
fn never_reviewed_is_counted_per_domain() {
    let t = HandbookTest::with_pages(
        "Adopted",
        &[
            ("index.md", "# Home\n"),
            ("runbooks/db.md", "# DB\n"),
            (
                "runbooks/cache.md",
                "---\nreviewed: 2020-01-01\n---\n# Cache\n",
            ),
            (
                "guides/setup.md",
                "---\nreviewed: 2026-11-01\n---\n# Setup\n",
            ),
        ],
    );
    t.build_ok();
    let cat = catalog(&t, "book/handbook.json");
    let runbooks = domain(&cat, "runbooks");
    assert_eq!(
        (
            &runbooks["pages"],
            &runbooks["stale"],
            &runbooks["never_reviewed"]
        ),
        (&Value::from(2), &Value::from(1), &Value::from(1)),
        "{runbooks:#}"
    );
    assert_eq!(domain(&cat, "guides")["never_reviewed"], 0);
    let html = t.read("book/health.html");
    let row = html
        .split("<tr class=\"band-row-")
        .find(|row| row.contains(">runbooks</a></th>"))
        .unwrap_or_else(|| panic!("no runbooks domain row: {html}"));
    assert!(
        row.contains("<td class=\"num\">2</td><td class=\"num\">1</td><td class=\"num domain-never-reviewed stat-warning\">1</td>"),
        "{row}"
    );
    assert!(html.contains("runbooks: "), "{html}");
    assert!(html.contains("1 stale, 1 never reviewed of 2."), "{html}");
}

#[test]
fn domains_come_from_book_toml_globs_first_match_wins() {
    let t = HandbookTest::with_pages(
        "Globs",
        &[
            ("payments/api.md", "# API\n"),
            ("billing/invoices.md", "# Invoices\n"),
            ("billing/refunds/policy.md", "# Refunds\n"),
            ("ops/payments-oncall.md", "# Payments on call\n"),
            ("ops/other.md", "# Other\n"),
            ("misc/x.md", "---\ndomain: Explicit\n---\n# X\n"),
        ],
    );
    t.write(
        "book.toml",
        "[book]\ntitle = \"Globs\"\n\n[[health.domains]]\nname = \"Payments\"\npaths = [\"payments\", \"billing/**\", \"ops/payments-*.md\"]\n\n[[health.domains]]\nname = \"Ops\"\npaths = [\"ops/**\", \"misc/**\"]\n",
    );
    t.build_ok();
    let cat = catalog(&t, "book/handbook.json");
    let names: Vec<(&str, u64)> = cat["health"]["domains"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["domain"].as_str().unwrap(), d["pages"].as_u64().unwrap()))
        .collect::<std::collections::BTreeMap<_, _>>()
        .into_iter()
        .collect();
    // `domain:` wins over the globs; the first matching table wins.
    assert_eq!(names, [("Explicit", 1), ("Ops", 1), ("Payments", 4)]);

    // A table without paths is a config error at its line.
    t.write(
        "book.toml",
        "[book]\ntitle = \"Globs\"\n\n[[health.domains]]\nname = \"Payments\"\n",
    );
    let r = t.run(&["build", "--today", TODAY]);
    r.assert_code(2);
    assert!(r.stderr.contains("book.toml:4:"), "{}", r.stderr);
    assert!(
        r.stderr.contains("needs a `name` and `paths`"),
        "{}",
        r.stderr
    );
}

#[test]
fn one_top_folder_holding_most_pages_is_split_one_level_deeper() {
    let t = HandbookTest::with_pages(
        "Deep",
        &[
            ("handbook/index.md", "# Handbook\n"),
            ("handbook/engineering/a.md", "# A\n"),
            ("handbook/engineering/b.md", "# B\n"),
            ("handbook/people/c.md", "# C\n"),
            ("handbook/people/d.md", "# D\n"),
            ("handbook/security/e.md", "# E\n"),
            ("adr/0001-x.md", "# X\n"),
        ],
    );
    t.build_ok();
    let cat = catalog(&t, "book/handbook.json");
    let mut names: Vec<&str> = cat["health"]["domains"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["domain"].as_str().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "adr",
            "handbook",
            "handbook/engineering",
            "handbook/people",
            "handbook/security"
        ]
    );
}
