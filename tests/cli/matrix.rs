//! Role-matrix pages drawn from levels × competencies data.

use crate::harness::{
    chromium_or_skip, chromium_profile, findings_of, of_rule, HandbookTest, CHROMIUM_FLAGS, TODAY,
};
use std::process::{Command, Stdio};

const LADDER: &str = "\
levels: [Engineer I, Engineer II, Senior]
competencies:
  - name: Delivery
    description: Getting work into production
    levels:
      Engineer I: Ships well-scoped tasks with a reviewer's help
      Engineer II: [Ships features end to end, Splits work into reviewable steps]
      Senior: Leads a multi-team project to launch
  - name: Incident response
    levels:
      Engineer I: Joins the on-call rota as a shadow
      Senior: Runs the incident call and writes the xylophone review
";

fn ladder_handbook() -> HandbookTest {
    HandbookTest::with_pages(
        "Ladders",
        &[
            (
                "roles/engineering.md",
                "---\ntitle: Engineering ladder\nkind: role-matrix\nowners: [eng]\nreviewed: 2026-11-01\nmatrix: ladder.yaml\n---\n# Engineering ladder\n\nHow we grow engineers.\n",
            ),
            ("roles/ladder.yaml", LADDER),
        ],
    )
}

#[test]
fn grid_from_a_data_file_with_a_compare_view_and_searchable_text() {
    let t = ladder_handbook();
    t.run(&["build", "--today", TODAY]).assert_no_panic();
    let main = t.main_html("book/roles/engineering.html");
    let grid = main
        .split("<table class=\"matrix-grid\">")
        .nth(1)
        .unwrap_or_else(|| panic!("no grid: {main}"));
    let head = grid.split("</thead>").next().unwrap();
    assert!(
        head.contains("<th scope=\"col\">Engineer I</th><th scope=\"col\">Engineer II</th><th scope=\"col\">Senior</th>"),
        "{head}"
    );
    assert!(grid.contains("<th scope=\"row\">Delivery<span class=\"matrix-desc\">Getting work into production</span></th>"), "{grid}");
    assert!(
        grid.contains("<li>Splits work into reviewable steps</li>"),
        "{grid}"
    );
    // A level with nothing written shows a dash, not an empty cell.
    assert!(grid.contains("<span class=\"none\">—</span>"), "{grid}");
    // Compare with the next level, without script: one section per step.
    assert!(main.contains("Compare with the next level"), "{main}");
    assert!(
        main.contains("<summary>Engineer I → Engineer II</summary>"),
        "{main}"
    );
    assert!(
        main.contains("<summary>Engineer II → Senior</summary>"),
        "{main}"
    );
    // The data file is published beside the page and linked.
    assert!(
        main.contains("href=\"../roles/ladder.yaml\"")
            || main.contains("href=\"ladder.yaml\"")
            || main.contains("roles/ladder.yaml\""),
        "{main}"
    );
    assert_eq!(t.read("book/roles/ladder.yaml"), LADDER);
    // The grid's text is in the search index.
    let mut index = String::new();
    for e in walk(&t.path("book/search")) {
        index.push_str(&std::fs::read_to_string(e).unwrap());
    }
    assert!(index.contains("xylophone"), "grid text not indexed");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn a_level_missing_a_competency_is_a_warning_at_the_data_file() {
    let t = ladder_handbook();
    let (_, findings) = t.check_json();
    let incomplete = of_rule(&findings, "role-matrix-incomplete");
    assert_eq!(incomplete.len(), 1, "{findings:?}");
    let f = incomplete[0];
    assert_eq!(f.severity, "warning");
    assert_eq!(f.path, "src/roles/ladder.yaml");
    assert_eq!((f.line, f.column), (9, 11));
    assert!(f.message.contains("`Engineer II`"), "{}", f.message);
    // Every output format carries it.
    let r = t.run(&["check", "--today", TODAY]);
    assert!(
        r.stderr
            .contains("src/roles/ladder.yaml:9:11: warning[role-matrix-incomplete]"),
        "{}",
        r.stderr
    );
    let r = t.run(&["check", "--format", "github", "--today", TODAY]);
    assert!(
        r.stdout
            .contains("file=src/roles/ladder.yaml,line=9,col=11,title=role-matrix-incomplete"),
        "{}",
        r.stdout
    );
    let r = t.run(&["check", "--format", "sarif", "--today", TODAY]);
    let sarif = r.json();
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert!(
        rules.iter().any(|r| r["id"] == "role-matrix-incomplete"),
        "{rules:?}"
    );
    assert!(sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["ruleId"] == "role-matrix-incomplete"));
    // Its level is configurable like any rule's.
    t.write(
        "book.toml",
        "[book]\ntitle = \"Ladders\"\n[check.rules]\nrole-matrix-incomplete = \"off\"\n",
    );
    let (_, findings) = t.check_json();
    assert!(of_rule(&findings, "role-matrix-incomplete").is_empty());
    assert!(of_rule(&findings, "config-unknown-key").is_empty());
}

