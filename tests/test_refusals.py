"""Each refusal: the rule that refuses, its clause, a Chinese message, the right status — and nothing changed."""

import datetime as dt
from decimal import Decimal

import pytest

from govpm.accounts.models import Unit
from govpm.core import clock as govpm_clock
from govpm.projects import lifecycle
from govpm.projects.models import Contract, CostShare, Event, Funding, Payment, Project, ReviewTask, Tender
from govpm.projects.scenarios import ALL_CLEAR, advance, record_code

from .factories import UserFactory, api_for, attach_all, draft

pytestmark = pytest.mark.django_db


def post(user, project, action, body=None):
    return api_for(user).post(f"/api/v1/projects/{project.pk}/actions/{action}/", body or {}, format="json")


def assert_refused(response, status, rule=None, field=None):
    assert response.status_code == status, response.json()
    error = response.json()["error"]
    assert error["message"] and any("\u4e00" <= ch <= "\u9fff" for ch in error["message"])  # Chinese
    if rule:
        assert error["rule"] == rule
        assert error["citation"].startswith(f"{rule} · 衢政办发〔2020〕8号")
    if field:
        assert error["field"] == field
    return error


@pytest.fixture
def in_procurement(cast, clock):
    project = advance(draft(cast.owner), cast, to="procurement", shift=clock.shift)
    assert project.approved_estimate == Decimal("1080000.00")
    attach_all(project, cast, "record_tender", "record_contract")  # MAT-01
    return project


@pytest.fixture
def in_implementation(cast, clock):
    project = advance(draft(cast.owner), cast, to="implementation", shift=clock.shift)
    attach_all(project, cast, "pass_module_acceptance", "apply_final_acceptance")  # MAT-01
    return project


@pytest.mark.parametrize("rule", ["REJ-02", "REJ-07", "REJ-08", "REJ-10"])
def test_review_needs_refused_without_a_reasoned_answer_for_each_judgement_rule(cast, rule):
    """REJ-02 REJ-07 REJ-08 REJ-10 PLAN-04: bdb must answer every judgement rule, each with a reason."""
    project = draft(cast.owner)
    lifecycle.submit(project.pk, actor=cast.owner)
    events = Event.objects.count()

    missing = {k: v for k, v in ALL_CLEAR.items() if k != rule}
    assert_refused(
        post(cast.bdb, project, "review_needs", {"decision": "accept", "answers": missing}),
        400,
        rule,
        f"answers.{rule}.hit",
    )
    blank = {**ALL_CLEAR, rule: {"hit": False, "reason": "  "}}
    assert_refused(
        post(cast.bdb, project, "review_needs", {"decision": "accept", "answers": blank}),
        400,
        rule,
        f"answers.{rule}.reason",
    )

    assert Project.objects.get(pk=project.pk).stage == "submitted"
    assert Event.objects.count() == events


def test_review_needs_cannot_accept_a_need_judged_to_hit_a_rule_and_reject_cites_it(cast):
    """REJ-02: a hit forbids accepting; rejecting rests on it and is stored as a judgement finding."""
    project = draft(cast.owner)
    lifecycle.submit(project.pk, actor=cast.owner)
    answers = {**ALL_CLEAR, "REJ-02": {"hit": True, "reason": "绩效目标不明确"}}

    assert_refused(
        post(cast.bdb, project, "review_needs", {"decision": "accept", "answers": answers}), 400, "REJ-02"
    )
    response = post(cast.bdb, project, "review_needs", {"decision": "reject", "answers": answers})

    assert response.status_code == 200
    body = response.json()["project"]
    assert body["stage"] == "rejected"
    judged = next(f for f in body["findings"] if f["rule"] == "REJ-02")
    assert judged["outcome"] == "hit" and judged["reason"] == "绩效目标不明确"


def test_tender_ceiling_above_the_approved_estimate_is_refused_IMPL_01(cast, in_procurement):
    """IMPL-01: 招标最高限价不超过项目概算价."""
    response = post(
        cast.owner,
        in_procurement,
        "record_tender",
        {"title": "建设", "ceiling": "1080000.01", "published_on": "2026-03-03"},
    )

    assert_refused(response, 400, "IMPL-01", "ceiling")
    assert not Tender.objects.filter(project=in_procurement).exists()


