"""发文字号: one sequence per issuing unit and year, e.g. 衢智办〔2026〕12号. A number, once taken,
is never handed out again, even if the transaction that took it later issues a correction."""

from __future__ import annotations

from django.db import transaction

from govpm.accounts.models import Unit
from govpm.projects.models import DocumentSequence


def format_number(prefix: str, year: int, serial: int) -> str:
    return f"{prefix}〔{year}〕{serial}号"


def next_number(issuer: Unit, year: int) -> str:
    with transaction.atomic():
        DocumentSequence.objects.get_or_create(issuer=issuer, year=year)
        # Locked so two documents issued at once by one unit never share a number.
        sequence = DocumentSequence.objects.select_for_update().get(issuer=issuer, year=year)
        sequence.last += 1
        sequence.save(update_fields=["last"])
    return format_number(issuer.doc_prefix or issuer.short_name, year, sequence.last)
