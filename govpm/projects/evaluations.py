"""Reads of post-evaluation results (PERF-02): a unit's past results, shown where the next money or the
next need of that unit is decided (its needs review, finance's funding view) and counted in ORG-03."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from .models import PostEvaluation, TargetScore

# A post-evaluation below this score, or with a target not met, counts as a low result (README readings).
LOW_SCORE = Decimal("60")


def unit_evaluations(unit_id: int, *, exclude_project: int | None = None) -> QuerySet[PostEvaluation]:
    """The owner unit's post-evaluated projects, newest first, with each target's score: two queries."""
    evaluations = (
        PostEvaluation.objects.filter(project__owner_unit_id=unit_id)
        .select_related("project")
        .prefetch_related(
            Prefetch(
                "target_scores",
                queryset=TargetScore.objects.select_related("target").order_by("target__position"),
            )
        )
        .order_by("-evaluated_on", "-id")
    )
    if exclude_project is not None:
        evaluations = evaluations.exclude(project_id=exclude_project)
    return evaluations


def is_low(evaluation: PostEvaluation) -> bool:
    """A low result: an overall score under 60, or any performance target not met."""
    return evaluation.score < LOW_SCORE or any(
        score.result == TargetScore.Result.NOT_MET for score in evaluation.target_scores.all()
    )