def test_tender_ceiling_exactly_equal_to_the_approved_estimate_is_allowed_IMPL_01(cast, in_procurement):
    """IMPL-01: equal is not above."""
    response = post(
        cast.owner,
        in_procurement,
        "record_tender",
        {"title": "建设", "ceiling": "1080000.00", "published_on": "2026-03-03"},
    )

    assert response.status_code == 200, response.json()
    assert Tender.objects.get(project=in_procurement).ceiling == Decimal("1080000.00")


def test_several_tenders_together_may_not_exceed_the_estimate_IMPL_01(cast, in_procurement):
    """IMPL-01: lots add up."""
    ok = post(
        cast.owner,
        in_procurement,
        "record_tender",
        {"title": "一标段", "ceiling": "1000000.00", "published_on": "2026-03-03"},
    )
    assert ok.status_code == 200
    assert_refused(
        post(
            cast.owner,
            in_procurement,
            "record_tender",
            {"title": "二标段", "ceiling": "80000.01", "published_on": "2026-03-03"},
        ),
        400,
        "IMPL-01",
    )


def test_contract_above_the_tender_ceiling_is_refused_IMPL_01(cast, in_procurement):
    """IMPL-01 COORD-06: contracts under one tender (统采分签) add up to at most its ceiling."""
    tender = lifecycle.record_tender(
        in_procurement.pk,
        actor=cast.owner,
        title="统采",
        ceiling=Decimal("1000000.00"),
        published_on=dt.date(2026, 3, 3),
    )
    # COORD-10: the second signing unit holds a cost share of the project (统采分签、分级负担).
    county = Unit.objects.get(code="jiangshan")
    share = in_procurement.funding.shares.get()
    share.amount -= Decimal("400000.00")
    share.save()
    CostShare.objects.create(
        funding=in_procurement.funding, region_code="330881", amount=Decimal("400000.00"), unit=county
    )
    first = post(
        cast.owner,
        in_procurement,
        "record_contract",
        {"tender_id": tender.pk, "supplier": "甲公司", "amount": "600000.00", "signed_on": "2026-03-03"},
    )
    second = post(
        cast.owner,
        in_procurement,
        "record_contract",
        {
            "tender_id": tender.pk,
            "supplier": "甲公司",
            "amount": "400000.00",
            "signed_on": "2026-03-03",
            "signing_unit_id": county.pk,
        },
    )
    assert first.status_code == second.status_code == 200
    assert {c.signing_unit for c in Contract.objects.filter(project=in_procurement)} == {
        cast.owner.unit,
        county,
    }

    assert_refused(
        post(
            cast.owner,
            in_procurement,
            "record_contract",
            {"tender_id": tender.pk, "supplier": "乙公司", "amount": "0.01", "signed_on": "2026-03-03"},
        ),
        400,
        "IMPL-01",
        "amount",
    )
    assert Contract.objects.filter(project=in_procurement).count() == 2


def test_contract_dated_before_the_approval_is_refused_ORG_02(cast, in_procurement):
    """ORG-02: 不得“未批先建”."""
    tender = lifecycle.record_tender(
        in_procurement.pk,
        actor=cast.owner,
        title="建设",
        ceiling=Decimal("1000.00"),
        published_on=in_procurement.approved_on,
    )
    day_before = in_procurement.approved_on - dt.timedelta(days=1)

    response = post(
        cast.owner,
        in_procurement,
        "record_contract",
        {
            "tender_id": tender.pk,
            "supplier": "甲公司",
            "amount": "1000.00",
            "signed_on": day_before.isoformat(),
        },
    )

    assert_refused(response, 400, "ORG-02", "signed_on")
    assert not Contract.objects.exists()


def test_payments_above_the_contract_are_refused_SUPV_03_IMPL_03(cast, in_implementation):
    """SUPV-03 IMPL-03: cumulative payments never exceed the contract amount."""
    contract = in_implementation.contracts.get()
    today = govpm_clock.today()
    ok = post(
        cast.owner,
        in_implementation,
        "record_payment",
        {"contract_id": contract.pk, "amount": str(contract.amount - Decimal("0.01")), "paid_on": str(today)},
    )
    assert ok.status_code == 200, ok.json()
    exact = post(
        cast.owner,
        in_implementation,
        "record_payment",
        {"contract_id": contract.pk, "amount": "0.01", "paid_on": str(today)},
    )
    assert exact.status_code == 200

    assert_refused(
        post(
            cast.owner,
            in_implementation,
            "record_payment",
            {"contract_id": contract.pk, "amount": "0.01", "paid_on": str(today)},
        ),
        400,
        "IMPL-03",
        "amount",
    )
    assert sum(p.amount for p in Payment.objects.filter(contract=contract)) == contract.amount


