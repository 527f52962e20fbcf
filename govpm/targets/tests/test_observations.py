"""TGT-03: observations with source, who and when; a correction keeps the earlier value."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from govpm.core.errors import Forbidden, InvalidInput
from govpm.targets.models import Observation
from govpm.targets.observations import record_judgement, record_observation

from .conftest import make_indicator

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@time_machine.travel(dt.datetime(2021, 3, 1, 9, 30, tzinfo=SHANGHAI), tick=False)
def test_tgt03_observation_records_value_source_who_and_when(officer):
    """TGT-03: observation records value source who and when."""
    indicator = make_indicator(targets={2022: "≥90"})

    observation = record_observation(
        indicator.pk, actor=officer, period=2020, value="88.50", source="市卫健委年报"
    )

    assert observation.value == Decimal("88.50")
    assert (observation.source, observation.entered_by, observation.is_current) == (
        "市卫健委年报",
        officer,
        True,
    )
    assert observation.entered_at == dt.datetime(2021, 3, 1, 9, 30, tzinfo=SHANGHAI)


def test_tgt03_correction_keeps_the_prior_value_in_history(officer):
    """TGT-03: correction keeps the prior value in history."""
    indicator = make_indicator(targets={2022: "≥90"})
    first = record_observation(indicator.pk, actor=officer, period=2020, value="88.5", source="年报")

    corrected = record_observation(
        indicator.pk,
        actor=officer,
        period=2020,
        value="89.1",
        source="年报修订",
        correction_reason="统计口径更正",
    )

    first.refresh_from_db()
    assert first.value == Decimal("88.5") and not first.is_current
    assert corrected.replaces == first and corrected.is_current
    assert list(Observation.objects.filter(indicator=indicator).values_list("value", flat=True)) == [
        Decimal("88.5"),
        Decimal("89.1"),
    ]


def test_a_second_value_without_a_reason_is_refused_and_changes_nothing(officer):
    indicator = make_indicator(targets={2022: "≥90"})
    record_observation(indicator.pk, actor=officer, period=2020, value="88.5", source="年报")

    with pytest.raises(InvalidInput) as refused:
        record_observation(indicator.pk, actor=officer, period=2020, value="70", source="年报")

    assert refused.value.field == "correction_reason" and "更正理由" in refused.value.message
    assert Observation.objects.get(indicator=indicator).value == Decimal("88.5")


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("value", {"value": "abc"}),
        ("value", {"value": 12.5}),  # a float is not the number that was measured
        ("period", {"period": "二〇二〇"}),
        ("source", {"source": "  "}),
    ],
)
def test_bad_input_names_the_field_in_chinese_and_saves_nothing(officer, field, kwargs):
    indicator = make_indicator()
    data = {"period": 2020, "value": "1", "source": "年报", **kwargs}

    with pytest.raises(InvalidInput) as refused:
        record_observation(indicator.pk, actor=officer, **data)

    assert refused.value.field == field
    assert any("\u4e00" <= ch <= "\u9fff" for ch in refused.value.message)
    assert not Observation.objects.exists()


def test_observer_may_not_enter_or_judge(observer):
    indicator = make_indicator(targets={2022: "持续减缓"})
    with pytest.raises(Forbidden):
        record_observation(indicator.pk, actor=observer, period=2020, value="1", source="年报")
    with pytest.raises(Forbidden):
        record_judgement(
            indicator.pk, actor=observer, year=2022, verdict="met", reason="理由", evidence="佐证"
        )


def test_judgement_needs_a_reason(officer):
    indicator = make_indicator(targets={2022: "持续减缓"})
    with pytest.raises(InvalidInput) as refused:
        record_judgement(indicator.pk, actor=officer, year=2022, verdict="met", reason=" ", evidence="佐证")
    assert refused.value.field == "reason"
