"""Rows that several actions create the same way: issued documents and deadlines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from govpm.accounts.models import Unit
from govpm.core import calendar, clock

from ..models import Deadline, IssuedDocument, Project

# Numbering, rendering and keeping the DOCX belong to govpm.documents, a layer above projects: it
# registers its sealer here when Django starts (DocumentsConfig.ready).
_sealer: Callable[[IssuedDocument], None] | None = None


def register_sealer(sealer: Callable[[IssuedDocument], None]) -> None:
    global _sealer
    _sealer = sealer


def unit_by_code(code: str) -> Unit:
    return Unit.objects.get(code=code)


def issue_document(
    project: Project, *, kind: str, issuer_code: str, body: str, amount: Decimal | None = None
) -> IssuedDocument:
    """A numbered document, with its DOCX rendered now and kept with its SHA-256: what was issued can be
    shown byte for byte later, whatever happens to the project's records afterwards."""
    if _sealer is None:
        raise ImproperlyConfigured("govpm.documents is not installed: nothing can number and seal a document")
    label = IssuedDocument.Kind(kind).label
    document = IssuedDocument(
        project=project,
        kind=kind,
        title=f"关于{project.name}的{label}",
        issuer=unit_by_code(issuer_code),
        issued_on=clock.today(),
        amount=amount,
        body=body,
    )
    _sealer(document)  # numbers, renders, hashes, saves and keeps the DOCX
    return document


def open_deadline(
    project: Project, code: str, *, starts_on: dt.date, ends_on: dt.date | None = None
) -> Deadline:
    """Start a clock of the policy; its due date follows the rule's period (SUPV-06: the half of the
    planned implementation period from starts_on to ends_on)."""
    counting = calendar.CALENDAR
    overdue_after = None
    if code == Deadline.Code.TIME_01:
        counting = calendar.day_counting()
        due_on = calendar.add_days(starts_on, 3, counting=counting)
        kind = Deadline.Kind.BY
        overdue_after = due_on
    elif code == Deadline.Code.TIME_02:
        due_on, kind = clock.add_months(starts_on, 3), Deadline.Kind.NOT_BEFORE
    elif code == Deadline.Code.TIME_03:
        due_on, kind = clock.add_years(starts_on, 1), Deadline.Kind.NOT_BEFORE
        overdue_after = due_on + dt.timedelta(days=settings.GOVPM_POST_EVALUATION_GRACE_DAYS)
    elif code == Deadline.Code.TIME_04:
        due_on, kind = clock.add_years(starts_on, 2), Deadline.Kind.NOT_BEFORE
    elif code == Deadline.Code.SUPV_06 and ends_on is not None:
        due_on, kind = starts_on + dt.timedelta(days=(ends_on - starts_on).days // 2), Deadline.Kind.BY
        overdue_after = due_on
    else:
        raise ValueError(code)
    deadline, _ = Deadline.objects.update_or_create(
        project=project,
        code=code,
        defaults={
            "kind": kind,
            "counting": counting,
            "starts_on": starts_on,
            "due_on": due_on,
            "overdue_after": overdue_after,
            "done_on": None,
            "status": Deadline.Status.OPEN,
        },
    )
    return deadline


def close_deadline(project: Project, code: str, *, done_on: dt.date) -> Deadline | None:
    """Mark a clock done; done after its limit is recorded as done late (TIME-01 is never hidden)."""
    deadline = Deadline.objects.filter(project=project, code=code).first()
    if deadline is None:
        return None
    late = deadline.overdue_after is not None and done_on > deadline.overdue_after
    deadline.done_on = done_on
    deadline.status = Deadline.Status.DONE_LATE if late else Deadline.Status.DONE
    deadline.save(update_fields=["done_on", "status"])
    project.is_overdue = project.deadlines.filter(status=Deadline.Status.OVERDUE).exists()
    return deadline
