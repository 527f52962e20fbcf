"""The state machine of lifecycle.md, as data. Lifecycle functions read it; nothing else changes a stage.

docs/lifecycle.md is generated from this table and a test checks it against lifecycle.md's own table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models

from govpm.core import access, clock
from govpm.core.clock import date_zh


class Stage(models.TextChoices):
    DRAFT = "draft", "草稿"  # the owner unit is still writing the need; only it can see it
    SUBMITTED = "submitted", "已提交(待需求审核)"  # passed the automatic rules; waits for bdb's review
    RETURNED = "returned", "退回修改"  # bdb sent it back to the owner to amend and resubmit
    REJECTED = "rejected", "不予受理"  # a rule of 二(二) stopped it; bdb may reopen with a named override
    # Outside the scope of 二(一) (SCOPE-05): not a 不予受理 case and not counted among rejections; bdb
    # may still accept a county need of an unnamed kind ("等") with a reason (reopen).
    OUT_OF_SCOPE = "out_of_scope", "不属于受理范围"
    POOLED = "pooled", "已入库"  # accepted into the demand pool, ranked by priority
    SCHEME = "scheme", "方案编制"  # the owner writes the one combined scheme (COORD-01)
    JOINT_REVIEW = "joint_review", "并联审核"  # eight units and experts review in parallel (COORD-02)
    CONSULTATION = "consultation", "决策咨询意见待审定"  # the opinion waits for the leading group
    APPROVAL = "approval", "审批办理"  # design approval, price review and project code are being issued
    FUNDED = "funded", "资金已落实"  # finance has put the funds in the fiscal guarantee
    PROCUREMENT = "procurement", "招标采购"  # tendering under the approved estimate (IMPL-01)
    IMPLEMENTATION = (
        "implementation",
        "实施中",
    )  # contracts signed; building, inspected, paid, accepted per module
    FINAL_ACCEPTANCE = "final_acceptance", "终验办理"  # the owner applied; smart_office decides
    OPERATION = "operation", "运行中"  # passed final acceptance; post-evaluation due a year later
    EVALUATED = "evaluated", "已后评估"  # post-evaluated (SUPV-04); the lifecycle is complete
    MERGED = "merged", "已合并"  # merged into another project (PLAN-07); its unit still reads that project
    WITHDRAWN = "withdrawn", "已撤回"  # the owner withdrew it before funding
    TERMINATED = "terminated", "已终止"  # stopped by smart_office or rejected by the leading group


# The stages a project passes through when nothing goes wrong, in order (timelines, seeding).
MAIN_PATH = (
    Stage.DRAFT,
    Stage.SUBMITTED,
    Stage.POOLED,
    Stage.SCHEME,
    Stage.JOINT_REVIEW,
    Stage.CONSULTATION,
    Stage.APPROVAL,
    Stage.FUNDED,
    Stage.PROCUREMENT,
    Stage.IMPLEMENTATION,
    Stage.FINAL_ACCEPTANCE,
    Stage.OPERATION,
    Stage.EVALUATED,
)
CLOSED_STAGES = frozenset(
    {Stage.REJECTED, Stage.OUT_OF_SCOPE, Stage.MERGED, Stage.EVALUATED, Stage.WITHDRAWN, Stage.TERMINATED}
)
OPEN_STAGES = frozenset(Stage) - CLOSED_STAGES
ALL_STAGES = frozenset(Stage)
WITHDRAWABLE = frozenset(
    {
        Stage.DRAFT,
        Stage.SUBMITTED,
        Stage.RETURNED,
        Stage.POOLED,
        Stage.SCHEME,
        Stage.JOINT_REVIEW,
        Stage.CONSULTATION,
        Stage.APPROVAL,
    }
)
# Roles that answer a joint-review task; each answers only the task assigned to its unit or to itself.
REVIEWER_ROLES = frozenset(
    {"owner", "bdb", "cac", "bizenv", "ndrc", "finance", "regulator", "review_center", "expert"}
)


@dataclass(frozen=True)
class Precondition:
    """What must hold of a project, known before any input, for an action to be taken.

    `holds` reads a project whose relations the caller prefetched (the pages) or will query (the
    lifecycle, under the row lock). The lifecycle refuses with the first that fails; the project page
    and the workbench show the action disabled with the same reason. `done` marks a step already
    taken (409 already_done); otherwise the refusal is a rule violation (400) of `rule`."""

    name: str
    rule: str
    reason: str | Callable[[Any], str]  # Chinese, shown as is; a function when it names dates or rows
    holds: Callable[[Any], bool]  # over a Project with its relations prefetched
    done: bool = False

    def reason_for(self, project) -> str:
        return self.reason(project) if callable(self.reason) else self.reason


def _kinds(project) -> set[str]:
    return {document.kind for document in project.documents.all()}


def _clock(project, code: str):
    return next((deadline for deadline in project.deadlines.all() if deadline.code == code), None)


def _open_tasks(project) -> list:
    return [t for t in project.review_tasks.all() if t.round == project.review_round and not t.opinion]


def _waiting_modules(project) -> list:
    return [module for module in project.modules.all() if module.accepted_on is None]


def _time_02_due(project) -> str:
    due = _clock(project, "TIME-02")
    return f"全部模块于{date_zh(due.starts_on)}完成初验，{date_zh(due.due_on)}起方可申请终验"


def _time_03_due(project) -> str:
    due = _clock(project, "TIME-03")
    return f"项目于{date_zh(due.starts_on)}完成终验，正式运行1年后（{date_zh(due.due_on)}起）方可后评估"


P = Precondition
NOT_YET_ACCEPTED = P(
    "application_not_accepted", "TIME-01", "审批申请已受理", lambda p: not _clock(p, "TIME-01"), True
)
APPLICATION_ACCEPTED = P(
    "application_accepted",
    "COORD-04",
    "须先受理审批申请，再出具初步设计批复",
    lambda p: bool(_clock(p, "TIME-01")),
)
DESIGN_APPROVAL_NOT_ISSUED = P(
    "design_approval_not_issued",
    "COORD-04",
    "初步设计批复已出具；如需更正请另行发文",
    lambda p: "design_approval" not in _kinds(p),
    True,
)
PRICE_REVIEW_NOT_ISSUED = P(
    "price_review_not_issued",
    "COORD-04",
    "价格评审意见书已出具",
    lambda p: "price_review" not in _kinds(p),
    True,
)
DESIGN_APPROVAL_ISSUED = P(
    "design_approval_issued",
    "COORD-04",
    "尚未出具初步设计批复，不能落实资金",
    lambda p: "design_approval" in _kinds(p),
)
PRICE_REVIEW_ISSUED = P(
    "price_review_issued",
    "COORD-04",
    "尚未出具价格评审意见书，不能落实资金",
    lambda p: "price_review" in _kinds(p),
)
PROJECT_CODE_RECORDED = P(  # COORD-09: the code comes before the approval documents (classified exempt)
    "project_code_recorded",
    "COORD-09",
    "尚未登记投资项目在线审批监管平台生成的项目代码，不能出具审批文件",
    lambda p: bool(p.classified or p.project_code),
)


def _experts_drawn(project) -> bool:
    return any(t.expert_id for t in project.review_tasks.all() if t.round == project.review_round)


EXPERTS_NOT_DRAWN = P(
    "experts_not_drawn", "COORD-07", "本轮评审专家已抽取", lambda p: not _experts_drawn(p), True
)
EXPERTS_DRAWN = P("experts_drawn", "COORD-07", "尚未从专家库抽取本轮评审专家", _experts_drawn)
REVIEWERS_MISSING = P(
    "reviewers_missing", "COORD-02", "各评审方均已出具意见，无需催办", lambda p: bool(_open_tasks(p)), True
)
ALL_OPINIONS_IN = P(
    "all_opinions_in",
    "COORD-02",
    lambda p: f"尚有评审方未出具意见：{'、'.join(t.reviewer_name for t in _open_tasks(p))}",
    lambda p: not _open_tasks(p),
)
CONTRACT_SIGNED = P(
    "contract_signed", "IMPL-02", "尚未登记合同，不能启动实施", lambda p: bool(p.contracts.all())
)
MODULES_WAITING = P(
    "modules_waiting", "IMPL-05", "全部模块均已通过初验", lambda p: bool(_waiting_modules(p)), True
)
MODULES_ACCEPTED = P(
    "modules_accepted",
    "IMPL-06",
    lambda p: f"尚有模块未通过初验：{'、'.join(m.name for m in _waiting_modules(p)) or '未列模块'}",
    lambda p: bool(p.modules.all()) and not _waiting_modules(p),
)
THREE_MONTHS_AFTER_MODULES = P(
    "three_months_after_modules",
    "TIME-02",
    _time_02_due,
    lambda p: _clock(p, "TIME-02") is not None and clock.today() >= _clock(p, "TIME-02").due_on,
)
DATA_DICTIONARY_SUBMITTED = P(
    "data_dictionary_submitted",
    "IMPL-04",
    "尚未向市大数据局提交数据字典",
    lambda p: bool(p.data_dictionaries.all()),
)
ONE_YEAR_IN_OPERATION = P(
    "one_year_in_operation",
    "SUPV-04",
    _time_03_due,
    lambda p: _clock(p, "TIME-03") is not None and clock.today() >= _clock(p, "TIME-03").due_on,
)
CITY_APPLICATION_PENDING = P(
    "city_application_pending",
    "IMPL-10",
    "该项目由国家或省级单位组织终验，待市智慧办备案，不由本市决定终验",
    lambda p: any(a.outcome == "pending" for a in p.final_acceptances.all()),
)
EXTERNAL_AWAITING_FILING = P(
    "external_awaiting_filing",
    "IMPL-10",
    "没有待备案的国家/省级终验",
    lambda p: any(a.awaiting_filing for a in p.final_acceptances.all()),
)
PERFORMANCE_TARGETS_STATED = P(  # PERF-01: 二(二)第2项 不予受理 a need whose targets are unclear
    "performance_targets_stated",
    "PERF-01",
    "尚未填写绩效目标（绩效指标、目标值、计量单位、完成时限，至少一项），不能提交需求",
    lambda p: bool(p.performance_targets.all()),
)
NOT_YET_ZOMBIE = P(
    "not_yet_listed", "REJ-09", "该系统已列入僵尸系统", lambda p: not p.zombie_listings.all(), True
)


def _pending_estimate_changes(project) -> list:
    return [c for c in project.estimate_changes.all() if c.status == "pending"]


NO_PENDING_ESTIMATE_CHANGE = P(
    "no_pending_estimate_change",
    "IMPL-08",
    "已有一份概算调整申请待市发改委审批，审批后方可再次申请",
    lambda p: not _pending_estimate_changes(p),
)
ESTIMATE_CHANGE_PENDING = P(
    "estimate_change_pending",
    "IMPL-08",
    "没有待审批的概算调整申请",
    lambda p: bool(_pending_estimate_changes(p)),
    True,
)


def _unsettled_contracts(project) -> list:
    settled = {s.contract_id for s in project.settlements.all()}
    return [c for c in project.contracts.all() if c.pk not in settled]


CONTRACT_UNSETTLED = P(
    "contract_unsettled",
    "SUPV-05",
    "没有未结算的合同：合同结算后不再登记支付或付款计划",
    lambda p: bool(_unsettled_contracts(p)),
)


@dataclass(frozen=True)
class ActionSpec:
    code: str
    label: str
    roles: frozenset[str]
    sources: frozenset[str]
    targets: tuple[str, ...]  # empty: the action does not change the stage
    rules: tuple[str, ...]
    irreversible: bool = False
    preconditions: tuple[Precondition, ...] = ()  # checked in this order; the first failure refuses

    def failing(self, project, *, met_by_form: tuple[str, ...] = ()) -> Precondition | None:
        """The first precondition that does not hold of this project, or None (the registered ones,
        e.g. the required materials of MAT-01, after the table's own). `met_by_form` names rules the
        action's form itself can satisfy (MAT-01: its file controls), which a page does not hold
        against offering the form."""
        checks = self.preconditions + REGISTERED_PRECONDITIONS.get(self.code, ())
        return next((pre for pre in checks if pre.rule not in met_by_form and not pre.holds(project)), None)


# Preconditions that apps above projects add to an action (govpm.materials: MAT-01 required materials);
# projects may not import them (the layer contract), so they register at AppConfig.ready.
REGISTERED_PRECONDITIONS: dict[str, tuple[Precondition, ...]] = {}


def register_preconditions(action: str, *preconditions: Precondition) -> None:
    known = REGISTERED_PRECONDITIONS.get(action, ())
    REGISTERED_PRECONDITIONS[action] = known + tuple(p for p in preconditions if p not in known)


def _a(code, label, roles, sources, targets=(), rules=(), irreversible=False, pre=()) -> ActionSpec:
    return ActionSpec(
        code,
        label,
        frozenset(roles),
        frozenset(sources),
        tuple(targets),
        tuple(rules),
        irreversible,
        tuple(pre),
    )


S = Stage
ACTIONS: dict[str, ActionSpec] = {
    spec.code: spec
    for spec in [
        _a("update", "修改需求", ["owner"], [S.DRAFT, S.RETURNED]),
        _a(
            "precheck",
            "预检",
            ["owner"],
            ALL_STAGES,
            (),
            ["REJ-01", "REJ-03", "REJ-04", "REJ-05", "REJ-06", "REJ-09"],
        ),
        _a(
            "submit",
            "提交需求",
            ["owner"],
            [S.DRAFT, S.RETURNED],
            [S.SUBMITTED, S.OUT_OF_SCOPE, S.REJECTED],
            [
                "SCOPE-01",
                "SCOPE-02",
                "SCOPE-03",
                "SCOPE-05",
                "SCOPE-06",
                "REJ-01",
                "REJ-03",
                "REJ-04",
                "REJ-05",
                "REJ-06",
                "REJ-09",
                "PRI-01",
                "PRI-02",
                "PRI-03",
                "PRI-04",
                "PLAN-01",
                "PERF-01",
            ],
            pre=[PERFORMANCE_TARGETS_STATED],
        ),
        _a(
            "review_needs",
            "需求审核",
            ["bdb"],
            [S.SUBMITTED],
            [S.POOLED, S.RETURNED, S.REJECTED],
            ["REJ-02", "REJ-07", "REJ-08", "REJ-10", "PLAN-04", "PERF-01", "PLAN-05"],
        ),
        _a(
            "reopen",
            "豁免并重新受理",
            ["bdb"],
            [S.REJECTED, S.OUT_OF_SCOPE],
            [S.SUBMITTED, S.REJECTED],
            ["REJ-09", "SCOPE-05"],
        ),
        _a("open_scheme", "启动方案编制", ["smart_office"], [S.POOLED], [S.SCHEME], ["PLAN-02", "PLAN-07"]),
        _a(
            "submit_scheme",
            "提交建设方案（三案合一）",
            ["owner"],
            [S.SCHEME],
            [S.JOINT_REVIEW],
            ["COORD-01", "COORD-02", "PLAN-03"],
        ),
        _a(
            "draw_experts",
            "抽取评审专家",
            ["smart_office"],
            [S.JOINT_REVIEW],
            (),
            ["COORD-07", "COORD-02"],
            pre=[EXPERTS_NOT_DRAWN],
        ),
        _a("record_opinion", "出具评审意见", REVIEWER_ROLES, [S.JOINT_REVIEW], (), ["COORD-02"]),
        _a(
            "remind_reviewers",
            "催办评审意见",
            ["smart_office"],
            [S.JOINT_REVIEW],
            (),
            ["COORD-02"],
            pre=[REVIEWERS_MISSING],
        ),
        _a(
            "issue_consultation",
            "出具决策咨询意见",
            ["smart_office"],
            [S.JOINT_REVIEW],
            [S.CONSULTATION],
            ["COORD-02", "COORD-03"],
            irreversible=True,
            pre=[EXPERTS_DRAWN, ALL_OPINIONS_IN],
        ),
        _a(
            "leading_group_decide",
            "领导小组审定",
            ["leading_group"],
            [S.CONSULTATION],
            [S.APPROVAL, S.SCHEME, S.TERMINATED],
            ["COORD-03"],
            irreversible=True,
        ),
        _a(
            "accept_application",
            "受理审批申请",
            ["ndrc"],
            [S.APPROVAL],
            (),
            ["TIME-01", "COORD-04"],
            pre=[NOT_YET_ACCEPTED],
        ),
        _a(
            "issue_design_approval",
            "出具初步设计批复",
            ["ndrc"],
            [S.APPROVAL],
            (),
            ["COORD-04", "TIME-01"],
            irreversible=True,
            pre=[APPLICATION_ACCEPTED, PROJECT_CODE_RECORDED, DESIGN_APPROVAL_NOT_ISSUED],
        ),
        _a(
            "issue_price_review",
            "出具价格评审意见书",
            ["review_center"],
            [S.APPROVAL],
            (),
            ["COORD-04"],
            irreversible=True,
            pre=[PROJECT_CODE_RECORDED, PRICE_REVIEW_NOT_ISSUED],
        ),
        _a(
            "record_project_code",
            "登记项目代码",
            ["owner", "ndrc"],
            [S.APPROVAL],
            (),
            ["COORD-05", "SCOPE-04"],
        ),
        _a(
            "record_funding",
            "落实资金",
            ["finance"],
            [S.APPROVAL],
            [S.FUNDED],
            ["COORD-04", "COORD-05", "COORD-06"],
            pre=[DESIGN_APPROVAL_ISSUED, PRICE_REVIEW_ISSUED],  # both need the code first (COORD-09)
        ),
        _a("start_procurement", "启动招标采购", ["owner"], [S.FUNDED], [S.PROCUREMENT], ["IMPL-01"]),
        _a("record_tender", "登记招标", ["owner"], [S.PROCUREMENT], (), ["IMPL-01"]),
        _a(
            "record_contract",
            "登记合同",
            ["owner"],
            [S.PROCUREMENT, S.IMPLEMENTATION],
            (),
            ["IMPL-01", "COORD-06", "ORG-02"],
        ),
        _a(
            "start_implementation",
            "启动实施",
            ["owner"],
            [S.PROCUREMENT],
            [S.IMPLEMENTATION],
            ["IMPL-02"],
            pre=[CONTRACT_SIGNED],
        ),
        _a(
            "record_inspection",
            "登记督查",
            ["bdb", "bizenv"],
            [S.IMPLEMENTATION],
            (),
            ["IMPL-02", "IMPL-09"],
        ),
        _a(
            "record_midterm_review",
            "登记中期监管",
            ["smart_office"],
            [S.IMPLEMENTATION],
            (),
            ["SUPV-02", "SUPV-06"],
        ),
        _a(
            "record_payment",
            "登记支付",
            ["owner"],
            # SUPV-05: until the contract is settled, after final acceptance too (验收款, 质保金).
            [S.IMPLEMENTATION, S.FINAL_ACCEPTANCE, S.OPERATION, S.EVALUATED],
            (),
            ["SUPV-03", "IMPL-03", "ORG-02", "SUPV-05", "IMPL-08"],
            pre=[CONTRACT_UNSETTLED],
        ),
        _a("submit_data_dictionary", "提交数据字典", ["owner"], [S.IMPLEMENTATION], (), ["IMPL-04"]),
        _a(
            "pass_module_acceptance",
            "模块初验通过",
            ["owner"],
            [S.IMPLEMENTATION],
            (),
            ["IMPL-05"],
            pre=[MODULES_WAITING],
        ),
        _a(
            "apply_final_acceptance",
            "申请终验",
            ["owner"],
            [S.IMPLEMENTATION],
            [S.FINAL_ACCEPTANCE],
            ["IMPL-06", "TIME-02", "IMPL-04"],
            pre=[MODULES_ACCEPTED, THREE_MONTHS_AFTER_MODULES, DATA_DICTIONARY_SUBMITTED],
        ),
        _a(
            "decide_final_acceptance",
            "终验决定",
            ["smart_office"],
            [S.FINAL_ACCEPTANCE],
            [S.OPERATION, S.IMPLEMENTATION],
            ["IMPL-06", "TIME-03"],
            irreversible=True,
            pre=[CITY_APPLICATION_PENDING],
        ),
        _a(  # IMPL-10: by the owner, from implementation, without the city's 3-month wait
            "file_external_acceptance",
            "报送国家/省级终验",
            ["owner"],
            [S.IMPLEMENTATION],
            [S.FINAL_ACCEPTANCE],
            ["IMPL-10", "IMPL-06", "IMPL-04"],
            irreversible=True,
            pre=[MODULES_ACCEPTED, DATA_DICTIONARY_SUBMITTED],
        ),
        _a(
            "record_post_evaluation",
            "登记后评估",
            ["smart_office"],
            [S.OPERATION],
            [S.EVALUATED],
            ["SUPV-04", "TIME-03"],
            irreversible=True,
            pre=[ONE_YEAR_IN_OPERATION],
        ),
        _a(
            "list_zombie",
            "列入僵尸系统",
            ["bdb"],
            [S.OPERATION, S.EVALUATED],
            (),
            ["REJ-09", "TIME-04"],
            irreversible=True,
            pre=[NOT_YET_ZOMBIE],
        ),
        _a(
            "record_external_filing",
            "国家/省级终验备案",
            ["smart_office"],
            [S.FINAL_ACCEPTANCE],
            [S.OPERATION],
            ["IMPL-10", "TIME-03"],
            irreversible=True,
            pre=[EXTERNAL_AWAITING_FILING],
        ),
        _a(
            "plan_implementation",
            "登记计划实施期",
            ["owner"],
            [S.PROCUREMENT, S.IMPLEMENTATION],
            (),
            ["SUPV-06"],
        ),
        _a(
            "grant_exemption",
            "批准特殊情况豁免",
            ["leading_group"],
            OPEN_STAGES,
            (),
            ["ORG-04", "ORG-02"],
            irreversible=True,
        ),
        _a("withdraw", "撤回", ["owner"], WITHDRAWABLE, [S.WITHDRAWN], (), irreversible=True),
        _a(
            "record_estimate_review",
            "登记第三方概算评审",
            ["smart_office"],
            [S.JOINT_REVIEW],
            (),
            ["COORD-08"],
        ),
        # IMPL-08 概算调整: neither moves the stage, and a pending change blocks no other action.
        _a(
            "apply_estimate_change",
            "申请概算调整",
            ["owner"],
            [S.FUNDED, S.PROCUREMENT, S.IMPLEMENTATION],
            (),
            ["IMPL-08"],
            pre=[NO_PENDING_ESTIMATE_CHANGE],
        ),
        _a(
            "decide_estimate_change",
            "审批概算调整",
            ["ndrc"],
            [S.FUNDED, S.PROCUREMENT, S.IMPLEMENTATION, S.FINAL_ACCEPTANCE, S.OPERATION],
            (),
            ["IMPL-08"],
            irreversible=True,
            pre=[ESTIMATE_CHANGE_PENDING],
        ),
        # SUPV-05: a payment schedule per contract, and its settlement after which nothing is paid.
        _a(
            "set_payment_schedule",
            "制定付款计划",
            ["owner"],
            [S.PROCUREMENT, S.IMPLEMENTATION, S.FINAL_ACCEPTANCE, S.OPERATION, S.EVALUATED],
            (),
            ["SUPV-05"],
            pre=[CONTRACT_SIGNED, CONTRACT_UNSETTLED],
        ),
        _a(
            "record_settlement",
            "登记合同结算",
            ["owner"],
            [S.IMPLEMENTATION, S.FINAL_ACCEPTANCE, S.OPERATION, S.EVALUATED],
            (),
            ["SUPV-05"],
            irreversible=True,
            pre=[CONTRACT_UNSETTLED],
        ),
        # IMPL-07 信息工程监理: encouraged, optional; recorded and shown.
        _a(
            "record_supervision",
            "登记信息工程监理",
            ["owner"],
            [S.PROCUREMENT, S.IMPLEMENTATION, S.FINAL_ACCEPTANCE],
            (),
            ["IMPL-07"],
        ),
        _a("terminate", "终止", ["smart_office"], OPEN_STAGES, [S.TERMINATED], (), irreversible=True),
    ]
}


# The access module's capability table reads each action's roles from here (`project.action.<code>`).
access.register_actions((spec.code, spec.roles) for spec in ACTIONS.values())


def actions_for(stage: str, user) -> list[ActionSpec]:
    """The actions a user may take in a stage, by the table alone (object checks come on top)."""
    return [spec for spec in ACTIONS.values() if stage in spec.sources and access.can_act(user, spec.code)]
