"""顶层设计 (PLAN-06, 三(一)2): the working group of 市大数据局 and 市营商办 records a design — its layers
of the 四横三纵 architecture, its tasks and its implementation plan — and needs name the task they serve."""

from __future__ import annotations

from django.db import transaction

from govpm.accounts.models import User
from govpm.core import access, audit
from govpm.core.errors import InvalidInput

from ..facts import ARCHITECTURE_LAYERS
from ..models import DesignTask, TopLevelDesign
from .base import require_text

# The four horizontal layers of 四横三纵 (the other three are the vertical 三纵).
FOUR_HORIZONTAL = ("business_app", "app_support", "data_resource", "infrastructure")
MAX_TASKS = 50


def create_design(
    *, actor: User, title: str, working_group: str, layers: list[str], plan: str, tasks: list[str]
) -> TopLevelDesign:
    """bdb or bizenv records a top-level design with its tasks (PLAN-06)."""
    access.require(actor, "designs.keep", "只有市大数据局、市营商办可以登记顶层设计", rule="PLAN-06")
    title = require_text(title, "title", "设计名称")
    working_group = require_text(working_group, "working_group", "工作小组")
    plan = require_text(plan, "plan", "实施计划")
    for index, code in enumerate(layers):
        if code not in ARCHITECTURE_LAYERS:
            raise InvalidInput(f"“四横三纵”层级：不识别的层级 {code}", field=f"layers.{index}")
    if not any(code in FOUR_HORIZONTAL for code in layers):
        raise InvalidInput("“四横三纵”层级：至少选择“四横”中的一层", field="layers")
    names = [require_text(name, f"tasks.{i}", "工作任务") for i, name in enumerate(tasks)]
    if not names:
        raise InvalidInput("工作任务：至少列出一项", field="tasks")
    if len(names) > MAX_TASKS:
        raise InvalidInput(f"工作任务：至多{MAX_TASKS}项", field="tasks")
    if len(set(names)) != len(names):
        raise InvalidInput("工作任务：名称重复", field="tasks")
    with transaction.atomic():
        design = TopLevelDesign.objects.create(
            title=title,
            working_group=working_group,
            layers=[code for code in ARCHITECTURE_LAYERS if code in layers],
            plan=plan,
            created_by=actor,
        )
        DesignTask.objects.bulk_create(
            [DesignTask(design=design, title=name, position=i) for i, name in enumerate(names)]
        )
        after = {"title": title, "working_group": working_group, "layers": design.layers, "plan": plan}
        audit.record(
            actor=actor,
            action="create_design",
            target=design,
            changes=audit.diff({}, after | {"tasks": names}),
        )
    return design
