"""Two officials act on one project at the same moment: the row lock lets exactly one through.

PostgreSQL only (real row locks, real threads, one connection each); make test runs these in its
PostgreSQL pass."""

import datetime as dt
import threading
import time

import pytest
from django.db import OperationalError, connection, transaction

from govpm.core.errors import Conflict
from govpm.projects import lifecycle
from govpm.projects.lifecycle.base import transition
from govpm.projects.models import Deadline, Event, Project
from govpm.projects.scenarios import advance, record_code

from .factories import api_for, draft, make_cast, role_user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(*calls):
    """Start the calls in threads at the same instant; return their results in order (an exception a
    call raised is returned in its place, so a test can tell a 500 from a refusal)."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:  # handed to the test, which asserts on it
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def lock_waiters() -> int:
    """Transactions of this test database now queued behind a row lock (PostgreSQL's own view)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def wait_for_waiters(count: int) -> None:
    give_up = time.monotonic() + 20
    while lock_waiters() < count:
        assert time.monotonic() < give_up, f"never saw {count} transactions queue for a lock"
        time.sleep(0.02)


def run_queued(held, *calls):
    """Holds FOR UPDATE on the rows of the querysets in `held`; starts the calls one by one, each only
    once the one before it queues for a lock; then lets all go at once. The race every lock-order bug
    needs — each call past its first lock before the others move — then happens every time."""
    release, holding = threading.Event(), threading.Event()
    results = [None] * len(calls)

    def hold():
        try:
            with transaction.atomic():
                for queryset in held:
                    list(queryset.select_for_update())
                holding.set()
                release.wait(30)
        finally:
            connection.close()

    def worker(index, call):
        try:
            results[index] = call()
        except Exception as error:  # handed to the test, which asserts on it
            results[index] = error
        finally:
            connection.close()

    gate = threading.Thread(target=hold)
    gate.start()
    assert holding.wait(10)
    threads = []
    try:
        for index, call in enumerate(calls):
            threads.append(threading.Thread(target=worker, args=(index, call)))
            threads[-1].start()
            wait_for_waiters(index + 1)
    finally:
        release.set()
        gate.join(timeout=30)
        for thread in threads:
            thread.join(timeout=30)
    return results


def status_of(result) -> int | str:
    """A response's status, or the name of the exception a request died with (a 500 in production)."""
    return getattr(result, "status_code", None) or type(result).__name__


def test_conflicting_decisions_at_once_one_wins_the_other_gets_409_and_nothing_is_half_written():
    """COORD-03: two members of the leading group decide at once, one approves, one sends the scheme back —
    one decision stands, the other is told 409."""
    assert connection.vendor == "postgresql"
    cast = make_cast()
    second_member = role_user("leading_group")
    for attempt in range(4):
        project = advance(draft(cast.owner, name=f"并发{attempt}"), cast, to="consultation")
        events_before = Event.objects.filter(project=project).count()

        url = f"/api/v1/projects/{project.pk}/actions/leading_group_decide/"

        def approve(url=url):
            return api_for(cast.leading_group).post(url, {"decision": "approve"}, format="json")

        def revise(url=url):
            return api_for(second_member).post(
                url, {"decision": "revise", "reason": "须补充安全方案"}, format="json"
            )

        first, second = run_together(approve, revise)

        statuses = sorted([first.status_code, second.status_code])
        assert statuses == [200, 409], (first.json(), second.json())
        loser = first if first.status_code == 409 else second
        assert loser.json()["error"]["code"] == "wrong_stage"
        project.refresh_from_db()
        assert project.stage in {"approval", "scheme"}
        assert Event.objects.filter(project=project).count() == events_before + 1
        winner_event = Event.objects.filter(project=project).latest("id")
        assert winner_event.to_stage == project.stage


def test_an_action_waits_for_the_row_lock_then_sees_the_new_stage():
    """The second action blocks on the lock held by the first, and is then refused on the stage it finds."""
    cast = make_cast()
    project = advance(draft(cast.owner), cast, to="consultation")
    other_member = role_user("leading_group")
    holding = threading.Event()
    marks = {}

    def slow_approve():
        with transition(project.pk, actor=cast.leading_group, action="leading_group_decide") as step:
            holding.set()
            time.sleep(0.5)
            step.move("approval")
            # The last moment the lock is surely held: the commit follows. (A mark after the commit can
            # come later than the other thread's refusal, which may take the interpreter first.)
            marks["committing"] = time.monotonic()

    def terminate():
        holding.wait(5)
        try:
            lifecycle.leading_group_decide(project.pk, actor=other_member, decision="reject", reason="并发")
        except Conflict as error:
            marks["refused"] = time.monotonic()
            return error
        return None

    _, error = run_together(slow_approve, terminate)

    assert isinstance(error, Conflict)
    assert marks["refused"] >= marks["committing"]
    assert Project.objects.get(pk=project.pk).stage == "approval"


def test_two_merges_of_each_others_project_end_200_and_409_never_500_issue_13_item_4():
    """Issue 13 item 4: open_scheme(A, merge B) and open_scheme(B, merge A) at once used to deadlock (A
    then B against B then A) and one got a 500. Both now lock A and B in id order: one merge stands, the
    other finds its project merged away and gets 409."""
    cast = make_cast()
    first_need, second_need = (
        advance(draft(cast.owner, name=f"合并需求{i}"), cast, to="pooled") for i in range(2)
    )
    client = api_for(cast.smart_office)

    def merge(into, other):
        return lambda: client.post(
            f"/api/v1/projects/{into.pk}/actions/open_scheme/", {"merge_ids": [other.pk]}, format="json"
        )

    results = run_queued(
        [Project.objects.filter(pk__in=[first_need.pk, second_need.pk])],
        merge(first_need, second_need),
        merge(second_need, first_need),
    )

    assert sorted(map(status_of, results), key=str) == [200, 409], results
    loser = next(result for result in results if result.status_code == 409)
    assert loser.json()["error"]["code"] == "wrong_stage"
    stages = dict(Project.objects.filter(pk__in=[first_need.pk, second_need.pk]).values_list("pk", "stage"))
    winner_id = next(pk for pk, stage in stages.items() if stage == "scheme")
    merged_id = next(pk for pk, stage in stages.items() if stage == "merged")
    assert Project.objects.get(pk=merged_id).merged_into_id == winner_id
    assert Event.objects.filter(action="open_scheme").count() == 2  # the winner: its own and the merged one


def test_deadline_pass_racing_an_action_both_succeed_consistently_never_500_issue_13_item_4():
    """Issue 13 item 4: process_deadlines locked deadlines then projects while an action locks its project
    then writes its deadline; the two deadlocked. Now the pass locks the project first: whichever goes
    second waits, and the end state is the same either way."""
    cast = make_cast()
    project = advance(draft(cast.owner), cast, to="approval")
    lifecycle.accept_application(project.pk, actor=cast.ndrc)
    record_code(project, cast)  # COORD-09: the code comes before the approval
    deadline = Deadline.objects.get(project=project, code="TIME-01")
    far_future = deadline.overdue_after + dt.timedelta(days=30)

    def approve():
        return api_for(cast.ndrc).post(
            f"/api/v1/projects/{project.pk}/actions/issue_design_approval/",
            {"approval_text": "同意初步设计"},
            format="json",
        )

    def daily_pass():
        return lifecycle.process_deadlines(today=far_future)

    # The pass queues first; the action then takes its project and queues for the deadline row.
    report, response = run_queued([Deadline.objects.filter(pk=deadline.pk)], daily_pass, approve)

    assert status_of(response) == 200, response
    assert isinstance(report, lifecycle.deadlines.Report), report
    deadline.refresh_from_db()
    project.refresh_from_db()
    assert deadline.status == "done" and deadline.done_on == project.approved_on
    assert project.is_overdue is False
    assert Event.objects.filter(project=project, action="issue_design_approval").count() == 1


def test_actions_on_two_projects_of_one_unit_do_not_wait_for_each_other_issue_13_item_4():
    """Issue 13 item 4: every action also locked its owner unit's row, so two officials of one unit
    queued behind each other on different projects. One transaction holds project A's action open;
    an action on project B of the same unit must get its lock at once (lock_timeout 1 s)."""
    cast = make_cast()
    project_a, project_b = (draft(cast.owner, name=f"同单位项目{i}") for i in range(2))
    assert project_a.owner_unit_id == project_b.owner_unit_id
    holding, done = threading.Event(), threading.Event()

    def hold_a():
        with transition(project_a.pk, actor=cast.owner, action="update") as step:
            holding.set()
            done.wait(10)
            step.record(note="held")
        return "held"

    def act_on_b():
        assert holding.wait(10)
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '1s'")
                with transition(project_b.pk, actor=cast.owner, action="update") as step:
                    step.record(note="not blocked")
            return "acted"
        finally:
            done.set()

    held, acted = run_together(hold_a, act_on_b)

    assert not isinstance(acted, OperationalError), f"project B waited for project A's unit lock: {acted}"
    assert (held, acted) == ("held", "acted")
    assert Event.objects.filter(project=project_b, action="update").count() == 1


def action_waits_for_the_deadline_row() -> bool:
    """Whether a transaction waits for a lock while updating a deadline row (PostgreSQL's own view; the
    statistics snapshot is cleared first, as the caller looks from inside its own transaction)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND wait_event_type = 'Lock' AND query LIKE 'UPDATE \"projects_deadline\"%%'"
        )
        return cursor.fetchone()[0] > 0


def test_an_action_that_keeps_deadlocking_is_retried_once_then_answers_409_never_500_issue_13_item_4():
    """Issue 13 item 4: a transaction that locks in the inverted order (the deadline, then the project)
    closes a lock cycle with every run of the action: each time the action holds its project and waits for
    the deadline row, this one asks for the project. The action checks for deadlocks after PostgreSQL's
    default 1 s, the adversary only after 10 s (SET deadlock_timeout needs a superuser, as make test's
    is), so the action is the one aborted, every time. Its second run fails too, and the client gets 409
    in Chinese — never 500, nothing of either run saved. (That the retry runs exactly once, and that a
    second run can succeed, test_locks shows with PostgreSQL raising the error itself.)"""
    cast = make_cast()
    project = advance(draft(cast.owner), cast, to="approval")
    lifecycle.accept_application(project.pk, actor=cast.ndrc)
    record_code(project, cast)  # COORD-09: the code comes before the approval
    deadline = Deadline.objects.get(project=project, code="TIME-01")
    holding, finished, cycles = threading.Event(), threading.Event(), []

    def adversary():
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL deadlock_timeout = '10s'")
            list(Deadline.objects.select_for_update().filter(pk=deadline.pk))
            holding.set()
            give_up = time.monotonic() + 30
            while not finished.is_set() and time.monotonic() < give_up:
                if action_waits_for_the_deadline_row():
                    # Rolling back to the savepoint gives the project back and keeps the deadline.
                    savepoint = transaction.savepoint()
                    list(Project.objects.select_for_update().filter(pk=project.pk))
                    cycles.append(time.monotonic())
                    transaction.savepoint_rollback(savepoint)
                time.sleep(0.02)
        return "committed"

    def approve():
        assert holding.wait(10)
        try:
            return api_for(cast.ndrc).post(
                f"/api/v1/projects/{project.pk}/actions/issue_design_approval/",
                {"approval_text": "同意初步设计"},
                format="json",
            )
        finally:
            finished.set()

    held, response = run_together(adversary, approve)

    assert held == "committed" and cycles, held
    assert status_of(response) == 409, response
    assert response.json()["error"]["code"] == "lock_conflict"
    assert "请稍后重试" in response.json()["error"]["message"]
    deadline.refresh_from_db()
    assert deadline.status == "open"
    assert not Event.objects.filter(project=project, action="issue_design_approval").exists()
