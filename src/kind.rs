//! The six page kinds and how a kind is inferred from a page's folder.

use serde::Serialize;
use std::fmt;

/// A page kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// Architecture decision record.
    Adr,
    /// Operational runbook.
    Runbook,
    /// Incident review (postmortem).
    Incident,
    /// Role matrix / career ladder.
    RoleMatrix,
    /// Engineering standard (PRs, reviews, ...).
    Standard,
    /// Everything else.
    Guide,
}

impl Kind {
    /// All kinds, in display order.
    pub const ALL: [Kind; 6] = [
        Kind::Adr,
        Kind::Runbook,
        Kind::Incident,
        Kind::RoleMatrix,
        Kind::Standard,
        Kind::Guide,
    ];

    /// Every kind's id, in display order.
    pub fn ids() -> [&'static str; 6] {
        Kind::ALL.map(Kind::as_str)
    }

    /// The id as written in frontmatter (`role-matrix`).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Adr => "adr",
            Kind::Runbook => "runbook",
            Kind::Incident => "incident",
            Kind::RoleMatrix => "role-matrix",
            Kind::Standard => "standard",
            Kind::Guide => "guide",
        }
    }

    /// Parses a kind id; accepts a few obvious spellings (`ADR`, `role_matrix`, `runbooks`).
    pub fn parse(s: &str) -> Option<Kind> {
        let s = s.trim().to_ascii_lowercase().replace(['_', ' '], "-");
        match s.as_str() {
            "adr" | "adrs" | "decision" => Some(Kind::Adr),
            "runbook" | "runbooks" => Some(Kind::Runbook),
            "incident" | "incidents" | "postmortem" | "postmortems" | "post-mortem"
            | "post-mortems" | "incident-review" | "incident-reviews" => Some(Kind::Incident),
            "role-matrix" | "role-matrices" | "roles" | "ladder" => Some(Kind::RoleMatrix),
            "standard" | "standards" => Some(Kind::Standard),
            "guide" | "guides" => Some(Kind::Guide),
            _ => None,
        }
    }

    /// Singular label (`Runbook`).
    pub fn label(self) -> &'static str {
        match self {
            Kind::Adr => "ADR",
            Kind::Runbook => "Runbook",
            Kind::Incident => "Incident",
            Kind::RoleMatrix => "Role matrix",
            Kind::Standard => "Standard",
            Kind::Guide => "Guide",
        }
    }

    /// Plural label (`Runbooks`).
    pub fn plural(self) -> &'static str {
        match self {
            Kind::Adr => "Architecture decisions",
            Kind::Runbook => "Runbooks",
            Kind::Incident => "Incidents",
            Kind::RoleMatrix => "Role matrices",
            Kind::Standard => "Standards",
            Kind::Guide => "Guides",
        }
    }

    /// The kind implied by the first folder under the content dir.
    pub fn from_folder(folder: &str) -> Kind {
        match folder.to_ascii_lowercase().as_str() {
            "adr" | "adrs" | "decisions" => Kind::Adr,
            "runbooks" => Kind::Runbook,
            "incidents"
            | "postmortems"
            | "post-mortems"
            | "incident-reviews"
            | "incident-reports"
            | "post-incident-reviews" => Kind::Incident,
            "roles" | "ladders" => Kind::RoleMatrix,
            "standards" => Kind::Standard,
            _ => Kind::Guide,
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
