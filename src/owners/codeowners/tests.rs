//! CODEOWNERS matching: every example of GitHub's "About code owners" page,
//! the gitignore exceptions it lists, and the pathological `**` line.

use super::*;
use std::time::{Duration, Instant};

fn owners(c: &CodeOwners, path: &str) -> Vec<String> {
    c.owners_of(path)
}

#[track_caller]
fn owns(file: &str, path: &str, expected: &[&str]) {
    let c = CodeOwners::parse(file);
    assert_eq!(owners(&c, path), expected, "{file:?} on {path:?}");
}

#[test]
fn codeowners_last_match_wins() {
    let c = CodeOwners::parse("# comment\n* @acme/platform\n/src/runbooks/ @acme/sre\n*.md @docs\nsrc/runbooks/db.md @alice @bob\n");
    assert_eq!(c.owners_of("src/runbooks/db.md"), vec!["@alice", "@bob"]);
    assert_eq!(c.owners_of("src/runbooks/x.md"), vec!["@docs"]);
    assert_eq!(c.owners_of("src/runbooks/x.txt"), vec!["@acme/sre"]);
    assert_eq!(c.owners_of("other.txt"), vec!["@acme/platform"]);
    let c = CodeOwners::parse("/src/onboarding/ @acme/platform\ndocs/** @d\n");
    assert_eq!(c.owners_of("src/onboarding/a/b.md"), vec!["@acme/platform"]);
    assert!(c.owners_of("src/onboardingx.md").is_empty());
    assert_eq!(c.owners_of("docs/a/b.md"), vec!["@d"]);
}

#[test]
fn github_star_owns_everything_at_any_depth() {
    let f = "*       @global-owner1 @global-owner2\n";
    for p in ["a.md", "docs/a.md", "a/b/c/d.md"] {
        owns(f, p, &["@global-owner1", "@global-owner2"]);
    }
}

#[test]
fn github_extension_with_inline_comment() {
    let f = "*       @global-owner1\n*.js    @js-owner #This is an inline comment.\n";
    owns(f, "app.js", &["@js-owner"]);
    owns(f, "src/deep/app.js", &["@js-owner"]);
    owns(f, "src/app.ts", &["@global-owner1"]);
    // A tab before the comment works as well as a space.
    owns("*.js @js-owner\t# tab comment\n", "a.js", &["@js-owner"]);
}

#[test]
fn github_email_and_team_owners() {
    owns(
        "*.go docs@example.com\n",
        "cmd/main.go",
        &["docs@example.com"],
    );
    owns(
        "*.txt @octo-org/octocats\n",
        "a/b.txt",
        &["@octo-org/octocats"],
    );
}

#[test]
fn github_anchored_folder_owns_everything_below_it() {
    let f = "/build/logs/ @doctocat\n";
    owns(f, "build/logs/a.log", &["@doctocat"]);
    owns(f, "build/logs/2024/a.log", &["@doctocat"]);
    owns(f, "src/build/logs/a.log", &[]);
    owns(f, "build/logs", &[]);
}

#[test]
fn github_docs_star_matches_only_direct_children() {
    // "The `docs/*` pattern will match files like `docs/getting-started.md`
    // but not further nested files like `docs/build-app/troubleshooting.md`."
    let f = "docs/*  docs@example.com\n";
    owns(f, "docs/getting-started.md", &["docs@example.com"]);
    owns(f, "docs/build-app/troubleshooting.md", &[]);
    owns(f, "other/docs/a.md", &[]);
    owns("/*  @root\n", "top.md", &["@root"]);
    owns("/*  @root\n", "sub/a.md", &[]);
}

#[test]
fn github_unanchored_folder_matches_any_apps_folder() {
    // "@octocat owns any file in an apps directory anywhere in your repository."
    let f = "apps/ @octocat\n";
    owns(f, "apps/a.md", &["@octocat"]);
    owns(f, "x/apps/a.md", &["@octocat"]);
    owns(f, "x/y/apps/z/a.md", &["@octocat"]);
    owns(f, "apps", &[]); // a file named apps is not a folder
    owns(f, "xapps/a.md", &[]);
}

