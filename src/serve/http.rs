//! HTTP for `serve`: maps a request to a file of the in-memory site and
//! answers it. Only files of the built site are served; nothing here
//! touches the disk, so no URL can reach a file outside the output.
//!
//! Paths are percent-decoded once; `..` segments, backslashes, NUL bytes
//! and drive-letter segments are refused (400) rather than normalised.
//! Folder URLs serve their `index.html`; a folder URL without its trailing
//! slash is redirected so that relative links resolve. A missing file gets
//! the site's `404.html` with status 404. Every response carries
//! `Cache-Control: no-store`; HTML gets the live-reload script (and the
//! error overlay while the last rebuild failed). A request for a host name
//! the preview is not known by gets a 403 first (see `host`).

use super::host::{self, AllowedHosts, HostCheck};
use super::reload;
use super::server::{Request, Response};
use super::ServeState;
use std::sync::Arc;

/// Where a request path leads.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Route {
    /// A root-relative file path to look up (`guides/a.html`).
    File(String),
    /// The path is malformed or tries to climb out: 400.
    Bad,
}

/// Resolves the path part of a request target (no query) to a file of the
/// site. Never yields a path with `..`, `\`, NUL or an empty segment.
pub(crate) fn route(raw_path: &str) -> Route {
    if !raw_path.starts_with('/') {
        return Route::Bad;
    }
    let Some(decoded) = crate::url::decode_strict(raw_path) else {
        return Route::Bad;
    };
    if decoded.contains(['\0', '\\']) {
        return Route::Bad;
    }
    let mut segments = Vec::new();
    for seg in decoded.split('/') {
        match seg {
            "" | "." => {}
            ".." => return Route::Bad,
            s if is_drive(s) => return Route::Bad,
            s => segments.push(s),
        }
    }
    let mut path = segments.join("/");
    if path.is_empty() {
        path.push_str("index.html");
    } else if decoded.ends_with('/') {
        path.push_str("/index.html");
    }
    Route::File(path)
}

/// `C:` and the like: a Windows drive, never a site folder.
fn is_drive(seg: &str) -> bool {
    let b = seg.as_bytes();
    b.len() == 2 && b[0].is_ascii_alphabetic() && b[1] == b':'
}

/// The `Content-Type` for a file name.
pub(crate) fn content_type(path: &str) -> &'static str {
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "pdf" => "application/pdf",
        "txt" | "md" | "markdown" | "toml" | "yaml" | "yml" | "csv" => "text/plain; charset=utf-8",
        "wasm" => "application/wasm",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        _ => "application/octet-stream",
    }
}

fn is_html(path: &str) -> bool {
    matches!(content_type(path), "text/html; charset=utf-8")
}

/// A minimal page for when there is no site yet (the first build failed)
/// or it has no `404.html`.
const FALLBACK_404: &str = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not found</title></head><body><h1>Not found</h1></body></html>\n";

/// Answers one request (on its connection's thread, which a long-poll
/// blocks). Any panic in here is caught by the caller.
pub(crate) fn handle(request: &Request, state: &ServeState, hosts: &AllowedHosts) -> Response {
    match hosts.check(request.header_values("host"), request.http10) {
        HostCheck::Allowed => {}
        HostCheck::Missing => {
            return Response::text(400, "400 bad request: one Host header is required\n")
        }
        HostCheck::Refused(name) => return Response::text(403, &host::refusal(&name)),
    }
    if !matches!(request.method.as_str(), "GET" | "HEAD") {
        return Response::text(405, "405 method not allowed\n").with("Allow", "GET, HEAD");
    }
    let target = request.target.as_str();
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let path = path.split_once('#').map_or(path, |(p, _)| p);
    if path == reload::PATH {
        let seen = reload::seen_generation(query).unwrap_or(u64::MAX);
        return match state.reloader.wait(seen) {
            Some(gen) => Response::new(200, Arc::from(format!("{{\"gen\":{gen}}}").as_bytes()))
                .with("Content-Type", "application/json")
                .with("Cache-Control", "no-store"),
            None => {
                Response::text(503, "503 too many long-polls; try again\n").with("Retry-After", "1")
            }
        };
    }
    let file = match route(path) {
        Route::File(f) => f,
        Route::Bad => return Response::text(400, "400 bad request\n"),
    };
    // The generation before the files: a page never claims a newer
    // generation than its content (at worst it reloads once more).
    let gen = state.reloader.generation();
    let published = state.published();
    if let Some(bytes) = published.get(&file) {
        return file_response(200, &file, &bytes, gen, published.error.as_deref());
    }
    let folder_index = format!("{file}/index.html");
    if !path.ends_with('/') && published.get(&folder_index).is_some() {
        return Response::text(301, "301 moved permanently\n")
            .with("Location", &format!("{path}/"));
    }
    let not_found = published
        .get("404.html")
        .unwrap_or_else(|| Arc::from(FALLBACK_404.as_bytes()));
    file_response(404, "404.html", &not_found, gen, published.error.as_deref())
}

