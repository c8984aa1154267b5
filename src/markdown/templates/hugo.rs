//! Hugo shortcodes: parsing `{{< name args >}}` / `{{% name %}}` tags and
//! their arguments, pairing opening and closing tags, and the HTML the
//! known ones become (callouts, details, figures, video links, labels,
//! `relref`/`ref` links); unknown ones are dropped and reported.

use std::collections::{HashMap, HashSet};

use super::super::highlight::push_escaped;
use super::{line_of, FoundTag, LineCx, TagKind, TemplateCx};

pub(super) struct Shortcode {
    pub(super) name: String,
    /// `<` or `%`, as written.
    pub(super) delim: &'static str,
    pub(super) closing: bool,
    /// `(key, value)`; positional arguments have no key.
    pub(super) args: Vec<(Option<String>, String)>,
    /// On a closing tag whose opening one stood on its own line: the HTML
    /// that closes the block (set by `mark_block_closes`).
    pub(super) block_close: Option<&'static str>,
}

impl Shortcode {
    pub(super) fn positional(&self, n: usize) -> Option<&str> {
        self.args
            .iter()
            .filter(|(k, _)| k.is_none())
            .nth(n)
            .map(|(_, v)| v.as_str())
    }

    fn named(&self, keys: &[&str]) -> Option<&str> {
        keys.iter().find_map(|key| {
            self.args
                .iter()
                .find(|(k, _)| k.as_deref() == Some(key))
                .map(|(_, v)| v.as_str())
        })
    }
}

/// A shortcode tag at the start of `s`: its length and what it is.
pub(super) fn parse_shortcode(s: &str, in_code: bool) -> Option<(usize, TagKind)> {
    let delim = &s[2..3];
    let close_delim = if delim == "<" { ">" } else { "%" };
    let close = format!("{close_delim}}}}}");
    let inner_start = 3;
    let rest = &s[inner_start..];
    let trimmed = rest.trim_start();
    if let Some(escaped) = trimmed.strip_prefix("/*") {
        // `{{</* x */>}}`
        let end = escaped.find("*/")?;
        let after = escaped[end + 2..].trim_start();
        if !after.starts_with(close.as_str()) {
            return None;
        }
        let inner = escaped[..end].trim();
        let len = s.len() - after.len() + close.len();
        return Some((
            len,
            TagKind::Escaped(format!("{{{{{delim} {inner} {close_delim}}}}}")),
        ));
    }
    if in_code {
        return None;
    }
    // Find the close outside quotes, within a sane distance.
    let limit = rest.len().min(4000);
    let mut quote: Option<char> = None;
    let mut end = None;
    for (j, c) in rest[..floor_char(rest, limit)].char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '`' => quote = Some(c),
            None if rest[j..].starts_with(close.as_str()) => {
                end = Some(j);
                break;
            }
            None => {}
        }
    }
    let end = end?;
    let mut inner = rest[..end].trim();
    inner = inner.strip_suffix('/').unwrap_or(inner).trim_end();
    let (closing, inner) = match inner.strip_prefix('/') {
        Some(r) => (true, r.trim_start()),
        None => (false, inner),
    };
    let name_end = inner.find(char::is_whitespace).unwrap_or(inner.len());
    let name = &inner[..name_end];
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_alphanumeric() || "-_/.".contains(c))
    {
        return None;
    }
    let args = parse_args(&inner[name_end..]);
    Some((
        inner_start + end + close.len(),
        TagKind::Shortcode(Shortcode {
            name: name.to_owned(),
            delim: if delim == "<" { "<" } else { "%" },
            closing,
            args,
            block_close: None,
        }),
    ))
}

fn floor_char(s: &str, mut at: usize) -> usize {
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// `a "b c" key="v" k2=v2 `raw``: positional and named arguments.
fn parse_args(s: &str) -> Vec<(Option<String>, String)> {
    let mut args = Vec::new();
    let mut chars = s.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.peek().is_none() {
            break;
        }
        let mut key = None;
        let mut token = String::new();
        let value = loop {
            match chars.peek().copied() {
                Some(q @ ('"' | '`')) => {
                    chars.next();
                    let mut v = String::new();
                    while let Some(c) = chars.next() {
                        if c == q {
                            break;
                        }
                        if c == '\\' && q == '"' {
                            if let Some(n) = chars.next() {
                                v.push(n);
                            }
                            continue;
                        }
                        v.push(c);
                    }
                    break v;
                }
                Some('=') if key.is_none() && !token.is_empty() => {
                    chars.next();
                    key = Some(std::mem::take(&mut token));
                }
                Some(c) if !c.is_whitespace() => {
                    token.push(c);
                    chars.next();
                }
                _ => break std::mem::take(&mut token),
            }
        };
        args.push((key, value));
    }
    args
}

