//! The GitHub Action's install script (scripts/action/install.sh), run
//! with bash against a fake release folder, and the release names that
//! the script, the release workflow, cargo-binstall's metadata and the
//! Dockerfile must agree on. The workflows themselves need GitHub to run.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

const REPO: &str = env!("CARGO_MANIFEST_DIR");

fn read(rel: &str) -> String {
    std::fs::read_to_string(Path::new(REPO).join(rel)).unwrap()
}

/// A temp folder with a fake release `v9.9.9` for two targets, whose
/// "binaries" are scripts naming their target.
struct FakeRelease {
    dir: PathBuf,
}

impl FakeRelease {
    fn new(name: &str) -> FakeRelease {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join("action")
            .join(format!("{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let rel = dir.join("releases/v9.9.9");
        std::fs::create_dir_all(&rel).unwrap();
        let mut sums = String::new();
        for target in ["x86_64-unknown-linux-musl", "aarch64-unknown-linux-musl"] {
            let folder = format!("handbook-9.9.9-{target}");
            std::fs::create_dir_all(rel.join(&folder)).unwrap();
            std::fs::write(
                rel.join(&folder).join("handbook"),
                format!("#!/bin/sh\necho 'fake handbook for {target}'\n"),
            )
            .unwrap();
            let archive = format!("{folder}.tar.gz");
            let ok = Command::new("tar")
                .args(["-czf", &archive, &folder])
                .current_dir(&rel)
                .status()
                .unwrap();
            assert!(ok.success());
            std::fs::remove_dir_all(rel.join(&folder)).unwrap();
            let out = Command::new("sha256sum")
                .arg(&archive)
                .current_dir(&rel)
                .output()
                .unwrap();
            sums.push_str(&String::from_utf8(out.stdout).unwrap());
        }
        std::fs::write(rel.join("SHA256SUMS"), sums).unwrap();
        // A cargo that records how it was called and "builds" a binary.
        let cargo = dir.join("fake-cargo");
        std::fs::write(
            &cargo,
            "#!/bin/sh\necho \"$@\" > \"$(dirname \"$0\")/cargo-args\"\n\
             while [ \"$1\" != --root ]; do shift; done\n\
             mkdir -p \"$2/bin\" && printf '#!/bin/sh\\necho built from source\\n' > \"$2/bin/handbook\"\n",
        )
        .unwrap();
        FakeRelease { dir }
    }

    /// Runs the script with `env`; returns (exit code, stderr, installed binary text).
    fn install(&self, env: &[(&str, &str)]) -> (i32, String, Option<String>) {
        let dest = self.dir.join("bin");
        let _ = std::fs::remove_dir_all(&dest);
        let out = Command::new("bash")
            .arg(Path::new(REPO).join("scripts/action/install.sh"))
            .env("HANDBOOK_RELEASE_BASE", self.dir.join("releases"))
            .env("HANDBOOK_VERSION", "9.9.9")
            .env("HANDBOOK_INSTALL_DIR", &dest)
            .env("HANDBOOK_CARGO", self.dir.join("fake-cargo"))
            .env("GITHUB_PATH", self.dir.join("github-path"))
            .envs(env.iter().copied())
            .output()
            .unwrap();
        let installed = std::fs::read_to_string(dest.join("handbook")).ok();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stderr).into_owned(),
            installed,
        )
    }
}

