"""Recording promotion work and reading its cadence against the policy (四)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from govpm.accounts.models import User
from govpm.core import access, audit, parsers
from govpm.core.errors import Conflict, InvalidInput
from govpm.policy.catalog import citation

from .models import CasePresentation, Publicity, Showcase

PERIODS = {
    Publicity.Kind.THEME: 12,
    Publicity.Kind.RELEASE: 4,
    Publicity.Kind.SUMMARY: 2,
    Publicity.Kind.SYNTHESIS: 1,
}
SHOWCASES_PER_YEAR = 2  # PROMO-03, TIME-06


def parse_year(raw: str | None, *, today: dt.date) -> int:
    """A `year` query parameter: this year when absent, a four-digit year from 2020 otherwise."""
    if not raw:
        return today.year
    try:
        return parsers.parse_year(raw, min_year=2020)
    except InvalidInput:
        raise InvalidInput("年度：应为2020年以后的四位年份", field="year") from None


def _period_end(kind: str, year: int, period: int) -> dt.date:
    months_per_period = 12 // PERIODS[kind]
    last_month = period * months_per_period
    next_first = dt.date(year + (last_month == 12), last_month % 12 + 1, 1)
    return next_first - dt.timedelta(days=1)


def _audit(actor: User, action: str, item, fields: tuple[str, ...]) -> None:
    """A promotion record is new when written: its event holds each field's value, from nothing."""
    audit.record(actor=actor, action=action, target=item, changes=audit.diff({}, audit.values(item, fields)))


def record_publicity(
    *, actor: User, kind: str, year: int, period: int, title: str, published_on: dt.date, channel: str = ""
) -> Publicity:
    """市智慧办联合各宣传机构 — one item per period of the cadence (PROMO-01)."""
    access.require(
        actor,
        "promotion.record_publicity",
        "只有市智慧办可以登记主题宣传",
        rule="PROMO-01",
        citation=citation("PROMO-01"),
    )
    if kind not in PERIODS:
        raise InvalidInput("类型：应为 theme、release、summary 或 synthesis", field="kind")
    if not 1 <= period <= PERIODS[kind]:
        raise InvalidInput(f"期次：{Publicity.Kind(kind).label}的期次应为1至{PERIODS[kind]}", field="period")
    if not title.strip():
        raise InvalidInput("标题：不能为空", field="title")
    with transaction.atomic():
        if Publicity.objects.select_for_update().filter(kind=kind, year=year, period=period).exists():
            raise Conflict(f"{year}年第{period}期{Publicity.Kind(kind).label}已登记", code="already_done")
        item = Publicity.objects.create(
            kind=kind,
            year=year,
            period=period,
            title=title.strip(),
            published_on=published_on,
            channel=channel,
            recorded_by=actor,
        )
        _audit(
            actor, "record_publicity", item, ("kind", "year", "period", "title", "published_on", "channel")
        )
        return item


def record_case(
    *, actor: User, title: str, presented_to: str, presented_on: dt.date, project=None
) -> CasePresentation:
    """市大数据局积极与国家、省级有关部门对接 (PROMO-02)."""
    access.require(
        actor,
        "promotion.record_case",
        "只有市大数据局可以登记典型案例推介",
        rule="PROMO-02",
        citation=citation("PROMO-02"),
    )
    if not title.strip() or not presented_to.strip():
        raise InvalidInput(
            "典型案例和推介对象：不能为空", field="title" if not title.strip() else "presented_to"
        )
    with transaction.atomic():
        item = CasePresentation.objects.create(
            title=title.strip(),
            presented_to=presented_to.strip(),
            presented_on=presented_on,
            project=project,
            recorded_by=actor,
        )
        _audit(actor, "record_case", item, ("title", "presented_to", "presented_on", "project_id"))
        return item


def record_showcase(*, actor: User, title: str, held_on: dt.date, audience: str = "") -> Showcase:
    """市智慧办牵头谋划每年2场推介专场 (PROMO-03)."""
    access.require(
        actor,
        "promotion.record_showcase",
        "只有市智慧办可以登记推介专场",
        rule="PROMO-03",
        citation=citation("PROMO-03"),
    )
    if not title.strip():
        raise InvalidInput("推介专场：不能为空", field="title")
    with transaction.atomic():
        item = Showcase.objects.create(
            title=title.strip(), held_on=held_on, audience=audience, recorded_by=actor
        )
        _audit(actor, "record_showcase", item, ("title", "held_on", "audience"))
        return item


@dataclass
class Cadence:
    year: int
    missing: dict[str, list[int]]  # kind → periods already ended with nothing recorded
    showcases: int
    showcases_short: int  # how many of the year's 2 showcases are still missing
    citations: tuple[str, str] = (citation("TIME-05"), citation("TIME-06"))


def cadence(year: int, *, today: dt.date) -> Cadence:
    """Which periods that have ended lack their publicity (TIME-05), and the showcase count (TIME-06)."""
    done = set(Publicity.objects.filter(year=year).values_list("kind", "period"))
    missing = {
        kind: [p for p in range(1, count + 1) if (kind, p) not in done and _period_end(kind, year, p) < today]
        for kind, count in PERIODS.items()
    }
    held = Showcase.objects.filter(held_on__year=year).count()
    return Cadence(
        year=year, missing=missing, showcases=held, showcases_short=max(0, SHOWCASES_PER_YEAR - held)
    )
