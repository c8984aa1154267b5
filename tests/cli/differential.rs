//! Differential test: `serve` against `build`. A small handbook is edited
//! by a seeded, reproducible random sequence of steps (bodies, titles,
//! frontmatter, pages added, deleted and renamed, owners.yaml, book.toml,
//! CODEOWNERS, a theme override, assets, symlinked assets, editor temp
//! files) under a running `serve` (the real binary, a real port, the real
//! file watcher). After each step a fresh `handbook build --drafts` of the
//! same source is the reference: once serve has caught up, every file the
//! build wrote must be served byte for byte (HTML less the injected
//! live-reload script), every file the build did not write must be a 404,
//! serve's findings summary must be the build's, and every warning (and
//! note) the build newly prints must show on serve's stderr too.
//!
//! The reference build is a warm one: it reads the build cache
//! (highlighted code blocks) the previous step's build wrote, and the
//! sequence also damages that cache now and then. After each step a
//! `handbook build --no-cache` must write the same files, byte for byte.
//!
//! `HANDBOOK_DIFF_SEED` sets the seed of the first sequence (the others
//! use the next ones); `HANDBOOK_DIFF_STEPS` the steps per sequence. A
//! failure prints both, and the steps that led to it.

#[path = "../common/rng.rs"]
mod rng;
use crate::harness::{list_files, HandbookTest, TODAY};
use crate::serve::Serve;
use rng::Rng;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Steps per sequence by default: three sequences of this many run in
/// parallel in well under a minute on two cores (release build).
const DEFAULT_STEPS: usize = 80;

/// How long serve may take to show a step (a loaded CI machine, search
/// index included).
const CATCH_UP: Duration = Duration::from_secs(30);

/// The seed of the first sequence when `HANDBOOK_DIFF_SEED` is unset.
const DEFAULT_SEED: u64 = 0x5EED_D1FF;

/// The search index is compared every this many steps (and after the
/// last): serve builds it after a pause, which every step would wait for.
const SEARCH_EVERY: usize = 8;

fn seed_base() -> u64 {
    match std::env::var("HANDBOOK_DIFF_SEED") {
        Ok(s) => {
            let s = s.trim();
            let parsed = match s.strip_prefix("0x") {
                Some(hex) => u64::from_str_radix(hex, 16),
                None => s.parse(),
            };
            parsed.unwrap_or_else(|_| panic!("HANDBOOK_DIFF_SEED={s:?} is not a number"))
        }
        Err(_) => DEFAULT_SEED,
    }
}

fn steps() -> usize {
    std::env::var("HANDBOOK_DIFF_STEPS")
        .ok()
        .map(|s| {
            s.trim()
                .parse()
                .unwrap_or_else(|_| panic!("HANDBOOK_DIFF_STEPS={s:?} is not a number"))
        })
        .unwrap_or(DEFAULT_STEPS)
}

#[test]
fn serve_matches_build_0() {
    run_sequence(0);
}

#[test]
fn serve_matches_build_1() {
    run_sequence(1);
}

#[test]
fn serve_matches_build_2() {
    run_sequence(2);
}

/// The handbook every sequence starts from: `build/basic` with a theme
/// folder, a rule level, a CODEOWNERS file and a few assets.
fn fixture() -> HandbookTest {
    let t = HandbookTest::fixture("build/basic");
    t.write("book.toml", &book_toml("Basic Handbook", "warning"));
    t.write("theme/static/custom.css", "/* custom 0 */\n");
    t.write("CODEOWNERS", "/src/guides/ @org/payments\n");
    t.write("secret.txt", "outside the content folder\n");
    t.write("src/files/a0.txt", "asset zero\n");
    t.write_bytes("src/img/p0.png", b"\x89PNG\r\n\x1a\nzero");
    t
}

fn book_toml(title: &str, stale: &str) -> String {
    book_toml_excluding(title, stale, "")
}

/// `book.toml` with `exclude` globs (`"notes/**"`, or none).
fn book_toml_excluding(title: &str, stale: &str, exclude: &str) -> String {
    let exclude = if exclude.is_empty() {
        String::new()
    } else {
        format!("exclude = [{exclude}]\n")
    };
    format!(
        "[book]\ntitle = \"{title}\"\nsrc = \"src\"\n\n[build]\nbuild-dir = \"book\"\nsite-url = \"https://handbook.example.test/docs\"\nedit-url-template = \"https://git.example.test/hb/edit/main/{{path}}\"\ntheme = \"theme\"\n{exclude}\n[check.rules]\nreview-stale = \"{stale}\"\n"
    )
}

