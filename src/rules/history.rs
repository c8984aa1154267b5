//! Rule `review-outdated`: git history shows a commit after the page's
//! `reviewed` date that edited it. The facts come from
//! [`crate::history`] through [`PageStatus::outdated`]; a commit that
//! changed the `reviewed:` line (the review itself) or only action `done:`
//! flags does not count. Pure: no git here.

use super::{PageStatus, RuleCx};
use crate::diag::{Diagnostic, Severity};
use crate::page::Page;

use crate::frontmatter::REVIEWED_KEYS;

pub(super) fn check(page: &Page, status: &PageStatus, cx: &RuleCx<'_>, out: &mut Vec<Diagnostic>) {
    let (Some(edit), Some(reviewed)) = (&status.outdated, page.front.reviewed) else {
        return;
    };
    out.push(
        Diagnostic::new(
            "review-outdated",
            Severity::Warning,
            &page.src.root_rel,
            page.spans.first_of(&REVIEWED_KEYS),
            format!(
                "edited on {} by {} after its last review ({reviewed})",
                edit.date, edit.author
            ),
        )
        .with_help(format!(
            "check the changes since {reviewed} (`git log --since={reviewed} -- {}`), then set {}",
            page.src.root_rel,
            super::staleness::set_reviewed(page, Some(cx.today))
        )),
    );
}
