//! Which `Host` headers `serve` answers: the defence against DNS
//! rebinding. A page on another origin (`evil.example`) can point its name
//! at 127.0.0.1 and then read the preview as same-origin; its requests
//! still say `Host: evil.example`, so only names the preview is known by
//! are answered, as Vite and webpack-dev-server do: IP literals (v4 and
//! `[v6]`), `localhost` and `*.localhost`, the name given to `--bind`, and
//! each `--allow-host` (`.lan` also allows every name under `lan`). Other
//! names get a 403 saying how to allow them. The port is not checked.
//!
//! Pure: no I/O.

use std::net::{Ipv4Addr, Ipv6Addr};

/// The host names answered besides IP literals and localhost.
#[derive(Debug, Clone, Default)]
pub(crate) struct AllowedHosts {
    /// Lower case, without a trailing dot; `.lan` allows `lan` and names under it.
    names: Vec<String>,
}

/// What to do with a request's `Host`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum HostCheck {
    /// Answer it.
    Allowed,
    /// No `Host` in HTTP/1.1, or more than one: 400.
    Missing,
    /// A name the preview is not known by (as sent, port removed): 403.
    Refused(String),
}

impl AllowedHosts {
    /// The names allowed for a server bound to `bind` (a name there is
    /// allowed; an address is an IP literal anyway) plus `extra`.
    pub(crate) fn new(bind: &str, extra: &[String]) -> AllowedHosts {
        let names = std::iter::once(bind)
            .chain(extra.iter().map(String::as_str))
            .map(normalise)
            .filter(|n| !n.is_empty() && n != ".")
            .collect();
        AllowedHosts { names }
    }

    /// Checks the `Host` values of a request (HTTP/1.0 may have none).
    pub(crate) fn check<'a>(
        &self,
        mut hosts: impl Iterator<Item = &'a str>,
        http10: bool,
    ) -> HostCheck {
        let host = match (hosts.next(), hosts.next()) {
            (Some(host), None) => host,
            (None, _) if http10 => return HostCheck::Allowed,
            _ => return HostCheck::Missing,
        };
        let name = strip_port(host);
        if self.allows(name) {
            HostCheck::Allowed
        } else {
            HostCheck::Refused(name.to_owned())
        }
    }

    fn allows(&self, name: &str) -> bool {
        if let Some(v6) = name.strip_prefix('[').and_then(|n| n.strip_suffix(']')) {
            return v6.parse::<Ipv6Addr>().is_ok();
        }
        let name = normalise(name);
        if name.parse::<Ipv4Addr>().is_ok() || name == "localhost" || name.ends_with(".localhost") {
            return true;
        }
        self.names
            .iter()
            .any(|allowed| match allowed.strip_prefix('.') {
                Some(domain) => name == domain || name.ends_with(allowed.as_str()),
                None => name == *allowed,
            })
    }
}

/// `name:port` → `name`, `[::1]:port` → `[::1]`.
fn strip_port(host: &str) -> &str {
    if host.starts_with('[') {
        return match host.find(']') {
            Some(end) => &host[..=end],
            None => host,
        };
    }
    if host.matches(':').count() > 1 {
        return host; // an IPv6 address without brackets: not a valid Host
    }
    match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    }
}

/// Trimmed, lower case, one trailing dot removed.
fn normalise(name: &str) -> String {
    let name = name.trim();
    let name = name.strip_suffix('.').unwrap_or(name);
    name.to_ascii_lowercase()
}

/// The 403 body for a refused `name`: what to pass to allow it.
pub(crate) fn refusal(name: &str) -> String {
    let plain = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._".contains(&b));
    if plain {
        format!(
            "403 forbidden: this preview does not answer to the host name \"{name}\" \
             (a defence against DNS rebinding).\n\
             To reach it by that name, restart it with: handbook serve --allow-host {name}\n"
        )
    } else {
        "403 forbidden: this preview does not answer to that host name \
         (a defence against DNS rebinding).\n\
         Reach it at localhost or an IP address, or allow a name with: handbook serve --allow-host NAME\n"
            .to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(allowed: &AllowedHosts, host: &str) -> HostCheck {
        allowed.check(std::iter::once(host), false)
    }

    #[test]
    fn allows_ip_literals_and_localhost() {
        let a = AllowedHosts::new("127.0.0.1", &[]);
        for host in [
            "127.0.0.1",
            "127.0.0.1:3000",
            "10.0.0.7:80",
            "[::1]",
            "[::1]:3000",
            "[fe80::1]:8080",
            "localhost",
            "LocalHost:3000",
            "localhost.",
            "docs.localhost:3000",
        ] {
            assert_eq!(check(&a, host), HostCheck::Allowed, "{host}");
        }
    }

    #[test]
    fn refuses_other_names() {
        let a = AllowedHosts::new("127.0.0.1", &[]);
        for (host, name) in [
            ("evil.example", "evil.example"),
            ("evil.example:3000", "evil.example"),
            ("127.0.0.1.nip.io", "127.0.0.1.nip.io"),
            ("localhost.evil.example", "localhost.evil.example"),
            ("[evil]:80", "[evil]"),
            ("::1", "::1"),
            ("", ""),
        ] {
            assert_eq!(
                check(&a, host),
                HostCheck::Refused(name.to_owned()),
                "{host}"
            );
        }
    }

    #[test]
    fn allows_the_bind_name_and_allow_host_names() {
        let a = AllowedHosts::new(
            "devbox.lan",
            &["Docs.Example.".to_owned(), ".corp".to_owned()],
        );
        for host in [
            "devbox.lan:3000",
            "docs.example",
            "DOCS.EXAMPLE:1",
            "corp",
            "wiki.corp",
        ] {
            assert_eq!(check(&a, host), HostCheck::Allowed, "{host}");
        }
        for host in ["example", "xcorp", "docs.example.evil"] {
            assert!(matches!(check(&a, host), HostCheck::Refused(_)), "{host}");
        }
    }

    #[test]
    fn a_missing_host_is_fine_only_for_http_10() {
        let a = AllowedHosts::new("127.0.0.1", &[]);
        assert_eq!(a.check(std::iter::empty(), true), HostCheck::Allowed);
        assert_eq!(a.check(std::iter::empty(), false), HostCheck::Missing);
        let two = ["localhost", "localhost"];
        assert_eq!(a.check(two.into_iter(), false), HostCheck::Missing);
        assert_eq!(a.check(two.into_iter(), true), HostCheck::Missing);
    }

    #[test]
    fn the_refusal_says_how_to_allow_a_plain_name() {
        assert!(refusal("evil.example").contains("--allow-host evil.example\n"));
        let odd = refusal("a\"<b>");
        assert!(!odd.contains("<b>") && odd.contains("--allow-host NAME"));
    }
}
