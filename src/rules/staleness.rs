//! Rules `review-missing`, `review-stale`, `review-due-soon`, `review-future`.

use super::{PageStatus, ReviewState, RuleCx};
use crate::date::Date;
use crate::diag::{Diagnostic, Severity};
use crate::frontmatter::REVIEWED_KEYS;
use crate::page::Page;

/// How to write the review date `date` in `page`: under the key the page
/// already uses (`last_reviewed_on` on GOV.UK pages), in its frontmatter's
/// syntax. Without a date, just the key (`` `reviewed:` ``).
pub(super) fn set_reviewed(page: &Page, date: Option<Date>) -> String {
    let key = page
        .spans
        .first_written(&REVIEWED_KEYS)
        .unwrap_or("reviewed");
    let date = date.map(|d| d.to_string()).unwrap_or_default();
    super::field(page, key, &date, &date)
}

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
                    format!(
                        "{} is later than today ({})",
                        set_reviewed(page, Some(reviewed)),
                        cx.today
                    ),
                )
                .with_help(format!(
                    "set {} to the date the review actually happened",
                    set_reviewed(page, None)
                )),
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
            .with_help(format!(
                "review the page and add {}",
                set_reviewed(page, Some(cx.today))
            )),
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
                    "review the page, then set {}",
                    set_reviewed(page, Some(cx.today))
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
                "review the page, then set {}",
                set_reviewed(page, Some(cx.today))
            )),
        ),
        ReviewState::Fresh | ReviewState::Never => {}
    }
}
