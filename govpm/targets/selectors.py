"""Reads for pages, the API and exports, each with the related rows it needs loaded up front, so a list
costs the same number of queries whatever its length."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from . import scope
from .models import Document, Indicator, Observation, Responsibility, Task, TaskProgress


def _responsibilities():
    return Responsibility.objects.select_related("unit").order_by("unit__name")


def indicators(
    *, user, document: str = "", nature: str = "", action_group: str = "", q: str = ""
) -> QuerySet:
    """The indicators `user` may see (TGT-08), filtered."""
    queryset = (
        scope.indicators_for(user)
        .select_related("document")
        .prefetch_related("targets", Prefetch("responsibilities", queryset=_responsibilities()))
    )
    if document:
        queryset = queryset.filter(document__number=document)
    if nature:
        queryset = queryset.filter(nature=nature)
    if action_group:
        queryset = queryset.filter(action_group=action_group)
    if q:
        queryset = queryset.filter(Q(name__icontains=q) | Q(code__iexact=q))
    return queryset.order_by("document__number", "code")


def indicator_detail(pk: int, *, user) -> Indicator:
    """Raises Indicator.DoesNotExist for an indicator outside the user's scope too (a 404, TGT-08)."""
    history = Observation.objects.select_related("entered_by").order_by("period", "entered_at", "id")
    return (
        scope.indicators_for(user)
        .select_related("document")
        .prefetch_related(
            "targets",
            Prefetch("responsibilities", queryset=_responsibilities()),
            Prefetch("observations", queryset=history),
            Prefetch("judgements", queryset=_judgements()),
        )
        .get(pk=pk)
    )


def _judgements():
    from .models import Judgement

    return Judgement.objects.select_related("assessor").order_by("year", "judged_at", "id")


def documents() -> QuerySet:
    return Document.objects.order_by("number")


def action_groups() -> list[str]:
    return list(
        Indicator.objects.exclude(action_group="")
        .order_by("action_group")
        .values_list("action_group", flat=True)
        .distinct()
    )


def observations_for_export(*, user, document: str = "") -> QuerySet:
    queryset = (
        Observation.objects.filter(indicator__in=scope.indicators_for(user))
        .select_related("indicator__document", "entered_by")
        .order_by("indicator__document__number", "indicator__code", "period", "entered_at", "id")
    )
    if document:
        queryset = queryset.filter(indicator__document__number=document)
    return queryset


def tasks(*, user) -> QuerySet:
    return (
        scope.tasks_for(user)
        .select_related("document")
        .prefetch_related("shares")
        .order_by("document__number", "code")
    )


def all_tasks() -> QuerySet:
    """Every task, for the yearly reports (which only `targets.view_all` may download)."""
    return (
        Task.objects.select_related("document")
        .prefetch_related("shares")
        .order_by("document__number", "code")
    )


def task_with_progress(pk: int, *, user) -> Task:
    return (
        scope.tasks_for(user)
        .select_related("document")
        .prefetch_related(
            "shares",
            Prefetch(
                "progress", queryset=TaskProgress.objects.filter(is_current=True), to_attr="current_progress"
            ),
        )
        .get(pk=pk)
    )


def latest_year_with_data(default: int) -> int:
    """The pages open on the latest year with a current observation (or task progress), not on the
    calendar year, which usually has none yet."""
    years = [
        Observation.objects.filter(is_current=True)
        .order_by("-period")
        .values_list("period", flat=True)
        .first(),
        TaskProgress.objects.filter(is_current=True).order_by("-year").values_list("year", flat=True).first(),
    ]
    found = [year for year in years if year is not None]
    return max(found) if found else default