def test_payment_dated_before_the_approval_is_refused_ORG_02(cast, in_implementation):
    """ORG-02: no payment before the approval."""
    contract = in_implementation.contracts.get()
    before = in_implementation.approved_on - dt.timedelta(days=1)

    response = post(
        cast.owner,
        in_implementation,
        "record_payment",
        {"contract_id": contract.pk, "amount": "1.00", "paid_on": before.isoformat()},
    )

    assert_refused(response, 400, "ORG-02", "paid_on")


@pytest.mark.parametrize(("days_short", "allowed"), [(1, False), (0, True)])
def test_final_acceptance_one_day_before_three_months_and_on_the_day_IMPL_06_TIME_02(
    cast, in_implementation, clock, days_short, allowed
):
    """IMPL-06 TIME-02: 全部功能模块完成初验3个月后 — refused the day before, allowed on the day."""
    project = in_implementation
    lifecycle.submit_data_dictionary(
        project.pk,
        actor=cast.owner,
        descriptor={"fields": [{"name": "id", "type": "integer"}], "primaryKey": "id"},
    )
    accepted = dt.date(2026, 5, 31)
    clock.shift(dt.datetime(2026, 5, 31, 9, tzinfo=dt.UTC) - dt.datetime.now(dt.UTC))
    for module in project.modules.all():
        lifecycle.pass_module_acceptance(
            project.pk, actor=cast.owner, module_id=module.pk, accepted_on=accepted
        )
    due = project.deadlines.get(code="TIME-02").due_on
    assert due == dt.date(2026, 8, 31)  # three calendar months
    clock.shift(dt.timedelta(days=(due - accepted).days - days_short))

    response = post(cast.owner, project, "apply_final_acceptance")

    if allowed:
        assert response.status_code == 200 and response.json()["project"]["stage"] == "final_acceptance"
    else:
        assert_refused(response, 400, "TIME-02")
        assert Project.objects.get(pk=project.pk).stage == "implementation"


def test_final_acceptance_refused_without_the_data_dictionary_IMPL_04(cast, in_implementation, clock):
    """IMPL-04: 全部建成后需向市大数据局提交数据字典."""
    project = in_implementation
    for module in project.modules.all():
        lifecycle.pass_module_acceptance(
            project.pk, actor=cast.owner, module_id=module.pk, accepted_on=govpm_clock.today()
        )
    clock.shift(dt.timedelta(days=200))

    assert_refused(post(cast.owner, project, "apply_final_acceptance"), 400, "IMPL-04")


def test_post_evaluation_refused_before_a_year_of_operation_SUPV_04_TIME_03(cast, clock):
    """SUPV-04 TIME-03: 正式运行1年后 — not before."""
    project = advance(draft(cast.owner), cast, to="operation", shift=clock.shift)
    clock.shift(dt.timedelta(days=300))

    response = post(
        cast.smart_office,
        project,
        "record_post_evaluation",
        {"evaluator": "专家组", "score": "90", "use_findings": "好", "security_findings": "好"},
    )

    assert_refused(response, 400, "SUPV-04")


def test_wrong_role_is_refused_with_403(cast):
    project = draft(cast.owner)
    lifecycle.submit(project.pk, actor=cast.owner)

    response = post(cast.finance, project, "review_needs", {"decision": "accept", "answers": ALL_CLEAR})

    error = assert_refused(response, 403)
    assert error["code"] == "forbidden"
    assert Project.objects.get(pk=project.pk).stage == "submitted"


def test_wrong_stage_is_refused_with_409(cast):
    project = draft(cast.owner)

    response = post(cast.owner, project, "start_procurement")

    error = assert_refused(response, 409)
    assert error["code"] == "wrong_stage"


def test_reviewer_answering_another_reviewers_task_is_refused_COORD_02(cast, clock):
    """COORD-02: each reviewer answers only its own task."""
    project = advance(draft(cast.owner), cast, to="joint_review", shift=clock.shift)
    finance_task = ReviewTask.objects.get(project=project, unit=cast.finance.unit)

    response = post(
        cast.reviewers["cac"],
        project,
        "record_opinion",
        {"opinion": "disagree", "comment": "替人填报", "task_id": finance_task.pk},
    )

    assert_refused(response, 403)
    finance_task.refresh_from_db()
    assert finance_task.opinion == ""
    outsider = UserFactory(role="expert", unit=cast.experts[0].unit)
    # an expert not invited to this project does not even see it
    assert_refused(post(outsider, project, "record_opinion", {"opinion": "agree", "comment": "未受邀"}), 404)


