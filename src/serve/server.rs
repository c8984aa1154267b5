//! The HTTP/1.x server of `serve`, on `std::net`: accepts connections,
//! reads request heads, writes responses. It knows nothing of the site; a
//! [`Handler`] turns each [`Request`] into a [`Response`].
//!
//! It replaces tiny_http 0.12, which could be stopped for good from the
//! network: it leaked a thread and two descriptors per request line of
//! another HTTP version, spawned a thread per connection without limit,
//! had no read or write timeouts, and its accept thread quit at the first
//! accept error (EMFILE), after which every connection was refused. Those
//! are inside tiny_http and cannot be fixed from outside. What holds here:
//!
//! - The accept loop never ends on an error: it backs off (up to 0.5 s) and
//!   retries; out of descriptors, it first closes the longest-idle
//!   connection. Only [`Server::stop`] ends it.
//! - At most `cap` connections are open (see [`connection_cap`]), one
//!   thread each. A connection that has not sent a whole request head is
//!   idle; when a new one arrives at the cap, the longest-idle one is
//!   closed for it (a browser reopens it). When all are busy the newcomer
//!   gets a 503. A thread that cannot be started costs that one connection.
//! - A request head must arrive within [`HEAD_TIMEOUT`] (the next one on a
//!   kept-alive connection within [`KEEP_ALIVE`]) and fit in [`MAX_HEAD`].
//! - A response the client does not take 64 KiB of within [`WRITE_STALL`]
//!   is abandoned and the connection closed, as is one still unsent after a
//!   deadline that grows with its size.
//! - HTTP/1.0 and 1.1 only; any other version gets 505 and is closed.
//!   HTTP/1.1 connections are kept alive unless the client says `close`;
//!   request bodies are never read (a request with one is answered, then
//!   the connection closed).
//!
//! Must not panic on anything a client sends; a panic in the handler is
//! caught and answered with a 500.

use std::collections::HashMap;
use std::io::{self, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// A request head must arrive within this long of the connection opening.
pub(crate) const HEAD_TIMEOUT: Duration = Duration::from_secs(10);

/// A kept-alive connection is closed after this long without a request.
pub(crate) const KEEP_ALIVE: Duration = Duration::from_secs(5);

/// A response is abandoned when the client takes less than a
/// [`WRITE_PIECE`] in this long.
pub(crate) const WRITE_STALL: Duration = Duration::from_secs(10);

/// Responses are written in pieces of this size, each within [`WRITE_STALL`].
const WRITE_PIECE: usize = 64 * 1024;

/// The longest request head accepted (431 beyond).
pub(crate) const MAX_HEAD: usize = 16 * 1024;

/// Most connections open at once, whatever the descriptor limit.
const MAX_CONNECTIONS: usize = 512;

/// Fewest, however low the descriptor limit.
const MIN_CONNECTIONS: usize = 16;

/// The accept loop's pause after an error grows to this.
const MAX_BACKOFF: Duration = Duration::from_millis(500);

/// Stack of a connection thread (routing and writing need little).
const STACK: usize = 256 * 1024;

/// Maps a request to its response; runs on the connection's thread and
/// may block (the long-poll does).
pub(crate) type Handler = dyn Fn(&Request) -> Response + Send + Sync;

/// Starts a connection's thread; the default spawns a named OS thread.
type Spawner = dyn Fn(Box<dyn FnOnce() + Send>) -> io::Result<()> + Send + Sync;

/// A parsed request head.
#[derive(Debug)]
pub(crate) struct Request {
    /// `GET`, `HEAD`, ... (case as sent).
    pub(crate) method: String,
    /// The request target as sent (`/guides/a.html?x=1`).
    pub(crate) target: String,
    /// HTTP/1.0 (else 1.1).
    pub(crate) http10: bool,
    /// Header names and values, values trimmed, in order.
    pub(crate) headers: Vec<(String, String)>,
}

impl Request {
    /// The values of header `name` (any case).
    pub(crate) fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Whether the connection may serve another request after this one.
    fn keep_alive(&self) -> bool {
        let has_body = self.header_values("transfer-encoding").next().is_some()
            || self
                .header_values("content-length")
                .any(|v| v.trim() != "0");
        let close = self
            .header_values("connection")
            .flat_map(|v| v.split(','))
            .any(|t| t.trim().eq_ignore_ascii_case("close"));
        !self.http10 && !has_body && !close
    }
}

/// A response: status, headers and the whole body.
#[derive(Debug)]
pub(crate) struct Response {
    /// The status code.
    pub(crate) status: u16,
    /// Extra headers (`Content-Length` and `Connection` are added).
    pub(crate) headers: Vec<(&'static str, String)>,
    /// The body (left out for `HEAD`).
    pub(crate) body: Arc<[u8]>,
}

impl Response {
    /// A response with no headers yet.
    pub(crate) fn new(status: u16, body: Arc<[u8]>) -> Response {
        Response {
            status,
            headers: Vec::new(),
            body,
        }
    }

    /// A plain-text response that is never cached.
    pub(crate) fn text(status: u16, body: &str) -> Response {
        Response::new(status, Arc::from(body.as_bytes()))
            .with("Content-Type", "text/plain; charset=utf-8")
            .with("Cache-Control", "no-store")
    }

    /// Adds a header. A value with a line break is dropped when written.
    pub(crate) fn with(mut self, name: &'static str, value: &str) -> Response {
        self.headers.push((name, value.to_owned()));
        self
    }
}

/// The most connections to keep open with `nofile` descriptors allowed:
/// half of them (the rebuild and the watcher need the rest), within
/// [`MIN_CONNECTIONS`]..=[`MAX_CONNECTIONS`].
pub(crate) fn connection_cap(nofile: Option<u64>) -> usize {
    match nofile {
        Some(n) => {
            let half = n.saturating_sub(32) / 2;
            usize::try_from(half)
                .unwrap_or(MAX_CONNECTIONS)
                .clamp(MIN_CONNECTIONS, MAX_CONNECTIONS)
        }
        None => MAX_CONNECTIONS,
    }
}

/// The soft limit on open descriptors (`ulimit -n`), where there is one.
pub(crate) fn descriptor_limit() -> Option<u64> {
    #[cfg(unix)]
    {
        let mut lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit only writes the struct it is given.
        let ok = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) } == 0;
        if ok && lim.rlim_cur != libc::RLIM_INFINITY {
            // `rlim_t` is u64 on Linux but not on every Unix.
            #[allow(clippy::useless_conversion)]
            return u64::try_from(lim.rlim_cur).ok();
        }
    }
    None
}

