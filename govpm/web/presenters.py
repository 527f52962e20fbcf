"""Shapes that pages show: a refusal with its citation, a deadline's countdown, the stage timeline,
the running money totals. Pure functions of rows the selectors already loaded; no query, no rule."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from govpm.accounts.codes import CITY_REGION, REGIONS
from govpm.accounts.reference import AUTHORITIES
from govpm.core import access, clock
from govpm.core.errors import GovpmError
from govpm.policy.catalog import DOC, RULES
from govpm.projects import worklist
from govpm.projects.api.inputs import ACTION_INPUTS
from govpm.projects.facts import (
    ARCHITECTURE_LAYERS,
    BOOLEAN_FACTS,
    FACT_LABELS,
    OWNER_TYPES,
    PRIORITY_CLAIMS,
    SYSTEM_KINDS,
)
from govpm.projects.finance import current_baseline
from govpm.projects.models import (
    CATEGORY_LABELS,
    DEADLINE_RESPONSIBLE_UNIT,
    BuildType,
    Deadline,
    Level,
    Project,
)
from govpm.projects.stages import ACTIONS, MAIN_PATH, ActionSpec, Stage, actions_for
from govpm.promotion.models import Publicity
from govpm.promotion.services import PERIODS, Cadence

ZERO = Decimal("0.00")


@dataclass
class ErrorView:
    """A refusal as the page shows it: the message, then `IMPL-01 · 衢政办发〔2020〕8号 三(三)1`."""

    message: str
    field: str | None = None
    citation: str = ""


def error_view(error: GovpmError) -> ErrorView:
    cite = error.citation or ""
    if not cite and error.rule:
        cite = RULES[error.rule].citation if error.rule in RULES else error.rule
    return ErrorView(message=error.message, field=error.field, citation=cite)


@dataclass
class DeadlineState:
    deadline: Deadline
    days_left: int | None  # to due_on; negative when past
    overdue: bool
    text: str


def deadline_state(deadline: Deadline, today: dt.date | None = None) -> DeadlineState:
    today = today or clock.today()
    if deadline.status in {Deadline.Status.DONE, Deadline.Status.DONE_LATE}:
        late = deadline.status == Deadline.Status.DONE_LATE
        return DeadlineState(deadline, None, False, _("已完成（逾期完成）") if late else _("已完成"))
    days = (deadline.due_on - today).days
    limit = deadline.overdue_after
    overdue = deadline.status == Deadline.Status.OVERDUE or (limit is not None and today > limit)
    if overdue:
        late_days = (today - (limit or deadline.due_on)).days
        return DeadlineState(deadline, days, True, _("已逾期%(n)d天") % {"n": late_days})
    if deadline.kind == Deadline.Kind.NOT_BEFORE:
        return DeadlineState(
            deadline, days, False, _("%(n)d天后可办理") % {"n": days} if days > 0 else _("已可办理")
        )
    return DeadlineState(deadline, days, False, _("剩余%(n)d天") % {"n": days} if days > 0 else _("今日到期"))


@dataclass
class TimelineStep:
    code: str
    label: str
    state: str  # done, current, todo
    entered_at: dt.datetime | None = None


def timeline(project: Project, events) -> list[TimelineStep]:
    """The main path; a side stage (退回, 不予受理, 撤回, 终止) is placed where the project left it, and a
    closing one ends the bar there."""
    entered: dict[str, dt.datetime] = {}
    for event in events:
        if event.to_stage != event.from_stage or event.action == "create":
            entered[event.to_stage] = event.created_at
    path = list(MAIN_PATH)
    if project.stage not in path:
        last = max((path.index(s) for s in entered if s in path), default=0)
        # The path the project took ends where it left the main path (a rejected need's bar ends at
        # 不予受理); a 退回 is not an end, the need goes on from there once resubmitted.
        ended = project.stage != Stage.RETURNED
        path = path[: last + 1] + [Stage(project.stage)] + ([] if ended else path[last + 1 :])
    current = path.index(project.stage)
    return [
        TimelineStep(
            code=stage,
            label=Stage(stage).label,
            state="done" if index < current else "current" if index == current else "todo",
            entered_at=entered.get(stage) if index <= current else None,
        )
        for index, stage in enumerate(path)
    ]


@dataclass
class MoneySummary:
    approved_estimate: Decimal | None
    ceiling_total: Decimal = ZERO
    contract_total: Decimal = ZERO
    paid_total: Decimal = ZERO
    tenders: list = field(default_factory=list)  # (tender, contracted)
    contracts: list = field(default_factory=list)  # (contract, paid, remaining)
    payments: list = field(default_factory=list)  # (payment, running total)

    @property
    def contract_ratio(self) -> int | None:
        if not self.approved_estimate:
            return None
        return int(self.contract_total * 100 / self.approved_estimate)

    @property
    def paid_ratio(self) -> int | None:
        if not self.contract_total:
            return None
        return int(self.paid_total * 100 / self.contract_total)


def money_summary(project: Project) -> MoneySummary:
    tenders, contracts, payments = (
        list(project.tenders.all()),
        list(project.contracts.all()),
        list(project.payments.all()),
    )
    summary = MoneySummary(approved_estimate=current_baseline(project))  # IMPL-08: the one in force
    for tender in tenders:
        contracted = sum((c.amount for c in contracts if c.tender_id == tender.pk), ZERO)
        summary.tenders.append((tender, contracted))
        summary.ceiling_total += tender.ceiling
    for contract in contracts:
        paid = sum((p.amount for p in payments if p.contract_id == contract.pk), ZERO)
        summary.contracts.append((contract, paid, contract.amount - paid))
        summary.contract_total += contract.amount
    for payment in sorted(payments, key=lambda p: (p.paid_on, p.pk)):
        summary.paid_total += payment.amount
        summary.payments.append((payment, summary.paid_total))
    return summary


def fact_rows(facts: dict) -> list[tuple[str, str]]:
    """(label, readable value) for each recorded fact, in the order of the form."""

    def readable(key, value) -> str:
        if key == "level":
            return Level(value).label
        if key == "category":
            return CATEGORY_LABELS.get(value, str(value))
        if key == "build_type":
            return BuildType(value).label
        if key == "owner_type":
            return OWNER_TYPES.get(value, "")
        if key in BOOLEAN_FACTS or key == "government_funds":
            return "是" if value else "否"
        if key == "system_kinds":
            return "、".join(SYSTEM_KINDS[v] for v in value) or "无"
        if key == "architecture_layers":
            return "、".join(ARCHITECTURE_LAYERS[v] for v in value) or "未填"
        if key == "priority_claims":
            return (
                "；".join(f"{PRIORITY_CLAIMS[c['code']]}（佐证：{c['evidence'] or '未提供'}）" for c in value)
                or "无"
            )
        return str(value)

    return [(label, readable(key, facts[key])) for key, label in FACT_LABELS.items() if key in facts]


# Edited on its own page (the need form), not as an action form.
SEPARATE_PAGES = {"update"}


def own_open_tasks(project: Project, user) -> list:
    own_name = access.answers_in_own_name(user)
    return [
        task
        for task in project.review_tasks.all()
        if task.round == project.review_round
        and (
            task.expert_id == user.pk if own_name else task.expert_id is None and task.unit_id == user.unit_id
        )
    ]


@dataclass
class BlockedAction:
    """An action the user's role may take in this stage, refused in advance by a precondition."""

    spec: ActionSpec
    reason: str  # the precondition's Chinese reason, the same the lifecycle refuses with


