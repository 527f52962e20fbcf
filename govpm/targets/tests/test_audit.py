"""Writes in the targets module follow the platform's convention (issue 8 item 6): a service
`fn(target_id, *, actor, …)`, atomic, with the target's row locked and an audit event of its own; the API
parses input as the projects API does, so a bad request gets the same 400 shape."""

import pytest
from rest_framework.test import APIClient

from govpm.core import audit
from govpm.core.errors import NotFound
from govpm.core.models import AuditEvent
from govpm.targets import exchange, tasks
from govpm.targets.models import Indicator, Observation, Task
from govpm.targets.observations import record_judgement, record_observation
from tests.factories import make_cast

from .conftest import make_indicator

pytestmark = pytest.mark.django_db


def client_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_observation_is_audited_with_its_values_and_a_correction_with_old_and_new_I8_6(officer):
    indicator = make_indicator()

    first = record_observation(indicator.pk, actor=officer, period=2020, value="88.5", source="年报")
    corrected = record_observation(
        indicator.pk, actor=officer, period=2020, value="90", source="年报", correction_reason="复核"
    )

    created, correction = AuditEvent.objects.filter(action="record_observation").order_by("id")
    assert (created.object_type, created.object_id) == ("targets.observation", str(first.pk))
    assert created.changes["value"] == [None, "88.500000"]  # at the column's scale, as stored
    assert created.actor_name == "王评估" and created.actor_role == "bdb"
    assert correction.object_id == str(corrected.pk)
    assert correction.changes["value"] == ["88.500000", "90.000000"]
    assert correction.changes["correction_reason"] == ["", "复核"]
    assert "period" not in correction.changes and correction.payload["replaces"] == first.pk


def test_refused_observation_leaves_no_row_and_no_event_I8_6(officer):
    indicator = make_indicator()
    record_observation(indicator.pk, actor=officer, period=2020, value="88.5", source="年报")

    with pytest.raises(Exception):  # noqa: B017 - a correction without its reason is refused
        record_observation(indicator.pk, actor=officer, period=2020, value="70", source="年报")

    assert Observation.objects.count() == 1 and AuditEvent.objects.count() == 1


def test_judgement_and_county_progress_are_audited_I8_6(curated_data, officer):
    indicator = make_indicator(code="Q01")
    task = Task.objects.get(code="T01")

    judgement = record_judgement(
        indicator.pk, actor=officer, year=2022, verdict="met", reason="增速持续减缓", evidence="监测报告"
    )
    record = tasks.record_progress(
        task.pk, actor=officer, region_code="330824", year=2020, completed="8700", source="开化县"
    )

    judged = AuditEvent.objects.get(action="record_judgement")
    assert judged.object_id == str(judgement.pk) and judged.changes["verdict"] == [None, "met"]
    progressed = AuditEvent.objects.get(action="record_progress")
    assert progressed.object_id == str(record.pk)
    assert progressed.changes["completed"] == [None, "8700.000000"]
    assert audit.verify() == []


def test_services_take_the_target_id_and_refuse_an_unknown_one_I8_6(officer):
    with pytest.raises(NotFound):
        record_observation(999999, actor=officer, period=2020, value="1", source="年报")
    with pytest.raises(NotFound):
        tasks.record_progress(
            999999, actor=officer, region_code="330824", year=2020, completed="1", source="开化县"
        )
    assert not AuditEvent.objects.exists()


def test_targets_api_bad_input_has_the_projects_400_shape_I8_6(officer):
    """Unknown keys are refused and the message names the field in Chinese, exactly as the projects API."""
    indicator = make_indicator()

    targets = client_as(officer).post(
        f"/api/v1/targets/indicators/{indicator.pk}/observations/",
        {"period": 2020, "value": "1", "source": "年报", "vaule": "2"},
        format="json",
    )
    projects = client_as(make_cast().owner).post(
        "/api/v1/projects/", {"name": "x", "nmae": "y"}, format="json"
    )

    assert targets.status_code == projects.status_code == 400
    assert set(targets.json()["error"]) == set(projects.json()["error"])
    assert (
        targets.json()["error"]["field"] == "vaule" and "不识别的字段" in targets.json()["error"]["message"]
    )
    missing = client_as(officer).post(
        f"/api/v1/targets/indicators/{indicator.pk}/observations/",
        {"period": 2020, "value": "1"},
        format="json",
    )
    assert missing.json()["error"]["field"] == "source"
    assert missing.json()["error"]["message"].startswith("数据来源：")
    assert not Observation.objects.exists() and not AuditEvent.objects.exists()


def test_targets_api_unknown_indicator_is_404_in_the_platform_shape(officer):
    response = client_as(officer).post(
        "/api/v1/targets/indicators/999999/observations/",
        {"period": 2020, "value": "1", "source": "年报"},
        format="json",
    )
    assert response.status_code == 404 and response.json()["error"]["message"] == "指标不存在"


def test_observation_import_is_audited_once_and_per_row_I8_6(officer):
    make_indicator(code="X01")
    make_indicator(code="X02", name="另一指标")
    table = (
        "文号,编号,年度,观测值,数据来源\n衢政发〔2020〕10号,X01,2020,1.5,年报\n衢政发〔2020〕10号,X02,2020,2,年报\n"
    ).encode()

    result = exchange.import_observations("observations.csv", table, actor=officer)

    assert result.ok and result.created == 2
    assert AuditEvent.objects.filter(action="record_observation").count() == 2
    imported = AuditEvent.objects.get(action="import_observations")
    assert imported.payload["filename"] == "observations.csv" and imported.payload["created"] == 2
    assert Indicator.objects.count() == 2 and audit.verify() == []
