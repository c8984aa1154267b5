//! The render of a rebuild: the fast path's (only the pages whose bodies
//! changed) and the full one (only the outputs whose key changed).

use super::moves::move_finding_views;
use super::*;

impl Memo {
    /// The fast path's render: puts the new bodies into the last good view
    /// and renders only those pages. `None` when the view does not line up
    /// with the handbook (then the caller takes the full path).
    #[allow(clippy::type_complexity)]
    pub(super) fn render_bodies(
        &mut self,
        handbook: &Handbook,
        mut site: SiteView,
        scan: &Scan,
        assets: &[(String, Arc<[u8]>)],
    ) -> Result<Option<(SiteView, Arc<Files>, usize, usize)>> {
        let Some((theme, _)) = &self.theme else {
            return Ok(None);
        };
        if site.pages.len() != handbook.pages.len() {
            return Ok(None);
        }
        let Some(findings_moved) = move_finding_views(handbook, &mut site, &scan.moved) else {
            return Ok(None);
        };
        let changed: HashSet<&str> = scan.body_changed.iter().map(String::as_str).collect();
        let mut urls = HashSet::new();
        for (view, page) in site.pages.iter_mut().zip(&handbook.pages) {
            if view.path != page.src.rel {
                return Ok(None);
            }
            if changed.contains(page.src.rel.as_str()) {
                view.content = Arc::clone(&page.md.html);
                urls.insert(view.url.clone());
            }
        }
        if findings_moved {
            // Moved findings show on the health page and in the catalog.
            urls.insert("health.html".to_owned());
        }
        let skip = HashSet::new();
        let sink = CollectSink {
            skip: &skip,
            only: Some(&urls),
            out: Mutex::new(Vec::new()),
        };
        render_site(&site, theme, &self.css, &sink)?;
        let mut puts = sink
            .out
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        if findings_moved {
            puts.push((
                "handbook.json".to_owned(),
                crate::catalog::catalog_json(&site),
            ));
        }
        let mut files: Files = (*self.files).clone();
        let mut n_changed = 0;
        for (rel, bytes) in assets {
            // Same asset paths (else no fast path); contents may differ.
            if files.get(rel).is_none_or(|old| !Arc::ptr_eq(old, bytes)) {
                n_changed += 1;
                files.insert(rel.clone(), Arc::clone(bytes));
            }
        }
        let rendered = puts.len();
        for (path, bytes) in puts {
            // Rendered from a body the keys of `rendered` do not cover: the
            // next full build renders it again.
            self.rendered.remove(&path);
            if files.get(&path).is_none_or(|old| old[..] != bytes[..]) {
                n_changed += 1;
            }
            files.insert(path, Arc::from(bytes));
        }
        Ok(Some((site, Arc::new(files), n_changed, rendered)))
    }

