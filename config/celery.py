"""The job engine (ADR 0011): Celery with Redis as broker; beat schedules the periodic passes.

    celery -A config worker -l info          # as many as needed, on any machine
    celery -A config beat -l info            # exactly one

Without CELERY_BROKER_URL (demo, most tests) tasks run inline, at the moment they are queued.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("govpm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
