//! What a build must never do, whatever the output folder is called: touch
//! the sources, or leave a killed build's folders behind for good.

use crate::harness::HandbookTest;
use std::collections::BTreeMap;
use std::path::Path;

/// A handbook with sources worth losing: pages, a CODEOWNERS file and
/// owners.yaml beside book.toml.
fn sources() -> HandbookTest {
    let t = HandbookTest::with_pages(
        "Safety",
        &[
            ("index.md", "# Home\n\nWelcome.\n"),
            ("runbooks/db.md", "---\nowners: [sre]\n---\n# DB\n"),
        ],
    );
    t.write("CODEOWNERS", "* @acme/sre\n");
    t.write("owners.yaml", "teams:\n  sre:\n    members: []\n");
    t
}

/// Every entry under `dir` (hidden ones too) with the bytes of files.
fn tree(dir: &Path) -> BTreeMap<String, Option<Vec<u8>>> {
    let mut out = BTreeMap::new();
    for e in walk(dir) {
        let rel = e.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
        let meta = std::fs::symlink_metadata(&e).unwrap();
        let bytes = meta.is_file().then(|| std::fs::read(&e).unwrap());
        out.insert(rel, bytes);
    }
    out
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        out.push(p.clone());
        if std::fs::symlink_metadata(&p).unwrap().is_dir() {
            out.extend(walk(&p));
        }
    }
    out
}

/// Runs `args` and asserts a usage error that changed nothing at all in the
/// handbook's folder (no page lost, no folder made, nothing renamed).
#[track_caller]
fn assert_refused_untouched(t: &HandbookTest, args: &[&str], says: &str) {
    let before = tree(t.root());
    let r = t.run(args);
    r.assert_code(2);
    assert!(
        r.stderr.contains(says),
        "{args:?}: expected {says:?} in:\n{}",
        r.stderr
    );
    assert_eq!(
        before,
        tree(t.root()),
        "{args:?} changed the handbook folder"
    );
}

#[test]
fn dest_spellings_that_reach_the_sources_are_refused_before_anything_is_made() {
    let t = sources();
    let sources_msg = "it is or contains the handbook sources";
    for dest in [
        "book/../src",
        "./src/.",
        "src",
        "src/..",
        "site/deeper/../../src",
        "src/runbooks/..",
        ".",
        "..",
    ] {
        assert_refused_untouched(&t, &["build", "--dest", dest, "--quiet"], sources_msg);
    }
    for dest in ["x/../CODEOWNERS", "owners.yaml", "y/./../book.toml"] {
        assert_refused_untouched(&t, &["build", "--dest", dest, "--quiet"], "it is a file");
    }
    // The same spellings in book.toml.
    for dir in ["site/../src", "./src/.", "site/../."] {
        t.write(
            "book.toml",
            &format!("[book]\ntitle = \"Safety\"\n[build]\nbuild-dir = \"{dir}\"\n"),
        );
        assert_refused_untouched(&t, &["build", "--quiet"], sources_msg);
    }
}

#[cfg(unix)]
#[test]
fn symlinks_to_the_sources_are_refused() {
    let t = sources();
    std::os::unix::fs::symlink(t.path("src"), t.path("out")).unwrap();
    std::os::unix::fs::symlink(t.path("src/runbooks"), t.path("deep")).unwrap();
    let msg = "it is or contains the handbook sources";
    assert_refused_untouched(&t, &["build", "--dest", "out", "--quiet"], msg);
    // `deep/..` is the parent of where the link leads: src, not the root.
    assert_refused_untouched(&t, &["build", "--dest", "deep/..", "--quiet"], msg);
    assert_refused_untouched(&t, &["build", "--dest", "out/.", "--quiet"], msg);
}

