"""IMPL-07 信息工程监理, IMPL-08 概算调整, SUPV-05 payment schedules, settlements and overdue payments,
through the API, as each role."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from html import unescape

import pytest

from govpm.core import clock as platform_clock
from govpm.core.money import format_yuan
from govpm.notices.models import Notice
from govpm.projects import finance
from govpm.projects.lifecycle import process_deadlines
from govpm.projects.models import Contract, EstimateChange, Payment, PaymentMilestone, Project
from govpm.projects.scenarios import advance

from .factories import api_for, attach, draft

pytestmark = pytest.mark.django_db


def act(user, pid, action, body=None):
    return api_for(user).post(f"/api/v1/projects/{pid}/actions/{action}/", body or {}, format="json")


def ok(response):
    assert response.status_code == 200, response.json()
    return response.json()["project"]


def refused(response, status, *, rule=None, field=None):
    assert response.status_code == status, response.json()
    error = response.json()["error"]
    if rule:
        assert error["rule"] == rule, error
    if field:
        assert error["field"] == field, error
    return error


def in_stage(cast, clock, stage, name="智慧医保服务平台"):
    return advance(draft(cast.owner, name=name), cast, to=stage, shift=clock.shift)


# ---- IMPL-08 ---------------------------------------------------------------------------------------


def test_owner_applies_ndrc_approves_and_the_tender_boundary_moves_with_the_baseline_IMPL_08(cast, clock):
    """IMPL-08: an approved change is the new baseline; a tender at exactly it is allowed, 0.01 元 over
    it is refused; the history shows both baselines."""
    project = in_stage(cast, clock, "procurement")
    attach(project, "record_tender", cast.owner)  # MAT-01: the 招标文件, before any tender is recorded
    pid, original = project.pk, project.approved_estimate
    new = original + Decimal("300000.00")
    body = {
        "new_amount": str(new),
        "reason": "新增医保移动端模块",
        "funding_source": "市级财政追加",
        "material": "调整概算报告（衢医保〔2026〕3号）",
    }
    applied = ok(act(cast.owner, pid, "apply_estimate_change", body))
    assert applied["finance"]["baseline"] == str(original)  # pending changes nothing yet
    assert applied["finance"]["estimate_changes"][0]["status"] == "pending"
    # only one pending at a time
    refused(act(cast.owner, pid, "apply_estimate_change", body), 400, rule="IMPL-08")
    # a pending change blocks nothing else: a tender within the old baseline goes in
    ok(
        act(
            cast.owner,
            pid,
            "record_tender",
            {"title": "一期", "ceiling": "100000.00", "published_on": platform_clock.today().isoformat()},
        )
    )
    # ndrc alone decides
    assert (
        act(cast.owner, pid, "decide_estimate_change", {"decision": "approve", "reason": "同意"}).status_code
        == 403
    )
    decided = ok(act(cast.ndrc, pid, "decide_estimate_change", {"decision": "approve", "reason": "核定调整"}))
    assert decided["finance"]["baseline"] == str(new)
    assert decided["approved_estimate"] == str(new)
    assert [(b["amount"], b["source"], b["current"]) for b in decided["finance"]["baselines"]] == [
        (str(original), "初步设计批复", False),
        (str(new), "概算调整批复", True),
    ]
    # tenders together: 100000 already; the second at exactly the rest is allowed, 0.01 over refused
    rest = new - Decimal("100000.00")
    today = platform_clock.today().isoformat()
    over = {"title": "二期", "ceiling": str(rest + Decimal("0.01")), "published_on": today}
    refused(act(cast.owner, pid, "record_tender", over), 400, rule="IMPL-01", field="ceiling")
    ok(act(cast.owner, pid, "record_tender", {"title": "二期", "ceiling": str(rest), "published_on": today}))
    # nothing pending any more: ndrc has nothing to decide (409), the owner may apply again
    refused(act(cast.ndrc, pid, "decide_estimate_change", {"decision": "approve", "reason": "x"}), 409)
    events = [e.action for e in Project.objects.get(pk=pid).events.all()]
    assert events.count("apply_estimate_change") == 1 and events.count("decide_estimate_change") == 1


def test_a_refused_change_leaves_the_baseline_and_bad_input_saves_nothing_IMPL_08(cast, clock):
    """IMPL-08: refusal keeps the baseline; bad bodies are 400 naming the field, nothing saved."""
    project = in_stage(cast, clock, "funded")
    pid, original = project.pk, project.approved_estimate
    bad = [
        ({"new_amount": "abc", "reason": "r", "funding_source": "f", "material": "m"}, "new_amount"),
        ({"new_amount": "-5", "reason": "r", "funding_source": "f", "material": "m"}, "new_amount"),
        ({"new_amount": "100.001", "reason": "r", "funding_source": "f", "material": "m"}, "new_amount"),
        ({"new_amount": "100", "reason": " ", "funding_source": "f", "material": "m"}, "reason"),
        ({"new_amount": "100", "reason": "r", "funding_source": "f"}, "material"),
        ({"new_amount": "100", "reason": "r", "funding_source": "f", "material": "m", "x": 1}, "x"),
        ({"new_amount": str(original), "reason": "r", "funding_source": "f", "material": "m"}, "new_amount"),
    ]
    for body, field in bad:
        error = refused(act(cast.owner, pid, "apply_estimate_change", body), 400, field=field)
        assert error["message"]
    assert not EstimateChange.objects.filter(project_id=pid).exists()
    body = {
        "new_amount": "900000.00",
        "reason": "压减建设内容",
        "funding_source": "不涉及",
        "material": "调整方案",
    }
    ok(act(cast.owner, pid, "apply_estimate_change", body))
    refused(
        act(cast.ndrc, pid, "decide_estimate_change", {"decision": "maybe", "reason": "x"}),
        400,
        field="decision",
    )
    refused(act(cast.ndrc, pid, "decide_estimate_change", {"decision": "refuse"}), 400, field="reason")
    decided = ok(
        act(cast.ndrc, pid, "decide_estimate_change", {"decision": "refuse", "reason": "理由不充分"})
    )
    assert decided["finance"]["baseline"] == str(original)
    change = decided["finance"]["estimate_changes"][0]
    assert (change["status"], change["status_label"], change["decision_reason"]) == (
        "refused",
        "不予批准",
        "理由不充分",
    )
    assert len(decided["finance"]["baselines"]) == 1


def test_payments_and_contracts_are_checked_against_the_current_baseline_IMPL_08(cast, clock, client):
    """IMPL-08: an estimate is never changed below what was paid nor below the contracts signed (at the
    application and again at the decision, for contracts signed meanwhile) — the web form says how low it
    may go; a lowered baseline caps later contracts."""
    project = in_stage(cast, clock, "implementation")
    pid, original = project.pk, project.approved_estimate
    contract = Contract.objects.get(project=project)
    today = platform_clock.today().isoformat()
    ok(
        act(
            cast.owner,
            pid,
            "record_payment",
            {"contract_id": contract.pk, "amount": "300000.00", "paid_on": today},
        )
    )
    change = {"reason": "压减", "funding_source": "不涉及", "material": "调整方案"}
    error = refused(
        act(cast.owner, pid, "apply_estimate_change", {**change, "new_amount": "299999.99"}),
        400,
        rule="IMPL-08",
        field="new_amount",
    )
    assert "已支付合计 300000.00 元" in error["message"]
    below_contracts = str(contract.amount - Decimal("0.01"))
    error = refused(
        act(cast.owner, pid, "apply_estimate_change", {**change, "new_amount": below_contracts}),
        400,
        rule="IMPL-08",
        field="new_amount",
    )
    assert f"已签合同金额合计 {contract.amount} 元" in error["message"]
    assert not EstimateChange.objects.filter(project_id=pid).exists()
    client.force_login(cast.owner)
    form = client.get(f"/projects/{pid}/")  # the action forms are on the project page
    assert form.status_code == 200
    assert f"不得低于已签合同金额合计 {format_yuan(contract.amount)}" in unescape(form.content.decode())
    # lowered to exactly what is signed: allowed; then no further contract fits
    lowered = contract.amount
    assert lowered < original
    ok(act(cast.owner, pid, "apply_estimate_change", {**change, "new_amount": str(lowered)}))
    ok(act(cast.ndrc, pid, "decide_estimate_change", {"decision": "approve", "reason": "同意压减"}))
    assert finance.current_baseline(Project.objects.get(pk=pid)) == lowered
    more = {
        "tender_id": contract.tender_id,
        "supplier": "浙江另一信息技术有限公司",
        "amount": "1.00",
        "signed_on": today,
    }
    refused(act(cast.owner, pid, "record_contract", more), 400, rule="IMPL-08", field="amount")
    assert Contract.objects.filter(project_id=pid).count() == 1
    # the rest of the contract can still be paid, to the cent
    rest = {
        "contract_id": contract.pk,
        "amount": str(contract.amount - Decimal("300000.00")),
        "paid_on": today,
    }
    ok(act(cast.owner, pid, "record_payment", rest))


def test_a_change_is_not_approved_below_contracts_signed_since_the_application_IMPL_08(cast, clock):
    """IMPL-08: the owner applies to lower the estimate above what is signed, then signs another contract
    within the baseline still in force; ndrc's approval is refused naming the contracts, its refusal is
    recorded, and the baseline stays."""
    project = in_stage(cast, clock, "implementation")
    pid, original = project.pk, project.approved_estimate
    contract = Contract.objects.get(project=project)
    today = platform_clock.today().isoformat()
    target = contract.amount + Decimal("100.00")
    assert target < original
    body = {"new_amount": str(target), "reason": "压减", "funding_source": "不涉及", "material": "调整方案"}
    ok(act(cast.owner, pid, "apply_estimate_change", body))
    second = {
        "tender_id": contract.tender_id,
        "supplier": "浙江另一信息技术有限公司",
        "amount": "200.00",
        "signed_on": today,
    }
    ok(act(cast.owner, pid, "record_contract", second))
    error = refused(
        act(cast.ndrc, pid, "decide_estimate_change", {"decision": "approve", "reason": "同意"}),
        400,
        rule="IMPL-08",
        field="decision",
    )
    assert f"已签合同金额合计 {contract.amount + Decimal('200.00')} 元" in error["message"]
    assert "不能批准" in error["message"]
    assert EstimateChange.objects.get(project_id=pid).status == EstimateChange.Status.PENDING
    decided = ok(
        act(cast.ndrc, pid, "decide_estimate_change", {"decision": "refuse", "reason": "合同已增加"})
    )
    assert decided["finance"]["baseline"] == str(original)


# ---- SUPV-05 ---------------------------------------------------------------------------------------


def test_a_payment_on_the_signing_date_is_allowed_the_day_before_refused_SUPV_05(cast, clock):
    """SUPV-05 boundary: never dated before the contract's signing, nor in the future."""
    project = in_stage(cast, clock, "implementation")
    contract = Contract.objects.get(project=project)
    body = {"contract_id": contract.pk, "amount": "1000.00"}
    day_before = (contract.signed_on - dt.timedelta(days=1)).isoformat()
    refused(
        act(cast.owner, project.pk, "record_payment", {**body, "paid_on": day_before}),
        400,
        rule="SUPV-05",
        field="paid_on",
    )
    tomorrow = (platform_clock.today() + dt.timedelta(days=1)).isoformat()
    refused(
        act(cast.owner, project.pk, "record_payment", {**body, "paid_on": tomorrow}), 400, field="paid_on"
    )
    ok(act(cast.owner, project.pk, "record_payment", {**body, "paid_on": contract.signed_on.isoformat()}))
    assert Payment.objects.filter(contract=contract, paid_on=contract.signed_on).count() == 1


