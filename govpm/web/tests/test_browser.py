"""The web UI in Debian's chromium: a project from a unit's draft to operation, each step by the right
role's login; a refusal with its rule; a draft another unit cannot open; the dashboard's charts.
Screenshots of the main pages go to artifacts/screenshots/ (git-ignored) at 1280 and 390 px."""

import dataclasses
import datetime as dt
import re

import pytest
import time_machine
from playwright.sync_api import Page, expect

from govpm.core import clock as platform_clock
from govpm.projects import lifecycle
from govpm.projects.models import Event, Project
from govpm.projects.scenarios import advance
from govpm.projects.stages import ACTIONS, Stage
from tests.factories import UserFactory, draft

from .conftest import SHANGHAI

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)
PASSWORD = "pw-12345678"


@pytest.fixture
def travel(settings):
    """The platform's clock for the test and the live server (one process, one patched clock).
    Sessions outlive the jumps in time the lifecycle needs (3 months, a year)."""
    settings.SESSION_COOKIE_AGE = 10 * 365 * 24 * 3600
    with time_machine.travel(START, tick=True) as traveller:
        yield traveller


class UI:
    """One logged-in browser context per user, kept for the test."""

    def __init__(self, browser, base_url: str, screenshots):
        self.browser, self.base, self.screenshots = browser, base_url, screenshots
        self.pages: dict[int, Page] = {}

    def as_(self, user) -> Page:
        if user.pk not in self.pages:
            context = self.browser.new_context(
                locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 900}
            )
            context.set_default_timeout(10_000)
            page = context.new_page()
            page.goto(self.base + "/accounts/login/")
            page.get_by_label("用户名").fill(user.username)
            page.keyboard.press("Tab")  # keyboard only: tab to the password, Enter to submit
            page.keyboard.type(PASSWORD)
            page.keyboard.press("Enter")
            expect(page.get_by_role("heading", name=re.compile("工作台"))).to_be_visible()
            self.pages[user.pk] = page
        return self.pages[user.pk]

    def open(self, user, path: str) -> Page:
        page = self.as_(user)
        page.goto(self.base + path)
        return page

    def form(self, page: Page, action: str):
        details = page.locator(f"#action-{action}")
        if details.get_attribute("open") is None:
            details.locator("summary").click()
        return details.locator("form")

    def act(
        self,
        user,
        project_id: int,
        action: str,
        fill=None,
        *,
        path: str | None = None,
        done: str | None = None,
    ) -> Page:
        """Open the project's page as `user`, fill the action's form, submit, expect it done."""
        page = self.open(user, path or f"/projects/{project_id}/")
        form = self.form(page, action)
        if fill:
            fill(form)
        self.choose_required_files(form)
        if form.locator('[name="_confirm"]').count():
            form.get_by_label("确认执行此不可撤销的操作").check()
        form.locator("button[type=submit]:not([formaction])").click()  # not the data dictionary's upload
        expect(page.locator(".messages")).to_contain_text(done or f"已完成「{ACTIONS[action].label}」")
        return page

    def choose_required_files(self, form) -> None:
        """MAT-01: each required file control the test left empty gets the demo's file for its
        material, chosen as an owner would, so the walk uploads with the action's own form."""
        from govpm.materials import catalog, demo_files

        controls = form.locator('input[type="file"][aria-required="true"]')
        for index in range(controls.count()):
            control = controls.nth(index)
            if control.evaluate("input => input.files.length"):
                continue
            kind = catalog.KINDS[control.get_attribute("name").removeprefix("material.")]
            upload = demo_files.file_for(kind, "浏览器测试项目")
            control.set_input_files(
                {"name": upload.name, "mimeType": "application/octet-stream", "buffer": upload.read()}
            )

    def shot(self, page: Page, name: str) -> None:
        for width, height in [(1280, 900), (390, 844)]:
            page.set_viewport_size({"width": width, "height": height})
            page.screenshot(path=str(self.screenshots / f"{name}-{width}.png"), full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})