def test_reviewer_may_amend_its_opinion_and_history_keeps_both(cast, clock):
    """COORD-02: once, amendable with history."""
    project = advance(draft(cast.owner), cast, to="joint_review", shift=clock.shift)
    cac = cast.reviewers["cac"]
    post(
        cast.reviewers["cac"],
        project,
        "record_opinion",
        {"opinion": "conditional", "comment": "须补充等保方案"},
    )
    post(cac, project, "record_opinion", {"opinion": "agree", "comment": "已补充"})

    task = ReviewTask.objects.get(project=project, unit=cac.unit)
    assert task.opinion == "agree"
    assert list(task.revisions.values_list("opinion", flat=True)) == ["conditional", "agree"]


def test_consultation_refused_while_a_reviewer_is_missing_COORD_02(cast, clock):
    """COORD-02: every task answered before the opinion."""
    project = advance(draft(cast.owner), cast, to="joint_review", shift=clock.shift)

    error = assert_refused(
        post(
            cast.smart_office,
            project,
            "issue_consultation",
            {"approved_estimate": "100.00", "opinion_text": "同意"},
        ),
        400,
        "COORD-02",
    )
    assert "市委网信办" in error["message"] or "网络安全" in error["message"]


def test_owner_reading_another_units_draft_gets_404_not_403(cast):
    """Drafts do not leak: another unit's draft is simply not there."""
    project = draft(cast.owner)
    other = UserFactory(role="owner")

    assert api_for(other).get(f"/api/v1/projects/{project.pk}/").status_code == 404
    assert api_for(other).get(f"/api/v1/projects/{project.pk}/events/").status_code == 404
    assert_refused(post(other, project, "submit"), 404)
    assert api_for(cast.bdb).get(f"/api/v1/projects/{project.pk}/").status_code == 404
    listed = api_for(other).get("/api/v1/projects/").json()
    assert listed["count"] == 0


def _ready_for_funding(cast, clock, code: str) -> Project:
    """A project in approval with both approval documents issued and its code: what record_funding needs."""
    project = advance(draft(cast.owner), cast, to="approval", shift=clock.shift)
    lifecycle.accept_application(project.pk, actor=cast.ndrc)
    lifecycle.record_project_code(project.pk, actor=cast.owner, project_code=code)
    lifecycle.issue_design_approval(project.pk, actor=cast.ndrc, approval_text="同意")
    attach_all(project, cast, "issue_price_review")  # MAT-01
    lifecycle.issue_price_review(project.pk, actor=cast.review_center)
    return project


def test_funding_shares_must_add_up_and_stay_within_the_estimate_COORD_06(cast, clock):
    """COORD-06 IMPL-03: 分级负担 shares add up to the amount; the amount stays within the estimate."""
    project = _ready_for_funding(cast, clock, "2026-330800-65-01-000011")
    shares = [
        {"region_code": "330800", "amount": "500000.00"},
        {"region_code": "330881", "amount": "500000.00"},
    ]

    assert_refused(
        post(
            cast.finance,
            project,
            "record_funding",
            {"amount": "1000000.01", "decided_on": "2026-03-02", "shares": shares},
        ),
        400,
        "COORD-06",
        "shares",
    )
    assert_refused(
        post(cast.finance, project, "record_funding", {"amount": "1080000.01", "decided_on": "2026-03-02"}),
        400,
        "IMPL-03",
        "amount",
    )
    ok = post(
        cast.finance,
        project,
        "record_funding",
        {"amount": "1000000.00", "decided_on": "2026-03-02", "shares": shares},
    )
    assert ok.status_code == 200 and ok.json()["project"]["stage"] == "funded"


