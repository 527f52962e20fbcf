"""Decomposed tasks (TGT-05): a target split over 衢州市's six counties and the years.

`check_decomposition` says whether the parts add up to the whole — each county's years to its total,
each year's counties to the city's figure, the city's years to its total, and that total to the figure
stated in the document's text — naming every mismatch. `progress` gives each county's completion and
its rank for a year."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction

from govpm.accounts.codes import CITY_REGION, COUNTY_REGIONS, REGIONS
from govpm.core import audit, clock
from govpm.core.errors import InvalidInput, NotFound

from . import parsing, permissions, scope
from .models import Task, TaskProgress, TaskShare
from .observations import clean_decimal, clean_text, clean_year, supersede_current


@dataclass(frozen=True)
class Mismatch:
    region_code: str
    year: int | None
    expected: Decimal
    actual: Decimal
    message: str


def _fmt(value: Decimal) -> str:
    return parsing.fmt(value)


def check_decomposition(task: Task, shares: list[TaskShare] | None = None) -> list[Mismatch]:
    """Every place where the parts do not add up to the whole. Empty when the table is consistent."""
    shares = list(task.shares.all()) if shares is None else shares
    totals = {s.region_code: s.planned for s in shares if s.year is None}
    cells = {(s.region_code, s.year): s.planned for s in shares if s.year is not None}
    years = sorted({year for _, year in cells})
    counties = [code for code in COUNTY_REGIONS if code in totals or any(c == code for c, _ in cells)]
    mismatches: list[Mismatch] = []
    unit = task.unit

    for code in [CITY_REGION, *counties]:
        if code not in totals:
            continue
        by_year = sum((cells.get((code, y), Decimal(0)) for y in years), Decimal(0))
        if by_year != totals[code]:
            mismatches.append(
                Mismatch(
                    code,
                    None,
                    totals[code],
                    by_year,
                    f"{REGIONS[code]}各年度之和{_fmt(by_year)}{unit}，与合计{_fmt(totals[code])}{unit}不符",
                )
            )
    for year in years:
        if (CITY_REGION, year) not in cells:
            continue
        counties_sum = sum((cells.get((code, year), Decimal(0)) for code in counties), Decimal(0))
        city = cells[(CITY_REGION, year)]
        if counties_sum != city:
            mismatches.append(
                Mismatch(
                    CITY_REGION,
                    year,
                    city,
                    counties_sum,
                    f"{year}年各县（市、区）之和{_fmt(counties_sum)}{unit}，与全市{_fmt(city)}{unit}不符",
                )
            )
    if CITY_REGION in totals:
        counties_total = sum((totals.get(code, Decimal(0)) for code in counties), Decimal(0))
        if counties_total != totals[CITY_REGION]:
            mismatches.append(
                Mismatch(
                    CITY_REGION,
                    None,
                    totals[CITY_REGION],
                    counties_total,
                    f"各县（市、区）合计之和{_fmt(counties_total)}{unit}，与全市合计{_fmt(totals[CITY_REGION])}{unit}不符",
                )
            )
        if task.stated_total is not None and task.stated_total != totals[CITY_REGION]:
            mismatches.append(
                Mismatch(
                    CITY_REGION,
                    None,
                    task.stated_total,
                    totals[CITY_REGION],
                    f"全市合计{_fmt(totals[CITY_REGION])}{unit}，与正文所述“{task.stated_total_raw}”"
                    f"（{_fmt(task.stated_total)}{unit}）不符",
                )
            )
    return mismatches


@dataclass
class CountyProgress:
    region_code: str
    region_name: str
    planned: Decimal  # planned for the year
    completed: Decimal | None  # completed in the year (None: not reported)
    planned_to_date: Decimal  # planned from the first year up to the year
    completed_to_date: Decimal
    rate: Decimal | None  # completed_to_date / planned_to_date, in %
    rank: int | None = None


def _rate(done: Decimal, planned: Decimal) -> Decimal | None:
    if planned == 0:
        return None
    return (done / planned * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def progress(task: Task, year: int, *, shares=None, records=None) -> list[CountyProgress]:
    """Each county's completion up to `year`, ranked by cumulative completion rate (highest first;
    equal rates share a rank). Reads `shares` and current `records` as given or from the task."""
    shares = list(task.shares.all()) if shares is None else shares
    if records is None:
        records = list(task.progress.filter(is_current=True))
    planned = {(s.region_code, s.year): s.planned for s in shares if s.year is not None}
    done = {(r.region_code, r.year): r.completed for r in records if r.is_current}
    rows = []
    for code, name in COUNTY_REGIONS.items():
        years = sorted(y for c, y in planned if c == code and y <= year)
        if not years and (code, year) not in done:
            continue
        planned_to_date = sum((planned[(code, y)] for y in years), Decimal(0))
        done_years = [y for c, y in done if c == code and y <= year]
        completed_to_date = sum((done[(code, y)] for y in done_years), Decimal(0))
        rows.append(
            CountyProgress(
                region_code=code,
                region_name=name,
                planned=planned.get((code, year), Decimal(0)),
                completed=done.get((code, year)),
                planned_to_date=planned_to_date,
                completed_to_date=completed_to_date,
                rate=_rate(completed_to_date, planned_to_date),
            )
        )
    rows.sort(key=lambda r: (r.rate is None, -(r.rate or 0), r.region_code))
    previous_rate, previous_rank = None, 0
    for position, row in enumerate(rows, start=1):
        if row.rate is None:
            continue
        row.rank = previous_rank if row.rate == previous_rate else position
        previous_rate, previous_rank = row.rate, row.rank
    return rows


PROGRESS_FIELDS = ("region_code", "year", "completed", "source", "correction_reason")


def lock_task(task_id: int) -> Task:
    """The row lock a write on a task takes first: two reports for one task queue here."""
    try:
        return Task.objects.select_for_update().get(pk=task_id)
    except (Task.DoesNotExist, ValueError, TypeError):
        raise NotFound("分解任务不存在") from None


def record_progress(
    task_id: int, *, actor, region_code, year, completed, source, correction_reason=""
) -> TaskProgress:
    """What a county completed in a year; a second figure for the same county and year is a correction.
    The audit event's changes run from the corrected figure (if any) to the new one."""
    permissions.require(actor, "enter")
    if region_code not in COUNTY_REGIONS:
        raise InvalidInput("行政区划须为衢州市所辖县（市、区）的代码（GB/T 2260）", field="region_code")
    the_year = clean_year(year, field="year")
    amount = clean_decimal(completed, field="completed")
    if amount < 0:
        raise InvalidInput("完成量不能为负数", field="completed")
    source_text = clean_text(source, field="source", label="数据来源")
    reason = clean_text(
        correction_reason, field="correction_reason", label="更正理由", required=False, max_length=300
    )
    with transaction.atomic():
        task = lock_task(task_id)
        scope.require_task(actor, task)  # TGT-08: a county sees only tasks with its share
        if not scope.may_report_region(actor, region_code):
            raise InvalidInput("只能填报本县（市、区）的完成量", field="region_code")
        previous = supersede_current(
            TaskProgress.objects.filter(task=task, region_code=region_code, year=the_year),
            reason=reason,
            taken=lambda earlier: f"{REGIONS[region_code]}{the_year}年已有完成量，更正须填写更正理由",
        )
        record = TaskProgress.objects.create(
            task=task,
            region_code=region_code,
            year=the_year,
            completed=amount,
            source=source_text,
            entered_by=actor,
            entered_at=clock.now(),
            replaces=previous,
            correction_reason=reason,
        )
        audit.record(
            actor=actor,
            action="record_progress",
            target=record,
            changes=audit.diff(
                audit.values(previous, PROGRESS_FIELDS) if previous else {},
                audit.values(record, PROGRESS_FIELDS),
            ),
            payload={"task": task.pk, "replaces": previous.pk if previous else None},
        )
        return record