@pytest.fixture
def ui(browser, live_server, screenshots):
    ui = UI(browser, live_server.url, screenshots)
    yield ui
    for page in ui.pages.values():  # before the live server stops: no request outlives the test
        page.context.close()


def _need(page: Page) -> None:
    page.get_by_label("项目名称").fill("衢州市智慧医保服务平台")
    page.get_by_label("需求概述").fill("医保经办“一件事”集成服务")
    page.get_by_label("申报估算").fill("2,000,000.00")
    page.get_by_label("项目类别").select_option("1")
    page.get_by_label("建设类型").select_option("new")
    for key in [
        "classified",
        "province_unified",
        "new_server_room",
        "private_network_unintegrated",
        "terminal_security_outside_egov",
        "video_conference",
    ]:
        page.locator(f'[data-control="facts.{key}"]').get_by_label("否", exact=True).check()
    page.locator('[data-control="facts.deploys_on_city_cloud"]').get_by_label("是", exact=True).check()
    layers = page.locator('[data-control="facts.architecture_layers"]')
    layers.get_by_label("业务应用").check()
    layers.get_by_label("数据资源").check()
    row = page.locator("[data-target-row]").first  # PERF-01: one 绩效目标 at least
    row.get_by_label("绩效指标").fill("医保事项网上可办率")
    row.get_by_label("目标值").fill("95")
    row.get_by_label("计量单位").fill("%")
    row.get_by_label("完成时限").fill("2027-12-31")


