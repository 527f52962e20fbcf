"""四 项目推广 and 五 组织保障: publicity cadence, cases, showcases, and unit performance for assessment."""

import datetime as dt

import pytest

from govpm.core import clock as govpm_clock
from govpm.projects import lifecycle
from govpm.projects.scenarios import advance

from .factories import UserFactory, api_for, draft

pytestmark = pytest.mark.django_db


def test_publicity_cadence_lists_ended_periods_without_an_item_PROMO_01_TIME_05(cast, clock):
    """PROMO-01 TIME-05: 一月一主题、一季一发声、半年一总结、一年一提炼."""
    client = api_for(cast.smart_office)
    for month in (1, 2):
        response = client.post(
            "/api/v1/promotion/publicity/",
            {
                "kind": "theme",
                "year": 2026,
                "period": month,
                "title": f"{month}月主题",
                "published_on": "2026-02-01",
            },
            format="json",
        )
        assert response.status_code == 201, response.json()
    clock.shift(dt.timedelta(days=120))  # 2026-06-30

    cadence = client.get("/api/v1/promotion/cadence/?year=2026").json()

    assert cadence["missing"]["theme"] == [3, 4, 5]
    assert cadence["missing"]["release"] == [1]
    assert cadence["missing"]["summary"] == [] and cadence["missing"]["synthesis"] == []
    assert cadence["citations"][0].startswith("TIME-05")
    again = client.post(
        "/api/v1/promotion/publicity/",
        {"kind": "theme", "year": 2026, "period": 1, "title": "重复", "published_on": "2026-02-01"},
        format="json",
    )
    assert again.status_code == 409
    bad = client.post(
        "/api/v1/promotion/publicity/",
        {"kind": "release", "year": 2026, "period": 5, "title": "五季度", "published_on": "2026-02-01"},
        format="json",
    )
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "period"


def test_two_showcases_a_year_are_counted_PROMO_03_TIME_06(cast):
    """PROMO-03 TIME-06: 每年2场推介专场."""
    client = api_for(cast.smart_office)
    client.post(
        "/api/v1/promotion/showcases/",
        {"title": "新型智慧城市成果推介会", "held_on": "2026-05-20"},
        format="json",
    )

    cadence = client.get("/api/v1/promotion/cadence/?year=2026").json()

    assert cadence["showcases"] == 1 and cadence["showcases_short"] == 1
    assert cadence["citations"][1].startswith("TIME-06")


def test_cases_are_presented_upward_by_bdb_only_PROMO_02(cast):
    """PROMO-02: 市大数据局 presents typical cases to national and provincial bodies."""
    body = {
        "title": "衢州“县乡一体”数字化案例",
        "presented_to": "浙江省大数据发展管理局",
        "presented_on": "2026-04-01",
    }

    assert api_for(cast.smart_office).post("/api/v1/promotion/cases/", body, format="json").status_code == 403
    assert api_for(cast.bdb).post("/api/v1/promotion/cases/", body, format="json").status_code == 201
    assert len(api_for(cast.bdb).get("/api/v1/promotion/cases/?year=2026").json()) == 1


def test_unit_performance_counts_each_units_work_for_the_comprehensive_assessment_ORG_03(cast, clock):
    """ORG-03: each unit's record enters the city's comprehensive assessment."""
    rejected = draft(cast.owner, name="机房扩建", facts={"new_server_room": True})
    lifecycle.submit(rejected.pk, actor=cast.owner)
    advance(draft(cast.owner), cast, to="pooled", shift=clock.shift)

    units = api_for(cast.smart_office).get("/api/v1/assessment/units/?year=2026").json()["units"]

    mine = next(row for row in units if row["unit_id"] == cast.owner.unit_id)
    assert (mine["submitted"], mine["rejected"], mine["rule_hits"]) == (2, 1, 1)
    assert api_for(cast.owner).get("/api/v1/assessment/units/").status_code == 403


def test_supervising_units_see_every_submitted_project_and_its_contracts_SUPV_01_ORG_01(cast, clock):
    """SUPV-01 ORG-01: smart_office leads ndrc, finance, bdb, bizenv and the regulator in whole-process
    supervision, contract performance included; the 1+1+N units see what they supervise."""
    project = advance(draft(cast.owner), cast, to="implementation", shift=clock.shift)
    for role in ["smart_office", "ndrc", "finance", "bdb", "bizenv", "regulator"]:
        user = UserFactory(role=role, unit=cast.reviewers.get(role, cast.smart_office).unit)
        body = api_for(user).get(f"/api/v1/projects/{project.pk}/").json()
        assert body["money"]["contracts_list"], role
    inspector = cast.reviewers["bizenv"]
    response = api_for(inspector).post(
        f"/api/v1/projects/{project.pk}/actions/record_inspection/",
        {"inspected_on": str(govpm_clock.today()), "result": "issues", "findings": "进度滞后两周"},
        format="json",
    )
    assert response.status_code == 200
