#!/usr/bin/env python3
"""Generate a large, realistic engineering handbook for benchmarks.

    python3 bench/gen_handbook.py --pages 10000 --out DIR [--hugo HUGODIR]
                                  [--mdbook MDBOOKDIR] [--seed 1]
                                  [--incidents PERCENT]

Writes DIR/book.toml, DIR/owners.yaml and DIR/src/**.md in the layout
described by shared/SPEC.md: ADRs (adr/NNNN-slug.md with status and
supersede chains), runbooks (with the four required sections and follow-up
actions), role matrices (tables), standards (with enforced_by), onboarding
pages and guides, spread over nested folders.  Frontmatter carries owners,
review dates (a mix of fresh, due-soon, stale and missing relative to
2026-11-23), review_every overrides, domains and tags.  Bodies are prose
assembled from word lists, tables, valid relative links (some with
#anchors to headings that exist) and fenced code blocks in nine languages.

The profile is "code-heavy": about 5.5 KB of markdown per page on average,
about 21% of all bytes inside ~1.87 fenced code blocks per page.  Size
scales linearly with --pages.

With --hugo the same pages are also written as a Hugo site (hugo.toml,
content/**, layouts/), and with --mdbook as an mdBook (book.toml,
src/SUMMARY.md, src/**), so the tools can be timed on the same content.

With --incidents PERCENT that share of the guides and onboarding pages
becomes incident reviews (kind incident: status, dates, a signature from a
small pool so some repeat, the runbook section used, a prevention action).
Without it the corpus is exactly what it was before incidents existed.

Output is deterministic: the same arguments give byte-identical files.
Only the standard library is used.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import posixpath
import random
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

TODAY = dt.date(2026, 11, 23)
MARKER = ".gen_handbook.json"
GENERATOR_VERSION = 1

# Target profile (per page, on average).
MEAN_PAGE_BYTES = 5500
MEAN_BLOCKS_PER_PAGE = 1.87
# The fill loop overshoots its per-page target by part of a block and some
# pages cannot get below their sections' opening blocks; this brings the
# mean back to MEAN_PAGE_BYTES.
FILL_CALIBRATION = 0.90
# Target size of one code block's content; the generator overshoots its
# target by part of a unit, so this sits a little under the ~618 B we want.
MEAN_BLOCK_TARGET = 486

# Share of pages per kind (the home page comes on top).
KIND_SHARES = [
    ("adr", 0.12),
    ("runbook", 0.22),
    ("role-matrix", 0.04),
    ("standard", 0.08),
    ("onboarding", 0.06),
    ("guide", 0.48),
]
KIND_FOLDER = {
    "adr": "adr",
    "runbook": "runbooks",
    "role-matrix": "roles",
    "standard": "standards",
    "onboarding": "onboarding",
    "guide": "guides",
}
# Pages per folder, roughly: controls how many folders a corpus has.
PAGES_PER_FOLDER = {
    "runbook": 60,
    "role-matrix": 50,
    "standard": 60,
    "onboarding": 60,
    "guide": 80,
}
# Relative page size and code-block count per kind (normalised below).
KIND_SIZE = {"adr": 0.9, "runbook": 1.1, "role-matrix": 0.85, "standard": 0.8,
             "onboarding": 0.9, "guide": 1.05}
KIND_BLOCKS = {"adr": 1.0, "runbook": 2.6, "role-matrix": 0.1, "standard": 1.2,
               "onboarding": 2.0, "guide": 2.4}
REVIEW_INTERVAL_DAYS = {"runbook": 90, "standard": 180, "role-matrix": 365,
                        "guide": 180, "onboarding": 180}
RUNBOOK_SECTIONS = ["Failure signature", "Mitigation", "Root cause", "Prevention"]

# --------------------------------------------------------------------------
# Word lists
# --------------------------------------------------------------------------

DOMAINS = [
    "payments", "identity", "search", "checkout", "billing", "notifications",
    "messaging", "catalog", "inventory", "shipping", "fraud", "ledger",
    "analytics", "ml-platform", "data-platform", "observability", "networking",
    "storage", "compute", "ci-cd", "developer-tools", "mobile", "web-frontend",
    "security", "growth", "support-tools", "maps", "pricing",
]
PLATFORM_TEAMS = ["sre", "platform", "security-eng", "data-eng", "devex",
                  "architecture", "people-eng", "release-eng"]
COMPONENTS = [
    "api", "workers", "database", "cache", "queue", "cron", "gateway",
    "frontend", "batch", "streaming", "replication", "backups", "dns",
    "certificates", "load-balancer", "scheduler", "webhooks", "exports",
    "ingest", "indexer", "auth-proxy", "rate-limiter", "feature-flags",
    "object-store", "cdn", "mobile-push", "email", "reconciliation",
]
GUIDE_AREAS = [
    "backend", "frontend", "data", "infrastructure", "security", "reliability",
    "mobile", "machine-learning", "developer-experience", "testing",
    "release-engineering", "architecture", "observability", "databases",
]
GUIDE_TOPICS = [
    "kubernetes", "postgres", "kafka", "terraform", "tracing", "grpc",
    "graphql", "redis", "feature-flags", "ci", "code-review", "incidents",
    "performance", "migrations", "caching", "auth", "logging", "metrics",
    "cost", "accessibility", "localization", "queues", "schemas", "secrets",
    "containers", "networking", "profiling", "load-testing", "dashboards",
    "alerting", "backfills", "batch-jobs", "api-clients", "sdk", "deploys",
    "rollbacks", "dependencies", "linting", "fixtures", "contracts",
]
STANDARD_AREAS = [
    "code-review", "pull-requests", "api-design", "security", "testing",
    "documentation", "observability", "release", "data-handling",
    "dependencies", "incident-management", "on-call", "accessibility",
    "performance", "privacy",
]
ROLE_DEPTS = [
    "engineering", "sre", "data", "security", "product-engineering",
    "platform", "mobile", "qa", "management", "infrastructure",
]
FIRST_NAMES = [
    "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi",
    "ivan", "judy", "mallory", "niaj", "olivia", "peggy", "rupert", "sybil",
    "trent", "victor", "walter", "yasmin", "zoe", "amir", "bea", "chen",
    "dmitri", "elif", "farah", "goran", "hana", "ines", "jonas", "kemal",
    "lena", "mateo", "nadia", "omar", "priya", "quinn", "rosa", "sanjay",
    "tomas", "uma", "vera", "wen", "xavier", "yuki", "zainab", "arjun",
    "bianca", "caio", "daria", "emeka", "fatima", "gustav", "hugo", "ilse",
    "jamal", "kofi", "lucia", "mei",
]
LAST_NAMES = [
    "ng", "diaz", "okafor", "schmidt", "rossi", "tanaka", "kowalski", "silva",
    "nguyen", "haddad", "larsen", "murphy", "novak", "patel", "santos",
    "yilmaz", "kim", "dubois", "meyer", "costa", "ivanova", "moreau", "khan",
    "berg", "lopez", "sato", "fischer", "ali", "park", "wong", "cohen",
    "jensen", "ortiz", "popescu", "reyes", "sousa", "varga", "weber", "zhang",
    "abe", "bauer", "cruz", "eriksen", "garcia", "horvat", "iqbal", "jovanovic",
    "koch", "lind", "mendes", "nakamura", "oliveira", "petrov", "quispe",
    "richter", "suzuki", "torres", "ueda", "vogel", "wagner",
]
# A few non-ASCII display names so renderers see UTF-8.
DISPLAY_OVERRIDES = {"zoe": "Zoë", "ines": "Inês", "goran": "Goran", "elif": "Elif",
                     "jovanovic": "Jovanović", "dubois": "Dubois", "yilmaz": "Yılmaz"}

TAGS = [
    "pci", "failover", "latency", "capacity", "postgres", "kafka", "kubernetes",
    "terraform", "security", "gdpr", "on-call", "sev1", "sev2", "data-loss",
    "cost", "performance", "migration", "deprecation", "compliance", "dr",
    "backups", "alerting", "slo", "api", "mobile", "frontend", "ci", "release",
    "onboarding", "hiring", "career", "review", "testing", "observability",
]
NOUNS = [
    "replica", "connection pool", "feature flag", "queue", "consumer group",
    "certificate", "deploy", "rollout", "schema migration", "index",
    "dashboard", "alert", "error budget", "on-call rotation", "dependency",
    "load balancer", "circuit breaker", "retry policy", "cache", "partition",
    "backfill", "runbook", "pull request", "release train", "service account",
    "secret", "quota", "rate limit", "health check", "canary", "snapshot",
    "write-ahead log", "batch job", "webhook", "incident channel",
    "postmortem", "service level objective", "trace", "metric", "log line",
]
SUBJECTS = [
    "The on-call engineer", "The owning team", "A reviewer", "The deploy pipeline",
    "Each consumer", "The primary database", "The incident commander",
    "The scheduler", "Every service", "The platform team", "The release captain",
    "This check", "The gateway", "Our CI job", "The author of the change",
    "The background worker", "The migration tool", "The staff engineer on rotation",
    "Whoever holds the pager", "The data team",
]
VERBS = [
    "checks", "drains", "rotates", "validates", "replays", "throttles", "pages",
    "retries", "promotes", "rolls back", "records", "reviews", "archives",
    "pins", "shards", "backfills", "snapshots", "escalates", "documents",
    "monitors", "disables", "re-enables", "restarts", "scales out", "tags",
    "audits", "approves", "owns", "deprecates", "measures",
]
ADJECTIVES = [
    "stale", "healthy", "degraded", "primary", "secondary", "regional",
    "canary", "read-only", "idempotent", "noisy", "critical", "orphaned",
    "expired", "pending", "oversized", "flaky", "unowned", "partitioned",
    "warm", "cold",
]
TAILS = [
    "before the next deploy", "within fifteen minutes", "when the error budget is exhausted",
    "during business hours only", "without waiting for approval", "after the canary is green",
    "as soon as the alert fires", "once the backlog drains", "before paging a second person",
    "for every region in turn", "until the lag is below five seconds",
    "and writes the outcome in the incident channel", "so that nobody has to remember it",
    "because the last incident showed the gap", "at the start of each sprint",
    "and links the ticket in the pull request", "unless the change is a documentation fix",
    "so the next person does not depend on one hero", "with a second pair of eyes",
    "in the staging environment first",
]
OPENERS = [
    "In practice,", "Historically,", "As a rule,", "During an incident,",
    "For most services,", "If in doubt,", "On a normal day,", "After the migration,",
    "Since last quarter,", "When traffic peaks,", "Before you start,",
    "In our experience,",
]
TECH = [
    "Postgres", "Kafka", "Redis", "Kubernetes", "Terraform", "gRPC", "GraphQL",
    "Envoy", "Prometheus", "Grafana", "OpenTelemetry", "Vault", "Argo CD",
    "GitHub Actions", "BigQuery", "Snowflake", "RabbitMQ", "Elasticsearch",
    "ClickHouse", "S3", "CloudFront", "Istio", "Temporal", "Airflow", "dbt",
    "SQLite", "NATS", "Consul", "Nginx", "Linkerd",
]
PURPOSES = [
    "service discovery", "job scheduling", "feature flags", "event sourcing",
    "secrets management", "schema evolution", "request tracing", "rate limiting",
    "blue-green deploys", "multi-region failover", "audit logging",
    "read replicas", "search indexing", "batch exports", "configuration",
    "API versioning", "session storage", "idempotency keys", "data retention",
    "cost allocation", "canary analysis", "mobile releases", "access reviews",
]
PROBLEMS = [
    "elevated 5xx rate", "replica lag above threshold", "consumer group stuck rebalancing",
    "certificate expiry", "disk filling up", "connection pool exhausted",
    "p99 latency regression", "deploy stuck in progress", "queue backlog growing",
    "memory leak after release", "DNS resolution failures", "elevated timeouts",
    "duplicate events", "stale cache entries", "failed nightly backup",
    "webhook delivery failures", "rate limiter rejecting traffic",
    "partition leader imbalance", "OOM kills", "slow queries",
    "login failures", "payment authorisation errors", "index build stalled",
    "clock skew", "runaway cron job",
]
GUIDE_VERBS = [
    "Configure", "Debug", "Migrate", "Test", "Profile", "Deploy", "Roll back",
    "Monitor", "Scale", "Secure", "Document", "Review", "Tune", "Back up",
    "Instrument", "Benchmark", "Upgrade", "Retire",
]
GUIDE_OBJECTS = [
    "a new service", "connection pooling", "consumer lag", "database schemas",
    "feature flags", "background jobs", "API clients", "mobile builds",
    "alert rules", "dashboards", "staging data", "secrets", "load tests",
    "cache invalidation", "structured logs", "traces", "cron jobs",
    "dependency updates", "container images", "search indexes", "webhooks",
    "batch exports", "the CI pipeline", "preview environments",
]
STANDARD_RULES = [
    "Pull request size limits", "Two reviewers for production changes",
    "API versioning", "Error response format", "Secrets never in source",
    "Test coverage for bug fixes", "Dependency update cadence",
    "Structured logging fields", "Service level objectives per service",
    "Database migrations are reversible", "Feature flags have an expiry",
    "Commit message format", "Ownership file per service", "Alert on symptoms",
    "Release notes for every deploy", "Personal data retention",
    "Accessible colour contrast", "Performance budgets", "Code review turnaround",
    "On-call handover notes", "Runbook for every alert", "Deprecation notices",
]
ROLE_TITLES = [
    "Backend engineer", "Frontend engineer", "Site reliability engineer",
    "Data engineer", "Security engineer", "Engineering manager", "Mobile engineer",
    "QA engineer", "Platform engineer", "Staff engineer", "Incident commander",
    "On-call responder", "Release captain", "Tech lead",
]
LEVELS = ["L1", "L2", "L3", "L4", "L5", "L6"]
RESPONSIBILITIES = [
    "Writes runbooks", "Reviews pull requests", "Owns an on-call rotation",
    "Leads incident response", "Writes ADRs", "Mentors new hires",
    "Plans capacity", "Sets team standards", "Runs postmortems",
    "Estimates delivery", "Represents the team in design review",
    "Keeps the handbook current", "Rotates ownership", "Hires",
]
MATRIX_CELLS = ["Leads", "Owns", "Contributes", "Learns", "Reviews", "Consulted",
                "Informed", "—", "Shadows", "Accountable"]
ONBOARDING_TITLES = [
    "Your first week", "Access and accounts", "Local development setup",
    "Shadowing on-call", "Your first pull request", "Who to ask",
    "Team rituals", "Production access", "Reading the architecture",
    "Thirty day checklist",
]

IDENT_WORDS = [
    "order", "user", "payment", "account", "event", "batch", "token", "session",
    "invoice", "ledger", "item", "queue", "retry", "client", "config", "job",
    "shard", "region", "tenant", "refund", "price", "cart", "search", "index",
    "cursor", "offset", "window", "limit", "budget", "report",
]

# --------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------

_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 ._/()-]*")
_AMBIGUOUS = {"yes", "no", "true", "false", "null", "on", "off", "y", "n", "~"}


def yaml_scalar(value) -> str:
    """Render one scalar the way a person would write it in frontmatter."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Quoted):
        return json.dumps(value.text, ensure_ascii=False)
    s = str(value)
    if _PLAIN.fullmatch(s) and s.lower() not in _AMBIGUOUS and not s.endswith(" "):
        return s
    return json.dumps(s, ensure_ascii=False)


