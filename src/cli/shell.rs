//! `handbook completions SHELL` and `handbook man`: generated from the same
//! clap definition the binary parses, so they cannot drift from the flags.

use super::Cli;
use crate::error::{io_err, Result};
use clap::CommandFactory;
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `handbook completions`.
#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to write completions for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Arguments of `handbook man`.
#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// Write `handbook.1` and one page per command (`handbook-check.1`, ...)
    /// into this folder instead of printing `handbook.1` to stdout.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// Prints the completion script for `args.shell` to stdout.
pub(super) fn run_completions(args: CompletionsArgs) -> Result<()> {
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "handbook", &mut out);
    write_stdout(&out)
}

/// Prints the man page, or writes all of them into `--dir`.
pub(super) fn run_man(args: ManArgs) -> Result<()> {
    let cmd = Cli::command();
    match args.dir {
        Some(dir) => {
            std::fs::create_dir_all(&dir).map_err(io_err(&dir))?;
            clap_mangen::generate_to(cmd, &dir).map_err(io_err(&dir))
        }
        None => {
            let mut out = Vec::new();
            clap_mangen::Man::new(cmd)
                .render(&mut out)
                .map_err(io_err("<stdout>"))?;
            write_stdout(&out)
        }
    }
}

/// Writes to stdout; a closed pipe (`handbook man | head`) is not an error.
fn write_stdout(bytes: &[u8]) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(io_err("<stdout>")(e)),
        _ => Ok(()),
    }
}
