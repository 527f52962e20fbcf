"""TGT-10 (item 5 of the issue): the afforestation progress and the decomposition table import from XLSX
with row and column sums checked; mismatches are named by row and column and nothing is saved."""

import io
from decimal import Decimal

import pytest
from django.test import Client
from openpyxl import load_workbook
from rest_framework.test import APIClient

from govpm.accounts.models import Unit
from govpm.core.models import AuditEvent
from govpm.targets.models import Task, TaskProgress, TaskShare

from .conftest import make_user

pytestmark = pytest.mark.django_db

# Excel rows of the template: 1 title, 2 header, 3 衢州市, then the counties in GB/T 2260 order.
ROW = {"衢州市": 3, "柯城区": 4, "衢江区": 5, "常山县": 6, "开化县": 7, "龙游县": 8, "江山市": 9}
COLUMN = {"合计": 2, 2020: 3, 2021: 4, 2022: 5, 2023: 6, 2024: 7}


@pytest.fixture
def task(curated_data):
    return Task.objects.get(code="T01")


@pytest.fixture
def api(officer):
    client = APIClient()
    client.force_authenticate(officer)
    return client


def template(api, task, kind) -> bytes:
    response = api.get(f"/api/v1/targets/tasks/{task.pk}/imports/{kind}/template.xlsx")
    assert response.status_code == 200
    return response.content


