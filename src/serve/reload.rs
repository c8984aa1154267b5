//! Live reload: the build generation, the long-poll endpoint and what
//! `serve` injects into every HTML page (the reload script and, while the
//! last rebuild failed, the error overlay).
//!
//! Protocol: a page served at generation N runs a script that requests
//! `GET /__reload?gen=N`. The request waits on its connection's thread
//! (each connection has its own; see `server`) until the generation
//! differs from N or 25 s pass; the answer is `{"gen":M}`. The page
//! reloads when M ≠ N and asks again when not. A long-poll, not a timer: an
//! idle tab costs one open request, and a hidden tab none (it asks again
//! when shown). At most half the server's connections wait at once, so
//! long-polls never crowd out page loads.
//!
//! Never panics on what a client sends.

use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// How long a long-poll is held before it is answered with the same
/// generation.
const HOLD: Duration = Duration::from_secs(25);

/// The long-poll path.
pub(crate) const PATH: &str = "/__reload";

/// The generation counter and the waiting long-polls.
pub(crate) struct Reloader {
    inner: Mutex<Inner>,
    cv: Condvar,
    /// At most this many long-polls wait at once; more get a 503 and
    /// their script retries a second later.
    max_waiting: usize,
}

struct Inner {
    gen: u64,
    waiting: usize,
    stopping: bool,
}