def test_a_schedule_must_add_up_to_the_contract_to_the_cent_SUPV_05(cast, clock):
    """SUPV-05 boundary: ± 0.01 元 refused naming the field; exact, by amounts or by shares, accepted."""
    project = in_stage(cast, clock, "implementation")
    contract = Contract.objects.get(project=project)
    due = (contract.signed_on + dt.timedelta(days=30)).isoformat()
    later = (contract.signed_on + dt.timedelta(days=300)).isoformat()
    first = Decimal("100000.00")

    def schedule(second):
        return {
            "contract_id": contract.pk,
            "milestones": [
                {"name": "预付款", "amount": str(first), "due_on": due},
                {"name": "验收款", "amount": str(second), "due_on": later},
            ],
        }

    rest = contract.amount - first
    for off in (Decimal("0.01"), Decimal("-0.01")):
        error = refused(
            act(cast.owner, project.pk, "set_payment_schedule", schedule(rest + off)),
            400,
            rule="SUPV-05",
            field="milestones",
        )
        assert "合同金额" in error["message"]
    assert not PaymentMilestone.objects.exists()
    ok(act(cast.owner, project.pk, "set_payment_schedule", schedule(rest)))
    by_share = {
        "contract_id": contract.pk,
        "milestones": [
            {"name": "预付款", "share": "33.33", "due_on": due},
            {"name": "进度款", "share": "33.33", "due_on": due},
            {"name": "验收款", "share": "33.34", "due_on": later},
        ],
    }
    shown = ok(act(cast.owner, project.pk, "set_payment_schedule", by_share))
    amounts = [Decimal(m["amount"]) for m in shown["finance"]["schedules"][0]["milestones"]]
    assert sum(amounts) == contract.amount and len(amounts) == 3  # replaced, not added
    bad = [
        ({"contract_id": contract.pk, "milestones": []}, "milestones"),
        ({"contract_id": contract.pk, "milestones": [{"name": "x", "due_on": due}]}, "milestones.0.amount"),
        (
            {
                "contract_id": contract.pk,
                "milestones": [{"name": "x", "share": "50", "amount": "1", "due_on": due}],
            },
            "milestones.0.amount",
        ),
        (
            {
                "contract_id": contract.pk,
                "milestones": [{"name": "x", "amount": str(contract.amount), "due_on": "2020-01-01"}],
            },
            "milestones.0.due_on",
        ),
        ({"contract_id": 99999, "milestones": [{"name": "x", "amount": "1", "due_on": due}]}, "contract_id"),
        (
            {"contract_id": contract.pk, "milestones": [{"name": "x", "share": "101", "due_on": due}]},
            "milestones.0.share",
        ),
    ]
    for body, field in bad:
        refused(act(cast.owner, project.pk, "set_payment_schedule", body), 400, field=field)
    assert PaymentMilestone.objects.count() == 3


