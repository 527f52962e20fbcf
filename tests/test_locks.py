"""Issue 13 item 4: one helper locks projects in one order; a deadlock or serialization failure is retried
once, then answered 409 — never 500.

The tests marked postgres make PostgreSQL itself raise the error (a DO block with the SQLSTATE), so the
retry is exercised against the real driver's exception, not a stand-in."""

import datetime as dt
import threading

import pytest
from django.db import IntegrityError, OperationalError, connection, transaction

from govpm.core.errors import Conflict
from govpm.projects import lifecycle
from govpm.projects.lifecycle.base import transition
from govpm.projects.lifecycle.locks import LockConflict, lock_projects, retry_once
from govpm.projects.models import Deadline, Event, Project
from govpm.projects.scenarios import advance, record_code

from .factories import api_for, draft


def raise_sqlstate(code: str) -> None:
    """PostgreSQL raises the error itself, exactly as it would for a real deadlock or conflict."""
    with connection.cursor() as cursor:
        cursor.execute(f"DO $$ BEGIN RAISE EXCEPTION 'raised by the test' USING ERRCODE = '{code}'; END $$")


def failing_times(times: int, code: str = "40P01"):
    """An action that PostgreSQL aborts `times` times with `code`, then creates a project."""
    calls = []

    def action(owner):
        calls.append(len(calls) + 1)
        with transaction.atomic():
            project = draft(owner, name=f"第{len(calls)}次")
            if len(calls) <= times:
                raise_sqlstate(code)
        return project

    return action, calls


@pytest.mark.django_db
def test_lock_projects_returns_the_projects_by_id_and_leaves_out_missing_ids_issue_13_item_4(cast):
    first, second = draft(cast.owner, name="甲"), draft(cast.owner, name="乙")
    missing = second.pk + 1000

    with transaction.atomic():
        locked = lock_projects([second.pk, missing, first.pk, second.pk])

    assert list(locked) == [first.pk, second.pk]
    assert locked[first.pk].name == "甲" and locked[second.pk].owner_unit == cast.owner.unit


@pytest.mark.django_db
def test_merging_a_project_that_does_not_exist_is_refused_on_its_field_and_nothing_moves_PLAN_02(cast):
    lead, other = (advance(draft(cast.owner, name=f"需求{i}"), cast, to="pooled") for i in range(2))

    response = api_for(cast.smart_office).post(
        f"/api/v1/projects/{lead.pk}/actions/open_scheme/",
        {"merge_ids": [other.pk, other.pk + 1000]},
        format="json",
    )

    assert response.status_code == 404
    assert response.json()["error"]["field"] == "merge_ids.1"
    assert set(Project.objects.filter(pk__in=[lead.pk, other.pk]).values_list("stage", flat=True)) == {
        "pooled"
    }
    assert not Event.objects.filter(action="open_scheme").exists()


@pytest.mark.django_db
def test_the_deadline_pass_clears_an_overdue_flag_no_deadline_supports(cast, clock):
    """The pass visits projects with open deadlines and those whose flag disagrees with their deadlines."""
    project = advance(draft(cast.owner), cast, to="approval", shift=clock.shift)
    lifecycle.accept_application(project.pk, actor=cast.ndrc)
    record_code(project, cast)  # COORD-09: the code comes before the approval
    clock.shift(dt.timedelta(days=10))
    lifecycle.process_deadlines()
    assert Project.objects.get(pk=project.pk).is_overdue
    lifecycle.issue_design_approval(project.pk, actor=cast.ndrc, approval_text="同意")
    Project.objects.filter(pk=project.pk).update(is_overdue=True)  # a flag left stale by an old run

    report = lifecycle.process_deadlines()

    assert not Project.objects.get(pk=project.pk).is_overdue
    assert (report.overdue, report.lifted) == (0, 0)
    assert Deadline.objects.get(project=project, code="TIME-01").status == "done_late"


@pytest.mark.parametrize("code", ["40P01", "40001"], ids=["deadlock", "serialization_failure"])
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_action_aborted_once_by_postgresql_is_run_again_and_succeeds_issue_13_item_4(code, cast):
    owner = cast.owner
    action, calls = failing_times(1, code)

    project = retry_once(action)(owner)

    assert calls == [1, 2]
    assert list(Project.objects.values_list("pk", "name")) == [(project.pk, "第2次")]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_action_aborted_twice_answers_409_in_chinese_and_saves_nothing_issue_13_item_4(cast):
    owner = cast.owner
    action, calls = failing_times(2)

    with pytest.raises(Conflict) as refused:
        retry_once(action)(owner)

    assert calls == [1, 2]
    assert refused.value.status == 409 and refused.value.code == "lock_conflict"
    assert "同时修改" in refused.value.message and "请稍后重试" in refused.value.message
    assert isinstance(refused.value.__cause__, OperationalError)
    assert not Project.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_other_database_errors_are_neither_retried_nor_turned_into_409_issue_13_item_4(cast):
    owner = cast.owner
    action, calls = failing_times(2, code="23505")  # unique_violation

    with pytest.raises(IntegrityError):
        retry_once(action)(owner)

    assert calls == [1]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_inside_an_outer_transaction_a_lock_conflict_is_not_retried_issue_13_item_4(cast):
    """The outer transaction is already aborted: running the action again inside it could not succeed."""
    owner = cast.owner
    action, calls = failing_times(1)

    with pytest.raises(LockConflict), transaction.atomic():
        retry_once(action)(owner)

    assert calls == [1]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_deadlock_inside_an_action_becomes_a_409_and_the_action_leaves_no_trace_issue_13_item_4(cast):
    owner = cast.owner
    project = draft(owner)

    with pytest.raises(LockConflict):
        with transition(project.pk, actor=owner, action="update") as step:
            step.project.name = "改名"
            step.record(name="改名")
            raise_sqlstate("40P01")

    project.refresh_from_db()
    assert project.name != "改名"
    assert not Event.objects.filter(project=project, action="update").exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_lock_projects_locks_the_project_rows_and_not_their_unit_issue_13_item_4(cast):
    """Issue 13 item 4: `select_for_update` without of=("self",) also locked the joined owner unit."""
    owner = cast.owner
    first, second = draft(owner, name="甲"), draft(owner, name="乙")
    outcomes = {}

    def try_nowait():
        try:
            for label, sql, pk in [
                ("unit", "SELECT id FROM accounts_unit WHERE id = %s FOR UPDATE NOWAIT", owner.unit_id),
                ("first", "SELECT id FROM projects_project WHERE id = %s FOR UPDATE NOWAIT", first.pk),
                ("second", "SELECT id FROM projects_project WHERE id = %s FOR UPDATE NOWAIT", second.pk),
            ]:
                try:
                    with transaction.atomic(), connection.cursor() as cursor:
                        cursor.execute(sql, [pk])
                    outcomes[label] = "free"
                except OperationalError:
                    outcomes[label] = "locked"
        finally:
            connection.close()

    with transaction.atomic():
        lock_projects([second.pk, first.pk])
        other = threading.Thread(target=try_nowait)
        other.start()
        other.join(timeout=30)

    assert outcomes == {"unit": "free", "first": "locked", "second": "locked"}
