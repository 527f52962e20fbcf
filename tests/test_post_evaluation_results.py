"""PERF-02: the post-evaluation scores each performance target of the need, and the result counts: in the
unit's next needs review, in finance's funding view and in ORG-03's 综合考核 table."""

import datetime as dt
import io
from decimal import Decimal
from html import unescape

import pytest
from docx import Document

from govpm.documents.issuing import docx_bytes
from govpm.projects import lifecycle
from govpm.projects.models import IssuedDocument, PostEvaluation, Project, TargetScore
from govpm.projects.scenarios import advance
from govpm.promotion.performance import unit_performance

from .factories import UserFactory, api_for, attach, draft, make_cast

pytestmark = pytest.mark.django_db

TWO = [
    {"indicator": "事项网上可办率", "target_value": "95", "unit": "%", "due_by": "2027-12-31"},
    {"indicator": "接入部门数", "target_value": "12", "unit": "个", "due_by": "2027-06-30"},
]


def _operating_a_year(cast, clock, name="智慧医保服务平台"):
    project = advance(draft(cast.owner, name=name, targets=TWO), cast, to="operation", shift=clock.shift)
    clock.shift(dt.timedelta(days=366))
    attach(project, "record_post_evaluation", cast.smart_office)  # MAT-01: the 后评估报告 uploaded first
    return Project.objects.get(pk=project.pk)


def _body(project, *, results=("met", "not_met"), scores=("90", "20"), score="55"):
    targets = list(project.performance_targets.all())
    return {
        "evaluator": "市数字化项目专家组",
        "score": score,
        "use_findings": "使用率偏低",
        "security_findings": "未发现重大隐患",
        "target_scores": [
            {"target_id": t.pk, "achieved_value": v, "result": r, "score": s, "note": "抽查系统日志核验"}
            for t, v, r, s in zip(targets, ["96", "5"], results, scores, strict=True)
        ],
    }


def _evaluate(cast, project, **kwargs):
    return api_for(cast.smart_office).post(
        f"/api/v1/projects/{project.pk}/actions/record_post_evaluation/",
        _body(project, **kwargs),
        format="json",
    )


def test_the_post_evaluation_scores_each_target_and_the_report_lists_them_PERF_02(cast, clock):
    """PERF-02: achieved value, met or not, score and evidence per target; the 后评估报告 shows them."""
    project = _operating_a_year(cast, clock)

    response = _evaluate(cast, project)

    assert response.status_code == 200, response.json()
    scores = TargetScore.objects.filter(evaluation__project=project).order_by("target__position")
    assert [(s.target.indicator, s.achieved_text, s.result, s.score) for s in scores] == [
        ("事项网上可办率", "96%", "met", Decimal("90.00")),
        ("接入部门数", "5个", "not_met", Decimal("20.00")),
    ]
    report = IssuedDocument.objects.get(project=project, kind="post_evaluation_report")
    cells = [
        [c.text for c in row.cells] for t in Document(io.BytesIO(docx_bytes(report))).tables for row in t.rows
    ]
    assert ["接入部门数", "12个", "5个", "未达成", "20.00"] in cells


@pytest.mark.parametrize(
    ("change", "field", "rule"),
    [
        (lambda body: body["target_scores"].pop(), "target_scores", "PERF-02"),  # a target left unscored
        (lambda body: body["target_scores"][0].update(score="101"), "target_scores.0.score", None),
        (lambda body: body["target_scores"][1].update(result="good"), "target_scores.1.result", None),
        (lambda body: body["target_scores"][0].update(note=""), "target_scores.0.note", None),
        (
            lambda body: body["target_scores"][1].update(target_id=body["target_scores"][0]["target_id"]),
            "target_scores.1.target_id",
            None,
        ),
        (lambda body: body["target_scores"][0].update(target_id=999999), "target_scores.0.target_id", None),
    ],
)
def test_a_bad_or_missing_target_score_is_refused_and_nothing_is_saved_PERF_02(
    cast, clock, change, field, rule
):
    """PERF-02: every target scored once, scores 0–100, a result and evidence; else 400 naming the field."""
    project = _operating_a_year(cast, clock)
    body = _body(project)
    change(body)

    response = api_for(cast.smart_office).post(
        f"/api/v1/projects/{project.pk}/actions/record_post_evaluation/", body, format="json"
    )

    assert response.status_code == 400, response.json()
    error = response.json()["error"]
    assert error["field"] == field and (rule is None or error["rule"] == rule)
    assert not PostEvaluation.objects.filter(project=project).exists() and not TargetScore.objects.exists()
    assert Project.objects.get(pk=project.pk).stage == "operation"


