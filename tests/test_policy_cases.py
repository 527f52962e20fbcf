"""衢政办发〔2020〕8号 as written, through the API: notices of non-acceptance and return (DOC-01), the
draw's bidder and contractor exclusions (COORD-07), the third-party estimate review (COORD-08),
co-funding and signing units (COORD-10), top-level designs (PLAN-06) and merging (PLAN-07)."""

from __future__ import annotations

import dataclasses
import io
import subprocess
from decimal import Decimal

import pytest
from docx import Document

from govpm.core import clock
from govpm.documents.issuing import docx_bytes, pdf_path
from govpm.notices.models import Notice
from govpm.projects import lifecycle, selectors
from govpm.projects.models import (
    Contract,
    CostShare,
    EstimateReview,
    Expert,
    IssuedDocument,
    Project,
    Specialty,
    Tender,
)
from govpm.projects.scenarios import _joint_review, advance, record_code
from govpm.projects.stages import Stage

from .factories import UserFactory, api_for, attach_via_api, draft, role_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


PASS = {"hit": False, "reason": "经审核，不存在该情形"}


def _answers(**hits: str) -> dict:
    return {
        rule: (
            {"hit": True, "reason": hits[rule.replace("-", "_")]} if rule.replace("-", "_") in hits else PASS
        )
        for rule in ["REJ-02", "REJ-07", "REJ-08", "REJ-10"]
    }


def _text(document: IssuedDocument) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(docx_bytes(document))).paragraphs)


# -- DOC-01 --------------------------------------------------------------------------------------------


def test_a_rejection_by_review_issues_a_non_acceptance_notice_with_each_finding_DOC_01(cast):
    """DOC-01: bdb rejects through the API; a 不予受理告知书 is issued by 市大数据局 with a number, each
    hit with its rule, bdb's reason and the clause; the owner is told in a notice naming the number."""
    project = draft(cast.owner)
    lifecycle.submit(project.pk, actor=cast.owner)
    body = {"decision": "reject", "answers": _answers(REJ_07="与已建的协同办公系统功能重复"), "comment": ""}

    response = api_for(cast.bdb).post(
        f"/api/v1/projects/{project.pk}/actions/review_needs/", body, format="json"
    )

    assert response.status_code == 200, response.content
    notices = list(selectors.notice_documents(project))
    assert [d.kind for d in notices] == [IssuedDocument.Kind.NON_ACCEPTANCE_NOTICE]
    notice = notices[0]
    assert notice.issuer.code == "bdb" and notice.number.endswith("号")
    assert {d["number"] for d in response.json()["project"]["documents"]} == {notice.number}
    text = _text(notice)
    assert "不予受理告知书" in text and notice.number in text
    assert "与已建的协同办公系统功能重复" in text
    assert "REJ-07 · 衢政办发〔2020〕8号 二(二)不予受理情形第7项" in text
    assert "REJ-08" not in text  # only what was found, not every rule asked
    told = Notice.objects.get(recipient=cast.owner, project=project, action="review_needs")
    assert notice.number in told.text and told.kind == Notice.Kind.REJECTED