def test_overdue_milestones_are_flagged_listed_and_reminded_once_SUPV_05(cast, clock):
    """SUPV-05: a scheduled payment past due and unpaid is flagged on the project, listed by
    overdue_scheduled_payments and reminded by the deadline pass, once; paying it clears the flag."""
    project = in_stage(cast, clock, "implementation")
    contract = Contract.objects.get(project=project)
    today = platform_clock.today()
    paid_before = Decimal("100000.00")
    first = {"contract_id": contract.pk, "amount": str(paid_before), "paid_on": today.isoformat()}
    ok(act(cast.owner, project.pk, "record_payment", first))
    milestones = [
        {"name": "首付款", "amount": str(paid_before), "due_on": contract.signed_on.isoformat()},
        {"name": "进度款", "amount": "50000.00", "due_on": (today + dt.timedelta(days=5)).isoformat()},
        {
            "name": "验收款",
            "amount": str(contract.amount - paid_before - Decimal("50000.00")),
            "due_on": (today + dt.timedelta(days=200)).isoformat(),
        },
    ]
    shown = ok(
        act(
            cast.owner,
            project.pk,
            "set_payment_schedule",
            {"contract_id": contract.pk, "milestones": milestones},
        )
    )
    assert shown["finance"]["overdue_payments"] == 0
    clock.shift(dt.timedelta(days=5))
    assert finance.overdue_scheduled_payments() == []  # due today is not yet late
    clock.shift(dt.timedelta(days=1))
    rows = finance.overdue_scheduled_payments()
    assert [(r.project_id, r.unit_id, r.contract_id, r.milestone, r.amount) for r in rows] == [
        (project.pk, project.owner_unit_id, contract.pk, "进度款", Decimal("50000.00"))
    ]
    assert finance.overdue_scheduled_payments(year=rows[0].due_on.year) == rows
    assert finance.overdue_scheduled_payments(year=rows[0].due_on.year - 1) == []
    detail = api_for(cast.owner).get(f"/api/v1/projects/{project.pk}/").json()
    assert detail["finance"]["overdue_payments"] == 1
    assert [m["status"] for m in detail["finance"]["schedules"][0]["milestones"]] == [
        "已付清",
        "逾期未付",
        "未到期",
    ]
    process_deadlines()
    process_deadlines()
    notices = Notice.objects.filter(project=project, occasion__startswith="payment:")
    assert {n.recipient.role for n in notices} == {"owner", "smart_office"}
    assert notices.filter(recipient=cast.owner).count() == 1 and "进度款" in notices.first().text
    # a part payment leaves the rest overdue; the rest clears it
    pay = {"contract_id": contract.pk, "amount": "20000.00", "paid_on": platform_clock.today().isoformat()}
    ok(act(cast.owner, project.pk, "record_payment", pay))
    assert [r.amount for r in finance.overdue_scheduled_payments()] == [Decimal("30000.00")]
    ok(act(cast.owner, project.pk, "record_payment", {**pay, "amount": "30000.00"}))
    assert finance.overdue_scheduled_payments() == []


