"""Issue 8 item 2: each action's named preconditions (stages.py) decide three things the same way — the
lifecycle's refusal, the project page's disabled action with its reason, and the workbench's row."""

import datetime as dt
from decimal import Decimal
from html import unescape

import pytest

from govpm.core import clock as govpm_clock
from govpm.projects import lifecycle
from govpm.projects.models import Event, Project
from govpm.projects.scenarios import DICTIONARY, advance, record_code
from govpm.projects.stages import ACTIONS

from .factories import api_for, attach_all, draft

pytestmark = pytest.mark.django_db


def _approval(cast, clock):
    return advance(draft(cast.owner), cast, to="approval", shift=clock.shift)


def _accepted(cast, clock):
    project = _approval(cast, clock)
    lifecycle.accept_application(project.pk, actor=cast.ndrc)
    return project


def _coded(cast, clock):
    project = _accepted(cast, clock)
    record_code(project, cast)
    return project


def _designed(cast, clock):
    project = _coded(cast, clock)
    lifecycle.issue_design_approval(project.pk, actor=cast.ndrc, approval_text="同意初步设计")
    return project


def _priced(cast, clock):
    project = _designed(cast, clock)
    attach_all(project, cast, "issue_price_review")  # MAT-01
    lifecycle.issue_price_review(project.pk, actor=cast.review_center, review_text="按概算价出具")
    return project


def _joint_review(cast, clock):
    return advance(draft(cast.owner), cast, to="joint_review", shift=clock.shift)


def _undrawn(cast, clock):
    """The scheme is in joint review; smart_office has not drawn the experts yet (COORD-07)."""
    project = advance(draft(cast.owner), cast, to="scheme", shift=clock.shift)
    attach_all(project, cast, "submit_scheme")  # MAT-01
    lifecycle.submit_scheme(
        project.pk,
        actor=cast.owner,
        requested_estimate=Decimal("1000000.00"),
        modules=["全部"],
        scheme_summary="合并方案",
    )
    return project


def _all_answered(cast, clock):
    project = _joint_review(cast, clock)
    for task in project.review_tasks.filter(opinion=""):
        actor = cast.reviewer_for(task)
        lifecycle.record_opinion(project.pk, actor=actor, opinion="agree", comment="同意", task_id=task.pk)
    return project


def _procuring(cast, clock):
    return advance(draft(cast.owner), cast, to="procurement", shift=clock.shift)


def _implementing(cast, clock):
    return advance(draft(cast.owner), cast, to="implementation", shift=clock.shift)


def _modules_accepted(cast, clock):
    project = _implementing(cast, clock)
    attach_all(project, cast, "pass_module_acceptance", "apply_final_acceptance")  # MAT-01
    clock.shift(dt.timedelta(days=30))
    for module in project.modules.all():
        lifecycle.pass_module_acceptance(
            project.pk, actor=cast.owner, module_id=module.pk, accepted_on=govpm_clock.today()
        )
    return project


def _three_months_on(cast, clock):
    project = _modules_accepted(cast, clock)
    clock.shift(dt.timedelta(days=92))
    return project


def _dictionary_in(cast, clock):
    project = _modules_accepted(cast, clock)
    lifecycle.submit_data_dictionary(project.pk, actor=cast.owner, descriptor=DICTIONARY)
    return project


def _external_filed(cast, clock):
    """IMPL-10: the owner filed a provincial acceptance; it waits for smart_office's 备案."""
    project = _dictionary_in(cast, clock)
    attach_all(project, cast, "file_external_acceptance")  # MAT-01
    lifecycle.file_external_acceptance(
        project.pk, actor=cast.owner, body="浙江省大数据发展管理局", accepted_on=govpm_clock.today()
    )
    return project


def _city_applied(cast, clock):
    project = _dictionary_in(cast, clock)
    clock.shift(dt.timedelta(days=92))
    lifecycle.apply_final_acceptance(project.pk, actor=cast.owner)
    return project


def _external_body(project):
    return {"body": "浙江省大数据发展管理局", "accepted_on": _today()}


def _operating(cast, clock):
    return advance(draft(cast.owner), cast, to="operation", shift=clock.shift)


def _zombie(cast, clock):
    project = _operating(cast, clock)
    lifecycle.list_zombie(project.pk, actor=cast.bdb, reason="长期无人使用")
    return project


def _without_targets(cast, clock):
    """PERF-01: a draft stating no 绩效目标, its 需求申报书 attached (MAT-01 holds)."""
    return draft(cast.owner, targets=[], with_materials=True)


def _today():
    return govpm_clock.today().isoformat()


