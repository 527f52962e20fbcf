"""NOTE-01 and NOTE-02: notices written with the change (an outbox), reminders once per occasion."""

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from govpm.notices.models import ChannelAccount, Delivery, Notice
from govpm.projects import lifecycle
from govpm.projects.models import Deadline, ReviewTask
from govpm.projects.scenarios import ALL_CLEAR, advance
from tests.factories import UserFactory, api_for, draft

pytestmark = pytest.mark.django_db


def submitted(cast):
    project = draft(cast.owner)
    lifecycle.submit(project.pk, actor=cast.owner)
    return project


def test_returned_need_tells_the_owner_unit_why_and_links_the_edit_form_NOTE_01(cast):
    """NOTE-01: a return notifies the owner unit's users (not bdb, not other units) with the reason."""
    colleague = UserFactory(role="owner", unit=cast.owner.unit)
    stranger = UserFactory(role="owner")
    project = submitted(cast)

    lifecycle.review_needs(
        project.pk, actor=cast.bdb, decision="return", answers=ALL_CLEAR, comment="请补充绩效目标"
    )

    returned = Notice.objects.filter(project=project, action="review_needs")
    assert {n.recipient_id for n in returned} == {cast.owner.pk, colleague.pk}
    assert stranger.pk not in {n.recipient_id for n in Notice.objects.all()}
    notice = returned.get(recipient=cast.owner)
    assert notice.kind == "returned"
    assert "请补充绩效目标" in notice.text and project.name in notice.text
    assert notice.link == f"/projects/{project.pk}/edit/"


def test_submitting_gives_bdb_a_todo_and_never_notifies_the_actor_NOTE_01(cast):
    project = submitted(cast)
    todo = Notice.objects.get(project=project, action="submit")
    assert todo.recipient == cast.bdb and todo.kind == "todo"
    assert todo.link == f"/projects/{project.pk}/needs-review/"
    assert not Notice.objects.filter(recipient=cast.owner, action="submit").exists()


def test_a_refused_action_writes_no_notice_a_committed_one_writes_exactly_its_own_NOTE_01(cast):
    """NOTE-01: the notice exists if and only if the change committed."""
    project = submitted(cast)
    before = Notice.objects.count()
    blank = {**ALL_CLEAR, "REJ-02": {"hit": False, "reason": " "}}

    refused = api_for(cast.bdb).post(
        f"/api/v1/projects/{project.pk}/actions/review_needs/",
        {"decision": "accept", "answers": blank},
        format="json",
    )

    assert refused.status_code == 400
    assert Notice.objects.count() == before
    accepted = api_for(cast.bdb).post(
        f"/api/v1/projects/{project.pk}/actions/review_needs/",
        {"decision": "accept", "answers": ALL_CLEAR},
        format="json",
    )
    assert accepted.status_code == 200
    written = Notice.objects.filter(action="review_needs")
    assert sorted((n.recipient_id, n.kind) for n in written) == sorted(
        [(cast.owner.pk, "decision"), (cast.smart_office.pk, "todo")]
    )