def test_a_project_goes_from_draft_to_operation_entirely_through_the_ui(ui, cast, travel):
    """PLAN-01 PLAN-04 COORD-01 COORD-02 COORD-03 COORD-04 COORD-05 COORD-06 IMPL-01 IMPL-02 IMPL-04
    IMPL-05 IMPL-06 SUPV-03 TIME-01 TIME-02: every step in the browser, by the right role's login; a
    tender ceiling above the estimate is refused with IMPL-01 on the way."""
    # the owner unit writes its need and submits it
    page = ui.open(cast.owner, "/projects/new/")
    _need(page)
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator(".messages")).to_contain_text("需求已保存为草稿")
    pid = int(re.search(r"/projects/(\d+)/", page.url).group(1))
    ui.act(cast.owner, pid, "precheck", done="预检完成：未发现不予受理情形")
    ui.act(cast.owner, pid, "submit", done="需求已提交，等待市大数据局需求审核")

    # bdb answers the judgement checklist, rule by rule, with reasons
    page = ui.open(cast.bdb, f"/projects/{pid}/needs-review/")
    ui.shot(page, "needs-review")

    def review(form):
        for rule in ["REJ-02", "REJ-07", "REJ-08", "REJ-10"]:
            control = form.locator(f'[data-control="answers.{rule}"]')
            control.get_by_label("未命中").check()
            control.get_by_label("理由").fill("经审核，不存在该情形")
        form.locator('[data-control="decision"]').get_by_label("同意入库").check()

    ui.act(cast.bdb, pid, "review_needs", review, path=f"/projects/{pid}/needs-review/")
    ui.shot(ui.open(cast.smart_office, "/projects/?view=ranking&stage=pooled&ordering=priority"), "pool")
    ui.act(cast.smart_office, pid, "open_scheme")

    def scheme(form):
        rows = form.locator('[data-control="modules"] input')
        rows.nth(0).fill("统一门户")
        rows.nth(1).fill("医保经办")
        form.get_by_label("方案概要").fill("决策咨询、初步设计与概算评审合并方案")

    ui.act(cast.owner, pid, "submit_scheme", scheme)

    def draw(form):  # COORD-07: 市智慧办 draws the experts from the library
        form.get_by_label("软件与信息系统").check()
        form.get_by_label("每专业人数").fill("2")

    ui.act(cast.smart_office, pid, "draw_experts", draw)

    # the joint review: ten reviewers, each with its own login, on the 并联审核 page
    project = Project.objects.get(pk=pid)
    for task in project.review_tasks.filter(round=project.review_round):

        def opinion(form):
            form.get_by_label("同意", exact=True).check()
            form.get_by_label("评审说明").fill("同意方案")

        ui.act(cast.reviewer_for(task), pid, "record_opinion", opinion, path=f"/projects/{pid}/joint-review/")
    page = ui.open(cast.smart_office, f"/projects/{pid}/joint-review/")
    expect(page.locator("#answered-count")).to_have_text("10 / 10")
    ui.shot(page, "joint-review")

    def consultation(form):
        form.get_by_label("概算价").fill("1800000.00")
        form.get_by_label("决策咨询意见").fill("同意建设，核定概算价180万元")

    ui.act(cast.smart_office, pid, "issue_consultation", consultation, path=f"/projects/{pid}/joint-review/")
    ui.act(
        cast.leading_group,
        pid,
        "leading_group_decide",
        lambda form: form.locator('[data-control="decision"]').get_by_label("同意", exact=True).check(),
    )

    # approval: ndrc's 3-day clock shows on its workbench
    ui.act(cast.ndrc, pid, "accept_application")
    page = ui.open(cast.ndrc, "/")
    expect(page.locator("#workbench-items")).to_contain_text("剩余3天")
    ui.shot(page, "workbench")
    ui.act(  # COORD-09: the project code before the approval documents
        cast.ndrc,
        pid,
        "record_project_code",
        lambda form: form.get_by_label("项目代码").fill(f"2026-330800-65-01-{pid:05d}1"),
    )
    ui.act(
        cast.ndrc,
        pid,
        "issue_design_approval",
        lambda form: form.get_by_label("批复内容").fill("同意初步设计"),
    )
    ui.act(cast.review_center, pid, "issue_price_review")

    def funding(form):
        form.get_by_label("衢州市", exact=True).fill("1200000.00")
        form.get_by_label("江山市").fill("600000.00")

    ui.act(cast.finance, pid, "record_funding", funding)

    # procurement: a ceiling above the estimate is refused in Chinese with its rule, then corrected
    ui.act(cast.owner, pid, "start_procurement")
    page = ui.open(cast.owner, f"/projects/{pid}/")
    form = ui.form(page, "record_tender")
    form.get_by_label("招标最高限价").fill("1800000.01")
    ui.choose_required_files(form)  # the 招标文件 goes with the form; the ceiling is what is refused
    form.locator("button[type=submit]").click()
    error = page.locator('[data-control="ceiling"] .error-text')
    expect(error).to_contain_text("超过项目概算价")
    expect(error).to_contain_text("IMPL-01 · 衢政办发〔2020〕8号 三(三)1")
    ui.shot(page, "refusal")
    assert not Project.objects.get(pk=pid).tenders.exists()
    ui.act(
        cast.owner, pid, "record_tender", lambda form: form.get_by_label("招标最高限价").fill("1800000.00")
    )

    def contract(form):
        form.get_by_label(re.compile(r"^招标\*?$")).select_option(index=1)
        form.get_by_label("中标供应商").fill("浙江某科技有限公司")
        form.get_by_label("合同金额").fill("1700000.00")

    ui.act(cast.owner, pid, "record_contract", contract)
    ui.act(cast.owner, pid, "start_implementation")

    # implementation: inspection, payment, data dictionary, module 初验
    ui.act(
        cast.bdb,
        pid,
        "record_inspection",
        lambda form: (
            form.get_by_label("进度正常").check(),
            form.get_by_label("检查情况").fill("进度符合计划"),
        ),
    )

    def payment(form):
        form.get_by_label(re.compile(r"^合同\*?$")).select_option(index=1)
        form.get_by_label("支付金额").fill("510,000.00")

    ui.act(cast.owner, pid, "record_payment", payment)

    def dictionary(form):  # the data dictionary as a table: one field, the primary key
        form.locator('input[name="descriptor.name"]').first.fill("patient_id")
        form.locator('input[name="descriptor.title"]').first.fill("患者编号")
        form.locator('select[name="descriptor.primary"]').first.select_option("是")

    ui.act(cast.owner, pid, "submit_data_dictionary", dictionary)
    for _ in range(2):
        ui.act(
            cast.owner,
            pid,
            "pass_module_acceptance",
            lambda form: form.get_by_label("模块").select_option(index=1),
        )
    page = ui.open(cast.owner, f"/projects/{pid}/")
    expect(page.locator("#final-countdown")).to_contain_text("天后可办理")

    # three months after the last 初验 the owner applies; smart_office passes it
    travel.shift(dt.timedelta(days=95))
    assert platform_clock.today() >= dt.date(2026, 6, 5)
    ui.act(cast.owner, pid, "apply_final_acceptance")
    ui.act(
        cast.smart_office,
        pid,
        "decide_final_acceptance",
        lambda form: form.locator('[data-control="decision"]').get_by_label("通过", exact=True).check(),
    )

    page = ui.open(cast.smart_office, f"/projects/{pid}/")
    expect(page.locator("#project-stage")).to_have_text("运行中")
    expect(page.locator("#audit-trail")).to_contain_text("终验决定")
    ui.shot(page, "project")
    actions = list(Event.objects.filter(project_id=pid).values_list("action", flat=True))
    assert actions[0] == "create" and actions[-1] == "decide_final_acceptance"
    assert Project.objects.get(pk=pid).stage == Stage.OPERATION