/// Index of each opening shortcode → index of its closing tag.
pub(super) fn pair_shortcodes(tags: &[FoundTag]) -> HashMap<usize, usize> {
    let mut pairs = HashMap::new();
    let mut open: Vec<(usize, &str)> = Vec::new();
    for (i, tag) in tags.iter().enumerate() {
        let TagKind::Shortcode(sc) = &tag.kind else {
            continue;
        };
        if sc.closing {
            if let Some(k) = open.iter().rposition(|(_, n)| *n == sc.name) {
                pairs.insert(open[k].0, i);
                open.truncate(k);
            }
        } else {
            open.push((i, &sc.name));
        }
    }
    pairs
}

/// The callout kind (theme class) a shortcode's type names.
fn callout_kind(word: &str) -> Option<&'static str> {
    Some(match word.to_ascii_lowercase().as_str() {
        "note" | "info" | "primary" | "secondary" | "light" | "dark" | "notice" => "note",
        "tip" | "success" | "hint" => "tip",
        "important" => "important",
        "warning" | "warn" | "attention" => "warning",
        "caution" | "danger" | "error" => "caution",
        _ => return None,
    })
}

const CALLOUTS: &[&str] = &[
    "alert",
    "notice",
    "note",
    "warning",
    "tip",
    "info",
    "caution",
    "important",
    "callout",
    "panel",
    "admonition",
    "hint",
];

/// What a shortcode tag becomes; closing HTML for paired block shortcodes
/// is produced when their closing tag is reached (see `block_close`).
pub(super) fn shortcode_html(
    sc: &Shortcode,
    paired: bool,
    line: &LineCx<'_>,
    cx: &TemplateCx<'_>,
    note: &mut impl FnMut(usize, String),
    at: usize,
) -> String {
    let name = sc.name.to_ascii_lowercase();
    let blank = format!("\n{}", line.prefix.trim_end_matches([' ', '\t']));
    match name.as_str() {
        n if CALLOUTS.contains(&n) => {
            let kind = sc
                .named(&["type", "color", "style", "kind", "header-bg"])
                .and_then(callout_kind)
                .or_else(|| sc.positional(0).and_then(callout_kind))
                .or_else(|| callout_kind(n))
                .unwrap_or("note");
            let title = sc
                .named(&["title", "header", "heading"])
                .map(|t| t.trim_matches('*').to_owned())
                .unwrap_or_else(|| {
                    let mut c = kind.chars();
                    c.next()
                        .map(|f| f.to_uppercase().chain(c).collect())
                        .unwrap_or_default()
                });
            if !paired || !line.alone {
                return String::new();
            }
            let mut s = format!(
                "<div class=\"callout callout-{kind}\" role=\"note\"><p class=\"callout-title\">"
            );
            push_escaped(&mut s, &title);
            s.push_str("</p>");
            s.push_str(&blank);
            s
        }
        "details" | "collapse" | "expand" | "spoiler" => {
            if !paired || !line.alone {
                return String::new();
            }
            let summary = sc
                .named(&["summary", "title", "header"])
                .or_else(|| sc.positional(0))
                .unwrap_or("Details");
            let mut s = String::from("<details><summary>");
            push_escaped(&mut s, summary);
            s.push_str("</summary>");
            s.push_str(&blank);
            s
        }
        "figure" => {
            let src = sc.named(&["src"]).unwrap_or_default();
            let alt = sc.named(&["alt", "title", "caption"]).unwrap_or_default();
            let caption = sc.named(&["caption", "title"]);
            let mut s = String::from("<figure><img src=\"");
            push_escaped(&mut s, src);
            s.push_str("\" alt=\"");
            push_escaped(&mut s, alt);
            s.push_str("\">");
            if let Some(c) = caption {
                s.push_str("<figcaption>");
                push_escaped(&mut s, c);
                s.push_str("</figcaption>");
            }
            s.push_str("</figure>");
            if line.alone {
                s.push_str(&blank);
            }
            s
        }
        "youtube" | "vimeo" => {
            let id = sc
                .named(&["id"])
                .or_else(|| sc.positional(0))
                .unwrap_or_default();
            let title = sc.named(&["title"]);
            let (site, url) = if name == "youtube" {
                ("YouTube", format!("https://www.youtube.com/watch?v={id}"))
            } else {
                ("Vimeo", format!("https://vimeo.com/{id}"))
            };
            let mut s = String::from("<a class=\"video-link\" href=\"");
            push_escaped(&mut s, &url);
            s.push_str("\">");
            push_escaped(&mut s, title.unwrap_or(&format!("{site} video")));
            s.push_str("</a>");
            if line.alone {
                // A paragraph of its own, not an HTML block swallowing the next line.
                s = format!("<p>{s}</p>{blank}");
            }
            s
        }
        "label" => {
            // GitLab's label chip: its name is the content.
            let mut s = String::from("<span class=\"label\">");
            push_escaped(
                &mut s,
                sc.named(&["name"])
                    .or_else(|| sc.positional(0))
                    .unwrap_or_default(),
            );
            s.push_str("</span>");
            s
        }
        "relref" | "ref" => {
            let target = sc
                .named(&["path"])
                .or_else(|| sc.positional(0))
                .unwrap_or_default();
            let link = relref(cx.page_path, target, cx.known_pages);
            if line.link_dest {
                link
            } else {
                // Printed as text: the URL the page is published at.
                match link.split_once('#') {
                    Some((path, fragment)) => {
                        format!("{}#{fragment}", super::super::page_url(path))
                    }
                    None => super::super::page_url(&link),
                }
            }
        }
        _ => {
            let close = if sc.delim == "<" { ">" } else { "%" };
            note(at, format!("{{{{{} {} {close}}}}}", sc.delim, sc.name));
            String::new()
        }
    }
}