def test_retention_paid_after_final_acceptance_then_settlement_closes_the_contract_SUPV_05(cast, clock):
    """SUPV-05: 验收款 and 质保金 after final acceptance; after 结算 no payment and no schedule."""
    project = in_stage(cast, clock, "operation")
    contract = Contract.objects.get(project=project)
    today = platform_clock.today().isoformat()
    ok(
        act(
            cast.owner,
            project.pk,
            "record_payment",
            {"contract_id": contract.pk, "amount": "10000.00", "paid_on": today, "milestone": "质保金"},
        )
    )
    paid = sum((p.amount for p in contract.payments.all()), Decimal(0))
    refused(
        act(
            cast.owner,
            project.pk,
            "record_settlement",
            {"contract_id": contract.pk, "amount": str(paid - Decimal("0.01")), "settled_on": today},
        ),
        400,
        rule="SUPV-05",
        field="amount",
    )
    refused(
        act(
            cast.owner,
            project.pk,
            "record_settlement",
            {
                "contract_id": contract.pk,
                "amount": str(contract.amount + Decimal("0.01")),
                "settled_on": today,
            },
        ),
        400,
        field="amount",
    )
    settled = ok(
        act(
            cast.owner,
            project.pk,
            "record_settlement",
            {"contract_id": contract.pk, "amount": str(paid), "settled_on": today},
        )
    )
    assert settled["finance"]["schedules"][0]["settlement"] == {"amount": str(paid), "settled_on": today}
    # the table's precondition: no unsettled contract left, so no payment and no schedule
    refused(
        act(
            cast.owner,
            project.pk,
            "record_payment",
            {"contract_id": contract.pk, "amount": "1.00", "paid_on": today},
        ),
        400,
        rule="SUPV-05",
    )
    refused(
        act(
            cast.owner,
            project.pk,
            "record_settlement",
            {"contract_id": contract.pk, "amount": "1.00", "settled_on": today},
        ),
        400,
        rule="SUPV-05",
    )
    assert "record_payment" in settled["available_actions"]  # the role may; the precondition refuses
    assert Payment.objects.filter(contract=contract).count() == 2


