//! Rule tests: tiny handbooks built from strings, a fixed `today`.

use super::*;
use crate::config::parse_config;
use crate::discover::SourceFile;
use crate::markdown::Highlighter;
use crate::owners::{parse_registry, CodeOwners, Registry};
use crate::page::parse_pages;
use std::path::Path;

mod incidents;

const OWNERS: &str = "teams:\n  payments:\n    members: [alice, bob]\n  ghosts:\n    members: [carol]\npeople:\n  alice: { name: Alice }\n  bob: { name: Bob }\n  carol: { name: Carol, active: false }\n";

fn handbook(book_toml: &str, owners: Option<&str>, files: &[(&str, &str)]) -> Handbook {
    let root = Path::new("/nonexistent-handbook");
    let config = parse_config(root, &root.join("book.toml"), book_toml).unwrap();
    let registry = match owners {
        Some(text) => {
            parse_registry(Path::new("owners.yaml"), "owners.yaml", text)
                .unwrap()
                .0
        }
        None => Registry::default(),
    };
    let sources = files
        .iter()
        .map(|(rel, text)| SourceFile {
            rel: rel.to_string(),
            root_rel: rel.to_string(),
            text: text.to_string(),
            invalid_utf8_at: None,
        })
        .collect();
    let pages = parse_pages(sources, &config, &Highlighter::new());
    Handbook {
        config,
        registry,
        codeowners: CodeOwners::default(),
        pages,
        assets: Vec::new(),
        config_findings: Vec::new(),
        summary: None,
        history: Default::default(),
    }
}

fn today() -> Date {
    Date::parse("2026-11-23").unwrap()
}

/// (rule, path, line) of every finding.
fn findings(h: &Handbook) -> Vec<(&'static str, String, u32)> {
    run_rules(h, today())
        .all_findings()
        .into_iter()
        .map(|d| (d.rule, d.path, d.line))
        .collect()
}

const FRESH: &str = "---\nowners: [payments]\nreviewed: 2026-11-01\n---\n# Fresh\n";

#[test]
fn clean_page_has_no_findings() {
    let h = handbook("", Some(OWNERS), &[("a.md", FRESH)]);
    assert_eq!(findings(&h), vec![]);
}

#[test]
fn ownership_rules_fire_at_the_owners_key() {
    let h = handbook(
        "",
        Some(OWNERS),
        &[
            ("none.md", "---\nreviewed: 2026-11-01\n---\n"),
            (
                "unknown.md",
                "---\nreviewed: 2026-11-01\nowners: [payments, \"@mallory\"]\n---\n",
            ),
            (
                "inactive.md",
                "---\nreviewed: 2026-11-01\nowners: [ghosts, alice]\n---\n",
            ),
            (
                "single.md",
                "---\nreviewed: 2026-11-01\n\nowners: [\"@alice\"]\n---\n",
            ),
        ],
    );
    let f = findings(&h);
    assert!(f.contains(&("owner-missing", "none.md".into(), 1)), "{f:?}");
    assert!(
        f.contains(&("owner-unknown", "unknown.md".into(), 3)),
        "{f:?}"
    );
    assert!(
        f.contains(&("owner-inactive", "inactive.md".into(), 3)),
        "{f:?}"
    );
    // ghosts has no active member and alice is the only active person left.
    assert!(
        f.contains(&("owner-single", "inactive.md".into(), 3)),
        "{f:?}"
    );
    assert!(
        f.contains(&("owner-single", "single.md".into(), 4)),
        "{f:?}"
    );
    assert_eq!(f.len(), 5, "{f:?}");
}

#[test]
fn without_a_registry_any_owner_is_accepted() {
    let h = handbook(
        "",
        None,
        &[("a.md", "---\nowners: [anyone]\nreviewed: 2026-11-01\n---\n")],
    );
    assert_eq!(findings(&h), vec![]);
}

