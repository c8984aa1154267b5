use super::*;

const OURS: &str = "levels: [L1, L2, L3]\ncompetencies:\n  - name: Delivery\n    description: Getting things shipped\n    levels:\n      L1: Ships small tasks with help\n      L2: [Ships features, Breaks work down]\n      L3: Leads projects\n  - name: Communication\n    levels:\n      L1: Asks for help early\n      L3: Writes the design docs\n";

#[test]
fn our_shape_reads_levels_rows_and_cells() {
    let m = parse_matrix("src/roles/ladder.yaml", OURS).unwrap();
    assert_eq!(m.levels, ["L1", "L2", "L3"]);
    assert_eq!(m.competencies.len(), 2);
    let d = &m.competencies[0];
    assert_eq!(d.cells[1], ["Ships features", "Breaks work down"]);
    assert_eq!(d.description.as_deref(), Some("Getting things shipped"));
    assert_eq!(d.at, (3, 11));
    let c = &m.competencies[1];
    assert_eq!(c.at, (9, 11));
    assert!(c.cells[1].is_empty());
    let mut out = Vec::new();
    check_complete(&m, &mut out);
    assert_eq!(out.len(), 1);
    assert_eq!((out[0].line, out[0].column), (9, 11));
    assert!(out[0].message.contains("`L2`"), "{}", out[0].message);
}

#[test]
fn progression_framework_shape_with_numbered_levels() {
    let text = "levels: 3\ntopics:\n  - name: technical_skills\n    title: Technical skills\n    content:\n      - level: 1\n        criteria:\n          - Writes tested code\n        exampleCriteria:\n          - criteria: Reviews peers\n            examples:\n              - Left useful comments\n      - level: 2\n        criteria: [Owns a service]\n      - level: 3\n        criteria: [Shapes the platform]\n  - name: impact\n    content:\n      - level: 2\n        criteria: [Moves a team metric]\n";
    let m = parse_matrix("x.yml", text).unwrap();
    assert_eq!(m.levels, ["1", "2", "3"]);
    assert_eq!(m.competencies[0].name, "Technical skills");
    assert_eq!(
        m.competencies[0].cells[0],
        [
            "Writes tested code",
            "Reviews peers (e.g. Left useful comments)"
        ]
    );
    assert_eq!(m.competencies[1].name, "Impact");
    assert_eq!(m.competencies[1].at.0, 17);
    let mut out = Vec::new();
    check_complete(&m, &mut out);
    assert_eq!(out.len(), 1);
    assert!(
        out[0].message.contains("levels `1`, `3`"),
        "{}",
        out[0].message
    );
}

#[test]
fn broken_data_is_a_finding_at_its_line() {
    let d = parse_matrix(
        "a.yaml",
        "levels: [L1]\ncompetencies:\n  - name: [unclosed\n",
    )
    .unwrap_err();
    assert_eq!(d.rule, "frontmatter-invalid");
    assert_eq!(d.path, "a.yaml");
    assert!(d.line >= 3, "{d:?}");
    let d = parse_matrix("a.json", "{\"levels\": [\"L1\"],\n \"competencies\": [,]}").unwrap_err();
    assert_eq!((d.line, d.column), (2, 19));
    assert!(d.message.contains("JSON"), "{}", d.message);
    let d = parse_matrix(
        "a.yaml",
        "levels: [L1]\ncompetencies:\n  - name: X\n    levels: { L9: y }\n",
    )
    .unwrap_err();
    assert_eq!(d.line, 3);
    assert!(d.message.contains("`L9`"), "{}", d.message);
}

#[test]
fn a_competency_is_located_at_its_name_key_not_an_earlier_mention() {
    let text = "levels: [1, 2]\ncompetencies:\n  - name: Delivery\n    levels:\n      1: Keeps up communication with the team\n  - name: communication\n    levels:\n      2: Writes it down\n";
    let m = parse_matrix("a.yaml", text).unwrap();
    assert_eq!(m.competencies[1].at, (6, 11));
}

#[test]
fn paths_resolve_from_the_page_folder() {
    assert_eq!(
        resolve("roles/eng.md", "ladder.yaml").as_deref(),
        Some("roles/ladder.yaml")
    );
    assert_eq!(
        resolve("roles/eng.md", "../data/l.json").as_deref(),
        Some("data/l.json")
    );
    assert_eq!(
        resolve("roles/eng.md", "/data/l.json").as_deref(),
        Some("data/l.json")
    );
    assert_eq!(resolve("eng.md", "../x.yaml"), None);
}
