"""项目验收 (三(三)5): final acceptance no sooner than 3 months after the last module's 初验."""

from __future__ import annotations

import datetime as dt

from django.db.models import Max

from govpm.accounts.models import User
from govpm.core import clock
from govpm.core.clock import date_zh
from govpm.core.errors import InvalidInput

from ..models import Deadline, Decision, FinalAcceptance, IssuedDocument, Project
from ..stages import Stage
from .base import not_in_future, refuse, require_text, transition
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
    """A national or provincial body organised the final acceptance (IMPL-10): the owner files it from
    implementation once every module passed 初验, with the acceptance document (MAT-01) and the data
    dictionary (IMPL-04). No city application and no 3-month wait (TIME-02 does not apply); smart_office
    then records the 备案 (record_external_filing)."""
    body = require_text(body, "body", "终验组织单位")
    not_in_future(accepted_on, "accepted_on", "终验日期")
    with transition(project_id, actor=actor, action="file_external_acceptance") as step:
        project = step.project
        last = project.modules.aggregate(last=Max("accepted_on"))["last"]
        if last is not None and accepted_on < last:
            raise refuse(
                "IMPL-10", f"终验日期：不能早于最后一个模块的初验日期 {date_zh(last)}", field="accepted_on"
            )
        today = clock.today()
        application = FinalAcceptance.objects.create(
            project=project,
            applied_on=today,
            outcome=FinalAcceptance.Outcome.EXTERNAL,
            decided_on=accepted_on,
            external_body=body,
            reason=reference.strip(),
        )
        # The city's 3-month wait is not this path's: the gate is closed, not waited for.
        close_deadline(project, Deadline.Code.TIME_02, done_on=today)
        step.move(Stage.FINAL_ACCEPTANCE)
        step.record(
            final_acceptance_id=application.pk,
            body=body,
            accepted_on=accepted_on,
            reference=reference.strip(),
        )
    return step.project


def record_external_filing(project_id: int, *, actor: User) -> Project:
    """smart_office records the 备案 of an external acceptance (IMPL-10); the project is in operation from
    the external acceptance date, and the post-evaluation falls due a year after it (TIME-03)."""
    with transition(project_id, actor=actor, action="record_external_filing") as step:
        project = step.project
        application = next((a for a in project.final_acceptances.all() if a.awaiting_filing), None)
        assert application is not None and application.decided_on is not None  # the table's precondition
        application.filed_on = clock.today()
        application.save(update_fields=["filed_on"])
        deadline = _enter_operation(project, application.decided_on)
        step.move(Stage.OPERATION)
        step.record(
            final_acceptance_id=application.pk,
            body=application.external_body,
            accepted_on=application.decided_on,
            filed_on=application.filed_on,
            post_evaluation_from=deadline.due_on,
        )
    return step.project
