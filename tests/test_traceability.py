"""The code against the spec: every requirement ID has a test, the docs are current, the state machine is the spec's.
The spec is the repository's copy in spec/ (issue 8 item 7: the tests need nothing outside the repository)."""

import re
import subprocess
import sys
from pathlib import Path

from govpm.projects.stages import ACTIONS, Stage

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "spec" / "lifecycle.md"


def test_every_requirement_id_of_the_spec_has_a_test_and_docs_requirements_md_is_current():
    result = subprocess.run(
        [sys.executable, "scripts/requirements_doc.py", "--check"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_docs_lifecycle_md_is_generated_from_the_code():
    result = subprocess.run(
        [sys.executable, "scripts/lifecycle_doc.py", "--check"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, "docs/lifecycle.md is stale: run python scripts/lifecycle_doc.py"


def _table(text: str, header: str) -> list[list[str]]:
    """The rows of the markdown table whose header line starts with `header`."""
    lines = text[text.index(header) :].splitlines()[2:]
    rows = []
    for line in lines:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows


def _spec_tables():
    text = SPEC.read_text(encoding="utf-8")
    stages = [row[0] for row in _table(text, "| stage | 中文 | entered by |")]
    actions = {row[0]: (row[1], row[2]) for row in _table(text, "| action | who | from → to |")}
    return stages, actions


# What spec/additions-2026-12.md adds to lifecycle.md's tables (issue 9): its stages, its actions, and the
# actions whose targets it widens.
ADDED_STAGES = {"out_of_scope", "merged"}  # SCOPE-05: 不属于受理范围; PLAN-07: 已合并
ADDED_ACTIONS = {
    "draw_experts",  # COORD-07
    "record_estimate_review",  # COORD-08
    "record_external_filing",  # IMPL-10: smart_office records the 备案 of an external acceptance
    "plan_implementation",  # SUPV-06: the planned implementation period
    "grant_exemption",  # ORG-04: the leading group's special case
    "apply_estimate_change",  # IMPL-08
    "decide_estimate_change",  # IMPL-08
    "set_payment_schedule",  # SUPV-05
    "record_settlement",  # SUPV-05
    "record_supervision",  # IMPL-07
}
# IMPL-10 moves the external acceptance to the owner, from implementation to the 备案 smart_office records.
CHANGED_TARGETS = {"file_external_acceptance": {"final_acceptance"}}
WIDENED_TARGETS = {
    "submit": {"out_of_scope"},  # SCOPE-05
    "reopen": {"rejected"},  # SCOPE-05: accepted into scope, a need still meets its 不予受理 findings
}


def test_stages_and_actions_are_the_specs():
    stages, actions = _spec_tables()
    assert set(stages) | ADDED_STAGES == set(Stage.values)
    assert set(actions) <= set(ACTIONS)
    # amending a returned need (the spec's "return" implies it) and reminding late reviewers (COORD-02's 召集)
    assert set(ACTIONS) - set(actions) == {"update", "remind_reviewers"} | ADDED_ACTIONS


def test_each_actions_target_stages_are_the_specs():
    _, actions = _spec_tables()
    for name, (_, move) in actions.items():
        right = move.split("→")[-1] if "→" in move else "no change"
        expected = (
            set() if "no change" in right else {s for s in re.findall(r"[a-z_]+", right) if s in Stage.values}
        )
        expected = CHANGED_TARGETS.get(name, expected)
        assert set(ACTIONS[name].targets) == expected | WIDENED_TARGETS.get(name, set()), name


def _requirements_doc():
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import requirements_doc
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    return requirements_doc


def test_the_check_reads_all_three_spec_pages_and_only_landed_additions_issue_8_item_7(monkeypatch):
    """Issue 8 item 7: lifecycle.md and targets.md are checked in full; an ID that only
    additions-2026-12.md names enters the check once it is listed as landed, and not before."""
    doc = _requirements_doc()
    new_ids = [
        r
        for r in doc.ids_of(doc.SPEC, "additions-2026-12.md")
        if r not in doc.ids_of(doc.SPEC, "lifecycle.md")
    ]
    new_ids = [r for r in new_ids if r not in doc.ids_of(doc.SPEC, "targets.md")]
    assert "DOC-01" in new_ids
    assert doc.ids_of(doc.SPEC, "lifecycle.md")[0] in doc.spec_ids()["lifecycle.md"]
    assert set(doc.spec_ids().get("additions-2026-12.md", [])) == set(new_ids) & doc.LANDED_ADDITIONS
    monkeypatch.setattr(doc, "LANDED_ADDITIONS", doc.LANDED_ADDITIONS | {"DOC-01"})
    assert "DOC-01" in doc.spec_ids()["additions-2026-12.md"]
    monkeypatch.setattr(doc, "LANDED_ADDITIONS", frozenset({"XYZ-01"}))
    try:
        doc.spec_ids()
    except SystemExit as refused:
        assert "XYZ-01" in str(refused)
    else:
        raise AssertionError("an unknown landed ID must be refused")
