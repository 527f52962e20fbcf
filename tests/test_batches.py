"""PLAN-05 定期汇总: smart_office opens a 申报批次; needs pooled while it is open belong to it; closing it
issues the 需求汇总表 (XLSX and a 公文-layout list, DOCX and PDF) and fixes the 年度项目计划."""

import datetime as dt
import io
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from docx import Document
from openpyxl import load_workbook

from govpm.core.models import AuditEvent
from govpm.documents import batches
from govpm.documents.models import BatchFile
from govpm.notices.models import Notice
from govpm.projects import lifecycle
from govpm.projects.models import AnnualPlanItem, Batch, Project
from govpm.projects.scenarios import ALL_CLEAR

from .factories import UserFactory, api_for, draft

pytestmark = pytest.mark.django_db


def _pooled(cast, name, estimate="1200000.00", owner=None):
    owner = owner or cast.owner
    project = draft(owner, name=name, estimate=estimate, with_materials=True)
    lifecycle.submit(project.pk, actor=owner)
    lifecycle.review_needs(project.pk, actor=cast.bdb, decision="accept", answers=ALL_CLEAR)
    return Project.objects.get(pk=project.pk)


def _open(cast, **body):
    return api_for(cast.smart_office).post(
        "/api/v1/batches/", {"name": "2026年度第一批", "closes_on": "2026-03-31", **body}, format="json"
    )


def test_smart_office_opens_a_batch_and_needs_pooled_while_open_belong_to_it_PLAN_05(cast, clock):
    """PLAN-05: open (audited), then a need bdb accepts is the batch's; one accepted before is not."""
    before = _pooled(cast, "批次前入库的需求")

    response = _open(cast)

    assert response.status_code == 201, response.json()
    batch = Batch.objects.get(pk=response.json()["batch"]["id"])
    assert (batch.status, batch.year, batch.closes_on) == ("open", 2026, dt.date(2026, 3, 31))
    event = AuditEvent.objects.get(action="open_batch", object_id=str(batch.pk))
    assert event.changes["name"] == [None, "2026年度第一批"] and event.actor_id == cast.smart_office.pk

    inside = _pooled(cast, "批次内入库的需求")

    assert inside.batch_id == batch.pk and before.batch_id is None
    detail = api_for(cast.bdb).get(f"/api/v1/batches/{batch.pk}/").json()
    assert [need["name"] for need in detail["needs"]] == ["批次内入库的需求"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"closes_on": "2026-03-01"}, "closes_on"),  # yesterday
        ({"closes_on": "2026/03/31"}, "closes_on"),
        ({"name": ""}, "name"),
        ({"name": "批" * 101}, "name"),
        ({"extra": 1}, "extra"),
    ],
)
def test_a_bad_batch_is_refused_naming_the_field_and_nothing_is_saved_PLAN_05(cast, clock, body, field):
    """PLAN-05: a closing date in the past (or malformed, or no name) → 400 in Chinese naming the field."""
    response = _open(cast, **body)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["field"] == field and any("\u4e00" <= ch <= "\u9fff" for ch in error["message"])
    assert not Batch.objects.exists() and not AuditEvent.objects.filter(action="open_batch").exists()


def test_only_one_batch_is_open_at_a_time_and_only_smart_office_opens_one_PLAN_05(cast, clock):
    """PLAN-05: a second open batch is refused citing the rule; other roles are forbidden."""
    assert _open(cast).status_code == 201
    assert _open(cast, closes_on="2026-03-02").status_code == 400  # today is allowed, but one is open

    second = _open(cast, name="第二批")
    assert (
        second.json()["error"]["rule"] == "PLAN-05" and "2026年度第一批" in second.json()["error"]["message"]
    )
    owner = api_for(cast.owner).post(
        "/api/v1/batches/", {"name": "x", "closes_on": "2026-04-01"}, format="json"
    )
    assert owner.status_code == 403
    assert Batch.objects.count() == 1


