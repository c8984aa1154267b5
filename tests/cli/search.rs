//! Search: the index `build` writes, and `search.html` run in headless
//! Chromium, from `file://` and over HTTP.
//!
//! The browser tests load `search.html?q=...` with `--dump-dom` (virtual
//! time lets the injected index scripts load before the DOM is dumped) and
//! read the results out of `#search-results`. Without `/usr/bin/chromium`
//! (or `HANDBOOK_CHROMIUM`) they print SKIPPED and pass, unless
//! `HANDBOOK_REQUIRE_BROWSER` is set, as in CI.

use crate::harness::{
    chromium_or_skip, chromium_profile, unreachable_hrefs, HandbookTest, CHROMIUM_FLAGS, TODAY,
};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Builds `t` into `t/book`; returns the site folder.
fn build(t: &HandbookTest) -> PathBuf {
    let r = t.run(&["build", "--today", TODAY]);
    r.assert_code(0);
    assert!(
        !r.stderr.contains("search index is"),
        "unexpected size warning: {}",
        r.stderr
    );
    t.path("book")
}

/// The data of a `window.__handbookSearch.manifest({...});` file.
fn manifest(site: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(site.join("search/manifest.js")).unwrap();
    let json = text
        .trim_end()
        .strip_prefix("window.__handbookSearch.manifest(")
        .and_then(|s| s.strip_suffix(");"))
        .expect("manifest.js calls manifest(...)");
    serde_json::from_str(json).unwrap()
}

fn all_index_text(site: &Path) -> String {
    let mut out = String::new();
    for entry in walk(&site.join("search")) {
        out.push_str(&std::fs::read_to_string(entry).unwrap());
    }
    out
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

#[test]
fn build_writes_a_sharded_index_and_a_search_page() {
    let t = HandbookTest::example();
    let site = build(&t);
    let m = manifest(&site);
    let pages = m["pages"].as_u64().unwrap();
    assert!(pages >= 30, "{pages} pages indexed");
    for shard in m["shards"].as_array().unwrap() {
        let name = shard[1].as_str().unwrap();
        assert!(site.join(format!("search/{name}.js")).is_file(), "{name}");
    }
    let per_file = m["per_file"].as_u64().unwrap();
    for n in 0..pages.div_ceil(per_file) {
        assert!(
            site.join(format!("search/p/{n}.js")).is_file(),
            "result file {n}"
        );
    }
    assert!(!site
        .join(format!("search/p/{}.js", pages.div_ceil(per_file)))
        .exists());
    let kinds: Vec<&str> = m["facets"]["kind"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k[0].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"runbook") && kinds.contains(&"adr"),
        "{kinds:?}"
    );
    assert!(site.join("static/search.js").is_file());

    let search = t.read("book/search.html");
    assert!(search.contains("id=\"search-results\""));
    assert!(search.contains("data-view=\"search\""));
    assert!(search.contains("static/search.js"));
    // Every page has the search box, pointing at search.html from its folder.
    let page = t.read("book/runbooks/db-failover.html");
    assert!(
        page.contains("<form class=\"site-search\" action=\"../search.html\""),
        "no search box in the header"
    );
    assert!(page.contains("src=\"../static/search.js\""));
}

#[test]
fn opted_out_pages_are_not_in_the_index() {
    let t = HandbookTest::fixture("search/accents");
    let site = build(&t);
    let text = all_index_text(&site);
    assert!(!text.contains("zanzibar") && !text.contains("Zanzibar"));
    assert!(!text.contains("quokka"));
    assert!(text.contains("Café opening hours"));
    // The page itself is still built.
    assert!(t.exists("book/guides/hidden.html"));
    assert_eq!(manifest(&site)["pages"], 3);
}

#[test]
fn index_is_byte_identical_across_builds() {
    let t = HandbookTest::example();
    t.run(&["build", "--today", TODAY, "--dest", "out-a"])
        .assert_code(0);
    t.run(&["build", "--today", TODAY, "--dest", "out-b"])
        .assert_code(0);
    let a = walk(&t.path("out-a/search"));
    let b = walk(&t.path("out-b/search"));
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.file_name(), y.file_name());
        assert_eq!(
            std::fs::read(x).unwrap(),
            std::fs::read(y).unwrap(),
            "{x:?}"
        );
    }
}

// ------------------------------------------------------------- browser

