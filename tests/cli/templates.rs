//! Foreign template syntax as adopted handbooks carry it: Hugo shortcodes
//! (a GitLab-style `content/` handbook), GOV.UK Tech Docs ERB pages
//! (`source/*.html.md.erb`), Kramdown/Pandoc attribute lists, and mermaid
//! diagrams drawn in the browser.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::{chromium_or_skip, chromium_profile, of_rule, HandbookTest, CHROMIUM_FLAGS};

/// The text of `html` outside `<code>`/`<pre>` elements (and tags).
fn prose(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let skip_to = ["<code", "<pre"]
            .iter()
            .find(|t| rest.starts_with(**t))
            .map(|t| format!("</{}>", &t[1..]));
        let end = match skip_to {
            Some(close) => rest.find(&close).map_or(rest.len(), |e| e + close.len()),
            None => rest.find('>').map_or(rest.len(), |e| e + 1),
        };
        rest = &rest[end..];
    }
    out.push_str(rest);
    out.replace("&lt;", "<").replace("&gt;", ">")
}

fn hugo_handbook() -> HandbookTest {
    let t = HandbookTest::empty();
    t.write(
        "config/_default/hugo.toml",
        "title = \"Widget Co Handbook\"\ncontentDir = \"content\"\n",
    );
    t.write(
        "book.toml",
        "[book]\ntitle = \"Widget Co\"\nsrc = \"content\"\n",
    );
    t.write(
        "content/handbook/_index.md",
        "---\ntitle: Handbook\n---\n\nWelcome. See [on-call]({{< relref \"engineering/on-call\" >}}) and {{< ref \"/handbook/engineering/on-call.md#paging\" >}}.\n",
    );
    t.write(
        "content/handbook/engineering/on-call.md",
        "---\ntitle: On-call\n---\n\n## Paging\n\nWe page through the rota tool.\n",
    );
    t.write(
        "content/handbook/engineering/deploys.md",
        concat!(
            "---\ntitle: Deploys\n---\n\n",                              // 1-4
            "{{% alert title=\"Freeze\" color=\"warning\" %}}\n",        // 5
            "No deploys after **Thursday noon**.\n",                     // 6
            "{{% /alert %}}\n\n",                                        // 7
            "{{< details \"Why a freeze?\" >}}\n",                       // 9
            "Weekend cover is thin; see [paging](on-call.md#paging).\n", // 10
            "{{< /details >}}\n\n",                                      // 11
            "{{< team-roster dept=\"platform\" >}}\n\n",                 // 13
            "{{% tabs %}}\n",                                            // 15
            "Kept inner wording.\n",                                     // 16
            "{{% /tabs %}}\n\n",                                         // 17
            "{{< youtube id=\"w1dg3t\" >}}\n\n",                         // 19
            "{{< figure src=\"/images/pipeline.png\" caption=\"The pipeline\" >}}\n\n", // 21
            "Write `{{< alert >}}` to show a callout; escaped: {{</* alert */>}}.\n\n", // 23
            "```\n{{% notice tip %}}\n```\n\n",                          // 25-27
            "{{< highlight bash >}}\nmake deploy\n{{< /highlight >}}\n\n", // 29-31
            "- step one\n  {{% note %}}\n  Nested **note**.\n  {{% /note %}}\n\n", // 33-36
            "See [the missing page](nowhere.md).\n\n",                   // 38
            "| Label | Meaning |\n| --- | --- |\n",
            "| {{< label name=\"deploy::blocked\" color=\"#d00\" >}} | Blocked |\n\n",
            "{{% panel header=\"**Tips**\" header-bg=\"success\" %}}\n",
            "Run the smoke tests.\n",
            "{{% /panel %}}\n",
        ),
    );
    t
}

