"""The audit trail's mechanics, shared by both event tables (projects.Event and core.AuditEvent).

Each row is sealed when it is appended: `prev_hash` is the hash of the row before it in the same table and
`hash` is SHA-256 over that and the canonical JSON of the row's content. `verify` walks a table and names
the first row whose link or content does not match: a deleted row breaks the link of the row after it, a
changed row no longer matches its own hash. The database refuses UPDATE and DELETE on both tables
(triggers in core 0002 and projects 0003), so these are checks against what bypasses even that.

Writes outside a project's lifecycle are recorded with `record` (one call per write, inside the write's
transaction); a project's actions go through `lifecycle.base.write_event`."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, models

from . import clock

# One key for both tables: a transaction that appends to both never holds one chain lock while waiting
# for the other, so two such transactions cannot deadlock on the chains.
CHAIN_LOCK_KEY = 0x676F76706D  # "govpm"

# The fields each table's hash covers, in the order of the model. Not the id (the database assigns it
# after the hash is computed; the chain itself fixes the order) and not the hash columns themselves.
EVENT_FIELDS = (
    "project_id",
    "actor_id",
    "actor_name",
    "actor_role",
    "actor_unit",
    "action",
    "from_stage",
    "to_stage",
    "payload",
    "changes",
    "created_at",
)
AUDIT_EVENT_FIELDS = (
    "actor_id",
    "actor_name",
    "actor_role",
    "actor_unit",
    "object_type",
    "object_id",
    "action",
    "changes",
    "payload",
    "created_at",
)


def jsonable(value):
    """Audit payloads are JSON: amounts as exact strings, dates in ISO form."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set):
        return [jsonable(item) for item in value]
    return value


def _canonical_value(value):
    if isinstance(value, dt.datetime):
        # Databases hand datetimes back in UTC; the hash must not depend on the zone they were written in.
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    return value


def content_of(row, fields: Iterable[str]) -> dict:
    """The hashed content of a row, read by attribute so migrations' historical models work too."""
    return {name: _canonical_value(getattr(row, name)) for name in fields}


def canonical(content: dict) -> str:
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def chain_hash(prev_hash: str, content: dict) -> str:
    return hashlib.sha256((prev_hash + canonical(content)).encode("utf-8")).hexdigest()


def lock_chain() -> None:
    """Appends queue here until the appending transaction commits, so two appends never both read the same
    last hash. PostgreSQL: a transaction-scoped advisory lock. SQLite: every write transaction already holds
    the database's single write lock (transaction_mode IMMEDIATE), nothing more is needed."""
    if not connection.in_atomic_block:
        raise RuntimeError("an audit event is appended inside the transaction of its write")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])


def seal(row, fields: Iterable[str]) -> None:
    """Set the row's prev_hash and hash just before it is inserted. Call with the chain lock held."""
    lock_chain()
    model = type(row)
    previous = model.objects.order_by("-id").values_list("hash", flat=True).first()
    row.prev_hash = previous or ""
    row.hash = chain_hash(row.prev_hash, content_of(row, fields))


def actor_fields(actor) -> dict:
    """Who acted, as they are now: stored with the event so a later rename or move leaves it unchanged."""
    if actor is None:
        return {"actor": None, "actor_name": "系统", "actor_role": "", "actor_unit": ""}
    return {
        "actor": actor,
        "actor_name": str(actor),
        "actor_role": actor.role,
        "actor_unit": actor.unit.name if actor.unit_id else "",
    }


def diff(before: dict, after: dict) -> dict:
    """{field: [old, new]} for every field whose value differs; a field absent before counts as None."""
    return {
        name: [jsonable(before.get(name)), jsonable(value)]
        for name, value in after.items()
        if before.get(name) != value
    }


def values(instance, names: Iterable[str]) -> dict:
    """The named fields of a row as the database holds them: a Decimal at its column's scale, so a value
    just saved ("88.5") reads the same as one loaded ("88.500000")."""
    found = {}
    for name in names:
        value = getattr(instance, name)
        places = getattr(instance._meta.get_field(name), "decimal_places", None)
        if isinstance(value, Decimal) and places is not None:
            value = value.quantize(Decimal(1).scaleb(-places))
        found[name] = value
    return found


def record(
    *,
    actor,
    action: str,
    target=None,
    object_type: str = "",
    changes: dict | None = None,
    payload: dict | None = None,
):
    """Append one event for a write outside a project's lifecycle. `target` is the model instance written
    (or, for a write of many rows such as an import, None and the rows' `object_type`); `changes`
    {field: [old, new]} (see `diff`). Must run inside the write's transaction: if the write rolls back,
    so does its event."""
    from .models import AuditEvent

    event = AuditEvent(
        **actor_fields(actor),
        object_type=target._meta.label_lower if target is not None else object_type,
        object_id=str(target.pk) if target is not None else "",
        action=action,
        changes=jsonable(changes or {}),
        payload=jsonable(payload or {}),
        created_at=clock.now(),
    )
    seal(event, AUDIT_EVENT_FIELDS)
    event.save(force_insert=True)
    return event