def _table_actions(project: Project, user) -> list[ActionSpec]:
    return [spec for spec in actions_for(project.stage, user) if spec.code not in SEPARATE_PAGES]


def available_actions(project: Project, user) -> list[ActionSpec]:
    """The actions of stages.ACTIONS this user may take now: the table's roles and stages, then each
    action's preconditions (the lifecycle refuses with the same ones), then the user's own review task."""
    return [
        spec
        for spec in _table_actions(project, user)
        if spec.failing(project, met_by_form=worklist.FORM_MEETS) is None
        and (spec.code != "record_opinion" or bool(own_open_tasks(project, user)))
    ]


def blocked_actions(project: Project, user) -> list[BlockedAction]:
    """The actions the page shows disabled, each with the reason its first failing precondition gives."""
    blocked = []
    for spec in _table_actions(project, user):
        failed = spec.failing(project, met_by_form=worklist.FORM_MEETS)
        if failed is not None:
            blocked.append(BlockedAction(spec, failed.reason_for(project)))
    return blocked


# What a project's events are called: its lifecycle's actions and its creation.
ACTION_LABELS = {"create": "填报需求", **{code: spec.label for code, spec in ACTIONS.items()}}


def action_label(code: str) -> str:
    return ACTION_LABELS.get(code, code)


