//! Test harness, modelled on mdBook's `BookTest`: a handbook copied into a
//! fresh temp folder, the real binary run inside it, and helpers to read
//! what it wrote.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The date every test measures staleness against.
pub(crate) const TODAY: &str = "2026-11-23";

/// A run that takes longer than this is a hang (a symlink loop, a lock).
const TIMEOUT: Duration = Duration::from_secs(60);

static NEXT_ID: AtomicUsize = AtomicUsize::new(0);

/// A handbook in its own temp folder.
pub(crate) struct HandbookTest {
    root: PathBuf,
}

/// What one run of the binary did.
#[derive(Debug)]
pub(crate) struct RunResult {
    /// Exit code (-1 when killed by a signal).
    pub(crate) code: i32,
    /// Standard output, temp root replaced by `[ROOT]`.
    pub(crate) stdout: String,
    /// Standard error, temp root replaced by `[ROOT]`.
    pub(crate) stderr: String,
}

impl RunResult {
    /// Panics unless the exit code is `code`; also fails on any panic message.
    #[track_caller]
    pub(crate) fn assert_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code, code,
            "unexpected exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self.assert_no_panic()
    }

    /// Panics if the binary printed a Rust panic.
    #[track_caller]
    pub(crate) fn assert_no_panic(&self) -> &Self {
        assert!(
            !self.stderr.contains("panicked"),
            "the binary panicked:\n{}",
            self.stderr
        );
        self
    }

    /// Stdout parsed as JSON.
    #[track_caller]
    pub(crate) fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }
}

/// One finding of `check --format json`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Finding {
    pub(crate) rule: String,
    pub(crate) severity: String,
    pub(crate) path: String,
    pub(crate) line: u64,
    pub(crate) column: u64,
    pub(crate) message: String,
}

impl HandbookTest {
    fn new_dir() -> PathBuf {
        let n = NEXT_ID.fetch_add(1, Ordering::SeqCst);
        let root = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join("cli")
            .join(format!("t{}-{n}", std::process::id()));
        if root.exists() {
            std::fs::remove_dir_all(&root).unwrap();
        }
        std::fs::create_dir_all(&root).unwrap();
        root
    }

