"""Needs intake (三(一)3, 二(二)): drafting, pre-screening, submission, needs review, and the exits."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import Max

from govpm.accounts.codes import CITY_REGION
from govpm.accounts.models import Unit, User
from govpm.core import access, clock
from govpm.core.errors import Forbidden, InvalidInput, NotFound
from govpm.policy.catalog import JUDGEMENT_REJECTIONS, PRIORITY_RULES, RULES
from govpm.policy.models import Finding

from .. import readmodel
from ..facts import PRIORITY_CLAIMS, clean_facts
from ..models import Batch, Decision, DesignTask, IssuedDocument, Level, Project, ZombieListing
from ..rules import prescreen
from ..stages import Stage
from .base import refuse, require_text, transition, write_event
from .performance import as_payload, clean_targets, replace_targets, target_lines
from .records import issue_document


def owner_facts(unit: Unit) -> dict:
    """SCOPE-05, SCOPE-06: the level and owner type follow the owner unit, whatever a body says. A
    county (市、区) unit or any unit outside the city's own region code is county level."""
    county = unit.kind == Unit.Kind.COUNTY or unit.region_code != CITY_REGION
    return {
        "level": Level.COUNTY if county else Level.CITY,
        "owner_type": "enterprise" if unit.kind == Unit.Kind.ENTERPRISE else "government",
    }


def _apply_facts(project: Project, facts: dict) -> None:
    facts = {**facts, **owner_facts(project.owner_unit)}
    project.facts = facts
    project.level = facts["level"]
    project.category = facts.get("category")
    project.build_type = facts.get("build_type", "")
    project.classified = facts.get("classified", False)
    # PRI-06: only claims bdb confirmed rank a need; review_needs sets the score, a change of facts resets it.
    project.priority_score = 0
    layers = facts.get("architecture_layers", [])
    project.layers = f",{','.join(layers)}," if layers else ""


def create_project(
    *,
    actor: User,
    name: str,
    summary: str = "",
    facts: dict | None = None,
    requested_estimate: Decimal | None = None,
    design_task_id: int | None = None,
    performance_targets: list | None = None,
) -> Project:
    """A unit's new need, as a draft only its own unit can see (PLAN-01), with its 绩效目标 (PERF-01)."""
    if not access.can(actor, "project.create") or actor.unit_id is None:
        raise Forbidden("只有业主单位可以填报项目需求")
    name = require_text(name, "name", "项目名称")
    cleaned = clean_facts(facts or {}, partial=True)
    targets = clean_targets(performance_targets or [])
    with transaction.atomic(), readmodel.watch():
        project = Project(
            name=name,
            summary=summary,
            owner_unit=actor.unit,
            created_by=actor,
            requested_estimate=requested_estimate,
            design_task=_design_task(design_task_id),
        )
        _apply_facts(project, cleaned)
        project.save()
        replace_targets(project, targets)
        write_event(
            project,
            actor=actor,
            action="create",
            from_stage=Stage.DRAFT,
            payload={
                "name": name,
                "facts": cleaned,
                "requested_estimate": str(requested_estimate) if requested_estimate else None,
                "design_task": design_task_id,
                "performance_targets": as_payload(targets),
            },
        )
        readmodel.refresh([project.pk])  # ADR 0402: its snapshot, in the transaction that creates it
    return project


def _design_task(task_id: int | None) -> DesignTask | None:
    """PLAN-06: the top-level design task a need says it serves."""
    if task_id is None:
        return None
    task = DesignTask.objects.filter(pk=task_id).first()
    if task is None:
        raise InvalidInput("服务的顶层设计任务：不存在", field="design_task_id")
    return task


def update_draft(
    project_id: int,
    *,
    actor: User,
    name: str | None = None,
    summary: str | None = None,
    facts: dict | None = None,
    requested_estimate: Decimal | None = None,
    design_task_id: int | None = None,
    performance_targets: list | None = None,
) -> Project:
    """The owner amends a draft, or a need bdb returned, before (re)submitting it. Targets given
    replace the need's targets (PERF-01)."""
    targets = clean_targets(performance_targets) if performance_targets is not None else None
    with transition(project_id, actor=actor, action="update") as step:
        project = step.project
        if design_task_id is not None:
            project.design_task = _design_task(design_task_id)
            step.record(design_task=design_task_id)
        if name is not None:
            project.name = require_text(name, "name", "项目名称")
            step.record(name=project.name)
        if summary is not None:
            project.summary = summary
            step.record(summary=summary)
        if requested_estimate is not None:
            project.requested_estimate = requested_estimate
            step.record(requested_estimate=requested_estimate)
        if facts is not None:
            _apply_facts(project, clean_facts({**project.facts, **facts}, partial=True))
            step.record(facts=facts)
        if targets is not None:
            replace_targets(project, targets)
            step.record(performance_targets=as_payload(targets))
    return step.project


