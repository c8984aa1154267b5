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

/// The error overlay's text colour, and the background of its panel and of
/// its error box. Set on every element explicitly (inline styles beat the
/// page's stylesheet, whose `pre` has a light background in the light
/// theme): light text on dark red, readable in either theme, above WCAG AA
/// (4.5:1) on both backgrounds (the unit test computes it).
const OVERLAY_FG: &str = "#ffffff";
const OVERLAY_BG: &str = "#5c0b0b";
const OVERLAY_CODE_BG: &str = "#2b0505";

/// The error overlay: a panel fixed at the top of the page with the error
/// text (escaped), shown until the next good build.
pub(crate) fn overlay(error: &str) -> String {
    format!(
        concat!(
            r#"<div id="handbook-error-overlay" role="alert" style="position:fixed;top:0;left:0;right:0;z-index:2147483647;max-height:70vh;overflow:auto;margin:0;padding:1rem 1.5rem;background:{bg};color:{fg};border-bottom:4px solid #e5484d;box-shadow:0 4px 24px rgba(0,0,0,.4);font:14px/1.5 system-ui,sans-serif;text-align:left">"#,
            r#"<p style="margin:0 0 .5rem;padding:0;font-weight:bold;background:{bg};color:{fg}">The last rebuild failed; you are seeing the last good build.</p>"#,
            r#"<pre style="margin:0;padding:.6rem .8rem;border:1px solid #a33;border-radius:4px;overflow:auto;white-space:pre-wrap;background:{code_bg};color:{fg};font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace">{error}</pre>"#,
            r#"<p style="margin:.5rem 0 0;padding:0;background:{bg};color:{fg}">Fix it and save: this page reloads by itself. <button type="button" style="margin-left:.5rem;padding:.15rem .6rem;border:1px solid {fg};border-radius:4px;background:{fg};color:{bg};font:inherit;cursor:pointer" onclick="this.parentNode.parentNode.remove()">Hide</button></p></div>"#
        ),
        bg = OVERLAY_BG,
        fg = OVERLAY_FG,
        code_bg = OVERLAY_CODE_BG,
        error = crate::markdown::escape_html(error)
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

    /// WCAG 2 relative luminance of `#rrggbb`.
    fn luminance(hex: &str) -> f64 {
        let hex = hex.trim_start_matches('#');
        let channel = |i: usize| {
            let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0;
            if c <= 0.03928 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4)
    }

    fn contrast(a: &str, b: &str) -> f64 {
        let (a, b) = (luminance(a), luminance(b));
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    }

    /// Every element of the overlay sets its own text colour and background
    /// (a theme's `pre { background: … }` must not show through), and each
    /// pair reads at WCAG AA.
    #[test]
    fn overlay_sets_readable_colours_on_every_element() {
        let o = overlay("src/a.md:1:1: error[x]: broken");
        let mut styled = 0;
        for tag in o.split('<').skip(1).filter(|t| !t.starts_with('/')) {
            let name = tag.split([' ', '>']).next().unwrap();
            let style = tag
                .split("style=\"")
                .nth(1)
                .and_then(|s| s.split('"').next())
                .unwrap_or_else(|| panic!("<{name}> has no style: {tag}"));
            let prop = |p: &str| {
                style
                    .split(';')
                    .find_map(|d| d.strip_prefix(&format!("{p}:")))
                    .unwrap_or_else(|| panic!("<{name}> sets no {p}: {style}"))
            };
            let (fg, bg) = (prop("color"), prop("background"));
            let ratio = contrast(fg, bg);
            assert!(ratio >= 4.5, "<{name}> {fg} on {bg}: {ratio:.2}");
            styled += 1;
        }
        assert_eq!(styled, 5, "div, p, pre, p, button: {o}");
        assert!(contrast("#ffffff", "#f3f5f7") < 4.5, "the check can fail");
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
