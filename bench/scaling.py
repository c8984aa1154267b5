#!/usr/bin/env python3
"""How `handbook check` and `handbook build` scale with input shape (issue 12).

    python3 bench/scaling.py [--shapes lines,owners,deep,codeowners] [--runs 3]
                             [--quick] [--bin target/release/handbook]
                             [--base OLD_BINARY]
                             [--workdir /tmp/handbook-scaling] [--timeout 120]

For each shape the script writes handbooks of growing size into the work dir
and times the real binary on them: one untimed warm-up, then `--runs` timed
runs of `check` and of `build`, reporting the median.  Next to each size it
prints the growth against the previous size as an exponent,
log(time ratio) / log(size ratio): about 1 is linear, about 2 quadratic
(small sizes are dominated by start-up, so read the exponent at the large
end).  A run slower than `--timeout` is recorded as such and the larger sizes
of that series are skipped.

Shapes:

  lines       N links on one line vs the same N links one per line
              (4,000 .. 256,000 links, up to ~4 MB of markdown in one page)
  owners      1,000 pages all owned by the same K owners (K = 2 .. 50):
              time, output bytes, and bytes per page x owner
  deep        200 pages 5 .. 50 folders deep, owned through CODEOWNERS with
              `**` lines (one of them the pathological `**/**/.../x` line)
  codeowners  1,000 pages in 100 folders, CODEOWNERS of 100 .. 20,000 lines

Results: markdown tables on stdout and WORKDIR/scaling.json.  Python 3
standard library only.  Build the release binary first
(`cargo build --release`); this script never runs cargo.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
TODAY = "2026-11-23"
DEFAULT_WORKDIR = Path("/tmp/handbook-scaling")


class BenchError(Exception):
    """A failure that ends the benchmark with a clear message."""


# --------------------------------------------------------------------------
# Handbook generators: each writes one handbook into `root` (empty) and
# returns a short description of its size.
# --------------------------------------------------------------------------

def page(title: str, body: str, owners: list[str] | None = None) -> str:
    front = [f"title: {title}", "kind: guide", "reviewed: 2026-11-01"]
    if owners:
        front.append("owners: [" + ", ".join(owners) + "]")
    return "---\n" + "\n".join(front) + "\n---\n\n" + body


def write(root: Path, rel: str, text: str) -> None:
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text, encoding="utf-8")


def book_toml(root: Path, title: str) -> None:
    write(root, "book.toml", f'[book]\ntitle = "{title}"\n')


LINK = "[l](target.md)"          # 14 bytes; with a separator 15


def gen_lines(root: Path, n: int, one_line: bool) -> str:
    """One page with `n` links to an existing page, on one line or one per line."""
    book_toml(root, "Long lines")
    sep = " " if one_line else "\n"
    body = sep.join([LINK] * n) + "\n"
    write(root, "src/target.md", page("Target", "Target.\n", ["docs"]))
    write(root, "src/links.md", page("Links", body, ["docs"]))
    return f"{n:,} links, {len(body) / 1e6:.2f} MB"


def gen_owners(root: Path, k: int, pages: int = 1000) -> str:
    """`pages` pages, every one owned by the same `k` owners."""
    book_toml(root, "Co-owners")
    owners = [f"owner-{i:02d}" for i in range(k)]
    for i in range(pages):
        write(root, f"src/area-{i % 20:02d}/page-{i:04d}.md",
              page(f"Page {i}", f"# Page {i}\n\nSome text about page {i}.\n", owners))
    return f"{pages:,} pages x {k} owners"


# The `**/.../x` line is last: lines are tried from the last one up, so
# every page meets it first (it matches none of them); above it, a backtracking
# matcher never reached it.
DEEP_CODEOWNERS = """\
* @fallback
**/level-03/**/*.md @level3
/src/level-01/**/level-04/** @level4
**/docs/ @docs
**/**/**/**/**/**/**/**/**/**/**/**/x @never
"""


def gen_deep(root: Path, depth: int, pages: int = 200) -> str:
    """`pages` pages `depth` folders deep, owned only through CODEOWNERS."""
    book_toml(root, "Deep")
    write(root, "CODEOWNERS", DEEP_CODEOWNERS)
    for i in range(pages):
        branch = f"b{i % 10}"
        folders = [f"level-{d:02d}" for d in range(1, depth)] + [branch]
        write(root, "src/" + "/".join(folders) + f"/page-{i:03d}.md",
              page(f"Deep {i}", f"Page {i}, {depth} folders deep.\n"))
    return f"{pages} pages, {depth} folders deep"


def codeowners_lines(n: int) -> str:
    """`n` CODEOWNERS lines of the kinds real files hold."""
    out = ["* @fallback"]
    for i in range(n - 1):
        area = f"area-{i % 100:02d}"
        kind = i % 5
        if kind == 0:
            out.append(f"/src/{area}/ @team-{i}")
        elif kind == 1:
            out.append(f"/src/{area}/topic-{i}/ @team-{i}")
        elif kind == 2:
            out.append(f"**/topic-{i}/** @team-{i}")
        elif kind == 3:
            out.append(f"src/{area}/*-{i}.md @team-{i}")
        else:
            out.append(f"*.ext{i} @team-{i}")
    return "\n".join(out) + "\n"


def gen_codeowners(root: Path, lines: int, pages: int = 1000) -> str:
    """`pages` pages in 100 folders without `owners:`, and `lines` CODEOWNERS lines."""
    book_toml(root, "Big CODEOWNERS")
    write(root, "CODEOWNERS", codeowners_lines(lines))
    for i in range(pages):
        write(root, f"src/area-{i % 100:02d}/page-{i:04d}.md",
              page(f"Page {i}", f"Page {i}.\n"))
    return f"{pages:,} pages, {lines:,} lines"


@dataclass
class Series:
    """One line of growth: a generator applied to growing sizes."""
    shape: str
    name: str
    sizes: list[int]
    gen: Callable[[Path, int], str]
    unit: str                     # what a size counts, for the table
    weight: Callable[[int], int] = lambda n: n   # pages x owners for `owners`


def all_series(quick: bool) -> list[Series]:
    q = (lambda full, small: small if quick else full)
    return [
        Series("lines", "one line", q([4000, 16000, 64000, 256000], [2000, 8000]),
               lambda r, n: gen_lines(r, n, True), "links"),
        Series("lines", "separate lines", q([4000, 16000, 64000, 256000], [2000, 8000]),
               lambda r, n: gen_lines(r, n, False), "links"),
        Series("owners", "same K owners on every page", q([2, 5, 10, 20, 50], [2, 10]),
               lambda r, k: gen_owners(r, k, 100 if quick else 1000), "owners",
               weight=lambda k: k * (100 if quick else 1000)),
        Series("deep", "owned through CODEOWNERS", q([5, 10, 25, 50], [5, 25]),
               lambda r, d: gen_deep(r, d, 50 if quick else 200), "folders deep"),
        Series("codeowners", "generated lines", q([100, 1000, 5000, 20000], [100, 2000]),
               lambda r, n: gen_codeowners(r, n, 200 if quick else 1000), "lines"),
    ]


# --------------------------------------------------------------------------
# Running the binary
# --------------------------------------------------------------------------

@dataclass
class Sample:
    seconds: float
    rss_kib: int
    timed_out: bool = False


def run_once(argv: list[str], timeout: float, stdout_path: Path) -> Sample:
    """Runs `argv`; accepts exit 0 and 1 (findings); wall time and peak RSS."""
    env = dict(os.environ, GIT_CEILING_DIRECTORIES=str(stdout_path.parent.parent))
    with open(stdout_path, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.PIPE, env=env)
        killed = threading.Event()

        def kill() -> None:
            killed.set()
            proc.kill()

        timer = threading.Timer(timeout, kill)
        timer.start()
        err_chunks: list[bytes] = []
        reader = threading.Thread(target=lambda: err_chunks.append(proc.stderr.read()))
        reader.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        timer.cancel()
        reader.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
    if killed.is_set():
        return Sample(seconds, usage.ru_maxrss, timed_out=True)
    if proc.returncode not in (0, 1):
        tail = b"".join(err_chunks).decode(errors="replace").splitlines()[-30:]
        raise BenchError(f"{' '.join(argv)} exited {proc.returncode}:\n" + "\n".join(tail))
    return Sample(seconds, usage.ru_maxrss)


def dir_bytes(d: Path) -> int:
    return sum(f.stat().st_size for f in d.rglob("*") if f.is_file())


@dataclass
class Measure:
    command: str
    samples: list[Sample] = field(default_factory=list)

    @property
    def timed_out(self) -> bool:
        return any(s.timed_out for s in self.samples)

    @property
    def median(self) -> float:
        return statistics.median(s.seconds for s in self.samples)

    @property
    def rss_mib(self) -> float:
        return statistics.median(s.rss_kib for s in self.samples) / 1024


def measure(binaries: dict[str, Path], book: Path, work: Path, runs: int, warmups: int,
            timeout: float, skip: set[tuple[str, str]]) -> tuple[dict, dict[str, int]]:
    """Times `check` and `build` of each binary on `book`, alternating the
    binaries run by run so that drift in machine load hits them alike.
    Returns {(binary, command): Measure} and each binary's site bytes.
    `(binary, command)` pairs in `skip` (timed out at a smaller size) are
    not run."""
    trash = work / "trash"
    trash.mkdir(exist_ok=True)
    results: dict[tuple[str, str], Measure] = {}
    site_bytes: dict[str, int] = {}
    for name in ("check", "build"):
        live = [b for b in binaries if (b, name) not in skip]
        for b in binaries:
            results[(b, name)] = Measure(name)
            if (b, name) in skip:
                results[(b, name)].samples = [Sample(timeout, 0, timed_out=True)]
        for i in range(warmups + runs):
            for b in list(live):
                out = work / f"site-{b}"
                argv = [str(binaries[b]), name, str(book), "--today", TODAY]
                argv += (["--format", "json"] if name == "check"
                         else ["--dest", str(out), "--quiet"])
                if out.exists():          # moved aside, deleted at the end, untimed
                    out.rename(trash / f"{b}-{name}-{i}-{time.monotonic_ns()}")
                smp = run_once(argv, timeout, work / f"{b}-{name}.stdout")
                m = results[(b, name)]
                if smp.timed_out:
                    m.samples = [smp]
                    live.remove(b)
                elif i >= warmups:
                    m.samples.append(smp)
        for b in binaries:
            out = work / f"site-{b}"
            if name == "build" and out.exists() and not results[(b, name)].timed_out:
                site_bytes[b] = dir_bytes(out)
            shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(trash, ignore_errors=True)
    return results, site_bytes


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------

def exponent(t0: float, t1: float, n0: float, n1: float) -> str:
    if t0 <= 0 or t1 <= 0 or n1 == n0:
        return ""
    return f"{math.log(t1 / t0) / math.log(n1 / n0):.2f}"


def fmt_time(m: Measure, timeout: float) -> str:
    return f"> {timeout:.0f}" if m.timed_out else f"{m.median:.3f}"


def summary(m: Measure) -> dict:
    return {"median_s": None if m.timed_out else m.median, "timed_out": m.timed_out,
            "runs": [x.seconds for x in m.samples], "rss_mib": m.rss_mib}


def run_series(s: Series, args, binaries: dict[str, Path]) -> list[dict]:
    rows: list[dict] = []
    prev: dict | None = None
    skip: set[tuple[str, str]] = set()
    for size in s.sizes:
        work = args.workdir / s.shape / s.name.replace(" ", "-").replace(",", "") / str(size)
        if work.exists():
            shutil.rmtree(work)
        book = work / "handbook"
        book.mkdir(parents=True)
        desc = s.gen(book, size)
        res, sites = measure(binaries, book, work, args.runs, args.warmups, args.timeout, skip)
        site = sites.get("new", 0)
        row = {
            "shape": s.shape, "series": s.name, "size": size, "unit": s.unit,
            "input": desc, "site_bytes": site, "weight": s.weight(size),
            "check": summary(res[("new", "check")]),
            "build": summary(res[("new", "build")]),
        }
        if "base" in binaries:
            row["base"] = {"check": summary(res[("base", "check")]),
                           "build": summary(res[("base", "build")]),
                           "site_bytes": sites.get("base", 0)}
        for cmd in ("check", "build"):
            row[cmd]["exponent"] = ""
            if prev and row[cmd]["median_s"] and prev[cmd]["median_s"]:
                row[cmd]["exponent"] = exponent(prev[cmd]["median_s"], row[cmd]["median_s"],
                                                prev["size"], size)
        row["bytes_exponent"] = ""
        if prev and site and prev["site_bytes"]:
            row["bytes_exponent"] = exponent(prev["site_bytes"], site, prev["size"], size)
        rows.append(row)
        shutil.rmtree(work, ignore_errors=True)
        line = (f"  {s.shape}/{s.name} {size}: check {fmt_time(res[('new', 'check')], args.timeout)} s, "
                f"build {fmt_time(res[('new', 'build')], args.timeout)} s, site {site / 1e6:.1f} MB")
        if "base" in binaries:
            line += (f"; base check {fmt_time(res[('base', 'check')], args.timeout)} s, "
                     f"build {fmt_time(res[('base', 'build')], args.timeout)} s")
        print(line, file=sys.stderr, flush=True)
        for (b, cmd), m in res.items():
            if m.timed_out:
                skip.add((b, cmd))
        prev = row
        if res[("new", "check")].timed_out and res[("new", "build")].timed_out:
            print(f"  {s.shape}/{s.name}: timed out, larger sizes skipped", file=sys.stderr)
            break
    return rows


def table(rows: list[dict], timeout: float) -> str:
    def t(m: dict) -> str:
        return f"> {timeout:.0f}" if m["timed_out"] else f"{m['median_s']:.3f}"

    def ratio(new: dict, base: dict) -> str:
        if new["timed_out"] or not new["median_s"]:
            return ""
        if base["timed_out"]:
            return f"< {new['median_s'] / timeout:.2f}"
        return f"{new['median_s'] / base['median_s']:.2f}" if base["median_s"] else ""

    shape = rows[0]["shape"]
    with_site = shape == "owners"
    with_base = "base" in rows[0]
    head = ["series", "input", "check s", "growth", "build s", "growth", "build RSS MiB"]
    if with_site:
        head += ["site MB", "growth", "bytes / page x owner"]
    if with_base:
        head += ["base check s", "check new/base", "base build s", "build new/base"]
        if with_site:
            head += ["base site MB"]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for r in rows:
        cells = [r["series"], r["input"], t(r["check"]), r["check"]["exponent"],
                 t(r["build"]), r["build"]["exponent"], f"{r['build']['rss_mib']:.0f}"]
        if with_site:
            cells += [f"{r['site_bytes'] / 1e6:.1f}", r["bytes_exponent"],
                      f"{r['site_bytes'] / r['weight']:.0f}" if r["site_bytes"] else ""]
        if with_base:
            b = r["base"]
            cells += [t(b["check"]), ratio(r["check"], b["check"]),
                      t(b["build"]), ratio(r["build"], b["build"])]
            if with_site:
                cells += [f"{b['site_bytes'] / 1e6:.1f}" if b["site_bytes"] else ""]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shapes", default="lines,owners,deep,codeowners",
                    help="comma-separated: lines, owners, deep, codeowners")
    ap.add_argument("--runs", type=int, default=3, help="timed runs per command (median)")
    ap.add_argument("--warmups", type=int, default=1, help="untimed runs first")
    ap.add_argument("--quick", action="store_true", help="small sizes, for a smoke test")
    ap.add_argument("--bin", type=Path, default=REPO / "target/release/handbook")
    ap.add_argument("--base", type=Path, default=None,
                    help="an older binary to time side by side (runs alternate)")
    ap.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR)
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds per run")
    args = ap.parse_args()

    if not args.bin.is_file():
        print(f"error: no binary at {args.bin}; run `cargo build --release` first",
              file=sys.stderr)
        return 2
    binaries = {"new": args.bin}
    if args.base is not None:
        if not args.base.is_file():
            print(f"error: no binary at {args.base}", file=sys.stderr)
            return 2
        binaries["base"] = args.base
    shapes = [s.strip() for s in args.shapes.split(",") if s.strip()]
    known = {s.shape for s in all_series(False)}
    for s in shapes:
        if s not in known:
            print(f"error: unknown shape {s!r}; choose from {', '.join(sorted(known))}",
                  file=sys.stderr)
            return 2
    args.workdir.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()[0]
    print(f"binary {args.bin} (base {args.base}), {args.runs} runs (median) after {args.warmups} warm-up, "
          f"load average {load:.1f}", file=sys.stderr)
    if load > (os.cpu_count() or 1) * 0.5:
        print("warning: the machine is busy; the times include that noise", file=sys.stderr)

    results: dict[str, list[dict]] = {}
    try:
        for series in all_series(args.quick):
            if series.shape in shapes:
                results.setdefault(series.shape, []).extend(run_series(series, args, binaries))
    except BenchError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1

    titles = {
        "lines": "(a) long lines: N links on one line vs one per line",
        "owners": "(b) many co-owners: 1,000 pages x K owners",
        "deep": "(c) deep folders: pages D folders deep, CODEOWNERS `**` lines",
        "codeowners": "(d) big CODEOWNERS: 1,000 pages, L lines",
    }
    for shape, rows in results.items():
        print(f"\n### {titles[shape]}\n")
        print(table(rows, args.timeout))
    print("\ngrowth: log(time ratio) / log(size ratio) against the row above "
          "(1 = linear, 2 = quadratic)")
    out = args.workdir / "scaling.json"
    out.write_text(json.dumps({
        "binary": str(args.bin), "base": str(args.base) if args.base else None, "runs": args.runs, "warmups": args.warmups,
        "load_average": load, "cpus": os.cpu_count(), "timeout_s": args.timeout,
        "results": results,
    }, indent=2))
    print(f"\nwrote {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