@dataclass(frozen=True)
class Quoted:
    """A string (usually a date) that must be written quoted."""
    text: str


def yaml_lines(mapping: dict, indent: int = 0) -> list[str]:
    """Emit a small YAML mapping: flow lists for scalars, block lists for dicts."""
    pad = " " * indent
    out = []
    for key, value in mapping.items():
        if isinstance(value, dict):
            out.append(f"{pad}{key}:")
            out.extend(yaml_lines(value, indent + 2))
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            out.append(f"{pad}{key}:")
            for item in value:
                first = True
                for k, v in item.items():
                    lead = "- " if first else "  "
                    out.append(f"{pad}  {lead}{k}: {yaml_scalar(v)}")
                    first = False
        elif isinstance(value, list):
            out.append(f"{pad}{key}: [{', '.join(yaml_scalar(v) for v in value)}]")
        else:
            out.append(f"{pad}{key}: {yaml_scalar(value)}")
    return out


def slugify(text: str) -> str:
    """File-name slug: lowercase ASCII words joined by dashes."""
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return s or "page"


def anchor(heading: str) -> str:
    """Heading id as GitHub/goldmark/most generators compute it for plain words."""
    return re.sub(r"[^a-z0-9 -]", "", heading.lower()).replace(" ", "-")


def poisson(rng: random.Random, mean: float) -> int:
    """Poisson-distributed integer (Knuth; fine for small means)."""
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def lognormal(rng: random.Random, mean: float, sigma: float) -> float:
    """Log-normal sample with the given mean."""
    return rng.lognormvariate(math.log(mean) - sigma * sigma / 2, sigma)


