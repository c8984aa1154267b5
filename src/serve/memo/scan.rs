//! The scan of a rebuild: which pages and assets to read again, and how
//! each re-parsed page changed.

use super::moves::{Change, Moves, Outline};
use super::*;

impl Memo {
    /// Reads the partials as `build` does; a change in any of them (or in
    /// their set) makes every page parse again, since any page may use it.
    pub(super) fn read_partials(
        &mut self,
        config: &Config,
        paths: Vec<(String, PathBuf)>,
    ) -> Result<()> {
        let prefix = root_prefix(config);
        let mut partials = HashMap::with_capacity(paths.len());
        for (rel, abs) in paths {
            match read_page(&abs, rel, &prefix) {
                Ok(src) => {
                    partials.insert(src.rel, src.text);
                }
                Err(e) if crate::discover::is_vanished(&e) => {}
                Err(e) => return Err(e),
            }
        }
        let mut sorted: Vec<(&String, &String)> = partials.iter().collect();
        sorted.sort();
        let mut h = DefaultHasher::new();
        sorted.hash(&mut h);
        let fp = h.finish();
        if fp != self.partials_fp {
            self.meta.clear();
            self.partials_fp = fp;
        }
        self.partials = partials;
        Ok(())
    }

    /// Walks the content dir and returns every page, reusing cached ones,
    /// and what changed.
    pub(super) fn scan_pages(
        &mut self,
        config: &Config,
        paths: Vec<(String, PathBuf)>,
        dirty: &HashSet<String>,
        check_all: bool,
    ) -> Result<(Vec<Page>, Scan)> {
        let prefix = root_prefix(config);
        let known: HashSet<String> = paths.iter().map(|(rel, _)| rel.clone()).collect();
        let index_fp = {
            let mut h = DefaultHasher::new();
            // Every page path, not only index pages: `x`, `x/` and `x.html`
            // links render to whichever page of that name exists.
            let mut index: Vec<&String> = known.iter().collect();
            index.sort();
            index.hash(&mut h);
            h.finish()
        };
        let index_changed = index_fp != self.index_fp;
        self.index_fp = index_fp;

        // Take the previous pages (and view) back, cloning only if the
        // search job still holds them.
        let (old_pages, old_site) = match self.last.take().map(wait_for_sole_owner) {
            Some(built) => match Arc::try_unwrap(built) {
                Ok(Built { handbook, site }) => (handbook.pages, Some(site)),
                Err(shared) => (shared.handbook.pages.clone(), Some(shared.site.clone())),
            },
            None => (Vec::new(), None),
        };
        let mut old: HashMap<String, Page> = old_pages
            .into_iter()
            .map(|p| (p.src.rel.clone(), p))
            .collect();
        let old_meta = std::mem::take(&mut self.meta);

        // Pages are moved through here, not copied: boxing them would only
        // add an allocation each.
        #[allow(clippy::large_enum_variant)]
        enum Job {
            Keep(Page, PageMeta),
            /// Source, stamp, text hash, the old page's outline (if any).
            Parse(
                crate::discover::SourceFile,
                Option<Stamp>,
                u64,
                Option<Outline>,
            ),
        }
        let jobs: Vec<(String, PathBuf, Option<Page>, Option<PageMeta>)> = paths
            .into_iter()
            .map(|(rel, abs)| {
                let page = old.remove(&rel);
                let meta = old_meta.get(&rel).copied();
                (rel, abs, page, meta)
            })
            .collect();
        // Pages left in `old` were deleted (or renamed).
        let removed = !old.is_empty();
        drop(old);
        // A page deleted between the walk and its reading is gone, as in
        // `build`; any other read error fails the rebuild, as it fails
        // `build` (the last good site stays served, the error shown).
        let read = |abs: &Path, rel: String| match read_page(abs, rel, &prefix) {
            Ok(src) => Some(Ok(src)),
            Err(e) if crate::discover::is_vanished(&e) => None,
            Err(e) => Some(Err(e)),
        };
        let jobs: Vec<Job> = jobs
            .into_par_iter()
            .filter_map(|(rel, abs, page, meta)| {
                let reported = is_dirty(dirty, &rel);
                // Trust the watcher: nothing was reported here.
                let trusted = !check_all
                    && !reported
                    && page.is_some()
                    && meta.is_some_and(|m| !(index_changed && m.dir_links));
                if trusted {
                    if let (Some(p), Some(m)) = (page, meta) {
                        return Some(Ok(Job::Keep(p, m)));
                    }
                    return None;
                }
                let stamp = Stamp::of(&abs);
                match (page, meta) {
                    (Some(p), Some(m)) if !(index_changed && m.dir_links) => {
                        if stamp.is_some() && m.stamp == stamp && !reported {
                            return Some(Ok(Job::Keep(p, m)));
                        }
                        let src = match read(&abs, rel)? {
                            Ok(src) => src,
                            Err(e) => return Some(Err(e)),
                        };
                        let text_hash = hash_source(&src);
                        if text_hash == m.text_hash {
                            return Some(Ok(Job::Keep(p, PageMeta { stamp, ..m })));
                        }
                        Some(Ok(Job::Parse(src, stamp, text_hash, Some(Outline::of(&p)))))
                    }
                    (page, _) => {
                        let src = match read(&abs, rel)? {
                            Ok(src) => src,
                            Err(e) => return Some(Err(e)),
                        };
                        let text_hash = hash_source(&src);
                        Some(Ok(Job::Parse(
                            src,
                            stamp,
                            text_hash,
                            page.as_ref().map(Outline::of),
                        )))
                    }
                }
            })
            .collect::<Result<_>>()?;

        let first_id = self.next_parse_id;
        let n_parse = jobs.iter().filter(|j| matches!(j, Job::Parse(..))).count();
        self.next_parse_id += n_parse as u64;
        let highlighter = &self.highlighter;
        let partials = &self.partials;
        let mut ids = first_id..;
        let jobs: Vec<(Job, u64)> = jobs
            .into_iter()
            .map(|j| {
                let id = match &j {
                    Job::Parse(..) => ids.next().unwrap_or(first_id),
                    Job::Keep(_, m) => m.parse_id,
                };
                (j, id)
            })
            .collect();
        // (page, meta, how it changed when re-parsed)
        let results: Vec<(Page, PageMeta, Option<Change>)> = jobs
            .into_par_iter()
            .map(|(job, id)| match job {
                Job::Keep(p, m) => (p, m, None),
                Job::Parse(src, stamp, text_hash, old) => {
                    let page = parse_page_with(src, config, &known, Some(partials), highlighter);
                    let dir_links = has_dir_links(&page);
                    let meta = PageMeta {
                        stamp,
                        text_hash,
                        parse_id: id,
                        dir_links,
                    };
                    let change = match old {
                        Some(old) => old.compare(&Outline::of(&page)),
                        None => Change::Shape,
                    };
                    (page, meta, Some(change))
                }
            })
            .collect();
        let mut pages = Vec::with_capacity(results.len());
        let mut scan = Scan {
            parsed: n_parse,
            shape_changed: removed || index_changed,
            body_changed: Vec::new(),
            moved: Vec::new(),
            old_site,
        };
        for (page, meta, reparsed) in results {
            match reparsed {
                Some(Change::Body) => scan.body_changed.push(page.src.rel.clone()),
                Some(Change::Moved(moves)) => {
                    scan.body_changed.push(page.src.rel.clone());
                    scan.moved.push((page.src.rel.clone(), moves));
                }
                Some(Change::Shape) => scan.shape_changed = true,
                None => {}
            }
            self.meta.insert(page.src.rel.clone(), meta);
            pages.push(page);
        }
        pages.sort_by(|a, b| a.src.rel.cmp(&b.src.rel));
        Ok((pages, scan))
    }

