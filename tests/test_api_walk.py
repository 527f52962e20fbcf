"""A project from a unit's first need to its post-evaluation, entirely through the REST API."""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from govpm.projects.models import Event, ReviewTask
from govpm.projects.scenarios import ALL_CLEAR, DICTIONARY, GOOD_FACTS, GOOD_TARGETS

from .factories import api_for, attach_via_api
from .readmodel_check import assert_snapshot_current

pytestmark = pytest.mark.django_db

# Statements per action request through the API on SQLite (PostgreSQL: one more, the advisory lock that
# serialises the audit chain), from the lock to the response's detail; docs/bench-statements.md has them
# before and after the read model (ADR 0402). An action that changes nothing the detail shows (record_inspection) answers
# from the stored snapshot; one that does rebuilds it once, in its transaction.
STATEMENTS = {
    "precheck": 6,
    "submit": 25,
    "review_needs": 27,
    "open_scheme": 23,
    "submit_scheme": 29,
    "draw_experts": 29,
    "record_opinion": 30,
    "issue_consultation": 39,
    "leading_group_decide": 26,
    "accept_application": 30,
    "record_project_code": 21,
    "issue_design_approval": 40,
    "issue_price_review": 36,
    "record_funding": 28,
    "start_procurement": 21,
    "record_tender": 23,
    "record_contract": 25,
    "start_implementation": 23,
    "record_inspection": 8,
    "record_midterm_review": 9,
    "record_payment": 28,
    "submit_data_dictionary": 22,
    "pass_module_acceptance": 34,
    "apply_final_acceptance": 33,
    "decide_final_acceptance": 44,
    "record_post_evaluation": 44,
}