#[test]
fn progression_framework_topics_in_frontmatter_and_a_same_stem_json_file() {
    let t = HandbookTest::with_pages(
        "Frameworks",
        &[
            (
                "ladders/backend.md",
                "---\ntitle: Backend framework\nkind: role-matrix\nlevels: 2\ntopics:\n  - name: technical_craft\n    title: Technical craft\n    content:\n      - level: 1\n        criteria:\n          - Writes code that others can change\n        exampleCriteria:\n          - criteria: Adds tests with each change\n            examples:\n              - Covered the quokka parser\n      - level: 2\n        criteria: [Designs services others build on]\n  - name: collaboration\n    content:\n      - level: 2\n        criteria: [Mentors one engineer]\n---\n# Backend\n",
            ),
            ("ladders/data.md", "---\nkind: role-matrix\n---\n# Data ladder\n"),
            (
                "ladders/data.json",
                "{\"levels\": [\"D1\", \"D2\"],\n \"competencies\": [\n  {\"name\": \"Modelling\", \"levels\": {\"D1\": \"Builds a star schema\", \"D2\": \"Owns the warehouse model\"}}]}\n",
            ),
        ],
    );
    t.run(&["build", "--today", TODAY]).assert_no_panic();
    let main = t.main_html("book/ladders/backend.html");
    assert!(
        main.contains("<th scope=\"row\">Technical craft</th>"),
        "{main}"
    );
    assert!(
        main.contains("<li>Adds tests with each change (e.g. Covered the quokka parser)</li>"),
        "{main}"
    );
    assert!(
        main.contains("<th scope=\"col\">Level 1</th><th scope=\"col\">Level 2</th>"),
        "{main}"
    );
    assert!(
        main.contains("<th scope=\"row\">Collaboration</th>"),
        "{main}"
    );
    let data = t.main_html("book/ladders/data.html");
    assert!(data.contains("Owns the warehouse model"), "{data}");
    let (_, findings) = t.check_json();
    let incomplete = of_rule(&findings, "role-matrix-incomplete");
    assert_eq!(incomplete.len(), 1, "{findings:?}");
    // Inline data is located in the page itself.
    assert_eq!(incomplete[0].path, "src/ladders/backend.md");
    assert_eq!(incomplete[0].line, 18);
}

