"""What a backup must bring back, and the check that a restored copy did.

A backup is `pg_dump` of the database plus a copy of the media store (README, "Backup and restore").
Beside them goes a manifest written from the live database at dump time: the row count of every table,
the SHA-256 of every issued document's bytes, and of every file in the media store. `check(manifest)` run
against the restored copy recomputes all of it from the restored rows and files and lists every
difference; the audit chain is verified from the restored events themselves.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection

from govpm.core import audit, clock

FORMAT = 1


def _tables() -> list[str]:
    """Every table of the platform's own and Django's models, in a stable order."""
    return sorted({model._meta.db_table for model in apps.get_models(include_auto_created=True)})


def row_counts() -> dict[str, int]:
    existing = set(connection.introspection.table_names())
    counts = {}
    with connection.cursor() as cursor:
        for table in _tables():
            if table in existing:
                cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
                counts[table] = cursor.fetchone()[0]
    return counts


def document_hashes() -> dict[str, str]:
    """发文字号 → SHA-256 of the DOCX bytes as stored (recomputed, not read from the hash column)."""
    from govpm.documents.models import DocumentFile

    return {
        number: hashlib.sha256(bytes(data)).hexdigest()
        for number, data in DocumentFile.objects.values_list("document__number", "docx").iterator()
    }


def media_hashes(root: Path | None = None) -> dict[str, str]:
    root = Path(root or settings.MEDIA_ROOT)
    if not root.is_dir():
        return {}
    hashes = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        hashes[path.relative_to(root).as_posix()] = digest.hexdigest()
    return hashes


def manifest() -> dict:
    return {
        "format": FORMAT,
        "written_at": clock.now().isoformat(),
        "database": connection.vendor,
        "rows": row_counts(),
        "documents": document_hashes(),
        "media": media_hashes(),
    }


def check(expected: dict) -> list[str]:
    """Every way the current database and media store differ from the manifest; empty when restored whole."""
    problems: list[str] = []
    if expected.get("format") != FORMAT:
        return [f"manifest format {expected.get('format')!r} is not {FORMAT}"]
    rows = row_counts()
    for table, count in sorted(expected["rows"].items()):
        if table not in rows:
            problems.append(f"table {table}: missing")
        elif rows[table] != count:
            problems.append(f"table {table}: {rows[table]} rows, expected {count}")
    documents = document_hashes()
    for number, digest in sorted(expected["documents"].items()):
        if number not in documents:
            problems.append(f"document {number}: missing")
        elif documents[number] != digest:
            problems.append(f"document {number}: bytes changed (sha256 {documents[number][:12]}…)")
    from govpm.documents.models import DocumentFile

    for number, stored in DocumentFile.objects.values_list("document__number", "document__sha256"):
        if documents.get(number) != stored:
            problems.append(f"document {number}: bytes do not match the hash recorded at issue")
    media = media_hashes()
    for name, digest in sorted(expected["media"].items()):
        if name not in media:
            problems.append(f"media {name}: missing")
        elif media[name] != digest:
            problems.append(f"media {name}: content changed")
    problems.extend(f"audit {p.table} #{p.event_id}: {p.kind}: {p.message}" for p in audit.verify())
    return problems
