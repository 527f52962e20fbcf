"""Row locks in one order, and what happens when the database still breaks a tie.

The order (issue 13 item 4): project rows first, ascending id, in one statement; then the rows that hang
off them (deadlines, review tasks, document sequences), never the other way round. Two transactions that
both follow it can wait for each other but never in a cycle. Only the project row itself is locked
(`of=("self",)`): a join to the owner unit must not lock the unit, or every action of one unit would
queue behind every other.

PostgreSQL may still abort a transaction with a deadlock or a serialization failure (a path that does not
follow the order yet, or a stricter isolation level). `transition` turns that into `LockConflict`, a 409;
`retry_once` re-runs the whole action once before letting the 409 through.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import ParamSpec, TypeVar

from django.db import DatabaseError, connection

from govpm.core.errors import Conflict

from ..models import Project

# SQLSTATE codes of the two failures a retry can cure: deadlock_detected, serialization_failure.
RETRYABLE = {"40P01", "40001"}

P = ParamSpec("P")
R = TypeVar("R")


class LockConflict(Conflict):
    """PostgreSQL aborted the transaction to break a lock cycle; nothing of it was saved."""

    code = "lock_conflict"

    def __init__(self) -> None:
        super().__init__("该项目正被其他操作同时修改，本次操作未保存，请稍后重试")


def is_lock_conflict(error: BaseException) -> bool:
    """A deadlock or serialization failure, as Django wraps it (OperationalError around psycopg's)."""
    cause = error.__cause__
    return isinstance(error, DatabaseError) and getattr(cause, "sqlstate", None) in RETRYABLE


def lock_projects(ids: Iterable[int]) -> dict[int, Project]:
    """Locks the projects in ascending id order, in one statement, and returns them by id (ids that do
    not exist are absent). Only the project rows are locked; the owner unit and the stored snapshot (ADR
    0402: only a holder of this lock writes it, so it is current while the lock is held) are read along,
    unlocked."""
    wanted = sorted(set(ids))
    projects = (
        Project.objects.select_for_update(of=("self",))
        .select_related("owner_unit", "snapshot")
        .filter(pk__in=wanted)
        .order_by("pk")
    )
    return {project.pk: project for project in projects}


def converted(action: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """Runs the action; a deadlock or serialization failure that escapes it becomes `LockConflict`."""
    try:
        return action(*args, **kwargs)
    except DatabaseError as error:
        if is_lock_conflict(error):
            raise LockConflict() from error
        raise


def retry_once(action: Callable[P, R]) -> Callable[P, R]:
    """Runs a lifecycle action; if PostgreSQL broke a lock cycle, runs the whole transaction once more,
    then gives up with `LockConflict` (409). Inside an outer transaction there is nothing to retry: the
    outer one is already aborted, so the conflict goes straight up."""

    @functools.wraps(action)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return converted(action, *args, **kwargs)
        except LockConflict:
            if connection.in_atomic_block:
                raise
        return converted(action, *args, **kwargs)

    return run
