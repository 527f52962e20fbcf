"""The read model (ADR 0402): each project's detail and list row kept as JSON text in the transaction of
every change, read in one statement, and always equal to the full read of the records."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sys
import threading
import zoneinfo
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from govpm.accounts.models import Unit
from govpm.core import clock as govpm_clock
from govpm.projects import lifecycle, readmodel, selectors, worklist
from govpm.projects.lifecycle import base
from govpm.projects.lifecycle.deadlines import process_deadlines
from govpm.projects.models import Project, ProjectSnapshot
from govpm.projects.scenarios import advance, record_code

from .factories import api_for, draft, make_cast
from .readmodel_check import assert_snapshot_current

pytestmark = pytest.mark.django_db


@contextlib.contextmanager
def checked_after_every_action():
    """Every lifecycle module's `transition`, wrapped: when an action's transaction has committed, the
    snapshot of the project it changed (and of those it locked with it) equals the full read."""
    original = base.transition
    checked: list[str] = []

    @contextlib.contextmanager
    def transition(project_id, *, actor, action, also_lock=()):
        with original(project_id, actor=actor, action=action, also_lock=also_lock) as step:
            yield step
        for pid in {step.project.pk, *step.others}:
            assert_snapshot_current(pid, f"after {action} on {pid}")
        checked.append(action)

    modules = [
        module
        for name, module in sys.modules.items()
        if name.startswith("govpm.") and getattr(module, "transition", None) is original
    ]
    for module in modules:
        module.transition = transition
    try:
        yield checked
    finally:
        for module in modules:
            module.transition = original


def test_every_demo_project_snapshot_equals_the_full_read_after_every_action_of_the_walk():
    """ADR 0402: the demo replays each project's history through the lifecycle; after every action the
    acted-on project's stored snapshot equals the full read of its records (and the API's documented
    serializers), and once loaded — clock passes and payments included — so does every project's."""
    with checked_after_every_action() as checked:
        call_command("load_demo", stdout=StringIO())
    assert len(checked) > 200 and {"submit", "record_payment", "decide_final_acceptance"} <= set(checked)
    projects = list(Project.objects.values_list("pk", flat=True))
    assert ProjectSnapshot.objects.count() == len(projects) >= 20
    for pid in projects:
        assert_snapshot_current(pid, "after the demo")
    # What a rebuild loads is all the body and the steps read, in every stage the demo reaches: building
    # them issues no statement of its own (worklist.prefetch_for names each relation a step reads).
    loaded = readmodel.load(projects)
    with CaptureQueriesContext(connection) as built:
        for project in loaded:
            readmodel.detail_body(project)
            worklist.steps(project)
    assert not built.captured_queries, [q["sql"][:120] for q in built.captured_queries][:3]

    # SUPV-05: a body that reads differently when a scheduled payment falls due says so, and the first
    # read on that day rebuilds it: the milestone shows overdue without anything being written.
    dated = ProjectSnapshot.objects.filter(fresh_until__isnull=False).order_by("fresh_until").first()
    assert dated is not None, "the demo has a scheduled payment still to fall due"
    before = json.loads(dated.body)["finance"]["overdue_payments"]
    owner = Project.objects.get(pk=dated.pk).created_by
    with time_machine_at(dated.fresh_until):
        body = api_for(owner).get(f"/api/v1/projects/{dated.pk}/").json()
        assert body["finance"]["overdue_payments"] > before
        assert_snapshot_current(dated.pk, "after the day a payment fell due")


