//! The `handbook` binary: parses arguments, runs one command, maps the
//! outcome to an exit code (0 clean, 1 content errors, 2 usage/config/I-O).

use clap::Parser;
use handbook::cli::{run, Cli, Outcome};
use std::process::ExitCode;

/// mimalloc instead of the system allocator: parsing, highlighting and
/// rendering make millions of small allocations from both cores, and glibc's
/// malloc spent about a tenth of a 10k-page build in malloc/free. Built
/// with `no_thp`: asking for transparent huge pages made the kernel zero
/// 2 MiB at every first touch, and a 10k-page build spent about 1.5 s of
/// CPU (a tenth) in `clear_page`; without them system time halves.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::ContentErrors) => ExitCode::from(1),
        Err(e) => {
            handbook::report::print_error(&e);
            ExitCode::from(2)
        }
    }
}
