//! Unit tests for git history: log parsing, change classification and
//! the facts worked out per page.

use super::facts::{classify, page_facts, review_date, ChangeKind};
use super::log::{parse_log, Change, Commit, RawLog, Status};
use super::versions::{Facts, Fetched, Wanted};
use super::*;
use crate::page::Page;
use std::sync::Arc;

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

#[test]
fn window_start_in_days_and_months() {
    assert_eq!(
        window_start(d("2026-11-23"), Interval::Days(182)),
        d("2026-05-25")
    );
    assert_eq!(
        window_start(d("2026-11-23"), Interval::Months(6)),
        d("2026-05-23")
    );
    assert_eq!(
        window_start(d("2026-08-31"), Interval::Months(6)),
        d("2026-02-28")
    );
}

#[test]
fn classifies_review_bookkeeping_and_edits() {
    let base = "---\ntitle: T\nreviewed: 2026-01-01\nactions:\n  - what: A\n    done: false\n---\n\nBody.\n";
    let bumped = base.replace("2026-01-01", "2026-06-01");
    let done = base.replace("done: false", "done: true");
    let edited = base.replace("Body.", "Body, edited.");
    let both = bumped.replace("Body.", "Body, edited.");
    assert_eq!(classify(base, &bumped), ChangeKind::Review);
    assert_eq!(classify(base, &both), ChangeKind::Review);
    assert_eq!(classify(base, &done), ChangeKind::Bookkeeping);
    assert_eq!(classify(base, &edited), ChangeKind::Edit);
    // The same in TOML frontmatter.
    let base = "+++\ntitle = \"T\"\nreviewed = 2026-01-01\n\n[[actions]]\nwhat = \"A\"\ndone = false\n+++\n\nBody.\n";
    let bumped = base.replace("2026-01-01", "2026-06-01");
    let done = base.replace("done = false", "done = true");
    let edited = base.replace("what = \"A\"", "what = \"B\"");
    assert_eq!(classify(base, &bumped), ChangeKind::Review);
    assert_eq!(classify(base, &done), ChangeKind::Bookkeeping);
    assert_eq!(classify(base, &edited), ChangeKind::Edit);
    assert_eq!(
        classify(base, &base.replace('\n', "\r\n")),
        ChangeKind::Bookkeeping
    );
    let alias = "---\nlast_reviewed_on: \"2026-01-01\"\n---\nX\n";
    assert_eq!(
        classify(alias, &alias.replace("01-01", "02-01")),
        ChangeKind::Review
    );
    // `done:` in the body is content.
    assert_eq!(
        classify("---\n---\n  done: x\n", "---\n---\n  done: y\n"),
        ChangeKind::Edit
    );
}

/// The history reads the frontmatter block as the page reader does:
/// an unclosed block ends at the first blank line, a `---` that opens
/// no key is a thematic break, CRLF and a BOM change nothing.
#[test]
fn reads_the_block_the_page_reader_reads() {
    let unclosed = "---\nreviewed: 2026-01-01\n\n# Title\n";
    assert_eq!(review_date(unclosed), Some("2026-01-01"));
    // A rule, then prose: the page has no frontmatter, so a later
    // `reviewed:` line is text, not its review date.
    let rule = "---\nNotes from the drill\n\nreviewed: 2026-01-01\n";
    assert_eq!(review_date(rule), None, "a thematic break, then text");
    let crlf = "\u{feff}---\r\nreviewed: 2026-02-02\r\n---\r\nBody\r\n";
    assert_eq!(review_date(crlf), Some("2026-02-02"));
    // Bumping the date of an unclosed block is a review, not an edit
    // of the body; changing its body is an edit.
    assert_eq!(
        classify(unclosed, "---\nreviewed: 2026-03-01\n\n# Title\n"),
        ChangeKind::Review
    );
    assert_eq!(
        classify(unclosed, "---\nreviewed: 2026-01-01\n\n# Title, edited\n"),
        ChangeKind::Edit
    );
}

#[test]
fn parses_raw_log_output_under_a_prefix() {
    let z = "\x01aaaa\x001790000000\x00Alice Ng\x00\n:000000 100644 0000 1111 A\x00docs/src/a.md\x00:100644 100644 2222 3333 M\x00README.md\x00\x01bbbb\x001780000000\x00Bob\x00\x01cccc\x001770000000\x00Carol\x00\n:100644 000000 4444 0000 D\x00docs/src/b.md\x00";
    let mut log = RawLog::default();
    parse_log(z.as_bytes(), "docs/src/", &mut log);
    assert_eq!(log.commits.len(), 3);
    assert_eq!(log.touching, 2, "the second commit touches only README.md");
    assert_eq!(log.commits[0].author, "Alice Ng");
    assert_eq!(log.commits[0].date.to_string(), "2026-09-21");
    assert_eq!(log.changes.len(), 2, "{:?}", log.changes.keys());
    let a = &log.changes["a.md"][0];
    assert_eq!((a.commit, a.status, &*a.new), (0, Status::Added, "1111"));
    let b = &log.changes["b.md"][0];
    assert_eq!((b.commit, b.status), (2, Status::Deleted));
}

