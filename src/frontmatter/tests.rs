//! Unit tests for frontmatter parsing: typed fields, findings and their
//! positions.

use super::*;

#[test]
fn role_matrix_data_in_frontmatter_but_not_a_topics_taxonomy() {
    let p = parse_frontmatter("a.md", "---\ntopics: [payments, search]\n---\n");
    assert!(p.front.matrix_inline.is_none());
    let p = parse_frontmatter(
        "a.md",
        "---\nlevels: 2\ntopics:\n  - name: craft\n    content: [{level: 1, criteria: [x]}]\n---\n",
    );
    let m = p.front.matrix_inline.expect("a grid");
    assert!(m.contains_key("levels") && m.contains_key("topics"));
    assert!(p.findings.is_empty());
}

#[test]
fn yaml_error_line_is_absolute_in_the_file() {
    let p = parse_frontmatter(
        "a.md",
        "---\ntitle: T\nreviewed: [unclosed\nx: 1\n---\nbody\n",
    );
    let d = &p.findings[0];
    assert_eq!(d.rule, "frontmatter-invalid");
    assert!(
        d.line >= 3,
        "line {} should be in the file, not the snippet",
        d.line
    );
    assert_eq!(p.body_line, 6);
}

#[test]
fn alias_bombs_are_a_finding_with_a_help() {
    let mut text = String::from("---\ntitle: T\na: &a [x, x, x, x, x, x, x, x, x]\n");
    for (prev, name) in "abcdefgh".chars().zip("bcdefghi".chars()) {
        let refs = vec![format!("*{prev}"); 9].join(", ");
        text.push_str(&format!("{name}: &{name} [{refs}]\n"));
    }
    text.push_str("---\nbody\n");
    let p = parse_frontmatter("a.md", &text);
    assert_eq!(p.findings.len(), 1, "{:?}", p.findings);
    let help = p.findings[0].help.as_deref().unwrap_or("");
    assert!(help.contains("aliases"), "{help}");
}

#[test]
fn tab_and_duplicate_keys_are_findings() {
    let p = parse_frontmatter("a.md", "---\ntitle: T\nowners:\n\t- a\n---\n");
    assert_eq!(p.findings.len(), 1);
    assert_eq!(p.findings[0].line, 4);
    let p = parse_frontmatter("a.md", "---\ntitle: A\nkind: guide\ntitle: B\n---\n");
    assert_eq!(p.findings.len(), 1);
    assert!(
        p.findings[0].message.contains("duplicate"),
        "{}",
        p.findings[0].message
    );
    assert_eq!(p.findings[0].line, 4);
}

#[test]
fn yaml_error_lines_count_only_line_feeds() {
    // U+2028 is a line break to YAML (so `b` is a key without `:`, found
    // missing where `owners` starts), but not to editors: libyaml's own
    // count would say line 4.
    let p = parse_frontmatter("a.md", "---\ntitle: a\u{2028}b\nowners: [x\nkind: y\n---\n");
    let d = &p.findings[0];
    assert!(d.message.contains("YAML"), "{}", d.message);
    assert_eq!((d.line, d.column), (3, 1));
}

#[test]
fn bad_date_points_at_the_value() {
    let p = parse_frontmatter("a.md", "---\ntitle: T\nreviewed: last week\n---\n");
    assert_eq!(p.findings.len(), 1);
    assert_eq!((p.findings[0].line, p.findings[0].column), (3, 11));
    // Spaces and quotes before the value: the column of the value.
    let p = parse_frontmatter("a.md", "---\nreviewed:   \"2026-13-01\"\n---\n");
    assert_eq!((p.findings[0].line, p.findings[0].column), (2, 13));
    // The value on the next line: the key.
    let p = parse_frontmatter("a.md", "---\nreviewed:\n  soon\n---\n");
    assert_eq!((p.findings[0].line, p.findings[0].column), (2, 1));
}

#[test]
fn crlf_and_aliases() {
    let p = parse_frontmatter("a.md", "---\r\nlast_reviewed_on: \"2026-08-01\"\r\nreview_in: 6 months\r\nowner_slack: \"#payments\"\r\nmaintainers: [a, b]\r\n---\r\nbody\r\n");
    assert!(p.findings.is_empty(), "{:?}", p.findings);
    assert_eq!(p.front.reviewed.unwrap().to_string(), "2026-08-01");
    assert_eq!(p.front.review_every, Some(Interval::Months(6)));
    assert_eq!(p.front.owners, vec!["a", "b", "#payments"]);
    assert_eq!(p.body_line, 7);
    assert_eq!(&"---\r\nlast_reviewed_on: \"2026-08-01\"\r\nreview_in: 6 months\r\nowner_slack: \"#payments\"\r\nmaintainers: [a, b]\r\n---\r\nbody\r\n"[p.body_offset..], "body\r\n");
}

#[test]
fn horizontal_rule_without_closing_fence_is_not_frontmatter() {
    let p = parse_frontmatter("a.md", "---\n\n# Title\n\nText\n");
    assert!(!p.front.present);
    assert!(p.findings.is_empty());
    assert_eq!(p.body_offset, 0);
    let p = parse_frontmatter("a.md", "---\n\nJust some prose here.\n\n---\n\nMore.\n");
    assert!(!p.front.present);
    assert!(p.findings.is_empty());
}

#[test]
fn actions_and_adr_fields() {
    let text = "---\nstatus: Accepted\ndate: 2026-03-02\nsupersedes: [3, \"ADR-0004\"]\nsuperseded_by: 7\nactions:\n  - what: Add alert\n    owner: \"@bob\"\n    due: 2026-10-15\n  - what: Fix\n    done: true\n---\n";
    let p = parse_frontmatter("a.md", text);
    assert!(p.findings.is_empty(), "{:?}", p.findings);
    assert_eq!(p.front.status.as_deref(), Some("accepted"));
    assert_eq!(p.front.supersedes, vec![3, 4]);
    assert_eq!(p.front.superseded_by, vec![7]);
    assert_eq!(p.front.actions.len(), 2);
    assert_eq!(p.front.actions[0].line, 7);
    assert_eq!(p.front.actions[1].line, 10);
    assert!(p.front.actions[1].done);
    assert_eq!(p.spans.of("superseded_by"), (5, 1));
}

#[test]
fn wrong_types_are_findings_not_crashes() {
    let p = parse_frontmatter(
        "a.md",
        "---\ntitle: [a, b]\nowners: {a: 1}\nreview_every: soon\n---\n",
    );
    assert_eq!(p.findings.len(), 3, "{:?}", p.findings);
}

#[test]
fn weight_is_a_whole_number_and_a_bad_one_is_found_at_its_value() {
    let p = parse_frontmatter("a.md", "---\ntitle: T\nweight: -3\n---\n");
    assert!(p.findings.is_empty(), "{:?}", p.findings);
    assert_eq!(p.front.weight, Some(-3));
    let p = parse_frontmatter("a.md", "---\ntitle: T\nweight: \"7\"\n---\n");
    assert_eq!(p.front.weight, Some(7));
    let p = parse_frontmatter("a.md", "---\ntitle: T\nweight: 1.5\n---\n");
    assert_eq!(p.front.weight, None);
    assert_eq!(p.findings.len(), 1, "{:?}", p.findings);
    assert_eq!((p.findings[0].line, p.findings[0].column), (3, 9));
    assert!(p.findings[0].message.contains("not a whole number"));
}
