"""The load balancer's health endpoint (/health/, django-health-check): database, storage, broker,
job queue depth and the age of the last deadline pass. Each check reports OK or a short reason, never
a host name, a URL or a count."""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.conf import settings
from django.utils import timezone
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable, ServiceWarning
from health_check.views import HealthCheckView

from .models import PassRun


def record_pass(name: str) -> None:
    PassRun.objects.update_or_create(name=name, defaults={"finished_at": timezone.now()})


def broker_url() -> str:
    return getattr(settings, "CELERY_BROKER_URL", "") or ""


@dataclasses.dataclass
class Broker(HealthCheck):
    """The Redis broker answers and its default queue is not piling up (NOTICES_HEALTH_MAX_QUEUE).
    Inline mode (no broker configured: the demo) has nothing to check."""

    def run(self) -> None:
        url = broker_url()
        if not url.startswith("redis"):
            return
        import redis

        try:
            client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
            depth = client.llen(getattr(settings, "CELERY_TASK_DEFAULT_QUEUE", "celery"))
        except redis.RedisError as error:
            raise ServiceUnavailable("broker unreachable") from error
        if depth > int(getattr(settings, "NOTICES_HEALTH_MAX_QUEUE", 10000)):
            raise ServiceWarning("job queue too deep")


@dataclasses.dataclass
class LastPass(HealthCheck):
    """The deadline pass finished within NOTICES_HEALTH_MAX_PASS_AGE_HOURS: a stopped beat shows here."""

    def run(self) -> None:
        if not broker_url():
            return
        row = PassRun.objects.filter(name="deadline_pass").first()
        limit = dt.timedelta(hours=float(getattr(settings, "NOTICES_HEALTH_MAX_PASS_AGE_HOURS", 26)))
        if row is None or timezone.now() - row.finished_at > limit:
            raise ServiceUnavailable("periodic pass late")


class Health(HealthCheckView):
    checks = (
        "health_check.checks.Database",
        "health_check.checks.Storage",
        Broker,
        LastPass,
    )
