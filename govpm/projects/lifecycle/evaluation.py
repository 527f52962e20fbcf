"""After operation: post-evaluation a year on (SUPV-04) and the zombie-system bar (REJ-09)."""

from __future__ import annotations

from decimal import Decimal

from govpm.accounts.models import User
from govpm.core import clock
from govpm.core.errors import InvalidInput

from ..models import Deadline, IssuedDocument, PostEvaluation, ZombieListing
from ..stages import Stage
from .base import require_text, transition
from .performance import clean_scores, save_scores
from .records import close_deadline, issue_document, open_deadline


def record_post_evaluation(
    project_id: int,
    *,
    actor: User,
    evaluator: str,
    score: Decimal,
    use_findings: str,
    security_findings: str,
    target_scores: list | None = None,
) -> PostEvaluation:
    """在项目终验完成正式运行1年后 … 进行评估 (SUPV-04): not before the year is out (TIME-03). Each
    performance target of the need is scored (PERF-02): the value achieved, met or not, a score, evidence."""
    evaluator = require_text(evaluator, "evaluator", "评估机构或专家")
    use_findings = require_text(use_findings, "use_findings", "应用情况")
    security_findings = require_text(security_findings, "security_findings", "安全状况")
    if not Decimal("0") <= score <= Decimal("100"):
        raise InvalidInput("评分：应在0至100之间", field="score")
    with transition(project_id, actor=actor, action="record_post_evaluation") as step:
        project = step.project  # a year in operation: the table's precondition
        today = clock.today()
        scores = clean_scores(project, target_scores)
        evaluation = PostEvaluation.objects.create(
            project=project,
            evaluated_on=today,
            evaluator=evaluator,
            score=score,
            use_findings=use_findings,
            security_findings=security_findings,
        )
        save_scores(evaluation, scores)
        report = issue_document(
            project,
            kind=IssuedDocument.Kind.POST_EVALUATION_REPORT,
            issuer_code="smart_office",
            body=f"应用情况：{use_findings}\n安全状况：{security_findings}",
        )
        close_deadline(project, Deadline.Code.TIME_03, done_on=today)
        step.move(Stage.EVALUATED)
        step.record(
            score=score,
            evaluator=evaluator,
            document=report.number,
            target_scores=[
                {"target_id": s["target"].pk, **{k: v for k, v in s.items() if k != "target"}} for s in scores
            ],
        )
    return evaluation


def list_zombie(project_id: int, *, actor: User, reason: str) -> ZombieListing:
    """经检查列入“僵尸系统”: the owner unit may not apply for 2 years, in principle (REJ-09, TIME-04)."""
    reason = require_text(reason, "reason", "检查情况")
    with transition(project_id, actor=actor, action="list_zombie") as step:
        project = step.project
        today = clock.today()
        deadline = open_deadline(project, Deadline.Code.TIME_04, starts_on=today)
        listing = ZombieListing.objects.create(
            project=project,
            unit=project.owner_unit,
            listed_on=today,
            bar_ends_on=deadline.due_on,
            reason=reason,
        )
        step.record(
            listing_id=listing.pk, unit=project.owner_unit.name, bar_ends_on=deadline.due_on, reason=reason
        )
    return listing
