//! ERB as GOV.UK Tech Docs / Middleman pages use it: `<%= current_page.data.KEY %>`
//! from the page's frontmatter, `<%= partial "x" %>` inlined (and expanded,
//! a few levels deep) from the partials handed in; other tags are dropped
//! and reported.

use super::super::highlight::push_escaped;
use super::{expand_depth, LineCx, TemplateCx};

/// What an ERB tag becomes.
pub(super) fn erb_value(
    inner: &str,
    cx: &TemplateCx<'_>,
    depth: u32,
    line: &LineCx<'_>,
    note: &mut impl FnMut(usize, String),
    at: usize,
) -> String {
    let (output, code) = match inner.strip_prefix('=') {
        Some(rest) => (true, rest),
        None => (false, inner.strip_prefix('-').unwrap_or(inner)),
    };
    let code = code.trim().trim_end_matches('-').trim();
    if code.starts_with('#') || inner.starts_with('#') {
        return String::new();
    }
    if output {
        if let Some(key) = code.strip_prefix("current_page.data.") {
            let key = key.trim();
            let value = if key == "title" {
                cx.title.map(str::to_owned)
            } else {
                None
            }
            .or_else(|| front_value(cx.frontmatter, key));
            if let Some(v) = value {
                let mut s = String::new();
                push_escaped(&mut s, &v);
                return s;
            }
        }
        if let Some(args) = code.strip_prefix("partial") {
            let args = args.trim_start().trim_start_matches('(');
            let name = args
                .trim_start()
                .strip_prefix(['"', '\''])
                .and_then(|r| r.find(['"', '\'']).map(|e| &r[..e]));
            if let Some(name) = name {
                if let Some(text) = find_partial(name, cx) {
                    let body = strip_frontmatter(text);
                    let expanded = if depth < 4 {
                        expand_depth(body, cx, depth + 1).map(|e| e.text)
                    } else {
                        None
                    };
                    let mut body = expanded.unwrap_or_else(|| body.to_owned());
                    if line.alone && !body.ends_with('\n') {
                        body.push('\n');
                    }
                    return body;
                }
                note(at, format!("<%= partial \"{name}\" %>"));
                return String::new();
            }
        }
    }
    let word: String = code
        .chars()
        .take_while(|c| c.is_alphanumeric() || matches!(c, '_' | '.'))
        .collect();
    let shown = if output {
        format!("<%= {word} %>")
    } else {
        format!("<% {word} %>")
    };
    note(at, shown);
    String::new()
}

fn strip_frontmatter(text: &str) -> &str {
    let Some(rest) = text.strip_prefix("---\n") else {
        return text;
    };
    match rest.find("\n---\n") {
        Some(end) => &rest[end + 5..],
        None => text,
    }
}

/// A top-level `key: value` of the frontmatter block, unquoted.
fn front_value(front: &str, key: &str) -> Option<String> {
    front.lines().find_map(|l| {
        let rest = l.strip_prefix(key)?.strip_prefix(':')?;
        let v = rest.trim();
        let v = v
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .or_else(|| v.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
            .unwrap_or(v);
        (!v.is_empty()).then(|| v.to_owned())
    })
}

/// The markdown partial Middleman would take for `partial "dir/name"`:
/// `dir/_name` (or `dir/name`) with a markdown or ERB extension, under the
/// page's folder first, then the content root.
fn find_partial<'p>(name: &str, cx: &TemplateCx<'p>) -> Option<&'p str> {
    let partials = cx.partials?;
    let name = name.trim_start_matches('/');
    let (dir, base) = match name.rfind('/') {
        Some(i) => (&name[..=i], &name[i + 1..]),
        None => ("", name),
    };
    let page_dir = cx.page_path.rfind('/').map_or("", |i| &cx.page_path[..=i]);
    for root in [page_dir, ""] {
        for prefix in ["_", ""] {
            for ext in [
                "",
                ".md",
                ".html.md",
                ".html.md.erb",
                ".md.erb",
                ".markdown",
            ] {
                let path = format!("{root}{dir}{prefix}{base}{ext}");
                if let Some(text) = partials.get(&path) {
                    return Some(text);
                }
            }
        }
    }
    None
}
