"""Issue 13 item 3: one input layer that refuses what it cannot read.

Each test is one finding of the issue: ordinary bad input that answered a 500 (or was silently
misread), on the API and on the web pages. They run on SQLite and on PostgreSQL alike; where a finding
is database-specific (NUL in text on PostgreSQL, 20-digit integers on SQLite) the same assertion holds
on both databases."""

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from django.db import InterfaceError, OperationalError, connection
from django.http import Http404
from django.test import Client, RequestFactory

from govpm.core import clock as govpm_clock
from govpm.projects import lifecycle
from govpm.projects.models import Event, Funding, Project, Tender
from govpm.projects.scenarios import advance
from govpm.targets.models import Indicator

from .factories import api_for, attach, draft

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"  # beyond 64 bits: SQLite cannot bind it


def chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def api_error(response, status: int, field: str | None = None) -> dict:
    """The API's error shape, in Chinese, naming the field."""
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert set(error) >= {"code", "message", "rule", "citation", "field"}
    assert chinese(error["message"]), error
    if field is not None:
        assert error["field"] == field, error
    return error


def web_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_refused(response, status: int = 400) -> str:
    assert response.status_code == status, response.content[:500]
    page = response.content.decode()
    assert chinese(page)
    return page


# --- integers and years: ASCII digits, range-checked ------------------------------------------------


@pytest.mark.parametrize("param", [{"unit": "²"}, {"unit": HUGE}, {"category": "²"}, {"category": "٣"}])
def test_unicode_digits_and_huge_ids_in_list_filters_are_400_on_the_api_issue13(cast, param):
    """`?unit=²` and `?category=²` passed isdigit() and crashed int(); `?unit=<20 digits>` crashed SQLite."""
    draft(cast.owner)
    response = api_for(cast.owner).get("/api/v1/projects/", param)
    api_error(response, 400, field=next(iter(param)))


@pytest.mark.parametrize("param", [{"unit": "²"}, {"unit": HUGE}, {"category": "²"}])
def test_unicode_digits_and_huge_ids_in_list_filters_are_400_on_the_pool_page_issue13(cast, param):
    response = web_client(cast.bdb).get("/projects/", param)
    page_refused(response)


def test_an_ascii_unit_id_still_filters_the_list(cast):
    project = draft(cast.owner)
    listed = api_for(cast.owner).get("/api/v1/projects/", {"unit": str(cast.owner.unit_id)}).json()
    assert [row["id"] for row in listed["results"]] == [project.pk]


def test_a_twenty_digit_project_id_is_404_not_500_issue13(cast):
    """A guard: the id is parsed strictly before any query (Django 5 already answers 404 here)."""
    assert api_for(cast.owner).get(f"/api/v1/projects/{HUGE}/").status_code == 404
    assert web_client(cast.owner).get(f"/projects/{HUGE}/").status_code == 404


@pytest.mark.parametrize("year", ["²⁰²⁶", "٢٠٢٦", "2026²", "２０２６", "+2026", "1e3"])
def test_years_in_other_digits_are_400_on_the_promotion_api_and_page_issue13(cast, year):
    api_error(api_for(cast.bdb).get("/api/v1/promotion/cadence/", {"year": year}), 400, field="year")
    page_refused(web_client(cast.bdb).get("/promotion/", {"year": year}))


@pytest.mark.parametrize("year", ["²", "٢٠٢٦"])
def test_years_in_other_digits_are_refused_by_the_targets_api_and_pages_issue13(cast, year):
    api_error(api_for(cast.bdb).get("/api/v1/targets/assessments/", {"year": year}), 400, field="year")
    assert web_client(cast.bdb).get("/targets/assessment/", {"year": year}).status_code == 404


# --- NUL and control characters ----------------------------------------------------------------------


@pytest.mark.parametrize("q", ["城市\x00大脑", "a\x1bb", "\x7f"])
def test_nul_and_control_characters_in_filters_are_400_on_the_api_issue13(cast, q):
    """PostgreSQL cannot compare text with NUL (a 500 before); SQLite matched nothing silently."""
    draft(cast.owner)
    api_error(api_for(cast.owner).get("/api/v1/projects/", {"q": q}), 400, field="q")
    api_error(api_for(cast.bdb).get("/api/v1/targets/indicators/", {"q": q}), 400, field="q")


