#!/usr/bin/env python
"""Generates docs/lifecycle.md (the stage diagram and transition table) from govpm/projects/stages.py."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
OUTPUT = ROOT / "docs" / "lifecycle.md"


def render() -> str:
    import django

    django.setup()
    from govpm.accounts.roles import Role
    from govpm.projects.stages import ACTIONS, Stage

    lines = [
        "# The lifecycle as the code runs it",
        "",
        "Generated from `govpm/projects/stages.py` by `scripts/lifecycle_doc.py`; a test keeps it current and "
        "checks the table against `spec/lifecycle.md`.",
        "",
        "```mermaid",
        "stateDiagram-v2",
    ]
    for spec in ACTIONS.values():
        if len(spec.sources) > 3:
            continue  # withdraw/terminate/precheck from many stages: in the table below
        for source in sorted(spec.sources):
            for target in spec.targets:
                lines.append(f"    {source} --> {target}: {spec.code}")
    lines += ["```", "", "## Stages", "", "| code | 中文 |", "|---|---|"]
    lines += [f"| {stage.value} | {stage.label} |" for stage in Stage]
    lines += [
        "",
        "## Actions",
        "",
        "| action | 中文 | who | from | to | rules | confirm |",
        "|---|---|---|---|---|---|---|",
    ]
    for spec in ACTIONS.values():
        who = "、".join(Role(role).label for role in sorted(spec.roles))
        sources = "any open stage" if len(spec.sources) > 8 else ", ".join(sorted(spec.sources))
        targets = ", ".join(spec.targets) or "no change"
        lines.append(
            f"| {spec.code} | {spec.label} | {who} | {sources} | {targets} | {', '.join(spec.rules) or '—'} | "
            f"{'yes' if spec.irreversible else ''} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    text = render()
    if "--check" in sys.argv:
        sys.exit(0 if OUTPUT.exists() and OUTPUT.read_text(encoding="utf-8") == text else 1)
    OUTPUT.write_text(text, encoding="utf-8")
