"""Reads for pages, the API and exports, each with the related rows it needs loaded up front, so a list
costs the same number of queries whatever its length."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from .models import Document, Indicator, Observation, Task, TaskProgress


def indicators(*, document: str = "", nature: str = "", action_group: str = "", q: str = "") -> QuerySet:
    queryset = Indicator.objects.select_related("document").prefetch_related("targets")
    if document:
        queryset = queryset.filter(document__number=document)
    if nature:
        queryset = queryset.filter(nature=nature)
    if action_group:
        queryset = queryset.filter(action_group=action_group)
    if q:
        queryset = queryset.filter(Q(name__icontains=q) | Q(code__iexact=q))
    return queryset.order_by("document__number", "code")


def indicator_detail(pk: int) -> Indicator:
    history = Observation.objects.select_related("entered_by").order_by("period", "entered_at", "id")
    return (
        Indicator.objects.select_related("document")
        .prefetch_related(
            "targets",
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


def observations_for_export(*, document: str = "") -> QuerySet:
    queryset = Observation.objects.select_related("indicator__document", "entered_by").order_by(
        "indicator__document__number", "indicator__code", "period", "entered_at", "id"
    )
    if document:
        queryset = queryset.filter(indicator__document__number=document)
    return queryset


def tasks() -> QuerySet:
    return (
        Task.objects.select_related("document")
        .prefetch_related("shares")
        .order_by("document__number", "code")
    )


def task_with_progress(pk: int) -> Task:
    return (
        Task.objects.select_related("document")
        .prefetch_related(
            "shares",
            Prefetch(
                "progress", queryset=TaskProgress.objects.filter(is_current=True), to_attr="current_progress"
            ),
        )
        .get(pk=pk)
    )