@pytest.mark.parametrize("path", ["/projects/", "/zombies/", "/", "/targets/"])
def test_nul_in_a_filter_is_a_chinese_400_page_issue13(cast, path):
    page_refused(web_client(cast.bdb).get(path, {"q": "x\x00"}))


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "城市\x00大脑"}, "name"),
        ({"name": "城市\n大脑"}, "name"),  # a name is one line
        ({"name": "城市大脑", "summary": "概述\x07"}, "summary"),
        ({"name": "城市大脑", "facts": {"priority_claims": [{"code": "x", "evidence": "\x00"}]}}, "facts"),
    ],
)
def test_control_characters_in_api_text_are_400_naming_the_field_issue13(cast, body, field):
    response = api_for(cast.owner).post("/api/v1/projects/", body, format="json")
    error = api_error(response, 400)
    assert error["field"].split(".")[0] == field
    assert "控制字符" in error["message"]
    assert not Project.objects.exists()


def test_multiline_text_keeps_line_breaks_and_tabs(cast):
    body = {"name": "城市大脑", "summary": "第一行\r\n第二行\t缩进"}
    response = api_for(cast.owner).post("/api/v1/projects/", body, format="json")
    assert response.status_code == 201, response.json()
    assert Project.objects.get().summary == "第一行\r\n第二行\t缩进"


@pytest.mark.parametrize("source", ["统计\x1b年鉴", "统计年鉴\x85", "统计\x00年鉴"])
def test_control_characters_in_a_targets_observation_are_400_naming_the_field_issue13(cast, source):
    from govpm.targets.curated import load_curated

    load_curated()
    indicator = Indicator.objects.order_by("pk").first()
    response = api_for(cast.bdb).post(
        f"/api/v1/targets/indicators/{indicator.pk}/observations/",
        {"period": 2020, "value": "1", "source": source},
        format="json",
    )
    api_error(response, 400, field="source")
    assert not indicator.observations.exists()


def test_control_characters_in_the_need_form_are_refused_beside_the_field_issue13(cast):
    response = web_client(cast.owner).post("/projects/new/", {"name": "城市\x00大脑"})
    page = page_refused(response)
    assert "控制字符" in page
    assert not Project.objects.exists()


# --- JSON depth, body size --------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [100_000, 33])
def test_deeply_nested_json_is_400_before_recursion_issue13(cast, depth):
    body = "[" * depth + "]" * depth
    response = api_for(cast.owner).post("/api/v1/projects/", body, content_type="application/json")
    api_error(response, 400, field="body")


def test_deeply_nested_json_is_400_on_the_anonymous_token_endpoint_issue13(db):
    body = '{"username": ' + "[" * 100_000
    response = Client().post("/api/v1/auth/token/", body, content_type="application/json")
    api_error(response, 400)


def test_too_many_rows_in_a_page_form_are_refused_beside_the_field_issue13(cast, clock):
    """The data dictionary of the project page is a table (issue 15 item 4): its rows are bounded, and
    a table over the bound is refused beside the control, naming the row, with nothing saved."""
    project = advance(draft(cast.owner), cast, to="implementation", shift=clock.shift)
    events = Event.objects.count()
    response = web_client(cast.owner).post(
        f"/projects/{project.pk}/actions/submit_data_dictionary/",
        {"descriptor.name": [f"f{i}" for i in range(510)]},  # within Django's 1,000 fields a request
    )
    assert "最多500个字段" in page_refused(response) and "第501行" in page_refused(response)
    assert Event.objects.count() == events


def test_nesting_within_the_limit_and_brackets_inside_strings_are_fine(cast):
    body = '{"name": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{"}'
    response = api_for(cast.owner).post("/api/v1/projects/", body, content_type="application/json")
    assert response.status_code == 201, response.json()


def test_a_10_mb_json_body_is_a_json_413_issue13(cast):
    body = '{"name": "' + "x" * (10 * 1024 * 1024) + '"}'
    response = api_for(cast.owner).post("/api/v1/projects/", body, content_type="application/json")
    error = api_error(response, 413, field="body")
    assert error["code"] == "too_large"
    assert not Project.objects.exists()