def ident(rng: random.Random, style: str = "snake") -> str:
    """A plausible identifier made of two or three words."""
    words = rng.sample(IDENT_WORDS, rng.randint(2, 3))
    if style == "camel":
        return words[0] + "".join(w.title() for w in words[1:])
    if style == "pascal":
        return "".join(w.title() for w in words)
    if style == "kebab":
        return "-".join(words)
    if style == "upper":
        return "_".join(words).upper()
    return "_".join(words)


def titlecase_domain(domain: str) -> str:
    """'ml-platform' -> 'ML platform' style display name."""
    words = [w.upper() if len(w) <= 2 else w for w in domain.split("-")]
    return " ".join([words[0][0].upper() + words[0][1:]] + words[1:])


# --------------------------------------------------------------------------
# Code blocks
# --------------------------------------------------------------------------

def _svc(rng):
    return f"{rng.choice(DOMAINS)}-{rng.choice(COMPONENTS)}"


def code_bash(rng):
    """Shell units: kubectl, psql, curl, loops, functions."""
    svc, ns = _svc(rng), rng.choice(DOMAINS)
    choice = rng.randrange(8)
    if choice == 0:
        return [f"# {rng.choice(SUBJECTS).lower()} {rng.choice(VERBS)} the {rng.choice(NOUNS)}",
                f"kubectl --context prod-{rng.choice(['eu1', 'us1', 'ap1'])} -n {ns} get pods -l app={svc} -o wide"]
    if choice == 1:
        return [f"kubectl -n {ns} rollout restart deployment/{svc}",
                f"kubectl -n {ns} rollout status deployment/{svc} --timeout={rng.choice([60, 120, 300])}s"]
    if choice == 2:
        return [f"for host in $(cat hosts/{ns}.txt); do",
                f'  ssh "$host" "sudo systemctl restart {svc}"',
                f"  sleep {rng.randint(2, 30)}",
                "done"]
    if choice == 3:
        return [f"curl -sf -H \"Authorization: Bearer ${{TOKEN}}\" https://{svc}.internal/healthz | jq '.{ident(rng)}'"]
    if choice == 4:
        table = ident(rng) + "s"
        return [f'psql "$DATABASE_URL" -c "SELECT count(*) FROM {table} WHERE created_at > now() - interval \'{rng.randint(5, 90)} minutes\';"']
    if choice == 5:
        return [f'if [[ "$(curl -s -o /dev/null -w "%{{http_code}}" https://{svc}.internal/ready)" != "200" ]]; then',
                f'  echo "{svc} is not ready" >&2',
                "  exit 1",
                "fi"]
    if choice == 6:
        return [f"export {ident(rng, 'upper')}={rng.choice(['true', 'false', str(rng.randint(1, 500)), ns])}"]
    fname = ident(rng)
    return [f"{fname}() {{",
            '  local target="$1"',
            f'  echo "{rng.choice(VERBS)} $target"',
            f"  kubectl -n {ns} scale deployment/\"$target\" --replicas={rng.randint(0, 12)}",
            "}",
            f"{fname} {svc}"]


def code_yaml(rng):
    """YAML units: alert rules, workflow steps, Kubernetes fragments."""
    svc = _svc(rng)
    choice = rng.randrange(3)
    if choice == 0:
        name = "".join(w.title() for w in svc.split("-")) + rng.choice(["HighErrorRate", "LagHigh", "SaturationHigh", "Down"])
        return [f"- alert: {name}",
                f'  expr: sum(rate(http_requests_total{{service="{svc}",code=~"5.."}}[5m]) > 0.0{rng.randint(1, 9)}',
                f"  for: {rng.choice([2, 5, 10, 15])}m",
                "  labels:",
                f"    severity: {rng.choice(['page', 'ticket', 'info'])}",
                f"    team: {svc.split('-')[0]}",
                "  annotations:",
                f'    summary: "{svc} {rng.choice(PROBLEMS)}"',
                f"    runbook_url: https://handbook.acme.dev/runbooks/{svc}.html"]
    if choice == 1:
        return [f"- name: {rng.choice(GUIDE_VERBS)} {rng.choice(GUIDE_OBJECTS)}",
                f"  run: make {ident(rng, 'kebab')} SERVICE={svc}",
                "  env:",
                f"    {ident(rng, 'upper')}: ${{{{ secrets.{ident(rng, 'upper')} }}}}",
                f"  timeout-minutes: {rng.choice([5, 10, 20, 30])}"]
    return [f"- name: {svc}",
            f"  image: registry.acme.dev/{svc}:{rng.randint(1, 9)}.{rng.randint(0, 40)}.{rng.randint(0, 20)}",
            "  resources:",
            f"    requests: {{cpu: {rng.choice(['100m', '250m', '500m', '1'])}, memory: {rng.choice(['128Mi', '256Mi', '1Gi'])}}}",
            f"    limits: {{memory: {rng.choice(['512Mi', '1Gi', '2Gi'])}}}",
            "  readinessProbe:",
            f"    httpGet: {{path: /ready, port: {rng.choice([8080, 9000, 3000])}}}"]


def code_sql(rng):
    """SQL units: queries, index builds, batched updates."""
    table, col = ident(rng) + "s", ident(rng)
    choice = rng.randrange(4)
    if choice == 0:
        other = ident(rng) + "s"
        return [f"SELECT t.id, t.{col}, count(o.id) AS n",
                f"FROM {table} AS t",
                f"JOIN {other} AS o ON o.{table[:-1]}_id = t.id",
                f"WHERE t.created_at > now() - interval '{rng.randint(1, 30)} days'",
                f"  AND t.status = '{rng.choice(['pending', 'failed', 'active'])}'",
                "GROUP BY t.id",
                f"ORDER BY n DESC LIMIT {rng.choice([10, 50, 100])};", ""]
    if choice == 1:
        return [f"CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_{table}_{col}",
                f"    ON {table} ({col}, created_at);", ""]
    if choice == 2:
        return [f"UPDATE {table}",
                f"SET {col} = NULL, updated_at = now()",
                f"WHERE id IN (SELECT id FROM {table} WHERE {col} IS NOT NULL LIMIT {rng.choice([500, 1000, 5000])});", ""]
    return [f"EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM {table} WHERE {col} = ${rng.randint(1, 3)};", ""]


def code_python(rng):
    """Python units: small functions with docstrings."""
    fn, arg, other = ident(rng), ident(rng), ident(rng)
    return [f"def {fn}({arg}, *, retries={rng.randint(1, 5)}):",
            f'    """{rng.choice(VERBS).capitalize()} the {rng.choice(NOUNS)} for {arg}."""',
            "    for attempt in range(retries):",
            "        try:",
            f"            return client.{other}({arg}, timeout={rng.choice([1, 2, 5, 10])})",
            "        except TimeoutError:",
            f"            log.warning(\"{fn} timed out\", extra={{\"attempt\": attempt}})",
            f"            time.sleep(2 ** attempt)",
            f"    raise RuntimeError(f\"{fn} failed after {{retries}} attempts\")",
            ""]


def code_go(rng):
    """Go units: functions with error handling."""
    fn, typ = ident(rng, "pascal"), ident(rng, "pascal")
    arg = ident(rng, "camel")
    return [f"func {fn}(ctx context.Context, {arg} *{typ}) error {{",
            f"\tctx, cancel := context.WithTimeout(ctx, {rng.randint(1, 30)}*time.Second)",
            "\tdefer cancel()",
            f"\tif err := {arg}.Validate(); err != nil {{",
            f"\t\treturn fmt.Errorf(\"{fn}: %w\", err)",
            "\t}",
            f"\tmetrics.{ident(rng, 'pascal')}.Inc()",
            f"\treturn store.Save(ctx, {arg})",
            "}",
            ""]


def code_rust(rng):
    """Rust units: functions returning Result with a match."""
    fn, typ = ident(rng), ident(rng, "pascal")
    return [f"pub fn {fn}(input: &{typ}) -> Result<{ident(rng, 'pascal')}, Error> {{",
            "    match input.state() {",
            f"        State::Ready => Ok(input.{ident(rng)}()?),",
            f"        State::Pending {{ since }} if since.elapsed() > Duration::from_secs({rng.choice([30, 60, 300])}) => {{",
            f"            Err(Error::Timeout(\"{fn}\"))",
            "        }",
            "        other => Err(Error::Unexpected(format!(\"{other:?}\"))),",
            "    }",
            "}",
            ""]


