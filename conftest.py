"""Suite-wide hooks. The one here lets SQLite's test flush empty the append-only audit tables.

A transactional test (django_db(transaction=True), live_server) is cleaned up by Django flushing every
table. On PostgreSQL that is TRUNCATE, which fires no row trigger. On SQLite it is DELETE, which the audit
trail's triggers refuse unless the permit table (govpm.core.audit.SQLITE_FLUSH_PERMIT, not a model, so the
flush leaves it alone) holds a row. The permit is put there just before the test's teardown flushes and taken
away right after, so no test body ever runs with it."""

from __future__ import annotations

import pytest


def _flushed_on_sqlite(item) -> bool:
    from django.db import connection

    marker = item.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction", False)) or bool(
        {"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ()))
    )
    return transactional and connection.vendor == "sqlite"


def _permit(item, allowed: bool) -> None:
    from django.db import connection
    from pytest_django.plugin import blocking_manager_key

    from govpm.core.audit import SQLITE_FLUSH_PERMIT

    with item.config.stash[blocking_manager_key].unblock(), connection.cursor() as cursor:
        if allowed:
            cursor.execute(f"INSERT INTO {SQLITE_FLUSH_PERMIT} (permit) VALUES (1)")
        else:
            cursor.execute(f"DELETE FROM {SQLITE_FLUSH_PERMIT}")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    flushed = _flushed_on_sqlite(item)
    if flushed:
        _permit(item, True)
    try:
        return (yield)
    finally:
        if flushed:
            _take_back(item, nextitem)


def _take_back(item, nextitem) -> None:
    """The permit goes; after the suite's last test the test database itself may be gone already (its
    session fixture is finalised in that test's teardown), and the permit with it."""
    from django.db.utils import OperationalError

    try:
        _permit(item, False)
    except OperationalError:
        if nextitem is not None:
            raise
