"""The automatic rules of 二(二) at submission: a hit rejects the need and is stored, cited, with its facts."""

import datetime as dt

import pytest

from govpm.core import clock as govpm_clock
from govpm.policy.models import Finding
from govpm.projects import lifecycle
from govpm.projects.models import Project
from govpm.projects.rules import prescreen
from govpm.projects.scenarios import GOOD_FACTS, GOOD_TARGETS

from .factories import api_for, attach, draft

pytestmark = pytest.mark.django_db

HITS = [
    ("REJ-01", {"province_unified": True}),
    ("REJ-03", {"new_server_room": True}),
    ("REJ-04", {"private_network_unintegrated": True}),
    ("REJ-04", {"terminal_security_outside_egov": True}),
    ("REJ-04", {"video_conference": True}),
    ("REJ-05", {"deploys_on_city_cloud": False}),
    ("REJ-06", {"system_kinds": ["big_screen"]}),
    ("REJ-06", {"system_kinds": ["standalone_app", "e_seal"]}),
]


@pytest.mark.parametrize(("rule", "facts"), HITS)
def test_automatic_rule_hit_rejects_submission_with_citation_REJ_01_03_04_05_06(cast, rule, facts):
    """REJ-01 REJ-03 REJ-04 REJ-05 REJ-06: each automatic rule, hit from the facts, rejects. (SCOPE-03
    returns the need as out of scope instead: tests/test_scope_rules.py.)"""
    project = draft(cast.owner, facts=facts)

    response = api_for(cast.owner).post(f"/api/v1/projects/{project.pk}/actions/submit/", {}, format="json")

    assert response.status_code == 200
    body = response.json()["project"]
    assert body["stage"] == "rejected"
    hits = [f for f in body["findings"] if f["outcome"] == "hit"]
    assert [f["rule"] for f in hits] == [rule]
    assert hits[0]["citation"].startswith(f"{rule} · 衢政办发〔2020〕8号")
    assert hits[0]["facts"]  # the facts that caused it are kept
    assert hits[0]["rule_version"] == 1


def test_clean_need_passes_every_automatic_rule_and_records_priority_PRI_01_04(cast):
    """PRI-01 PRI-02 PRI-03 PRI-04: claimed grounds are recorded; they rank the need only once bdb
    confirms them (PRI-06, tests/test_priority.py)."""
    claims = [
        {"code": "national_pilot", "evidence": "国家试点批文"},
        {"code": "plan_task", "evidence": "规划第3条"},
    ]
    project = draft(cast.owner, facts={"priority_claims": claims})

    lifecycle.submit(project.pk, actor=cast.owner)

    project.refresh_from_db()
    assert project.stage == "submitted"
    assert project.priority_score == 0  # claimed, not yet confirmed
    codes = set(
        Finding.objects.filter(project=project, outcome="priority").values_list("rule_code", flat=True)
    )
    assert codes == {"PRI-01", "PRI-04"}


def test_maintenance_project_off_the_city_cloud_is_not_hit_by_REJ_05():
    """REJ-05 reads 新建、升级改造 only: maintenance is outside it."""
    facts = {**GOOD_FACTS, "build_type": "maintenance", "deploys_on_city_cloud": False}
    assert prescreen.evaluate(prescreen.Context(facts=facts, today=dt.date(2026, 1, 1))) == []


@pytest.mark.parametrize(("days_before_end", "barred"), [(1, True), (0, False)])
def test_barred_unit_applying_one_day_before_and_on_the_day_REJ_09_TIME_04(
    cast, clock, days_before_end, barred
):
    """REJ-09 TIME-04: a unit with a zombie system may not apply until 2 years after the listing; on the day it may."""
    from govpm.projects.scenarios import advance

    old = advance(draft(cast.owner, name="旧系统"), cast, to="operation", shift=clock.shift)
    listing = lifecycle.list_zombie(old.pk, actor=cast.bdb, reason="连续一年无访问")
    assert listing.bar_ends_on == listing.listed_on.replace(year=listing.listed_on.year + 2)
    new = draft(cast.owner, name="新需求")
    today = govpm_clock.today()
    clock.shift(listing.bar_ends_on - today - dt.timedelta(days=days_before_end))

    lifecycle.submit(new.pk, actor=cast.owner)

    new.refresh_from_db()
    assert new.stage == ("rejected" if barred else "submitted")
    assert Finding.objects.filter(project=new, rule_code="REJ-09", outcome="hit").exists() is barred


def test_precheck_reports_hits_without_changing_anything(cast):
    """REJ-03: precheck runs the automatic rules, returns findings, leaves stage and findings untouched."""
    project = draft(cast.owner, facts={"new_server_room": True})

    response = api_for(cast.owner).post(f"/api/v1/projects/{project.pk}/actions/precheck/", {}, format="json")

    assert response.status_code == 200
    assert [hit["rule"] for hit in response.json()["result"]] == ["REJ-03"]
    assert Project.objects.get(pk=project.pk).stage == "draft"
    assert not Finding.objects.filter(project=project).exists()


def test_submission_requires_every_fact_the_rules_read(cast):
    project = lifecycle.create_project(
        actor=cast.owner, name="缺项需求", facts={"level": "city"}, performance_targets=GOOD_TARGETS
    )
    attach(project, "submit", cast.owner)  # MAT-01

    response = api_for(cast.owner).post(f"/api/v1/projects/{project.pk}/actions/submit/", {}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["field"].startswith("facts.")
    assert Project.objects.get(pk=project.pk).stage == "draft"


def test_bdb_override_reopens_a_rejected_need_naming_person_and_reason(cast):
    """REJ-09: 原则上 — a named person may override a hit with a recorded reason."""
    project = draft(cast.owner, facts={"video_conference": True})
    lifecycle.submit(project.pk, actor=cast.owner)

    lifecycle.reopen(
        project.pk, actor=cast.bdb, rules=["REJ-04"], reason="系市委指定的应急指挥视频会商，经研究同意"
    )

    project.refresh_from_db()
    assert project.stage == "submitted"
    finding = Finding.objects.get(project=project, rule_code="REJ-04")
    assert finding.overridden_by == cast.bdb and "应急" in finding.override_reason
