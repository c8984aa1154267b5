//! `handbook completions SHELL` and `handbook man`.

use crate::harness::HandbookTest;
use std::process::Command;

/// Runs bash's own completion machinery on the generated script: what does
/// pressing Tab after `line` offer?
fn bash_complete(script: &std::path::Path, words: &[&str]) -> Vec<String> {
    let words_q: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let prog = format!(
        "source '{}'; COMP_WORDS=({}); COMP_CWORD={}; COMP_LINE='{}'; COMP_POINT=${{#COMP_LINE}}; \
         _handbook handbook '{}' '{}'; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script.display(),
        words_q.join(" "),
        words.len() - 1,
        words.join(" "),
        words[words.len() - 1],
        words[words.len() - 2],
    );
    let out = Command::new("bash").args(["-c", &prog]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn bash_completion_offers_commands_flags_and_format_values() {
    let t = HandbookTest::empty();
    let r = t.run(&["completions", "bash"]);
    r.assert_code(0);
    t.write("handbook.bash", &r.stdout);
    let script = t.path("handbook.bash");
    if Command::new("bash").arg("--version").output().is_err() {
        eprintln!("bash not installed; skipping the completion run");
        return;
    }
    let commands = bash_complete(&script, &["handbook", "ch"]);
    assert_eq!(commands, ["check"], "Tab after `handbook ch`");
    let flags = bash_complete(&script, &["handbook", "check", "--for"]);
    assert_eq!(flags, ["--format"]);
    let formats = bash_complete(&script, &["handbook", "check", "--format", ""]);
    for f in ["human", "json", "github", "sarif", "gitlab", "junit"] {
        assert!(
            formats.iter().any(|x| x == f),
            "{f} missing from {formats:?}"
        );
    }
}

#[test]
fn every_shell_gets_a_script_naming_every_command() {
    let t = HandbookTest::empty();
    for (shell, marker) in [
        ("bash", "complete -F _handbook"),
        ("zsh", "#compdef handbook"),
        ("fish", "complete -c handbook"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer[handbook]"),
    ] {
        let r = t.run(&["completions", shell]);
        r.assert_code(0);
        assert!(r.stdout.contains(marker), "{shell}: no `{marker}`");
        for cmd in [
            "build",
            "check",
            "serve",
            "init",
            "new",
            "completions",
            "man",
        ] {
            assert!(r.stdout.contains(cmd), "{shell}: command {cmd} missing");
        }
    }
    let bad = t.run(&["completions", "tcsh"]);
    bad.assert_code(2);
    assert!(bad.stderr.contains("possible values"), "{}", bad.stderr);
}

#[test]
fn man_page_documents_commands_and_man_dir_writes_one_per_command() {
    let t = HandbookTest::empty();
    let r = t.run(&["man"]);
    r.assert_code(0);
    assert!(
        r.stdout.starts_with(".ie"),
        "{}",
        &r.stdout[..80.min(r.stdout.len())]
    );
    assert!(r.stdout.contains(".TH handbook 1"), "no title header");
    assert!(r.stdout.contains(env!("CARGO_PKG_VERSION")), "no version");
    for cmd in ["build", "check", "serve", "init"] {
        assert!(r.stdout.contains(&format!("handbook\\-{cmd}(1)")), "{cmd}");
    }
    t.run(&["man", "--dir", "man1"]).assert_code(0);
    let check = t.read("man1/handbook-check.1");
    assert!(check.contains(".TH handbook-check 1") || check.contains(".TH handbook\\-check 1"));
    assert!(
        check.contains("\\-\\-format"),
        "check's page lists --format"
    );
    assert!(t.exists("man1/handbook.1") && t.exists("man1/handbook-serve.1"));
}