    /// Renders what changed; returns the files, how many differ from the
    /// last good build and how many template outputs were rendered.
    pub(super) fn render(
        &mut self,
        handbook: &Handbook,
        site: &mut SiteView,
        assets: Vec<(String, Arc<[u8]>)>,
        clock: &mut Clock,
    ) -> Result<(Arc<Files>, usize, usize)> {
        let Some((theme, _)) = &self.theme else {
            return Err(crate::error::Error::Theme {
                path: self.root.clone(),
                reason: "not loaded".to_owned(),
            });
        };

        // Phase 1: fingerprint every template output, with page bodies
        // replaced by their parse ids.
        let bodies: Vec<Arc<str>> = site
            .pages
            .iter_mut()
            .zip(&handbook.pages)
            .map(|(view, page)| {
                let id = self
                    .meta
                    .get(&page.src.rel)
                    .filter(|_| view.path == page.src.rel)
                    .map(|m| m.parse_id);
                let stand_in: Arc<str> = match id {
                    Some(id) => Arc::from(format!("\u{0}parse:{id}")),
                    // Not expected; an unmatched body is its own stand-in.
                    None => Arc::clone(&view.content),
                };
                std::mem::replace(&mut view.content, stand_in)
            })
            .collect();
        let keys = KeySink::default();
        let phase1 = render_site(site, theme, "", &keys);
        for (view, body) in site.pages.iter_mut().zip(bodies) {
            view.content = body;
        }
        phase1?;
        let keys = keys.into_keys();
        clock.lap("keys");

        // Phase 2: render the outputs whose key changed, plus everything
        // that is not a template (statics, sitemap, handbook.json).
        let unchanged: HashSet<&str> = keys
            .iter()
            .filter(|(path, key)| self.rendered.get(*path).is_some_and(|r| r.key == **key))
            .map(|(path, _)| path.as_str())
            .collect();
        let sink = CollectSink {
            skip: &unchanged,
            only: None,
            out: Mutex::new(Vec::new()),
        };
        render_view(site, theme, &self.css, &sink)?;
        let puts = sink
            .out
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        let n_rendered = puts.iter().filter(|(p, _)| keys.contains_key(p)).count();
        clock.lap("render");

        let mut files = Files::with_capacity(keys.len() + puts.len() + assets.len());
        for (rel, bytes) in assets {
            files.insert(rel, bytes);
        }
        let mut rendered = HashMap::with_capacity(keys.len());
        for path in &unchanged {
            if let Some(r) = self.rendered.remove(*path) {
                files.insert((*path).to_owned(), Arc::clone(&r.bytes));
                rendered.insert((*path).to_owned(), r);
            }
        }
        for (path, bytes) in puts {
            let bytes: Arc<[u8]> = Arc::from(bytes);
            if let Some(&key) = keys.get(&path) {
                rendered.insert(
                    path.clone(),
                    RenderedFile {
                        key,
                        bytes: Arc::clone(&bytes),
                    },
                );
            }
            files.insert(path, bytes);
        }
        self.rendered = rendered;

        let old = &self.files;
        let mut changed = files
            .iter()
            .filter(|(path, bytes)| {
                old.get(*path)
                    .is_none_or(|o| !Arc::ptr_eq(o, bytes) && o[..] != bytes[..])
            })
            .count();
        changed += old.keys().filter(|p| !files.contains_key(*p)).count();
        Ok((Arc::new(files), changed, n_rendered))
    }
}

/// Phase 1 sink: records each template output's key, renders nothing.
#[derive(Default)]
pub(super) struct KeySink {
    pub(super) keys: Mutex<HashMap<String, u64>>,
}

impl KeySink {
    pub(super) fn into_keys(self) -> HashMap<String, u64> {
        self.keys
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

impl Sink for KeySink {
    fn put(&self, _path: &str, _bytes: Vec<u8>) -> Result<()> {
        Ok(())
    }

    fn wants(&self, path: &str, key: &dyn Fn() -> u64) -> bool {
        let key = key();
        let mut keys = self.keys.lock().unwrap_or_else(PoisonError::into_inner);
        // Two outputs at one path (a page replacing a listing): the order
        // of parallel calls varies, so combine commutatively.
        keys.entry(path.to_owned())
            .and_modify(|k| *k = k.wrapping_add(key))
            .or_insert(key);
        false
    }
}

/// Phase 2 sink: skips unchanged template outputs, collects the rest in
/// the order they are put (a later file at the same path wins).
pub(super) struct CollectSink<'a> {
    pub(super) skip: &'a HashSet<&'a str>,
    /// When set, only these paths (templates or not) are kept.
    pub(super) only: Option<&'a HashSet<String>>,
    pub(super) out: Mutex<Vec<(String, Vec<u8>)>>,
}

impl Sink for CollectSink<'_> {
    fn put(&self, path: &str, bytes: Vec<u8>) -> Result<()> {
        if self.only.is_some_and(|only| !only.contains(path)) {
            return Ok(());
        }
        self.out
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((path.to_owned(), bytes));
        Ok(())
    }

    fn wants(&self, path: &str, _key: &dyn Fn() -> u64) -> bool {
        !self.skip.contains(path) && self.only.is_none_or(|only| only.contains(path))
    }
}
