"""Counting days for deadlines: calendar days, or working days from the holiday calendar.

The policy's "3天内" (TIME-01) does not say which; GOVPM_DAY_COUNTING picks, and every deadline
stores the reading it was computed with so the UI can show it."""

import datetime as dt

from django.conf import settings

from .models import Holiday

CALENDAR = "calendar"
WORKING = "working"
READINGS = {CALENDAR: "自然日", WORKING: "工作日"}


def day_counting() -> str:
    return settings.GOVPM_DAY_COUNTING if settings.GOVPM_DAY_COUNTING in READINGS else CALENDAR


def add_days(start: dt.date, days: int, *, counting: str | None = None) -> dt.date:
    counting = counting or day_counting()
    if counting == CALENDAR:
        return start + dt.timedelta(days=days)
    # One query for the window; a generous window covers the longest holiday run (春节 + weekends).
    window_end = start + dt.timedelta(days=days * 3 + 20)
    exceptions = dict(
        Holiday.objects.filter(date__gt=start, date__lte=window_end).values_list("date", "is_workday")
    )
    day, left = start, days
    while left > 0:
        day += dt.timedelta(days=1)
        working = exceptions.get(day, day.weekday() < 5)
        if working:
            left -= 1
    return day
