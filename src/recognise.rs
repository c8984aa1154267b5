//! How a page's kind is decided when its frontmatter does not say, and
//! what an ADR written without frontmatter says about its status. Teams
//! bring ADR folders (Nygard, MADR, adr-tools) and runbook repositories
//! that carry no `kind:`; their shape says what they are.
//!
//! The order of precedence, first match wins:
//! 1. `kind:` in the frontmatter;
//! 2. `[kinds.KIND] paths` globs in book.toml, in the file's order;
//! 3. a folder named for a kind, anywhere in the path, the nearest to the
//!    page first (`adr/`, `adrs/`, and names ending in `decisions`,
//!    `decision-records`, `decision-record` or `decision-log`, such as
//!    `architecture-decision-records/` → ADR; `runbooks/`,
//!    `playbooks/` → runbook; `roles/`, `ladders/` → role matrix;
//!    `standards/` → standard). In sub-folders of an ADR folder only
//!    numbered pages and pages with a status are ADRs;
//! 4. the content: a number-prefixed file name (`0007-use-postgres.md`)
//!    with a status section (`## Status`) or a `Status:` line is an ADR;
//!    a page with at least two of the runbook sections
//!    (`[kinds.runbook] required-sections` or their aliases) is a runbook;
//! 5. anything else is a guide.
//!
//! Folder index pages (`README.md`, `index.md`, `_index.md`) introduce
//! their folder: they are guides unless their frontmatter says otherwise.
//! Pure functions over text; no disk.

use crate::config::Config;
use crate::kind::Kind;

/// The kind of the page at `rel` (under the content folder) whose
/// frontmatter names none. `headings` are its heading texts, `body` its
/// markdown after the frontmatter.
pub fn infer_kind(
    config: &Config,
    rel: &str,
    is_index: bool,
    headings: &[String],
    body: &str,
) -> Kind {
    if is_index {
        return Kind::Guide;
    }
    if let Some((kind, _)) = config
        .kind_paths
        .iter()
        .find(|(_, globs)| globs.is_match(rel))
    {
        return *kind;
    }
    let mut folders: Vec<&str> = rel.split('/').collect();
    let file_name = folders.pop().unwrap_or(rel);
    let nearest = folders
        .iter()
        .rev()
        .enumerate()
        .find_map(|(up, f)| kind_of_folder(f).map(|k| (k, up)));
    match nearest {
        // Below an ADR folder's own level, design notes and templates sit
        // beside the records: only numbered or status-bearing pages count.
        Some((Kind::Adr, up)) if up > 0 => {
            let record = is_numbered_record(file_name) || adr_status_in(body).is_some();
            if record {
                return Kind::Adr;
            }
        }
        Some((kind, _)) => return kind,
        None => {}
    }
    if is_numbered_record(file_name) && adr_status_in(body).is_some() {
        return Kind::Adr;
    }
    if is_incident_review(headings) {
        return Kind::Incident;
    }
    let sections = config
        .runbook_sections
        .iter()
        .filter(|s| crate::rules::has_section(headings, s))
        .count();
    if sections >= 2 {
        return Kind::Runbook;
    }
    Kind::Guide
}

/// Headings of a postmortem besides its timeline, any of which (with a
/// `Timeline`) makes a page an incident review: Google SRE, PagerDuty and
/// Atlassian templates, and the folders of them teams keep.
const INCIDENT_SECTIONS: [&str; 10] = [
    "impact",
    "action items",
    "contributing factors",
    "lessons learned",
    "what went wrong",
    "what went well",
    "follow-up actions",
    "root causes",
    "trigger",
    "detection",
];

/// Does a page read as an incident review: a `Timeline` heading and one of
/// [`INCIDENT_SECTIONS`]? (An incident review carries the runbook sections
/// too; its timeline tells it apart. Runbooks have no timeline.)
fn is_incident_review(headings: &[String]) -> bool {
    let norm = |h: &str| {
        h.trim()
            .trim_end_matches(':')
            .trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == ' ')
            .to_lowercase()
    };
    let names: Vec<String> = headings.iter().map(|h| norm(h)).collect();
    names
        .iter()
        .any(|n| n == "timeline" || n.starts_with("timeline ("))
        && names.iter().any(|n| {
            INCIDENT_SECTIONS
                .iter()
                .any(|s| n == s || n.starts_with(&format!("{s} (")))
        })
}

