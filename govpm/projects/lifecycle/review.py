"""大统筹: the combined scheme, the parallel joint review and the leading group's decision (三(二)1)."""

from __future__ import annotations

from decimal import Decimal

from govpm.accounts.models import Unit, User
from govpm.accounts.roles import JOINT_REVIEW_UNITS
from govpm.core import access, clock
from govpm.core.errors import Forbidden, InvalidInput, NotFound

from ..models import (
    Decision,
    IssuedDocument,
    Module,
    OpinionRevision,
    Project,
    ReviewReminder,
    ReviewTask,
)
from ..stages import Stage
from .base import _values, refuse, require_text, transition, write_event
from .designs import FOUR_HORIZONTAL
from .records import issue_document


def open_scheme(
    project_id: int,
    *,
    actor: User,
    merge_ids: list[int] | None = None,
    note: str = "",
    implementing_unit_id: int | None = None,
) -> Project:
    """smart_office starts the scheme; other pooled needs may be merged into this project (PLAN-02), and
    smart_office chooses which of their owner units implements the combined project (PLAN-07). The units
    of the merged needs, the previous owner included, keep reading it."""
    merge_ids = sorted(set(merge_ids or []) - {project_id})
    # The main project and every merged one are locked in one statement, in id order, before any check:
    # open_scheme(A, merge B) and open_scheme(B, merge A) at once queue on A instead of deadlocking.
    with transition(project_id, actor=actor, action="open_scheme", also_lock=merge_ids) as step:
        for index, other_id in enumerate(merge_ids):
            if other_id not in step.others:
                raise NotFound("项目不存在或无权查看", field=f"merge_ids.{index}")
        merged = [step.others[other_id] for other_id in merge_ids]
        for index, other in enumerate(merged):
            if other.stage != Stage.POOLED:
                raise InvalidInput(
                    f"需求「{other.name}」不在已入库阶段，不能合并", field=f"merge_ids.{index}"
                )
        implementing = step.project.owner_unit
        if implementing_unit_id is not None:
            candidates = {step.project.owner_unit_id: step.project.owner_unit}
            candidates |= {other.owner_unit_id: other.owner_unit for other in merged}
            if implementing_unit_id not in candidates:
                raise refuse(
                    "PLAN-07",
                    "实施单位：须为本需求或被合并需求的业主单位之一",
                    field="implementing_unit_id",
                )
            implementing = candidates[implementing_unit_id]
        handed_over = implementing != step.project.owner_unit
        for other in merged:
            before = _values(other)
            other.merged_into = step.project
            other.stage = Stage.MERGED  # PLAN-07: merged, not terminated
            write_event(
                other,
                actor=actor,
                action="open_scheme",
                from_stage=Stage.POOLED,
                payload={"merged_into": step.project.pk},
                snapshot=before,
            )
        if handed_over:
            # The unit that filed this need keeps reading the combined project (selectors.visible_projects).
            step.record(previous_owner_unit=step.project.owner_unit.name)
            step.project.original_owner_unit = step.project.original_owner_unit or step.project.owner_unit
            step.project.owner_unit = implementing
        step.move(Stage.SCHEME)
        step.record(merged=[other.pk for other in merged], note=note, implementing_unit=implementing.name)
    return step.project


def submit_scheme(
    project_id: int,
    *,
    actor: User,
    requested_estimate: Decimal,
    modules: list[str],
    scheme_summary: str,
    layers: list[str] | None = None,
) -> Project:
    """One combined scheme (COORD-01); one review task per joint-review unit (COORD-02). The experts are
    not the owner's to name: smart_office draws them from the library (`draw_experts`, COORD-07)."""
    scheme_summary = require_text(scheme_summary, "scheme_summary", "方案概要")
    names = [require_text(name, f"modules.{i}", "模块名称") for i, name in enumerate(modules)]
    if not names:
        raise InvalidInput("功能模块：至少列出一个模块、功能或阶段", field="modules")
    if len(set(names)) != len(names):
        raise InvalidInput("功能模块：名称重复", field="modules")
    with transition(project_id, actor=actor, action="submit_scheme") as step:
        project = step.project
        if layers:
            # The scheme names the layers it covers; they replace those the need declared.
            project.facts = {**project.facts, "architecture_layers": list(dict.fromkeys(layers))}
            project.layers = f",{','.join(project.facts['architecture_layers'])},"
        covered = project.facts.get("architecture_layers") or []
        if not covered:
            raise refuse(
                "PLAN-03",
                "方案须按“四横三纵”要求设计，请在申报事实中注明架构层级",
                field="facts.architecture_layers",
            )
        if not any(code in FOUR_HORIZONTAL for code in covered):
            raise refuse(
                "PLAN-06",
                "覆盖的“四横三纵”层级：方案至少覆盖“四横”（业务应用、应用支撑、数据资源、基础设施）中的一层",
                field="layers",
            )
        units = {unit.code: unit for unit in Unit.objects.filter(code__in=JOINT_REVIEW_UNITS)}
        project.requested_estimate = requested_estimate
        project.review_round += 1
        round_no = project.review_round
        project.modules.filter(accepted_on__isnull=True).delete()
        Module.objects.bulk_create(
            [Module(project=project, name=name, position=i) for i, name in enumerate(names)]
        )
        reviewers = [project.owner_unit if code == "owner" else units[code] for code in JOINT_REVIEW_UNITS]
        ReviewTask.objects.bulk_create(
            [ReviewTask(project=project, round=round_no, unit=unit) for unit in reviewers]
        )
        step.move(Stage.JOINT_REVIEW)
        step.record(
            round=round_no,
            requested_estimate=requested_estimate,
            modules=names,
            scheme_summary=scheme_summary,
            layers=covered,
        )
    return step.project


