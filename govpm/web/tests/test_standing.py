"""Where a need stands, said at the top: a rejection that looks like one (with each finding's meaning),
the latest return reason, the unit's bar, what blocks the next action; and every field error beside
its control, marked, with the summary linking to it. Django's test client; the browser tests are
test_browser_standing.py."""

import datetime as dt
import re

import pytest

from govpm.accounts.models import User
from govpm.projects import lifecycle
from govpm.projects.models import Project, ZombieListing
from govpm.projects.scenarios import advance
from govpm.projects.stages import Stage
from govpm.web.standing import next_steps, standing
from tests.factories import UserFactory, attach, attach_all, draft, material_files

from .test_pages import need_form, text

pytestmark = pytest.mark.django_db

REJ_03_TEXT = "新建或扩建机房、高能耗数据中心等"
REJ_03_CITE = "REJ-03 · 衢政办发〔2020〕8号 二(二)不予受理情形第3项"
REVIEW_OK = {
    f"answers.{r}.{k}": v
    for r in ["REJ-02", "REJ-07", "REJ-08", "REJ-10"]
    for k, v in [("hit", "no"), ("reason", "经审核不存在该情形")]
}


def _top(response) -> str:
    """The text of the standing section (web/_standing.html), or "" when the page has none."""
    body = response.content.decode()
    match = re.search(r'<section class="standing".*?</section>', body, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(0))) if match else ""


def _bar(unit, ends=dt.date(2028, 11, 29)) -> ZombieListing:
    return ZombieListing.objects.create(
        unit=unit,
        system_name="旧版办公系统",
        listed_on=dt.date(2026, 11, 30),
        bar_ends_on=ends,
        reason="长期无人使用",
    )


def test_precheck_hits_are_a_warning_with_each_rules_meaning_REJ_03(cast, login):
    """REJ-03: precheck with a hit says it in a warning, with the rule's meaning and clause, not a green
    pass; the top of the draft's page says submitting now will be 不予受理."""
    client = login(cast.owner)
    client.post("/projects/new/", need_form(**{"facts.new_server_room": "yes"}), follow=True)
    project = Project.objects.get()
    response = client.post(f"/projects/{project.pk}/actions/precheck/", follow=True)
    body = response.content.decode()
    warning = re.search(r'<li class="warning">(.*?)</li>', body, flags=re.S)
    assert warning and "现在提交将被不予受理" in warning.group(1) and REJ_03_TEXT in warning.group(1)
    assert '<li class="success">' not in body
    top = _top(response)
    assert "按现有申报事实提交，本需求将被不予受理" in top and REJ_03_TEXT in top and REJ_03_CITE in top


def test_clean_precheck_says_who_acts_next(cast, login):
    project = draft(cast.owner)
    response = login(cast.owner).post(f"/projects/{project.pk}/actions/precheck/", follow=True)
    assert '<li class="success">' in response.content.decode()
    assert "可以提交需求；提交后由市大数据局审核" in text(response)
    assert _top(response) == ""


def test_submitting_with_hits_asks_to_confirm_the_rejection_and_then_says_so_REJ_03(cast, login):
    """REJ-03: the submit form lists the findings and asks to confirm the 不予受理; afterwards the page
    says plainly it was rejected, why, and what the owner can do next."""
    client = login(cast.owner)
    client.post("/projects/new/", need_form(**{"facts.new_server_room": "yes"}))
    project = Project.objects.get()
    form = client.get(f"/projects/{project.pk}/").content.decode()
    submit = _form(form, "submit")
    assert "提交后本需求将不予受理" in submit and REJ_03_TEXT in submit and 'name="_confirm"' in submit
    assert 'class="danger"' in submit
    refused = client.post(f"/projects/{project.pk}/actions/submit/", material_files(project, "submit"))
    assert refused.status_code == 400 and Project.objects.get(pk=project.pk).stage == Stage.DRAFT
    assert 'aria-invalid="true"' in _control(refused.content.decode(), "_confirm")
    done = client.post(
        f"/projects/{project.pk}/actions/submit/",
        {"_confirm": "yes", **material_files(project, "submit")},  # MAT-01: the 需求申报书 with the form
        follow=True,
    )
    assert Project.objects.get(pk=project.pk).stage == Stage.REJECTED
    body = done.content.decode()
    assert "已完成「提交需求」" not in body and '<li class="success">' not in body
    assert re.search(r'<li class="error">[^<]*已作不予受理处理', body)
    top = _top(done)
    assert "需求不予受理" in top and REJ_03_TEXT in top and REJ_03_CITE in top
    assert "另行填报新的需求" in top and 'href="/projects/new/"' in body
    assert "向市大数据局说明情况" in top


