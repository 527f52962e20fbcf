"""The platform's one clock. Every date a rule compares is a date in Asia/Shanghai."""

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    return timezone.now()


def today() -> dt.date:
    return timezone.localdate(timezone.now())


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months, clamping to the month's last day: 2026-11-30 + 3 months = 2027-02-28."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def add_years(day: dt.date, years: int) -> dt.date:
    return add_months(day, 12 * years)


def date_zh(day: dt.date) -> str:
    """2026年3月5日, as 成文日期 are written (no leading zeros)."""
    return f"{day.year}年{day.month}月{day.day}日"