def code_toml(rng):
    """TOML units: config sections."""
    return [f"[{ident(rng)}]",
            f'endpoint = "https://{_svc(rng)}.internal"',
            f"timeout_ms = {rng.choice([250, 500, 1000, 3000])}",
            f"retries = {rng.randint(0, 5)}",
            f"enabled = {rng.choice(['true', 'false'])}",
            f'owners = ["{rng.choice(DOMAINS)}", "{rng.choice(PLATFORM_TEAMS)}"]',
            ""]


def code_javascript(rng):
    """JavaScript units: async functions and exported config."""
    fn = ident(rng, "camel")
    return [f"export async function {fn}({ident(rng, 'camel')}) {{",
            f"  const res = await fetch(`/api/v{rng.randint(1, 3)}/{ident(rng, 'kebab')}`, {{",
            f"    method: '{rng.choice(['GET', 'POST', 'PUT'])}',",
            "    headers: { 'content-type': 'application/json' },",
            "  });",
            "  if (!res.ok) {",
            f"    throw new Error(`{fn} failed: ${{res.status}}`);",
            "  }",
            "  return res.json();",
            "}",
            ""]


CODE_UNITS = {
    "bash": code_bash, "yaml": code_yaml, "sql": code_sql, "python": code_python,
    "go": code_go, "rust": code_rust, "toml": code_toml,
    "javascript": code_javascript,
}
CODE_HEADERS = {
    "bash": ["#!/usr/bin/env bash", "set -euo pipefail", ""],
    "python": ["import time", "import logging", "", "log = logging.getLogger(__name__)", ""],
    "go": ["package main", "", 'import (\n\t"context"\n\t"fmt"\n\t"time"\n)', ""],
    "rust": ["use std::time::Duration;", ""],
}


def json_block(rng, target: int) -> str:
    """A JSON document (log events or config) of roughly `target` bytes."""
    events = []
    size = 0
    while size < target:
        event = {
            "ts": f"2026-11-{rng.randint(1, 23):02d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}Z",
            "level": rng.choice(["error", "warn", "info"]),
            "service": _svc(rng),
            "msg": f"{rng.choice(PROBLEMS)}",
            ident(rng): rng.randint(0, 10000),
            "trace_id": f"{rng.getrandbits(64):016x}",
        }
        events.append(event)
        size += 190
    return json.dumps({"events": events}, indent=2) + "\n"


def code_block(rng, lang: str, target: int) -> str:
    """Content of one fenced block in `lang`, at least about `target` bytes."""
    if lang == "json":
        return json_block(rng, target)
    lines = list(CODE_HEADERS.get(lang, [])) if rng.random() < 0.6 else []
    size = sum(len(x) + 1 for x in lines)
    unit = CODE_UNITS[lang]
    while size < target:
        part = unit(rng)
        lines.extend(part)
        size += sum(len(x) + 1 for x in part)
    while lines and lines[-1] == "":
        lines.pop()
    return "\n".join(lines) + "\n"


KIND_LANGS = {
    "runbook": [("bash", 5), ("sql", 2), ("json", 2), ("yaml", 2), ("python", 1)],
    "adr": [("yaml", 2), ("toml", 2), ("go", 2), ("rust", 2), ("json", 1), ("sql", 1)],
    "standard": [("yaml", 4), ("toml", 2), ("bash", 1), ("javascript", 1), ("python", 1)],
    "role-matrix": [("yaml", 1)],
    "onboarding": [("bash", 5), ("toml", 1), ("yaml", 1), ("python", 1)],
    "guide": [("bash", 3), ("yaml", 2), ("sql", 2), ("python", 2), ("go", 2),
              ("rust", 2), ("json", 1), ("toml", 1), ("javascript", 2)],
}


def pick_weighted(rng, pairs):
    """Choose from [(value, weight), ...]."""
    values = [v for v, _ in pairs]
    weights = [w for _, w in pairs]
    return rng.choices(values, weights)[0]


# --------------------------------------------------------------------------
# Plan: which pages exist, where, with which headings and metadata
# --------------------------------------------------------------------------

@dataclass
class Page:
    """One page of the handbook, decided before any body is written."""
    index: int
    kind: str                       # adr | runbook | role-matrix | standard | guide | onboarding
    folder: str                     # relative to src, '' for the root
    slug: str
    title: str
    domain: str
    sections: list = field(default_factory=list)   # [(level, heading, role)]
    adr_number: int | None = None
    meta: dict = field(default_factory=dict)       # handbook frontmatter, in order
    has_frontmatter: bool = True

    @property
    def path(self) -> str:
        """Path relative to src, with forward slashes."""
        return posixpath.join(self.folder, self.slug + ".md") if self.folder else self.slug + ".md"

    @property
    def real_kind(self) -> str:
        """Kind as the SPEC knows it (onboarding pages are guides)."""
        return "guide" if self.kind == "onboarding" else self.kind


@dataclass
class People:
    """The owners registry: people and teams."""
    people: list            # [(id, display name, active)]
    teams: dict             # id -> (name, [member ids], channel)

    def active_people(self):
        return [p for p, _, active in self.people if active]