/// The closing HTML of a block shortcode, set on its closing tag before output.
fn block_close_for(name: &str) -> Option<&'static str> {
    let name = name.to_ascii_lowercase();
    if CALLOUTS.contains(&name.as_str()) {
        Some("</div>")
    } else if matches!(name.as_str(), "details" | "collapse" | "expand" | "spoiler") {
        Some("</details>")
    } else {
        None
    }
}

/// Sets each paired block shortcode's closing HTML on its closing tag.
pub(super) fn mark_block_closes(tags: &mut [FoundTag], pairs: &HashMap<usize, usize>, body: &str) {
    for (&open, &close) in pairs {
        let (alone, name) = match &tags[open].kind {
            TagKind::Shortcode(sc) => (
                line_of(body, tags[open].start, tags[open].end).alone,
                sc.name.clone(),
            ),
            _ => continue,
        };
        if let TagKind::Shortcode(sc) = &mut tags[close].kind {
            sc.block_close = if alone { block_close_for(&name) } else { None };
        }
    }
}

/// A Hugo `relref`/`ref` target as a relative link to the page's source
/// (`../ops/oncall.md#paging`): resolved against the page's folder first,
/// then the content root; the extension is optional. Unresolved targets
/// are returned as written.
fn relref(page_path: &str, target: &str, known: &HashSet<String>) -> String {
    let (path, fragment) = match target.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (target, None),
    };
    let page_dir = page_path.rfind('/').map_or("", |i| &page_path[..i]);
    let bases: Vec<String> = if let Some(abs) = path.strip_prefix('/') {
        vec![abs.to_owned()]
    } else {
        let mut v = Vec::new();
        if !page_dir.is_empty() {
            v.push(format!("{page_dir}/{path}"));
        }
        v.push(path.to_owned());
        v
    };
    let found = bases.iter().find_map(|base| {
        let base = normalise(base)?;
        let trimmed = base.trim_end_matches('/');
        [
            base.clone(),
            format!("{trimmed}.md"),
            format!("{trimmed}/_index.md"),
            format!("{trimmed}/index.md"),
            format!("{trimmed}/README.md"),
            format!("{trimmed}.html.md"),
            format!("{trimmed}.html.md.erb"),
        ]
        .into_iter()
        .find(|c| known.contains(c))
    });
    let mut link = match (found, path.is_empty()) {
        (Some(found), _) => relative_path(page_dir, &found),
        (None, true) => String::new(),
        (None, false) => path.to_owned(),
    };
    if let Some(f) = fragment {
        link.push('#');
        link.push_str(f);
    }
    link.replace(' ', "%20")
}

fn normalise(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// `target` (under the content root) as a path relative to the folder `from`.
fn relative_path(from: &str, target: &str) -> String {
    let from: Vec<&str> = from.split('/').filter(|s| !s.is_empty()).collect();
    let to: Vec<&str> = target.split('/').collect();
    let common = from
        .iter()
        .zip(&to)
        .take_while(|(a, b)| a == b)
        .count()
        .min(to.len().saturating_sub(1));
    let mut out = "../".repeat(from.len() - common);
    out.push_str(&to[common..].join("/"));
    out
}
