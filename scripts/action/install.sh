#!/usr/bin/env bash
# Installs the `handbook` binary for this machine: the release archive
# `handbook-VERSION-TARGET.tar.gz`, checked against the release's
# SHA256SUMS, else `cargo install --locked` from the tag. Used by
# action.yml; the README's manual install does the same by hand.
#
# Environment:
#   HANDBOOK_VERSION       version without `v` (default: Cargo.toml next to this script)
#   HANDBOOK_RELEASE_BASE  where releases are: a URL (https://, file://) or a folder,
#                          holding vVERSION/handbook-VERSION-TARGET.tar.gz and vVERSION/SHA256SUMS
#   HANDBOOK_TARGET        Rust target triple (default: from uname)
#   HANDBOOK_INSTALL_DIR   where `handbook` goes (default: $RUNNER_TEMP or $HOME, handbook-bin)
#   HANDBOOK_CARGO         the cargo to fall back to (default: cargo)
#
# Prints the folder holding the binary on its last line, and adds it to
# $GITHUB_PATH when that is set. A checksum mismatch stops with exit 1:
# a tampered archive is never installed, and never silently replaced by
# a build from source.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_url="https://github.com/handbook-rs/handbook"
base="${HANDBOOK_RELEASE_BASE:-$repo_url/releases/download}"
version="${HANDBOOK_VERSION:-}"
if [ -z "$version" ]; then
  version="$(sed -n 's/^version = "\(.*\)"$/\1/p' "$here/../../Cargo.toml" | head -n 1)"
fi
version="${version#v}"

# The archive names: keep in step with .github/workflows/release.yml and
# [package.metadata.binstall] in Cargo.toml (tests/cli/action.rs checks).
target_for() {
  case "$1/$2" in
    Linux/x86_64 | Linux/amd64) echo x86_64-unknown-linux-musl ;;
    Linux/aarch64 | Linux/arm64) echo aarch64-unknown-linux-musl ;;
    Darwin/x86_64) echo x86_64-apple-darwin ;;
    Darwin/arm64 | Darwin/aarch64) echo aarch64-apple-darwin ;;
    MINGW*/x86_64 | MSYS*/x86_64 | CYGWIN*/x86_64 | Windows*/x86_64) echo x86_64-pc-windows-msvc ;;
    *) echo "" ;;
  esac
}
target="${HANDBOOK_TARGET:-$(target_for "$(uname -s)" "$(uname -m)")}"
exe=""
case "$target" in *windows*) exe=".exe" ;; esac

dest="${HANDBOOK_INSTALL_DIR:-${RUNNER_TEMP:-$HOME}/handbook-bin}"
mkdir -p "$dest"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Copies $1 (relative to the release) to $2; fails quietly when absent.
fetch() {
  case "$base" in
    http://* | https://* | file://*) curl -fsSL --retry 3 -o "$2" "$base/v$version/$1" 2>/dev/null ;;
    *) cp "$base/v$version/$1" "$2" 2>/dev/null ;;
  esac
}

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d ' ' -f 1
  else
    shasum -a 256 "$1" | cut -d ' ' -f 1
  fi
}

finish() {
  echo "handbook $version installed in $dest" >&2
  if [ -n "${GITHUB_PATH:-}" ]; then echo "$dest" >> "$GITHUB_PATH"; fi
  echo "$dest"
}

archive="handbook-$version-$target.tar.gz"
if [ -n "$target" ] && fetch "$archive" "$work/$archive" && fetch SHA256SUMS "$work/SHA256SUMS"; then
  want="$(awk -v f="$archive" '$2 == f || $2 == "*" f { print $1 }' "$work/SHA256SUMS" | head -n 1)"
  got="$(sha256_of "$work/$archive")"
  if [ -z "$want" ] || [ "$want" != "$got" ]; then
    echo "error: checksum mismatch for $archive (SHA256SUMS says '${want:-nothing}', the download is $got); not installing it" >&2
    exit 1
  fi
  tar -xzf "$work/$archive" -C "$work"
  cp "$work/handbook-$version-$target/handbook$exe" "$dest/handbook$exe"
  chmod +x "$dest/handbook$exe"
  finish
  exit 0
fi

echo "no release archive for ${target:-this machine} at $base/v$version; building with cargo install --locked" >&2
"${HANDBOOK_CARGO:-cargo}" install --locked --git "$repo_url" --tag "v$version" --root "$work/cargo" handbook >&2
cp "$work/cargo/bin/handbook$exe" "$dest/handbook$exe"
finish
