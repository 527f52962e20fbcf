"""The portfolio summary (ADR 0302): the dashboard and the statistics read for the whole portfolio
from tables the job engine rebuilds, and answer exactly what the live queries answer (PORT-04)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import timezone

from govpm.portfolio import statistics as live
from govpm.portfolio import summary
from govpm.portfolio.models import SummaryCell, SummaryRefresh
from govpm.projects.models import Project
from govpm.projects.scenarios import advance
from govpm.projects.stages import Stage
from govpm.web.queries import live_dashboard

from .factories import api_for, draft, needs_that_did_not_go_on

CENT = Decimal("0.01")


def _money(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(CENT)


def _dashboard_rows(data: dict) -> dict:
    """A dashboard's charts as comparable values (amounts as Decimal 元, whatever the backend gave)."""
    return {
        key: [
            (label, _money(value) if key.startswith("by_") else value, qs) for label, value, qs in data[key]
        ]
        for key in ("pipeline", "by_unit", "by_county", "overdue", "rejections", "layers")
    }


def _portfolio(cast, clock) -> list[Project]:
    """Projects of two units spread over the stages: pooled, operation with contracts and payments,
    rejected, returned, withdrawn, merged, and a draft (never counted)."""
    made = [
        advance(
            draft(cast.owner, name="入库项目", estimate="1000000.00"), cast, to="pooled", shift=clock.shift
        ),
        advance(
            draft(cast.owner, name="运行项目", estimate="2345678.91"), cast, to="operation", shift=clock.shift
        ),
        advance(
            draft(cast.owner, name="实施项目", estimate="500000.05"),
            cast,
            to="implementation",
            shift=clock.shift,
        ),
    ]
    needs_that_did_not_go_on(cast, made[0], shift=clock.shift, estimate="7000000.00")
    draft(cast.owner, name="草稿项目", estimate="123.00")
    return made


@pytest.mark.django_db
def test_summary_answers_what_the_live_queries_answer_PORT_04(cast, clock):
    """PORT-04: for every dimension and filter, the summary's statistics equal the live statistics over
    every non-draft project, and the summary's dashboard equals the live dashboard."""
    made = _portfolio(cast, clock)
    summary.refresh()
    everyone = Project.objects.exclude(stage=Stage.DRAFT)
    year = timezone.localtime(made[0].submitted_at).year
    owner_unit = made[0].owner_unit_id
    cases = [{"by": by} for by in live.DIMENSIONS] + [
        {"by": "stage", "year": str(year)},
        {"by": "unit", "category": "1"},
        {"by": "year", "level": "city", "unit": str(owner_unit)},
        {"by": "category", "year": "2001"},
    ]
    for params in cases:
        expected = live.statistics(everyone, params)
        got = summary.statistics(params)
        assert got.pop("as_of") is not None
        assert got == expected, params
    assert summary.statistics({"by": "stage"})["totals"]["count"] == 3  # pooled, operation, implementation
    assert _dashboard_rows(summary.dashboard()) == _dashboard_rows(live_dashboard(everyone))
    paid = summary.statistics({"by": "year"})["totals"]["paid"]
    assert paid > 0 and paid == live.statistics(everyone, {"by": "year"})["totals"]["paid"]


@pytest.mark.django_db
def test_a_stale_summary_is_read_as_of_its_refresh_and_rebuilt_by_the_job_PORT_04(cast, clock):
    """With a job engine the pages read the summary as of its last rebuild (and say so); the periodic
    job and the command rebuild it."""
    advance(draft(cast.owner, name="入库项目", estimate="1000000.00"), cast, to="pooled", shift=clock.shift)
    summary.refresh()
    advance(draft(cast.owner, name="第二个项目", estimate="10.00"), cast, to="pooled", shift=clock.shift)
    with override_settings(GOVPM_SUMMARY_SECONDS=300, CELERY_TASK_ALWAYS_EAGER=False):
        assert summary.statistics({"by": "year"})["totals"]["count"] == 1  # as of the rebuild
        web = Client()
        web.force_login(cast.bdb)
        assert "统计截至" in web.get("/dashboard/").content.decode()
        from govpm.portfolio.tasks import portfolio_summary

        portfolio_summary()
        assert summary.statistics({"by": "year"})["totals"]["count"] == 2
        advance(draft(cast.owner, name="第三个项目", estimate="10.00"), cast, to="pooled", shift=clock.shift)
        call_command("refresh_portfolio_summary", stdout=open("/dev/null", "w"))
        assert summary.statistics({"by": "year"})["totals"]["count"] == 3
    assert SummaryRefresh.objects.count() == 1  # one row, also the rebuild's lock


@pytest.mark.django_db
def test_owner_units_count_live_over_their_own_projects_PORT_04(cast, clock):
    """An owner unit's statistics are its own projects, counted live (the summary is the whole city)."""
    advance(draft(cast.owner, name="入库项目", estimate="1000000.00"), cast, to="pooled", shift=clock.shift)
    body = api_for(cast.owner).get("/api/v1/statistics/", {"by": "unit"}).json()
    assert body["totals"]["count"] == 1 and "as_of" not in body
    assert not SummaryCell.objects.exists()


@pytest.mark.django_db
def test_dashboard_and_statistics_queries_do_not_grow_with_the_portfolio_PORT_04(
    cast, clock, django_assert_max_num_queries
):
    """Read from the summary (job engine mode), the dashboard's and the statistics' queries are a fixed
    number, whatever the number of projects."""
    for n in range(3):
        advance(
            draft(cast.owner, name=f"项目{n}", estimate="100.00"), cast, to="operation", shift=clock.shift
        )
    summary.refresh()
    web = Client()
    web.force_login(cast.bdb)
    with override_settings(GOVPM_SUMMARY_SECONDS=300, CELERY_TASK_ALWAYS_EAGER=False):
        with django_assert_max_num_queries(12):
            assert web.get("/dashboard/").status_code == 200
        with django_assert_max_num_queries(10):
            assert web.get("/statistics/?by=unit").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("params", [{"year": "２０２６"}, {"year": "²"}, {"unit": "¹"}, {"category": "8"}])
def test_statistics_filters_take_ascii_digits_only_PORT_04(cast, params):
    """A Unicode digit str.isdigit() accepts is a 400 naming the field, never a 500."""
    response = api_for(cast.bdb).get("/api/v1/statistics/", params)
    assert response.status_code == 400
    assert response.json()["error"]["field"] == next(iter(params))


@pytest.mark.django_db
def test_every_scheduled_job_is_a_registered_task_and_enrolment_runs_INV_01(cast, clock):
    """Beat schedules tasks by name: each name in CELERY_BEAT_SCHEDULE is a task the workers know
    (a typo would be a job that never runs), and the daily enrolment puts a project in operation into
    the systems inventory (INV-01), once however often it runs."""
    from django.conf import settings

    from config.celery import app
    from govpm.inventory.models import System
    from govpm.inventory.tasks import enroll_systems

    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"periodic.portfolio_summary", "periodic.enroll_systems"} <= scheduled
    assert scheduled <= set(app.tasks)
    project = advance(
        draft(cast.owner, name="运行中的系统", estimate="100.00"), cast, to="operation", shift=clock.shift
    )
    assert enroll_systems() == 1 and enroll_systems() == 0
    assert System.objects.filter(project=project).count() == 1
