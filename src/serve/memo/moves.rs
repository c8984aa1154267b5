//! Pages whose headings and links only moved: their outline, and their
//! findings moved along with them on the fast path.

use super::*;

/// A page's shape: everything but its body (raw text, HTML, plain text).
/// Rules and the view model read only the shape, plus the HTML as the
/// page's content, so two pages of equal shape differ only in that HTML.
/// (Pinned by `rules_and_view_read_only_the_shape` in `tests.rs`.)
#[cfg(test)]
pub(super) fn shape(page: &Page) -> u64 {
    Outline::of(page).shape
}

/// Line and column of something in a page.
pub(super) type Pos = (u32, u32);

/// Where each heading and link of a page went: old position → new.
pub(super) type Moves = HashMap<Pos, Pos>;

/// How a re-parsed page differs from its previous version.
pub(super) enum Change {
    /// Only the body: same shape.
    Body,
    /// The body, and headings and links moved (lines or columns); nothing
    /// else. Findings at those positions move with them.
    Moved(Moves),
    /// Anything else.
    Shape,
}

/// A page's shape, its shape with heading and link positions left out,
/// and those positions (headings, then links, in document order).
pub(super) struct Outline {
    pub(super) shape: u64,
    pub(super) unplaced: u64,
    pub(super) places: Vec<Pos>,
}

impl Outline {
    pub(super) fn of(page: &Page) -> Outline {
        let mut q = page.clone();
        q.src.text = String::new();
        q.md.html = Arc::from("");
        q.md.text = String::new();
        q.md.code_blocks = Vec::new();
        let hash = |q: &Page| {
            let mut h = DefaultHasher::new();
            format!("{q:?}").hash(&mut h);
            h.finish()
        };
        let shape = hash(&q);
        let mut places = Vec::with_capacity(q.md.headings.len() + q.md.links.len());
        for h in &mut q.md.headings {
            places.push((h.line, h.column));
            (h.line, h.column) = (0, 0);
        }
        for l in &mut q.md.links {
            places.push((l.line, l.column));
            (l.line, l.column) = (0, 0);
        }
        Outline {
            shape,
            unplaced: hash(&q),
            places,
        }
    }

    /// How `new` differs from this (the old outline).
    pub(super) fn compare(self, new: &Outline) -> Change {
        if self.shape == new.shape {
            return Change::Body;
        }
        if self.unplaced != new.unplaced || self.places.len() != new.places.len() {
            return Change::Shape;
        }
        let mut moves = Moves::with_capacity(self.places.len());
        for (old, new) in self.places.into_iter().zip(new.places.iter().copied()) {
            // One old place must not go to two new ones.
            if moves.insert(old, new).is_some_and(|prev| prev != new) {
                return Change::Shape;
            }
        }
        Change::Moved(moves)
    }
}

/// The index of the page at `rel` (pages are sorted by `rel`).
pub(super) fn page_index(h: &Handbook, rel: &str) -> Option<usize> {
    h.pages
        .binary_search_by(|p| p.src.rel.as_str().cmp(rel))
        .ok()
}

/// Moves the findings of pages whose headings and links moved along with
/// them. False when a finding is somewhere else in the body (then the
/// caller reruns the rules).
pub(super) fn move_findings(h: &Handbook, ev: &mut Evaluation, moved: &[(String, Moves)]) -> bool {
    for (rel, moves) in moved {
        let Some(i) = page_index(h, rel) else {
            return false;
        };
        let page = &h.pages[i];
        let Some(findings) = ev.page_findings.get_mut(i) else {
            return false;
        };
        for d in findings.iter_mut() {
            if d.path != page.src.root_rel {
                return false;
            }
            if d.line >= page.body_line {
                match moves.get(&(d.line, d.column)) {
                    Some(&(line, column)) => (d.line, d.column) = (line, column),
                    None => return false,
                }
            }
        }
        crate::diag::sort_findings(findings);
    }
    true
}

/// The same move in the view model: each page's findings and the health
/// page's findings by rule, sorted as `site_view` sorts them. `None` when a
/// finding cannot be placed; else whether any finding moved.
pub(super) fn move_finding_views(
    h: &Handbook,
    site: &mut SiteView,
    moved: &[(String, Moves)],
) -> Option<bool> {
    use crate::view::FindingView;
    let mut any = false;
    let mut shift = |f: &mut FindingView, body_line: u32, moves: &Moves| -> bool {
        if f.line < body_line {
            return true;
        }
        match moves.get(&(f.line, f.column)) {
            Some(&(line, column)) => {
                any |= (f.line, f.column) != (line, column);
                (f.line, f.column) = (line, column);
                true
            }
            None => false,
        }
    };
    for (rel, moves) in moved {
        let i = page_index(h, rel)?;
        let page = &h.pages[i];
        let view = site.pages.get_mut(i).filter(|v| v.path == *rel)?;
        for f in &mut view.findings {
            if !shift(f, page.body_line, moves) {
                return None;
            }
        }
        view.findings.sort_by(|a, b| {
            (a.line, a.column, &a.rule, &a.message).cmp(&(b.line, b.column, &b.rule, &b.message))
        });
        for group in &mut site.health.findings_by_rule {
            let mut touched = false;
            for f in group
                .findings
                .iter_mut()
                .filter(|f| f.path == page.src.root_rel)
            {
                if !shift(f, page.body_line, moves) {
                    return None;
                }
                touched = true;
            }
            if touched {
                group.findings.sort_by(|a, b| {
                    (&a.path, a.line, a.column, &a.message)
                        .cmp(&(&b.path, b.line, b.column, &b.message))
                });
            }
        }
    }
    Some(any)
}