def make_people(rng: random.Random, pages: int) -> People:
    """People scale with the corpus (~1 per 25 pages); teams are fixed."""
    count = max(24, pages // 25)
    combos = [(f, l) for f in FIRST_NAMES for l in LAST_NAMES]
    rng.shuffle(combos)
    people = []
    for i in range(count):
        first, last = combos[i % len(combos)]
        pid = f"{first}-{last}" + (f"{i // len(combos)}" if i >= len(combos) else "")
        name = f"{DISPLAY_OVERRIDES.get(first, first.capitalize())} {DISPLAY_OVERRIDES.get(last, last.capitalize())}"
        people.append((pid, name, rng.random() >= 0.05))
    ids = [p[0] for p in people]
    teams = {}
    for team in DOMAINS + PLATFORM_TEAMS:
        members = sorted(rng.sample(ids, rng.randint(2, 8)))
        teams[team] = (titlecase_domain(team), members, f"#{team}-oncall")
    return People(people, teams)


def folder_tree(rng, root: str, n: int, pool1: list, pool2: list) -> list[str]:
    """`n` folders under `root`: one level from pool1, then a second level."""
    n = max(1, n)
    if n == 1:
        return [root]
    first = sorted(rng.sample(pool1, min(len(pool1), n)))
    folders = [f"{root}/{name}" for name in first]
    used = {f: [] for f in folders}
    parents = list(folders)
    while len(folders) < n:
        parent = rng.choice(parents)
        free = [x for x in pool2 if x not in used[parent]]
        if not free:
            parents.remove(parent)
            if not parents:
                break
            continue
        child = rng.choice(free)
        used[parent].append(child)
        folders.append(f"{parent}/{child}")
    return sorted(folders)


def kind_counts(pages: int) -> dict:
    """Number of pages per kind (the home page is extra)."""
    body = max(len(KIND_SHARES), pages - 1)
    counts = {k: int(body * share) for k, share in KIND_SHARES}
    counts["guide"] += body - sum(counts.values())
    return counts


def page_title(rng, kind: str, folder: str, domain: str) -> str:
    """A title that fits the kind."""
    if kind == "runbook":
        comp = folder.rsplit("/", 1)[-1] if folder.count("/") >= 2 else rng.choice(COMPONENTS)
        return f"{titlecase_domain(domain)} {comp.replace('-', ' ')} {rng.choice(PROBLEMS)}"
    if kind == "adr":
        return rng.choice([
            f"Use {rng.choice(TECH)} for {rng.choice(PURPOSES)}",
            f"Replace {rng.choice(TECH)} with {rng.choice(TECH)} for {rng.choice(PURPOSES)}",
            f"Adopt {rng.choice(PURPOSES)} in {titlecase_domain(domain)}",
            f"Move {rng.choice(NOUNS)} handling to the {rng.choice(COMPONENTS).replace('-', ' ')}",
        ])
    if kind == "standard":
        return f"{rng.choice(STANDARD_RULES)} for {titlecase_domain(domain)}"
    if kind == "role-matrix":
        return f"{rng.choice(ROLE_TITLES)} {rng.choice(['responsibility matrix', 'career ladder', 'expectations', 'skills matrix'])} ({titlecase_domain(domain)})"
    if kind == "onboarding":
        return f"{titlecase_domain(domain)} onboarding: {rng.choice(ONBOARDING_TITLES).lower()}"
    topic = folder.rsplit("/", 1)[-1].replace("-", " ")
    return rng.choice([
        f"{rng.choice(GUIDE_VERBS)} {rng.choice(GUIDE_OBJECTS)} with {topic}",
        f"{topic.capitalize()} guide: {rng.choice(GUIDE_VERBS).lower()} {rng.choice(GUIDE_OBJECTS)}",
        f"How {titlecase_domain(domain)} uses {topic}",
        f"{topic.capitalize()} in practice: {rng.choice(PURPOSES)}",
    ])


def heading_words(rng, count: int, exclude: set) -> list[str]:
    """Unique plain-word headings (letters, digits, spaces only)."""
    out = []
    while len(out) < count:
        h = rng.choice([
            f"{rng.choice(GUIDE_VERBS)} {rng.choice(GUIDE_OBJECTS)}",
            f"{rng.choice(ADJECTIVES).capitalize()} {rng.choice(NOUNS)}s",
            f"When the {rng.choice(NOUNS)} is {rng.choice(ADJECTIVES)}",
            f"Working with {rng.choice(TECH)}",
        ])
        h = re.sub(r"[^A-Za-z0-9 ]", " ", h)
        h = re.sub(r" +", " ", h).strip()
        if h.lower() not in exclude:
            exclude.add(h.lower())
            out.append(h)
    return out


def plan_sections(rng, kind: str) -> list:
    """Headings of a page as [(level, text, role)]; all unique within a page."""
    seen: set = set()

    def fixed(*names):
        for n in names:
            seen.add(n.lower())
        return list(names)

    s = []
    if kind == "runbook":
        required = list(RUNBOOK_SECTIONS)
        if rng.random() < 0.05:            # a few incomplete runbooks
            required.remove(rng.choice(required))
        s.append((2, "Summary", "prose"))
        for name in fixed("Summary", *required):
            if name == "Summary":
                continue
            role = {"Failure signature": "signature", "Mitigation": "mitigation"}.get(name, "prose")
            s.append((2, name, role))
            if name == "Mitigation":
                for h in heading_words(rng, rng.randint(1, 3), seen):
                    s.append((3, h, "mitigation"))
        fixed("Escalation")
        s.append((2, "Escalation", "escalation"))
    elif kind == "adr":
        for name in fixed("Context", "Decision", "Consequences"):
            s.append((2, name, "design" if name == "Decision" else "prose"))
        fixed("Alternatives considered")
        s.append((2, "Alternatives considered", "prose"))
        for h in heading_words(rng, rng.randint(1, 3), seen):
            s.append((3, h, "prose"))
    elif kind == "standard":
        for name in fixed("Rule", "Rationale", "How it is enforced", "Exceptions", "Examples"):
            role = {"How it is enforced": "enforce", "Examples": "design", "Rule": "rules"}.get(name, "prose")
            s.append((2, name, role))
    elif kind == "role-matrix":
        for name in fixed("Scope", "Responsibilities", "Expectations by level", "Promotion signals"):
            role = {"Responsibilities": "matrix", "Expectations by level": "levels"}.get(name, "prose")
            s.append((2, name, role))
    elif kind == "onboarding":
        for name in fixed("Before day one", "Access checklist", "Local setup", "Week one", "Who to ask"):
            role = {"Access checklist": "checklist", "Local setup": "setup", "Who to ask": "contacts"}.get(name, "prose")
            s.append((2, name, role))
    else:
        for name in fixed("Overview", "Prerequisites"):
            s.append((2, name, "prose" if name == "Overview" else "list"))
        for h in heading_words(rng, rng.randint(2, 5), seen):
            s.append((2, h, "design"))
            if rng.random() < 0.4:
                for sub in heading_words(rng, 1, seen):
                    s.append((3, sub, "design"))
        fixed("Troubleshooting")
        s.append((2, "Troubleshooting", "design"))
    return s


def review_date(rng, interval: int, meta: dict) -> None:
    """Fill `reviewed` (or an alias) with a fresh, due-soon, stale or no date."""
    roll = rng.random()
    if roll < 0.04:
        return                                   # review-missing
    if roll < 0.66:
        days = rng.randint(0, max(1, interval - 20))            # fresh
    elif roll < 0.74:
        days = interval - rng.randint(1, 12)                     # due soon
    else:
        days = interval + rng.randint(3, 420)                    # stale
    when = TODAY - dt.timedelta(days=days)
    key = pick_weighted(rng, [("reviewed", 94), ("last_reviewed_on", 3), ("last_reviewed", 3)])
    meta[key] = Quoted(when.isoformat()) if rng.random() < 0.1 else when


def owners_field(rng, page: Page, people: People, meta: dict) -> None:
    """Owners in the forms people write them, with a few problems mixed in."""
    active = people.active_people()
    inactive = [p for p, _, a in people.people if not a]
    team = page.domain if page.domain in people.teams else rng.choice(sorted(people.teams))
    roll = rng.random()
    if roll < 0.02:
        return                                                   # owner-missing
    if roll < 0.04:
        meta["owners"] = [f"team-{rng.choice(COMPONENTS)}"]      # owner-unknown
    elif roll < 0.06 and inactive:
        meta["owners"] = [f"@{rng.choice(inactive)}"]            # owner-inactive
    elif roll < 0.11:
        meta["owner"] = f"@{rng.choice(active)}"                 # owner-single
    elif roll < 0.14:
        meta["maintainers"] = [team, rng.choice(PLATFORM_TEAMS)]
    elif roll < 0.32:
        meta["owners"] = [team, f"@{rng.choice(active)}"]
    else:
        meta["owners"] = [team]


def make_meta(rng, page: Page, people: People, adr_meta: dict) -> dict:
    """Frontmatter for one page, in the order a person would write it."""
    meta: dict = {"title": page.title}
    if page.kind != "onboarding" and rng.random() < 0.88:
        meta["kind"] = page.real_kind
    elif page.kind == "onboarding" and rng.random() < 0.5:
        meta["kind"] = "guide"
    owners_field(rng, page, people, meta)
    if page.kind == "adr":
        meta.update(adr_meta)
        if rng.random() < 0.3:
            review_date(rng, 365, meta)
    else:
        interval = REVIEW_INTERVAL_DAYS[page.kind]
        if rng.random() < 0.1:
            label, interval = rng.choice([("30d", 30), ("12w", 84), ("6m", 182), ("1y", 365),
                                          ("6 months", 182), ("90 days", 90)])
            meta["review_every"] = label
        review_date(rng, interval, meta)
    meta["domain"] = page.domain
    meta["tags"] = sorted(rng.sample(TAGS, rng.randint(1, 4)))
    if page.kind == "standard" and rng.random() < 0.8:
        meta["enforced_by"] = rng.choice([
            f".github/workflows/{page.slug[:40].rstrip('-')}.yml",
            f"ci/lint/{page.domain}.sh",
            f"policies/{slugify(page.title)[:30].rstrip('-')}.rego",
        ])
    if page.kind == "runbook" and rng.random() < 0.6:
        actions = []
        for _ in range(rng.randint(1, 4)):
            action = {"what": f"{rng.choice(GUIDE_VERBS)} {rng.choice(GUIDE_OBJECTS)}"}
            if rng.random() > 0.03:
                action["owner"] = f"@{rng.choice(people.active_people())}" if rng.random() < 0.7 else page.domain
            action["due"] = TODAY + dt.timedelta(days=rng.randint(-150, 120))
            action["done"] = rng.random() < 0.55
            actions.append(action)
        meta["actions"] = actions
    return meta


def plan(pages: int, seed: int) -> tuple[list[Page], People, list[str]]:
    """Decide every page, folder and owner before writing anything."""
    rng = random.Random(f"handbook-plan:{seed}")
    people = make_people(rng, pages)
    counts = kind_counts(pages)

    folders_by_kind = {"adr": ["adr"]}
    folders_by_kind["runbook"] = folder_tree(rng, "runbooks", round(counts["runbook"] / PAGES_PER_FOLDER["runbook"]), DOMAINS, COMPONENTS)
    folders_by_kind["role-matrix"] = folder_tree(rng, "roles", round(counts["role-matrix"] / PAGES_PER_FOLDER["role-matrix"]), ROLE_DEPTS, LEVELS)
    folders_by_kind["standard"] = folder_tree(rng, "standards", round(counts["standard"] / PAGES_PER_FOLDER["standard"]), STANDARD_AREAS, ["api", "web", "mobile", "data", "infra"])
    folders_by_kind["onboarding"] = folder_tree(rng, "onboarding", round(counts["onboarding"] / PAGES_PER_FOLDER["onboarding"]), DOMAINS + PLATFORM_TEAMS, ["week-one", "tooling", "access", "on-call"])
    folders_by_kind["guide"] = folder_tree(rng, "guides", round(counts["guide"] / PAGES_PER_FOLDER["guide"]), GUIDE_AREAS, GUIDE_TOPICS)

    result: list[Page] = [Page(0, "guide", "", "index", "Acme Engineering Handbook", "developer-tools")]
    used_slugs: dict = {}
    for kind, _ in KIND_SHARES:
        folders = folders_by_kind[kind]
        weights = [rng.uniform(0.4, 2.0) for _ in folders]
        for n in range(counts[kind]):
            folder = rng.choices(folders, weights)[0]
            if kind == "runbook" and folder.count("/") >= 1:
                domain = folder.split("/")[1]
            elif kind == "onboarding" and folder.count("/") >= 1 and folder.split("/")[1] in DOMAINS:
                domain = folder.split("/")[1]
            else:
                domain = rng.choice(DOMAINS)
            title = page_title(rng, kind, folder, domain)
            page = Page(len(result), kind, folder, "", title, domain)
            base = slugify(title)[:60].rstrip("-")
            if kind == "adr":
                page.adr_number = n + 1
                base = f"{page.adr_number:04d}-{base}"
            taken = used_slugs.setdefault(folder, set())
            slug, k = base, 2
            while slug in taken:
                slug, k = f"{base}-{k}", k + 1
            taken.add(slug)
            page.slug = slug
            result.append(page)

    adr_meta = plan_adrs(rng, [p for p in result if p.kind == "adr"])
    for page in result:
        prng = random.Random(f"handbook-meta:{seed}:{page.index}")
        page.sections = plan_sections(prng, page.kind)
        if page.index == 0:
            page.sections = [(2, "How this handbook works", "prose"), (2, "Where to start", "prose")]
        page.meta = make_meta(prng, page, people, adr_meta.get(page.index, {}))
        if page.kind == "guide" and page.index and prng.random() < 0.005:
            page.has_frontmatter = False                         # plain markdown page
    all_folders = sorted({"/".join(p.folder.split("/")[:depth])
                          for p in result if p.folder
                          for depth in range(1, p.folder.count("/") + 2)})
    return result, people, all_folders


def plan_adrs(rng, adrs: list[Page]) -> dict:
    """Status, dates and consistent supersede chains for the ADR log."""
    out = {}
    n = len(adrs)
    start = dt.date(2019, 1, 7)
    span = (TODAY - start).days
    for i, page in enumerate(adrs):
        when = start + dt.timedelta(days=int(span * i / max(1, n)))
        status = pick_weighted(rng, [("accepted", 78), ("rejected", 6), ("deprecated", 6), ("proposed", 4)])
        if i >= n - max(3, n // 40):
            status = "proposed" if rng.random() < 0.6 else "accepted"
        out[page.index] = {"status": status, "date": when}
    # B supersedes A: A becomes superseded and points back to B.
    superseded: set = set()
    for i, page in enumerate(adrs):
        if i < 5 or rng.random() >= 0.1:
            continue
        j = rng.randrange(0, i)
        if j in superseded or out[adrs[j].index]["status"] == "proposed":
            continue
        superseded.add(j)
        out[page.index]["status"] = "accepted"
        out[page.index]["supersedes"] = [adrs[j].adr_number]
        out[adrs[j].index]["status"] = "superseded"
        out[adrs[j].index]["superseded_by"] = page.adr_number
    return out


# --------------------------------------------------------------------------
# Rendering bodies
# --------------------------------------------------------------------------

class BodyWriter:
    """Builds one page body: sections of blocks, filled to a byte target."""

    def __init__(self, rng: random.Random, page: Page, pages: list[Page], by_folder: dict, adr_by_number: dict):
        self.rng = rng
        self.page = page
        self.pages = pages
        self.by_folder = by_folder
        self.adr_by_number = adr_by_number
        self.code_bytes = 0
        self.blocks = 0

    # --- inline pieces ---------------------------------------------------

    def sentence(self) -> str:
        """One sentence of handbook prose."""
        r = self.rng
        roll = r.random()
        if roll < 0.45:
            s = f"{r.choice(SUBJECTS)} {r.choice(VERBS)} the {r.choice(ADJECTIVES)} {r.choice(NOUNS)} {r.choice(TAILS)}."
        elif roll < 0.6:
            s = f"{r.choice(OPENERS)} {r.choice(SUBJECTS).lower()} {r.choice(VERBS)} every {r.choice(NOUNS)}."
        elif roll < 0.72:
            s = f"Set `{ident(r)}` to `{r.choice(['true', 'false', r.randint(1, 900)])}` on the {r.choice(NOUNS)} {r.choice(TAILS)}."
        elif roll < 0.82:
            s = f"The {r.choice(NOUNS)} for {titlecase_domain(r.choice(DOMAINS))} runs on {r.choice(TECH)}, so {r.choice(SUBJECTS).lower()} {r.choice(VERBS)} it {r.choice(TAILS)}."
        elif roll < 0.9:
            s = f"Expect p99 latency under {r.choice([80, 120, 250, 400, 800])} ms and an error rate below {r.choice(['0.1', '0.5', '1'])}% for the {r.choice(ADJECTIVES)} path."
        else:
            s = f"**Do not** {r.choice(VERBS).split()[0].rstrip('s')} the {r.choice(NOUNS)} by hand; {r.choice(SUBJECTS).lower()} {r.choice(VERBS)} it {r.choice(TAILS)}."
        return s

    def link_sentence(self) -> str:
        """A sentence with a valid relative link, sometimes to a heading."""
        r = self.rng
        here = self.page
        siblings = self.by_folder.get(here.folder, [])
        if siblings and r.random() < 0.5:
            target = self.pages[r.choice(siblings)]
        else:
            target = self.pages[r.randrange(len(self.pages))]
        if target.index == here.index:
            heading = r.choice(here.sections)[1] if here.sections else None
            if not heading:
                return self.sentence()
            return f"See [{heading.lower()}](#{anchor(heading)}) below."
        href = posixpath.relpath(target.path, here.folder or ".")
        if target.sections and r.random() < 0.35:
            href += "#" + anchor(r.choice(target.sections)[1])
        lead = r.choice(["See", "Read", "Compare with", "Background is in", "Start from", "This builds on"])
        return f"{lead} [{target.title}]({href}) {r.choice(TAILS)}."

    def paragraph(self, short: bool = False) -> str:
        """A paragraph of 3-6 sentences (1-3 when `short`)."""
        n = self.rng.randint(1, 3) if short else self.rng.randint(3, 6)
        parts = [self.link_sentence() if self.rng.random() < 0.09 else self.sentence() for _ in range(n)]
        return " ".join(parts)

    def bullet_list(self, ordered: bool = False, checklist: bool = False) -> str:
        """A bulleted, numbered or checkbox list of 3-6 items."""
        items = []
        for i in range(self.rng.randint(3, 6)):
            text = self.sentence() if self.rng.random() < 0.85 else self.link_sentence()
            if checklist:
                items.append(f"- [{'x' if self.rng.random() < 0.3 else ' '}] {text}")
            else:
                items.append(f"{i + 1}. {text}" if ordered else f"- {text}")
        return "\n".join(items)

    def table(self, header: list[str], rows: list[list[str]]) -> str:
        """A GitHub-style pipe table."""
        lines = ["| " + " | ".join(header) + " |", "| " + " | ".join("---" for _ in header) + " |"]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines)

    def generic_table(self) -> str:
        """A small service status table."""
        r = self.rng
        rows = [[f"`{_svc(r)}`", r.choice(ADJECTIVES), f"{r.randint(1, 999)} ms", f"@{r.choice(FIRST_NAMES)}"]
                for _ in range(r.randint(3, 8))]
        return self.table(["Service", "State", "p99", "Contact"], rows)

    def code(self, lang: str | None = None) -> str:
        """A fenced code block; counts its content bytes."""
        r = self.rng
        lang = lang or pick_weighted(r, KIND_LANGS[self.page.kind])
        target = int(min(6000, max(120, lognormal(r, MEAN_BLOCK_TARGET, 0.6))))
        content = code_block(r, lang, target)
        self.code_bytes += len(content.encode())
        self.blocks += 1
        return f"```{lang}\n{content}```"

    # --- section openers by role -------------------------------------------

    def opening(self, role: str) -> list[str]:
        """First blocks of a section, chosen by what the section is for."""
        r = self.rng
        if role == "escalation":
            rows = [[f"{m} min", f"`#{self.page.domain}-oncall`", r.choice(["Page secondary", "Page the incident commander", "Open a sev2", "Notify support"])]
                    for m in (5, 15, 30, 60)]
            return [self.paragraph(short=True), self.table(["After", "Channel", "Then"], rows)]
        if role == "matrix":
            levels = LEVELS[: r.randint(4, 6)]
            rows = [[resp] + [r.choice(MATRIX_CELLS) for _ in levels] for resp in r.sample(RESPONSIBILITIES, r.randint(6, 12))]
            return [self.paragraph(short=True), self.table(["Responsibility"] + levels, rows)]
        if role == "levels":
            rows = [[lvl, self.sentence(), r.choice(["Team", "Group", "Org", "Company"])] for lvl in LEVELS]
            return [self.table(["Level", "Expectation", "Scope"], rows)]
        if role == "checklist":
            return [self.bullet_list(checklist=True)]
        if role == "contacts":
            rows = [[f"`#{d}`", titlecase_domain(d), self.sentence()] for d in r.sample(DOMAINS, 4)]
            return [self.table(["Channel", "Team", "Ask about"], rows)]
        if role == "rules":
            return [self.paragraph(short=True), self.bullet_list(ordered=True)]
        if role == "list":
            return [self.bullet_list()]
        if role == "mitigation":
            return [self.paragraph(short=True), self.bullet_list(ordered=True)]
        return [self.paragraph(short=True)]

    # --- the page ----------------------------------------------------------

    def body(self, fixed_bytes: int) -> str:
        """The markdown body; `fixed_bytes` is what the frontmatter takes."""
        r = self.rng
        page = self.page
        size_factor = KIND_SIZE[page.kind] / _MEAN_KIND_SIZE
        target = lognormal(r, MEAN_PAGE_BYTES * FILL_CALIBRATION * size_factor, 0.45)
        sections = page.sections
        blocks: list[list[str]] = [self.opening(role) for _, _, role in sections]

        # Code blocks go where they make sense for the kind.
        n_code = poisson(r, KIND_BLOCKS[page.kind] * _BLOCK_SCALE) if page.index else 1
        code_slots = [i for i, (_, _, role) in enumerate(sections)
                      if role in ("signature", "mitigation", "design", "enforce", "setup")] or list(range(len(sections)))
        for _ in range(n_code):
            i = r.choice(code_slots)
            role = sections[i][2]
            lang = "json" if role == "signature" and r.random() < 0.6 else None
            if role == "setup":
                lang = "bash"
            blocks[i].append(self.code(lang))

        if page.kind == "adr":
            extra = []
            for num in page.meta.get("supersedes", []):
                other = self.adr_by_number[num]
                extra.append(f"This decision supersedes [ADR {num:04d}]({other.slug}.md).")
            if "superseded_by" in page.meta:
                num = page.meta["superseded_by"]
                extra.append(f"Superseded by [ADR {num:04d}]({self.adr_by_number[num].slug}.md).")
            if extra:
                blocks[0].insert(0, " ".join(extra))

        # Fill with prose until the page reaches its size target.
        heads = sum(level + 2 + len(h) for level, h, _ in sections)
        current = fixed_bytes + heads + sum(len(b) + 2 for bs in blocks for b in bs)
        while current < target:
            i = r.randrange(len(sections))
            roll = r.random()
            if roll < 0.8:
                block = self.paragraph()
            elif roll < 0.95:
                block = self.bullet_list(ordered=roll < 0.85)
            else:
                block = self.generic_table()
            # Half the time the prose goes before the section's last block, so
            # code blocks are not always at the end of their section.
            pos = len(blocks[i]) if r.random() < 0.5 else max(0, len(blocks[i]) - 1)
            blocks[i].insert(pos, block)
            current += len(block) + 2

        out = []
        if not page.has_frontmatter:
            out.append(f"# {page.title}")
        for (level, heading, _), bs in zip(sections, blocks):
            out.append("#" * level + " " + heading)
            out.extend(bs)
        return "\n\n".join(out) + "\n"


_MEAN_KIND_SIZE = sum(KIND_SIZE[k] * s for k, s in KIND_SHARES)
_BLOCK_SCALE = MEAN_BLOCKS_PER_PAGE / sum(KIND_BLOCKS[k] * s for k, s in KIND_SHARES)


# --------------------------------------------------------------------------
# Writing the three layouts
# --------------------------------------------------------------------------

BOOK_TOML = """\
[book]
title = "Acme Engineering Handbook"
src = "src"
description = "How Acme engineering builds, runs and decides: generated benchmark corpus ({pages} pages, seed {seed})."
language = "en"

[build]
build-dir = "book"
site-url = "https://handbook.acme.dev/"
edit-url-template = "https://github.com/acme/handbook/edit/main/{{path}}"

[review]
default-interval = "180d"
warn-before = "14d"

[review.interval]
runbook = "90d"
standard = "180d"
role-matrix = "365d"
guide = "180d"
adr = "never"

[owners]
registry = "owners.yaml"

[kinds.runbook]
required-sections = ["Failure signature", "Mitigation", "Root cause", "Prevention"]

[kinds.adr]
proposed-max-age = "30d"
"""

HUGO_TOML = """\
baseURL = "https://handbook.acme.dev/"
title = "Acme Engineering Handbook"
disableKinds = ["taxonomy", "term", "RSS"]
uglyURLs = true
buildFuture = true

[markup.highlight]
noClasses = false
codeFences = true
guessSyntax = false

[markup.goldmark.renderer]
unsafe = true
"""

HUGO_BASEOF = """\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} · {{ site.Title }}</title>
<link rel="stylesheet" href="/chroma.css">
</head>
<body data-kind="{{ .Params.kind | default "guide" }}">
<header><a href="{{ site.Home.RelPermalink }}">{{ site.Title }}</a></header>
<main>{{ block "main" . }}{{ end }}</main>
</body>
</html>
"""

HUGO_PAGE = """\
{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
<dl class="meta">
{{ with .Params.kind }}<dt>Kind</dt><dd>{{ . }}</dd>{{ end }}
{{ with .Params.owners }}<dt>Owners</dt><dd>{{ delimit . ", " }}</dd>{{ end }}
{{ with .Params.owner }}<dt>Owner</dt><dd>{{ . }}</dd>{{ end }}
{{ with .Params.reviewed }}<dt>Reviewed</dt><dd>{{ . }}</dd>{{ end }}
{{ with .Params.review_every }}<dt>Review every</dt><dd>{{ . }}</dd>{{ end }}
{{ with .Params.domain }}<dt>Domain</dt><dd>{{ . }}</dd>{{ end }}
{{ with .Params.tags }}<dt>Tags</dt><dd>{{ delimit . ", " }}</dd>{{ end }}
{{ with .Params.status }}<dt>Status</dt><dd>{{ . }}</dd>{{ end }}
{{ with .Params.enforced_by }}<dt>Enforced by</dt><dd><code>{{ . }}</code></dd>{{ end }}
</dl>
{{ with .Params.actions }}<ul class="actions">{{ range . }}<li>{{ .what }} ({{ .owner }}, due {{ .due }}){{ if .done }} ✓{{ end }}</li>{{ end }}</ul>{{ end }}
{{ .Content }}
</article>
{{ end }}
"""

HUGO_LIST = """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ .Content }}
<ul>
{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{ end }}
</ul>
{{ end }}
"""


def owners_yaml(people: People) -> str:
    """owners.yaml in the SPEC's shape."""
    lines = ["teams:"]
    for tid in sorted(people.teams):
        name, members, channel = people.teams[tid]
        lines += [f"  {tid}:", f"    name: {yaml_scalar(name)}",
                  f"    members: [{', '.join(members)}]", f"    channel: {yaml_scalar(channel)}"]
    lines.append("people:")
    for pid, name, active in people.people:
        extra = "" if active else ", active: false"
        lines.append(f"  {pid}: {{ name: {yaml_scalar(name)}{extra} }}")
    return "\n".join(lines) + "\n"


def hugo_front(page: Page) -> str:
    """Frontmatter Hugo accepts: title, date for ADRs, the rest under params."""
    head: dict = {"title": page.title}
    if not page.has_frontmatter:
        return "---\n" + "\n".join(yaml_lines(head)) + "\n---\n\n"
    params = {k: v for k, v in page.meta.items() if k != "title"}
    params.setdefault("kind", page.real_kind)      # handbook infers it from the folder
    if "date" in params:
        head["date"] = params.pop("date")
    if params:
        head["params"] = params
    return "---\n" + "\n".join(yaml_lines(head)) + "\n---\n\n"


def summary_md(pages: list[Page]) -> str:
    """mdBook SUMMARY.md: the home page as prefix, then folders as parts."""
    lines = ["# Summary", "", f"[{pages[0].title}]({pages[0].path})", ""]
    by_folder: dict = {}
    for p in pages[1:]:
        by_folder.setdefault(p.folder, []).append(p)
    emitted: set = set()

    def emit_folder(folder: str):
        parts = folder.split("/")
        for depth in range(1, len(parts) + 1):
            prefix = "/".join(parts[:depth])
            if prefix not in emitted:
                emitted.add(prefix)
                lines.append("  " * (depth - 1) + f"- [{parts[depth - 1]}]()")
        for p in by_folder.get(folder, []):
            title = p.title.replace("[", "(").replace("]", ")")
            lines.append("  " * len(parts) + f"- [{title}]({p.path})")

    for folder in sorted(by_folder):
        emit_folder(folder)
    return "\n".join(lines) + "\n"


def prepare_dir(path: Path, what: str) -> None:
    """Make `path` ready: empty, or a previous output of this script."""
    if path.exists() and any(path.iterdir()) and not (path / MARKER).exists():
        sys.exit(f"gen_handbook: refusing to write {what} into {path}: it is not empty "
                 f"and was not made by this script (no {MARKER}); remove it first")
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)


