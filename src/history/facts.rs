//! The facts about one page, worked out from its changes and what old
//! versions of it say, and how a change is classified (an edit, a review,
//! bookkeeping).

use super::log::{Change, Commit, Status};
use super::versions::{self, Versions};
use super::{Edit, OwnersChange, PageHistory};
use crate::date::Date;
use crate::frontmatter::REVIEWED_KEYS;
use crate::page::Page;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

/// At most this many modifications after a page's review date are read to
/// find an edit (newest first); older ones are not looked at.
const MAX_CHANGES_AFTER_REVIEW: usize = 16;

/// Only the current life of a file: its changes up to (and including) the
/// newest time it was added.
pub(super) fn current_life(changes: &[Change]) -> &[Change] {
    let n = changes
        .iter()
        .position(|c| c.status == Status::Added)
        .map_or(changes.len(), |i| i + 1);
    &changes[..n]
}

/// The facts about one page from its changes (newest first). Old versions
/// come from `versions`; run with [`Wanted`](super::versions::Wanted) it
/// lists the ones it needs.
pub(super) fn page_facts(
    page: &Page,
    changes: &[Change],
    commits: &[Commit],
    versions: &mut dyn Versions,
    window_start: Date,
    check_owners: bool,
    check_actions: bool,
) -> PageHistory {
    let changes = current_life(changes);
    let Some(newest) = changes.first().filter(|c| c.status != Status::Deleted) else {
        return PageHistory::default();
    };
    let commit = |c: &Change| -> &Commit { &commits[c.commit as usize] };
    let edit = |c: &Change| Edit {
        date: commit(c).date,
        author: commit(c).author.clone(),
    };
    let mut facts = PageHistory {
        commits: changes.len(),
        last: Some(edit(newest)),
        dates: changes.iter().map(|c| commit(c).date).collect(),
        editors_in_window: changes
            .iter()
            .filter(|c| commit(c).date > window_start)
            .map(|c| commit(c).author.clone())
            .collect(),
        ..PageHistory::default()
    };

    if let Some(reviewed) = page.front.reviewed {
        // Adding the page writes its review date: that is the review.
        let after = changes
            .iter()
            .filter(|c| commit(c).date > reviewed && c.status == Status::Modified)
            .take(MAX_CHANGES_AFTER_REVIEW);
        for c in after {
            if versions.change_kind(&c.old, &c.new) == Some(ChangeKind::Edit) {
                facts.outdated = Some(edit(c));
                break;
            }
        }
    }

    // The version in force on `day`: the newest change made on or before it.
    let at = |day: Date| changes.iter().position(|c| commit(c).date <= day);

    if check_owners {
        let base = at(window_start).unwrap_or(changes.len() - 1);
        if base > 0 {
            if let Some(then) = versions.front(&changes[base].new) {
                if owner_set(&then.owners) != owner_set(&page.front.owners) {
                    facts.owners_change = Some(OwnersChange {
                        was: then.owners.clone(),
                    });
                }
            }
        }
    }

    if !check_actions {
        return facts;
    }
    let mut old_fronts: HashMap<usize, Option<Arc<versions::OldFront>>> = HashMap::new();
    facts.actions_closed_by_due = page
        .front
        .actions
        .iter()
        .map(|a| {
            if !a.done {
                return None;
            }
            let Some(due) = a.due else {
                return Some(true);
            };
            match at(due) {
                // History starts after the due date (the page was added,
                // or imported, later): when it closed is unknown.
                None => None,
                Some(0) => Some(true),
                Some(k) => {
                    let then = old_fronts
                        .entry(k)
                        .or_insert_with(|| versions.front(&changes[k].new));
                    Some(then.as_ref().is_some_and(|then| {
                        then.actions
                            .iter()
                            .any(|(what, done)| *done && what.trim() == a.what.trim())
                    }))
                }
            }
        })
        .collect();
    facts
}

fn owner_set(owners: &[String]) -> BTreeSet<String> {
    owners
        .iter()
        .map(|o| o.trim().trim_start_matches('@').to_lowercase())
        .collect()
}

/// What a commit did to a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(super) enum ChangeKind {
    /// It changed the `reviewed:` line: the review itself (with or
    /// without the edits it reviewed).
    Review,
    /// It changed only action `done:` flags: follow-through, not content.
    Bookkeeping,
    /// It changed the content.
    Edit,
}

pub(super) fn classify(old: &str, new: &str) -> ChangeKind {
    if review_date(old) != review_date(new) {
        ChangeKind::Review
    } else if content_lines(old).eq(content_lines(new)) {
        ChangeKind::Bookkeeping
    } else {
        ChangeKind::Edit
    }
}

/// Where a line of a page is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    /// In a YAML (`---`) frontmatter block.
    Yaml,
    /// In a TOML (`+++`) frontmatter block.
    Toml,
    /// In the body.
    Body,
}

/// A page's lines (without `\r`), each with where it is. The block is the
/// one the page reader finds ([`crate::frontmatter::fence`]), so an
/// unclosed block or a `---` thematic break reads the same here; its fence
/// lines are left out.
fn lines_in_front(text: &str) -> impl Iterator<Item = (Place, &str)> {
    use crate::frontmatter::fence::{split, Syntax};
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (place, front, body) = match split(text) {
        Some(block) => (
            match block.syntax {
                Syntax::Yaml => Place::Yaml,
                Syntax::Toml => Place::Toml,
            },
            block.text,
            &text[block.body_offset.min(text.len())..],
        ),
        None => (Place::Body, "", text),
    };
    fn line(raw: &str) -> &str {
        raw.strip_suffix('\r').unwrap_or(raw)
    }
    front
        .lines()
        .map(move |l| (place, line(l)))
        .chain(body.split('\n').map(move |l| (Place::Body, line(l))))
}

/// The key and value of a frontmatter line (`key: value` in YAML,
/// `key = value` in TOML), the key unquoted.
fn key_value(place: Place, line: &str) -> Option<(&str, &str)> {
    let sep = match place {
        Place::Yaml => ':',
        Place::Toml => '=',
        Place::Body => return None,
    };
    let (k, v) = line.split_once(sep)?;
    Some((k.trim().trim_matches(['"', '\'']), v))
}

/// The review date as written (`reviewed:` or an alias), if any.
pub(super) fn review_date(text: &str) -> Option<&str> {
    lines_in_front(text)
        .take_while(|(place, _)| *place != Place::Body)
        .find_map(|(place, line)| {
            // Only top-level keys: not an action's or a table's.
            if line.starts_with([' ', '\t']) {
                return None;
            }
            let (k, v) = key_value(place, line)?;
            REVIEWED_KEYS
                .contains(&k)
                .then(|| v.trim().trim_matches(['"', '\'']))
        })
}

/// The lines that make up the content: all but the review date and the
/// action `done:` flags in the frontmatter.
fn content_lines(text: &str) -> impl Iterator<Item = &str> {
    lines_in_front(text).filter_map(|(place, line)| {
        if place == Place::Body {
            return Some(line);
        }
        let top = !line.starts_with([' ', '\t', '-']);
        let item = line.trim_start().trim_start_matches("- ");
        match key_value(place, if top { line } else { item }) {
            Some((k, _)) if top && REVIEWED_KEYS.contains(&k) => None,
            // YAML writes `done:` inside an action item; TOML, under
            // `[[actions]]`, at the start of the line.
            Some(("done", _)) if !top || place == Place::Toml => None,
            _ => Some(line),
        }
    })
}
