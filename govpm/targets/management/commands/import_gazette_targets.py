"""python manage.py import_gazette_targets PATH [--apply] [--json] (TGT-10).

By default a dry run: it reads the three documents, says what it read from each, and lists every
difference from what is stored (cell, old, new) and every flag (reassigned action group, backwards
target, baseline past target, cell not interpreted). Nothing is written. `--apply` applies every
difference of the same comparison in one transaction (all or nothing), audited."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from govpm.targets.gazette_import import apply_gazette, plan_gazette


class Command(BaseCommand):
    help = "对照政报原文与库中数据，列出全部差异与提示；加 --apply 才写入（全部或全不）"

    def add_arguments(self, parser):
        parser.add_argument("path", help="政报文本文件路径（UTF-8）")
        parser.add_argument("--apply", action="store_true", help="写入全部差异（默认只报告，不写入）")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出报告")

    def handle(self, *args, path, apply: bool = False, json: bool = False, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"文件不存在：{path}")
        text = file.read_text(encoding="utf-8")
        plan = apply_gazette(text) if apply else plan_gazette(text)
        if json:
            self.stdout.write(_dumps({"applied": apply, **plan.as_dict()}))
            return
        for number, what in plan.read.items():
            self.stdout.write(f"{number}：{what}")
        verb = "已写入" if apply else "差异（未写入，加 --apply 写入）"
        self.stdout.write(f"{verb}：{len(plan.differences)} 处")
        for difference in plan.differences:
            self.stdout.write(f"  {difference.cell}：{difference.old} → {difference.new}")
        self.stdout.write(f"提示：{len(plan.flags)} 条")
        for flag in plan.flags:
            self.stdout.write(f"  {flag}")


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
