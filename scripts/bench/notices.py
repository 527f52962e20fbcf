"""Notices delivered per second to the inbox by one Celery worker (issue 12's figure; not a test).

One real worker process (Redis broker, PostgreSQL) runs the deadline pass over P projects whose TIME-01
falls due tomorrow; each reminds the U ndrc users, so the pass writes P×U inbox notices (each an
INSERT … ON CONFLICT DO NOTHING against the exactly-once index, plus its read-back). The figure is
notices / (pass finished − task sent).

    BENCH_PROJECTS=2000 BENCH_USERS=5 python scripts/bench/notices.py
Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/notices_bench, created and
migrated if missing), CELERY_BROKER_URL (default redis://127.0.0.1:6379/0).
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/notices_bench")
BROKER = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
QUEUE = f"govpm-bench-{uuid.uuid4().hex[:8]}"
os.environ.update(
    DJANGO_SETTINGS_MODULE="config.settings.test",
    DATABASE_URL=DB_URL,
    CELERY_BROKER_URL=BROKER,
    GOVPM_CELERY_QUEUE=QUEUE,
)


def ensure_database() -> None:
    import psycopg

    base, name = DB_URL.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from config.celery import app
    from govpm.accounts.models import Unit, User
    from govpm.core import clock
    from govpm.notices.models import Notice, PassRun
    from govpm.projects.models import Deadline, Project, Reminder

    projects, users = int(os.environ.get("BENCH_PROJECTS", "2000")), int(os.environ.get("BENCH_USERS", "5"))
    Notice.objects.all().delete()
    Reminder.objects.all().delete()
    Deadline.objects.all().delete()
    Project.objects.filter(name__startswith="bench-").delete()
    ndrc, owner_unit = Unit.objects.get(code="ndrc"), Unit.objects.exclude(code="ndrc").first()
    User.objects.filter(username__startswith="bench-").delete()
    User.objects.bulk_create(
        [User(username=f"bench-ndrc-{i}", role="ndrc", unit=ndrc) for i in range(users)]
        + [User(username="bench-owner", role="owner", unit=owner_unit)]
    )
    User.objects.exclude(username__startswith="bench-").update(is_active=False)
    creator = User.objects.get(username="bench-owner")
    rows = Project.objects.bulk_create(
        [
            Project(name=f"bench-{i}", owner_unit=owner_unit, stage="approval", created_by=creator)
            for i in range(projects)
        ]
    )
    tomorrow = clock.today() + dt.timedelta(days=1)
    Deadline.objects.bulk_create(
        [
            Deadline(
                project=p,
                code="TIME-01",
                kind="by",
                starts_on=clock.today(),
                due_on=tomorrow,
                overdue_after=tomorrow,
            )
            for p in rows
        ]
    )
    PassRun.objects.filter(name="deadline_pass").delete()

    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "-Q",
            QUEUE,
            "-l",
            "warning",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(4)  # the worker connects; the clock starts when the task is sent
        app.conf.update(broker_url=BROKER, task_always_eager=False, task_default_queue=QUEUE)
        started = clock.now()
        app.send_task("periodic.deadline_pass")
        while not PassRun.objects.filter(name="deadline_pass").exists():
            time.sleep(0.2)
        finished = PassRun.objects.get(name="deadline_pass").finished_at
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    written = Notice.objects.count()
    seconds = (finished - started).total_seconds()
    print(
        f"projects={projects} users={users} notices={written} seconds={seconds:.2f} "
        f"notices_per_second={written / seconds:.0f}"
    )


if __name__ == "__main__":
    main()
