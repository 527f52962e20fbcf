"""In Debian's chromium: the 综合考核 table's drill-down (ORG-05) and the project page's supervision panel
("1+1" inspections apart, IMPL-09; the mid-term review's clock, SUPV-06; an exemption, ORG-04).
Screenshots at 1280 and 390 px into artifacts/screenshots/."""

import datetime as dt
import re

import pytest
import time_machine
from playwright.sync_api import expect

from govpm.core import clock
from govpm.projects import lifecycle
from govpm.projects.lifecycle import process_deadlines
from govpm.projects.scenarios import advance
from tests.factories import draft

from .test_browser import START, UI

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def travel(settings):
    settings.SESSION_COOKIE_AGE = 10 * 365 * 24 * 3600
    with time_machine.travel(START, tick=True) as traveller:
        yield traveller


@pytest.fixture
def ui(browser, live_server, screenshots):
    ui = UI(browser, live_server.url, screenshots)
    yield ui
    for page in ui.pages.values():
        page.context.close()


def _shots(ui, page, name: str) -> None:
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(ui.screenshots / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_number_of_the_assessment_table_opens_the_projects_behind_it_ORG_05(cast, travel, ui):
    """ORG-05: 市发改委's overdue design approval is on 市发改委's row; a click lists the project."""
    late = advance(draft(cast.owner, name="智慧停车诱导系统"), cast, to="approval", shift=travel.shift)
    lifecycle.accept_application(late.pk, actor=cast.ndrc)
    travel.shift(dt.timedelta(days=10))  # TIME-01: three days
    process_deadlines()
    year = clock.today().year

    page = ui.open(cast.smart_office, f"/promotion/?year={year}#units")
    row = page.locator(f'#unit-performance tr[data-unit="{cast.ndrc.unit_id}"]')
    expect(row).to_contain_text(cast.ndrc.unit.name)
    owner_row = page.locator(f'#unit-performance tr[data-unit="{cast.owner.unit_id}"]')
    expect(owner_row.locator('a[data-drill="overdue"]')).to_have_count(0)  # not the owner's delay
    _shots(ui, page, "org05-assessment-table")

    row.locator('a[data-drill="overdue"]').click()
    expect(page.get_by_role("heading", name=re.compile(cast.ndrc.unit.name))).to_be_visible()
    listed = page.locator("#unit-projects tbody tr")
    expect(listed).to_have_count(1)
    expect(listed).to_contain_text("智慧停车诱导系统")
    expect(listed).to_contain_text("受理后3天内出具初步设计批复")
    _shots(ui, page, "org05-drill-down")

    page.get_by_role("link", name="智慧停车诱导系统").click()
    expect(page.get_by_role("heading", name=re.compile("智慧停车诱导系统"))).to_be_visible()


def test_the_project_page_counts_joint_inspections_apart_and_flags_the_missing_midterm_review_IMPL_09_SUPV_06(
    cast, travel, ui
):
    project = advance(
        draft(cast.owner, name="城市运行监测平台"), cast, to="implementation", shift=travel.shift
    )
    today = clock.today()
    lifecycle.record_inspection(
        project.pk, actor=cast.bdb, inspected_on=today, result="on_track", findings="进度正常"
    )
    lifecycle.record_inspection(
        project.pk,
        actor=cast.reviewers["bizenv"],
        inspected_on=today,
        result="issues",
        findings="联调滞后",
        joint_with="bdb",
        participants="市营商办督查科；市大数据局项目管理处",
    )
    lifecycle.plan_implementation(
        project.pk, actor=cast.owner, starts_on=today, ends_on=today + dt.timedelta(days=60)
    )
    lifecycle.grant_exemption(
        project.pk,
        actor=cast.leading_group,
        rule="ORG-02",
        starts_on=today - dt.timedelta(days=90),
        ends_on=today - dt.timedelta(days=60),
        reason="汛期应急先行建设",
    )
    travel.shift(dt.timedelta(days=31))
    process_deadlines()

    page = ui.open(cast.smart_office, f"/projects/{project.pk}/")
    panel = page.locator("#supervision")
    expect(panel).to_contain_text("“1+1”联合督查 1 次")
    expect(panel).to_contain_text("单一单位督查 1 次（不计为“1+1”督查）")
    expect(panel).to_contain_text("实施期已过半，尚未开展中期监管")
    expect(panel.locator("[data-exemption]")).to_contain_text("汛期应急先行建设")
    expect(panel).not_to_contain_text(re.compile(r"(?<![A-Z])IMPL-09(?! ·)"))  # a rule with its citation
    expect(page.locator('[data-inspection="joint"]')).to_contain_text("市营商办督查科")
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        panel.screenshot(path=str(ui.screenshots / f"supervision-panel-{width}.png"))

    workbench = ui.open(cast.smart_office, "/")
    row = workbench.locator(f'a[href="/projects/{project.pk}/#action-record_midterm_review"]')
    expect(row.first).to_be_visible()
    expect(workbench.get_by_text(re.compile("计划实施期已过半")).first).to_be_visible()
    _shots(ui, workbench, "workbench-midterm")

    statistics = ui.open(cast.smart_office, "/statistics/?by=unit")
    table = statistics.locator("#statistics")
    expect(table.locator("thead")).to_contain_text("“1+1”联合督查")
    expect(table.locator('td[data-label="“1+1”联合督查"]').first).to_have_text("1")
    expect(table.locator('td[data-label="单一单位督查"]').first).to_have_text("1")
    _shots(ui, statistics, "statistics-inspections")