    /// A copy of `tests/fixtures/<name>`.
    pub(crate) fn fixture(name: &str) -> HandbookTest {
        let src = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name);
        assert!(src.is_dir(), "no fixture {}", src.display());
        let root = Self::new_dir();
        copy_dir(&src, &root);
        HandbookTest { root }
    }

    /// A copy of the repository's `example-handbook/` (without any built site).
    pub(crate) fn example() -> HandbookTest {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("example-handbook");
        let root = Self::new_dir();
        copy_dir(&src, &root);
        let _ = std::fs::remove_dir_all(root.join("book"));
        HandbookTest { root }
    }

    /// An empty folder.
    pub(crate) fn empty() -> HandbookTest {
        HandbookTest {
            root: Self::new_dir(),
        }
    }

    /// A handbook titled `title` with a `src/` folder holding `pages`
    /// (paths relative to `src/`, and their text).
    pub(crate) fn with_pages(title: &str, pages: &[(&str, &str)]) -> HandbookTest {
        let t = HandbookTest::empty();
        t.write("book.toml", &format!("[book]\ntitle = \"{title}\"\n"));
        for (rel, text) in pages {
            t.write(&format!("src/{rel}"), text);
        }
        t
    }

    /// Pages whose names hold characters a URL path must escape (`#`, `%`,
    /// `?`, a space), all saying "zebrafish", and one linking to them.
    pub(crate) fn with_url_characters() -> HandbookTest {
        let page = |title: &str| format!("---\ntitle: {title}\n---\n\nzebrafish notes\n");
        HandbookTest::with_pages(
            "Odd names",
            &[
                ("notes/a#b.md", &page("Hash page")),
                ("notes/50% done.md", &page("Percent page")),
                ("notes/what?.md", &page("Question page")),
                (
                    "notes/plain.md",
                    "# Plain\n\n[hash](a%23b.md), [percent](50%25%20done.md#zebrafish)\n",
                ),
            ],
        )
    }

    /// The temp root.
    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    /// Absolute path of `rel`.
    pub(crate) fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// Writes `text` to `rel`, creating folders.
    pub(crate) fn write(&self, rel: &str, text: &str) -> &Self {
        self.write_bytes(rel, text.as_bytes())
    }

    /// Writes `bytes` to `rel`, creating folders.
    pub(crate) fn write_bytes(&self, rel: &str, bytes: &[u8]) -> &Self {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, bytes).unwrap();
        self
    }

    /// Reads `rel` as text.
    #[track_caller]
    pub(crate) fn read(&self, rel: &str) -> String {
        let p = self.path(rel);
        std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("reading {}: {e}", p.display()))
    }

    /// Reads `rel` as bytes.
    #[track_caller]
    pub(crate) fn read_bytes(&self, rel: &str) -> Vec<u8> {
        let p = self.path(rel);
        std::fs::read(&p).unwrap_or_else(|e| panic!("reading {}: {e}", p.display()))
    }

    /// Whether `rel` exists.
    pub(crate) fn exists(&self, rel: &str) -> bool {
        self.path(rel).exists()
    }

    /// The `<main ...>...</main>` element of an output page.
    #[track_caller]
    pub(crate) fn main_html(&self, rel: &str) -> String {
        let html = self.read(rel);
        let start = html
            .find("<main")
            .unwrap_or_else(|| panic!("{rel} has no <main>:\n{html}"));
        let end = html[start..]
            .find("</main>")
            .unwrap_or_else(|| panic!("{rel} has no </main>"))
            + start
            + "</main>".len();
        html[start..end].to_string()
    }

    /// The `<body ...>` start tag of an output page.
    #[track_caller]
    pub(crate) fn body_tag(&self, rel: &str) -> String {
        let html = self.read(rel);
        let start = html
            .find("<body")
            .unwrap_or_else(|| panic!("{rel} has no <body"));
        let end = html[start..].find('>').unwrap() + start + 1;
        html[start..end].to_string()
    }

    /// Runs the binary with `args` in the temp root, `SOURCE_DATE_EPOCH` unset.
    pub(crate) fn run(&self, args: &[&str]) -> RunResult {
        self.run_env(args, &[])
    }

    /// Like [`run`](Self::run), with extra environment variables.
    pub(crate) fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> RunResult {
        self.run_in("", args, env)
    }

    /// Like [`run_env`](Self::run_env), from the folder `cwd` (relative
    /// to the temp root) instead of the root.
    pub(crate) fn run_in(&self, cwd: &str, args: &[&str], env: &[(&str, &str)]) -> RunResult {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_handbook"));
        cmd.args(args)
            .current_dir(self.root.join(cwd))
            .env_remove("SOURCE_DATE_EPOCH")
            .env_remove("RUST_BACKTRACE")
            .env("NO_COLOR", "1")
            // The temp folders sit inside this repository's work tree:
            // neither git nor `check`'s path base may look above them.
            .env("GIT_CEILING_DIRECTORIES", self.root.parent().unwrap());
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("running the handbook binary");
        let read = |mut pipe: Box<dyn Read + Send>| {
            std::thread::spawn(move || {
                let mut buf = Vec::new();
                let _ = pipe.read_to_end(&mut buf);
                buf
            })
        };
        let stdout = read(Box::new(child.stdout.take().unwrap()));
        let stderr = read(Box::new(child.stderr.take().unwrap()));
        let deadline = Instant::now() + TIMEOUT;
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!("handbook {args:?} did not finish within {TIMEOUT:?}");
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        let root = self.root.to_string_lossy().into_owned();
        let clean = |b: &[u8]| String::from_utf8_lossy(b).replace(&root, "[ROOT]");
        RunResult {
            code: status.code().unwrap_or(-1),
            stdout: clean(&stdout.join().unwrap()),
            stderr: clean(&stderr.join().unwrap()),
        }
    }

    /// Runs the binary with `args` in the temp root on a pseudo-terminal
    /// (util-linux `script`), so stderr is a terminal; returns everything
    /// the terminal showed (stdout and stderr together, `\r` kept), or
    /// `None`, after saying so, where `script` is missing. `CI` is unset
    /// and `TERM` is `xterm` unless `env` says otherwise.
    pub(crate) fn run_in_terminal(&self, args: &[&str], env: &[(&str, &str)]) -> Option<String> {
        let has_script = Command::new("script")
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !has_script {
            eprintln!("SKIPPED: `script` (util-linux) not found; no pseudo-terminal to test on");
            return None;
        }
        let quote = |s: &str| format!("'{}'", s.replace('\'', r"'\''"));
        let mut line = quote(env!("CARGO_BIN_EXE_handbook"));
        for a in args {
            line.push(' ');
            line.push_str(&quote(a));
        }
        let mut cmd = Command::new("script");
        cmd.args(["-qec", &line, "/dev/null"])
            .current_dir(&self.root)
            .env_remove("SOURCE_DATE_EPOCH")
            .env_remove("CI")
            .env("TERM", "xterm")
            .env("NO_COLOR", "1")
            .env("GIT_CEILING_DIRECTORIES", self.root.parent().unwrap());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.stdin(Stdio::null()).output().expect("running script");
        let root = self.root.to_string_lossy().into_owned();
        Some(String::from_utf8_lossy(&out.stdout).replace(&root, "[ROOT]"))
    }

    /// `build --today TODAY`, asserting exit 0 and no panic.
    #[track_caller]
    pub(crate) fn build_ok(&self) -> RunResult {
        let r = self.run(&["build", "--today", TODAY]);
        r.assert_code(0);
        r
    }

    /// `check --format json --today TODAY`: the exit code and the findings.
    #[track_caller]
    pub(crate) fn check_json(&self) -> (i32, Vec<Finding>) {
        let r = self.run(&["check", "--format", "json", "--today", TODAY]);
        r.assert_no_panic();
        assert!(
            r.code == 0 || r.code == 1,
            "check exited {}\n{}",
            r.code,
            r.stderr
        );
        (r.code, findings_of(&r.json()))
    }

    /// The page entry of `handbook.json` (under `build-dir` `book`) whose
    /// `path` is `path`.
    #[track_caller]
    pub(crate) fn catalog_page(&self, path: &str) -> serde_json::Value {
        let cat: serde_json::Value =
            serde_json::from_str(&self.read("book/handbook.json")).unwrap();
        cat["pages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["path"] == path)
            .unwrap_or_else(|| panic!("{path} not in handbook.json: {cat:#}"))
            .clone()
    }
}

