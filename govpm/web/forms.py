"""The forms of the UI. Each control is named by the input path the API uses (`ceiling`,
`shares.330881`, `answers.REJ-02.hit`, `facts.level`), so a refusal's `field` lands beside its control.

Forms here only render controls and turn a POST into the API's JSON shape; `inputs.parse` checks types
with the same serializers as the API, and the lifecycle function checks the rules."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.http import QueryDict
from rest_framework import serializers

from govpm.core import clock
from govpm.core.errors import GovpmError, InvalidInput
from govpm.core.money import format_yuan
from govpm.core.parsers import json_depth_exceeds, parse_int
from govpm.materials import catalog as material_catalog
from govpm.materials import uploads as material_files
from govpm.materials.detect import EXTENSIONS
from govpm.policy.catalog import JUDGEMENT_REJECTIONS, PRIORITY_RULES, RULES
from govpm.projects import datadict, selectors
from govpm.projects.api import inputs
from govpm.projects.api.choices import action_choices
from govpm.projects.facts import (
    ARCHITECTURE_LAYERS,
    BOOLEAN_FACTS,
    FACT_LABELS,
    PRIORITY_CLAIMS,
    SYSTEM_KINDS,
)
from govpm.projects.models import CATEGORY_LABELS, BuildType, Project, Specialty
from govpm.projects.selectors import design_task_choices
from govpm.projects.stages import ACTIONS
from govpm.promotion import inputs as promotion_inputs

from . import presenters

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
    refusal: str = ""  # a confirm control's own message when left unticked
    # Turns the posted text into the API's value (a control whose text is not the API's shape).
    parse: Any = None


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

    @property
    def error_part(self) -> str:
        """The part of a compound control an error names: `reason` of `answers.REJ-07.reason`, `hit`,
        `confirmed`, a region code of the shares; "" for the control as a whole."""
        for error in self.errors:
            name = error.field or ""
            if name.startswith(self.control.name + "."):
                return name.removeprefix(self.control.name + ".").split(".")[0]
        return ""

    @property
    def error_region(self) -> str:
        """For the shares grid: the region whose row an error names, "" when it names the grid."""
        part = self.error_part
        if self.control.kind != "shares":
            return ""
        if part.isdigit():  # `shares.1.amount`: the second row sent, i.e. the second region filled in
            filled = [code for code, value in self.extra.items() if str(value).strip()]
            return filled[int(part)] if int(part) < len(filled) else ""
        return part if part in dict(self.control.choices) else ""

    @property
    def anchor(self) -> str:
        """The id the error summary links to: the very box the error names, else the control."""
        if self.error_part == "reason" and self.control.kind in {"answer", "verdict"}:
            return f"{self.id}-reason"
        if self.error_region:
            return f"{self.id}-{self.error_region}"
        return self.id


def _c(serializer: type[inputs.Strict], name: str, kind: str, **kwargs) -> Control:
    """A control labelled and marked required as the API's serializer field is."""
    api_field = serializer().fields[name]
    return Control(name=name, label=str(api_field.label), kind=kind, required=api_field.required, **kwargs)


def _today() -> str:
    return clock.today().isoformat()


def _kind(api_field: serializers.Field, listed: bool) -> str:
    """The default control of a serializer field: a date picker for a date, a money box for 元, radios for
    a choice, checkboxes for a list of ids, one box per line for a list of text, a text box or a text area
    by length."""
    if isinstance(api_field, serializers.ChoiceField):
        return "radio"
    if isinstance(api_field, serializers.BooleanField):
        return "yesno"
    if isinstance(api_field, serializers.DateField):
        return "date"
    if isinstance(api_field, serializers.DecimalField):
        return "money" if api_field.decimal_places == 2 and api_field.max_digits == 16 else "number"
    if isinstance(api_field, serializers.IntegerField):
        return "select" if listed else "number"
    if isinstance(api_field, serializers.ListField):
        return "checkboxes" if listed or isinstance(api_field.child, serializers.IntegerField) else "rows"
    if isinstance(api_field, serializers.DictField):
        return "json"
    max_length = getattr(api_field, "max_length", None)
    return "text" if max_length and max_length <= 200 else "textarea"


