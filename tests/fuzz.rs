//! The fuzz targets of `handbook::fuzzing`, run on stable by `cargo test`:
//! every file of `fuzz/corpus/<target>/` as it is, then seeded random
//! mutations of them. Deterministic: the same seed gives the same inputs.
//!
//! `HANDBOOK_FUZZ_ITERS=N` runs N mutations per target (default 2000),
//! `HANDBOOK_FUZZ_SEED=S` starts from another seed, and
//! `HANDBOOK_FUZZ_TARGET=name` runs only that target. A failure (a panic,
//! a broken invariant, or an input that takes over a second) prints the
//! seed, the iteration and the input, escaped, to add to the corpus; see
//! `fuzz/README.md`.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use handbook::fuzzing::TARGETS;

/// Mutations per target on a plain `cargo test`.
const DEFAULT_ITERS: u64 = 2000;

/// An input that takes longer than this is a failure (in a release build;
/// a debug build gets four times as long). `HANDBOOK_FUZZ_SLOW_MS` sets it.
const SLOW_MS: u64 = 1000;

fn slow_limit() -> Duration {
    let debug = if cfg!(debug_assertions) { 4 } else { 1 };
    Duration::from_millis(env_u64("HANDBOOK_FUZZ_SLOW_MS").unwrap_or(SLOW_MS * debug))
}

/// Mutated inputs are cut to this many bytes.
const MAX_LEN: usize = 64 * 1024;

#[path = "common/rng.rs"]
mod rng;
use rng::Rng;

/// Tokens that mean something to one of the parsers.
const TOKENS: &[&[u8]] = &[
    b"---\n",
    b"+++\n",
    b"...\n",
    b"---",
    b": ",
    b":",
    b"\r\n",
    b"\n",
    b"\r",
    b"\t",
    b"  ",
    b"- ",
    b"&a ",
    b"*a",
    b"<<: *a\n",
    b"!!str ",
    b"!custom ",
    b"? ",
    b"|\n  ",
    b">-\n  ",
    b"[",
    b"]",
    b"{",
    b"}",
    b"[[actions]]\n",
    b"\"",
    b"'",
    b"\\",
    b"#",
    b" #",
    b"=",
    b"\"\"\"",
    b"{{<",
    b">}}",
    b"{{% ",
    b"<script>",
    b"</script>",
    b"<!--",
    b"&lt;",
    b"&#",
    b"`",
    b"```",
    b"```rust\n",
    b"~~~",
    b"    ",
    b"> ",
    b"1. ",
    b"| a |\n|---|\n",
    b"[^1]",
    b"{#id}",
    b"](",
    b"](x.md#",
    b"<http://",
    b"**/",
    b"/**",
    b"*",
    b"?",
    b"/",
    b"@",
    b"title: ",
    b"owners: ",
    b"reviewed: ",
    b"actions:\n  - ",
    b"kind: adr\n",
    b"[book]\n",
    b"[health]\n",
    b"[kinds.runbook]\n",
    b"teams:\n",
    b"people:\n",
    b"\0",
    b"\xef\xbb\xbf",
    b"\xff",
    b"\xc3",
    b"\xe2\x80\xa8",
    b"\xf0\x9f\x92\xa9",
    b"2026-02-30",
    b"99999999999999999999",
    b"-1",
];

