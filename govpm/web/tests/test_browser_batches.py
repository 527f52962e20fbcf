"""PERF-01 and PLAN-05 in chromium: an owner enters two performance targets on the need form (1280 and
390 px); smart_office closes a 申报批次 with confirmation and downloads the 需求汇总表."""

import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from govpm.documents import batches
from govpm.projects import lifecycle
from govpm.projects.models import Batch, PerformanceTarget, Project
from govpm.projects.scenarios import ALL_CLEAR
from tests.factories import draft

from .test_browser import UI, _need, travel, ui  # noqa: F401 (fixtures shared with the main walk)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _two_targets(page) -> None:
    rows = page.locator("[data-target-row]")
    expect(rows).to_have_count(1)
    first = rows.nth(0)
    first.get_by_label("绩效指标").fill("医保事项网上可办率")
    first.get_by_label("目标值").fill("95")
    first.get_by_label("计量单位").fill("%")
    first.get_by_label("完成时限").fill("2027-12-31")
    page.get_by_role("button", name="增加一项绩效目标").click()
    expect(rows).to_have_count(2)
    second = rows.nth(1)
    expect(second.get_by_label("绩效指标")).to_have_value("")
    second.get_by_label("绩效指标").fill("接入定点医药机构数")
    second.get_by_label("目标值").fill("1200")
    second.get_by_label("计量单位").fill("家")
    second.get_by_label("完成时限").fill("2027-06-30")


@pytest.mark.parametrize("width", [1280, 390])
def test_an_owner_enters_two_performance_targets_on_the_need_form_PERF_01(ui, cast, travel, width):  # noqa: F811
    """PERF-01: rows added in the browser (and one added then removed) are saved with the need, in
    order, and shown on the project page; at 1280 px and on a 390 px phone."""
    page = ui.open(cast.owner, "/projects/new/")
    page.set_viewport_size({"width": width, "height": 900})
    _need(page)
    _two_targets(page)
    page.get_by_role("button", name="增加一项绩效目标").click()
    rows = page.locator("[data-target-row]")
    expect(rows).to_have_count(3)
    rows.nth(2).get_by_role("button", name="删除此项").click()
    expect(rows).to_have_count(2)
    page.screenshot(path=str(ui.screenshots / f"need-form-targets-{width}.png"), full_page=True)
    page.get_by_role("button", name="保存草稿").click()

    expect(page.locator(".messages")).to_contain_text("需求已保存为草稿")
    found = re.search(r"/projects/(\d+)/", page.url)
    assert found is not None
    pid = int(found.group(1))
    saved = [
        (t.indicator, format(t.target_value.normalize(), "f"), t.unit, t.due_by)
        for t in PerformanceTarget.objects.filter(project_id=pid)
    ]
    assert saved == [
        ("医保事项网上可办率", "95", "%", dt.date(2027, 12, 31)),
        ("接入定点医药机构数", "1200", "家", dt.date(2027, 6, 30)),
    ]
    panel = page.locator("#h-targets").locator("..")
    expect(panel).to_contain_text("接入定点医药机构数")
    expect(panel).to_contain_text("1200家")
    page.screenshot(path=str(ui.screenshots / f"project-targets-{width}.png"), full_page=True)


def test_smart_office_closes_a_batch_and_downloads_the_summary_PLAN_05(ui, cast, travel):  # noqa: F811
    """PLAN-05: the close needs the confirmation; once closed the page shows the 年度项目计划 and the
    需求汇总表 downloads as an Excel file whose rows are the batch's needs."""
    batch = batches.open_batch(actor=cast.smart_office, name="2026年度第一批", closes_on=dt.date(2026, 3, 31))
    for name in ["智慧医保服务平台", "城市大脑驾驶舱"]:
        need = draft(cast.owner, name=name, with_materials=True)
        lifecycle.submit(need.pk, actor=cast.owner)
        lifecycle.review_needs(need.pk, actor=cast.bdb, decision="accept", answers=ALL_CLEAR)
    assert Project.objects.filter(batch=batch).count() == 2

    page = ui.open(cast.smart_office, "/documents/batches/")
    expect(page.locator("#batch-table")).to_contain_text("2026年度第一批")
    ui.shot(page, "batches")
    page.get_by_role("link", name="2026年度第一批").click()
    form = page.locator("#close-batch-form")
    form.get_by_label("预算年度").fill("2027")
    form.get_by_role("button", name="截止并印发汇总表").click()
    expect(page.locator(".form-errors")).to_contain_text("请勾选确认")
    assert Batch.objects.get(pk=batch.pk).status == "open"

    form = page.locator("#close-batch-form")
    form.get_by_label("预算年度").fill("2027")
    form.get_by_label("确认截止本批次（不可撤销）").check()
    form.get_by_role("button", name="截止并印发汇总表").click()

    expect(page.locator(".messages")).to_contain_text("已截止，需求汇总表已印发")
    expect(page.locator("#plan-table")).to_contain_text("智慧医保服务平台")
    ui.shot(page, "batch-closed")
    with page.expect_download() as download:
        page.locator("#download-summary-xlsx").click()
    sheet = load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).active
    assert sheet["A1"].value == "序号"
    assert {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)} == {
        "智慧医保服务平台",
        "城市大脑驾驶舱",
    }
    assert download.value.suggested_filename == "2026年度第一批需求汇总表.xlsx"
