//! The hand-built [`SiteView`] the renderer's tests render: a stale
//! runbook and two ADRs, with owners, a finding and a sidebar.

use crate::view::*;

fn owner_ref(id: &str, label: &str, kind: &str) -> OwnerRef {
    OwnerRef {
        id: id.into(),
        label: label.into(),
        kind: kind.into(),
        url: format!("owners/{id}.html"),
    }
}

fn summary(p: &PageView) -> PageSummary {
    PageSummary {
        title: p.title.clone(),
        url: p.url.clone(),
        kind: p.kind.clone(),
        review_state: p.review_state.clone(),
        stale: p.stale,
        owned: p.owned,
        owners: p.owners.clone(),
        reviewed: p.reviewed.clone(),
        due: p.due.clone(),
        domain: p.domain.clone(),
        adr_number: p.adr.as_ref().and_then(|a| a.number),
        adr_status: p.adr.as_ref().and_then(|a| a.status.clone()),
        adr_date: p.adr.as_ref().and_then(|a| a.date.clone()),
        findings: p.findings.len(),
        co_owners: 0,
    }
}

pub(super) fn adr(n: u32, title: &str, status: &str) -> PageView {
    let url = format!("adr/{n:04}-x.html");
    PageView {
        path: format!("adr/{n:04}-x.md"),
        source_path: format!("src/adr/{n:04}-x.md"),
        url,
        root: "../".into(),
        title: title.into(),
        kind: "adr".into(),
        kind_label: "ADR".into(),
        owners: vec![owner_ref("alice", "Alice Ng", "person")],
        review_state: "never".into(),
        owned: true,
        adr: Some(AdrView {
            number: Some(n),
            status: Some(status.into()),
            date: Some("2026-03-02".into()),
            supersedes: vec![],
            superseded_by: vec![],
        }),
        content: format!("<p>Decision {n}.</p>").into(),
        ..PageView::default()
    }
}

