#!/usr/bin/env python3
"""Measure `handbook serve` edit-to-served latency on generated handbooks.

    python3 bench/serve_latency.py [--pages 1000 10000] [--edits 20]
                                   [--workdir /tmp/handbook-bench-serve]
                                   [--gap 1.0] [--settle 1.0] [--no-cargo]
                                   [--mode append|insert|title]

For every corpus size: generates (or reuses) a handbook with
bench/gen_handbook.py in the work dir, starts
`target/release/handbook serve DIR --port 0 --today 2026-11-23`, waits for
the first build (the `serving ... at URL` line) and the first search index
(built in the background) plus `--settle` seconds, then
`--edits` times appends a unique marker line to one page's markdown and
records the time from the write until a GET of that page's HTML contains the
marker (the page is requested every ~5 ms).  One untimed warm-up edit comes
first.  Edits are `--gap` seconds apart (a writer looks at the result before
saving again).  The page is restored afterwards.  `--mode insert` puts the marker mid-body instead (headings
and links below it move); `--mode title` appends it to the frontmatter title
(the slower path that reruns the rules and re-renders the listings).

Prints median / p90 / max in milliseconds per corpus and writes
WORKDIR/serve-latency.json.  The corpora live in their own work dir because
the edits change them (bench/run.py's corpora stay untouched).  Standard
library only.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import shutil
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
TODAY = "2026-11-23"
GEN_MARKER = ".gen_handbook.json"


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def ensure_binary(args: argparse.Namespace) -> Path:
    binary = Path(args.handbook_bin) if args.handbook_bin else REPO / "target/release/handbook"
    if args.handbook_bin or args.no_cargo:
        if not binary.is_file():
            sys.exit(f"{binary}: no such binary")
        return binary
    log("== cargo build --release")
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    return binary


def ensure_corpus(workdir: Path, pages: int, seed: int) -> Path:
    """A handbook of `pages` pages under the work dir, generated once."""
    root = workdir / f"corpus-{pages}-seed{seed}" / "handbook"
    marker = root / GEN_MARKER
    if marker.is_file():
        info = json.loads(marker.read_text())
        if info.get("pages") == pages and info.get("seed") == seed:
            return root
    if root.exists():
        shutil.rmtree(root)
    log(f"== generating {pages} pages into {root}")
    root.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, str(BENCH_DIR / "gen_handbook.py"), "--pages", str(pages),
         "--seed", str(seed), "--out", str(root)],
        check=True, stdout=subprocess.DEVNULL,
    )
    return root


def pick_page(root: Path) -> tuple[Path, str]:
    """A mid-sized, ordinary (non-index) page and its URL path."""
    pages = sorted(
        p for p in (root / "src").rglob("*.md")
        if p.stem.lower() not in ("readme", "index")
    )
    if not pages:
        sys.exit(f"{root}: no pages")
    pages.sort(key=lambda p: p.stat().st_size)
    page = pages[len(pages) // 2]
    rel = page.relative_to(root / "src").as_posix()
    return page, "/" + rel[: -len(".md")] + ".html"


class Server:
    """`handbook serve` in the background; its stderr is kept."""

    def __init__(self, binary: Path, root: Path, timeout: float):
        env = dict(os.environ)
        env.pop("SOURCE_DATE_EPOCH", None)
        self.proc = subprocess.Popen(
            [str(binary), "serve", str(root), "--port", "0", "--today", TODAY],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            text=True, env=env,
        )
        self.lines: list[str] = []
        self.search_ready = threading.Event()
        self.rebuilt_at: list[float] = []
        urls: queue.Queue[str] = queue.Queue()

        def read() -> None:
            assert self.proc.stderr is not None
            for line in self.proc.stderr:
                line = line.rstrip("\n")
                self.lines.append(line)
                if line.startswith("rebuilt "):
                    self.rebuilt_at.append(time.perf_counter())
                if line.startswith("serving ") and " at " in line:
                    urls.put(line.rsplit(" at ", 1)[1])
                if line.startswith("search index ready"):
                    self.search_ready.set()

        threading.Thread(target=read, daemon=True).start()
        try:
            url = urls.get(timeout=timeout)
        except queue.Empty:
            self.stop()
            sys.exit("serve did not start:\n" + "\n".join(self.lines[-30:]))
        hostport = url.removeprefix("http://").rstrip("/")
        host, port = hostport.rsplit(":", 1)
        self.host, self.port = host, int(port)
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=10)

    def get(self, path: str) -> str:
        for attempt in range(3):
            try:
                self.conn.request("GET", path)
                resp = self.conn.getresponse()
                return resp.read().decode("utf-8", "replace")
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=10)
                if attempt == 2:
                    raise
        return ""

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def measure(binary: Path, root: Path, args: argparse.Namespace) -> dict:
    page, url = pick_page(root)
    original = page.read_bytes()
    log(f"== {root}: editing {page.relative_to(root)} ({len(original)} bytes), watching {url}")
    start = time.perf_counter()
    server = Server(binary, root, timeout=args.start_timeout)
    first_build = time.perf_counter() - start
    samples: list[float] = []
    try:
        if url and "<main" not in server.get(url):
            sys.exit(f"{url} is not a page of the served site")
        # The first search index is built in the background after the first
        # build; let it finish so it does not compete with the first edits.
        server.search_ready.wait(timeout=args.start_timeout)
        time.sleep(args.settle)
        for i in range(args.edits + 1):
            marker = f"serve-latency-marker-{i}-{uuid.uuid4().hex[:12]}"
            if args.mode in ("insert", "title"):
                text = page.read_text(encoding="utf-8")
                new_text = (insert_mid_body if args.mode == "insert" else retitle)(text, marker)
                t0 = time.perf_counter()
                page.write_text(new_text, encoding="utf-8")
            else:
                t0 = time.perf_counter()
                with open(page, "a", encoding="utf-8") as f:
                    f.write(f"\n\n{marker}\n")
            deadline = t0 + args.edit_timeout
            while True:
                if marker in server.get(url):
                    elapsed = time.perf_counter() - t0
                    break
                if time.perf_counter() > deadline:
                    sys.exit(f"edit {i}: marker not served within {args.edit_timeout}s\n"
                             + "\n".join(server.lines[-20:]))
                time.sleep(args.interval)
            if i > 0:  # edit 0 is the warm-up
                samples.append(elapsed * 1e3)
                # When the server finished its rebuild (its console line).
                done = [t for t in server.rebuilt_at if t >= t0]
                rebuilt = f", rebuild done at {(done[0] - t0) * 1e3:6.1f} ms" if done else ""
                log(f"   edit {i:2}: {elapsed * 1e3:7.1f} ms{rebuilt}")
            time.sleep(args.gap)
    finally:
        server.stop()
        page.write_bytes(original)
        (Path(args.workdir) / f"serve-{args_pages_of(root)}.log").write_text("\n".join(server.lines) + "\n")
    samples_sorted = sorted(samples)
    p90 = samples_sorted[max(0, int(round(0.9 * len(samples_sorted))) - 1)]
    return {
        "pages": args_pages_of(root),
        "corpus": str(root),
        "page": str(page.relative_to(root)),
        "edits": len(samples),
        "median_ms": statistics.median(samples),
        "p90_ms": p90,
        "max_ms": max(samples),
        "min_ms": min(samples),
        "first_build_s": first_build,
        "samples_ms": samples,
        "server_log_tail": server.lines[-5:],
    }


def insert_mid_body(text: str, marker: str) -> str:
    """The text with a paragraph holding `marker` inserted at a blank line
    near the middle of the body: every heading and link below it moves."""
    lines = text.split("\n")
    start = 0
    if lines and lines[0].strip() == "---":
        start = next((i + 1 for i in range(1, len(lines)) if lines[i].strip() == "---"), 0)
    mid = start + (len(lines) - start) // 2
    blank = next((i for i in range(mid, len(lines)) if not lines[i].strip()), len(lines) - 1)
    return "\n".join(lines[: blank + 1] + [marker, ""] + lines[blank + 1:])


def retitle(text: str, marker: str) -> str:
    """The text with `marker` appended to the frontmatter `title:` line: a
    change the listings, the sidebar and linking pages show too."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.startswith("title:"):
            value = line.rstrip()
            if value[-1:] in ('"', "'") and len(value) > len("title: ''"):
                lines[i] = value[:-1] + " " + marker + value[-1]
            else:
                lines[i] = value + " " + marker
            return "\n".join(lines)
    sys.exit("the edited page has no `title:` line")