def test_an_owner_cannot_open_another_units_draft(ui, cast, travel):
    """PLAN-01: drafts are visible only to their own unit; another unit sees a 404 page."""
    other = draft(UserFactory(role="owner"), name="其他单位的草稿需求")
    page = ui.as_(cast.owner)
    response = page.goto(f"{ui.base}/projects/{other.pk}/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="项目不存在或无权查看")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("其他单位的草稿需求")


def test_dashboard_renders_its_charts_and_each_links_to_its_list(ui, cast, travel):
    """REJ-03 REJ-09 TIME-01 TIME-04: charts over real data; the zombie registry with the date each bar ends."""
    running = advance(draft(cast.owner, name="城市大脑驾驶舱"), cast, to=Stage.OPERATION, shift=travel.shift)
    county = UserFactory(role="owner", unit__region_code="330881", unit__name="江山市数据局")
    advance(
        draft(county, name="江山市基层治理平台", facts={"architecture_layers": ["app_support"]}),
        dataclasses.replace(cast, owner=county),
        to=Stage.JOINT_REVIEW,
    )
    late = advance(draft(cast.owner, name="政务服务评价系统"), cast, to=Stage.APPROVAL)
    lifecycle.accept_application(late.pk, actor=cast.ndrc)
    travel.shift(dt.timedelta(days=5))  # TIME-01 passes: the design approval is overdue
    lifecycle.list_zombie(running.pk, actor=cast.bdb, reason="上线后两年无人使用")
    rejected = draft(county, name="江山市新建机房", facts={"new_server_room": True})
    lifecycle.submit(rejected.pk, actor=county)
    submitted = draft(county, name="江山市智慧农业")
    lifecycle.submit(submitted.pk, actor=county)

    page = ui.open(cast.smart_office, "/dashboard/")
    charts = page.locator("[data-chart]")
    expect(charts).to_have_count(6)
    for index in range(6):
        expect(charts.nth(index)).to_have_attribute("data-rendered", "true")
        assert charts.nth(index).locator("canvas").count() >= 1
    ui.shot(page, "dashboard")
    page.locator("#h-rejections").locator("xpath=..").get_by_role("link", name=re.compile("REJ-03")).click()
    expect(page).to_have_url(re.compile(r"/projects/\?rule=REJ-03$"))
    expect(page.locator("#pool-results")).to_contain_text("江山市新建机房")
    expect(page.locator("#pool-results")).not_to_contain_text("江山市智慧农业")

    ui.shot(ui.open(cast.smart_office, "/zombies/"), "zombies")
    expect(ui.pages[cast.smart_office.pk].locator("#barred-units")).to_contain_text(cast.owner.unit.name)
    page = ui.open(cast.smart_office, "/")
    ui.shot(page, "workbench-smart-office")
