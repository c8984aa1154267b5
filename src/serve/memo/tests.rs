use super::moves::shape;
use super::scan::{is_dirty, is_index_page};
use super::*;

/// The fast path relies on this: rules and the view model read a page's
/// shape and its HTML as content, never its raw text or plain text.
#[test]
fn rules_and_view_read_only_the_shape() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = load_config(root, &LoadOptions::default()).unwrap();
    let h = crate::pipeline::load_handbook(config, &Highlighter::plain()).unwrap();
    let today = Date::parse("2026-11-23").unwrap();
    let mut blank = h.clone();
    for p in &mut blank.pages {
        p.src.text = String::new();
        p.md.text = String::new();
        p.md.code_blocks = Vec::new();
        p.md.html = Arc::from("");
    }
    let (ev, ev_blank) = (run_rules(&h, today), run_rules(&blank, today));
    assert_eq!(format!("{ev:?}"), format!("{ev_blank:?}"));
    let mut site = site_view(&h, &ev, today);
    let site_blank = site_view(&blank, &ev_blank, today);
    for p in &mut site.pages {
        p.content = Arc::from("");
    }
    assert_eq!(
        serde_json::to_string(&site).unwrap(),
        serde_json::to_string(&site_blank).unwrap()
    );
    assert!(h.pages.iter().all(|p| shape(p)
        == shape(&blank.pages[h.pages.iter().position(|q| q.src.rel == p.src.rel).unwrap()])));
}

#[test]
fn shape_ignores_the_body_only() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = load_config(root, &LoadOptions::default()).unwrap();
    let known = HashSet::new();
    let hl = Highlighter::plain();
    let page = |text: &str| {
        let src = crate::discover::SourceFile {
            rel: "guides/a.md".into(),
            root_rel: "src/guides/a.md".into(),
            text: text.into(),
            invalid_utf8_at: None,
        };
        crate::page::parse_page(src, &config, &known, &hl)
    };
    let a = page("---\ntitle: A\n---\n\n## One\n\nText.\n");
    let b = page("---\ntitle: A\n---\n\n## One\n\nOther text.\n");
    let c = page("---\ntitle: B\n---\n\n## One\n\nText.\n");
    let d = page("---\ntitle: A\n---\n\nNew line.\n\n## One\n\nText.\n");
    assert_eq!(shape(&a), shape(&b), "a body edit keeps the shape");
    assert_ne!(shape(&a), shape(&c), "frontmatter is shape");
    assert_ne!(shape(&a), shape(&d), "heading lines are shape");
}

/// A copy of `tests/fixtures/build/basic` in a temp folder.
struct TempBook(PathBuf);

impl TempBook {
    fn new(name: &str) -> TempBook {
        fn copy(from: &Path, to: &Path) {
            std::fs::create_dir_all(to).unwrap();
            for e in std::fs::read_dir(from).unwrap() {
                let e = e.unwrap();
                if e.file_type().unwrap().is_dir() {
                    copy(&e.path(), &to.join(e.file_name()));
                } else {
                    std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
                }
            }
        }
        let root =
            std::env::temp_dir().join(format!("handbook-memo-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        copy(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/build/basic"),
            &root,
        );
        TempBook(root)
    }

    fn edit(&self, rel: &str, f: impl FnOnce(String) -> String) -> HashSet<PathBuf> {
        let path = self.0.join(rel);
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        std::fs::write(&path, f(text)).unwrap();
        [path].into()
    }
}