def args_pages_of(root: Path) -> int:
    try:
        return json.loads((root / GEN_MARKER).read_text())["pages"]
    except (OSError, ValueError, KeyError):
        return -1


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--edits", type=int, default=20, help="timed edits per corpus (default 20)")
    ap.add_argument("--workdir", default="/tmp/handbook-bench-serve")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--gap", type=float, default=1.0,
                    help="seconds between one edit being served and the next edit (default 1.0)")
    ap.add_argument("--settle", type=float, default=1.0,
                    help="seconds to wait after the first build and its search index (default 1.0)")
    ap.add_argument("--interval", type=float, default=0.005,
                    help="seconds between GETs while waiting (default 0.005)")
    ap.add_argument("--mode", choices=["append", "insert", "title"], default="append",
                    help="append the marker line (a body-only change, the default), insert it "
                         "mid-body (moves the lines of later headings and links), or append it "
                         "to the frontmatter title (reruns the rules and the listings)")
    ap.add_argument("--edit-timeout", type=float, default=30.0)
    ap.add_argument("--start-timeout", type=float, default=900.0)
    ap.add_argument("--handbook-bin", help="binary to run (default target/release/handbook)")
    ap.add_argument("--no-cargo", action="store_true", help="do not run cargo build --release")
    args = ap.parse_args()

    try:
        load = os.getloadavg()[0]
        if load > (os.cpu_count() or 1) * 0.5:
            log(f"warning: load average {load:.2f}: the machine is busy, numbers will be noisy")
    except OSError:
        load = -1.0
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    binary = ensure_binary(args)
    results = []
    for pages in args.pages:
        root = ensure_corpus(workdir, pages, args.seed)
        results.append(measure(binary, root, args))

    print()
    print("| corpus | edits | median ms | p90 ms | max ms | min ms | first build s |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for r in results:
        print(f"| {r['pages']:,} pages | {r['edits']} | {r['median_ms']:.0f} | {r['p90_ms']:.0f} "
              f"| {r['max_ms']:.0f} | {r['min_ms']:.0f} | {r['first_build_s']:.1f} |")
    out = workdir / "serve-latency.json"
    out.write_text(json.dumps({
        "when": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "load_average": load,
        "cpus": os.cpu_count(),
        "binary": str(binary),
        "gap_s": args.gap,
        "mode": args.mode,
        "results": results,
    }, indent=2))
    log(f"results in {out}")


if __name__ == "__main__":
    main()
