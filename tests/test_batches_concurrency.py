"""PLAN-05 under real concurrency (PostgreSQL, threads): one open batch at a time, and a need pooled while
its batch closes is either on that batch's 年度项目计划 or in no batch — never in a closed batch off it."""

import datetime as dt

import pytest

from govpm.core.errors import Conflict, RuleViolation
from govpm.documents import batches
from govpm.projects import lifecycle
from govpm.projects.models import AnnualPlanItem, Batch, Project
from govpm.projects.scenarios import ALL_CLEAR

from .factories import draft
from .test_concurrency import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_batches_opened_at_once_leave_exactly_one_open_PLAN_05(cast, clock):
    """PLAN-05: the second is refused (the database's batch_one_open constraint or the check), never a 500."""
    results = run_together(
        *[
            lambda n=n: batches.open_batch(
                actor=cast.smart_office, name=f"批次{n}", closes_on=dt.date(2026, 3, 31)
            )
            for n in range(2)
        ]
    )

    assert Batch.objects.filter(status="open").count() == 1
    refused = [r for r in results if not isinstance(r, Batch)]
    assert len(refused) == 1 and isinstance(refused[0], Conflict | RuleViolation), refused


@pytest.mark.parametrize("attempt", range(3))
def test_a_need_pooled_while_its_batch_closes_is_on_the_plan_or_in_no_batch_PLAN_05(cast, clock, attempt):
    """PLAN-05: review_needs locks the project then the open batch; close_batch the batch."""
    batch = batches.open_batch(actor=cast.smart_office, name="2026年度第一批", closes_on=dt.date(2026, 3, 31))
    need = draft(cast.owner, name=f"并发入库{attempt}", with_materials=True)
    lifecycle.submit(need.pk, actor=cast.owner)

    results = run_together(
        lambda: lifecycle.review_needs(need.pk, actor=cast.bdb, decision="accept", answers=ALL_CLEAR),
        lambda: batches.close_batch(batch.pk, actor=cast.smart_office, budget_year=2027),
    )

    assert not any(isinstance(r, Exception) for r in results), results
    pooled = Project.objects.get(pk=need.pk)
    assert pooled.stage == "pooled" and Batch.objects.get(pk=batch.pk).status == "closed"
    on_plan = AnnualPlanItem.objects.filter(batch=batch, project=pooled).exists()
    assert on_plan == (pooled.batch_id == batch.pk)
