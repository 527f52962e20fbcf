"""The standards' own validators, run offline against the schema files shipped in
govpm/documents/schemas (see its README for where each file comes from).

OCDS: libcoveocds in this environment, with the standard given as an in-memory zip laid out like the
standard's repository. OC4IDS: libcoveoc4ids needs libcoveocds < 0.17, so it lives in its own venv
(.venv-oc4ids, made by scripts/oc4ids-venv.sh) and runs as a subprocess (oc4ids_check.py)."""

from __future__ import annotations

import io
import json
import subprocess
import zipfile
from pathlib import Path

from django.conf import settings

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"
OCDS_STANDARD = SCHEMAS / "ocds" / "1__1__5"
OC4IDS_SCHEMA = SCHEMAS / "oc4ids" / "0__9__0__beta"
ROOT = Path(settings.BASE_DIR)
OC4IDS_VENV = ROOT / ".venv-oc4ids"
OC4IDS_SCRIPT = ROOT / "scripts" / "oc4ids-venv.sh"
EMPTY_RESULTS = [
    "validation_errors",
    "conformance_errors",
    "additional_closed_codelist_values",
    "additional_checks",
    "additional_fields",
]


def standard_zip() -> bytes:
    """The standard as ocdsextensionregistry expects its GitHub archive: a top folder, then schema/."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("standard-1__1__5/", "")
        for path in sorted(OCDS_STANDARD.rglob("*")):
            if path.is_file():
                archive.write(path, f"standard-1__1__5/{path.relative_to(OCDS_STANDARD).as_posix()}")
    return out.getvalue()


def validate_ocds(package: dict) -> dict:
    from libcoveocds.api import ocds_json_output
    from libcoveocds.config import LibCoveOCDSConfig

    config = LibCoveOCDSConfig({"standard_zip": standard_zip(), "context": "api"})
    # A round trip through JSON: the validator sees exactly what the endpoint serves.
    return ocds_json_output("", json_data=json.loads(json.dumps(package)), lib_cove_ocds_config=config)


def problems(result: dict) -> dict:
    """The result's lists that must be empty, with what is in them."""
    found = {key: result.get(key) for key in EMPTY_RESULTS if result.get(key)}
    if result.get("json_deref_error"):
        found["json_deref_error"] = result["json_deref_error"]
    return found


def ensure_oc4ids_venv() -> Path:
    python = OC4IDS_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run(["bash", str(OC4IDS_SCRIPT)], check=True, cwd=ROOT, timeout=600)
    return python


def validate_oc4ids(package: dict) -> dict:
    python = ensure_oc4ids_venv()
    completed = subprocess.run(
        [str(python), str(Path(__file__).with_name("oc4ids_check.py")), str(OC4IDS_SCHEMA)],
        input=json.dumps(package, ensure_ascii=False).encode("utf-8"),
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr.decode("utf-8", "replace")[-3000:]
    return json.loads(completed.stdout)