def test_a_10_mb_form_body_to_the_api_is_a_json_413_not_an_english_page_issue13(cast):
    client = Client()
    client.force_login(cast.owner)
    body = "username=" + "x" * (10 * 1024 * 1024) + "&password=p"
    response = client.post("/api/v1/auth/token/", body, content_type="application/x-www-form-urlencoded")
    assert api_error(response, 413)["code"] == "too_large"


def test_a_10_mb_form_body_to_a_page_is_a_chinese_413_page_issue13(cast):
    body = "name=" + "x" * (10 * 1024 * 1024)
    response = web_client(cast.owner).post(
        "/projects/new/", body, content_type="application/x-www-form-urlencoded"
    )
    assert "请求体过大" in page_refused(response, 413)
    assert not Project.objects.exists()


def test_a_10_mb_multipart_field_to_a_page_is_a_chinese_413_page_issue13(cast):
    """Multipart bodies are read by Django itself: the overflow surfaces while the view reads the form."""
    response = web_client(cast.owner).post("/projects/new/", {"name": "x" * (3 * 1024 * 1024)})
    page_refused(response, 413)
    assert not Project.objects.exists()


# --- one language -----------------------------------------------------------------------------------


def test_messages_are_chinese_whatever_the_browser_locale_issue13(cast):
    client = api_for(cast.owner)
    response = client.post("/api/v1/projects/", {}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    message = api_error(response, 400, field="name")["message"]
    assert not re.search("[A-Za-z]", message), message  # DRF's own "This field is required." included

    response = client.post(
        "/api/v1/projects/",
        {"name": "x", "requested_estimate": "abc"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert not re.search("[A-Za-z]", api_error(response, 400)["message"])


def test_pages_are_chinese_whatever_the_browser_locale_issue13(db):
    response = Client().get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in response.content.decode()
    assert response.headers.get("Content-Language", "zh-hans") == "zh-hans"


# --- the API's answer when the database or the code fails -----------------------------------------


@pytest.mark.parametrize(
    "exception", [OperationalError("server closed the connection unexpectedly"), InterfaceError("closed")]
)
def test_a_lost_database_connection_on_the_api_is_a_json_503_issue13(exception):
    """What Django raises when the connection drops mid-request becomes the API's shape, not HTML."""
    from govpm.core.middleware import InputGuardMiddleware

    request = RequestFactory().get("/api/v1/projects/")
    response = InputGuardMiddleware(lambda request: None).process_exception(request, exception)
    assert response.status_code == 503
    error = json.loads(response.content)["error"]
    assert error["code"] == "unavailable" and chinese(error["message"])


def test_an_unexpected_exception_on_the_api_is_a_json_500_and_pages_keep_djangos_handler():
    from govpm.core.middleware import InputGuardMiddleware

    guard = InputGuardMiddleware(lambda request: None)
    response = guard.process_exception(RequestFactory().get("/api/v1/projects/"), ZeroDivisionError())
    assert response.status_code == 500 and response["Content-Type"].startswith("application/json")
    assert guard.process_exception(RequestFactory().get("/projects/"), ZeroDivisionError()) is None
    assert guard.process_exception(RequestFactory().get("/api/v1/x/"), Http404()) is None


def test_a_crashed_page_answers_a_chinese_500_page():
    from django.views.defaults import server_error

    response = server_error(RequestFactory().get("/projects/"))
    assert response.status_code == 500 and "服务器内部错误" in response.content.decode()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_connection_terminated_by_the_server_answers_a_json_503_on_postgresql_issue13(cast):
    """The real thing on PostgreSQL: the server ends this connection; the next request's query fails."""
    assert connection.vendor == "postgresql"
    client = api_for(cast.owner)
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    import psycopg

    settings_dict = connection.settings_dict
    with psycopg.connect(
        dbname=settings_dict["NAME"],
        user=settings_dict["USER"],
        host=settings_dict["HOST"],
        port=settings_dict["PORT"] or 5432,
        autocommit=True,
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    try:
        response = client.get("/api/v1/projects/")
        assert api_error(response, 503)["code"] == "unavailable"
    finally:
        connection.close()


# --- money ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        '{"name": "x", "requested_estimate": "1e3"}',
        '{"name": "x", "requested_estimate": "1E7"}',
        '{"name": "x", "requested_estimate": 1e7}',
        '{"name": "x", "requested_estimate": "NaN"}',
        '{"name": "x", "requested_estimate": "Infinity"}',
        '{"name": "x", "requested_estimate": "12.345"}',
        '{"name": "x", "requested_estimate": "0"}',
        '{"name": "x", "requested_estimate": 0}',
        '{"name": "x", "requested_estimate": "0.00"}',
    ],
)
def test_money_with_an_exponent_or_zero_estimate_is_refused_issue13(cast, body):
    """ "1e3" was taken as 1000.00 and "1e7" as ten million; an estimate of 0 was accepted."""
    response = api_for(cast.owner).post("/api/v1/projects/", body, content_type="application/json")
    api_error(response, 400, field="requested_estimate")
    assert not Project.objects.exists()


@pytest.mark.parametrize("amount", ['"1234.5"', '"1234.50"', "1234.50", "1234", '"1234"'])
def test_plain_money_is_accepted(cast, amount):
    body = '{"name": "x", "requested_estimate": ' + amount + "}"
    response = api_for(cast.owner).post("/api/v1/projects/", body, content_type="application/json")
    assert response.status_code == 201, response.json()
    assert Project.objects.get().requested_estimate == Decimal(amount.strip('"')).quantize(Decimal("0.01"))


def test_money_with_an_exponent_is_refused_in_the_need_form_issue13(cast):
    response = web_client(cast.owner).post(
        "/projects/new/", {"name": "城市大脑", "requested_estimate": "1e7"}
    )
    page_refused(response)
    assert not Project.objects.exists()


def test_a_need_with_an_estimate_of_zero_cannot_be_submitted_issue13(cast):
    project = draft(cast.owner, estimate="0.00")
    events = Event.objects.count()

    response = api_for(cast.owner).post(f"/api/v1/projects/{project.pk}/actions/submit/", {}, format="json")

    api_error(response, 400, field="requested_estimate")
    project.refresh_from_db()
    assert project.stage == "draft" and Event.objects.count() == events


# --- dates of what happened are never in the future -----------------------------------------------


def test_funding_decided_tomorrow_is_refused_issue13(cast, clock):
    project = advance(draft(cast.owner), cast, to="approval", shift=clock.shift)
    lifecycle.accept_application(project.pk, actor=cast.ndrc)
    lifecycle.record_project_code(project.pk, actor=cast.owner, project_code="2026-330800-65-01-000011")
    lifecycle.issue_design_approval(project.pk, actor=cast.ndrc, approval_text="同意")
    attach(project, "issue_price_review", cast.review_center)  # MAT-01
    lifecycle.issue_price_review(project.pk, actor=cast.review_center)
    tomorrow = govpm_clock.today() + dt.timedelta(days=1)

    response = api_for(cast.finance).post(
        f"/api/v1/projects/{project.pk}/actions/record_funding/",
        {"amount": "1000000.00", "decided_on": tomorrow.isoformat()},
        format="json",
    )

    api_error(response, 400, field="decided_on")
    assert not Funding.objects.filter(project=project).exists()


def test_tender_published_tomorrow_is_refused_issue13(cast, clock):
    project = advance(draft(cast.owner), cast, to="procurement", shift=clock.shift)
    tomorrow = govpm_clock.today() + dt.timedelta(days=1)

    response = api_for(cast.owner).post(
        f"/api/v1/projects/{project.pk}/actions/record_tender/",
        {"title": "平台建设", "ceiling": "500000.00", "published_on": tomorrow.isoformat()},
        format="json",
    )

    api_error(response, 400, field="published_on")
    assert not Tender.objects.filter(project=project).exists()


# --- uploads ----------------------------------------------------------------------------------------


def test_a_file_that_is_not_xlsx_to_the_targets_import_is_a_chinese_400_issue13(cast):
    from django.core.files.uploadedfile import SimpleUploadedFile

    indicators = Indicator.objects.count()
    upload = SimpleUploadedFile(
        "指标.xlsx", b"this is not a zip archive", content_type="application/octet-stream"
    )

    response = web_client(cast.bdb).post("/targets/import/", {"kind": "indicators", "file": upload})

    page = page_refused(response)
    assert "xlsx" in page
    assert Indicator.objects.count() == indicators