def derive(
    serializer: type[serializers.Serializer], overrides: dict | None = None, choices: dict | None = None
) -> list[Control]:
    """One control per field of an input serializer, in its order, as `_kind` reads the field; label,
    required and help come from the field, so the API document and the form say the same. `overrides`
    maps a field to the Control arguments that replace the defaults, to a list of controls that replace
    it, or to None to leave it out; `choices` maps a field to its (value, label) pairs."""
    overrides, choices = overrides or {}, choices or {}
    controls = []
    for name, api_field in serializer().fields.items():
        override = overrides.get(name, {})
        if override is None or isinstance(override, list):
            controls += override or []
            continue
        options = choices.get(name) or list(getattr(api_field, "choices", {}).items())
        kind = _kind(api_field, name in choices)
        if kind == "yesno":
            options = YES_NO
        initial = api_field.default if isinstance(api_field.default, str | int) else None
        if kind == "date":
            initial = _today()
        kwargs = {
            "kind": kind,
            "choices": options,
            "help": str(api_field.help_text or ""),
            "initial": initial or None,
            "rows": {"rows": 6, "json": 10}.get(kind, 0),
        }
        controls.append(
            Control(name=name, label=str(api_field.label), required=api_field.required, **(kwargs | override))
        )
    return controls


def _priority_verdicts(project: Project) -> list[Control]:
    """PRI-06: one control per priority ground the owner claimed — bdb confirms or rejects it, with the
    reason — named `priority.<code>` as the API's body; the claim's evidence is shown beside it."""
    return [
        Control(
            f"priority.{claim['code']}",
            f"{PRIORITY_RULES[claim['code']]} {PRIORITY_CLAIMS[claim['code']]}（佐证：{claim['evidence']}）",
            "verdict",
            required=True,
        )
        for claim in project.facts.get("priority_claims", [])
    ]


SCORE_FIELDS = ("achieved_value", "result", "score", "note")


def _target_scores(project: Project) -> list[Control]:
    """PERF-02: one control per performance target of the need — value achieved, met or not, score,
    evidence — named `target_scores.<target id>`."""
    return [
        Control(
            f"target_scores.{target.pk}",
            f"{target.indicator}（目标值 {target.value_text}，{target.due_by:%Y年%-m月%-d日}前）",
            "target_score",
            required=True,
            choices=[("met", "达成"), ("partly", "部分达成"), ("not_met", "未达成")],
        )
        for target in project.performance_targets.all()
    ]


def _answers() -> list[Control]:
    """One control per rule the reviewer judges (二(二)), named `answers.<rule>` as the API's body."""
    return [
        Control(f"answers.{rule}", f"{rule} {RULES[rule].text}", "answer", required=True)
        for rule in JUDGEMENT_REJECTIONS
    ]


# The few controls the serializer cannot describe alone: a project's own figures as starting values, one
# control per judgement rule, the grid of shares. Anything not named here is derived (`derive`); a new
# action whose body is dates, money, choices and text needs no entry.
OVERRIDES: dict[str, Any] = {
    "review_needs": lambda p, u: {"answers": _answers(), "priority": _priority_verdicts(p)},
    "draw_experts": lambda p, u: {
        "specialties": {"kind": "checkboxes", "choices": Specialty.choices},
        "per_specialty": {"initial": 2, "help": "每个专业随机抽取的专家人数"},
    },
    "submit_scheme": lambda p, u: {
        "requested_estimate": {"initial": p.requested_estimate},
        "modules": {"initial": [m.name for m in p.modules.all()]},
    },
    "record_opinion": lambda p, u: {"task_id": None},  # the reviewer's own task is found by the lifecycle
    "issue_consultation": lambda p, u: {"approved_estimate": {"initial": p.requested_estimate}},
    "issue_price_review": lambda p, u: {"amount": {"initial": p.approved_estimate}},
    "record_project_code": lambda p, u: {"project_code": {"initial": p.project_code}},
    "record_funding": lambda p, u: {
        "amount": {"initial": p.approved_estimate},
        "source": {"initial": "市级财政资金"},
        "shares": {"kind": "shares"},
    },
    "record_tender": lambda p, u: {"title": {"initial": f"{p.name}建设"}},
    # Entered as a table, one row per field; the Table Schema is built from it (datadict.schema_from_rows).
    "submit_data_dictionary": lambda p, u: {
        "descriptor": {
            "kind": "dictionary",
            "help": "每行一个字段；字段名用英文字母、数字和下划线，中文名写给人看。至少一个字段标为主键。",
        }
    },
    "file_external_acceptance": lambda p, u: {"reference": {"kind": "text"}},
    "apply_estimate_change": lambda p, u: {
        "new_amount": {"initial": p.approved_estimate, "help": _estimate_floor_help(p)}
    },
    "set_payment_schedule": lambda p, u: {
        "milestones": {
            "kind": "textarea",
            "rows": 5,
            "initial": _schedule_example(p),
            "parse": _milestone_lines,
            "help": "每行一个付款节点：名称，比例（如 30%）或金额（元），应付日期（年-月-日）；"
            "合计须等于合同金额（SUPV-05）",
        }
    },
    "record_post_evaluation": lambda p, u: {"target_scores": _target_scores(p)},
}


