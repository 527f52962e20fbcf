"""IMPL-08 under real concurrency: ndrc decides a 概算调整 while the owner signs contracts.

PostgreSQL only (real row locks, real threads, one connection each)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection

from govpm.projects.models import Contract, EstimateChange, Event
from govpm.projects.scenarios import advance

from .factories import api_for, draft, make_cast
from .test_concurrency import run_together, status_of

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CONTRACTS = 8
EACH = Decimal("5000.00")
ROOM = Decimal("20000.00")  # the lowered estimate leaves room for four of them


def test_an_estimate_change_decided_while_contracts_are_signed_never_leaves_contracts_over_it_IMPL_08():
    """IMPL-08: ndrc's approval of an estimate lowered to 20000 元 above what is signed, and eight
    contracts of 5000 元 signed meanwhile, all at once, three times. Walking the audit trail in order,
    the contracts signed never exceed the baseline in force, nor the lowered estimate when it is
    approved; every refusal is a 400 of IMPL-08 (a contract past the new baseline, or the change below
    the contracts signed), never a 500. (Payments are capped by their contracts, so they stay under it
    too.)"""
    assert connection.vendor == "postgresql"
    cast = make_cast()
    outcomes = set()
    for attempt in range(3):
        project = advance(draft(cast.owner, name=f"并发签约{attempt}"), cast, to="implementation")
        contract = Contract.objects.get(project=project)
        original = project.approved_estimate
        lowered = contract.amount + ROOM
        assert original is not None and contract.amount + EACH * CONTRACTS <= original
        assert lowered < original and contract.amount + EACH * CONTRACTS > lowered
        url = f"/api/v1/projects/{project.pk}/actions/"
        applied = api_for(cast.owner).post(
            url + "apply_estimate_change/",
            {
                "new_amount": str(lowered),
                "reason": "压减",
                "funding_source": "不涉及",
                "material": "调整方案",
            },
            format="json",
        )
        assert applied.status_code == 200, applied.json()
        signed_on = contract.signed_on.isoformat()

        def sign(url=url, contract=contract, signed_on=signed_on, attempt=attempt):
            body = {
                "tender_id": contract.tender_id,
                "supplier": f"浙江并发供应商{attempt}",
                "amount": str(EACH),
                "signed_on": signed_on,
            }
            return api_for(cast.owner).post(url + "record_contract/", body, format="json")

        def decide(url=url):
            body = {"decision": "approve", "reason": "同意压减"}
            return api_for(cast.ndrc).post(url + "decide_estimate_change/", body, format="json")

        results = run_together(decide, *[sign for _ in range(CONTRACTS)])

        for result in results:
            assert status_of(result) in {200, 400}, (status_of(result), getattr(result, "content", result))
            if status_of(result) == 400:
                assert result.json()["error"]["rule"] == "IMPL-08", result.json()
        # the audit trail, in the order the row lock let the transactions through
        baseline, signed = original, Decimal(0)
        for event in Event.objects.filter(project=project, id__gt=0).order_by("id"):
            if event.action == "decide_estimate_change":
                baseline = Decimal(event.payload["baseline"])
                assert baseline == lowered and signed <= baseline, (attempt, signed, baseline)
            elif event.action == "record_contract":
                signed += Decimal(event.payload["amount"])
                assert signed <= baseline, (attempt, signed, baseline)
        assert signed == sum((c.amount for c in Contract.objects.filter(project=project)), Decimal(0))
        change = EstimateChange.objects.get(project=project)
        accepted = sum(1 for r in results[1:] if status_of(r) == 200)
        if status_of(results[0]) == 200:
            assert change.status == "approved" and baseline == lowered
            assert accepted <= int(ROOM // EACH)
        else:
            assert change.status == "pending" and accepted == CONTRACTS and signed > lowered
        outcomes.add((status_of(results[0]), accepted))
    assert outcomes  # which interleavings came up is the scheduler's; each was checked above
