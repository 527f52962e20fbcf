"""Reading uploaded spreadsheets with bounded memory and time, and writing cells that stay data.

An XLSX file is a zip of XML parts, and its size says nothing about what it holds: 1 MB can declare
a 1 GB shared string or twenty million empty rows, and openpyxl, even with `read_only=True`, loads
every shared string into a list before the first row is read. So `open_xlsx` refuses in three steps,
each before the next costs anything:

1. the upload's size (413);
2. the zip directory: how many parts, each part's declared uncompressed size and its compression
   ratio (zipfile never inflates a part beyond its declared size: it stops there and fails the CRC);
3. a streaming scan of every XML part with a bounded element count, clearing what it has read:
   shared strings counted and measured per string, worksheets' rows and columns counted and every
   cell's text measured, before openpyxl opens the file.

Only then does openpyxl read it, row by row, stopping at the row limit. CSV gets the same limits.

Writing: `safe_cell` neutralises formulas (OWASP "CSV injection") and drops the control characters
XML cannot hold, for every XLSX and CSV cell the platform writes."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Container, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import IO
from xml.etree import ElementTree

from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from .errors import GovpmError, InvalidInput

NOT_XLSX = "文件不是有效的 Excel 工作簿（.xlsx）"
SHEET_PART = 32 * 1024 * 1024  # one worksheet's XML, scanned as a stream
STRINGS_PART = 16 * 1024 * 1024  # shared strings: openpyxl keeps them all in memory
OTHER_PART = 4 * 1024 * 1024  # styles, workbook, relationships: openpyxl parses them whole
TOTAL_UNCOMPRESSED = 48 * 1024 * 1024
MAX_RATIO = 200  # a part over 1 MB inflating more than this is a bomb, not a spreadsheet
MAX_PARTS = 1000
OTHER_ELEMENTS = 200_000  # elements in a part that is neither a sheet nor the shared strings
SUBTREE_ELEMENTS = 20_000  # elements held at once under one row, one shared string, one style list


class FileTooLarge(GovpmError):
    """The upload is over the byte limit: refused before it is opened."""

    status = 413
    code = "file_too_large"


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_rows: int  # physical rows, the header included: where the sheet says it ends, not the filled ones
    max_cols: int
    max_cell_chars: int = 32_767  # Excel's own limit for one cell
    max_shared_strings: int = 100_000
    max_cells: int | None = None  # cells written in one sheet; None: max_rows × max_cols

    def too_large(self) -> FileTooLarge:
        return FileTooLarge(f"文件过大：不能超过 {_size(self.max_bytes)}", field="file")


def _size(count: int) -> str:
    return f"{count // (1024 * 1024)} MB" if count >= 1024 * 1024 else f"{count // 1024} KB"


def check_upload_size(size: int | None, *, max_bytes: int) -> None:
    """For views: refuse an uploaded file by its size before reading it into memory."""
    if size is not None and size > max_bytes:
        raise FileTooLarge(f"文件过大：不能超过 {_size(max_bytes)}", field="file")


def _bytes(source: bytes | IO[bytes], limits: Limits) -> bytes:
    if isinstance(source, bytes | bytearray):
        data = bytes(source)
    else:
        data = source.read(limits.max_bytes + 1)
    if len(data) > limits.max_bytes:
        raise limits.too_large()
    return data


def _refuse(message: str) -> InvalidInput:
    return InvalidInput(message, field="file")


# --- XLSX ----------------------------------------------------------------------------------------------


def open_xlsx(
    source: bytes | IO[bytes],
    *,
    max_bytes: int,
    max_rows: int,
    max_cols: int,
    max_cell_chars: int = 32_767,
    max_shared_strings: int = 100_000,
    max_part_bytes: int = SHEET_PART,
    max_cells: int | None = None,
    sheet: str | None = None,
) -> Iterator[tuple]:
    """The rows (tuples of values, the header first) of `sheet`, or of the first sheet when the book has
    no sheet of that name. Refuses (InvalidInput 400, FileTooLarge 413, Chinese, field "file") anything
    over the limits before parsing it; the rows are read lazily, so iterate inside the caller's checks.
    `max_part_bytes` caps a worksheet's XML (and the shared strings', at most STRINGS_PART) once
    inflated; `max_cells` caps the cells a sheet writes. Together they bound the time of reading a file
    that passes every other limit, since openpyxl's time grows with the cells and the XML."""
    limits = Limits(max_bytes, max_rows, max_cols, max_cell_chars, max_shared_strings, max_cells)
    data = _bytes(source, limits)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise _refuse(NOT_XLSX) from None
    with archive:
        _check_directory(archive, max_part_bytes)
        for info in archive.infolist():
            if _is_xml(info.filename):
                _scan_part(archive, info, limits)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        worksheet = book[sheet] if sheet and sheet in book.sheetnames else book.worksheets[0]
    except GovpmError:
        raise
    except Exception:  # noqa: BLE001 — a hostile file can make openpyxl fail in any way: it is not an XLSX
        raise _refuse(NOT_XLSX) from None
    return _rows(book, worksheet, limits)