#[test]
fn github_root_docs_folder_and_subfolders() {
    let f = "/docs/ @doctocat\n/scripts/ @doctocat @octocat\n";
    owns(f, "docs/a.md", &["@doctocat"]);
    owns(f, "docs/a/b/c.md", &["@doctocat"]);
    owns(f, "src/docs/a.md", &[]);
    owns(f, "scripts/x/run.sh", &["@doctocat", "@octocat"]);
}

#[test]
fn github_double_star_logs_anywhere() {
    // "@octocat owns any file in a `/logs` directory such as `/build/logs`,
    // `/scripts/logs`, and `/deeply/nested/logs`."
    let f = "**/logs @octocat\n";
    for p in [
        "logs/a",
        "build/logs/a",
        "scripts/logs/a",
        "deeply/nested/logs/a",
        "deeply/nested/logs/x/y",
    ] {
        owns(f, p, &["@octocat"]);
    }
    owns(f, "build/logsx/a", &[]);
}

#[test]
fn github_line_without_owners_unowns() {
    let f = "/apps/ @octocat\n/apps/github\n";
    owns(f, "apps/a.md", &["@octocat"]);
    owns(f, "apps/github/a.md", &[]);
    owns(f, "apps/github", &[]);
    let f = "/apps/ @octocat\n/apps/github @doctocat\n";
    owns(f, "apps/github/a.md", &["@doctocat"]);
    owns(f, "apps/githubx/a.md", &["@octocat"]);
}

#[test]
fn name_without_slash_matches_anywhere_and_below() {
    let f = "README.md @r\nrunbooks @ops\n";
    owns(f, "README.md", &["@r"]);
    owns(f, "a/b/README.md", &["@r"]);
    owns(f, "runbooks/db.md", &["@ops"]);
    owns(f, "teams/runbooks/db/x.md", &["@ops"]);
    owns(f, "a/README.mdx", &[]);
    // A slash in the middle anchors.
    owns("teams/runbooks @ops\n", "x/teams/runbooks/a.md", &[]);
    owns("teams/runbooks @ops\n", "teams/runbooks/a.md", &["@ops"]);
}

#[test]
fn double_star_forms() {
    let f = "docs/** @d\n";
    owns(f, "docs/a.md", &["@d"]);
    owns(f, "docs/a/b/c.md", &["@d"]);
    owns(f, "docs", &[]);
    let f = "a/**/b @x\n";
    for p in ["a/b", "a/x/b", "a/x/y/b", "a/x/b/c.md"] {
        owns(f, p, &["@x"]);
    }
    owns(f, "z/a/b", &[]);
    owns("**/*.md @m\n", "a/b/c.md", &["@m"]);
    owns("** @all\n", "a/b/c.md", &["@all"]);
    // `***` and `a**b` are plain stars, as in gitignore.
    owns("docs/a**b @x\n", "docs/aXYb", &["@x"]);
    owns("docs/a**b @x\n", "docs/a/b", &[]);
    owns("*?.md @q\n", "x/ab.md", &["@q"]);
    owns("?.md @q\n", "x/ab.md", &[]);
}

#[test]
fn gitignore_syntax_codeowners_rejects_is_skipped() {
    // Negation, character ranges and a `\#` escape do not work in
    // CODEOWNERS: those lines are skipped, the others still apply.
    let f = "* @all\n!docs/a.md @neg\ndocs/f[12].md @range\n\\#notes.md @hash\n";
    owns(f, "docs/a.md", &["@all"]);
    owns(f, "docs/f1.md", &["@all"]);
    owns(f, "docs/f[12].md", &["@all"]);
    owns(f, "#notes.md", &["@all"]);
    owns(f, "\\#notes.md", &["@all"]);
    // Section headers (GitLab) and a BOM are ignored.
    owns("\u{feff}[Docs]\ndocs/ @d\n^[Opt]\n", "docs/a.md", &["@d"]);
}