def _prescreen_context(project: Project, facts: dict) -> prescreen.Context:
    bar = ZombieListing.objects.filter(unit_id=project.owner_unit_id).aggregate(end=Max("bar_ends_on"))["end"]
    return prescreen.Context(facts=facts, today=clock.today(), unit_bar_ends_on=bar)


def precheck(project_id: int, *, actor: User) -> list[prescreen.Hit]:
    """Runs every automatic rule on the current facts, and changes nothing but the audit trail."""
    with transition(project_id, actor=actor, action="precheck") as step:
        hits = prescreen.evaluate(_prescreen_context(step.project, step.project.facts))
        step.record(hits=[hit.rule for hit in hits])
    return hits


def submit(project_id: int, *, actor: User) -> Project:
    """Submit a need: complete facts, automatic rules (a hit rejects it, cited), priority recorded."""
    with transition(project_id, actor=actor, action="submit") as step:
        project = step.project
        facts = clean_facts(project.facts, partial=False)
        if project.requested_estimate is None:
            raise InvalidInput("申报估算：提交前须填写", field="requested_estimate")
        if project.requested_estimate <= 0:
            raise InvalidInput("申报估算：须大于0", field="requested_estimate")
        _apply_facts(project, facts)
        context = _prescreen_context(project, facts)
        hits = prescreen.evaluate(context)
        grounds = prescreen.priority_grounds(facts)
        Finding.objects.bulk_create(
            [
                Finding(
                    project=project,
                    rule_code=hit.rule,
                    rule_version=RULES[hit.rule].version,
                    outcome=Finding.Outcome.HIT,
                    message=hit.message,
                    facts=hit.facts,
                )
                for hit in hits
            ]
            + [
                Finding(
                    project=project,
                    rule_code=hit.rule,
                    rule_version=RULES[hit.rule].version,
                    outcome=Finding.Outcome.PRIORITY,
                    message=hit.message,
                    facts=hit.facts,
                )
                for hit in grounds
            ]
        )
        project.submitted_at = clock.now()
        # SCOPE-05: a need outside 二(一) is returned as 不属于受理范围, not rejected: the 不予受理 rules
        # of 二(二) apply only to needs within the scope.
        out_of_scope = [hit for hit in hits if hit.rule.startswith("SCOPE-")]
        step.move(Stage.OUT_OF_SCOPE if out_of_scope else Stage.REJECTED if hits else Stage.SUBMITTED)
        step.record(hits=[hit.rule for hit in hits], priority=[hit.rule for hit in grounds])
        if project.stage == Stage.REJECTED:
            # DOC-01: the pre-screen's rejection is told in a 不予受理告知书, each hit with its clause.
            notice = _notice(
                project,
                IssuedDocument.Kind.NON_ACCEPTANCE_NOTICE,
                [(hit.rule, hit.message) for hit in hits],
                "",
            )
            step.record(document=notice.number)
    return step.project


def _priority_verdicts(project: Project, priority: dict, actor: User) -> list[Finding]:
    """PRI-06: bdb confirms or rejects each priority claim with a reason; only confirmed ones rank it."""
    claims = project.facts.get("priority_claims", [])
    codes = [claim["code"] for claim in claims]
    unknown = sorted(set(priority) - set(codes))
    if unknown:
        raise InvalidInput(f"优先情形研判：本需求未申报情形 {unknown[0]}", field=f"priority.{unknown[0]}")
    verdicts = []
    for claim in claims:
        code, rule_id = claim["code"], PRIORITY_RULES[claim["code"]]
        answer = priority.get(code)
        if not isinstance(answer, dict) or not isinstance(answer.get("confirmed"), bool):
            raise refuse(
                "PRI-06",
                f"须对优先列入情形「{PRIORITY_CLAIMS[code]}」作出确认或不予确认的判断",
                field=f"priority.{code}.confirmed",
            )
        reason = answer.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise refuse(
                "PRI-06", f"须说明对「{PRIORITY_CLAIMS[code]}」的研判理由", field=f"priority.{code}.reason"
            )
        verdicts.append(
            Finding(
                project=project,
                rule_code=rule_id,
                rule_version=RULES[rule_id].version,
                outcome=Finding.Outcome.PRIORITY,
                message=f"优先列入：{PRIORITY_CLAIMS[code]}（{'经确认' if answer['confirmed'] else '不予确认'}）",
                reason=reason.strip(),
                decided_by=actor,
                facts={"code": code, "evidence": claim["evidence"], "confirmed": answer["confirmed"]},
            )
        )
    return verdicts