def _rows(book, worksheet, limits: Limits) -> Iterator[tuple]:
    try:
        # The scan already refused rows and columns over the limits; max_row also stops openpyxl from
        # filling the gap up to a far row a sheet may name.
        for values in worksheet.iter_rows(max_row=limits.max_rows, values_only=True):
            for value in values:
                if isinstance(value, str) and len(value) > limits.max_cell_chars:
                    raise _cell_too_long(limits)
            yield values
    except GovpmError:
        raise
    except Exception:  # noqa: BLE001 — see open_xlsx
        raise _refuse(NOT_XLSX) from None
    finally:
        book.close()


def _is_xml(name: str) -> bool:
    return name.lower().endswith((".xml", ".rels"))


def _check_directory(archive: zipfile.ZipFile, max_part_bytes: int) -> None:
    infos = archive.infolist()
    if len(infos) > MAX_PARTS:
        raise _refuse(f"{NOT_XLSX}：包含的部件超过 {MAX_PARTS} 个")
    total = 0
    for info in infos:
        limit = _part_limit(info.filename, max_part_bytes)
        if info.file_size > limit:
            raise _refuse(f"{NOT_XLSX}：部件 {info.filename} 解压后超过 {_size(limit)}")
        if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise _refuse(f"{NOT_XLSX}：部件 {info.filename} 的压缩比异常（超过 {MAX_RATIO} 倍）")
        total += info.file_size
    if total > TOTAL_UNCOMPRESSED:
        raise _refuse(f"{NOT_XLSX}：解压后总大小超过 {_size(TOTAL_UNCOMPRESSED)}")


def _part_limit(name: str, max_part_bytes: int) -> int:
    lower = name.lower()
    if lower.startswith("xl/worksheets/") and not lower.startswith("xl/worksheets/_rels/"):
        return min(max_part_bytes, SHEET_PART)
    if lower.endswith("sharedstrings.xml"):
        return min(max_part_bytes, STRINGS_PART)
    return OTHER_PART


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _too_many_rows(limits: Limits) -> InvalidInput:
    return _refuse(f"工作表超过 {limits.max_rows} 行（含表头），请分批导入")


def _too_many_cols(limits: Limits) -> InvalidInput:
    return _refuse(f"工作表超过 {limits.max_cols} 列")


def _cell_too_long(limits: Limits) -> InvalidInput:
    return _refuse(f"单元格内容超过 {limits.max_cell_chars} 个字符")


_COLUMN = re.compile(r"^\$?([A-Za-z]{1,3})")
_DIMENSION = re.compile(r"^\$?[A-Za-z]{1,3}\$?\d+(?::\$?([A-Za-z]{1,3})\$?(\d+))?$")


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters.upper():
        index = index * 26 + ord(letter) - 64
    return index