def test_clean_submission_names_the_next_step_and_who_takes_it(cast, login):
    project = draft(cast.owner)
    page = login(cast.owner).get(f"/projects/{project.pk}/").content.decode()
    assert 'name="_confirm"' not in _form(page, "submit")
    response = login(cast.owner).post(f"/projects/{project.pk}/actions/submit/", follow=True)
    assert "需求已提交，等待市大数据局需求审核" in text(response)


def test_return_reason_is_at_the_top_of_the_page_and_the_edit_form_PLAN_04(cast, login):
    """PLAN-04: bdb's return reason stands at the top of the project page and of the edit form."""
    project = draft(cast.owner)
    lifecycle.submit(project.pk, actor=cast.owner)
    body = REVIEW_OK | {"decision": "return", "comment": "请补充绩效目标的量化指标"}
    assert login(cast.bdb).post(f"/projects/{project.pk}/actions/review_needs/", body).status_code == 302
    client = login(cast.owner)
    for path in [f"/projects/{project.pk}/", f"/projects/{project.pk}/edit/"]:
        top = _top(client.get(path))
        assert "需求已被退回修改" in top and "退回意见：请补充绩效目标的量化指标" in top, path
        assert "按退回意见修改需求" in top
    assert "return" not in _top(client.get(f"/projects/{project.pk}/"))


def test_barred_unit_sees_its_bar_on_workbench_new_need_page_and_draft_REJ_09(cast, clock, login):
    """REJ-09 TIME-04: a barred unit sees the bar, its end date and its clause before it submits."""
    _bar(cast.owner.unit)
    project = draft(cast.owner)
    client = login(cast.owner)
    for path in ["/", "/projects/new/", f"/projects/{project.pk}/", f"/projects/{project.pk}/edit/"]:
        top = _top(client.get(path))
        assert "本单位在2028年11月29日前不得申报数字化项目需求" in top, path
        assert "REJ-09 · 衢政办发〔2020〕8号 二(二)不予受理情形第9项" in top and "旧版办公系统" in top, path
    assert _top(login(cast.bdb).get("/")) == ""  # the bar is the owner unit's, not the reviewers'


def test_an_ended_bar_is_not_shown_REJ_09(cast, clock, login):
    """REJ-09: on the day the bar ends the unit may apply again; nothing is shown."""
    _bar(cast.owner.unit, ends=dt.date(2026, 3, 2))
    assert _top(login(cast.owner).get("/")) == ""


def test_what_blocks_the_next_action_is_at_the_top_COORD_02(cast, clock, login):
    """COORD-02: the precondition that blocks 出具决策咨询意见 is named at the top as on the button."""
    project = advance(draft(cast.owner), cast, to=Stage.JOINT_REVIEW, shift=clock.shift)
    top = _top(login(cast.smart_office).get(f"/projects/{project.pk}/"))
    assert "暂不能办理的事项" in top and "出具决策咨询意见" in top


def test_next_steps_are_one_list_built_in_one_place_DOC_01(cast, login):
    """The list a returned or rejected need offers is next_steps(project, user), nothing else; the
    notice (DOC-01) and the copy form it points to are on the page."""
    project = draft(cast.owner, facts={"new_server_room": True})
    lifecycle.submit(project.pk, actor=cast.owner)
    project = Project.objects.prefetch_related("findings").get(pk=project.pk)
    steps = next_steps(project, cast.owner)
    assert [s.label for s in steps] == [
        "查看不予受理告知书",
        "以此为基础新建需求",
        "另行填报新的需求",
        "对判定有异议的，向市大数据局说明情况",
    ]
    page = login(cast.owner).get(f"/projects/{project.pk}/").content.decode()
    for step in steps[:2]:
        assert step.href.endswith(("#notice-documents", "#copy-need"))
        assert f'id="{step.href.split("#")[1]}"' in page
    assert [s.label for s in next_steps(project, cast.bdb)] == ["豁免并重新受理"]
    items = standing(project, cast.owner)
    assert items[0].kind == "rejected" and items[0].steps == steps
    assert [f.code for f in items[0].findings] == ["REJ-03"]


