"""Issue 16 in Debian's chromium: the inventory import (INV-01), the similarity panel of the needs
review (INV-03), the statistics page (PORT-04), the plan against actual (PORT-01) and the public pages
read by an anonymous visitor (PORT-05). Screenshots at 1280 and 390 px into artifacts/screenshots/."""

import io
import re

import pytest
import time_machine
from openpyxl import Workbook
from playwright.sync_api import expect

from govpm.inventory import services
from govpm.inventory.models import System
from govpm.projects.scenarios import advance
from govpm.projects.stages import Stage
from tests.factories import UnitFactory, draft

from .test_browser import START, UI

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def travel(settings):
    """As test_browser's: one patched clock for the test and the live server."""
    settings.SESSION_COOKIE_AGE = 10 * 365 * 24 * 3600
    with time_machine.travel(START, tick=True) as traveller:
        yield traveller


@pytest.fixture
def ui(browser, live_server, screenshots):
    ui = UI(browser, live_server.url, screenshots)
    yield ui
    for page in ui.pages.values():
        page.context.close()


def _xlsx(path, rows) -> str:
    book = Workbook()
    sheet = book.active
    sheet.title = services.SHEET
    sheet.append(list(services.COLUMNS))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    path.write_bytes(out.getvalue())
    return str(path)


def _part(ui, page, selector: str, name: str) -> None:
    """The section alone, at both widths, so a reviewer can read it without the whole page."""
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.locator(selector).screenshot(path=str(ui.screenshots / f"{name}-{width}.png"))
    page.set_viewport_size({"width": 1280, "height": 900})


def test_inventory_import_names_the_bad_row_then_imports_all_INV_01(ui, cast, travel, tmp_path):
    UnitFactory(name="衢州市交通运输局", short_name="市交通局")
    good = [
        "县域远程会诊平台",
        "市交通局",
        "乡镇卫生院远程会诊",
        "会诊、影像诊断",
        "是",
        "会诊记录",
        "运行",
        "2019-06-30",
    ]
    bad = ["公交调度系统", "衢州市不存在局", "", "", "否", "", "运行", "2019-06-30"]
    page = ui.open(cast.bdb, "/inventory/import/")
    page.get_by_label("Excel 文件（.xlsx）").set_input_files(_xlsx(tmp_path / "bad.xlsx", [good, bad]))
    page.get_by_role("button", name="导入").click()
    expect(page.locator("#import-error")).to_contain_text("第3行「建设单位」")
    assert System.objects.count() == 0
    ui.shot(page, "inventory-import-error")
    page.get_by_label("Excel 文件（.xlsx）").set_input_files(_xlsx(tmp_path / "good.xlsx", [good]))
    page.get_by_role("button", name="导入").click()
    expect(page.locator(".messages")).to_contain_text("已导入 1 个信息系统")
    expect(page.locator("#systems")).to_contain_text("县域远程会诊平台")
    ui.shot(page, "inventory-systems")
    ui.shot(ui.open(cast.bdb, "/inventory/zombie-candidates/"), "inventory-candidates")
    ui.shot(ui.open(cast.bdb, "/inventory/catalogue/"), "inventory-catalogue")


def test_needs_review_shows_the_similar_system_with_score_and_terms_INV_03(ui, cast, travel):
    System.objects.create(
        name="县域远程会诊平台",
        summary="乡镇卫生院远程会诊和远程影像诊断",
        owner_unit=cast.owner.unit,
        source=System.Source.IMPORTED,
    )
    need = draft(cast.owner, name="基层医疗机构远程会诊系统")
    need.summary = "乡镇卫生院与市级医院之间的远程会诊、远程影像诊断"
    need.save(update_fields=["summary"])
    need = advance(need, cast, to=Stage.SUBMITTED)
    page = ui.open(cast.bdb, f"/projects/{need.pk}/needs-review/")
    panel = page.locator("#similar-panel")
    expect(panel).to_contain_text("县域远程会诊平台")
    expect(panel.locator(".badge.bad")).to_contain_text("疑似重复")
    expect(panel).to_contain_text("远程会诊")
    expect(page.locator("#resources-panel")).to_be_visible()
    ui.shot(page, "needs-review-similarity")
    _part(ui, page, "#similar-panel", "needs-review-similarity-panel")


