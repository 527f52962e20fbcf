"""The periodic passes on the job engine (Celery beat schedules them: config/celery.py).

Each pass is idempotent and may run on any worker, on any machine, any number of times: the deadline
pass locks the open clocks and writes reminders under the notices' (recipient, occasion) index; PDFs
are keyed by their content hash. This module sits in documents because it runs documents' jobs and
projects' (the layer above both).
"""

from __future__ import annotations

from celery import shared_task

from govpm.notices.health import record_pass
from govpm.projects.lifecycle import process_deadlines, remind_stale_reviews
from govpm.projects.models import IssuedDocument

from . import issuing


@shared_task(name="periodic.deadline_pass", ignore_result=True)
def deadline_pass() -> str:
    """Overdue marks, lifted bars, reminders and escalations (TIME-01..04, NOTE-02)."""
    report = process_deadlines()
    stale = remind_stale_reviews()
    record_pass("deadline_pass")
    return (
        f"overdue={report.overdue} reminders={report.reminders} lifted={report.lifted} stale_reviews={stale}"
    )


@shared_task(name="periodic.warm_pdf_cache", ignore_result=True)
def warm_pdf_cache() -> int:
    done = issuing.warm_pdf_cache()
    record_pass("warm_pdf_cache")
    return done


@shared_task(name="periodic.verify_documents", ignore_result=True)
def verify_documents(limit: int = 200) -> list[str]:
    """File verification: the kept bytes of recent documents still match their SHA-256."""
    broken = [
        document.number
        for document in IssuedDocument.objects.exclude(sha256="").order_by("-id")[:limit]
        if not issuing.verify(document)
    ]
    record_pass("verify_documents")
    return broken


# What `run_worker --once` and the demo run inline, in this order.
PERIODIC = [deadline_pass, warm_pdf_cache, verify_documents]