@override_settings(NOTICES_EMAIL_ENABLED=True, EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
def test_a_rolled_back_change_leaves_no_notice_and_sends_no_mail_NOTE_01_NOTE_03(
    cast, django_capture_on_commit_callbacks
):
    """NOTE-01: deliveries are queued on commit; a rollback after the action sends nothing."""
    ChannelAccount.objects.create(user=cast.bdb, email="bdb@example.gov.cn", want_email=True)
    project = draft(cast.owner)

    with django_capture_on_commit_callbacks(execute=True) as rolled_back:
        with pytest.raises(RuntimeError), transaction.atomic():
            lifecycle.submit(project.pk, actor=cast.owner)
            raise RuntimeError("the surrounding work failed")

    assert rolled_back == [] and mail.outbox == []
    assert Notice.objects.count() == 0 and Delivery.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.submit(project.pk, actor=cast.owner)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["bdb@example.gov.cn"]
    assert Delivery.objects.get().status == "sent"


def test_joint_review_gives_every_reviewer_unit_and_expert_a_todo_NOTE_01(cast, clock):
    """The reviewer units are told when the scheme is submitted; the experts when smart_office draws them
    (COORD-07), since their tasks open with the draw."""
    project = advance(draft(cast.owner), cast, to="joint_review", shift=clock.shift)
    units_told = set(
        Notice.objects.filter(project=project, action="submit_scheme").values_list("recipient_id", flat=True)
    )
    experts_told = set(
        Notice.objects.filter(project=project, action="draw_experts").values_list("recipient_id", flat=True)
    )
    tasks = ReviewTask.objects.filter(project=project)
    units = {cast.reviewer_for(task).pk for task in tasks if task.unit_id}
    experts = {task.expert_id for task in tasks if task.expert_id}
    assert experts and units - {cast.owner.pk} <= units_told
    assert experts == experts_told


def test_accepted_application_tells_ndrc_what_to_do_and_by_when_NOTE_01_TIME_01(cast, clock):
    project = advance(draft(cast.owner), cast, to="approval", shift=clock.shift)
    other_ndrc = UserFactory(role="ndrc", unit=cast.ndrc.unit)
    lifecycle.accept_application(project.pk, actor=cast.ndrc)
    deadline = Deadline.objects.get(project=project, code="TIME-01")
    todo = Notice.objects.get(action="accept_application", recipient=other_ndrc)
    assert todo.kind == "todo" and todo.due_on == deadline.due_on
    assert "初步设计批复" in todo.text and f"{deadline.due_on.month}月{deadline.due_on.day}日" in todo.text


def test_remind_reviewers_sends_an_urge_notice_to_the_missing_ones_NOTE_02(cast, clock):
    """NOTE-02: 催办 sends a notice too, to the reviewers still missing only."""
    project = advance(draft(cast.owner), cast, to="joint_review", shift=clock.shift)
    lifecycle.record_opinion(project.pk, actor=cast.reviewers["cac"], opinion="agree", comment="同意")

    lifecycle.remind_reviewers(project.pk, actor=cast.smart_office, message="请于本周内出具意见")

    urged = Notice.objects.filter(kind="urge")
    assert cast.reviewers["ndrc"].pk in {n.recipient_id for n in urged}
    assert cast.reviewers["cac"].pk not in {n.recipient_id for n in urged}
    assert all("请于本周内出具意见" in n.text for n in urged)


def test_due_soon_then_overdue_escalates_to_smart_office_once_per_occasion_NOTE_02_TIME_01(cast, clock):
    """NOTE-02: one working day before TIME-01 falls due the responsible unit is reminded; overdue it is
    escalated to that unit and smart_office; re-running the pass the same day adds nothing."""
    project = advance(draft(cast.owner), cast, to="approval", shift=clock.shift)
    lifecycle.accept_application(project.pk, actor=cast.ndrc)
    deadline = Deadline.objects.get(project=project, code="TIME-01")
    clock.shift(dt.timedelta(days=(deadline.due_on - deadline.starts_on).days - 1))

    for _ in range(2):
        call_command("process_deadlines", stdout=StringIO())

    soon = Notice.objects.filter(kind="reminder", project=project)
    assert [n.recipient_id for n in soon] == [cast.ndrc.pk]
    clock.shift(dt.timedelta(days=2))
    for _ in range(2):
        call_command("process_deadlines", stdout=StringIO())

    escalated = Notice.objects.filter(kind="escalation", project=project)
    assert sorted(n.recipient_id for n in escalated) == sorted([cast.ndrc.pk, cast.smart_office.pk])
    assert all("逾期" in n.text for n in escalated)


@override_settings(NOTICES_REVIEW_STALE_DAYS=2)
def test_review_tasks_open_too_long_escalate_once_per_round_NOTE_02(cast, clock):
    project = advance(draft(cast.owner), cast, to="joint_review", shift=clock.shift)
    assert lifecycle.remind_stale_reviews() == 0
    clock.shift(dt.timedelta(days=7))

    first = lifecycle.remind_stale_reviews()
    again = lifecycle.remind_stale_reviews()

    assert first > 0 and again == 0
    told = set(
        Notice.objects.filter(kind="escalation", project=project).values_list("recipient_id", flat=True)
    )
    assert {cast.smart_office.pk, cast.reviewers["ndrc"].pk} <= told
