"""TGT-05: decomposed tasks — the parts add up, progress per county and year, ranking."""

from decimal import Decimal

import pytest

from govpm.core.errors import InvalidInput
from govpm.targets import tasks
from govpm.targets.models import Task, TaskProgress, TaskShare

pytestmark = pytest.mark.django_db


@pytest.fixture
def afforestation(curated_data):
    return Task.objects.get(document__number="衢政办发〔2020〕9号", code="T01")


def test_tgt05_changing_one_county_figure_names_the_mismatch(afforestation):
    """TGT-05: changing one county figure names the mismatch."""
    share = TaskShare.objects.get(task=afforestation, region_code="330802", year=2021)  # 柯城区 2021: 2600
    share.planned = Decimal(2700)
    share.save()

    messages = [m.message for m in tasks.check_decomposition(afforestation)]

    assert "柯城区各年度之和11800亩，与合计11700亩不符" in messages
    assert "2021年各县（市、区）之和26500亩，与全市26400亩不符" in messages
    assert len(messages) == 2


def test_tgt05_city_total_is_checked_against_the_text(afforestation):
    """TGT-05: city total is checked against the text."""
    afforestation.stated_total = Decimal(120000)
    afforestation.save()

    [mismatch] = tasks.check_decomposition(afforestation)

    assert "新增造林11.86万亩以上" in mismatch.message and mismatch.expected == Decimal(120000)


def test_tgt05_progress_completion_rate_and_ranking(afforestation, officer):
    """TGT-05: progress completion rate and ranking."""
    for code, done in [("330802", "3300"), ("330803", "2350"), ("330824", "8700"), ("330822", "7040")]:
        tasks.record_progress(
            afforestation.pk, actor=officer, region_code=code, year=2020, completed=done, source="县林业局"
        )

    rows = {r.region_code: r for r in tasks.progress(afforestation, 2020)}

    assert rows["330822"].rate == Decimal("110.00")  # 常山县 7040 / 6400
    assert rows["330803"].rate == Decimal("50.00")  # 衢江区 2350 / 4700
    assert (rows["330822"].rank, rows["330802"].rank, rows["330824"].rank, rows["330803"].rank) == (
        1,
        2,
        2,
        4,
    )
    assert rows["330825"].completed is None and rows["330825"].rate == Decimal("0.00")


def test_progress_correction_keeps_history(afforestation, officer):
    first = tasks.record_progress(
        afforestation.pk, actor=officer, region_code="330802", year=2020, completed="3000", source="县报"
    )
    with pytest.raises(InvalidInput):
        tasks.record_progress(
            afforestation.pk, actor=officer, region_code="330802", year=2020, completed="3300", source="县报"
        )
    tasks.record_progress(
        afforestation.pk,
        actor=officer,
        region_code="330802",
        year=2020,
        completed="3300",
        source="县报",
        correction_reason="核查后更正",
    )

    assert TaskProgress.objects.filter(region_code="330802").count() == 2
    first.refresh_from_db()
    assert not first.is_current


def test_progress_refuses_the_city_code_and_negative_amounts(afforestation, officer):
    with pytest.raises(InvalidInput) as city:
        tasks.record_progress(
            afforestation.pk, actor=officer, region_code="330800", year=2020, completed="1", source="x"
        )
    assert city.value.field == "region_code"
    with pytest.raises(InvalidInput) as negative:
        tasks.record_progress(
            afforestation.pk, actor=officer, region_code="330802", year=2020, completed="-1", source="x"
        )
    assert negative.value.field == "completed"
    assert not TaskProgress.objects.exists()