/// Loads `url` in headless Chromium and returns the DOM once the page and
/// the scripts it injects have loaded (virtual time: no sleeping).
pub(crate) fn dump_dom(chromium: &Path, url: &str) -> String {
    let profile = chromium_profile("search");
    let mut child = Command::new(chromium)
        .args(CHROMIUM_FLAGS)
        .args(["--virtual-time-budget=10000", "--dump-dom"])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("starting chromium");
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish loading {url} in 60 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = std::fs::remove_dir_all(&profile);
    reader.join().unwrap()
}

/// What `#search-results` showed.
#[derive(Debug)]
struct Shown {
    /// `data-state`: `done`, `empty`, `idle`, `loading` or `error`.
    state: String,
    /// `data-count`: pages that matched.
    count: usize,
    /// `data-url` of each result, in order.
    urls: Vec<String>,
    /// The inner HTML of `#search-results`.
    html: String,
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let end = tag[start..].find('"')? + start;
    Some(tag[start..end].to_owned())
}

fn shown(dom: &str) -> Shown {
    let start = dom
        .find("<div id=\"search-results\"")
        .unwrap_or_else(|| panic!("no #search-results in\n{dom}"));
    let tag_end = dom[start..].find('>').unwrap() + start;
    let tag = &dom[start..tag_end];
    let end = dom[tag_end..].find("</main>").unwrap() + tag_end;
    let html = dom[tag_end + 1..end].to_owned();
    let urls = html
        .split("<li class=\"search-result\"")
        .skip(1)
        .filter_map(|li| attr(li.split('>').next().unwrap_or(""), "data-url"))
        .collect();
    Shown {
        state: attr(tag, "data-state").unwrap_or_default(),
        count: attr(tag, "data-count")
            .and_then(|c| c.parse().ok())
            .unwrap_or(0),
        urls,
        html,
    }
}

/// Page metadata from `handbook.json`, by URL.
struct Catalog(BTreeMap<String, serde_json::Value>);

impl Catalog {
    fn load(site: &Path) -> Catalog {
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(site.join("handbook.json")).unwrap())
                .unwrap();
        Catalog(
            v["pages"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| (p["url"].as_str().unwrap().to_owned(), p.clone()))
                .collect(),
        )
    }

    fn page(&self, url: &str) -> &serde_json::Value {
        self.0
            .get(url)
            .unwrap_or_else(|| panic!("{url} is not a page"))
    }
}

