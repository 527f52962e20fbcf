"""Backup and restore (issue 13, item 9): the README's scripts dump the PostgreSQL database and the media
store, restore them into a scratch database, and `check_restore` confirms the copy — then finds a row
deleted from it and a document whose bytes were changed."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection

from govpm.projects.models import Decision, IssuedDocument
from govpm.projects.scenarios import advance
from tests.factories import draft, make_cast

REPO = Path(__file__).resolve().parents[3]
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _url(name: str) -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER'] or 'postgres'}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


def _env(database: str, media: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        DATABASE_URL=_url(database),
        MEDIA_ROOT=str(media),
        DJANGO_SETTINGS_MODULE="config.settings.local",
        PATH=f"{Path(sys.executable).parent}:{env.get('PATH', '')}",
    )
    return env


def _run(args, env, cwd=REPO):
    return subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True, timeout=300)


@pytest.fixture
def scratch():
    name = f"restore_{uuid.uuid4().hex[:10]}"
    yield name
    subprocess.run(["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", name], check=False)


def test_dump_and_restore_into_a_scratch_database_is_checked_whole(tmp_path, scratch, settings):
    # given a live database with issued documents and a media store with a file in it
    cast = make_cast()
    advance(draft(cast.owner), cast, to="approval")
    assert IssuedDocument.objects.exists()
    media = tmp_path / "media"
    (media / "pdf").mkdir(parents=True)
    (media / "pdf" / "cached.pdf").write_bytes(b"%PDF-1.7 cached copy")
    live = connection.settings_dict["NAME"]
    backup = tmp_path / "backup"

    # when the backup script runs, and the restore script restores it into an empty scratch database
    done = _run(["bash", "scripts/backup.sh", str(backup)], _env(live, media))
    assert done.returncode == 0, done.stderr
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["rows"]["projects_project"] == 1
    assert manifest["documents"] and manifest["media"] == {
        "pdf/cached.pdf": manifest["media"]["pdf/cached.pdf"]
    }
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", scratch], check=True)
    restored_media = tmp_path / "restored-media"
    restored = _run(["bash", "scripts/restore.sh", str(backup)], _env(scratch, restored_media))

    # then the restored copy matches the manifest
    assert restored.returncode == 0, restored.stderr
    assert "restored copy matches" in restored.stdout
    assert (restored_media / "pdf" / "cached.pdf").read_bytes() == b"%PDF-1.7 cached copy"

    # and when a row goes missing and a document's bytes change in the copy, the check says so
    decision_id = Decision.objects.values_list("pk", flat=True).first()
    number = IssuedDocument.objects.values_list("number", flat=True).first()
    psql = ["psql", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-U", "postgres", "-d", scratch, "-c"]
    subprocess.run(psql + [f"DELETE FROM projects_decision WHERE id = {decision_id}"], check=True)
    subprocess.run(
        psql
        + [
            "UPDATE documents_documentfile SET docx = docx || '\\x00'::bytea "
            f"WHERE document_id = (SELECT id FROM projects_issueddocument WHERE number = '{number}')"
        ],
        check=True,
    )
    (restored_media / "pdf" / "cached.pdf").write_bytes(b"tampered")
    checked = _run(
        [sys.executable, "manage.py", "check_restore", str(backup / "manifest.json")],
        _env(scratch, restored_media),
    )
    assert checked.returncode != 0
    assert "table projects_decision:" in checked.stderr
    assert f"document {number}: bytes changed" in checked.stderr
    assert "media pdf/cached.pdf: content changed" in checked.stderr
