"""The reviewed copy of the gazette's targets, shipped as CSV files in govpm/targets/data/.

- documents.csv          the three documents
- health_indicators.csv  every indicator of 衢政发〔2020〕10号's attachment, action groups corrected
- text_targets.csv       dated targets in the text of 衢政发〔2020〕9号 and 衢政办发〔2020〕9号
- tasks.csv, task_shares.csv  the afforestation task table of 衢政办发〔2020〕9号

Every row keeps the raw text (`raw_line`, `target_raw`, `source_text`) and cites document and clause.
Loading is idempotent: rows are found by (document, code) and brought up to the file's content."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from . import parsing, storing
from .models import Direction, Indicator, Nature, Source, Task, TaskShare

DATA_DIR = Path(__file__).resolve().parent / "data"
NATURE_BY_LABEL = {label: value for value, label in Nature.choices}


def read_csv(name: str, data_dir: Path = DATA_DIR) -> list[dict]:
    with open(data_dir / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def health_targets(row: dict) -> dict[int, parsing.ParsedTarget]:
    return {
        year: parsing.parse_target(row[f"target_{year}"]) for year in (2022, 2030) if row[f"target_{year}"]
    }


@dataclass
class LoadReport:
    indicators_created: int = 0
    indicators_updated: int = 0
    tasks_created: int = 0
    shares_created: int = 0


def _save(document, row: dict, targets: dict, raw_text: str, report: LoadReport) -> None:
    fields = {
        "name": row["name"],
        "unit": row["unit"],
        "action_group": row.get("action_group", ""),
        "clause": row["clause"],
        "nature": NATURE_BY_LABEL.get(row["nature"], ""),
        "direction": row["direction"] if row["direction"] in Direction.values else "",
        "department": row.get("department", ""),
        "baseline_year": int(row["baseline_year"]) if row.get("baseline_year") else None,
        "raw_text": raw_text,
        "source": Source.CURATED,
        "note": row.get("note", ""),
        **storing.baseline_fields(
            row["baseline_raw"], parsing.parse_baseline(row["baseline_raw"]) if row["baseline_raw"] else None
        ),
    }
    if not row["baseline_raw"]:
        fields["baseline_status"] = parsing.BASELINE_ABSENT
    # Found by code, or by name when the gazette importer created it first (its codes follow the
    # same numbering, but the name is what both surely share).
    indicator = (
        Indicator.objects.filter(document=document, code=row["code"]).first()
        or Indicator.objects.filter(document=document, name=row["name"]).first()
    )
    if indicator is None:
        indicator = Indicator.objects.create(document=document, code=row["code"], **fields)
        report.indicators_created += 1
    else:
        for key, value in {"code": row["code"], **fields}.items():
            setattr(indicator, key, value)
        indicator.save()
        report.indicators_updated += 1
    storing.replace_targets(indicator, targets)


@transaction.atomic
def load_curated(data_dir: Path = DATA_DIR) -> LoadReport:
    report = LoadReport()
    documents = {
        row["number"]: storing.document(row["number"], row["title"])
        for row in read_csv("documents.csv", data_dir)
    }
    for row in read_csv("health_indicators.csv", data_dir):
        _save(documents[row["document"]], row, health_targets(row), row["raw_line"], report)
    for row in read_csv("text_targets.csv", data_dir):
        targets = {int(row["target_year"]): parsing.parse_target(row["target_raw"])}
        _save(documents[row["document"]], row, targets, row["source_text"], report)
    tasks = {}
    for row in read_csv("tasks.csv", data_dir):
        task, created = Task.objects.update_or_create(
            document=documents[row["document"]],
            code=row["code"],
            defaults={
                "name": row["name"],
                "unit": row["unit"],
                "stated_total": Decimal(row["stated_total"]),
                "stated_total_raw": row["stated_total_raw"],
                "clause": row["clause"],
                "source": Source.CURATED,
            },
        )
        tasks[row["code"]] = task
        report.tasks_created += created
    for row in read_csv("task_shares.csv", data_dir):
        task = tasks[row["task"]]
        cells = {None: row["total"], **{int(k): v for k, v in row.items() if k.isdigit()}}
        for year, raw in cells.items():
            _, created = TaskShare.objects.update_or_create(
                task=task,
                region_code=row["region_code"],
                year=year,
                defaults={"planned": Decimal(raw), "raw_text": raw},
            )
            report.shares_created += created
    return report