#[test]
fn review_states_follow_interval_and_warn_window() {
    let h = handbook(
        "[review]\nwarn-before = \"14d\"\n",
        Some(OWNERS),
        &[
            ("runbooks/stale.md", "---\nowners: [payments]\nreviewed: 2026-08-01\n---\n## Failure signature\n## Mitigation\n## Root cause\n## Prevention\n"),
            ("runbooks/soon.md", "---\nowners: [payments]\nreviewed: 2026-09-01\n---\n## Failure signature\n## Mitigation\n## Root cause\n## Prevention\n"),
            ("missing.md", "---\nowners: [payments]\n---\n"),
            ("future.md", "---\nowners: [payments]\nreviewed: 2026-12-01\n---\n"),
            ("custom.md", "---\nowners: [payments]\nreviewed: 2026-10-01\nreview_every: 30d\n---\n"),
        ],
    );
    let f = findings(&h);
    // 2026-08-01 + 90d = 2026-10-30 < today.
    assert!(
        f.contains(&("review-stale", "runbooks/stale.md".into(), 3)),
        "{f:?}"
    );
    // 2026-09-01 + 90d = 2026-11-30, within 14 days.
    assert!(
        f.contains(&("review-due-soon", "runbooks/soon.md".into(), 3)),
        "{f:?}"
    );
    assert!(
        f.contains(&("review-missing", "missing.md".into(), 1)),
        "{f:?}"
    );
    assert!(
        f.contains(&("review-future", "future.md".into(), 3)),
        "{f:?}"
    );
    assert!(
        f.contains(&("review-stale", "custom.md".into(), 3)),
        "{f:?}"
    );
    // Neither runbook records a drill (`exercised:`).
    assert!(
        f.contains(&("runbook-unexercised", "runbooks/soon.md".into(), 1)),
        "{f:?}"
    );
    assert_eq!(f.len(), 7, "{f:?}");
}

#[test]
fn adrs_never_need_review_by_default() {
    let h = handbook(
        "",
        Some(OWNERS),
        &[(
            "adr/0001-a.md",
            "---\nowners: [payments]\nstatus: accepted\n---\n",
        )],
    );
    assert_eq!(findings(&h), vec![]);
}

#[test]
fn adr_rules() {
    let adr = |status: &str, extra: &str| {
        format!("---\nowners: [payments]\nstatus: {status}\ndate: 2026-01-01\n{extra}---\n")
    };
    let h = handbook(
        "",
        Some(OWNERS),
        &[
            ("adr/0001-a.md", &adr("superseded", "superseded_by: 2\n")),
            ("adr/0002-b.md", &adr("accepted", "supersedes: [1]\n")),
            ("adr/0003-c.md", &adr("accepted", "")),
            ("adr/0004-d.md", &adr("accepted", "supersedes: [3]\n")),
            ("adr/0005-e.md", &adr("maybe", "superseded_by: 99\n")),
            ("adr/0006-f.md", &adr("proposed", "")),
            ("adr/0006-g.md", &adr("accepted", "")),
            (
                "adr/0007-h.md",
                &adr("superseded", "superseded_by: 8\nsupersedes: [8]\n"),
            ),
            (
                "adr/0008-i.md",
                &adr("superseded", "superseded_by: 7\nsupersedes: [7]\n"),
            ),
        ],
    );
    let f = findings(&h);
    let has = |rule: &str, path: &str| f.iter().any(|x| x.0 == rule && x.1 == path);
    assert!(
        !f.iter()
            .any(|x| x.1.contains("0001") || x.1.contains("0002")),
        "consistent pair: {f:?}"
    );
    assert!(has("adr-supersede-inconsistent", "adr/0004-d.md"), "{f:?}");
    assert!(has("adr-status-invalid", "adr/0005-e.md"), "{f:?}");
    assert!(has("adr-supersedes-missing", "adr/0005-e.md"), "{f:?}");
    assert!(has("adr-proposed-stale", "adr/0006-f.md"), "{f:?}");
    assert!(
        has("adr-number-duplicate", "adr/0006-f.md")
            && has("adr-number-duplicate", "adr/0006-g.md"),
        "{f:?}"
    );
    let cycles: Vec<_> = f.iter().filter(|x| x.0 == "adr-supersede-cycle").collect();
    assert_eq!(cycles.len(), 1, "one cycle reported once: {f:?}");
    assert_eq!(cycles[0].1, "adr/0007-h.md");
}

#[test]
fn runbook_sections_actions_and_standards() {
    let h = handbook(
        "",
        Some(OWNERS),
        &[
            ("runbooks/r.md", "---\nowners: [payments]\nreviewed: 2026-11-01\nactions:\n  - what: A\n    owner: \"@alice\"\n    due: 2026-11-01\n  - what: B\n    due: 2027-01-01\n  - what: C\n    owner: \"@bob\"\n    due: 2026-01-01\n    done: true\n---\n## Symptoms\n## Mitigation\n## Prevention\n"),
            ("standards/s.md", "---\nowners: [payments]\nreviewed: 2026-11-01\n---\n"),
            ("standards/t.md", "---\nowners: [payments]\nreviewed: 2026-11-01\nenforced_by: ci.yml\n---\n"),
        ],
    );
    let f = findings(&h);
    assert!(
        f.contains(&("runbook-section-missing", "runbooks/r.md".into(), 15)),
        "{f:?}"
    );
    assert!(
        f.contains(&("action-overdue", "runbooks/r.md".into(), 5)),
        "{f:?}"
    );
    assert!(
        f.contains(&("action-unowned", "runbooks/r.md".into(), 8)),
        "{f:?}"
    );
    assert!(
        f.contains(&("standard-unenforced", "standards/s.md".into(), 1)),
        "{f:?}"
    );
    assert!(
        f.contains(&("runbook-unexercised", "runbooks/r.md".into(), 1)),
        "{f:?}"
    );
    assert_eq!(f.len(), 5, "{f:?}");
}

