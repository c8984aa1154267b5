#!/usr/bin/env python3
"""Side-by-side build timings of two (or more) handbook binaries.

    python3 bench/ab.py --runs 5 CORPUS old=/path/to/old/handbook new=target/release/handbook

Runs `BIN build CORPUS --dest OUT --today 2026-11-23 --quiet` for each
binary in turn, `--runs` times (alternating, after one untimed warm-up
each), with OUT on tmpfs (`/dev/shm` when it exists) so that the file
system's writeback does not land in the next run. Prints the median and
minimum wall time and the median CPU time (user + system, children
included) per binary, and each binary's median paired difference against
the first. Standard library only.
"""
import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def run(binary: str, corpus: str, out: str) -> tuple[float, float]:
    shutil.rmtree(out, ignore_errors=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    done = subprocess.run(
        [binary, "build", corpus, "--dest", out, "--today", "2026-11-23", "--quiet"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        sys.exit(f"{binary} exited {done.returncode}:\n{done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", help="handbook root to build")
    ap.add_argument("binaries", nargs="+", help="LABEL=PATH, two or more")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    variants = []
    for spec in args.binaries:
        label, sep, path = spec.partition("=")
        if not sep or not os.path.isfile(path):
            sys.exit(f"{spec}: expected LABEL=PATH to a binary")
        variants.append((label, path))
    base = "/dev/shm" if os.path.isdir("/dev/shm") else None
    out = os.path.join(tempfile.mkdtemp(prefix="handbook-ab-", dir=base), "out")
    results = {label: [] for label, _ in variants}
    for label, path in variants:
        run(path, args.corpus, out)
    for i in range(args.runs):
        for label, path in variants:
            results[label].append(run(path, args.corpus, out))
            print(f"run {i + 1}/{args.runs} {label}: {results[label][-1][0]:.2f} s", file=sys.stderr)
    shutil.rmtree(os.path.dirname(out), ignore_errors=True)
    first = variants[0][0]
    for label, _ in variants:
        walls = [w for w, _ in results[label]]
        cpus = [c for _, c in results[label]]
        line = (f"{label:>10}: wall median {statistics.median(walls):.2f} s "
                f"(min {min(walls):.2f}), CPU median {statistics.median(cpus):.2f} s")
        if label != first:
            diffs = [a[0] - b[0] for a, b in zip(results[label], results[first])]
            line += f", paired difference against {first}: {statistics.median(diffs):+.2f} s"
        print(line)


if __name__ == "__main__":
    main()