def review_needs(
    project_id: int,
    *,
    actor: User,
    decision: str,
    answers: dict,
    comment: str = "",
    priority: dict | None = None,
) -> Project:
    """bdb's needs review (PLAN-04): a reasoned answer for each judgement rule and each priority claim
    (PRI-06), then accept, return or reject."""
    priority = priority or {}
    if not isinstance(priority, dict):
        raise InvalidInput("优先情形研判：应为对象", field="priority")
    if decision not in {"accept", "return", "reject"}:
        raise InvalidInput(
            "审核结论：应为 accept（入库）、return（退回修改）或 reject（不予受理）", field="decision"
        )
    if not isinstance(answers, dict):
        raise InvalidInput("研判意见：应为对象", field="answers")
    unknown = sorted(set(answers) - set(JUDGEMENT_REJECTIONS))
    if unknown:
        raise InvalidInput(f"研判意见：不识别的规则 {unknown[0]}", field=f"answers.{unknown[0]}")
    with transition(project_id, actor=actor, action="review_needs") as step:
        # PERF-01: REJ-02 (需求或绩效目标不明确) is answered against the targets the need states.
        against = {"REJ-02": {"performance_targets": target_lines(step.project)}}
        hits: list[str] = []
        findings = []
        for rule_id in JUDGEMENT_REJECTIONS:
            answer = answers.get(rule_id)
            if not isinstance(answer, dict) or not isinstance(answer.get("hit"), bool):
                raise refuse(
                    rule_id,
                    f"须对 {rule_id}（{RULES[rule_id].text}）作出是否命中的判断",
                    field=f"answers.{rule_id}.hit",
                )
            reason = answer.get("reason")
            if not isinstance(reason, str) or not reason.strip():
                raise refuse(rule_id, f"须说明对 {rule_id} 的判断理由", field=f"answers.{rule_id}.reason")
            if answer["hit"]:
                hits.append(rule_id)
            findings.append(
                Finding(
                    project=step.project,
                    rule_code=rule_id,
                    rule_version=RULES[rule_id].version,
                    outcome=Finding.Outcome.HIT if answer["hit"] else Finding.Outcome.PASS,
                    message=RULES[rule_id].text,
                    reason=reason.strip(),
                    decided_by=actor,
                    facts={"answer": answer["hit"], **against.get(rule_id, {})},
                )
            )
        if decision == "accept" and hits:
            raise refuse(
                hits[0], f"{'、'.join(hits)} 判定为命中，不能入库；请选择退回修改或不予受理", field="decision"
            )
        if decision == "reject" and not hits:
            raise refuse("REJ-10", "不予受理须以命中的不予受理情形为依据", field="decision")
        if decision == "return" and not comment.strip():
            raise InvalidInput("退回意见：退回修改须写明需要修改的内容", field="comment")
        verdicts = _priority_verdicts(step.project, priority, actor)
        Finding.objects.bulk_create(findings + verdicts)
        step.project.priority_score = sum(1 for verdict in verdicts if verdict.facts["confirmed"])
        Decision.objects.create(
            project=step.project,
            kind=Decision.Kind.NEEDS_REVIEW,
            outcome=decision,
            reason=comment.strip(),
            actor=actor,
        )
        step.move({"accept": Stage.POOLED, "return": Stage.RETURNED, "reject": Stage.REJECTED}[decision])
        if decision != "accept":
            # DOC-01: a 不予受理告知书 or a 退回修改通知, with bdb's findings and reasons.
            reasons = {finding.rule_code: finding.reason for finding in findings}
            notice = _notice(
                step.project,
                IssuedDocument.Kind.NON_ACCEPTANCE_NOTICE
                if decision == "reject"
                else IssuedDocument.Kind.RETURN_NOTICE,
                [(rule_id, reasons[rule_id]) for rule_id in hits],
                comment.strip(),
            )
            step.record(document=notice.number)
        if decision == "accept":  # PLAN-05: the need belongs to the batch open as it enters the pool
            step.project.batch = Batch.objects.select_for_update().filter(status=Batch.Status.OPEN).first()
        step.record(
            decision=decision,
            hits=hits,
            comment=comment.strip(),
            confirmed=[v.rule_code for v in verdicts if v.facts["confirmed"]],
            not_confirmed=[v.rule_code for v in verdicts if not v.facts["confirmed"]],
        )
    return step.project


