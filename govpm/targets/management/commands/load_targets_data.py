"""python manage.py load_targets_data: load the reviewed data files of govpm/targets/data/."""

import dataclasses

from django.core.management.base import BaseCommand
from django.db import transaction

from govpm.core import audit
from govpm.targets.curated import load_curated


class Command(BaseCommand):
    help = "载入审核后的目标数据文件（govpm/targets/data/）"

    def handle(self, *args, **options):
        with transaction.atomic():
            report = load_curated()
            audit.record(
                actor=None,
                action="load_targets_data",
                object_type="targets.indicator",
                payload=dataclasses.asdict(report),
            )
        self.stdout.write(
            f"指标：新建 {report.indicators_created} 个，更新 {report.indicators_updated} 个；"
            f"分解任务：新建 {report.tasks_created} 个，分解格新建 {report.shares_created} 个"
        )
