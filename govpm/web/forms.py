"""The forms of the UI. Each control is named by the input path the API uses (`ceiling`,
`shares.330881`, `answers.REJ-02.hit`, `facts.level`), so a refusal's `field` lands beside its control.

Forms here only render controls and turn a POST into the API's JSON shape; `inputs.parse` checks types
with the same serializers as the API, and the lifecycle function checks the rules."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict
from rest_framework import serializers

from govpm.core import clock
from govpm.core.errors import GovpmError, InvalidInput
from govpm.core.parsers import json_depth_exceeds, parse_int
from govpm.policy.catalog import JUDGEMENT_REJECTIONS, PRIORITY_RULES, RULES
from govpm.projects import datadict
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
}


def action_controls(action: str, project: Project, user) -> list[Control]:
    """The controls of one action's form: derived from the action's input serializer, with this project's
    choices (`choices.ACTION_CHOICES`, the same the API publishes) and the few overrides above."""
    overrides = OVERRIDES[action](project, user) if action in OVERRIDES else {}
    options = action_choices(action, project, user)
    if "shares.region_code" in options:
        options["shares"] = options.pop("shares.region_code")
    controls = derive(inputs.ACTION_INPUTS[action], overrides, options)
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