def _estimate_floor_help(project: Project) -> str:
    """IMPL-08: what the change may not go below, so the form does not invite a refusal."""
    contracted = sum((contract.amount for contract in project.contracts.all()), Decimal("0"))
    if not contracted:
        return "单位：元；须大于0（IMPL-08）"
    return f"单位：元；不得低于已签合同金额合计 {format_yuan(contracted)}（IMPL-08）"


def _schedule_example(project: Project) -> str:
    """SUPV-05: a starting schedule (30/60/10 by share) from the first contract's signing date."""
    contract = next(iter(project.contracts.all()), None)
    start = contract.signed_on if contract else clock.today()
    return "\n".join(
        [
            f"预付款，30%，{start.isoformat()}",
            f"验收款，60%，{clock.add_months(start, 6).isoformat()}",
            f"质保金，10%，{clock.add_years(start, 1).isoformat()}",
        ]
    )


MAX_LINES = 24


def _milestone_lines(text: str, control: Control) -> list[dict]:
    """SUPV-05: "名称，30%，2026-03-01" or "名称，300000.00，2026-03-01" per line → the API's milestones."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) > MAX_LINES:
        raise InvalidInput(f"{control.label}：最多 {MAX_LINES} 行", field=control.name)
    rows = []
    for number, line in enumerate(lines, start=1):
        parts = [part.strip() for part in line.replace("，", ",").replace("\t", ",").split(",")]
        if len(parts) < 3:
            raise InvalidInput(
                f"{control.label}第{number}行：应为“名称，比例%或金额，应付日期”", field=control.name
            )
        # The amount may carry thousands separators: whatever lies between the name and the date.
        name, money, due_on = parts[0], "".join(parts[1:-1]), parts[-1]
        row = {"name": name, "due_on": due_on}
        if money.endswith(("%", "％")):
            row["share"] = money.rstrip("%％").strip()
        else:
            row["amount"] = _money(money)
        rows.append(row)
    return rows


def action_controls(action: str, project: Project, user) -> list[Control]:
    """The controls of one action's form: derived from the action's input serializer, with this project's
    choices (`choices.ACTION_CHOICES`, the same the API publishes) and the few overrides above."""
    overrides = OVERRIDES[action](project, user) if action in OVERRIDES else {}
    options = action_choices(action, project, user)
    if "shares.region_code" in options:
        options["shares"] = options.pop("shares.region_code")
    controls = derive(inputs.ACTION_INPUTS[action], overrides, options)
    controls += material_controls(action, project)
    if action == "submit":
        controls += submit_warning(project)
    if ACTIONS[action].irreversible:
        controls.append(Control(CONFIRM, "我已核对，确认执行此不可撤销的操作", "confirm", required=True))
    return controls


def submit_warning(project: Project) -> list[Control]:
    """REJ-01..09: when the automatic rules would reject the need as its facts stand, the submit form
    says so, lists each finding with its meaning and clause, and asks an explicit confirmation; the
    same rules decide again at submission."""
    hits = selectors.prescreen_hits(project, selectors.unit_bar(project.owner_unit_id))
    if not hits:
        return []
    out_of_scope = any(hit.rule.startswith("SCOPE-") for hit in hits)
    outcome = "不属于受理范围而被退回" if out_of_scope else "不予受理"
    return [
        Control(
            "_findings",
            f"提交后本需求将{outcome}，且不能再修改或提交",
            "warning",
            initial=[(RULES[hit.rule].text, RULES[hit.rule].citation, hit.message) for hit in hits],
        ),
        Control(
            CONFIRM,
            f"我已知悉：提交后本需求将{outcome}（不可撤销）",
            "confirm",
            required=True,
            refusal=f"请勾选确认：提交后本需求将{outcome}",
        ),
    ]


def _design_task(serializer: type[inputs.Strict], project: Project | None) -> list[Control]:
    """PLAN-06: the top-level design task the need serves, when there are designs to choose from."""
    tasks = design_task_choices()
    if not tasks:
        return []
    initial = project.design_task_id if project else None
    return [
        _c(serializer, "design_task_id", "select", choices=tasks, initial=initial, help="PLAN-06，可不选")
    ]


MATERIAL_PREFIX = "material."


def material_controls(action: str, project: Project) -> list[Control]:
    """MAT-01/MAT-02: one file control per material the catalogue names for this action, so the owner
    uploads while filling the form. Required while the project has no version of a required kind; with
    a version there, choosing a file uploads the next version. Reads `project.materials.all()`
    (prefetched by the pages)."""
    latest = material_catalog.latest_kinds(project)
    controls = []
    for kind in material_catalog.kinds_of(action, project):
        present = latest.get(kind.code)
        note = f"{kind.formats_label}，不超过 {kind.limit_label}"
        if present is not None:
            note += f"；已上传第 {present} 版「{kind.name}」，再选择文件即上传新版本"
        controls.append(
            Control(
                MATERIAL_PREFIX + kind.code,
                kind.name,
                "file",
                required=material_catalog.is_required(kind, project) and present is None,
                help=note,
                choices=[(ext, ext) for fmt in kind.formats for ext in sorted(EXTENSIONS[fmt])],
            )
        )
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
        *_design_task(serializer, project),
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
            choices=list(CATEGORY_LABELS.items()),
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
        value = facts.get(key)
        initial = "yes" if value is True else "no" if value is False else None
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
        target_control(project),
    ]
    return controls


TARGET_FIELDS = ("indicator", "target_value", "unit", "due_by")


def target_control(project: Project | None) -> Control:
    """PERF-01: the need's 绩效目标, one row each (indicator, target value, unit, by when)."""
    rows = [
        {
            "indicator": t.indicator,
            "target_value": format(t.target_value.normalize(), "f"),
            "unit": t.unit,
            "due_by": t.due_by.isoformat(),
        }
        for t in (project.performance_targets.all() if project else [])
    ]
    return Control(
        "performance_targets",
        "绩效目标",
        "targets",
        required=True,
        initial=rows,
        help="至少一项，提交前须填写（PERF-01；二(二)第2项：绩效目标不明确的不予受理）",
    )