# What each of the project's own fields is called, by the name an event's `changes` records it under.
FIELD_LABELS = {field.attname: str(field.verbose_name) for field in Project._meta.concrete_fields}


def changed_fields(event) -> str:
    """The project fields an event changed, by their names (阶段、概算价…)."""
    return "、".join(FIELD_LABELS.get(name, name) for name in (event.changes or {}))


def done_message(spec: ActionSpec, result) -> str:
    """The line shown after an action succeeded; precheck reports its findings."""
    if spec.code == "precheck":
        if not result:
            return _("预检完成：未发现不予受理情形，可以提交。")
        return _("预检发现不予受理情形：") + "；".join(
            f"{RULES[hit.rule].citation}：{hit.message}" for hit in result
        )
    return _("已完成「%(action)s」。") % {"action": spec.label}


def _wan(amount) -> Decimal:
    return (Decimal(amount or 0) / 10000).quantize(Decimal("0.01"))


def dashboard_charts(data: dict) -> list[tuple[str, str, str, str, list]]:
    """(key, title, unit, colour, rows) for each chart; rows are (label, value, list query string,
    meaning): the meaning of a rule-code label (REJ-06) for the chart's tooltip and the legend below it."""
    return [
        (key, title, unit, colour, [(*row, _meaning(row[0])) for row in rows])
        for key, title, unit, colour, rows in _charts(data)
    ]


def _meaning(label: str) -> str:
    """What the rule a chart label names means ('' for a label without a code, or one that says it)."""
    codes = RULE_CODE.findall(str(label))
    return "；".join(RULES[code].text for code in codes) if len(codes) == 1 and str(label) in codes else ""


def _charts(data: dict) -> list[tuple[str, str, str, str, list]]:
    return [
        ("pipeline", "项目阶段分布", "个", "#14457a", data["pipeline"]),
        (
            "by_unit",
            "投资额（按业主单位）",
            "万元",
            "#2f6fb0",
            [(n, _wan(v), q) for n, v, q in data["by_unit"]],
        ),
        (
            "by_county",
            "投资额（按区县）",
            "万元",
            "#3d8b6d",
            [(n, _wan(v), q) for n, v, q in data["by_county"]],
        ),
        ("overdue", "逾期时限", "项", "#b42318", data["overdue"]),
        ("rejections", "不予受理情形命中（按规则）", "个项目", "#a05a00", data["rejections"]),
        ("layers", "“四横三纵”架构层级", "个", "#5b4b9a", data["layers"]),
    ]


# --- 推广与考核 (四, 五) --------------------------------------------------------------------------

PERIOD_LABELS = {
    "theme": [f"{month}月" for month in range(1, 13)],
    "release": ["第一季度", "第二季度", "第三季度", "第四季度"],
    "summary": ["上半年", "下半年"],
    "synthesis": ["全年"],
}


@dataclass
class PeriodCell:
    """One period of the publicity cadence: what was recorded for it, or whether it is overdue."""

    kind: str
    period: int
    label: str
    item: Publicity | None  # the publicity recorded for this period
    missing: bool  # the period has ended with nothing recorded (TIME-05)


@dataclass
class CadenceRow:
    kind: str
    label: str
    cells: list[PeriodCell]


