"""The daily pass over the clocks (`manage.py process_deadlines`): marks what is overdue, lifts ended
bars, records reminders. Idempotent: a second run on the same day changes nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from govpm.core import clock
from govpm.core.clock import date_zh

from ..models import Deadline, Project, Reminder
from .locks import lock_projects


@dataclass
class Report:
    overdue: int = 0
    reminders: int = 0
    lifted: int = 0


def _remind(deadline: Deadline, kind: str, day: dt.date, message: str, report: Report) -> None:
    _, created = Reminder.objects.get_or_create(
        deadline=deadline, kind=kind, for_day=day, defaults={"message": message}
    )
    report.reminders += created


def process_deadlines(today: dt.date | None = None) -> Report:
    """One short transaction per project, in id order, each locking the project row before its deadlines —
    the order every action follows (locks.py) — so the pass and an action on the same project queue, never
    deadlock, and a busy project holds up only itself. Which projects to visit is read without locks;
    each is re-read under its lock, so a deadline an action closed meanwhile is left alone."""
    today = today or clock.today()
    report = Report()
    overdue = Deadline.objects.filter(status=Deadline.Status.OVERDUE).values("project_id")
    to_visit = (
        set(Deadline.objects.filter(status=Deadline.Status.OPEN).values_list("project_id", flat=True))
        | set(Project.objects.filter(is_overdue=False, pk__in=overdue).values_list("pk", flat=True))
        | set(Project.objects.filter(is_overdue=True).exclude(pk__in=overdue).values_list("pk", flat=True))
    )
    for project_id in sorted(to_visit):
        with transaction.atomic():
            project = lock_projects([project_id]).get(project_id)
            if project is not None:
                _process_project(project, today, report)
    return report


def _process_project(project: Project, today: dt.date, report: Report) -> None:
    open_ones = Deadline.objects.select_for_update().filter(project=project, status=Deadline.Status.OPEN)
    for deadline in open_ones.order_by("pk"):
        label = deadline.get_code_display()
        name = project.name
        if deadline.overdue_after and today > deadline.overdue_after:
            deadline.status = Deadline.Status.OVERDUE
            deadline.save(update_fields=["status"])
            report.overdue += 1
            _remind(
                deadline,
                "overdue",
                deadline.overdue_after + dt.timedelta(days=1),
                f"【逾期】{name}：{label}，期限{date_zh(deadline.overdue_after)}",
                report,
            )
        elif deadline.kind == Deadline.Kind.BY and deadline.due_on - today <= dt.timedelta(days=1):
            _remind(
                deadline,
                "due_soon",
                deadline.due_on - dt.timedelta(days=1),
                f"【即将到期】{name}：{label}，期限{date_zh(deadline.due_on)}",
                report,
            )
        elif deadline.kind == Deadline.Kind.NOT_BEFORE and today >= deadline.due_on:
            if deadline.code == Deadline.Code.TIME_04:
                deadline.status, deadline.done_on = Deadline.Status.DONE, deadline.due_on
                deadline.save(update_fields=["status", "done_on"])
                report.lifted += 1
            _remind(
                deadline,
                "now_open",
                deadline.due_on,
                f"【可办理】{name}：{label}，{date_zh(deadline.due_on)}起",
                report,
            )
    is_overdue = project.deadlines.filter(status=Deadline.Status.OVERDUE).exists()
    if project.is_overdue != is_overdue:
        project.is_overdue = is_overdue
        project.save(update_fields=["is_overdue"])