def test_project_detail_with_schedules_keeps_a_fixed_query_count_SUPV_05(
    cast, clock, django_assert_max_num_queries
):
    """SUPV-05: the schedule is read from prefetched rows, no query per contract or milestone."""
    project = in_stage(cast, clock, "implementation")
    contract = Contract.objects.get(project=project)
    milestones = [
        {
            "name": f"第{i}期",
            "amount": str(contract.amount / 4),
            "due_on": (contract.signed_on + dt.timedelta(days=i)).isoformat(),
        }
        for i in range(4)
    ]
    ok(
        act(
            cast.owner,
            project.pk,
            "set_payment_schedule",
            {"contract_id": contract.pk, "milestones": milestones},
        )
    )
    client = api_for(cast.owner)
    with django_assert_max_num_queries(17):
        response = client.get(f"/api/v1/projects/{project.pk}/")
    assert len(response.json()["finance"]["schedules"][0]["milestones"]) == 4


# ---- IMPL-07 ---------------------------------------------------------------------------------------


def test_supervision_firm_and_contract_recorded_and_shown_IMPL_07(cast, clock):
    """IMPL-07: optional; recorded with its contract, dated after the approval, shown in the detail."""
    project = in_stage(cast, clock, "implementation")
    assert api_for(cast.owner).get(f"/api/v1/projects/{project.pk}/").json()["finance"]["supervisions"] == []
    early = (project.approved_on - dt.timedelta(days=1)).isoformat()
    body = {
        "firm": "浙江某信息工程监理有限公司",
        "amount": "36000.00",
        "signed_on": early,
        "scope": "全过程监理",
    }
    refused(act(cast.owner, project.pk, "record_supervision", body), 400, rule="ORG-02", field="signed_on")
    refused(act(cast.owner, project.pk, "record_supervision", {**body, "firm": ""}), 400, field="firm")
    refused(act(cast.bdb, project.pk, "record_supervision", body), 403)
    shown = ok(
        act(
            cast.owner,
            project.pk,
            "record_supervision",
            {**body, "signed_on": platform_clock.today().isoformat()},
        )
    )
    assert [(s["firm"], s["amount"]) for s in shown["finance"]["supervisions"]] == [
        ("浙江某信息工程监理有限公司", "36000.00")
    ]