/// Runs the searches the issue names against a site served at `example`
/// (the example handbook) and `accents` (tests/fixtures/search/accents),
/// both base URLs ending in `/`.
fn check_searches(chromium: &Path, example: &str, accents: &str, catalog: &Catalog) {
    let search = |base: &str, query: &str| -> Shown {
        let url = format!("{base}search.html?{query}");
        let s = shown(&dump_dom(chromium, &url));
        assert_ne!(s.state, "error", "{url}: {}", s.html);
        s
    };

    // A title word: the page with it in its title comes first.
    let s = search(example, "q=failover");
    assert_eq!(s.state, "done", "{}", s.html);
    assert_eq!(s.urls[0], "runbooks/db-failover.html", "{:?}", s.urls);
    assert!(s.count > 3 && s.urls.len() == s.count.min(10));
    assert!(s.html.contains("<mark>failover</mark>"), "{}", s.html);
    assert!(s.html.contains("Runbook"), "kind shown");
    assert!(
        s.html.contains("Site Reliability Engineering"),
        "owners shown"
    );

    // A word only in one page's code blocks (a command) finds the page; the
    // snippet is the section's prose (code blocks are never snippet text).
    let s = search(example, "q=patronictl");
    assert_eq!(s.urls, ["runbooks/db-failover.html"], "{}", s.html);
    assert!(!s.html.contains("<mark>patronictl</mark>"), "{}", s.html);
    assert!(
        s.html
            .contains("<p class=\"search-snippet\">Check whether Patroni"),
        "{}",
        s.html
    );

    // Case, plural and prefix: "Runbook" typed as "RUNBOOKS", "failov".
    let s = search(example, "q=RUNBOOKS");
    assert!(s.urls.contains(&"standards/runbooks.html".to_owned()));
    let s = search(example, "q=failov");
    assert_eq!(
        s.urls[0], "runbooks/db-failover.html",
        "prefix of the last word"
    );

    // Filters: every result matches them.
    let s = search(example, "q=failover&kind=runbook");
    assert_eq!(s.urls[0], "runbooks/db-failover.html");
    for u in &s.urls {
        assert_eq!(catalog.page(u)["kind"], "runbook", "{u}");
    }
    let s = search(example, "q=failover&owner=payments");
    assert!(!s.urls.is_empty());
    assert!(
        s.urls.contains(&"runbooks/psp-outage.html".to_owned()),
        "{:?}",
        s.urls
    );
    for u in &s.urls {
        let owners = catalog.page(u)["owners"].as_array().unwrap().clone();
        assert!(owners.contains(&"payments".into()), "{u}: {owners:?}");
    }
    let s = search(example, "q=failover&domain=platform&kind=runbook");
    assert!(s.urls.contains(&"runbooks/db-failover.html".to_owned()));
    for u in &s.urls {
        assert_eq!(catalog.page(u)["domain"], "platform", "{u}");
        assert_eq!(catalog.page(u)["kind"], "runbook", "{u}");
    }
    let s = search(example, "q=acquirer&stale=true");
    assert!(
        s.urls
            .contains(&"runbooks/settlement-file-rejected.html".to_owned()),
        "{:?}",
        s.urls
    );
    for u in &s.urls {
        assert_eq!(catalog.page(u)["stale"], true, "{u}");
    }
    assert!(s.html.contains("search-stale"), "stale marker shown");

    // Nothing matches: a clear message.
    let s = search(example, "q=xyzzyplugh");
    assert_eq!(s.state, "empty");
    assert!(s.urls.is_empty());
    assert!(s.html.contains("No pages match"), "{}", s.html);

    // Accents: "cafe" finds "Café", "creme brulee" finds "crème brûlée",
    // and an accented query finds unaccented text.
    let s = search(accents, "q=cafe");
    assert_eq!(s.urls, ["guides/cafe.html"], "{}", s.html);
    assert!(s.html.contains("<mark>Café</mark>"), "{}", s.html);
    let s = search(accents, "q=creme%20brulee");
    assert_eq!(s.urls, ["guides/cafe.html"]);
    let s = search(accents, "q=r%C3%A9sum%C3%A9");
    assert_eq!(s.urls, ["guides/cafe.html"]);
    let s = search(accents, "q=policy");
    assert_eq!(
        s.urls,
        ["guides/policies.html"],
        "singular finds the plural"
    );
    let s = search(accents, "q=zanzibar");
    assert_eq!(s.state, "empty", "opted-out page found");
}

#[test]
fn search_works_from_file_urls() {
    let Some(chromium) = chromium_or_skip("search_works_from_file_urls") else {
        return;
    };
    let example = HandbookTest::example();
    let example_site = build(&example);
    let accents = HandbookTest::fixture("search/accents");
    let accents_site = build(&accents);
    let base = |p: &Path| format!("file://{}/", p.display());
    check_searches(
        &chromium,
        &base(&example_site),
        &base(&accents_site),
        &Catalog::load(&example_site),
    );
}

#[test]
fn search_works_over_http() {
    let Some(chromium) = chromium_or_skip("search_works_over_http") else {
        return;
    };
    let example = HandbookTest::example();
    let example_site = build(&example);
    let accents = HandbookTest::fixture("search/accents");
    let accents_site = build(&accents);
    let a = StaticServer::start(example_site.clone());
    let b = StaticServer::start(accents_site);
    check_searches(
        &chromium,
        &format!("http://{}/", a.addr),
        &format!("http://{}/", b.addr),
        &Catalog::load(&example_site),
    );

    // The filter controls: changing one re-runs the search and puts the
    // filter into the address, so the search can be shared. Driven from a
    // same-origin page that holds search.html in a frame.
    std::fs::write(
        example_site.join("filters-test.html"),
        r#"<!DOCTYPE html><meta charset="utf-8"><pre id="out">waiting</pre>
<iframe id="f" src="search.html?q=failover"></iframe>
<script>
var step = 0;
function tick() {
  var w = document.getElementById("f").contentWindow;
  var d = w.document;
  var box = d.getElementById("search-results");
  if (!box || box.getAttribute("data-state") !== "done") { return setTimeout(tick, 20); }
  var kind = d.querySelector("select[name=kind]");
  if (step === 0) {
    if (!kind.querySelector("option[value=runbook]")) { return setTimeout(tick, 20); }
    step = 1;
    box.setAttribute("data-state", "changed");
    kind.value = "runbook";
    kind.dispatchEvent(new Event("change"));
    return setTimeout(tick, 20);
  }
  var urls = Array.prototype.map.call(d.querySelectorAll(".search-result"), function (li) { return li.getAttribute("data-url"); });
  document.getElementById("out").textContent = JSON.stringify({search: w.location.search, urls: urls});
}
tick();
</script>"#,
    )
    .unwrap();
    let dom = dump_dom(&chromium, &format!("http://{}/filters-test.html", a.addr));
    let out: serde_json::Value = pre_json(&dom);
    assert_eq!(out["search"], "?q=failover&kind=runbook");
    let urls = out["urls"].as_array().unwrap();
    assert!(!urls.is_empty());
    let catalog = Catalog::load(&example_site);
    for u in urls {
        assert_eq!(catalog.page(u.as_str().unwrap())["kind"], "runbook");
    }
}

