"""issue 15 item 3: no page shows an internal code. Every demo role logs in and follows links from its landing
page; the visible text of every page it reaches is scanned for enum values, region codes, rule codes
without their title and bare category numbers (what counts is tests/data/raw_codes.toml)."""

from io import StringIO

import pytest
from django.core.management import call_command

from govpm.accounts.models import User

from .rawcodes import crawl, scan_html

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=StringIO())
    return list(User.objects.filter(is_active=True).order_by("username"))


def test_the_scan_finds_each_kind_of_raw_code():
    """The scanner can fail: each kind of leak in a sample page is reported, the same text with its
    Chinese name or a titled rule code is not."""
    page = """<html><body><main>
      <p>需求审核：return（材料不全）</p><p>分级负担：330800</p><p>命中 REJ-06</p><p>项目类别 1. 数字化应用项目</p>
      <table><thead><tr><th>名称</th><th>类别</th></tr></thead><tbody><tr><td>甲</td><td>5</td></tr></tbody></table>
      <p>需求审核：退回修改</p><p>分级负担：衢州市本级</p><p><abbr title="REJ-06 不予受理：重复建设">REJ-06</abbr></p>
      <script>var stage = "pooled";</script></main></body></html>"""
    kinds = sorted({hit.kind for hit in scan_html("/sample/", page)})
    assert kinds == [
        "category number",
        "category_numbered",
        "enum",
        "enum_label",
        "region_code",
        "rule code without its title",
    ]


def test_no_page_of_any_demo_role_shows_a_raw_code_issue15_item3(client, demo):
    hits, pages = [], 0
    for user in demo:
        client.force_login(user)
        found, read = crawl(client)
        pages += len(read)
        hits += [(user.username, hit) for hit in found]
        client.logout()
    assert pages > 100
    assert not hits, summary(hits)


def summary(hits) -> str:
    """Each distinct leak once, with how often it was seen and one role and page that shows it."""
    seen: dict[tuple, list] = {}
    for username, hit in hits:
        seen.setdefault((hit.kind, hit.text, hit.context), []).append(f"{username} {hit.url}")
    lines = [
        f"{len(where):>4}× [{kind}] {text!r} …{context}…  e.g. {where[0]}"
        for (kind, text, context), where in sorted(seen.items())
    ]
    return f"{len(hits)} raw codes, {len(lines)} distinct:\n" + "\n".join(lines)
