//! GFM extended autolinks: bare `https://…`, `http://…` and `www.…` in
//! text become links, as GitHub and GitLab render them.
//!
//! Owns: finding those URLs in runs of text events and splitting the run
//! into text and link events. Runs after every other change to the events,
//! so it sees the final stream. Text inside links, images and raw-HTML `<a>`
//! elements is left alone; inline code and code blocks are not text events
//! here, so they are never linked. Bare URLs are external and are not
//! recorded as page links (nothing for `link-broken` to check).
//!
//! Rules (GFM spec, "Autolinks (extension)"): a link starts at the start of
//! a text run or after whitespace or one of `*_~(`; it runs to whitespace or
//! `<`; trailing `?!.,:;*_~` are not part of it, nor is a trailing `)` that
//! has no `(` to match inside the link. The domain is letters, digits, `-`,
//! `_` and `.`, with no `_` in its last two segments; `www.` needs a dot
//! after it and gets `http://` in the `href`.

use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};

/// `events` with bare URLs in text turned into links.
pub(super) fn autolink_events(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    // Most pages have no bare URL: they pass through without a copy.
    if !events
        .iter()
        .any(|e| matches!(e, Event::Text(t) if may_hold_url(t)))
    {
        return events;
    }
    let mut out = Vec::with_capacity(events.len());
    let mut run: Vec<Event<'_>> = Vec::new();
    // Depth of Markdown links and images, and whether raw HTML left an `<a>` open.
    let mut link_depth = 0usize;
    let mut in_html_a = false;
    for event in events {
        if matches!(event, Event::Text(_)) && link_depth == 0 && !in_html_a {
            run.push(event);
            continue;
        }
        flush_run(&mut run, &mut out);
        match &event {
            Event::Start(Tag::Link { .. } | Tag::Image { .. }) => link_depth += 1,
            Event::End(TagEnd::Link | TagEnd::Image) => link_depth = link_depth.saturating_sub(1),
            Event::Html(html) | Event::InlineHtml(html) => {
                in_html_a = html_leaves_a_open(html, in_html_a);
            }
            _ => {}
        }
        out.push(event);
    }
    flush_run(&mut run, &mut out);
    out
}

/// Moves a run of text events to `out`, split around the URLs in it.
fn flush_run<'a>(run: &mut Vec<Event<'a>>, out: &mut Vec<Event<'a>>) {
    if run.is_empty() {
        return;
    }
    if !run
        .iter()
        .any(|e| matches!(e, Event::Text(t) if may_hold_url(t)))
    {
        out.append(run);
        return;
    }
    let text: std::borrow::Cow<'_, str> = match &run[..] {
        [Event::Text(t)] => t.as_ref().into(),
        _ => run
            .iter()
            .filter_map(|e| match e {
                Event::Text(t) => Some(t.as_ref()),
                _ => None,
            })
            .collect::<String>()
            .into(),
    };
    let found = find_urls(&text);
    if found.is_empty() {
        out.append(run);
        return;
    }
    let text = text.into_owned();
    run.clear();
    let mut at = 0;
    for url in found {
        if url.start > at {
            out.push(Event::Text(CowStr::from(text[at..url.start].to_owned())));
        }
        let shown = &text[url.start..url.end];
        let href = if url.www {
            format!("http://{shown}")
        } else {
            shown.to_owned()
        };
        out.push(Event::Start(Tag::Link {
            link_type: LinkType::Autolink,
            dest_url: CowStr::from(href),
            title: CowStr::Borrowed(""),
            id: CowStr::Borrowed(""),
        }));
        out.push(Event::Text(CowStr::from(shown.to_owned())));
        out.push(Event::End(TagEnd::Link));
        at = url.end;
    }
    if at < text.len() {
        out.push(Event::Text(CowStr::from(text[at..].to_owned())));
    }
}

/// A bare URL found in text: byte range, and whether it is a `www.` one.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct FoundUrl {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) www: bool,
}

/// The bare URLs in `text`, in order.
/// Whether `text` could hold the start of a bare URL (`http://`,
/// `https://`, `www.`, any case): a quick test before the exact scan.
fn may_hold_url(text: &str) -> bool {
    text.contains("://")
        || text
            .as_bytes()
            .windows(4)
            .any(|w| w[3] == b'.' && w[..3].eq_ignore_ascii_case(b"www"))
}

