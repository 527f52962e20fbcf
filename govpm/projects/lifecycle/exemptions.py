"""特殊情况 (ORG-04): "除特殊情况外" — the leading group may exempt one project from ORG-02 for named dates;
records the rule would refuse are then accepted, each marked as made under the exemption."""

from __future__ import annotations

import datetime as dt

from govpm.accounts.models import User
from govpm.core import clock
from govpm.core.errors import InvalidInput

from ..models import Exemption, Project
from .base import refuse, require_text, transition

REASON_MAX = 2000


def exemption_for(project: Project, rule: str, day: dt.date) -> Exemption | None:
    """The exemption of this project from `rule` that covers `day`, if the leading group granted one."""
    return (
        Exemption.objects.filter(project=project, rule=rule, starts_on__lte=day, ends_on__gte=day)
        .order_by("id")
        .first()
    )


def approved_before(project: Project, day: dt.date, *, field: str, refusal: str) -> Exemption | None:
    """ORG-02 (不得"未批先建"): a tender, contract or payment dated `day` comes on or after the 初步设计批复,
    or under a leading-group exemption covering that day (ORG-04), which is returned to mark the record.
    Refuses with `refusal`, naming `field`, otherwise."""
    assert project.approved_on is not None  # set by the approval, before any of these records
    if day >= project.approved_on:
        return None
    exemption = exemption_for(project, "ORG-02", day)
    if exemption is None:
        raise refuse("ORG-02", refusal, field=field)
    return exemption


def grant_exemption(
    project_id: int, *, actor: User, rule: str, starts_on: dt.date, ends_on: dt.date, reason: str
) -> Exemption:
    """The leading group grants a special case (ORG-04): the rule it lifts, the dates it covers, the reason."""
    if rule not in Exemption.Rule.values:
        raise InvalidInput("豁免的规则：目前仅可豁免 ORG-02（不得“未批先建”“边批边建”）", field="rule")
    reason = require_text(reason, "reason", "特殊情况说明")
    if len(reason) > REASON_MAX:
        raise InvalidInput(f"特殊情况说明：不能超过{REASON_MAX}字", field="reason")
    if ends_on < starts_on:
        raise InvalidInput("适用截止日期：不能早于适用起始日期", field="ends_on")
    if (ends_on - starts_on).days > 366 * 5:
        raise InvalidInput("适用截止日期：豁免期不能超过5年", field="ends_on")
    with transition(project_id, actor=actor, action="grant_exemption") as step:
        exemption = Exemption.objects.create(
            project=step.project,
            rule=rule,
            starts_on=starts_on,
            ends_on=ends_on,
            reason=reason,
            granted_on=clock.today(),
            granted_by=actor,
        )
        step.record(exemption_id=exemption.pk, rule=rule, starts_on=starts_on, ends_on=ends_on, reason=reason)
    return exemption
