"""Two officials act on one project at the same moment: the row lock lets exactly one through.

PostgreSQL only (real row locks, real threads, one connection each); make test runs these in its
PostgreSQL pass."""

import threading
import time

import pytest
from django.db import connection

from govpm.core.errors import Conflict
from govpm.projects import lifecycle
from govpm.projects.lifecycle.base import transition
from govpm.projects.models import Event, Project
from govpm.projects.scenarios import advance

from .factories import api_for, draft, make_cast, role_user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(*calls):
    """Start the calls in threads at the same instant; return their results in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait()
            results[index] = call()
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


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
        marks["committed"] = time.monotonic()

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
    assert marks["refused"] >= marks["committed"]
    assert Project.objects.get(pk=project.pk).stage == "approval"
