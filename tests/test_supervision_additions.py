"""三(三), 三(四) and 五 as written: "1+1" inspections by bdb and bizenv together (IMPL-09), the mid-term
review expected at half the planned period (SUPV-06), the external acceptance filed by the owner and
recorded by smart_office (IMPL-10), special-case exemptions from ORG-02 (ORG-04), and lapses charged to
the unit that had to act (ORG-05). Through the API, as another system of the city would."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from html import unescape

import pytest
from openpyxl import load_workbook

from govpm.core import clock as govpm_clock
from govpm.documents.tests.validators import problems, validate_ocds
from govpm.notices.models import Notice
from govpm.projects import lifecycle
from govpm.projects.lifecycle import process_deadlines
from govpm.projects.models import Deadline, Event, Exemption, FinalAcceptance, Inspection, Payment, Project
from govpm.projects.scenarios import DICTIONARY, advance
from govpm.promotion import lapses
from govpm.promotion.performance import projects_behind, unit_performance

from .factories import api_for, attach, attach_all, draft

pytestmark = pytest.mark.django_db


def act(user, project, action, body=None):
    return api_for(user).post(f"/api/v1/projects/{project.pk}/actions/{action}/", body or {}, format="json")


def today() -> str:
    return govpm_clock.today().isoformat()


def implementing(cast, clock, name="城市大脑数字驾驶舱"):
    return advance(draft(cast.owner, name=name), cast, to="implementation", shift=clock.shift)


# --- IMPL-09 "1+1" inspections ------------------------------------------------------------------------


def test_a_joint_inspection_names_both_units_and_its_participants_IMPL_09(cast, clock, client):
    project = implementing(cast, clock)
    bizenv = cast.reviewers["bizenv"]

    joint = act(
        bizenv,
        project,
        "record_inspection",
        {
            "inspected_on": today(),
            "result": "issues",
            "findings": "接口联调滞后两周",
            "joint_with": "bdb",
            "participants": "市营商办：督查科；市大数据局：项目管理处",
        },
    )
    single = act(
        cast.bdb,
        project,
        "record_inspection",
        {"inspected_on": today(), "result": "on_track", "findings": "正常"},
    )

    assert joint.status_code == 200, joint.json()
    assert single.status_code == 200, single.json()  # one unit alone: recorded, not refused
    rows = {i.is_joint: i for i in Inspection.objects.filter(project=project)}
    assert rows[True].unit.code == "bizenv" and rows[True].partner_unit.code == "bdb"
    assert "项目管理处" in rows[True].participants
    assert rows[False].partner_unit is None and rows[False].kind_label == "单一单位督查"

    client.force_login(cast.smart_office)
    page = unescape(client.get(f"/projects/{project.pk}/").content.decode())
    assert 'data-joint="1"' in page and 'data-single="1"' in page
    assert "“1+1”联合督查 1 次" in page and "单一单位督查 1 次（不计为“1+1”督查）" in page
    assert 'data-inspection="single"' in page and 'data-inspection="joint"' in page

    stats = api_for(cast.smart_office).get("/api/v1/statistics/", {"by": "unit"}).json()
    assert (stats["totals"]["joint_inspections"], stats["totals"]["single_inspections"]) == (1, 1)


@pytest.mark.parametrize(
    ("who", "body", "field"),
    [
        ("bdb", {"joint_with": "bdb", "participants": "双方人员"}, "joint_with"),  # itself is no partner
        ("bdb", {"joint_with": "bizenv", "participants": ""}, "participants"),  # who took part is named
        ("bdb", {"joint_with": "ndrc", "participants": "双方人员"}, "joint_with"),  # only bdb + bizenv
    ],
)
def test_a_joint_inspection_without_its_partner_or_participants_is_refused_IMPL_09(
    cast, clock, who, body, field
):
    project = implementing(cast, clock)
    before = (Inspection.objects.count(), Event.objects.count())

    response = act(
        getattr(cast, who),
        project,
        "record_inspection",
        {"inspected_on": today(), "result": "on_track", "findings": "正常", **body},
    )

    assert response.status_code == 400
    assert response.json()["error"]["field"] == field
    assert (Inspection.objects.count(), Event.objects.count()) == before


# --- SUPV-06 mid-term review expected --------------------------------------------------------------


def test_past_half_the_planned_period_without_a_review_smart_office_is_told_SUPV_06(cast, clock, client):
    project = implementing(cast, clock)
    start = govpm_clock.today()
    response = act(
        cast.owner,
        project,
        "plan_implementation",
        {"starts_on": start.isoformat(), "ends_on": (start + dt.timedelta(days=200)).isoformat()},
    )
    assert response.status_code == 200, response.json()
    due = Deadline.objects.get(project=project, code="SUPV-06")
    assert due.due_on == start + dt.timedelta(days=100)

    # on the half day itself nothing is flagged yet
    clock.shift(dt.timedelta(days=100))
    process_deadlines()
    due.refresh_from_db()
    assert due.status == Deadline.Status.OPEN
    client.force_login(cast.smart_office)
    assert f"/projects/{project.pk}/#action-record_midterm_review" not in client.get("/").content.decode()

    # the day after: overdue, smart_office told, on its workbench, on the project page
    clock.shift(dt.timedelta(days=1))
    process_deadlines()
    due.refresh_from_db()
    assert due.status == Deadline.Status.OVERDUE
    assert Project.objects.get(pk=project.pk).is_overdue
    told = Notice.objects.filter(recipient=cast.smart_office, project=project, kind=Notice.Kind.ESCALATION)
    assert told.exists() and "中期监管" in told.first().text
    workbench = unescape(client.get("/").content.decode())
    assert f"/projects/{project.pk}/#action-record_midterm_review" in workbench
    assert "计划实施期已过半" in workbench
    assert "实施期已过半，尚未开展中期监管" in unescape(
        client.get(f"/projects/{project.pk}/").content.decode()
    )

    # the review records who took part and closes the clock (late: charged to smart_office, ORG-05)
    missing = act(
        cast.smart_office,
        project,
        "record_midterm_review",
        {"reviewed_on": today(), "conclusion": "基本正常"},
    )
    assert missing.status_code == 400 and missing.json()["error"]["field"] == "participants"
    done = act(
        cast.smart_office,
        project,
        "record_midterm_review",
        {"reviewed_on": today(), "conclusion": "基本正常", "participants": "市智慧办、市发改委、市财政局"},
    )
    assert done.status_code == 200, done.json()
    due.refresh_from_db()
    assert due.status == Deadline.Status.DONE_LATE
    assert project.midterm_reviews.get().participants == "市智慧办、市发改委、市财政局"
    assert f"/projects/{project.pk}/#action-record_midterm_review" not in client.get("/").content.decode()


def test_a_planned_period_that_ends_before_it_starts_is_refused_SUPV_06(cast, clock):
    project = implementing(cast, clock)
    response = act(cast.owner, project, "plan_implementation", {"starts_on": today(), "ends_on": today()})
    assert response.status_code == 400 and response.json()["error"]["field"] == "ends_on"
    assert not Deadline.objects.filter(project=project, code="SUPV-06").exists()


# --- IMPL-10 external acceptance ---------------------------------------------------------------------


def modules_accepted(cast, clock, project):
    clock.shift(dt.timedelta(days=30))
    for module in project.modules.all():
        attach(project, "pass_module_acceptance", cast.owner)  # MAT-01: the 初验报告 uploaded first
        lifecycle.pass_module_acceptance(
            project.pk, actor=cast.owner, module_id=module.pk, accepted_on=govpm_clock.today()
        )
    return govpm_clock.today()


def test_the_owner_files_an_external_acceptance_the_day_after_the_last_module_and_smart_office_records_it_IMPL_10(
    cast, clock, settings, client
):
    from govpm.materials import demo_files

    project = implementing(cast, clock)
    last = modules_accepted(cast, clock, project)
    lifecycle.submit_data_dictionary(project.pk, actor=cast.owner, descriptor=DICTIONARY)
    settings.GOVPM_MATERIALS_REQUIRED = True  # MAT-01: the external acceptance document
    clock.shift(dt.timedelta(days=1))  # the day after the last 初验: no 3-month wait
    body = {"body": "浙江省大数据发展管理局", "accepted_on": today(), "reference": "浙数据验〔2026〕12号"}

    without_document = act(cast.owner, project, "file_external_acceptance", body)
    assert without_document.status_code == 400
    assert (
        without_document.json()["error"]["rule"] == "MAT-01"
        and "外部验收文件" in without_document.json()["error"]["message"]
    )

    demo_files.attach_for(project.pk, "file_external_acceptance", cast.owner)
    filed = act(cast.owner, project, "file_external_acceptance", body)
    assert filed.status_code == 200, filed.json()
    project.refresh_from_db()
    assert project.stage == "final_acceptance"
    application = FinalAcceptance.objects.get(project=project)
    assert application.awaiting_filing and application.decided_on == last + dt.timedelta(days=1)

    # the city does not decide it; smart_office records the 备案
    assert (
        act(cast.smart_office, project, "decide_final_acceptance", {"decision": "pass"}).json()["error"][
            "rule"
        ]
        == "IMPL-10"
    )
    clock.shift(dt.timedelta(days=3))
    recorded = act(cast.smart_office, project, "record_external_filing")
    assert recorded.status_code == 200, recorded.json()
    project.refresh_from_db()
    application.refresh_from_db()
    assert project.stage == "operation"
    assert project.final_accepted_on == last + dt.timedelta(days=1)  # the external body's date counts
    assert application.filed_on == govpm_clock.today()
    time_03 = Deadline.objects.get(project=project, code="TIME-03")
    assert time_03.starts_on == last + dt.timedelta(days=1)

    client.force_login(cast.owner)
    page = unescape(client.get(f"/projects/{project.pk}/").content.decode())
    assert "浙江省大数据发展管理局于" in page and "市智慧办已于" in page


def test_an_external_acceptance_needs_the_data_dictionary_and_every_module_IMPL_10(cast, clock):
    project = implementing(cast, clock)
    body = {"body": "浙江省大数据发展管理局", "accepted_on": today()}
    refused = act(cast.owner, project, "file_external_acceptance", body)
    assert refused.status_code == 400 and refused.json()["error"]["rule"] == "IMPL-06"
    modules_accepted(cast, clock, project)
    refused = act(cast.owner, project, "file_external_acceptance", {**body, "accepted_on": today()})
    assert refused.status_code == 400 and refused.json()["error"]["rule"] == "IMPL-04"
    lifecycle.submit_data_dictionary(project.pk, actor=cast.owner, descriptor=DICTIONARY)
    attach(project, "file_external_acceptance", cast.owner)  # MAT-01 met: the date is what is refused
    before = (govpm_clock.today() - dt.timedelta(days=1)).isoformat()
    early = act(cast.owner, project, "file_external_acceptance", {**body, "accepted_on": before})
    assert early.status_code == 400 and early.json()["error"]["field"] == "accepted_on"
    assert Project.objects.get(pk=project.pk).stage == "implementation"


# --- ORG-04 special cases -----------------------------------------------------------------------------


def test_records_under_a_leading_group_exemption_are_accepted_and_marked_everywhere_ORG_04_ORG_02(
    cast, clock, client
):
    project = advance(draft(cast.owner), cast, to="procurement", shift=clock.shift)
    approved_on = Project.objects.get(pk=project.pk).approved_on
    early = approved_on - dt.timedelta(days=10)
    tender_body = {"title": "应急先行建设", "ceiling": "100000.00", "published_on": early.isoformat()}
    attach_all(project, cast, "record_tender", "record_contract")  # MAT-01 met: ORG-02 is what is refused

    refused = act(cast.owner, project, "record_tender", tender_body)
    assert refused.status_code == 400 and refused.json()["error"]["rule"] == "ORG-02"

    assert (
        act(
            cast.owner,
            project,
            "grant_exemption",
            {
                "rule": "ORG-02",
                "starts_on": early.isoformat(),
                "ends_on": approved_on.isoformat(),
                "reason": "防汛应急",
            },
        ).status_code
        == 403
    )
    grant = {
        "rule": "ORG-02",
        "starts_on": (early - dt.timedelta(days=5)).isoformat(),
        "ends_on": (approved_on - dt.timedelta(days=1)).isoformat(),
        "reason": "防汛应急系统须在汛期前上线",
    }
    granted = act(cast.leading_group, project, "grant_exemption", grant)
    assert granted.status_code == 200, granted.json()
    exemption = Exemption.objects.get(project=project)

    tender = act(cast.owner, project, "record_tender", tender_body)
    assert tender.status_code == 200, tender.json()
    contract = act(
        cast.owner,
        project,
        "record_contract",
        {
            "tender_id": tender.json()["result"]["id"],
            "supplier": "浙江某科技有限公司",
            "amount": "90000.00",
            "signed_on": early.isoformat(),
        },
    )
    assert contract.status_code == 200, contract.json()
    assert project.tenders.get(title="应急先行建设").exemption == exemption
    # a date outside the exemption is still refused
    outside = act(
        cast.owner,
        project,
        "record_tender",
        {**tender_body, "published_on": (early - dt.timedelta(days=6)).isoformat()},
    )
    assert outside.status_code == 400 and outside.json()["error"]["rule"] == "ORG-02"

    lifecycle.start_implementation(project.pk, actor=cast.owner)
    attach(project, "record_payment", cast.owner)
    paid = act(
        cast.owner,
        project,
        "record_payment",
        {"contract_id": contract.json()["result"]["id"], "amount": "10000.00", "paid_on": early.isoformat()},
    )
    assert paid.status_code == 200, paid.json()
    assert Payment.objects.get(pk=paid.json()["result"]["id"]).exemption == exemption

    # marked on the page
    client.force_login(cast.owner)
    page = unescape(client.get(f"/projects/{project.pk}/").content.decode())
    assert page.count("data-exempt>") == 3 and "防汛应急系统须在汛期前上线" in page

    # in the XLSX workbook
    book = load_workbook(io.BytesIO(client.get(f"/documents/projects/{project.pk}/workbook.xlsx").content))
    for sheet in ("招标", "合同", "支付"):
        rows = list(book[sheet].iter_rows(values_only=True))
        column = rows[0].index("特殊情况豁免")
        assert sum(1 for row in rows[1:] if str(row[column] or "").startswith("是：")) == 1, sheet
    assert (
        list(book["特殊情况豁免"].iter_rows(min_row=2, values_only=True))[0][3]
        == "防汛应急系统须在汛期前上线"
    )

    # in open data (OCDS)
    package = api_for(cast.owner).get(f"/api/v1/projects/{project.pk}/ocds/").json()
    validated = validate_ocds(package)
    assert validated["validation_errors"] == [] and problems(validated) == {}
    releases = package["releases"]
    tenders = [r["tender"] for r in releases if "tender" in r and r["tender"]["title"] == "应急先行建设"]
    assert tenders and all("特殊情况豁免（ORG-04）" in t["description"] for t in tenders)
    contracts = [c for r in releases for c in r.get("contracts", [])]
    assert any(
        "特殊情况豁免（ORG-04）" in c.get("description", "") and "支付" in c["description"] for c in contracts
    )


def test_an_exemption_needs_a_reason_and_dates_in_order_ORG_04(cast, clock):
    project = advance(draft(cast.owner), cast, to="procurement", shift=clock.shift)
    base = {"rule": "ORG-02", "starts_on": today(), "ends_on": today(), "reason": "应急"}
    for body, field in [
        ({**base, "reason": " "}, "reason"),
        ({**base, "ends_on": (govpm_clock.today() - dt.timedelta(days=1)).isoformat()}, "ends_on"),
        ({**base, "rule": "IMPL-01"}, "rule"),
    ]:
        response = act(cast.leading_group, project, "grant_exemption", body)
        assert response.status_code == 400 and response.json()["error"]["field"] == field, body
    assert not Exemption.objects.exists()


# --- ORG-05 accountability where it belongs --------------------------------------------------------


def test_each_lapse_is_charged_to_the_unit_that_had_to_act_ORG_05(cast, clock, settings, client):
    """TIME-01 late → 市发改委; a late review opinion → the reviewer's unit; TIME-03 late → 市智慧办;
    never the owner for another unit's delay. The drill-down lists the projects behind each number."""
    settings.NOTICES_REVIEW_STALE_DAYS = 5
    year = govpm_clock.today().year
    project = advance(draft(cast.owner), cast, to="scheme", shift=clock.shift)
    attach(project, "submit_scheme", cast.owner)  # MAT-01: the 合并方案文本 and 概算书
    lifecycle.submit_scheme(
        project.pk,
        actor=cast.owner,
        requested_estimate=Decimal("1000000.00"),
        modules=["全部"],
        scheme_summary="合并方案",
    )
    lifecycle.draw_experts(project.pk, actor=cast.smart_office, specialties=["software"], per_specialty=1)
    clock.shift(dt.timedelta(days=14))  # 10 working days later: every opinion is late
    project.refresh_from_db()
    for task in project.review_tasks.filter(opinion=""):
        lifecycle.record_opinion(
            project.pk, actor=cast.reviewer_for(task), opinion="agree", comment="同意", task_id=task.pk
        )
    project = advance(project, cast, to="approval", shift=clock.shift)
    lifecycle.accept_application(project.pk, actor=cast.ndrc)
    clock.shift(dt.timedelta(days=10))  # TIME-01: three days; ten pass
    process_deadlines()

    rows = {row["unit"]: row for row in unit_performance(year)}
    ndrc, owner = cast.ndrc.unit.name, cast.owner.unit.name
    assert rows[ndrc]["overdue"] == 1  # the design approval, still not issued
    assert rows[ndrc]["late"] == 1  # its review opinion
    assert rows[owner]["overdue"] == 0  # nothing of 市发改委's is the owner's
    assert rows[owner]["late"] == 1  # its own review opinion (the owner reviews too)
    assert rows[cast.reviewers["bizenv"].unit.name]["late"] == 1

    behind = projects_behind(year, cast.ndrc.unit_id, "overdue")
    assert [(b.project.pk, "初步设计批复" in b.what) for b in behind] == [(project.pk, True)]

    client.force_login(cast.smart_office)
    page = unescape(client.get(f"/promotion/?year={year}").content.decode())
    link = f"/promotion/units/{cast.ndrc.unit_id}/overdue/?year={year}"
    assert link in page
    detail = unescape(client.get(link).content.decode())
    assert f"/projects/{project.pk}/" in detail and project.name in detail

    # the same through the API
    api = api_for(cast.smart_office).get(
        f"/api/v1/assessment/units/{cast.ndrc.unit_id}/overdue/", {"year": year}
    )
    assert api.status_code == 200
    assert [(p["id"], p["owner_unit"]) for p in api.json()["projects"]] == [(project.pk, owner)]
    bad = api_for(cast.smart_office).get(
        f"/api/v1/assessment/units/{cast.ndrc.unit_id}/nothing/", {"year": year}
    )
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "column"
    assert (
        api_for(cast.owner).get(f"/api/v1/assessment/units/{cast.ndrc.unit_id}/overdue/").status_code == 403
    )

    # every clock names its responsible unit on the project page
    page = unescape(client.get(f"/projects/{project.pk}/").content.decode())
    assert f"data-responsible>{ndrc}</td>" in page


