import datetime as dt
import zoneinfo

import pytest
import time_machine

from .factories import make_cast

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def cast(db):
    return make_cast()


@pytest.fixture
def clock():
    """Frozen at 09:00 Shanghai on a working day; .shift(timedelta) moves it."""
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI), tick=False) as traveller:
        yield traveller


@pytest.fixture
def wsgi_app():
    """The project's WSGI application, called in-process (httpx's WSGITransport, schemathesis) inside the
    test's transaction: as Django's test client does, requests must not close the test's connection."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
