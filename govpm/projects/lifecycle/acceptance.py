"""项目验收 (三(三)5): final acceptance no sooner than 3 months after the last module's 初验."""

from __future__ import annotations

import datetime as dt

from govpm.accounts.models import User
from govpm.core import clock
from govpm.core.errors import InvalidInput

from ..models import Deadline, Decision, FinalAcceptance, IssuedDocument, Project
from ..stages import Stage
from .base import not_in_future, require_text, transition
from .records import close_deadline, issue_document, open_deadline


def apply_final_acceptance(project_id: int, *, actor: User) -> Project:
    """The owner applies to smart_office: every module passed, 3 months elapsed (TIME-02), data dictionary in (IMPL-04)."""
    with transition(project_id, actor=actor, action="apply_final_acceptance") as step:
        # Modules accepted, 3 months elapsed, data dictionary in: the table's preconditions.
        project = step.project
        today = clock.today()
        FinalAcceptance.objects.create(project=project, applied_on=today)
        close_deadline(project, Deadline.Code.TIME_02, done_on=today)
        step.move(Stage.FINAL_ACCEPTANCE)
        step.record(applied_on=today)
    return step.project


def _enter_operation(project: Project, accepted_on: dt.date) -> Deadline:
    project.final_accepted_on = accepted_on
    return open_deadline(project, Deadline.Code.TIME_03, starts_on=accepted_on)


def decide_final_acceptance(project_id: int, *, actor: User, decision: str, reason: str = "") -> Project:
    """Pass: the 验收报告 is issued and the post-evaluation falls due a year later (TIME-03). Fail: back to work."""
    if decision not in {"pass", "fail"}:
        raise InvalidInput("终验结论：应为 pass（通过）或 fail（不通过）", field="decision")
    if decision == "fail":
        reason = require_text(reason, "reason", "不通过意见")
    with transition(project_id, actor=actor, action="decide_final_acceptance") as step:
        project = step.project
        application = project.final_acceptances.filter(outcome=FinalAcceptance.Outcome.PENDING).last()
        assert application is not None  # the stage is final_acceptance only while one is pending
        today = clock.today()
        application.outcome = (
            FinalAcceptance.Outcome.PASSED if decision == "pass" else FinalAcceptance.Outcome.FAILED
        )
        application.decided_on, application.reason = today, reason.strip()
        application.save(update_fields=["outcome", "decided_on", "reason"])
        Decision.objects.create(
            project=project,
            kind=Decision.Kind.FINAL_ACCEPTANCE,
            outcome=decision,
            reason=reason.strip(),
            actor=actor,
        )
        if decision == "pass":
            report = issue_document(
                project,
                kind=IssuedDocument.Kind.ACCEPTANCE_REPORT,
                issuer_code="smart_office",
                body=reason.strip() or "项目通过终验。",
                amount=project.approved_estimate,
            )
            deadline = _enter_operation(project, today)
            step.move(Stage.OPERATION)
            step.record(decision=decision, document=report.number, post_evaluation_from=deadline.due_on)
        else:
            step.move(Stage.IMPLEMENTATION)
            step.record(decision=decision, reason=reason.strip())
    return step.project


def file_external_acceptance(
    project_id: int, *, actor: User, body: str, accepted_on: dt.date, reference: str = ""
) -> Project:
    """A national or provincial body organised final acceptance; it counts, filed (备案) with smart_office."""
    body = require_text(body, "body", "终验组织单位")
    not_in_future(accepted_on, "accepted_on", "终验日期")
    with transition(project_id, actor=actor, action="file_external_acceptance") as step:
        project = step.project
        application = project.final_acceptances.filter(outcome=FinalAcceptance.Outcome.PENDING).last()
        assert application is not None  # the stage is final_acceptance only while one is pending
        application.outcome, application.decided_on = FinalAcceptance.Outcome.EXTERNAL, accepted_on
        application.external_body, application.reason = body, reference.strip()
        application.save(update_fields=["outcome", "decided_on", "external_body", "reason"])
        deadline = _enter_operation(project, accepted_on)
        step.move(Stage.OPERATION)
        step.record(
            body=body,
            accepted_on=accepted_on,
            reference=reference.strip(),
            post_evaluation_from=deadline.due_on,
        )
    return step.project
