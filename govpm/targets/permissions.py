"""Who may do what in the targets module. Deny unless a rule below allows; staff may do everything.

The public results page (考核结果向社会公开) is the one view that needs no rule."""

from __future__ import annotations

from govpm.accounts.roles import Role
from govpm.core.errors import Forbidden

# action → roles allowed. Entering and judging is the work of 市大数据局 and 市智慧办; the leading group
# and observers read.
RULES: dict[str, frozenset[str]] = {
    "view": frozenset({Role.BDB, Role.SMART_OFFICE, Role.LEADING_GROUP, Role.OBSERVER}),
    "enter": frozenset({Role.BDB, Role.SMART_OFFICE}),  # observations, task progress
    "judge": frozenset({Role.BDB, Role.SMART_OFFICE}),  # verdicts on qualitative targets
    "import": frozenset({Role.BDB, Role.SMART_OFFICE}),  # uploads of indicator tables and observations
}

MESSAGES = {
    "view": "无权查看目标与指标",
    "enter": "无权录入观测值或完成情况",
    "judge": "无权评估定性目标",
    "import": "无权导入指标或观测值",
}


def can(user, action: str) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_staff:
        return True
    return user.role in RULES[action]


def require(user, action: str) -> None:
    if not can(user, action):
        raise Forbidden(MESSAGES[action], code="forbidden")
