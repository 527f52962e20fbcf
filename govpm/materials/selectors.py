"""Reads of materials: who may see which file, the checklists per stage, the public ones."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet, prefetch_related_objects

from govpm.core.errors import NotFound
from govpm.projects.models import Project
from govpm.projects.selectors import public_projects, visible_projects
from govpm.projects.stages import ACTIONS

from . import catalog
from .models import Material


def prefetch(project: Project) -> Project:
    """Load the project's materials once, for the checklists, the MAT-01 preconditions and the forms."""
    prefetch_related_objects([project], "materials")
    return project


def latest_by_kind(materials) -> dict[str, Material]:
    """The newest version of each kind among these rows (prefetched or queried)."""
    latest: dict[str, Material] = {}
    for material in materials:
        if material.kind not in latest or material.version > latest[material.kind].version:
            latest[material.kind] = material
    return latest


@dataclass(frozen=True)
class ChecklistRow:
    kind: catalog.MaterialKind
    material: Material | None  # the newest version, or None: missing
    versions: int
    required: bool  # for this project (a claim's evidence is required once the claim is made)


@dataclass(frozen=True)
class Checklist:
    action: str
    label: str  # the action's name in the stage table
    rows: list[ChecklistRow]
    current: bool = False  # the action can be taken at the project's stage now

    @property
    def uploaded(self) -> int:
        return sum(1 for row in self.rows if row.material is not None)

    @property
    def missing(self) -> list[catalog.MaterialKind]:
        return [row.kind for row in self.rows if row.required and row.material is None]


def checklists(project: Project, *, actions: list[str] | None = None) -> list[Checklist]:
    """Per action that takes materials (in the stage table's order), what is there and what is missing.
    Reads `project.materials.all()`: prefetch it on pages that list."""
    materials = list(project.materials.all())
    latest = latest_by_kind(materials)
    counts: dict[str, int] = {}
    for material in materials:
        counts[material.kind] = counts.get(material.kind, 0) + 1
    wanted = actions if actions is not None else catalog.actions_with_materials()
    return [
        Checklist(
            action,
            ACTIONS[action].label,
            [
                ChecklistRow(
                    kind,
                    latest.get(kind.code),
                    counts.get(kind.code, 0),
                    catalog.is_required(kind, project),
                )
                for kind in catalog.kinds_for(action)
                if catalog.applies(kind, project) or kind.code in latest
            ],
            project.stage in ACTIONS[action].sources,
        )
        for action in sorted(wanted, key=list(ACTIONS).index)
    ]


# The actions whose materials a judging page shows (MAT-02: the materials of the stage being judged).
JUDGED = {
    "needs_review": ["submit"],
    "joint_review": ["submit", "submit_scheme"],
    "leading_group": ["submit", "submit_scheme", "record_opinion"],
}


def stage_materials(project: Project, page: str) -> list[Material]:
    latest = latest_by_kind(project.materials.all())
    return [
        latest[kind.code]
        for action in JUDGED[page]
        for kind in catalog.kinds_for(action)
        if kind.code in latest
    ]


def project_materials(project_id: int, user) -> tuple[Project, QuerySet[Material]]:
    """Every version of every material of a project the user may see (404 otherwise)."""
    project = visible_projects(user).filter(pk=project_id).first()
    if project is None:
        raise NotFound("项目不存在或无权查看")
    rows = Material.objects.filter(project=project).select_related("uploaded_by", "unit")
    return project, rows.order_by("kind", "-version")


def readable_material(material_id: int, user) -> Material:
    """A material a user may read: of a project the user sees; or, signed in or not, a public kind of
    an approved project (MAT-02 with the open data). Anything else is 404, like a project not seen."""
    material = Material.objects.select_related("project").filter(pk=material_id).first()
    if material is not None:
        if user.is_authenticated and visible_projects(user).filter(pk=material.project_id).exists():
            return material
        if is_public(material):
            return material
    raise NotFound("材料不存在或无权查看")


def is_public(material: Material) -> bool:
    kind = catalog.KINDS.get(material.kind)
    return bool(kind and kind.public and public_projects().filter(pk=material.project_id).exists())


def public_materials(project: Project) -> list[Material]:
    """The newest version of each public kind, for a project the caller knows to be public (open data)."""
    latest = latest_by_kind(project.materials.all())
    return [m for code, m in latest.items() if code in catalog.KINDS and catalog.KINDS[code].public]