#[test]
fn case_variants_of_the_sources_are_refused_where_names_ignore_case() {
    let t = sources();
    // Only meaningful on a case-insensitive file system (macOS, Windows).
    if !t.path("SRC").exists() {
        eprintln!("case-sensitive file system: nothing to check");
        return;
    }
    assert_refused_untouched(
        &t,
        &["build", "--dest", "SRC", "--quiet"],
        "it is or contains the handbook sources",
    );
}

#[test]
fn a_dest_with_dotdot_that_stays_clear_of_the_sources_builds_where_it_says() {
    let t = sources();
    t.run(&[
        "build",
        "--dest",
        "tmp/../site",
        "--quiet",
        "--today",
        "2026-11-23",
    ])
    .assert_code(0);
    assert!(t.exists("site/index.html"));
    assert!(!t.exists("tmp"), "the build made a folder it did not need");
}

/// A folder as a killed build leaves it: marked, named after a pid.
fn leftover(t: &HandbookTest, name: &str, marked: bool) {
    t.write(&format!("{name}/index.html"), "half a site");
    if marked {
        t.write(&format!("{name}/.handbook-build"), "generated");
    }
}

/// The pid of a process that has exited.
fn dead_pid() -> u32 {
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    pid
}

#[test]
fn the_next_build_removes_what_killed_builds_left() {
    let t = sources();
    let dead = dead_pid();
    let alive = std::process::id();
    leftover(&t, &format!(".book.tmp-{dead}"), true);
    leftover(&t, &format!(".book.old-{dead}-0"), true);
    leftover(&t, &format!(".book.tmp-{alive}"), true);
    leftover(&t, &format!(".book.tmp-{}", dead_pid()), false);
    leftover(&t, &format!(".other.tmp-{dead}"), true);
    t.build_ok();
    assert!(!t.exists(&format!(".book.tmp-{dead}")), "dead staging kept");
    assert!(
        !t.exists(&format!(".book.old-{dead}-0")),
        "dead old site kept"
    );
    assert!(
        t.exists(&format!(".book.tmp-{alive}")),
        "a running build's folder was removed"
    );
    let unmarked = std::fs::read_dir(t.root())
        .unwrap()
        .filter(|e| {
            let e = e.as_ref().unwrap();
            let name = e.file_name().to_string_lossy().into_owned();
            name.starts_with(".book.tmp-") && !e.path().join(".handbook-build").exists()
        })
        .count();
    assert_eq!(
        unmarked, 1,
        "an unmarked folder is not handbook's to remove"
    );
    assert!(
        t.exists(&format!(".other.tmp-{dead}")),
        "another output's folder"
    );
}

#[cfg(unix)]
#[test]
fn a_build_killed_midway_leaves_nothing_after_the_next() {
    let pages: Vec<(String, String)> = (0..1500)
        .map(|i| {
            (
                format!("p/{i}.md"),
                format!("# Page {i}\n\n```rust\nfn f{i}() {{}}\n```\n"),
            )
        })
        .collect();
    let refs: Vec<(&str, &str)> = pages
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let t = HandbookTest::with_pages("Killed", &refs);
    let started = std::time::Instant::now();
    t.build_ok();
    let full = started.elapsed().as_millis() as u64;
    let before = std::fs::read(t.path("book/index.html")).unwrap();
    // Kills spread over the build: before, while and after it writes.
    for delay_ms in [
        full / 4,
        full / 2,
        full * 3 / 4,
        full * 9 / 10,
        full * 19 / 20,
        full,
    ] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_handbook"))
            .args(["build", "--quiet", "--today", "2026-11-23"])
            .current_dir(t.root())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        child.wait().unwrap();
        // The previous site survives whatever moment the kill came at.
        assert_eq!(std::fs::read(t.path("book/index.html")).unwrap(), before);
    }
    t.build_ok();
    let left: Vec<String> = std::fs::read_dir(t.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".book."))
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

