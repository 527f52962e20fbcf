"""The Content-Security-Policy (issue 13, item 8): every response carries it, and the pages pass it in
Debian's chromium — no inline script or style, nothing from another origin. The browser reports each
blocked load as a `securitypolicyviolation` event; the test collects them on every page it opens."""

import re

import pytest
from playwright.sync_api import expect

from govpm.accounts.models import User
from govpm.projects.scenarios import advance
from tests.factories import draft, make_cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-12345678"

# Installed before any page script runs; a violation raised while the page loads is kept too.
COLLECT_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sourceFile || ""));
});
"""


def test_every_response_carries_a_strict_policy(client, cast):
    # given any page, anonymous or not
    response = client.get("/accounts/login/")
    # then the policy is sent, allows only this origin and no inline code
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_pages_pass_the_policy_in_chromium(live_server, browser):
    # given a reviewer, a project in joint review and one pooled need
    cast = make_cast()
    bdb = cast.bdb
    bdb.set_password(PASSWORD)
    bdb.save()
    reviewed = advance(draft(cast.owner, name="城市大脑驾驶舱"), cast, to="joint_review")
    pooled = advance(draft(cast.owner, name="健康码数据平台"), cast, to="pooled")
    admin = User.objects.create_superuser(username="root", password=PASSWORD, role="observer")

    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    context.add_init_script(COLLECT_VIOLATIONS)
    page = context.new_page()
    seen: dict[str, list[str]] = {}

    def visit(path: str) -> None:
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == 200, path
        page.wait_for_load_state("networkidle")
        seen[path] = page.evaluate("window.__csp")

    # when the login page, then every main page of the reviewer, is opened
    visit("/accounts/login/")
    page.get_by_label("用户名").fill(bdb.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile("工作台"))).to_be_visible()
    for path in [
        "/",
        "/projects/",
        f"/projects/{reviewed.pk}/",
        f"/projects/{reviewed.pk}/joint-review/",
        f"/projects/{pooled.pk}/",
        "/dashboard/",
        "/zombies/",
        "/promotion/",
        "/targets/",
        "/targets/assessment/",
        "/targets/tasks/",
        "/targets/public/",
        "/api/docs/",
    ]:
        visit(path)
    # the dashboard's charts and the Swagger UI are drawn by scripts the policy allows
    page.goto(live_server.url + "/dashboard/")
    expect(page.locator("[data-rendered=true]").first).to_be_attached()
    page.goto(live_server.url + "/api/docs/")
    expect(page.locator(".swagger-ui .info")).to_be_visible()
    seen["/api/docs/ (drawn)"] = page.evaluate("window.__csp")

    # and the admin, as a superuser
    admin_context = browser.new_context(locale="zh-CN")
    admin_context.add_init_script(COLLECT_VIOLATIONS)
    page = admin_context.new_page()
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", admin.username)
    page.fill("#id_password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile("/admin/$"))
    visit("/admin/")
    visit("/admin/projects/project/")
    visit(f"/admin/projects/project/{reviewed.pk}/change/")

    # then no page broke the policy
    assert {path: found for path, found in seen.items() if found} == {}
    assert len(seen) >= 18
