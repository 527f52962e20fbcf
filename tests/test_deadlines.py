"""The clocks of the policy: TIME-01 late is recorded, never hidden; process_deadlines is idempotent."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings

from govpm.core import calendar
from govpm.core.models import Holiday
from govpm.projects import lifecycle
from govpm.projects.models import Deadline, Event, Project, Reminder
from govpm.projects.scenarios import advance, record_code

from .factories import api_for, draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_approval(cast, clock):
    project = advance(draft(cast.owner), cast, to="approval", shift=clock.shift)
    record_code(project, cast)  # COORD-09: the code before the approval documents
    return project


def test_late_design_approval_is_issued_and_recorded_late_never_hidden_TIME_01_COORD_04(
    cast, in_approval, clock
):
    """TIME-01 COORD-04: 受理后3天内 — issued on day 5, it is issued, marked late, and shown overdue meanwhile."""
    lifecycle.accept_application(in_approval.pk, actor=cast.ndrc)
    deadline = Deadline.objects.get(project=in_approval, code="TIME-01")
    assert deadline.due_on == deadline.starts_on + dt.timedelta(days=3)
    clock.shift(dt.timedelta(days=4))

    call_command("process_deadlines", stdout=StringIO())

    assert Project.objects.get(pk=in_approval.pk).is_overdue
    listed = api_for(cast.smart_office).get("/api/v1/projects/?overdue=true").json()
    assert [p["id"] for p in listed["results"]] == [in_approval.pk]
    clock.shift(dt.timedelta(days=1))
    lifecycle.issue_design_approval(in_approval.pk, actor=cast.ndrc, approval_text="同意")

    deadline.refresh_from_db()
    assert deadline.status == "done_late" and deadline.done_on == deadline.starts_on + dt.timedelta(days=5)
    assert (
        Event.objects.filter(project=in_approval, action="issue_design_approval").get().payload["late"]
        is True
    )
    assert not Project.objects.get(pk=in_approval.pk).is_overdue


def test_design_approval_on_the_third_day_is_on_time_TIME_01(cast, in_approval, clock):
    """TIME-01: the third day is still within 3 days."""
    lifecycle.accept_application(in_approval.pk, actor=cast.ndrc)
    clock.shift(dt.timedelta(days=3))
    lifecycle.issue_design_approval(in_approval.pk, actor=cast.ndrc, approval_text="同意")
    assert Deadline.objects.get(project=in_approval, code="TIME-01").status == "done"


def test_process_deadlines_is_idempotent(cast, in_approval, clock):
    lifecycle.accept_application(in_approval.pk, actor=cast.ndrc)
    clock.shift(dt.timedelta(days=2))
    call_command("process_deadlines", stdout=StringIO())
    assert list(Reminder.objects.values_list("kind", flat=True)) == ["due_soon"]
    clock.shift(dt.timedelta(days=3))

    out = StringIO()
    call_command("process_deadlines", stdout=out)
    snapshot = (
        list(Reminder.objects.values_list("kind", "for_day")),
        list(Deadline.objects.values_list("status")),
    )
    call_command("process_deadlines", stdout=StringIO())

    assert "逾期 1 项" in out.getvalue()
    assert (
        list(Reminder.objects.values_list("kind", "for_day")),
        list(Deadline.objects.values_list("status")),
    ) == snapshot
    assert sorted(kind for kind, _ in snapshot[0]) == ["due_soon", "overdue"]


def test_working_day_counting_skips_weekends_and_holidays_but_counts_make_up_days():
    """TIME-01: 3 days read as working days when the deployment says so."""
    Holiday.objects.create(date=dt.date(2026, 10, 1), name="国庆节")
    Holiday.objects.create(date=dt.date(2026, 10, 2), name="国庆节")
    Holiday.objects.create(date=dt.date(2026, 10, 10), name="国庆调休", is_workday=True)

    assert calendar.add_days(dt.date(2026, 9, 30), 3, counting="working") == dt.date(
        2026, 10, 7
    )  # Thu, Fri off; weekend
    assert calendar.add_days(dt.date(2026, 10, 9), 1, counting="working") == dt.date(2026, 10, 10)
    assert calendar.add_days(dt.date(2026, 9, 30), 3, counting="calendar") == dt.date(2026, 10, 3)


@override_settings(GOVPM_DAY_COUNTING="working")
def test_the_deadline_stores_the_reading_it_was_computed_with(cast, in_approval):
    """TIME-01: the UI shows which reading applies."""
    lifecycle.accept_application(in_approval.pk, actor=cast.ndrc)
    deadline = Deadline.objects.get(project=in_approval, code="TIME-01")
    assert deadline.counting == "working"
    assert deadline.due_on == calendar.add_days(deadline.starts_on, 3, counting="working")


def test_zombie_bar_is_lifted_by_the_daily_pass_on_its_end_date_TIME_04(cast, clock):
    """TIME-04: the bar's clock closes when it ends."""
    project = advance(draft(cast.owner), cast, to="operation", shift=clock.shift)
    listing = lifecycle.list_zombie(project.pk, actor=cast.bdb, reason="无人使用")
    call_command("process_deadlines", stdout=StringIO())
    assert Deadline.objects.get(project=project, code="TIME-04").status == "open"
    clock.shift(dt.timedelta(days=(listing.bar_ends_on - listing.listed_on).days))

    call_command("process_deadlines", stdout=StringIO())

    assert Deadline.objects.get(project=project, code="TIME-04").status == "done"
    with pytest.raises(Exception) as twice:
        lifecycle.list_zombie(project.pk, actor=cast.bdb, reason="再次")
    assert twice.value.status == 409


def test_worker_runs_one_round(db):
    out = StringIO()
    call_command("run_worker", "--once", stdout=out)
    assert "deadline_pass" in out.getvalue()