#[test]
fn a_site_moved_aside_by_a_killed_swap_is_put_back() {
    let t = sources();
    t.build_ok();
    let dead = dead_pid();
    // Killed between its two renames: the old site aside, no new one in.
    std::fs::rename(t.path("book"), t.path(&format!(".book.old-{dead}-0"))).unwrap();
    // A build that then fails while rendering (a template naming a value
    // that does not exist) must not lose that site.
    t.write("theme/templates/page.html", "{{ no_such_value.field }}");
    t.write(
        "book.toml",
        "[book]\ntitle = \"Safety\"\n[build]\ntheme = \"theme\"\n",
    );
    t.run(&["build", "--quiet"]).assert_code(2);
    assert!(
        t.exists("book/index.html"),
        "the only copy of the site was lost"
    );
    t.write("book.toml", "[book]\ntitle = \"Safety\"\n");
    t.build_ok();
    assert!(t.exists("book/index.html"));
    assert!(!t.exists(&format!(".book.old-{dead}-0")));
}

/// Runs git in `dir` with a fixed identity; panics on failure.
fn git(dir: &Path, args: &[&str]) {
    let out = std::process::Command::new("git")
        .args(["-c", "user.name=T", "-c", "user.email=t@example.org"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {out:?}");
}

#[cfg(unix)]
#[test]
fn checking_an_untrusted_repository_runs_none_of_its_programs() {
    use std::os::unix::fs::PermissionsExt;
    let t = sources();
    let witness = t.path("fsmonitor-ran");
    t.write(
        "hook.sh",
        &format!("#!/bin/sh\necho ran >> '{}'\n", witness.display()),
    );
    std::fs::set_permissions(t.path("hook.sh"), std::fs::Permissions::from_mode(0o755)).unwrap();
    git(t.root(), &["init", "-q"]);
    git(t.root(), &["add", "src", "book.toml"]);
    git(t.root(), &["commit", "-qm", "pages"]);
    git(
        t.root(),
        &[
            "config",
            "core.fsmonitor",
            &t.path("hook.sh").to_string_lossy(),
        ],
    );
    // The hook is live: git itself runs it.
    git(t.root(), &["status", "--short"]);
    assert!(witness.exists(), "the test's hook does not run under git");
    std::fs::remove_file(&witness).unwrap();
    t.write("src/new.md", "# New\n");
    for args in [
        &["check", "--today", "2026-11-23"][..],
        &["check", "--today", "2026-11-23", "--changed-since", "HEAD"],
        &["build", "--quiet", "--today", "2026-11-23"],
    ] {
        let r = t.run(args);
        assert!(r.code == 0 || r.code == 1, "{args:?}: {}", r.stderr);
        assert!(
            !witness.exists(),
            "{args:?} ran the repository's fsmonitor hook"
        );
    }
}

/// `handbook ARGS` in `t`, as a user who cannot read a file whose mode is
/// 000 (root can: the tests then run the binary as `nobody`).
#[cfg(unix)]
fn handbook_unprivileged(t: &HandbookTest, args: &[&str]) -> std::process::Command {
    use std::os::unix::fs::MetadataExt;
    use std::os::unix::process::CommandExt;
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_handbook"));
    cmd.args(args)
        .current_dir(t.root())
        .env("NO_COLOR", "1")
        .env("GIT_CEILING_DIRECTORIES", t.root().parent().unwrap())
        .stdin(std::process::Stdio::null());
    if std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0) {
        cmd.uid(65534).gid(65534);
    }
    cmd
}

#[cfg(unix)]
#[test]
fn an_unreadable_page_is_an_error_in_build_and_in_serve_alike() {
    use std::io::{BufRead, BufReader};
    use std::os::unix::fs::PermissionsExt;
    let t = sources();
    let open = |p: &Path, mode| std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode));
    for dir in walk(t.root()).into_iter().chain([t.root().to_path_buf()]) {
        let mode = if dir.is_dir() { 0o777 } else { 0o666 };
        open(&dir, mode).unwrap();
    }
    open(&t.path("src/runbooks/db.md"), 0o000).unwrap();

    let out = handbook_unprivileged(&t, &["build", "--quiet", "--today", "2026-11-23"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("db.md"),
        "the error names the page: {stderr}"
    );

    let mut child = handbook_unprivileged(&t, &["serve", "--port", "0", "--today", "2026-11-23"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pipe = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let mut seen = String::new();
    let mut named = false;
    while let Ok(line) =
        rx.recv_timeout(deadline.saturating_duration_since(std::time::Instant::now()))
    {
        seen.push_str(&line);
        seen.push('\n');
        if line.contains("db.md") {
            named = true;
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(named, "serve did not report the unreadable page:\n{seen}");
}

/// Content files at paths the site generates, beside `foo.md`.
fn clashing() -> HandbookTest {
    let t = HandbookTest::with_pages(
        "Clash",
        &[
            ("index.md", "# Home\n"),
            ("foo.md", "# Foo\n\nfirst text\n"),
        ],
    );
    for asset in [
        "foo.html",
        "404.html",
        "sitemap.xml",
        "search/manifest.js",
        "nav/root.js",
    ] {
        t.write(&format!("src/{asset}"), "CONTENT FILE");
    }
    t
}

#[test]
fn content_files_that_generated_files_replace_are_named() {
    let t = clashing();
    let r = t.build_ok();
    for (asset, by) in [
        ("src/foo.html", "the page built from src/foo.md"),
        ("src/404.html", "the not-found page"),
        ("src/sitemap.xml", "the sitemap"),
        ("src/search/manifest.js", "a file of the search index"),
        ("src/nav/root.js", "a file of the sidebar"),
    ] {
        assert!(
            r.stderr
                .contains(&format!("warning: {asset} is replaced by {by}")),
            "no warning for {asset}:\n{}",
            r.stderr
        );
    }
    for out in [
        "foo.html",
        "404.html",
        "sitemap.xml",
        "search/manifest.js",
        "nav/root.js",
    ] {
        assert_ne!(t.read(&format!("book/{out}")), "CONTENT FILE", "{out}");
    }
}

#[cfg(feature = "serve")]
#[test]
fn serve_resolves_clashes_as_build_does_before_and_after_an_edit() {
    let t = clashing();
    let serve = crate::serve::Serve::start(&t);
    let foo = serve.get("/foo.html");
    assert_eq!(foo.status, 200);
    assert!(foo.body.contains("first text"), "{}", foo.body);
    // A body edit of another page takes the fast path, which used to put
    // the content files back over the pages it did not render again.
    t.write("src/index.md", "# Home\n\nsecond text\n");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    while !serve.get("/index.html").body.contains("second text") {
        assert!(
            std::time::Instant::now() < deadline,
            "the edit never showed"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let foo = serve.get("/foo.html");
    assert!(
        foo.body.contains("first text"),
        "serve let the content file win: {}",
        foo.body
    );
    assert_ne!(serve.get("/404.html").body, "CONTENT FILE");
}

#[test]
fn a_page_name_too_long_for_its_html_name_fails_check_and_build_alike() {
    // 252 bytes + ".md" is a legal file name; + ".html" is not.
    let long = format!("{}.md", "n".repeat(252));
    let t = HandbookTest::with_pages(
        "Names",
        &[
            ("index.md", "# Home\n\n[long](nnn.md)\n"),
            (&long, "# Long\n"),
        ],
    );
    let (code, findings) = t.check_json();
    assert_eq!(code, 1);
    let too_long: Vec<_> = findings
        .iter()
        .filter(|f| f.rule == "page-name-too-long")
        .collect();
    assert_eq!(too_long.len(), 1, "{findings:?}");
    assert!(too_long[0].path.ends_with(&long));
    // build writes the rest of the site and reports the same finding.
    let r = t.run(&["build", "--today", "2026-11-23"]);
    assert_ne!(r.code, 2, "build failed:\n{}", r.stderr);
    assert!(r.stderr.contains("page-name-too-long"), "{}", r.stderr);
    assert!(t.exists("book/index.html"));
}
