//! `handbook serve`: flags → `serve::serve`.

use super::{root, today, Outcome};
use crate::error::Result;
use crate::serve::{serve, ServeOptions};
use clap::Args;
use std::path::PathBuf;

/// Flags of `handbook serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Handbook root (the folder holding book.toml); default: current folder.
    pub dir: Option<PathBuf>,
    /// Address to listen on; `0.0.0.0` exposes the preview to your network.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub bind: String,
    /// Also answer requests for this host name (repeatable; `.lan` allows
    /// every name under `lan`). Localhost and IP addresses always work;
    /// other names are refused against DNS rebinding.
    #[arg(long = "allow-host", value_name = "NAME")]
    pub allow_host: Vec<String>,
    /// Port to listen on; 0 picks a free one.
    #[arg(long, short, default_value_t = 3000)]
    pub port: u16,
    /// Open the site in your browser once it is served.
    #[arg(long)]
    pub open: bool,
    /// Date to measure staleness against (default: SOURCE_DATE_EPOCH or today, UTC).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<String>,
    /// Poll for changes instead of using the OS's file notifications
    /// (network drives, containers, WSL).
    #[arg(long)]
    pub poll: bool,
}

pub(super) fn run(a: ServeArgs) -> Result<Outcome> {
    // Validate the flag now; without it each rebuild reads the clock.
    let fixed = match &a.today {
        Some(_) => Some(today(a.today.as_deref())?),
        None => {
            today(None)?;
            None
        }
    };
    serve(
        &root(a.dir),
        &ServeOptions {
            bind: a.bind,
            port: a.port,
            open: a.open,
            today: fixed,
            poll: a.poll,
            allow_hosts: a.allow_host,
        },
    )?;
    Ok(Outcome::Clean)
}
