//! Incidents through the real binary: the git-history rule on a scripted
//! history, the release gate's exit codes, `new incident`, and the rules'
//! quiet side (what must not fire). The rules' firing positions are in
//! `rules.rs` (the every-rule fixture).

use crate::harness::{findings_of, git_at, of_rule, HandbookTest, TODAY};

const RUNBOOK: &str = "---\nowners: [payments]\nreviewed: 2026-11-01\nexercised: 2026-10-01\n---\n# PSP outage\n## Failure signature\n## Mitigation\nFail over.\n## Root cause\n## Prevention\n";

fn incident(status: &str, started: &str, closed: &str) -> String {
    format!(
        "---\nowners: [payments]\nstatus: {status}\nstarted: {started}\nmitigated: {started}\nclosed: {closed}\nsignature: psp-timeout\nrunbook: runbooks/psp.md#mitigation\nactions:\n  - what: Circuit breaker\n    owner: \"@bob\"\n    due: {started}\n    done: true\n    prevention: true\n    verified: {started}\n    verified_by: \"@alice\"\n---\n# PSP timeouts\n"
    )
}

fn handbook() -> HandbookTest {
    let t = HandbookTest::empty();
    t.write("book.toml", "[book]\ntitle = \"Incidents\"\n")
        .write("owners.yaml", "teams:\n  payments:\n    members: [alice, bob]\npeople:\n  alice: { name: Alice }\n  bob: { name: Bob }\n")
        .write("src/runbooks/psp.md", RUNBOOK);
    t
}

fn not_updated(t: &HandbookTest) -> Vec<(String, u64)> {
    let r = t.run(&["check", "--format", "json", "--today", TODAY]);
    let findings = findings_of(&r.json());
    of_rule(&findings, "incident-runbook-not-updated")
        .iter()
        .map(|f| (f.path.clone(), f.line))
        .collect()
}

#[test]
fn runbook_not_updated_reads_the_runbooks_commits_inside_the_incident() {
    let t = handbook();
    // Closed incident: the runbook's only commit (2026-05-01) is before it.
    t.write(
        "src/incidents/june.md",
        &incident("closed", "2026-06-10", "2026-06-30"),
    );
    git_at(t.root(), &["init", "-q"], "2026-05-01", "Alice");
    git_at(t.root(), &["add", "src/runbooks"], "2026-05-01", "Alice");
    git_at(
        t.root(),
        &["commit", "-q", "-m", "runbook"],
        "2026-05-01",
        "Alice",
    );
    git_at(t.root(), &["add", "-A"], "2026-07-01", "Alice");
    git_at(
        t.root(),
        &["commit", "-q", "-m", "incident"],
        "2026-07-01",
        "Alice",
    );
    let found = not_updated(&t);
    assert_eq!(found, vec![("src/incidents/june.md".to_string(), 8)]);

    // A runbook commit after the close does not count either...
    t.write(
        "src/runbooks/psp.md",
        &format!("{RUNBOOK}Also page Crestline.\n"),
    );
    git_at(t.root(), &["commit", "-qam", "late"], "2026-07-15", "Bob");
    assert_eq!(not_updated(&t).len(), 1);

    // ...one between start and close does.
    t.write(
        "src/runbooks/psp.md",
        &format!("{RUNBOOK}Check the breaker.\n"),
    );
    git_at(t.root(), &["commit", "-qam", "during"], "2026-06-20", "Bob");
    assert_eq!(not_updated(&t), vec![]);

    // An open incident is measured up to today: the June commit is before
    // it started, so it fires until the runbook is committed again.
    t.write(
        "src/incidents/november.md",
        &incident("open", "2026-11-02", "").replace("psp-timeout", "other"),
    );
    git_at(t.root(), &["add", "-A"], "2026-11-03", "Bob");
    git_at(t.root(), &["commit", "-qm", "nov"], "2026-11-03", "Bob");
    assert_eq!(
        not_updated(&t),
        vec![("src/incidents/november.md".to_string(), 8)]
    );
    t.write("src/runbooks/psp.md", &format!("{RUNBOOK}Breaker is on.\n"));
    git_at(t.root(), &["commit", "-qam", "fix"], "2026-11-10", "Bob");
    assert_eq!(not_updated(&t), vec![]);
}

