"""Issue 8 items 4 and 5: the apps' layers are enforced by import-linter, the generic official-document
layout lives in govpm/officialdoc, projects issues documents without importing documents, and mypy
errors may not grow beyond the recorded baseline."""

import io
import subprocess
import sys
import tomllib
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from govpm.documents import issuing
from govpm.documents.compose import compose
from govpm.documents.models import DocumentFile
from govpm.officialdoc.render import render
from govpm.projects.lifecycle import records
from govpm.projects.models import IssuedDocument
from govpm.projects.scenarios import advance
from tests.factories import draft

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import mypy_check  # noqa: E402

sys.path.remove(str(ROOT / "scripts"))


def test_import_contracts_are_kept_issue_8_item_4():
    """`lint-imports` (run by make lint and make test) keeps every contract of pyproject.toml."""
    result = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports"))], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_the_layers_put_projects_below_documents_and_the_layout_below_both():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    layers = next(c for c in config["contracts"] if c["type"] == "layers")["layers"]
    level = {app.strip(): i for i, layer in enumerate(layers) for app in layer.split("|")}
    assert level["govpm.web"] == level["govpm.demo"] < level["govpm.documents"] == level["govpm.targets"]
    assert (
        level["govpm.documents"] < level["govpm.projects"] == level["govpm.officialdoc"] < level["govpm.core"]
    )
    # The lifecycle writes notices (issue 12), so notices sits alone between projects and accounts.
    assert level["govpm.projects"] < level["govpm.notices"] < level["govpm.accounts"]
    assert all(":" not in layer for layer in layers), "apps in one layer stay independent"


@pytest.mark.django_db
def test_the_lifecycle_issues_the_same_documents_through_the_registered_sealer_issue_8_item_4(
    cast, clock, monkeypatch
):
    """projects no longer imports documents: documents registers its sealer at start-up, and what the
    lifecycle issues is numbered, rendered by the generic layout from the records of that moment,
    hashed and kept, as before."""
    assert records._sealer is issuing.seal
    at_issue = {}

    def seal_and_render_again(document):
        issuing.seal(document)
        at_issue[document.pk] = render(compose(document), issued_on=document.issued_on)

    monkeypatch.setattr(records, "_sealer", seal_and_render_again)
    project = advance(
        draft(cast.owner, name="衢州市智慧医保服务平台"), cast, to="procurement", shift=clock.shift
    )
    documents = list(project.documents.order_by("id"))
    assert [d.kind for d in documents] == [
        IssuedDocument.Kind.CONSULTATION_OPINION,
        IssuedDocument.Kind.DESIGN_APPROVAL,
        IssuedDocument.Kind.PRICE_REVIEW,
    ]
    for document in documents:
        kept = bytes(DocumentFile.objects.get(document=document).docx)
        assert kept == at_issue[document.pk] and issuing.sha256(kept) == document.sha256
        assert issuing.verify(document)
        assert document.number.startswith(f"{document.issuer.doc_prefix or document.issuer.short_name}〔")
        assert document.number in zipfile.ZipFile(io.BytesIO(kept)).read("word/document.xml").decode()
    assert len({d.number for d in documents}) == len(documents)


@pytest.mark.django_db
def test_issuing_without_the_documents_app_refuses_and_issues_nothing(cast, clock, monkeypatch):
    project = draft(cast.owner, name="衢州市智慧医保服务平台")
    monkeypatch.setattr(records, "_sealer", None)
    with pytest.raises(ImproperlyConfigured):
        records.issue_document(project, kind="design_approval", issuer_code="bdb", body="")
    assert not IssuedDocument.objects.exists()


def test_mypy_check_refuses_any_error_in_the_strict_packages_issue_8_item_5():
    current = Counter({"govpm/projects/lifecycle/base.py": 1, "govpm/web/forms.py": 2})
    found = mypy_check.problems(current, Counter({"govpm/web/forms.py": 2}))
    assert found == [
        "govpm/projects/lifecycle/base.py: 1 error(s); " + ", ".join(mypy_check.STRICT) + " must have none"
    ]


def test_mypy_check_allows_the_baseline_and_refuses_growth_issue_8_item_5():
    baseline = mypy_check.read_baseline("# comment\ngovpm/web/forms.py 2\ngovpm/targets/api.py 1\n")
    assert mypy_check.problems(Counter({"govpm/web/forms.py": 2}), baseline) == []
    grown = mypy_check.problems(Counter({"govpm/web/forms.py": 3, "govpm/demo/loader.py": 1}), baseline)
    assert grown == [
        "govpm/demo/loader.py: 1 error(s), the baseline allows 0",
        "govpm/web/forms.py: 3 error(s), the baseline allows 2",
    ]


def test_mypy_check_counts_errors_per_file_and_not_notes():
    output = (
        "govpm/web/forms.py:10: error: Bad  [misc]\n"
        "govpm/web/forms.py:10: note: See\n"
        "govpm/web/forms.py:12:5: error: Worse  [misc]\n"
        "Found 2 errors in 1 file\n"
    )
    assert mypy_check.count_errors(output) == Counter({"govpm/web/forms.py": 2})


def test_the_recorded_baseline_lists_nothing_in_the_strict_packages():
    baseline = mypy_check.read_baseline(mypy_check.BASELINE.read_text(encoding="utf-8"))
    assert baseline and not [path for path in baseline if path.startswith(mypy_check.STRICT)]