/// A file's response: its bytes (HTML with the reload script and overlay
/// injected) with its content type.
fn file_response(
    status: u16,
    path: &str,
    bytes: &Arc<[u8]>,
    gen: u64,
    error: Option<&str>,
) -> Response {
    let body: Arc<[u8]> = if is_html(path) {
        let mut extra = String::new();
        if let Some(e) = error {
            extra.push_str(&reload::overlay(e));
        }
        extra.push_str(&reload::script(gen));
        Arc::from(reload::inject(bytes, &extra))
    } else {
        Arc::clone(bytes)
    };
    Response::new(status, body)
        .with("Content-Type", content_type(path))
        .with("Cache-Control", "no-store")
        .with("X-Content-Type-Options", "nosniff")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(p: &str) -> Route {
        Route::File(p.to_owned())
    }

    #[test]
    fn routes_files_and_folders() {
        assert_eq!(route("/"), file("index.html"));
        assert_eq!(route("/guides/a.html"), file("guides/a.html"));
        assert_eq!(route("/guides/"), file("guides/index.html"));
        assert_eq!(route("/guides"), file("guides"));
        assert_eq!(route("/a%20b.html"), file("a b.html"));
        assert_eq!(route("//etc/passwd"), file("etc/passwd"));
        assert_eq!(route("/./x.html"), file("x.html"));
    }

    #[test]
    fn refuses_traversal_and_odd_paths() {
        for bad in [
            "/../Cargo.toml",
            "/%2e%2e/%2e%2e/etc/passwd",
            "/..%2f..%2fetc/passwd",
            "/static/../../x",
            "/a/..",
            "/%2E%2E/x",
            "/a%5c..%5cb",
            "/a\\b",
            "/x%00.html",
            "/C:/Windows/win.ini",
            "/%c3%28",
            "/%zz",
            "/%2",
            "relative",
        ] {
            assert_eq!(route(bad), Route::Bad, "{bad}");
        }
    }

    #[test]
    fn decodes_once() {
        // `%252e%252e` is `%2e%2e` after one decoding: a literal name, not `..`.
        assert_eq!(route("/%252e%252e/x"), file("%2e%2e/x"));
    }

    #[test]
    fn content_types() {
        for (p, t) in [
            ("a.html", "text/html; charset=utf-8"),
            ("s.css", "text/css; charset=utf-8"),
            ("t.js", "text/javascript; charset=utf-8"),
            ("h.json", "application/json"),
            ("sitemap.xml", "application/xml; charset=utf-8"),
            ("i.svg", "image/svg+xml"),
            ("i.PNG", "image/png"),
            ("i.jpg", "image/jpeg"),
            ("i.gif", "image/gif"),
            ("i.webp", "image/webp"),
            ("favicon.ico", "image/x-icon"),
            ("f.woff2", "font/woff2"),
            ("d.pdf", "application/pdf"),
            ("r.txt", "text/plain; charset=utf-8"),
            ("blob", "application/octet-stream"),
        ] {
            assert_eq!(content_type(p), t, "{p}");
        }
    }
}
