"""Who is told what after each lifecycle action (NOTE-01): one small function per action.

A rule reads the committed-to-be state of the step (project, action, stages, payload) and returns
drafts; `outbox.write` turns them into notices in the same transaction. Recipients follow from the
access table: a to-do goes to the users whose role may take the next action (an owner unit's users
for owner actions), news to the owner unit. The actor is never told about their own action.

This module sits below `projects` (the lifecycle calls it), so it reads the project by its fields
and relations and never imports the projects app.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse

from govpm.accounts.models import User
from govpm.core import access
from govpm.core.clock import date_zh

from .models import Notice

K = Notice.Kind


@dataclass(frozen=True)
class Draft:
    """A notice before it has its recipients' rows: who, why, the Chinese text, where the work is done."""

    recipients: QuerySet[User] | list[User]
    kind: str
    text: str
    link: str
    due_on: dt.date | None = None


@dataclass(frozen=True)
class Change:
    """What an action did, as the lifecycle hands it over before the audit event is written."""

    project: Any  # govpm.projects.models.Project (not imported: projects sits above this app)
    actor: User
    action: str
    label: str
    from_stage: str
    to_stage: str
    payload: dict


# -- recipients ----------------------------------------------------------------------------------------


def active() -> QuerySet[User]:
    return User.objects.filter(is_active=True)


def owners(project) -> QuerySet[User]:
    """The owner unit's users: the people a return, a decision or a document of their project concerns."""
    return owners_of_units([project.owner_unit_id])


def owners_of_units(unit_ids: Iterable[int]) -> QuerySet[User]:
    """The owner users of these units (of several projects' owner units at once)."""
    return active().filter(unit_id__in=list(unit_ids), role="owner")


def who_may(action: str, project) -> QuerySet[User]:
    """Users whose role the access table lets take `action`; owner roles only in the project's unit."""
    roles = access.roles_for(access.ACTION_PREFIX + action)
    users = active().filter(role__in=roles - {"owner"})
    if "owner" in roles:
        users = users | owners(project)
    return users


def with_role(*roles: str) -> QuerySet[User]:
    return active().filter(role__in=roles)


def unit_users(unit_ids: Iterable[int]) -> QuerySet[User]:
    return active().filter(unit_id__in=list(unit_ids))


# -- links ---------------------------------------------------------------------------------------------


def project_link(project) -> str:
    return reverse("web:project", kwargs={"pk": project.pk})


def edit_link(project) -> str:
    return reverse("web:project_edit", kwargs={"pk": project.pk})


def joint_review_link(project) -> str:
    return reverse("web:joint_review", kwargs={"pk": project.pk})


def needs_review_link(project) -> str:
    return reverse("web:needs_review", kwargs={"pk": project.pk})


def _day(value) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) and value else None


def _told(c: Change, what: str) -> str:
    """DOC-01: the notice document the action issued, by number (shown on the project page)."""
    number = c.payload.get("document")
    return f"，已出具{what}（{number}）" if number else ""


# -- the rules, one per action --------------------------------------------------------------------------


def _submit(c: Change) -> list[Draft]:
    p = c.project
    if c.to_stage == "rejected":
        return [
            Draft(
                owners(p),
                K.REJECTED,
                f"需求「{p.name}」经预审命中不予受理情形，未予受理{_told(c, '不予受理告知书')}。",
                project_link(p),
            )
        ]
    return [
        Draft(
            who_may("review_needs", p),
            K.TODO,
            f"待审核需求：「{p.name}」，请进行需求审核。",
            needs_review_link(p),
        )
    ]


def _review_needs(c: Change) -> list[Draft]:
    p, decision = c.project, c.payload.get("decision")
    if decision == "return":
        reason = c.payload.get("comment", "")
        return [
            Draft(
                owners(p),
                K.RETURNED,
                f"需求「{p.name}」被退回修改{_told(c, '退回修改通知')}。退回理由：{reason}。请修改后重新提交。",
                edit_link(p),
            )
        ]
    if decision == "reject":
        hits = "、".join(c.payload.get("hits", []))
        return [
            Draft(
                owners(p),
                K.REJECTED,
                f"需求「{p.name}」不予受理（{hits}）{_told(c, '不予受理告知书')}。",
                project_link(p),
            )
        ]
    return [
        Draft(owners(p), K.DECISION, f"需求「{p.name}」已审核通过，列入项目库。", project_link(p)),
        Draft(who_may("open_scheme", p), K.TODO, f"「{p.name}」已入库，请启动方案编制。", project_link(p)),
    ]


