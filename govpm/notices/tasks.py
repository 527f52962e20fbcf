"""The notices' jobs on Celery: one delivery, and the sweep that re-queues due ones."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from . import delivery


@shared_task(name="notices.deliver", ignore_result=True, acks_late=True)
def deliver(delivery_id: int) -> str:
    """One attempt; on failure the next one is scheduled after the backoff (with a broker). Without one
    (inline mode) the sweep picks it up when its time has come."""
    outcome = delivery.attempt(delivery_id)
    if outcome is None:
        return "skipped"
    if outcome.retry_in is not None and not getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        deliver.apply_async((delivery_id,), countdown=outcome.retry_in)
    return outcome.status


@shared_task(name="notices.sweep", ignore_result=True)
def sweep() -> int:
    """Re-queues pending deliveries whose time has come; a claimed or sent one is skipped by attempt()."""
    ids = delivery.due_ids()
    for delivery_id in ids:
        deliver.delay(delivery_id)
    return len(ids)