def test_closing_issues_the_summary_as_xlsx_and_official_list_and_fixes_the_annual_plan_PLAN_05(cast, clock):
    """PLAN-05: the 年度项目计划 lists the batch's needs still going on with their amounts and budget year;
    the 需求汇总表 XLSX and the 公文 DOCX are read back; the close is audited; a second close is 409."""
    batch = Batch.objects.get(pk=_open(cast).json()["batch"]["id"])
    first = _pooled(cast, "智慧医保服务平台", "800000.00")
    second = _pooled(cast, "城市大脑驾驶舱", "1500000.00")
    gone = _pooled(cast, "已撤回的需求")
    lifecycle.withdraw(gone.pk, actor=cast.owner, reason="已由省级统建平台满足")

    response = api_for(cast.smart_office).post(
        f"/api/v1/batches/{batch.pk}/close/", {"budget_year": 2027}, format="json"
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["batch"]["status"] == "closed" and body["batch"]["budget_year"] == 2027
    plan = [(row["name"], row["requested_estimate"], row["budget_year"]) for row in body["annual_plan"]]
    assert sorted(plan) == sorted(
        [("智慧医保服务平台", "800000.00", 2027), ("城市大脑驾驶舱", "1500000.00", 2027)]
    )
    assert AnnualPlanItem.objects.filter(project=gone).count() == 0
    assert AuditEvent.objects.filter(action="close_batch", object_id=str(batch.pk)).count() == 1
    number = Batch.objects.get(pk=batch.pk).summary_number
    assert number.startswith("衢智办〔2026〕") or "〔2026〕" in number

    # the 汇总表 XLSX: every need of the batch, the withdrawn one included with its stage
    xlsx = api_for(cast.bdb).get(body["files"]["summary.xlsx"])
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("序号", "项目名称", "业主单位")
    assert {row[1] for row in rows[1:]} == {"智慧医保服务平台", "城市大脑驾驶舱", "已撤回的需求"}
    medical = next(row for row in rows[1:] if row[1] == "智慧医保服务平台")
    assert medical[5] == 800000 and "事项网上可办率95%" in medical[7]

    # the 公文-layout list: numbered, titled, the needs and the plan's total in words
    document = Document(io.BytesIO(api_for(cast.bdb).get(body["files"]["summary.docx"]).content))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert number in text and "关于2026年度第一批\n项目需求汇总情况的通知" in text
    assert "列入2027年度项目计划的需求共2项" in text and "230.00万元" in text
    assert {"智慧医保服务平台", "城市大脑驾驶舱"} <= cells

    # the plan XLSX
    plan_sheet = load_workbook(io.BytesIO(api_for(cast.bdb).get(body["files"]["plan.xlsx"]).content)).active
    assert plan_sheet.title == "2027年度项目计划" and plan_sheet.max_row == 3

    # a second close changes nothing
    again = api_for(cast.smart_office).post(
        f"/api/v1/batches/{batch.pk}/close/", {"budget_year": 2027}, format="json"
    )
    assert again.status_code == 409 and BatchFile.objects.filter(batch=batch).count() == 3
    # and a need pooled now belongs to no closed batch
    assert _pooled(cast, "截止后入库").batch_id is None
    assert first.batch_id == second.batch_id == batch.pk


def test_closing_tells_each_needs_owner_unit_and_those_who_work_from_the_plan_NOTE_01_PLAN_05(cast, clock):
    """NOTE-01 PLAN-05: closing the batch tells every owner user of each need on the plan (its own need,
    linked), nobody about a withdrawn need, and bdb, ndrc and finance that the plan is fixed (how many,
    how much, the 汇总表's number, linked to the batch); smart_office, who closed it, is not told. All
    the notices are one INSERT, however many needs."""
    batch = Batch.objects.get(pk=_open(cast).json()["batch"]["id"])
    other = UserFactory(role="owner")
    colleague = UserFactory(role="owner", unit=cast.owner.unit)
    mine = _pooled(cast, "智慧医保服务平台", "800000.00")
    theirs = _pooled(cast, "城市大脑驾驶舱", "1500000.00", owner=other)
    gone = _pooled(cast, "已撤回的需求")
    lifecycle.withdraw(gone.pk, actor=cast.owner, reason="已由省级统建平台满足")
    Notice.objects.all().delete()  # what the needs' own actions said

    with CaptureQueriesContext(connection) as captured:
        batches.close_batch(batch.pk, actor=cast.smart_office, budget_year=2027)

    inserts = [
        q["sql"] for q in captured.captured_queries if q["sql"].startswith('INSERT INTO "notices_notice"')
    ]
    assert len(inserts) == 1
    number = Batch.objects.get(pk=batch.pk).summary_number
    told = Notice.objects.filter(action="close_batch")
    for user, need in ((cast.owner, mine), (colleague, mine), (other, theirs)):
        (notice,) = told.filter(recipient=user)
        assert notice.project_id == need.pk and notice.link == f"/projects/{need.pk}/"
        assert notice.text == f"「{need.name}」已列入2027年度项目计划（2026年度第一批，需求汇总表{number}）"
    assert not told.filter(project=gone).exists() and not told.filter(text__contains="已撤回").exists()
    for user in (cast.bdb, cast.ndrc, cast.finance):
        (notice,) = told.filter(recipient=user)
        assert notice.project_id is None and notice.link == f"/documents/batches/{batch.pk}/"
        assert "2个项目" in notice.text and "230.00万元" in notice.text and number in notice.text
    assert not told.filter(recipient=cast.smart_office).exists()
    assert told.count() == 6


def test_the_summary_pdf_is_converted_from_the_issued_docx_PLAN_05(cast, clock):
    """PLAN-05: the 公文 list as PDF."""
    batch = batches.open_batch(actor=cast.smart_office, name="2026年度第一批", closes_on=dt.date(2026, 3, 31))
    _pooled(cast, "智慧医保服务平台")
    batches.close_batch(batch.pk, actor=cast.smart_office, budget_year=2026)

    response = api_for(cast.finance).get(f"/api/v1/batches/{batch.pk}/files/summary.pdf")

    assert response.status_code == 200 and response.content[:5] == b"%PDF-"


@pytest.mark.parametrize(
    ("year", "field"), [(2025, "budget_year"), (2029, "budget_year"), ("二〇二七", "budget_year")]
)
def test_a_bad_budget_year_refuses_the_close_and_nothing_is_saved_PLAN_05(cast, clock, year, field):
    """PLAN-05: the budget year is the batch's year or one of the two after it."""
    batch = batches.open_batch(actor=cast.smart_office, name="2026年度第一批", closes_on=dt.date(2026, 3, 31))
    _pooled(cast, "智慧医保服务平台")

    response = api_for(cast.smart_office).post(
        f"/api/v1/batches/{batch.pk}/close/", {"budget_year": year}, format="json"
    )

    assert response.status_code == 400 and response.json()["error"]["field"] == field
    assert Batch.objects.get(pk=batch.pk).status == "open"
    assert not AnnualPlanItem.objects.exists() and not BatchFile.objects.exists()


def test_the_batch_pages_list_open_and_close_with_confirmation_PLAN_05(
    cast, clock, client, django_assert_max_num_queries
):
    """PLAN-05 in the web UI: smart_office opens a batch (a past date refused on the page), closes it only
    with the confirmation ticked, and the page then shows the annual plan and the downloads."""
    client.force_login(cast.smart_office)
    refused = client.post("/documents/batches/", {"name": "2026年度第一批", "closes_on": "2026-01-05"})
    assert refused.status_code == 400 and "截止日期：不能早于今天" in unescape(refused.content.decode())
    assert not Batch.objects.exists()

    opened = client.post("/documents/batches/", {"name": "2026年度第一批", "closes_on": "2026-03-31"})
    batch = Batch.objects.get()
    assert opened.status_code == 302 and opened["Location"] == f"/documents/batches/{batch.pk}/"
    _pooled(cast, "智慧医保服务平台")
    page = unescape(client.get("/documents/batches/").content.decode())
    assert "已有征集中的批次「2026年度第一批」" in page and 'id="open-batch-form"' not in page

    unconfirmed = client.post(f"/documents/batches/{batch.pk}/close/", {"budget_year": "2027"})
    assert unconfirmed.status_code == 400 and Batch.objects.get().status == "open"
    assert "请勾选确认" in unescape(unconfirmed.content.decode())

    closed = client.post(f"/documents/batches/{batch.pk}/close/", {"budget_year": "2027", "confirm": "yes"})
    assert closed.status_code == 302
    detail = unescape(client.get(f"/documents/batches/{batch.pk}/").content.decode())
    assert "2027年度项目计划" in detail and "智慧医保服务平台" in detail and "已截止" in detail
    assert 'id="close-batch-form"' not in detail
    xlsx = client.get(f"/documents/batches/{batch.pk}/files/summary.xlsx")
    assert load_workbook(io.BytesIO(xlsx.content)).active["B2"].value == "智慧医保服务平台"

    for n in range(3):
        other = Batch.objects.create(
            year=2025,
            name=f"往批{n}",
            closes_on=dt.date(2025, 12, 1),
            status="closed",
            opened_by=cast.smart_office,
            opened_at=batch.opened_at,
        )
        assert other.pk
    with django_assert_max_num_queries(8):
        listed = client.get("/documents/batches/")
    assert unescape(listed.content.decode()).count("往批") == 3

    client.force_login(cast.owner)
    assert client.get("/documents/batches/").status_code == 404
