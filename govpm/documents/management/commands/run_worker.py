"""The worker is Celery (ADR 0011): `run_worker` starts one with an embedded beat for a single-machine
deployment; `--once` runs every periodic pass inline, in order (no broker needed).

Several machines: run `celery -A config worker` on each and `celery -A config beat` once (README)."""

import os
import sys

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "后台任务进程（Celery）：定时处理时限、提醒与消息投递"

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="只在本进程内运行一轮定时任务")

    def handle(self, *args, once: bool, **options):
        if once:
            from govpm.documents.tasks import PERIODIC

            for task in PERIODIC:
                result = task.apply().get()
                self.stdout.write(f"{task.name.removeprefix('periodic.')}: {result}")
            return
        argv = [sys.executable, "-m", "celery", "-A", "config", "worker", "--beat", "-l", "info"]
        os.execv(sys.executable, argv)
