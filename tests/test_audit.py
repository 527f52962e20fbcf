"""The audit trail (issue 8 item 6, issue 13 item 7): what an event records, and that the database guards it.

These run on whichever database the suite runs on: SQLite by default, PostgreSQL with DATABASE_URL (make test
runs both), so each guard is proven on both vendors."""

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from govpm.core import audit
from govpm.core.models import AuditEvent
from govpm.projects import lifecycle
from govpm.projects.models import Event
from govpm.projects.scenarios import advance
from govpm.promotion import services as promotion

from .factories import api_for, draft

pytestmark = pytest.mark.django_db


def bypass_guard(table: str) -> None:
    """What only a database owner can do: drop the triggers (rolled back with the test's transaction)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Dropping a trigger is refused while the transaction has pending deferred FK checks on the table.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for statement in audit.unguard_sql(connection.vendor, table):
            cursor.execute(statement)


def refused(sql: str, params=()) -> bool:
    """Run raw SQL in a savepoint; True when the database refused it."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except DatabaseError:
        return True
    return False


def rows(sql: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [tuple(row) for row in cursor.fetchall()]


def verify_command() -> str:
    """verify_audit's complaint, or "" when it exits 0."""
    try:
        call_command("verify_audit", stdout=io.StringIO(), stderr=io.StringIO())
    except CommandError as error:
        return str(error)
    return ""


@pytest.fixture
def trail(cast):
    """A few project events and a few audit events (the 需求申报书's upload, three showcases), as the
    services write them."""
    project = draft(cast.owner)
    lifecycle.update_draft(project.pk, actor=cast.owner, name="城市大脑数字驾驶舱（二期）")
    lifecycle.submit(project.pk, actor=cast.owner)
    for day in (1, 2, 3):
        promotion.record_showcase(
            actor=cast.smart_office, title=f"推介专场{day}", held_on=dt.date(2026, 2, day)
        )
    return project


# --- what an event records (issue 8 item 6) --------------------------------------------------------------


def test_update_event_records_old_and_new_value_of_each_changed_field_I8_6(cast):
    project = draft(cast.owner, name="旧名称", estimate="1000000.00", with_materials=False)

    lifecycle.update_draft(
        project.pk, actor=cast.owner, name="新名称", requested_estimate=Decimal("900000.00")
    )

    event = Event.objects.filter(project=project).latest("id")
    assert event.action == "update"
    assert event.changes["name"] == ["旧名称", "新名称"]
    assert event.changes["requested_estimate"] == ["1000000.00", "900000.00"]
    assert set(event.changes) == {"name", "requested_estimate"}


def test_action_that_changes_nothing_on_the_row_records_no_changes_I8_6(cast):
    project = draft(cast.owner, with_materials=False)

    lifecycle.precheck(project.pk, actor=cast.owner)

    assert Event.objects.filter(project=project).latest("id").changes == {}


def test_creation_is_an_event_through_the_same_path_with_hash_and_values_I8_6(cast):
    project = draft(cast.owner, name="新需求", with_materials=False)

    event = Event.objects.get(project=project)
    assert event.action == "create" and event.actor_name == str(cast.owner)
    assert event.changes["name"] == [None, "新需求"]
    assert event.changes["stage"] == [None, "draft"]
    assert len(event.hash) == 64


def test_merged_needs_get_events_with_their_changes_through_the_same_path_I8_6(cast, clock):
    lead, other = [advance(draft(cast.owner, name=f"需求{i}"), cast, to="pooled") for i in range(2)]

    lifecycle.open_scheme(lead.pk, actor=cast.smart_office, merge_ids=[other.pk])

    event = Event.objects.filter(project=other).latest("id")
    assert event.action == "open_scheme" and event.payload == {"merged_into": lead.pk}
    assert event.changes["stage"] == ["pooled", "merged"]  # PLAN-07: 已合并, not terminated
    assert event.changes["merged_into_id"] == [None, lead.pk]
    assert audit.verify() == []


def test_a_renamed_user_leaves_past_event_names_unchanged_I8_6_I13_7(cast, client):
    """The actor's name is stored with the event: renaming the user changes no page or API answer."""
    cast.owner.display_name = "张三"
    cast.owner.save()
    project = draft(cast.owner, with_materials=False)
    promotion.record_showcase(actor=cast.smart_office, title="推介专场", held_on=dt.date(2026, 2, 1))
    office_name = str(cast.smart_office)

    cast.owner.display_name = "李四"
    cast.owner.save()
    cast.smart_office.display_name = "王五"
    cast.smart_office.save()

    assert Event.objects.get(project=project).actor_name == "张三"
    assert AuditEvent.objects.get(action="record_showcase").actor_name == office_name != "王五"
    answer = api_for(cast.owner).get(f"/api/v1/projects/{project.pk}/events/").json()
    rows = answer["results"] if isinstance(answer, dict) else answer
    assert [row["actor_name"] for row in rows] == ["张三"]
    client.force_login(cast.owner)
    history = client.get(f"/projects/{project.pk}/").content.decode().split("操作记录")[-1]
    assert "张三" in history and "李四" not in history


def test_promotion_records_are_audited_with_their_values_I8_6(cast):
    item = promotion.record_case(
        actor=cast.bdb, title="城市大脑", presented_to="省大数据局", presented_on=dt.date(2026, 2, 3)
    )

    event = AuditEvent.objects.get(action="record_case")
    assert (event.object_type, event.object_id) == ("promotion.casepresentation", str(item.pk))
    assert event.changes["presented_to"] == [None, "省大数据局"]
    assert event.changes["presented_on"] == [None, "2026-02-03"]
    assert event.actor_role == "bdb" and event.actor_name == str(cast.bdb)


def test_refused_promotion_record_leaves_no_event_I8_6(cast):
    with pytest.raises(Exception):  # noqa: B017 - the refusal's type is promotion's business
        promotion.record_showcase(actor=cast.owner, title="专场", held_on=dt.date(2026, 2, 1))
    assert not AuditEvent.objects.exists()


# --- the database guards the trail (issue 13 item 7) -----------------------------------------------------


@pytest.mark.parametrize("table", ["projects_event", "core_auditevent"])
def test_raw_sql_update_of_an_event_is_refused_by_the_database_I13_7(trail, table):
    before = rows(f"SELECT id, action FROM {table} ORDER BY id")

    assert refused(f"UPDATE {table} SET action = %s", ["tampered"])

    assert rows(f"SELECT id, action FROM {table} ORDER BY id") == before


@pytest.mark.parametrize("table", ["projects_event", "core_auditevent"])
def test_raw_sql_delete_of_an_event_is_refused_by_the_database_I13_7(trail, table):
    before = rows(f"SELECT COUNT(*) FROM {table}")

    assert refused(f"DELETE FROM {table}")

    assert rows(f"SELECT COUNT(*) FROM {table}") == before != [(0,)]


def test_bulk_orm_update_and_delete_of_events_are_refused_I13_7(trail):
    for attempt in (
        lambda: Event.objects.update(actor_name="x"),
        lambda: Event.objects.all()._raw_delete(connection.alias),
        lambda: AuditEvent.objects.update(actor_name="x"),
        lambda: AuditEvent.objects.all()._raw_delete(connection.alias),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            attempt()
    assert not Event.objects.filter(actor_name="x").exists()
    assert AuditEvent.objects.count() == 4


def test_verify_passes_on_an_intact_trail_I13_7(trail):
    assert audit.verify() == []
    assert verify_command() == ""


@pytest.mark.parametrize(("model", "table"), [(Event, "projects_event"), (AuditEvent, "core_auditevent")])
def test_verify_detects_a_deleted_event_as_a_gap_I13_7(trail, model, table):
    ids = list(model.objects.order_by("id").values_list("id", flat=True))
    bypass_guard(table)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [ids[1]])

    problems = audit.verify()

    assert [(p.kind, p.event_id) for p in problems if p.table == table] == [("gap", ids[2])]
    assert "problem" in verify_command()


@pytest.mark.parametrize(("model", "table"), [(Event, "projects_event"), (AuditEvent, "core_auditevent")])
def test_verify_detects_a_changed_event_I13_7(trail, model, table):
    target = model.objects.order_by("id")[1]
    bypass_guard(table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET actor_name = %s WHERE id = %s", ["冒名者", target.pk])

    problems = audit.verify()

    assert [(p.kind, p.event_id) for p in problems if p.table == table] == [("changed", target.pk)]
    assert "problem" in verify_command()


def test_verify_detects_a_rehashed_change_at_the_next_link_I13_7(trail):
    """Whoever recomputes the changed row's own hash still breaks the link of the row after it."""
    first, second, third = AuditEvent.objects.filter(action="record_showcase").order_by("id")
    forged = audit.chain_hash(
        second.prev_hash, {**audit.content_of(second, audit.AUDIT_EVENT_FIELDS), "actor_name": "冒名者"}
    )
    bypass_guard("core_auditevent")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditevent SET actor_name = %s, hash = %s WHERE id = %s",
            ["冒名者", forged, second.pk],
        )

    assert [(p.kind, p.event_id) for p in audit.verify() if p.kind != "unguarded"] == [("gap", third.pk)]


def test_verify_reports_a_missing_trigger_I13_7(trail):
    bypass_guard("projects_event")

    assert {p.kind for p in audit.verify()} == {"unguarded"}
    assert "problem" in verify_command()


# --- the chain under concurrency, and the test suite's own flush --------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_one_unbroken_chain_I13_7(cast):
    """Eight writers append at the same instant; the advisory lock makes each read the hash the previous
    one committed, so the chain has no fork."""
    import threading

    barrier = threading.Barrier(8)
    errors = []

    def write(n):
        try:
            barrier.wait()
            promotion.record_showcase(
                actor=cast.smart_office, title=f"专场{n}", held_on=dt.date(2026, 3, n + 1)
            )
            draft(cast.owner, name=f"并发需求{n}", with_materials=False)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert AuditEvent.objects.count() == 8 and Event.objects.filter(action="create").count() == 8
    assert audit.verify() == []


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_writes_events_and_its_flush_still_empties_the_tables(cast):
    """conftest.py lets SQLite's flush through the DELETE trigger (PostgreSQL flushes with TRUNCATE)."""
    draft(cast.owner, with_materials=False)
    promotion.record_showcase(actor=cast.smart_office, title="专场", held_on=dt.date(2026, 3, 1))
    assert Event.objects.count() == 1 and AuditEvent.objects.count() == 1


def test_after_a_flush_the_guard_is_whole_again_I13_7(trail):
    """Runs after the transactional test above: its flush permit is gone, so DELETE is refused again."""
    if connection.vendor == "sqlite":
        assert rows(f"SELECT COUNT(*) FROM {audit.SQLITE_FLUSH_PERMIT}") == [(0,)]
    assert refused("DELETE FROM projects_event")
    assert audit.verify() == []


# --- writes outside projects: admin saves and imports (issue 8 item 6) ----------------------------------


@pytest.fixture
def admin_client(client):
    from govpm.accounts.models import User

    root = User.objects.create_superuser("root", password="pw-12345678", display_name="管理员")
    client.force_login(root)
    return client


def test_renaming_a_user_in_the_admin_is_audited_and_past_names_stay_I8_6(admin_client, cast):
    project = draft(cast.owner, with_materials=False)
    old_name = str(cast.owner)
    form = {
        "username": cast.owner.username,
        "display_name": "新名字",
        "unit": cast.owner.unit_id,
        "role": "owner",
        "is_active": "on",
        "date_joined_0": "2026-03-01",
        "date_joined_1": "09:00:00",
    }

    response = admin_client.post(f"/admin/accounts/user/{cast.owner.pk}/change/", form)

    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.get(action="change_user")
    assert (event.object_type, event.object_id) == ("accounts.user", str(cast.owner.pk))
    assert event.changes["display_name"] == [cast.owner.display_name, "新名字"]
    assert "password" not in event.changes and event.actor_name == "管理员"
    assert Event.objects.get(project=project).actor_name == old_name
    assert audit.verify() == []


def test_creating_and_changing_a_unit_in_the_admin_is_audited_I8_6(admin_client):
    form = {
        "code": "testunit",
        "name": "衢州市测试局",
        "short_name": "测试局",
        "credit_code": "",
        "region_code": "330800",
        "kind": "department",
        "doc_prefix": "",
    }
    assert admin_client.post("/admin/accounts/unit/add/", form).status_code == 302
    from govpm.accounts.models import Unit

    unit = Unit.objects.get(code="testunit")
    assert (
        admin_client.post(
            f"/admin/accounts/unit/{unit.pk}/change/", {**form, "short_name": "测局"}
        ).status_code
        == 302
    )

    created, changed = AuditEvent.objects.filter(object_type="accounts.unit").order_by("id")
    assert created.action == "create_unit" and created.changes["name"] == [None, "衢州市测试局"]
    assert changed.action == "change_unit" and changed.changes == {"short_name": ["测试局", "测局"]}


def test_needs_import_is_audited_once_with_each_project_created_through_the_same_path_I8_6(cast):
    from govpm.documents import needs_import
    from govpm.documents.tests.test_workbooks import need, needs_file

    created = needs_import.import_needs(needs_file([need("智慧停车"), need("智慧养老")]), actor=cast.owner)

    imported = AuditEvent.objects.get(action="import_needs")
    assert imported.payload == {"projects": [project.pk for project in created]}
    assert Event.objects.filter(project__in=created, action="create").count() == 2


def test_a_password_change_in_the_admin_is_audited_without_the_hash_I8_6(admin_client, cast):
    response = admin_client.post(
        f"/admin/accounts/user/{cast.owner.pk}/password/",
        {"password1": "new-pw-12345678", "password2": "new-pw-12345678"},
    )

    assert response.status_code == 302
    event = AuditEvent.objects.get(action="change_user_password")
    assert event.object_id == str(cast.owner.pk)
    cast.owner.refresh_from_db()
    assert cast.owner.password not in json.dumps([event.changes, event.payload])


def test_loading_the_targets_data_files_is_audited_as_the_system_I8_6(db):
    call_command("load_targets_data", stdout=io.StringIO())

    event = AuditEvent.objects.get(action="load_targets_data")
    assert event.actor_id is None and event.actor_name == "系统"
    assert event.payload["indicators_created"] > 0
