"""Naming an indicator's responsible units (TGT-08). Where the document names the unit the curated data
says so (basis 文件明确, with the clause); where it is silent, 市智慧办 assigns one, and the assignment is
an audited write like any other."""

from __future__ import annotations

from django.db import transaction

from govpm.accounts.models import Unit
from govpm.core import audit, clock
from govpm.core.errors import InvalidInput

from . import permissions
from .models import Responsibility
from .observations import lock_indicator

FIELDS = ("indicator_id", "unit_id", "basis", "clause")


def assign_unit(indicator_id: int, *, actor, unit_id) -> Responsibility:
    """市智慧办 names a unit responsible for an indicator the document leaves without one."""
    permissions.require(actor, "assign")
    try:
        unit = Unit.objects.get(pk=int(unit_id))
    except (Unit.DoesNotExist, TypeError, ValueError):
        raise InvalidInput("责任单位不存在", field="unit") from None
    with transaction.atomic():
        indicator = lock_indicator(indicator_id)
        if Responsibility.objects.filter(indicator=indicator, unit=unit).exists():
            raise InvalidInput(f"{unit.short_name or unit.name}已是该指标的责任单位", field="unit")
        responsibility = Responsibility.objects.create(
            indicator=indicator,
            unit=unit,
            basis=Responsibility.Basis.ASSIGNED,
            assigned_by=actor,
            assigned_at=clock.now(),
        )
        audit.record(
            actor=actor,
            action="assign_responsible_unit",
            target=responsibility,
            changes=audit.diff({}, audit.values(responsibility, FIELDS)),
            payload={"indicator": indicator.pk, "unit": unit.name},
        )
        return responsibility