#[test]
fn broken_or_missing_data_is_an_error_with_its_position() {
    let t = HandbookTest::with_pages(
        "Broken",
        &[
            (
                "roles/a.md",
                "---\nkind: role-matrix\nmatrix: a.yaml\n---\n# A\n",
            ),
            (
                "roles/a.yaml",
                "levels: [L1, L2]\ncompetencies:\n  - name: \"Delivery\n    levels: {}\n",
            ),
            (
                "roles/b.md",
                "---\ntitle: B\nkind: role-matrix\nmatrix: ../data/missing.yaml\n---\n# B\n",
            ),
            (
                "roles/c.md",
                "---\nkind: role-matrix\nmatrix: c.json\n---\n# C\n",
            ),
            (
                "roles/c.json",
                "{\"levels\": [\"L1\"],\n  \"competencies\": [}\n",
            ),
        ],
    );
    let (code, findings) = t.check_json();
    assert_eq!(code, 1);
    let invalid = of_rule(&findings, "frontmatter-invalid");
    let at = |path: &str| {
        invalid
            .iter()
            .find(|f| f.path == path)
            .unwrap_or_else(|| panic!("no finding on {path}: {findings:?}"))
    };
    let a = at("src/roles/a.yaml");
    assert!(a.message.contains("not valid YAML"), "{}", a.message);
    assert!(a.line >= 3, "{a:?}");
    let b = at("src/roles/b.md");
    assert_eq!((b.line, b.column), (4, 1));
    assert!(b.message.contains("src/data/missing.yaml"), "{}", b.message);
    assert!(b.message.contains("no such file"), "{}", b.message);
    let c = at("src/roles/c.json");
    assert_eq!((c.line, c.column), (2, 20));
    assert!(c.message.contains("JSON"), "{}", c.message);
    // The pages still build.
    t.run(&["build", "--today", TODAY]).assert_no_panic();
    assert!(t.exists("book/roles/b.html"));
}

#[test]
fn data_files_attached_to_no_page_are_published_as_files() {
    let t = HandbookTest::with_pages(
        "Data",
        &[
            ("index.md", "# Home\n"),
            ("data/teams.yaml", "teams: [payments, search]\n"),
            ("data/levels.json", "{\"levels\": 3}\n"),
        ],
    );
    t.run(&["build", "--today", TODAY]).assert_no_panic();
    assert_eq!(
        t.read("book/data/teams.yaml"),
        "teams: [payments, search]\n"
    );
    assert_eq!(t.read("book/data/levels.json"), "{\"levels\": 3}\n");
    let r = t.run(&["check", "--format", "json", "--today", TODAY]);
    let findings = findings_of(&r.json());
    assert!(
        findings.iter().all(|f| f.path == "src/index.md"),
        "{findings:?}"
    );
}

#[test]
fn the_grid_scrolls_inside_itself_at_390_px() {
    let Some(chromium) = chromium_or_skip("the_grid_scrolls_inside_itself_at_390_px") else {
        return;
    };
    let t = ladder_handbook();
    t.run(&["build", "--today", TODAY]).assert_no_panic();
    let page = t.path("book/roles/engineering.html");
    let html = std::fs::read_to_string(&page).unwrap();
    let probe = "<script>window.addEventListener('load',function(){var w=document.querySelector('.matrix-wrap');document.body.setAttribute('data-probe',[document.documentElement.scrollWidth,window.innerWidth,w.scrollWidth,w.clientWidth].join(','));});</script></body>";
    std::fs::write(&page, html.replace("</body>", probe)).unwrap();
    // Headless Chromium's window is at least 500 px wide: the page is
    // measured in a 390 px frame.
    let frame = t.path("book/roles/frame-390.html");
    std::fs::write(
        &frame,
        "<!doctype html><body><iframe src=\"engineering.html\" width=\"390\" height=\"844\" style=\"border:0\"></iframe><script>window.addEventListener('load',function(){var d=document.querySelector('iframe').contentDocument;document.body.setAttribute('data-probe',d.body.getAttribute('data-probe'));});</script></body>",
    )
    .unwrap();
    let profile = chromium_profile("matrix");
    let out = Command::new(chromium)
        .args(CHROMIUM_FLAGS)
        .args([
            "--allow-file-access-from-files",
            "--virtual-time-budget=5000",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("file://{}", frame.display()))
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .expect("starting chromium");
    let _ = std::fs::remove_dir_all(&profile);
    let dom = String::from_utf8_lossy(&out.stdout);
    let probe = dom
        .split("data-probe=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or_else(|| panic!("no probe in the DOM: {dom}"));
    let n: Vec<u32> = probe.split(',').map(|x| x.parse().unwrap()).collect();
    let (page_width, viewport, grid_scroll, grid_box) = (n[0], n[1], n[2], n[3]);
    eprintln!("probe {probe}");
    assert_eq!(viewport, 390, "{probe}");
    assert!(page_width <= viewport, "the page scrolls sideways: {probe}");
    assert!(
        grid_scroll > grid_box,
        "the grid should scroll inside its box: {probe}"
    );
}