/// Is this the file name of a numbered record: `0007-use-postgres.md`, or
/// the number after words naming the series (`ADR-7.md`,
/// `ODH-ADR-Operator-0007-auth.md`; one of the words says ADR)?
fn is_numbered_record(file_name: &str) -> bool {
    let stem = file_name
        .split('.')
        .next()
        .unwrap_or(file_name)
        .to_ascii_lowercase();
    let words: Vec<&str> = stem.split(['-', '_', ' ']).collect();
    let Some(at) = words
        .iter()
        .position(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_digit()))
    else {
        return false;
    };
    let before = &words[..at];
    before.is_empty()
        || (before
            .iter()
            .all(|w| w.bytes().all(|b| b.is_ascii_alphabetic()))
            && before.iter().any(|w| w.contains("adr")))
}

/// The decision log an ADR at `rel` belongs to: the nearest folder above
/// it named for ADRs (`adr/2024/0001-x.md` → `adr`), else its own folder.
/// ADR numbers are unique within a log; handbooks that keep one log per
/// design document (`cells/decisions/001-x.md`) count each from 1.
pub fn adr_log(rel: &str) -> &str {
    let dir = rel.rfind('/').map_or("", |i| &rel[..i]);
    let mut at = dir;
    loop {
        let name = at.rsplit('/').next().unwrap_or(at);
        if kind_of_folder(name) == Some(Kind::Adr) {
            return at;
        }
        match at.rfind('/') {
            Some(i) => at = &at[..i],
            None => return dir,
        }
    }
}

/// The kind a folder's name stands for, if any.
fn kind_of_folder(name: &str) -> Option<Kind> {
    match name.to_ascii_lowercase().as_str() {
        "adr" | "adrs" => Some(Kind::Adr),
        // decisions/, decision-records/, architecture-decision-records/,
        // decision-log/; not decision-record-template-by-x/.
        n if [
            "decisions",
            "decision-records",
            "decision-record",
            "decision-log",
        ]
        .iter()
        .any(|end| n.ends_with(end)) =>
        {
            Some(Kind::Adr)
        }
        "runbooks" | "playbooks" => Some(Kind::Runbook),
        "incidents"
        | "postmortems"
        | "post-mortems"
        | "incident-reviews"
        | "incident-reports"
        | "post-incident-reviews" => Some(Kind::Incident),
        "roles" | "ladders" => Some(Kind::RoleMatrix),
        "standards" => Some(Kind::Standard),
        _ => None,
    }
}

/// What an ADR's body says of its status: the text of its `Status:` line
/// or the first line of its `Status` section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyStatus {
    /// The status as written (`Accepted ✅`, `Superseded by ADR-0012`).
    pub written: String,
    /// The status it names (`accepted`), when it names a known one.
    pub status: Option<&'static str>,
    /// The ADR number after "superseded by", if any.
    pub superseded_by: Option<u32>,
}

/// Finds the status in an ADR's body: a `Status: X` line (also as a list
/// item or in bold, as MADR writes `* Status: accepted`), or a heading
/// named Status followed by the status on its first non-empty line.
/// Fenced code is skipped.
pub fn adr_status_in(body: &str) -> Option<BodyStatus> {
    let mut after_heading = false;
    for trimmed in prose_lines(body) {
        if let Some(heading) = trimmed.strip_prefix('#') {
            let name = strip_marks(heading.trim_start_matches('#'));
            after_heading = is_status_name(strip_marks(name.trim_end_matches([':', '：'])));
            continue;
        }
        if after_heading {
            if trimmed.is_empty() {
                continue;
            }
            return Some(body_status(trimmed));
        }
        if let Some(value) = field_value(trimmed, "status") {
            return Some(body_status(value));
        }
    }
    None
}

/// The value of `key` on a line that states a field: `Key: value` (also
/// as a list item, quoted or in bold, as MADR writes `* Status: accepted`)
/// or a table row `| Key | value |`, as many ADR templates lay out their
/// metadata.
fn field_value<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let (name, value) = if line.starts_with('|') {
        let mut cells = line.trim_matches('|').split('|');
        (cells.next()?, cells.next()?)
    } else {
        let item = strip_marks(line.trim_start_matches(['*', '-', '+', '>', ' ']));
        item.split_once([':', '：'])?
    };
    let name = strip_marks(strip_marks(name).trim_end_matches(':'));
    let value = strip_marks(value);
    let named = if key == "status" {
        is_status_name(name)
    } else {
        name.eq_ignore_ascii_case(key)
    };
    (named && !value.is_empty()).then_some(value)
}

/// Is this the name of a status heading or field, in the languages ADR
/// logs are written in?
fn is_status_name(name: &str) -> bool {
    let name = name.to_lowercase();
    [
        "status",
        "statut",
        "estado",
        "estatus",
        "stato",
        "ステータス",
        "状態",
        "状态",
        "狀態",
        "상태",
    ]
    .contains(&name.as_str())
}

