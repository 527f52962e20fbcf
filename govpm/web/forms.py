"""The forms of the UI. Each control is named by the input path the API uses (`ceiling`,
`shares.330881`, `answers.REJ-02.hit`, `facts.level`), so a refusal's `field` lands beside its control.

Forms here only render controls and turn a POST into the API's JSON shape; `inputs.parse` checks types
with the same serializers as the API, and the lifecycle function checks the rules."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict

from govpm.accounts.codes import REGIONS
from govpm.core import clock
from govpm.core.errors import GovpmError, InvalidInput
from govpm.core.parsers import json_depth_exceeds, parse_int
from govpm.policy.catalog import JUDGEMENT_REJECTIONS, PRIORITY_RULES, RULES
from govpm.projects.api import inputs
from govpm.projects.facts import (
    ARCHITECTURE_LAYERS,
    BOOLEAN_FACTS,
    FACT_LABELS,
    PRIORITY_CLAIMS,
    SYSTEM_KINDS,
)
from govpm.projects.models import (
    CATEGORY_LABELS,
    BuildType,
    Inspection,
    Project,
    ReviewTask,
    Specialty,
)
from govpm.projects.scenarios import DICTIONARY
from govpm.projects.stages import ACTIONS
from govpm.promotion import inputs as promotion_inputs
from govpm.promotion.models import Publicity

from . import presenters, queries

YES_NO = [("yes", "是"), ("no", "否")]
CONFIRM = "_confirm"


@dataclass
class Control:
    name: str
    label: str
    kind: str  # text textarea money date number select radio yesno checkboxes rows shares json answer claims confirm
    required: bool = False
    choices: list[tuple[Any, str]] = field(default_factory=list)
    help: str = ""
    initial: Any = None
    rows: int = 0


@dataclass
class BoundControl:
    control: Control
    value: str = ""
    values: list[str] = field(default_factory=list)
    extra: dict = field(default_factory=dict)  # e.g. shares per region, answer hit and reason
    errors: list = field(default_factory=list)

    def __getattr__(self, name):
        return getattr(self.control, name)

    prefix: str = "f"

    @property
    def id(self) -> str:
        """Unique on a page that holds several action forms (a label's `for` must find its own control)."""
        return f"{self.prefix}-" + self.control.name.replace(".", "-").replace("_", "-")


def _c(serializer: type[inputs.Strict], name: str, kind: str, **kwargs) -> Control:
    """A control labelled and marked required as the API's serializer field is."""
    api_field = serializer().fields[name]
    return Control(name=name, label=str(api_field.label), kind=kind, required=api_field.required, **kwargs)


def _today() -> str:
    return clock.today().isoformat()


def action_controls(action: str, project: Project, user) -> list[Control]:
    """The controls of one action's form, with the choices this project offers."""
    i = inputs
    controls: list[Control]
    if action == "review_needs":
        controls = [
            Control(f"answers.{rule}", f"{rule} {RULES[rule].text}", "answer", required=True)
            for rule in JUDGEMENT_REJECTIONS
        ]
        controls += [  # PRI-06: each claimed priority ground confirmed or not, with the reason
            Control(
                f"priority.{claim['code']}",
                f"{PRIORITY_RULES[claim['code']]} {PRIORITY_CLAIMS[claim['code']]}（佐证：{claim['evidence']}）",
                "verdict",
                required=True,
            )
            for claim in project.facts.get("priority_claims", [])
        ]
        controls += [
            _c(
                i.ReviewNeeds,
                "decision",
                "radio",
                choices=[("accept", "同意入库"), ("return", "退回修改"), ("reject", "不予受理")],
            ),
            _c(i.ReviewNeeds, "comment", "textarea", help="退回修改时须写明需要修改的内容"),
        ]
    elif action == "reopen":
        hits = sorted(
            {f.rule_code for f in project.findings.all() if f.outcome == "hit" and not f.overridden_by_id}
        )
        controls = [
            _c(i.Reopen, "rules", "checkboxes", choices=[(code, RULES[code].citation) for code in hits]),
            _c(i.Reopen, "reason", "textarea"),
        ]
    elif action == "open_scheme":
        controls = [
            _c(
                i.OpenScheme,
                "merge_ids",
                "checkboxes",
                choices=queries.mergeable(user, project),
                help="可将其他已入库需求合并为一个项目（PLAN-02）",
            ),
            _c(i.OpenScheme, "note", "textarea"),
        ]
    elif action == "submit_scheme":
        controls = [
            _c(i.SubmitScheme, "requested_estimate", "money", initial=project.requested_estimate),
            _c(
                i.SubmitScheme,
                "modules",
                "rows",
                rows=6,
                initial=[m.name for m in project.modules.all()],
                help="每行一个模块、功能或阶段；初验按模块进行（IMPL-05）",
            ),
            _c(i.SubmitScheme, "scheme_summary", "textarea"),
        ]
    elif action == "draw_experts":
        controls = [
            _c(i.DrawExperts, "specialties", "checkboxes", choices=Specialty.choices),
            _c(i.DrawExperts, "per_specialty", "number", initial=2, help="每个专业随机抽取的专家人数"),
        ]
    elif action == "record_opinion":
        controls = [
            _c(i.RecordOpinion, "opinion", "radio", choices=ReviewTask.Opinion.choices),
            _c(i.RecordOpinion, "comment", "textarea"),
        ]
    elif action == "issue_consultation":
        controls = [
            _c(i.IssueConsultation, "approved_estimate", "money", initial=project.requested_estimate),
            _c(i.IssueConsultation, "opinion_text", "textarea"),
        ]
    elif action == "leading_group_decide":
        controls = [
            _c(
                i.LeadingGroupDecide,
                "decision",
                "radio",
                choices=[("approve", "同意"), ("revise", "修改方案"), ("reject", "不同意")],
            ),
            _c(i.LeadingGroupDecide, "reason", "textarea", help="修改方案或不同意时须写明理由"),
        ]
    elif action == "issue_design_approval":
        controls = [_c(i.IssueDesignApproval, "approval_text", "textarea")]
    elif action == "issue_price_review":
        controls = [
            _c(i.IssuePriceReview, "amount", "money", initial=project.approved_estimate),
            _c(i.IssuePriceReview, "review_text", "textarea"),
        ]
    elif action == "record_project_code":
        controls = [
            _c(
                i.RecordProjectCode,
                "project_code",
                "text",
                initial=project.project_code,
                help="投资项目在线审批监管平台生成的24位代码，如 2026-330800-65-01-000011",
            )
        ]
    elif action == "record_funding":
        controls = [
            _c(i.RecordFunding, "amount", "money", initial=project.approved_estimate),
            _c(i.RecordFunding, "decided_on", "date", initial=_today()),
            _c(i.RecordFunding, "om_amount", "money"),
            _c(i.RecordFunding, "source", "text", initial="市级财政资金"),
            _c(
                i.RecordFunding,
                "shares",
                "shares",
                choices=sorted(REGIONS.items()),
                help="市县共建项目按“统采分签、分级负担”填写各级承担金额；不填则全部由业主单位所在区划承担",
            ),
        ]
    elif action == "record_tender":
        controls = [
            _c(i.RecordTender, "title", "text", initial=f"{project.name}建设"),
            _c(i.RecordTender, "ceiling", "money", help="不得超过概算价（IMPL-01）"),
            _c(i.RecordTender, "published_on", "date", initial=_today()),
            _c(i.RecordTender, "method", "text", initial="公开招标"),
        ]
    elif action == "record_contract":
        tenders = [(t.pk, f"{t.title}（最高限价 ¥{t.ceiling:,.2f}）") for t in project.tenders.all()]
        controls = [
            _c(i.RecordContract, "tender_id", "select", choices=tenders),
            _c(i.RecordContract, "supplier", "text"),
            _c(i.RecordContract, "amount", "money"),
            _c(i.RecordContract, "signed_on", "date", initial=_today()),
            _c(
                i.RecordContract,
                "signing_unit_id",
                "select",
                choices=queries.unit_choices(),
                help="统采分签时选择签约单位；不选则为业主单位",
            ),
        ]
    elif action == "record_inspection":
        controls = [
            _c(i.RecordInspection, "inspected_on", "date", initial=_today()),
            _c(i.RecordInspection, "result", "radio", choices=Inspection.Result.choices),
            _c(i.RecordInspection, "findings", "textarea"),
        ]
    elif action == "record_midterm_review":
        controls = [
            _c(i.RecordMidtermReview, "reviewed_on", "date", initial=_today()),
            _c(i.RecordMidtermReview, "conclusion", "textarea"),
            _c(i.RecordMidtermReview, "issues", "textarea"),
        ]
    elif action == "record_payment":
        summary = presenters.money_summary(project)
        contracts = [
            (c.pk, f"{c.supplier}（合同 ¥{c.amount:,.2f}，已付 ¥{paid:,.2f}）")
            for c, paid, _ in summary.contracts
        ]
        controls = [
            _c(i.RecordPayment, "contract_id", "select", choices=contracts),
            _c(i.RecordPayment, "amount", "money"),
            _c(i.RecordPayment, "paid_on", "date", initial=_today()),
            _c(i.RecordPayment, "milestone", "text"),
        ]
    elif action == "submit_data_dictionary":
        controls = [
            _c(
                i.SubmitDataDictionary,
                "descriptor",
                "json",
                rows=10,
                initial=json.dumps(DICTIONARY, ensure_ascii=False, indent=2),
                help="Table Schema（JSON）：fields 列出每个字段的 name、type 与约束（IMPL-04）",
            )
        ]
    elif action == "pass_module_acceptance":
        modules = [(m.pk, m.name) for m in project.modules.all() if m.accepted_on is None]
        controls = [
            _c(i.PassModuleAcceptance, "module_id", "select", choices=modules),
            _c(i.PassModuleAcceptance, "accepted_on", "date", initial=_today()),
            _c(i.PassModuleAcceptance, "note", "textarea"),
        ]
    elif action == "decide_final_acceptance":
        controls = [
            _c(i.DecideFinalAcceptance, "decision", "radio", choices=[("pass", "通过"), ("fail", "不通过")]),
            _c(i.DecideFinalAcceptance, "reason", "textarea"),
        ]
    elif action == "file_external_acceptance":
        controls = [
            _c(i.FileExternalAcceptance, "body", "text"),
            _c(i.FileExternalAcceptance, "accepted_on", "date", initial=_today()),
            _c(i.FileExternalAcceptance, "reference", "text"),
        ]
    elif action == "record_post_evaluation":
        controls = [
            _c(i.RecordPostEvaluation, "evaluator", "text"),
            _c(i.RecordPostEvaluation, "score", "number", help="0—100"),
            _c(i.RecordPostEvaluation, "use_findings", "textarea"),
            _c(i.RecordPostEvaluation, "security_findings", "textarea"),
        ]
    elif action == "remind_reviewers":
        controls = [_c(i.RemindReviewers, "message", "textarea", help="留空则发送默认催办内容")]
    elif action in {"list_zombie", "withdraw", "terminate"}:
        controls = [_c(i.Reason, "reason", "textarea")]
    else:  # actions without input: precheck, submit, accept_application, start_*, apply_final_acceptance
        controls = []
    if ACTIONS[action].irreversible:
        controls.append(Control(CONFIRM, "我已核对，确认执行此不可撤销的操作", "confirm", required=True))
    return controls


def need_controls(project: Project | None = None) -> list[Control]:
    """The need form (填报需求 / 修改需求): name, summary, estimate and every fact of facts.py."""
    facts = project.facts if project else {}
    claims = {claim["code"]: claim["evidence"] for claim in facts.get("priority_claims", [])}
    serializer = inputs.UpdateDraft if project else inputs.CreateProject
    controls = [
        _c(serializer, "name", "text", initial=project.name if project else ""),
        _c(serializer, "summary", "textarea", initial=project.summary if project else ""),
        _c(
            serializer,
            "requested_estimate",
            "money",
            initial=project.requested_estimate if project else None,
            help="单位：元",
        ),
        # No level control: the level follows the owner unit (SCOPE-05).
        Control(
            "facts.government_funds",
            FACT_LABELS["government_funds"],
            "yesno",
            choices=YES_NO,
            initial={"True": "yes", "False": "no"}.get(str(facts.get("government_funds"))),
            help="不使用政府性资金的项目不属于受理范围（SCOPE-06）",
        ),
        Control(
            "facts.category",
            FACT_LABELS["category"],
            "select",
            initial=facts.get("category"),
            choices=[(n, f"{n}. {label}") for n, label in CATEGORY_LABELS.items()],
            help="实施意见二(一)(1)所列七类",
        ),
        Control(
            "facts.build_type",
            FACT_LABELS["build_type"],
            "select",
            choices=BuildType.choices,
            initial=facts.get("build_type"),
        ),
    ]
    for key, label in BOOLEAN_FACTS.items():
        initial = {True: "yes", False: "no"}.get(facts.get(key))
        controls.append(Control(f"facts.{key}", label, "yesno", choices=YES_NO, initial=initial))
    controls += [
        Control(
            "facts.system_kinds",
            FACT_LABELS["system_kinds"],
            "checkboxes",
            choices=list(SYSTEM_KINDS.items()),
            initial=facts.get("system_kinds", []),
            help="新建上述类型系统的，按二(二)第6项不予受理",
        ),
        Control(
            "facts.priority_claims",
            FACT_LABELS["priority_claims"],
            "claims",
            initial=claims,
            choices=[(code, f"{PRIORITY_RULES[code]} {label}") for code, label in PRIORITY_CLAIMS.items()],
        ),
        Control(
            "facts.architecture_layers",
            FACT_LABELS["architecture_layers"],
            "checkboxes",
            choices=list(ARCHITECTURE_LAYERS.items()),
            initial=facts.get("architecture_layers", []),
        ),
    ]
    return controls


def _money(text: str) -> str:
    return text.replace(",", "").replace("，", "").replace("¥", "").replace(" ", "")


def _put(data: dict, name: str, value) -> None:
    if name.startswith("facts."):
        data.setdefault("facts", {})[name.removeprefix("facts.")] = value
    else:
        data[name] = value


class Form:
    """Controls bound to a POST (or to their initial values), the payload for `inputs.parse`, and the
    errors a refusal reported, each placed on the control its `field` names."""

    def __init__(self, controls: list[Control], data: QueryDict | None = None, *, action: str = "need"):
        self.action = action
        self.spec = ACTIONS.get(action)
        self.controls = controls
        self.data = data
        self.errors: list[presenters.ErrorView] = []  # those no control claims
        self.bound = [self._bind(control) for control in controls]

    def _bind(self, control: Control) -> BoundControl:
        bound = BoundControl(control, prefix=self.action.replace("_", "-"))
        data = self.data
        if control.kind == "shares":
            bound.extra = {
                code: (data.get(f"shares.{code}", "") if data is not None else "")
                for code, _ in control.choices
            }
        elif control.kind == "verdict":
            bound.extra = {
                "confirmed": data.get(f"{control.name}.confirmed", "") if data is not None else "",
                "reason": data.get(f"{control.name}.reason", "") if data is not None else "",
            }
        elif control.kind == "answer":
            bound.extra = {
                "hit": data.get(f"{control.name}.hit", "") if data is not None else "",
                "reason": data.get(f"{control.name}.reason", "") if data is not None else "",
            }
        elif control.kind == "claims":
            initial = control.initial or {}
            if data is not None:
                chosen = data.getlist(control.name)
                bound.extra = {
                    code: {"checked": code in chosen, "evidence": data.get(f"{control.name}.{code}", "")}
                    for code, _ in control.choices
                }
            else:
                bound.extra = {
                    code: {"checked": code in initial, "evidence": initial.get(code, "")}
                    for code, _ in control.choices
                }
        elif control.kind in {"checkboxes", "rows"}:
            values = data.getlist(control.name) if data is not None else (control.initial or [])
            bound.values = [str(v) for v in values]
        elif data is not None:
            bound.value = data.get(control.name, "")
        elif control.initial is not None:
            bound.value = str(control.initial)
        return bound

    def payload(self) -> dict:
        """The API's JSON body. Blank optional controls are left out, as an API client would."""
        data: dict = {}
        post = self.data
        for control in self.controls:
            name, kind = control.name, control.kind
            if kind == "confirm":
                if post.get(name) != "yes":
                    raise InvalidInput("请勾选确认：此操作不可撤销", field=name)
            elif kind == "verdict":
                if (verdict := _verdict(post, name)) is not None:
                    data.setdefault("priority", {})[name.removeprefix("priority.")] = verdict
            elif kind == "answer":
                hit = post.get(f"{name}.hit")
                if hit in {"yes", "no"}:
                    _put_answer(data, name, hit == "yes", post.get(f"{name}.reason", ""))
            elif kind == "shares":
                rows = [
                    {"region_code": code, "amount": _money(post.get(f"shares.{code}", ""))}
                    for code, _ in control.choices
                    if post.get(f"shares.{code}", "").strip()
                ]
                if rows:
                    data["shares"] = rows
            elif kind == "claims":
                chosen = post.getlist(name)
                _put(
                    data,
                    name,
                    [
                        {"code": code, "evidence": post.get(f"{name}.{code}", "").strip()}
                        for code, _ in control.choices
                        if code in chosen
                    ],
                )
            elif kind == "checkboxes":
                values = post.getlist(name)
                if control.choices and isinstance(control.choices[0][0], int):
                    values = [parse_int(v, name, control.label) for v in values if v.isdigit()]
                _put(data, name, values)
            elif kind == "rows":
                _put(data, name, [v.strip() for v in post.getlist(name) if v.strip()])
            elif kind == "yesno":
                if post.get(name) in {"yes", "no"}:
                    _put(data, name, post.get(name) == "yes")
            elif kind == "json":
                text = post.get(name, "").strip()
                if text:
                    if json_depth_exceeds(text.encode()):
                        raise InvalidInput(f"{control.label}：JSON 嵌套层数过多", field=name)
                    try:
                        _put(data, name, json.loads(text))
                    except json.JSONDecodeError as exc:
                        raise InvalidInput(
                            f"{control.label}：不是有效的 JSON（第{exc.lineno}行）", field=name
                        ) from None
            else:
                value = post.get(name, "").strip()
                if not value:
                    continue
                if kind == "money":
                    value = _money(value)
                elif name == "facts.category":
                    value = parse_int(value, name, control.label) if value.isdigit() else value
                _put(data, name, value)
        return data

    def fail(self, error: GovpmError) -> None:
        view = presenters.error_view(error)
        target = view.field or ""
        for bound in self.bound:
            if target == bound.name or target.startswith(bound.name + "."):
                bound.errors.append(view)
                return
        self.errors.append(view)

    @property
    def has_errors(self) -> bool:
        return bool(self.errors) or any(bound.errors for bound in self.bound)


def _verdict(post: QueryDict | None, name: str) -> dict | None:
    """PRI-06: bdb's verdict on one priority claim, or None when the radio was left empty."""
    confirmed = post.get(f"{name}.confirmed") if post is not None else None
    if post is None or confirmed not in {"yes", "no"}:
        return None
    return {"confirmed": confirmed == "yes", "reason": post.get(f"{name}.reason", "")}


def _put_answer(data: dict, name: str, hit: bool, reason: str) -> None:
    rule = name.removeprefix("answers.")
    data.setdefault("answers", {})[rule] = {"hit": hit, "reason": reason}


def action_form(action: str, project: Project, user, data: QueryDict | None = None) -> Form:
    return Form(action_controls(action, project, user), data, action=action)


# Which role records which promotion item (四). govpm.promotion.services checks it on every call; this
# only decides which forms the 推广与考核 page offers.
PROMOTION_RECORDERS = {"publicity": "smart_office", "showcase": "smart_office", "case": "bdb"}
PROMOTION_INPUTS = {
    "publicity": promotion_inputs.PublicityIn,
    "showcase": promotion_inputs.ShowcaseIn,
    "case": promotion_inputs.CaseIn,
}


def promotion_controls(kind: str, year: int, initial: QueryDict | None = None) -> list[Control]:
    """The controls of one promotion form; `initial` prefills a publicity period (the grid's links)."""
    serializer = PROMOTION_INPUTS[kind]
    if kind == "publicity":
        prefill = initial or QueryDict()
        return [
            _c(serializer, "kind", "select", choices=Publicity.Kind.choices, initial=prefill.get("kind")),
            _c(serializer, "year", "number", initial=year),
            _c(
                serializer,
                "period",
                "number",
                initial=prefill.get("period"),
                help="月份1–12、季度1–4、半年1–2或年度1",
            ),
            _c(serializer, "title", "text"),
            _c(serializer, "published_on", "date", initial=_today()),
            _c(serializer, "channel", "text"),
        ]
    if kind == "showcase":
        return [
            _c(serializer, "title", "text"),
            _c(serializer, "held_on", "date", initial=_today()),
            _c(serializer, "audience", "text"),
        ]
    return [
        _c(serializer, "title", "text"),
        _c(serializer, "presented_to", "text", help="国家、省级有关部门"),
        _c(serializer, "presented_on", "date", initial=_today()),
    ]


def promotion_form(
    kind: str, year: int, data: QueryDict | None = None, initial: QueryDict | None = None
) -> Form:
    return Form(promotion_controls(kind, year, initial), data, action=kind)
