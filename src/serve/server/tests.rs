use super::wire::head_end;
use super::*;
use std::io::Read;
use std::sync::atomic::AtomicUsize;

fn parse(s: &str) -> Result<Request, u16> {
    parse_head(s.as_bytes())
}

#[test]
fn parses_http_10_and_11_heads() {
    let r = parse("GET /a?b=1 HTTP/1.1\r\nHost: x:1\r\nX-A:  v \r\n\r\n").unwrap();
    assert_eq!((r.method.as_str(), r.target.as_str()), ("GET", "/a?b=1"));
    assert!(!r.http10);
    assert_eq!(r.header_values("host").collect::<Vec<_>>(), ["x:1"]);
    assert_eq!(r.header_values("x-a").collect::<Vec<_>>(), ["v"]);
    let r = parse("HEAD / HTTP/1.0\n\n").unwrap();
    assert!(r.http10 && r.headers.is_empty());
}

#[test]
fn refuses_other_versions_with_505_and_garbage_with_400() {
    for v in ["HTTP/2.0", "HTTP/2", "HTTP/0.9", "HTTP/3.0", "HTTP/1.2"] {
        assert_eq!(
            parse(&format!("GET / {v}\r\n\r\n")).unwrap_err(),
            505,
            "{v}"
        );
    }
    for bad in [
        "GET /\r\n\r\n",
        "GET  / HTTP/1.1\r\n\r\n",
        "GET / HTTP/1.1 x\r\n\r\n",
        "GET / http/1.1\r\n\r\n",
        "G(T / HTTP/1.1\r\n\r\n",
        "GET /\x01 HTTP/1.1\r\n\r\n",
        "GET / HTTP/1.1\r\nno colon\r\n\r\n",
        "GET / HTTP/1.1\r\nA: b\r\n folded\r\n\r\n",
        "GET / HTTP/1.1\r\nBad Name: b\r\n\r\n",
        "GET / HTTP/1.1\r\nA: b\rc\r\n\r\n",
    ] {
        assert_eq!(parse(bad).unwrap_err(), 400, "{bad:?}");
    }
    assert_eq!(parse_head(b"GET /\xff HTTP/1.1\r\n\r\n").unwrap_err(), 400);
}

#[test]
fn finds_the_end_of_a_head() {
    assert_eq!(head_end(b"GET / HTTP/1.1\r\n\r\nrest"), Some(18));
    assert_eq!(head_end(b"GET / HTTP/1.1\n\nrest"), Some(16));
    assert_eq!(head_end(b"GET / HTTP/1.1\r\nHost: x\r\n"), None);
}

#[test]
fn keeps_alive_only_http_11_without_body_or_close() {
    let keep = |s: &str| parse(s).unwrap().keep_alive();
    assert!(keep("GET / HTTP/1.1\r\n\r\n"));
    assert!(keep("GET / HTTP/1.1\r\nContent-Length: 0\r\n\r\n"));
    assert!(!keep(
        "GET / HTTP/1.1\r\nConnection: keep-alive, Close\r\n\r\n"
    ));
    assert!(!keep("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
    assert!(!keep("POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\n"));
    assert!(!keep(
        "GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
    ));
}

#[test]
fn connection_cap_follows_the_descriptor_limit() {
    assert_eq!(connection_cap(Some(256)), 112);
    assert_eq!(connection_cap(Some(1024)), 496);
    assert_eq!(connection_cap(Some(1 << 20)), MAX_CONNECTIONS);
    assert_eq!(connection_cap(Some(10)), MIN_CONNECTIONS);
    assert_eq!(connection_cap(None), MAX_CONNECTIONS);
}

/// A server on 127.0.0.1 answering "ok" to everything.
fn server(cap: usize, spawn: Option<Box<Spawner>>) -> (Server, SocketAddr) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let handler: Box<Handler> = Box::new(|_| Response::text(200, "ok"));
    let server = match spawn {
        Some(spawn) => Server::start_with(listener, handler, cap, spawn),
        None => Server::start(listener, handler, cap),
    }
    .unwrap();
    (server, addr)
}

/// The status of a `GET /` on a new connection.
fn status(addr: SocketAddr) -> u16 {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    // A refused connection may be reset once its answer is sent.
    let mut out = Vec::new();
    let mut buf = [0u8; 1024];
    while let Ok(n @ 1..) = s.read(&mut buf) {
        out.extend_from_slice(&buf[..n]);
    }
    let out = String::from_utf8_lossy(&out);
    out.split(' ').nth(1).unwrap().parse().unwrap()
}

#[test]
fn a_thread_that_cannot_start_costs_one_connection() {
    let calls = Arc::new(AtomicUsize::new(0));
    let spawn: Box<Spawner> = {
        let calls = Arc::clone(&calls);
        Box::new(move |job| {
            if calls.fetch_add(1, Ordering::SeqCst) % 2 == 1 {
                return Err(io::Error::new(io::ErrorKind::WouldBlock, "no threads"));
            }
            std::thread::spawn(job);
            Ok(())
        })
    };
    let (server, addr) = server(8, Some(spawn));
    let statuses: Vec<u16> = (0..6).map(|_| status(addr)).collect();
    assert_eq!(statuses, [200, 503, 200, 503, 200, 503]);
    server.stop();
}

#[test]
fn at_the_cap_the_longest_idle_connection_makes_room() {
    let (server, addr) = server(2, None);
    // Opened one after the other, so that their ages differ even on a
    // loaded machine.
    let mut idle = Vec::new();
    for _ in 0..2 {
        idle.push(TcpStream::connect(addr).unwrap());
        std::thread::sleep(Duration::from_millis(150));
    }
    assert_eq!(status(addr), 200);
    // The first idle connection was closed for it (end of stream), and the
    // second left open (its read times out).
    idle[0]
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut buf = [0u8; 16];
    assert_eq!(idle[0].read(&mut buf).unwrap(), 0);
    idle[1]
        .set_read_timeout(Some(Duration::from_millis(100)))
        .unwrap();
    assert!(
        idle[1].read(&mut buf).is_err(),
        "the newer idle connection was closed"
    );
    server.stop();
}

#[test]
fn keeps_a_connection_alive_across_requests() {
    let (server, addr) = server(4, None);
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    // Two pipelined requests, then one more: three answers on one connection.
    s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\nHEAD / HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    assert_eq!(out.matches("HTTP/1.1 200 OK\r\n").count(), 3, "{out}");
    assert_eq!(
        out.matches("\r\n\r\nok").count(),
        2,
        "HEAD has no body: {out}"
    );
    assert!(out.ends_with("Connection: close\r\n\r\nok"), "{out}");
    server.stop();
}
