//! Footnotes, GitHub style: references numbered in the order they are first
//! used, every definition moved to one `<section class="footnotes">` at the
//! end of the body, and a back-link (`↩`) from each note to every place it is
//! referenced (a second reference to the same note gets its own id and its
//! own back-link).
//!
//! The renderer records where each reference and definition is in its event
//! list ([`Footnotes::reference`], [`Footnotes::open`], [`Footnotes::close`])
//! and calls [`Footnotes::place`] once every other event index is used up
//! (heading ids, table of contents): placing moves events.
//!
//! Ids are `fn-<label>` and `fnref-<label>` (`-2`, `-3` … for further
//! references), the label reduced to letters, digits, `-` and `_` (a label
//! with none of them uses the note's number), and made unique against the
//! page's heading ids, layout ids and raw HTML ids. A reference to a label
//! with no definition stays as the text it was written as, so no link
//! dangles. Of two definitions of one label the first is used (as GitHub
//! does); a definition nothing references is kept, numbered after the
//! referenced ones, without back-links.
//!
//! Pure, total, never panics: indexes that do not fit are skipped.

use std::collections::HashMap;

use pulldown_cmark::{CowStr, Event, TagEnd};

use super::highlight::push_escaped;
use super::slug::HeadingIds;

/// The footnote references and definitions of one page, by event index.
#[derive(Default)]
pub(super) struct Footnotes {
    refs: Vec<Ref>,
    defs: Vec<Def>,
    /// Definitions open now: index into `defs`.
    open: Vec<usize>,
}

/// A reference: the placeholder event standing where it was.
struct Ref {
    event: usize,
    key: String,
    label: String,
}

/// A definition: its events are `start..end` (its own `Start` and `End`
/// included).
struct Def {
    key: String,
    label: String,
    start: usize,
    end: usize,
}

/// One note as placed: its definition and its references (indexes).
struct Note {
    def: usize,
    refs: Vec<usize>,
    id: String,
    ref_ids: Vec<String>,
}

impl Footnotes {
    /// A reference to `label` whose placeholder is event `event`.
    pub(super) fn reference(&mut self, event: usize, label: &str) {
        self.refs.push(Ref {
            event,
            key: label_key(label),
            label: label.to_owned(),
        });
    }

    /// A definition of `label` starting at event `event`.
    pub(super) fn open(&mut self, event: usize, label: &str) {
        self.open.push(self.defs.len());
        self.defs.push(Def {
            key: label_key(label),
            label: label.to_owned(),
            start: event,
            end: usize::MAX,
        });
    }

    /// The open definition ends before event `event`.
    pub(super) fn close(&mut self, event: usize) {
        if let Some(def) = self.open.pop().and_then(|i| self.defs.get_mut(i)) {
            def.end = event;
        }
    }

    /// Whether the page has any footnote syntax at all.
    pub(super) fn is_empty(&self) -> bool {
        self.refs.is_empty() && self.defs.is_empty()
    }