def _funded(cast, clock):
    return advance(draft(cast.owner), cast, to="funded", shift=clock.shift)


def _change_pending(cast, clock):
    """IMPL-08: the owner's 概算调整 waits for ndrc."""
    project = _funded(cast, clock)
    lifecycle.apply_estimate_change(
        project.pk,
        actor=cast.owner,
        new_amount=Decimal("1300000.00"),
        reason="新增模块",
        funding_source="市级财政",
        material="调整方案",
    )
    return project


def _settled(cast, clock):
    """SUPV-05: the only contract is settled."""
    project = _implementing(cast, clock)
    contract = project.contracts.get()
    lifecycle.record_settlement(
        project.pk, actor=cast.owner, contract_id=contract.pk, amount=contract.amount, settled_on=_day()
    )
    return project


def _day():
    return govpm_clock.today()


def _schedule(p):
    contract = p.contracts.first()
    return {
        "contract_id": contract.pk if contract else 1,
        "milestones": [{"name": "全款", "amount": "1.00", "due_on": _today()}],
    }


CHANGE = {"new_amount": "1400000.00", "reason": "再调整", "funding_source": "市级财政", "material": "方案"}


# (action, the precondition that must be the first to fail, the state, who acts, the API body)
CASES = [
    ("submit", "performance_targets_stated", _without_targets, "owner", lambda p: {}),
    ("accept_application", "application_not_accepted", _accepted, "ndrc", lambda p: {}),
    ("issue_design_approval", "application_accepted", _approval, "ndrc", lambda p: {"approval_text": "同意"}),
    (
        "issue_design_approval",
        "design_approval_not_issued",
        _designed,
        "ndrc",
        lambda p: {"approval_text": "同"},
    ),
    (
        "issue_design_approval",
        "project_code_recorded",
        _accepted,
        "ndrc",
        lambda p: {"approval_text": "同意"},
    ),
    ("issue_price_review", "project_code_recorded", _approval, "review_center", lambda p: {}),
    ("issue_price_review", "price_review_not_issued", _priced, "review_center", lambda p: {}),
    (
        "record_funding",
        "design_approval_issued",
        _accepted,
        "finance",
        lambda p: {"amount": "1000.00", "decided_on": _today()},
    ),
    (
        "record_funding",
        "price_review_issued",
        _designed,
        "finance",
        lambda p: {"amount": "1000.00", "decided_on": _today()},
    ),
    (
        "draw_experts",
        "experts_not_drawn",
        _joint_review,
        "smart_office",
        lambda p: {"specialties": ["software"], "per_specialty": 1},
    ),
    (
        "issue_consultation",
        "experts_drawn",
        _undrawn,
        "smart_office",
        lambda p: {"approved_estimate": "1000000.00", "opinion_text": "同意"},
    ),
    ("remind_reviewers", "reviewers_missing", _all_answered, "smart_office", lambda p: {}),
    (
        "issue_consultation",
        "all_opinions_in",
        _joint_review,
        "smart_office",
        lambda p: {"approved_estimate": "1000000.00", "opinion_text": "同意"},
    ),
    ("start_implementation", "contract_signed", _procuring, "owner", lambda p: {}),
    (
        "pass_module_acceptance",
        "modules_waiting",
        _modules_accepted,
        "owner",
        lambda p: {"module_id": p.modules.first().pk, "accepted_on": _today()},
    ),
    ("apply_final_acceptance", "modules_accepted", _implementing, "owner", lambda p: {}),
    ("apply_final_acceptance", "three_months_after_modules", _modules_accepted, "owner", lambda p: {}),
    ("apply_final_acceptance", "data_dictionary_submitted", _three_months_on, "owner", lambda p: {}),
    (
        "record_post_evaluation",
        "one_year_in_operation",
        _operating,
        "smart_office",
        lambda p: {"evaluator": "专家组", "score": "80.00", "use_findings": "好", "security_findings": "好"},
    ),
    ("list_zombie", "not_yet_listed", _zombie, "bdb", lambda p: {"reason": "再次检查"}),
    # IMPL-10: the external acceptance, filed by the owner, recorded (备案) by smart_office
    ("file_external_acceptance", "modules_accepted", _implementing, "owner", _external_body),
    ("file_external_acceptance", "data_dictionary_submitted", _modules_accepted, "owner", _external_body),
    (
        "decide_final_acceptance",
        "city_application_pending",
        _external_filed,
        "smart_office",
        lambda p: {"decision": "pass"},
    ),
    ("record_external_filing", "external_awaiting_filing", _city_applied, "smart_office", lambda p: {}),
    # IMPL-08: one pending change at a time; ndrc decides only a pending one
    ("apply_estimate_change", "no_pending_estimate_change", _change_pending, "owner", lambda p: CHANGE),
    (
        "decide_estimate_change",
        "estimate_change_pending",
        _funded,
        "ndrc",
        lambda p: {"decision": "approve", "reason": "同意"},
    ),
    # SUPV-05: a schedule needs a contract; a settled contract takes no schedule, payment or settlement
    ("set_payment_schedule", "contract_signed", _procuring, "owner", _schedule),
    ("set_payment_schedule", "contract_unsettled", _settled, "owner", _schedule),
    (
        "record_settlement",
        "contract_unsettled",
        _settled,
        "owner",
        lambda p: {"contract_id": p.contracts.first().pk, "amount": "1.00", "settled_on": _today()},
    ),
    (
        "record_payment",
        "contract_unsettled",
        _settled,
        "owner",
        lambda p: {"contract_id": p.contracts.first().pk, "amount": "1.00", "paid_on": _today()},
    ),
]


