//! `handbook`: a static-site generator for engineering handbooks.
//!
//! The build is a pipeline of stages over plain data (see [`pipeline`]):
//! [`config`] → [`discover`] → parse ([`frontmatter`], [`page`]) →
//! [`rules`] → [`view`] → render ([`markdown`], [`render`]) → [`search`] →
//! [`output`].
//! `build`, `check` and `serve` share the same stages and the same rules
//! engine; `serve` keeps the site in memory and rebuilds only what changed.

pub mod adopt;
pub mod baseline;
mod cache_file;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod date;
pub mod diag;
pub mod discover;
pub mod domains;
pub mod enforcement;
pub mod error;
pub mod frontmatter;
pub mod fuzzing;
pub mod git;
pub mod handbook;
pub mod history;
pub mod incident;
pub mod kind;
pub mod markdown;
pub mod matrix;
pub mod migration;
pub mod natural;
pub mod nav;
pub mod output;
pub mod owners;
pub mod page;
pub mod pipeline;
pub mod progress;
pub mod recognise;
pub mod reliability;
pub mod render;
pub mod repo_path;
pub mod report;
pub mod rules;
pub mod scaffold;
pub mod search;
#[cfg(feature = "serve")]
pub mod serve;
pub mod suggest;
pub mod summary;
pub mod url;
pub mod view;

pub use config::Config;
pub use diag::{Diagnostic, Severity};
pub use error::{Error, Result};
pub use pipeline::{build, check, BuildOptions, CheckOptions};

/// `HANDBOOK_TIMINGS=1`: print what each stage cost, on stderr (for
/// measurements; see `BENCHMARKS.md`).
pub(crate) fn timings_wanted() -> bool {
    std::env::var_os("HANDBOOK_TIMINGS").is_some_and(|v| v == "1")
}
