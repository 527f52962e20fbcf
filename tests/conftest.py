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
