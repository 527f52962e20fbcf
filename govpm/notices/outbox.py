"""Writing notices inside the caller's transaction, and queueing their deliveries for after commit.

`write()` must run inside the transaction of the change (the lifecycle's `transition()`, the deadline
pass): a refused or rolled-back change leaves no notice, and `transaction.on_commit` only queues the
deliveries of committed notices. With an occasion key the insert is `ON CONFLICT DO NOTHING` against
the (recipient, occasion) index, so concurrent passes and re-runs write each reminder once.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction

from govpm.accounts.models import User
from govpm.core import clock

from . import channels
from .models import ChannelAccount, Delivery, Notice
from .rules import Change, Draft, drafts_for


def notify_change(change: Change) -> list[Notice]:
    """The lifecycle's one call (transition(), before the audit event): the action's notices."""
    return write(change.project, change.action, drafts_for(change), exclude=change.actor)


def write(
    project, action: str, drafts: Iterable[Draft], *, occasion: str = "", exclude: User | None = None
) -> list[Notice]:
    """One notice per recipient per draft (a user named by two drafts gets each), then the deliveries."""
    return write_each(action, ((project, draft) for draft in drafts), occasion=occasion, exclude=exclude)


def write_each(
    action: str, drafts: Iterable[tuple[Any, Draft]], *, occasion: str = "", exclude: User | None = None
) -> list[Notice]:
    """As `write`, for drafts about several projects (or none: `None`) at once — one INSERT for all."""
    rows: list[Notice] = []
    for project, draft in drafts:
        recipients = draft.recipients
        if exclude is not None:
            recipients = [user for user in recipients if user.pk != exclude.pk]
        seen: set[int] = set()
        for user in recipients:
            if user.pk in seen:
                continue
            seen.add(user.pk)
            rows.append(
                Notice(
                    recipient=user,
                    project=project,
                    kind=draft.kind,
                    action=action,
                    text=draft.text,
                    link=draft.link,
                    due_on=draft.due_on,
                    occasion=occasion,
                )
            )
    if not rows:
        return []
    if occasion:
        # Rows another worker (or an earlier run) wrote are skipped, not duplicated; read back the ones
        # that stand, so deliveries are (idempotently) ensured for them too.
        # Rows an earlier run wrote are left out; rows a concurrent worker writes meanwhile are skipped by
        # the index. What is read back is then at most this occasion's rows (their deliveries are ensured
        # idempotently), and it is what the caller counts as sent.
        told = set(
            Notice.objects.filter(
                occasion=occasion, recipient_id__in=[n.recipient_id for n in rows]
            ).values_list("recipient_id", flat=True)
        )
        rows = [n for n in rows if n.recipient_id not in told]
        if not rows:
            return []
        Notice.objects.bulk_create(rows, ignore_conflicts=True)
        notices = list(
            Notice.objects.filter(occasion=occasion, recipient_id__in=[n.recipient_id for n in rows])
        )
    else:
        notices = Notice.objects.bulk_create(rows)
    _plan_deliveries(notices)
    return notices


def _plan_deliveries(notices: list[Notice]) -> None:
    """A pending Delivery per outside channel each recipient chose and the platform has configured."""
    enabled = channels.enabled()
    if not enabled:
        return
    accounts = {
        account.user_id: account
        for account in ChannelAccount.objects.filter(user_id__in={n.recipient_id for n in notices})
    }
    now = clock.now()
    planned = [
        Delivery(
            notice=notice,
            channel=channel,
            idempotency_key=uuid.uuid4().hex,
            next_attempt_at=now,
        )
        for notice in notices
        for channel in channels.chosen(accounts.get(notice.recipient_id), enabled)
    ]
    if not planned:
        return
    Delivery.objects.bulk_create(planned, ignore_conflicts=True)
    ids = list(
        Delivery.objects.filter(notice__in=notices, status=Delivery.Status.PENDING).values_list(
            "pk", flat=True
        )
    )
    transaction.on_commit(lambda: enqueue(ids))


def enqueue(delivery_ids: list[int]) -> None:
    """Hands each delivery to the job engine (inline when no broker is configured)."""
    from .tasks import deliver  # the Celery task module imports this one

    for delivery_id in delivery_ids:
        deliver.delay(delivery_id)


def max_attempts() -> int:
    return int(getattr(settings, "NOTICES_MAX_ATTEMPTS", 5))
