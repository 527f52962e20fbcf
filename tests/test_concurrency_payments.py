"""IMPL-08 with SUPV-05 under real concurrency: ndrc decides a 概算调整 while the owner records payments.

PostgreSQL only (real row locks, real threads, one connection each)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection

from govpm.core import clock
from govpm.projects.models import Contract, EstimateChange, Event, Payment
from govpm.projects.scenarios import advance

from .factories import api_for, draft, make_cast
from .test_concurrency import run_together, status_of

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PAYMENTS = 8
EACH = Decimal("100000.00")
LOWERED = Decimal("550000.00")


def test_an_estimate_change_decided_while_payments_are_recorded_never_lets_payments_pass_the_baseline_IMPL_08():
    """IMPL-08 SUPV-05: eight payments of 100000 元 and ndrc's approval of a baseline lowered to 550000 元,
    all at once, three times. Walking the audit trail in order, the cumulative payments never exceed
    the baseline in force when each payment was accepted; every refusal is a 400 of IMPL-08 (a payment
    past the new baseline, or the change below what was already paid), never a 500."""
    assert connection.vendor == "postgresql"
    cast = make_cast()
    outcomes = set()
    for attempt in range(3):
        project = advance(draft(cast.owner, name=f"并发支付{attempt}"), cast, to="implementation")
        contract = Contract.objects.get(project=project)
        original = project.approved_estimate
        assert original is not None and contract.amount >= EACH * PAYMENTS
        url = f"/api/v1/projects/{project.pk}/actions/"
        applied = api_for(cast.owner).post(
            url + "apply_estimate_change/",
            {
                "new_amount": str(LOWERED),
                "reason": "压减",
                "funding_source": "不涉及",
                "material": "调整方案",
            },
            format="json",
        )
        assert applied.status_code == 200, applied.json()
        today = clock.today().isoformat()

        def pay(url=url, contract=contract, today=today):
            body = {"contract_id": contract.pk, "amount": str(EACH), "paid_on": today}
            return api_for(cast.owner).post(url + "record_payment/", body, format="json")

        def decide(url=url):
            body = {"decision": "approve", "reason": "同意压减"}
            return api_for(cast.ndrc).post(url + "decide_estimate_change/", body, format="json")

        results = run_together(decide, *[pay for _ in range(PAYMENTS)])

        for result in results:
            assert status_of(result) in {200, 400}, (status_of(result), getattr(result, "content", result))
            if status_of(result) == 400:
                assert result.json()["error"]["rule"] == "IMPL-08", result.json()
        # the audit trail, in the order the row lock let the transactions through
        baseline, paid = original, Decimal(0)
        for event in Event.objects.filter(project=project, id__gt=0).order_by("id"):
            if event.action == "decide_estimate_change":
                baseline = Decimal(event.payload["baseline"])
            elif event.action == "record_payment":
                paid += Decimal(event.payload["amount"])
                assert Decimal(event.payload["baseline"]) == baseline
                assert paid <= baseline, (attempt, paid, baseline)
        assert paid == sum((p.amount for p in Payment.objects.filter(project=project)), Decimal(0))
        change = EstimateChange.objects.get(project=project)
        accepted = sum(1 for r in results[1:] if status_of(r) == 200)
        if status_of(results[0]) == 200:
            assert change.status == "approved" and baseline == LOWERED
            assert accepted <= int(LOWERED // EACH)
        else:
            assert change.status == "pending" and accepted == PAYMENTS
        outcomes.add((status_of(results[0]), accepted))
    assert outcomes  # which interleavings came up is the scheduler's; each was checked above
