//! Rules `owner-missing`, `owner-unknown`, `owner-inactive`, `owner-single`.

use super::{PageStatus, RuleCx};
use crate::diag::{Diagnostic, Severity};
use crate::owners::Owner;
use crate::page::Page;

pub(super) fn check(page: &Page, status: &PageStatus, cx: &RuleCx<'_>, out: &mut Vec<Diagnostic>) {
    let path = &page.src.root_rel;
    let reg = &cx.handbook.registry;
    let at = page.spans.first_of(&crate::frontmatter::OWNER_KEYS);
    if status.owners.is_empty() {
        out.push(
            Diagnostic::new(
                "owner-missing",
                Severity::Error,
                path,
                // At `owners: []` when the key is written empty.
                at,
                "page has no `owners`",
            )
            .with_help(format!(
                "add {} to the front matter (or a CODEOWNERS line for this path)",
                super::field(page, "owners", "[team-id]", "[\"team-id\"]")
            )),
        );
        return;
    }
    for (written, owner) in &status.owners {
        match owner {
            Owner::Unknown { .. } if reg.present => out.push(
                Diagnostic::new(
                    "owner-unknown",
                    Severity::Error,
                    path,
                    at,
                    format!("owner `{written}` is not in {}", reg.path),
                )
                .with_help(format!(
                    "{}add `{}` to {} or fix the spelling",
                    crate::suggest::hint(
                        owner.id(),
                        reg.teams
                            .keys()
                            .chain(reg.people.keys())
                            .map(String::as_str)
                    ),
                    owner.id(),
                    reg.path
                )),
            ),
            Owner::Person(id) if !reg.person_active(id) => out.push(
                Diagnostic::new(
                    "owner-inactive",
                    Severity::Warning,
                    path,
                    at,
                    format!("owner `{written}` is marked inactive"),
                )
                .with_help("hand the page to an active team or person"),
            ),
            Owner::Team(id) if reg.active_people(owner).is_some_and(|p| p.is_empty()) => out.push(
                Diagnostic::new(
                    "owner-inactive",
                    Severity::Warning,
                    path,
                    at,
                    format!("team `{id}` has no active member"),
                )
                .with_help("add an active member to the team or hand the page to another team"),
            ),
            _ => {}
        }
    }
    if let Some(people) = &status.active_people {
        if people.len() == 1 {
            let who = people.iter().next().map(String::as_str).unwrap_or_default();
            out.push(
                Diagnostic::new(
                    "owner-single",
                    Severity::Warning,
                    path,
                    at,
                    format!("all owners resolve to one active person (@{who}): bus factor 1"),
                )
                .with_help("add a second owner so the knowledge does not live in one head"),
            );
        }
    }
}