/// Applies 1 to 8 random mutations to `input`; `others` are the target's
/// corpus files, for splicing.
fn mutate(rng: &mut Rng, input: &mut Vec<u8>, others: &[Vec<u8>]) {
    let rounds = 1 + rng.below(8);
    for _ in 0..rounds {
        let len = input.len();
        let at = rng.below(len + 1);
        match rng.below(11) {
            0 if len > 0 => {
                let i = rng.below(len);
                input[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                input[i] = *rng.pick(b"\0\t\n\r -:#[]{}\"'\\*&!|>@\x7f\x80\xff");
            }
            2 | 3 => {
                let token = rng.pick(TOKENS);
                input.splice(at..at, token.iter().copied());
            }
            4 if len > 0 => {
                let end = (at + 1 + rng.below(32)).min(len);
                input.drain(at.min(end)..end);
            }
            5 if len > 0 => {
                // Duplicate a chunk somewhere else.
                let from = rng.below(len);
                let n = 1 + rng.below((len - from).min(256));
                let chunk: Vec<u8> = input[from..from + n].to_vec();
                let to = rng.below(len + 1);
                let times = if rng.below(8) == 0 {
                    1 + rng.below(64)
                } else {
                    1
                };
                for _ in 0..times {
                    input.splice(to..to, chunk.iter().copied());
                }
            }
            6 => input.truncate(at),
            7 if !others.is_empty() => {
                // Splice in part of another corpus file.
                let other = rng.pick(others);
                if !other.is_empty() {
                    let from = rng.below(other.len());
                    let n = 1 + rng.below(other.len() - from);
                    input.splice(at..at, other[from..from + n].iter().copied());
                }
            }
            8 => {
                // Line surgery: indent, repeat or drop a line.
                let starts: Vec<usize> = std::iter::once(0)
                    .chain(
                        input
                            .iter()
                            .enumerate()
                            .filter(|(_, b)| **b == b'\n')
                            .map(|(i, _)| i + 1),
                    )
                    .filter(|i| *i <= len)
                    .collect();
                let start = *rng.pick(&starts);
                let end = input[start..]
                    .iter()
                    .position(|b| *b == b'\n')
                    .map_or(len, |i| start + i + 1);
                match rng.below(3) {
                    0 => {
                        let indents: [&[u8]; 4] = [b"  ", b"\t", b"    ", b" "];
                        let indent = *rng.pick(&indents);
                        input.splice(start..start, indent.iter().copied());
                    }
                    1 => {
                        let line = input[start..end].to_vec();
                        input.splice(end..end, line);
                    }
                    _ => {
                        input.drain(start..end);
                    }
                }
            }
            9 if len > 0 => {
                // A random run of bytes.
                let n = 1 + rng.below(8);
                let bytes: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
                input.splice(at..at, bytes);
            }
            _ => {
                // Replace a byte range with a token.
                let end = (at + rng.below(8)).min(len);
                let token = rng.pick(TOKENS);
                input.splice(at..end, token.iter().copied());
            }
        }
        input.truncate(MAX_LEN);
    }
}

/// The corpus files of `target`, sorted by name.
fn corpus(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut files: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.is_file())
        .map(|p| {
            let bytes = std::fs::read(&p).expect("a readable corpus file");
            (p, bytes)
        })
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{}: no corpus files", dir.display());
    files
}

/// `input` as a Rust byte-string literal body, readable where it is text.
fn escaped(input: &[u8]) -> String {
    input.escape_ascii().to_string()
}

fn env_u64(name: &str) -> Option<u64> {
    let v = std::env::var(name).ok()?;
    let v = v.trim();
    let parsed = match v.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => v.parse(),
    };
    Some(parsed.unwrap_or_else(|_| panic!("{name}={v} is not a number")))
}

/// Name of the threads that run one input each.
const INPUT_THREAD: &str = "fuzz-input";

thread_local! {
    /// Where the last panic on this thread happened.
    static PANIC_AT: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Keeps the panics of input threads off stderr (the failure is reported
/// once, with the input) and remembers where they happened; every other
/// panic goes to the default hook.
fn quiet_input_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if std::thread::current().name() == Some(INPUT_THREAD) {
                let at = info.location().map(|l| l.to_string());
                PANIC_AT.with(|p| *p.borrow_mut() = at);
            } else {
                default(info);
            }
        }));
    });
}

