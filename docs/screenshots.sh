#!/bin/sh
# Regenerates the screenshots in docs/ from the bundled example handbook:
# a runbook page at 390x844 (a phone) and 1280x900 (a laptop), light and
# dark. The layout facts they show are checked by tests/cli/layout.rs.
# Needs Chromium (CHROMIUM, else `chromium` on PATH).
set -eu
cd "$(dirname "$0")/.."
chromium=${CHROMIUM:-$(command -v chromium || command -v chromium-browser)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A copy outside the repository: the pictures show the pages, not this
# repository's git history of them.
cp -r example-handbook "$work/hb"
cargo run --release --locked --quiet -- build --quiet --today 2026-11-20 --dest "$work/book" "$work/hb" >/dev/null 2>&1
page="$work/book/runbooks/psp-outage.html"
# The dark copy sets the theme the toggle would set.
sed 's/<html /<html data-theme="dark" /' "$page" > "$work/book/runbooks/psp-outage-dark.html"
shot() { # size, theme, source
  "$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --force-device-scale-factor=1 --window-size="$1" \
    --screenshot="docs/screenshot-$(echo "$1" | cut -d, -f1)-$2.png" "file://$3" 2>/dev/null
}
for size in 390,844 1280,900; do
  shot "$size" light "$page"
  shot "$size" dark "$work/book/runbooks/psp-outage-dark.html"
done
ls -l docs/screenshot*.png
