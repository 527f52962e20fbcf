"""Where a need stands, in Debian's chromium at 1280 and 390 px: a rejection that looks like one, the
return reason and the unit's bar at the top, and field errors beside their controls with a summary
that links to them. Screenshots of each page go to artifacts/screenshots/ (git-ignored)."""

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from govpm.projects import lifecycle
from govpm.projects.models import Project, ZombieListing
from govpm.projects.stages import Stage
from tests.factories import draft

from . import test_browser
from .test_browser import UI

travel = test_browser.travel  # the live clock, a fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTHS = [(1280, 900), (390, 844)]
REVIEW_OK = {r: "经审核不存在该情形" for r in ["REJ-02", "REJ-07", "REJ-08", "REJ-10"]}


@pytest.fixture
def ui(browser, live_server, screenshots):
    ui = UI(browser, live_server.url, screenshots)
    yield ui
    for page in ui.pages.values():
        page.context.close()


def _fits(page: Page) -> None:
    """Nothing of the page runs off the side: the document is no wider than the viewport."""
    width, viewport = page.evaluate("document.documentElement.scrollWidth"), page.viewport_size
    assert viewport and width <= viewport["width"] + 1, width


def _at_widths(ui: UI, page: Page, name: str, check) -> None:
    """Run `check` at 1280 and at 390 px, each with a full-page screenshot."""
    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        check(page)
        _fits(page)
        page.screenshot(path=str(ui.screenshots / f"{name}-{width}.png"), full_page=True)
        page.screenshot(path=str(ui.screenshots / f"{name}-{width}-view.png"))  # what the eye meets first
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_rejection_looks_like_one_from_precheck_to_the_page_after_REJ_03_REJ_05(ui, cast, travel):
    """REJ-03 REJ-05: precheck warns with each rule's meaning; submitting asks to confirm the 不予受理 and
    lists why; the page after says it was rejected, why, and what the owner can do next."""
    project = draft(cast.owner, facts={"new_server_room": True, "deploys_on_city_cloud": False})
    page = ui.open(cast.owner, f"/projects/{project.pk}/")
    ui.form(page, "precheck").locator("button[type=submit]").click()
    warning = page.locator(".messages li.warning")
    expect(warning).to_contain_text("现在提交将被不予受理")
    expect(warning).to_contain_text("新建或扩建机房、高能耗数据中心等")
    expect(warning).to_contain_text("不予部署、迁移到衢州市云计算中心的新建、升级改造项目")
    assert page.locator(".messages li.success").count() == 0
    top = page.locator('[data-standing="precheck"]')
    expect(top).to_contain_text("按现有申报事实提交，本需求将被不予受理")
    expect(top.locator("[data-rule]")).to_have_count(2)
    _at_widths(ui, page, "standing-precheck", lambda p: expect(top).to_be_visible())

    form = ui.form(page, "submit")
    expect(form.locator(".warning-box")).to_contain_text("提交后本需求将不予受理")
    expect(form.locator(".warning-box li")).to_have_count(2)
    form.locator("button[type=submit]").click()  # without the tick: refused, nothing changes
    summary = page.locator('form[data-action="submit"] .form-errors')
    expect(summary).to_contain_text("请勾选确认：提交后本需求将不予受理")
    expect(page.locator('form[data-action="submit"] [name="_confirm"]')).to_have_attribute(
        "aria-invalid", "true"
    )
    assert Project.objects.get(pk=project.pk).stage == Stage.DRAFT
    _at_widths(ui, page, "standing-submit-confirm", lambda p: expect(summary).to_be_visible())

    form = page.locator('form[data-action="submit"]')
    form.get_by_label("我已知悉：提交后本需求将不予受理").check()
    form.locator("button[type=submit]").click()
    expect(page.locator(".messages li.error")).to_contain_text("已作不予受理处理")
    expect(page.locator(".messages")).not_to_contain_text("已完成")
    rejected = page.locator('[data-standing="rejected"]')
    expect(rejected).to_contain_text("需求不予受理")
    expect(rejected.locator("[data-rule]")).to_have_count(2)
    expect(rejected).to_contain_text("二(二)不予受理情形第3项")
    expect(rejected.get_by_role("link", name="另行填报新的需求")).to_have_attribute("href", "/projects/new/")
    assert Project.objects.get(pk=project.pk).stage == Stage.REJECTED
    _at_widths(ui, page, "standing-rejected", lambda p: expect(rejected).to_be_in_viewport())


