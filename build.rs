//! Build script: `handbook --version` names the commit it was built from
//! when built inside a git work tree (`0.1.0 (3f2a9c1d0e4b)`), and just the
//! version otherwise (a crates.io or container build without `.git`).

use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .args(["-c", "core.fsmonitor=false"])
        .args(args)
        .env("GIT_OPTIONAL_LOCKS", "0")
        .output()
        .ok()?;
    let text = String::from_utf8(out.stdout).ok()?.trim().to_owned();
    (out.status.success() && !text.is_empty()).then_some(text)
}

fn main() {
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let long = match git(&["rev-parse", "--short=12", "HEAD"]) {
        Some(commit) => {
            // Rebuild when HEAD moves: HEAD itself, the branch it names,
            // and packed refs.
            let mut watch = vec!["HEAD".to_owned(), "packed-refs".to_owned()];
            if let Some(head_ref) = git(&["symbolic-ref", "-q", "HEAD"]) {
                watch.push(head_ref);
            }
            for w in watch {
                // A path that does not exist would rerun this every build.
                let path = git(&["rev-parse", "--git-path", &w]);
                if let Some(path) = path.filter(|p| std::path::Path::new(p).exists()) {
                    println!("cargo:rerun-if-changed={path}");
                }
            }
            format!("{version} ({commit})")
        }
        None => version,
    };
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rustc-env=HANDBOOK_LONG_VERSION={long}");
}
