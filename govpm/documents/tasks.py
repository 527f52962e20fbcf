"""The periodic passes on the job engine (Celery beat schedules them: config/celery.py).

Each pass is idempotent and may run on any worker, on any machine, any number of times: the deadline
pass locks the open clocks and writes reminders under the notices' (recipient, occasion) index; PDFs
are keyed by their content hash. This module sits in documents because it runs documents' jobs and
projects' (the layer above both).
"""

from __future__ import annotations

from celery import shared_task

from govpm.materials import preview
from govpm.materials.management.commands.verify_materials import check as check_material
from govpm.materials.models import Material
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


@shared_task(name="periodic.convert_previews", ignore_result=True)
def convert_previews(limit: int = 20) -> list[int]:
    """MAT-03: DOCX and XLSX materials get their preview PDF made here, in the background, a batch at a
    time; the preview page converts on first request only when this job has not reached a file yet."""
    done: list[int] = []
    for material in Material.objects.filter(detected_type__in=preview.CONVERTED).order_by("-id"):
        if len(done) >= limit:
            break
        if preview.cached_preview(material) is None:
            preview.convert_for_preview(material.pk)
            done.append(material.pk)
    record_pass("convert_previews")
    return done


@shared_task(name="periodic.verify_materials", ignore_result=True)
def verify_materials() -> list[int]:
    """File verification of the material store (MAT-02): the ids whose bytes are missing or altered."""
    broken = [m.pk for m in Material.objects.order_by("pk").iterator(chunk_size=500) if check_material(m)]
    record_pass("verify_materials")
    return broken


# What `run_worker --once` and the demo run inline, in this order. Preview conversion and the material
# check run on the worker's schedule only: a demo start should not wait for LibreOffice.
PERIODIC = [deadline_pass, warm_pdf_cache, verify_documents]
