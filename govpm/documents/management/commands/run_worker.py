"""The worker: one process beside the stateless app servers. It runs the daily deadline pass (and any
periodic job registered in JOBS) on a fixed interval. Several workers are safe: each job is idempotent
and runs in one transaction."""

import signal
import time
from collections.abc import Callable

from django.core.management.base import BaseCommand

from govpm.documents.issuing import warm_pdf_cache
from govpm.projects.lifecycle import process_deadlines

# Each job is idempotent: deadlines by reminder uniqueness, PDFs by their content hash.
JOBS: list[tuple[str, Callable[[], object]]] = [
    ("process_deadlines", process_deadlines),
    ("warm_pdf_cache", warm_pdf_cache),
]


class Command(BaseCommand):
    help = "后台任务进程：定时处理时限与提醒"

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=int, default=3600, help="两轮之间的秒数")
        parser.add_argument("--once", action="store_true", help="只运行一轮")

    def handle(self, *args, interval: int, once: bool, **options):
        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        while not stopping:
            for name, job in JOBS:
                result = job()
                self.stdout.write(f"{name}: {result}")
            if once:
                break
            for _ in range(interval):
                if stopping:
                    break
                time.sleep(1)