/// The decision date of an ADR without frontmatter: its `Date: YYYY-MM-DD`
/// line (also as a list item or in bold), outside fenced code.
pub fn adr_date_in(body: &str) -> Option<crate::date::Date> {
    let value = prose_lines(body).find_map(|line| field_value(line, "date"))?;
    crate::date::Date::parse(value.get(..10).unwrap_or(value))
}

/// The body's lines outside fenced code, trimmed.
fn prose_lines(body: &str) -> impl Iterator<Item = &str> {
    let mut in_fence = false;
    body.lines().map(str::trim).filter(move |line| {
        if line.starts_with("```") || line.starts_with("~~~") {
            in_fence = !in_fence;
            return false;
        }
        !in_fence
    })
}

/// Text without the markdown emphasis and the spaces around it.
fn strip_marks(s: &str) -> &str {
    s.trim().trim_matches(['*', '_', '`']).trim()
}

/// Reads a status line: the first word that is a status (emoji, case and
/// punctuation ignored), and a number after "superseded by".
fn body_status(text: &str) -> BodyStatus {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let status = words.iter().find_map(|w| status_word(w));
    let superseded_by = (status == Some("superseded"))
        .then(|| {
            let at = words.iter().position(|w| w == "by")?;
            words[at + 1..].iter().find_map(|w| {
                let digits: String = w.chars().filter(char::is_ascii_digit).collect();
                digits.parse().ok()
            })
        })
        .flatten();
    BodyStatus {
        written: strip_marks(text).to_owned(),
        status,
        superseded_by,
    }
}

/// The status a word names, with the synonyms ADR templates use, in
/// English, German, French, Spanish, Portuguese and Italian; in Chinese,
/// Japanese and Korean (written without spaces) by the word it contains.
fn status_word(w: &str) -> Option<&'static str> {
    Some(match w {
        "proposed" | "draft" | "proposal" | "review" | "vorgeschlagen" | "entwurf" | "proposé"
        | "proposée" | "brouillon" | "propuesto" | "propuesta" | "borrador" | "proposto"
        | "proposta" | "rascunho" | "bozza" => "proposed",
        "accepted" | "approved" | "adopted" | "decided" | "akzeptiert" | "angenommen"
        | "accepté" | "acceptée" | "aceptado" | "aceptada" | "aprobado" | "aprobada" | "aceito"
        | "aceita" | "aprovado" | "aprovada" | "accettato" | "approvato" => "accepted",
        "rejected" | "declined" | "abgelehnt" | "rejeté" | "rejetée" | "rechazado"
        | "rechazada" | "rejeitado" | "rejeitada" | "rifiutato" | "respinto" => "rejected",
        "deprecated" | "obsolete" | "retired" | "veraltet" | "obsolète" | "déprécié"
        | "obsoleto" | "obsoleta" | "deprecado" | "depreciado" | "deprecato" => "deprecated",
        "superseded" | "superceded" | "replaced" | "ersetzt" | "abgelöst" | "remplacé"
        | "remplacée" | "reemplazado" | "reemplazada" | "sustituido" | "substituído"
        | "substituída" | "sostituito" => "superseded",
        _ if w.chars().any(is_cjk) => return cjk_status(w),
        _ => return None,
    })
}