    /// Fills in the reference placeholders, takes the definitions out of
    /// `events` and appends them as the footnotes section. `taken` are the
    /// ids the page uses already. Also returns the ids it gave the notes
    /// and references, which links may point at (`#fn-1`).
    pub(super) fn place<'a>(
        self,
        mut events: Vec<Event<'a>>,
        taken: impl IntoIterator<Item = String>,
    ) -> (Vec<Event<'a>>, Vec<String>) {
        if self.is_empty() {
            return (events, Vec::new());
        }
        let n = events.len();
        let mut defs = self.defs;
        for d in &mut defs {
            d.end = d.end.min(n);
            d.start = d.start.min(d.end);
        }
        // The first definition of each label is the one used.
        let mut def_of: HashMap<&str, usize> = HashMap::new();
        for (i, d) in defs.iter().enumerate() {
            def_of.entry(d.key.as_str()).or_insert(i);
        }
        // Which definition owns each event (the innermost, for a definition
        // written inside another).
        let mut owner: Vec<Option<usize>> = vec![None; n];
        let mut order: Vec<usize> = (0..defs.len()).collect();
        order.sort_by_key(|&i| (defs[i].start, std::cmp::Reverse(defs[i].end)));
        for i in order {
            let d = &defs[i];
            for o in owner.get_mut(d.start..d.end).unwrap_or_default() {
                *o = Some(i);
            }
        }
        let chosen: std::collections::BTreeSet<usize> = def_of.values().copied().collect();
        // Notes numbered by their first reference, then unreferenced ones.
        let mut notes: Vec<Note> = Vec::new();
        let mut note_of_def: HashMap<usize, usize> = HashMap::new();
        let mut undefined: Vec<usize> = Vec::new();
        for (r, reference) in self.refs.iter().enumerate() {
            let in_dropped = owner
                .get(reference.event)
                .copied()
                .flatten()
                .is_some_and(|d| !chosen.contains(&d));
            let placeholder =
                matches!(events.get(reference.event), Some(Event::InlineHtml(h)) if h.is_empty());
            if in_dropped || !placeholder {
                // Inside a second definition of a label, or in the title
                // heading the theme shows instead: not on the page.
                continue;
            }
            let Some(&def) = def_of.get(reference.key.as_str()) else {
                undefined.push(r);
                continue;
            };
            let note = *note_of_def.entry(def).or_insert_with(|| {
                notes.push(Note {
                    def,
                    refs: Vec::new(),
                    id: String::new(),
                    ref_ids: Vec::new(),
                });
                notes.len() - 1
            });
            notes[note].refs.push(r);
        }
        for &def in &chosen {
            if let std::collections::hash_map::Entry::Vacant(e) = note_of_def.entry(def) {
                e.insert(notes.len());
                notes.push(Note {
                    def,
                    refs: Vec::new(),
                    id: String::new(),
                    ref_ids: Vec::new(),
                });
            }
        }

        // Ids, unique on the page.
        let mut ids = HeadingIds::default();
        for id in taken {
            ids.reserve(&id);
        }
        for (number, note) in notes.iter_mut().enumerate() {
            let slug = match label_slug(&defs[note.def].label) {
                s if s.is_empty() => (number + 1).to_string(),
                s => s,
            };
            note.id = ids.unique(&format!("fn-{slug}"));
            for k in 0..note.refs.len() {
                let base = match k {
                    0 => format!("fnref-{slug}"),
                    k => format!("fnref-{slug}-{}", k + 1),
                };
                note.ref_ids.push(ids.unique(&base));
            }
        }

        // The references.
        for (number, note) in notes.iter().enumerate() {
            for (r, ref_id) in note.refs.iter().zip(&note.ref_ids) {
                if let Some(slot) = self.refs.get(*r).and_then(|r| events.get_mut(r.event)) {
                    let mut html = String::with_capacity(80);
                    html.push_str("<sup class=\"footnote-ref\"><a href=\"#");
                    push_escaped(&mut html, &note.id);
                    html.push_str("\" id=\"");
                    push_escaped(&mut html, ref_id);
                    html.push_str(&format!("\">{}</a></sup>", number + 1));
                    *slot = Event::InlineHtml(html.into());
                }
            }
        }
        for r in undefined {
            if let Some(reference) = self.refs.get(r) {
                if let Some(slot) = events.get_mut(reference.event) {
                    *slot = Event::Text(format!("[^{}]", reference.label).into());
                }
            }
        }

        let mut content: Vec<Vec<Event<'a>>> = (0..defs.len()).map(|_| Vec::new()).collect();
        let mut body = Vec::with_capacity(n + notes.len() * 4 + 4);
        for (i, event) in events.drain(..).enumerate() {
            match owner.get(i).copied().flatten() {
                None => body.push(event),
                Some(d) if i == defs[d].start || i + 1 == defs[d].end => {}
                Some(d) => content[d].push(event),
            }
        }

        body.push(Event::Html(CowStr::Borrowed(
            "<section class=\"footnotes\" role=\"doc-endnotes\" aria-label=\"Footnotes\">\n<ol>\n",
        )));
        for (number, note) in notes.iter().enumerate() {
            let mut li = String::from("<li id=\"");
            push_escaped(&mut li, &note.id);
            li.push_str("\">\n");
            body.push(Event::Html(li.into()));
            let mut events = std::mem::take(&mut content[note.def]);
            let backrefs = backrefs_html(number + 1, &note.ref_ids);
            if !backrefs.is_empty() {
                if matches!(events.last(), Some(Event::End(TagEnd::Paragraph))) {
                    let at = events.len() - 1;
                    events.insert(at, Event::InlineHtml(backrefs.into()));
                } else {
                    events.push(Event::Html(format!("<p>{}</p>\n", backrefs.trim()).into()));
                }
            }
            body.extend(events);
            body.push(Event::Html(CowStr::Borrowed("</li>\n")));
        }
        body.push(Event::Html(CowStr::Borrowed("</ol>\n</section>\n")));
        let ids = notes
            .iter()
            .flat_map(|n| std::iter::once(n.id.clone()).chain(n.ref_ids.iter().cloned()))
            .collect();
        (body, ids)
    }
}

/// ` <a … class="footnote-backref">↩</a>` for each reference of note
/// `number` (the second on shows its count: `↩²`).
fn backrefs_html(number: usize, ref_ids: &[String]) -> String {
    let mut html = String::new();
    for (k, id) in ref_ids.iter().enumerate() {
        html.push_str(" <a href=\"#");
        push_escaped(&mut html, id);
        html.push_str("\" class=\"footnote-backref\" aria-label=\"Back to reference ");
        if k == 0 {
            html.push_str(&format!("{number}\">\u{21A9}</a>"));
        } else {
            html.push_str(&format!(
                "{number}-{n}\">\u{21A9}<sup>{n}</sup></a>",
                n = k + 1
            ));
        }
    }
    html
}

/// How labels match: case-insensitive, inner whitespace collapsed (as the
/// parser matches them).
fn label_key(label: &str) -> String {
    label
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// A label as an id part: letters and digits (any script) lowercased, `-`
/// and `_` kept, whitespace as `-`, the rest dropped.
fn label_slug(label: &str) -> String {
    let mut out = String::with_capacity(label.len());
    for c in label.trim().chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if c == '-' || c == '_' {
            out.push(c);
        } else if c.is_whitespace() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out
}