def _reopen(c: Change) -> list[Draft]:
    p = c.project
    return [
        Draft(owners(p), K.DECISION, f"需求「{p.name}」已豁免并重新受理。", project_link(p)),
        Draft(
            who_may("review_needs", p),
            K.TODO,
            f"需求「{p.name}」已重新受理，请进行需求审核。",
            needs_review_link(p),
        ),
    ]


def _open_scheme(c: Change) -> list[Draft]:
    p = c.project
    return [
        Draft(
            owners(p),
            K.TODO,
            f"「{p.name}」已启动方案编制，请编制并提交建设方案（决策咨询、初步设计和概算评审三案合一）。",
            project_link(p),
        )
    ]


def _review_task_users(project, *, missing_only: bool) -> QuerySet[User]:
    """The reviewer units' users and the experts of the current round's tasks (COORD-02)."""
    tasks = project.review_tasks.filter(round=project.review_round)
    if missing_only:
        tasks = tasks.filter(opinion="")
    unit_ids = [t for t in tasks.values_list("unit_id", flat=True) if t]
    expert_ids = [t for t in tasks.values_list("expert_id", flat=True) if t]
    return unit_users(unit_ids).exclude(role="expert") | active().filter(pk__in=expert_ids)


def _submit_scheme(c: Change) -> list[Draft]:
    p = c.project
    return [
        Draft(
            _review_task_users(p, missing_only=False),
            K.TODO,
            f"「{p.name}」第{c.payload.get('round')}轮联合评审已开始，请出具评审意见。",
            joint_review_link(p),
        )
    ]


def _draw_experts(c: Change) -> list[Draft]:
    """COORD-07: the drawn experts' review tasks open with the draw; each expert is told."""
    p = c.project
    expert_ids = [
        pk
        for pk in p.review_tasks.filter(round=p.review_round, opinion="").values_list("expert_id", flat=True)
        if pk
    ]
    return [
        Draft(
            active().filter(pk__in=expert_ids),
            K.TODO,
            f"您已被抽取为「{p.name}」第{c.payload.get('round')}轮联合评审专家，请出具评审意见。",
            joint_review_link(p),
        )
    ]


def _record_opinion(c: Change) -> list[Draft]:
    p = c.project
    if p.review_tasks.filter(round=p.review_round, opinion="").exists():
        return []
    return [
        Draft(
            who_may("issue_consultation", p),
            K.TODO,
            f"「{p.name}」评审意见已全部出具，请出具决策咨询意见。",
            joint_review_link(p),
        )
    ]


def _remind_reviewers(c: Change) -> list[Draft]:
    p = c.project
    text = c.payload.get("message") or f"请尽快对「{p.name}」出具并联审核意见。"
    return [Draft(_review_task_users(p, missing_only=True), K.URGE, f"【催办】{text}", joint_review_link(p))]


def _issue_consultation(c: Change) -> list[Draft]:
    p = c.project
    return [
        Draft(
            owners(p),
            K.DOCUMENT,
            f"「{p.name}」决策咨询意见已出具（{c.payload.get('document', '')}）。",
            project_link(p),
        ),
        Draft(who_may("leading_group_decide", p), K.TODO, f"「{p.name}」待领导小组审定。", project_link(p)),
    ]


def _leading_group_decide(c: Change) -> list[Draft]:
    p, decision = c.project, c.payload.get("decision")
    if decision == "revise":
        return [
            Draft(
                owners(p),
                K.RETURNED,
                f"领导小组要求修改「{p.name}」方案。理由：{c.payload.get('reason', '')}。",
                project_link(p),
            )
        ]
    if decision == "reject":
        return [
            Draft(
                owners(p),
                K.DECISION,
                f"领导小组未同意「{p.name}」。理由：{c.payload.get('reason', '')}。",
                project_link(p),
            )
        ]
    return [
        Draft(
            owners(p),
            K.DECISION,
            f"领导小组已同意「{p.name}」，请向市发改委申请初步设计审批。",
            project_link(p),
        ),
        Draft(
            who_may("accept_application", p), K.TODO, f"「{p.name}」已审定，待受理审批申请。", project_link(p)
        ),
        Draft(
            who_may("issue_price_review", p),
            K.TODO,
            f"「{p.name}」已审定，请出具价格评审意见书。",
            project_link(p),
        ),
    ]


