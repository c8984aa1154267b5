//! `handbook serve`: the real binary on a real port (`--port 0`, the URL
//! read from stderr), real file edits, plain HTTP over `TcpStream`. Every
//! wait has a deadline and the server is always killed ([`Serve`]'s Drop).

use crate::harness::{
    chromium_or_skip, chromium_profile, list_files, nav_branch, HandbookTest, CHROMIUM_FLAGS, TODAY,
};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a rebuild may take to show (debug build, loaded CI machine).
const REBUILD: Duration = Duration::from_secs(15);

/// A running `handbook serve`; killed when dropped.
pub(crate) struct Serve {
    child: Child,
    addr: SocketAddr,
    stderr: Arc<Mutex<String>>,
}

impl Serve {
    /// Starts `handbook serve --port 0 --today TODAY` in the handbook's root
    /// and waits for its `serving ... at URL` line.
    pub(crate) fn start(t: &HandbookTest) -> Serve {
        Serve::start_with(t, &[])
    }

    fn start_with(t: &HandbookTest, extra: &[&str]) -> Serve {
        Serve::start_with_env(t, extra, &[])
    }

    fn start_with_env(t: &HandbookTest, extra: &[&str], env: &[(&str, &str)]) -> Serve {
        Serve::start_full(t, extra, env, None)
    }

    /// Like [`start_with`](Self::start_with), with the soft and hard limit
    /// on open file descriptors set to `nofile` (`ulimit -n`) first.
    #[cfg(unix)]
    fn start_with_nofile(t: &HandbookTest, extra: &[&str], nofile: u32) -> Serve {
        Serve::start_full(t, extra, &[], Some(nofile))
    }

