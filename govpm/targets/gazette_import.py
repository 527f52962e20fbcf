"""Loading what `gazette.read_gazette` could read into the database, and reporting what it could not.

It creates what is missing and leaves alone what exists (found by document and name, or task and
cell), so a second run creates nothing. It never fills a cell the reader reported as a problem."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from govpm.core import audit

from . import gazette, parsing, storing
from .assessment import target_flags
from .models import Indicator, Source, Target, Task, TaskShare

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
    assert table is not None  # the caller checked
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


# -- TGT-10: report before applying ------------------------------------------------------------------

PLAN_DOCUMENT = "衢政发〔2020〕9号"


@dataclass
class Difference:
    """One cell where the gazette and the database differ: what is stored, what the text says."""

    cell: str
    old: str
    new: str
    apply: Callable[[], None] = field(repr=False, compare=False)

    def as_dict(self) -> dict:
        return {"cell": self.cell, "old": self.old, "new": self.new}


@dataclass
class Plan:
    """What an import would change (`differences`) and what a person should look at (`flags`), with
    what was read from each document (`read`). Nothing is written while planning."""

    read: dict[str, str] = field(default_factory=dict)
    differences: list[Difference] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    problems: list[gazette.Problem] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "read": self.read,
            "differences": [d.as_dict() for d in self.differences],
            "flags": self.flags,
            "problems": [p.as_dict() for p in self.problems],
        }


def plan_gazette(text: str) -> Plan:
    """Compare the gazette with what is stored: every difference (cell, old, new) and every flag
    (reassigned action group, backwards target, baseline past target, cell not interpreted)."""
    reading = gazette.read_gazette(text)
    plan = Plan(problems=list(reading.problems))
    for problem in reading.problems:
        plan.flags.append(
            f"未能解读：[{problem.table}] 第{problem.row}行 {problem.column}“{problem.raw}”— {problem.reason}"
        )
    _plan_health(reading, plan)
    _plan_tasks(reading, plan)
    _plan_text_targets(text, plan)
    return plan


def _plan_health(reading: gazette.GazetteReading, plan: Plan) -> None:
    number = gazette.HEALTH_DOCUMENT
    plan.read[number] = f"附件 推进健康衢州行动的主要指标：读到 {len(reading.health_rows)} 行"
    stored = {
        i.name: i for i in Indicator.objects.filter(document__number=number).prefetch_related("targets")
    }
    for position, row in enumerate(reading.health_rows, start=1):
        indicator = stored.get(row.name)
        where = f"{number} 第{row.row}行 {row.name}"
        targets = [_unsaved_target(year, parsed) for year, parsed in sorted(row.targets.items())]
        probe = Indicator(
            direction=indicator.direction if indicator else "",
            **storing.baseline_fields(row.baseline_raw, row.baseline),
        )
        for text in target_flags(probe, targets):
            plan.flags.append(f"{where}：{text}")
        if indicator is None:
            plan.differences.append(
                Difference(where, "（无）", "新建指标", _create_indicator(reading, row, position))
            )
            continue
        if row.action_group and indicator.action_group != row.action_group:
            plan.flags.append(
                f"{where}：所属行动按版面为“{row.action_group}”，库中为“{indicator.action_group or '（空）'}”"
                "（审核改归，导入不改）"
            )
        if row.baseline is not None and indicator.baseline_raw != row.baseline_raw:
            plan.differences.append(
                Difference(
                    f"{where} 基期水平",
                    indicator.baseline_raw,
                    row.baseline_raw,
                    _set_baseline(indicator.pk, row),
                )
            )
        have = {t.year: t.raw_text for t in indicator.targets.all()}
        for year, parsed in sorted(row.targets.items()):
            if have.get(year) != parsed.raw:
                plan.differences.append(
                    Difference(
                        f"{where} {year}年目标值",
                        have.get(year, "（无）"),
                        parsed.raw,
                        _set_target(indicator.pk, year, parsed),
                    )
                )


def _unsaved_target(year: int, parsed) -> Target:
    return Target(year=year, **storing.target_fields(parsed))


def _create_indicator(reading, row, position):
    def apply() -> None:
        document = storing.document(
            gazette.HEALTH_DOCUMENT, reading.documents.get(gazette.HEALTH_DOCUMENT, "")
        )
        code = f"H{position:02d}"
        if Indicator.objects.filter(document=document, code=code).exists():
            code = f"G{position:02d}"  # the stored codes were curated differently: keep both findable
        indicator = Indicator.objects.create(
            document=document,
            code=code,
            name=row.name,
            unit=row.unit,
            action_group=row.action_group,
            clause=HEALTH_CLAUSE.format(row=row.row, line=row.line),
            nature=row.nature,
            raw_text=row.raw_line,
            source=Source.GAZETTE,
            **storing.baseline_fields(row.baseline_raw, row.baseline),
        )
        storing.replace_targets(indicator, row.targets)

    return apply


def _set_baseline(indicator_id: int, row):
    def apply() -> None:
        Indicator.objects.filter(pk=indicator_id).update(
            **storing.baseline_fields(row.baseline_raw, row.baseline)
        )

    return apply


def _set_target(indicator_id: int, year: int, parsed):
    def apply() -> None:
        Target.objects.update_or_create(
            indicator_id=indicator_id, year=year, defaults=storing.target_fields(parsed)
        )

    return apply


def _plan_tasks(reading: gazette.GazetteReading, plan: Plan) -> None:
    table = reading.task_table
    if table is None:
        return
    cells = sum(len(r.by_year) + (r.total is not None) for r in table.rows)
    plan.read[table.document] = f"附件 {table.title}：读到 {len(table.rows)} 行 {cells} 格"
    task = Task.objects.filter(document__number=table.document, code="T01").first()
    stored = {(s.region_code, s.year): s for s in TaskShare.objects.filter(task=task)} if task else {}
    for row in table.rows:
        values: dict[int | None, tuple[Decimal, str]] = {year: cell for year, cell in row.by_year.items()}
        if row.total is not None:
            values[None] = (row.total, row.total_raw)
        for year, (value, raw) in values.items():
            where = f"{table.document} 新增造林 {row.region_name} {'合计' if year is None else f'{year}年'}"
            share = stored.get((row.region_code, year))
            if share is not None and share.planned == value:
                continue
            old = "（无）" if share is None else parsing.fmt(share.planned)
            plan.differences.append(
                Difference(
                    where,
                    old,
                    parsing.fmt(value),
                    _set_share(table, reading, row.region_code, year, value, raw),
                )
            )


def _set_share(table, reading, region_code, year, value, raw):
    def apply() -> None:
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
        TaskShare.objects.update_or_create(
            task=task, region_code=region_code, year=year, defaults={"planned": value, "raw_text": raw}
        )

    return apply


def _plan_text_targets(text: str, plan: Plan) -> None:
    """Targets stated in sentences, not a table (all of 衢政发〔2020〕9号's; 衢政办发〔2020〕9号's and
    衢政发〔2020〕10号's besides their tables, TGT-11): the reviewed file holds each with its sentence; here
    every sentence is looked up in the text, so the report says, per document, which were found."""
    from .curated import read_csv

    rows = read_csv("text_targets.csv")
    flat = _flat(text)
    stored = {
        (i.document.number, i.code)
        for i in Indicator.objects.filter(document__number__in={r["document"] for r in rows}).select_related(
            "document"
        )
    }
    for number in sorted({r["document"] for r in rows}):
        of_document = [r for r in rows if r["document"] == number]
        found = [r for r in of_document if _flat(r["source_text"]) in flat]
        missing = [r["code"] for r in of_document if r not in found]
        said = (
            f"正文目标：审核数据 {len(of_document)} 条，原句在本文本中找到 {len(found)} 条"
            + (f"，未找到：{'、'.join(missing)}" if missing else "")
            + "（正文句子不自动解析数值，数值以审核数据文件为准）"
        )
        plan.read[number] = f"{plan.read[number]}；{said}" if number in plan.read else said
        for row in found:
            if (number, row["code"]) not in stored:
                plan.flags.append(f"{number} {row['code']} {row['name']}：库中尚无，请运行 load_targets_data")


FULL_WIDTH = str.maketrans("，；：（）。、％", ",;:()。,%")


def _flat(text: str) -> str:
    """Spacing and full/half-width punctuation differ between the extraction and the reviewed file."""
    return "".join(text.split()).translate(FULL_WIDTH).replace("、", ",")


@transaction.atomic
def apply_gazette(text: str, *, actor=None) -> Plan:
    """Apply every difference of a fresh plan, all or nothing, with one audit event listing them."""
    plan = plan_gazette(text)
    for difference in plan.differences:
        difference.apply()
    audit.record(
        actor=actor,
        action="import_gazette_targets",
        object_type="targets.indicator",
        payload={
            "applied": [d.as_dict() for d in plan.differences],
            "flags": len(plan.flags),
            "read": plan.read,
        },
    )
    return plan
