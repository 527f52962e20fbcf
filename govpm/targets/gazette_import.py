"""Loading what `gazette.read_gazette` could read into the database, and reporting what it could not.

It creates what is missing and leaves alone what exists (found by document and name, or task and
cell), so a second run creates nothing. It never fills a cell the reader reported as a problem."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from . import gazette, storing
from .models import Indicator, Source, Task, TaskShare

HEALTH_CLAUSE = "附件 推进健康衢州行动的主要指标 第{row}行（政报第{line}行）"


@dataclass
class ImportReport:
    indicators_found: int = 0
    indicators_created: int = 0
    targets_created: int = 0
    task_cells_found: int = 0
    task_cells_created: int = 0
    problems: list[gazette.Problem] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "indicators": {"found": self.indicators_found, "created": self.indicators_created},
            "targets": {"created": self.targets_created},
            "task_cells": {"found": self.task_cells_found, "created": self.task_cells_created},
            "problems": [problem.as_dict() for problem in self.problems],
        }


@transaction.atomic
def import_gazette(text: str) -> ImportReport:
    reading = gazette.read_gazette(text)
    report = ImportReport(problems=list(reading.problems))
    if reading.health_rows:
        _import_health(reading, report)
    if reading.task_table is not None:
        _import_tasks(reading, report)
    return report


def _import_health(reading: gazette.GazetteReading, report: ImportReport) -> None:
    document = storing.document(gazette.HEALTH_DOCUMENT, reading.documents.get(gazette.HEALTH_DOCUMENT, ""))
    for position, row in enumerate(reading.health_rows, start=1):
        report.indicators_found += 1
        if Indicator.objects.filter(document=document, name=row.name).exists():
            continue
        indicator = Indicator.objects.create(
            document=document,
            code=f"H{position:02d}",
            name=row.name,
            unit=row.unit,
            action_group=row.action_group,
            clause=HEALTH_CLAUSE.format(row=row.row, line=row.line),
            nature=row.nature,
            raw_text=row.raw_line,
            source=Source.GAZETTE,
            **storing.baseline_fields(row.baseline_raw, row.baseline),
        )
        report.indicators_created += 1
        storing.replace_targets(indicator, row.targets)
        report.targets_created += len(row.targets)


def _import_tasks(reading: gazette.GazetteReading, report: ImportReport) -> None:
    table = reading.task_table
    document = storing.document(table.document, reading.documents.get(table.document, ""))
    task, _ = Task.objects.get_or_create(
        document=document,
        code="T01",
        defaults={
            "name": "新增造林",
            "unit": table.unit or "亩",
            "stated_total": table.stated_total,
            "stated_total_raw": table.stated_total_raw,
            "clause": f"附件 {table.title}",
            "source": Source.GAZETTE,
        },
    )
    for row in table.rows:
        cells = dict(row.by_year)
        if row.total is not None:
            cells[None] = (row.total, row.total_raw)
        for year, (value, raw) in cells.items():
            report.task_cells_found += 1
            _, created = TaskShare.objects.get_or_create(
                task=task,
                region_code=row.region_code,
                year=year,
                defaults={"planned": value, "raw_text": raw},
            )
            report.task_cells_created += created