def test_an_overdue_scheduled_payment_is_charged_to_the_paying_unit_ORG_05_SUPV_05(cast, clock):
    """ORG-05 with SUPV-05: a scheduled payment past due and unpaid is a lapse of the unit that pays
    (the contract's signing unit, here the owner), in the year it fell due; paid, it is no lapse."""
    project = implementing(cast, clock)
    contract = project.contracts.order_by("id")[0]
    clock.shift(dt.timedelta(days=10))  # SUPV-05: a milestone falls due after the contract is signed
    due = govpm_clock.today() - dt.timedelta(days=3)
    assert due >= contract.signed_on
    paid = sum((p.amount for p in contract.payments.all()), Decimal(0))
    lifecycle.set_payment_schedule(
        project.pk,
        actor=cast.owner,
        contract_id=contract.pk,
        milestones=[
            *([{"name": "已付款", "amount": paid, "due_on": due}] if paid else []),
            {"name": "进度款", "amount": contract.amount - paid, "due_on": due},
        ],
    )
    found = [lapse for lapse in lapses.lapses(due.year) if lapse.source == "scheduled_payments"]
    assert [(f.unit_id, f.project_id, f.column) for f in found] == [
        (contract.signing_unit_id or project.owner_unit_id, project.pk, lapses.OVERDUE)
    ]
    assert not [lapse for lapse in lapses.lapses(due.year - 1) if lapse.source == "scheduled_payments"]
    assert set(lapses.LAPSE_SOURCES) >= {"deadlines", "review_tasks", "scheduled_payments"}