    /// Reads the content dir's assets into memory (cached by stamp).
    /// Discovery has left out what resolves outside the content dir
    /// (symlinks pointing out), for `build` and `serve` alike.
    pub(super) fn load_assets(&mut self, assets: &[AssetFile]) -> Vec<(String, Arc<[u8]>)> {
        let mut old = std::mem::take(&mut self.assets);
        let mut out = Vec::with_capacity(assets.len());
        for a in assets {
            let stamp = Stamp::of(&a.abs);
            let bytes = match old.remove(&a.rel) {
                Some(c) if c.stamp.is_some() && c.stamp == stamp => c.bytes,
                _ => match std::fs::read(&a.abs).map_err(io_err(&a.abs)) {
                    Ok(b) => Arc::from(b),
                    Err(e) => {
                        eprintln!("warning: {e}");
                        continue;
                    }
                },
            };
            self.assets.insert(
                a.rel.clone(),
                CachedAsset {
                    stamp,
                    bytes: Arc::clone(&bytes),
                },
            );
            out.push((a.rel.clone(), bytes));
        }
        out
    }
}

/// What a scan of the content dir found.
pub(super) struct Scan {
    /// Pages re-parsed.
    pub(super) parsed: usize,
    /// A page was added, removed or renamed, or one changed more than its
    /// body (frontmatter, title, headings, links, their lines), or the set
    /// of folder index pages changed.
    pub(super) shape_changed: bool,
    /// Pages whose body changed (and nothing else, or only positions).
    pub(super) body_changed: Vec<String>,
    /// Pages whose headings and links moved (old → new line and column),
    /// nothing else changing but the body.
    pub(super) moved: Vec<(String, Moves)>,
    /// The view model of the previous build.
    pub(super) old_site: Option<SiteView>,
}

impl Default for Scan {
    fn default() -> Scan {
        Scan {
            parsed: 0,
            shape_changed: true,
            body_changed: Vec::new(),
            moved: Vec::new(),
            old_site: None,
        }
    }
}

/// Whether `rel` or a folder above it was reported changed (`""` is the
/// content dir itself).
pub(super) fn is_dirty(dirty: &HashSet<String>, rel: &str) -> bool {
    if dirty.is_empty() {
        return false;
    }
    dirty.contains(rel)
        || dirty.contains("")
        || rel
            .match_indices('/')
            .any(|(i, _)| dirty.contains(&rel[..i]))
}

pub(super) fn hash_source(src: &crate::discover::SourceFile) -> u64 {
    let mut h = DefaultHasher::new();
    src.text.hash(&mut h);
    src.invalid_utf8_at.hash(&mut h);
    h.finish()
}

#[cfg(test)]
pub(super) fn is_index_page(rel: &str) -> bool {
    crate::markdown::is_index_page(rel)
}

/// Whether a page has a relative link that may name a folder (`../adr/`,
/// `.`, `../adr`: anything but a markdown file), whose output form depends
/// on which folders have an index page.
pub(super) fn has_dir_links(page: &Page) -> bool {
    page.md.links.iter().any(|l| {
        let dest = l.dest.trim();
        let path = dest.split(['#', '?']).next().unwrap_or(dest);
        let file = path.rsplit('/').next().unwrap_or(path);
        !path.is_empty()
            && !path.contains("://")
            && (path.starts_with('/')
                || file.is_empty()
                || crate::markdown::page_stem(file).is_none())
    })
}