/// One kind of edit: what it did, or `None` when it does not apply now.
type Op = fn(&mut Run) -> Option<String>;

/// Everything one sequence knows while it runs.
struct Run {
    t: HandbookTest,
    /// Holds the reference builds.
    out: HandbookTest,
    rng: Rng,
    seed: u64,
    steps: usize,
    /// Every site path any build of this sequence wrote, and every path a
    /// content file could be published at: what serve must answer 404 for
    /// when the current build did not write it.
    known: BTreeSet<String>,
    /// What was done, for the failure message.
    log: Vec<String>,
    /// A counter for unique names and texts.
    n: usize,
}

fn run_sequence(slot: u64) {
    let seed = seed_base().wrapping_add(slot);
    let steps = steps();
    let t = fixture();
    let mut run = Run {
        t,
        out: HandbookTest::empty(),
        rng: Rng(seed),
        seed,
        steps,
        known: BTreeSet::new(),
        log: Vec::new(),
        n: 0,
    };
    let started = Instant::now();
    let serve = Serve::start(&run.t);
    let mut prev_warnings = BTreeSet::new();
    let mut prev_site: Option<BTreeMap<String, Vec<u8>>> = None;
    for step in 0..=steps {
        let stderr_from = serve.stderr().len();
        let gen_before = serve.generation();
        if step > 0 {
            let ops = 1 + run.rng.below(3);
            let mut done = Vec::new();
            for _ in 0..ops {
                done.push(run.apply_random_op());
            }
            run.log.push(format!("step {step}: {}", done.join("; ")));
        }
        let reference = run.build(&serve);
        let site = read_site(&reference.dir);
        run.assert_warm_equals_fresh(&serve, &site);
        let with_search = step % SEARCH_EVERY == 0 || step == steps;
        run.known.extend(site.keys().cloned());
        run.known.extend(run.candidate_paths());
        let new_warnings: Vec<&String> = reference.warnings.difference(&prev_warnings).collect();
        run.catch_up(
            &serve,
            &site,
            &reference,
            &new_warnings,
            stderr_from,
            with_search,
        );
        let changed = prev_site
            .as_ref()
            .is_some_and(|p| without_search(p) != without_search(&site));
        if changed {
            let gen = serve.generation();
            assert!(
                gen > gen_before,
                "{}",
                run.failure(
                    &serve,
                    &format!("the site changed but the generation did not ({gen_before} → {gen}): open tabs would not reload")
                )
            );
        }
        prev_warnings = reference.warnings.clone();
        prev_site = Some(site);
    }
    eprintln!(
        "differential: seed {seed:#x}, {steps} steps in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

/// A reference build's results.
struct Reference {
    dir: PathBuf,
    /// "N pages" and the findings summary of its last line.
    pages: String,
    summary: String,
    /// Its `warning:` and `note:` lines.
    warnings: BTreeSet<String>,
}

/// The files under `dir` by site path (the build marker aside).
fn read_site(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    list_files(dir)
        .into_iter()
        .filter(|p| p != ".handbook-build")
        .map(|p| {
            let bytes = std::fs::read(dir.join(&p)).unwrap();
            (p, bytes)
        })
        .collect()
}

fn without_search(site: &BTreeMap<String, Vec<u8>>) -> Vec<(&String, &Vec<u8>)> {
    site.iter().filter(|(p, _)| !is_search(p)).collect()
}

fn is_search(path: &str) -> bool {
    path.starts_with("search/")
}

/// `/`-separated path → request path, every byte but unreserved ones
/// and `/` percent-encoded.
fn url_path(path: &str) -> String {
    let mut out = String::from("/");
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// The start of the script `serve` injects into HTML (src/serve/reload.rs).
const RELOAD_SCRIPT: &[u8] = b"<script>/* handbook serve: live reload */";

/// `bytes` without the one injected live-reload script; `None` if it is
/// not there.
fn strip_reload_script(bytes: &[u8]) -> Option<Vec<u8>> {
    let start = find(bytes, RELOAD_SCRIPT, 0)?;
    let end = find(bytes, b"</script>", start)? + b"</script>".len();
    let mut out = bytes[..start].to_vec();
    out.extend_from_slice(&bytes[end..]);
    Some(out)
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

/// Where two byte strings first differ, shown with some context.
fn show_difference(path: &str, served: &[u8], built: &[u8]) -> String {
    let at = served
        .iter()
        .zip(built)
        .position(|(a, b)| a != b)
        .unwrap_or(served.len().min(built.len()));
    let from = at.saturating_sub(300);
    let cut = |b: &[u8]| {
        String::from_utf8_lossy(&b[from.min(b.len())..(at + 300).min(b.len())]).into_owned()
    };
    format!(
        "{path} differs at byte {at} (served {} bytes, built {}):\n--- served\n{}\n--- built\n{}",
        served.len(),
        built.len(),
        cut(served),
        cut(built)
    )
}

impl Run {
    fn failure(&self, serve: &Serve, what: &str) -> String {
        let stderr = serve.stderr();
        let tail: Vec<&str> = stderr.lines().rev().take(40).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        format!(
            "serve and build disagree: {what}\n\n\
             reproduce: HANDBOOK_DIFF_SEED={:#x} HANDBOOK_DIFF_STEPS={} cargo test --release --test cli -- differential::serve_matches_build_0 --exact\n\
             steps:\n  {}\n--- serve stderr (last 40 lines)\n{}",
            self.seed,
            self.steps,
            self.log.join("\n  "),
            tail.join("\n")
        )
    }

    /// `handbook build --drafts` (serve shows drafts) into a folder
    /// outside the handbook.
    fn build(&self, serve: &Serve) -> Reference {
        let dir = self.out.path("site");
        let dest = dir.to_string_lossy().into_owned();
        let r = self
            .t
            .run(&["build", "--today", TODAY, "--drafts", "--dest", &dest]);
        if r.code != 0 {
            panic!(
                "{}",
                self.failure(serve, &format!("build failed ({}):\n{}", r.code, r.stderr))
            );
        }
        let last = r
            .stderr
            .lines()
            .rfind(|l| l.starts_with("built "))
            .unwrap_or_else(|| panic!("no summary line:\n{}", r.stderr));
        let pages = last
            .split(" (")
            .next()
            .unwrap_or("")
            .trim_start_matches("built ")
            .to_owned();
        let summary = last.rsplit("; ").next().unwrap_or("").to_owned();
        let warnings = r
            .stderr
            .lines()
            .filter(|l| l.starts_with("warning:") || l.starts_with("note:"))
            .map(str::to_owned)
            .collect();
        Reference {
            dir,
            pages,
            summary,
            warnings,
        }
    }

    /// `handbook build --no-cache --drafts` must write what the reference
    /// build (warm: it read the cache the last step's build wrote) wrote,
    /// byte for byte.
    fn assert_warm_equals_fresh(&self, serve: &Serve, warm: &BTreeMap<String, Vec<u8>>) {
        let dir = self.out.path("site-fresh");
        let dest = dir.to_string_lossy().into_owned();
        let r = self.t.run(&[
            "build",
            "--today",
            TODAY,
            "--drafts",
            "--no-cache",
            "--dest",
            &dest,
        ]);
        if r.code != 0 {
            panic!(
                "{}",
                self.failure(
                    serve,
                    &format!("fresh build failed ({}):\n{}", r.code, r.stderr)
                )
            );
        }
        let fresh = read_site(&dir);
        let problem = if fresh.keys().ne(warm.keys()) {
            let only = |a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>| {
                a.keys()
                    .filter(|k| !b.contains_key(*k))
                    .cloned()
                    .collect::<Vec<_>>()
            };
            Some(format!(
                "files only in the warm build: {:?}; only in the fresh build: {:?}",
                only(warm, &fresh),
                only(&fresh, warm)
            ))
        } else {
            warm.iter()
                .find(|(p, bytes)| fresh.get(*p) != Some(bytes))
                .map(|(p, bytes)| show_difference(p, bytes, &fresh[p]))
        };
        if let Some(problem) = problem {
            panic!(
                "{}",
                self.failure(
                    serve,
                    &format!("warm build and `build --no-cache` differ: {problem}")
                )
            );
        }
    }

    /// Waits until serve serves what the reference build wrote (and
    /// nothing else it knows of), shows its summary and has printed its new
    /// warnings; fails with the last difference after [`CATCH_UP`].
    fn catch_up(
        &self,
        serve: &Serve,
        site: &BTreeMap<String, Vec<u8>>,
        reference: &Reference,
        new_warnings: &[&String],
        stderr_from: usize,
        with_search: bool,
    ) {
        let deadline = Instant::now() + CATCH_UP;
        loop {
            let problem = self.compare(
                serve,
                site,
                reference,
                new_warnings,
                stderr_from,
                with_search,
            );
            let Some(problem) = problem else {
                return;
            };
            let err = serve.stderr();
            if err.contains("panicked") || err.contains("rebuild failed") {
                panic!("{}", self.failure(serve, "serve failed"));
            }
            if Instant::now() > deadline {
                panic!("{}", self.failure(serve, &problem));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The first disagreement between serve and the reference, if any.
    fn compare(
        &self,
        serve: &Serve,
        site: &BTreeMap<String, Vec<u8>>,
        reference: &Reference,
        new_warnings: &[&String],
        stderr_from: usize,
        with_search: bool,
    ) -> Option<String> {
        for (path, built) in site {
            if is_search(path) && !with_search {
                continue;
            }
            let r = serve.get(&url_path(path));
            if r.status != 200 {
                return Some(format!(
                    "{path}: build wrote it, serve answers {}",
                    r.status
                ));
            }
            let served = if path.ends_with(".html") || path.ends_with(".htm") {
                match strip_reload_script(&r.bytes) {
                    Some(b) => b,
                    None => return Some(format!("{path}: served without the reload script")),
                }
            } else {
                r.bytes
            };
            if served != *built {
                return Some(show_difference(path, &served, built));
            }
        }
        for path in &self.known {
            if site.contains_key(path) || (is_search(path) && !with_search) {
                continue;
            }
            let r = serve.get(&url_path(path));
            let folder = site.contains_key(&format!("{path}/index.html"));
            if !(r.status == 404 || (r.status == 301 && folder)) {
                return Some(format!(
                    "{path}: build did not write it, serve answers {} ({} bytes)",
                    r.status,
                    r.bytes.len()
                ));
            }
        }
        let root = self.t.root().to_string_lossy().into_owned();
        let stderr = serve.stderr().replace(&root, "[ROOT]");
        let last = stderr
            .lines()
            .rfind(|l| l.starts_with("built ") || l.starts_with("rebuilt "))
            .unwrap_or("");
        let pages = last
            .split(" in ")
            .next()
            .unwrap_or("")
            .trim_start_matches("re")
            .trim_start_matches("built ");
        let summary = last.rsplit("; ").next().unwrap_or("");
        if pages != reference.pages || summary != reference.summary {
            return Some(format!(
                "findings: build says \"{} ... {}\", serve's last line is {last:?}",
                reference.pages, reference.summary
            ));
        }
        let since = serve
            .stderr()
            .get(stderr_from..)
            .unwrap_or("")
            .replace(&root, "[ROOT]");
        for w in new_warnings {
            if !since.contains(w.as_str()) {
                return Some(format!(
                    "build printed a new warning or note that serve did not:\n{w}\n--- serve stderr since the step\n{since}"
                ));
            }
        }
        None
    }

    /// Paths a content file could be published at, whether or not the
    /// build published it (temp files, symlinks, assets, pages).
    fn candidate_paths(&self) -> Vec<String> {
        let src = self.t.path("src");
        let mut out = Vec::new();
        for rel in walk_all(&src) {
            if let Some(stem) = rel.strip_suffix(".md") {
                out.push(format!("{stem}.html"));
            }
            out.push(rel);
        }
        out
    }

    fn next_n(&mut self) -> usize {
        self.n += 1;
        self.n
    }

    fn pages(&self) -> Vec<String> {
        walk_all(&self.t.path("src"))
            .into_iter()
            .filter(|p| {
                let lower = p.to_ascii_lowercase();
                (lower.ends_with(".md") || lower.ends_with(".markdown"))
                    && p != "SUMMARY.md"
                    && !p.split('/').any(|s| s.starts_with('.'))
                    && !self.t.path(&format!("src/{p}")).is_symlink()
            })
            .collect()
    }

    /// Applies one random edit; returns what it did.
    fn apply_random_op(&mut self) -> String {
        let weights: &[(u64, Op)] = &[
            (14, Run::op_body),
            (6, Run::op_title),
            (10, Run::op_frontmatter),
            (7, Run::op_add_page),
            (4, Run::op_delete_page),
            (4, Run::op_rename_page),
            (4, Run::op_owners),
            (3, Run::op_book_toml),
            (3, Run::op_codeowners),
            (4, Run::op_theme),
            (6, Run::op_asset),
            (5, Run::op_symlink),
            (6, Run::op_temp_file),
            (2, Run::op_touch),
            (3, Run::op_summary),
            (3, Run::op_block_cache),
            (8, Run::op_code),
        ];
        let total: u64 = weights.iter().map(|w| w.0).sum();
        for _ in 0..20 {
            let mut roll = self.rng.next() % total;
            for (w, op) in weights {
                if roll < *w {
                    if let Some(done) = op(self) {
                        return done;
                    }
                    break;
                }
                roll -= w;
            }
        }
        self.op_add_page().unwrap_or_else(|| "nothing".to_owned())
    }

    fn random_page(&mut self) -> Option<String> {
        let pages = self.pages();
        (!pages.is_empty()).then(|| self.rng.pick(&pages).clone())
    }

    /// Inserts a paragraph, a heading or a link somewhere in a page's body
    /// (moving what follows), or appends it.
    fn op_body(&mut self) -> Option<String> {
        let page = self.random_page()?;
        let rel = format!("src/{page}");
        let text = self.t.read(&rel);
        let n = self.next_n();
        let targets = self.pages();
        let target = self.rng.pick(&targets).clone();
        let from_dir = page.rsplit_once('/').map_or("", |(d, _)| d);
        let up = "../".repeat(if from_dir.is_empty() {
            0
        } else {
            from_dir.split('/').count()
        });
        let snippet = match self.rng.below(6) {
            0 => format!("Paragraph {n} with some words.\n"),
            1 => format!("## Heading {n}\n"),
            2 => format!("See [page {n}]({up}{target}).\n"),
            3 => format!(
                "See [a section]({up}{target}#heading-{}).\n",
                self.rng.below(n + 1)
            ),
            4 => format!("A [broken link {n}](missing-{n}.md).\n"),
            _ => match self.rng.below(4) {
                0 => format!("```rust\nfn f{n}() {{}}\n```\n"),
                1 => format!("```python\ndef f{n}():\n    return {n}\n```\n"),
                2 => format!("```yaml\nkey{n}: [a, b]\n```\n"),
                _ => format!("```sh\necho step {n} | grep -c step\n```\n"),
            },
        };
        let body_start = body_start(&text);
        let lines: Vec<&str> = text[body_start..].split_inclusive('\n').collect();
        let at = self.rng.below(lines.len() + 1);
        let mut out = text[..body_start].to_owned();
        for l in &lines[..at] {
            out.push_str(l);
        }
        if !out.ends_with('\n') && !out.is_empty() {
            out.push('\n');
        }
        out.push('\n');
        out.push_str(&snippet);
        out.push('\n');
        for l in &lines[at..] {
            out.push_str(l);
        }
        self.t.write(&rel, &out);
        Some(format!("body of {page} at line {at}: {:?}", snippet.trim()))
    }

    fn op_title(&mut self) -> Option<String> {
        let page = self.random_page()?;
        let rel = format!("src/{page}");
        let text = self.t.read(&rel);
        let n = self.next_n();
        let title = format!("Title {n}");
        let out = set_front_key(&text, "title", Some(&title))?;
        self.t.write(&rel, &out);
        Some(format!("title of {page}: {title}"))
    }

    fn op_frontmatter(&mut self) -> Option<String> {
        let page = self.random_page()?;
        let rel = format!("src/{page}");
        let text = self.t.read(&rel);
        let (key, value): (&str, Option<&str>) = match self.rng.below(5) {
            0 | 1 => (
                "owners",
                *self.rng.pick(&[
                    Some("[payments]"),
                    Some("[\"@alice\"]"),
                    Some("[\"@jun\"]"),
                    Some("[ghost-team]"),
                    Some("[platform, \"@bob\"]"),
                    Some("[\"@carol\"]"),
                    None,
                ]),
            ),
            2 | 3 => (
                "reviewed",
                *self.rng.pick(&[
                    Some("2026-10-01"),
                    Some("2025-01-01"),
                    Some("2026-11-20"),
                    Some("2027-06-01"),
                    None,
                ]),
            ),
            _ => (
                "tags",
                *self
                    .rng
                    .pick(&[Some("[pci]"), Some("[pci, failover]"), None]),
            ),
        };
        let out = set_front_key(&text, key, value)?;
        self.t.write(&rel, &out);
        Some(format!("{key} of {page}: {value:?}"))
    }

    fn op_add_page(&mut self) -> Option<String> {
        let n = self.next_n();
        let name = match self.rng.below(10) {
            0 => "health.md".to_owned(),
            1 => "guides/single.html.md".to_owned(),
            2 => "guides/index.md".to_owned(),
            3 => format!("adr/{:04}-decision-{n}.md", 20 + self.rng.below(4)),
            4 | 5 => format!("runbooks/rb-{n}.md"),
            6 => format!("notes/deep/n-{n}.md"),
            _ => format!("guides/g-{n}.md"),
        };
        let owners = *self
            .rng
            .pick(&["[payments]", "[\"@jun\"]", "[platform, \"@alice\"]", ""]);
        let mut text = format!("---\ntitle: Page {n}\n");
        if !owners.is_empty() {
            let _ = writeln!(text, "owners: {owners}");
        }
        text.push_str("reviewed: 2026-10-01\n");
        if name.starts_with("adr/") {
            text.push_str("status: accepted\ndate: 2026-09-01\n");
        }
        if self.rng.chance(10) {
            text.push_str("draft: true\n");
        }
        let _ = write!(text, "---\n\n## Failure signature\n\nBody {n}.\n");
        self.t.write(&format!("src/{name}"), &text);
        Some(format!("add {name}"))
    }

    fn op_delete_page(&mut self) -> Option<String> {
        let pages = self.pages();
        if pages.len() < 4 {
            return None;
        }
        let page = self.rng.pick(&pages).clone();
        std::fs::remove_file(self.t.path(&format!("src/{page}"))).unwrap();
        Some(format!("delete {page}"))
    }

    fn op_rename_page(&mut self) -> Option<String> {
        let page = self.random_page()?;
        let n = self.next_n();
        let folder = *self.rng.pick(&["guides", "runbooks", "notes", "adr"]);
        let to = if folder == "adr" {
            format!("adr/{:04}-renamed-{n}.md", 30 + self.rng.below(3))
        } else {
            format!("{folder}/renamed-{n}.md")
        };
        let dest = self.t.path(&format!("src/{to}"));
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::rename(self.t.path(&format!("src/{page}")), dest).unwrap();
        Some(format!("rename {page} → {to}"))
    }

    fn op_owners(&mut self) -> Option<String> {
        let base = "teams:\n  payments:\n    name: Payments\n    members: [alice, bob]\n  platform:\n    name: Platform\n    members: [erin, farid]\n";
        let people = "people:\n  alice: { name: Alice Ng }\n  bob: { name: Bob Okafor }\n  erin: { name: Erin Walsh }\n  farid: { name: Farid Haddad }\n";
        let variant = self.rng.below(5);
        let text = match variant {
            0 => format!("{base}{people}  jun: {{ name: Jun Park }}\n"),
            1 => format!("{base}{people}  jun: {{ name: Jun Park, active: false }}\n  carol: {{ name: Carol Diaz }}\n"),
            2 => format!("{base}  ghost-team:\n    name: Ghosts\n    members: [jun]\n{people}  jun: {{ name: Jun Park }}\n"),
            3 => format!("{base}{people}"),
            _ => {
                let _ = std::fs::remove_file(self.t.path("owners.yaml"));
                return Some("delete owners.yaml".to_owned());
            }
        };
        self.t.write("owners.yaml", &text);
        Some(format!("owners.yaml variant {variant}"))
    }

    fn op_book_toml(&mut self) -> Option<String> {
        let n = self.next_n();
        let title = format!("Basic Handbook {}", n % 3);
        let stale = *self.rng.pick(&["warning", "error", "info", "off"]);
        let exclude = *self
            .rng
            .pick(&["", "", "\"notes/**\"", "\"guides/g-*.md\""]);
        self.t
            .write("book.toml", &book_toml_excluding(&title, stale, exclude));
        Some(format!(
            "book.toml: {title:?}, review-stale {stale}, exclude [{exclude}]"
        ))
    }

    fn op_codeowners(&mut self) -> Option<String> {
        let text = *self.rng.pick(&[
            "/src/guides/ @org/payments\n",
            "* @org/platform\n/src/guides/ @alice @bob\n",
            "/src/runbooks/ @jun\n",
            "",
        ]);
        if text.is_empty() {
            let _ = std::fs::remove_file(self.t.path("CODEOWNERS"));
            return Some("delete CODEOWNERS".to_owned());
        }
        self.t.write("CODEOWNERS", text);
        Some(format!("CODEOWNERS: {:?}", text.trim()))
    }

    fn op_theme(&mut self) -> Option<String> {
        let n = self.next_n();
        match self.rng.below(4) {
            0 => {
                let default = std::fs::read_to_string(
                    Path::new(env!("CARGO_MANIFEST_DIR"))
                        .join("themes/default/templates/page.html"),
                )
                .unwrap();
                let themed = default.replacen(
                    "{% block main %}",
                    &format!("{{% block main %}}<!-- themed {n} -->"),
                    1,
                );
                self.t.write("theme/templates/page.html", &themed);
                Some(format!("theme: page.html override {n}"))
            }
            1 => {
                let _ = std::fs::remove_file(self.t.path("theme/templates/page.html"));
                Some("theme: page.html override removed".to_owned())
            }
            2 => {
                self.t
                    .write("theme/static/custom.css", &format!("/* custom {n} */\n"));
                Some(format!("theme: custom.css {n}"))
            }
            _ => {
                let _ = std::fs::remove_file(self.t.path("theme/static/custom.css"));
                Some("theme: custom.css removed".to_owned())
            }
        }
    }

    fn op_asset(&mut self) -> Option<String> {
        let n = self.next_n();
        let name = match self.rng.below(5) {
            0 => format!("files/a{}.txt", self.rng.below(3)),
            1 => format!("img/p{}.png", self.rng.below(2)),
            2 => "static/style.css".to_owned(),
            3 => "files/intro.mdx".to_owned(),
            _ => "files/data.csv".to_owned(),
        };
        if self.rng.chance(25) {
            let _ = std::fs::remove_file(self.t.path(&format!("src/{name}")));
            return Some(format!("delete asset {name}"));
        }
        self.t
            .write(&format!("src/{name}"), &format!("asset {n}\n"));
        Some(format!("asset {name} ({n})"))
    }

    #[cfg(unix)]
    fn op_symlink(&mut self) -> Option<String> {
        let k = self.rng.below(3);
        let link = format!("src/files/l{k}.txt");
        let target = *self.rng.pick(&[
            "a0.txt",
            "a1.txt",
            "../img/p0.png",
            "../guides/single.md",
            "../../secret.txt",
            "../../theme/static/custom.css",
        ]);
        let path = self.t.path(&link);
        if path.is_symlink() || path.exists() {
            std::fs::remove_file(&path).unwrap();
            if self.rng.chance(40) {
                return Some(format!("remove symlink {link}"));
            }
        }
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(target, &path).unwrap();
        Some(format!("symlink {link} → {target}"))
    }

    #[cfg(not(unix))]
    fn op_symlink(&mut self) -> Option<String> {
        None
    }

    fn op_temp_file(&mut self) -> Option<String> {
        let name = *self.rng.pick(&[
            "src/guides/single.md~",
            "src/guides/4913",
            "src/files/notes.txt.swp",
            "src/guides/.single.md.swp",
            "src/guides/#single.md#",
            "src/guides/links.md___jb_tmp___",
            "src/runbooks/db-failover.md.kate-swp",
        ]);
        if self.t.exists(name) && self.rng.chance(50) {
            std::fs::remove_file(self.t.path(name)).unwrap();
            return Some(format!("delete temp file {name}"));
        }
        let n = self.next_n();
        self.t.write(name, &format!("scratch {n}\n"));
        Some(format!("temp file {name}"))
    }

    /// Writes `SUMMARY.md` (a reading order over some pages, perhaps a
    /// missing one) or deletes it.
    fn op_summary(&mut self) -> Option<String> {
        if self.rng.chance(30) {
            let _ = std::fs::remove_file(self.t.path("src/SUMMARY.md"));
            return Some("delete SUMMARY.md".to_owned());
        }
        let pages = self.pages();
        let mut text = String::from("# Summary\n\n");
        let mut listed = Vec::new();
        for _ in 0..1 + self.rng.below(4) {
            let p = self.rng.pick(&pages).clone();
            let _ = writeln!(text, "- [{p}]({p})");
            listed.push(p);
        }
        if self.rng.chance(20) {
            text.push_str("- [Gone](gone.md)\n");
            listed.push("gone.md".to_owned());
        }
        self.t.write("src/SUMMARY.md", &text);
        Some(format!("SUMMARY.md: {}", listed.join(", ")))
    }

    /// Saves a file unchanged (a new mtime, the same bytes).
    /// Inserts a line at a random place inside a fenced code block of any
    /// page (one block's code changes; its language and the rest stay),
    /// or, one time in four or when there is none, appends a block to a
    /// page.
    fn op_code(&mut self) -> Option<String> {
        let n = self.next_n();
        let mut blocks = Vec::new();
        for page in self.pages() {
            let text = self.t.read(&format!("src/{page}"));
            let mut open = None;
            for (i, l) in text.split_inclusive('\n').enumerate() {
                if l.trim_start().starts_with("```") {
                    match open.take() {
                        None => open = Some(i),
                        Some(start) => blocks.push((page.clone(), start, i)),
                    }
                }
            }
        }
        if blocks.is_empty() || self.rng.below(4) == 0 {
            let page = self.random_page()?;
            let rel = format!("src/{page}");
            let mut out = self.t.read(&rel);
            if !out.ends_with('\n') {
                out.push('\n');
            }
            out.push_str(&format!("\n```rust\nlet x{n} = {n};\n```\n"));
            self.t.write(&rel, &out);
            return Some(format!("code block appended to {page}"));
        }
        let (page, start, end) = self.rng.pick(&blocks).clone();
        let rel = format!("src/{page}");
        let text = self.t.read(&rel);
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        let at = start + 1 + self.rng.below(end - start);
        let mut out: String = lines[..at].concat();
        out.push_str(&format!("x{n} = {n} # edit\n"));
        out.push_str(&lines[at..].concat());
        self.t.write(&rel, &out);
        Some(format!("code of {page}: line {at} inserted"))
    }

    /// Damages the build cache (`.handbook-cache/blocks.bin`: the test
    /// handbooks are outside any git work tree): deletes it, cuts it short,
    /// flips a byte, or fills it with another file's bytes. The next build
    /// must ignore it, not trust it.
    fn op_block_cache(&mut self) -> Option<String> {
        let path = self.t.path(".handbook-cache/blocks.bin");
        let bytes = std::fs::read(&path).ok()?;
        let what = match self.rng.below(4) {
            0 => {
                std::fs::remove_file(&path).unwrap();
                "deleted".to_owned()
            }
            1 => {
                let cut = self.rng.below(bytes.len().max(1));
                std::fs::write(&path, &bytes[..cut]).unwrap();
                format!("cut to {cut} bytes")
            }
            2 => {
                let mut bad = bytes;
                let at = self.rng.below(bad.len().max(1));
                if let Some(b) = bad.get_mut(at) {
                    *b ^= 0x41;
                }
                std::fs::write(&path, &bad).unwrap();
                format!("byte {at} flipped")
            }
            _ => {
                std::fs::write(&path, self.t.read("book.toml")).unwrap();
                "replaced by book.toml".to_owned()
            }
        };
        Some(format!("build cache {what}"))
    }

    fn op_touch(&mut self) -> Option<String> {
        let page = self.random_page()?;
        let rel = format!("src/{page}");
        let bytes = self.t.read_bytes(&rel);
        self.t.write_bytes(&rel, &bytes);
        Some(format!("touch {page}"))
    }
}

/// Every file and symlink under `dir`, '/'-separated, sorted (symlinks
/// not followed).
fn walk_all(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let ft = e.file_type().unwrap();
            if ft.is_dir() {
                stack.push(e.path());
            } else {
                let rel = e
                    .path()
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.push(rel);
            }
        }
    }
    out.sort();
    out
}

/// Where a page's body starts: after the closing `---` of its
/// frontmatter, or 0.
fn body_start(text: &str) -> usize {
    if !text.starts_with("---\n") {
        return 0;
    }
    match text[4..].find("\n---\n") {
        Some(i) => 4 + i + 5,
        None => 0,
    }
}

/// `text` with the top-level frontmatter key `key` set to `value` (or
/// removed); `None` for a page without frontmatter.
fn set_front_key(text: &str, key: &str, value: Option<&str>) -> Option<String> {
    let end = body_start(text);
    if end == 0 {
        return None;
    }
    let front = &text[4..end - 4];
    let prefix = format!("{key}:");
    let mut lines: Vec<String> = front
        .lines()
        .filter(|l| !l.starts_with(&prefix))
        .map(str::to_owned)
        .collect();
    if let Some(v) = value {
        lines.insert(0, format!("{key}: {v}"));
    }
    let mut out = String::from("---\n");
    for l in lines {
        out.push_str(&l);
        out.push('\n');
    }
    out.push_str("---\n");
    out.push_str(&text[end..]);
    Some(out)
}
