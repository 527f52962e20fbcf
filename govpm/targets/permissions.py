"""Who may do what in the targets module: the access module's `targets.*` capabilities, with the
Chinese message each refusal shows. No staff bypass (govpm.core.access says why).

The public results page (考核结果向社会公开) is the one view that needs no rule."""

from __future__ import annotations

from govpm.core import access

MESSAGES = {
    "view": "无权查看目标与指标",
    "view_all": "无权查看全部指标与评估报告",
    "assign": "无权指定责任单位",
    "enter": "无权录入观测值或完成情况",
    "judge": "无权评估定性目标",
    "import": "无权导入指标或观测值",
}


def can(user, action: str) -> bool:
    return access.can(user, f"targets.{action}")


def require(user, action: str) -> None:
    access.require(user, f"targets.{action}", MESSAGES[action], code="forbidden")
