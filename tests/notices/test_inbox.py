"""The inbox (NOTE-01): the 消息 page and its filters, mark read, the API, the channel settings, /health/."""

import pytest

from govpm.notices.models import ChannelAccount, Notice
from govpm.projects import lifecycle
from govpm.projects.scenarios import ALL_CLEAR
from tests.factories import api_for, draft

pytestmark = pytest.mark.django_db


def returned(cast, name="城市大脑"):
    project = draft(cast.owner, name=name)
    lifecycle.submit(project.pk, actor=cast.owner)
    lifecycle.review_needs(
        project.pk, actor=cast.bdb, decision="return", answers=ALL_CLEAR, comment="补充目标"
    )
    return project


def test_inbox_page_filters_and_its_query_count_does_not_grow_NOTE_01(
    cast, client, django_assert_max_num_queries
):
    first = returned(cast, "城市大脑")
    returned(cast, "智慧停车")
    client.force_login(cast.owner)
    with django_assert_max_num_queries(9):
        page = client.get("/notices/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "城市大脑" in text and "智慧停车" in text and 'id="unread-count"' in text

    only_first = client.get(f"/notices/?project={first.pk}&kind=returned&unread=1").content.decode()
    assert "「城市大脑」" in only_first and "「智慧停车」" not in only_first
    assert client.get("/notices/?kind=nonsense").status_code == 400
    for _ in range(5):
        returned(cast, "更多项目")
    with django_assert_max_num_queries(9):
        client.get("/notices/")


def test_opening_a_notice_marks_it_read_and_goes_to_the_work_NOTE_01(cast, client):
    project = returned(cast)
    notice = Notice.objects.get(recipient=cast.owner)
    client.force_login(cast.owner)

    response = client.get(f"/notices/{notice.pk}/")

    assert (
        response.status_code == 302
        and response["Location"] == f"/projects/{project.pk}/edit/?notice={notice.pk}"
    )
    notice.refresh_from_db()
    assert notice.read_at is not None
    client.force_login(cast.bdb)
    assert client.get(f"/notices/{notice.pk}/").status_code == 404  # another user's notice


def test_mark_read_is_a_post_and_touches_only_ones_own_NOTE_01(cast, client):
    returned(cast)
    mine = Notice.objects.get(recipient=cast.owner)
    others = Notice.objects.exclude(recipient=cast.owner).first()
    client.force_login(cast.owner)
    assert client.get("/notices/read/").status_code == 405
    client.post("/notices/read/", {"ids": [mine.pk, others.pk]})
    mine.refresh_from_db()
    others.refresh_from_db()
    assert mine.read_at is not None and others.read_at is None


def test_api_lists_filters_and_marks_read_NOTE_01(cast):
    project = returned(cast)
    api = api_for(cast.owner)

    listed = api.get("/api/v1/notices/?unread=true").json()

    assert listed["count"] == 1
    [row] = listed["results"]
    assert row["kind"] == "returned" and row["project"] == project.pk and row["read"] is False
    assert row["link"] == f"/projects/{project.pk}/edit/"
    assert api.get("/api/v1/notices/?kind=bogus").status_code == 400
    marked = api.post("/api/v1/notices/read/", {"ids": [row["id"]]}, format="json").json()
    assert marked == {"marked": 1, "unread": 0}
    assert api_for(cast.bdb).get("/api/v1/notices/").json()["count"] == 1  # bdb's own (submit to-do)


def test_settings_page_saves_the_users_own_channel_choice_NOTE_03(cast, client, settings):
    settings.NOTICES_EMAIL_ENABLED = True
    client.force_login(cast.owner)
    assert "平台未开通此渠道" in client.get("/notices/settings/").content.decode()

    client.post("/notices/settings/", {"email": "on"})

    account = ChannelAccount.objects.get(user=cast.owner)
    assert account.want_email and not account.want_zzd


def test_health_reports_each_check_without_details(client):
    response = client.get("/health/?format=json")
    assert response.status_code == 200
    body = response.json()
    assert set(body.values()) == {"OK"}
    assert any(key.startswith("Database") for key in body) and "Broker()" in body and "LastPass()" in body


def test_health_fails_when_the_broker_is_unreachable(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/health/?format=json")
    assert response.status_code == 500
    assert response.json()["Broker()"] == "Unavailable: broker unreachable"
    assert "127.0.0.1" not in response.content.decode()
