"""Item 1 in Debian's chromium: the targets pages carry the platform header, nothing overflows
horizontally at 1280 and 390 px, and every navigation link a role sees answers 200 for that role.
Screenshots of each targets page at both widths go to artifacts/screenshots/."""

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from govpm.accounts.models import Unit, User
from govpm.accounts.reference import ensure_reference_units
from govpm.accounts.roles import Role
from govpm.targets.curated import load_curated
from govpm.targets.models import Indicator, Task
from govpm.targets.observations import record_observation
from govpm.targets.responsibility import assign_unit
from govpm.targets.task_imports import template_xlsx
from govpm.targets.tasks import record_progress

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-12345678"
WIDTHS = (1280, 390)
SCREENSHOTS = Path(__file__).resolve().parents[3] / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium, as govpm/web/tests/conftest.py starts it (the layers keep targets from
    importing web, so the fixture is repeated here)."""
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            yield launched
            launched.close()


@pytest.fixture
def screenshots():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


def user(username, role, unit=None) -> User:
    return User.objects.create_user(
        username=username, password=PASSWORD, role=role, unit=unit, display_name=username
    )


@pytest.fixture
def data():
    ensure_reference_units(Unit)  # a transactional test before this one may have flushed them
    load_curated()
    health = Unit.objects.create(
        code="health", name="衢州市卫生健康委员会", short_name="市卫健委", kind="department"
    )
    people = {role: user(f"u_{role}", role) for role in Role.values}
    people["health"] = user("u_health", "owner", health)
    people["county"] = user("u_county", "owner", Unit.objects.get(code="jiangshan"))
    for indicator in Indicator.objects.filter(document__number="衢政发〔2020〕10号"):
        assign_unit(indicator.pk, actor=people["smart_office"], unit_id=health.pk)
    h30 = Indicator.objects.get(code="H30")
    record_observation(
        h30.pk, actor=people["bdb"], period=2021, value="100", secondary_value="97", source="演示"
    )
    task = Task.objects.get()
    record_progress(
        task.pk, actor=people["bdb"], region_code="330881", year=2021, completed="2500", source="演示"
    )
    return {"people": people, "h30": h30, "task": task}


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def kecheng_2021_changed(task) -> bytes:
    """The decomposition template with 柯城区 2021 changed to 2700 and nothing else."""
    book = load_workbook(io.BytesIO(template_xlsx(task, "shares")))
    book.active.cell(row=4, column=4, value=2700)  # 柯城区, 2021年
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def page_for(browser, base, username, width):
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    if username:
        page.goto(base + "/accounts/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_selector("header.site nav")
    return page


def overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_targets_pages_carry_the_header_do_not_overflow_and_every_role_link_answers(
    live_server, browser, data, screenshots
):
    """TGT-08 TGT-10 TGT-11: the targets pages (the task import and a milestone with its judgement form
    among them) carry the platform header and do not overflow at 1280 and 390 px; every link of the
    platform navigation and of the targets tabs that a role sees answers 200 for that role."""
    pages = {
        "targets-indicators": "/targets/",
        "targets-indicator-h30": f"/targets/indicators/{data['h30'].pk}/",
        "targets-assessment": "/targets/assessment/",
        "targets-tasks": "/targets/tasks/",
        "targets-task": f"/targets/tasks/{data['task'].pk}/",
        "targets-import": "/targets/import/",
        "targets-task-import": f"/targets/tasks/{data['task'].pk}/import/",
        "targets-indicator-e25": f"/targets/indicators/{Indicator.objects.get(code='E25').pk}/",
    }
    for width in WIDTHS:
        page = page_for(browser, live_server.url, "u_bdb", width)
        for name, path in pages.items():
            response = page.goto(live_server.url + path)
            assert response.status == 200, path
            assert (
                page.locator("header.site").is_visible()
                and page.get_by_role("button", name="退出").count() == 1
            )
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(screenshots / f"{name}-{width}.png"), full_page=False)
            assert overflow(page) <= 0, (path, width, overflow(page))
        # TGT-10: a decomposition table whose sums do not add up is refused, cell by cell, on the page
        page.goto(live_server.url + pages["targets-task-import"])
        page.set_input_files(
            "input[type=file]",
            {"name": "分解表.xlsx", "mimeType": XLSX, "buffer": kecheng_2021_changed(data["task"])},
        )
        page.get_by_role("button", name="核对并导入").click()
        page.wait_for_selector("text=未导入：以下各处不符")
        assert page.locator("td", has_text="柯城区各年度之和11800亩，与合计11700亩不符").count() == 1
        page.screenshot(path=str(screenshots / f"targets-task-import-refused-{width}.png"), full_page=True)
        assert overflow(page) <= 0, ("refused import", width, overflow(page))
        # TGT-11: a judgement without evidence is refused beside the field
        page.goto(live_server.url + pages["targets-indicator-e25"])
        page.get_by_text("评估人判断", exact=True).click()
        page.locator("#id_judge-year").fill("2025")
        page.locator("#id_judge-reason").fill("已建成并通过验收")
        page.locator("#id_judge-evidence").fill("   ")  # passes the browser's `required`, not the server
        page.get_by_role("button", name="提交判断").click()
        page.wait_for_selector("text=请填写佐证：判断须有所依据")
        page.screenshot(path=str(screenshots / f"targets-judgement-refused-{width}.png"), full_page=True)
        assert overflow(page) <= 0, ("judgement", width, overflow(page))
        page.context.close()
        anonymous = page_for(browser, live_server.url, None, width)
        assert anonymous.goto(live_server.url + "/targets/public/").status == 200
        anonymous.screenshot(path=str(screenshots / f"targets-public-{width}.png"), full_page=False)
        assert anonymous.locator("header.site").is_visible() and overflow(anonymous) <= 0
        anonymous.context.close()
    # every navigation link a role sees answers 200 for that role (one test: one live server, one flush)
    for key, person in data["people"].items():
        wide = page_for(browser, live_server.url, person.username, 1280)
        wide_links = wide.eval_on_selector_all(
            "header.site nav a", "els => els.map(e => e.getAttribute('href'))"
        )
        wide.context.close()
        page = page_for(browser, live_server.url, person.username, 390)
        links = page.eval_on_selector_all("header.site nav a", "els => els.map(e => e.getAttribute('href'))")
        assert links, key
        assert sorted(links) == sorted(wide_links), key  # the same links at both widths: one walk covers both
        for href in links:
            response = page.goto(live_server.url + href)
            assert response.status == 200, (key, href)
        if "/targets/" in links:  # the module's own tabs, as this role sees them
            page.goto(live_server.url + "/targets/")
            tabs = page.eval_on_selector_all("nav.tabs a", "els => els.map(e => e.getAttribute('href'))")
            assert "/targets/assessment/" in tabs, key
            for href in tabs:
                response = page.goto(live_server.url + href)
                assert response.status == 200, (key, href)
        if key in ("health", "county"):
            page.goto(live_server.url + "/targets/")
            page.screenshot(path=str(screenshots / f"targets-indicators-{key}-390.png"), full_page=False)
            assert overflow(page) <= 0, key
        page.context.close()
