"""Item 1: the navigation shows 目标考核 only to roles that may use it, and every link a role sees
answers 200 for that role (a walk over every role, an owner unit and a county government)."""

import re

import pytest
from django.urls import reverse

from govpm.accounts.models import Unit
from govpm.accounts.reference import ensure_reference_units
from govpm.accounts.roles import Role
from govpm.core import access

from .conftest import make_user

pytestmark = pytest.mark.django_db
NAV = re.compile(r'<nav aria-label="主导航">(.*?)</nav>', re.S)
HREF = re.compile(r'href="([^"]+)"')


def nav_links(client) -> list[str]:
    page = client.get(reverse("web:workbench"), follow=True).content.decode()  # observers: their overview
    found = NAV.search(page)
    assert found is not None, "the platform navigation is missing"
    return HREF.findall(found.group(1))


def users():
    made = [make_user(f"u_{role}", role) for role in Role.values]
    ensure_reference_units(Unit)  # after a transactional test's flush, the migration's rows are gone
    county = Unit.objects.get(code="jiangshan")
    made.append(make_user("u_county", "owner", unit=county))
    return made


def test_every_navigation_link_a_role_sees_answers_200(curated_data, client):
    targets = reverse("targets:indicators")
    for user in users():
        client.force_login(user)
        links = nav_links(client)
        assert (targets in links) == access.can(user, "page.targets"), user.role
        for href in links:
            assert client.get(href).status_code == 200, (user.role, href)
        client.logout()


def test_targets_pages_carry_the_platform_header(curated_data, client, officer):
    client.force_login(officer)
    for path in ("/targets/", "/targets/assessment/", "/targets/tasks/", "/targets/import/"):
        page = client.get(path).content.decode()
        assert 'class="site"' in page and "退出" in page and "工作台" in page, path
    assert 'class="site"' in client.get("/targets/public/").content.decode()
