//! Real-world input: what people actually commit. Every case must build
//! (exit 0, no panic) and give the sensible result.

use crate::harness::{assert_links_resolve, of_rule, Finding, HandbookTest};

/// A handbook with a `src/` folder holding `pages`.
fn handbook(pages: &[(&str, &str)]) -> HandbookTest {
    HandbookTest::with_pages("Input", pages)
}

fn frontmatter_findings(findings: &[Finding]) -> Vec<&Finding> {
    of_rule(findings, "frontmatter-invalid")
}

#[test]
fn tab_in_frontmatter_is_reported_at_its_file_line() {
    let t = handbook(&[(
        "tabs.md",
        "---\ntitle: Tabs\nkind: guide\nreviewed: 2026-10-01\nowners:\n\t- payments\n---\n\nTabbed body text.\n",
    )]);
    let (_, findings) = t.check_json();
    let bad = frontmatter_findings(&findings);
    assert_eq!(bad.len(), 1, "{findings:?}");
    assert_eq!(bad[0].path, "src/tabs.md");
    assert_eq!(bad[0].severity, "error");
    assert_eq!(bad[0].line, 6, "line of the tab in the file: {:?}", bad[0]);
    t.build_ok();
    let main = t.main_html("book/tabs.html");
    assert!(main.contains("banner-invalid"), "{main}");
    assert!(main.contains("Tabbed body text."), "{main}");
}

#[test]
fn duplicate_frontmatter_key_is_a_finding() {
    let t = handbook(&[(
        "dup.md",
        "---\ntitle: First\nkind: guide\ntitle: Second\n---\n\nDup body.\n",
    )]);
    let (_, findings) = t.check_json();
    let bad = frontmatter_findings(&findings);
    assert_eq!(bad.len(), 1, "{findings:?}");
    assert!(bad[0].message.contains("duplicate"), "{:?}", bad[0]);
    assert_eq!(bad[0].line, 4);
    t.build_ok();
    assert!(t.main_html("book/dup.html").contains("Dup body."));
}

#[test]
fn leading_horizontal_rule_is_not_frontmatter() {
    let t = handbook(&[
        ("rule.md", "---\n\n# Rule title\n\nText after the rule.\n"),
        (
            "rules.md",
            "---\n\nJust some prose here.\n\n---\n\nMore prose.\n",
        ),
    ]);
    let (_, findings) = t.check_json();
    assert!(frontmatter_findings(&findings).is_empty(), "{findings:?}");
    t.build_ok();
    let main = t.main_html("book/rule.html");
    assert!(main.contains("<hr"), "{main}");
    assert!(main.contains("Text after the rule."), "{main}");
    let main = t.main_html("book/rules.html");
    assert!(main.contains("<hr"), "{main}");
    assert!(
        main.contains("Just some prose here.") && main.contains("More prose."),
        "{main}"
    );
    assert_eq!(t.catalog_page("src/rule.md")["title"], "Rule title");
}

