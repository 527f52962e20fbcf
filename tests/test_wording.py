"""Issue 15 item 7: one product name, 剩余/已逾期/已等待 used right, success messages that name the next
step and who takes it, and Chinese error pages — in the demo (DEBUG on) too."""

import datetime as dt
import importlib

import pytest
from django.conf import settings as django_settings
from django.test import RequestFactory

from govpm.core import product
from govpm.core.middleware import DemoErrorPagesMiddleware
from govpm.projects.models import Deadline
from govpm.projects.scenarios import advance
from govpm.web import presenters

from .factories import draft

TODAY = dt.date(2026, 6, 10)


def _deadline(due: int, *, status=Deadline.Status.OPEN, overdue_after: int | None = None) -> Deadline:
    return Deadline(
        code=Deadline.Code.choices[0][0],
        due_on=TODAY + dt.timedelta(days=due),
        overdue_after=None if overdue_after is None else TODAY + dt.timedelta(days=overdue_after),
        status=status,
    )


def test_duration_words_remaining_overdue_waited_issue15_item7():
    """剩余 only before a limit, 已逾期 only past it, 已等待 only where no limit applies."""
    assert presenters.deadline_state(_deadline(3, overdue_after=3), TODAY).text == "剩余3天"
    assert presenters.deadline_state(_deadline(0, overdue_after=0), TODAY).text == "今日到期"
    late = presenters.deadline_state(_deadline(-5, overdue_after=-2), TODAY)
    assert (late.text, late.overdue) == ("已逾期2天", True)
    assert presenters.deadline_state(_deadline(-5, status=Deadline.Status.DONE), TODAY).text == "已完成"
    assert presenters.waited(TODAY - dt.timedelta(days=40), TODAY) == "已等待40天"
    assert presenters.waited(TODAY, TODAY) == "今日送达"
    for text in ["剩余3天", "今日到期", "已逾期2天", "已等待40天"]:
        assert "月" not in text and "周" not in text


def test_one_product_name_in_pages_admin_api_and_exports_issue15_item7(client, django_user_model):
    from django.contrib import admin

    from govpm.core import admin as core_admin  # noqa: F401 (sets the admin site's titles)

    name = product.NAME
    assert admin.site.site_header == name and admin.site.site_title == name
    assert django_settings.SPECTACULAR_SETTINGS["TITLE"].startswith(name)
    page = client.get("/accounts/login/").content.decode()
    assert page.count(name) >= 1
    for other in [
        "衢州市数字化项目全生命周期管理平台",
        "衢州市政府投资数字化项目管理平台",
        "数字化项目管理平台",
    ]:
        assert other not in page.replace(name, "")


@pytest.mark.django_db
def test_success_message_names_the_next_step_and_who_issue15_item7(cast):
    submitted = advance(draft(cast.owner), cast, to="submitted")
    assert presenters.next_step(submitted) == "下一步：「需求审核」，由市大数据局办理。"
    pooled = advance(draft(cast.owner), cast, to="pooled")
    assert "下一步：" in presenters.next_step(pooled) and "由" in presenters.next_step(pooled)


@pytest.mark.django_db
def test_demo_settings_show_the_chinese_404_not_the_debug_page_issue15_item7(client, settings):
    local = importlib.import_module("config.settings.local")
    assert local.DEBUG and local.GOVPM_DEMO
    assert "govpm.core.middleware.DemoErrorPagesMiddleware" in local.MIDDLEWARE
    settings.DEBUG, settings.GOVPM_DEMO = True, True

    response = client.get("/no-such-page/")

    body = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在或无权查看" in body and "返回工作台" in body
    assert "Page not found" not in body and "URLconf" not in body
    api = client.get("/api/v1/no-such-thing/")
    assert api.status_code == 404 and api.json()["error"]["message"] == "对象不存在或无权查看"


@pytest.mark.django_db
def test_a_crash_in_the_demo_shows_the_chinese_500_page_issue15_item7(settings):
    settings.DEBUG, settings.GOVPM_DEMO = True, True
    request = RequestFactory().get("/dashboard/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    response = DemoErrorPagesMiddleware(lambda r: None).process_exception(request, RuntimeError("boom"))
    body = response.content.decode()
    assert response.status_code == 500 and "服务器内部错误" in body and "boom" not in body
    assert product.NAME in body  # the platform's layout, its title


@pytest.mark.django_db
def test_without_debug_the_404_is_the_platform_page_with_no_class_name(client):
    response = client.get("/no-such-page/")
    body = response.content.decode()
    assert response.status_code == 404 and "页面不存在或无权查看" in body and "Resolver404" not in body
