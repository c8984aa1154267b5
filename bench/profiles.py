#!/usr/bin/env python3
"""What the build profiles cost people: compile and test times, side by side.

    python3 bench/profiles.py [--only NAME ...] [--out results.json]

For each configuration, on a fresh `git clone` of this repository's HEAD
(its own target folder, nothing reused between configurations; the crate
downloads in ~/.cargo are shared, as on any machine that has run cargo):

  install   `cargo install --path . --locked [--profile P]`, in a target
            folder of its own
  quick     the README's quick start, `cargo run --release -- serve`, timed
            until http://127.0.0.1:PORT/ answers 200
  test      the test command run right after the quick start, in the same
            clone, so it reuses what the quick start built where it can

Configurations:
  before    the old settings (release = fat LTO, one codegen unit, set
            through CARGO_PROFILE_RELEASE_* variables) and `cargo test`
  release   Cargo.toml's release profile and `cargo test --release`
  dist      `cargo install --profile dist` only (the release archives)

The runtime side (the 10k build under each profile) is bench/ab.py's job:
this script prints the binaries it installed for it. Standard library only.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OLD_RELEASE = {"CARGO_PROFILE_RELEASE_LTO": "fat", "CARGO_PROFILE_RELEASE_CODEGEN_UNITS": "1"}
CONFIGS = {
    "before": {"env": OLD_RELEASE, "profile": None, "test": ["cargo", "test", "--locked"]},
    "release": {"env": {}, "profile": None, "test": ["cargo", "test", "--release", "--locked"]},
    "dist": {"env": {}, "profile": "dist", "test": None},
}


def timed(cmd, cwd, env):
    start = time.monotonic()
    done = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    took = time.monotonic() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed after {took:.0f} s:\n{done.stderr[-3000:]}")
    return took


def quick_start(cwd, env, port):
    """Seconds from `cargo run --release -- serve` to the first page."""
    start = time.monotonic()
    proc = subprocess.Popen(
        ["cargo", "run", "--release", "--locked", "--", "serve", "--port", str(port)],
        cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        while True:
            if proc.poll() is not None:
                sys.exit(f"serve exited {proc.returncode} before answering")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as r:
                    if r.status == 200:
                        return time.monotonic() - start
            except OSError:
                pass
            time.sleep(0.2)
    finally:
        proc.terminate()
        proc.wait()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", nargs="*", choices=list(CONFIGS), default=list(CONFIGS))
    ap.add_argument("--work", default=None, help="folder for the clones (default: a temp folder, kept)")
    ap.add_argument("--out", default=None, help="also write the results as JSON here")
    args = ap.parse_args()
    work = args.work or tempfile.mkdtemp(prefix="handbook-profiles-")
    results = {}
    for n, name in enumerate(args.only):
        cfg = CONFIGS[name]
        clone = os.path.join(work, name)
        shutil.rmtree(clone, ignore_errors=True)
        subprocess.run(["git", "clone", "-q", REPO, clone], check=True)
        env = dict(os.environ, **cfg["env"], CARGO_TARGET_DIR=os.path.join(clone, "target"))
        env.pop("RUSTFLAGS", None)
        row = {}
        # A path install builds in the clone's target folder unless told
        # otherwise: give it its own, so the quick start starts from nothing
        # as it does for someone who only runs the quick start.
        install_target = os.path.join(work, name + "-install-target")
        shutil.rmtree(install_target, ignore_errors=True)
        install = ["cargo", "install", "--path", ".", "--locked", "--root", os.path.join(work, name + "-bin"),
                   "--target-dir", install_target]
        if cfg["profile"]:
            install += ["--profile", cfg["profile"]]
        row["install_s"] = timed(install, clone, env)
        print(f"{name}: install {row['install_s']:.0f} s", flush=True)
        if cfg["test"]:
            row["quick_start_s"] = quick_start(clone, env, 3900 + n)
            print(f"{name}: quick start to first page {row['quick_start_s']:.0f} s", flush=True)
            row["test_s"] = timed(cfg["test"], clone, env)
            print(f"{name}: test command after it {row['test_s']:.0f} s", flush=True)
        row["binary"] = os.path.join(work, name + "-bin", "bin", "handbook")
        results[name] = row
    print(json.dumps(results, indent=2))
    if args.out:
        with open(args.out, "w") as f:
            json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()