#[test]
fn links_and_anchors() {
    let h = handbook(
        "",
        None,
        &[
            ("a.md", "---\nowners: [x]\nreviewed: 2026-11-01\n---\n# A\n\n[ok](b.md#part) [html](b.html) [self](#a)\n[broken](c.md)\n[bad anchor](b.md#nope)\n[web](https://x.dev/c.md) [up](../outside.md)\n"),
            ("b.md", "---\nowners: [x]\nreviewed: 2026-11-01\n---\n## Part\n"),
        ],
    );
    let f = findings(&h);
    assert_eq!(
        f,
        vec![
            ("link-broken", "a.md".into(), 8),
            ("anchor-broken", "a.md".into(), 9)
        ],
        "{f:?}"
    );
}

#[test]
fn configured_levels_change_or_drop_findings() {
    let files = [(
        "a.md",
        "---\nowners: [payments]\nreviewed: 2020-01-01\n---\n",
    )];
    let h = handbook(
        "[check.rules]\nreview-stale = \"error\"\n",
        Some(OWNERS),
        &files,
    );
    let all = run_rules(&h, today()).all_findings();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].severity, Severity::Error);
    let h = handbook(
        "[check.rules]\nreview-stale = \"off\"\n",
        Some(OWNERS),
        &files,
    );
    assert!(run_rules(&h, today()).all_findings().is_empty());
}

#[test]
fn unknown_kind_and_invalid_frontmatter() {
    let h = handbook(
        "",
        None,
        &[
            (
                "a.md",
                "---\nowners: [x]\nreviewed: 2026-11-01\nkind: recipe\n---\n",
            ),
            ("b.md", "---\nowners: [x]\nreviewed: [2026\n---\n"),
        ],
    );
    let f = findings(&h);
    assert!(f.contains(&("kind-unknown", "a.md".into(), 4)), "{f:?}");
    assert!(
        f.iter()
            .any(|x| x.0 == "frontmatter-invalid" && x.1 == "b.md"),
        "{f:?}"
    );
}

/// Numbers are unique within a decision log, not across the handbook: a
/// handbook may keep one `decisions/` folder per design document, each
/// counting from 1, while subfolders of one `adr/` folder share a log.
#[test]
fn adr_numbers_are_scoped_to_their_decision_log() {
    let adr = |status: &str, extra: &str| {
        format!("---\nowners: [payments]\nreviewed: 2026-11-01\nstatus: {status}\n{extra}---\n")
    };
    let h = handbook(
        "",
        Some(OWNERS),
        &[
            (
                "design/cells/decisions/001-a.md",
                &adr("superseded", "superseded_by: 2\n"),
            ),
            (
                "design/cells/decisions/002-b.md",
                &adr("accepted", "supersedes: [1]\n"),
            ),
            ("design/search/decisions/001-a.md", &adr("accepted", "")),
            (
                "design/search/decisions/002-c.md",
                &adr("accepted", "supersedes: [3]\n"),
            ),
            ("adr/2023/0004-x.md", &adr("accepted", "")),
            ("adr/2024/0004-y.md", &adr("accepted", "")),
        ],
    );
    let f = findings(&h);
    let has = |rule: &str, path: &str| f.iter().any(|x| x.0 == rule && x.1 == path);
    assert!(
        !f.iter().any(|x| x.1.contains("design/cells")),
        "a consistent pair in its own log: {f:?}"
    );
    assert!(
        !f.iter()
            .any(|x| x.0 == "adr-number-duplicate" && x.1.starts_with("design/")),
        "001 in two logs is no duplicate: {f:?}"
    );
    // ADR 3 is not in search's log, though no other log has it either.
    assert!(
        has("adr-supersedes-missing", "design/search/decisions/002-c.md"),
        "{f:?}"
    );
    assert!(
        has("adr-number-duplicate", "adr/2023/0004-x.md")
            && has("adr-number-duplicate", "adr/2024/0004-y.md"),
        "one adr/ folder is one log: {f:?}"
    );
}