#[test]
fn template_syntax_resolves_and_other_braces_stay_text() {
    let t = handbook(&[(
        "tmpl.md",
        "---\ntitle: Templates\n---\n\nHugo {{< x >}} and {{<figure src=\"a.png\">}}.\n\nERB <%= x %> here.\n\nLiquid {% x %} and {{ y }} stay.\n\n{% if true %}block{% endif %}\n",
    )]);
    t.build_ok();
    let main = t.main_html("book/tmpl.html");
    // ERB is read only in `.erb` pages; Liquid and Go `{{ y }}` are not
    // among the syntaxes resolved.
    for text in [
        "ERB &lt;%= x %&gt; here.",
        "Liquid {% x %} and {{ y }} stay.",
        "{% if true %}block{% endif %}",
    ] {
        assert!(main.contains(text), "`{text}` not shown as text:\n{main}");
    }
    // Hugo shortcodes: rendered, or dropped and named in a finding.
    assert!(
        main.contains(r#"<p>Hugo  and <figure><img src="a.png" alt=""></figure>.</p>"#),
        "{main}"
    );
    let body = &main[main.find("<div class=\"content\">").unwrap()..];
    assert!(!body.contains("{{&lt;"), "{body}");
    let (_, findings) = t.check_json();
    assert!(
        findings
            .iter()
            .any(|f| f.rule == "template-syntax" && f.message.contains("{{< x >}}")),
        "{findings:?}"
    );
}

#[test]
fn custom_heading_ids_are_link_targets() {
    let t = handbook(&[
        (
            "page.md",
            "---\ntitle: Page\n---\n\n## Rollback {#rollback}\n\nUndo it.\n\n## Plain heading\n",
        ),
        (
            "other.md",
            "---\ntitle: Other\n---\n\nSee [rollback](page.md#rollback) and [plain](page.md#plain-heading).\n",
        ),
    ]);
    let (_, findings) = t.check_json();
    assert!(
        of_rule(&findings, "anchor-broken").is_empty(),
        "{findings:?}"
    );
    assert!(of_rule(&findings, "link-broken").is_empty(), "{findings:?}");
    t.build_ok();
    let page = t.main_html("book/page.html");
    assert!(page.contains(r#"id="rollback""#), "{page}");
    assert!(!page.contains("{#rollback}"), "{page}");
    let other = t.main_html("book/other.html");
    assert!(other.contains(r#"href="page.html#rollback""#), "{other}");
}

#[test]
fn link_to_the_html_of_a_page_works() {
    let t = handbook(&[
        ("page.md", "---\ntitle: Page\n---\n\n## Target\n"),
        (
            "other.md",
            "---\ntitle: Other\n---\n\nSee [page](page.html) and [target](page.html#target).\n",
        ),
    ]);
    let (_, findings) = t.check_json();
    assert_links_resolve(&findings);
    t.build_ok();
    let other = t.main_html("book/other.html");
    assert!(other.contains(r#"href="page.html""#), "{other}");
    assert!(t.exists("book/page.html"));
}

#[test]
fn links_with_spaces_and_folders_resolve() {
    let t = handbook(&[
        ("guides/my page.md", "---\ntitle: Spaced\n---\n\n## Café menu\n"),
        ("adr/README.md", "---\nkind: guide\n---\n\n# Decision log\n"),
        (
            "guides/linker.md",
            "---\ntitle: Linker\n---\n\n[a](my%20page.md#café-menu) [b](<my page.md>) [c](../adr/)\n",
        ),
    ]);
    let (_, findings) = t.check_json();
    assert_links_resolve(&findings);
    t.build_ok();
    assert!(t.exists("book/guides/my page.html"));
    let main = t.main_html("book/guides/linker.html");
    assert!(main.contains(r#"href="my%20page.html"#), "{main}");
    assert!(main.contains(r#"href="../adr/index.html""#), "{main}");
}

#[test]
fn adr_folder_readme_is_not_an_adr() {
    let t = handbook(&[
        (
            "adr/README.md",
            "---\nowners: [arch, sre]\nreviewed: 2026-10-01\n---\n\n# Decision log\n\nOur ADRs.\n",
        ),
        (
            "adr/0001-use-postgres.md",
            "---\ntitle: Use Postgres\nstatus: accepted\ndate: 2026-01-01\nowners: [arch, sre]\n---\n\n## Context\n",
        ),
    ]);
    let (code, findings) = t.check_json();
    assert!(
        findings.iter().all(|f| !f.rule.starts_with("adr-")),
        "{findings:?}"
    );
    assert_eq!(code, 0, "{findings:?}");
}

#[test]
fn upper_case_markdown_extensions_are_built() {
    let t = handbook(&[
        ("README.MD", "# Upper readme\n\nReadme body.\n"),
        ("docs/Guide.MD", "# Upper guide\n\nGuide body.\n"),
        ("docs/notes.markdown", "# Notes\n\nNotes body.\n"),
    ]);
    t.build_ok();
    assert!(t.main_html("book/index.html").contains("Readme body."));
    assert!(t.main_html("book/docs/Guide.html").contains("Guide body."));
    assert!(t.main_html("book/docs/notes.html").contains("Notes body."));
}

#[test]
fn bare_and_quoted_dates_are_the_same() {
    let t = handbook(&[
        ("bare.md", "---\ntitle: Bare\nreviewed: 2026-09-01\n---\n"),
        (
            "quoted.md",
            "---\ntitle: Quoted\nreviewed: \"2026-09-01\"\n---\n",
        ),
        (
            "single.md",
            "---\ntitle: Single\nreviewed: '2026-09-01'\n---\n",
        ),
    ]);
    let (_, findings) = t.check_json();
    assert!(frontmatter_findings(&findings).is_empty(), "{findings:?}");
    t.build_ok();
    for p in ["src/bare.md", "src/quoted.md", "src/single.md"] {
        let e = t.catalog_page(p);
        assert_eq!(e["reviewed"], "2026-09-01", "{p}: {e}");
        assert_eq!(e["due"], "2027-02-28", "{p}: {e}");
    }
}

#[test]
fn a_200_kb_page_builds() {
    let mut text = String::from("---\ntitle: Big page\n---\n\n# Big page\n\n");
    let mut i = 0;
    while text.len() < 200 * 1024 {
        text.push_str(&format!(
            "## Section {i}\n\nParagraph {i} with *emphasis*, `code` and a [link](#section-{i}).\n\n```rust\nfn f{i}() -> u32 {{ {i} }}\n```\n\n"
        ));
        i += 1;
    }
    text.push_str("The very last paragraph.\n");
    let t = handbook(&[("big.md", &text)]);
    t.build_ok();
    let main = t.main_html("book/big.html");
    assert!(main.len() > 200 * 1024, "{} bytes", main.len());
    assert!(main.contains("The very last paragraph."));
    assert!(main.contains(&format!("id=\"section-{}\"", i - 1)));
    assert!(main.contains(&format!("f{}", i - 1)));
}

#[test]
fn crlf_line_endings_are_read() {
    let good = "---\r\ntitle: Windows page\r\nowners: [payments]\r\nreviewed: 2026-10-01\r\nkind: runbook\r\n---\r\n\r\n# Windows page\r\n\r\n## Mitigation\r\n\r\nCRLF body.\r\n";
    let bad = "---\r\ntitle: Broken windows\r\nkind: guide\r\nowners: [payments\r\nreviewed: 2026-10-01\r\n---\r\n\r\nBody.\r\n";
    let t = handbook(&[("crlf.md", good), ("crlf-bad.md", bad)]);
    let (_, findings) = t.check_json();
    let bad_findings = frontmatter_findings(&findings);
    assert_eq!(bad_findings.len(), 1, "{findings:?}");
    assert_eq!(bad_findings[0].path, "src/crlf-bad.md");
    // The flow sequence opened on line 4 is broken by line 5.
    assert!(
        (4..=5).contains(&bad_findings[0].line),
        "{:?}",
        bad_findings[0]
    );
    t.build_ok();
    let e = t.catalog_page("src/crlf.md");
    assert_eq!(e["title"], "Windows page");
    assert_eq!(e["kind"], "runbook");
    assert_eq!(e["reviewed"], "2026-10-01");
    assert_eq!(e["owners"], serde_json::json!(["payments"]));
    let main = t.main_html("book/crlf.html");
    assert!(main.contains("CRLF body."), "{main}");
    assert!(main.contains(r#"id="mitigation""#), "{main}");
}

#[test]
fn crlf_yaml_error_line_matches_lf() {
    let lf = "---\ntitle: T\nkind: guide\nreviewed: [unclosed\nowners: x\n---\n";
    let crlf = lf.replace('\n', "\r\n");
    let t = handbook(&[("lf.md", lf), ("crlf.md", &crlf)]);
    let (_, findings) = t.check_json();
    let bad = frontmatter_findings(&findings);
    assert_eq!(bad.len(), 2, "{findings:?}");
    assert_eq!(
        (bad[0].line, bad[0].column),
        (bad[1].line, bad[1].column),
        "{bad:?}"
    );
    assert!(bad[0].line >= 4, "{bad:?}");
}

#[test]
fn bom_before_frontmatter_is_ignored() {
    let t = HandbookTest::empty();
    t.write("book.toml", "[book]\ntitle = \"Input\"\n");
    t.write_bytes(
        "src/bom.md",
        "\u{FEFF}---\ntitle: BOM title\nreviewed: 2026-10-01\n---\n\nBOM body.\n".as_bytes(),
    );
    let (_, findings) = t.check_json();
    assert!(frontmatter_findings(&findings).is_empty(), "{findings:?}");
    t.build_ok();
    let e = t.catalog_page("src/bom.md");
    assert_eq!(e["title"], "BOM title");
    assert_eq!(e["reviewed"], "2026-10-01");
    let main = t.main_html("book/bom.html");
    assert!(
        !main.contains("<hr"),
        "the fence was rendered as a rule:\n{main}"
    );
    assert!(main.contains("BOM body."));
}

#[test]
fn latin1_file_is_an_error_finding_and_still_built() {
    let t = HandbookTest::empty();
    t.write("book.toml", "[book]\ntitle = \"Input\"\n");
    t.write("src/ok.md", "# Fine\n");
    t.write_bytes(
        "src/latin1.md",
        b"---\ntitle: Caf\xe9 notes\n---\n\nNa\xefve text survives.\n",
    );
    let (code, findings) = t.check_json();
    assert_eq!(code, 1);
    let bad: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.path == "src/latin1.md")
        .collect();
    assert!(
        bad.iter()
            .any(|f| f.severity == "error" && f.message.contains("UTF-8")),
        "{findings:?}"
    );
    let r = t.build_ok();
    assert!(r.stderr.contains("src/latin1.md"), "{}", r.stderr);
    let main = t.main_html("book/latin1.html");
    assert!(main.contains("text survives."), "{main}");
}

#[cfg(unix)]
#[test]
fn symlink_loop_does_not_hang() {
    let t = handbook(&[("index.md", "# Home\n"), ("sub/page.md", "# Sub page\n")]);
    std::os::unix::fs::symlink("..", t.path("src/sub/loop")).unwrap();
    std::os::unix::fs::symlink(".", t.path("src/self")).unwrap();
    t.build_ok();
    assert!(t.exists("book/index.html"));
    assert!(t.exists("book/sub/page.html"));
    let (_, _) = t.check_json();
}

#[test]
fn hidden_folders_and_the_build_dir_are_not_content() {
    // Root as content, so the build dir sits inside the content folder.
    let t = HandbookTest::empty();
    t.write("index.md", "# Home\n");
    t.write(".git/notes.md", "# Git notes\n");
    t.write(".obsidian/workspace.md", "# Obsidian\n");
    t.write("docs/.drafts/draft.md", "# Draft\n");
    t.write("docs/page.md", "# Page\n");
    t.build_ok();
    // A markdown file left in the build dir must not become a page.
    t.write("book/leftover.md", "# Leftover\n");
    t.build_ok();
    let cat: serde_json::Value = serde_json::from_str(&t.read("book/handbook.json")).unwrap();
    let mut paths: Vec<&str> = cat["pages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["path"].as_str().unwrap())
        .collect();
    paths.sort();
    assert_eq!(paths, ["docs/page.md", "index.md"]);
    assert!(!t.exists("book/book"));
    assert!(!t.exists("book/.git"));
    assert!(!t.exists("book/.obsidian"));
    assert!(!t.exists("book/leftover.html"));
}

#[test]
fn empty_and_fence_only_files_build() {
    let t = handbook(&[
        ("empty.md", ""),
        ("fences.md", "---\n---\n"),
        ("fences-no-newline.md", "---\n---"),
        ("only-dashes.md", "---"),
        ("blank.md", "\n\n  \n"),
    ]);
    let (_, findings) = t.check_json();
    assert!(frontmatter_findings(&findings).is_empty(), "{findings:?}");
    t.build_ok();
    for p in [
        "empty",
        "fences",
        "fences-no-newline",
        "only-dashes",
        "blank",
    ] {
        assert!(t.exists(&format!("book/{p}.html")), "{p}.html missing");
        assert!(t.main_html(&format!("book/{p}.html")).contains("<h1"));
    }
    assert_eq!(t.catalog_page("src/empty.md")["title"], "Empty");
}

#[test]
fn frontmatter_wrong_types_are_findings_not_crashes() {
    let t = handbook(&[(
        "types.md",
        "---\ntitle: [a, b]\nowners: {a: 1}\nreviewed: last week\nreview_every: soon\nkind: 5\nsupersedes: {x: y}\nactions: yes\n---\n\nTyped body.\n",
    )]);
    let (_, findings) = t.check_json();
    assert!(frontmatter_findings(&findings).len() >= 4, "{findings:?}");
    t.build_ok();
    assert!(t.main_html("book/types.html").contains("Typed body."));
}

/// One finding with its help: (rule, line, column, message, help).
type Helped = (String, u64, u64, String, String);

/// The findings of `rule` among `found`.
fn with_rule<'a>(found: &'a [Helped], rule: &str) -> Vec<&'a Helped> {
    found.iter().filter(|f| f.0 == rule).collect()
}

/// `check --format json`: (rule, line, column, message, help) of `path`.
fn findings_with_help(t: &HandbookTest, path: &str) -> Vec<Helped> {
    let r = t.run(&[
        "check",
        "--format",
        "json",
        "--today",
        crate::harness::TODAY,
    ]);
    r.assert_no_panic();
    r.json()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["path"] == path)
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["message"].as_str().unwrap().to_string(),
                f["help"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[test]
fn unclosed_frontmatter_is_reported_and_kept_out_of_the_body() {
    let t = handbook(&[(
        "runbooks/noclose.md",
        "---\ntitle: No close\nowners: [payments]\nreviewed: 2026-11-01\n\n# Steps\n\nDo the thing.\n",
    )]);
    let found = findings_with_help(&t, "src/runbooks/noclose.md");
    let bad = with_rule(&found, "frontmatter-invalid");
    assert_eq!(bad.len(), 1, "{found:?}");
    assert_eq!((bad[0].1, bad[0].2), (1, 1));
    assert!(bad[0].3.contains("never closed"), "{:?}", bad[0]);
    assert!(bad[0].4.contains("line 4"), "{:?}", bad[0]);
    // The keys were read: no owner or review findings caused by the slip.
    assert!(
        !found
            .iter()
            .any(|f| f.0 == "owner-missing" || f.0 == "review-missing"),
        "{found:?}"
    );
    t.build_ok();
    let main = t.main_html("book/runbooks/noclose.html");
    assert!(!main.contains("owners: [payments]"), "{main}");
    assert!(main.contains("Do the thing."), "{main}");
    assert_eq!(
        t.catalog_page("src/runbooks/noclose.md")["title"],
        "No close"
    );
}

#[test]
fn toml_frontmatter_is_read_like_yaml() {
    let t = handbook(&[(
        "runbooks/hugo.md",
        "+++\r\ntitle = \"Hugo runbook\"\r\nowners = [\"payments\"]\r\nlast_reviewed_on = 2026-01-02\r\ndate = 2019-03-04T10:00:00Z\r\ndraft = false\r\n\r\n[menu.main]\r\nweight = 5\r\n+++\r\n\r\nRunbook body.\r\n",
    )]);
    let found = findings_with_help(&t, "src/runbooks/hugo.md");
    assert!(
        !found.iter().any(|f| f.0 == "frontmatter-invalid"
            || f.0 == "owner-missing"
            || f.0 == "review-missing"),
        "{found:?}"
    );
    let stale = found
        .iter()
        .find(|f| f.0 == "review-stale")
        .unwrap_or_else(|| panic!("{found:?}"));
    assert_eq!(stale.1, 4, "{stale:?}");
    // The help names the key the page uses, in its syntax.
    assert!(
        stale.4.contains("`last_reviewed_on = 2026-11-23`"),
        "{stale:?}"
    );
    t.build_ok();
    let page = t.catalog_page("src/runbooks/hugo.md");
    assert_eq!(page["title"], "Hugo runbook");
    assert_eq!(page["reviewed"], "2026-01-02");
    let main = t.main_html("book/runbooks/hugo.html");
    assert!(main.contains("Runbook body."), "{main}");
    assert!(
        !main.contains("weight = 5") && !main.contains("+++"),
        "{main}"
    );

    // A TOML error points at its line in the file.
    t.write(
        "src/runbooks/hugo.md",
        "+++\ntitle = \"Hugo runbook\"\nowners = [\"payments\"\n+++\n\nBody.\n",
    );
    let found = findings_with_help(&t, "src/runbooks/hugo.md");
    let bad = with_rule(&found, "frontmatter-invalid");
    assert_eq!(bad.len(), 1, "{found:?}");
    assert!(bad[0].1 >= 3, "{:?}", bad[0]);
    assert!(bad[0].3.contains("TOML"), "{:?}", bad[0]);
}

#[test]
fn helps_on_toml_pages_use_toml_syntax() {
    let t = handbook(&[
        (
            "adr/0014-use-queues.md",
            "+++\ntitle = \"Use queues\"\nstatus = \"Superseded by ADR-0013\"\ndate = 2026-01-05\n+++\n\n## Context\n\n## Decision\n\n## Consequences\n",
        ),
        (
            "standards/naming.md",
            "+++\ntitle = \"Naming\"\nowners = [\"payments\"]\nreviewed = 2026-11-01\n+++\n\nBody.\n",
        ),
        ("guides/yaml.md", "---\ntitle: YAML\n---\n\nBody.\n"),
    ]);
    let help = |path: &str, rule: &str| -> String {
        let found = findings_with_help(&t, path);
        let hit = with_rule(&found, rule);
        assert_eq!(hit.len(), 1, "{path} {rule}: {found:?}");
        hit[0].4.clone()
    };
    let adr = "src/adr/0014-use-queues.md";
    assert!(help(adr, "owner-missing").contains("`owners = [\"team-id\"]`"));
    let status = help(adr, "adr-status-invalid");
    assert!(
        status.contains("`status = \"superseded\"`") && status.contains("`superseded_by = 13`"),
        "{status}"
    );
    let standard = help("src/standards/naming.md", "standard-unenforced");
    assert!(standard.contains("`enforced_by = \""), "{standard}");
    // YAML pages keep YAML.
    assert!(help("src/guides/yaml.md", "owner-missing").contains("`owners: [team-id]`"));
}

#[test]
fn common_yaml_slips_get_a_precise_finding() {
    let t = handbook(&[
        (
            "quote.md",
            "---\ntitle: Quote\nowner_slack: \"#payments\nreviewed: 2026-11-01\nkind: guide\n---\n\nBody.\n",
        ),
        (
            "tab.md",
            "---\ntitle: Tab\n\tkind: guide\n---\n\nBody.\n",
        ),
    ]);
    let quote = findings_with_help(&t, "src/quote.md");
    let bad = with_rule(&quote, "frontmatter-invalid");
    assert_eq!(bad.len(), 1, "{quote:?}");
    assert_eq!((bad[0].1, bad[0].2), (3, 14), "{:?}", bad[0]);
    assert!(bad[0].3.contains("not closed"), "{:?}", bad[0]);
    let tab = findings_with_help(&t, "src/tab.md");
    let bad = with_rule(&tab, "frontmatter-invalid");
    assert_eq!(bad.len(), 1, "{tab:?}");
    assert_eq!((bad[0].1, bad[0].2), (3, 1), "{:?}", bad[0]);
    assert!(bad[0].4.contains("tabs"), "{:?}", bad[0]);
}

#[test]
fn adr_status_is_quoted_as_written_with_the_fix() {
    let t = handbook(&[(
        "adr/0012-placeholders.md",
        "---\ntitle: Placeholders\nowners: [payments]\nstatus: Superseded by ADR-0013\n---\n\nBody.\n",
    )]);
    let found = findings_with_help(&t, "src/adr/0012-placeholders.md");
    let bad = found
        .iter()
        .find(|f| f.0 == "adr-status-invalid")
        .unwrap_or_else(|| panic!("{found:?}"));
    assert!(bad.3.contains("`Superseded by ADR-0013`"), "{bad:?}");
    assert!(
        bad.4.contains("`status: superseded`") && bad.4.contains("`superseded_by: 13`"),
        "{bad:?}"
    );
}

#[test]
fn mdx_files_are_named_in_a_note() {
    let t = handbook(&[
        ("guide.md", "# Guide\n"),
        ("docs/intro.mdx", "# Intro\n\n<Tabs />\n"),
    ]);
    let r = t.build_ok();
    assert!(
        r.stderr.contains("docs/intro.mdx") && r.stderr.contains("not built as pages"),
        "{}",
        r.stderr
    );
}

#[test]
fn mdbook_output_section_is_named_as_mdbook_configuration() {
    let t = handbook(&[("guide.md", "# Guide\n")]);
    t.write(
        "book.toml",
        "[book]\ntitle = \"Input\"\n\n[output.html]\nsite-url = \"/handbook/\"\n",
    );
    let found = findings_with_help(&t, "book.toml");
    let unknown = with_rule(&found, "config-unknown-key");
    assert_eq!(unknown.len(), 1, "{found:?}");
    assert!(
        unknown[0].4.contains("mdBook") && unknown[0].4.contains("[build]"),
        "{:?}",
        unknown[0]
    );
}

#[test]
fn symlinks_out_of_the_handbook_are_not_published() {
    let t = handbook(&[("index.md", "# Home\n"), ("shared/real.md", "# Real\n")]);
    // Outside the handbook and outside the git work tree holding the tests.
    let outside = std::env::temp_dir().join(format!("handbook-secret-{}", std::process::id()));
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("credentials.md"), "# Do not publish\n").unwrap();
    std::fs::write(outside.join("key.pem"), "PRIVATE").unwrap();
    std::os::unix::fs::symlink(&outside, t.path("src/etc")).unwrap();
    // A link that stays inside the handbook is followed.
    std::os::unix::fs::symlink(t.path("src/shared"), t.path("src/alias")).unwrap();
    let r = t.build_ok();
    assert!(
        r.stderr.contains("skipping") && r.stderr.contains("etc"),
        "{}",
        r.stderr
    );
    assert!(!t.exists("book/etc/credentials.html"));
    assert!(!t.exists("book/etc/key.pem"));
    assert!(t.exists("book/alias/real.html"));
    let _ = std::fs::remove_dir_all(&outside);
}

/// Assets are copied as they are, so a symlinked one is published only
/// when it resolves inside the content folder, by `build` as by `serve`
/// (which never served the others): a link to a file elsewhere in the
/// handbook is skipped with a warning, while a page reached the same way
/// is still rendered.
#[cfg(unix)]
#[test]
fn symlinked_assets_are_published_only_from_inside_the_content_folder() {
    let t = handbook(&[("index.md", "# Home\n")]);
    t.write("src/files/note.txt", "a normal asset 8181");
    t.write("secret.txt", "TOP-SECRET-4242");
    t.write("outside/inner.txt", "TOP-SECRET-DIR-5353");
    t.write("outside/page.md", "# Linked page\n");
    std::os::unix::fs::symlink("files/note.txt", t.path("src/alias.txt")).unwrap();
    std::os::unix::fs::symlink("../secret.txt", t.path("src/leak.txt")).unwrap();
    std::os::unix::fs::symlink("../outside", t.path("src/linked")).unwrap();
    let r = t.build_ok();
    assert_eq!(t.read("book/alias.txt"), "a normal asset 8181");
    assert!(!t.exists("book/leak.txt"), "{}", r.stderr);
    assert!(!t.exists("book/linked/inner.txt"), "{}", r.stderr);
    assert!(t.exists("book/linked/page.html"), "pages may link out");
    for skipped in ["src/leak.txt", "src/linked/inner.txt"] {
        assert!(
            r.stderr.lines().any(|l| l.starts_with("warning: skipping")
                && l.contains(skipped)
                && l.contains("outside the content folder")),
            "{skipped}:\n{}",
            r.stderr
        );
    }
}

/// Editors' swap, backup and temp files are neither rebuilt for by
/// `serve` nor published by `build`.
#[test]
fn editor_temp_files_are_not_published() {
    let t = handbook(&[("guides/a.md", "# A\n")]);
    let temps = [
        "src/guides/a.md~",
        "src/guides/4913",
        "src/guides/notes.txt.swp",
        "src/guides/#a.md#",
        "src/guides/a.md___jb_tmp___",
        "src/guides/a.md.kate-swp",
    ];
    for name in temps {
        t.write(name, "scratch");
    }
    t.build_ok();
    assert!(t.exists("book/guides/a.html"));
    let published = crate::harness::list_files(&t.path("book"));
    for name in temps {
        let rel = name.trim_start_matches("src/");
        assert!(!published.iter().any(|p| p == rel), "{rel} published");
    }
}

#[test]
fn an_earlier_build_folder_in_the_content_is_not_content() {
    // The root is the content folder; an earlier build went to `out/`.
    let t = HandbookTest::empty();
    t.write("index.md", "# Home\n");
    t.write("guide.md", "# Guide\n");
    t.run(&["build", "--today", crate::harness::TODAY, "--dest", "out"])
        .assert_code(0);
    assert!(t.exists("out/guide.html"));
    t.build_ok();
    assert!(t.exists("book/guide.html"));
    assert!(
        !t.exists("book/out/guide.html"),
        "the old site was published"
    );
    assert!(
        !crate::harness::list_files(&t.path("book"))
            .iter()
            .any(|f| f.starts_with("out/")),
        "the old site was copied as assets"
    );
}

#[test]
fn people_marked_active_no_have_left() {
    let t = handbook(&[
        (
            "a.md",
            "---\ntitle: A\nowners: [\"@carol\"]\nreviewed: 2026-11-01\n---\n\nA.\n",
        ),
        (
            "b.md",
            "---\ntitle: B\nowners: [\"@dan\"]\nreviewed: 2026-11-01\n---\n\nB.\n",
        ),
        (
            "c.md",
            "---\ntitle: C\nowners: [\"@erin\"]\nreviewed: 2026-11-01\n---\n\nC.\n",
        ),
    ]);
    t.write(
        "owners.yaml",
        "people:\n  carol: { name: Carol, active: no }\n  dan: { name: Dan, active: \"false\" }\n  erin: { name: Erin, active: yes }\n",
    );
    let (_, findings) = t.check_json();
    let inactive: Vec<&str> = of_rule(&findings, "owner-inactive")
        .iter()
        .map(|f| f.path.as_str())
        .collect();
    assert_eq!(inactive, ["src/a.md", "src/b.md"], "{findings:?}");
}

#[test]
fn sarif_locations_are_uris() {
    let t = handbook(&[("tîm/my page.md", "# Page\n")]);
    let r = t.run(&[
        "check",
        "--format",
        "sarif",
        "--today",
        crate::harness::TODAY,
    ]);
    r.assert_no_panic();
    let uris: Vec<String> = r.json()["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|res| {
            res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert!(!uris.is_empty());
    assert!(
        uris.iter().all(|u| u == "src/t%C3%AEm/my%20page.md"),
        "{uris:?}"
    );
}

#[test]
fn pages_that_replace_other_outputs_are_named() {
    let t = handbook(&[
        (
            "index.md",
            "---\ntitle: Home\nowners: [payments]\n---\n\nHome.\n",
        ),
        ("health.md", "# My health notes\n"),
        ("page.md", "# Page\n"),
        ("page.html.md", "# Page again\n"),
        ("static/style.css", "body { color: red }\n"),
        ("ok.md", "# Fine\n"),
    ]);
    let r = t.build_ok();
    let warnings: Vec<&str> = r
        .stderr
        .lines()
        .filter(|l| l.starts_with("warning: "))
        .collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("src/health.md builds to health.html") && w.contains("dashboard")),
        "{warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("src/page.html.md") && w.contains("src/page.md")),
        "{warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("src/static/style.css is replaced by the theme's")),
        "{warnings:?}"
    );
    assert!(
        !warnings.iter().any(|w| w.contains("ok.md")),
        "{warnings:?}"
    );
    assert_eq!(warnings.len(), 3, "{warnings:?}");
}

#[test]
fn kinds_are_recognised_from_paths_folders_and_content() {
    let t = handbook(&[
        // Nygard / adr-tools, no frontmatter, in a folder no rule names.
        (
            "architecture-decision-record/0001-record-decisions.md",
            "# 1. Record decisions\n\nDate: 2026-01-05\n\n## Status\n\nAccepted ✅\n\n## Context\n\nWe forget.\n",
        ),
        // MADR: a list item.
        (
            "architecture-decision-record/0002-use-postgres.md",
            "# Use Postgres\n\n* Status: SUPERSEDED by [ADR-0003](0003-use-sqlite.md)\n* Deciders: a\n",
        ),
        (
            "architecture-decision-record/0003-use-sqlite.md",
            "---\nsupersedes: [2]\n---\n# Use SQLite\n\n**Status:** proposed\n",
        ),
        // Number-prefixed, but no status: a guide.
        ("notes/01-intro.md", "# Intro\n\nThe status quo.\n"),
        // A runbooks folder below the top.
        ("source/runbooks/db.md", "# DB\n"),
        // Two runbook sections, in a service folder.
        (
            "services/payments/outage.md",
            "# Payments outage\n\n## Symptoms\n\nErrors.\n\n## Mitigation\n\nFail over.\n",
        ),
        // Matched by [kinds.standard] paths.
        ("engineering/pr-size.md", "# PR size\n"),
        // An index page stays a guide.
        ("source/runbooks/README.md", "# Runbooks\n\n## Symptoms\n\n## Mitigation\n"),
    ]);
    t.write(
        "book.toml",
        "[book]\ntitle = \"Kinds\"\n[kinds.standard]\npaths = [\"engineering/pr-*.md\"]\n",
    );
    t.build_ok();
    let kind = |p: &str| {
        t.catalog_page(&format!("src/{p}"))["kind"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let field = |p: &str, f: &str| t.catalog_page(&format!("src/{p}"))[f].clone();
    assert_eq!(
        kind("architecture-decision-record/0001-record-decisions.md"),
        "adr"
    );
    assert_eq!(
        field(
            "architecture-decision-record/0001-record-decisions.md",
            "status"
        ),
        "accepted"
    );
    assert_eq!(
        kind("architecture-decision-record/0002-use-postgres.md"),
        "adr"
    );
    assert_eq!(
        field(
            "architecture-decision-record/0002-use-postgres.md",
            "status"
        ),
        "superseded"
    );
    assert_eq!(
        field("architecture-decision-record/0003-use-sqlite.md", "status"),
        "proposed"
    );
    assert_eq!(kind("notes/01-intro.md"), "guide");
    assert_eq!(kind("source/runbooks/db.md"), "runbook");
    assert_eq!(kind("services/payments/outage.md"), "runbook");
    assert_eq!(kind("engineering/pr-size.md"), "standard");
    assert_eq!(kind("source/runbooks/README.md"), "guide");
    // The statuses read from the bodies satisfy the ADR rules.
    let (_, findings) = t.check_json();
    let adr: Vec<_> = findings
        .iter()
        .filter(|f| f.rule.starts_with("adr-"))
        .collect();
    assert!(adr.is_empty(), "{adr:?}");
}
