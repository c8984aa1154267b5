//! The renderer's second pass, once the whole page is read: heading ids
//! (custom ids first, layout ids never, other generators' ids as aliases)
//! and their `#` anchors, in-page links pointed at moved ids, the table of
//! contents filled in, footnotes placed, and the HTML and search text
//! assembled into [`RenderedMarkdown`].

use std::collections::{HashMap, HashSet};

use pulldown_cmark::{CowStr, Event, Tag};

use super::super::blocks::toc_html;
use super::super::highlight::push_escaped;
use super::super::slug::{slugify, HeadingIds, OTHER_SLUG_STYLES};
use super::super::{autolink, Heading, RenderedMarkdown, LAYOUT_IDS};
use super::Renderer;

impl Renderer<'_, '_> {
    /// Gives every heading its id (custom ids first, so an earlier slug cannot
    /// take a later `{#id}`; layout ids never), fills in the heading tags and
    /// their `#` anchors, and returns the headings.
    fn assign_heading_ids(&mut self) -> Vec<Heading> {
        let mut ids = HeadingIds::default();
        for id in LAYOUT_IDS {
            ids.reserve(id);
        }
        for slot in &self.slots {
            if let Some(id) = &slot.custom_id {
                if !LAYOUT_IDS.contains(&id.as_str()) {
                    ids.reserve(id);
                }
            }
        }
        let slots = std::mem::take(&mut self.slots);
        let assigned: Vec<(String, Option<String>)> = slots
            .iter()
            .map(|slot| match &slot.custom_id {
                Some(id) if LAYOUT_IDS.contains(&id.as_str()) => (ids.unique(id), Some(id.clone())),
                Some(id) => (id.clone(), None),
                None => {
                    let slug = slugify(&slot.text);
                    let id = ids.unique(&slug);
                    let moved = LAYOUT_IDS.contains(&slug.as_str());
                    (id, moved.then_some(slug))
                }
            })
            .collect();
        // The ids other generators gave the same headings (GitLab, Hugo,
        // goldmark), each numbered for repeats as that generator does.
        let mut taken: HashSet<String> = assigned.iter().map(|(id, _)| id.clone()).collect();
        taken.extend(LAYOUT_IDS.iter().map(|s| (*s).to_owned()));
        let mut styles: Vec<HeadingIds> = (0..OTHER_SLUG_STYLES.len())
            .map(|_| HeadingIds::default())
            .collect();
        let mut headings = Vec::with_capacity(slots.len());
        for (slot, (id, layout_alias)) in slots.into_iter().zip(assigned) {
            // Only the first heading that wanted a layout id answers to it.
            let mut aliases: Vec<String> = layout_alias
                .filter(|a| taken.insert(format!("\0{a}")))
                .into_iter()
                .collect();
            let mut anchors = String::new();
            if slot.custom_id.is_none() {
                for (style, used) in OTHER_SLUG_STYLES.iter().zip(&mut styles) {
                    let other = used.unique_or(&style(&slot.text), "heading");
                    if taken.insert(other.clone()) {
                        if !slot.is_title {
                            anchors.push_str("<span id=\"");
                            push_escaped(&mut anchors, &other);
                            anchors.push_str("\"></span>");
                        }
                        aliases.push(other);
                    }
                }
            }
            if slot.is_title {
                // The theme shows the title (with this id); drop the repeat,
                // up to and including its end tag after the anchor slot.
                let end = (slot.anchor_event + 2).min(self.events.len());
                for event in self
                    .events
                    .get_mut(slot.start_event..end)
                    .unwrap_or_default()
                {
                    *event = Event::Text(CowStr::Borrowed(""));
                }
                self.title_id = Some(id.clone());
            } else if let Some(Event::Start(Tag::Heading { id: event_id, .. })) =
                self.events.get_mut(slot.start_event)
            {
                *event_id = Some(CowStr::from(id.clone()));
            }
            if let Some(anchor) = self
                .events
                .get_mut(slot.anchor_event)
                .filter(|_| !slot.is_title)
            {
                let mut html = String::with_capacity(id.len() + 72 + anchors.len());
                html.push_str(" <a class=\"anchor\" href=\"#");
                push_escaped(&mut html, &id);
                html.push_str("\" aria-hidden=\"true\" tabindex=\"-1\">#</a>");
                html.push_str(&anchors);
                *anchor = Event::InlineHtml(html.into());
            }
            headings.push(Heading {
                level: slot.level,
                id,
                aliases,
                text: slot.text,
                line: slot.line,
                column: slot.column,
            });
        }
        headings
    }

    /// Points in-page links to a heading's alias (`#content`) at its id.
    fn point_fragment_links(&mut self, headings: &[Heading]) {
        let moved: HashMap<&str, &str> = headings
            .iter()
            .flat_map(|h| h.aliases.iter().map(|a| (a.as_str(), h.id.as_str())))
            .collect();
        if moved.is_empty() {
            return;
        }
        for &i in &self.fragment_links {
            if let Some(Event::Start(Tag::Link { dest_url, .. })) = self.events.get_mut(i) {
                let fragment = crate::url::decode_lenient(dest_url.trim_start_matches('#'));
                if let Some(id) = moved.get(fragment.as_str()) {
                    *dest_url = CowStr::from(format!("#{id}"));
                }
            }
        }
    }

    pub(super) fn finish(mut self, body_len: usize) -> RenderedMarkdown {
        // An unterminated construct at end of input is closed by the parser,
        // but be defensive: never lose an open code block's text.
        if let Some(open) = self.code.take() {
            let html = self.code_block_html(&open);
            self.push_code_text(&open.code);
            self.events.push(Event::Html(html.into()));
        }

        let headings = self.assign_heading_ids();
        self.point_fragment_links(&headings);
        if !self.toc_slots.is_empty() {
            let toc = toc_html(&headings, self.title_id.as_deref());
            for &i in &self.toc_slots {
                if let Some(slot) = self.events.get_mut(i) {
                    *slot = Event::Html(CowStr::from(toc.clone()));
                }
            }
        }

        let mut html = String::with_capacity(body_len + body_len / 2 + self.code_html_len + 64);
        let events = if self.footnotes.is_empty() {
            self.events
        } else {
            let taken =
                LAYOUT_IDS
                    .iter()
                    .map(|s| (*s).to_owned())
                    .chain(headings.iter().flat_map(|h| {
                        std::iter::once(h.id.clone()).chain(h.aliases.iter().cloned())
                    }))
                    .chain(self.html_anchors.iter().cloned());
            let (events, ids) = std::mem::take(&mut self.footnotes).place(self.events, taken);
            self.html_anchors.extend(ids);
            events
        };
        let events = autolink::autolink_events(events);
        pulldown_cmark::html::push_html(&mut html, events.into_iter());

        let first_h1 = headings
            .iter()
            .find(|h| h.level == 1 && !h.text.is_empty())
            .map(|h| h.text.clone());
        let text = self.text.trim();
        let lead = self.text.len() - self.text.trim_start().len();
        let code_blocks = self
            .code_blocks
            .iter()
            .map(|&(s, e)| {
                (
                    s.saturating_sub(lead),
                    e.saturating_sub(lead).min(text.len()),
                )
            })
            .filter(|&(s, e)| s < e)
            .collect();
        let text = text.to_owned();
        RenderedMarkdown {
            html: html.into(),
            headings,
            links: self.links,
            first_h1,
            title_id: self.title_id,
            html_anchors: self.html_anchors,
            text,
            code_blocks,
            template_syntax: None,
            has_mermaid: self.has_mermaid,
        }
    }
}