impl Drop for TempBook {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn today() -> Date {
    Date::parse("2026-11-23").unwrap()
}

/// Panics unless an incremental rebuild made exactly the files a
/// fresh build makes.
#[track_caller]
fn assert_same_as_fresh(root: &Path, got: &Files, step: &str) {
    let fresh = Memo::new(root)
        .rebuild(today(), &HashSet::new(), true, true)
        .unwrap()
        .files;
    let mut paths: Vec<&String> = fresh.keys().chain(got.keys()).collect();
    paths.sort();
    paths.dedup();
    for p in paths {
        match (got.get(p), fresh.get(p)) {
            (Some(a), Some(b)) if a == b => {}
            (a, b) => {
                let show = |x: Option<&Arc<[u8]>>| {
                    x.map_or("(missing)".to_owned(), |x| {
                        String::from_utf8_lossy(x).into_owned()
                    })
                };
                let (a, b) = (show(a), show(b));
                let at = a
                    .bytes()
                    .zip(b.bytes())
                    .position(|(x, y)| x != y)
                    .unwrap_or(a.len().min(b.len()));
                let from = at.saturating_sub(200);
                panic!(
                    "{step}: {p} differs from a fresh build at byte {at}:\n--- incremental\n{}\n--- fresh\n{}",
                    a.get(from..(at + 200).min(a.len())).unwrap_or(&a),
                    b.get(from..(at + 200).min(b.len())).unwrap_or(&b)
                );
            }
        }
    }
}

/// Panics unless `got` (a rebuild's files) holds what `handbook
/// build` writes, byte for byte, but for the search index (built apart
/// in `serve`) and the build's marker file.
#[track_caller]
fn assert_same_as_build(root: &Path, got: &Files, step: &str) {
    let dest = root.join("book-cmp");
    crate::pipeline::build(
        root,
        // serve shows drafts (marked); `build --drafts` publishes them alike.
        &crate::pipeline::BuildOptions {
            dest: Some(dest.clone()),
            today: today(),
            drafts: true,
            cache: false,
        },
    )
    .unwrap();
    let skip = |p: &str| p.starts_with("search/") || p == crate::output::MARKER;
    let mut built = Vec::new();
    let mut stack = vec![dest.clone()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let path = e.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = to_slash(path.strip_prefix(&dest).unwrap());
                if !skip(&rel) {
                    built.push(rel);
                }
            }
        }
    }
    built.sort();
    let mut served: Vec<String> = got.keys().filter(|p| !skip(p)).cloned().collect();
    served.sort();
    assert_eq!(
        served, built,
        "{step}: serve and build make different files"
    );
    for rel in built {
        let bytes = std::fs::read(dest.join(&rel)).unwrap();
        assert!(
            got[&rel][..] == bytes[..],
            "{step}: {rel} differs between serve and build"
        );
    }
}

