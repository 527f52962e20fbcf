"""NOTE-01 in chromium: after bdb returns a need, the owner sees the unread count in the header, opens
the notice from the 消息 page and lands on the edit form with the return reason shown.
Screenshots of the 消息 and channel settings pages at 1280 and 390 px go to artifacts/screenshots/."""

import re

import pytest
from playwright.sync_api import expect

from govpm.notices.models import Notice
from govpm.projects import lifecycle
from govpm.projects.scenarios import ALL_CLEAR
from tests.factories import draft, role_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-12345678"


def shoot(page, screenshots, name):
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(screenshots / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_owner_sees_the_unread_count_opens_the_return_and_lands_on_the_edit_form_NOTE_01(
    cast, browser, live_server, screenshots
):
    # given: the owner's need, submitted, then returned by bdb with a reason
    project = draft(cast.owner, name="智慧医疗“互联网+护理”平台")
    colleague = role_user("owner", cast.owner.unit.code)
    lifecycle.submit(project.pk, actor=cast.owner)
    lifecycle.review_needs(
        project.pk, actor=cast.bdb, decision="return", answers=ALL_CLEAR, comment="请补充绩效目标与运维方案"
    )
    assert Notice.objects.filter(recipient=cast.owner, read_at__isnull=True).count() == 1

    context = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill(cast.owner.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.keyboard.press("Enter")

    # when: the owner sees the count and opens the inbox
    expect(page.locator("#unread-count")).to_have_text("1")
    page.locator("#inbox-link").click()
    expect(page.get_by_role("heading", name="消息", exact=True)).to_be_visible()
    item = page.locator("#notice-list li").first
    expect(item).to_contain_text("退回")
    expect(item).to_contain_text("请补充绩效目标与运维方案")
    shoot(page, screenshots, "notices-inbox")
    page.get_by_role("link", name=re.compile("被退回修改")).click()

    # then: the edit form, the reason above it, the notice read, the count gone
    expect(page).to_have_url(re.compile(rf"/projects/{project.pk}/edit/\?notice=\d+$"))
    expect(page.get_by_role("heading", name=re.compile("修改需求"))).to_be_visible()
    expect(page.locator("#notice-banner")).to_contain_text("退回理由：请补充绩效目标与运维方案")
    expect(page.locator("#need-form")).to_be_visible()
    expect(page.locator("#unread-count")).to_have_count(0)
    shoot(page, screenshots, "notices-edit-with-reason")
    assert Notice.objects.get(recipient=cast.owner).read_at is not None
    assert Notice.objects.get(recipient=colleague).read_at is None  # each user's own inbox

    page.goto(live_server.url + "/notices/?unread=1")
    expect(page.locator(".empty")).to_contain_text("没有符合条件的消息")
    page.goto(live_server.url + "/notices/settings/")
    expect(page.get_by_role("heading", name="通知渠道")).to_be_visible()
    shoot(page, screenshots, "notices-settings")
    context.close()