/// Three pages: a stale runbook with a hostile title and a finding, and two
/// ADRs (7 supersedes 3), listed in the wrong order on purpose.
pub(super) fn sample_site(site_url: Option<&str>) -> SiteView {
    let finding = FindingView {
        rule: "review-stale".into(),
        severity: "warning".into(),
        path: "src/runbooks/db.md".into(),
        line: 4,
        column: 11,
        message: "review is 20 days overdue".into(),
        help: Some("review the page and bump `reviewed:`".into()),
        page_url: Some("runbooks/db.html".into()),
    };
    let runbook = PageView {
        path: "runbooks/db.md".into(),
        source_path: "src/runbooks/db.md".into(),
        url: "runbooks/db.html".into(),
        root: "../".into(),
        title: "<b>x</b>".into(),
        kind: "runbook".into(),
        kind_label: "Runbook".into(),
        owners: vec![owner_ref("alice", "Alice Ng", "person")],
        reviewed: Some("2025-01-01".into()),
        due: Some("2025-04-01".into()),
        review_state: "stale".into(),
        stale: true,
        owned: true,
        single_owner: true,
        domain: Some("payments".into()),
        tags: vec!["pci".into(), "<i>t</i>".into()],
        edit_url: Some("https://example.com/edit/src/runbooks/db.md".into()),
        banners: vec![Banner {
            kind: "stale".into(),
            level: "warning".into(),
            message: "This page is past its review date.".into(),
        }],
        findings: vec![finding.clone()],
        actions: vec![
            ActionView {
                what: "Add queue-depth alert".into(),
                owner: Some("@bob".into()),
                due: Some("2025-02-01".into()),
                done: false,
                overdue: true,
            },
            ActionView {
                what: "Write the failover script".into(),
                owner: Some("@alice".into()),
                due: None,
                done: true,
                overdue: false,
            },
        ],
        content: "<h2 id=\"a\">A</h2><p>Body <em>trusted</em>.</p>".into(),
        toc: vec![
            TocEntry {
                level: 2,
                id: "a".into(),
                text: "A".into(),
            },
            TocEntry {
                level: 2,
                id: "b".into(),
                text: "B".into(),
            },
            TocEntry {
                level: 3,
                id: "c".into(),
                text: "C".into(),
            },
        ],
        last_changed: Some("2025-01-02".into()),
        last_author: Some("Alice".into()),
        ..PageView::default()
    };
    let mut adr3 = adr(3, "Use Postgres", "superseded");
    let mut adr7 = adr(7, "Use CockroachDB", "accepted");
    adr3.adr.as_mut().expect("adr").superseded_by.push(AdrRef {
        number: 7,
        title: "Use CockroachDB".into(),
        url: Some("adr/0007-x.html".into()),
    });
    adr7.adr.as_mut().expect("adr").supersedes.push(AdrRef {
        number: 3,
        title: "Use Postgres".into(),
        url: Some("adr/0003-x.html".into()),
    });

    let mut pages = vec![adr3, adr7, runbook];
    pages[0].nav = vec!["root".into(), "a1".into()];
    pages[1].nav = vec!["root".into(), "a1".into()];
    pages[2].nav = vec!["root".into(), "r1".into()];
    let s = |i: usize| summary(&pages[i]);
    let nav_page = |p: &PageView, hint: Option<&str>| NavPage {
        title: p.title.clone(),
        url: p.url.clone(),
        stale: p.stale,
        owned: p.owned,
        hint: hint.map(str::to_owned),
    };
    let folder = |id: &str, label: &str, pages: usize, stale: usize| {
        NavEntry::Folder(NavFolder {
            id: id.into(),
            label: label.into(),
            index: None,
            pages,
            stale,
            hint: None,
        })
    };
    let nav = NavTree {
        nodes: vec![
            NavNode {
                id: "a1".into(),
                entries: vec![
                    NavEntry::Page(nav_page(&pages[1], None)),
                    NavEntry::Page(nav_page(&pages[0], Some("0003-x.md"))),
                ],
            },
            NavNode {
                id: "r1".into(),
                entries: vec![NavEntry::Page(nav_page(&pages[2], None))],
            },
            NavNode {
                id: "root".into(),
                entries: vec![
                    folder("a1", "Decisions (ADRs)", 2, 0),
                    folder("r1", "Runbooks", 1, 1),
                ],
            },
        ],
    };
    let kinds = vec![
        KindIndexView {
            kind: "adr".into(),
            label: "Architecture decisions".into(),
            url: "kinds/adr.html".into(),
            pages: vec![s(0), s(1)],
        },
        KindIndexView {
            kind: "runbook".into(),
            label: "Runbooks".into(),
            url: "kinds/runbook.html".into(),
            pages: vec![s(2)],
        },
    ];
    let open_action = OwnedAction {
        action: pages[2].actions[0].clone(),
        page_title: pages[2].title.clone(),
        page_url: pages[2].url.clone(),
    };
    let owners = vec![OwnerView {
        id: "alice".into(),
        label: "Alice Ng".into(),
        kind: "person".into(),
        url: "owners/alice.html".into(),
        registered: true,
        active: true,
        channel: None,
        members: vec![],
        teams: vec![owner_ref("payments", "Payments", "team")],
        pages: vec![s(2), s(0), s(1)],
        actions: vec![open_action.clone()],
    }];
    let health = HealthView {
        pages: 3,
        by_kind: vec![
            KindCount {
                kind: "adr".into(),
                label: "Architecture decisions".into(),
                total: 2,
                stale: 0,
                never_reviewed: 0,
                unowned: 0,
            },
            KindCount {
                kind: "runbook".into(),
                label: "Runbooks".into(),
                total: 1,
                stale: 1,
                never_reviewed: 0,
                unowned: 0,
            },
        ],
        stale: vec![s(2)],
        due_soon: vec![],
        unowned: vec![],
        single_owner: vec![s(2)],
        overdue_actions: vec![open_action],
        findings_by_rule: vec![RuleGroup {
            rule: "review-stale".into(),
            severity: "warning".into(),
            findings: vec![finding],
        }],
        errors: 0,
        warnings: 1,
        infos: 0,
        ..HealthView::default()
    };
    SiteView {
        title: "Acme <Handbook>".into(),
        description: "How we run things.".into(),
        language: "en".into(),
        site_url: site_url.map(str::to_owned),
        today: "2025-04-21".into(),
        nav,
        pages,
        kinds,
        owners,
        health,
        reliability: Default::default(),
    }
}
