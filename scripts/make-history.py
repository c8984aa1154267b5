#!/usr/bin/env python3
"""Give a handbook a plausible git history, for the health dashboard.

    python3 scripts/make-history.py SRC OUT [--commits N] [--subdir PATH]
                                    [--today YYYY-MM-DD] [--seed S]

Creates a new git repository at OUT (which must not exist or be empty)
whose last commit holds exactly the files of the handbook at SRC
(book.toml, owners.yaml, CODEOWNERS, src/**; never the built site), and
whose earlier commits tell a story the dashboard can read:

- every page is created some months before its `reviewed:` date, with an
  older `reviewed:` value, its open actions, part of its body missing and,
  for about one page in six, different `owners:`;
- later commits restore the owners (an ownership change), add the missing
  body (a content edit), flip each `done: true` action from `done: false`
  near its due date (most on time, some late), and bump `reviewed:` to its
  final value on that date (a commit that only bumps `reviewed:`);
- for about one page in ten the content edit comes after the review, so
  `review-outdated` fires there;
- authors are the people behind each page's owners (from owners.yaml).

Events are grouped into about N commits (default: one commit per event)
in date order, committed with `git fast-import`, so ten thousand pages
and thousands of commits take seconds. The result is then repacked
(`git repack -a -d -f`), as git-fast-import(1) asks before any timing:
fast-import deltas each blob against the previous one written, whatever
file it belongs to, a pack "never seen in real use" (a clone, or `git gc`,
gives same-file deltas; reading old versions from the raw import is about
seven times slower). With --subdir the handbook lives
in a sub-folder of the repository (next to an unrelated README), as in a
monorepo. Output is deterministic for the same arguments.

Examples:
    python3 bench/gen_handbook.py --pages 10000 --out /tmp/hb10k
    python3 scripts/make-history.py /tmp/hb10k /tmp/hb10k-git --commits 3000
    python3 scripts/make-history.py example-handbook /tmp/example-git --subdir docs
    cargo run --release -- build /tmp/example-git/docs --today 2026-11-23

Only the Python standard library and git are used.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import subprocess
import sys
from pathlib import Path

REVIEWED_RE = re.compile(r'^(reviewed|last_reviewed_on|last_reviewed):\s*["\']?(\d{4}-\d{2}-\d{2})')
OWNERS_RE = re.compile(r"^(owners|owner|maintainers|owner_slack):")
DONE_RE = re.compile(r"^(\s+)done:\s*true\s*$")
DUE_RE = re.compile(r"^\s+due:\s*[\"']?(\d{4}-\d{2}-\d{2})")
SKIP_DIRS = {"book", ".git", "node_modules", "target"}


def parse_owners_yaml(text: str) -> tuple[dict[str, list[str]], list[str]]:
    """Team id -> member ids, and every person id (a tiny line scanner)."""
    teams: dict[str, list[str]] = {}
    people: list[str] = []
    section = None
    current = None
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line.startswith(" "):
            section = line.split(":")[0].strip()
            continue
        indent = len(line) - len(line.lstrip())
        key = line.strip().split(":")[0].strip()
        if indent == 2:
            current = key
            if section == "teams":
                teams[current] = []
            elif section == "people":
                people.append(current)
        elif section == "teams" and key == "members" and current:
            m = re.search(r"\[(.*)\]", line)
            if m:
                teams[current] = [x.strip().strip("\"'@") for x in m.group(1).split(",") if x.strip()]
    return teams, people


def owners_of(line: str) -> list[str]:
    value = line.split(":", 1)[1].strip()
    value = value.strip("[]")
    return [x.strip().strip("\"'") for x in value.split(",") if x.strip()]


class Page:
    """One page: its final text and the knobs earlier versions turn."""

    def __init__(self, path: str, text: str):
        self.path = path
        self.lines = text.split("\n")
        self.final = text
        self.reviewed_idx = None
        self.reviewed = None
        self.owners_idx = None
        self.done_idx: list[tuple[int, dt.date | None]] = []
        fence = 0
        body_start = None
        due = None
        for i, line in enumerate(self.lines):
            if line.strip() == "---":
                fence += 1
                if fence == 2:
                    body_start = i + 1
                    break
                continue
            if fence != 1:
                break
            m = REVIEWED_RE.match(line)
            if m and self.reviewed_idx is None:
                self.reviewed_idx = i
                self.reviewed = dt.date.fromisoformat(m.group(2))
            if OWNERS_RE.match(line) and self.owners_idx is None:
                self.owners_idx = i
            m = DUE_RE.match(line)
            if m:
                due = dt.date.fromisoformat(m.group(1))
            if line.lstrip().startswith("- "):
                due = None
            if DONE_RE.match(line):
                self.done_idx.append((i, due))
        # The body line that the first version lacks: the last non-empty one.
        self.edit_idx = None
        if body_start is None:
            body_start = 0
        for i in range(len(self.lines) - 1, body_start - 1, -1):
            if self.lines[i].strip():
                self.edit_idx = i
                break
        self.owner_change = False

    def render(self, state: dict) -> str:
        out = []
        for i, line in enumerate(self.lines):
            if i == self.reviewed_idx and state["reviewed"] is not None:
                key = line.split(":", 1)[0]
                line = f"{key}: {state['reviewed'].isoformat()}"
            elif i == self.owners_idx and state["owners"] is not None:
                line = state["owners"]
            elif i in state["open"]:
                line = line.replace("done: true", "done: false")
            elif i == self.edit_idx and not state["edited"]:
                continue
            out.append(line)
        return "\n".join(out)


def clamp(d: dt.date, lo: dt.date, hi: dt.date) -> dt.date:
    return max(lo, min(hi, d))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("src", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--commits", type=int, default=0, help="about this many commits (0: one per event)")
    ap.add_argument("--subdir", default="", help="put the handbook in this sub-folder of the repository")
    ap.add_argument("--today", default="2026-11-23")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    today = dt.date.fromisoformat(args.today)
    rng = random.Random(args.seed)
    src: Path = args.src
    if not (src / "book.toml").is_file() and not (src / "src").is_dir():
        print(f"{src}: not a handbook (no book.toml or src/)", file=sys.stderr)
        return 2
    out: Path = args.out
    if out.exists() and any(out.iterdir()):
        print(f"{out}: exists and is not empty", file=sys.stderr)
        return 2
    prefix = args.subdir.strip("/")
    prefix = prefix + "/" if prefix else ""

    owners_text = (src / "owners.yaml").read_text() if (src / "owners.yaml").is_file() else ""
    teams, people = parse_owners_yaml(owners_text)
    if not people:
        people = ["alex", "sam", "kim"]

    static_files: dict[str, bytes] = {}
    pages: list[Page] = []
    for root, dirs, files in os.walk(src):
        rel_root = Path(root).relative_to(src)
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith(".")
                         and not (rel_root == Path(".") and d == "book"))
        for name in sorted(files):
            rel = (rel_root / name).as_posix()
            data = (Path(root) / name).read_bytes()
            if name.endswith(".md") and rel.startswith("src/"):
                pages.append(Page(rel, data.decode("utf-8", "replace")))
            elif not name.startswith("."):
                static_files[rel] = data
    pages.sort(key=lambda p: p.path)

    # Per page: a list of (date, order, page index, change) events.
    start = today - dt.timedelta(days=720)
    events: list[tuple[dt.date, int, int, str, object]] = []
    for pi, p in enumerate(pages):
        r = p.reviewed
        anchor = r if r and r <= today else today - dt.timedelta(days=rng.randint(10, 200))
        created = clamp(anchor - dt.timedelta(days=rng.randint(60, 300)), start, today)
        events.append((created, 0, pi, "create", None))
        has_owner_change = p.owners_idx is not None and rng.random() < 1 / 6
        p.owner_change = has_owner_change
        if has_owner_change:
            when = clamp(created + dt.timedelta(days=rng.randint(1, max(1, (anchor - created).days))), created, today)
            events.append((when, 1, pi, "owners", None))
        outdated = r is not None and r < today and rng.random() < 0.1
        if p.edit_idx is not None:
            if outdated:
                when = clamp(r + dt.timedelta(days=rng.randint(1, max(1, (today - r).days))), r + dt.timedelta(days=1), today)
            else:
                when = clamp(created + dt.timedelta(days=rng.randint(0, max(0, (anchor - created).days - 1))), created, anchor)
            events.append((when, 2, pi, "edit", None))
        for idx, due in p.done_idx:
            base = due or anchor
            late = rng.random() < 0.3
            delta = rng.randint(1, 40) if late else -rng.randint(0, 40)
            when = clamp(base + dt.timedelta(days=delta), created, today)
            events.append((when, 3, pi, "done", idx))
        if r is not None:
            when = clamp(r, created, today)
            events.append((when, 4, pi, "review", None))
    events.sort(key=lambda e: (e[0], e[1], e[2]))

    # Group events into commits: one per event, or about --commits of them.
    per = 1 if args.commits <= 0 else max(1, -(-len(events) // args.commits))
    states = []
    for p in pages:
        owners = None
        if p.owner_change:
            line = p.lines[p.owners_idx]
            key = line.split(":", 1)[0]
            others = [t for t in teams if t not in owners_of(line)] or [rng.choice(people)]
            owners = f"{key}: [{rng.choice(others)}]"
        states.append({
            "reviewed": (p.reviewed - dt.timedelta(days=rng.randint(90, 200))) if p.reviewed else None,
            "owners": owners,
            "open": {i for i, _ in p.done_idx},
            "edited": p.edit_idx is None,
        })

    def author_for(p: Page) -> str:
        ids = []
        if p.owners_idx is not None:
            for o in owners_of(p.lines[p.owners_idx]):
                o = o.lstrip("@")
                ids.extend(teams.get(o, [o] if o in people else []))
        return rng.choice(ids or people)

    subprocess.run(["git", "init", "-q", "-b", "main", str(out)], check=True)
    env = dict(os.environ, GIT_CEILING_DIRECTORIES=str(out.resolve().parent))
    fi = subprocess.Popen(["git", "-C", str(out), "-c", "commit.gpgsign=false", "fast-import", "--quiet", "--done"],
                          stdin=subprocess.PIPE, env=env)
    assert fi.stdin is not None
    w = fi.stdin.write

    def data(b: bytes) -> None:
        w(b"data %d\n" % len(b))
        w(b)
        w(b"\n")

    mark = 0
    i = 0
    seconds = 0
    while i < len(events):
        chunk = events[i:i + per]
        i += per
        date = chunk[-1][0]
        changed: dict[int, None] = {}
        kinds = set()
        for _, _, pi, kind, arg in chunk:
            st = states[pi]
            if kind == "owners":
                st["owners"] = None
            elif kind == "edit":
                st["edited"] = True
            elif kind == "done":
                st["open"].discard(arg)
            elif kind == "review":
                st["reviewed"] = None
            changed[pi] = None
            kinds.add(kind)
        first = pages[next(iter(changed))]
        who = author_for(first)
        name = " ".join(x.capitalize() for x in re.split(r"[-_.]", who))
        seconds += 1
        ts = int(dt.datetime(date.year, date.month, date.day, 9, 0, tzinfo=dt.timezone.utc).timestamp()) + seconds % 30000
        mark += 1
        w(b"commit refs/heads/main\n")
        w(b"mark :%d\n" % mark)
        w(f"author {name} <{who}@example.com> {ts} +0000\n".encode())
        w(f"committer {name} <{who}@example.com> {ts} +0000\n".encode())
        what = ", ".join(sorted(kinds))
        data(f"{what}: {first.path}{' and more' if len(changed) > 1 else ''}\n".encode())
        if mark > 1:
            w(b"from :%d\n" % (mark - 1))
        else:
            for rel, content in static_files.items():
                w(f"M 100644 inline {prefix}{rel}\n".encode())
                data(content)
            if prefix:
                w(b"M 100644 inline README.md\n")
                data(b"# A monorepo\n\nThe handbook lives in a sub-folder.\n")
        for pi in changed:
            p = pages[pi]
            w(f"M 100644 inline {prefix}{p.path}\n".encode())
            data(p.render(states[pi]).encode())
    # A last commit makes sure the tree is exactly the source handbook.
    rest = [p for pi, p in enumerate(pages) if p.render(states[pi]) != p.final]
    if rest:
        mark += 1
        ts = int(dt.datetime(today.year, today.month, today.day, 8, 0, tzinfo=dt.timezone.utc).timestamp())
        w(b"commit refs/heads/main\n")
        w(b"mark :%d\n" % mark)
        w(f"author Release Bot <bot@example.com> {ts} +0000\n".encode())
        w(f"committer Release Bot <bot@example.com> {ts} +0000\n".encode())
        data(b"sync with source\n")
        w(b"from :%d\n" % (mark - 1))
        for p in rest:
            w(f"M 100644 inline {prefix}{p.path}\n".encode())
            data(p.final.encode())
    w(b"done\n")
    fi.stdin.close()
    if fi.wait() != 0:
        print("git fast-import failed", file=sys.stderr)
        return 1
    subprocess.run(["git", "-C", str(out), "repack", "-a", "-d", "-f", "-q"], check=True, env=env)
    subprocess.run(["git", "-C", str(out), "reset", "-q", "--hard", "main"], check=True, env=env)
    count = subprocess.run(["git", "-C", str(out), "rev-list", "--count", "HEAD"], check=True,
                           capture_output=True, text=True, env=env).stdout.strip()
    print(f"{out}: {len(pages)} pages, {count} commits, {len(events)} page changes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
