"""Reading the gazette's target and baseline cells into parsed forms. Pure functions, no database.

The forms a target cell takes in 衢政发〔2020〕10号 and the text of 衢政发〔2020〕9号:

- a comparison: `≥90`, `<7`, `≤201.6`, `>99`, `93以上`, `4以下`, `不少于2.8`, `保持在95以上`,
  `控制在3以内`, `0.535以上`, `69.85%以上`; "以上"/"以下" include the number itself (the table's own
  note: “以上”“以下”均含本数), so `93以上` is ≥ 93 and `4以下` is ≤ 4;
- a bare value: `100`, `0`, `28` (operator "="; the indicator's direction says whether more is better);
- a paired value: `100(99)` — the indicator's name carries the second measure in brackets;
- a range: `60—70`;
- a change per year: `每年降低1个百分点以上`;
- a change against a base year: `比2017年下降10%以上`;
- anything else is qualitative (`持续减缓`, `基本消除`, `完成省级任务`, …): no automatic verdict,
  a named assessor judges it with a reason.

The raw text is never thrown away: every parsed form carries it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# Kinds of parsed target. Each value says how the assessment treats it.
COMPARISON = "comparison"  # value OP number, evaluated automatically
RANGE = "range"  # low ≤ value ≤ high, evaluated automatically
ANNUAL_CHANGE = "annual_change"  # value moves by at least N each year, needs last year's value
RELATIVE_CHANGE = "relative_change"  # value moves by at least N% against a base year's value
QUALITATIVE = "qualitative"  # words only: a named assessor judges it

OPERATORS = ("≥", "≤", ">", "<", "=")
_ASCII_OPERATORS = {">=": "≥", "<=": "≤", "＞": ">", "＜": "<", "＝": "=", "≧": "≥", "≦": "≤"}

NUMBER = r"(\d+(?:\.\d+)?)"
_PREFIXES = ("保持在", "稳定在", "控制在", "达到", "力争", "保持", "稳定")
_UNIT_SUFFIX = r"(?:%|‰|个百分点|个|万亩|亩|亿元|万户|名|小时|平方米)?"


@dataclass(frozen=True)
class ParsedTarget:
    raw: str
    kind: str
    operator: str = ""
    value: Decimal | None = None
    value_high: Decimal | None = None  # upper bound of a range
    secondary_value: Decimal | None = None  # the bracketed value of a pair, same operator
    base_year: int | None = None  # for a change against a base year
    inclusive_note: bool = False  # the operator came from 以上/以下, inclusive by the table's note

    @property
    def is_qualitative(self) -> bool:
        return self.kind == QUALITATIVE

    def describe(self) -> str:
        """The parsed form in words, for pages and reports."""
        if self.kind == COMPARISON:
            text = f"{self.operator}{fmt(self.value)}"
            if self.secondary_value is not None:
                text += f"（括号内指标{self.operator}{fmt(self.secondary_value)}）"
            if self.inclusive_note:
                text += "（“以上”“以下”含本数）"
            return text
        if self.kind == RANGE:
            return f"{fmt(self.value)}至{fmt(self.value_high)}（含两端）"
        if self.kind == ANNUAL_CHANGE:
            verb = "降低" if self.value < 0 else "提高"
            return f"每年{verb}不少于{fmt(abs(self.value))}"
        if self.kind == RELATIVE_CHANGE:
            verb = "下降" if self.value < 0 else "上升"
            return f"比{self.base_year}年{verb}不少于{fmt(abs(self.value))}%"
        return "定性目标，需评估人判断"


@dataclass(frozen=True)
class ParsedBaseline:
    raw: str
    status: str  # one of BASELINE_* below
    value: Decimal | None = None
    secondary_value: Decimal | None = None
    qualifier: str = ""  # an operator printed before the number, e.g. "<1"


BASELINE_VALUE = "value"  # a number (perhaps with a qualifier or a bracketed second value)
BASELINE_ABSENT = "absent"  # printed as "\": the table gives no baseline
BASELINE_UNKNOWN = "unknown"  # printed as "?": the baseline exists but was not known
BASELINE_TEXT = "text"  # words or a differently scoped figure: kept, not used as a number


def fmt(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def to_decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def normalise(raw: str) -> str:
    text = (raw or "").strip().replace(" ", "").replace("\u3000", "")
    text = text.replace("（", "(").replace("）", ")").replace("，", ",")
    for ascii_op, op in _ASCII_OPERATORS.items():
        text = text.replace(ascii_op, op)
    return text


def parse_target(raw: str) -> ParsedTarget:
    """The parsed form of one target cell. Never raises: what it cannot read is qualitative."""
    text = normalise(raw)
    for reader in (_read_pair, _read_operator, _read_words, _read_range, _read_annual, _read_relative):
        parsed = reader(raw, text)
        if parsed is not None:
            return parsed
    return ParsedTarget(raw=raw, kind=QUALITATIVE)


def _strip_prefix(text: str) -> str:
    for prefix in _PREFIXES:
        if text.startswith(prefix):
            return text[len(prefix) :]
    return text


def _read_pair(raw: str, text: str) -> ParsedTarget | None:
    match = re.fullmatch(rf"([≥≤><=]?){NUMBER}%?\({NUMBER}%?\)", text)
    if not match:
        return None
    op = match.group(1) or "="
    return ParsedTarget(
        raw=raw,
        kind=COMPARISON,
        operator=op,
        value=Decimal(match.group(2)),
        secondary_value=Decimal(match.group(3)),
    )


def _read_operator(raw: str, text: str) -> ParsedTarget | None:
    match = re.fullmatch(rf"([≥≤><=]?){NUMBER}{_UNIT_SUFFIX}", _strip_prefix(text))
    if not match:
        return None
    return ParsedTarget(
        raw=raw, kind=COMPARISON, operator=match.group(1) or "=", value=Decimal(match.group(2))
    )


def _read_words(raw: str, text: str) -> ParsedTarget | None:
    """不少于X, X以上, X以下, X以内, 保持在X以上, 不超过X, 不低于X, 低于X, 高于X."""
    body = _strip_prefix(text)
    before = {
        "不少于": "≥",
        "不低于": "≥",
        "不超过": "≤",
        "不高于": "≤",
        "低于": "<",
        "高于": ">",
        "超过": ">",
    }
    for word, op in before.items():
        match = re.fullmatch(rf"{word}{NUMBER}{_UNIT_SUFFIX}", body)
        if match:
            return ParsedTarget(raw=raw, kind=COMPARISON, operator=op, value=Decimal(match.group(1)))
    after = {"以上": "≥", "以下": "≤", "以内": "≤"}
    for word, op in after.items():
        match = re.fullmatch(rf"{NUMBER}{_UNIT_SUFFIX}{word}", body)
        if match:
            return ParsedTarget(
                raw=raw,
                kind=COMPARISON,
                operator=op,
                value=Decimal(match.group(1)),
                inclusive_note=word != "以内",
            )
    return None


def _read_range(raw: str, text: str) -> ParsedTarget | None:
    match = re.fullmatch(rf"{NUMBER}%?[—~～\-至]{NUMBER}%?", _strip_prefix(text))
    if not match:
        return None
    low, high = Decimal(match.group(1)), Decimal(match.group(2))
    if low > high:
        return None
    return ParsedTarget(raw=raw, kind=RANGE, operator="", value=low, value_high=high)


_DOWN, _UP = ("降低", "下降", "减少"), ("提高", "上升", "增加", "增长")


def _signed(verb: str, amount: str) -> Decimal:
    return -Decimal(amount) if verb in _DOWN else Decimal(amount)


def _read_annual(raw: str, text: str) -> ParsedTarget | None:
    match = re.fullmatch(rf"每年({'|'.join(_DOWN + _UP)}){NUMBER}(?:个百分点|%)?(以上)?", text)
    if not match:
        return None
    return ParsedTarget(
        raw=raw, kind=ANNUAL_CHANGE, operator="≥", value=_signed(match.group(1), match.group(2))
    )


def _read_relative(raw: str, text: str) -> ParsedTarget | None:
    match = re.search(rf"比(\d{{4}})年(?:力争)?({'|'.join(_DOWN + _UP)}){NUMBER}%(以上)?$", text)
    if not match:
        return None
    return ParsedTarget(
        raw=raw,
        kind=RELATIVE_CHANGE,
        operator="≥",
        value=_signed(match.group(2), match.group(3)),
        base_year=int(match.group(1)),
    )


def parse_baseline(raw: str) -> ParsedBaseline:
    """The parsed form of one baseline cell: a number, absent (\\), unknown (?), or kept text."""
    text = normalise(raw)
    if text in ("\\", "＼", "/", "—", "-"):
        return ParsedBaseline(raw=raw, status=BASELINE_ABSENT)
    if text in ("?", "？"):
        return ParsedBaseline(raw=raw, status=BASELINE_UNKNOWN)
    match = re.fullmatch(rf"([≥≤><]?){NUMBER}%?(?:\({NUMBER}%?\))?", text)
    if match:
        secondary = Decimal(match.group(3)) if match.group(3) else None
        return ParsedBaseline(
            raw=raw,
            status=BASELINE_VALUE,
            value=Decimal(match.group(2)),
            secondary_value=secondary,
            qualifier=match.group(1),
        )
    return ParsedBaseline(raw=raw, status=BASELINE_TEXT)


def compare(value: Decimal, operator: str, target: Decimal) -> bool:
    """value OP target, exactly (Decimal)."""
    return {
        "≥": value >= target,
        "≤": value <= target,
        ">": value > target,
        "<": value < target,
        "=": value == target,
    }[operator]


# Characters that a PDF extraction leaves behind and that no target or baseline uses.
ARTEFACT_CHARACTERS = re.compile(r"[&\\#@$^*_|]")


def looks_like_artefact(raw: str) -> bool:
    """ "\\&30": a baseline marker glued to a number by a stray character. Not a form we read."""
    text = normalise(raw)
    return bool(ARTEFACT_CHARACTERS.search(text)) and text not in ("\\",)
