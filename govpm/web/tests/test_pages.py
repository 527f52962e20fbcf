"""The web UI through Django's test client: role rules, forms that call the lifecycle, refusals shown
with their rule, and the query counts of the main pages."""

import datetime as dt
import re
from decimal import Decimal

import pytest

from govpm.accounts.models import Unit
from govpm.core import clock as govpm_clock
from govpm.core.money import format_wan, format_yuan
from govpm.projects import lifecycle
from govpm.projects.models import Event, Funding, Project, Tender
from govpm.projects.scenarios import advance, record_code
from govpm.projects.stages import Stage
from govpm.web.templatetags.web import wan, yuan
from tests.factories import UserFactory, attach, draft, material_files

pytestmark = pytest.mark.django_db


def text(response) -> str:
    """The page's visible text, tags stripped, whitespace collapsed."""
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def need_form(**overrides) -> dict:
    data = {
        "name": "衢州市智慧停车一件事",
        "summary": "全市停车泊位统一接入",
        "requested_estimate": "1,500,000.00",
        "facts.level": "city",
        "facts.category": "1",
        "facts.build_type": "new",
        "facts.classified": "no",
        "facts.province_unified": "no",
        "facts.new_server_room": "no",
        "facts.private_network_unintegrated": "no",
        "facts.terminal_security_outside_egov": "no",
        "facts.video_conference": "no",
        "facts.deploys_on_city_cloud": "yes",
        "facts.architecture_layers": ["business_app", "data_resource"],
        "facts.priority_claims": ["plan_task"],
        "facts.priority_claims.plan_task": "纳入全市数字化规划",
        "performance_targets.indicator": "泊位接入率",  # PERF-01
        "performance_targets.target_value": "80",
        "performance_targets.unit": "%",
        "performance_targets.due_by": "2027-12-31",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


# --- login and role rules -------------------------------------------------------------------------


def test_anonymous_user_is_sent_to_the_chinese_login_page(client):
    response = client.get("/projects/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=/projects/")
    page = client.get("/accounts/login/")
    assert "登录" in text(page) and 'lang="zh-hans"' in page.content.decode()


def test_login_with_password_opens_the_workbench_and_logout_needs_post(client, cast):
    response = client.post("/accounts/login/", {"username": cast.bdb.username, "password": "pw-12345678"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert "工作台" in text(client.get("/"))
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_wrong_password_is_refused_in_chinese(client, cast):
    response = client.post("/accounts/login/", {"username": cast.bdb.username, "password": "wrong"})
    assert response.status_code == 200 and "请输入一个正确的" in text(response)


def test_owner_cannot_open_another_units_draft(cast, login):
    """PLAN-01: a draft belongs to its unit; another unit gets 404, as if it did not exist."""
    other = draft(UserFactory(role="owner"), name="别的单位的草稿")
    client = login(cast.owner)
    assert client.get(f"/projects/{other.pk}/").status_code == 404
    assert client.post(f"/projects/{other.pk}/actions/submit/").status_code == 404
    assert "别的单位的草稿" not in text(client.get("/projects/"))
    assert Project.objects.get(pk=other.pk).stage == Stage.DRAFT


def test_officials_do_not_see_drafts_at_all(cast, login):
    project = draft(cast.owner)
    assert login(cast.smart_office).get(f"/projects/{project.pk}/").status_code == 404


def test_each_page_refuses_roles_its_rule_does_not_name(cast, login):
    project = draft(cast.owner)
    lifecycle.submit(project.pk, actor=cast.owner)
    assert login(cast.owner).get(f"/projects/{project.pk}/needs-review/").status_code == 403
    assert login(cast.bdb).get("/projects/new/").status_code == 403
    observer = UserFactory(role="observer", unit=cast.bdb.unit)
    assert login(observer).post(f"/projects/{project.pk}/actions/review_needs/").status_code == 403


def test_an_action_of_another_role_is_refused_and_changes_nothing(cast, login):
    project = draft(cast.owner)
    lifecycle.submit(project.pk, actor=cast.owner)
    response = login(cast.finance).post(
        f"/projects/{project.pk}/actions/review_needs/", {"decision": "accept"}
    )
    assert response.status_code == 403
    assert Project.objects.get(pk=project.pk).stage == Stage.SUBMITTED


def test_forms_are_csrf_protected(cast):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.owner)
    project = draft(cast.owner)
    assert client.post(f"/projects/{project.pk}/actions/submit/").status_code == 403
    assert Project.objects.get(pk=project.pk).stage == Stage.DRAFT


# --- the need form and action forms ---------------------------------------------------------------


def test_need_form_names_the_missing_field_in_chinese_and_creates_nothing(cast, login):
    """PLAN-01: the need form refuses a blank name beside the name field."""
    response = login(cast.owner).post("/projects/new/", need_form(name=""))
    assert response.status_code == 400
    assert "项目名称：该字段是必填项" in text(response)
    assert 'data-control="name"' in response.content.decode()
    assert not Project.objects.exists()


def test_need_form_refuses_a_malformed_estimate_beside_its_field(cast, login):
    response = login(cast.owner).post("/projects/new/", need_form(requested_estimate="一百万"))
    assert response.status_code == 400 and "申报估算" in text(response)
    assert not Project.objects.exists()


def test_need_created_through_the_form_then_submitted_with_priority_recorded(cast, login):
    """PLAN-01 SCOPE-01 PRI-04: create, then submit; the priority claim is recorded (PRI-06: it ranks the
    need once bdb confirms it)."""
    client = login(cast.owner)
    response = client.post("/projects/new/", need_form())
    project = Project.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/projects/{project.pk}/"
    assert project.requested_estimate == Decimal("1500000.00") and project.priority_score == 0
    assert [claim["code"] for claim in project.facts["priority_claims"]] == ["plan_task"]
    assert project.facts["deploys_on_city_cloud"] is True and project.facts["system_kinds"] == []
    # MAT-01: the 需求申报书 and the claim's 证明材料 chosen in the submit form
    files = material_files(project, "submit")
    assert set(files) == {"material.needs_application", "material.priority_evidence_plan_task"}
    client.post(f"/projects/{project.pk}/actions/submit/", files)
    assert Project.objects.get(pk=project.pk).stage == Stage.SUBMITTED
    assert [e.action for e in Event.objects.filter(project=project)] == ["create", "submit"]


def test_submitting_an_incomplete_need_shows_which_fact_is_missing(cast, login):
    client = login(cast.owner)
    client.post("/projects/new/", need_form(**{"facts.video_conference": None}))
    project = Project.objects.get()
    response = client.post(f"/projects/{project.pk}/actions/submit/", material_files(project, "submit"))
    assert response.status_code == 400 and "是否建设视频会议系统：提交前须填写此项" in text(response)
    assert Project.objects.get(pk=project.pk).stage == Stage.DRAFT


def test_automatic_rule_hit_rejects_with_the_rule_cited(cast, login):
    """REJ-03: a new server room is not accepted; submitting asks to confirm the 不予受理 first, then
    the project page shows the finding, its meaning and its clause at the top."""
    client = login(cast.owner)
    client.post("/projects/new/", need_form(**{"facts.new_server_room": "yes"}))
    project = Project.objects.get()
    refused = client.post(f"/projects/{project.pk}/actions/submit/", material_files(project, "submit"))
    assert refused.status_code == 400 and "请勾选确认：提交后本需求将不予受理" in text(refused)
    assert Project.objects.get(pk=project.pk).stage == Stage.DRAFT
    client.post(
        f"/projects/{project.pk}/actions/submit/", {"_confirm": "yes", **material_files(project, "submit")}
    )
    page = text(client.get(f"/projects/{project.pk}/"))
    assert Project.objects.get(pk=project.pk).stage == Stage.REJECTED
    assert "REJ-03 · 衢政办发〔2020〕8号 二(二)不予受理情形第3项" in page
    assert "需求不予受理" in page and "新建或扩建机房、高能耗数据中心等" in page


def test_edit_page_updates_a_draft_through_the_update_action(cast, login):
    project = draft(cast.owner)
    response = login(cast.owner).post(f"/projects/{project.pk}/edit/", need_form(name="改名后的需求"))
    assert response.status_code == 302
    assert Project.objects.get(pk=project.pk).name == "改名后的需求"
    assert Event.objects.filter(project=project, action="update").count() == 1


def test_needs_review_checklist_needs_an_answer_and_a_reason_for_each_rule(cast, login):
    """REJ-02 REJ-07 REJ-08 REJ-10 PLAN-04: each judgement rule gets yes/no and a reason."""
    project = draft(cast.owner)
    lifecycle.submit(project.pk, actor=cast.owner)
    client = login(cast.bdb)
    page = client.get(f"/projects/{project.pk}/needs-review/")
    for rule in ["REJ-02", "REJ-07", "REJ-08", "REJ-10"]:
        assert f'name="answers.{rule}.hit"' in page.content.decode()
    body = {"decision": "accept", "answers.REJ-02.hit": "no", "answers.REJ-02.reason": "需求明确"}
    response = client.post(f"/projects/{project.pk}/actions/review_needs/", body)
    assert response.status_code == 400
    assert "须对 REJ-07" in text(response) and "REJ-07 · 衢政办发〔2020〕8号 二(二)不予受理情形第7项" in text(
        response
    )
    assert Project.objects.get(pk=project.pk).stage == Stage.SUBMITTED
    for rule in ["REJ-07", "REJ-08", "REJ-10"]:
        body |= {f"answers.{rule}.hit": "no", f"answers.{rule}.reason": "经审核不存在该情形"}
    body["next"] = f"/projects/{project.pk}/needs-review/"
    response = client.post(f"/projects/{project.pk}/actions/review_needs/", body)
    assert response.status_code == 302 and response["Location"] == body["next"]
    assert Project.objects.get(pk=project.pk).stage == Stage.POOLED


def test_tender_ceiling_above_the_estimate_is_refused_with_its_rule_and_changes_nothing(cast, clock, login):
    """IMPL-01: the tender ceiling never exceeds the approved estimate; the message cites the clause."""
    project = advance(draft(cast.owner), cast, to=Stage.PROCUREMENT, shift=clock.shift)
    body = {
        "title": "建设",
        "ceiling": str(project.approved_estimate + 1),
        "published_on": str(project.approved_on),
        **material_files(project, "record_tender"),
    }
    response = login(cast.owner).post(f"/projects/{project.pk}/actions/record_tender/", body)
    assert response.status_code == 400
    page = text(response)
    assert "超过项目概算价" in page and "IMPL-01 · 衢政办发〔2020〕8号 三(三)1" in page
    assert 'data-control="ceiling"' in response.content.decode()
    assert not Tender.objects.exists()


def test_htmx_refusal_returns_only_the_form_with_the_message(cast, clock, login):
    project = advance(draft(cast.owner), cast, to=Stage.PROCUREMENT, shift=clock.shift)
    attach(project, "record_tender", cast.owner)  # MAT-01
    body = {"title": "建设", "ceiling": "", "published_on": str(project.approved_on)}
    response = login(cast.owner).post(
        f"/projects/{project.pk}/actions/record_tender/", body, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and response.content.decode().lstrip().startswith("<form")
    assert "招标最高限价" in text(response) and "必填" in text(response)
    good = {
        "title": "建设",
        "ceiling": str(project.approved_estimate),
        "published_on": str(project.approved_on),
    }
    response = login(cast.owner).post(
        f"/projects/{project.pk}/actions/record_tender/", good, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 204 and response["HX-Redirect"] == f"/projects/{project.pk}/"


def test_irreversible_action_asks_for_confirmation(cast, login):
    project = draft(cast.owner)
    client = login(cast.owner)
    assert 'name="_confirm"' in client.get(f"/projects/{project.pk}/").content.decode()
    response = client.post(f"/projects/{project.pk}/actions/withdraw/", {"reason": "不再需要"})
    assert response.status_code == 400 and "请勾选确认" in text(response)
    assert Project.objects.get(pk=project.pk).stage == Stage.DRAFT
    client.post(f"/projects/{project.pk}/actions/withdraw/", {"reason": "不再需要", "_confirm": "yes"})
    assert Project.objects.get(pk=project.pk).stage == Stage.WITHDRAWN


def test_funding_share_rows_per_region_must_add_up(cast, clock, login):
    """COORD-06: 分级负担 rows per region; a wrong sum is refused beside the shares."""
    project = advance(draft(cast.owner), cast, to=Stage.APPROVAL, shift=clock.shift)
    lifecycle.accept_application(project.pk, actor=cast.ndrc)
    lifecycle.record_project_code(project.pk, actor=cast.owner, project_code="2026-330800-65-01-000011")
    lifecycle.issue_design_approval(project.pk, actor=cast.ndrc, approval_text="同意")
    attach(project, "issue_price_review", cast.review_center)  # MAT-01
    lifecycle.issue_price_review(project.pk, actor=cast.review_center)
    project.refresh_from_db()
    client = login(cast.finance)
    body = {
        "amount": str(project.approved_estimate),
        "decided_on": "2026-03-02",
        "shares.330800": "100000.00",
        "shares.330881": "1.00",
    }
    response = client.post(f"/projects/{project.pk}/actions/record_funding/", body)
    assert response.status_code == 400 and "COORD-06" in text(response) and not Funding.objects.exists()
    body["shares.330881"] = str(project.approved_estimate - Decimal("100000.00"))
    assert client.post(f"/projects/{project.pk}/actions/record_funding/", body).status_code == 302
    assert Project.objects.get(pk=project.pk).stage == Stage.FUNDED


def test_only_the_actions_this_user_may_take_now_are_offered(cast, clock, login):
    project = advance(draft(cast.owner), cast, to=Stage.APPROVAL, shift=clock.shift)
    page = login(cast.ndrc).get(f"/projects/{project.pk}/").content.decode()
    assert 'data-action="accept_application"' in page and 'data-action="issue_design_approval"' not in page
    assert 'data-action="record_funding"' not in page
    lifecycle.accept_application(project.pk, actor=cast.ndrc)
    record_code(project, cast)  # COORD-09: the code before the approval
    page = login(cast.ndrc).get(f"/projects/{project.pk}/").content.decode()
    assert 'data-action="accept_application"' not in page and 'data-action="issue_design_approval"' in page
    assert (
        'data-action="record_tender"'
        not in login(cast.owner).get(f"/projects/{project.pk}/").content.decode()
    )


# --- workbench, pool, project page, registry, dashboard -------------------------------------------


def test_workbench_shows_each_wait_with_deadline_days_left_and_overdue_marker(cast, clock, login):
    """TIME-01: ndrc sees the design approval due in 3 days, then overdue."""
    project = advance(draft(cast.owner), cast, to=Stage.APPROVAL, shift=clock.shift)
    lifecycle.accept_application(project.pk, actor=cast.ndrc)
    page = text(login(cast.ndrc).get("/"))
    assert "出具初步设计批复" in page and "剩余3天" in page and "TIME-01" in page
    clock.shift(dt.timedelta(days=5))
    response = login(cast.ndrc).get("/")
    assert "已逾期2天" in text(response) and 'class="overdue"' in response.content.decode()
    reviewer_page = text(login(cast.review_center).get("/"))
    assert "出具价格评审意见书" in reviewer_page and "无法定时限" in reviewer_page


def test_workbench_lists_review_tasks_for_each_reviewer(cast, clock, login):
    """COORD-02: each joint reviewer and expert sees its own task until it answers."""
    project = advance(draft(cast.owner), cast, to=Stage.JOINT_REVIEW, shift=clock.shift)
    for user in [cast.reviewers["cac"], cast.experts[0], cast.owner]:
        assert "出具评审意见" in text(login(user).get("/")), user.role
    lifecycle.record_opinion(project.pk, actor=cast.reviewers["cac"], opinion="agree", comment="同意")
    assert "出具评审意见" not in text(login(cast.reviewers["cac"]).get("/"))
    assert "已出具意见 1/10" in text(login(cast.smart_office).get("/"))


def _many_projects(cast, clock, count=6):
    projects = [draft(cast.owner, name=f"项目{i}") for i in range(count)]
    for project in projects[: count // 2]:
        advance(project, cast, to=Stage.JOINT_REVIEW, shift=clock.shift)
    advance(projects[-1], cast, to=Stage.IMPLEMENTATION, shift=clock.shift)
    for project in projects[count // 2 : -1]:
        lifecycle.submit(project.pk, actor=cast.owner)
    return projects


def test_workbench_query_count_does_not_grow_with_projects(cast, clock, login, django_assert_max_num_queries):
    _many_projects(cast, clock)
    for user in [cast.owner, cast.smart_office, cast.bdb, cast.experts[0]]:
        client = login(user)
        client.get("/")  # the session's first page
        # ADR 0402: session, user, the review tasks, the projects' stored steps (one statement, however
        # many projects), the header's unread count (NOTE-01), an owner unit's zombie bar (REJ-09), its
        # unit, SUPV-05's overdue payments: before the read model, 20
        with django_assert_max_num_queries(8) as counted:
            assert client.get("/").status_code == 200
        assert not [q for q in counted.captured_queries if "projects_deadline" in q["sql"]], user


def test_pool_filters_search_sort_and_paginate(cast, clock, login, django_assert_max_num_queries):
    """PLAN-01: the demand pool with filters; the priority ranking for 市智慧办."""
    _many_projects(cast, clock)
    client = login(cast.smart_office)
    with django_assert_max_num_queries(7):  # +1: the header's unread count (NOTE-01)
        response = client.get("/projects/?stage=submitted&ordering=name")
    assert response.status_code == 200 and text(response).count("已提交(待需求审核)") >= 2
    assert "项目0" not in text(response)
    assert "项目5" in text(client.get("/projects/?q=项目5"))
    ranking = client.get("/projects/?view=ranking&stage=joint_review")
    assert "排名" in text(ranking)
    for i in range(25):
        draft(cast.owner, name=f"分页{i}")
    assert "第 1 / 2 页" in text(login(cast.owner).get("/projects/"))


def test_pool_refuses_a_bad_filter_in_chinese(cast, login):
    response = login(cast.bdb).get("/projects/?category=9")
    assert response.status_code == 400 and "项目类别：应为1至7的整数" in text(response)


def test_pool_region_and_rule_filters_the_dashboard_links_to(cast, login):
    county_owner = UserFactory(role="owner", unit__region_code="330881")
    mine = draft(county_owner, name="江山需求", facts={"new_server_room": True})
    lifecycle.submit(mine.pk, actor=county_owner)
    client = login(cast.smart_office)
    assert "江山需求" in text(client.get("/projects/?region=330881"))
    assert "江山需求" not in text(client.get("/projects/?region=330802"))
    assert "江山需求" in text(client.get("/projects/?rule=REJ-03"))
    assert "江山需求" not in text(client.get("/projects/?rule=REJ-05"))


def test_project_page_shows_money_totals_modules_documents_and_audit(
    cast, clock, login, django_assert_max_num_queries
):
    """IMPL-01 IMPL-05 SUPV-03: running totals against the estimate and the ceiling, module 初验."""
    project = advance(draft(cast.owner), cast, to=Stage.FINAL_ACCEPTANCE, shift=clock.shift)
    client = login(cast.owner)
    # header unread count (NOTE-01), materials (MAT-01); +2 cost-share holders and merged needs (COORD-10,
    # PLAN-07), +1 exemptions (ORG-04), +4 IMPL-07/IMPL-08/SUPV-05 (finance), +1 targets (PERF-01), +1 the
    # changes of stage for the timeline (its history is longer than the page's latest 20 events)
    with django_assert_max_num_queries(34):
        response = client.get(f"/projects/{project.pk}/")
    page = text(response)
    contract = project.contracts.get()
    assert format_yuan(project.approved_estimate) in page and format_yuan(contract.amount) in page
    paid = project.payments.get().amount
    assert f"累计支付 {format_yuan(paid)}" in page and f"{format_yuan(contract.amount - paid)}" in page
    assert "已通过" in page and "TIME-02" in page
    assert project.documents.first().number in page
    assert page.count("登记支付") >= 1 and "申请终验" in page


def test_project_page_query_count_and_length_do_not_grow_with_rows(
    cast, clock, login, django_assert_max_num_queries
):
    """IMPL-09: a project with a long history (payments, 30 inspections, 3 of them "1+1") shows the latest
    20 events and inspections with their exact counts, the "1+1" ones counted apart, in a fixed number of
    statements; the rest is one link away (the history page)."""
    project = advance(draft(cast.owner), cast, to=Stage.IMPLEMENTATION, shift=clock.shift)
    contract = project.contracts.get()
    for _ in range(5):
        lifecycle.record_payment(
            project.pk,
            actor=cast.owner,
            contract_id=contract.pk,
            amount=Decimal("1000.00"),
            paid_on=contract.signed_on,  # SUPV-05: never before the contract
        )
    for n in range(30):
        joint = {"joint_with": "bdb", "participants": "市营商办督查科；市大数据局项目管理处"} if n < 3 else {}
        lifecycle.record_inspection(
            project.pk,
            actor=cast.reviewers["bizenv"] if joint else cast.bdb,
            inspected_on=govpm_clock.today(),
            result="on_track",
            findings=f"第{n + 1}次督查",
            **joint,
        )
    events = Event.objects.filter(project=project).count()
    client = login(cast.owner)
    # +2 plan and risk (PORT-01, PORT-03), +1 materials (MAT-01), +2 cost-share holders and merged needs
    # (COORD-10, PLAN-07), +1 exemptions (ORG-04), +4 IMPL-07/IMPL-08/SUPV-05 (finance), +1 PERF-01, +1 the
    # changes of stage for the timeline (read apart once the history is longer than the page's 20 events)
    with django_assert_max_num_queries(35):
        response = client.get(f"/projects/{project.pk}/")
    page = response.content.decode()
    trail = page.split('id="audit-trail"')[1].split("</table>")[0]
    assert trail.count("<tr>") == 1 + 20  # the header and the latest 20
    assert f"共 {events} 条，下列最近 20 条" in page and f"查看全部 {events} 条记录" in page
    assert page.count("data-inspection=") == 20 and "督查共 30 次，下列最近 20 次" in page
    assert 'data-joint="3"' in page and 'data-single="27"' in page
    assert "第30次督查" in page and "第10次督查" not in page  # the latest, not the first
    assert text(client.get(f"/projects/{project.pk}/history/")).count("督查") >= 20


def test_project_history_pages_filters_and_hides_what_the_reader_may_not_see(cast, clock, login):
    """Every change's history (the project page shows the latest): newest first, 20 a page, by action and
    by who acted; an error in Chinese naming the field for an action that is none; not found for a project
    the reader may not see."""
    project = advance(draft(cast.owner), cast, to=Stage.IMPLEMENTATION, shift=clock.shift)
    for n in range(25):
        lifecycle.record_inspection(
            project.pk,
            actor=cast.bdb,
            inspected_on=govpm_clock.today(),
            result="on_track",
            findings=f"第{n}次",
        )
    total = Event.objects.filter(project=project).count()
    client = login(cast.smart_office)
    first = client.get(f"/projects/{project.pk}/history/")
    assert first.status_code == 200
    page = text(first)
    assert f"共 {total} 条" in page and "第 1 /" in page
    rows = first.content.decode().split('id="history"')[1].split("</table>")[0]
    assert rows.count("<tr>") == 1 + 20 and rows.index("登记督查") < rows.index(
        "</tr>", rows.index("<tbody>")
    )
    last = client.get(f"/projects/{project.pk}/history/?page=2").content.decode()
    assert "填报需求" in last  # the oldest, creation, on the last page
    only = text(client.get(f"/projects/{project.pk}/history/?action=record_inspection"))
    assert "共 25 条" in only and "提交需求" not in only.split("操作人或单位")[1]
    by = text(client.get(f"/projects/{project.pk}/history/?q={cast.owner.unit.name}"))
    assert "填报需求" in by and "登记督查" not in by.split("操作人或单位")[1]
    bad = client.get(f"/projects/{project.pk}/history/?action=drop_table")
    assert bad.status_code == 400 and "操作：不识别的操作" in text(bad)
    assert "record_inspection" not in text(first)  # labels, never codes
    stranger = UserFactory(role="owner")  # another unit's account
    assert login(stranger).get(f"/projects/{project.pk}/history/").status_code == 404


def test_joint_review_page_shows_opinions_side_by_side_and_who_is_missing(cast, clock, login):
    """COORD-02: all opinions, and the reviewers still missing."""
    project = advance(draft(cast.owner), cast, to=Stage.JOINT_REVIEW, shift=clock.shift)
    lifecycle.record_opinion(
        project.pk, actor=cast.reviewers["cac"], opinion="conditional", comment="须加强安全"
    )
    response = login(cast.smart_office).get(f"/projects/{project.pk}/joint-review/")
    page = text(response)
    assert "有条件同意" in page and "须加强安全" in page and "1 / 10" in page
    missing = re.search(r'<ul id="missing-reviewers">(.*?)</ul>', response.content.decode(), re.S).group(1)
    assert missing.count("<li>") == 9
    assert cast.reviewers["ndrc"].unit.name in missing and cast.reviewers["cac"].unit.name not in missing


def test_zombie_registry_lists_barred_units_with_the_date_the_bar_ends(cast, clock, login):
    """REJ-09 TIME-04: a listed unit is barred for 2 years; the registry shows the end date."""
    project = advance(draft(cast.owner), cast, to=Stage.OPERATION, shift=clock.shift)
    listing = lifecycle.list_zombie(project.pk, actor=cast.bdb, reason="两年无人使用")
    page = text(login(cast.smart_office).get("/zombies/"))
    end = listing.bar_ends_on
    assert (
        cast.owner.unit.name in page
        and f"{end.year}年{end.month}月{end.day}日" in page
        and "两年无人使用" in page
    )
    assert "暂无列入" in text(login(cast.smart_office).get("/zombies/?q=不存在的系统"))


def test_dashboard_embeds_chart_data_each_linking_to_its_list(cast, clock, login):
    _many_projects(cast, clock)
    response = login(cast.smart_office).get("/dashboard/")
    page = response.content.decode()
    assert "echarts.min.js" in page and 'data-chart="pipeline"' in page
    assert "/projects/?stage=submitted" in page and "/projects/?layer=business_app" in page
    assert "/projects/?region=330800" in page


def test_money_is_shown_as_officials_write_it():
    assert yuan(Decimal("1234567")) == "¥1,234,567.00" == format_yuan(Decimal("1234567.00"))
    assert wan(Decimal("1234567")) == "123.46万元" == format_wan(Decimal("1234567"))
    assert yuan(None) == "—"


def test_unit_filter_lists_only_units_that_own_projects(cast, login):
    draft(cast.owner)
    page = login(cast.owner).get("/projects/").content.decode()
    assert cast.owner.unit.name in page and Unit.objects.get(code="ndrc").name not in page


def test_joint_review_page_reminds_missing_reviewers_and_lists_the_reminders_COORD_02(cast, clock, login):
    """COORD-02: 并联审核 — smart_office reminds who is still missing; the page shows each reminder."""
    project = advance(draft(cast.owner), cast, to="joint_review", shift=clock.shift)
    client = login(cast.smart_office)
    page = client.get(f"/projects/{project.pk}/joint-review/").content.decode()
    assert "催办评审意见" in page

    client.post(f"/projects/{project.pk}/actions/remind_reviewers/", {"message": "请于周五前出具意见"})

    page = client.get(f"/projects/{project.pk}/joint-review/").content.decode()
    assert page.count("请于周五前出具意见") == 10
    assert "市委网信办" in page or "网络安全和信息化" in page
