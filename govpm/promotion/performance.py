"""ORG-03: each county's and city department's work under the policy, for the city's comprehensive
assessment. Figures only; the assessment itself is the assessors' judgement."""

from __future__ import annotations

from django.db.models import Count, Q

from govpm.accounts.models import Unit
from govpm.policy.models import Finding
from govpm.projects.models import Deadline, Project, ZombieListing
from govpm.projects.stages import Stage


def unit_performance(year: int) -> list[dict]:
    """Per owner unit: needs submitted, rejected, in the pool or beyond, overdue and late clocks, zombie listings.
    Four grouped queries, whatever the number of units."""
    submitted = Q(submitted_at__year=year)
    projects = (
        Project.objects.filter(submitted)
        .values("owner_unit_id")
        .annotate(
            submitted=Count("id"),
            rejected=Count("id", filter=Q(stage=Stage.REJECTED)),
            completed=Count("id", filter=Q(stage__in=[Stage.OPERATION, Stage.EVALUATED])),
        )
    )
    late = (
        Deadline.objects.filter(starts_on__year=year)
        .values("project__owner_unit_id")
        .annotate(
            overdue=Count("id", filter=Q(status=Deadline.Status.OVERDUE)),
            late=Count("id", filter=Q(status=Deadline.Status.DONE_LATE)),
        )
    )
    zombies = ZombieListing.objects.filter(listed_on__year=year).values("unit_id").annotate(count=Count("id"))
    hits = (
        Finding.objects.filter(created_at__year=year, outcome=Finding.Outcome.HIT)
        .values("project__owner_unit_id")
        .annotate(count=Count("id"))
    )
    rows: dict[int, dict] = {}

    def row(unit_id: int) -> dict:
        return rows.setdefault(
            unit_id,
            {
                "unit_id": unit_id,
                "submitted": 0,
                "rejected": 0,
                "completed": 0,
                "overdue": 0,
                "late": 0,
                "zombies": 0,
                "rule_hits": 0,
            },
        )

    for item in projects:
        row(item["owner_unit_id"]).update(
            submitted=item["submitted"], rejected=item["rejected"], completed=item["completed"]
        )
    for item in late:
        row(item["project__owner_unit_id"]).update(overdue=item["overdue"], late=item["late"])
    for item in zombies:
        row(item["unit_id"])["zombies"] = item["count"]
    for item in hits:
        row(item["project__owner_unit_id"])["rule_hits"] = item["count"]
    names = dict(Unit.objects.filter(pk__in=rows).values_list("pk", "name"))
    result = [{**values, "unit": names[unit_id]} for unit_id, values in rows.items()]
    return sorted(result, key=lambda r: (-r["overdue"] - r["late"] - r["zombies"], r["unit"]))
