"""MAT-01 as preconditions of the stage table: an action whose required materials are not all there is
refused with MAT-01 and the missing materials' names, and shown disabled with the same words."""

from __future__ import annotations

from django.conf import settings

from govpm.projects.stages import Precondition

from . import catalog


def present_kinds(project) -> set[str]:
    # Reads the prefetched `materials` when the page prefetched them, else one query (under the row lock
    # in the lifecycle).
    return {material.kind for material in project.materials.all()}


def missing_for(action: str, project) -> list[catalog.MaterialKind]:
    if not settings.GOVPM_MATERIALS_REQUIRED:
        return []
    have = present_kinds(project)
    return [kind for kind in catalog.required_of(action, project) if kind.code not in have]


def precondition_for(action: str) -> Precondition:
    return Precondition(
        f"materials_{action}",
        "MAT-01",
        lambda p: "缺少材料：" + "、".join(kind.name for kind in missing_for(action, p)),
        lambda p: not missing_for(action, p),
    )
