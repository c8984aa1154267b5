//! Incident rule tests: repeats, status from dates, and the runbook an
//! incident links.

use super::*;

/// An incident page: `extra` frontmatter lines after the owners.
fn incident(extra: &str) -> String {
    format!("---\nowners: [payments]\n{extra}---\n# Incident\n")
}

const RUNBOOK: &str = "---\nowners: [payments]\nreviewed: 2026-11-01\nexercised: 2026-10-01\n---\n# Runbook\n## Failure signature\n## Mitigation\n## Root cause\n## Prevention\n";

#[test]
fn a_repeat_names_the_newest_earlier_incident_by_start_date() {
    // File names sort the other way round from the dates: order is by
    // `started` (or `date`), not by path.
    let h = handbook(
        "",
        Some(OWNERS),
        &[
            ("runbooks/db.md", RUNBOOK),
            ("incidents/a.md", &incident("status: open\nstarted: 2026-11-20\nsignature: DB-Lag\nrunbook: runbooks/db.md\n")),
            ("incidents/b.md", &incident("status: closed\ndate: 2026-06-01\nmitigated: 2026-06-01\nclosed: 2026-06-10\nsignature: db-lag\nrunbook: ../runbooks/db.md#mitigation\nactions:\n  - what: Fix\n    owner: \"@bob\"\n    done: true\n    prevention: true\n    verified: 2026-06-09\n")),
            ("incidents/c.md", &incident("status: mitigated\nstarted: 2026-09-01\nmitigated: 2026-09-02\nsignature: other\nrunbook: runbooks/db.md#mitigation\n")),
        ],
    );
    let incidents = crate::incident::Incidents::new(&h.pages);
    let idx = |rel: &str| h.pages.iter().position(|p| p.src.rel == rel).unwrap();
    // c (September) repeats b (June) by runbook section; a (November)
    // repeats b by signature, b being the newest with that signature.
    let c = incidents.get(idx("incidents/c.md")).unwrap();
    let r = c.repeats.as_ref().unwrap();
    assert_eq!(
        (r.earlier, r.by_signature, r.earlier_verified),
        (idx("incidents/b.md"), false, true)
    );
    let a = incidents.get(idx("incidents/a.md")).unwrap();
    let r = a.repeats.as_ref().unwrap();
    assert_eq!((r.earlier, r.by_signature), (idx("incidents/b.md"), true));
    assert!(incidents
        .get(idx("incidents/b.md"))
        .unwrap()
        .repeats
        .is_none());
    let f = findings(&h);
    assert_eq!(
        of(&f, "incident-repeat"),
        [("incidents/a.md", 5), ("incidents/c.md", 7)],
        "{f:?}"
    );
    // c: mitigated 2026-09-02, 82 days, past 30d; the date-only b is closed.
    assert_eq!(
        of(&f, "incident-mitigated-open"),
        [("incidents/c.md", 5)],
        "{f:?}"
    );
    assert!(of(&f, "incident-closed-unverified").is_empty(), "{f:?}");
}

#[test]
fn incident_status_comes_from_the_dates_when_not_written() {
    let h = handbook(
        "[kinds.incident]\nclose-within = \"never\"\nverify-within = \"7d\"\n",
        Some(OWNERS),
        &[
            ("runbooks/db.md", RUNBOOK),
            // `resolved` is mitigated: the alert cleared.
            ("incidents/a.md", &incident("status: resolved\nstarted: 2026-01-01\nrunbook: runbooks/db.md\n")),
            // Closed by its date, with a prevention done but never verified.
            ("incidents/b.md", &incident("started: 2026-10-01\nclosed: 2026-10-20\nrunbook: runbooks/db.md\nactions:\n  - what: Fix\n    owner: \"@bob\"\n    done: 2026-11-10\n    prevention: true\n")),
        ],
    );
    let pages = &h.pages;
    let status =
        |rel: &str| crate::incident::status_of(pages.iter().find(|p| p.src.rel == rel).unwrap());
    assert_eq!(status("incidents/a.md"), crate::incident::Status::Mitigated);
    assert_eq!(status("incidents/b.md"), crate::incident::Status::Closed);
    let f = findings(&h);
    // `close-within = "never"`: nothing is mitigated for too long.
    assert!(of(&f, "incident-mitigated-open").is_empty(), "{f:?}");
    assert_eq!(
        of(&f, "incident-closed-unverified"),
        [("incidents/b.md", 4)],
        "{f:?}"
    );
    // Done 2026-11-10, 13 days, past the configured 7 days.
    assert_eq!(
        of(&f, "action-unverified"),
        [("incidents/b.md", 7)],
        "{f:?}"
    );
}

#[test]
fn an_incident_without_runbook_key_uses_the_runbook_its_text_links() {
    let h = handbook(
        "",
        Some(OWNERS),
        &[
            ("runbooks/db.md", RUNBOOK),
            ("guides/g.md", FRESH),
            // The first runbook link counts; a guide link before it does not.
            ("incidents/a.md", &format!("{}See [the guide](../guides/g.md) and [failover](../runbooks/db.md#mitigation).\n", incident("status: open\nstarted: 2026-11-20\n"))),
            ("incidents/b.md", &format!("{}See [the guide](../guides/g.md).\n", incident("status: open\nstarted: 2026-11-21\n"))),
        ],
    );
    let incidents = crate::incident::Incidents::new(&h.pages);
    let idx = |rel: &str| h.pages.iter().position(|p| p.src.rel == rel).unwrap();
    assert_eq!(
        incidents.get(idx("incidents/a.md")).unwrap().runbook,
        crate::incident::RunbookRef::Found(crate::incident::RunbookLink {
            page: idx("runbooks/db.md"),
            anchor: Some("mitigation".into()),
        })
    );
    let f = findings(&h);
    assert_eq!(
        of(&f, "incident-runbook-missing"),
        [("incidents/b.md", 1)],
        "{f:?}"
    );
}