impl Drop for HandbookTest {
    /// Keeps the folder of a failed test for inspection.
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.root);
        }
    }
}

/// The findings of a `check --format json` report.
pub(crate) fn findings_of(report: &serde_json::Value) -> Vec<Finding> {
    report["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .map(|f| Finding {
            rule: f["rule"].as_str().unwrap().to_string(),
            severity: f["severity"].as_str().unwrap().to_string(),
            path: f["path"].as_str().unwrap().to_string(),
            line: f["line"].as_u64().unwrap(),
            column: f["column"].as_u64().unwrap(),
            message: f["message"].as_str().unwrap().to_string(),
        })
        .collect()
}

/// Findings of `rule`.
pub(crate) fn of_rule<'a>(findings: &'a [Finding], rule: &str) -> Vec<&'a Finding> {
    findings.iter().filter(|f| f.rule == rule).collect()
}

/// Asserts that no link and no `#fragment` is reported broken.
#[track_caller]
pub(crate) fn assert_links_resolve(findings: &[Finding]) {
    let broken: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.rule == "link-broken" || f.rule == "anchor-broken")
        .collect();
    assert!(broken.is_empty(), "{broken:?}");
}

/// The site-internal `href`s in `html` (a page at `page` under `site`)
/// that reach no file: each is HTML-unescaped, cut at `?`/`#`,
/// percent-decoded and resolved against the page's folder, as a browser
/// and a static server would. External, `mailto:` and fragment-only links
/// are skipped.
pub(crate) fn unreachable_hrefs(site: &Path, page: &str, html: &str) -> Vec<String> {
    let dir: Vec<&str> = page.split('/').collect();
    let dir = &dir[..dir.len() - 1];
    let mut missing = Vec::new();
    for chunk in html.split("href=\"").skip(1) {
        let raw = chunk.split('"').next().unwrap_or("");
        let href = raw
            .replace("&#x2F;", "/")
            .replace("&#39;", "'")
            .replace("&quot;", "\"")
            .replace("&amp;", "&");
        if href.is_empty() || href.starts_with('#') || href.contains(':') || href.starts_with('/') {
            continue;
        }
        let path = href.split(['#', '?']).next().unwrap_or("");
        let bytes = path.as_bytes();
        let mut decoded = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            match (bytes[i], bytes.get(i + 1..i + 3)) {
                (b'%', Some(hex)) => {
                    let hex = std::str::from_utf8(hex).unwrap_or("zz");
                    decoded.push(u8::from_str_radix(hex, 16).unwrap_or(b'?'));
                    i += 3;
                }
                (b, _) => {
                    decoded.push(b);
                    i += 1;
                }
            }
        }
        let decoded = String::from_utf8_lossy(&decoded).into_owned();
        let mut parts: Vec<&str> = dir.to_vec();
        for seg in decoded.split('/') {
            match seg {
                "" | "." => {}
                ".." => {
                    parts.pop();
                }
                s => parts.push(s),
            }
        }
        let mut target = site.join(parts.join("/"));
        if decoded.ends_with('/') || decoded.is_empty() {
            target = target.join("index.html");
        }
        if !target.is_file() {
            missing.push(raw.to_string());
        }
    }
    missing
}

