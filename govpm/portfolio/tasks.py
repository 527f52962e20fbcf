"""The portfolio's periodic job (Celery beat schedules it: config/settings CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import shared_task

from govpm.notices.health import record_pass

from . import summary


@shared_task(name="periodic.portfolio_summary", ignore_result=True)
def portfolio_summary() -> str:
    """Rebuild the dashboard's and the statistics' summary tables (ADR 0302)."""
    done = summary.refresh()
    record_pass("portfolio_summary")
    return f"projects={done.projects} seconds={done.seconds}"
