//! Percent-encoding for the site's URLs, in one place: the encoder every
//! href, sitemap entry and SARIF URI goes through, the lenient decoder for
//! links written in pages, and the strict decoder for request paths.

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// What a path keeps as written (RFC 3986's unreserved set and `/`):
/// every other byte is percent-encoded.
const PATH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

/// A relative path as a URL needs it: `tîm/my page.html` →
/// `t%C3%AEm/my%20page.html`; a page named `a#b.md` or `50%.md` gets a
/// link that reaches it.
pub fn encode_path(path: &str) -> String {
    utf8_percent_encode(path, PATH).to_string()
}

/// A link as a page writes it, decoded: `%XX` escapes applied, and an
/// invalid escape or a result that is not UTF-8 kept as written (a writer's
/// `50%.md` is a file name, not an error).
pub fn decode_lenient(s: &str) -> String {
    if !s.contains('%') {
        return s.to_owned();
    }
    match percent_decode_str(s).decode_utf8() {
        Ok(decoded) => decoded.into_owned(),
        Err(_) => s.to_owned(),
    }
}

/// A request path decoded once, strictly: `None` for a malformed escape
/// (`%`, `%4`, `%zz`) or a result that is not UTF-8, which a server
/// refuses rather than guesses.
pub fn decode_strict(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut i = 0;
    while let Some(off) = bytes[i..].iter().position(|&b| b == b'%') {
        let at = i + off;
        let hex = bytes.get(at + 1..at + 3)?;
        if !hex.iter().all(u8::is_ascii_hexdigit) {
            return None;
        }
        i = at + 3;
    }
    percent_decode_str(s)
        .decode_utf8()
        .ok()
        .map(|d| d.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_all_but_the_unreserved_set_and_slashes() {
        assert_eq!(
            encode_path("tîm/my page #1.html"),
            "t%C3%AEm/my%20page%20%231.html"
        );
        assert_eq!(encode_path("a-b_c.d~e/f"), "a-b_c.d~e/f");
        assert_eq!(encode_path("50%.md?x"), "50%25.md%3Fx");
    }

    #[test]
    fn lenient_keeps_what_does_not_decode() {
        assert_eq!(decode_lenient("my%20page"), "my page");
        assert_eq!(decode_lenient("50%.md"), "50%.md");
        assert_eq!(decode_lenient("%FF"), "%FF");
        assert_eq!(decode_lenient("t%C3%AEm"), "tîm");
    }

    #[test]
    fn strict_refuses_malformed_escapes() {
        assert_eq!(decode_strict("/a%20b"), Some("/a b".to_owned()));
        assert_eq!(decode_strict("/a%2e%2E"), Some("/a..".to_owned()));
        assert_eq!(decode_strict("/50%"), None);
        assert_eq!(decode_strict("/50%4"), None);
        assert_eq!(decode_strict("/%zz"), None);
        assert_eq!(decode_strict("/%FF"), None);
        // Decoded once: `%2525` is `%25`, not `%`.
        assert_eq!(decode_strict("/%2525"), Some("/%25".to_owned()));
    }

    /// Whatever the path, encoding then decoding gives it back, and the
    /// encoded form has nothing a URL path must escape.
    #[test]
    fn round_trips() {
        for p in ["a b/c#d?e", "50%/x", "ü/日本/é.html", "", "/", "%41"] {
            let e = encode_path(p);
            assert!(
                e.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-._~/%".contains(&b)),
                "{e}"
            );
            assert_eq!(decode_strict(&e).as_deref(), Some(p));
            assert_eq!(decode_lenient(&e), p);
        }
    }
}
