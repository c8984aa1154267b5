//! Unit tests of `book.toml` parsing: defaults, findings and error positions.

use super::*;

fn parse(text: &str) -> Result<Config> {
    parse_config(
        Path::new("/nonexistent-root"),
        Path::new("/nonexistent-root/book.toml"),
        text,
    )
}

#[test]
fn defaults_when_empty() {
    let c = parse("").unwrap();
    assert_eq!(c.review.interval_for(Kind::Runbook), Interval::Days(90));
    assert_eq!(c.review.interval_for(Kind::Adr), Interval::Never);
    assert_eq!(c.review.interval_for(Kind::Guide), Interval::Days(180));
    assert!(c.out_dir.ends_with("book"));
    assert!(c.findings.is_empty());
}

#[test]
fn unknown_key_is_a_finding_with_its_line() {
    let c =
        parse("[book]\ntitle = \"T\"\ntitel = \"x\"\n[review]\nwarn-before = \"7d\"\n").unwrap();
    assert_eq!(c.findings.len(), 1);
    let f = &c.findings[0];
    assert_eq!(f.rule, "config-unknown-key");
    assert_eq!((f.line, f.column), (3, 1));
    assert!(f.message.contains("titel"), "{}", f.message);
    assert_eq!(c.review.warn_before, Interval::Days(7));
}

#[test]
fn syntax_error_has_line_and_column() {
    let Err(Error::Config { line, column, .. }) = parse("[book]\ntitle = \"T\"\nsrc = \n") else {
        panic!("expected a config error");
    };
    assert_eq!(line, 3);
    assert!(column >= 1);
}

#[test]
fn wrong_type_names_the_key_and_line() {
    let Err(Error::Config { line, message, .. }) = parse("[book]\n\ntitle = 5\n") else {
        panic!("expected a config error");
    };
    assert_eq!(line, 3);
    assert!(message.contains("title"));
}

#[test]
fn rule_levels_and_kinds() {
    let c = parse("[check.rules]\nreview-stale = \"error\"\nowner-single = \"off\"\nno-such-rule = \"error\"\n[kinds.runbook]\nrequired-sections = [\"A\"]\n[kinds.adr]\nproposed-max-age = \"60d\"\n[review.interval]\nguide = \"1y\"\n").unwrap();
    assert_eq!(c.rule_levels["review-stale"], Some(Severity::Error));
    assert_eq!(c.rule_levels["owner-single"], None);
    assert_eq!(c.findings.len(), 1);
    assert_eq!(c.findings[0].line, 4);
    assert_eq!(c.runbook_sections, vec!["A".to_string()]);
    assert_eq!(c.adr_proposed_max_age, Interval::Days(60));
    assert_eq!(c.review.interval_for(Kind::Guide), Interval::Months(12));
}

#[test]
fn health_domains_by_globs() {
    let c = parse("[[health.domains]]\nname = \"Payments\"\npaths = [\"payments\", \"billing/**\"]\nowner = \"x\"\n\n[[health.domains]]\nname = \"Ops\"\npaths = [\"ops/*.md\"]\n").unwrap();
    let d = &c.health.domains;
    assert_eq!(d.len(), 2);
    assert!(d[0].matches("payments/api/keys.md") && d[0].matches("billing/x.md"));
    assert!(d[1].matches("ops/a.md") && !d[1].matches("ops/deep/a.md"));
    assert_eq!(c.findings.len(), 1, "unknown `owner` in a domain table");
    assert!(matches!(
        parse("[[health.domains]]\nname = \"P\"\npaths = [\"a/[\"]\n"),
        Err(Error::Config { line: 1, .. })
    ));
    assert!(matches!(
        parse("[health]\ndomains = \"payments\"\n"),
        Err(Error::Config { line: 2, .. })
    ));
}

#[test]
fn health_thresholds() {
    let c = parse("").unwrap();
    assert_eq!(c.health, HealthConfig::default());
    let c = parse(
        "[health]\ncoverage-full = 4\nrotation-window = \"90d\"\nresilient-from = 10\nbogus = 1\n",
    )
    .unwrap();
    assert_eq!(c.health.coverage_full, 4);
    assert_eq!(c.health.rotation_window, Interval::Days(90));
    assert_eq!(c.health.bands, [4, 7, 10]);
    assert_eq!(c.findings.len(), 1);
    assert_eq!(c.findings[0].line, 5);
    assert!(matches!(
        parse("[health]\ncoverage-partial = 5\n"),
        Err(Error::Config { line: 2, .. })
    ));
    assert!(matches!(
        parse("[health]\n\nhealthy-core-from = 3\n"),
        Err(Error::Config { line: 3, .. })
    ));
    assert!(matches!(
        parse("[health]\nrotation-editors = -1\n"),
        Err(Error::Config { line: 2, .. })
    ));
}

#[test]
fn bad_duration_is_an_error() {
    assert!(matches!(
        parse("[review]\ndefault-interval = \"soon\"\n"),
        Err(Error::Config { line: 2, .. })
    ));
}

#[test]
fn base_path_defaults_to_the_path_of_site_url() {
    let c = parse("[build]\nsite-url = \"https://example.org/handbook\"\n").unwrap();
    assert_eq!(c.base_path, "/handbook/");
    let c = parse("[build]\nsite-url = \"https://example.org\"\n").unwrap();
    assert_eq!(c.base_path, "/");
    let c = parse("[build]\nbase-path = \"docs/team\"\nsite-url = \"https://x.org/y/\"\n").unwrap();
    assert_eq!(c.base_path, "/docs/team/");
    assert!(!c.pretty_urls);
    let c = parse("[build]\npretty-urls = true\n").unwrap();
    assert!(c.pretty_urls);
    assert_eq!(c.base_path, "/");
    assert!(parse("[build]\npretty-urls = \"yes\"\n").is_err());
}
