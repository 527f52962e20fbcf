"""ORG-05: every lapse is charged to the unit that had to act — 市发改委 for a late design approval
(TIME-01), each reviewer's unit for its review task, 市智慧办 for a late post-evaluation (TIME-03) or
mid-term review (SUPV-06), the owner for a scheduled payment — never to the owner for another unit's delay.

The sources are a registry: a function per kind of lapse, `source(year) -> Iterable[Lapse]`, added
with `@lapse_source`. ORG-03's table counts them per unit and its drill-down lists them per project.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from govpm.accounts.models import Unit
from govpm.core import clock
from govpm.core.calendar import WORKING, add_days
from govpm.projects import finance
from govpm.projects.models import DEADLINE_RESPONSIBLE_UNIT, Deadline, Event, Project, ReviewTask

OVERDUE = "overdue"  # still not done after its limit (逾期未办)
LATE = "late"  # done after its limit (逾期办结)
COLUMNS = (OVERDUE, LATE)


@dataclass(frozen=True)
class Lapse:
    source: str  # the registry key of the source that found it
    column: str  # OVERDUE or LATE
    unit_id: int  # the responsible unit, charged with it
    project_id: int
    due_on: dt.date  # the limit that was missed
    what: str  # Chinese, shown in the drill-down


@dataclass(frozen=True)
class LapseSource:
    key: str
    label: str  # Chinese: the kind of lapse
    rule: str
    collect: Callable[[int], Iterable[Lapse]]


LAPSE_SOURCES: dict[str, LapseSource] = {}


def lapse_source(key: str, label: str, rule: str):
    """Register a source of lapses (a function of the year)."""

    def register(function: Callable[[int], Iterable[Lapse]]) -> Callable[[int], Iterable[Lapse]]:
        LAPSE_SOURCES[key] = LapseSource(key, label, rule, function)
        return function

    return register


def _unit_ids(codes: Iterable[str]) -> dict[str, int]:
    return dict(Unit.objects.filter(code__in=set(codes)).values_list("code", "pk"))


@lapse_source("deadlines", "时限逾期", "ORG-05")
def deadline_lapses(year: int) -> Iterable[Lapse]:
    """The clocks of the policy started in the year and missed, charged to the clock's unit
    (models.DEADLINE_RESPONSIBLE_UNIT; a clock not named there is the owner's)."""
    units = _unit_ids(DEADLINE_RESPONSIBLE_UNIT.values())
    rows = Deadline.objects.filter(
        starts_on__year=year, status__in=[Deadline.Status.OVERDUE, Deadline.Status.DONE_LATE]
    ).values_list("code", "status", "project_id", "project__owner_unit_id", "overdue_after", "due_on")
    for code, status, project_id, owner_unit_id, overdue_after, due_on in rows:
        unit_code = DEADLINE_RESPONSIBLE_UNIT.get(code)
        yield Lapse(
            source="deadlines",
            column=OVERDUE if status == Deadline.Status.OVERDUE else LATE,
            unit_id=units[unit_code] if unit_code else owner_unit_id,
            project_id=project_id,
            due_on=overdue_after or due_on,
            what=Deadline.Code(code).label,
        )


def review_due_on(opened: dt.date) -> dt.date:
    """A review opinion is due NOTICES_REVIEW_STALE_DAYS working days after its round opened (NOTE-02)."""
    return add_days(opened, int(getattr(settings, "NOTICES_REVIEW_STALE_DAYS", 5)), counting=WORKING)


@lapse_source("review_tasks", "评审意见逾期", "COORD-02")
def review_task_lapses(year: int) -> Iterable[Lapse]:
    """A joint-review round opened in the year: each reviewer unit's task answered after its due day, or
    still unanswered past it while the round is open, charged to the reviewer's unit (experts: 专家库)."""
    today = clock.today()
    opened: dict[tuple[int, int], dt.date] = {}
    for project_id, payload, created_at in Event.objects.filter(
        action="submit_scheme", created_at__year=year
    ).values_list("project_id", "payload", "created_at"):
        if isinstance(payload, dict) and isinstance(payload.get("round"), int):
            opened[(project_id, payload["round"])] = timezone.localdate(created_at)
    if not opened:
        return
    tasks = ReviewTask.objects.filter(project_id__in={key[0] for key in opened}).values_list(
        "project_id",
        "round",
        "unit_id",
        "expert__unit_id",
        "answered_at",
        "project__review_round",
        "project__stage",
    )
    for project_id, round_no, unit_id, expert_unit_id, answered_at, current_round, stage in tasks:
        start = opened.get((project_id, round_no))
        responsible = unit_id or expert_unit_id
        if start is None or responsible is None:
            continue
        due = review_due_on(start)
        if answered_at is not None and timezone.localdate(answered_at) > due:
            column = LATE
        elif answered_at is None and today > due and round_no == current_round and stage == "joint_review":
            column = OVERDUE
        else:
            continue
        yield Lapse("review_tasks", column, responsible, project_id, due, f"第{round_no}轮并联审核意见")


def _field(row, name: str, default=None):
    return row.get(name, default) if isinstance(row, dict) else getattr(row, name, default)


@lapse_source("scheduled_payments", "计划支付逾期", "SUPV-05")
def scheduled_payment_lapses(year: int) -> Iterable[Lapse]:
    """Scheduled payments past due and unpaid, charged to the unit that pays (SUPV-05: the contract's
    signing unit, the owner unless 统采分签)."""
    for row in finance.overdue_scheduled_payments(year=year):
        due = _field(row, "due_on")
        project_id, unit_id = _field(row, "project_id"), _field(row, "unit_id")
        if project_id is None or unit_id is None or due is None:
            continue
        paid_on = _field(row, "paid_on")
        yield Lapse(
            "scheduled_payments",
            LATE if paid_on else OVERDUE,
            unit_id,
            project_id,
            due,
            f"计划支付{_field(row, 'milestone', '') or ''}".rstrip(),
        )


def lapses(year: int) -> list[Lapse]:
    return [lapse for source in LAPSE_SOURCES.values() for lapse in source.collect(year)]


def counts(year: int) -> dict[int, dict[str, int]]:
    """Per responsible unit: {OVERDUE: n, LATE: n}."""
    result: dict[int, dict[str, int]] = {}
    for lapse in lapses(year):
        row = result.setdefault(lapse.unit_id, dict.fromkeys(COLUMNS, 0))
        row[lapse.column] += 1
    return result


@dataclass(frozen=True)
class LapseRow:
    lapse: Lapse
    project: Project
    source_label: str


def drill_down(year: int, unit_id: int, column: str) -> list[LapseRow]:
    """The projects behind one number of the table: the unit's lapses of that column, with their project."""
    found = [lapse for lapse in lapses(year) if lapse.unit_id == unit_id and lapse.column == column]
    projects = Project.objects.select_related("owner_unit").in_bulk({lapse.project_id for lapse in found})
    rows = [
        LapseRow(lapse, projects[lapse.project_id], LAPSE_SOURCES[lapse.source].label)
        for lapse in found
        if lapse.project_id in projects
    ]
    return sorted(rows, key=lambda row: (row.lapse.due_on, row.project.pk))