/// The browser normalises queries exactly as the index builder does.
#[test]
fn search_js_normalises_like_the_index_builder() {
    let Some(chromium) = chromium_or_skip("search_js_normalises_like_the_index_builder") else {
        return;
    };
    let words = [
        "Café",
        "CAFÉ crème brûlée",
        "Cafe\u{301}",
        "policies policy",
        "caches cache branches boxes classes",
        "status statuses analysis redis bus",
        "runbooks team's don’t",
        "Straße Øresund Łódź ÆON İstanbul",
        "Ωmega 東京 k8s",
        "本番データベースの切り替え",
        "DBの切替、Redis 東 京 k8s東京k8s",
        "データ・ベース。人々 ﾃﾞｰﾀﾍﾞｰｽ 𠮷野家",
        "운영데이터베이스를 전환합니다 데이터",
        "在维护窗口内执行主数据库切换操作。",
        "ＡＢＣ全角 Ｄａｔａ",
        &"字".repeat(100),
        "uses ties keys replays",
        "db-failover/v2_plan",
        "O'Brien's HTTP/2 GET-Requests (5xx), ÀÉÎÕÜ ǄUNGLA",
        "the of and a to",
        &"x".repeat(80),
        &"y".repeat(81),
    ];
    let t = HandbookTest::empty();
    std::fs::create_dir_all(t.path("static")).unwrap();
    std::fs::write(
        t.path("static/search.js"),
        include_str!("../../themes/default/static/search.js"),
    )
    .unwrap();
    let page = format!(
        r#"<!DOCTYPE html><meta charset="utf-8"><body data-root="">
<script src="static/search.js"></script>
<pre id="out"></pre>
<script>
var words = {};
document.getElementById("out").textContent =
  JSON.stringify(words.map(function (w) {{ return window.__handbookSearch.terms(w); }}));
</script>"#,
        serde_json::to_string(&words).unwrap()
    );
    std::fs::write(t.path("terms.html"), page).unwrap();
    let dom = dump_dom(
        &chromium,
        &format!("file://{}/terms.html", t.root().display()),
    );
    let js: Vec<Vec<String>> = pre_json(&dom);
    let rust: Vec<Vec<String>> = words
        .iter()
        .map(|w| handbook::search::text::terms(w))
        .collect();
    assert_eq!(js, rust);
}

/// The JSON a test page wrote into its `<pre id="out">`.
fn pre_json<T: serde::de::DeserializeOwned>(dom: &str) -> T {
    let open = "<pre id=\"out\">";
    let start = dom.find(open).unwrap() + open.len();
    let end = dom[start..].find("</pre>").unwrap() + start;
    let text = dom[start..end]
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// A tiny static file server for the built site (GET only).
pub(crate) struct StaticServer {
    pub(crate) addr: SocketAddr,
}

impl StaticServer {
    pub(crate) fn start(root: PathBuf) -> StaticServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let root = root.clone();
                std::thread::spawn(move || serve_one(stream, &root));
            }
        });
        StaticServer { addr }
    }
}

