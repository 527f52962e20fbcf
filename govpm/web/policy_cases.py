"""What the project and joint-review pages show of 衢政办发〔2020〕8号 read as written: the notices a need
received (DOC-01), the need it was started from, the design task it serves (PLAN-06), who holds its cost
shares (COORD-10), the needs merged into it (PLAN-07) and the third-party estimate reviews (COORD-08)."""

from __future__ import annotations

from govpm.accounts.codes import REGIONS
from govpm.core import access
from govpm.projects import selectors
from govpm.projects.models import CostShare, DesignTask, Project
from govpm.projects.stages import MAIN_PATH, Stage

FUNDED_OR_LATER = frozenset(MAIN_PATH[MAIN_PATH.index(Stage.FUNDED) :]) | {Stage.TERMINATED, Stage.WITHDRAWN}
BEFORE_SCHEME = frozenset(MAIN_PATH[: MAIN_PATH.index(Stage.SCHEME)]) | {
    Stage.RETURNED,
    Stage.REJECTED,
    Stage.OUT_OF_SCOPE,
    Stage.MERGED,
}


def project_context(project: Project, user) -> dict:
    """Context for `web/_policy_cases.html`; reads the documents the page prefetched, and otherwise only
    what is there to show (each a query only when the row exists)."""
    notices = [doc for doc in project.documents.all() if doc.kind in selectors.NOTICE_KINDS]
    copies: list[Project] = []
    if project.stage == Stage.REJECTED:
        copies = list(Project.objects.filter(copied_from=project).only("pk", "name", "stage").order_by("id"))
    task = None
    if project.design_task_id:
        task = DesignTask.objects.select_related("design").get(pk=project.design_task_id)
    origin = None
    if project.copied_from_id:
        origin = Project.objects.only("pk", "name").get(pk=project.copied_from_id)
    shares = []
    if project.stage in FUNDED_OR_LATER:
        shares = [
            {"region": REGIONS.get(share.region_code, "—"), "amount": share.amount, "unit": share.unit}
            for share in CostShare.objects.filter(funding__project=project)
            .select_related("unit")
            .order_by("id")
        ]
    merged: list[Project] = []
    if project.stage not in BEFORE_SCHEME:
        merged = list(project.merged_needs.select_related("owner_unit").order_by("id"))
    return {
        "notices": notices,
        "may_copy": project.stage == Stage.REJECTED
        and access.can(user, "project.create")
        and user.unit_id == project.owner_unit_id,
        "copies": copies,
        "origin": origin,
        "design_task": task,
        "cost_shares": shares,
        "merged": merged,
        **estimate_context(project, user),
    }


def estimate_context(project: Project, user) -> dict:
    """COORD-08: the third-party estimate reviews, for those who read them (smart_office fixes the 概算价)."""
    if not access.can(user, "estimate_reviews.read"):
        return {"estimate_reviews": None}
    return {"estimate_reviews": list(selectors.estimate_reviews(project))}