def test_draft_and_rejected_pages_keep_their_query_count(cast, login, django_assert_max_num_queries):
    """The rejected page reads nothing more (its events are loaded); a draft reads the unit's bar for the
    top and for the submit form's warning (REJ-09), whatever the number of findings or events."""
    _bar(cast.owner.unit)
    project = draft(cast.owner, facts={"new_server_room": True})
    client = login(cast.owner)
    for _ in range(3):
        client.post(f"/projects/{project.pk}/actions/precheck/")
    # 32: +1 the project's exemptions (ORG-04), +4 its finance records (IMPL-07, IMPL-08, SUPV-05), +1 its
    # performance targets (PERF-01); none of them per row
    with django_assert_max_num_queries(32):
        assert client.get(f"/projects/{project.pk}/").status_code == 200
    lifecycle.submit(project.pk, actor=cast.owner)
    # 31: the needs copied from a rejected one (DOC-01), the exemptions (ORG-04), the finance records (4:
    # IMPL-07, IMPL-08, SUPV-05) and the performance targets (PERF-01), each one query.
    with django_assert_max_num_queries(31):
        assert client.get(f"/projects/{project.pk}/").status_code == 200


# --- field errors beside their controls -------------------------------------------------------------


def _plain(html: str) -> str:
    """The text of a fragment, as a reader sees it (rule codes sit inside <abbr> with their meaning)."""
    return re.sub(r"<[^>]+>", "", html)


def _form(body: str, action: str) -> str:
    match = re.search(rf'<form[^>]*data-action="{action}".*?</form>', body, flags=re.S)
    assert match, action
    return match.group(0)


def _control(body: str, name: str) -> str:
    match = re.search(
        rf'<div class="control[^"]*" data-control="{re.escape(name)}">.*?\n</div>', body, flags=re.S
    )
    assert match, name
    return match.group(0)


