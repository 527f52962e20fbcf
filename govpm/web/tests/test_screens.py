"""The main pages of the demo in chromium at 1280 and 390 px: screenshots into artifacts/screenshots/
(git-ignored) for every role's landing page and the pages issue 15 changed, and the raw-code scan of
tests/rawcodes.py over the DOM chromium rendered (issue 15 item 3), charts drawn and sized to their rows."""

import re
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
        ("pooled-history", f"/projects/{pooled.pk}/history/"),
        ("zombies", "/zombies/"),
    ]
    extra = {
        "owner": [("need-form", "/projects/new/")],
        "bdb": [("needs-review", f"/projects/{pooled.pk}/needs-review/")],
        "smart_office": [("promotion", "/promotion/"), ("experts", "/experts/")],
        "admin": [("overview", "/overview/")],
    }
    return common + extra.get(username, [])


# Each chart's rows, drawn height, right margin and value labels as drawn.
CHARTS = """() => [...document.querySelectorAll('[data-chart]')].map(el => {
  const rows = JSON.parse(document.getElementById(el.dataset.chart).textContent).length;
  const option = echarts.getInstanceByDom(el).getOption();
  const labels = option.series[0].data.map(v => option.series[0].label.formatter({value: v}));
  return {key: el.dataset.chart, rows, height: el.clientHeight, right: option.grid[0].right, labels};
})"""


def _charts_fit(charts: list[dict]) -> None:
    """A chart is as tall as its rows (a one-bar chart is not a card-filling slab) and keeps room on the
    right for its widest value label; money is in 万元 with two decimals (1,797.50, never cut to 17)."""
    for chart in charts:
        assert chart["height"] <= max(96, chart["rows"] * 34 + 48) + 1, chart
        widest = max((len(label) for label in chart["labels"]), default=0)
        assert chart["right"] >= 16 + widest * 8, chart
    money = next(chart for chart in charts if chart["key"] == "by_unit")
    assert money["labels"] and all(re.fullmatch(r"[\d,]+\.\d\d", label) for label in money["labels"]), money


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
                    _charts_fit(page.evaluate(CHARTS))
                hits += scan_html(f"{username} {path} @{width}", page.content())
                page.screenshot(path=screenshots / f"h15-{username}-{name}-{width}.png", full_page=True)
            context.close()
    assert not hits, "\n".join(map(str, hits))
