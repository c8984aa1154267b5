#!/usr/bin/env python3
"""Try `handbook` on existing handbooks as a new team would, and measure.

For each repository given: copy it to a scratch folder (the original is
never touched), run `handbook init` there, then `handbook build` (timed)
and `handbook check --format json`, and measure the built site:

- pages built, and pages in the search index (the manifest's count);
- kinds recognised, ADRs with a status;
- findings by rule;
- internal links of the built pages that resolve on `python3 -m
  http.server` (every distinct target is requested once, over HTTP);
- pages showing raw template text (`{{<`, `{{%`, `<%`, `[[_TOC_]]`,
  `{:`) outside code;
- with `--cjk WORD`: pages whose text holds the word, and pages the
  search page finds for it in headless Chromium.

Usage:
  bench/adoption.py --bin target/release/handbook /path/to/repo [...]
  bench/adoption.py --bin ... --cjk データベース /path/to/japanese-repo

Prints one Markdown table row per repository (the table of
docs/adoption.md) and a JSON line with everything measured.
"""

import argparse
import collections
import html
import http.server
import json
import os
import re
import shutil
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

RAW = ["{{<", "{{%", "<%", "[[_TOC_]]", "{:"]
CODE = re.compile(r"<(pre|code|script|style|template)\b.*?</\1>", re.S | re.I)
TAG = re.compile(r"<[^>]+>")
HREF = re.compile(r"""<(?:a|link)\b[^>]*?\shref="([^"]*)"|<(?:img|script)\b[^>]*?\ssrc="([^"]*)\"""", re.I)


def run(cmd, cwd, timeout=3600):
    t = time.monotonic()
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    return p, time.monotonic() - t


def site_dir(work):
    """The output folder `build` wrote (book.toml's build-dir, else book/)."""
    for name in ["book", "site", "public", "_site"]:
        if os.path.isfile(os.path.join(work, name, "handbook.json")):
            return os.path.join(work, name)
    for root, _dirs, files in os.walk(work):
        if "handbook.json" in files and "health.html" in files:
            return root
    return None


def visible_text(page_html):
    body = page_html.split("<main", 1)[-1]
    return html.unescape(TAG.sub(" ", CODE.sub(" ", body)))


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def links_resolved(site, pages):
    """(resolved, total) over every internal href/src of every page,
    each distinct target requested once from python's http.server."""
    handler = lambda *a, **k: Quiet(*a, directory=site, **k)  # noqa: E731
    socketserver.ThreadingTCPServer.allow_reuse_address = True
    srv = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    srv.daemon_threads = True
    port = srv.server_address[1]
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    uses = collections.Counter()
    for rel, text in pages.items():
        base = "/" + rel.replace(os.sep, "/")
        for a, b in HREF.findall(text):
            dest = html.unescape(a or b).strip()
            if not dest or dest.startswith(("#", "mailto:", "javascript:", "data:", "tel:")):
                continue
            parts = urllib.parse.urlsplit(dest)
            if parts.scheme or parts.netloc:
                continue
            target = urllib.parse.urljoin(base, parts.path)
            uses[target] += 1

    def status(target):
        try:
            req = urllib.request.Request(f"http://127.0.0.1:{port}{target}", method="HEAD")
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status
        except urllib.error.HTTPError as e:
            return e.code
        except Exception:
            return 0

    with ThreadPoolExecutor(8) as ex:
        codes = dict(zip(uses, ex.map(status, list(uses))))
    srv.shutdown()
    ok = sum(n for t, n in uses.items() if codes[t] == 200)
    broken = collections.Counter({t: n for t, n in uses.items() if codes[t] != 200})
    return ok, sum(uses.values()), broken.most_common(8)


def chromium_count(site, word):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        return None
    url = f"file://{site}/search.html?q={urllib.parse.quote(word)}"
    with tempfile.TemporaryDirectory() as profile:
        p = subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu",
             "--allow-file-access-from-files", f"--user-data-dir={profile}",
             "--virtual-time-budget=30000", "--dump-dom", url],
            capture_output=True, text=True, timeout=300)
    m = re.search(r'id="search-results"[^>]*data-count="(\d+)"', p.stdout) or re.search(
        r'data-count="(\d+)"[^>]*id="search-results"', p.stdout)
    return int(m.group(1)) if m else None