    fn start_full(
        t: &HandbookTest,
        extra: &[&str],
        env: &[(&str, &str)],
        nofile: Option<u32>,
    ) -> Serve {
        let bin = env!("CARGO_BIN_EXE_handbook");
        let mut cmd = match nofile {
            Some(n) => {
                let mut c = Command::new("sh");
                c.args(["-c", &format!("ulimit -n {n} && exec \"$0\" \"$@\""), bin]);
                c
            }
            None => Command::new(bin),
        };
        let mut child = cmd
            .args(["serve", "--port", "0", "--today", TODAY])
            .args(extra)
            .current_dir(t.root())
            // As `HandbookTest::run` does: git must not see this
            // repository's work tree above the temp folder, or serve and
            // build would read different histories.
            .env("GIT_CEILING_DIRECTORIES", t.root().parent().unwrap())
            .envs(env.iter().copied())
            .env_remove("SOURCE_DATE_EPOCH")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("starting handbook serve");
        let stderr = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        {
            let pipe = child.stderr.take().unwrap();
            let stderr = Arc::clone(&stderr);
            std::thread::spawn(move || {
                for line in BufReader::new(pipe).lines() {
                    let Ok(line) = line else { break };
                    if let Some(url) = line
                        .strip_prefix("serving ")
                        .and_then(|l| l.split(" at ").nth(1))
                    {
                        let _ = tx.send(url.to_owned());
                    }
                    let mut s = stderr.lock().unwrap();
                    s.push_str(&line);
                    s.push('\n');
                }
            });
        }
        let mut serve = Serve {
            child,
            addr: "127.0.0.1:1".parse().unwrap(),
            stderr,
        };
        let url = match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(url) => url,
            Err(_) => panic!("serve did not start:\n{}", serve.stderr()),
        };
        let hostport = url
            .strip_prefix("http://")
            .and_then(|u| u.strip_suffix('/'))
            .unwrap_or_else(|| panic!("odd URL {url}"));
        // A wildcard bind prints a localhost URL.
        let hostport = hostport.replace("localhost:", "127.0.0.1:");
        serve.addr = hostport.parse().unwrap();
        assert!(serve.addr.ip().is_loopback(), "binds loopback by default");
        serve
    }

    pub(crate) fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Waits until the server's stderr, read on another thread, holds
    /// `needle`; returns it.
    #[track_caller]
    fn wait_for_stderr(&self, needle: &str) -> String {
        let deadline = Instant::now() + REBUILD;
        loop {
            let err = self.stderr();
            if err.contains(needle) {
                return err;
            }
            if Instant::now() > deadline {
                panic!("the server's stderr never showed {needle:?} within {REBUILD:?}:\n{err}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub(crate) fn get(&self, path: &str) -> Resp {
        get(self.addr, path)
    }

    /// The current generation (a long-poll without `gen` answers at once).
    pub(crate) fn generation(&self) -> u64 {
        self.get("/__reload").gen()
    }

    /// GETs `path` until `ok` holds or [`REBUILD`] passes.
    #[track_caller]
    fn wait_for(&self, path: &str, what: &str, ok: impl Fn(&Resp) -> bool) -> Resp {
        let deadline = Instant::now() + REBUILD;
        loop {
            let r = self.get(path);
            if ok(&r) {
                return r;
            }
            if Instant::now() > deadline {
                panic!(
                    "{path}: {what} did not happen within {REBUILD:?}; last response {}:\n{}\n--- server stderr\n{}",
                    r.status,
                    r.body,
                    self.stderr()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP response.
#[derive(Debug)]
pub(crate) struct Resp {
    pub(crate) status: u16,
    headers: Vec<(String, String)>,
    /// The body, lossily decoded.
    pub(crate) body: String,
    /// The body as sent.
    pub(crate) bytes: Vec<u8>,
}

impl Resp {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub(crate) fn gen(&self) -> u64 {
        assert_eq!(self.status, 200, "{}", self.body);
        let v: serde_json::Value = serde_json::from_str(&self.body).unwrap();
        v["gen"].as_u64().unwrap()
    }

    /// The `<main>` element, without the injected script and overlay.
    pub(crate) fn main(&self) -> &str {
        let start = self.body.find("<main").unwrap_or(0);
        let end = self.body[start..]
            .find("</main>")
            .map_or(self.body.len(), |e| start + e);
        &self.body[start..end]
    }
}

/// `GET path` with `Connection: close`, sent as written (no normalising of
/// `..`), with a 30 s read timeout (a long-poll answers within 25 s).
/// The sidebar node that lists the page at `page` (the last of its branch),
/// as a path to request.
fn sidebar_node(s: &Serve, page: &str) -> String {
    let html = s.get(page).body;
    let branch = nav_branch(&html);
    let last = branch
        .last()
        .unwrap_or_else(|| panic!("{page} names no sidebar node"));
    format!("/{last}")
}

fn get(addr: SocketAddr, path: &str) -> Resp {
    request(addr, "GET", path)
}

/// [`get`] with another method.
fn request(addr: SocketAddr, method: &str, path: &str) -> Resp {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    // Read to the end, or to Content-Length for servers that keep the
    // connection open anyway (Chromium's DevTools).
    let mut raw = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    loop {
        let n = s.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        raw.extend_from_slice(&buf[..n]);
        if let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&raw[..end]).to_ascii_lowercase();
            let len = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok());
            if len.is_some_and(|len| raw.len() >= end + 4 + len) {
                break;
            }
        }
    }
    parse_response(&raw)
}

fn parse_response(raw: &[u8]) -> Resp {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(raw)));
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|c| c.parse().ok())
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers.iter().any(|(n, v)| {
        n.eq_ignore_ascii_case("transfer-encoding") && v.eq_ignore_ascii_case("chunked")
    });
    if chunked {
        let mut out = Vec::new();
        let mut rest = &body[..];
        loop {
            let eol = rest.windows(2).position(|w| w == b"\r\n").unwrap();
            let size = usize::from_str_radix(
                String::from_utf8_lossy(&rest[..eol])
                    .split(';')
                    .next()
                    .unwrap()
                    .trim(),
                16,
            )
            .unwrap();
            rest = &rest[eol + 2..];
            if size == 0 {
                break;
            }
            out.extend_from_slice(&rest[..size]);
            rest = &rest[size + 2..];
        }
        body = out;
    }
    Resp {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
        bytes: body,
    }
}

const PAGE: &str = "src/guides/single.md";
const PAGE_URL: &str = "/guides/single.html";

fn page_text(body: &str) -> String {
    format!("---\ntitle: Single owner\nowners: [\"@alice\"]\nreviewed: 2026-10-01\n---\n\n{body}\n")
}

#[test]
fn serve_edit_is_served_and_bumps_the_generation() {
    let t = HandbookTest::fixture("build/basic");
    let s = Serve::start(&t);
    let r = s.get(PAGE_URL);
    assert_eq!(r.status, 200, "{}", s.stderr());
    assert_eq!(r.header("Content-Type"), Some("text/html; charset=utf-8"));
    assert_eq!(r.header("Cache-Control"), Some("no-store"));
    assert!(r.body.contains("/__reload?gen="), "reload script injected");
    let gen = s.generation();

    // A long-poll for the current generation waits for the next one.
    let addr = s.addr;
    let poll = std::thread::spawn(move || get(addr, &format!("/__reload?gen={gen}")).gen());
    std::thread::sleep(Duration::from_millis(200));
    assert!(!poll.is_finished(), "the long-poll waits for a change");

    t.write(PAGE, &page_text("Freshly edited paragraph 7731."));
    let r = s.wait_for(PAGE_URL, "the edit", |r| {
        r.body.contains("Freshly edited paragraph 7731.")
    });
    assert_eq!(r.status, 200);
    let new_gen = poll.join().unwrap();
    assert!(new_gen > gen, "generation {gen} → {new_gen}");
    // One save can reach the watcher as two events (truncate, write), so
    // the page may already be a generation further than the long-poll saw.
    let page_gen: u64 = r
        .body
        .split("var g=")
        .nth(1)
        .and_then(|rest| {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        })
        .unwrap_or_else(|| panic!("no generation in the page: {}", r.body));
    assert!(
        page_gen >= new_gen,
        "page carries the new generation ({page_gen} < {new_gen})"
    );

    // An atomic save (write a temp file, rename it over the page).
    let tmp = t.path("src/guides/.single.md.tmp-save");
    std::fs::write(&tmp, page_text("Saved atomically 5521.")).unwrap();
    std::fs::rename(&tmp, t.path(PAGE)).unwrap();
    s.wait_for(PAGE_URL, "the atomic save", |r| {
        r.body.contains("Saved atomically 5521.")
    });

    // Serving writes nothing into the handbook.
    assert!(!t.exists("book"), "serve wrote a build folder");
    assert!(!s.stderr().contains("panicked"), "{}", s.stderr());
}

#[test]
fn serve_edits_reach_every_page_that_shows_them() {
    let t = HandbookTest::fixture("build/basic");
    let s = Serve::start(&t);

    // A body edit changes that page only.
    t.write(PAGE, &page_text("First body 2236."));
    s.wait_for(PAGE_URL, "the first edit", |r| {
        r.body.contains("First body 2236.")
    });
    let kinds_before = s.get("/kinds/guide.html");
    t.write(PAGE, &page_text("Body only 3141."));
    s.wait_for(PAGE_URL, "the body edit", |r| {
        r.body.contains("Body only 3141.")
    });
    assert_eq!(s.get("/kinds/guide.html").main(), kinds_before.main());

    // A new title shows on the listings and on pages that link to it.
    let adr = t.read("src/adr/0002-old-sessions.md");
    t.write(
        "src/adr/0002-old-sessions.md",
        &adr.replace("title: Old server sessions", "title: Sticky sessions 2718"),
    );
    s.wait_for(
        "/adr/0003-new-tokens.html",
        "the new title on the superseding ADR",
        |r| r.body.contains("Sticky sessions 2718"),
    );
    s.wait_for("/kinds/adr.html", "the new title in the ADR log", |r| {
        r.body.contains("Sticky sessions 2718")
    });
    let node = sidebar_node(&s, "/adr/0002-old-sessions.html");
    s.wait_for(&node, "the new title in the sidebar", |r| {
        r.body.contains("Sticky sessions 2718")
    });

    // A link added to a body is checked at once.
    t.write(PAGE, &page_text("See [nowhere](missing-page-1618.md)."));
    let r = s.wait_for(PAGE_URL, "the new link", |r| {
        r.body.contains("missing-page-1618")
    });
    assert!(
        r.body.contains("link-broken"),
        "the finding shows: {}",
        r.main()
    );
    s.wait_for("/health.html", "the finding on the health page", |r| {
        r.body.contains("missing-page-1618")
    });

    // A heading renamed away breaks the anchor another page links to.
    let x = t.read("src/adr/0001-x.md");
    assert!(x.contains("## Context {#ctx}"), "{x}");
    t.write(
        "src/adr/0001-x.md",
        &x.replace("## Context {#ctx}", "## Background"),
    );
    s.wait_for("/guides/links.html", "the broken anchor", |r| {
        r.body.contains("anchor-broken")
    });
}

#[test]
fn serve_ignores_editor_temp_files() {
    let t = HandbookTest::fixture("build/basic");
    let s = Serve::start(&t);
    let gen = s.generation();
    for name in [
        "src/guides/4913",
        "src/guides/.single.md.swp",
        "src/guides/single.md~",
    ] {
        t.write(name, "scratch");
    }
    std::thread::sleep(Duration::from_millis(600));
    assert_eq!(
        s.generation(),
        gen,
        "temp files caused a reload:\n{}",
        s.stderr()
    );
    assert_eq!(
        s.get("/guides/4913").status,
        404,
        "temp files are not content"
    );
}

/// The note `build` prints about `.mdx` files shows on serve's console
/// when one appears (once, not at every save).
#[test]
fn serve_notes_mdx_files_as_build_does() {
    let t = HandbookTest::fixture("build/basic");
    let s = Serve::start(&t);
    t.write("src/guides/intro.mdx", "# Intro\n\n<Tabs />\n");
    let err = s.wait_for_stderr("note: guides/intro.mdx");
    assert!(err.contains("not built as pages"), "{err}");
    s.wait_for("/guides/intro.mdx", "the file", |r| r.status == 200);
    t.write(PAGE, &page_text("Another save 6061."));
    s.wait_for(PAGE_URL, "the edit", |r| {
        r.body.contains("Another save 6061.")
    });
    assert_eq!(s.stderr().matches("note: guides/intro.mdx").count(), 1);
}

#[test]
fn serve_add_rename_delete_update_listings() {
    let t = HandbookTest::fixture("build/basic");
    let s = Serve::start(&t);
    let runbook = |title: &str| {
        format!("---\ntitle: {title}\nkind: runbook\nowners: [payments]\nreviewed: 2026-10-01\n---\n\n## Failure signature\n\nx\n")
    };

    t.write(
        "src/runbooks/cache-flush.md",
        &runbook("Flush the cache 4411"),
    );
    s.wait_for("/runbooks/cache-flush.html", "the new page", |r| {
        r.status == 200
    });
    s.wait_for("/kinds/runbook.html", "the kind index", |r| {
        r.body.contains("Flush the cache 4411")
    });
    let node = sidebar_node(&s, "/runbooks/cache-flush.html");
    s.wait_for(&node, "the sidebar", |r| {
        r.body.contains("Flush the cache 4411")
    });

    std::fs::rename(
        t.path("src/runbooks/cache-flush.md"),
        t.path("src/runbooks/cache-purge.md"),
    )
    .unwrap();
    s.wait_for("/runbooks/cache-purge.html", "the renamed page", |r| {
        r.status == 200
    });
    let gone = s.wait_for("/runbooks/cache-flush.html", "the old URL to go", |r| {
        r.status == 404
    });
    assert!(
        gone.body.contains("Page not found"),
        "404 page body: {}",
        gone.body
    );
    assert_eq!(
        gone.header("Content-Type"),
        Some("text/html; charset=utf-8")
    );
    let index = s.get("/kinds/runbook.html");
    assert!(
        index.body.contains("runbooks/cache-purge.html"),
        "{}",
        index.main()
    );
    assert!(
        !index.body.contains("runbooks/cache-flush.html"),
        "{}",
        index.main()
    );

    std::fs::remove_file(t.path("src/runbooks/cache-purge.md")).unwrap();
    s.wait_for(
        "/runbooks/cache-purge.html",
        "the deleted page to go",
        |r| r.status == 404,
    );
    s.wait_for("/kinds/runbook.html", "the index to drop it", |r| {
        !r.body.contains("Flush the cache 4411")
    });
    s.wait_for(&node, "the sidebar to drop it", |r| {
        !r.body.contains("Flush the cache 4411")
    });
}

#[test]
fn serve_adding_a_page_renders_the_listings_not_every_page() {
    let t = HandbookTest::empty();
    t.write("book.toml", "[book]\ntitle = \"Many\"\n");
    for i in 0..30 {
        t.write(
            &format!("src/guides/page-{i:02}.md"),
            &format!("---\ntitle: Page {i}\nowners: [payments]\nreviewed: 2026-10-01\n---\n\nBody {i}.\n"),
        );
    }
    let s = Serve::start(&t);
    t.write(
        "src/guides/page-new.md",
        "---\ntitle: Page new\nowners: [payments]\nreviewed: 2026-10-01\n---\n\nNew body.\n",
    );
    let err = s.wait_for_stderr("rebuilt 31 pages");
    let line = err
        .lines()
        .find(|l| l.starts_with("rebuilt 31 pages"))
        .unwrap();
    let rendered: usize = line
        .split(", ")
        .find_map(|part| part.strip_suffix(" rendered"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no rendered count in {line:?}"));
    // The new page, toc.js, the sidebar's top node and the guides' node,
    // the guide index, the owner page, the owners index, health,
    // reliability, 404, search and home, and the pages before and after it
    // in reading order (their previous / next links): not the 30 pages
    // that did not change.
    assert!(rendered < 20, "{line}");
    s.wait_for("/guides/page-new.html", "the new page", |r| r.status == 200);
    // Every page still shows the kinds; the counts live in toc.js.
    let old = s.get("/guides/page-00.html");
    assert!(old.body.contains("Guides"), "{}", old.body);
    let node = sidebar_node(&s, "/guides/page-00.html");
    s.wait_for(&node, "the sidebar", |r| r.body.contains("Page new"));
}

#[test]
fn serve_broken_config_keeps_the_last_good_site_with_an_overlay() {
    let t = HandbookTest::fixture("build/basic");
    let s = Serve::start(&t);
    assert!(!s.get(PAGE_URL).body.contains("handbook-error-overlay"));
    let good = t.read("book.toml");

    t.write("book.toml", "[book\ntitle = \"Broken <b>\"\n");
    let r = s.wait_for(PAGE_URL, "the overlay", |r| {
        r.body.contains("id=\"handbook-error-overlay\"")
    });
    assert_eq!(r.status, 200);
    assert!(
        r.body.contains("Basic Handbook"),
        "the last good build is still served"
    );
    assert!(r.main().contains("<h1"), "with its content");
    let overlay = &r.body[r.body.find("handbook-error-overlay").unwrap()..];
    assert!(
        overlay.contains("book.toml"),
        "the overlay names the file: {overlay}"
    );
    assert!(!overlay.contains("<b>"), "the error text is escaped");
    assert_overlay_is_readable(&r.body);
    // And the console shows it (stderr is read on another thread).
    s.wait_for_stderr("book.toml");
    // The overlay is on every page, the 404 page included.
    assert!(s
        .get("/kinds/adr.html")
        .body
        .contains("handbook-error-overlay"));
    assert!(s.get("/nope.html").body.contains("handbook-error-overlay"));

    t.write("book.toml", &good);
    s.wait_for(PAGE_URL, "the overlay to clear", |r| {
        r.status == 200 && !r.body.contains("handbook-error-overlay")
    });

    // Broken frontmatter is a finding: the page is rebuilt, flagged.
    t.write(PAGE, "---\ntitle: [unclosed\n---\n\nStill here 9090.\n");
    let r = s.wait_for(PAGE_URL, "the flagged page", |r| {
        r.body.contains("Still here 9090.")
    });
    assert!(
        !r.body.contains("handbook-error-overlay"),
        "not a failed build"
    );
    assert!(
        r.body.contains("could not be read"),
        "flagged: {}",
        r.main()
    );
}

#[test]
fn serve_theme_error_shows_overlay_until_fixed() {
    let t = HandbookTest::fixture("build/basic");
    t.write(
        "theme/templates/page.html",
        "{% extends \"base.html\" %}{% block main %}THEMED {{ page.title }}{% endblock main %}",
    );
    let toml = t
        .read("book.toml")
        .replace("[build]\n", "[build]\ntheme = \"theme\"\n");
    t.write("book.toml", &toml);
    let s = Serve::start(&t);
    assert!(s.get(PAGE_URL).body.contains("THEMED"), "{}", s.stderr());
    t.write(
        "theme/templates/page.html",
        "{% extends \"base.html\" %}{% block main %}{{ page.title {% endblock main %}",
    );
    let r = s.wait_for(PAGE_URL, "the overlay", |r| {
        r.body.contains("handbook-error-overlay")
    });
    assert!(
        r.body.contains("THEMED"),
        "the last good build is still served"
    );
    t.write(
        "theme/templates/page.html",
        "{% extends \"base.html\" %}{% block main %}RETHEMED {{ page.title }}{% endblock main %}",
    );
    s.wait_for(PAGE_URL, "the fixed theme", |r| {
        r.body.contains("RETHEMED") && !r.body.contains("handbook-error-overlay")
    });
}

/// Saves made while `book.toml` is broken are not lost: the rebuilds that
/// failed never read them, and the watcher does not report them again, so
/// fixing the config must show them (pages and theme alike).
#[test]
fn serve_edits_saved_while_the_config_is_broken_show_once_it_is_fixed() {
    let t = HandbookTest::fixture("build/basic");
    let themed = |marker: &str| {
        format!(
            "{{% extends \"base.html\" %}}{{% block main %}}{marker} {{{{ page.content | safe }}}}{{% endblock main %}}"
        )
    };
    t.write("theme/templates/page.html", &themed("THEME-ONE"));
    let good = t
        .read("book.toml")
        .replace("[build]\n", "[build]\ntheme = \"theme\"\n");
    t.write("book.toml", &good);
    let s = Serve::start(&t);
    assert!(s.get(PAGE_URL).body.contains("THEME-ONE"), "{}", s.stderr());

    t.write("book.toml", "[book\ntitle = \"Broken\"\n");
    s.wait_for(PAGE_URL, "the overlay", |r| {
        r.body.contains("handbook-error-overlay")
    });
    // Each save reaches a rebuild that fails (and bumps the generation).
    let gen = s.generation();
    t.write(PAGE, &page_text("Written while broken 6612."));
    s.wait_for("/__reload", "a failed rebuild after the page edit", |r| {
        r.gen() > gen
    });
    let gen = s.generation();
    t.write("theme/templates/page.html", &themed("THEME-TWO"));
    s.wait_for("/__reload", "a failed rebuild after the theme edit", |r| {
        r.gen() > gen
    });

    t.write("book.toml", &good);
    s.wait_for(PAGE_URL, "the edits made while broken", |r| {
        !r.body.contains("handbook-error-overlay")
            && r.body.contains("Written while broken 6612.")
            && r.body.contains("THEME-TWO")
    });
}

/// A config that names a folder or file that does not exist yet is an
/// error that says "create it"; creating it (which the watcher does not
/// report: nothing watched changed) clears the error without a restart.
#[test]
fn serve_creating_what_the_config_names_clears_the_error() {
    let t = HandbookTest::fixture("build/basic");
    let s = Serve::start(&t);
    let toml = t
        .read("book.toml")
        .replace("[build]\n", "[build]\ntheme = \"my-theme\"\n");
    t.write("book.toml", &toml);
    let r = s.wait_for(PAGE_URL, "the overlay", |r| {
        r.body.contains("handbook-error-overlay")
    });
    assert!(r.body.contains("my-theme"), "names the folder: {}", r.body);

    t.write(
        "my-theme/templates/page.html",
        "{% extends \"base.html\" %}{% block main %}NEW-THEME {{ page.title }}{% endblock main %}",
    );
    s.wait_for(PAGE_URL, "the new theme", |r| {
        r.body.contains("NEW-THEME") && !r.body.contains("handbook-error-overlay")
    });
    // Later edits of the new folder are watched.
    t.write(
        "my-theme/templates/page.html",
        "{% extends \"base.html\" %}{% block main %}EDITED-THEME {{ page.title }}{% endblock main %}",
    );
    s.wait_for(PAGE_URL, "the edited theme", |r| {
        r.body.contains("EDITED-THEME")
    });
}

#[test]
fn serve_never_serves_files_outside_the_site() {
    let t = HandbookTest::fixture("build/basic");
    t.write("secret.txt", "TOP-SECRET-4242");
    t.write("src/files/note.txt", "a normal asset 8181");
    t.write("outside/inner.txt", "TOP-SECRET-DIR-5353");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(t.path("secret.txt"), t.path("src/leak.txt")).unwrap();
        std::os::unix::fs::symlink(t.path("outside"), t.path("src/linked")).unwrap();
        std::os::unix::fs::symlink(t.path("src/files/note.txt"), t.path("src/alias.txt")).unwrap();
    }
    let s = Serve::start(&t);
    let r = s.get("/files/note.txt");
    assert_eq!(r.status, 200);
    assert_eq!(r.body, "a normal asset 8181");
    assert_eq!(r.header("Content-Type"), Some("text/plain; charset=utf-8"));

    let attempts = [
        "/../Cargo.toml",
        "/../secret.txt",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%2e%2e/secret.txt",
        "/..%2f..%2fetc/passwd",
        "/..%2fsecret.txt",
        "//etc/passwd",
        "/static/../../x",
        "/static/../../secret.txt",
        "/static/%2e%2e/%2e%2e/secret.txt",
        "/..\\secret.txt",
        "/%5c..%5csecret.txt",
        "/secret.txt%00.html",
        "/C:/Windows/win.ini",
        "/leak.txt",
        "/linked/inner.txt",
        "/secret.txt",
        "/book.toml",
        "/src/guides/single.md",
        "/guides/single.md",
    ];
    for path in attempts {
        let r = s.get(path);
        assert!(
            r.status == 404 || r.status == 400,
            "{path}: status {} body {}",
            r.status,
            r.body
        );
        for secret in ["TOP-SECRET", "root:x:", "[package]", "[book]"] {
            assert!(
                !r.body.contains(secret),
                "{path} leaked {secret}: {}",
                r.body
            );
        }
    }
    #[cfg(unix)]
    {
        let r = s.get("/alias.txt");
        assert_eq!(
            r.status, 200,
            "a link to a file inside the content dir is content"
        );
        assert_eq!(r.body, "a normal asset 8181");
    }
}

#[test]
fn serve_answers_with_types_redirects_and_404s() {
    let t = HandbookTest::fixture("build/basic");
    t.write_bytes("src/img/dot.png", b"\x89PNG\r\n\x1a\nfake");
    let s = Serve::start(&t);
    for (path, ty) in [
        ("/", "text/html; charset=utf-8"),
        ("/index.html", "text/html; charset=utf-8"),
        ("/guides/", "text/html; charset=utf-8"),
        ("/static/style.css", "text/css; charset=utf-8"),
        ("/toc.js", "text/javascript; charset=utf-8"),
        ("/handbook.json", "application/json"),
        ("/sitemap.xml", "application/xml; charset=utf-8"),
        ("/img/dot.png", "image/png"),
    ] {
        let r = s.get(path);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("Content-Type"), Some(ty), "{path}");
        assert_eq!(r.header("Cache-Control"), Some("no-store"), "{path}");
    }
    assert!(
        !s.get("/toc.js").body.contains("__reload"),
        "scripts only in HTML"
    );
    let r = s.get("/guides");
    assert_eq!(r.status, 301);
    assert_eq!(r.header("Location"), Some("/guides/"));
    let r = s.get("/no/such/page.html");
    assert_eq!(r.status, 404);
    assert!(r.body.contains("Page not found"));
    assert!(
        r.body.contains("/__reload?gen="),
        "the 404 page reloads too"
    );
}

#[test]
fn serve_answers_a_hundred_concurrent_requests() {
    let t = HandbookTest::fixture("build/basic");
    let s = Serve::start(&t);
    let addr = s.addr;
    let gen = s.generation();
    // Parked long-polls (more than there are workers) block nobody.
    let polls: Vec<_> = (0..8)
        .map(|_| std::thread::spawn(move || get(addr, &format!("/__reload?gen={gen}"))))
        .collect();
    std::thread::sleep(Duration::from_millis(100));
    let paths = [
        "/",
        PAGE_URL,
        "/kinds/adr.html",
        "/toc.js",
        "/static/style.css",
    ];
    let expected: Vec<String> = paths.iter().map(|p| s.get(p).body).collect();
    let expected = Arc::new(expected);
    let start = Instant::now();
    let threads: Vec<_> = (0..20)
        .map(|i| {
            let expected = Arc::clone(&expected);
            std::thread::spawn(move || {
                for j in 0..5 {
                    let k = (i + j) % paths.len();
                    let r = get(addr, paths[k]);
                    assert_eq!(r.status, 200, "{}", paths[k]);
                    assert_eq!(r.body, expected[k], "{} came back different", paths[k]);
                }
            })
        })
        .collect();
    for th in threads {
        th.join().expect("a request failed");
    }
    assert!(start.elapsed() < Duration::from_secs(20));
    assert!(
        polls.iter().all(|p| !p.is_finished()),
        "long-polls still parked"
    );
    drop(s);
    for p in polls {
        let _ = p.join();
    }
}

/// Whether the search index being served has `term` (in the shard the
/// manifest says holds it, as `search.js` looks it up).
fn search_has(s: &Serve, term: &str) -> bool {
    let m = s.get("/search/manifest.js");
    let Some(json) = m
        .body
        .trim()
        .strip_prefix("window.__handbookSearch.manifest(")
        .and_then(|b| b.strip_suffix(");"))
    else {
        return false;
    };
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    let Some(name) = v["shards"]
        .as_array()
        .unwrap()
        .iter()
        .rfind(|s| s[0].as_str().is_some_and(|first| first <= term))
        .and_then(|s| s[1].as_str())
    else {
        return false;
    };
    s.get(&format!("/search/{name}.js"))
        .body
        .contains(&format!("\"{term}\":["))
}

/// The search index follows edits (rebuilt in the background after a
/// pause, from the pages that changed and the kept terms of the others).
#[test]
fn serve_search_index_follows_an_edit() {
    let t = HandbookTest::fixture("build/basic");
    let s = Serve::start(&t);
    s.wait_for("/search/manifest.js", "the first index", |r| {
        r.status == 200
    });
    assert!(!search_has(&s, "zebrafinch"));
    t.write(PAGE, &page_text("A zebrafinch nests here."));
    let deadline = Instant::now() + REBUILD;
    while !search_has(&s, "zebrafinch") {
        assert!(
            Instant::now() < deadline,
            "the edit never reached the search index:\n{}",
            s.stderr()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // And leaves it when the word goes.
    t.write(PAGE, &page_text("A sparrow nests here."));
    let deadline = Instant::now() + REBUILD;
    while search_has(&s, "zebrafinch") || !search_has(&s, "sparrow") {
        assert!(Instant::now() < deadline, "{}", s.stderr());
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// `--open` hands the served URL to the desktop's opener (`xdg-open` on
/// Linux): a stand-in on PATH records what it was given.
#[cfg(target_os = "linux")]
#[test]
fn serve_open_hands_the_url_to_the_desktop_opener() {
    use std::os::unix::fs::PermissionsExt;
    let t = HandbookTest::fixture("build/basic");
    let bin = t.root().with_extension("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let opened = t.root().with_extension("opened");
    let opener = bin.join("xdg-open");
    std::fs::write(
        &opener,
        format!("#!/bin/sh\nprintf '%s' \"$1\" > '{}'\n", opened.display()),
    )
    .unwrap();
    std::fs::set_permissions(&opener, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let s = Serve::start_with_env(&t, &["--open"], &[("PATH", &path)]);
    let deadline = Instant::now() + REBUILD;
    let url = loop {
        match std::fs::read_to_string(&opened) {
            Ok(url) if !url.is_empty() => break url,
            _ if Instant::now() > deadline => {
                panic!("--open did not run xdg-open:\n{}", s.stderr())
            }
            _ => std::thread::sleep(Duration::from_millis(20)),
        }
    };
    assert_eq!(url, format!("http://{}/", s.addr));
    let _ = std::fs::remove_dir_all(&bin);
    let _ = std::fs::remove_file(&opened);
}

#[test]
fn serve_busy_port_is_a_clear_error() {
    let t = HandbookTest::fixture("build/basic");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let r = t.run(&["serve", "--port", &port]);
    r.assert_code(2);
    assert!(
        r.stderr
            .contains(&format!("port {port} is in use; pass --port")),
        "{}",
        r.stderr
    );
}

#[test]
fn serve_missing_folder_is_a_usage_error() {
    let t = HandbookTest::empty();
    let r = t.run(&["serve", "no-such-dir", "--port", "0"]);
    r.assert_code(2);
}

#[cfg(unix)]
#[test]
fn serve_stops_cleanly_on_ctrl_c() {
    let t = HandbookTest::fixture("build/basic");
    let before = list_files(t.root());
    let mut s = Serve::start(&t);
    let addr = s.addr;
    let gen = s.generation();
    let poll = std::thread::spawn(move || get(addr, &format!("/__reload?gen={gen}")));
    std::thread::sleep(Duration::from_millis(100));
    let status = Command::new("kill")
        .args(["-INT", &s.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    let exit = loop {
        if let Some(status) = s.child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "serve did not stop on SIGINT");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(exit.code(), Some(0), "{}", s.stderr());
    // The parked long-poll was answered, not cut off.
    assert_eq!(poll.join().unwrap().status, 200);
    s.wait_for_stderr("stopped");
    assert_eq!(list_files(t.root()), before, "serve left files behind");
}

/// Sends `raw` on a fresh connection and reads the answer to its end (or
/// to `Content-Length`); every step has a deadline of `timeout`.
fn exchange(addr: SocketAddr, raw: &[u8], timeout: Duration) -> std::io::Result<Resp> {
    let mut s = TcpStream::connect_timeout(&addr, timeout)?;
    s.set_read_timeout(Some(timeout))?;
    s.set_write_timeout(Some(timeout))?;
    s.write_all(raw)?;
    let mut out = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    loop {
        let n = s.read(&mut buf)?;
        if n == 0 {
            break;
        }
        out.extend_from_slice(&buf[..n]);
        if let Some(end) = out.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&out[..end]).to_ascii_lowercase();
            let len = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok());
            if len.is_some_and(|len| out.len() >= end + 4 + len) {
                break;
            }
        }
    }
    if !out.windows(4).any(|w| w == b"\r\n\r\n") {
        return Err(std::io::Error::other(format!(
            "no complete response: {:?}",
            String::from_utf8_lossy(&out)
        )));
    }
    Ok(parse_response(&out))
}

/// `GET path` with this `Host` header (none for `None`) over `version`.
fn get_as(addr: SocketAddr, path: &str, host: Option<&str>, version: &str) -> Resp {
    let host = host.map(|h| format!("Host: {h}\r\n")).unwrap_or_default();
    let raw = format!("GET {path} {version}\r\n{host}Connection: close\r\n\r\n");
    exchange(addr, raw.as_bytes(), Duration::from_secs(10))
        .unwrap_or_else(|e| panic!("GET {path} with {host:?}: {e}"))
}

/// Issue 12 (2): request lines of another HTTP version and idle
/// connections never stop the server, even with few file descriptors.
/// tiny_http 0.12 leaked a thread and two descriptors per `HTTP/2.0`
/// request line and held one per idle connection; its accept thread quit
/// at the first EMFILE, and every later connection was refused.
#[cfg(unix)]
#[test]
fn serve_keeps_serving_after_bad_request_lines_and_idle_connections() {
    let t = HandbookTest::fixture("build/basic");
    let s = Serve::start_with_nofile(&t, &[], 256);
    let addr = s.addr;
    let timeout = Duration::from_secs(5);
    let start = Instant::now();
    for i in 0..2000 {
        // As an attacker would: send the line, do not wait for the answer.
        let mut c = TcpStream::connect_timeout(&addr, timeout)
            .unwrap_or_else(|e| panic!("connection {i} of 2000: {e}\n{}", s.stderr()));
        c.write_all(b"GET / HTTP/2.0\r\nHost: 127.0.0.1\r\n\r\n")
            .unwrap_or_else(|e| panic!("request line {i} of 2000: {e}\n{}", s.stderr()));
    }
    eprintln!("2000 HTTP/2.0 request lines sent in {:?}", start.elapsed());
    let r = exchange(
        addr,
        b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
        timeout,
    )
    .unwrap_or_else(|e| panic!("a page after 2000 bad request lines: {e}\n{}", s.stderr()));
    assert_eq!(r.status, 200);

    // 300 connections that never send a byte, held open meanwhile.
    let idle: Vec<TcpStream> = (0..300)
        .map(|i| {
            TcpStream::connect_timeout(&addr, timeout)
                .unwrap_or_else(|e| panic!("idle connection {i} of 300: {e}\n{}", s.stderr()))
        })
        .collect();
    let start = Instant::now();
    let r = exchange(
        addr,
        b"GET /guides/single.html HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
        timeout,
    )
    .unwrap_or_else(|e| panic!("a page with 300 idle connections open: {e}\n{}", s.stderr()));
    assert_eq!(r.status, 200);
    assert!(r.body.contains("/__reload?gen="), "{}", r.body);
    eprintln!(
        "a page loaded in {:?} with 300 idle connections open",
        start.elapsed()
    );
    drop(idle);
    assert_eq!(s.get("/").status, 200);
    // Another HTTP version is answered, and the connection closed.
    let r = exchange(addr, b"GET / HTTP/2.0\r\nHost: 127.0.0.1\r\n\r\n", timeout).unwrap();
    assert_eq!(r.status, 505);
    assert_eq!(r.header("Connection"), Some("close"));
    assert!(!s.stderr().contains("panicked"), "{}", s.stderr());
}

/// Issue 12 (3): clients that stop reading a large file hold up nobody
/// else, and the server gives up on them (write timeout) rather than keep
/// a thread and a descriptor for them forever.
#[test]
fn serve_slow_readers_of_a_large_file_block_nobody_and_are_cut_off() {
    const SIZE: usize = 30 << 20;
    let t = HandbookTest::fixture("build/basic");
    t.write_bytes("src/big.bin", &vec![b'x'; SIZE]);
    let s = Serve::start(&t);
    let addr = s.addr;
    // More stalled readers than tiny_http had workers.
    let slow: Vec<TcpStream> = (0..8)
        .map(|_| {
            let mut c = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).unwrap();
            write!(
                c,
                "GET /big.bin HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
            )
            .unwrap();
            c
        })
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    let start = Instant::now();
    let r = exchange(
        addr,
        format!("GET {PAGE_URL} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes(),
        Duration::from_secs(5),
    )
    .unwrap_or_else(|e| panic!("a page while 8 readers stall: {e}\n{}", s.stderr()));
    assert_eq!(r.status, 200);
    assert!(start.elapsed() < Duration::from_secs(5));

    // After the write timeout (10 s without progress) the server has
    // closed them: what was sent before ends early.
    std::thread::sleep(Duration::from_secs(14));
    for (i, mut c) in slow.into_iter().enumerate() {
        c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut total = 0usize;
        let mut buf = vec![0u8; 1 << 20];
        let ended = loop {
            match c.read(&mut buf) {
                Ok(0) => break true,
                Ok(n) => total += n,
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => break true,
                Err(e) => panic!("slow reader {i}: {e} after {total} bytes"),
            }
            if total > SIZE {
                break false;
            }
        };
        assert!(
            ended && total < SIZE,
            "slow reader {i} got {total} bytes of {SIZE}: the server kept writing to it"
        );
    }
    assert_eq!(s.get("/").status, 200);
}

/// Issue 12 (4): a page on another origin that rebinds its DNS name to
/// 127.0.0.1 sends its own name as `Host`, so only names the preview is
/// known by are answered (as Vite and webpack-dev-server do).
#[test]
fn serve_answers_only_known_host_names() {
    let t = HandbookTest::fixture("build/basic");
    let s = Serve::start(&t);
    let addr = s.addr;
    let port = addr.port();
    for host in [
        "evil.example".to_owned(),
        format!("evil.example:{port}"),
        format!("127.0.0.1.evil.example:{port}"),
        "localhost.evil.example".to_owned(),
    ] {
        let r = get_as(addr, "/", Some(&host), "HTTP/1.1");
        assert_eq!(r.status, 403, "{host}");
        assert_eq!(r.header("Content-Type"), Some("text/plain; charset=utf-8"));
        assert!(
            r.body.contains("--allow-host evil.example")
                || r.body.contains("--allow-host 127.0.0.1.evil.example")
                || r.body.contains("--allow-host localhost.evil.example"),
            "{host}: {}",
            r.body
        );
        // The long-poll too.
        let r = get_as(addr, "/__reload", Some(&host), "HTTP/1.1");
        assert_eq!(r.status, 403, "{host}");
    }
    for host in [
        format!("127.0.0.1:{port}"),
        "127.0.0.1".to_owned(),
        format!("localhost:{port}"),
        "LOCALHOST".to_owned(),
        format!("handbook.localhost:{port}"),
        format!("[::1]:{port}"),
        "192.168.1.20".to_owned(),
    ] {
        let r = get_as(addr, PAGE_URL, Some(&host), "HTTP/1.1");
        assert_eq!(r.status, 200, "{host}: {}", r.body);
    }
    // HTTP/1.0 may leave `Host` out; HTTP/1.1 may not.
    assert_eq!(get_as(addr, PAGE_URL, None, "HTTP/1.0").status, 200);
    assert_eq!(get_as(addr, PAGE_URL, None, "HTTP/1.1").status, 400);
    drop(s);

    let s = Serve::start_with(
        &t,
        &["--allow-host", "evil.example", "--allow-host", "docs.lan"],
    );
    let addr = s.addr;
    for host in ["evil.example", "EVIL.example:3000", "docs.lan", "localhost"] {
        let r = get_as(addr, PAGE_URL, Some(host), "HTTP/1.1");
        assert_eq!(r.status, 200, "{host}: {}", r.body);
    }
    assert_eq!(
        get_as(addr, "/", Some("other.example"), "HTTP/1.1").status,
        403
    );
}

/// Issue 12 (14): a bind that other machines can reach says so.
#[test]
fn serve_warns_when_the_preview_is_reachable_from_the_network() {
    let t = HandbookTest::fixture("build/basic");
    let s = Serve::start_with(&t, &["--bind", "0.0.0.0"]);
    let err = s.wait_for_stderr("serving ");
    let warnings: Vec<&str> = err
        .lines()
        .filter(|l| l.contains("reachable from the network"))
        .collect();
    assert_eq!(warnings.len(), 1, "{err}");
    assert!(
        warnings[0].starts_with("warning: ") && warnings[0].contains("0.0.0.0"),
        "{err}"
    );
    assert_eq!(s.get(PAGE_URL).status, 200);
    drop(s);
    let s = Serve::start(&t);
    let err = s.wait_for_stderr("serving ");
    assert!(!err.contains("reachable from the network"), "{err}");
}

/// The browser test: headless Chromium, driven over the DevTools protocol,
/// opens a served page; after an edit of its markdown the page reloads by
/// itself (a fresh document, scroll position kept) and shows the new text.
#[test]
fn serve_browser_reloads_after_an_edit() {
    let Some(chromium) = chromium_or_skip("serve_browser_reloads_after_an_edit") else {
        return;
    };
    let t = HandbookTest::fixture("build/basic");
    let long_body = |marker: &str| {
        let mut b = format!("{marker}\n\n");
        for i in 0..150 {
            b.push_str(&format!("Paragraph {i} of a long page.\n\n"));
        }
        page_text(&b)
    };
    t.write(PAGE, &long_body("Before the edit 1357."));
    let s = Serve::start(&t);
    let page_url = format!("http://{}{PAGE_URL}", s.addr);
    let browser = Browser::launch(&chromium, &page_url);
    let mut cdp = browser.page(&page_url);

    let main_text = "(document.querySelector('main')||{innerText:''}).innerText";
    cdp.wait_for(main_text, |v| {
        v.as_str()
            .is_some_and(|s| s.contains("Before the edit 1357."))
    });
    cdp.wait_for("document.readyState", |v| v == "complete");
    // Mark this document, and scroll: a reload drops the mark, keeps the scroll.
    cdp.eval("window.__handbookTestMark = 1; window.scrollTo(0, 400); window.scrollY");
    cdp.wait_for("window.scrollY", |v| v.as_f64().is_some_and(|y| y > 300.0));

    t.write(PAGE, &long_body("After the edit 2468."));
    cdp.wait_for(main_text, |v| {
        v.as_str()
            .is_some_and(|s| s.contains("After the edit 2468."))
    });
    assert_eq!(
        cdp.eval("typeof window.__handbookTestMark"),
        "undefined",
        "the page was reloaded, not patched"
    );
    cdp.wait_for("document.readyState", |v| v == "complete");
    cdp.wait_for("window.scrollY", |v| v.as_f64().is_some_and(|y| y > 300.0));
}

/// Browsers open at most six connections per host: with a long-poll held
/// in every tab, a seventh tab of the preview would not load until one was
/// answered (25 s). Hidden tabs do not poll, so many tabs load at once, and
/// a hidden tab that is shown again reloads if the site changed meanwhile.
#[test]
fn serve_many_open_tabs_do_not_block_page_loads() {
    let Some(chromium) = chromium_or_skip("serve_many_open_tabs_do_not_block_page_loads") else {
        return;
    };
    let t = HandbookTest::fixture("build/basic");
    let s = Serve::start(&t);
    let page_url = format!("http://{}{PAGE_URL}", s.addr);
    let browser = Browser::launch(&chromium, &page_url);
    let mut first = browser.page(&page_url);
    first.wait_for("document.title", |v| {
        v.as_str().is_some_and(|t| t.contains("Basic Handbook"))
    });
    first.wait_for("document.readyState", |v| v == "complete");
    let first_id = browser.target_id(&page_url);

    // Eight more tabs, each opened in front of the others once the one
    // before has loaded (and would have started its long-poll).
    for i in 0..8 {
        let url = format!("{page_url}?tab={i}");
        let r = request(browser.devtools, "PUT", &format!("/json/new?{url}"));
        assert_eq!(r.status, 200, "{}", r.body);
        let mut cdp = browser.page(&url);
        cdp.wait_for("document.title", |v| {
            v.as_str().is_some_and(|t| t.contains("Basic Handbook"))
        });
        cdp.wait_for("document.readyState", |v| v == "complete");
    }

    // Back to the first tab, hidden since: it reloads with the edit.
    first.eval("window.__handbookTestMark = 1");
    t.write(PAGE, &page_text("Seen when shown again 8080."));
    s.wait_for(PAGE_URL, "the edit", |r| {
        r.body.contains("Seen when shown again 8080.")
    });
    let r = get(browser.devtools, &format!("/json/activate/{first_id}"));
    assert_eq!(r.status, 200, "{}", r.body);
    first.wait_for(
        "(document.querySelector('main')||{innerText:''}).innerText",
        |v| {
            v.as_str()
                .is_some_and(|s| s.contains("Seen when shown again 8080."))
        },
    );
}

/// A headless Chromium with a fresh profile; killed (and the profile
/// removed) when dropped.
struct Browser {
    child: Child,
    profile: std::path::PathBuf,
    devtools: SocketAddr,
}

impl Browser {
    fn launch(binary: &std::path::Path, url: &str) -> Browser {
        let profile = chromium_profile("serve");
        let mut child = Command::new(binary)
            .args(CHROMIUM_FLAGS)
            .args([
                "--remote-debugging-port=0",
                "--remote-allow-origins=*",
                "--window-size=1024,700",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg(url)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("starting chromium");
        let (tx, rx) = std::sync::mpsc::channel();
        let pipe = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines() {
                let Ok(line) = line else { break };
                if let Some(rest) = line.split("DevTools listening on ws://").nth(1) {
                    let _ = tx.send(rest.split('/').next().unwrap_or_default().to_owned());
                }
            }
        });
        let mut browser = Browser {
            child,
            profile,
            devtools: "127.0.0.1:1".parse().unwrap(),
        };
        let hostport = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("chromium did not print its DevTools address");
        browser.devtools = hostport.parse().unwrap();
        browser
    }

    /// The DevTools id of the tab showing exactly `url`.
    fn target_id(&self, url: &str) -> String {
        let list = get(self.devtools, "/json/list");
        let targets: serde_json::Value = serde_json::from_str(&list.body).unwrap();
        targets
            .as_array()
            .and_then(|a| a.iter().find(|t| t["type"] == "page" && t["url"] == url))
            .and_then(|t| t["id"].as_str())
            .unwrap_or_else(|| panic!("no tab for {url}: {}", list.body))
            .to_owned()
    }

    /// A DevTools connection to the tab showing `url`.
    fn page(&self, url: &str) -> Cdp {
        let deadline = Instant::now() + Duration::from_secs(20);
        let ws = loop {
            let list = get(self.devtools, "/json/list");
            if list.status == 200 {
                let targets: serde_json::Value = serde_json::from_str(&list.body).unwrap();
                let found = targets.as_array().and_then(|a| {
                    a.iter().find(|t| {
                        t["type"] == "page" && t["url"].as_str().is_some_and(|u| u.starts_with(url))
                    })
                });
                if let Some(ws) = found.and_then(|t| t["webSocketDebuggerUrl"].as_str()) {
                    break ws.to_owned();
                }
            }
            assert!(Instant::now() < deadline, "no tab for {url}: {}", list.body);
            std::thread::sleep(Duration::from_millis(100));
        };
        let (socket, _) = tungstenite::connect(ws.as_str()).expect("DevTools websocket");
        if let tungstenite::stream::MaybeTlsStream::Plain(s) = socket.get_ref() {
            s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        }
        Cdp { socket, next_id: 0 }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        // Chromium's helper processes may still be writing to the profile
        // for a moment after the browser itself is gone.
        for _ in 0..40 {
            if std::fs::remove_dir_all(&self.profile).is_ok() || !self.profile.exists() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// A minimal Chrome DevTools Protocol client: `Runtime.evaluate` only.
struct Cdp {
    socket: tungstenite::WebSocket<tungstenite::stream::MaybeTlsStream<TcpStream>>,
    next_id: u64,
}

impl Cdp {
    /// Evaluates `expr` in the page; its value (null on an exception, e.g.
    /// while the page is reloading).
    fn eval(&mut self, expr: &str) -> serde_json::Value {
        self.next_id += 1;
        let id = self.next_id;
        let msg = serde_json::json!({
            "id": id,
            "method": "Runtime.evaluate",
            "params": {"expression": expr, "returnByValue": true},
        });
        self.socket
            .send(tungstenite::Message::text(msg.to_string()))
            .expect("sending to DevTools");
        loop {
            let reply = self.socket.read().expect("reading from DevTools");
            let tungstenite::Message::Text(text) = reply else {
                continue;
            };
            let v: serde_json::Value = serde_json::from_str(text.as_str()).unwrap();
            if v["id"] == id {
                return v["result"]["result"]["value"].clone();
            }
        }
    }

    /// Evaluates `expr` until `ok` holds (15 s).
    #[track_caller]
    fn wait_for(&mut self, expr: &str, ok: impl Fn(&serde_json::Value) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let v = self.eval(expr);
            if ok(&v) {
                return;
            }
            if Instant::now() > deadline {
                let v = v.to_string();
                let cut: String = v.chars().take(400).collect();
                panic!("`{expr}` is still {cut}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// On the preview server, the sidebar of a page three folders deep opens
/// its branch; a closed folder loads when opened; and a new title reaches
/// the sidebar after the reload the edit causes.
#[test]
fn serve_sidebar_opens_the_branch_and_follows_a_new_title() {
    let Some(chromium) = chromium_or_skip("serve_sidebar_opens_the_branch_and_follows_a_new_title")
    else {
        return;
    };
    let t = HandbookTest::fixture("build/basic");
    let s = Serve::start(&t);
    let page_url = format!("http://{}/guides/nested/deep/page.html", s.addr);
    let browser = Browser::launch(&chromium, &page_url);
    let mut cdp = browser.page(&page_url);
    let state = "JSON.stringify({
        open: Array.prototype.map.call(
            document.querySelectorAll('#sidebar .nav-toggle[aria-expanded=true]'),
            function (b) { return b.getAttribute('aria-label') || b.textContent; }),
        current: (document.querySelector('#sidebar [aria-current=page]') || {}).textContent
    })";
    cdp.wait_for(state, |v| {
        v.as_str().is_some_and(|s| {
            s == r#"{"open":["Guides overview","Nested","Deep"],"current":"Deeply nested page"}"#
        })
    });
    // Opening a closed folder (the script clicks it whenever it is closed,
    // so also after the reload an edit causes) shows its pages.
    let adrs_show = |title: &str| {
        format!(
            "(function () {{
                var bs = document.querySelectorAll('#sidebar .nav-toggle');
                for (var i = 0; i < bs.length; i++) {{
                    if (bs[i].textContent === 'Decisions (ADRs)' &&
                        bs[i].getAttribute('aria-expanded') !== 'true') {{ bs[i].click(); }}
                }}
                return document.getElementById('sidebar').textContent.indexOf({title:?}) >= 0;
            }})()"
        )
    };
    cdp.wait_for(&adrs_show("Old server sessions"), |v| v == true);
    let adr = t.read("src/adr/0002-old-sessions.md");
    t.write(
        "src/adr/0002-old-sessions.md",
        &adr.replace("title: Old server sessions", "title: Sticky sessions 2718"),
    );
    cdp.wait_for(&adrs_show("Sticky sessions 2718"), |v| v == true);
}

/// WCAG 2 contrast ratio of two `#rrggbb` colours.
fn contrast_ratio(a: &str, b: &str) -> f64 {
    let luminance = |hex: &str| {
        let hex = hex.trim_start_matches('#');
        assert_eq!(hex.len(), 6, "#rrggbb colour: {hex}");
        let channel = |i: usize| {
            let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0;
            if c <= 0.03928 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4)
    };
    let (a, b) = (luminance(a), luminance(b));
    (a.max(b) + 0.05) / (a.min(b) + 0.05)
}

/// The overlay in the page `html` sets a text colour and a background on
/// each of its elements, so the page's stylesheet (whose `pre` is light in
/// the light theme) cannot show through, and each pair has a contrast of
/// at least 4.5:1 (WCAG AA).
#[track_caller]
fn assert_overlay_is_readable(html: &str) {
    let start = html
        .find("<div id=\"handbook-error-overlay\"")
        .expect("the overlay");
    let end = html[start..].find("</div>").expect("the overlay ends") + start;
    let overlay = &html[start..end];
    let mut seen = Vec::new();
    for tag in overlay.split('<').skip(1).filter(|t| !t.starts_with('/')) {
        let name = tag.split([' ', '>']).next().unwrap_or_default();
        if name.is_empty() || name.starts_with('!') {
            continue;
        }
        let style = tag
            .split("style=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap_or_else(|| panic!("<{name}> in the overlay has no style: {tag}"));
        let prop = |p: &str| {
            style
                .split(';')
                .find_map(|d| d.trim().strip_prefix(&format!("{p}:")))
                .unwrap_or_else(|| panic!("<{name}> sets no {p}: {style}"))
                .trim()
        };
        let (fg, bg) = (prop("color"), prop("background"));
        let ratio = contrast_ratio(fg, bg);
        assert!(ratio >= 4.5, "<{name}>: {fg} on {bg} is {ratio:.2}:1");
        seen.push(name.to_owned());
    }
    for name in ["div", "p", "pre", "button"] {
        assert!(seen.iter().any(|s| s == name), "no <{name}> in {seen:?}");
    }
}