def test_missing_review_answer_lands_on_its_item_PLAN_04(cast, login):
    """PLAN-04 REJ-02: a review with no answers names the first unanswered item, beside it, marked; the
    summary links to it. No "研判意见：该字段是必填项" pointing nowhere."""
    project = draft(cast.owner)
    lifecycle.submit(project.pk, actor=cast.owner)
    response = login(cast.bdb).post(
        f"/projects/{project.pk}/actions/review_needs/",
        {"decision": "accept", "next": f"/projects/{project.pk}/needs-review/"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "该字段是必填项" not in body
    item = _control(body, "answers.REJ-02")
    assert "须对 REJ-02" in _plain(item) and 'class="error-text"' in item and 'aria-invalid="true"' in item
    assert 'href="#review-needs-answers-REJ-02"' in body and 'id="review-needs-answers-REJ-02"' in body


def test_missing_reason_marks_the_reason_box_of_its_item_REJ_07(cast, login):
    """REJ-07: the reason box of the item, not the whole form, is marked; the summary links to it."""
    project = draft(cast.owner)
    lifecycle.submit(project.pk, actor=cast.owner)
    body = REVIEW_OK | {"decision": "accept", "answers.REJ-07.reason": ""}
    response = login(cast.bdb).post(f"/projects/{project.pk}/actions/review_needs/", body)
    page = response.content.decode()
    item = _control(page, "answers.REJ-07")
    assert "须说明对 REJ-07 的判断理由" in _plain(item)
    assert re.search(r'<textarea id="review-needs-answers-REJ-07-reason"[^>]*aria-invalid="true"', item)
    assert not re.search(r'name="answers.REJ-07.hit"[^>]*aria-invalid', item)
    assert 'href="#review-needs-answers-REJ-07-reason"' in page
    assert 'aria-invalid="true"' not in _control(page, "answers.REJ-02")


def test_need_form_error_lands_beside_its_control_with_a_linked_summary(cast, login):
    response = login(cast.owner).post("/projects/new/", need_form(name=""))
    assert response.status_code == 400
    body = response.content.decode()
    control = _control(body, "name")
    assert "项目名称" in control and 'class="error-text"' in control
    assert re.search(r'<input id="need-name"[^>]*aria-invalid="true"', control)
    assert 'href="#need-name"' in body


def test_action_form_error_summary_links_to_the_control(cast, clock, login):
    """IMPL-01: the tender ceiling's refusal sits beside the ceiling, which is marked and linked."""
    project = advance(draft(cast.owner), cast, to=Stage.PROCUREMENT, shift=clock.shift)
    assert project.approved_estimate is not None
    attach(project, "record_tender", cast.owner)  # MAT-01: the refusal asked about is the ceiling's
    body = {
        "title": "建设",
        "ceiling": str(project.approved_estimate + 1),
        "published_on": str(project.approved_on),
    }
    page = login(cast.owner).post(f"/projects/{project.pk}/actions/record_tender/", body).content.decode()
    control = _control(page, "ceiling")
    assert "超过项目概算价" in control and re.search(
        r'<input id="record-tender-ceiling"[^>]*aria-invalid="true"', control
    )
    assert 'href="#record-tender-ceiling"' in page


def test_a_share_rows_error_marks_that_regions_box_COORD_06(cast, clock, login):
    """COORD-06: an amount refused on one region's row marks that row's box and links to it."""
    project = advance(draft(cast.owner), cast, to=Stage.APPROVAL, shift=clock.shift)
    attach_all(project, cast, "accept_application", "issue_design_approval", "issue_price_review")  # MAT-01
    lifecycle.accept_application(project.pk, actor=cast.ndrc)
    lifecycle.record_project_code(project.pk, actor=cast.owner, project_code="2026-330800-65-01-000011")
    lifecycle.issue_design_approval(project.pk, actor=cast.ndrc, approval_text="同意")
    lifecycle.issue_price_review(project.pk, actor=cast.review_center)
    project.refresh_from_db()
    body = {
        "amount": str(project.approved_estimate),
        "decided_on": "2026-03-02",
        "shares.330800": "100000.00",
        "shares.330881": "很多",
    }
    response = login(cast.finance).post(f"/projects/{project.pk}/actions/record_funding/", body)
    page = response.content.decode()
    assert response.status_code == 400
    shares = _control(page, "shares")
    assert re.search(r'id="record-funding-shares-330881"[^>]*aria-invalid="true"', shares)
    assert not re.search(r'id="record-funding-shares-330800"[^>]*aria-invalid', shares)
    assert 'href="#record-funding-shares-330881"' in page


def test_a_need_rejected_after_its_scope_was_accepted_shows_the_remaining_hits_SCOPE_05(cast, login):
    """SCOPE-05 REJ-03: bdb accepts a county need into scope; the 不予受理 rule it met then rejects it,
    and the top of its page names that rule (the reopen event names none)."""
    county_owner: User = UserFactory(role="owner", unit__region_code="330881")  # type: ignore[assignment]
    project = draft(county_owner, facts={"architecture_layers": ["business_app"], "new_server_room": True})
    top = _top(login(county_owner).get(f"/projects/{project.pk}/"))
    assert "按现有申报事实提交，本需求将因不属于受理范围被退回" in top
    submit_form = _form(login(county_owner).get(f"/projects/{project.pk}/").content.decode(), "submit")
    assert "我已知悉：提交后本需求将不属于受理范围而被退回" in submit_form
    assert lifecycle.submit(project.pk, actor=county_owner).stage == Stage.OUT_OF_SCOPE
    top = _top(login(county_owner).get(f"/projects/{project.pk}/"))
    assert "需求不属于受理范围" in top and "SCOPE-03" in top
    lifecycle.reopen(project.pk, actor=cast.bdb, rules=["SCOPE-03"], reason="共建共享的县级平台")
    assert Project.objects.get(pk=project.pk).stage == Stage.REJECTED
    top = _top(login(county_owner).get(f"/projects/{project.pk}/"))
    assert "需求不予受理" in top and REJ_03_TEXT in top and "SCOPE-03" not in top


def test_the_demos_barred_unit_sees_its_bar_before_it_writes_a_need_REJ_09(client):
    """REJ-09 TIME-04: in the demo, 市教育局 is barred; its contact sees the bar, its end date and the
    clause on the workbench and on the new-need page, and its rejected need says why."""
    from io import StringIO

    from django.core.management import call_command

    call_command("load_demo", stdout=StringIO())
    listing = ZombieListing.objects.get(unit__short_name="市教育局")
    client.force_login(User.objects.get(username="education_owner"))
    end = f"{listing.bar_ends_on.year}年{listing.bar_ends_on.month}月{listing.bar_ends_on.day}日"
    for path in ["/", "/projects/new/"]:
        top = _top(client.get(path))
        assert f"本单位在{end}前不得申报数字化项目需求" in top and "二(二)不予受理情形第9项" in top, path
        assert "智慧校园安全管理平台" in top, path
    rejected = Project.objects.get(name="教育资源公共服务平台")
    top = _top(client.get(f"/projects/{rejected.pk}/"))
    assert "需求不予受理" in top and "经检查列入“僵尸系统”的单位" in top


def test_precheck_of_a_submitted_need_does_not_speak_of_submitting_it_REJ_09(cast, clock, login):
    """REJ-09: a bar listed after submission shows in a later precheck as a finding, not as advice to
    submit a need that is already submitted."""
    project = draft(cast.owner)
    lifecycle.submit(project.pk, actor=cast.owner)
    _bar(cast.owner.unit)
    response = login(cast.owner).post(f"/projects/{project.pk}/actions/precheck/", follow=True)
    warning = re.search(r'<li class="warning">(.*?)</li>', response.content.decode(), flags=re.S)
    assert warning and "预检发现 1 项不予受理情形：经检查列入“僵尸系统”的单位" in warning.group(1)
    assert "现在提交" not in warning.group(1)