fn serve_one(mut stream: TcpStream, root: &Path) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request = String::new();
    if reader.read_line(&mut request).is_err() {
        return;
    }
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => break,
            Ok(_) if line.trim().is_empty() => break,
            Ok(_) => {}
        }
    }
    let target = request.split_whitespace().nth(1).unwrap_or("/");
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let path = percent_decode(path.trim_start_matches('/'));
    let file = if path.is_empty() || path.ends_with('/') {
        root.join(&path).join("index.html")
    } else {
        root.join(&path)
    };
    let response = match std::fs::read(&file) {
        Ok(body) if !path.contains("..") => {
            let ext = file.extension().and_then(|e| e.to_str()).unwrap_or("");
            let kind = match ext {
                "html" => "text/html; charset=utf-8",
                "js" => "text/javascript; charset=utf-8",
                "css" => "text/css; charset=utf-8",
                "json" => "application/json",
                _ => "application/octet-stream",
            };
            let mut r = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            )
            .into_bytes();
            r.extend(body);
            r
        }
        _ => b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec(),
    };
    let _ = stream.write_all(&response);
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[test]
fn search_results_and_sidebar_reach_pages_named_with_url_characters() {
    let Some(chromium) =
        chromium_or_skip("search_results_and_sidebar_reach_pages_named_with_url_characters")
    else {
        return;
    };
    let t = HandbookTest::with_url_characters();
    let site = build(&t);
    let base = format!("file://{}/", site.display());

    // Search: three pages say "zebrafish"; each result's link reaches it.
    let dom = dump_dom(&chromium, &format!("{base}search.html?q=zebrafish"));
    let s = shown(&dom);
    assert_eq!(s.count, 3, "{}", s.html);
    assert!(s.html.contains("a%23b.html"), "{}", s.html);
    let missing = unreachable_hrefs(&site, "search.html", &s.html);
    assert!(
        missing.is_empty(),
        "search links that reach nothing: {missing:?}"
    );

    // The sidebar, drawn by toc.js on a page one folder down.
    let dom = dump_dom(&chromium, &format!("{base}notes/plain.html"));
    let nav = &dom[dom.find("id=\"sidebar\"").expect("no sidebar")..];
    let nav = &nav[..nav.find("</nav>").unwrap_or(nav.len())];
    assert!(
        nav.contains("a%23b.html"),
        "sidebar lists no a#b page:\n{nav}"
    );
    let missing = unreachable_hrefs(&site, "notes/plain.html", nav);
    assert!(
        missing.is_empty(),
        "sidebar links that reach nothing: {missing:?}"
    );
}

/// Words that are names on `Object.prototype` are words like any other:
/// the client keeps terms, filters and loaded files in `Map`s, so
/// `constructor` does not find `Object`'s constructor (which made the query
/// look like a stop word, or broke it: "Search is unavailable").
#[test]
fn search_finds_words_that_are_object_prototype_names() {
    let Some(chromium) = chromium_or_skip("search_finds_words_that_are_object_prototype_names")
    else {
        return;
    };
    let page = |title: &str, owner: &str, body: &str| {
        format!("---\ntitle: {title}\nowners: [\"{owner}\"]\n---\n\n{body}\n")
    };
    let t = HandbookTest::with_pages(
        "Prototype words",
        &[
            (
                "one.md",
                &page("One", "constructor", "The constructor runs first."),
            ),
            ("two.md", &page("Two", "team", "Constructors run in order.")),
            (
                "three.md",
                &page("Three", "__proto__", "Call toString on it."),
            ),
            (
                "four.md",
                &page("Four", "team", "Never set __proto__ directly."),
            ),
            (
                "five.md",
                &page("Five", "team", "Use hasOwnProperty to check."),
            ),
            (
                "six.md",
                &page("Six", "team", "Ask consul for the address."),
            ),
            ("seven.md", &page("Seven", "team", "Nothing special here.")),
        ],
    );
    let site = build(&t);
    let base = format!("file://{}/", site.display());
    let search = |query: &str| -> Shown {
        let s = shown(&dump_dom(&chromium, &format!("{base}search.html?{query}")));
        assert!(
            s.state != "error" && !s.html.contains("Search is unavailable"),
            "{query}: {}",
            s.html
        );
        s
    };
    let sorted = |mut urls: Vec<String>| {
        urls.sort();
        urls
    };
    for (query, want) in [
        ("q=constructor", &["one.html", "two.html"][..]),
        ("q=constructors", &["one.html", "two.html"]),
        ("q=toString", &["three.html"]),
        ("q=__proto__", &["four.html"]),
        ("q=hasOwnProperty", &["five.html"]),
        ("q=cons", &["one.html", "six.html", "two.html"]),
        ("q=constructor&owner=constructor", &["one.html"]),
        ("q=tostring&owner=__proto__", &["three.html"]),
        ("q=constructor&owner=__proto__", &[]),
        ("q=constructor&owner=hasOwnProperty", &[]),
        ("q=valueOf", &[]),
        ("q=isPrototypeOf", &[]),
    ] {
        let s = search(query);
        assert_eq!(sorted(s.urls.clone()), want, "{query}: {}", s.html);
        assert_eq!(s.count, want.len(), "{query}");
        let state = if want.is_empty() { "empty" } else { "done" };
        assert_eq!(s.state, state, "{query}: {}", s.html);
    }
}

