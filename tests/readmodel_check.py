"""The read model's one promise (ADR 0402): the stored snapshot of a project equals the full read of its
records — the detail, the list row and the waiting steps — and the API's documented serializers say the
same."""

from __future__ import annotations

import json

from rest_framework.renderers import JSONRenderer

from govpm.projects import readmodel, worklist
from govpm.projects.api.outputs import ProjectDetail, ProjectListItem
from govpm.projects.models import ProjectSnapshot


def _json(value) -> dict:
    return json.loads(JSONRenderer().render(value))


def full_reads(project_id: int) -> tuple[dict, dict, dict, list]:
    """(detail_body, ProjectDetail without available_actions, ProjectListItem, the waiting steps) from the
    records now."""
    [project] = readmodel.load([project_id])
    documented = _json(ProjectDetail(project, context={}).data)
    assert documented.pop("available_actions") == []
    steps = json.loads(json.dumps(worklist.steps(project)))
    return _json(readmodel.detail_body(project)), documented, _json(ProjectListItem(project).data), steps


def assert_snapshot_current(project_id: int, context: str = "") -> None:
    """The stored snapshot, as it is (no read-side rebuild), equals the full read, field by field."""
    stored = ProjectSnapshot.objects.filter(pk=project_id).first()
    assert stored is not None, f"project {project_id} has no snapshot {context}"
    body, documented, row, steps = full_reads(project_id)
    snapshot = json.loads(stored.body)
    assert snapshot == body, (context, _differences(snapshot, body))
    assert body == documented, (context, _differences(body, documented))
    assert json.loads(stored.row) == row, context
    assert json.loads(stored.work) == steps, (context, json.loads(stored.work), steps)


def _differences(left: dict, right: dict) -> dict:
    keys = set(left) | set(right)
    return {key: (left.get(key), right.get(key)) for key in sorted(keys) if left.get(key) != right.get(key)}
