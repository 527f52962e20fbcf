"""The portfolio's reads at 10,000, 100,000 and 1,000,000 projects (ADR 0302): the dashboard and the
statistics as the pages call them for a user who sees the whole portfolio — read from the summary the job
engine keeps — beside the live queries they replaced, and the job's rebuild; then the similarity search
over 10,000 inventory systems. Prints p50/p99 per size and the growth from the smallest size to the largest.

In process, not HTTP: the page render adds a constant on top. The smallest size is seeded by the bench's
bulk seed (scripts/bench/seed.py); each larger one is made by copying those projects with their tenders,
contracts, payments, findings and clocks in SQL (generate_series), so 1,000,000 takes minutes, not hours.
PostgreSQL only; its own database (`bench_portfolio` on DATABASE_URL's server), never the suite's:

  DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python scripts/bench/portfolio.py
  BENCH_SIZES="10000 100000" BENCH_LIVE_MAX=100000 BENCH_RUNS=21   (defaults: all three sizes, live up to 100k)
"""

from __future__ import annotations

import os
import random
import statistics as stats
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts" / "bench"))
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.bench"
if not os.environ.get("BENCH_PORTFOLIO_URL"):
    _url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL", "")
    if not _url.startswith(("postgres://", "postgresql://")):
        sys.exit("bench: set DATABASE_URL (postgres://…)")
    os.environ["BENCH_PORTFOLIO_URL"] = urlunsplit(urlsplit(_url)._replace(path="/bench_portfolio"))
os.environ["BENCH_DATABASE_URL"] = os.environ["BENCH_PORTFOLIO_URL"]
os.environ["DATABASE_URL"] = os.environ["BENCH_PORTFOLIO_URL"]

import database  # noqa: E402  scripts/bench/database.py

database.ensure_exists(os.environ["DATABASE_URL"])

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from govpm.accounts.models import Unit, User  # noqa: E402
from govpm.inventory import similarity  # noqa: E402
from govpm.portfolio import statistics as live  # noqa: E402
from govpm.portfolio import summary  # noqa: E402
from govpm.projects.selectors import visible_projects  # noqa: E402
from govpm.web.queries import dashboard, live_dashboard  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "21"))
LIVE_MAX = int(os.environ.get("BENCH_LIVE_MAX", "100000"))
# Copy k of a base project gets the id base_id + k * STRIDE (and so do its related rows).
STRIDE = 10_000_000
# Tables copied with their projects, and their columns that point at a copied row.
COPIED = [
    ("projects_project", ["id"]),
    ("projects_tender", ["id", "project_id"]),
    ("projects_contract", ["id", "project_id", "tender_id"]),
    ("projects_payment", ["id", "project_id", "contract_id"]),
    ("policy_finding", ["id", "project_id"]),
    ("projects_deadline", ["id", "project_id"]),
]


def seed_base(size: int) -> User:
    import seed as bench_seed  # scripts/bench/seed.py: the same bulk seed as make bench

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE projects_project RESTART IDENTITY CASCADE")
    User.objects.filter(username__startswith=bench_seed.PREFIX).delete()
    Unit.objects.filter(code__startswith=bench_seed.PREFIX).delete()
    units, owners, bdb = bench_seed.make_units_and_users()
    bench_seed.bulk_projects(size, units, owners, bdb)
    return bdb


def grow(base: int, first_copy: int, last_copy: int) -> None:
    """Copies first_copy..last_copy of the base projects and what hangs off them, in one statement per
    table, then the sequences past the new ids."""
    with connection.cursor() as cursor:
        for table, shifted in COPIED:
            cursor.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = %s ORDER BY ordinal_position",
                [table],
            )
            columns = [row[0] for row in cursor.fetchall()]
            values = [f"t.{c} + g * {STRIDE}" if c in shifted else f"t.{c}" for c in columns]
            key = "id" if table == "projects_project" else "project_id"
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)} FROM {table} t "
                f"CROSS JOIN generate_series(%s, %s) g WHERE t.{key} < %s",
                [first_copy, last_copy, STRIDE],
            )
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
        cursor.execute("VACUUM ANALYZE")


