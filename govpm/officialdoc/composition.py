"""The words of an official document as plain data, before any layout.

A `Composition` is a 公文: blocks of text at heading levels 1–4 or body paragraphs, and tables, with
its 版头, 主送 and 版记. A `Report` is the same kind of data for a document that is not issued as a 公文
(a monitoring or assessment report): title, body and date. `render.py` lays either out by GB/T
9704-2012. Nothing here knows projects or targets: those apps compose; this package lays out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class Block:
    level: int  # 0 body paragraph; 1–4 the heading levels 一、（一）1.（1）
    text: str


@dataclass(frozen=True)
class Table:
    """A table in the body: a header row (repeated on every page) and rows of text.
    `widths` are relative column widths (equal if empty); `centered` the columns whose cells are centred."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...] = ()
    centered: frozenset[int] = frozenset()
    caption: str = ""

    def __post_init__(self) -> None:
        columns = len(self.headers)
        if self.widths and len(self.widths) != columns:
            raise ValueError("widths must give one width per column")
        for row in self.rows:
            if len(row) != columns:
                raise ValueError(f"each row needs {columns} cells: {row!r}")


@dataclass
class Composition:
    issuer_mark: str  # 发文机关标志
    number: str  # 发文字号
    title: str
    addressee: str  # 主送机关
    blocks: list[Block | Table] = field(default_factory=list)
    signature: str = ""  # 发文机关署名
    date: str = ""  # 成文日期, 2026年3月5日
    printed_by: str = ""  # 版记: 印发机关
    printed_on: str = ""  # 版记: 印发日期, 2026年3月5日

    @property
    def imprint_line(self) -> str:
        """The 版记's one line as read: 印发机关 on the left, 印发日期 and 印发 on the right."""
        return f"{self.printed_by}{self.printed_on}印发" if self.printed_by else ""


@dataclass
class Report:
    """A document laid out by the same rules but not issued as a 公文: a title (with an optional line
    under it), the body, an optional signature and the date it was drawn up (成文日期)."""

    title: str  # a "\n" breaks the title where it should (回行时词意完整)
    blocks: list[Block | Table] = field(default_factory=list)
    dated: dt.date | None = None
    subtitle: str = ""  # a line under the title, e.g. the source document's number
    signature: str = ""
    author: str = ""  # the file's core properties
    keywords: str = "报告"


class Outline:
    """Numbers headings as officials do: 一、 then （一） then 1. then （1）, each restarting under its parent."""

    def __init__(self) -> None:
        self.blocks: list[Block | Table] = []
        self.counters = [0, 0, 0, 0]

    def heading(self, level: int, text: str) -> None:
        self.counters[level - 1] += 1
        for deeper in range(level, 4):
            self.counters[deeper] = 0
        n = self.counters[level - 1]
        prefix = {1: f"{_numeral(n)}、", 2: f"（{_numeral(n)}）", 3: f"{n}.", 4: f"（{n}）"}[level]
        self.blocks.append(Block(level, prefix + text))

    def text(self, text: str) -> None:
        for line in text.splitlines():
            if line.strip():
                self.blocks.append(Block(0, line.strip()))

    def table(self, headers, rows, **options) -> None:
        """A table (see `Table`); cells are turned into text, None into an empty cell."""
        cells = tuple(tuple("" if cell is None else str(cell) for cell in row) for row in rows)
        self.blocks.append(Table(tuple(headers), cells, **options))


def _numeral(n: int) -> str:
    if n <= 10:
        return NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return (NUMERALS[tens - 1] if tens > 1 else "") + "十" + (NUMERALS[ones - 1] if ones else "")
