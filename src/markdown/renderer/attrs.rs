//! Classes and ids the renderer adds to blocks that pulldown-cmark reads
//! without them: heading attribute blocks (`{#id .class}`, see
//! `heading_attrs`), block attribute lists on the paragraph above
//! (`{: .lead #intro}`, read by `templates`), and GitHub's task-list
//! classes.

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::super::highlight::push_escaped;
use super::super::{heading_attrs, templates};
use super::{OpenHeading, Renderer};

impl Renderer<'_, '_> {
    /// Gives the open list item (it starts with a task-list checkbox) the
    /// class `task-list-item`, and its list the class `contains-task-list`,
    /// as GitHub does; the theme hides the bullets of those items only.
    pub(super) fn mark_task_item(&mut self) {
        if let Some(&item) = self.items.last() {
            if let Some(e) = self.events.get_mut(item) {
                *e = Event::Html(CowStr::Borrowed("<li class=\"task-list-item\">"));
            }
        }
        let Some(&list) = self.lists.last() else {
            return;
        };
        let html = match self.events.get(list) {
            Some(Event::Start(Tag::List(None))) => "<ul class=\"contains-task-list\">\n".into(),
            Some(Event::Start(Tag::List(Some(1)))) => "<ol class=\"contains-task-list\">\n".into(),
            Some(Event::Start(Tag::List(Some(start)))) => {
                format!("<ol class=\"contains-task-list\" start=\"{start}\">\n")
            }
            _ => return,
        };
        if let Some(e) = self.events.get_mut(list) {
            *e = Event::Html(CowStr::from(html));
        }
    }

    /// Removes a valid `{#id .class}` block from the end of the open
    /// heading's text (events, heading text and page text), puts its classes
    /// on the heading and returns its id. A `{...}` that is not all
    /// attributes stays as text.
    pub(super) fn take_attr_block(&mut self, open: &mut OpenHeading) -> Option<String> {
        let first_inline = open.start_event + 1;
        let run_start = self.events[first_inline.min(self.events.len())..]
            .iter()
            .rposition(|e| !matches!(e, Event::Text(_)))
            .map_or(first_inline, |i| first_inline + i + 1);
        let trailing: String = self.events[run_start.min(self.events.len())..]
            .iter()
            .filter_map(|e| match e {
                Event::Text(t) => Some(t.as_ref()),
                _ => None,
            })
            .collect();
        let block = heading_attrs::find_attr_block(&trailing)?;
        if !open.text.ends_with(&trailing) || !self.text.ends_with(&trailing) {
            return None;
        }
        open.text.truncate(open.text.len() - block.cut);
        self.text.truncate(self.text.len() - block.cut);
        let mut left = block.cut;
        for event in self.events[run_start..].iter_mut().rev() {
            let Event::Text(t) = event else { break };
            let keep = t.len().saturating_sub(left);
            left -= t.len() - keep;
            *event = Event::Text(CowStr::from(t.get(..keep).unwrap_or_default().to_owned()));
            if left == 0 {
                break;
            }
        }
        if let Some(Event::Start(Tag::Heading { classes, .. })) =
            self.events.get_mut(open.start_event)
        {
            *classes = block.attrs.classes.into_iter().map(CowStr::from).collect();
        }
        block.attrs.id
    }

    /// Puts a block attribute list (`{: .lead #intro}` on the line after a
    /// paragraph, read by `templates`) on that paragraph: the events end
    /// `... End(Paragraph), Start(HtmlBlock)`. After anything else it is
    /// dropped.
    pub(super) fn apply_block_attrs(&mut self, marker: &str) {
        let Some((id, classes)) = templates::block_attrs(marker) else {
            return;
        };
        let n = self.events.len();
        if n < 2
            || !matches!(self.events[n - 1], Event::Start(Tag::HtmlBlock))
            || !matches!(self.events[n - 2], Event::End(TagEnd::Paragraph))
        {
            return;
        }
        let Some(start) = self.events[..n - 2]
            .iter()
            .rposition(|e| matches!(e, Event::Start(Tag::Paragraph)))
        else {
            return;
        };
        let mut p = String::from("<p");
        if let Some(id) = id {
            p.push_str(" id=\"");
            push_escaped(&mut p, id);
            p.push('"');
            self.html_anchors.push(id.to_owned());
        }
        if !classes.is_empty() {
            p.push_str(" class=\"");
            push_escaped(&mut p, &classes.join(" "));
            p.push('"');
        }
        p.push('>');
        self.events[start] = Event::Html(p.into());
    }
}