@dataclass(frozen=True)
class Problem:
    table: str
    event_id: int
    kind: str  # "gap": the link to the previous row is broken; "changed": the row does not match its hash
    message: str


def verify_table(model, fields: Iterable[str]) -> list[Problem]:
    fields = tuple(fields)
    table = model._meta.db_table
    problems: list[Problem] = []
    expected_prev = ""
    for row in model.objects.order_by("id").iterator(chunk_size=2000):
        if row.prev_hash != expected_prev:
            problems.append(
                Problem(table, row.pk, "gap", f"{table} #{row.pk}: previous event missing or reordered")
            )
        if chain_hash(row.prev_hash, content_of(row, fields)) != row.hash:
            problems.append(
                Problem(table, row.pk, "changed", f"{table} #{row.pk}: content does not match its hash")
            )
        expected_prev = row.hash
    return problems


GUARD_TRIGGERS = {
    "postgresql": ("{table}_append_only",),
    "sqlite": ("{table}_no_update", "{table}_no_delete"),
}


def missing_guards(tables: Iterable[str]) -> list[str]:
    """Triggers that should refuse UPDATE/DELETE but are absent (a table rebuilt by a later migration on
    SQLite drops its triggers)."""
    names = [name.format(table=table) for table in tables for name in GUARD_TRIGGERS[connection.vendor]]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        present = {name for (name,) in cursor.fetchall()}
    return [name for name in names if name not in present]


# The hash-chained tables, registered by the apps that own them (AppConfig.ready): core's AuditEvent and
# projects' Event. A registry, so that core never imports the apps above it.
CHAINS: list[tuple[type[models.Model], tuple[str, ...]]] = []


def register_chain(model: type[models.Model], fields: tuple[str, ...]) -> None:
    if all(registered is not model for registered, _ in CHAINS):
        CHAINS.append((model, fields))


def verify() -> list[Problem]:
    """Every registered chain and its guards; empty when the trail is whole."""
    problems: list[Problem] = []
    for model, fields in CHAINS:
        problems += verify_table(model, fields)
    tables = [model._meta.db_table for model, _ in CHAINS]
    problems += [
        Problem(name, 0, "unguarded", f"trigger {name} is missing") for name in missing_guards(tables)
    ]
    return problems


# --- the database guard: written by migrations (core 0002, projects 0003) -------------------------------

# SQLite's test flush (TransactionTestCase) deletes every row with DELETE, which the trigger would refuse.
# The flush is let through only while this table, which is not a Django model (so no flush empties it),
# holds a row; only the test suite's teardown hook (conftest.py) puts one there, for the flush, and removes
# it after. On PostgreSQL the flush uses TRUNCATE, which fires no row trigger: nothing to let through.
SQLITE_FLUSH_PERMIT = "govpm_audit_flush_permit"

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION govpm_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit trail % is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
"""


def guard_sql(vendor: str, table: str) -> list[str]:
    """The triggers refusing UPDATE and DELETE on one event table."""
    if vendor == "postgresql":
        return [
            PG_FUNCTION,
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION govpm_audit_append_only();",
        ]
    if vendor == "sqlite":
        return [
            f"CREATE TABLE IF NOT EXISTS {SQLITE_FLUSH_PERMIT} (permit INTEGER NOT NULL);",
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, 'audit trail {table} is append-only: UPDATE refused'); END;",
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
            f"WHEN NOT EXISTS (SELECT 1 FROM {SQLITE_FLUSH_PERMIT}) "
            f"BEGIN SELECT RAISE(ABORT, 'audit trail {table} is append-only: DELETE refused'); END;",
        ]
    raise NotImplementedError(f"no audit guard for {vendor}")


def unguard_sql(vendor: str, table: str) -> list[str]:
    if vendor == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};"]
    return [f"DROP TRIGGER IF EXISTS {table}_no_update;", f"DROP TRIGGER IF EXISTS {table}_no_delete;"]


def guard(table: str):
    """A migration operation adding the guard to `table`, for the database it runs on."""
    from django.db import migrations

    def forwards(apps, schema_editor):
        for statement in guard_sql(schema_editor.connection.vendor, table):
            schema_editor.execute(statement, params=None)

    def backwards(apps, schema_editor):
        for statement in unguard_sql(schema_editor.connection.vendor, table):
            schema_editor.execute(statement, params=None)

    return migrations.RunPython(forwards, backwards)
