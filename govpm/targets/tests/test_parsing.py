"""TGT-02: the target parser — comparisons the platform evaluates, qualitative targets it does not."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from govpm.targets import parsing
from govpm.targets.parsing import parse_baseline, parse_target

numbers = st.decimals(min_value=0, max_value=100000, places=2, allow_nan=False, allow_infinity=False)


def show(value: Decimal) -> str:
    return parsing.fmt(value)


def test_gazette_forms_parse_to_tgt02_comparisons():
    """TGT-02: every comparison form of the gazette, with 以上/以下 inclusive per the table's note."""
    cases = {
        "≥90": ("≥", "90"),
        "<7": ("<", "7"),
        "≤201.6": ("≤", "201.6"),
        ">99": (">", "99"),
        "93以上": ("≥", "93"),
        "4以下": ("≤", "4"),
        "不少于2.8": ("≥", "2.8"),
        "保持在95以上": ("≥", "95"),
        "控制在3以内": ("≤", "3"),
        "100": ("=", "100"),
        "0": ("=", "0"),
        "0.535以上": ("≥", "0.535"),
        "稳定在69.85%以上": ("≥", "69.85"),
    }
    for raw, (op, value) in cases.items():
        parsed = parse_target(raw)
        assert (parsed.kind, parsed.operator, parsed.value) == ("comparison", op, Decimal(value)), raw
        assert parsed.raw == raw


def test_paired_value_keeps_both_numbers():
    parsed = parse_target("100(99)")
    assert (parsed.operator, parsed.value, parsed.secondary_value) == ("=", Decimal(100), Decimal(99))


def test_per_year_and_base_year_reductions():
    annual = parse_target("每年降低1个百分点以上")
    assert (annual.kind, annual.value) == ("annual_change", Decimal(-1))
    relative = parse_target("比2017年下降10%以上")
    assert (relative.kind, relative.value, relative.base_year) == ("relative_change", Decimal(-10), 2017)


def test_words_are_qualitative_and_keep_their_text():
    """TGT-02: qualitative targets get no operator and no value — a person judges them."""
    for raw in [
        "持续减缓",
        "有所下降",
        "基本消除",
        "保持",
        "完成省级任务",
        "低于全国平均水平",
        "有效控制",
        "在70%左右",
        "6岁儿童近视率控制在3以内,小学生、初中生和高中生近视率分别下降至38、60和70以下",
    ]:
        parsed = parse_target(raw)
        assert parsed.kind == "qualitative", raw
        assert parsed.value is None and parsed.operator == ""
        assert parsed.raw == raw


def test_range_is_inclusive_both_ends():
    parsed = parse_target("60—70")
    assert (parsed.kind, parsed.value, parsed.value_high) == ("range", Decimal(60), Decimal(70))


def test_baselines_absent_unknown_value_and_text():
    assert parse_baseline("\\").status == "absent"
    assert parse_baseline("?").status == "unknown"
    assert parse_baseline("99.70(97.70)").secondary_value == Decimal("97.70")
    assert (parse_baseline("<1").value, parse_baseline("<1").qualifier) == (Decimal(1), "<")
    assert parse_baseline("60岁以上失能半失能老人数占老年人数10.67%").status == "text"


def test_extraction_artefact_is_recognised():
    assert parsing.looks_like_artefact("\\&30")
    assert not parsing.looks_like_artefact("\\")
    assert not parsing.looks_like_artefact("≥30")


@given(numbers, st.sampled_from(["以上", "以下"]))
def test_yishang_yixia_are_inclusive_for_any_number(value, word):
    """TGT-02 (property): “以上”“以下”均含本数 — the number itself always meets its own target."""
    parsed = parse_target(f"{show(value)}{word}")
    assert parsed.kind == "comparison"
    assert parsed.value == Decimal(show(value))
    assert parsing.compare(parsed.value, parsed.operator, parsed.value)
    above = parsed.value + Decimal("0.01")
    below = parsed.value - Decimal("0.01")
    assert parsing.compare(above, parsed.operator, parsed.value) is (word == "以上")
    assert parsing.compare(below, parsed.operator, parsed.value) is (word == "以下")


@given(numbers, st.sampled_from(["<", ">"]))
def test_strict_operators_exclude_the_number_itself(value, op):
    """TGT-02 (property): for < and > a value equal to the target does not meet it."""
    parsed = parse_target(f"{op}{show(value)}")
    assert parsed.operator == op
    assert not parsing.compare(parsed.value, parsed.operator, parsed.value)


@given(numbers, st.sampled_from(["≥", "≤", ">", "<", ""]))
def test_operator_and_value_round_trip_through_describe(value, op):
    """TGT-02 (property): the parsed form of “opN” is exactly (op or “=”, N), raw text kept."""
    raw = f"{op}{show(value)}"
    parsed = parse_target(raw)
    assert (parsed.operator, parsed.value, parsed.raw) == (op or "=", Decimal(show(value)), raw)
    assert show(parsed.value) in parsed.describe()


@given(
    st.text(
        alphabet="持续减缓有所下降基本消除保持完成省级任务低于全国平均水平有效控制", min_size=1, max_size=12
    )
)
def test_chinese_words_without_numbers_are_never_comparisons(text):
    """TGT-02 (property): a target without a number is never given an automatic verdict."""
    assert parse_target(text).kind == "qualitative"


@given(st.text(max_size=30))
def test_parser_never_raises_and_keeps_raw(text):
    parsed = parse_target(text)
    assert parsed.raw == text
    assert parsed.kind in {"comparison", "range", "annual_change", "relative_change", "qualitative"}
    if parsed.kind == "comparison":
        assert parsed.operator in parsing.OPERATORS and parsed.value is not None
