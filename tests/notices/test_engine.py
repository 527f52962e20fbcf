"""The job engine itself (NOTE-02, NOTE-03): real Celery worker processes against the real Redis
broker of this machine and the PostgreSQL test database; no mocked queue.

Marked postgres and redis: `make test` runs them in its PostgreSQL pass (Redis at 127.0.0.1:6379)."""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection, transaction

from config.celery import app as celery_app
from govpm.core import clock, product
from govpm.notices.models import ChannelAccount, Delivery, Notice
from govpm.projects import lifecycle
from govpm.projects.models import Deadline
from govpm.projects.scenarios import advance
from tests.factories import draft, make_cast

from .loopback import SMTPServer

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
BROKER = os.environ.get("GOVPM_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def engine(settings, tmp_path):
    """A queue of its own on the real broker; this process enqueues to it instead of running inline."""
    queue = f"govpm-test-{uuid.uuid4().hex[:8]}"
    saved = {key: celery_app.conf[key] for key in ["broker_url", "task_always_eager", "task_default_queue"]}
    celery_app.conf.update(broker_url=BROKER, task_always_eager=False, task_default_queue=queue)
    forget_connections()
    settings.CELERY_BROKER_URL, settings.CELERY_TASK_ALWAYS_EAGER = BROKER, False
    settings.NOTICES_EMAIL_ENABLED = True  # as in the workers' environment below
    workers: list[subprocess.Popen] = []

    def start(name: str, smtp_port: int) -> None:
        db = connection.settings_dict
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "CELERY_BROKER_URL": BROKER,
            "GOVPM_CELERY_QUEUE": queue,
            "GOVPM_NOTICE_EMAIL": "1",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
        }
        workers.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "config",
                    "worker",
                    "--pool=solo",
                    "-Q",
                    queue,
                    "-n",
                    f"{name}-{queue}@%h",
                    "--without-gossip",
                    "--without-mingle",
                    "-l",
                    "warning",
                ],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=(tmp_path / f"{name}.log").open("w"),  # the worker's log, for a failing run
            )
        )

    yield start
    for worker in workers:
        worker.send_signal(signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
    celery_app.conf.update(saved)
    forget_connections()
    connection.close()


def forget_connections() -> None:
    """Inline runs earlier in the session opened the app's producer pool on the default broker URL
    (Celery acquires a producer even for eager tasks); drop it so the next send uses the URL set now."""
    celery_app.close()
    celery_app.amqp._producer_pool = None


def wait_for(predicate, seconds: float = 60) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.2)
    return predicate()


def test_a_real_worker_takes_the_delivery_from_redis_and_mails_it_NOTE_03(engine):
    cast = make_cast()
    ChannelAccount.objects.create(user=cast.bdb, email="bdb@example.gov.cn", want_email=True)
    with SMTPServer() as smtp:
        engine("w1", smtp.port)
        project = draft(cast.owner, name="基层治理四平台")
        with transaction.atomic():
            lifecycle.submit(project.pk, actor=cast.owner)

        assert wait_for(lambda: len(smtp.mailbox.messages) >= 1)
        time.sleep(1)  # nothing more arrives

    assert len(smtp.mailbox.messages) == 1
    assert smtp.mailbox.messages[0]["Subject"].strip() == f"【{product.NAME}·待办】基层治理四平台"
    delivery = Delivery.objects.get()
    assert delivery.status == "sent" and delivery.attempts == 1


def test_two_workers_and_a_rerun_send_each_reminder_once_NOTE_02(engine):
    """NOTE-02: exactly once — four deadline passes on two worker processes, the same day."""
    cast = make_cast()
    for user in [cast.ndrc, cast.smart_office]:
        ChannelAccount.objects.create(user=user, email=f"{user.username}@example.gov.cn", want_email=True)
    soon = advance(draft(cast.owner, name="城市大脑"), cast, to="approval")
    late = advance(draft(cast.owner, name="智慧停车"), cast, to="approval")
    for project in [soon, late]:
        lifecycle.accept_application(project.pk, actor=cast.ndrc)
    today = clock.today()
    # Test data: one clock falls due tomorrow, one fell due yesterday (the passes use the real date).
    Deadline.objects.filter(project=soon).update(
        due_on=today + dt.timedelta(days=1), overdue_after=today + dt.timedelta(days=1)
    )
    Deadline.objects.filter(project=late).update(
        due_on=today - dt.timedelta(days=1), overdue_after=today - dt.timedelta(days=1)
    )
    Notice.objects.all().delete()

    with SMTPServer() as smtp:
        engine("w1", smtp.port)
        engine("w2", smtp.port)
        for _ in range(4):
            celery_app.send_task("periodic.deadline_pass")

        expected = {
            (cast.ndrc.pk, "reminder", soon.pk),
            (cast.ndrc.pk, "escalation", late.pk),
            (cast.smart_office.pk, "escalation", late.pk),
        }
        assert wait_for(lambda: Delivery.objects.filter(status="sent").count() >= 3)
        time.sleep(3)  # the remaining passes finish; they must add nothing

    told = sorted(Notice.objects.values_list("recipient_id", "kind", "project_id"))
    assert sorted(expected) == told
    assert Delivery.objects.filter(status="sent").count() == 3 == Delivery.objects.count()
    assert len(smtp.mailbox.messages) == 3
    assert Deadline.objects.get(project=late).status == "overdue"
