"""Writing indicators, targets and task tables to the database, shared by the curated loader, the gazette
importer and the spreadsheet import. Keyed on (document, name) and (document, code), so a second load
finds what the first created."""

from __future__ import annotations

from . import parsing
from .models import Document, Indicator, Target


def document(number: str, title: str = "") -> Document:
    found, created = Document.objects.get_or_create(number=number, defaults={"title": title or number})
    if not created and title and found.title != title:
        found.title = title
        found.save(update_fields=["title"])
    return found


def baseline_fields(raw: str, parsed: parsing.ParsedBaseline | None) -> dict:
    """The baseline columns of an Indicator: raw always, the number only when the cell was read."""
    if parsed is None:
        return {
            "baseline_raw": raw,
            "baseline_status": "",
            "baseline_value": None,
            "baseline_secondary": None,
        }
    return {
        "baseline_raw": raw,
        "baseline_status": parsed.status,
        "baseline_value": parsed.value,
        "baseline_secondary": parsed.secondary_value,
    }


def target_fields(parsed: parsing.ParsedTarget) -> dict:
    return {
        "raw_text": parsed.raw,
        "kind": parsed.kind,
        "operator": parsed.operator,
        "value": parsed.value,
        "value_high": parsed.value_high,
        "secondary_value": parsed.secondary_value,
        "base_year": parsed.base_year,
        "inclusive_note": parsed.inclusive_note,
    }


def replace_targets(indicator: Indicator, targets: dict[int, parsing.ParsedTarget]) -> None:
    """Make the indicator's targets exactly `targets` (reviewed data is authoritative)."""
    indicator.targets.exclude(year__in=list(targets)).delete()
    for year, parsed in targets.items():
        Target.objects.update_or_create(indicator=indicator, year=year, defaults=target_fields(parsed))
