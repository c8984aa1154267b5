//! Rules `review-missing`, `review-stale`, `review-due-soon`, `review-future`.

use super::{PageStatus, ReviewState, RuleCx};
use crate::diag::{Diagnostic, Severity};
use crate::page::Page;

const REVIEWED_KEYS: [&str; 3] = ["reviewed", "last_reviewed_on", "last_reviewed"];

pub(super) fn check(page: &Page, status: &PageStatus, cx: &RuleCx<'_>, out: &mut Vec<Diagnostic>) {
    let path = &page.src.root_rel;
    let at = page.spans.first_of(&REVIEWED_KEYS);
    if let Some(reviewed) = page.front.reviewed {
        if reviewed > cx.today {
            out.push(
                Diagnostic::new(
                    "review-future",
                    Severity::Error,
                    path,
                    at,
                    format!("`reviewed: {reviewed}` is later than today ({})", cx.today),
                )
                .with_help("set `reviewed:` to the date the review actually happened"),
            );
        }
    }
    let due = status.due.map(|d| d.to_string()).unwrap_or_default();
    match status.review {
        ReviewState::Missing => out.push(
            Diagnostic::new(
                "review-missing",
                Severity::Warning,
                path,
                (1, 1),
                format!(
                    "page has no `reviewed` date (reviews are due every {})",
                    status.interval
                ),
            )
            .with_help(format!("review the page and add `reviewed: {}`", cx.today)),
        ),
        ReviewState::Stale => {
            let days = status.due.map(|d| cx.today.days() - d.days()).unwrap_or(0);
            out.push(
                Diagnostic::new(
                    "review-stale",
                    Severity::Warning,
                    path,
                    at,
                    format!(
                        "review was due {due} ({days} days ago; interval {})",
                        status.interval
                    ),
                )
                .with_help(format!(
                    "review the page, then set `reviewed: {}`",
                    cx.today
                )),
            );
        }
        ReviewState::DueSoon => out.push(
            Diagnostic::new(
                "review-due-soon",
                Severity::Info,
                path,
                at,
                format!("review is due on {due}"),
            )
            .with_help(format!(
                "review the page, then set `reviewed: {}`",
                cx.today
            )),
        ),
        ReviewState::Fresh | ReviewState::Never => {}
    }
}