pub(super) fn find_urls(text: &str) -> Vec<FoundUrl> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let at_boundary = i == 0
            || matches!(
                bytes[i - 1],
                b' ' | b'\t' | b'\n' | b'\r' | b'*' | b'_' | b'~' | b'('
            );
        if at_boundary {
            if let Some(url) = url_at(text, i) {
                i = url.end;
                found.push(url);
                continue;
            }
        }
        i += 1;
    }
    found
}

/// The URL starting at byte `start` of `text`, if one does.
fn url_at(text: &str, start: usize) -> Option<FoundUrl> {
    let rest = text.as_bytes().get(start..)?;
    let starts_with = |prefix: &[u8]| {
        rest.get(..prefix.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
    };
    let (domain_start, www) = if starts_with(b"https://") {
        (start + 8, false)
    } else if starts_with(b"http://") {
        (start + 7, false)
    } else if starts_with(b"www.") {
        (start, true)
    } else {
        return None;
    };
    let bytes = text.as_bytes();
    // The domain first, at most as long as DNS allows: a run of text that
    // is not a URL costs that much per place one could start, not the rest
    // of the line (`_www._www._www.…` would be quadratic).
    let domain_end = domain_start
        + bytes[domain_start..]
            .iter()
            .take(MAX_DOMAIN + 1)
            .position(|b| !is_domain_byte(*b))
            .unwrap_or(bytes.len().min(domain_start + MAX_DOMAIN + 1) - domain_start);
    let domain = text.get(domain_start..domain_end)?;
    if domain.len() > MAX_DOMAIN || !valid_domain(domain.trim_end_matches(TRAILING), www) {
        return None;
    }
    let mut end = bytes[domain_end..]
        .iter()
        .position(|b| b.is_ascii_whitespace() || *b == b'<')
        .map_or(bytes.len(), |n| domain_end + n);
    // Trailing punctuation, and `)` without a matching `(` in the link.
    let opens = bytes[start..end].iter().filter(|&&b| b == b'(').count();
    let mut closes = bytes[start..end].iter().filter(|&&b| b == b')').count();
    while end > domain_start {
        match bytes[end - 1] {
            b if TRAILING.contains(&char::from(b)) => end -= 1,
            b')' if closes > opens => {
                end -= 1;
                closes -= 1;
            }
            _ => break,
        }
    }
    let domain = text.get(domain_start..domain_end.min(end))?;
    valid_domain(domain, www).then_some(FoundUrl { start, end, www })
}

/// Characters that end a URL but are not part of it.
const TRAILING: &[char] = &['?', '!', '.', ',', ':', ';', '*', '_', '~'];

/// The longest domain name DNS allows.
const MAX_DOMAIN: usize = 253;

fn is_domain_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.')
}

/// Whether `domain` (after `scheme://`, or starting with `www.`) is one GFM
/// links: non-empty segments; no `_` in the last two; `www.` needs another.
fn valid_domain(domain: &str, www: bool) -> bool {
    let segments: Vec<&str> = domain.split('.').collect();
    if segments.iter().any(|s| s.is_empty()) || (www && segments.len() < 2) {
        return false;
    }
    !segments.iter().rev().take(2).any(|s| s.contains('_'))
}

/// Whether an `<a …>` element is open after raw `html`, given whether one
/// was before it (the last `<a` or `</a` in it decides).
fn html_leaves_a_open(html: &str, was_open: bool) -> bool {
    let b = html.as_bytes();
    let mut open = was_open;
    for i in 0..b.len() {
        if b[i] != b'<' {
            continue;
        }
        let tag = &b[i + 1..];
        let is_a = |t: &[u8]| {
            t.first().is_some_and(|c| c.eq_ignore_ascii_case(&b'a'))
                && t.get(1)
                    .is_none_or(|c| c.is_ascii_whitespace() || *c == b'>')
        };
        if is_a(tag) {
            open = true;
        } else if tag.first() == Some(&b'/') && is_a(&tag[1..]) {
            open = false;
        }
    }
    open
}