def test_return_reason_and_bar_stand_at_the_top_PLAN_04_REJ_09(ui, cast, travel):
    """PLAN-04 REJ-09 TIME-04: the return reason tops the project page and the edit form; a barred unit
    sees its bar, its end date and its clause on the workbench and the new-need page."""
    project = draft(cast.owner)
    lifecycle.submit(project.pk, actor=cast.owner)
    answers = {rule: {"hit": False, "reason": reason} for rule, reason in REVIEW_OK.items()}
    lifecycle.review_needs(
        project.pk, actor=cast.bdb, decision="return", answers=answers, comment="请补充绩效目标的量化指标"
    )
    ZombieListing.objects.create(
        unit=cast.owner.unit,
        system_name="旧版办公系统",
        listed_on=dt.date(2026, 2, 1),
        bar_ends_on=dt.date(2028, 2, 1),
        reason="长期无人使用",
    )
    page = ui.open(cast.owner, f"/projects/{project.pk}/")
    returned = page.locator('[data-standing="returned"]')
    expect(returned).to_contain_text("退回意见：请补充绩效目标的量化指标")
    expect(returned).to_be_in_viewport()
    _at_widths(ui, page, "standing-returned", lambda p: expect(returned).to_be_visible())
    returned.get_by_role("link", name="按退回意见修改需求").click()
    expect(page.get_by_role("heading", name=re.compile("修改需求"))).to_be_visible()
    expect(page.locator('[data-standing="returned"]')).to_contain_text("请补充绩效目标的量化指标")
    expect(page.locator('[data-standing="bar"]')).to_contain_text("2028年2月1日")
    _at_widths(ui, page, "standing-edit-form", lambda p: expect(p.locator("#standing")).to_be_visible())

    for path, name in [("/", "standing-workbench-bar"), ("/projects/new/", "standing-new-need-bar")]:
        page = ui.open(cast.owner, path)
        bar = page.locator('[data-standing="bar"]')
        expect(bar).to_contain_text("本单位在2028年2月1日前不得申报数字化项目需求")
        expect(bar).to_contain_text("REJ-09 · 衢政办发〔2020〕8号 二(二)不予受理情形第9项")
        expect(bar).to_contain_text("旧版办公系统")
        _at_widths(ui, page, name, lambda p: expect(p.locator('[data-standing="bar"]')).to_be_in_viewport())


def test_field_errors_land_beside_their_controls_and_the_summary_links_to_them_PLAN_04(ui, cast, travel):
    """PLAN-04 REJ-07: a missing reason lands on its checklist item, the box is marked, the summary's
    link moves focus there; the need form's missing name likewise."""
    project = draft(cast.owner)
    lifecycle.submit(project.pk, actor=cast.owner)
    page = ui.open(cast.bdb, f"/projects/{project.pk}/needs-review/")
    form = ui.form(page, "review_needs")
    form.locator('[data-control="decision"]').get_by_label("同意入库").check()
    for rule, reason in REVIEW_OK.items():
        item = form.locator(f'[data-control="answers.{rule}"]')
        item.get_by_label("未命中").check()
        if rule != "REJ-07":
            item.get_by_label("理由").fill(reason)
    form.locator("button[type=submit]").click()
    item = page.locator('[data-control="answers.REJ-07"]')
    expect(item.locator(".error-text")).to_contain_text("须说明对 REJ-07 的判断理由")
    reason = item.locator("textarea")
    expect(reason).to_have_attribute("aria-invalid", "true")
    assert reason.evaluate("e => getComputedStyle(e).borderTopColor") == "rgb(180, 35, 24)"
    expect(page.locator('[data-control="answers.REJ-02"] [aria-invalid]')).to_have_count(0)
    link = page.locator(".form-errors a")
    expect(link).to_have_attribute("href", "#review-needs-answers-REJ-07-reason")
    _at_widths(ui, page, "errors-needs-review", lambda p: expect(link).to_be_visible())
    link.click()
    expect(reason).to_be_focused()
    assert Project.objects.get(pk=project.pk).stage == Stage.SUBMITTED

    page = ui.open(cast.owner, "/projects/new/")
    page.get_by_role("button", name="保存草稿").click()
    name = page.locator("#need-name")
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(page.locator('[data-control="name"] .error-text')).to_contain_text("项目名称")
    expect(page.locator('.form-errors a[href="#need-name"]')).to_be_visible()
    _at_widths(ui, page, "errors-need-form", lambda p: expect(name).to_be_visible())
