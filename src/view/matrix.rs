//! A role-matrix grid as the page template draws it (see
//! [`crate::matrix`]).

use serde::Serialize;

/// A role-matrix grid as the page template draws it: competencies as
/// rows, levels as columns, and each level beside the next.
#[derive(Debug, Clone, Serialize, Default)]
pub struct MatrixView {
    /// Heading id (`role-matrix`).
    pub anchor: String,
    /// Heading text.
    pub heading: String,
    /// The data file, root-relative URL of its published copy (none when
    /// the grid is in the page's frontmatter).
    pub data_url: Option<String>,
    /// The data file's path as written in findings.
    pub source: String,
    /// Level names, in order.
    pub levels: Vec<String>,
    /// One row per competency.
    pub rows: Vec<MatrixRowView>,
    /// Level N beside level N+1, for each N but the last.
    pub steps: Vec<MatrixStepView>,
}

/// One competency of a grid.
#[derive(Debug, Clone, Serialize, Default)]
pub struct MatrixRowView {
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Expectations per level, in level order (empty: nothing written).
    pub cells: Vec<Vec<String>>,
}

/// Level `from` beside level `to`.
#[derive(Debug, Clone, Serialize, Default)]
pub struct MatrixStepView {
    /// The lower level.
    pub from: String,
    /// The next level.
    pub to: String,
    /// Fragment id (`role-matrix-step-1`).
    pub anchor: String,
    /// Per competency: its expectations at `from` and at `to`.
    pub rows: Vec<MatrixPairView>,
}

/// One competency at two neighbouring levels.
#[derive(Debug, Clone, Serialize, Default)]
pub struct MatrixPairView {
    /// Competency name.
    pub name: String,
    /// Expectations at the lower level.
    pub from: Vec<String>,
    /// Expectations at the next level.
    pub to: Vec<String>,
}

impl MatrixView {
    /// The view of `m`.
    pub fn of(m: &crate::matrix::RoleMatrix) -> MatrixView {
        // Numbered levels (`levels: 6`, `level: 1`) read as "Level 1".
        let levels: Vec<String> = m
            .levels
            .iter()
            .map(|l| {
                if !l.is_empty() && l.chars().all(|c| c.is_ascii_digit()) {
                    format!("Level {l}")
                } else {
                    l.clone()
                }
            })
            .collect();
        let steps = levels
            .windows(2)
            .enumerate()
            .map(|(i, pair)| MatrixStepView {
                from: pair[0].clone(),
                to: pair[1].clone(),
                anchor: format!("{}-step-{}", crate::matrix::MATRIX_ANCHOR, i + 1),
                rows: m
                    .competencies
                    .iter()
                    .map(|c| MatrixPairView {
                        name: c.name.clone(),
                        from: c.cells[i].clone(),
                        to: c.cells[i + 1].clone(),
                    })
                    .collect(),
            })
            .collect();
        MatrixView {
            anchor: crate::matrix::MATRIX_ANCHOR.to_owned(),
            heading: crate::matrix::MATRIX_HEADING.to_owned(),
            data_url: m.file.clone(),
            source: m.source.clone(),
            levels,
            rows: m
                .competencies
                .iter()
                .map(|c| MatrixRowView {
                    name: c.name.clone(),
                    description: c.description.clone(),
                    cells: c.cells.clone(),
                })
                .collect(),
            steps,
        }
    }
}