fn chmod_x(p: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

#[test]
fn install_script_picks_the_archive_for_the_runner() {
    let r = FakeRelease::new("pick");
    chmod_x(&r.dir.join("fake-cargo"));
    for target in ["aarch64-unknown-linux-musl", "x86_64-unknown-linux-musl"] {
        let (code, err, bin) = r.install(&[("HANDBOOK_TARGET", target)]);
        assert_eq!(code, 0, "{err}");
        assert_eq!(
            bin.unwrap(),
            format!("#!/bin/sh\necho 'fake handbook for {target}'\n")
        );
        assert!(!r.dir.join("cargo-args").exists(), "no build from source");
    }
    // Without HANDBOOK_TARGET, the machine's own.
    if cfg!(target_os = "linux") && ["x86_64", "aarch64"].contains(&std::env::consts::ARCH) {
        let (code, err, bin) = r.install(&[]);
        assert_eq!(code, 0, "{err}");
        assert!(bin
            .unwrap()
            .contains(&format!("{}-unknown-linux-musl", std::env::consts::ARCH)));
    }
    // A file:// URL works as well as a folder; the folder joins $GITHUB_PATH.
    let url = format!("file://{}", r.dir.join("releases").display());
    let (code, err, bin) = r.install(&[
        ("HANDBOOK_RELEASE_BASE", &url),
        ("HANDBOOK_TARGET", "aarch64-unknown-linux-musl"),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(bin.unwrap().contains("aarch64"));
    let path = std::fs::read_to_string(r.dir.join("github-path")).unwrap();
    assert!(path.lines().all(|l| l.ends_with("/bin")), "{path}");
}

#[test]
fn install_script_refuses_an_archive_whose_checksum_does_not_match() {
    let r = FakeRelease::new("tamper");
    chmod_x(&r.dir.join("fake-cargo"));
    let sums = r.dir.join("releases/v9.9.9/SHA256SUMS");
    let text = std::fs::read_to_string(&sums).unwrap();
    let tampered: String = text
        .lines()
        .map(|l| {
            if l.contains("x86_64") {
                format!("{}{}\n", "0".repeat(64), &l[64..])
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    std::fs::write(&sums, tampered).unwrap();
    let (code, err, bin) = r.install(&[("HANDBOOK_TARGET", "x86_64-unknown-linux-musl")]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("checksum mismatch"), "{err}");
    assert_eq!(bin, None, "nothing installed");
    assert!(
        !r.dir.join("cargo-args").exists(),
        "no fallback after a mismatch"
    );
    // An archive SHA256SUMS does not list is refused too.
    std::fs::write(&sums, "").unwrap();
    let (code, err, bin) = r.install(&[("HANDBOOK_TARGET", "aarch64-unknown-linux-musl")]);
    assert_eq!((code, bin), (1, None), "{err}");
}

#[test]
fn install_script_falls_back_to_cargo_install_without_an_archive() {
    let r = FakeRelease::new("fallback");
    chmod_x(&r.dir.join("fake-cargo"));
    for env in [
        vec![("HANDBOOK_VERSION", "1.2.3")],
        vec![("HANDBOOK_TARGET", "riscv64gc-unknown-linux-gnu")],
    ] {
        let _ = std::fs::remove_file(r.dir.join("cargo-args"));
        let (code, err, bin) = r.install(&env);
        assert_eq!(code, 0, "{err}");
        assert!(err.contains("cargo install --locked"), "{err}");
        assert!(bin.unwrap().contains("built from source"));
        let args = std::fs::read_to_string(r.dir.join("cargo-args")).unwrap();
        assert!(
            args.starts_with(
                "install --locked --git https://github.com/handbook-rs/handbook --tag v"
            ),
            "{args}"
        );
    }
    let args = std::fs::read_to_string(r.dir.join("cargo-args")).unwrap();
    assert!(args.contains("--tag v9.9.9"), "{args}");
}

/// The target triples a file names (`x86_64-...`, `aarch64-...`).
fn targets_in(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .filter(|w| {
            (w.starts_with("x86_64-") || w.starts_with("aarch64-"))
                && (w.ends_with("-musl") || w.ends_with("-darwin") || w.ends_with("-msvc"))
        })
        .map(str::to_owned)
        .collect()
}

#[test]
fn release_names_agree_across_script_workflow_binstall_and_readme() {
    let script = read("scripts/action/install.sh");
    let release = read(".github/workflows/release.yml");
    let cargo = read("Cargo.toml");
    let readme = read("README.md");
    let want: BTreeSet<String> = [
        "x86_64-unknown-linux-musl",
        "aarch64-unknown-linux-musl",
        "x86_64-apple-darwin",
        "aarch64-apple-darwin",
        "x86_64-pc-windows-msvc",
    ]
    .map(String::from)
    .into();
    assert_eq!(targets_in(&script), want, "install.sh");
    assert_eq!(targets_in(&release), want, "release.yml");
    // handbook-VERSION-TARGET.tar.gz holding handbook-VERSION-TARGET/handbook, tag vVERSION.
    assert!(script.contains(r#"archive="handbook-$version-$target.tar.gz""#));
    assert!(script.contains(r#""$base/v$version/$1""#));
    assert!(script.contains(r#""$work/handbook-$version-$target/handbook$exe""#));
    assert!(release.contains(r#"name="handbook-$version-${{ matrix.target }}""#));
    assert!(release.contains(r#"tar -czf "$name.tar.gz" "$name""#));
    assert!(release.contains("sha256sum handbook-*.tar.gz > SHA256SUMS"));
    assert!(cargo.contains(
        r#"pkg-url = "{ repo }/releases/download/v{ version }/{ name }-{ version }-{ target }.tar.gz""#
    ));
    assert!(cargo.contains(r#"bin-dir = "{ name }-{ version }-{ target }/{ bin }{ binary-ext }""#));
    assert!(readme.contains("releases/download/v$V/handbook-$V-$T.tar.gz"));
    let action = read("action.yml");
    assert!(action.contains(r#"bash "$GITHUB_ACTION_PATH/scripts/action/install.sh""#));
    assert!(action.contains("default: check --format github"));
    assert!(action.contains("path: .git/handbook"));
    assert!(read(".github/workflows/ci.yml").contains("run: .ci/run"));
    let docker = read("Dockerfile");
    assert!(docker.contains(r#"ENTRYPOINT ["handbook"]"#));
    assert!(docker.contains("USER handbook") && docker.contains("WORKDIR /repo"));
}