/// Runs `f(input)` on a thread; `Err` says why it failed: its panic
/// message, or that it took longer than `slow` (a thread that hangs is left
/// running, and the test fails).
fn run_one(f: fn(&[u8]), input: &[u8], slow: Duration) -> Result<Duration, String> {
    let (tx, rx) = mpsc::channel();
    let data = input.to_vec();
    let start = Instant::now();
    std::thread::Builder::new()
        .name(INPUT_THREAD.into())
        .stack_size(8 << 20)
        .spawn(move || {
            let result = std::panic::catch_unwind(|| f(&data));
            let _ = tx.send(result.map_err(|p| {
                let msg = p
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_else(|| "a panic without a message".into());
                let at = PANIC_AT.with(|p| p.borrow_mut().take()).unwrap_or_default();
                format!("{msg} (at {at})")
            }));
        })
        .expect("a thread");
    match rx.recv_timeout(slow) {
        Ok(Ok(())) => Ok(start.elapsed()),
        Ok(Err(msg)) => Err(format!("panicked: {msg}")),
        Err(mpsc::RecvTimeoutError::Timeout) => {
            // Give it a little longer to tell a hang from a slow machine.
            match rx.recv_timeout(slow * 4) {
                Ok(Ok(())) => Err(format!("took {:?} (over {slow:?})", start.elapsed())),
                Ok(Err(msg)) => Err(format!("panicked after {:?}: {msg}", start.elapsed())),
                Err(_) => Err(format!("still running after {:?}", start.elapsed())),
            }
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => Err("the thread died".into()),
    }
}

/// Runs one target over its corpus and `HANDBOOK_FUZZ_ITERS` mutations.
fn fuzz(name: &str) {
    if std::env::var("HANDBOOK_FUZZ_TARGET").is_ok_and(|t| t != name) {
        return;
    }
    let f = TARGETS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, f)| *f)
        .unwrap_or_else(|| panic!("no fuzz target {name}"));
    let iters = env_u64("HANDBOOK_FUZZ_ITERS").unwrap_or(DEFAULT_ITERS);
    let slow = slow_limit();
    let seed = env_u64("HANDBOOK_FUZZ_SEED").unwrap_or(0x4841_4e44_424f_4f4b);
    // Each target gets its own stream from the same seed.
    let mut rng = Rng(name.bytes().fold(seed, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    }));
    quiet_input_panics();

    let files = corpus(name);
    let seeds: Vec<Vec<u8>> = files.iter().map(|(_, b)| b.clone()).collect();
    let started = Instant::now();
    let mut slowest = (Duration::ZERO, String::new());
    for (path, bytes) in &files {
        match run_one(f, bytes, slow) {
            Ok(t) if t > slowest.0 => slowest = (t, path.display().to_string()),
            Ok(_) => {}
            Err(why) => panic!(
                "fuzz target `{name}` fails on corpus file {}: {why}",
                path.display()
            ),
        }
    }
    for i in 0..iters {
        let mut input = rng.pick(&seeds).clone();
        mutate(&mut rng, &mut input, &seeds);
        match run_one(f, &input, slow) {
            Ok(t) if t > slowest.0 => {
                let shown = escaped(&input[..input.len().min(4096)]);
                slowest = (t, format!("iteration {i}: b\"{shown}\""));
            }
            Ok(_) => {}
            Err(why) => panic!(
                "fuzz target `{name}` fails at iteration {i} of seed {seed:#x} ({} bytes): {why}\n\
                 input: b\"{}\"\n\
                 reproduce: HANDBOOK_FUZZ_SEED={seed:#x} HANDBOOK_FUZZ_ITERS={} HANDBOOK_FUZZ_TARGET={name} cargo test --test fuzz\n\
                 or save the input as fuzz/corpus/{name}/crash-<what>",
                input.len(),
                escaped(&input),
                i + 1,
            ),
        }
    }
    eprintln!(
        "fuzz {name}: {} corpus files + {iters} mutations of seed {seed:#x} in {:.1?}; slowest {:.1?} ({})",
        files.len(),
        started.elapsed(),
        slowest.0,
        slowest.1
    );
}

#[test]
fn fuzz_frontmatter() {
    fuzz("frontmatter");
}

#[test]
fn fuzz_markdown() {
    fuzz("markdown");
}

#[test]
fn fuzz_book_toml() {
    fuzz("book_toml");
}

#[test]
fn fuzz_owners_yaml() {
    fuzz("owners_yaml");
}

#[test]
fn fuzz_codeowners() {
    fuzz("codeowners");
}

/// Inputs in `fuzz/pending/<target>/` found bugs that are not fixed yet
/// (in code this harness does not own). Run with `-- --ignored`: it fails
/// while any of them still fails, and lists those that pass now, which
/// belong in `fuzz/corpus/<target>/` from then on.
#[test]
#[ignore = "known bugs, not fixed yet: see fuzz/README.md"]
fn pending() {
    quiet_input_panics();
    let slow = slow_limit();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/pending");
    let (mut failing, mut fixed) = (Vec::new(), Vec::new());
    for (name, f) in TARGETS {
        let Ok(entries) = std::fs::read_dir(root.join(name)) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| Some(e.ok()?.path())).collect();
        paths.sort();
        for path in paths {
            let bytes = std::fs::read(&path).expect("a readable pending file");
            match run_one(f, &bytes, slow) {
                Ok(_) => fixed.push(path.display().to_string()),
                Err(why) => failing.push(format!("{}: {why}", path.display())),
            }
        }
    }
    for p in &fixed {
        eprintln!("passes now, move it to fuzz/corpus/: {p}");
    }
    assert!(
        failing.is_empty(),
        "{} pending input(s) still fail:\n{}",
        failing.len(),
        failing.join("\n")
    );
}

#[test]
fn mutations_are_deterministic() {
    let seeds = vec![b"---\ntitle: T\n---\nbody\n".to_vec()];
    let run = || {
        let mut rng = Rng(7);
        (0..100)
            .map(|_| {
                let mut input = seeds[0].clone();
                mutate(&mut rng, &mut input, &seeds);
                input
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(run(), run());
}
