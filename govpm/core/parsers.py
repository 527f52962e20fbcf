"""The input layer: what a request may carry, parsed strictly, refused in Chinese naming the field.

`str.isdigit()` is true for "²" and "٣", which `int()` then refuses or reads as a number nobody typed;
SQLite cannot bind an integer beyond 64 bits; PostgreSQL refuses NUL in text; `json.loads` recurses
once per nesting level. Every parameter and body therefore passes through the few functions here."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from django.conf import settings
from rest_framework import serializers
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from .errors import GovpmError, InvalidInput

# ASCII digits only (re.ASCII: \d would match every Unicode digit), at most 18 of them so the number
# always fits a signed 64-bit column.
_INTEGER = re.compile(r"[0-9]{1,18}", re.ASCII)
BIGINT_MAX = 2**63 - 1

# C0 controls, DEL and C1 controls. Multiline text keeps tab, line feed and carriage return
# (a browser sends a textarea's line breaks as CR LF).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_MULTILINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
CONTROL_MESSAGE = "不能包含 NUL 等控制字符"

MAX_JSON_DEPTH = 32
TOO_LARGE = "请求体过大：不能超过 {mb} MB"
YEAR_MIN, YEAR_MAX = 2000, 2100


class BodyTooLarge(GovpmError):
    status = 413
    code = "too_large"


def too_large_error() -> BodyTooLarge:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
    return BodyTooLarge(TOO_LARGE.format(mb=f"{limit / 1024 / 1024:g}"), field="body")


def parse_int(value, field: str, label: str, min_value: int = 0, max_value: int = BIGINT_MAX) -> int:
    """An integer written in ASCII digits within [min_value, max_value], or InvalidInput naming the field."""
    text = value.strip() if isinstance(value, str) else ""
    if not _INTEGER.fullmatch(text) or not min_value <= int(text) <= max_value:
        bound = f"{min_value}至{max_value}的" if max_value < BIGINT_MAX else f"不小于{min_value}的"
        raise InvalidInput(f"{label}：应为{bound}整数（阿拉伯数字）", field=field)
    return int(text)


def parse_year(
    value, field: str = "year", label: str = "年度", min_year: int = YEAR_MIN, max_year: int = YEAR_MAX
) -> int:
    """A four-digit year in ASCII digits."""
    text = value.strip() if isinstance(value, str) else ""
    if not re.fullmatch(r"[0-9]{4}", text, re.ASCII) or not min_year <= int(text) <= max_year:
        raise InvalidInput(f"{label}：应为{min_year}至{max_year}年之间的四位年份", field=field)
    return int(text)


def has_control(text: str, *, multiline: bool = False) -> bool:
    return bool((_CONTROL_MULTILINE if multiline else _CONTROL).search(text))


def clean_text(value, field: str, label: str, *, multiline: bool = False) -> str:
    """Text without NUL or control characters (multiline text may hold tabs and line breaks)."""
    text = "" if value is None else str(value)
    if has_control(text, multiline=multiline):
        raise InvalidInput(f"{label}：{CONTROL_MESSAGE}", field=field)
    return text


def check_params(params) -> None:
    """Every query parameter of a request is single-line text: the first with a control character
    (NUL breaks PostgreSQL, the rest are never typed by a person) is refused, named by its key."""
    for key in params:
        if has_control(key):
            raise InvalidInput(f"查询参数：{CONTROL_MESSAGE}", field="query")
        for value in params.getlist(key):
            clean_text(value, key, f"查询参数 {key}")


INTEGER_MESSAGE = "应为整数（阿拉伯数字，不超过18位）"


def _unreadable(value, field) -> tuple[list[str], str] | None:
    """(path, reason) of the first value under `value` the field it feeds cannot take: text with a
    control character, an integer in other digits than ASCII or beyond 64 bits. Text of a field with
    a max_length (names, titles, codes) is single-line; other text may hold tabs and line breaks."""
    if isinstance(field, serializers.IntegerField) and not isinstance(value, bool):
        if isinstance(value, int) and not -BIGINT_MAX - 1 <= value <= BIGINT_MAX:
            return [], INTEGER_MESSAGE
        if isinstance(value, str) and not re.fullmatch(r"-?[0-9]{1,18}", value.strip(), re.ASCII):
            return [], INTEGER_MESSAGE
    if isinstance(value, str):
        single = isinstance(field, serializers.CharField) and field.max_length is not None
        return ([], CONTROL_MESSAGE) if has_control(value, multiline=not single) else None
    if isinstance(value, dict):
        fields = getattr(field, "fields", None) or {}
        child = getattr(field, "child", None)
        for key, item in value.items():
            if isinstance(key, str) and has_control(key):
                return [key], CONTROL_MESSAGE
            found = _unreadable(item, fields.get(key, child))
            if found is not None:
                return [str(key), *found[0]], found[1]
    if isinstance(value, list):
        child = getattr(field, "child", None)
        for index, item in enumerate(value):
            found = _unreadable(item, child)
            if found is not None:
                return [str(index), *found[0]], found[1]
    return None


class CleanTextSerializer(serializers.Serializer):
    """A serializer that refuses, naming the field, what its fields would misread or the database
    refuse: NUL and control characters in text, integers in other scripts' digits or beyond 64 bits."""

    def to_internal_value(self, data):
        found = _unreadable(data, self) if isinstance(data, dict) else None
        if found:
            path, message = found
            detail: Any = [message]
            for part in reversed(path):
                detail = {part: detail}
            raise serializers.ValidationError(detail)
        return super().to_internal_value(data)


def json_depth_exceeds(raw: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether [ and { nest deeper than `limit` outside strings: a scan of the bytes, no recursion."""
    depth, in_string, escaped = 0, False, False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > limit:
                return True
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return False


class DecimalJSONParser(JSONParser):
    """JSON numbers with a fraction become Decimal, never float: 0.1 + 0.2 stays 0.3 元.

    The body's nesting is bounded before json.loads recurses into it (a body of 100,000 "[" would
    otherwise exhaust the stack), and its size by DATA_UPLOAD_MAX_MEMORY_SIZE."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", "utf-8")
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if stream is None:
            raw = b""
        else:
            # A body sent without Content-Length (chunked) is bounded here, as the middleware could not.
            raw = stream.read() if limit is None else stream.read(limit + 1)
        if limit is not None and len(raw) > limit:
            raise too_large_error()
        if json_depth_exceeds(raw):
            raise InvalidInput(f"请求体的 JSON 嵌套不能超过 {MAX_JSON_DEPTH} 层", field="body")
        try:
            return json.loads(raw.decode(encoding), parse_float=Decimal)
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            raise ParseError("请求体不是合法的 JSON") from exc