#[test]
fn hugo_shortcodes_render_or_vanish_with_one_finding() {
    let t = hugo_handbook();
    t.build_ok();
    let main = t.main_html("book/handbook/engineering/deploys.html");
    let text = prose(&main);
    assert_eq!(
        text.matches("{{<").count(),
        1,
        "only the escaped one: {text}"
    );
    assert!(!text.contains("{{%"), "{text}");
    assert!(!text.contains("team-roster"), "{text}");
    assert!(
        main.contains(r#"<div class="callout callout-warning" role="note"><p class="callout-title">Freeze</p>"#),
        "{main}"
    );
    assert!(main.contains("<strong>Thursday noon</strong>"), "{main}");
    assert!(
        main.contains("<details><summary>Why a freeze?</summary>"),
        "{main}"
    );
    assert!(
        main.contains(r#"<a href="on-call.html#paging">paging</a>"#),
        "{main}"
    );
    assert!(main.contains("Kept inner wording."), "{main}");
    assert!(
        main.contains(r#"href="https://www.youtube.com/watch?v=w1dg3t""#),
        "{main}"
    );
    assert!(
        main.contains(r#"<figure><img src="/images/pipeline.png" alt="The pipeline"><figcaption>The pipeline</figcaption></figure>"#),
        "{main}"
    );
    // Documentation of the syntax stays as written; Hugo's escape is undone.
    assert!(main.contains("<code>{{&lt; alert &gt;}}</code>"), "{main}");
    assert!(main.contains("escaped: {{&lt; alert &gt;}}."), "{main}");
    assert!(main.contains("{{% notice tip %}}"), "{main}");
    assert!(main.contains(r#"<code class="language-bash">"#), "{main}");
    assert!(
        main.contains(
            r#"<div class="callout callout-note" role="note"><p class="callout-title">Note</p>"#
        ),
        "{main}"
    );
    assert!(main.contains("Nested <strong>note</strong>."), "{main}");
    assert!(
        main.contains(r#"<td><span class="label">deploy::blocked</span></td>"#),
        "{main}"
    );
    assert!(
        main.contains(
            r#"<div class="callout callout-tip" role="note"><p class="callout-title">Tips</p>"#
        ),
        "{main}"
    );

    let index = t.main_html("book/handbook/index.html");
    assert!(
        index.contains(r#"<a href="engineering/on-call.html">on-call</a>"#),
        "{index}"
    );
    assert!(index.contains("engineering/on-call.html#paging"), "{index}");
    assert!(!prose(&index).contains("{{"), "{index}");

    let (_, findings) = t.check_json();
    let tpl = of_rule(&findings, "template-syntax");
    assert_eq!(tpl.len(), 1, "{findings:?}");
    assert_eq!(tpl[0].severity, "info");
    assert_eq!(tpl[0].path, "content/handbook/engineering/deploys.md");
    assert_eq!((tpl[0].line, tpl[0].column), (13, 1), "{tpl:?}");
    assert!(tpl[0].message.contains("team-roster"), "{tpl:?}");
    assert!(tpl[0].message.contains("tabs"), "{tpl:?}");
    // Positions of the page's other findings are those of the file.
    let broken = of_rule(&findings, "link-broken");
    assert_eq!(broken.len(), 1, "{findings:?}");
    assert_eq!((broken[0].line, broken[0].column), (38, 5), "{broken:?}");
}

fn tech_docs_handbook() -> HandbookTest {
    let t = HandbookTest::empty();
    t.write(
        "config/tech-docs.yml",
        "host: https://docs.example.org\nservice_name: Payments Docs\n",
    );
    t.write(
        "book.toml",
        "[book]\ntitle = \"Payments Docs\"\nsrc = \"source\"\n",
    );
    t.write(
        "source/index.html.md.erb",
        "---\ntitle: Payments developer docs\n---\n\n# <%= current_page.data.title %>\n\n<%= partial \"partials/intro\" %>\n\n<% if show_banner %>\nBanner wording kept.\n<% end %>\n\n<%# a note to editors %>\nOwned by <%= current_page.data.team %>; built by <%= build_tool.name %>.\n\n[Setup](setup.html)\n",
    );
    t.write(
        "source/setup.html.md.erb",
        "---\ntitle: Setup\nteam: Ledger\n---\n\n# Setup\n\nThe <%= current_page.data.team %> team runs it.\n",
    );
    t.write(
        "source/partials/_intro.md",
        "These docs cover **the payments API**.\n",
    );
    t
}

#[test]
fn tech_docs_erb_pages_are_read_and_resolved() {
    let t = tech_docs_handbook();
    t.build_ok();
    assert!(t.exists("book/setup.html"));
    assert!(
        !t.exists("book/partials/_intro.html"),
        "a partial is not a page"
    );
    let main = t.main_html("book/index.html");
    let text = prose(&main);
    assert!(!text.contains("<%"), "{text}");
    assert!(main.contains("Payments developer docs"), "{main}");
    assert!(main.contains("<strong>the payments API</strong>"), "{main}");
    assert!(main.contains("Banner wording kept."), "{main}");
    assert!(!text.contains("a note to editors"), "{text}");
    let setup = t.main_html("book/setup.html");
    assert!(setup.contains("The Ledger team runs it."), "{setup}");

    let (_, findings) = t.check_json();
    let tpl = of_rule(&findings, "template-syntax");
    assert_eq!(tpl.len(), 1, "{findings:?}");
    assert_eq!(tpl[0].path, "source/index.html.md.erb");
    assert_eq!((tpl[0].line, tpl[0].column), (9, 1), "{tpl:?}");
    assert!(tpl[0].message.contains("<% if %>"), "{tpl:?}");
    assert!(tpl[0].message.contains("build_tool.name"), "{tpl:?}");
}

#[test]
fn attribute_lists_apply_or_vanish() {
    let t = HandbookTest::with_pages(
        "Attrs",
        &[(
            "values.md",
            "---\ntitle: Values\n---\n\n* TOC\n{:toc}\n\n## Collaboration {: #collab .wide}\n\n![Team](team.png)\n{style=\"max-width: 50%;\"}\n\nA paragraph.\n{: .lead}\n\n[a link](values.md){.button} and *stress*{.x}.\n\nScenario A.\n{.h3 #scenario-a}\n\n[to A](#scenario-a)\n\n## Results {#results}\n\n```\n{: .kept-in-code}\n```\n",
        )],
    );
    t.write("src/team.png", "png");
    t.build_ok();
    let main = t.main_html("book/values.html");
    let text = prose(&main);
    assert!(!text.contains("{:"), "{text}");
    assert!(!text.contains("{style"), "{text}");
    assert!(!text.contains("{."), "{text}");
    assert!(
        main.contains(r#"<h2 id="collab" class="wide">Collaboration"#),
        "{main}"
    );
    assert!(main.contains(r#"<h2 id="results">Results"#), "{main}");
    assert!(main.contains(r##"<ul class="markdown-toc">"##), "{main}");
    assert!(
        main.contains(r##"<a href="#collab">Collaboration</a>"##),
        "{main}"
    );
    assert!(main.contains("{: .kept-in-code}"), "{main}");
    assert!(
        main.contains(r#"<p class="lead">A paragraph.</p>"#),
        "{main}"
    );
    assert!(
        main.contains(r#"<p id="scenario-a" class="h3">Scenario A.</p>"#),
        "{main}"
    );
    let (_, findings) = t.check_json();
    assert!(
        of_rule(&findings, "anchor-broken").is_empty(),
        "{findings:?}"
    );
}

pub(crate) fn dump_dom(chromium: &Path, url: &str, extra: &[&str]) -> String {
    let profile = chromium_profile("mermaid");
    let mut child = Command::new(chromium)
        .args(CHROMIUM_FLAGS)
        .args(extra)
        .args(["--virtual-time-budget=15000", "--dump-dom"])
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
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish loading {url} in 90 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = std::fs::remove_dir_all(&profile);
    reader.join().unwrap()
}

fn mermaid_handbook() -> HandbookTest {
    HandbookTest::with_pages(
        "Diagrams",
        &[
            (
                "flow.md",
                "---\ntitle: Flow\n---\n\n```mermaid\ngraph TD\n  Alert --> Triage\n  Triage -->|sev1| Page[Page <on-call>]\n```\n",
            ),
            ("plain.md", "---\ntitle: Plain\n---\n\nNo diagrams here.\n"),
        ],
    )
}

#[test]
fn mermaid_source_is_kept_escaped_and_script_loads_only_where_needed() {
    let t = mermaid_handbook();
    t.build_ok();
    let flow = t.read("book/flow.html");
    assert!(
        flow.contains("<pre class=\"mermaid\">graph TD\n  Alert --&gt; Triage\n  Triage --&gt;|sev1| Page[Page &lt;on-call&gt;]\n</pre>"),
        "{flow}"
    );
    assert!(flow.contains("static/mermaid.min.js"), "{flow}");
    let plain = t.read("book/plain.html");
    assert!(!plain.contains("mermaid"), "{plain}");
    assert!(!t.read("book/index.html").contains("mermaid"));
    assert!(t.exists("book/static/mermaid.min.js"));

    let none = HandbookTest::with_pages("None", &[("a.md", "---\ntitle: A\n---\n\nText.\n")]);
    none.build_ok();
    assert!(
        !none.exists("book/static/mermaid.min.js"),
        "script written without diagrams"
    );
}

#[test]
fn mermaid_diagrams_are_drawn_from_file_urls() {
    let Some(chromium) = chromium_or_skip("mermaid_diagrams_are_drawn_from_file_urls") else {
        return;
    };
    let t = mermaid_handbook();
    t.build_ok();
    let site = t.path("book");
    let flow = format!("file://{}/flow.html", site.display());
    let dom = dump_dom(&chromium, &flow, &[]);
    let block = dom
        .find("class=\"mermaid\"")
        .map(|i| &dom[i..])
        .unwrap_or_else(|| panic!("no diagram block:\n{dom}"));
    let block = &block[..block.find("</pre>").unwrap_or(block.len())];
    assert!(block.contains("<svg"), "diagram not drawn:\n{block}");
    assert!(block.contains("Triage"), "{block}");
    // Mermaid's light theme fills nodes #ECECFF, its dark theme #1f2020.
    assert!(
        block.contains("#ECECFF"),
        "light page, light diagram:\n{block}"
    );
    let dark = dump_dom(&chromium, &flow, &["--force-dark-mode"]);
    assert!(dark.contains("#1f2020"), "dark page, dark diagram:\n{dark}");
    assert!(
        !dark.contains("#ECECFF"),
        "dark page, dark diagram:\n{dark}"
    );

    let plain = dump_dom(
        &chromium,
        &format!("file://{}/plain.html", site.display()),
        &[],
    );
    assert!(!plain.contains("mermaid"), "{plain}");
}