def test_every_precondition_of_the_table_is_walked_below():
    """The walk covers each named precondition of each action (a new one without a case fails here)."""
    table = {(code, pre.name) for code, spec in ACTIONS.items() for pre in spec.preconditions}
    assert table == {(action, name) for action, name, *_ in CASES}


@pytest.mark.parametrize(
    ("action", "name", "state", "role", "body"), CASES, ids=[f"{a}-{n}" for a, n, *_ in CASES]
)
def test_a_failing_precondition_hides_the_action_and_the_api_refuses_with_its_rule_and_reason(
    cast, clock, client, action, name, state, role, body
):
    """Issue 8 item 2: no page offers what the lifecycle refuses for a reason known in advance; the page
    shows it disabled with the same Chinese reason the API refuses with, under the same rule."""
    # given
    project = state(cast, clock)
    actor = getattr(cast, role)
    spec = ACTIONS[action]
    failed = spec.failing(Project.objects.get(pk=project.pk))
    assert failed is not None and failed.name == name
    reason = failed.reason_for(Project.objects.get(pk=project.pk))
    stage, events = Project.objects.get(pk=project.pk).stage, Event.objects.count()

    # when the project page is opened
    client.force_login(actor)
    page = unescape(client.get(f"/projects/{project.pk}/").content.decode())

    # then the action is not offered but shown disabled, with the reason and no internal code
    assert f'data-action="{action}"' not in page
    assert f'data-disabled-action="{action}"' in page and reason in page
    assert failed.name not in page

    # when the API is asked
    response = api_for(actor).post(
        f"/api/v1/projects/{project.pk}/actions/{action}/", body(project), format="json"
    )

    # then it refuses with the same rule and reason, and nothing changed
    error = response.json()["error"]
    assert response.status_code == (409 if failed.done else 400), error
    assert (error["rule"], error["message"]) == (failed.rule, reason)
    assert error["code"] == ("already_done" if failed.done else "rule_violation")
    assert Project.objects.get(pk=project.pk).stage == stage and Event.objects.count() == events


def test_the_workbench_lists_a_blocked_step_with_the_reason_and_drops_a_step_already_taken(
    cast, clock, client
):
    """Issue 8 item 2: 2027年… 起可申请终验 on the workbench row; 受理 gone once the application is accepted."""
    project = _modules_accepted(cast, clock)
    reason = ACTIONS["apply_final_acceptance"].failing(Project.objects.get(pk=project.pk)).reason_for(project)
    assert "起方可申请终验" in reason
    client.force_login(cast.owner)
    page = unescape(client.get("/").content.decode())
    assert reason in page and 'data-blocked="apply_final_acceptance"' in page

    approved = _accepted(cast, clock)
    client.force_login(cast.ndrc)
    rows = unescape(client.get("/").content.decode())
    assert f"/projects/{approved.pk}/#action-accept_application" not in rows
    assert f"/projects/{approved.pk}/#action-issue_design_approval" in rows


def test_once_the_precondition_holds_the_action_is_offered_and_taken(cast, clock, client):
    """The same predicate says yes: the page offers the action and the lifecycle takes it."""
    project = _three_months_on(cast, clock)
    lifecycle.submit_data_dictionary(project.pk, actor=cast.owner, descriptor=DICTIONARY)
    client.force_login(cast.owner)
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert 'data-action="apply_final_acceptance"' in page
    assert 'data-disabled-action="apply_final_acceptance"' not in page
    lifecycle.apply_final_acceptance(project.pk, actor=cast.owner)
    assert Project.objects.get(pk=project.pk).stage == "final_acceptance"
