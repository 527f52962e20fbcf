"""One attempt at one delivery: claim, send, record — in one transaction (NOTE-03).

The claim is `SELECT … FOR UPDATE SKIP LOCKED` on a pending row whose time has come: two workers
handed the same id never both send (the second skips the locked row, then finds it sent). The outcome
is written before the transaction commits, so a sent row is never claimed again. A crash between the
channel's acceptance and the commit leaves the row pending; the retry then carries the same
idempotency key, which 浙政钉 (bizMsgId) and mail clients (Message-ID) use to drop the copy.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from govpm.core import clock

from .channels import ADAPTERS, ChannelError
from .models import Delivery


@dataclass(frozen=True)
class Outcome:
    delivery_id: int
    status: str
    attempts: int
    retry_in: float | None  # seconds until the next attempt, None when sent or given up


def backoff(attempts: int) -> float:
    """Exponential: base, 2×base, 4×base… after the 1st, 2nd, 3rd failure, capped."""
    base = float(getattr(settings, "NOTICES_RETRY_BASE_SECONDS", 30))
    cap = float(getattr(settings, "NOTICES_RETRY_MAX_SECONDS", 3600))
    return min(cap, base * 2 ** (attempts - 1))


def attempt(delivery_id: int) -> Outcome | None:
    """Tries one due delivery; None when it is not due, already sent or given up, or another worker
    holds it right now."""
    limit = int(getattr(settings, "NOTICES_MAX_ATTEMPTS", 5))
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("notice__recipient__channel_account", "notice__project")
            .filter(pk=delivery_id, status=Delivery.Status.PENDING, next_attempt_at__lte=clock.now())
            .first()
        )
        if delivery is None:
            return None
        delivery.attempts += 1
        retry_in = None
        try:
            ADAPTERS[delivery.channel](delivery)
        except Exception as error:  # a channel's refusal, or anything else: recorded, retried, given up
            text = str(error) if isinstance(error, ChannelError) else f"{type(error).__name__}: {error}"
            delivery.last_error = text[:2000]
            if delivery.attempts >= limit:
                delivery.status = Delivery.Status.FAILED
            else:
                retry_in = backoff(delivery.attempts)
                delivery.next_attempt_at = clock.now() + dt.timedelta(seconds=retry_in)
        else:
            delivery.status, delivery.sent_at, delivery.last_error = Delivery.Status.SENT, clock.now(), ""
        delivery.save(update_fields=["attempts", "status", "last_error", "next_attempt_at", "sent_at"])
    return Outcome(delivery.pk, delivery.status, delivery.attempts, retry_in)


def due_ids(limit: int = 500) -> list[int]:
    """Pending deliveries whose time has come (the sweep re-queues them: a lost message or an inline
    run without a broker still gets its retries)."""
    return list(
        Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=clock.now())
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
