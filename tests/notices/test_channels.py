"""NOTE-03: email through a real SMTP server, DingTalk robot and 浙政钉 against a real HTTP server on
loopback that checks signatures and answers errors and timeouts in turn; retries with exponential
backoff, one final delivery, never twice; given up after the limit and shown in admin."""

import time

import pytest
from django.db import transaction

from govpm.core import product
from govpm.notices import channels
from govpm.notices.models import ChannelAccount, Delivery, Notice
from govpm.notices.tasks import deliver, sweep
from govpm.projects import lifecycle
from tests.factories import draft

from .loopback import HTTPServer, Recorder, SMTPServer

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def fresh_token():
    channels._token.clear()
    yield
    channels._token.clear()


def submit(cast):
    """The owner submits: bdb gets a to-do notice (and its deliveries are queued on commit)."""
    project = draft(cast.owner, name="智慧交通“一张图”")
    with transaction.atomic():
        lifecycle.submit(project.pk, actor=cast.owner)
    return project


def run_until_settled(limit_seconds: float = 20) -> None:
    """What beat does: the sweep re-queues deliveries whose backoff has passed."""
    end = time.monotonic() + limit_seconds
    while time.monotonic() < end:
        sweep()
        if not Delivery.objects.filter(status="pending").exists():
            return
        time.sleep(0.05)


def test_email_reaches_a_real_smtp_server_with_chinese_subject_and_body_NOTE_03(cast, settings):
    with SMTPServer() as smtp:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp.port
        settings.NOTICES_EMAIL_ENABLED = True
        settings.NOTICES_SITE_URL = "https://govpm.example.gov.cn"
        ChannelAccount.objects.create(user=cast.bdb, email="shuju@example.gov.cn", want_email=True)

        project = submit(cast)

        delivery = Delivery.objects.get()
        assert delivery.status == "sent" and delivery.attempts == 1
        [message] = smtp.mailbox.messages
        assert message["To"] == "shuju@example.gov.cn"
        # Encoded words (RFC 2047) on the wire, the exact Chinese text once decoded (Django folds the
        # header after "Subject:", which unfolds to one leading space).
        assert "=?utf-8?b?" in message.as_string()
        assert message["Subject"].strip() == f"【{product.NAME}·待办】智慧交通“一张图”"
        body = message.get_content()
        assert "待审核需求：「智慧交通“一张图”」，请进行需求审核。" in body
        assert f"https://govpm.example.gov.cn/projects/{project.pk}/needs-review/" in body
        assert message["Message-ID"] == f"<{delivery.idempotency_key}@govpm.notices>"


def test_robot_retries_errors_and_timeouts_with_backoff_then_delivers_once_NOTE_03(cast, settings):
    recorder = Recorder(["http500", "timeout", "error"], robot_secret="SEC-robot", stall=1.0)
    with HTTPServer(recorder) as server:
        settings.NOTICES_ROBOT = {
            "webhook": f"{server.url}/robot/send?access_token=abc",
            "secret": "SEC-robot",
        }
        settings.NOTICES_HTTP_TIMEOUT, settings.NOTICES_RETRY_BASE_SECONDS = 0.5, 0.2
        ChannelAccount.objects.create(user=cast.bdb, want_robot=True)

        submit(cast)
        run_until_settled()
        sweep()  # a re-run after the delivery: nothing is sent again
        deliver(Delivery.objects.get().pk)

    delivery = Delivery.objects.get()
    assert delivery.status == "sent" and delivery.attempts == 4
    seen = recorder.requests
    assert [r["answer"] for r in seen] == ["http500", "timeout", "error", "ok"]
    assert all(r["signed"] for r in seen)
    assert seen[-1]["body"]["msgtype"] == "text" and "请进行需求审核" in seen[-1]["body"]["text"]["content"]
    gaps = [later["at"] - earlier["at"] for earlier, later in zip(seen, seen[1:], strict=False)]
    # Backoff 0.2 s, 0.4 s, 0.8 s after the 1st, 2nd, 3rd failure (the timeout adds up to its 0.5 s wait,
    # counted from the client's send, which the server sees a little later).
    assert gaps[0] >= 0.2 and gaps[1] >= 0.4 + 0.25 and gaps[2] >= 0.8
    assert gaps[2] > gaps[0] * 2


def test_zzd_work_notice_is_signed_carries_the_idempotency_key_and_survives_errors_NOTE_03(cast, settings):
    recorder = Recorder(["error", "timeout"], zzd_secret="SEC-zzd", stall=1.0)
    with HTTPServer(recorder) as server:
        settings.NOTICES_ZZD = {
            "endpoint": server.url,
            "app_key": "govpm-key",
            "app_secret": "SEC-zzd",
            "tenant_id": "196729",
        }
        settings.NOTICES_HTTP_TIMEOUT, settings.NOTICES_RETRY_BASE_SECONDS = 0.5, 0.2
        ChannelAccount.objects.create(user=cast.bdb, zzd_account_id="zzd-10086", want_zzd=True)

        submit(cast)
        run_until_settled()

    delivery = Delivery.objects.get()
    assert delivery.status == "sent" and delivery.attempts == 3 and delivery.last_error == ""
    assert [r["answer"] for r in recorder.requests] == ["error", "timeout", "ok"]
    final = recorder.requests[-1]
    assert final["signed"] and final["path"] == "/message/workNotification"
    assert final["body"]["receiverIds"] == "zzd-10086" and final["body"]["tenantId"] == "196729"
    assert final["body"]["access_token"] == "tok-1"
    # The same idempotency key on every attempt: 浙政钉 drops a repeated bizMsgId.
    assert {r["body"]["bizMsgId"] for r in recorder.requests} == {delivery.idempotency_key}


def test_a_bad_signature_is_refused_and_the_delivery_gives_up_after_the_limit_shown_in_admin_NOTE_03(
    cast, settings, admin_client
):
    recorder = Recorder([], robot_secret="SEC-right")
    with HTTPServer(recorder) as server:
        settings.NOTICES_ROBOT = {"webhook": f"{server.url}/robot/send", "secret": "SEC-wrong"}
        settings.NOTICES_RETRY_BASE_SECONDS, settings.NOTICES_MAX_ATTEMPTS = 0.05, 3
        ChannelAccount.objects.create(user=cast.bdb, want_robot=True)

        submit(cast)
        run_until_settled()

    delivery = Delivery.objects.get()
    assert delivery.status == "failed" and delivery.attempts == 3
    assert "310000" in delivery.last_error
    assert [r["signed"] for r in recorder.requests] == [False, False, False]
    page = admin_client.get("/admin/notices/delivery/?status__exact=failed")
    assert page.status_code == 200
    assert "发送失败" in page.content.decode() and "310000" in page.content.decode()


def test_channels_are_off_unless_configured_the_inbox_always_NOTE_03(cast):
    ChannelAccount.objects.create(user=cast.bdb, email="x@example.gov.cn", want_email=True, want_zzd=True)
    submit(cast)
    assert Notice.objects.filter(recipient=cast.bdb).count() == 1
    assert Delivery.objects.count() == 0
