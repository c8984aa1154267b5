//! A one-line progress counter on stderr ("parsing 1234/5000 pages") for
//! long runs, redrawn in place with `\r` and erased when the run is done.
//! Shown only on a terminal: never when stderr is a file or a pipe, under
//! `CI` (build logs stay clean), with `TERM=dumb`, or with `--quiet`. The
//! pipeline drives it ([`Progress::stage`], [`Progress::tick`]); it never
//! decides anything, and a hidden one costs an atomic add per page.

use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

/// Redraws of the count happen at most this often (about ten a second).
const REDRAW_MS: u64 = 100;

/// The progress line of one run; hidden ([`Progress::hidden`]) when it
/// must not show. Shared by reference with the pipeline's threads.
#[derive(Debug)]
pub struct Progress {
    shown: bool,
    start: Instant,
    /// Milliseconds after `start` of the last redraw.
    last_draw_ms: AtomicU64,
    /// Units done in the current stage.
    done: AtomicUsize,
    /// Units the current stage has (0: no count, the stage name only).
    total: AtomicUsize,
    /// What the current stage is doing ("parsing").
    stage: Mutex<&'static str>,
    /// Whether a line is on the screen now (to erase it).
    drawn: AtomicBool,
}

impl Progress {
    /// A progress line that never shows.
    pub fn hidden() -> Progress {
        Progress::new(false)
    }

    /// A progress line on stderr when [`Progress::wanted`] says so for
    /// this process's environment and stderr.
    pub fn on_stderr(quiet: bool) -> Progress {
        let terminal = std::io::IsTerminal::is_terminal(&std::io::stderr());
        let env = |k: &str| std::env::var_os(k).map(|v| v.to_string_lossy().into_owned());
        Progress::new(Progress::wanted(env, terminal, quiet))
    }

    /// Whether to show progress: only on a terminal (`terminal`: stderr
    /// is one), not under `--quiet`, not when `CI` is set (to anything
    /// but empty, `0` or `false`), not with `TERM=dumb`. `env` looks a
    /// variable up.
    pub fn wanted(env: impl Fn(&str) -> Option<String>, terminal: bool, quiet: bool) -> bool {
        let ci = env("CI").is_some_and(|v| !matches!(v.trim(), "" | "0" | "false" | "False"));
        let dumb = env("TERM").is_some_and(|v| v == "dumb");
        terminal && !quiet && !ci && !dumb
    }

    fn new(shown: bool) -> Progress {
        Progress {
            shown,
            start: Instant::now(),
            last_draw_ms: AtomicU64::new(0),
            done: AtomicUsize::new(0),
            total: AtomicUsize::new(0),
            stage: Mutex::new(""),
            drawn: AtomicBool::new(false),
        }
    }

    /// Whether this progress line shows at all.
    pub fn is_shown(&self) -> bool {
        self.shown
    }

    /// Starts a stage of `total` units (pages; 0 when it has no count) and
    /// draws it at once.
    pub fn stage(&self, name: &'static str, total: usize) {
        if !self.shown {
            return;
        }
        if let Ok(mut stage) = self.stage.lock() {
            *stage = name;
        }
        self.done.store(0, Ordering::Relaxed);
        self.total.store(total, Ordering::Relaxed);
        self.draw();
    }

    /// One more unit of the current stage is done; redraws when the last
    /// redraw is `REDRAW_MS` old, and when it is the stage's last unit.
    pub fn tick(&self) {
        if !self.shown {
            return;
        }
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        let now = self.elapsed_ms();
        let last = self.last_draw_ms.load(Ordering::Relaxed);
        let due = now.saturating_sub(last) >= REDRAW_MS
            && self
                .last_draw_ms
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok();
        if due || done == self.total.load(Ordering::Relaxed) {
            self.draw();
        }
    }

    /// The line as it shows now: `parsing 1234/5000 pages`, or the
    /// stage's name alone when it has no count.
    pub fn line(&self) -> String {
        let stage = self.stage.lock().map(|s| *s).unwrap_or("working");
        let total = self.total.load(Ordering::Relaxed);
        if total == 0 {
            return format!("{stage}…");
        }
        let done = self.done.load(Ordering::Relaxed).min(total);
        format!("{stage} {done}/{total} pages")
    }

    fn elapsed_ms(&self) -> u64 {
        u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    fn draw(&self) {
        let line = self.line();
        let stderr = std::io::stderr();
        let mut w = stderr.lock();
        // `\x1b[K` erases what a longer earlier line left to the right;
        // the last `\r` parks the cursor at the start of the line, so a
        // warning printed meanwhile by code that knows nothing of the
        // progress line (discovery, git history) writes over it instead of
        // being glued to its end.
        let _ = write!(w, "\r{line}\x1b[K\r");
        let _ = w.flush();
        self.drawn.store(true, Ordering::Relaxed);
        self.last_draw_ms
            .store(self.elapsed_ms(), Ordering::Relaxed);
    }

    /// Erases the line, if one is drawn, so what is printed next starts
    /// on a clean line. A later [`Progress::stage`] or [`Progress::tick`]
    /// draws it again.
    pub fn clear(&self) {
        if self.shown && self.drawn.swap(false, Ordering::Relaxed) {
            let stderr = std::io::stderr();
            let mut w = stderr.lock();
            let _ = write!(w, "\r\x1b[K");
            let _ = w.flush();
        }
    }

    /// Prints `text` as a line of its own on stderr: erases the progress
    /// line first, and leaves it to the next redraw to come back.
    pub fn eprintln(&self, text: &str) {
        let stderr = std::io::stderr();
        // Held across the erase and the print, so no redraw from another
        // thread lands between them.
        let mut w = stderr.lock();
        self.clear();
        let _ = writeln!(w, "{text}");
    }
}

impl Drop for Progress {
    /// Never leaves a half line behind, even when the run stops on an error.
    fn drop(&mut self) {
        self.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k: &str| {
            vars.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn progress_shows_only_on_a_terminal_outside_ci_and_not_when_quiet() {
        assert!(Progress::wanted(env(&[]), true, false));
        assert!(!Progress::wanted(env(&[]), false, false), "piped");
        assert!(!Progress::wanted(env(&[]), true, true), "--quiet");
        assert!(!Progress::wanted(env(&[("CI", "true")]), true, false));
        assert!(!Progress::wanted(env(&[("CI", "1")]), true, false));
        assert!(Progress::wanted(env(&[("CI", "false")]), true, false));
        assert!(Progress::wanted(env(&[("CI", "")]), true, false));
        assert!(!Progress::wanted(env(&[("TERM", "dumb")]), true, false));
    }

    #[test]
    fn the_line_counts_the_stage_and_never_passes_its_total() {
        let p = Progress::new(true);
        *p.stage.lock().unwrap() = "parsing";
        p.total.store(5000, Ordering::Relaxed);
        p.done.store(1234, Ordering::Relaxed);
        assert_eq!(p.line(), "parsing 1234/5000 pages");
        p.done.store(5001, Ordering::Relaxed);
        assert_eq!(p.line(), "parsing 5000/5000 pages");
        p.total.store(0, Ordering::Relaxed);
        assert_eq!(p.line(), "parsing…");
        // Not drawn, so nothing to erase when it goes.
        p.drawn.store(false, Ordering::Relaxed);
    }

    #[test]
    fn a_hidden_progress_counts_nothing_and_draws_nothing() {
        let p = Progress::hidden();
        p.stage("parsing", 3);
        p.tick();
        assert_eq!(p.done.load(Ordering::Relaxed), 0);
        assert!(!p.drawn.load(Ordering::Relaxed));
    }
}