def _own_task(project: Project, actor: User, task_id: int | None) -> ReviewTask:
    tasks = ReviewTask.objects.select_for_update().filter(project=project, round=project.review_round)
    if access.answers_in_own_name(actor):
        mine = tasks.filter(expert=actor)
    else:
        mine = tasks.filter(unit=actor.unit)
    if task_id is not None:
        if not tasks.filter(pk=task_id).exists():
            raise NotFound("评审任务不存在", field="task_id")
        mine = mine.filter(pk=task_id)
    task = mine.first()
    if task is None:
        raise Forbidden("只能填报分配给本人或本单位的评审任务", rule="COORD-02")
    return task


def record_opinion(
    project_id: int, *, actor: User, opinion: str, comment: str, task_id: int | None = None
) -> ReviewTask:
    """A joint reviewer's opinion on its own task; an amendment keeps the earlier answer in history."""
    if opinion not in ReviewTask.Opinion.values:
        raise InvalidInput(
            "评审意见：应为 agree（同意）、conditional（有条件同意）或 disagree（不同意）", field="opinion"
        )
    comment = require_text(comment, "comment", "评审说明")
    with transition(project_id, actor=actor, action="record_opinion") as step:
        task = _own_task(step.project, actor, task_id)
        amended = bool(task.opinion)
        task.opinion, task.comment, task.answered_by, task.answered_at = opinion, comment, actor, clock.now()
        task.save(update_fields=["opinion", "comment", "answered_by", "answered_at"])
        OpinionRevision.objects.create(task=task, opinion=opinion, comment=comment, actor=actor)
        step.record(
            task_id=task.pk, reviewer=task.reviewer_name, opinion=opinion, comment=comment, amended=amended
        )
    return task


def remind_reviewers(project_id: int, *, actor: User, message: str = "") -> list[ReviewReminder]:
    """市智慧办召集 — smart_office reminds every reviewer whose opinion is still missing in this round."""
    with transition(project_id, actor=actor, action="remind_reviewers") as step:
        project = step.project
        missing = list(
            project.review_tasks.filter(round=project.review_round, opinion="").select_related(
                "unit", "expert"
            )
        )
        text = message.strip() or f"请尽快对「{project.name}」出具并联审核意见。"
        reminders = ReviewReminder.objects.bulk_create(
            [ReviewReminder(task=task, message=text, sent_by=actor) for task in missing]
        )
        step.record(reviewers=[task.reviewer_name for task in missing], message=text)
    return reminders


def issue_consultation(
    project_id: int, *, actor: User, approved_estimate: Decimal, opinion_text: str
) -> Project:
    """Every task answered; the approved estimate fixed; the 决策咨询意见 issued (COORD-02, COORD-03)."""
    opinion_text = require_text(opinion_text, "opinion_text", "决策咨询意见")
    if approved_estimate <= 0:
        raise InvalidInput("概算价：须大于0", field="approved_estimate")
    with transition(project_id, actor=actor, action="issue_consultation") as step:
        project = step.project  # every opinion in: the table's precondition
        project.approved_estimate = approved_estimate
        document = issue_document(
            project,
            kind=IssuedDocument.Kind.CONSULTATION_OPINION,
            issuer_code="smart_office",
            body=opinion_text,
            amount=approved_estimate,
        )
        step.move(Stage.CONSULTATION)
        step.record(approved_estimate=approved_estimate, document=document.number)
    return step.project


def leading_group_decide(project_id: int, *, actor: User, decision: str, reason: str = "") -> Project:
    """审定: approve, revise (back to the owner's scheme, then a new joint review) or reject (COORD-03)."""
    targets = {"approve": Stage.APPROVAL, "revise": Stage.SCHEME, "reject": Stage.TERMINATED}
    if decision not in targets:
        raise InvalidInput(
            "审定结论：应为 approve（同意）、revise（修改方案）或 reject（不同意）", field="decision"
        )
    if decision != "approve":
        reason = require_text(reason, "reason", "审定理由")
    with transition(project_id, actor=actor, action="leading_group_decide") as step:
        Decision.objects.create(
            project=step.project,
            kind=Decision.Kind.LEADING_GROUP,
            outcome=decision,
            reason=reason.strip(),
            actor=actor,
        )
        step.move(targets[decision])
        step.record(decision=decision, reason=reason.strip())
    return step.project