/// A running server; [`stop`](Server::stop) it.
pub(crate) struct Server {
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
    /// Where a connection wakes the accept loop.
    wake: SocketAddr,
}

struct Shared {
    listener: TcpListener,
    handler: Box<Handler>,
    spawn: Box<Spawner>,
    cap: usize,
    stopping: AtomicBool,
    conns: Mutex<Conns>,
    /// Signalled when a connection closes.
    closed: Condvar,
}

#[derive(Default)]
struct Conns {
    next_id: u64,
    open: HashMap<u64, Conn>,
}

struct Conn {
    stream: Arc<TcpStream>,
    /// Since when it waits for a request head; `None` while busy.
    idle_since: Option<Instant>,
}

impl Conns {
    /// Closes the connection idle the longest; false if none is idle.
    fn evict_idlest(&mut self) -> bool {
        let idlest = self
            .open
            .iter()
            .filter_map(|(id, c)| c.idle_since.map(|t| (t, *id)))
            .min();
        match idlest.and_then(|(_, id)| self.open.remove(&id)) {
            Some(conn) => {
                // Wakes its thread, blocked reading, which then exits.
                let _ = conn.stream.shutdown(Shutdown::Both);
                true
            }
            None => false,
        }
    }
}

impl Server {
    /// Serves `listener` with `handler`, at most `cap` connections at once.
    pub(crate) fn start(
        listener: TcpListener,
        handler: Box<Handler>,
        cap: usize,
    ) -> io::Result<Server> {
        let spawn: Box<Spawner> = Box::new(|job| {
            std::thread::Builder::new()
                .name("handbook-http".to_owned())
                .stack_size(STACK)
                .spawn(job)
                .map(drop)
        });
        Server::start_with(listener, handler, cap, spawn)
    }

