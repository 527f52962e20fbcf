"""Issue 13 item 6: every spreadsheet export writes people's text as text, never as a live formula.

Each export kind is downloaded through its endpoint with a name `=HYPERLINK(...)` or `=cmd|' /C calc'!A0`
and read back with openpyxl (or the csv module): the cell is a string (`data_type != "f"`) holding the
text behind an apostrophe. Control characters XML cannot hold are dropped instead of failing the export."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from govpm.core.spreadsheets import safe_cell, unquote_cell
from govpm.projects import lifecycle
from govpm.projects.models import Project
from govpm.projects.scenarios import advance
from govpm.targets import exchange
from govpm.targets.observations import record_observation
from govpm.targets.tests.conftest import make_indicator
from tests.factories import api_for, draft

pytestmark = pytest.mark.django_db

FORMULAS = ['=HYPERLINK("http://x","y")', "=cmd|' /C calc'!A0"]


def cells(content: bytes, sheet: str | None = None):
    book = load_workbook(io.BytesIO(content))
    worksheet = book[sheet] if sheet else book.active
    return [cell for row in worksheet.iter_rows() for cell in row]


def assert_neutralised(content: bytes, text: str, sheet: str | None = None) -> None:
    found = [cell for cell in cells(content, sheet) if isinstance(cell.value, str) and text in cell.value]
    assert found, f"{text} is not in the export"
    for cell in found:
        assert cell.data_type != "f" and cell.value == "'" + text


@pytest.mark.parametrize("name", FORMULAS)
def test_issue13_6_the_project_list_export_keeps_a_formula_name_as_text(cast, clock, client, name):
    """bdb's pool export (/documents/projects.xlsx and the API's export.xlsx)."""
    advance(draft(cast.owner, name=name), cast, to="pooled", shift=clock.shift)
    client.force_login(cast.bdb)

    page = client.get("/documents/projects.xlsx?stage=pooled")
    api = api_for(cast.bdb).get("/api/v1/projects/export.xlsx")

    assert page.status_code == api.status_code == 200
    assert_neutralised(page.content, name, "项目清单")
    assert_neutralised(api.content, name, "项目清单")


@pytest.mark.parametrize("name", FORMULAS)
def test_issue13_6_the_project_workbook_keeps_a_formula_name_as_text(cast, client, name):
    project = draft(cast.owner, name=name)
    client.force_login(cast.owner)

    response = client.get(f"/documents/projects/{project.pk}/workbook.xlsx")

    assert response.status_code == 200
    assert_neutralised(response.content, name, "项目概况")


@pytest.mark.parametrize("name", FORMULAS)
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_issue13_6_the_targets_exports_keep_formulas_as_text(cast, client, name, fmt):
    # no unit: a negative value is allowed (TGT-09 refuses a negative percentage)
    indicator = make_indicator(name=name, targets={2022: "≥50"}, unit="")
    record_observation(indicator.pk, actor=cast.bdb, period=2021, value="-3.5", source=name)
    client.force_login(cast.bdb)

    for kind in ("indicators", "observations"):
        response = client.get(f"/targets/export/{kind}.{fmt}")

        assert response.status_code == 200
        if fmt == "xlsx":
            assert_neutralised(response.content, name)
        else:
            rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
            assert ["'" + name] == [value for row in rows for value in row if name in value][:1]
            assert all(not value.startswith("=") for row in rows for value in row)
    observations = client.get(f"/targets/export/observations.{fmt}").content
    if fmt == "xlsx":
        assert "-3.5" in [cell.value for cell in cells(observations)]  # a signed number is not prefixed


def test_issue13_6_a_neutralised_targets_export_imports_back_unchanged(cast):
    """The apostrophe is taken off again on import, so an export still round-trips digit for digit."""
    indicator = make_indicator(name=FORMULAS[1], targets={2022: "≥50"})
    headers, rows = exchange.indicator_table([indicator])
    data = exchange.to_xlsx(headers, rows, "指标表")

    result = exchange.import_indicators("指标表.xlsx", data, actor=cast.bdb)

    indicator.refresh_from_db()
    assert result.errors == [] and result.updated == 1 and indicator.name == FORMULAS[1]


@pytest.mark.parametrize("name", FORMULAS)
def test_issue13_6_the_assessment_workbook_keeps_a_formula_name_as_text(cast, client, name):
    make_indicator(name=name, targets={2022: "≥50"})
    client.force_login(cast.bdb)

    response = client.get("/targets/assessment/report.xlsx?year=2022")

    assert response.status_code == 200
    assert_neutralised(response.content, name, "指标评估")


@pytest.mark.parametrize("name", FORMULAS)
def test_issue13_6_the_unit_performance_workbook_keeps_a_formula_name_as_text(cast, clock, client, name):
    unit = cast.owner.unit
    unit.name = name
    unit.save(update_fields=["name"])
    lifecycle.submit(draft(cast.owner, name="需求一").pk, actor=cast.owner)
    client.force_login(cast.finance)

    response = client.get("/promotion/units.xlsx?year=2026")

    assert response.status_code == 200
    assert_neutralised(response.content, name)


def test_issue13_6_control_characters_in_a_name_do_not_break_the_export(cast, client):
    """Issue 13: "control characters copied into an XLSX export give a 500"."""
    project = draft(cast.owner, name="城市大脑平台")
    # as stored before any input check refused them (the export must not depend on that check)
    Project.objects.filter(pk=project.pk).update(name="城市\x07大脑\x1b平台")
    client.force_login(cast.owner)

    response = client.get(f"/documents/projects/{project.pk}/workbook.xlsx")

    assert response.status_code == 200
    overview = dict(
        row
        for row in load_workbook(io.BytesIO(response.content))["项目概况"].iter_rows(
            min_row=2, values_only=True
        )
    )
    assert overview["项目名称"] == "城市大脑平台"


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+1+1", "'+1+1"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-3.5", "-3.5"),
        ("+12", "+12"),
        ("衢州", "衢州"),
        (12, 12),
        (None, None),
    ],
)
def test_issue13_6_safe_cell_follows_owasp(value, written):
    assert safe_cell(value) == written
    if isinstance(value, str):
        assert unquote_cell(safe_cell(value)) == value