impl Reloader {
    /// Generation 0, nobody waiting.
    pub(crate) fn new(max_waiting: usize) -> Reloader {
        Reloader {
            inner: Mutex::new(Inner {
                gen: 0,
                waiting: 0,
                stopping: false,
            }),
            cv: Condvar::new(),
            max_waiting,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The current generation.
    pub(crate) fn generation(&self) -> u64 {
        self.lock().gen
    }

    /// Starts a new generation and wakes every waiting long-poll.
    pub(crate) fn bump(&self) -> u64 {
        let mut inner = self.lock();
        inner.gen += 1;
        self.cv.notify_all();
        inner.gen
    }

    /// A long-poll that has seen generation `seen`: returns the generation
    /// once it differs, after 25 s, or at [`stop`](Self::stop); `None`
    /// (answered with a 503) when too many are waiting already.
    pub(crate) fn wait(&self, seen: u64) -> Option<u64> {
        let mut inner = self.lock();
        if inner.stopping || inner.gen != seen {
            return Some(inner.gen);
        }
        if inner.waiting >= self.max_waiting {
            return None;
        }
        inner.waiting += 1;
        let deadline = Instant::now() + HOLD;
        while !inner.stopping && inner.gen == seen {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            inner = self
                .cv
                .wait_timeout(inner, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        inner.waiting -= 1;
        Some(inner.gen)
    }

    /// Answers every waiting long-poll now, and any later one at once.
    pub(crate) fn stop(&self) {
        self.lock().stopping = true;
        self.cv.notify_all();
    }
}

/// The generation a long-poll says it has seen: `gen=N` in the query;
/// `None` when missing or malformed (answered at once with the current one).
pub(crate) fn seen_generation(query: &str) -> Option<u64> {
    query
        .split('&')
        .find_map(|kv| kv.strip_prefix("gen="))
        .and_then(|v| v.parse().ok())
}

/// The reload script for a page served at generation `gen`. It keeps the
/// scroll position across the reload (sessionStorage, per path) and asks
/// `location.origin` explicitly, since a page may set `<base href>` to the
/// production site (the 404 page does when `site-url` is set).
///
/// Only a visible tab long-polls: a hidden one aborts its request and asks
/// again (reloading at once if the site changed) when it is shown. Browsers
/// allow six connections per host, so with a long-poll in every open tab the
/// seventh tab would not load until a long-poll was answered (up to 25 s).
pub(crate) fn script(gen: u64) -> String {
    format!(
        r#"<script>/* handbook serve: live reload */(function(){{var g={gen},k="handbook-serve-scroll:"+location.pathname,c=null;try{{var y=sessionStorage.getItem(k);if(y!==null){{sessionStorage.removeItem(k);var s=function(){{window.scrollTo(0,+y)}};if(document.readyState==="complete")s();else addEventListener("load",s)}}}}catch(e){{}}function p(){{if(document.visibilityState==="hidden"){{c=null;return}}var a=window.AbortController?new AbortController():{{}};c=a;fetch(location.origin+"{PATH}?gen="+g,{{cache:"no-store",signal:a.signal}}).then(function(r){{if(!r.ok)throw r;return r.json()}}).then(function(d){{if(d.gen!==g){{try{{sessionStorage.setItem(k,String(window.scrollY))}}catch(e){{}}location.reload()}}else if(c===a)p()}},function(){{if(c===a)setTimeout(function(){{if(c===a)p()}},1000)}})}}document.addEventListener("visibilitychange",function(){{if(document.visibilityState==="hidden"){{if(c&&c.abort)c.abort();c=null}}else if(!c)p()}});p()}})();</script>"#
    )
}

/// The error overlay: a panel fixed at the top of the page with the error
/// text (escaped), shown until the next good build.
pub(crate) fn overlay(error: &str) -> String {
    format!(
        concat!(
            r#"<div id="handbook-error-overlay" role="alert" style="position:fixed;top:0;left:0;right:0;z-index:2147483647;max-height:70vh;overflow:auto;margin:0;padding:1rem 1.5rem;background:#3b0a0a;color:#fff;border-bottom:4px solid #e5484d;box-shadow:0 4px 24px rgba(0,0,0,.4);font:14px/1.5 system-ui,sans-serif">"#,
            r#"<p style="margin:0 0 .5rem;font-weight:bold">The last rebuild failed; you are seeing the last good build.</p>"#,
            r#"<pre style="margin:0;white-space:pre-wrap;font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace">{}</pre>"#,
            r#"<p style="margin:.5rem 0 0;opacity:.85">Fix it and save: this page reloads by itself. <button type="button" onclick="this.parentNode.parentNode.remove()">Hide</button></p></div>"#
        ),
        crate::markdown::escape_html(error)
    )
}

/// Inserts `extra` before the last `</body>` (any case), or appends it.
pub(crate) fn inject(html: &[u8], extra: &str) -> Vec<u8> {
    let at = rfind_ci(html, b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + extra.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(extra.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn rfind_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.len() > hay.len() {
        return None;
    }
    (0..=hay.len() - needle.len())
        .rev()
        .find(|&i| hay[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn injects_before_the_last_body_end_tag() {
        let html = b"<html><body><p>x</p></BODY></html>";
        let out = String::from_utf8(inject(html, "<i>")).unwrap();
        assert_eq!(out, "<html><body><p>x</p><i></BODY></html>");
        let out = String::from_utf8(inject(b"no body", "<i>")).unwrap();
        assert_eq!(out, "no body<i>");
    }

    #[test]
    fn overlay_escapes_the_error() {
        let o = overlay("book.toml:1:2: <script>alert(1)</script> & \"x\"");
        assert!(o.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;"));
        assert!(!o.contains("<script>alert"));
        assert!(o.starts_with("<div id=\"handbook-error-overlay\""));
    }

    #[test]
    fn a_long_poll_waits_for_the_next_generation() {
        let r = std::sync::Arc::new(Reloader::new(1));
        assert_eq!(r.wait(5), Some(0), "a stale generation answers at once");
        let waiter = {
            let r = std::sync::Arc::clone(&r);
            std::thread::spawn(move || r.wait(0))
        };
        while r.lock().waiting == 0 {
            std::thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(r.wait(0), None, "one may wait, the second is refused");
        r.bump();
        assert_eq!(waiter.join().unwrap(), Some(1));
        r.stop();
        assert_eq!(r.wait(1), Some(1), "after stop nobody waits");
    }

    #[test]
    fn reads_the_generation_from_the_query() {
        assert_eq!(seen_generation("gen=12"), Some(12));
        assert_eq!(seen_generation("x=1&gen=3"), Some(3));
        assert_eq!(seen_generation("gen=abc"), None);
        assert_eq!(seen_generation(""), None);
    }

    #[test]
    fn script_polls_with_the_generation() {
        let s = script(7);
        assert!(s.contains("var g=7"));
        assert!(s.contains("/__reload?gen="));
        assert!(s.starts_with("<script>") && s.ends_with("</script>"));
        assert!(s.contains("visibilitychange"), "hidden tabs stop polling");
    }
}
