"""Issue 15 item 6: the dashboard counts only needs that went on, the list says which chart filter it
shows (removable chips), observers land on a supervision overview, and a stage bar shows the path the
project actually took."""

from decimal import Decimal

import pytest

from govpm.accounts.models import User
from govpm.projects import lifecycle
from govpm.projects.scenarios import ALL_CLEAR, advance
from govpm.web import presenters, queries
from tests.factories import draft

pytestmark = pytest.mark.django_db


def _rejected(cast, name="重复建设的系统", estimate="5800000.00"):
    need = advance(draft(cast.owner, name=name, estimate=estimate), cast, to="submitted")
    hit = {**ALL_CLEAR, "REJ-02": {"hit": True, "reason": "需求不明确"}}
    lifecycle.review_needs(need.pk, actor=cast.bdb, decision="reject", answers=hit, comment="需求不明确")
    need.refresh_from_db()
    return need


def test_dashboard_investment_counts_only_needs_that_went_on_PORT_04(cast):
    """A rejected 580万 and a withdrawn need do not swell the unit's investment (PORT-04's predicate)."""
    advance(draft(cast.owner, name="入库的系统", estimate="1797500.00"), cast, to="pooled")
    _rejected(cast)
    withdrawn = advance(draft(cast.owner, name="撤回的系统", estimate="900000.00"), cast, to="pooled")
    lifecycle.withdraw(withdrawn.pk, actor=cast.owner, reason="不再需要")

    data = queries.dashboard(cast.smart_office)

    assert [(value) for _label, value, _qs in data["by_unit"]] == [Decimal("1797500.00")]
    charts = dict((key, rows) for key, _t, _u, _c, rows in presenters.dashboard_charts(data))
    assert charts["by_unit"][0][1] == Decimal("179.75")  # 万元
    rule_rows = charts["rejections"]
    assert rule_rows[0][0] == "REJ-02" and rule_rows[0][3].startswith("需求或绩效目标不明确")


def test_a_rejected_needs_stage_bar_ends_at_its_rejection(cast):
    need = _rejected(cast)
    steps = presenters.timeline(need, queries.stage_events(need))
    assert steps[-1].label == "不予受理" and steps[-1].state == "current"
    assert "已入库" not in [step.label for step in steps]
    returned = advance(draft(cast.owner, name="退回的系统"), cast, to="submitted")
    lifecycle.review_needs(returned.pk, actor=cast.bdb, decision="return", answers=ALL_CLEAR, comment="补充")
    returned.refresh_from_db()
    labels = [step.label for step in presenters.timeline(returned, queries.stage_events(returned))]
    assert labels.index("退回修改") < labels.index("已入库")  # a return goes on from there


def test_a_chart_filter_shows_as_removable_chips_on_the_list(login, cast):
    _rejected(cast)
    page = login(cast.smart_office).get("/projects/?rule=REJ-02&stage=rejected").content.decode()

    assert 'id="filter-chips"' in page
    assert "阶段：不予受理" in page and "命中规则：" in page
    assert 'href="/projects/?stage=rejected"' in page  # removing the rule keeps the stage
    assert 'href="/projects/?rule=REJ-02"' in page
    assert 'title="REJ-02 需求或绩效目标不明确' in page  # the rule by its meaning, not a bare code


def test_observer_and_admin_land_on_the_supervision_overview(login, cast, django_assert_max_num_queries):
    _rejected(cast)
    observer = User.objects.create_user(
        username="watcher", password="x" * 12, role="observer", unit=cast.bdb.unit
    )
    client = login(observer)
    assert client.get("/").url == "/overview/"
    with django_assert_max_num_queries(14):
        page = client.get("/overview/").content.decode()
    assert "监督总览" in page and "不予受理" in page and "overview-stats" in page
    assert login(cast.owner).get("/overview/").status_code == 403
    assert login(cast.owner).get("/").status_code == 200  # owners keep their to-do list
