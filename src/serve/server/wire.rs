//! The bytes on the wire: reading a request head within its deadline and
//! size, parsing it, and writing a response in pieces that a stalled
//! client cannot hold up for long.

use super::{Request, Response, MAX_HEAD, WRITE_PIECE, WRITE_STALL};
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// A request head longer than [`MAX_HEAD`].
#[derive(Debug, PartialEq, Eq)]
pub(super) struct HeadTooLarge;

/// Reads until `buf` holds a whole request head and takes it out (bytes
/// after it stay in `buf`); `None` when the connection closes, fails or
/// `wait` passes first.
pub(super) fn read_head(
    stream: &TcpStream,
    buf: &mut Vec<u8>,
    wait: Duration,
) -> Result<Option<Vec<u8>>, HeadTooLarge> {
    let deadline = Instant::now() + wait;
    let mut chunk = [0u8; 8192];
    loop {
        // Empty lines before a request line are allowed (RFC 9112 §2.2).
        let blank = buf
            .iter()
            .take_while(|b| matches!(b, b'\r' | b'\n'))
            .count();
        buf.drain(..blank);
        if let Some(end) = head_end(buf) {
            return Ok(Some(buf.drain(..end).collect()));
        }
        if buf.len() > MAX_HEAD {
            return Err(HeadTooLarge);
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return Ok(None);
        }
        match (&*stream).read(&mut chunk) {
            Ok(0) => return Ok(None),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return Ok(None),
        }
    }
}

/// Where the head in `buf` ends (after its blank line, CRLF or bare LF).
pub(super) fn head_end(buf: &[u8]) -> Option<usize> {
    (0..buf.len()).find_map(|i| {
        if buf[i] != b'\n' {
            return None;
        }
        match buf.get(i + 1..) {
            Some([b'\n', ..]) => Some(i + 2),
            Some([b'\r', b'\n', ..]) => Some(i + 3),
            _ => None,
        }
    })
}

/// Parses a request head; the error is the status to answer with.
pub(super) fn parse_head(head: &[u8]) -> Result<Request, u16> {
    let text = std::str::from_utf8(head).map_err(|_| 400u16)?;
    let mut lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let line = lines.next().unwrap_or_default();
    let parts: Vec<&str> = line.split(' ').collect();
    let [method, target, version] = parts[..] else {
        return Err(400);
    };
    let http10 = match version {
        "HTTP/1.1" => false,
        "HTTP/1.0" => true,
        v if v.starts_with("HTTP/") => return Err(505),
        _ => return Err(400),
    };
    if method.is_empty() || !method.bytes().all(is_token) {
        return Err(400);
    }
    if target.is_empty() || !target.bytes().all(|b| b > b' ' && b != 0x7f) {
        return Err(400);
    }
    let mut headers = Vec::new();
    for line in lines.filter(|l| !l.is_empty()) {
        // Folded lines (obsolete) and names with spaces are refused.
        let (name, value) = line.split_once(':').ok_or(400u16)?;
        if name.is_empty() || !name.bytes().all(is_token) {
            return Err(400);
        }
        if value.bytes().any(|b| b == b'\r' || b == 0) {
            return Err(400);
        }
        headers.push((name.to_owned(), value.trim_matches([' ', '\t']).to_owned()));
    }
    Ok(Request {
        method: method.to_owned(),
        target: target.to_owned(),
        http10,
        headers,
    })
}

/// A `tchar` of RFC 9110 (method and header-name characters).
pub(super) fn is_token(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// The body sent with a status this module answers by itself.
pub(super) fn status_text(status: u16) -> &'static str {
    match status {
        505 => "505 HTTP version not supported; use HTTP/1.1\n",
        _ => "400 bad request\n",
    }
}

pub(super) fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        304 => "Not Modified",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "",
    }
}

/// Writes `response` (only its head for `HEAD`), within [`WRITE_STALL`]
/// per 64 KiB and a deadline of 30 s plus 4 s per MiB for all of it.
pub(super) fn write_response(
    stream: &TcpStream,
    response: &Response,
    head_only: bool,
    keep_alive: bool,
) -> io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\n",
        response.status,
        reason(response.status)
    );
    for (name, value) in &response.headers {
        if !value.contains(['\r', '\n']) {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
    }
    head.push_str(&format!("Content-Length: {}\r\n", response.body.len()));
    if !keep_alive {
        head.push_str("Connection: close\r\n");
    }
    head.push_str("\r\n");
    let body: &[u8] = if head_only { &[] } else { &response.body };
    let mb = u64::try_from(body.len() >> 20)
        .unwrap_or(u64::MAX)
        .min(1 << 20);
    let deadline = Instant::now() + Duration::from_secs(30u64.saturating_add(mb.saturating_mul(4)));
    // One write for a small response: one packet, no wait for an ACK.
    if body.len() <= 64 * 1024 {
        let mut all = head.into_bytes();
        all.extend_from_slice(body);
        write_all_by(stream, &all, deadline)
    } else {
        write_all_by(stream, head.as_bytes(), deadline)?;
        write_all_by(stream, body, deadline)
    }
}

/// Writes `bytes` in pieces of [`WRITE_PIECE`]; a piece the client does
/// not take within [`WRITE_STALL`] (the socket's send timeout returns it
/// short) ends the response, as does `deadline`.
pub(super) fn write_all_by(stream: &TcpStream, bytes: &[u8], deadline: Instant) -> io::Result<()> {
    for piece in bytes.chunks(WRITE_PIECE) {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::ErrorKind::TimedOut.into());
        }
        stream.set_write_timeout(Some(left.min(WRITE_STALL)))?;
        // A blocking send returns short only when its timeout passed (or
        // a signal came); either way the client is not keeping up.
        match (&*stream).write(piece) {
            Ok(n) if n == piece.len() => {}
            Ok(_) => return Err(io::ErrorKind::TimedOut.into()),
            Err(e) => return Err(e),
        }
    }
    Ok(())
}