    fn start_with(
        listener: TcpListener,
        handler: Box<Handler>,
        cap: usize,
        spawn: Box<Spawner>,
    ) -> io::Result<Server> {
        let local = listener.local_addr()?;
        let wake_ip = match local.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
            ip => ip,
        };
        let shared = Arc::new(Shared {
            listener,
            handler,
            spawn,
            cap: cap.max(1),
            stopping: AtomicBool::new(false),
            conns: Mutex::new(Conns::default()),
            closed: Condvar::new(),
        });
        let accept = {
            let shared = Arc::clone(&shared);
            std::thread::Builder::new()
                .name("handbook-accept".to_owned())
                .spawn(move || shared.accept_loop())?
        };
        Ok(Server {
            shared,
            accept: Some(accept),
            wake: SocketAddr::new(wake_ip, local.port()),
        })
    }

    /// Stops accepting, closes idle connections and waits (up to 2 s) for
    /// the busy ones to finish their response.
    pub(crate) fn stop(mut self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
        // Wake the accept loop, blocked in accept(); if even that fails
        // (no descriptors), leave it: it exits at its next connection.
        let woke = TcpStream::connect_timeout(&self.wake, Duration::from_secs(1)).is_ok();
        if let Some(accept) = self.accept.take() {
            if woke {
                let _ = accept.join();
            }
        }
        let deadline = Instant::now() + Duration::from_secs(2);
        let mut conns = self.shared.lock();
        loop {
            while conns.evict_idlest() {}
            let left = deadline.saturating_duration_since(Instant::now());
            if conns.open.is_empty() || left.is_zero() {
                return;
            }
            conns = self
                .shared
                .closed
                .wait_timeout(conns, left.min(Duration::from_millis(100)))
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Conns> {
        self.conns.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn stopping(&self) -> bool {
        self.stopping.load(Ordering::SeqCst)
    }

    fn accept_loop(self: &Arc<Self>) {
        let mut backoff = Duration::ZERO;
        let mut last_warning: Option<Instant> = None;
        while !self.stopping() {
            match self.listener.accept() {
                Ok((stream, _)) => {
                    backoff = Duration::ZERO;
                    if self.stopping() {
                        return;
                    }
                    self.admit(stream, &mut last_warning);
                }
                Err(e) => {
                    if self.stopping() {
                        return;
                    }
                    if out_of_descriptors(&e) {
                        self.lock().evict_idlest();
                    }
                    warn(
                        &mut last_warning,
                        &format!("cannot accept a connection ({e}); retrying"),
                    );
                    backoff = (backoff * 2).clamp(Duration::from_millis(5), MAX_BACKOFF);
                    std::thread::sleep(backoff);
                }
            }
        }
    }

    /// Registers a new connection (making room if need be) and starts its
    /// thread; refuses it when every slot is busy or no thread starts.
    fn admit(self: &Arc<Self>, stream: TcpStream, last_warning: &mut Option<Instant>) {
        // Accepted sockets inherit TCP_NODELAY on Linux; elsewhere set it.
        let _ = stream.set_nodelay(true);
        let stream = Arc::new(stream);
        let id = {
            let mut conns = self.lock();
            if conns.open.len() >= self.cap && !conns.evict_idlest() {
                drop(conns);
                refuse(&stream, "503 too many connections; try again\n");
                return;
            }
            let id = conns.next_id;
            conns.next_id += 1;
            conns.open.insert(
                id,
                Conn {
                    stream: Arc::clone(&stream),
                    idle_since: Some(Instant::now()),
                },
            );
            id
        };
        let shared = Arc::clone(self);
        let conn = Arc::clone(&stream);
        let job = Box::new(move || {
            shared.serve_connection(id, &conn);
            shared.close(id);
        });
        if let Err(e) = (self.spawn)(job) {
            self.close(id);
            refuse(&stream, "503 the server is out of threads; try again\n");
            warn(
                last_warning,
                &format!("cannot start a thread for a connection ({e}); it was refused"),
            );
        }
    }

    /// Forgets connection `id` (its socket closes with the last handle).
    fn close(&self, id: u64) {
        self.lock().open.remove(&id);
        self.closed.notify_all();
    }

    /// Marks `id` idle (waiting for a request) or busy; false when it was
    /// closed meanwhile to make room.
    fn set_idle(&self, id: u64, idle: bool) -> bool {
        match self.lock().open.get_mut(&id) {
            Some(c) => {
                c.idle_since = idle.then(Instant::now);
                true
            }
            None => false,
        }
    }

    /// Answers requests on one connection until it closes, times out, is
    /// closed to make room, or asks for no more.
    fn serve_connection(&self, id: u64, stream: &TcpStream) {
        let mut buf = Vec::new();
        let mut wait = HEAD_TIMEOUT;
        loop {
            if self.stopping() || !self.set_idle(id, true) {
                return;
            }
            let head = match read_head(stream, &mut buf, wait) {
                Ok(Some(head)) => head,
                Ok(None) => return,
                Err(HeadTooLarge) => {
                    let r = Response::text(431, "431 request header fields too large\n");
                    let _ = write_response(stream, &r, false, false);
                    return;
                }
            };
            if !self.set_idle(id, false) {
                return;
            }
            wait = KEEP_ALIVE;
            let (response, head_only, keep) = match parse_head(&head) {
                Ok(req) => {
                    let response = catch_unwind(AssertUnwindSafe(|| (self.handler)(&req)))
                        .unwrap_or_else(|_| {
                            Response::text(500, "500 internal error (please report it)\n")
                        });
                    let head_only = req.method == "HEAD";
                    (response, head_only, req.keep_alive() && !self.stopping())
                }
                Err(status) => (Response::text(status, status_text(status)), false, false),
            };
            if write_response(stream, &response, head_only, keep).is_err() || !keep {
                return;
            }
        }
    }
}

/// Whether an accept error means no descriptor was free.
fn out_of_descriptors(e: &io::Error) -> bool {
    #[cfg(unix)]
    {
        matches!(e.raw_os_error(), Some(libc::EMFILE | libc::ENFILE))
    }
    #[cfg(not(unix))]
    {
        let _ = e;
        false
    }
}

/// Prints `warning: serve: {what}`, at most once every 10 s.
fn warn(last: &mut Option<Instant>, what: &str) {
    if last.is_some_and(|t| t.elapsed() < Duration::from_secs(10)) {
        return;
    }
    *last = Some(Instant::now());
    eprintln!("warning: serve: {what}");
}

/// Tells a connection that cannot be served why, without waiting on it.
fn refuse(stream: &TcpStream, body: &str) {
    let _ = stream.set_write_timeout(Some(Duration::from_millis(100)));
    let head = format!(
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nRetry-After: 1\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = (&*stream).write_all(head.as_bytes());
}

#[cfg(test)]
mod tests;
mod wire;

use wire::{parse_head, read_head, status_text, write_response, HeadTooLarge};
