"""Issue 16's measurements, in process: the dashboard's and the statistics' queries at several sizes
of the project table (seeded in bulk as seed.py does), and the similarity search over 10,000
inventory systems. Prints p50/p99 per size and the growth from the smallest to the largest.

It times the read functions the views call (govpm.web.queries.dashboard, govpm.portfolio.statistics),
not HTTP: the page render adds a constant on top. Use a database of your own:

  DATABASE_URL=postgres://postgres@127.0.0.1:5432/portfolio_bench BENCH_SIZES="10000 100000" \\
      .venv/bin/python scripts/bench/portfolio.py
"""

from __future__ import annotations

import os
import random
import statistics as stats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts" / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from govpm.accounts.models import Unit, User  # noqa: E402
from govpm.inventory import similarity  # noqa: E402
from govpm.portfolio.statistics import statistics  # noqa: E402
from govpm.projects.selectors import visible_projects  # noqa: E402
from govpm.web.queries import dashboard  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "21"))


def seed(size: int) -> User:
    import seed as bench_seed  # scripts/bench/seed.py: the same bulk seed as make bench

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE projects_project RESTART IDENTITY CASCADE")
    User.objects.filter(username__startswith=bench_seed.PREFIX).delete()
    Unit.objects.filter(code__startswith=bench_seed.PREFIX).delete()
    units, owners, bdb = bench_seed.make_units_and_users()
    bench_seed.bulk_projects(size, units, owners, bdb)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return bdb


def timed(call) -> tuple[float, float]:
    call()  # warm
    times = []
    for _ in range(RUNS):
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
    sizes = [int(s) for s in os.environ.get("BENCH_SIZES", "10000 100000 1000000").split()]
    rows = []
    for size in sizes:
        t0 = time.monotonic()
        bdb = seed(size)
        print(f"seeded {size:,} projects in {time.monotonic() - t0:.0f} s", flush=True)
        for name, call in (
            ("dashboard", lambda user=bdb: dashboard(user)),
            ("statistics by year", lambda user=bdb: statistics(visible_projects(user), {"by": "year"})),
            ("statistics by unit", lambda user=bdb: statistics(visible_projects(user), {"by": "unit"})),
        ):
            p50, p99 = timed(call)
            rows.append((name, size, p50, p99))
            print(f"  {name:<20} {size:>9,}  p50 {p50:8.1f} ms  p99 {p99:8.1f} ms", flush=True)
    for name in {r[0] for r in rows}:
        mine = [r for r in rows if r[0] == name]
        if len(mine) > 1:
            print(
                f"growth {name}: {mine[-1][2] / mine[0][2]:.1f}x p50 from {mine[0][1]:,} to {mine[-1][1]:,}"
            )
    p50, p99 = similarity_search()
    print(f"similarity over 10,000 systems: p50 {p50:.1f} ms  p99 {p99:.1f} ms")


if __name__ == "__main__":
    main()