def measure(binary, repo, cjk, today):
    name = os.path.basename(os.path.normpath(repo))
    scratch = tempfile.mkdtemp(prefix=f"adopt-{name}-")
    work = os.path.join(scratch, name)
    if os.path.isdir(os.path.join(repo, ".git")):
        subprocess.run(["git", "clone", "-q", repo, work], check=True)
    else:
        shutil.copytree(repo, work, symlinks=True)
    init, _ = run([binary, "init"], work)
    build, seconds = run([binary, "build", "--today", today], work)
    check, _ = run([binary, "check", "--format", "json", "--today", today], work)
    site = site_dir(work)
    row = {"repo": name, "init_rc": init.returncode, "build_rc": build.returncode,
           "seconds": round(seconds, 2)}
    if site is None:
        row["error"] = (build.stderr or init.stderr)[-2000:]
        return row
    catalog = json.load(open(os.path.join(site, "handbook.json")))["pages"]
    # Two sources that build to one URL (README.md beside index.md) are
    # one built page.
    row["pages"] = len({p["url"] for p in catalog})
    kinds = collections.Counter(p["kind"] for p in catalog)
    row["kinds"] = dict(kinds.most_common())
    row["adrs_with_status"] = sum(1 for p in catalog if p["kind"] == "adr" and p.get("status"))
    manifest = open(os.path.join(site, "search", "manifest.js")).read()
    row["searchable"] = json.loads(manifest[manifest.index("(") + 1: manifest.rindex(")")])["pages"]
    try:
        findings = json.loads(check.stdout)["findings"]
    except (ValueError, KeyError):
        findings = []
    row["findings"] = dict(collections.Counter(f["rule"] for f in findings).most_common())
    pages = {}
    for p in catalog:
        path = os.path.join(site, p["url"])
        if os.path.isdir(path):
            path = os.path.join(path, "index.html")
        if os.path.isfile(path):
            pages[os.path.relpath(path, site)] = open(path, encoding="utf-8", errors="replace").read()
    raw = collections.Counter()
    raw_pages = set()
    for rel, text in pages.items():
        shown = visible_text(text)
        for marker in RAW:
            if marker in shown:
                raw[marker] += 1
                raw_pages.add(rel)
    row["raw_template_pages"] = len(raw_pages)
    row["raw_by_marker"] = dict(raw)
    row["raw_examples"] = sorted(raw_pages)[:5]
    ok, total, broken = links_resolved(site, pages)
    row["links_resolved"] = [ok, total]
    row["links_broken_top"] = broken
    if cjk:
        row["cjk_word"] = cjk
        row["cjk_pages_holding"] = sum(1 for t in pages.values() if cjk in visible_text(t))
        row["cjk_found"] = chromium_count(site, cjk)
    shutil.rmtree(scratch, ignore_errors=True)
    return row


def table_row(r):
    if "error" in r:
        return f"| {r['repo']} | build failed: {r['error'][:80]} |"
    kinds = ", ".join(f"{n} {k}" for k, n in r["kinds"].items())
    rules = ", ".join(f"{k} {n}" for k, n in list(r["findings"].items())[:4]) or "none"
    ok, total = r["links_resolved"]
    pct = f"{100 * ok / total:.1f}%" if total else "—"
    cjk = ""
    if "cjk_word" in r:
        cjk = f" | {r['cjk_found']} / {r['cjk_pages_holding']}"
    return (f"| {r['repo']} | {r['pages']} | {kinds} | {r['searchable']} / {r['pages']} | "
            f"{rules} | {pct} ({ok} / {total}) | {r['raw_template_pages']} | {r['seconds']}{cjk} |")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", required=True, help="the handbook binary to try")
    ap.add_argument("--cjk", help="a CJK word to search for")
    ap.add_argument("--today", default=time.strftime("%Y-%m-%d"))
    ap.add_argument("repos", nargs="+")
    a = ap.parse_args()
    binary = os.path.abspath(a.bin)
    for repo in a.repos:
        r = measure(binary, os.path.abspath(repo), a.cjk, a.today)
        print(table_row(r), flush=True)
        print(json.dumps(r, ensure_ascii=False), file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
