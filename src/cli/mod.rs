//! Command-line interface: clap definitions and the mapping from flags to
//! one library call per command. No logic beyond that lives here.

mod build;
mod check;
mod init;
#[cfg(feature = "serve")]
mod serve;
mod shell;

use crate::date::Date;
use crate::error::{Error, Result};
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};

/// Static-site generator for engineering handbooks: owned, reviewed, visible.
#[derive(Debug, Parser)]
#[command(
    name = "handbook",
    version = env!("HANDBOOK_LONG_VERSION"),
    about,
    propagate_version = true
)]
pub struct Cli {
    /// Colour in the human output: `auto` (on a terminal, unless NO_COLOR
    /// is set; FORCE_COLOR or CLICOLOR_FORCE force it), `always`, `never`.
    #[arg(long, global = true, value_enum, default_value = "auto")]
    pub color: crate::report::ColorChoice,
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the static site (findings are shown on the pages).
    Build(build::BuildArgs),
    /// Check every page against the rules; exit 1 on errors.
    Check(check::CheckArgs),
    /// Preview the site: build into memory, serve it on 127.0.0.1:3000,
    /// rebuild on every save and reload open pages.
    #[cfg(feature = "serve")]
    Serve(serve::ServeArgs),
    /// Scaffold a new handbook: book.toml, owners.yaml, one page per kind.
    Init(init::InitArgs),
    /// Create a page from a kind's template and print its path.
    New(init::NewArgs),
    /// Print shell completions: `handbook completions bash > /etc/bash_completion.d/handbook`
    /// (also zsh, fish, powershell, elvish).
    Completions(shell::CompletionsArgs),
    /// Print the man page (`handbook man | man -l -`), or write one per
    /// command with `--dir`.
    Man(shell::ManArgs),
}

/// How a command ended, for the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0.
    Clean,
    /// Exit 1: content errors (or warnings under `--deny warnings`).
    ContentErrors,
}

/// Runs the parsed command.
pub fn run(cli: Cli) -> Result<Outcome> {
    let colour = cli.color.wanted(
        |k| std::env::var_os(k).map(|v| v.to_string_lossy().into_owned()),
        std::io::IsTerminal::is_terminal(&std::io::stderr()),
    );
    match cli.command {
        Command::Build(a) => build::run(a, colour),
        Command::Check(a) => check::run(a, colour),
        #[cfg(feature = "serve")]
        Command::Serve(a) => serve::run(a),
        Command::Init(a) => init::run_init(a),
        Command::New(a) => init::run_new(a),
        Command::Completions(a) => shell::run_completions(a).map(|()| Outcome::Clean),
        Command::Man(a) => shell::run_man(a).map(|()| Outcome::Clean),
    }
}

/// `--today` or `SOURCE_DATE_EPOCH` or the clock.
fn today(flag: Option<&str>) -> Result<Date> {
    match flag {
        Some(s) => Date::parse(s).ok_or_else(|| {
            Error::Usage(format!(
                "--today {s}: not a date; use YYYY-MM-DD, e.g. --today 2026-11-23"
            ))
        }),
        None => Date::today_from_env().map_err(Error::Usage),
    }
}

/// The handbook root from an optional DIR argument.
/// The handbook root: `DIR` when given; else, like git and cargo, the
/// nearest folder at or above the current one holding a `book.toml` (said
/// on stderr when it is not the current folder), else the current folder.
fn root(dir: Option<PathBuf>) -> PathBuf {
    if let Some(d) = dir {
        return d;
    }
    let here = PathBuf::from(".");
    let Ok(cwd) = std::env::current_dir() else {
        return here;
    };
    match find_book_toml(&cwd) {
        Some(found) if found != cwd => {
            let shown = pathdiff(&found, &cwd);
            eprintln!(
                "handbook: using the handbook at {} (its book.toml)",
                shown.display()
            );
            shown
        }
        _ => here,
    }
}

/// The nearest folder at or above `cwd` with a `book.toml`. The walk stops
/// at the top of the git work tree (a folder holding `.git`) and at the
/// folders in `GIT_CEILING_DIRECTORIES`, as git's own does: a `book.toml`
/// of an enclosing, unrelated project is never picked up.
fn find_book_toml(cwd: &Path) -> Option<PathBuf> {
    let ceilings: Vec<PathBuf> = std::env::var_os("GIT_CEILING_DIRECTORIES")
        .map(|v| std::env::split_paths(&v).collect())
        .unwrap_or_default();
    for dir in cwd.ancestors() {
        if ceilings.iter().any(|c| c == dir) {
            return None;
        }
        if dir.join("book.toml").is_file() {
            return Some(dir.to_path_buf());
        }
        if dir.join(".git").exists() {
            return None;
        }
    }
    None
}

/// `to` relative to `from` when `to` is one of `from`'s ancestors
/// (`../..`), else `to` as it is.
fn pathdiff(to: &Path, from: &Path) -> PathBuf {
    match from.strip_prefix(to) {
        Ok(rest) => {
            let up = rest.components().count();
            if up == 0 {
                PathBuf::from(".")
            } else {
                std::iter::repeat_n("..", up).collect()
            }
        }
        Err(_) => to.to_path_buf(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_valid() {
        Cli::command().debug_assert();
    }
}