def _scan_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> None:
    """One streaming pass over a part, holding at most one row (or one string) of it.

    The part's root decides the checks: `worksheet` (dimension, rows, columns, cell text), `sst` (the
    number of shared strings and the length of each), anything else (a bounded number of elements).
    Each element that ends at depth 1 or 2 clears its parent, so the tree never holds more than one
    subtree, and a subtree itself is bounded by SUBTREE_ELEMENTS."""
    kind = None
    root = None
    stack: list[ElementTree.Element] = []
    elements = 0
    subtree = 0
    rows = 0
    cells = 0
    max_cells = limits.max_cells or limits.max_rows * limits.max_cols
    cells_in_row = 0
    strings = 0
    string_chars = 0
    try:
        with archive.open(info) as stream:
            for event, element in ElementTree.iterparse(stream, events=("start", "end")):
                if event == "start":
                    stack.append(element)
                    elements += 1
                    subtree += 1
                    if root is None:
                        root, kind = element, _local(element.tag)
                        continue
                    if subtree > SUBTREE_ELEMENTS or (
                        kind not in ("worksheet", "sst") and elements > OTHER_ELEMENTS
                    ):
                        raise _refuse(f"{NOT_XLSX}：部件 {info.filename} 的结构过于复杂")
                    name = _local(element.tag)
                    if kind == "worksheet":
                        if name == "dimension":
                            _check_dimension(element.get("ref", ""), limits)
                        elif name == "row":
                            rows += 1
                            cells_in_row = 0
                            number = element.get("r")
                            if rows > limits.max_rows or (
                                number
                                and (
                                    not number.isascii()
                                    or not number.isdigit()
                                    or int(number) > limits.max_rows
                                )
                            ):
                                raise _too_many_rows(limits)
                        elif name == "c":
                            cells += 1
                            if cells > max_cells:
                                raise _refuse(f"工作表超过 {max_cells} 个单元格，请分批导入")
                            cells_in_row += 1
                            column = _COLUMN.match(element.get("r") or "")
                            if cells_in_row > limits.max_cols or (
                                column and _column_index(column.group(1)) > limits.max_cols
                            ):
                                raise _too_many_cols(limits)
                    elif kind == "sst" and name == "si":
                        strings += 1
                        string_chars = 0
                        if strings > limits.max_shared_strings:
                            raise _refuse(f"共享字符串超过 {limits.max_shared_strings} 个")
                    continue
                # end
                stack.pop()
                name = _local(element.tag)
                if name in ("v", "t", "f") and element.text and kind in ("worksheet", "sst"):
                    string_chars = string_chars + len(element.text) if kind == "sst" else len(element.text)
                    if string_chars > limits.max_cell_chars:
                        raise _cell_too_long(limits)
                if 1 <= len(stack) <= 2:
                    stack[-1].clear()
                    subtree = 0
    except GovpmError:
        raise
    except (ElementTree.ParseError, zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise _refuse(NOT_XLSX) from None


def _check_dimension(ref: str, limits: Limits) -> None:
    """`<dimension ref="A1:M20">` is what the writer says the sheet spans: refuse a lie too big to read."""
    match = _DIMENSION.match(ref.strip())
    if match and match.group(2):
        if int(match.group(2)) > limits.max_rows:
            raise _too_many_rows(limits)
        if _column_index(match.group(1)) > limits.max_cols:
            raise _too_many_cols(limits)


# --- CSV -----------------------------------------------------------------------------------------------


def read_csv(
    source: bytes | IO[bytes], *, max_bytes: int, max_rows: int, max_cols: int, max_cell_chars: int = 32_767
) -> Iterator[list[str]]:
    """The rows of a UTF-8 CSV (a BOM allowed), with the same limits as `open_xlsx`."""
    limits = Limits(max_bytes, max_rows, max_cols, max_cell_chars)
    data = _bytes(source, limits)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refuse("无法读取文件，请确认是 UTF-8 编码的 CSV 文件") from None
    return _csv_rows(text, limits)


def _csv_rows(text: str, limits: Limits) -> Iterator[list[str]]:
    reader = csv.reader(io.StringIO(text))
    try:
        for number, row in enumerate(reader, start=1):
            if number > limits.max_rows:
                raise _too_many_rows(limits)
            if len(row) > limits.max_cols:
                raise _too_many_cols(limits)
            if any(len(value) > limits.max_cell_chars for value in row):
                raise _cell_too_long(limits)
            yield row
    except csv.Error:
        raise _refuse("无法读取文件，请确认是 UTF-8 编码的 CSV 文件") from None


# --- writing -------------------------------------------------------------------------------------------

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A signed number written as text (the targets exports write numbers as text so they come back digit
# for digit) is data in every spreadsheet program, so it keeps its sign and needs no apostrophe.
_PLAIN_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


def safe_cell(value):
    """A cell value that a spreadsheet shows as written and never runs.

    Text starting with = + - @ tab or CR (OWASP CSV injection) gets a leading apostrophe, so Excel and
    LibreOffice show it as text instead of evaluating `=HYPERLINK(...)` or `=cmd|' /C calc'!A0`; control
    characters that XML 1.0 cannot hold (openpyxl refuses them) are removed. Other values pass through."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if value.startswith(FORMULA_START) and not _PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def safe_row(values) -> list:
    return [safe_cell(value) for value in values]


def unquote_cell(text: str) -> str:
    """The inverse of `safe_cell` for a file the platform exported and someone re-imports."""
    if text.startswith("'") and text[1:].startswith(FORMULA_START):
        return text[1:]
    return text


# --- all-or-nothing imports: the header, the rows, what a refused file reports ----------------------------


def cell_text(value) -> str:
    """A cell as trimmed text; an empty cell is ""."""
    return "" if value is None else str(value).strip()


def table(
    lines: Iterator[tuple],
    *,
    required: Iterable[str],
    known: Container[str] | None = None,
    max_rows: int,
    hint: str = "；请使用导入模板",
) -> tuple[list[str], Iterator[tuple[int, dict]]]:
    """The header of an import sheet, checked (every `required` column there; with `known`, no column
    outside it), and its data rows as (the row number Excel shows, {header: value}), blank rows skipped.
    More than `max_rows` data rows refuses the file while streaming, before the rest is read."""
    headers = [cell_text(value) for value in next(lines, ())]
    missing = [header for header in required if header not in headers]
    if missing:
        raise InvalidInput(f"第1行表头缺少「{missing[0]}」列{hint}", field="file")
    if known is not None:
        unknown = [header for header in headers if header and header not in known]
        if unknown:
            raise InvalidInput(f"第1行表头「{unknown[0]}」不是模板中的列", field="file")

    def rows() -> Iterator[tuple[int, dict]]:
        count = 0
        for number, values in enumerate(lines, start=2):
            cells = dict(zip(headers, values, strict=False))
            if all(cell_text(value) == "" for value in cells.values()):
                continue
            count += 1
            if count > max_rows:
                raise InvalidInput(f"一次最多导入 {max_rows} 行", field="file")
            yield number, cells

    return headers, rows()


def parse_columns(
    number: int,
    cells: dict,
    headers: list[str],
    *,
    columns: Mapping[str, str],
    required: Container[str],
    parse: Callable[[str, object], object],
) -> tuple[dict, list[RowError]]:
    """One data row: each template column's value by `parse(header, value)` under the column's key,
    a required column left blank or a value `parse` refuses (ValueError) as a RowError naming it."""
    parsed: dict = {}
    errors: list[RowError] = []
    for header in headers:
        if header not in columns:
            continue
        value = cells.get(header)
        if header in required and cell_text(value) == "":
            errors.append(RowError(number, header, "必填"))
            continue
        try:
            parsed[columns[header]] = parse(header, value)
        except ValueError as exc:
            errors.append(RowError(number, header, str(exc)))
    return parsed, errors


@dataclass(frozen=True)
class RowError:
    row: int  # the row number Excel shows
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


class ImportRefused(InvalidInput):
    """The file had bad rows; nothing was imported. `errors` names each one; an importer's subclass names
    what it imports (`what`: 需求, 系统)."""

    code = "import_refused"
    what = "记录"

    def __init__(self, errors: list[RowError]) -> None:
        first = errors[0]
        super().__init__(
            f"第{first.row}行「{first.column}」：{first.message}（共{len(errors)}处错误，未导入任何{self.what}）",
            field=f"rows.{first.row}",
        )
        self.errors = errors

    def as_dict(self) -> dict:
        return {**super().as_dict(), "rows": [error.as_dict() for error in self.errors]}
