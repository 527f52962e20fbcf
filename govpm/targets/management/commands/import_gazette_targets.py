"""python manage.py import_gazette_targets PATH [--json]: read the gazette's target tables, load what
can be read, and report every cell that could not be interpreted."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from govpm.core import audit
from govpm.targets.gazette_import import import_gazette


class Command(BaseCommand):
    help = "从政报原文导入目标表格，并报告无法解读的单元格"

    def add_arguments(self, parser):
        parser.add_argument("path", help="政报文本文件路径（UTF-8）")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出报告")

    def handle(self, *args, path, json: bool = False, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"文件不存在：{path}")
        with transaction.atomic():
            report = import_gazette(file.read_text(encoding="utf-8"))
            counts = {key: value for key, value in report.as_dict().items() if key != "problems"}
            audit.record(
                actor=None,
                action="import_gazette_targets",
                object_type="targets.indicator",
                payload={"file": file.name, **counts, "problems": len(report.problems)},
            )
        if json:
            self.stdout.write(_dumps(report.as_dict()))
            return
        self.stdout.write(
            f"指标：读到 {report.indicators_found} 个，新建 {report.indicators_created} 个；"
            f"目标：新建 {report.targets_created} 个"
        )
        self.stdout.write(
            f"任务分解表：读到 {report.task_cells_found} 格，新建 {report.task_cells_created} 格"
        )
        self.stdout.write(f"无法解读的单元格：{len(report.problems)} 个")
        for problem in report.problems:
            self.stdout.write(
                f"  [{problem.table}] 第{problem.row}行（政报第{problem.line}行） {problem.column}："
                f"“{problem.raw}” — {problem.reason}"
            )


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