#[test]
fn outside_git_the_history_rule_stays_quiet() {
    let t = handbook();
    t.write(
        "src/incidents/june.md",
        &incident("closed", "2026-06-10", "2026-06-30"),
    );
    // Not in a git work tree (the harness stops git above the temp
    // folder): no history, so nothing is judged.
    assert_eq!(not_updated(&t), vec![]);
    let (code, findings) = t.check_json();
    assert_eq!(code, 0, "{findings:?}");
    assert!(
        findings.is_empty(),
        "a closed, verified incident is clean: {findings:?}"
    );
}

#[test]
fn the_gate_reports_only_what_should_hold_a_release() {
    let t = HandbookTest::example();
    let all = findings_of(
        &t.run(&["check", "--format", "json", "--today", TODAY])
            .json(),
    );
    let r = t.run(&["check", "--gate", "--format", "json", "--today", TODAY]);
    r.assert_code(1);
    let gate = findings_of(&r.json());
    let mut got: Vec<(String, String, String)> = gate
        .iter()
        .map(|f| (f.rule.clone(), f.path.clone(), f.severity.clone()))
        .collect();
    got.sort();
    let e = |rule: &str, path: &str| (rule.to_string(), path.to_string(), "error".to_string());
    assert_eq!(
        got,
        vec![
            e("action-overdue", "src/incidents/2026-08-psp-timeouts.md"),
            e(
                "incident-mitigated-open",
                "src/incidents/2026-08-psp-timeouts.md"
            ),
            e(
                "incident-repeat",
                "src/incidents/2026-11-psp-timeouts-again.md"
            ),
        ]
    );
    // The runbook's overdue action is not a prevention action: not gated.
    assert!(all
        .iter()
        .any(|f| f.rule == "action-overdue" && f.path.ends_with("card-auth-latency.md")));
    // Every format carries the gate's findings.
    let github = t.run(&["check", "--gate", "--format", "github", "--today", TODAY]);
    github.assert_code(1);
    assert_eq!(github.stdout.lines().count(), 3, "{}", github.stdout);
    assert!(github.stdout.lines().all(|l| l.starts_with("::error ")));

    // Closing the August incident properly and verifying the repeat's
    // predecessor clears the gate.
    let august = t.read("src/incidents/2026-08-psp-timeouts.md");
    let fixed = august
        .replace("status: mitigated", "status: closed\nclosed: 2026-11-20")
        .replace(
            "    done: false\n    prevention: true",
            "    done: 2026-11-01\n    prevention: true\n    verified: 2026-11-10\n    verified_by: \"@bob\"",
        );
    assert_ne!(fixed, august);
    t.write("src/incidents/2026-08-psp-timeouts.md", &fixed);
    let r = t.run(&["check", "--gate", "--today", TODAY]);
    r.assert_code(0);
}

#[test]
fn new_incident_writes_the_template_and_it_parses() {
    let t = handbook();
    let r = t.run(&[
        "new",
        "incident",
        "PSP timeouts",
        "--owner",
        "payments",
        "--today",
        TODAY,
    ]);
    r.assert_code(0);
    let text = t.read("src/incidents/psp-timeouts.md");
    for want in [
        "kind: incident",
        "status: open",
        "started: 2026-11-23",
        "prevention: true",
        "due: 2026-12-07",
        "## Failure signature",
        "## Impact",
        "## Timeline",
        "## Mitigation",
        "## Root cause",
        "## Prevention",
    ] {
        assert!(text.contains(want), "no `{want}` in\n{text}");
    }
    let (_, findings) = t.check_json();
    let on_it: Vec<&str> = findings
        .iter()
        .filter(|f| f.path == "src/incidents/psp-timeouts.md")
        .map(|f| f.rule.as_str())
        .collect();
    // Only the to-do the template leaves: name the runbook used.
    assert_eq!(on_it, vec!["incident-runbook-missing"], "{findings:?}");
}

#[test]
fn exercise_every_never_turns_the_drill_rule_off() {
    let t = handbook();
    t.write(
        "src/runbooks/psp.md",
        &RUNBOOK.replace("exercised: 2026-10-01\n", ""),
    );
    let (_, findings) = t.check_json();
    assert_eq!(of_rule(&findings, "runbook-unexercised").len(), 1);
    t.write(
        "book.toml",
        "[book]\ntitle = \"Incidents\"\n[kinds.runbook]\nexercise-every = \"never\"\n",
    );
    let (_, findings) = t.check_json();
    assert!(of_rule(&findings, "runbook-unexercised").is_empty());
    assert!(
        findings.iter().all(|f| f.rule != "config-unknown-key"),
        "{findings:?}"
    );
}

