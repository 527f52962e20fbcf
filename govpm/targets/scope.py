"""Which indicators and tasks a user sees (TGT-08): the object-level half of the targets capabilities.

`targets.view_all` (市大数据局, 市智慧办, the leading group, observers) sees everything. Any other role
with `targets.view` (an owner unit) sees only the indicators its unit is responsible for and, for a
county government, the decomposed tasks with a share for its region. Everything else is none: deny by
default. Pages and the API answer 404 for an indicator or task outside the scope, so its existence is
not disclosed."""

from __future__ import annotations

from django.db.models import QuerySet

from govpm.accounts.models import Unit
from govpm.core import access
from govpm.core.errors import NotFound

from .models import Indicator, Task


def sees_all(user) -> bool:
    return access.can(user, "targets.view_all")


def _unit(user) -> Unit | None:
    if not access.can(user, "targets.view"):
        return None
    return getattr(user, "unit", None)


def county_region(user) -> str | None:
    """The region a county government reports for, or None for any other unit."""
    unit = _unit(user)
    if unit is None or unit.kind != Unit.Kind.COUNTY:
        return None
    return unit.region_code


def indicators_for(user, queryset: QuerySet | None = None) -> QuerySet:
    queryset = Indicator.objects.all() if queryset is None else queryset
    if sees_all(user):
        return queryset
    unit = _unit(user)
    if unit is None:
        return queryset.none()
    # One responsibility row per (indicator, unit): the join never duplicates an indicator.
    return queryset.filter(responsibilities__unit=unit)


def tasks_for(user, queryset: QuerySet | None = None) -> QuerySet:
    queryset = Task.objects.all() if queryset is None else queryset
    if sees_all(user):
        return queryset
    region = county_region(user)
    if region is None:
        return queryset.none()
    return queryset.filter(pk__in=Task.objects.filter(shares__region_code=region).values("pk"))


def require_indicator(user, indicator: Indicator) -> None:
    """404 for an indicator the user may not see (TGT-08)."""
    if not indicators_for(user, Indicator.objects.filter(pk=indicator.pk)).exists():
        raise NotFound("指标不存在")


def require_task(user, task: Task) -> None:
    if not tasks_for(user, Task.objects.filter(pk=task.pk)).exists():
        raise NotFound("分解任务不存在")


def may_report_region(user, region_code: str) -> bool:
    """The keepers report for any county; a county government only for its own share."""
    return sees_all(user) or county_region(user) == region_code