def _notice(project: Project, kind: str, hits: list[tuple[str, str]], comment: str) -> IssuedDocument:
    """The notice bdb (市大数据局) issues to the owner: one line per finding — the rule's words, what was
    found, the clause — then bdb's own words. `documents.compose` lays the lines out as the body."""
    lines = [f"{RULES[rule].text}。{detail}（{RULES[rule].citation}）" for rule, detail in hits]
    if comment:
        lines.append(f"审核意见：{comment}")
    return issue_document(project, kind=kind, issuer_code="bdb", body="\n".join(lines))


def copy_need(project_id: int, *, actor: User) -> Project:
    """以此为基础新建需求 (DOC-01): the owner starts a new draft from a need that was not accepted, its facts
    copied and the decision not, to correct and resubmit; the new need links to the old one."""
    if not access.can(actor, "project.create") or actor.unit_id is None:
        raise Forbidden("只有业主单位可以填报项目需求")
    with transaction.atomic(), readmodel.watch():
        source = (
            Project.objects.select_for_update().filter(pk=project_id, owner_unit_id=actor.unit_id).first()
        )
        if source is None:
            raise NotFound("项目不存在或无权查看")
        if source.stage != Stage.REJECTED:
            raise refuse("DOC-01", "只有不予受理的需求可以以此为基础新建需求", field="project")
        facts = {key: value for key, value in source.facts.items() if key not in {"level", "owner_type"}}
        project = Project(
            name=source.name,
            summary=source.summary,
            owner_unit=actor.unit,
            created_by=actor,
            requested_estimate=source.requested_estimate,
            design_task_id=source.design_task_id,
            copied_from=source,
        )
        _apply_facts(project, clean_facts(facts, partial=True))
        project.save()
        targets = [  # PERF-01: the performance targets are facts of the need too
            {"indicator": t.indicator, "target_value": t.target_value, "unit": t.unit, "due_by": t.due_by}
            for t in source.performance_targets.order_by("position", "id")
        ]
        replace_targets(project, targets)
        write_event(
            project,
            actor=actor,
            action="create",
            from_stage=Stage.DRAFT,
            payload={
                "name": project.name,
                "facts": project.facts,
                "performance_targets": as_payload(targets),
                "copied_from": source.pk,
            },
        )
        readmodel.refresh([project.pk])  # ADR 0402
    return project


def reopen(project_id: int, *, actor: User, rules: list[str], reason: str) -> Project:
    """A named person overrides rule hits with a recorded reason; the need goes back to review."""
    reason = require_text(reason, "reason", "豁免理由")
    with transition(project_id, actor=actor, action="reopen") as step:
        open_hits = Finding.objects.filter(
            project=step.project, outcome=Finding.Outcome.HIT, overridden_by__isnull=True
        )
        scope_only = step.project.stage == Stage.OUT_OF_SCOPE
        if scope_only:
            # SCOPE-05: "等" is open for a county need's kind (SCOPE-03); no other scope rule bends.
            if "SCOPE-06" in rules:
                raise refuse("SCOPE-06", "不使用政府性资金的项目不属于受理范围，不能受理", field="rules")
            open_hits = open_hits.filter(rule_code__startswith="SCOPE-")
        hit_codes = set(open_hits.values_list("rule_code", flat=True))
        if not rules or set(rules) != hit_codes:
            raise InvalidInput(
                f"豁免规则：须逐项列明全部命中的规则（{'、'.join(sorted(hit_codes)) or '无'}）", field="rules"
            )
        open_hits.update(overridden_by=actor, override_reason=reason, overridden_at=clock.now())
        Decision.objects.create(
            project=step.project, kind=Decision.Kind.OVERRIDE, outcome="override", reason=reason, actor=actor
        )
        # Accepted into scope, the need now meets the 不予受理 rules its submission found, if any.
        rejected = (
            scope_only
            and Finding.objects.filter(
                project=step.project, outcome=Finding.Outcome.HIT, overridden_by__isnull=True
            ).exists()
        )
        step.move(Stage.REJECTED if rejected else Stage.SUBMITTED)
        step.record(rules=sorted(rules), reason=reason)
    return step.project


def withdraw(project_id: int, *, actor: User, reason: str) -> Project:
    reason = require_text(reason, "reason", "撤回理由")
    with transition(project_id, actor=actor, action="withdraw") as step:
        step.move(Stage.WITHDRAWN)
        step.record(reason=reason)
    return step.project


def terminate(project_id: int, *, actor: User, reason: str) -> Project:
    reason = require_text(reason, "reason", "终止理由")
    with transition(project_id, actor=actor, action="terminate") as step:
        step.move(Stage.TERMINATED)
        step.record(reason=reason)
    return step.project