def publicity_grid(cadence: Cadence, items: list[Publicity]) -> list[CadenceRow]:
    """The year's 12 months, 4 quarters, 2 halves and 1 year, each recorded, missing or still to come.
    Which periods have ended is `cadence`'s answer, not re-derived here."""
    recorded = {(item.kind, item.period): item for item in items}
    return [
        CadenceRow(
            kind=kind,
            label=Publicity.Kind(kind).label,
            cells=[
                PeriodCell(
                    kind=kind,
                    period=period,
                    label=PERIOD_LABELS[kind][period - 1],
                    item=recorded.get((kind, period)),
                    missing=period in cadence.missing[kind],
                )
                for period in range(1, count + 1)
            ],
        )
        for kind, count in PERIODS.items()
    ]


# The columns of unit_performance (ORG-03), shared by the page's table and its XLSX export.
PERFORMANCE_COLUMNS = [
    ("unit", "单位"),
    ("submitted", "提交需求"),
    ("rejected", "不予受理"),
    ("completed", "建成运行"),
    ("overdue", "逾期未办"),
    ("late", "逾期办结"),
    ("zombies", "列入僵尸系统"),
    ("evaluated", "完成后评估"),
    ("evaluation_mean", "后评估平均分"),
    ("low_evaluations", "后评估结果偏低"),
    ("rule_hits", "规则命中"),
]


def performance_rows(units: list[dict]) -> list[list]:
    return [[unit[key] for key, _label in PERFORMANCE_COLUMNS] for unit in units]


RESPONSIBLE_NAMES = {code: name for code, name, *_ in AUTHORITIES}


def supervision(project, extras: dict) -> dict:
    """The project page's supervision panel (web/_supervision.html), from rows already read: the mid-term
    review's clock (SUPV-06), external acceptances (IMPL-10). ("1+1" inspections counted apart, IMPL-09:
    queries.project_extras.)"""
    midterm = next((d for d in project.deadlines.all() if d.code == "SUPV-06"), None)
    return {
        "midterm_overdue": midterm is not None and midterm.status == "overdue",
        "external_acceptances": [fa for fa in extras["final_acceptances"] if fa.external_body],
        # ORG-05: the unit that answers for each clock, named beside it.
        "deadline_units": {
            deadline.pk: RESPONSIBLE_NAMES.get(DEADLINE_RESPONSIBLE_UNIT.get(deadline.code, ""))
            or project.owner_unit.name
            for deadline in project.deadlines.all()
        },
        # Each rule shown with its citation, its words on hover (never a bare code).
        "supervision_rules": {
            code.replace("-", "_").lower(): {"citation": RULES[code].citation, "text": RULES[code].text}
            for code in ("IMPL-09", "SUPV-06", "IMPL-10", "ORG-04")
        },
    }


# --- rule codes with their meaning --------------------------------------------------------------------

RULE_CODE = re.compile(r"(?<![A-Za-z0-9])(" + "|".join(sorted(RULES, key=len, reverse=True)) + r")(?![0-9])")


def rule_title(code: str) -> str:
    """What a rule code means, for a hover title and a legend: 'REJ-06 重复建设… （衢政办发〔2020〕8号 二(二)）'."""
    rule = RULES.get(code)
    return f"{code} {rule.text}（{DOC} {rule.clause}）" if rule else code


def mark_rule_codes(text) -> SafeString:
    """The text, escaped, with each rule code wrapped in <abbr title="its meaning">."""
    escaped = conditional_escape("" if text is None else text)
    return mark_safe(  # noqa: S308 (escaped above; the title is escaped too)
        RULE_CODE.sub(
            lambda m: f'<abbr class="rule-code" title="{escape(rule_title(m.group(1)))}">{m.group(1)}</abbr>',
            str(escaped),
        )
    )


# --- decisions and regions by name --------------------------------------------------------------------

# Decision.outcome holds the action's decision code; its words are the choices of the action's input.
_DECISION_INPUTS = {
    "needs_review": "review_needs",
    "leading_group": "leading_group_decide",
    "final_acceptance": "decide_final_acceptance",
}