def _accept_application(c: Change) -> list[Draft]:
    p, due = c.project, _day(c.payload.get("due_on"))
    by = f"，须于{date_zh(due)}前出具初步设计批复（TIME-01）" if due else ""
    return [
        Draft(
            who_may("issue_design_approval", p),
            K.TODO,
            f"已受理「{p.name}」审批申请{by}。",
            project_link(p),
            due,
        ),
        Draft(owners(p), K.DECISION, f"「{p.name}」审批申请已受理。", project_link(p)),
    ]


def _document(what: str, next_action: str | None = None) -> Callable[[Change], list[Draft]]:
    def rule(c: Change) -> list[Draft]:
        p = c.project
        number = c.payload.get("document") or c.payload.get("document_no") or ""
        drafts = [
            Draft(
                owners(p),
                K.DOCUMENT,
                f"「{p.name}」{what}已出具{f'（{number}）' if number else ''}。",
                project_link(p),
            )
        ]
        if next_action:
            drafts.append(
                Draft(
                    who_may(next_action, p),
                    K.TODO,
                    f"「{p.name}」{what}已出具，请落实资金。",
                    project_link(p),
                )
            )
        return drafts

    return rule


def _record_funding(c: Change) -> list[Draft]:
    p = c.project
    return [Draft(owners(p), K.TODO, f"「{p.name}」资金已落实，请启动招标采购。", project_link(p))]


def _apply_final_acceptance(c: Change) -> list[Draft]:
    p = c.project
    return [
        Draft(
            who_may("decide_final_acceptance", p),
            K.TODO,
            f"「{p.name}」申请终验，请作出终验决定。",
            project_link(p),
        )
    ]


def _decide_final_acceptance(c: Change) -> list[Draft]:
    p = c.project
    if c.payload.get("decision") == "pass":
        return [Draft(owners(p), K.DECISION, f"「{p.name}」终验通过，进入运行阶段。", project_link(p))]
    return [
        Draft(
            owners(p),
            K.RETURNED,
            f"「{p.name}」终验未通过。理由：{c.payload.get('reason', '')}。",
            project_link(p),
        )
    ]


def _tell_owner(what: str, kind: str = K.DECISION) -> Callable[[Change], list[Draft]]:
    def rule(c: Change) -> list[Draft]:
        p = c.project
        return [Draft(owners(p), kind, f"「{p.name}」{what}。", project_link(p))]

    return rule


RULES: dict[str, Callable[[Change], list[Draft]]] = {
    "submit": _submit,
    "review_needs": _review_needs,
    "reopen": _reopen,
    "open_scheme": _open_scheme,
    "submit_scheme": _submit_scheme,
    "draw_experts": _draw_experts,
    "record_opinion": _record_opinion,
    "remind_reviewers": _remind_reviewers,
    "issue_consultation": _issue_consultation,
    "leading_group_decide": _leading_group_decide,
    "accept_application": _accept_application,
    "issue_design_approval": _document("初步设计批复", "record_funding"),
    "issue_price_review": _document("价格评审意见书"),
    "record_funding": _record_funding,
    "record_inspection": lambda c: _tell_owner(  # IMPL-09: a one-unit inspection is not called "1+1"
        "已登记“1+1”联合督查情况" if c.payload.get("joint") else "已登记督查情况"
    )(c),
    "record_midterm_review": _tell_owner("已登记中期监管意见"),
    "apply_final_acceptance": _apply_final_acceptance,
    "decide_final_acceptance": _decide_final_acceptance,
    "file_external_acceptance": lambda c: [
        Draft(
            who_may("record_external_filing", c.project),
            K.TODO,
            f"「{c.project.name}」已报送国家/省级终验材料，请办理备案。",
            project_link(c.project),
        )
    ],
    "record_external_filing": _tell_owner("国家/省级终验已备案，进入运行阶段", K.DECISION),
    "grant_exemption": _tell_owner("经领导小组批准适用特殊情况豁免"),
    "record_post_evaluation": _tell_owner("后评估已登记", K.DOCUMENT),
    "list_zombie": _tell_owner("已被列入僵尸系统，2年内不得申报新项目（TIME-04）"),
    "terminate": _tell_owner("已被终止"),
}


def drafts_for(change: Change) -> list[Draft]:
    """The notices one action writes; actions without a rule (edits, records) tell nobody."""
    rule = RULES.get(change.action)
    return rule(change) if rule else []
