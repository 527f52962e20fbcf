"""The portfolio through the API: plans (PORT-01), variance (PORT-02), risk (PORT-03), statistics and
the investment predicate (PORT-04), public pages (PORT-05)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.test import Client
from openpyxl import load_workbook

from govpm.portfolio.models import MilestonePlan, RiskRating
from govpm.projects.scenarios import advance

from .factories import api_for, draft, needs_that_did_not_go_on


def _plan(client, project, modules, **milestones):
    return client.put(
        f"/api/v1/projects/{project.pk}/plan/", {"modules": modules, "milestones": milestones}, format="json"
    )


@pytest.mark.django_db
def test_planned_end_before_start_is_refused_and_nothing_saved_PORT_01(cast, clock):
    project = advance(draft(cast.owner), cast, to="implementation", shift=clock.shift)
    module = project.modules.first()
    response = _plan(
        api_for(cast.owner),
        project,
        [{"id": module.pk, "planned_start": "2026-05-01", "planned_end": "2026-04-01"}],
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert (
        error["field"] == "modules.0.planned_end"
        and "计划完成" in error["message"]
        and "不能早于" in error["message"]
    )
    module.refresh_from_db()
    assert module.planned_start is None and not MilestonePlan.objects.exists()


@pytest.mark.django_db
def test_plan_against_actual_and_schedule_variance_red_when_late_PORT_01_02(cast, clock):
    project = advance(draft(cast.owner), cast, to="implementation", shift=clock.shift)
    modules = [
        {"id": m.pk, "planned_start": "2026-01-01", "planned_end": "2026-02-01"}
        for m in project.modules.all()
    ]
    response = _plan(api_for(cast.owner), project, modules, final="2026-03-01")
    assert response.status_code == 200, response.json()
    body = response.json()
    # Modules planned to end 2026-02-01 but still open at the (frozen) today: forecast slips.
    assert body["end_is_forecast"] is True
    assert body["schedule_rating"] in {"amber", "red"}
    assert "终验" in body["gantt"]["rows"]
    planned = body["gantt"]["planned"][0]
    assert planned == ["2026-01-01", "2026-02-01"]


@pytest.mark.django_db
def test_cost_variance_ratings_green_amber_red_PORT_02():
    from govpm.portfolio.variance import rate

    assert [rate(Decimal(x)) for x in ("0", "9.9", "10", "29.9", "30", "80")] == [
        "green",
        "green",
        "amber",
        "amber",
        "red",
        "red",
    ]


@pytest.mark.django_db
def test_risk_rating_of_six_is_refused_PORT_03(cast, clock):
    project = advance(draft(cast.owner), cast, to="implementation", shift=clock.shift)
    response = api_for(cast.smart_office).post(
        f"/api/v1/projects/{project.pk}/risk/", {"rating": "6", "reason": "x"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "rating" and "风险等级" in response.json()["error"]["message"]
    assert not RiskRating.objects.exists()
    assert (
        api_for(cast.owner)
        .post(f"/api/v1/projects/{project.pk}/risk/", {"rating": "2", "reason": "x"}, format="json")
        .status_code
        == 403
    )


@pytest.mark.django_db
def test_low_risk_rating_on_a_red_project_is_flagged_PORT_03(cast, clock):
    project = advance(draft(cast.owner), cast, to="implementation", shift=clock.shift)
    modules = [
        {"id": m.pk, "planned_start": "2025-12-01", "planned_end": "2025-12-15"}
        for m in project.modules.all()
    ]
    assert _plan(api_for(cast.owner), project, modules).status_code == 200
    client = api_for(cast.smart_office)
    assert (
        client.post(
            f"/api/v1/projects/{project.pk}/risk/", {"rating": "1", "reason": "进展顺利"}, format="json"
        ).status_code
        == 201
    )
    body = client.get(f"/api/v1/projects/{project.pk}/variance/").json()
    assert body["rating"] == "red" and body["risk"] == {"rating": 1, "reason": "进展顺利"}
    assert body["flagged"] is True


@pytest.mark.django_db
def test_rejected_returned_withdrawn_and_merged_needs_never_count_as_investment_PORT_04(cast, clock):
    """PORT-04: statistics (API, page, XLSX) and the dashboard count only needs that went on."""
    went_on = advance(
        draft(cast.owner, name="入库项目", estimate="1000000.00"), cast, to="pooled", shift=clock.shift
    )
    others = needs_that_did_not_go_on(cast, went_on, shift=clock.shift, estimate="7000000.00")
    assert others["merged"].merged_into_id == went_on.pk
    assert {p.stage for p in others.values()} == {"rejected", "returned", "withdrawn", "merged"}

    body = api_for(cast.bdb).get("/api/v1/statistics/", {"by": "unit"}).json()
    assert body["totals"]["count"] == 1
    assert Decimal(body["totals"]["requested"]) == Decimal("1000000.00")

    web = Client()
    web.force_login(cast.bdb)
    page = web.get("/statistics/?by=stage").content.decode()
    assert "7,000,000.00" not in page and "¥1,000,000.00" in page
    book = load_workbook(io.BytesIO(web.get("/statistics.xlsx?by=unit").content))
    total = [r for r in book.active.iter_rows(values_only=True) if r[0] == "合计"][0]
    assert total[1] == 1 and Decimal(str(total[2])) == Decimal("1000000.00")
    dashboard = web.get("/dashboard/").content.decode()
    assert "700.00" not in dashboard  # 7,000,000 元 = 700 万元 never shows
    from govpm.web.queries import dashboard as dashboard_data

    amounts = dashboard_data(cast.bdb)
    assert [value for _, value, _ in amounts["by_unit"]] == [Decimal("1000000.00")]
    assert [value for _, value, _ in amounts["by_county"]] == [Decimal("1000000.00")]


@pytest.mark.django_db
def test_statistics_refuse_an_unknown_dimension_PORT_04(cast):
    """PORT-04: an unknown dimension is a 400 naming the field and the dimensions by their names."""
    response = api_for(cast.bdb).get("/api/v1/statistics/", {"by": "colour"})
    assert response.status_code == 400 and response.json()["error"]["field"] == "by"
    assert response.json()["error"]["message"] == "统计维度：应为年度、单位、项目类别、层级、阶段之一"


@pytest.mark.django_db
def test_public_pages_show_approved_projects_only_without_login_PORT_05(cast, clock):
    approved = advance(draft(cast.owner, name="已批复项目"), cast, to="funded", shift=clock.shift)
    pending = advance(draft(cast.owner, name="待审定项目"), cast, to="consultation", shift=clock.shift)
    anonymous = Client()
    listing = anonymous.get("/public/projects/")
    assert listing.status_code == 200
    text = listing.content.decode()
    assert "已批复项目" in text and "待审定项目" not in text
    detail = anonymous.get(f"/public/projects/{approved.pk}/")
    assert detail.status_code == 200 and "批复概算" in detail.content.decode()
    assert anonymous.get(f"/public/projects/{pending.pk}/").status_code == 404


@pytest.mark.django_db
def test_risk_rating_from_the_project_page_refuses_six_and_records_two_PORT_03(cast, clock):
    project = advance(draft(cast.owner), cast, to="implementation", shift=clock.shift)
    web = Client()
    web.force_login(cast.smart_office)
    assert 'id="risk-form"' in web.get(f"/projects/{project.pk}/").content.decode()
    page = web.post(
        f"/projects/{project.pk}/risk/", {"rating": "6", "reason": "x"}, follow=True
    ).content.decode()
    assert "风险等级：应为1至5的整数" in page and not RiskRating.objects.exists()
    web.post(f"/projects/{project.pk}/risk/", {"rating": "2", "reason": "进展可控"})
    assert list(RiskRating.objects.values_list("rating", "reason")) == [(2, "进展可控")]
    owner = Client()
    owner.force_login(cast.owner)
    assert 'id="risk-form"' not in owner.get(f"/projects/{project.pk}/").content.decode()
    owner.post(f"/projects/{project.pk}/risk/", {"rating": "1", "reason": "x"})
    assert RiskRating.objects.count() == 1