/// The status a run of Chinese, Japanese or Korean text names. "Not
/// adopted" is checked before "adopted", "replaced" before the rest.
fn cjk_status(w: &str) -> Option<&'static str> {
    const WORDS: [(&str, &str); 22] = [
        ("置き換え", "superseded"),
        ("置換", "superseded"),
        ("取代", "superseded"),
        ("대체", "superseded"),
        ("不採用", "rejected"),
        ("却下", "rejected"),
        ("拒绝", "rejected"),
        ("拒絕", "rejected"),
        ("거부", "rejected"),
        ("非推奨", "deprecated"),
        ("廃止", "deprecated"),
        ("弃用", "deprecated"),
        ("廢棄", "deprecated"),
        ("폐기", "deprecated"),
        ("提案", "proposed"),
        ("提议", "proposed"),
        ("草案", "proposed"),
        ("제안", "proposed"),
        ("承認", "accepted"),
        ("採用", "accepted"),
        ("接受", "accepted"),
        ("승인", "accepted"),
    ];
    WORDS
        .iter()
        .find(|(word, _)| w.contains(word))
        .map(|&(_, status)| status)
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x30ff | 0x3400..=0x9fff | 0xac00..=0xd7af | 0xf900..=0xfaff)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postmortems_are_told_from_runbooks_by_their_timeline() {
        let h = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
        // Google SRE and the "Summary / Timeline / Contributing factors /
        // Action items" shape.
        assert!(is_incident_review(&h(&[
            "Summary",
            "Timeline",
            "Action Items"
        ])));
        assert!(is_incident_review(&h(&["1. Impact", "2. Timeline (UTC):"])));
        assert!(is_incident_review(&h(&[
            "Timeline",
            "Contributing Factors (findings)"
        ])));
        // A runbook, even with a detection section, has no timeline.
        assert!(!is_incident_review(&h(&[
            "Detection",
            "Mitigation",
            "Root cause",
            "Prevention"
        ])));
        // A timeline alone is a project plan as often as an incident.
        assert!(!is_incident_review(&h(&["Timeline", "Milestones"])));
    }

    fn status(body: &str) -> Option<(Option<&'static str>, Option<u32>)> {
        adr_status_in(body).map(|s| (s.status, s.superseded_by))
    }

    #[test]
    fn statuses_in_the_shapes_adr_templates_write() {
        // Nygard / adr-tools: a section.
        assert_eq!(
            status(
                "# 1. Use Postgres\n\nDate: 2024-01-02\n\n## Status\n\nAccepted\n\n## Context\n"
            ),
            Some((Some("accepted"), None))
        );
        // MADR: a list item, in any case, with emoji.
        assert_eq!(
            status("# Title\n\n* Status: ✅ ACCEPTED\n* Deciders: a, b\n"),
            Some((Some("accepted"), None))
        );
        assert_eq!(
            status("**Status:** Proposed\n"),
            Some((Some("proposed"), None))
        );
        assert_eq!(
            status("## Status\n\nSuperseded by [ADR-0012](0012-x.md)\n"),
            Some((Some("superseded"), Some(12)))
        );
        assert_eq!(
            status("### status:\n\n🚧 draft\n"),
            Some((Some("proposed"), None))
        );
        // Other languages, as logs written in them say it.
        assert_eq!(
            status("## ステータス\n\n**提案中。**\n"),
            Some((Some("proposed"), None))
        );
        assert_eq!(
            status("## 状態\n\n承認済み\n"),
            Some((Some("accepted"), None))
        );
        assert_eq!(status("状态：已接受\n"), Some((Some("accepted"), None)));
        assert_eq!(
            status("## 상태\n\n승인됨\n"),
            Some((Some("accepted"), None))
        );
        assert_eq!(
            status("* Statut : Accepté\n"),
            Some((Some("accepted"), None))
        );
        assert_eq!(
            status("## Estado\n\nRechazado\n"),
            Some((Some("rejected"), None))
        );
        assert_eq!(
            status("## ステータス\n\n不採用\n"),
            Some((Some("rejected"), None))
        );
        // A status no template knows is still a status line.
        assert_eq!(status("Status: on hold\n"), Some((None, None)));
    }

    #[test]
    fn dates_in_the_body() {
        let d = adr_date_in("# 1. Use Postgres\n\nDate: 2024-01-02\n\n## Status\n").unwrap();
        assert_eq!(d.to_string(), "2024-01-02");
        assert!(adr_date_in("* Date: 2024-01-02T10:00\n").is_some());
        assert!(adr_date_in("```\nDate: 2024-01-02\n```\n").is_none());
    }

    #[test]
    fn metadata_tables_and_series_names() {
        let body =
            "# Title\n\n| | |\n| --- | --- |\n| Date | 2025-03-04 |\n| Status | Approved |\n";
        assert_eq!(status(body), Some((Some("accepted"), None)));
        assert_eq!(adr_date_in(body).unwrap().to_string(), "2025-03-04");
        for numbered in [
            "0007-x.md",
            "ADR-7.md",
            "odh-adr-operator-0007-auth-crd.md",
            "adr_003_x.md",
        ] {
            assert!(is_numbered_record(numbered), "{numbered}");
        }
        for plain in [
            "notes.md",
            "v2-migration.md",
            "release-2024-notes.md",
            "x-7.md",
        ] {
            assert!(!is_numbered_record(plain), "{plain}");
        }
        assert_eq!(
            kind_of_folder("architecture-decision-records"),
            Some(Kind::Adr)
        );
    }

    #[test]
    fn no_status_where_there_is_none() {
        assert_eq!(status("# Notes\n\nThe status quo is fine.\n"), None);
        assert_eq!(status("```yaml\nstatus: accepted\n```\n"), None);
        assert_eq!(status("## Status\n"), None);
    }
}
