"""PRI-05, PRI-06: every claim carries evidence; bdb confirms or rejects each in review_needs; the pool
ranks by confirmed claims, then submission time, and says so."""

import datetime as dt

import pytest

from govpm.policy.models import Finding
from govpm.projects import lifecycle
from govpm.projects.models import Event, Project
from govpm.projects.scenarios import ALL_CLEAR

from .factories import api_for, draft

pytestmark = pytest.mark.django_db

ALL_FOUR = [
    {"code": code, "evidence": "见附件"}
    for code in ["national_pilot", "award_transfer", "innovative", "plan_task"]
]


def _review(project, cast, priority: dict):
    return api_for(cast.bdb).post(
        f"/api/v1/projects/{project.pk}/actions/review_needs/",
        {"decision": "accept", "answers": ALL_CLEAR, "priority": priority},
        format="json",
    )


def test_a_claim_without_evidence_is_refused_naming_the_field_and_nothing_saved_PRI_06(cast):
    """PRI-06: a claim with empty evidence → 400 in Chinese naming facts.priority_claims.N.evidence."""
    response = api_for(cast.owner).post(
        "/api/v1/projects/",
        {
            "name": "空证据需求",
            "facts": {"priority_claims": [{"code": "innovative", "evidence": "有"}, {"code": "plan_task"}]},
        },
        format="json",
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["field"] == "facts.priority_claims.1.evidence" and "佐证材料" in error["message"]
    assert not Project.objects.exists()


def test_the_catch_all_claim_is_made_in_words_and_judged_by_bdb_PRI_05(cast, clock):
    """PRI-05: "等其他符合优先列入情形" — claimed in words, confirmed by bdb with a reason."""
    project = draft(
        cast.owner, facts={"priority_claims": [{"code": "other", "evidence": "列入省数字化改革重大应用"}]}
    )
    lifecycle.submit(project.pk, actor=cast.owner)

    response = _review(project, cast, {"other": {"confirmed": True, "reason": "属省重大应用，予以确认"}})

    assert response.status_code == 200, response.json()
    project.refresh_from_db()
    assert project.stage == "pooled" and project.priority_score == 1
    verdict = Finding.objects.get(project=project, rule_code="PRI-05", decided_by=cast.bdb)
    assert verdict.facts["confirmed"] is True and verdict.reason == "属省重大应用，予以确认"


def test_bdb_must_judge_every_claim_with_a_reason_PRI_06(cast):
    """PRI-06: a claim left unjudged, or judged without reason, refuses the review; nothing saved."""
    project = draft(cast.owner, facts={"priority_claims": ALL_FOUR[:2]})
    lifecycle.submit(project.pk, actor=cast.owner)
    events = Event.objects.count()

    missing = _review(project, cast, {"national_pilot": {"confirmed": True, "reason": "属实"}})
    no_reason = _review(
        project,
        cast,
        {
            "national_pilot": {"confirmed": True, "reason": "属实"},
            "award_transfer": {"confirmed": False, "reason": " "},
        },
    )

    assert (
        missing.status_code == 400 and missing.json()["error"]["field"] == "priority.award_transfer.confirmed"
    )
    assert (
        no_reason.status_code == 400
        and no_reason.json()["error"]["field"] == "priority.award_transfer.reason"
    )
    assert missing.json()["error"]["rule"] == "PRI-06"
    assert Project.objects.get(pk=project.pk).stage == "submitted" and Event.objects.count() == events


def test_four_unconfirmed_claims_rank_below_one_confirmed_claim_PRI_06(cast, clock):
    """PRI-06: only confirmed claims rank; then the earlier submission comes first."""
    loud = draft(cast.owner, name="四项情形均未确认", facts={"priority_claims": ALL_FOUR})
    lifecycle.submit(loud.pk, actor=cast.owner)
    clock.shift(dt.timedelta(hours=1))
    quiet = draft(cast.owner, name="一项情形经确认", facts={"priority_claims": ALL_FOUR[:1]})
    lifecycle.submit(quiet.pk, actor=cast.owner)
    clock.shift(dt.timedelta(hours=1))
    plain_early = draft(cast.owner, name="无情形较早")
    lifecycle.submit(plain_early.pk, actor=cast.owner)

    rejected = {c["code"]: {"confirmed": False, "reason": "佐证不足"} for c in ALL_FOUR}
    assert _review(loud, cast, rejected).status_code == 200
    assert (
        _review(quiet, cast, {"national_pilot": {"confirmed": True, "reason": "试点批文属实"}}).status_code
        == 200
    )
    assert _review(plain_early, cast, {}).status_code == 200

    ranked = api_for(cast.smart_office).get("/api/v1/projects/?stage=pooled&ordering=priority").json()
    names = [row["name"] for row in ranked["results"]]
    assert names == ["一项情形经确认", "四项情形均未确认", "无情形较早"]
    assert Project.objects.get(pk=loud.pk).priority_score == 0


def test_the_pool_page_states_the_ranking_rule_PRI_06(cast, client):
    """PRI-06: the ranking view says how it ranks."""
    client.force_login(cast.smart_office)
    page = client.get("/projects/?view=ranking&stage=pooled&ordering=priority").content.decode()
    assert 'id="ranking-rule"' in page and "确认的优先列入情形数" in page and "提交时间" in page


def test_the_review_form_asks_bdb_to_judge_each_claim_PRI_06(cast, client):
    """PRI-06: the needs-review page shows each claim with its evidence and takes bdb's verdict."""
    project = draft(cast.owner, facts={"priority_claims": [{"code": "innovative", "evidence": "获省创新奖"}]})
    lifecycle.submit(project.pk, actor=cast.owner)
    client.force_login(cast.bdb)
    page = client.get(f"/projects/{project.pk}/needs-review/").content.decode()
    assert 'name="priority.innovative.confirmed"' in page and "获省创新奖" in page

    form = {f"answers.{rule}.hit": "no" for rule in ALL_CLEAR} | {
        f"answers.{rule}.reason": "不存在该情形" for rule in ALL_CLEAR
    }
    form |= {
        "decision": "accept",
        "priority.innovative.confirmed": "yes",
        "priority.innovative.reason": "创新性经核实",
    }
    response = client.post(f"/projects/{project.pk}/actions/review_needs/", form)

    assert response.status_code == 302
    project.refresh_from_db()
    assert project.stage == "pooled" and project.priority_score == 1