/// Every kind of edit, rebuilt incrementally (trusting the reported
/// paths), gives byte for byte the site a fresh build gives.
#[test]
fn incremental_rebuilds_equal_fresh_builds() {
    let book = TempBook::new("equal");
    let root = book.0.clone();
    let mut memo = Memo::new(&root);
    memo.rebuild(today(), &HashSet::new(), true, true).unwrap();
    let mut step = |name: &str, dirty: HashSet<PathBuf>, fast: bool| {
        let r = memo.rebuild(today(), &dirty, false, false).unwrap();
        assert_eq!(r.fast, fast, "{name}: fast path taken or not");
        assert_same_as_fresh(&root, &r.files, name);
        assert_same_as_build(&root, &r.files, name);
    };

    let d = book.edit("src/guides/single.md", |t| t + "\nAppended paragraph.\n");
    step("append to a body", d, true);
    let d = book.edit("src/guides/links.md", |t| {
        t + "\nA [broken](nope.md) link and [a bad anchor](#nowhere).\n\n## Later\n"
    });
    step("add broken links and a heading", d, false);
    let d = book.edit("src/guides/links.md", |t| {
        t.replace(
            "See [the context]",
            "New first paragraph.\n\nSee [the context]",
        )
    });
    step("insert lines above links with findings", d, true);
    let d = book.edit("src/guides/links.md", |t| {
        t.replace("A [broken]", "Some more words: a [broken]")
    });
    step("move a link within its line", d, true);
    let d = book.edit("src/guides/links.md", |t| {
        t.replace("## Later", "## Latest")
    });
    step("rename a heading", d, false);
    let d = book.edit("src/adr/0002-old-sessions.md", |t| {
        t.replace("title: Old server sessions", "title: Sticky sessions")
    });
    step("retitle a superseded ADR", d, false);
    let d = book.edit("src/adr/0001-x.md", |t| {
        t.replace("## Context {#ctx}", "Intro line.\n\n## Context {#ctx}")
    });
    step("move a heading another page links to", d, true);
    let d = book.edit("src/runbooks/new-one.md", |_| {
        "---\ntitle: New one\nowners: [payments]\nreviewed: 2026-10-01\n---\n\n## Mitigation\n"
            .to_owned()
    });
    step("add a page", d, false);
    let gone = root.join("src/runbooks/new-one.md");
    std::fs::remove_file(&gone).unwrap();
    step("delete a page", [gone].into(), false);
    let d = book.edit("src/guides/single.md", |t| {
        t.replace("reviewed:", "reviewed: 2020-01-01\nold:")
    });
    step("make a page stale", d, false);
    let mut d = book.edit("src/ladder.yaml", |_| {
        "levels: [L1, L2]\ncompetencies:\n  - name: Delivery\n    levels: { L1: Ships tasks, L2: Ships features }\n".to_owned()
    });
    d.extend(book.edit("src/ladder.md", |_| {
        "---\ntitle: Ladder\nkind: role-matrix\nowners: [payments]\nreviewed: 2026-10-01\n---\n# Ladder\n".to_owned()
    }));
    step("add a role matrix and its data", d, false);
    let d = book.edit("src/ladder.yaml", |t| {
        t.replace("Ships features", "Leads projects")
    });
    step("edit only a role matrix's data", d, false);
    // A GOV.UK Tech Docs page inlines a Middleman partial, in `serve`
    // as in `build`; editing the partial alone updates the page.
    std::fs::create_dir_all(root.join("src/partials")).unwrap();
    let mut d = book.edit("src/partials/_contact.md", |_| {
        "Ask in the #platform channel.\n".to_owned()
    });
    d.extend(book.edit("src/guides/support.html.md.erb", |_| {
        "---\ntitle: Support\nowners: [payments]\nreviewed: 2026-10-01\n---\n# <%= current_page.data.title %>\n\n<%= partial \"partials/contact\" %>\n".to_owned()
    }));
    step("add a page that inlines a partial", d, false);
    let d = book.edit("src/partials/_contact.md", |t| {
        t.replace("#platform", "#platform-help")
    });
    step("edit only a partial", d, false);
    // The sidebar's nodes: a folder named by a new index page, renamed
    // by its title, a page moved into new folders, a folder emptied.
    let d = book.edit("src/runbooks/index.md", |_| {
        "# Run the platform\n".to_owned()
    });
    step("give a folder an index page", d, false);
    let d = book.edit("src/runbooks/index.md", |_| {
        "# Runbooks we trust\n".to_owned()
    });
    step("retitle a folder's index page", d, false);
    let from = root.join("src/guides/single.md");
    let to = root.join("src/guides/deep/er/single.md");
    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
    std::fs::rename(&from, &to).unwrap();
    step(
        "move a page into new folders",
        [from, to.clone()].into(),
        false,
    );
    std::fs::remove_dir_all(root.join("src/guides/deep")).unwrap();
    step(
        "delete a folder",
        [root.join("src/guides/deep")].into(),
        false,
    );
    // SUMMARY.md orders the sidebar and previous / next; a weight too.
    let d = book.edit("src/SUMMARY.md", |_| {
        "# Summary\n\n- [Escape](guides/escape.md)\n- [Failover](runbooks/db-failover.md)\n- [Gone](guides/gone.md)\n".to_owned()
    });
    step("add a SUMMARY.md", d, false);
    let d = book.edit("src/guides/escape.md", |t| t + "\nAppended paragraph.\n");
    step("append to a body under a SUMMARY.md", d, true);
    let d = book.edit("src/SUMMARY.md", |t| {
        t.replace("- [Gone](guides/gone.md)\n", "")
            .replace("- [Escape](guides/escape.md)\n", "")
            + "- [Escape](guides/escape.md)\n"
    });
    step("reorder SUMMARY.md", d, false);
    let d = book.edit("src/runbooks/api-restart.md", |t| {
        t.replacen("---\n", "---\nweight: -5\n", 1)
    });
    step("give a page a weight", d, false);
    let gone = root.join("src/SUMMARY.md");
    std::fs::remove_file(&gone).unwrap();
    step("delete SUMMARY.md", [gone].into(), false);
    step("nothing changed", HashSet::new(), true);
}