def test_the_result_is_shown_in_the_units_next_needs_review_and_to_finance_PERF_02(cast, clock, client):
    """PERF-02: the panel 本单位以往项目后评估结果 on the unit's next need's review page, and on the project
    page finance decides funding from; another unit's need shows none of it."""
    evaluated = _operating_a_year(cast, clock)
    assert _evaluate(cast, evaluated).status_code == 200
    following = draft(cast.owner, name="医保移动支付", with_materials=True)
    lifecycle.submit(following.pk, actor=cast.owner)
    client.force_login(cast.bdb)

    page = unescape(client.get(f"/projects/{following.pk}/needs-review/").content.decode())

    panel = page[page.index("本单位以往项目后评估结果") :]
    assert "智慧医保服务平台" in panel and "综合评分 55.00 · 结果偏低" in panel
    assert "接入部门数" in panel and "未达成" in panel and "抽查系统日志核验" in panel

    funded = advance(draft(cast.owner, name="医保结算分析"), cast, to="approval", shift=lambda delta: None)
    client.force_login(cast.finance)
    finance_page = unescape(client.get(f"/projects/{funded.pk}/").content.decode())
    assert "本单位以往项目后评估结果" in finance_page and "结果偏低" in finance_page

    other = UserFactory(role="owner")
    theirs = draft(other, name="其他单位需求", with_materials=True)
    lifecycle.submit(theirs.pk, actor=other)
    client.force_login(cast.bdb)
    elsewhere = unescape(client.get(f"/projects/{theirs.pk}/needs-review/").content.decode())
    assert "本单位暂无已完成后评估的项目" in elsewhere and "智慧医保服务平台" not in elsewhere


def test_a_low_post_evaluation_lowers_the_units_org_03_standing_PERF_02(cast, clock, client):
    """PERF-02 in ORG-03: a low result (under 60, or a target not met) is counted against its unit, which
    then ranks below a unit whose evaluation met every target; the page shows the figures."""
    good_owner = UserFactory(role="owner")
    good = _operating_a_year(make_cast(owner=good_owner), clock, name="良好项目")
    low = _operating_a_year(cast, clock, name="偏低项目")
    lifecycle.record_post_evaluation(
        good.pk,
        actor=cast.smart_office,
        evaluator="专家组",
        score=Decimal("92"),
        use_findings="良好",
        security_findings="良好",
        target_scores=[
            {
                "target_id": t.pk,
                "achieved_value": t.target_value,
                "result": "met",
                "score": Decimal("95"),
                "note": "达标",
            }
            for t in good.performance_targets.all()
        ],
    )
    assert _evaluate(cast, low, score="75").status_code == 200  # 75 overall, but a target not met
    year = PostEvaluation.objects.get(project=low).evaluated_on.year

    rows = unit_performance(year)

    mine = next(r for r in rows if r["unit_id"] == cast.owner.unit_id)
    theirs = next(r for r in rows if r["unit_id"] == good_owner.unit_id)
    assert (mine["evaluated"], mine["low_evaluations"], mine["evaluation_mean"]) == (1, 1, Decimal("75.00"))
    assert (theirs["evaluated"], theirs["low_evaluations"]) == (1, 0)
    assert rows.index(mine) < rows.index(theirs)  # listed first: the table runs from most lapses down

    client.force_login(cast.smart_office)
    page = unescape(client.get(f"/promotion/?year={year}").content.decode())
    assert "后评估结果偏低" in page and "后评估平均分" in page


def test_smart_office_scores_each_target_on_the_project_page_PERF_02(cast, clock, client):
    """PERF-02 in the web UI: one block per target on the post-evaluation form; a target left blank is
    refused with PERF-02's reason; filled in, the scores are saved."""
    project = _operating_a_year(cast, clock)
    targets = list(project.performance_targets.all())
    client.force_login(cast.smart_office)
    page = unescape(client.get(f"/projects/{project.pk}/").content.decode())
    assert (
        f'name="target_scores.{targets[1].pk}.achieved_value"' in page and "接入部门数（目标值 12个" in page
    )
    form = {
        "evaluator": "专家组",
        "score": "80",
        "use_findings": "良好",
        "security_findings": "良好",
        "_confirm": "yes",
        f"target_scores.{targets[0].pk}.achieved_value": "96",
        f"target_scores.{targets[0].pk}.result": "met",
        f"target_scores.{targets[0].pk}.score": "95",
        f"target_scores.{targets[0].pk}.note": "达标",
    }

    refused = client.post(f"/projects/{project.pk}/actions/record_post_evaluation/", form)

    assert refused.status_code == 400 and "须对每项绩效目标评分，尚未评分：接入部门数" in unescape(
        refused.content.decode()
    )
    assert not PostEvaluation.objects.filter(project=project).exists()
    form |= {
        f"target_scores.{targets[1].pk}.achieved_value": "10",
        f"target_scores.{targets[1].pk}.result": "partly",
        f"target_scores.{targets[1].pk}.score": "70",
        f"target_scores.{targets[1].pk}.note": "接入10个部门",
    }
    assert client.post(f"/projects/{project.pk}/actions/record_post_evaluation/", form).status_code == 302
    assert list(
        TargetScore.objects.filter(evaluation__project=project)
        .order_by("target__position")
        .values_list("result", flat=True)
    ) == ["met", "partly"]
