//! Raw HTML in a page: the link targets it defines (`id="..."` on any tag
//! and `<a name="...">`, as READMEs written for GitHub use them:
//! `<h2><a name="introduction">Introduction</a></h2>`) and the links it
//! makes (`<a href>`, `<img src>`), which are checked like markdown ones.
//!
//! A small tag scanner, not an HTML parser: it reads start tags and their
//! attributes (quoted, single-quoted or bare values) and skips comments. It
//! never panics and ignores anything it does not understand.

/// Calls `found(tag, key, value)` for every attribute of every start tag
/// in `html`; `value` is a slice of `html`.
fn scan_tags<'h>(html: &'h str, mut found: impl FnMut(&'h str, &'h str, &'h str)) {
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        rest = &rest[lt + 1..];
        if let Some(after) = rest.strip_prefix("!--") {
            rest = after.find("-->").map_or("", |end| &after[end + 3..]);
            continue;
        }
        let name_len = rest
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(rest.len());
        if name_len == 0 || !rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        let tag = &rest[..name_len];
        rest = read_attributes(&rest[name_len..], |key, value| found(tag, key, value));
    }
}

/// Appends the anchors that start tags in `html` define to `out`.
pub(super) fn collect_html_anchors(html: &str, out: &mut Vec<String>) {
    scan_tags(html, |tag, key, value| {
        let wanted = key.eq_ignore_ascii_case("id")
            || (tag.eq_ignore_ascii_case("a") && key.eq_ignore_ascii_case("name"));
        if wanted && !value.is_empty() {
            out.push(value.to_owned());
        }
    });
}

/// A link in raw HTML: `<a href>` or `<img src>`.
pub(super) struct HtmlLink {
    /// Byte range of the attribute's value in the HTML.
    pub at: std::ops::Range<usize>,
    /// The destination, `&amp;` decoded.
    pub dest: String,
    /// `<img src>`.
    pub image: bool,
}

/// The links of `html`, in order.
pub(super) fn html_links(html: &str) -> Vec<HtmlLink> {
    let mut out = Vec::new();
    scan_tags(html, |tag, key, value| {
        let image = tag.eq_ignore_ascii_case("img") && key.eq_ignore_ascii_case("src");
        let link = tag.eq_ignore_ascii_case("a") && key.eq_ignore_ascii_case("href");
        if (image || link) && !value.is_empty() {
            let start = value.as_ptr() as usize - html.as_ptr() as usize;
            out.push(HtmlLink {
                at: start..start + value.len(),
                dest: value.replace("&amp;", "&"),
                image,
            });
        }
    });
    out
}

/// Reads `key=value` pairs up to the end of a start tag, calling `found` for
/// each; returns what follows the tag.
fn read_attributes<'h>(mut s: &'h str, mut found: impl FnMut(&'h str, &'h str)) -> &'h str {
    loop {
        s = s.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '/');
        if s.is_empty() || s.starts_with(['>', '<']) {
            return s.strip_prefix('>').unwrap_or(s);
        }
        let key_len = s
            .find(|c: char| c.is_ascii_whitespace() || matches!(c, '=' | '>' | '/' | '<'))
            .unwrap_or(s.len())
            .max(1);
        let key = s.get(..key_len).unwrap_or("");
        s = s.get(key_len..).unwrap_or("").trim_start();
        let Some(after_eq) = s.strip_prefix('=') else {
            continue;
        };
        let after_eq = after_eq.trim_start();
        let (value, rest) = match after_eq.chars().next() {
            Some(q @ ('"' | '\'')) => {
                let inner = &after_eq[1..];
                match inner.find(q) {
                    Some(end) => (&inner[..end], &inner[end + 1..]),
                    None => (inner, ""),
                }
            }
            _ => {
                let end = after_eq
                    .find(|c: char| c.is_ascii_whitespace() || c == '>')
                    .unwrap_or(after_eq.len());
                (&after_eq[..end], &after_eq[end..])
            }
        };
        found(key, value.trim());
        s = rest;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn anchors(html: &str) -> Vec<String> {
        let mut out = Vec::new();
        collect_html_anchors(html, &mut out);
        out
    }

    #[test]
    fn ids_and_a_names_are_anchors() {
        assert_eq!(
            anchors(r#"<h2><a name="introduction">Introduction</a></h2>"#),
            ["introduction"]
        );
        assert_eq!(anchors(r#"<div class="x" id='box'>"#), ["box"]);
        assert_eq!(anchors("<span id=bare>"), ["bare"]);
        assert_eq!(anchors("<div\n  ID=\"multi\"\n>"), ["multi"]);
        assert_eq!(
            anchors(r#"<img data-id="no" src="a.png"/><p id="yes"/>"#),
            ["yes"]
        );
    }

    #[test]
    fn hrefs_and_srcs_are_links_at_their_value() {
        let html = r#"<p><a class="x" href="../adr/0001-x.md#ctx">A</a> <img alt="" src='img/a.png'> <a name="n"> <link href="x.css"> <a href="?a=1&amp;b=2">"#;
        let links = html_links(html);
        let dests: Vec<(&str, bool)> = links.iter().map(|l| (l.dest.as_str(), l.image)).collect();
        assert_eq!(
            dests,
            [
                ("../adr/0001-x.md#ctx", false),
                ("img/a.png", true),
                ("?a=1&b=2", false)
            ]
        );
        assert_eq!(&html[links[0].at.clone()], "../adr/0001-x.md#ctx");
        assert!(html_links("<!-- <a href=\"gone.md\"> -->").is_empty());
    }

    #[test]
    fn other_names_comments_and_junk_are_not() {
        assert!(anchors(r#"<input name="q">"#).is_empty());
        assert!(anchors(r#"<!-- <a name="hidden"> -->"#).is_empty());
        assert!(anchors("a < b and <3 and </a> <").is_empty());
        assert!(anchors("<a id=\"unterminated").len() == 1);
        assert!(anchors("<é id=x>").is_empty());
    }
}