def timed(call, runs: int = RUNS) -> tuple[float, float]:
    call()  # warm
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return stats.median(times), times[min(len(times) - 1, round(0.99 * (len(times) - 1)))]


def similarity_search(n: int = 10_000) -> tuple[float, float]:
    rng = random.Random(16)
    words = [
        "远程",
        "诊疗",
        "会诊",
        "影像",
        "校园",
        "安全",
        "交通",
        "治理",
        "数据",
        "归集",
        "共享",
        "执法",
        "监管",
        "登记",
        "审批",
        "服务",
        "预警",
        "监测",
        "调度",
        "指挥",
        "档案",
        "财务",
        "预算",
        "缴费",
    ]
    kinds = ["系统", "平台", "应用", "中心"]
    docs = [
        (i, "".join(rng.sample(words, 3)) + rng.choice(kinds) + " " + "、".join(rng.sample(words, 4)))
        for i in range(n)
    ]
    index = similarity.Index(docs)
    queries = ["基层医疗机构远程诊疗系统 乡镇卫生院远程会诊影像诊断", "智慧校园安全管理平台 校园出入视频监控"]
    return timed(lambda: [index.similar(q, limit=5) for q in queries[:1]])


def main() -> None:
    sizes = sorted(int(s) for s in os.environ.get("BENCH_SIZES", "10000 100000 1000000").split())
    base = sizes[0]
    assert all(size % base == 0 for size in sizes), "every size a multiple of the smallest"
    call_command("migrate", verbosity=0)
    rows = []
    copies = 0
    for size in sizes:
        t0 = time.monotonic()
        if size == base:
            bdb = seed_base(size)
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        else:
            grow(base, copies + 1, size // base - 1)
        copies = size // base - 1
        print(f"{size:,} projects ready in {time.monotonic() - t0:.0f} s", flush=True)
        rebuild = timed(summary.refresh, runs=3)
        rows.append(("summary rebuild (job)", size, *rebuild))
        print(
            f"  {'summary rebuild (job)':<28} {size:>9,}  p50 {rebuild[0]:8.1f} ms  p99 {rebuild[1]:8.1f} ms"
        )
        # As in production: a job engine keeps the summary, a page never rebuilds it.
        with override_settings(CELERY_TASK_ALWAYS_EAGER=False):
            reads = [
                ("dashboard", lambda user=bdb: dashboard(user)),
                ("statistics by year", lambda user=bdb: summary.statistics_for(user, {"by": "year"})),
                ("statistics by unit", lambda user=bdb: summary.statistics_for(user, {"by": "unit"})),
            ]
            if size <= LIVE_MAX:
                everyone = visible_projects(bdb)
                reads += [
                    ("live dashboard (before)", lambda everyone=everyone: live_dashboard(everyone)),
                    (
                        "live statistics by year (before)",
                        lambda everyone=everyone: live.statistics(everyone, {"by": "year"}),
                    ),
                ]
            for name, call in reads:
                p50, p99 = timed(call)
                rows.append((name, size, p50, p99))
                print(f"  {name:<28} {size:>9,}  p50 {p50:8.1f} ms  p99 {p99:8.1f} ms", flush=True)
    print()
    print(
        "| read | "
        + " | ".join(f"{size:,} p50 / p99" for size in sizes)
        + f" | growth {sizes[0]:,}→{sizes[-1]:,} |"
    )
    print("|---|" + "---|" * (len(sizes) + 1))
    for name in dict.fromkeys(r[0] for r in rows):
        mine = {r[1]: r for r in rows if r[0] == name}
        cells = [f"{mine[s][2]:.1f} / {mine[s][3]:.1f} ms" if s in mine else "—" for s in sizes]
        growth = (
            f"{mine[sizes[-1]][2] / mine[sizes[0]][2]:.1f}×" if sizes[-1] in mine and len(mine) > 1 else "—"
        )
        print(f"| {name} | " + " | ".join(cells) + f" | {growth} |")
    p50, p99 = similarity_search()
    print(f"similarity over 10,000 systems: p50 {p50:.1f} ms  p99 {p99:.1f} ms")
    load = subprocess.run(["cat", "/proc/loadavg"], capture_output=True, text=True).stdout.split()[:3]
    print(f"load average at the end: {' '.join(load)}")


if __name__ == "__main__":
    main()
