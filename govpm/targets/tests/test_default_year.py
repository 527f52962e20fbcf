"""The targets API, like the pages, answers for the latest year with data when no year is asked for."""

import datetime as dt

import pytest
from django.test import Client
from rest_framework.test import APIClient

from govpm.core import clock
from govpm.targets.models import Indicator, Task
from govpm.targets.observations import record_observation
from govpm.targets.tasks import record_progress

pytestmark = pytest.mark.django_db


def test_api_default_year_is_the_latest_year_with_data_TGT_04(curated_data, officer, monkeypatch):
    """TGT-04/TGT-06: with no `year`, /assessments/ and a task's progress answer for 2021, the latest year
    with a value, not for 2026 (which has none: "无数据" on every row); the pages agree."""
    monkeypatch.setattr(clock, "today", lambda: dt.date(2026, 12, 1))
    api = APIClient()
    api.force_authenticate(officer)
    empty = api.get("/api/v1/targets/assessments/", {"page_size": 200}).json()["results"]
    assert {r["year"] for r in empty} == {2026}  # nothing entered yet: the calendar year

    h01 = Indicator.objects.get(code="H01")
    record_observation(h01.pk, actor=officer, period=2021, value="26", source="健康素养监测")
    record_observation(h01.pk, actor=officer, period=2020, value="25", source="健康素养监测")

    body = api.get("/api/v1/targets/assessments/", {"page_size": 200}).json()["results"]
    assert {r["year"] for r in body} == {2021}
    row = next(r for r in body if r["code"] == "H01")
    assert row["status"] != "no_data"
    task = Task.objects.get(code="T01")
    assert api.get(f"/api/v1/targets/tasks/{task.pk}/progress/").json()["year"] == 2021
    asked = api.get("/api/v1/targets/assessments/", {"year": 2020, "page_size": 200}).json()["results"]
    assert {r["year"] for r in asked} == {2020}

    # task progress counts as data too: a later county figure moves the default on
    record_progress(task.pk, actor=officer, region_code="330881", year=2022, completed="4500", source="县报")
    assert api.get(f"/api/v1/targets/tasks/{task.pk}/progress/").json()["year"] == 2022
    web = Client()
    web.force_login(officer)
    assert web.get("/targets/assessment/").context["year"] == 2022