@contextlib.contextmanager
def time_machine_at(day: dt.date):
    import time_machine

    moment = dt.datetime.combine(day, dt.time(9), tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(moment, tick=False):
        yield


def test_a_write_outside_an_action_changes_the_snapshot_in_its_own_transaction(cast, clock):
    """ADR 0402: the daily clock pass (not a lifecycle action) marks a deadline overdue; the snapshot says
    so at once, with no read-side rebuild."""
    project = advance(draft(cast.owner), cast, to="approval", shift=clock.shift)
    record_code(project, cast)
    lifecycle.accept_application(project.pk, actor=cast.ndrc)  # TIME-01: 3 days for the design approval
    clock.shift(dt.timedelta(days=4))
    process_deadlines()
    project.refresh_from_db()
    assert project.is_overdue
    stored = json.loads(ProjectSnapshot.objects.get(pk=project.pk).body)
    assert stored["is_overdue"] is True
    assert any(deadline["status"] == "overdue" for deadline in stored["deadlines"])
    assert_snapshot_current(project.pk)


def test_a_write_after_an_action_supersedes_what_the_action_left(cast, clock):
    """ADR 0402: what an action left (`readmodel.settled`, the API's answer) is replaced when a write after
    its transaction, in the same call, rebuilds the project's snapshot: the answer is never older."""
    project = advance(draft(cast.owner), cast, to="approval", shift=clock.shift)
    record_code(project, cast)
    with readmodel.settled() as settled:
        lifecycle.accept_application(project.pk, actor=cast.ndrc)  # TIME-01 starts
        left = settled[project.pk][1]
        clock.shift(dt.timedelta(days=4))
        process_deadlines()  # not an action: the overdue deadline is saved, its signal rebuilds
    assert json.loads(left)["is_overdue"] is False
    assert json.loads(settled[project.pk][1])["is_overdue"] is True
    assert settled[project.pk][1] == ProjectSnapshot.objects.get(pk=project.pk).body


def test_a_unit_renamed_is_renamed_in_every_detail(cast):
    project = draft(cast.owner)
    unit = Unit.objects.get(pk=cast.owner.unit_id)
    unit.name = "衢州市某局（更名）"
    unit.save()
    assert not ProjectSnapshot.objects.exists()  # dropped with the old name …
    body = api_for(cast.owner).get(f"/api/v1/projects/{project.pk}/").json()
    assert body["owner_unit"]["name"] == "衢州市某局（更名）"  # … and rebuilt by the next read
    assert_snapshot_current(project.pk)
    # An expert's username names its review task; a login (last_login only) drops nothing.
    cast.owner.save(update_fields=["last_login"])
    assert ProjectSnapshot.objects.exists()
    cast.owner.username = "owner-renamed"
    cast.owner.save()
    assert not ProjectSnapshot.objects.exists()


def test_rebuild_snapshots_makes_every_snapshot_anew(cast):
    projects = [draft(cast.owner, name=f"需求{i}") for i in range(3)]
    ProjectSnapshot.objects.all().delete()
    out = StringIO()
    call_command("rebuild_snapshots", stdout=out)
    assert "3" in out.getvalue()
    for project in projects:
        assert_snapshot_current(project.pk)


def test_a_read_that_finds_no_snapshot_builds_it(cast):
    project = draft(cast.owner)
    ProjectSnapshot.objects.all().delete()
    assert selectors.project_detail_json(cast.owner, project.pk)
    assert_snapshot_current(project.pk)
    ProjectSnapshot.objects.all().delete()
    listed = api_for(cast.owner).get("/api/v1/projects/").json()
    assert [row["id"] for row in listed["results"]] == [project.pk]
    assert_snapshot_current(project.pk)


def test_detail_is_one_statement_and_a_list_page_one(cast, django_assert_num_queries):
    """The read model's reads: the detail is the visibility rule and the snapshot in one statement; a
    list page is its count and its rows in one statement, whatever the page's length. The count is read
    on its own only when the page is empty: an empty list, or a page past the end (refused)."""
    for i in range(12):
        draft(cast.owner, name=f"需求{i}")
    pid = Project.objects.order_by("pk").values_list("pk", flat=True).first()
    client = api_for(cast.owner)
    with django_assert_num_queries(1):
        assert client.get(f"/api/v1/projects/{pid}/").status_code == 200
    with django_assert_num_queries(1):
        page = client.get("/api/v1/projects/?page_size=5&page=2").json()
    assert page["count"] == 12 and len(page["results"]) == 5 and page["next"] and page["previous"]
    ranked = client.get("/api/v1/projects/?page_size=50").json()["results"]
    assert [row["id"] for row in page["results"]] == [row["id"] for row in ranked[5:10]]
    with django_assert_num_queries(1):
        last = client.get("/api/v1/projects/?page_size=5&page=3").json()
    assert last["count"] == 12 and len(last["results"]) == 2 and last["next"] is None
    with django_assert_num_queries(2):  # the count, then the last page
        named = client.get("/api/v1/projects/?page_size=5&page=last").json()
    assert named["results"] == last["results"] and named["previous"]
    with django_assert_num_queries(2):  # the empty page, then the count that refuses it
        past = client.get("/api/v1/projects/?page_size=5&page=4")
    assert past.status_code == 404 and past.json()["error"]["field"] == "page"
    with django_assert_num_queries(2):  # the empty page, then the count: an empty list
        empty = client.get("/api/v1/projects/?stage=operation").json()
    assert empty == {"count": 0, "next": None, "previous": None, "results": []}
    for bad in ("0", "abc", "²"):
        assert client.get(f"/api/v1/projects/?page={bad}").json()["error"]["field"] == "page", bad
    ProjectSnapshot.objects.filter(pk=pid).delete()  # a row whose snapshot is missing is built first
    assert client.get("/api/v1/projects/?ordering=oldest").json()["results"][0]["id"] == pid
    assert_snapshot_current(pid)


def test_an_action_answers_with_the_snapshot_it_left_without_reading_it_again(
    cast, clock, django_assert_num_queries
):
    """ADR 0402: an action that writes nothing the detail shows (record_inspection) answers with the
    snapshot its lock read along; one that does, with the snapshot it wrote; one that finds the snapshot
    missing or past its day, with one read (which rebuilds it). Each answer is the detail as a read now
    gives it."""
    project = advance(draft(cast.owner), cast, to="implementation", shift=clock.shift)
    client = api_for(cast.bdb)
    url = f"/api/v1/projects/{project.pk}/actions/record_inspection/"
    body = {"inspected_on": govpm_clock.today().isoformat(), "result": "on_track", "findings": "进度正常"}
    statements = {}
    for case in ("current", "missing", "stale"):
        if case == "missing":
            ProjectSnapshot.objects.filter(pk=project.pk).delete()
        if case == "stale":
            ProjectSnapshot.objects.filter(pk=project.pk).update(fresh_until=govpm_clock.today())
        connection.queries_log.clear()  # a full log (9,000 statements) would capture nothing
        with CaptureQueriesContext(connection) as captured:
            answer = client.post(url, body, format="json")
        assert answer.status_code == 200, answer.json()
        statements[case] = len(captured)
        assert answer.json()["project"] == client.get(f"/api/v1/projects/{project.pk}/").json(), case
        assert_snapshot_current(project.pk, case)
    # the read again (and its rebuild) is what the current snapshot saves
    assert statements["missing"] > statements["current"] and statements["stale"] > statements["current"]
    connection.queries_log.clear()
    with django_assert_num_queries(statements["current"]):
        client.post(url, body, format="json")
    # an action that changes what the detail shows answers with the snapshot it wrote, read once, not twice
    contract = project.contracts.get()
    paid = {"contract_id": contract.pk, "amount": "1000.00", "paid_on": contract.signed_on.isoformat()}
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as captured:
        answer = api_for(cast.owner).post(
            f"/api/v1/projects/{project.pk}/actions/record_payment/", paid, format="json"
        )
    snapshot_sql = [q["sql"] for q in captured if "projects_projectsnapshot" in q["sql"]]
    assert answer.status_code == 200, answer.json()
    assert answer.json()["project"]["money"]["payments"] == "1000.00"
    assert answer.json()["project"] == api_for(cast.owner).get(f"/api/v1/projects/{project.pk}/").json()
    # the lock that reads it along and the write; no read after
    assert len(snapshot_sql) == 2 and snapshot_sql[-1].startswith("INSERT"), snapshot_sql
    assert_snapshot_current(project.pk, "payment")


def test_the_detail_carries_the_readers_own_actions(cast):
    project = draft(cast.owner)
    mine = api_for(cast.owner).get(f"/api/v1/projects/{project.pk}/").json()["available_actions"]
    assert "submit" in mine
    lifecycle.submit(project.pk, actor=cast.owner)
    theirs = api_for(cast.bdb).get(f"/api/v1/projects/{project.pk}/").json()["available_actions"]
    assert "review_needs" in theirs and "submit" not in theirs


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_readers_never_see_a_snapshot_older_than_the_last_committed_change():
    """ADR 0402 on PostgreSQL with real threads: 16 writers change 16 projects (each change commits its
    snapshot with it) while readers read them; every read shows at least the change last committed before
    the read began."""
    assert connection.vendor == "postgresql"
    cast = make_cast()
    projects = [draft(cast.owner, name=f"需求-0-{i}").pk for i in range(16)]
    committed = dict.fromkeys(projects, 0)
    seen: list[tuple[int, int, int]] = []  # (project, committed before the read, read)
    errors: list[BaseException] = []
    rounds, writing = 6, threading.Event()
    writing.set()

    def writer(index: int, pid: int) -> None:
        try:
            for n in range(1, rounds + 1):
                lifecycle.update_draft(pid, actor=cast.owner, name=f"需求-{n}-{index}")
                committed[pid] = n  # after the call returns: its transaction has committed
        except BaseException as error:  # handed to the test
            errors.append(error)
        finally:
            connection.close()

    def reader() -> None:
        try:
            while writing.is_set():
                for pid in projects:
                    floor = committed[pid]
                    body = json.loads(selectors.project_detail_json(cast.owner, pid))
                    seen.append((pid, floor, int(body["name"].split("-")[1])))
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    readers = [threading.Thread(target=reader) for _ in range(4)]
    writers = [threading.Thread(target=writer, args=(i, pid)) for i, pid in enumerate(projects)]
    for thread in readers + writers:
        thread.start()
    for thread in writers:
        thread.join(timeout=120)
    writing.clear()
    for thread in readers:
        thread.join(timeout=30)
    assert not errors, errors
    assert all(committed[pid] == rounds for pid in projects)
    assert len(seen) > 16
    stale = [(pid, floor, read) for pid, floor, read in seen if read < floor]
    assert not stale, stale[:5]
    for pid in projects:
        assert_snapshot_current(pid)
