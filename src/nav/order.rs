//! The order of a folder's entries in the sidebar, before their labels
//! decide: `SUMMARY.md` positions first, then subfolders before pages,
//! then `weight`. Pure.

use super::{Dir, Slot};
use crate::handbook::Handbook;
use std::cmp::Ordering;
use std::collections::HashMap;

/// Sets every folder's `rank`: the first `SUMMARY.md` position of a page
/// under it, at any depth; returns the top folder's.
pub(super) fn rank_dirs(dir: &mut Dir, ranks: &HashMap<usize, usize>) -> Option<usize> {
    let own = dir
        .pages
        .iter()
        .chain(dir.index.iter())
        .chain(&dir.shadowed)
        .filter_map(|i| ranks.get(i).copied())
        .min();
    let below = dir
        .dirs
        .values_mut()
        .filter_map(|sub| rank_dirs(sub, ranks))
        .min();
    dir.rank = own.into_iter().chain(below).min();
    dir.rank
}

/// How two entries of one folder compare before their labels: those
/// `SUMMARY.md` lists first, in its order; then folders before pages; then
/// by weight (lower first, none last). `Equal` leaves it to the labels.
pub(super) fn compare(
    h: &Handbook,
    ranks: &HashMap<usize, usize>,
    a: &Slot<'_>,
    b: &Slot<'_>,
) -> Ordering {
    let rank = |s: &Slot<'_>| match s {
        Slot::Page(i) | Slot::Lone(_, i) => ranks.get(i).copied(),
        Slot::Folder(d) => d.rank,
    };
    let is_page = |s: &Slot<'_>| !matches!(s, Slot::Folder(_));
    let weight = |s: &Slot<'_>| match s {
        Slot::Page(i) | Slot::Lone(_, i) => h.pages[*i].front.weight,
        Slot::Folder(d) => d.index.and_then(|i| h.pages[i].front.weight),
    };
    match (rank(a), rank(b)) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => is_page(a)
            .cmp(&is_page(b))
            .then_with(|| match (weight(a), weight(b)) {
                (Some(x), Some(y)) => x.cmp(&y),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            }),
    }
}
