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
use std::path::PathBuf;

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
fn root(dir: Option<PathBuf>) -> PathBuf {
    dir.unwrap_or_else(|| PathBuf::from("."))
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