/// A retitled page renders itself, its folder's sidebar node and the
/// listings again; not the pages of other folders, whose sidebar is
/// in files of its own.
#[test]
fn a_new_title_renders_its_sidebar_node_not_other_pages() {
    let book = TempBook::new("retitle");
    let root = book.0.clone();
    let mut memo = Memo::new(&root);
    let before = memo
        .rebuild(today(), &HashSet::new(), true, true)
        .unwrap()
        .files;
    let d = book.edit("src/guides/single.md", |t| {
        t.replace("title: Jun's page", "title: Jun's own page")
    });
    let after = memo.rebuild(today(), &d, false, false).unwrap().files;
    let redone: Vec<&str> = after
        .iter()
        .filter(|(p, b)| before.get(*p).is_none_or(|old| !Arc::ptr_eq(old, b)))
        .map(|(p, _)| p.as_str())
        .collect();
    let node = after
        .iter()
        .filter(|(p, _)| p.starts_with("nav/"))
        .find(|(_, b)| String::from_utf8_lossy(b).contains("Jun's own page"))
        .map(|(p, _)| p.as_str())
        .expect("a sidebar node lists the new title");
    assert!(redone.contains(&"guides/single.html"), "{redone:?}");
    assert!(redone.contains(&node), "{redone:?}");
    for p in &redone {
        assert!(
            !["adr/", "runbooks/", "roles/", "standards/"]
                .iter()
                .any(|f| p.starts_with(f)),
            "{p} was rendered again: {redone:?}"
        );
        assert!(
            !p.starts_with("nav/") || *p == node,
            "{p} was rendered again: {redone:?}"
        );
    }
}

/// A link written Hugo-style (`later`, `/docs/later/`) renders to the
/// page once it exists, in an incremental rebuild as in a fresh one,
/// with plain and with pretty URLs.
#[test]
fn pages_appearing_under_generator_links_rebuild_their_linkers() {
    for pretty in [false, true] {
        let book = TempBook::new(&format!("gen-links-{pretty}"));
        let root = book.0.clone();
        if pretty {
            book.edit("book.toml", |t| t + "pretty-urls = true\n");
        }
        book.edit("src/guides/single.md", |t| {
            t + "\nSee [later](later) and [again](/docs/guides/later/).\n"
        });
        let mut memo = Memo::new(&root);
        memo.rebuild(today(), &HashSet::new(), true, true).unwrap();
        let d = book.edit("src/guides/later.md", |_| "# Later\n".to_owned());
        let r = memo.rebuild(today(), &d, false, false).unwrap();
        assert_same_as_fresh(&root, &r.files, "add the linked page");
        let gone = root.join("src/guides/later.md");
        std::fs::remove_file(&gone).unwrap();
        let r = memo.rebuild(today(), &[gone].into(), false, false).unwrap();
        assert_same_as_fresh(&root, &r.files, "delete the linked page");
    }
}

#[test]
fn dirty_folders_cover_their_files() {
    let dirty: HashSet<String> = ["guides/old".to_owned()].into();
    assert!(is_dirty(&dirty, "guides/old"));
    assert!(is_dirty(&dirty, "guides/old/a.md"));
    assert!(!is_dirty(&dirty, "guides/older.md"));
    assert!(!is_dirty(&dirty, "guides/a.md"));
    let all: HashSet<String> = ["".to_owned()].into();
    assert!(is_dirty(&all, "a/b.md"));
    assert!(!is_dirty(&HashSet::new(), "a.md"));
}

#[test]
fn index_pages_are_recognised() {
    assert!(is_index_page("adr/README.md"));
    assert!(is_index_page("index.md"));
    assert!(is_index_page("docs/_index.md"));
    assert!(is_index_page("manual/index.html.md"));
    assert!(!is_index_page("adr/0001-x.md"));
}