fn page(text: &str) -> Page {
    let root = Path::new("/nonexistent-handbook");
    let config = crate::config::parse_config(root, &root.join("book.toml"), "").unwrap();
    let src = crate::discover::SourceFile {
        rel: "runbooks/a.md".into(),
        root_rel: "src/runbooks/a.md".into(),
        text: text.into(),
        invalid_utf8_at: None,
    };
    let known = std::collections::HashSet::new();
    crate::page::parse_page(src, &config, &known, &crate::markdown::Highlighter::plain())
}

fn change(commit: u32, status: Status, old: &str, new: &str) -> Change {
    Change {
        commit,
        status,
        old: old.into(),
        new: new.into(),
    }
}

#[test]
fn facts_from_changes_and_versions() {
    let now = "---\nowners: [b]\nreviewed: 2026-06-01\nactions:\n  - what: X\n    due: 2026-03-01\n    done: true\n  - what: Y\n    due: 2025-01-01\n    done: true\n---\nBody, edited.\n";
    let v1 = now.replace("Body, edited.", "Body.");
    let v0 = v1
        .replace("[b]", "[a]")
        .replace("2026-06-01", "2026-01-01")
        .replace(
            "due: 2026-03-01\n    done: true",
            "due: 2026-03-01\n    done: false",
        );
    let commits = vec![
        Commit {
            date: d("2026-07-01"),
            author: "Bea".into(),
        },
        Commit {
            date: d("2026-06-01"),
            author: "Al".into(),
        },
        Commit {
            date: d("2026-01-01"),
            author: "Al".into(),
        },
    ];
    // Newest first: an edit after the review, the review (which also
    // closed X after its due date and changed the owners), the creation.
    let changes = vec![
        change(0, Status::Modified, "v1", "now"),
        change(1, Status::Modified, "v0", "v1"),
        change(2, Status::Added, "0000", "v0"),
    ];
    let p = page(now);
    let none = Facts::default();
    let mut wanted = Wanted::new(&none);
    page_facts(
        &p,
        &changes,
        &commits,
        &mut wanted,
        d("2026-05-25"),
        true,
        true,
    );
    assert_eq!(
        wanted.oids,
        ["v1".into(), "now".into(), "v0".into()] as [Box<str>; 3]
    );
    let mut versions = Fetched::new(&none);
    for (oid, text) in [("v0", v0.as_str()), ("v1", &v1), ("now", now)] {
        versions.texts.insert(oid.into(), Arc::from(text));
    }
    let f = page_facts(
        &p,
        &changes,
        &commits,
        &mut versions,
        d("2026-05-25"),
        true,
        true,
    );
    assert_eq!(f.commits, 3);
    assert_eq!(
        f.last,
        Some(Edit {
            date: d("2026-07-01"),
            author: "Bea".into()
        })
    );
    assert_eq!(
        f.outdated,
        Some(Edit {
            date: d("2026-07-01"),
            author: "Bea".into()
        })
    );
    assert_eq!(
        f.owners_change,
        Some(OwnersChange {
            was: vec!["a".into()]
        })
    );
    assert_eq!(
        f.editors_in_window,
        BTreeSet::from(["Al".into(), "Bea".into()])
    );
    // X was still open on 2026-03-01; Y's due date is before the page existed.
    assert_eq!(f.actions_closed_by_due, [Some(false), None]);

    // The same page without the last edit: the review is the newest change.
    let f = page_facts(
        &p,
        &changes[1..],
        &commits,
        &mut versions,
        d("2026-05-25"),
        false,
        false,
    );
    assert_eq!(f.outdated, None);
    assert_eq!(f.owners_change, None, "not checked");
    assert!(f.actions_closed_by_due.is_empty(), "not checked");
}

#[test]
fn unknown_history_knows_nothing() {
    let h = History::unknown("not inside a git repository");
    assert!(!h.known());
    assert_eq!(h.reason(), Some("not inside a git repository"));
    assert!(h.page("a.md").is_none());
    assert!(h.shallow_warning(Path::new("x")).is_none());
}