/// Every file under `dir`, as '/'-separated paths relative to it, sorted.
pub(crate) fn list_files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let ft = e.file_type().unwrap();
            if ft.is_dir() {
                stack.push(e.path());
            } else {
                let rel = e.path().strip_prefix(dir).unwrap().to_path_buf();
                let parts: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                out.push(parts.join("/"));
            }
        }
    }
    out.sort();
    out
}

fn copy_dir(src: &Path, dest: &Path) {
    std::fs::create_dir_all(dest).unwrap();
    for e in std::fs::read_dir(src).unwrap() {
        let e = e.unwrap();
        let to = dest.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to);
        } else {
            std::fs::copy(e.path(), &to).unwrap();
        }
    }
}

/// Headless Chromium for the browser tests: `HANDBOOK_CHROMIUM`, else
/// `/usr/bin/chromium` (Debian's package, as `.ci/run` installs it), else
/// `chromium`/`chromium-browser` on PATH. Missing, the test is skipped with
/// a line saying so, or fails when `HANDBOOK_REQUIRE_BROWSER` is set (CI).
pub(crate) fn chromium_or_skip(test: &str) -> Option<PathBuf> {
    let found = std::env::var_os("HANDBOOK_CHROMIUM")
        .map(PathBuf::from)
        .or_else(|| Some(PathBuf::from("/usr/bin/chromium")))
        .filter(|p| p.is_file())
        .or_else(|| {
            let path = std::env::var_os("PATH")?;
            std::env::split_paths(&path)
                .flat_map(|dir| ["chromium", "chromium-browser"].map(|n| dir.join(n)))
                .find(|p| p.is_file())
        });
    if found.is_none() {
        assert!(
            std::env::var_os("HANDBOOK_REQUIRE_BROWSER").is_none(),
            "HANDBOOK_REQUIRE_BROWSER is set but Chromium is missing (HANDBOOK_CHROMIUM, /usr/bin/chromium, PATH)"
        );
        eprintln!(
            "SKIPPED {test}: Chromium not found (HANDBOOK_CHROMIUM, /usr/bin/chromium, PATH); \
             install it, or set HANDBOOK_REQUIRE_BROWSER=1 to make this a failure"
        );
    }
    found
}

/// Flags every headless Chromium of the tests starts with.
pub(crate) const CHROMIUM_FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
];

/// A fresh, empty profile folder (`--user-data-dir`) for one Chromium.
pub(crate) fn chromium_profile(tag: &str) -> PathBuf {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let profile = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "{tag}-chromium-{}-{}",
        std::process::id(),
        N.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&profile);
    std::fs::create_dir_all(&profile).unwrap();
    profile
}

/// The sidebar nodes a built page names in `<nav id="sidebar"
/// data-nav="...">` (its branch, top first), as site paths `nav/ID.js`.
pub(crate) fn nav_branch(html: &str) -> Vec<String> {
    let key = "data-nav=\"";
    let Some(start) = html.find(key).map(|i| i + key.len()) else {
        return Vec::new();
    };
    let end = html[start..].find('"').map_or(html.len(), |e| start + e);
    html[start..end]
        .split_whitespace()
        .map(|id| format!("nav/{id}.js"))
        .collect()
}

/// Runs git in `dir` with a fixed identity and date and no user or system
/// configuration; never looks above the test's temp folder.
pub(crate) fn git_at(dir: &Path, args: &[&str], date: &str, who: &str) {
    let email = format!("{}@example.com", who.to_lowercase());
    let stamp = format!("{date}T10:00:00Z");
    let ceiling = dir.parent().map(Path::to_path_buf).unwrap_or_default();
    let out = std::process::Command::new("git")
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(["-c", "core.autocrlf=false"])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CEILING_DIRECTORIES", &ceiling)
        .env("GIT_AUTHOR_NAME", who)
        .env("GIT_AUTHOR_EMAIL", &email)
        .env("GIT_COMMITTER_NAME", who)
        .env("GIT_COMMITTER_EMAIL", &email)
        .env("GIT_AUTHOR_DATE", &stamp)
        .env("GIT_COMMITTER_DATE", &stamp)
        .output()
        .expect("running git");
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Compares `actual` with the golden file `path` (under the crate root)
/// through snapbox, line endings aside: `SNAPSHOTS=overwrite` rewrites the
/// file instead (then review the diff). `raw`: no wildcards, so a golden
/// file says exactly what the output is.
#[track_caller]
pub(crate) fn assert_golden(path: &str, actual: &str) {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    snapbox::Assert::new()
        .action_env(snapbox::assert::DEFAULT_ACTION_ENV)
        .eq(
            actual.to_owned(),
            snapbox::Data::read_from(&file, None).raw(),
        );
}
