"""TGT-08 responsible units, TGT-09 checked values, and paired targets assessed on both values."""

from decimal import Decimal

import pytest

from govpm.accounts.models import Unit
from govpm.accounts.reference import ensure_reference_units
from govpm.core.errors import InvalidInput, NotFound
from govpm.core.models import AuditEvent
from govpm.targets.assessment import assess_year
from govpm.targets.models import Indicator, Observation, Task, TaskProgress
from govpm.targets.observations import record_observation
from govpm.targets.responsibility import assign_unit
from govpm.targets.tasks import record_progress

from .conftest import make_indicator, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def health_unit(db):
    return Unit.objects.create(
        code="health", name="衢州市卫生健康委员会", short_name="市卫健委", kind="department"
    )


@pytest.fixture
def health_user(health_unit):
    return make_user("health_owner", "owner", unit=health_unit)


@pytest.fixture
def police_user(db):
    unit = Unit.objects.create(code="police", name="衢州市公安局", short_name="市公安局", kind="department")
    return make_user("police_owner", "owner", unit=unit)


@pytest.fixture
def smart_office(db):
    return make_user("smart", "smart_office")


@pytest.fixture
def assigned(curated_data, smart_office, health_unit):
    h01 = Indicator.objects.get(code="H01")
    assign_unit(h01.pk, actor=smart_office, unit_id=health_unit.pk)
    return h01


def test_a_responsible_unit_enters_and_sees_only_its_own_TGT_08(assigned, health_user, client):
    # when the unit enters a value for its indicator
    record_observation(assigned.pk, actor=health_user, period=2021, value="26.5", source="市卫健委监测年报")
    client.force_login(health_user)

    # then it sees that indicator, and only it, in the list, the detail and the assessment
    listing = client.get("/targets/")
    assert listing.status_code == 200
    assert [i.code for i in listing.context["indicators"]] == ["H01"]
    assert client.get(f"/targets/indicators/{assigned.pk}/").status_code == 200
    assessment = client.get("/targets/assessment/?year=2021")
    assert [a.indicator.code for a in assessment.context["results"]] == ["H01"]
    assert Observation.objects.get(indicator=assigned, period=2021).entered_by == health_user


def test_another_unit_gets_404_TGT_08(assigned, police_user, client):
    other = Indicator.objects.get(code="H02")
    with pytest.raises(NotFound):
        record_observation(other.pk, actor=police_user, period=2021, value="20", source="x")
    with pytest.raises(NotFound):
        record_observation(assigned.pk, actor=police_user, period=2021, value="20", source="x")
    client.force_login(police_user)
    assert client.get(f"/targets/indicators/{assigned.pk}/").status_code == 404
    assert client.get(f"/api/v1/targets/indicators/{assigned.pk}/").status_code == 404
    assert client.get("/targets/").context["indicators"].count() == 0
    assert not Observation.objects.exists()


def test_the_assignment_by_smart_office_is_audited_and_only_smart_office_assigns_TGT_08(
    curated_data, smart_office, health_unit, officer
):
    h02 = Indicator.objects.get(code="H02")
    with pytest.raises(Exception, match="无权指定责任单位"):
        assign_unit(h02.pk, actor=officer, unit_id=health_unit.pk)

    assign_unit(h02.pk, actor=smart_office, unit_id=health_unit.pk)

    event = AuditEvent.objects.get(action="assign_responsible_unit")
    assert event.changes["unit_id"] == [None, health_unit.pk]


def test_a_county_reports_only_its_own_share_TGT_08(curated_data, client):
    ensure_reference_units(Unit)  # after a transactional test's flush, the migration's rows are gone
    jiangshan = Unit.objects.get(code="jiangshan")  # reference data: the six county governments
    county = make_user("county", "owner", unit=jiangshan)
    task = Task.objects.get()

    record_progress(
        task.pk, actor=county, region_code="330881", year=2020, completed="5000", source="县林业统计"
    )
    with pytest.raises(InvalidInput) as refused:
        record_progress(task.pk, actor=county, region_code="330802", year=2020, completed="1", source="x")

    assert refused.value.field == "region_code"
    assert list(TaskProgress.objects.values_list("region_code", flat=True)) == ["330881"]
    client.force_login(county)
    assert client.get(f"/targets/tasks/{task.pk}/?year=2020").status_code == 200


def test_a_percentage_above_100_is_refused_naming_the_field_TGT_09(officer):
    rate = make_indicator(targets={2022: "≥90"})
    for bad in ("100.01", "150", "-5"):
        with pytest.raises(InvalidInput) as refused:
            record_observation(rate.pk, actor=officer, period=2021, value=bad, source="x")
        assert refused.value.field == "value" and "0至100" in refused.value.message
    record_observation(rate.pk, actor=officer, period=2021, value="100", source="x")
    assert Observation.objects.get(indicator=rate).value == Decimal(100)


def test_counts_are_whole_and_jumps_are_flagged_not_refused_TGT_09(officer):
    count = make_indicator(code="X02", name="个数指标", targets={2022: "10"}, unit="个")
    with pytest.raises(InvalidInput) as refused:
        record_observation(count.pk, actor=officer, period=2021, value="2.5", source="x")
    assert refused.value.field == "value" and "整数" in refused.value.message

    record_observation(count.pk, actor=officer, period=2020, value="4", source="x")
    jumped = record_observation(count.pk, actor=officer, period=2021, value="9", source="x")
    assert "请核实" in jumped.flag and "2020年4" in jumped.flag


def test_paired_target_is_behind_when_the_bracketed_value_falls_TGT_09(officer):
    """`100(99)` with 97.0 in 2021 (the bracketed 无害化 rate falling) is behind, not on track."""
    toilets = make_indicator(targets={2022: "100(99)"}, baseline="99.70(97.70)", baseline_year=2019)
    record_observation(
        toilets.pk, actor=officer, period=2021, value="100", secondary_value="97.0", source="x"
    )

    (result,) = assess_year(2021)

    assert result.status == "behind"
    assert "括号内目标≥99" in result.reason


def test_backwards_target_and_baseline_past_target_are_flagged_on_the_assessment(officer):
    make_indicator(code="X03", name="美丽城镇", targets={2022: "63", 2030: "18"}, unit="个")
    make_indicator(code="X04", name="优良率", targets={2022: "≥50"}, baseline="97.21", baseline_year=2019)

    flags = {a.indicator.code: a.flags for a in assess_year(2021)}

    assert any("目标倒退" in f for f in flags["X03"])
    assert any("基期值97.21已达到2022年目标" in f for f in flags["X04"])


def test_baseline_year_not_in_the_document_is_said_so(curated_data, officer, client):
    client.force_login(officer)
    page = client.get(f"/targets/indicators/{Indicator.objects.get(code='H01').pk}/").content.decode()
    assert "基期年份未载明，按2019年计" in page
    assert "政报第" not in page and "\\&30" not in client.get("/targets/").content.decode()


def test_pages_open_on_the_latest_year_with_data(curated_data, officer, client):
    record_observation(
        Indicator.objects.get(code="H01").pk, actor=officer, period=2021, value="26", source="x"
    )
    client.force_login(officer)
    assert client.get("/targets/assessment/").context["year"] == 2021
    public = client.get("/targets/public/")
    assert public.context["year"] == 2021