def decision_outcome(decision) -> str:
    """'退回修改' for a needs review's 'return'; the code only when no input names it."""
    if decision.outcome == "override":
        return _("已豁免")
    action = _DECISION_INPUTS.get(decision.kind)
    field = ACTION_INPUTS[action]().fields.get("decision") if action in ACTION_INPUTS else None
    return dict(getattr(field, "choices", {}) or {}).get(decision.outcome, decision.outcome)


def region_name(code: str) -> str:
    """'衢州市本级' for 330800, a county's name for its code."""
    return _("衢州市本级") if code == CITY_REGION else REGIONS.get(code, code)


def category_label(number) -> str:
    if number in (None, ""):
        return ""
    return CATEGORY_LABELS.get(int(number), str(number))


def waited(since: dt.datetime | dt.date | None, today: dt.date | None = None) -> str:
    """How long an item without a statutory time limit has waited, in days: 已等待N天. 剩余 is only for
    time left before a limit, 已逾期 only for time past one (deadline_state)."""
    if since is None:
        return ""
    today = today or clock.today()
    day = timezone.localdate(since) if isinstance(since, dt.datetime) else since
    days = (today - day).days
    return _("今日送达") if days <= 0 else _("已等待%(n)d天") % {"n": days}


def next_step(project: Project) -> str:
    """After an action: what happens next and who does it — the first action that moves the project on
    along the main path from where it now stands ('下一步：「需求审核」，由市大数据局办理。')."""
    from govpm.accounts.roles import Role
    from govpm.projects.stages import CLOSED_STAGES

    if project.stage in CLOSED_STAGES:
        return _("项目已「%(stage)s」，流程到此结束。") % {"stage": Stage(project.stage).label}
    here = MAIN_PATH.index(project.stage) if project.stage in MAIN_PATH else -1
    onward = [
        spec
        for spec in ACTIONS.values()
        if project.stage in spec.sources
        and any(target in MAIN_PATH and MAIN_PATH.index(target) > here for target in spec.targets)
    ]
    if not onward:
        return ""
    spec = onward[0]
    who = "、".join(Role(role).label for role in Role.values if role in spec.roles)
    return _("下一步：「%(action)s」，由%(who)s办理。") % {"action": spec.label, "who": who}


# --- the list's filters as chips ----------------------------------------------------------------------


@dataclass
class Chip:
    """One applied filter of a list, by name, with the query string of the list without it."""

    label: str
    value: str
    remove: str
    title: str = ""


def filter_chips(params, units) -> list[Chip]:
    """The filters a list was opened with (from a dashboard chart or the form), each removable: the
    list says what it is showing, so a click on a bar never leaves a silently filtered list."""

    names = {
        "q": ("关键词", {}),
        "stage": ("阶段", dict(Stage.choices)),
        "unit": ("业主单位", {str(unit.pk): unit.name for unit in units}),
        "region": ("区划", {code: region_name(code) for code in REGIONS}),
        "level": ("层级", dict(Level.choices)),
        "category": ("项目类别", {str(n): label for n, label in CATEGORY_LABELS.items()}),
        "priority": ("优先列入", {"true": "有优先情形", "false": "无"}),
        "layer": ("“四横三纵”层级", ARCHITECTURE_LAYERS),
        "overdue": ("逾期", {"true": "有逾期事项", "false": "无逾期"}),
        "rule": ("命中规则", {code: code for code in RULES}),
    }
    chips = []
    for key, (label, values) in names.items():
        value = params.get(key, "")
        if not value:
            continue
        rest = params.copy()  # a mutable copy of the request's QueryDict
        rest.pop(key, None)
        rest.pop("page", None)
        shown = (
            values.get(value, value)
            if key != "stage"
            else "、".join(values.get(v, v) for v in value.split(","))
        )
        chips.append(Chip(label, shown, rest.urlencode(), rule_title(value) if key == "rule" else ""))
    return chips