def test_the_pre_screen_rejection_at_submission_issues_the_notice_too_DOC_01(cast, media_root, client):
    """DOC-01: the automatic rejection at submission (REJ-03) issues the 不予受理告知书 with the rule's
    finding and clause; it is a document like the others, as DOCX and PDF."""
    project = draft(cast.owner, facts={"new_server_room": True})

    response = api_for(cast.owner).post(f"/api/v1/projects/{project.pk}/actions/submit/", {}, format="json")

    assert response.status_code == 200 and response.json()["project"]["stage"] == Stage.REJECTED
    notice = selectors.notice_documents(project).get()
    text = _text(notice)
    assert "REJ-03 · 衢政办发〔2020〕8号" in text and "机房" in text
    client.force_login(cast.owner)
    pdf = client.get(f"/documents/{notice.pk}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    words = subprocess.run(["pdftotext", str(pdf_path(notice)), "-"], capture_output=True, check=True)
    assert "不予受理告知书" in "".join(words.stdout.decode().split())


def test_a_return_issues_a_return_notice_with_bdbs_reasons_DOC_01(cast):
    """DOC-01: a return issues a 退回修改通知 carrying bdb's reasons; the owner's notice names it."""
    project = draft(cast.owner)
    lifecycle.submit(project.pk, actor=cast.owner)
    body = {"decision": "return", "answers": _answers(), "comment": "请补充与省级平台的数据共享方案"}

    response = api_for(cast.bdb).post(
        f"/api/v1/projects/{project.pk}/actions/review_needs/", body, format="json"
    )

    assert response.status_code == 200
    notice = selectors.notice_documents(project).get()
    assert notice.kind == IssuedDocument.Kind.RETURN_NOTICE
    assert "请补充与省级平台的数据共享方案" in _text(notice)
    told = Notice.objects.get(recipient=cast.owner, project=project, action="review_needs")
    assert notice.number in told.text and "退回修改通知" in told.text


def test_an_owner_starts_a_new_need_from_a_rejected_one_facts_copied_not_the_decision_DOC_01_PERF_01(cast):
    """DOC-01: 以此为基础新建需求 — a new draft with the facts copied, linked to the old need; no finding,
    decision or document comes along. Only a rejected need of one's own unit can be copied."""
    project = draft(cast.owner, facts={"new_server_room": True})
    lifecycle.submit(project.pk, actor=cast.owner)
    owner = api_for(cast.owner)

    response = owner.post(f"/api/v1/projects/{project.pk}/copy/", {}, format="json")

    assert response.status_code == 201, response.content
    copy = Project.objects.get(pk=response.json()["id"])
    assert copy.copied_from_id == project.pk and response.json()["copied_from"] == project.pk
    assert copy.stage == Stage.DRAFT and copy.facts["new_server_room"] is True
    assert copy.name == project.name and copy.requested_estimate == project.requested_estimate
    # PERF-01: the performance targets come along, as facts of the need
    assert (
        [(t.indicator, t.target_value) for t in copy.performance_targets.all()]
        == [(t.indicator, t.target_value) for t in project.performance_targets.all()]
        != []
    )
    assert not copy.findings.exists() and not copy.decisions.exists() and not copy.documents.exists()
    # corrected, it is submitted again
    lifecycle.update_draft(copy.pk, actor=cast.owner, facts={"new_server_room": False})
    attach_via_api(cast.owner, copy.pk, "submit")  # MAT-01: the corrected 需求申报书, uploaded anew
    assert lifecycle.submit(copy.pk, actor=cast.owner).stage == Stage.SUBMITTED

    refused = owner.post(f"/api/v1/projects/{copy.pk}/copy/", {}, format="json")
    assert refused.status_code == 400 and refused.json()["error"]["rule"] == "DOC-01"
    stranger = api_for(UserFactory(role="owner"))
    assert stranger.post(f"/api/v1/projects/{project.pk}/copy/", {}, format="json").status_code == 404
    assert Project.objects.filter(copied_from=project).count() == 1


# -- COORD-07 -------------------------------------------------------------------------------------------


def test_the_draw_excludes_the_projects_bidders_and_contractors_staff_with_reasons_COORD_07(cast):
    """COORD-07: the procurement records name the bidders (each tender's) and the contractors (each
    contract's supplier); experts employed by either are excluded, each with its reason."""
    project = advance(draft(cast.owner), cast, to="joint_review")
    project.review_tasks.filter(expert__isnull=False).delete()
    project.expert_draws.all().delete()
    tender = Tender.objects.create(
        project=project,
        title="一期",
        ceiling=100_000,
        published_on="2026-01-05",
        bidders=["甲投标公司", "乙承包公司"],
    )
    Contract.objects.create(
        project=project, tender=tender, supplier="乙承包公司", signing_unit=project.owner_unit,
        amount=90_000, signed_on="2026-02-01",
    )  # fmt: skip
    Expert.objects.all().delete()
    employers = ["甲投标公司", "乙承包公司", "某大学一", "某大学二", "某大学三"]
    experts = [
        lifecycle.add_expert(
            actor=cast.smart_office,
            user_id=role_user("expert", "experts").pk,
            name=f"专家{n}",
            specialties=[Specialty.SOFTWARE],
            employer_name=employer,
        )
        for n, employer in enumerate(employers)
    ]

    response = api_for(cast.smart_office).post(
        f"/api/v1/projects/{project.pk}/actions/draw_experts/",
        {"specialties": ["software"], "per_specialty": 3},
        format="json",
    )

    assert response.status_code == 200, response.content
    draw = project.expert_draws.get()
    reasons = {row["expert"]: row["reason"] for row in draw.exclusions}
    assert reasons == {
        experts[0].pk: "受聘于本项目投标人（甲投标公司）",
        experts[1].pk: "受聘于本项目承包商（乙承包公司）",
    }
    assert sorted(draw.drawn["software"]) == sorted(e.pk for e in experts[2:])


def test_a_tender_records_its_bidders_and_refuses_a_blank_one_COORD_07(cast):
    """COORD-07: record_tender takes the bidders; a blank name is refused naming the field."""
    project = advance(draft(cast.owner), cast, to="procurement")
    owner = api_for(cast.owner)
    from govpm.materials import demo_files

    demo_files.attach_for(project.pk, "record_tender", cast.owner)
    body = {"title": "一期", "ceiling": "100000.00", "published_on": clock.today().isoformat()}
    bad = owner.post(
        f"/api/v1/projects/{project.pk}/actions/record_tender/",
        body | {"bidders": ["甲公司", " "]},
        format="json",
    )
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "bidders.1"
    good = owner.post(
        f"/api/v1/projects/{project.pk}/actions/record_tender/",
        body | {"bidders": ["甲公司", "乙公司"]},
        format="json",
    )
    assert good.status_code == 200
    assert project.tenders.get().bidders == ["甲公司", "乙公司"]


# -- COORD-08 -------------------------------------------------------------------------------------------


def test_smart_office_records_the_third_party_estimate_review_COORD_08(cast):
    """COORD-08: smart_office records the firm, amounts, date and report; the reduction is the amount
    submitted less the amount reviewed; others may not record it; bad input is a 400 naming the field."""
    project = advance(draft(cast.owner), cast, to="joint_review")
    url = f"/api/v1/projects/{project.pk}/actions/record_estimate_review/"
    body = {
        "firm": "浙江某工程咨询有限公司",
        "reviewed_amount": "1080000.00",
        "reviewed_on": clock.today().isoformat(),
        "report": "浙咨评〔2026〕15号",
    }
    assert api_for(cast.owner).post(url, body, format="json").status_code == 403
    bad = api_for(cast.smart_office).post(url, body | {"reviewed_amount": "-1"}, format="json")
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "reviewed_amount"
    assert not EstimateReview.objects.exists()

    response = api_for(cast.smart_office).post(url, body, format="json")

    assert response.status_code == 200, response.content
    review = selectors.estimate_reviews(project).get()
    assert review.submitted_amount == project.requested_estimate == Decimal("1200000.00")
    assert review.reviewed_amount == Decimal("1080000.00") and review.reduction == Decimal("120000.00")
    assert review.round == project.review_round and review.recorded_by == cast.smart_office
    event = project.events.get(action="record_estimate_review")
    assert event.payload["reduction"] == "120000.00"


# -- COORD-10 -------------------------------------------------------------------------------------------


def _cofunded(cast) -> tuple[Project, object]:
    """A city project 江山市 co-funds (a share held by 江山市人民政府 by default)."""
    from govpm.accounts.models import Unit

    project = advance(draft(cast.owner), cast, to="approval")
    lifecycle.accept_application(project.pk, actor=cast.ndrc)
    record_code(project, cast)
    lifecycle.issue_design_approval(project.pk, actor=cast.ndrc, approval_text="同意")
    from govpm.materials import demo_files

    demo_files.attach_for(project.pk, "issue_price_review", cast.review_center)
    lifecycle.issue_price_review(project.pk, actor=cast.review_center, review_text="按概算价")
    project.refresh_from_db()
    county = Unit.objects.get(code="jiangshan")
    return project, county


def test_units_holding_a_cost_share_or_signing_a_contract_see_the_project_COORD_10(cast):
    """COORD-10: before funding the county's unit does not see the city project; holding a cost share
    it does (visible_projects, the one rule); a contract's signing unit sees it as well."""
    project, county = _cofunded(cast)
    county_user = UserFactory(role="owner", unit=county)
    other_user = UserFactory(role="owner")
    assert api_for(county_user).get(f"/api/v1/projects/{project.pk}/").status_code == 404
    amount = project.approved_estimate
    shares = [
        {"region_code": project.owner_unit.region_code, "amount": str(amount - Decimal("200000"))},
        {"region_code": "330881", "amount": "200000.00"},
    ]
    response = api_for(cast.finance).post(
        f"/api/v1/projects/{project.pk}/actions/record_funding/",
        {"amount": str(amount), "decided_on": clock.today().isoformat(), "shares": shares},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert CostShare.objects.get(region_code="330881").unit == county
    assert api_for(county_user).get(f"/api/v1/projects/{project.pk}/").status_code == 200
    assert project in selectors.visible_projects(county_user)
    assert project not in selectors.visible_projects(other_user)
    # the county signs its own contract under the one tender (统采分签)
    lifecycle.start_procurement(project.pk, actor=cast.owner)
    from govpm.materials import demo_files

    demo_files.attach_for(project.pk, "record_tender", cast.owner)
    tender = lifecycle.record_tender(
        project.pk, actor=cast.owner, title="统一招标", ceiling=amount, published_on=clock.today()
    )
    demo_files.attach_for(project.pk, "record_contract", cast.owner)
    url = f"/api/v1/projects/{project.pk}/actions/record_contract/"
    body = {
        "tender_id": tender.pk,
        "supplier": "某公司",
        "amount": "100000.00",
        "signed_on": clock.today().isoformat(),
    }
    refused = api_for(cast.owner).post(url, body | {"signing_unit_id": other_user.unit_id}, format="json")
    error = refused.json()["error"]
    assert refused.status_code == 400 and error["rule"] == "COORD-10" and error["field"] == "signing_unit_id"
    assert "COORD-10 · 衢政办发〔2020〕8号" in error["citation"]
    assert not Contract.objects.filter(project=project).exists()
    assert (
        api_for(cast.owner).post(url, body | {"signing_unit_id": county.pk}, format="json").status_code == 200
    )
    contract = Contract.objects.get(project=project)
    assert contract.signing_unit == county


def test_a_share_named_for_a_unit_outside_its_region_is_refused_COORD_10(cast):
    """COORD-10: a share's named unit must lie in the share's region; refused naming the field."""
    project, county = _cofunded(cast)
    amount = project.approved_estimate
    shares = [
        {"region_code": project.owner_unit.region_code, "amount": str(amount - Decimal("1"))},
        {"region_code": "330881", "amount": "1.00", "unit_id": project.owner_unit_id},
    ]
    response = api_for(cast.finance).post(
        f"/api/v1/projects/{project.pk}/actions/record_funding/",
        {"amount": str(amount), "decided_on": clock.today().isoformat(), "shares": shares},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "shares.1.unit_id"
    assert not CostShare.objects.filter(funding__project=project).exists()


# -- PLAN-06 --------------------------------------------------------------------------------------------


def test_bdb_and_bizenv_keep_top_level_designs_and_a_need_names_its_task_PLAN_06(cast):
    """PLAN-06: bdb (and bizenv) record a design with its working group, layers, tasks and plan; an owner
    may not; a need names the task it serves; a design without a 四横 layer is refused naming the field."""
    body = {
        "title": "衢州市城市大脑顶层设计",
        "working_group": "市大数据局、市营商办联合工作小组",
        "layers": ["data_resource", "business_app", "standard"],
        "plan": "2026年完成数据归集，2027年上线应用",
        "tasks": ["公共数据归集", "城市运行一网统管"],
    }
    assert api_for(cast.owner).post("/api/v1/designs/", body, format="json").status_code == 403
    bad = api_for(cast.bdb).post("/api/v1/designs/", body | {"layers": ["standard"]}, format="json")
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "layers"
    bizenv = api_for(cast.reviewers["bizenv"]).post(
        "/api/v1/designs/", body | {"title": "营商环境设计"}, format="json"
    )
    assert bizenv.status_code == 201

    response = api_for(cast.bdb).post("/api/v1/designs/", body, format="json")

    assert response.status_code == 201, response.content
    design = response.json()
    assert [t["title"] for t in design["tasks"]] == body["tasks"]
    assert design["layer_labels"] == ["业务应用", "数据资源", "标准规范"]
    listed = api_for(cast.owner).get("/api/v1/designs/").json()["results"]
    assert {d["title"] for d in listed} == {"衢州市城市大脑顶层设计", "营商环境设计"}
    task_id = design["tasks"][1]["id"]
    created = api_for(cast.owner).post(
        "/api/v1/projects/", {"name": "一网统管", "design_task_id": task_id}, format="json"
    )
    assert created.status_code == 201 and created.json()["design_task"] == task_id
    missing = api_for(cast.owner).post(
        "/api/v1/projects/", {"name": "x", "design_task_id": 99999}, format="json"
    )
    assert missing.status_code == 400 and missing.json()["error"]["field"] == "design_task_id"


def test_a_scheme_must_cover_one_of_the_four_horizontal_layers_PLAN_06(cast):
    """PLAN-06: a scheme covering only 三纵 layers is refused at submission, naming the field; one naming
    a 四横 layer passes."""
    project = advance(draft(cast.owner), cast, to="scheme")
    from govpm.materials import demo_files

    demo_files.attach_for(project.pk, "submit_scheme", cast.owner)
    url = f"/api/v1/projects/{project.pk}/actions/submit_scheme/"
    body = {"requested_estimate": "1200000.00", "modules": ["门户"], "scheme_summary": "合并方案"}
    bad = api_for(cast.owner).post(url, body | {"layers": ["policy", "standard"]}, format="json")
    assert bad.status_code == 400
    assert bad.json()["error"]["rule"] == "PLAN-06" and bad.json()["error"]["field"] == "layers"
    project.refresh_from_db()
    assert project.stage == Stage.SCHEME and project.facts["architecture_layers"] != ["policy", "standard"]
    good = api_for(cast.owner).post(url, body | {"layers": ["app_support", "standard"]}, format="json")
    assert good.status_code == 200
    project.refresh_from_db()
    assert project.facts["architecture_layers"] == ["app_support", "standard"]


# -- PLAN-07 --------------------------------------------------------------------------------------------


def test_smart_office_chooses_the_implementing_unit_and_merged_units_keep_reading_PLAN_07(cast):
    """PLAN-07: merging, smart_office names the implementing unit (one of the needs' owners); the merged
    need is 已合并; every unit involved still reads the combined project, only the implementing one acts."""
    main = advance(draft(cast.owner, name="主需求"), cast, to="pooled")
    other_owner = UserFactory(role="owner")
    other = advance(
        draft(other_owner, name="被合并需求"), dataclasses.replace(cast, owner=other_owner), to="pooled"
    )
    stranger = UserFactory(role="owner")
    url = f"/api/v1/projects/{main.pk}/actions/open_scheme/"
    bad = api_for(cast.smart_office).post(
        url, {"merge_ids": [other.pk], "implementing_unit_id": stranger.unit_id}, format="json"
    )
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "implementing_unit_id"

    response = api_for(cast.smart_office).post(
        url, {"merge_ids": [other.pk], "implementing_unit_id": other_owner.unit_id}, format="json"
    )

    assert response.status_code == 200, response.content
    main.refresh_from_db()
    other.refresh_from_db()
    assert main.owner_unit_id == other_owner.unit_id and main.original_owner_unit_id == cast.owner.unit_id
    assert other.stage == Stage.MERGED and other.get_stage_display() == "已合并" and other.merged_into == main
    for user in [cast.owner, other_owner]:
        assert api_for(user).get(f"/api/v1/projects/{main.pk}/").status_code == 200
    assert api_for(stranger).get(f"/api/v1/projects/{main.pk}/").status_code == 404
    # the previous owner reads, the implementing unit acts
    submit = {"requested_estimate": "1.00", "modules": ["门户"], "scheme_summary": "方案"}
    assert (
        api_for(cast.owner)
        .post(f"/api/v1/projects/{main.pk}/actions/submit_scheme/", submit, format="json")
        .status_code
        == 403
    )


def test_the_joint_review_walk_still_reaches_consultation_with_an_estimate_review_COORD_08(cast):
    """COORD-08: recording the review does not hold up the joint review; the walk goes on."""
    project = advance(draft(cast.owner), cast, to="joint_review")
    lifecycle.record_estimate_review(
        project.pk,
        actor=cast.smart_office,
        firm="某咨询公司",
        reviewed_amount=Decimal("1100000"),
        reviewed_on=clock.today(),
        report="评审报告",
    )
    _joint_review(project, cast, lambda delta: None)
    project.refresh_from_db()
    assert project.stage == Stage.CONSULTATION


def test_the_designs_list_and_page_do_not_grow_a_query_per_design_PLAN_06(
    cast, client, django_assert_max_num_queries
):
    """PLAN-06: the designs list (API and page) reads designs and their tasks in a fixed number of queries."""
    from govpm.projects.lifecycle.designs import create_design

    for n in range(6):
        create_design(
            actor=cast.bdb,
            title=f"设计{n}",
            working_group="工作小组",
            layers=["data_resource"],
            plan="计划",
            tasks=[f"任务{n}-{i}" for i in range(3)],
        )
    api = api_for(cast.owner)
    with django_assert_max_num_queries(4):  # user, designs, tasks, creators
        response = api.get("/api/v1/designs/")
    assert response.status_code == 200 and len(response.json()["results"]) == 6
    client.force_login(cast.bdb)
    with django_assert_max_num_queries(10):  # session, user, unread count, designs, tasks, task choices
        page = client.get("/designs/")
    assert page.status_code == 200 and "任务5-2" in page.content.decode()


def test_the_needs_review_shows_the_design_task_the_need_serves_PLAN_06(cast, client):
    """PLAN-06: bdb's needs review page names the design and the task the need says it serves."""
    from govpm.projects.lifecycle.designs import create_design

    design = create_design(
        actor=cast.bdb,
        title="城市大脑顶层设计",
        working_group="工作小组",
        layers=["business_app"],
        plan="计划",
        tasks=["一网统管"],
    )
    project = draft(cast.owner)
    lifecycle.update_draft(project.pk, actor=cast.owner, design_task_id=design.tasks.get().pk)
    lifecycle.submit(project.pk, actor=cast.owner)
    client.force_login(cast.bdb)
    page = client.get(f"/projects/{project.pk}/needs-review/").content.decode()
    assert "城市大脑顶层设计 · 一网统管" in page
    other = draft(cast.owner, name="未注明任务的需求")
    lifecycle.submit(other.pk, actor=cast.owner)
    assert (
        "申报单位未注明所服务的顶层设计任务"
        in client.get(f"/projects/{other.pk}/needs-review/").content.decode()
    )


def test_the_cost_share_holder_opens_the_project_page_and_sees_who_holds_each_share_COORD_10(cast, client):
    """COORD-10: the county's user opens the city project's page; it names each share's region and unit
    (no region code) and the signing units the form offers are the owner and the holders."""
    from govpm.projects.api.choices import signing_units

    project, county = _cofunded(cast)
    amount = project.approved_estimate
    lifecycle.record_funding(
        project.pk,
        actor=cast.finance,
        amount=amount,
        decided_on=clock.today(),
        shares=[
            {"region_code": project.owner_unit.region_code, "amount": amount - Decimal("1000")},
            {"region_code": "330881", "amount": Decimal("1000")},
        ],
    )
    client.force_login(UserFactory(role="owner", unit=county))
    page = client.get(f"/projects/{project.pk}/")
    assert page.status_code == 200
    shares = page.content.decode().split('id="cost-shares"')[1].split("</dd>")[0]
    assert "江山市" in shares and county.name in shares and "330881" not in shares
    project = selectors.project_detail(cast.owner, project.pk)
    assert [unit_id for unit_id, _ in signing_units(project, cast.owner)] == [
        project.owner_unit_id,
        county.pk,
    ]