def test_funding_dated_before_the_design_approval_is_refused_even_under_an_exemption_COORD_06_ORG_04(
    cast, clock
):
    """COORD-06 ORG-04: funds enter the fiscal guarantee after the approval (三(二)3 "经审批后"); funding
    dated the day before the 初步设计批复 is refused citing COORD-06 and naming the field, also when the
    leading group's exemption (which lifts ORG-02, building before approval) covers that day; nothing is
    saved; dated on the approval day it is accepted."""
    project = _ready_for_funding(cast, clock, "2026-330800-65-01-000012")
    approved_on = Project.objects.get(pk=project.pk).approved_on
    day_before = (approved_on - dt.timedelta(days=1)).isoformat()
    lifecycle.grant_exemption(
        project.pk,
        actor=cast.leading_group,
        rule="ORG-02",
        starts_on=approved_on - dt.timedelta(days=30),
        ends_on=approved_on,
        reason="防汛应急系统须在汛期前上线",
    )
    error = assert_refused(
        post(cast.finance, project, "record_funding", {"amount": "1000.00", "decided_on": day_before}),
        400,
        "COORD-06",
        "decided_on",
    )
    assert "早于初步设计批复日期" in error["message"]
    assert not Funding.objects.filter(project_id=project.pk).exists()
    assert Project.objects.get(pk=project.pk).stage == "approval"
    body = {"amount": "1000.00", "decided_on": approved_on.isoformat()}
    accepted = post(cast.finance, project, "record_funding", body)
    assert accepted.status_code == 200 and accepted.json()["project"]["stage"] == "funded"


def test_approval_documents_refused_without_the_project_code_unless_classified_COORD_05_09_SCOPE_04(
    cast, clock
):
    """COORD-05 COORD-09 SCOPE-04: the online platform's code comes before the 初步设计批复 and the 价格评审
    意见书 (so no approval is issued, and nothing funded, without it), except for classified projects."""
    open_project = advance(draft(cast.owner), cast, to="approval", shift=clock.shift)
    secret = advance(
        draft(cast.owner, name="涉密系统", facts={"classified": True}), cast, to="approval", shift=clock.shift
    )
    for project in (open_project, secret):
        lifecycle.accept_application(project.pk, actor=cast.ndrc)
        attach_all(project, cast, "issue_price_review")  # MAT-01

    assert_refused(
        post(cast.ndrc, open_project, "issue_design_approval", {"approval_text": "同意"}), 400, "COORD-09"
    )
    assert_refused(post(cast.review_center, open_project, "issue_price_review", {}), 400, "COORD-09")
    kinds = set(open_project.documents.values_list("kind", flat=True))
    assert not kinds & {"design_approval", "price_review"}
    lifecycle.issue_design_approval(secret.pk, actor=cast.ndrc, approval_text="同意")
    lifecycle.issue_price_review(secret.pk, actor=cast.review_center)
    body = {"amount": "1000.00", "decided_on": "2026-03-02"}
    assert post(cast.finance, secret, "record_funding", body).status_code == 200


def test_price_review_must_state_the_approved_estimate_COORD_04(cast, clock):
    """COORD-04: 按项目概算价出具价格评审意见书."""
    project = advance(draft(cast.owner), cast, to="approval", shift=clock.shift)
    record_code(project, cast)  # COORD-09
    attach_all(project, cast, "issue_price_review")  # MAT-01

    assert_refused(
        post(cast.review_center, project, "issue_price_review", {"amount": "1.00"}), 400, "COORD-04", "amount"
    )
    assert (
        post(
            cast.review_center, project, "issue_price_review", {"amount": str(project.approved_estimate)}
        ).status_code
        == 200
    )


def test_smart_office_reminds_the_reviewers_still_missing_and_only_them_COORD_02(cast, clock):
    """COORD-02: 市智慧办召集 — a reminder reaches each reviewer without an opinion; none when all answered."""
    from govpm.projects.models import ReviewReminder

    project = advance(draft(cast.owner), cast, to="joint_review", shift=clock.shift)
    post(cast.reviewers["cac"], project, "record_opinion", {"opinion": "agree", "comment": "同意"})

    response = post(cast.smart_office, project, "remind_reviewers", {"message": "请于本周内出具意见"})

    assert response.status_code == 200
    reminded = set(ReviewReminder.objects.values_list("task__unit__code", flat=True)) - {None}
    assert "cac" not in reminded and {"bdb", "finance", "ndrc"} <= reminded
    assert ReviewReminder.objects.count() == 9
    assert_refused(post(cast.owner, project, "remind_reviewers"), 403)
    for task in ReviewTask.objects.filter(project=project, opinion=""):
        post(cast.reviewer_for(task), project, "record_opinion", {"opinion": "agree", "comment": "同意"})
    assert_refused(post(cast.smart_office, project, "remind_reviewers"), 409)
