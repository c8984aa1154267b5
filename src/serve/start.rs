//! Starting to serve: binding the listening socket, the URL printed for
//! it, `--open`, and the priority of the background search thread.

use crate::error::{Error, Result};
use std::net::{SocketAddr, TcpListener};

/// Binds the listening socket; a busy port is a clear error.
pub(super) fn bind(host: &str, port: u16) -> Result<TcpListener> {
    // `[::1]`, as the address is written in a URL, is `::1`.
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    let shown = if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    };
    listen(host, port).map_err(|e| Error::Serve {
        reason: match e.kind() {
            std::io::ErrorKind::AddrInUse => {
                format!("port {port} is in use; pass --port to choose another (0 picks a free one)")
            }
            std::io::ErrorKind::AddrNotAvailable => {
                format!("{host} is not an address of this machine; pass --bind 127.0.0.1")
            }
            std::io::ErrorKind::PermissionDenied => {
                format!(
                    "not allowed to listen on port {port}; pass --port 3000 or another above 1023"
                )
            }
            _ => e.to_string(),
        },
        addr: shown,
    })
}

/// A listening socket with `TCP_NODELAY`, which accepted connections
/// inherit: without it the tail of every response waits for the client's
/// delayed ACK (some 40 ms), which a live preview would feel.
fn listen(host: &str, port: u16) -> std::io::Result<TcpListener> {
    use socket2::{Domain, Protocol, SockAddr, Socket, Type};
    use std::net::ToSocketAddrs;
    let mut last = std::io::Error::new(
        std::io::ErrorKind::AddrNotAvailable,
        "the address resolves to nothing",
    );
    for addr in (host, port).to_socket_addrs()? {
        let attempt = (|| {
            let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
            // As std does on Unix: a restart may reuse a port in TIME_WAIT
            // (a port some program listens on is still refused).
            #[cfg(unix)]
            socket.set_reuse_address(true)?;
            socket.set_tcp_nodelay(true)?;
            socket.bind(&SockAddr::from(addr))?;
            socket.listen(1024)?;
            Ok::<_, std::io::Error>(TcpListener::from(socket))
        })();
        match attempt {
            Ok(l) => return Ok(l),
            Err(e) => last = e,
        }
    }
    Err(last)
}

/// The URL to print: a wildcard bind is reached through localhost.
pub(super) fn url_of(addr: SocketAddr) -> String {
    let ip = addr.ip();
    let host = if ip.is_unspecified() {
        "localhost".to_owned()
    } else if ip.is_ipv6() {
        format!("[{ip}]")
    } else {
        ip.to_string()
    };
    format!("http://{host}:{}/", addr.port())
}

/// `--open`: asks the desktop to open `url`; failures are ignored.
pub(super) fn open_browser(url: &str) {
    let candidates: &[(&str, &[&str])] = if cfg!(target_os = "macos") {
        &[("open", &[])]
    } else if cfg!(windows) {
        &[("cmd", &["/C", "start", ""])]
    } else {
        &[
            ("xdg-open", &[]),
            ("gio", &["open"]),
            ("sensible-browser", &[]),
        ]
    };
    for (program, args) in candidates {
        let child = std::process::Command::new(program)
            .args(*args)
            .arg(url)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn();
        if let Ok(mut child) = child {
            // Reap it without making anyone wait.
            let _ = std::thread::Builder::new()
                .name("handbook-open".to_owned())
                .spawn(move || child.wait());
            return;
        }
    }
}

/// Lowers the calling thread's CPU priority (nice 10), so that building
/// the search index in the background does not slow the next rebuild.
pub(super) fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority only reads its integer arguments; on Linux,
    // PRIO_PROCESS with id 0 applies to the calling thread alone.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, 10);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_for_addresses() {
        let a: SocketAddr = "127.0.0.1:3000".parse().unwrap();
        assert_eq!(url_of(a), "http://127.0.0.1:3000/");
        let a: SocketAddr = "0.0.0.0:8080".parse().unwrap();
        assert_eq!(url_of(a), "http://localhost:8080/");
        let a: SocketAddr = "[::1]:3000".parse().unwrap();
        assert_eq!(url_of(a), "http://[::1]:3000/");
    }

    #[test]
    fn ipv6_addresses_bind_with_or_without_brackets() {
        for host in ["::1", "[::1]"] {
            match bind(host, 0) {
                Ok(l) => assert!(l.local_addr().unwrap().is_ipv6()),
                // A machine without IPv6 loopback says so, not "lookup failed".
                Err(e) => assert!(
                    e.to_string().contains("not an address of this machine"),
                    "{host}: {e}"
                ),
            }
        }
    }

    #[test]
    fn a_busy_port_is_a_clear_error() {
        let taken = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = taken.local_addr().unwrap().port();
        let err = bind("127.0.0.1", port).unwrap_err().to_string();
        assert!(
            err.contains(&format!("port {port} is in use; pass --port")),
            "{err}"
        );
    }
}
