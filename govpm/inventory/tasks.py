"""The inventory's periodic job (Celery beat schedules it: config/settings CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import shared_task

from govpm.notices.health import record_pass

from . import services


@shared_task(name="periodic.enroll_systems", ignore_result=True)
def enroll_systems() -> int:
    """INV-01: a project that reached operation enters the systems inventory (idempotent)."""
    enrolled = services.enroll_operating_projects()
    record_pass("enroll_systems")
    return len(enrolled)