#[test]
fn escapes_and_glob_characters_are_literal() {
    owns("my\\ docs/ @s\n", "my docs/a.md", &["@s"]);
    owns("f\\*o @x\n", "f*o", &["@x"]);
    owns("f\\*o @x\n", "foo", &[]);
    owns("{a,b}.md @x\n", "a.md", &[]);
    owns("{a,b}.md @x\n", "{a,b}.md", &["@x"]);
    owns("trailing\\ @x\n", "a", &[]);
}

#[test]
fn paths_are_case_sensitive() {
    owns("/Docs/ @d\n", "docs/a.md", &[]);
    owns("/Docs/ @d\n", "Docs/a.md", &["@d"]);
}

#[test]
fn odd_inputs_never_panic() {
    let c = CodeOwners::parse("/ @root\n// @x\n\\ @y\n*** @z\n**/**/ @w\n\\\n");
    for p in ["", "/", "//", "\\", "a//b", "../x", "\u{0}"] {
        let _ = c.owners_of(p);
    }
    assert_eq!(c.owners_of("a/b"), vec!["@w"]);
}

#[test]
fn many_lines_are_split_into_sets_and_last_still_wins() {
    let mut f = String::new();
    for i in 0..5000 {
        f.push_str(&format!("/team-{i}/ @t{i}\n**/x-{i}/** @x{i}\n"));
    }
    f.push_str("/team-7/late/ @late\n");
    let c = CodeOwners::parse(&f);
    assert!(c.sets.len() > 1);
    assert_eq!(c.owners_of("team-7/a.md"), vec!["@t7"]);
    assert_eq!(c.owners_of("team-7/late/a.md"), vec!["@late"]);
    assert_eq!(c.owners_of("q/x-4999/a.md"), vec!["@x4999"]);
    assert_eq!(c.owners_of("team-12/x-3/a.md"), vec!["@t12"]);
    assert_eq!(c.owners_of("team-3/x-4000/a.md"), vec!["@x4000"]);
}

#[test]
fn pathological_double_star_line_on_a_deep_page_answers_fast() {
    // One 40-byte line made the old backtracking matcher take 100 s on a
    // page 25 folders deep. The bound is generous: it only proves there is
    // no exponential blow-up (bench/scaling.py measures the real time).
    let line = "**/**/**/**/**/**/**/**/**/**/**/**/x @a\n";
    assert!(line.len() <= 41);
    let deep = format!("{}page.md", "d/".repeat(25));
    let (tx, rx) = std::sync::mpsc::channel();
    let started = Instant::now();
    std::thread::spawn(move || {
        let c = CodeOwners::parse(line);
        let miss = c.owners_of(&deep);
        let hit = c.owners_of(&format!("{deep}/x/y.md").replace("page.md/", ""));
        let _ = tx.send((miss, hit));
    });
    let (miss, hit) = rx
        .recv_timeout(Duration::from_secs(2))
        .unwrap_or_else(|_| panic!("no answer after {:?}", started.elapsed()));
    assert!(miss.is_empty());
    assert_eq!(hit, vec!["@a"]);
}

#[test]
fn escapes_belong_to_the_pattern_and_owners_are_plain_words() {
    // Found by the fuzz harness: `\ ` in an owner made an owner with a space.
    let c = CodeOwners::parse("docs/my\\ file.md @oo\\ ba| @two\n");
    assert_eq!(c.owners_of("docs/my file.md"), ["@oo\\", "ba|", "@two"]);
    for owner in c.owners_of("docs/my file.md") {
        assert!(!owner.contains(char::is_whitespace), "{owner:?}");
    }
}