/// Every page entry of the index's result files (`search/p/*.js`, each
/// calling `window.__handbookSearch.pages(N, [...])`).
fn result_pages(site: &Path) -> Vec<serde_json::Value> {
    let dir = site.join("search/p");
    if !dir.is_dir() {
        return Vec::new(); // nothing indexed
    }
    let mut out = Vec::new();
    for file in walk(&dir) {
        let text = std::fs::read_to_string(&file).unwrap();
        let json = text
            .trim_end()
            .strip_prefix("window.__handbookSearch.pages(")
            .and_then(|s| s.strip_suffix(");"))
            .and_then(|s| s.split_once(','))
            .map(|(_, data)| data)
            .unwrap_or_else(|| panic!("{file:?} calls pages(N, [...])"));
        let pages: Vec<serde_json::Value> = serde_json::from_str(json).unwrap();
        out.extend(pages);
    }
    out
}

/// The `u` (URL) of every page in the index's result files.
fn indexed_urls(site: &Path) -> Vec<String> {
    let mut urls: Vec<String> = result_pages(site)
        .iter()
        .map(|p| p["u"].as_str().unwrap().to_owned())
        .collect();
    urls.sort();
    urls
}

/// Handbooks that teams already have are plain markdown: no frontmatter, a
/// `# Title` or no heading at all, README.md and _index.md pages. Every page
/// built from them is in the index (only `search: false` opts out).
#[test]
fn pages_without_frontmatter_are_in_the_index() {
    let t = HandbookTest::with_pages(
        "Plain runbooks",
        &[
            ("README.md", "# Runbooks\n\nStart here for wombat incidents.\n"),
            ("db/_index.md", "# Databases\n\nEvery database we run.\n"),
            (
                "db/failover.md",
                "# Database failover\n\nPromote the replica with okapictl.\n\n## Verify\n\nCheck lag.\n",
            ),
            ("db/notes.md", "No heading here, only a note about quolls.\n"),
            (
                "db/hidden.md",
                "---\nsearch: false\n---\n\n# Hidden\n\nNothing about numbats.\n",
            ),
        ],
    );
    let site = build(&t);
    let mut built: Vec<String> = walk(&site)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .map(|p| {
            p.strip_prefix(&site)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    // Pages the build generates, not made from a source file.
    let catalog = Catalog::load(&site);
    built.retain(|u| catalog.0.contains_key(u) && u != "db/hidden.html");
    built.sort();
    assert_eq!(built.len(), 4, "{built:?}");
    assert_eq!(indexed_urls(&site), built);
    assert_eq!(manifest(&site)["pages"], 4);
    let text = all_index_text(&site);
    for word in ["wombat", "okapictl", "quoll", "verifi"] {
        assert!(text.contains(&format!("\"{word}\"")), "{word} not indexed");
    }
    assert!(!text.contains("numbat"), "opted-out page indexed");
}

/// Japanese, Chinese and Korean: a word inside a run of text (no spaces
/// between words) is found on exactly the pages that hold it, because runs
/// are indexed as overlapping bigrams and the query's bigrams must all
/// match. The pages have no frontmatter, as in most existing handbooks.
#[test]
fn search_finds_cjk_words_inside_runs_of_text() {
    let Some(chromium) = chromium_or_skip("search_finds_cjk_words_inside_runs_of_text") else {
        return;
    };
    let t = HandbookTest::with_pages(
        "CJK",
        &[
            (
                "ja/failover.md",
                "# 本番データベースの切り替え\n\n本番データベースの切り替えは夜間に行います。\n",
            ),
            (
                "ja/backup.md",
                "# バックアップ\n\n毎日午前三時にデータベースのバックアップを取得します。\n",
            ),
            (
                "ja/deploy.md",
                "アプリケーションを本番環境へ配布します。データは触りません。kubectl を使います。\n",
            ),
            (
                "ja/network.md",
                "# ネットワーク\n\nベースとなるネットワーク設定を確認します。\n",
            ),
            ("zh/db.md", "# 数据库切换\n\n在维护窗口内执行主数据库切换操作。\n"),
            (
                "ko/db.md",
                "# 장애 조치\n\n운영데이터베이스를전환합니다.\n",
            ),
        ],
    );
    let site = build(&t);
    let base = format!("file://{}/", site.display());
    for (query, want) in [
        ("データベース", &["ja/backup.html", "ja/failover.html"][..]),
        ("切り替え", &["ja/failover.html"]),
        (
            "データ",
            &["ja/backup.html", "ja/deploy.html", "ja/failover.html"],
        ),
        ("ネットワーク設定", &["ja/network.html"]),
        (
            "ベース",
            &["ja/backup.html", "ja/failover.html", "ja/network.html"],
        ),
        ("本番 夜間", &["ja/failover.html"]),
        ("数据库", &["zh/db.html"]),
        ("切换", &["zh/db.html"]),
        ("데이터베이스", &["ko/db.html"]),
        ("데이터베이스를", &["ko/db.html"]),
        ("kubectl", &["ja/deploy.html"]),
        ("データベース復旧", &[]),
    ] {
        let url = format!("{base}search.html?q={}", percent_encode(query));
        let s = shown(&dump_dom(&chromium, &url));
        let mut urls = s.urls.clone();
        urls.sort();
        assert_eq!(urls, want, "{query}: {}", s.html);
        let state = if want.is_empty() { "empty" } else { "done" };
        assert_eq!(s.state, state, "{query}: {}", s.html);
    }
    // The word is marked once, not as overlapping bigrams.
    let url = format!("{base}search.html?q={}", percent_encode("データベース"));
    let s = shown(&dump_dom(&chromium, &url));
    assert!(s.html.contains("<mark>データベース</mark>"), "{}", s.html);
}

fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// One section of a result file: anchor, heading, snippet text.
type IndexedSection = (String, String, String);

/// The `x` (sections) of every page in the index's result files, by URL.
fn indexed_sections(site: &Path) -> Vec<(String, Vec<IndexedSection>)> {
    result_pages(site)
        .into_iter()
        .map(|p| {
            let sections = serde_json::from_value(p["x"].clone()).unwrap();
            (p["u"].as_str().unwrap().to_owned(), sections)
        })
        .collect()
}

/// A snippet is cut from the prose of a section, never from its code
/// blocks (an ASCII table there is clutter); the words of code blocks are
/// still found.
#[test]
fn snippets_leave_out_code_blocks_whose_words_are_still_indexed() {
    let t = HandbookTest::with_pages(
        "Snippets",
        &[(
            "capacity.md",
            concat!(
                "---\ntitle: Capacity\n---\n\n",
                "## Nodes\n\n",
                "```text\n",
                "+--------+-------------+\n",
                "| node   | cpu         |\n",
                "+--------+-------------+\n",
                "│ db-1   │ 93% axolotlcpu │\n",
                "└────────┴─────────────┘\n",
                "```\n\n",
                "The pangolin report above lists every node.\n\n",
                "    kubectl drain --ignore-daemonsets zorillactl\n",
            ),
        )],
    );
    let site = build(&t);
    let pages = indexed_sections(&site);
    let (_, sections) = pages
        .iter()
        .find(|(u, _)| u == "capacity.html")
        .expect("the page is indexed");
    let nodes = sections
        .iter()
        .find(|s| s.0 == "nodes")
        .expect("the Nodes section");
    assert_eq!(nodes.2, "The pangolin report above lists every node.");
    for (_, _, snippet) in sections {
        for clutter in ["+---", "│", "└", "| node", "kubectl"] {
            assert!(!snippet.contains(clutter), "{clutter} in {snippet:?}");
        }
    }
    // Words only in code blocks are still terms of the index.
    let text = all_index_text(&site);
    for word in ["pangolin", "axolotlcpu", "zorillactl", "kubectl"] {
        assert!(
            text.contains(&format!("\"{word}\":[")),
            "{word} not indexed"
        );
    }
}