def edited(data: bytes, changes: dict) -> bytes:
    """The workbook with {(region, column): value} written in, as a person would in Excel."""
    book = load_workbook(io.BytesIO(data))
    sheet = book.active
    for (region, column), value in changes.items():
        sheet.cell(row=ROW[region], column=COLUMN[column], value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(api, task, kind, data, **extra):
    return api.post(
        f"/api/v1/targets/tasks/{task.pk}/imports/{kind}/",
        {"file": io.BytesIO(data), **extra},
        format="multipart",
    )


def planned() -> dict:
    return {(s.region_code, s.year): s.planned for s in TaskShare.objects.all()}


def test_template_holds_the_stored_table_with_its_totals_TGT_10(api, task):
    """TGT-10: the downloaded template is the stored decomposition table, header and totals included."""
    sheet = load_workbook(io.BytesIO(template(api, task, "shares"))).active
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert rows[0] == ["单位", "合计", "2020年", "2021年", "2022年", "2023年", "2024年"]
    assert rows[1] == ["衢州市", "118600", "33000", "26400", "26400", "19800", "13000"]
    assert rows[ROW["柯城区"] - 2] == ["柯城区", "11700", "3300", "2600", "2600", "2000", "1200"]


def test_decomposition_cell_changed_without_its_sums_is_refused_by_row_and_column_TGT_10(api, task):
    """TGT-10: 柯城区 2021 changed to 2700 alone: the row sum (柯城区, 合计) and the column sum (衢州市,
    2021年) are named; nothing is saved."""
    before = planned()
    data = edited(template(api, task, "shares"), {("柯城区", 2021): 2700})
    response = upload(api, task, "shares", data)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "import_refused" and "未导入任何计划量" in error["message"]
    named = {(r["row"], r["column"]) for r in error["rows"]}
    assert named == {(ROW["柯城区"], "合计"), (ROW["衢州市"], "2021年")}
    by_place = {(r["row"], r["column"]): r["message"] for r in error["rows"]}
    assert "柯城区各年度之和11800亩，与合计11700亩不符" in by_place[(ROW["柯城区"], "合计")]
    assert "26500亩" in by_place[(ROW["衢州市"], "2021年")]
    assert planned() == before
    assert not AuditEvent.objects.filter(action="import_task_shares").exists()


def test_decomposition_totals_must_stay_those_stored_TGT_10(api, task):
    """TGT-10: a sheet that adds up in itself but changes the stored totals (柯城区 合计 and the city's)
    is refused, naming each changed total against the stored figure and the document's 11.86万亩."""
    before = planned()
    data = edited(
        template(api, task, "shares"),
        {
            ("柯城区", 2021): 2700,
            ("柯城区", "合计"): 11800,
            ("衢州市", 2021): 26500,
            ("衢州市", "合计"): 118700,
        },
    )
    response = upload(api, task, "shares", data)
    assert response.status_code == 400
    messages = {(r["row"], r["column"]): r["message"] for r in response.json()["error"]["rows"]}
    assert "与已存的11700亩不符" in messages[(ROW["柯城区"], "合计")]
    assert "与已存的26400亩不符" in messages[(ROW["衢州市"], "2021年")]
    assert any("新增造林11.86万亩以上" in m for m in messages.values())
    assert planned() == before


def test_decomposition_that_adds_up_is_applied_exactly_and_audited_TGT_10(api, task):
    """TGT-10: 100亩 moved from 2021 to 2022 in 柯城区 and back in 开化县: every sum holds, exactly those
    four cells change, in one audited event with old and new."""
    before = planned()
    data = edited(
        template(api, task, "shares"),
        {("柯城区", 2021): 2500, ("柯城区", 2022): 2700, ("开化县", 2021): 7000, ("开化县", 2022): 6800},
    )
    response = upload(api, task, "shares", data)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert {(c["region"], c["year"], c["old"], c["new"]) for c in body["changed"]} == {
        ("柯城区", 2021, "2600", "2500"),
        ("柯城区", 2022, "2600", "2700"),
        ("开化县", 2021, "6900", "7000"),
        ("开化县", 2022, "6900", "6800"),
    }
    after = planned()
    changed = {key for key in after if after[key] != before[key]}
    assert changed == {("330802", 2021), ("330802", 2022), ("330824", 2021), ("330824", 2022)}
    event = AuditEvent.objects.get(action="import_task_shares")
    assert event.changes["柯城区2021年"] == ["2600", "2500"]


def test_progress_import_checks_sums_and_saves_all_or_nothing_TGT_10(api, task, officer):
    """TGT-10: counties' completion imports when rows and columns add up; a wrong total is named by row
    and column and nothing is saved; importing the same sheet again changes nothing."""
    blank = template(api, task, "progress")
    good = {
        ("柯城区", 2020): 3300,
        ("柯城区", 2021): 2500,
        ("柯城区", "合计"): 5800,
        ("开化县", 2020): 8800,
        ("开化县", "合计"): 8800,
        ("衢州市", 2020): 12100,
        ("衢州市", 2021): 2500,
        ("衢州市", "合计"): 14600,
    }
    wrong = edited(blank, {**good, ("衢州市", 2020): 12000, ("衢州市", "合计"): 14500})
    refused = upload(api, task, "progress", wrong, source="2021年度国土绿化考核报表")
    assert refused.status_code == 400
    assert {(r["row"], r["column"]) for r in refused.json()["error"]["rows"]} == {
        (ROW["衢州市"], "2020年"),
        (ROW["衢州市"], "合计"),
    }
    assert TaskProgress.objects.count() == 0

    no_source = upload(api, task, "progress", edited(blank, good))
    assert no_source.status_code == 400 and no_source.json()["error"]["field"] == "source"

    saved = upload(api, task, "progress", edited(blank, good), source="2021年度国土绿化考核报表")
    assert saved.status_code == 200, saved.json()
    assert len(saved.json()["changed"]) == 3
    current = {(p.region_code, p.year): p.completed for p in TaskProgress.objects.filter(is_current=True)}
    assert current == {
        ("330802", 2020): Decimal(3300),
        ("330802", 2021): Decimal(2500),
        ("330824", 2020): Decimal(8800),
    }
    assert all(p.entered_by == officer for p in TaskProgress.objects.all())

    # the template now holds what was saved, so uploading it again changes nothing
    again = upload(api, task, "progress", template(api, task, "progress"), source="复核")
    assert again.status_code == 200 and again.json()["changed"] == [] and again.json()["unchanged"] == 3


def test_bad_cells_are_named_and_nothing_saved_TGT_10(api, task):
    """TGT-10: a cell that is not a number, and a negative one, are named by row and column."""
    before = planned()
    data = edited(template(api, task, "shares"), {("衢江区", 2023): "两千八", ("江山市", 2024): -1})
    response = upload(api, task, "shares", data)
    assert response.status_code == 400
    named = {(r["row"], r["column"]) for r in response.json()["error"]["rows"]}
    assert named == {(ROW["衢江区"], "2023年"), (ROW["江山市"], "2024年")}
    assert planned() == before
    not_xlsx = upload(api, task, "shares", b"not a workbook")
    assert not_xlsx.status_code == 400 and not_xlsx.json()["error"]["field"] == "file"


def test_imports_through_the_web_page_TGT_10(task, officer):
    """TGT-10: the page offers both templates, refuses a mismatch with a table of rows and columns (400,
    nothing saved) and imports a sheet that adds up."""
    web = Client()
    web.force_login(officer)
    page = web.get(f"/targets/tasks/{task.pk}/import/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "任务分解表（计划量）" in html and "完成情况（完成量）" in html
    assert f"/targets/tasks/{task.pk}/" in web.get(f"/targets/tasks/{task.pk}/").content.decode()
    blank = web.get(f"/targets/tasks/{task.pk}/import/shares.xlsx")
    assert blank.status_code == 200
    before = planned()

    bad = edited(blank.content, {("柯城区", 2021): 2700})
    refused = web.post(
        f"/targets/tasks/{task.pk}/import/",
        {"kind": "shares", "file": _named(bad)},
    )
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "未导入：以下各处不符" in text and "第4行" in text and "2021年" in text
    assert planned() == before

    good = edited(
        blank.content,
        {("柯城区", 2021): 2500, ("柯城区", 2022): 2700, ("开化县", 2021): 7000, ("开化县", 2022): 6800},
    )
    applied = web.post(f"/targets/tasks/{task.pk}/import/", {"kind": "shares", "file": _named(good)})
    assert applied.status_code == 200
    assert "改变 4 格" in applied.content.decode()
    assert planned()[("330802", 2021)] == Decimal(2500)


def _named(data: bytes):
    handle = io.BytesIO(data)
    handle.name = "分解表.xlsx"
    return handle


def test_only_roles_that_may_import_get_the_pages_TGT_10(task):
    """TGT-10: the observer (view only) and a county (reports its own share) may not import: 403."""
    county = make_user("county", "owner", unit=Unit.objects.get(code="jiangshan"))
    for user in (make_user("watcher", "observer"), county):
        api = APIClient()
        api.force_authenticate(user)
        response = api.get(f"/api/v1/targets/tasks/{task.pk}/imports/shares/template.xlsx")
        assert response.status_code == 403, user.role
        web = Client()
        web.force_login(user)
        assert web.get(f"/targets/tasks/{task.pk}/import/").status_code == 403