def write_text(path: Path, text: str) -> int:
    """Write UTF-8 with LF line ends; return the byte count."""
    data = text.encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return len(data)


def make_incidents(pages: list, people: People, seed: int, percent: float) -> None:
    """Turn `percent` of all pages, taken from the guides and onboarding
    pages, into incident reviews, with their own random stream."""
    rng = random.Random(f"handbook-incidents:{seed}")
    candidates = [p for p in pages if p.index and p.kind in ("guide", "onboarding") and p.has_frontmatter]
    runbooks = [p for p in pages if p.kind == "runbook"]
    want = min(len(candidates), round(len(pages) * percent / 100))
    signatures = [f"{rng.choice(['db', 'queue', 'psp', 'cache', 'dns', 'tls', 'auth', 'cdn'])}-"
                  f"{rng.choice(['timeout', 'saturation', 'failover', 'expiry', 'lag', 'leak'])}"
                  for _ in range(max(8, want // 3))]
    for page in sorted(rng.sample(candidates, want), key=lambda p: p.index):
        started = TODAY - dt.timedelta(days=rng.randint(1, 400))
        meta = {"title": page.meta.get("title", page.title), "kind": "incident"}
        if "owners" in page.meta:
            meta["owners"] = page.meta["owners"]
        roll = rng.random()
        status = "open" if roll < 0.1 else "mitigated" if roll < 0.45 else "closed"
        meta["status"] = status
        meta["severity"] = rng.choice(["SEV1", "SEV2", "SEV3"])
        meta["started"] = started
        if status != "open":
            meta["mitigated"] = started + dt.timedelta(days=rng.randint(0, 2))
        if status == "closed":
            meta["closed"] = meta["mitigated"] + dt.timedelta(days=rng.randint(3, 60))
        meta["signature"] = rng.choice(signatures)
        if runbooks and rng.random() < 0.95:
            rb = rng.choice(runbooks)
            meta["runbook"] = f"{rb.path}#mitigation" if rng.random() < 0.7 else rb.path
        done = status == "closed" or rng.random() < 0.4
        action = {"what": f"{rng.choice(GUIDE_VERBS)} {rng.choice(GUIDE_OBJECTS)}",
                  "owner": f"@{rng.choice(people.active_people())}",
                  "due": started + dt.timedelta(days=rng.randint(7, 60)),
                  "done": done, "prevention": True}
        if done and rng.random() < 0.7:
            action["verified"] = action["due"]
            action["verified_by"] = f"@{rng.choice(people.active_people())}"
        meta["actions"] = [action]
        meta["domain"] = page.domain
        page.meta = meta


def generate(pages_n: int, seed: int, out: Path, hugo: Path | None, mdbook: Path | None,
             incidents: float = 0.0) -> dict:
    """Generate the corpus (and optional Hugo/mdBook copies); return totals."""
    pages, people, folders = plan(pages_n, seed)
    if incidents:
        make_incidents(pages, people, seed, incidents)
    by_folder: dict = {}
    for p in pages:
        by_folder.setdefault(p.folder, []).append(p.index)
    adr_by_number = {p.adr_number: p for p in pages if p.adr_number}

    prepare_dir(out, "the handbook")
    write_text(out / "book.toml", BOOK_TOML.format(pages=pages_n, seed=seed))
    write_text(out / "owners.yaml", owners_yaml(people))
    if hugo:
        prepare_dir(hugo, "the Hugo site")
        write_text(hugo / "hugo.toml", HUGO_TOML)
        write_text(hugo / "layouts" / "baseof.html", HUGO_BASEOF)
        write_text(hugo / "layouts" / "page.html", HUGO_PAGE)
        write_text(hugo / "layouts" / "list.html", HUGO_LIST)
    if mdbook:
        prepare_dir(mdbook, "the mdBook")
        write_text(mdbook / "book.toml", '[book]\ntitle = "Acme Engineering Handbook"\nsrc = "src"\nlanguage = "en"\n')
        write_text(mdbook / "src" / "SUMMARY.md", summary_md(pages))

    totals = {"pages": 0, "bytes": 0, "code_bytes": 0, "code_blocks": 0,
              "folders": len(folders), "kinds": {}}
    for page in pages:
        rng = random.Random(f"handbook-body:{seed}:{page.index}")
        front = ("---\n" + "\n".join(yaml_lines(page.meta)) + "\n---\n\n") if page.has_frontmatter else ""
        writer = BodyWriter(rng, page, pages, by_folder, adr_by_number)
        body = writer.body(len(front.encode()))
        totals["bytes"] += write_text(out / "src" / page.path, front + body)
        totals["pages"] += 1
        totals["code_bytes"] += writer.code_bytes
        totals["code_blocks"] += writer.blocks
        totals["kinds"][page.kind] = totals["kinds"].get(page.kind, 0) + 1
        if hugo:
            hpath = "_index.md" if page.index == 0 else page.path
            write_text(hugo / "content" / hpath, hugo_front(page) + body)
        if mdbook:
            write_text(mdbook / "src" / page.path, body if not page.has_frontmatter else f"# {page.title}\n\n{body}")

    params = {"generator_version": GENERATOR_VERSION, "pages": pages_n, "seed": seed, "totals": totals}
    if incidents:
        params["incidents"] = incidents
    for d in (out, hugo, mdbook):
        if d:
            write_text(d / MARKER, json.dumps(params, indent=2, sort_keys=True) + "\n")
    return totals


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=1000, help="number of pages (default 1000)")
    ap.add_argument("--out", type=Path, required=True, help="handbook root to write (book.toml, owners.yaml, src/)")
    ap.add_argument("--hugo", type=Path, help="also write the same pages as a Hugo site here")
    ap.add_argument("--mdbook", type=Path, help="also write the same pages as an mdBook here")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--incidents", type=float, default=0.0, metavar="PERCENT",
                    help="turn this share of all pages (from the guides) into incident reviews (default 0)")
    args = ap.parse_args(argv)
    if args.pages < 10:
        ap.error("--pages must be at least 10")
    t = generate(args.pages, args.seed, args.out, args.hugo, args.mdbook, args.incidents)
    share = 100.0 * t["code_bytes"] / max(1, t["bytes"])
    kinds = ", ".join(f"{k} {v}" for k, v in sorted(t["kinds"].items()))
    print(f"pages: {t['pages']} ({kinds})")
    print(f"folders: {t['folders']}")
    print(f"bytes: {t['bytes']} ({t['bytes'] / 1e6:.1f} MB, {t['bytes'] / t['pages'] / 1000:.2f} KB/page)")
    print(f"code bytes: {t['code_bytes']} ({share:.1f}% of bytes)")
    print(f"code blocks: {t['code_blocks']} ({t['code_blocks'] / t['pages']:.2f}/page, "
          f"{t['code_bytes'] / max(1, t['code_blocks']):.0f} B/block)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
