"""The main pages of the demo in chromium at 1280 and 390 px: screenshots into artifacts/screenshots/
(git-ignored) for every role's landing page and the pages issue 15 changed, and the raw-code scan of
tests/rawcodes.py over the DOM chromium rendered (issue 15 item 3), charts drawn and sized to their rows."""

from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from govpm.projects.models import Project
from tests.rawcodes import scan_html

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "govpm-demo"  # the demo accounts' (govpm.demo.loader, a layer web tests may not import)

WIDTHS = {"1280": {"width": 1280, "height": 900}, "390": {"width": 390, "height": 844}}


def _pages(username: str) -> list[tuple[str, str]]:
    rejected = Project.objects.filter(stage="rejected").order_by("id")[0]
    pooled = Project.objects.filter(stage="pooled").order_by("id")[0]
    common = [
        ("landing", "/"),
        ("pool", "/projects/"),
        ("pool-filtered", "/projects/?stage=rejected&rule=REJ-06"),
        ("dashboard", "/dashboard/"),
        ("rejected-project", f"/projects/{rejected.pk}/"),
        ("pooled-project", f"/projects/{pooled.pk}/"),
        ("zombies", "/zombies/"),
    ]
    extra = {
        "owner": [("need-form", "/projects/new/")],
        "bdb": [("needs-review", f"/projects/{pooled.pk}/needs-review/")],
        "smart_office": [("promotion", "/promotion/"), ("experts", "/experts/")],
        "admin": [("overview", "/overview/")],
    }
    return common + extra.get(username, [])


def test_main_pages_at_both_widths_show_no_raw_code_issue15_item3(live_server, browser, screenshots):
    call_command("load_demo", stdout=StringIO())
    hits = []
    for username in ["owner", "bdb", "smart_office", "admin"]:
        for width, viewport in WIDTHS.items():
            context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport=viewport)
            page = context.new_page()
            page.goto(live_server.url + "/accounts/login/")
            page.get_by_label("用户名").fill(username)
            page.get_by_label("密码").fill(PASSWORD)
            page.keyboard.press("Enter")
            page.wait_for_url(lambda url: "/accounts/login/" not in url)
            if username == "admin":  # observers and the admin land on the supervision overview
                assert page.url.endswith("/overview/"), page.url
            for name, path in _pages(username):
                page.goto(live_server.url + path)
                page.wait_for_load_state("networkidle")
                if name == "dashboard":
                    expect(page.locator("[data-chart][data-rendered='true']").first).to_be_visible()
                hits += scan_html(f"{username} {path} @{width}", page.content())
                page.screenshot(path=screenshots / f"h15-{username}-{name}-{width}.png", full_page=True)
            context.close()
    assert not hits, "\n".join(map(str, hits))


def test_dashboard_charts_are_as_tall_as_their_rows_and_values_fit(live_server, browser):
    call_command("load_demo", stdout=StringIO())
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport=WIDTHS["1280"])
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill("smart_office")
    page.get_by_label("密码").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.goto(live_server.url + "/dashboard/")
    page.wait_for_selector("[data-chart][data-rendered='true']")
    sizes = page.evaluate(
        """() => [...document.querySelectorAll('[data-chart]')].map(el => {
             const rows = JSON.parse(document.getElementById(el.dataset.chart).textContent).length;
             const option = echarts.getInstanceByDom(el).getOption();
             const labels = option.series[0].data.map(v => option.series[0].label.formatter({value: v}));
             return {key: el.dataset.chart, rows, height: el.clientHeight, right: option.grid[0].right, labels};
           })"""
    )
    for chart in sizes:
        assert chart["height"] <= chart["rows"] * 34 + 48 + 1 or chart["height"] <= 96, chart
        widest = max(len(label) for label in chart["labels"])
        assert chart["right"] >= 16 + widest * 8, chart  # room for the widest value label
    money = next(chart for chart in sizes if chart["key"] == "by_unit")
    assert all("." in label for label in money["labels"])  # 万元 with two decimals: 1,797.50, not 17
    context.close()