def test_statistics_and_plan_against_actual_render_PORT_01_04(ui, cast, travel):
    project = advance(draft(cast.owner, name="医学影像云胶片应用"), cast, to=Stage.IMPLEMENTATION)
    from govpm.portfolio import services as portfolio

    portfolio.set_plan(
        project.pk,
        actor=cast.owner,
        modules=[
            {"id": m.pk, "planned_start": "2025-12-01", "planned_end": "2026-02-01"}
            for m in project.modules.all()
        ],
        milestones={"final": "2026-06-30"},
    )
    page = ui.open(cast.smart_office, f"/projects/{project.pk}/")
    expect(page.locator("#gantt-chart canvas")).to_have_count(1)
    expect(page.locator("#variance")).to_contain_text("进度偏差")
    ui.shot(page, "project-plan-actual")
    _part(ui, page, "#plan-actual", "project-plan-actual-section")
    page = ui.open(cast.smart_office, "/statistics/?by=unit")
    expect(page.locator("#statistics")).to_contain_text(cast.owner.unit.name)
    expect(page.locator("#stats-chart canvas")).to_have_count(1)
    ui.shot(page, "statistics")


def test_owner_dates_the_plan_from_the_project_page_PORT_01(ui, cast, travel):
    """PORT-01 in the browser: the owner opens 编制或调整计划, an end before its start is refused with the
    module named and nothing saved, then the plan is saved and drawn against the actuals."""
    project = advance(draft(cast.owner, name="医学影像云胶片应用"), cast, to=Stage.IMPLEMENTATION)
    module = project.modules.order_by("position")[0]
    page = ui.open(cast.owner, f"/projects/{project.pk}/")
    form = page.locator("#plan-form")
    expect(form).to_be_visible()  # open while the project has no plan
    form.locator(f"#plan-m{module.pk}-start").fill("2026-03-01")
    form.locator(f"#plan-m{module.pk}-end").fill("2026-02-01")
    ui.shot(page, "project-plan-form")
    _part(ui, page, "#plan-actual", "project-plan-form-section")
    form.get_by_role("button", name="保存计划").click()
    expect(page.locator(".messages")).to_contain_text(f"{module.name}计划完成：不能早于计划开始")
    module.refresh_from_db()
    assert module.planned_start is None and module.planned_end is None
    form = page.locator("#plan-form")
    form.locator(f"#plan-m{module.pk}-start").fill("2025-12-01")
    form.locator(f"#plan-m{module.pk}-end").fill("2026-02-01")
    form.locator("#plan-final").fill("2026-06-30")
    form.get_by_role("button", name="保存计划").click()
    expect(page.locator(".messages")).to_contain_text("计划已保存")
    expect(page.locator("#gantt-chart canvas")).to_have_count(1)
    module.refresh_from_db()
    assert str(module.planned_end) == "2026-02-01"
    assert project.milestone_plans.get(milestone="final").planned_on.isoformat() == "2026-06-30"
    _part(ui, page, "#plan-actual", "project-plan-saved")


def test_public_pages_are_read_without_login_PORT_05(ui, browser, live_server, cast, travel):
    approved = advance(draft(cast.owner, name="已批复的云胶片应用"), cast, to=Stage.FUNDED)
    advance(draft(cast.owner, name="尚在评审的项目"), cast, to=Stage.JOINT_REVIEW)
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(live_server.url + "/public/projects/")
    expect(page.get_by_role("heading", name="政府投资数字化项目公开")).to_be_visible()
    expect(page.locator("main")).to_contain_text("已批复的云胶片应用")
    expect(page.locator("main")).not_to_contain_text("尚在评审的项目")
    ui.shot(page, "public-list")
    page.get_by_role("link", name="已批复的云胶片应用").click()
    expect(page).to_have_url(re.compile(rf"/public/projects/{approved.pk}/$"))
    expect(page.locator("#public-facts")).to_contain_text("批复概算")
    ui.shot(page, "public-detail")
    context.close()
