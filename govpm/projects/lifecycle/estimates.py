"""第三方概算评审 (COORD-08): the result of a third-party review of the scheme's estimate, recorded for
smart_office, who reads it beside the reviewers' opinions when fixing the 概算价."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from govpm.accounts.models import User
from govpm.core.errors import InvalidInput

from ..models import EstimateReview
from .base import not_in_future, require_text, transition


def record_estimate_review(
    project_id: int,
    *,
    actor: User,
    firm: str,
    reviewed_amount: Decimal,
    reviewed_on: dt.date,
    report: str,
    submitted_amount: Decimal | None = None,
    note: str = "",
) -> EstimateReview:
    """smart_office records a 第三方概算评审 of this round's scheme: the firm, the amount submitted (the
    scheme's estimate unless named), the amount the firm arrived at, the date and the report."""
    firm = require_text(firm, "firm", "评审机构")
    report = require_text(report, "report", "评审报告")
    if reviewed_amount <= 0:
        raise InvalidInput("审定金额：须大于0", field="reviewed_amount")
    if submitted_amount is not None and submitted_amount <= 0:
        raise InvalidInput("送审金额：须大于0", field="submitted_amount")
    not_in_future(reviewed_on, "reviewed_on", "评审日期")
    with transition(project_id, actor=actor, action="record_estimate_review") as step:
        project = step.project
        submitted = submitted_amount if submitted_amount is not None else project.requested_estimate
        if submitted is None:
            raise InvalidInput("送审金额：方案未列申报估算，须填写送审金额", field="submitted_amount")
        review = EstimateReview.objects.create(
            project=project,
            round=project.review_round,
            firm=firm,
            submitted_amount=submitted,
            reviewed_amount=reviewed_amount,
            reviewed_on=reviewed_on,
            report=report,
            note=note.strip(),
            recorded_by=actor,
        )
        step.record(
            estimate_review_id=review.pk,
            firm=firm,
            submitted_amount=submitted,
            reviewed_amount=reviewed_amount,
            reduction=review.reduction,
            reviewed_on=reviewed_on,
            report=report,
        )
    return review
