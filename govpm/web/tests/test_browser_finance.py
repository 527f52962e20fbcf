"""IMPL-08 and SUPV-05 in Debian's chromium: an owner applies for a 概算调整 and ndrc approves it, the
baseline history shows both; an owner enters a contract's payment schedule and sees an overdue milestone
flagged on the project and on the workbench. Screenshots at 1280 and 390 px in artifacts/screenshots/."""

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from govpm.core.money import format_yuan
from govpm.projects.models import Contract, EstimateChange
from govpm.projects.scenarios import advance
from govpm.projects.stages import Stage
from tests.factories import draft

from .test_browser import travel, ui  # noqa: F401 (fixtures: the clock and the logged-in browsers)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot_parts(ui, page, name, *selectors):  # noqa: F811
    """The changed parts of the page alone, at both widths, beside the full-page shots."""
    for width, height in [(1280, 900), (390, 844)]:
        page.set_viewport_size({"width": width, "height": height})
        for index, selector in enumerate(selectors):
            page.locator(selector).screenshot(path=str(ui.screenshots / f"{name}-part{index}-{width}.png"))
    page.set_viewport_size({"width": 1280, "height": 900})


def test_owner_applies_for_an_estimate_change_ndrc_approves_and_the_history_shows_both_IMPL_08(
    ui,  # noqa: F811
    cast,
    travel,  # noqa: F811
):
    """IMPL-08: apply (owner) → pending flag → approve (ndrc, confirmed) → the new baseline in force and
    the one it replaced in the history, at 1280 and 390 px."""
    project = advance(
        draft(cast.owner, name="智慧医保服务平台"), cast, to=Stage.PROCUREMENT, shift=travel.shift
    )
    original = format_yuan(project.approved_estimate)

    def apply(form):
        form.get_by_label("调整后概算价").fill("1,500,000.00")
        form.get_by_label("调整理由").fill("新增医保移动端模块")
        form.get_by_label("资金来源").fill("市级财政追加")
        form.get_by_label("申请材料").fill("调整概算报告")

    page = ui.act(cast.owner, project.pk, "apply_estimate_change", apply)
    expect(page.locator("#estimate-change-pending")).to_contain_text("¥1,500,000.00")
    expect(page.locator("#estimate-changes")).to_contain_text("待审批")
    # a second application is shown disabled with the reason, not offered
    expect(page.locator('[data-disabled-action="apply_estimate_change"]')).to_contain_text("待市发改委审批")

    def approve(form):
        form.get_by_label("批准", exact=True).check()
        form.get_by_label("审批意见").fill("核定调整")

    page = ui.act(cast.ndrc, project.pk, "decide_estimate_change", approve)
    history = page.locator("#baseline-history tbody tr")
    expect(history).to_have_count(2)
    expect(history.nth(0)).to_contain_text("初步设计批复")
    expect(history.nth(0)).to_contain_text(original)
    expect(history.nth(0)).to_contain_text("已调整")
    expect(history.nth(1)).to_contain_text("概算调整批复")
    expect(history.nth(1)).to_contain_text("¥1,500,000.00")
    expect(history.nth(1)).to_contain_text("现行")
    expect(page.locator("#estimate-change-pending")).to_have_count(0)
    assert EstimateChange.objects.get(project=project).status == "approved"
    ui.shot(page, "estimate-change")
    shot_parts(ui, page, "estimate-change", "#baselines", "h1")


def test_owner_enters_a_payment_schedule_and_sees_an_overdue_milestone_flagged_SUPV_05(
    ui,  # noqa: F811
    cast,
    travel,  # noqa: F811
):
    """SUPV-05: the schedule is entered in the form (a cent off is refused beside the field), then a
    milestone past due and unpaid is flagged on the project page and on the owner's workbench."""
    project = advance(
        draft(cast.owner, name="城市大脑驾驶舱"), cast, to=Stage.IMPLEMENTATION, shift=travel.shift
    )
    contract = Contract.objects.get(project=project)
    signed = contract.signed_on

    def schedule(total_off):
        lines = [
            f"预付款，300000.00，{(signed + dt.timedelta(days=5)).isoformat()}",
            f"验收款，{contract.amount - 300000 + total_off}，{(signed + dt.timedelta(days=200)).isoformat()}",
        ]

        def fill(form):
            form.get_by_label("合同").select_option(str(contract.pk))
            form.get_by_label("付款节点").fill("\n".join(lines))

        return fill

    page = ui.open(cast.owner, f"/projects/{project.pk}/")
    form = ui.form(page, "set_payment_schedule")
    schedule(Decimal("0.01"))(form)
    form.locator("button[type=submit]").click()
    expect(page.locator("#action-set_payment_schedule")).to_contain_text("与合同金额")
    shot_parts(ui, page, "payment-schedule-form", "#action-set_payment_schedule")
    page = ui.act(cast.owner, project.pk, "set_payment_schedule", schedule(Decimal(0)))
    rows = page.locator("#payment-schedule table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("未到期")
    expect(page.locator("#overdue-payments-flag")).to_have_count(0)

    travel.shift(dt.timedelta(days=6))  # the 预付款 is due 5 days after signing: now a day late
    page = ui.open(cast.owner, f"/projects/{project.pk}/")
    expect(page.locator("#overdue-payments-flag")).to_contain_text("1 个付款节点已过应付日期")
    expect(rows.nth(0)).to_contain_text("逾期未付")
    expect(rows.nth(1)).to_contain_text("未到期")
    ui.shot(page, "payment-schedule")
    shot_parts(ui, page, "payment-schedule", "#payment-schedule", "#overdue-payments-flag")
    page = ui.open(cast.owner, "/")
    expect(page.locator("#overdue-payments")).to_contain_text("预付款")
    expect(page.locator("#overdue-payments")).to_contain_text("¥300,000.00")
    ui.shot(page, "workbench-overdue-payments")
