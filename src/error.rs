//! Program errors: problems that stop a run (as opposed to content findings,
//! which are `Diagnostic`s and never stop anything). Every variant names the
//! file or template it is about.

use std::path::PathBuf;

/// A program error. Maps to exit code 2.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// `book.toml` (or another config file) is malformed.
    #[error("{}:{line}:{column}: invalid configuration: {message}", path.display())]
    Config {
        /// The config file.
        path: PathBuf,
        /// 1-based line (0 when unknown).
        line: u32,
        /// 1-based column (0 when unknown).
        column: u32,
        /// What is wrong and, where possible, how to fix it.
        message: String,
    },
    /// A template failed to parse or render.
    #[error("{}template `{name}`: {message}", file.as_ref().map(|f| format!("{f}: ")).unwrap_or_default())]
    Template {
        /// Template name (`page.html`).
        name: String,
        /// For a template of the book's own theme: its file, with the
        /// line and column when Tera gives them (`theme/templates/page.html:4:1`).
        file: Option<String>,
        /// The error chain, flattened.
        message: String,
    },
    /// The theme folder is unusable.
    #[error("theme {}: {reason}", path.display())]
    Theme {
        /// The theme folder or file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// A command-line value is invalid (bad date, unknown kind, ...).
    #[error("{0}")]
    Usage(String),
    /// `serve` could not listen or watch (busy port, bad `--bind`).
    #[error("cannot serve on {addr}: {reason}")]
    Serve {
        /// The address (`127.0.0.1:3000`) or folder concerned.
        addr: String,
        /// What went wrong and what to do (`port 3000 is in use; pass --port`).
        reason: String,
    },
}

/// Result alias for the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Wraps an I/O error with the path it concerns.
pub fn io_err(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Error {
    let path = path.into();
    move |source| Error::Io { path, source }
}
