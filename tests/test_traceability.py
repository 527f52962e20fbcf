"""The code against the spec: every requirement ID has a test, the docs are current, the state machine is the spec's."""

import re
import subprocess
import sys
from pathlib import Path

from govpm.projects.stages import ACTIONS, Stage

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT.parent / "shared" / "spec" / "lifecycle.md"


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


def test_stages_and_actions_are_the_specs():
    stages, actions = _spec_tables()
    assert set(stages) == set(Stage.values)
    assert set(actions) <= set(ACTIONS)
    # amending a returned need (the spec's "return" implies it) and reminding late reviewers (COORD-02's 召集)
    assert set(ACTIONS) - set(actions) == {"update", "remind_reviewers"}


def test_each_actions_target_stages_are_the_specs():
    _, actions = _spec_tables()
    for name, (_, move) in actions.items():
        right = move.split("→")[-1] if "→" in move else "no change"
        expected = (
            set() if "no change" in right else {s for s in re.findall(r"[a-z_]+", right) if s in Stage.values}
        )
        assert set(ACTIONS[name].targets) == expected, name
