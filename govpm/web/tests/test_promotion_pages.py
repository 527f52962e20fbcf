"""推广与考核 (/promotion/): the publicity cadence, showcases and cases of 四 项目推广, and the units'
performance of 五 组织保障, through Django's test client. Records go through govpm.promotion.services."""

import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook

from govpm.policy.catalog import citation
from govpm.projects import lifecycle
from govpm.promotion import services
from govpm.promotion.models import CasePresentation, Publicity, Showcase
from tests.factories import UserFactory, draft

from .test_pages import text

pytestmark = pytest.mark.django_db


def publicity(**overrides) -> dict:
    body = {
        "kind": "theme",
        "year": "2026",
        "period": "1",
        "title": "数字政府一月谈",
        "published_on": "2026-01-20",
        "channel": "衢州日报",
    }
    return body | overrides


def cell(response, kind: str, period: int) -> str:
    """The class and text of one period's cell in the cadence grid."""
    html = response.content.decode()
    row = re.search(rf'<ol class="cadence"[^>]*data-kind="{kind}">(.*?)</ol>', html, re.S).group(1)
    found = re.search(rf'<li class="(\w+)" data-period="{period}">(.*?)</li>', row, re.S)
    return found.group(1) + " " + re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(2))).strip()


def unit_row(response, unit_id: int) -> list[str]:
    html = response.content.decode()
    row = re.search(rf'<tr data-unit="{unit_id}">(.*?)</tr>', html, re.S).group(1)
    return [re.sub(r"<[^>]+>", "", td).strip() for td in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


# --- 宣传节奏 -----------------------------------------------------------------------------------------


def test_cadence_grid_shows_the_recorded_theme_and_highlights_an_ended_month_without_one_PROMO_01_TIME_05(
    cast, clock, login
):
    """PROMO-01 TIME-05: 一月一主题 … each ended period without its publicity is marked missing."""
    # given January's theme, and the clock moved past the end of March
    services.record_publicity(
        actor=cast.smart_office,
        kind="theme",
        year=2026,
        period=1,
        title="数字政府一月谈",
        published_on=dt.date(2026, 1, 20),
    )
    clock.shift(dt.timedelta(days=31))  # 2026-04-02

    # when
    response = login(cast.smart_office).get("/promotion/")

    # then
    assert response.status_code == 200
    assert cell(response, "theme", 1) == "done 1月 已登记 数字政府一月谈 2026年1月20日"
    assert cell(response, "theme", 2).startswith("missing 2月 已结束未登记")
    assert cell(response, "theme", 3).startswith("missing 3月")
    assert cell(response, "theme", 4).startswith("pending 4月 未到期")
    assert cell(response, "release", 1).startswith("missing 第一季度")
    assert cell(response, "summary", 1).startswith("pending 上半年")
    assert "已结束未登记 3 期" in text(response)
    assert citation("TIME-05") in text(response) and citation("TIME-06") in text(response)


def test_a_missing_periods_link_prefills_the_publicity_form_PROMO_01(cast, clock, login):
    response = login(cast.smart_office).get("/promotion/?year=2026&kind=release&period=1")
    html = response.content.decode()
    assert 'href="?year=2026&amp;kind=theme&amp;period=2#form-publicity"' in html
    assert re.search(r'<option value="release" selected>', html)
    assert 'id="publicity-period" name="period" value="1"' in html
    assert re.search(r'<details class="action" id="form-publicity" open>', html)


def test_a_past_year_shows_every_period_missing_and_empty_lists_TIME_05(cast, clock, login):
    page = login(cast.ndrc).get("/promotion/?year=2025")
    assert page.status_code == 200
    assert "已结束未登记 19 期" in text(page)
    for empty in ["暂无推介专场记录", "暂无典型案例推介记录", "暂无单位工作情况数据"]:
        assert empty in text(page)
    assert "还差 2 场" in text(page)


def test_a_malformed_year_is_refused_in_chinese(cast, login):
    response = login(cast.smart_office).get("/promotion/?year=20x6")
    assert response.status_code == 400 and "年度：应为2020年以后的四位年份" in text(response)


def test_publicity_form_records_through_the_service_and_returns_to_its_year_PROMO_01(cast, clock, login):
    """PROMO-01: 市智慧办 records a theme from the page."""
    client = login(cast.smart_office)

    response = client.post("/promotion/publicity/?year=2026", publicity())

    assert response.status_code == 302 and response["Location"] == "/promotion/?year=2026"
    item = Publicity.objects.get()
    assert (item.kind, item.year, item.period, item.channel) == ("theme", 2026, 1, "衢州日报")
    assert item.recorded_by == cast.smart_office
    page = client.get(response["Location"])
    assert "主题宣传已登记" in text(page) and cell(page, "theme", 1).startswith(
        "done 1月 已登记 数字政府一月谈"
    )


def test_a_second_publicity_for_the_same_period_shows_the_chinese_409_message_TIME_05(cast, clock, login):
    """TIME-05: one item per period; the duplicate is refused and nothing changes."""
    client = login(cast.smart_office)
    client.post("/promotion/publicity/?year=2026", publicity())

    response = client.post("/promotion/publicity/?year=2026", publicity(title="重复的一月主题"))

    assert response.status_code == 409
    assert "2026年第1期月度主题已登记" in text(response)
    assert 'id="form-publicity" open' in response.content.decode()
    assert list(Publicity.objects.values_list("title", flat=True)) == ["数字政府一月谈"]


def test_a_period_outside_its_kind_is_shown_beside_the_period_field_PROMO_01(cast, clock, login):
    response = login(cast.smart_office).post(
        "/promotion/publicity/?year=2026", publicity(kind="release", period="5")
    )
    assert response.status_code == 400
    control = re.search(
        r'<div class="control invalid" data-control="period">(.*?)</div>', response.content.decode(), re.S
    )
    assert control and "季度发声的期次应为1至4" in control.group(1)
    assert not Publicity.objects.exists()


# --- 推介专场 and 典型案例 ---------------------------------------------------------------------------


def test_showcases_count_toward_two_a_year_PROMO_03_TIME_06(cast, clock, login):
    """PROMO-03 TIME-06: 每年2场推介专场; the page says how many are still to hold."""
    client = login(cast.smart_office)
    assert "还差 2 场" in text(client.get("/promotion/"))

    response = client.post(
        "/promotion/showcase/?year=2026",
        {"title": "新型智慧城市成果推介会", "held_on": "2026-05-20", "audience": "长三角"},
    )

    assert response.status_code == 302 and response["Location"] == "/promotion/?year=2026"
    page = text(client.get("/promotion/"))
    assert "新型智慧城市成果推介会" in page and "2026年5月20日" in page and "还差 1 场" in page
    assert Showcase.objects.get().recorded_by == cast.smart_office


def test_bdb_records_a_case_presented_upward_and_only_bdb_gets_the_form_PROMO_02(cast, clock, login):
    """PROMO-02: 市大数据局 presents typical cases to national and provincial bodies."""
    body = {
        "title": "“县乡一体”数字化案例",
        "presented_to": "浙江省大数据发展管理局",
        "presented_on": "2026-04-01",
    }
    bdb = login(cast.bdb)
    assert 'data-action="case"' in bdb.get("/promotion/").content.decode()

    response = bdb.post("/promotion/case/?year=2026", body)

    assert response.status_code == 302
    page = bdb.get("/promotion/")
    assert "“县乡一体”数字化案例" in text(page) and "浙江省大数据发展管理局" in text(page)
    assert 'data-action="publicity"' not in page.content.decode()


def test_smart_office_may_not_record_a_case_and_is_told_why_PROMO_02(cast, login):
    client = login(cast.smart_office)
    assert 'data-action="case"' not in client.get("/promotion/").content.decode()

    response = client.post(
        "/promotion/case/", {"title": "案例", "presented_to": "国家数据局", "presented_on": "2026-04-01"}
    )

    assert response.status_code == 403
    assert "只有市大数据局可以登记典型案例推介" in text(response) and citation("PROMO-02") in text(response)
    assert not CasePresentation.objects.exists()


# --- access -----------------------------------------------------------------------------------------


def test_only_the_supervising_roles_open_the_page_and_see_its_link(cast, login):
    """The API's rule (SUPERVISORS): owners and experts get 403, and no link in the navigation."""
    for user in [cast.owner, cast.experts[0], cast.reviewers["cac"]]:
        client = login(user)
        assert client.get("/promotion/").status_code == 403, user.role
        assert client.post("/promotion/publicity/", publicity()).status_code == 403
        assert client.get("/promotion/units.xlsx").status_code == 403
        assert 'href="/promotion/"' not in client.get("/").content.decode()
    observer = UserFactory(role="observer", unit=cast.bdb.unit)
    for user in [cast.smart_office, cast.bdb, cast.finance, cast.leading_group, observer]:
        client = login(user)
        assert client.get("/promotion/").status_code == 200, user.role
        # follow: observers land on the supervision overview, which carries the same navigation
        assert 'href="/promotion/"' in client.get("/", follow=True).content.decode()
    assert not Publicity.objects.exists()


def test_unknown_record_kind_is_not_found(cast, login):
    assert login(cast.smart_office).post("/promotion/banner/", {}).status_code == 404


# --- 各单位工作情况 ------------------------------------------------------------------------------------


def test_unit_performance_table_shows_each_units_counts_and_exports_them_ORG_03(cast, clock, login):
    """ORG-03: needs submitted, rejected and rule hits per unit, for the city's comprehensive assessment."""
    # given two needs of one unit, one rejected under REJ-03 (new server room)
    lifecycle.submit(draft(cast.owner, name="需求一").pk, actor=cast.owner)
    rejected = draft(cast.owner, name="需求二", facts={"new_server_room": True})
    lifecycle.submit(rejected.pk, actor=cast.owner)

    # when
    response = login(cast.finance).get("/promotion/?year=2026")

    # then
    row = unit_row(response, cast.owner.unit_id)
    assert row[:5] == [cast.owner.unit.name, "2", "1", "0", "0"] and int(row[-1]) >= 1
    assert citation("ORG-03") in text(response)
    assert "暂无单位工作情况数据" in text(login(cast.finance).get("/promotion/?year=2025"))

    export = login(cast.finance).get("/promotion/units.xlsx?year=2026")
    assert export.status_code == 200 and "filename*=UTF-8''2026" in export["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("单位", "提交需求", "不予受理")
    assert rows[1][:3] == (cast.owner.unit.name, 2, 1)


def test_promotion_page_query_count_does_not_grow_with_records_PROMO_01_PROMO_03_ORG_03(
    cast, clock, login, django_assert_max_num_queries
):
    for month in range(1, 3):
        services.record_publicity(
            actor=cast.smart_office,
            kind="theme",
            year=2026,
            period=month,
            title=f"{month}月主题",
            published_on=dt.date(2026, month, 10),
        )
    for n in range(3):
        services.record_showcase(actor=cast.smart_office, title=f"专场{n}", held_on=dt.date(2026, 2, n + 1))
        services.record_case(
            actor=cast.bdb, title=f"案例{n}", presented_to="国家数据局", presented_on=dt.date(2026, 2, 1)
        )
        owner = UserFactory(role="owner")
        lifecycle.submit(draft(owner, name=f"需求{n}").pk, actor=owner)
    client = login(cast.smart_office)

    # session, user, cadence (2), the year's three lists, unit_performance (6 with PERF-02's post-evaluation
    # figures), the header's unit
    with django_assert_max_num_queries(
        18
    ):  # +1: the header's unread count (NOTE-01), +2 lapses by responsible unit (ORG-05), +1 the overdue
        # scheduled payments charged to the paying unit (SUPV-05's lapse source: one query for all
        # milestones, select_related project and contract, paid totals as a subquery)
        response = client.get("/promotion/")

    assert response.status_code == 200 and text(response).count("国家数据局") == 3
    assert "已完成全年2场" in text(response)