def test_whole_lifecycle_through_the_api_as_each_role_with_one_event_per_action(cast, clock):
    """PLAN-01 PLAN-04 COORD-01 COORD-02 COORD-03 COORD-04 COORD-05 COORD-06 IMPL-01 IMPL-02 IMPL-04 IMPL-05
    IMPL-06 SUPV-02 SUPV-03 SUPV-04 TIME-01 TIME-02 TIME-03: the whole path, right role at each step."""
    done: list[str] = []
    statements: dict[str, int] = {}

    def act(user, action, body=None, *, expect_stage=None):
        attach_via_api(user, pid, action)  # MAT-01: the action's required materials first
        client = api_for(user)
        with CaptureQueriesContext(connection) as request:
            response = client.post(f"/api/v1/projects/{pid}/actions/{action}/", body or {}, format="json")
        statements[action] = max(statements.get(action, 0), len(request.captured_queries))
        assert_snapshot_current(pid, action)  # ADR 0402: kept in step by the action's own transaction
        if os.environ.get("GOVPM_STATEMENTS_DUMP") == action:
            print("\n".join(q["sql"][:300] for q in request.captured_queries))
        assert response.status_code == 200, (action, response.json())
        done.append(action)
        project = response.json()["project"]
        # ADR 0402: the answer comes from what the action left (readmodel.settled), not read again: it is
        # the detail as anyone reading it now is sent it
        assert project == client.get(f"/api/v1/projects/{pid}/").json(), action
        if expect_stage:
            assert project["stage"] == expect_stage, action
        return response.json()

    # given a unit's need
    created = api_for(cast.owner).post(
        "/api/v1/projects/",
        {
            "name": "衢州市智慧医保服务平台",
            "summary": "医保经办一件事",
            "facts": GOOD_FACTS,
            "requested_estimate": "2000000.00",
            "performance_targets": GOOD_TARGETS,
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    pid = created.json()["id"]
    assert created.json()["stage"] == "draft"

    act(cast.owner, "precheck", expect_stage="draft")
    act(cast.owner, "submit", expect_stage="submitted")
    act(cast.bdb, "review_needs", {"decision": "accept", "answers": ALL_CLEAR}, expect_stage="pooled")
    act(cast.smart_office, "open_scheme", expect_stage="scheme")
    act(
        cast.owner,
        "submit_scheme",
        {
            "requested_estimate": "2000000.00",
            "modules": ["门户", "经办"],
            "scheme_summary": "合并方案",
        },
        expect_stage="joint_review",
    )
    # COORD-07: smart_office draws the experts; their tasks open with the draw
    act(cast.smart_office, "draw_experts", {"specialties": ["software"], "per_specialty": 2})
    tasks = list(ReviewTask.objects.filter(project_id=pid))
    assert len(tasks) == 8 + 2  # eight units and two drawn experts (COORD-02, COORD-07)
    for task in tasks:
        act(cast.reviewer_for(task), "record_opinion", {"opinion": "agree", "comment": "同意"})
    act(
        cast.smart_office,
        "issue_consultation",
        {"approved_estimate": "1800000.00", "opinion_text": "同意建设"},
        expect_stage="consultation",
    )
    act(cast.leading_group, "leading_group_decide", {"decision": "approve"}, expect_stage="approval")
    act(cast.ndrc, "accept_application")
    act(cast.ndrc, "record_project_code", {"project_code": "2026-330800-65-01-000011"})  # COORD-09: first
    clock.shift(dt.timedelta(days=2))
    body = act(cast.ndrc, "issue_design_approval", {"approval_text": "同意初步设计"})
    time_01 = next(d for d in body["project"]["deadlines"] if d["code"] == "TIME-01")
    assert time_01["status"] == "done"
    act(cast.review_center, "issue_price_review", {"amount": "1800000.00"})
    act(
        cast.finance,
        "record_funding",
        {
            "amount": "1800000.00",
            "decided_on": "2026-03-04",
            "shares": [
                {"region_code": "330800", "amount": "1200000.00"},
                {"region_code": "330881", "amount": "600000.00"},
            ],
        },
        expect_stage="funded",
    )
    act(cast.owner, "start_procurement", expect_stage="procurement")
    tender = act(
        cast.owner,
        "record_tender",
        {"title": "智慧医保平台建设", "ceiling": "1800000.00", "published_on": "2026-03-04"},
    )["result"]["id"]
    contract = act(
        cast.owner,
        "record_contract",
        {
            "tender_id": tender,
            "supplier": "浙江某科技有限公司",
            "amount": "1700000.00",
            "signed_on": "2026-03-04",
        },
    )["result"]["id"]
    act(cast.owner, "start_implementation", expect_stage="implementation")
    act(
        cast.bdb,
        "record_inspection",
        {"inspected_on": "2026-03-04", "result": "on_track", "findings": "正常"},
    )
    act(
        cast.smart_office,
        "record_midterm_review",
        {
            "reviewed_on": "2026-03-04",
            "conclusion": "进度正常",
            "participants": "市智慧办、市发改委、市财政局",
        },
    )
    act(
        cast.owner,
        "record_payment",
        {"contract_id": contract, "amount": "510000.00", "paid_on": "2026-03-04"},
    )
    act(cast.owner, "submit_data_dictionary", {"descriptor": DICTIONARY})
    modules = api_for(cast.owner).get(f"/api/v1/projects/{pid}/").json()["modules"]
    for module in modules:
        act(cast.owner, "pass_module_acceptance", {"module_id": module["id"], "accepted_on": "2026-03-04"})
    clock.shift(dt.timedelta(days=95))
    act(cast.owner, "apply_final_acceptance", expect_stage="final_acceptance")
    body = act(cast.smart_office, "decide_final_acceptance", {"decision": "pass"}, expect_stage="operation")
    assert {d["kind"] for d in body["project"]["documents"]} == {
        "consultation_opinion",
        "design_approval",
        "price_review",
        "acceptance_report",
    }
    clock.shift(dt.timedelta(days=366))
    act(
        cast.smart_office,
        "record_post_evaluation",
        {
            "evaluator": "专家组",
            "score": "88.5",
            "use_findings": "使用良好",
            "security_findings": "安全",
            "target_scores": [
                {
                    "target_id": target["id"],
                    "achieved_value": "96",
                    "result": "met",
                    "score": "95",
                    "note": "达标",
                }
                for target in created.json()["performance_targets"]
            ],
        },
        expect_stage="evaluated",
    )

    # then the audit trail holds one event per action, in order
    events = api_for(cast.smart_office).get(f"/api/v1/projects/{pid}/events/?page_size=200").json()
    assert [event["action"] for event in events["results"]] == ["create", *done]
    assert events["results"][-1]["to_stage"] == "evaluated"
    assert Event.objects.filter(project_id=pid).count() == len(done) + 1
    stages = [(e["from_stage"], e["to_stage"]) for e in events["results"] if e["from_stage"] != e["to_stage"]]
    assert stages[0] == ("draft", "submitted") and stages[-1] == ("operation", "evaluated")
    if report := os.environ.get("GOVPM_STATEMENTS_REPORT"):
        Path(report).write_text("".join(f"{action}\t{count}\n" for action, count in statements.items()))
    extra = 1 if connection.vendor == "postgresql" else 0
    over = {a: (n, STATEMENTS[a] + extra) for a, n in statements.items() if n > STATEMENTS[a] + extra}
    assert not over, f"statements per action grew (found, pinned): {over}"
