"""The daily pass over the clocks (`manage.py process_deadlines`): marks what is overdue, lifts ended
bars, records reminders. Idempotent: a second run on the same day changes nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from govpm.core import clock
from govpm.core.calendar import WORKING, add_days
from govpm.core.clock import date_zh
from govpm.notices import reminders

from ..finance import overdue_scheduled_payments
from ..models import Deadline, Project, Reminder
from ..stages import Stage
from .locks import lock_projects


@dataclass
class Report:
    overdue: int = 0
    reminders: int = 0
    lifted: int = 0
    overdue_payments: int = 0  # SUPV-05: scheduled payments past due, reminded (once each)


def _remind(deadline: Deadline, kind: str, day: dt.date, message: str, report: Report) -> None:
    _, created = Reminder.objects.get_or_create(
        deadline=deadline, kind=kind, for_day=day, defaults={"message": message}
    )
    report.reminders += created
    # The people who must act are told once per occasion (NOTE-02), in this pass's transaction.
    reminders.for_deadline(deadline, kind, day, message)


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
    report.overdue_payments = remind_overdue_payments(today)
    return report


def remind_overdue_payments(today: dt.date) -> int:
    """SUPV-05: each scheduled payment past due and unpaid is escalated once to the paying unit and
    smart_office. One short transaction per project, in id order, the project row locked first (0401)."""
    found = 0
    for project_id in sorted({row.project_id for row in overdue_scheduled_payments(today=today)}):
        with transaction.atomic():
            project = lock_projects([project_id]).get(project_id)
            if project is None:
                continue
            # Re-read under the lock: a payment recorded meanwhile may have filled the milestone.
            for row in overdue_scheduled_payments(today=today, project_id=project_id):
                reminders.for_overdue_payment(project, row)
                found += 1
    return found


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


def remind_stale_reviews(today: dt.date | None = None) -> int:
    """Joint reviews open longer than NOTICES_REVIEW_STALE_DAYS working days escalate (NOTE-02): the
    units and experts still owing an opinion and smart_office are told, once per review round."""
    today = today or clock.today()
    days = int(getattr(settings, "NOTICES_REVIEW_STALE_DAYS", 5))
    told = 0
    with transaction.atomic():
        for project in Project.objects.filter(stage=Stage.JOINT_REVIEW):
            opened = timezone.localdate(project.stage_changed_at)
            if add_days(opened, days, counting=WORKING) >= today:
                continue
            missing = project.review_tasks.filter(round=project.review_round, opinion="")
            units = [pk for pk in missing.values_list("unit_id", flat=True) if pk]
            experts = [pk for pk in missing.values_list("expert_id", flat=True) if pk]
            if units or experts:
                told += len(
                    reminders.for_stale_review(
                        project, days=days, missing_unit_ids=units, missing_expert_ids=experts
                    )
                )
    return told
