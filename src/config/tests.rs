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

/// The one finding of `text`, which must parse.
fn only_finding(text: &str) -> Diagnostic {
    let c = parse(text).unwrap();
    assert_eq!(c.findings.len(), 1, "{:?}", c.findings);
    c.findings[0].clone()
}

/// The error of `text`: line, column and message.
fn error(text: &str) -> (u32, u32, String) {
    match parse(text) {
        Err(Error::Config {
            line,
            column,
            message,
            ..
        }) => (line, column, message),
        other => panic!("expected a config error, got {other:?}"),
    }
}

#[test]
fn unknown_nested_key_is_at_its_own_column_with_a_suggestion() {
    let f = only_finding("[kinds.runbook]\n  exercise-evry = \"90d\"\n");
    assert_eq!((f.line, f.column), (2, 3));
    assert_eq!(
        f.message,
        "unknown key `exercise-evry` in [kinds.runbook]; this version ignores it"
    );
    let help = f.help.unwrap();
    assert!(help.starts_with("did you mean `exercise-every`?"), "{help}");

    // A dotted key and a key of an inline table: the column of the key
    // itself, which a scan of `key =` lines could not find.
    let f = only_finding("review.warn-befor = \"7d\"\n[book]\ntitle = \"T\"\n");
    assert_eq!((f.line, f.column), (1, 8));
    assert!(
        f.message.contains("`warn-befor` in [review]"),
        "{}",
        f.message
    );
    let f = only_finding("[check]\noverrides = [{ paths = [\"a\"], rulez = {} }]\n");
    assert_eq!((f.line, f.column), (2, 31));
    assert!(
        f.message.contains("`rulez` in [check.overrides]"),
        "{}",
        f.message
    );
    assert!(f.help.unwrap().starts_with("did you mean `rules`?"));

    // An alias of a kind knows that kind's keys.
    let f = only_finding("[kinds.runbooks]\nrequired-section = [\"A\"]\n");
    assert_eq!((f.line, f.column), (2, 1));
    assert!(f
        .help
        .unwrap()
        .starts_with("did you mean `required-sections`?"));

    // An unknown rule id in the second override's rules.
    let f = only_finding(
        "[[check.overrides]]\npaths = [\"a\"]\n\n[[check.overrides]]\npaths = [\"b\"]\nrules = { review-stal = \"off\" }\n",
    );
    assert_eq!((f.line, f.column), (6, 11));
    assert!(
        f.message.contains("[check.overrides.rules]"),
        "{}",
        f.message
    );
    assert!(f.help.unwrap().starts_with("did you mean `review-stale`?"));
}

#[test]
fn unknown_section_header_points_at_its_name() {
    let f = only_finding("[book]\ntitle = \"T\"\n\n[biuld]\nx = 1\n");
    assert_eq!((f.line, f.column), (4, 2));
    assert_eq!(f.message, "unknown key [biuld]; this version ignores it");
    assert!(f.help.unwrap().starts_with("did you mean `build`?"));
}

#[test]
fn wrong_type_is_at_the_value_and_names_the_key() {
    let (line, column, message) = error("[review]\ndefault-interval = 5\n");
    assert_eq!((line, column), (2, 20));
    assert_eq!(
        message,
        "`default-interval` must be a string, found integer `5`"
    );
    let (line, column, message) = error("[health]\n  coverage-full = -1\n");
    assert_eq!((line, column), (2, 19));
    assert_eq!(
        message,
        "`coverage-full` must be a whole number from 0, found integer `-1`"
    );
    let (line, column, message) = error("[build]\nexclude = [\"a\", 5]\n");
    assert_eq!((line, column), (2, 17));
    assert!(
        message.starts_with("`exclude` must be a string"),
        "{message}"
    );
}

#[test]
fn table_where_a_value_belongs_is_an_error_at_the_table() {
    let (line, column, message) = error("[book]\ntitle = { text = \"T\" }\n");
    assert_eq!((line, column), (2, 9));
    assert!(
        message.starts_with("`title` must be a string, found"),
        "{message}"
    );
    let (_, _, message) = error("[book]\ntitle = 1979-05-27\n");
    assert_eq!(message, "`title` must be a string, found datetime");
    let (line, _, message) = error("[book]\nsrc = \"src\"\n\n[book.title]\ntext = \"T\"\n");
    assert_eq!(line, 4);
    assert!(message.starts_with("`title` must be a string"), "{message}");
}

#[test]
fn section_written_as_a_value_is_a_warning_not_an_error() {
    let f = only_finding("book = 5\n[review]\nwarn-before = \"7d\"\n");
    assert_eq!((f.line, f.column), (1, 1));
    assert_eq!(f.message, "`book` should be a table ([book]); ignored");
    let f = only_finding("[check]\nrules = \"strict\"\n");
    assert_eq!((f.line, f.column), (2, 1));
    assert!(f.message.starts_with("`check.rules` should be a table"));
    let f = only_finding("health = 1979-05-27\n");
    assert!(
        f.message.starts_with("`health` should be a table"),
        "{}",
        f.message
    );
}

#[test]
fn an_array_entry_error_is_at_its_own_header() {
    let (line, column, message) = error(
        "[[check.overrides]]\npaths = [\"a\"]\n\n  [[check.overrides]]\n# no paths\nrules = {}\n",
    );
    assert_eq!((line, column), (4, 3));
    assert!(
        message.starts_with("an override needs `paths`"),
        "{message}"
    );
}

#[test]
fn value_errors_point_at_the_value() {
    let (line, column, message) = error("[review]\nwarn-before =   \"soon\"\n");
    assert_eq!((line, column), (2, 17));
    assert!(message.contains("is not a duration"), "{message}");
    let (line, column, _) = error("[book]\nsrc = \"no-such-folder\"\n");
    assert_eq!((line, column), (2, 7));
    // A level that is not one is at its key, as `check` has always shown it.
    let (line, column, _) = error("[check.rules]\n review-stale = \"loud\"\n");
    assert_eq!((line, column), (2, 2));
}

#[test]
fn the_known_keys_are_the_raw_structs_fields() {
    use super::raw::known_keys;
    assert_eq!(
        known_keys(&[]),
        ["book", "build", "review", "owners", "check", "kinds", "health"]
    );
    assert!(known_keys(&["build"]).contains(&"edit-url-template"));
    assert!(known_keys(&["book"]).contains(&"multilingual"));
    assert_eq!(known_keys(&["kinds", "adr"]), ["proposed-max-age", "paths"]);
    assert_eq!(known_keys(&["kinds", "guide"]), ["paths"]);
    assert_eq!(known_keys(&["kinds"]), Kind::ids());
    assert_eq!(known_keys(&["check", "rules"]), RULE_IDS);
}

#[test]
fn kind_paths_keep_the_order_written() {
    let c = parse("[kinds.standard]\npaths = [\"x\"]\n[kinds.adr]\npaths = [\"x\"]\n").unwrap();
    let kinds: Vec<Kind> = c.kind_paths.iter().map(|(k, _)| *k).collect();
    assert_eq!(kinds, [Kind::Standard, Kind::Adr]);
}