fn of<'a>(f: &'a [(&'static str, String, u32)], rule: &str) -> Vec<(&'a str, u32)> {
    f.iter()
        .filter(|x| x.0 == rule)
        .map(|x| (x.1.as_str(), x.2))
        .collect()
}

#[test]
fn one_mistake_in_the_frontmatter_gives_one_finding() {
    let h = handbook(
        "",
        Some(OWNERS),
        &[
            // A tab indents a line: nothing can be read.
            (
                "guides/tab.md",
                "---\nowners:\n\t- payments\nreviewed: 2026-11-01\n---\n# Tab\n",
            ),
            // A date that is not one: only that.
            (
                "guides/date.md",
                "---\nowners: [payments]\nreviewed: 2026-13-01\n---\n# Date\n",
            ),
            // An owner list of the wrong type.
            (
                "guides/owners.md",
                "---\nowners: { team: payments }\nreviewed: 2026-11-01\n---\n# Owners\n",
            ),
        ],
    );
    let f = findings(&h);
    let rules =
        |path: &str| -> Vec<&str> { f.iter().filter(|x| x.1 == path).map(|x| x.0).collect() };
    assert_eq!(rules("guides/tab.md"), ["frontmatter-invalid"], "{f:?}");
    assert_eq!(rules("guides/date.md"), ["frontmatter-invalid"], "{f:?}");
    assert_eq!(rules("guides/owners.md"), ["frontmatter-invalid"], "{f:?}");
}

#[test]
fn unknown_owners_and_kinds_suggest_the_near_name() {
    let h = handbook(
        "",
        Some(OWNERS),
        &[(
            "guides/a.md",
            "---\nkind: runbok\nowners: [paymnets, \"@alcie\", marketing]\nreviewed: 2026-11-01\n---\n# A\n",
        )],
    );
    let ev = run_rules(&h, today());
    let helps: Vec<(String, String)> = ev
        .all_findings()
        .into_iter()
        .map(|d| (d.rule.to_string(), d.help.unwrap_or_default()))
        .collect();
    let help = |rule: &str, has: &str| helps.iter().any(|(r, h)| r == rule && h.contains(has));
    assert!(help("kind-unknown", "did you mean `runbook`?"), "{helps:?}");
    assert!(
        help("owner-unknown", "did you mean `payments`?"),
        "{helps:?}"
    );
    assert!(help("owner-unknown", "did you mean `alice`?"), "{helps:?}");
    // Nothing near `marketing`: no guess.
    assert!(
        helps
            .iter()
            .any(|(r, h)| r == "owner-unknown" && h.starts_with("add `marketing`")),
        "{helps:?}"
    );
}

#[test]
fn an_empty_owner_list_is_reported_at_its_line() {
    let h = handbook(
        "",
        Some(OWNERS),
        &[
            (
                "guides/a.md",
                "---\ntitle: A\nreviewed: 2026-11-01\nowners: []\n---\n# A\n",
            ),
            (
                "guides/b.md",
                "---\ntitle: B\nreviewed: 2026-11-01\n---\n# B\n",
            ),
        ],
    );
    let f = findings(&h);
    assert_eq!(
        of(&f, "owner-missing"),
        [("guides/a.md", 4), ("guides/b.md", 1)],
        "{f:?}"
    );
}

#[test]
fn links_in_raw_html_are_checked_like_markdown_ones() {
    let h = handbook(
        "",
        Some(OWNERS),
        &[
            ("guides/target.md", "---\nowners: [payments]\nreviewed: 2026-11-01\n---\n# Target\n## Steps\n"),
            (
                "guides/a.md",
                "---\nowners: [payments]\nreviewed: 2026-11-01\n---\n# A\n\n<p>See <a href=\"target.md#steps\">ok</a> and <a href=\"gone.md\">gone</a>.</p>\n\n<div>\n  <img src=\"img/none.png\" alt=\"\">\n  <a href=\"target.md#nope\">x</a>\n</div>\n",
            ),
        ],
    );
    let f = findings(&h);
    assert_eq!(
        of(&f, "link-broken"),
        [("guides/a.md", 7), ("guides/a.md", 10)],
        "{f:?}"
    );
    assert_eq!(of(&f, "anchor-broken"), [("guides/a.md", 11)], "{f:?}");
    let page = h.pages.iter().find(|p| p.src.rel == "guides/a.md").unwrap();
    let gone = page.md.links.iter().find(|l| l.dest == "gone.md").unwrap();
    // The column of the value, inside the tag.
    assert_eq!((gone.line, gone.column), (7, 54));
}