#[test]
fn the_reliability_page_draws_the_open_risk_in_a_browser() {
    let Some(chromium) =
        crate::harness::chromium_or_skip("the_reliability_page_draws_the_open_risk_in_a_browser")
    else {
        return;
    };
    let t = HandbookTest::example();
    t.run(&["build", "--today", TODAY]).assert_code(0);
    let page = t.path("book/reliability.html");
    let html = std::fs::read_to_string(&page).unwrap();
    // What only a browser knows: the bars' drawn widths and colours, and
    // where the limit line landed.
    let probe = "<script>window.addEventListener('load',function(){\
        var bars=[].slice.call(document.querySelectorAll('.risk-chart .bar-risk'));\
        var past=document.querySelector('.risk-chart .bar-risk.past-limit');\
        var ok=document.querySelector('.risk-chart .bar-risk:not(.past-limit)');\
        var line=document.querySelector('.risk-chart .limit');\
        document.body.setAttribute('data-probe',JSON.stringify({\
          widths:bars.map(function(b){return Math.round(b.getBBox().width);}),\
          past:past?getComputedStyle(past).fill:'',ok:ok?getComputedStyle(ok).fill:'',\
          limit:line?Math.round(line.getBBox().x):-1,\
          stat:document.querySelector('[data-stat=open-risk]').textContent,\
          rate:document.querySelector('[data-stat=repeat-rate]').textContent,\
          current:document.querySelector('.header-links [aria-current=page]').textContent}));});</script></body>";
    std::fs::write(&page, html.replace("</body>", probe)).unwrap();
    let dom = crate::search::dump_dom(&chromium, &format!("file://{}", page.display()));
    let raw = dom
        .split("data-probe=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or_else(|| panic!("no probe in the DOM: {dom}"))
        .replace("&quot;", "\"");
    let probe: serde_json::Value = serde_json::from_str(&raw).unwrap();
    eprintln!("probe {probe}");
    // August: mitigated 96 days ago, past the 30-day limit; November: 14.
    let widths: Vec<i64> = probe["widths"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_i64().unwrap())
        .collect();
    assert_eq!(widths.len(), 2, "{probe}");
    assert!(widths[0] > widths[1] && widths[1] > 0, "{probe}");
    assert_ne!(
        probe["past"], probe["ok"],
        "the late one is drawn apart: {probe}"
    );
    assert_eq!(probe["past"], "rgb(207, 34, 46)", "{probe}");
    // The limit line sits between the two bars' ends (30 days).
    let limit = probe["limit"].as_i64().unwrap();
    assert!(
        limit > 220 + widths[1] && limit < 220 + widths[0],
        "{probe}"
    );
    assert_eq!(probe["stat"], "2");
    // One of three incidents repeats a signature seen within 90 days.
    assert_eq!(probe["rate"], "33%");
    assert_eq!(probe["current"], "Reliability");
}

#[test]
fn a_postmortem_that_says_no_status_is_not_counted_as_open() {
    let t = handbook();
    // Adopted as is: sections, no status, no dates.
    t.write(
        "src/postmortems/alb-errors.md",
        "---\nowners: [payments]\n---\n# ALB errors\n\n## Summary\n\nText.\n\n## Timeline\n\n- 10:00 seen\n\n## Action items\n\n- alert\n",
    );
    t.run(&["build", "--today", TODAY]).assert_no_panic();
    let html = t.main_html("book/postmortems/alb-errors.html");
    assert!(html.contains("Status unknown:"), "{html}");
    // The advice names the key as code, not as raw backticks.
    assert!(html.contains("<code>status:</code>"), "{html}");
    assert!(!html.contains("`status:`"), "{html}");
    assert!(!html.contains("not under control"), "{html}");
    let cat: serde_json::Value = serde_json::from_str(&t.read("book/handbook.json")).unwrap();
    let r = &cat["reliability"];
    assert_eq!(
        (
            r["incidents"].as_u64(),
            r["unknown"].as_u64(),
            r["open"].as_u64()
        ),
        (Some(1), Some(1), Some(0)),
        "{r}"
    );
    let page = cat["pages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["path"] == "src/postmortems/alb-errors.md")
        .unwrap();
    assert_eq!(page["kind"], "incident");
}