def _target_rows(post: QueryDict) -> list[dict]:
    columns = [post.getlist(f"performance_targets.{name}") for name in TARGET_FIELDS]
    rows = []
    for index in range(max(len(column) for column in columns)):
        row = {
            name: (column[index] if index < len(column) else "").strip()
            for name, column in zip(TARGET_FIELDS, columns, strict=True)
        }
        if any(row.values()):
            rows.append(row)
    return rows


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
        elif control.kind == "target_score":
            bound.extra = {
                key: (data.get(f"{control.name}.{key}", "") if data is not None else "")
                for key in SCORE_FIELDS
            }
        elif control.kind == "targets":
            rows = _target_rows(data) if data is not None else list(control.initial or [])
            blank = dict.fromkeys(TARGET_FIELDS, "")
            bound.extra = {"rows": rows + [blank] if len(rows) < 20 else rows}
        elif control.kind == "dictionary":
            bound.extra = {"rows": _dictionary_rows(control.name, data), "types": datadict.FIELD_TYPES}
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
        post = self.data if self.data is not None else QueryDict()
        for control in self.controls:
            name, kind = control.name, control.kind
            if kind == "warning":
                continue
            if kind == "file":
                continue  # the files go through govpm.materials (material_uploads), not the JSON body
            if control.parse is not None:
                if post.get(name, "").strip():
                    _put(data, name, control.parse(post.get(name, ""), control))
            elif kind == "confirm":
                if post.get(name) != "yes":
                    raise InvalidInput(control.refusal or "请勾选确认：此操作不可撤销", field=name)
            elif kind == "verdict":
                if (verdict := _verdict(post, name)) is not None:
                    data.setdefault("priority", {})[name.removeprefix("priority.")] = verdict
            elif kind == "answer":
                # An item left blank is left out, so that the lifecycle names it (须对 REJ-07…作出判断).
                data.setdefault("answers", {})
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
            elif kind == "targets":
                data[name] = _target_rows(post)
            elif kind == "target_score":
                entered = {key: post.get(f"{name}.{key}", "").strip() for key in SCORE_FIELDS}
                if any(entered.values()):
                    target_id = int(name.removeprefix("target_scores."))
                    data.setdefault("target_scores", []).append({"target_id": target_id, **entered})
            elif kind == "checkboxes":
                values = post.getlist(name)
                if control.choices and isinstance(control.choices[0][0], int):
                    values = [parse_int(v, name, control.label) for v in values if v.isdigit()]
                _put(data, name, values)
            elif kind == "rows":
                _put(data, name, [v.strip() for v in post.getlist(name) if v.strip()])
            elif kind == "dictionary":
                try:
                    _put(data, name, datadict.schema_from_rows(_dictionary_rows(name, post)))
                except datadict.RowProblem as problem:
                    raise InvalidInput(f"{control.label}：{problem}", field=name) from None
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
        """Place the error on the control its field names, or on a part of it (`answers.REJ-07.reason`);
        a field that names a group of controls (`answers`, `priority`) lands on the group's first one."""
        view = presenters.error_view(error)
        target = view.field or ""
        for bound in self.bound:
            if target == bound.name or target.startswith(bound.name + "."):
                bound.errors.append(view)
                return
        for bound in self.bound:
            if target and bound.name.startswith(target + "."):
                bound.errors.append(view)
                return
        self.errors.append(view)

    @property
    def summary(self) -> list[tuple[presenters.ErrorView, str]]:
        """Every error of the form, each with the id of the control it lands on ("" for none)."""
        return [(error, "") for error in self.errors] + [
            (error, bound.anchor) for bound in self.bound for error in bound.errors
        ]

    @property
    def asks_confirmation(self) -> bool:
        return any(control.kind == "confirm" for control in self.controls)

    @property
    def has_files(self) -> bool:
        return any(control.kind == "file" for control in self.controls)

    def material_uploads(self, files, request=None) -> list[tuple[str, Any]]:
        """(material kind, file) for each file control that was given a file; a file under any other
        name, two files for one material, or a flood of files (govpm.materials.uploads) is refused
        naming the material."""
        controls = {c.name: c for c in self.controls if c.kind == "file"}
        if request is not None and (field := material_files.overflowed(request)):
            label = controls[field].label if field in controls else "材料"
            raise InvalidInput(material_files.too_many_message(label), field=field)
        uploads = []
        for key in files:
            control = controls.get(key)
            if control is None:
                raise InvalidInput("此操作不接受该文件（未知的材料）", field=key)
            given = files.getlist(key)
            if len(given) > 1:
                raise InvalidInput(f"{control.label}：每种材料一次只能选择一个文件", field=key)
            uploads.append((key.removeprefix(MATERIAL_PREFIX), given[0]))
        return uploads

    @property
    def has_errors(self) -> bool:
        return bool(self.errors) or any(bound.errors for bound in self.bound)


BLANK_DICTIONARY_ROWS = 3


def _dictionary_rows(name: str, post: QueryDict | None) -> list[dict]:
    """The rows of a data dictionary table as posted (one list per column, in row order), or blank rows."""
    if post is None:
        return [{"type": "string", "required": "否", "shared": "否", "primary": "否"}] * BLANK_DICTIONARY_ROWS
    columns = {key: post.getlist(f"{name}.{key}")[: datadict.MAX_ROWS + 1] for key, _ in datadict.COLUMNS}
    count = max((len(values) for values in columns.values()), default=0)
    return [
        {key: values[i] if i < len(values) else "" for key, values in columns.items()} for i in range(count)
    ]


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
    prefill = initial or QueryDict()
    overrides = {
        "kind": {"kind": "select", "initial": prefill.get("kind")},
        "year": {"initial": year},
        "period": {"initial": prefill.get("period")},
    }
    return derive(PROMOTION_INPUTS[kind], overrides if kind == "publicity" else {})


def promotion_form(
    kind: str, year: int, data: QueryDict | None = None, initial: QueryDict | None = None
) -> Form:
    return Form(promotion_controls(kind, year, initial), data, action=kind)
