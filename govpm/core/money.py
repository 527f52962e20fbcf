"""Money: Decimal 元 in Python, the API and the UI; integer 分 in the database.

SQLite keeps DECIMAL columns as floating point, so SUM over them drifts. Storing 分 in a BIGINT keeps
every sum exact on SQLite and PostgreSQL alike, and the field converts at the boundary."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.expressions import Combinable
from rest_framework import serializers

CENT = Decimal("0.01")


# What an official writes: ASCII digits, at most two places, no exponent ("1e7" is not ten million 元
# anyone typed), no NaN or Infinity.
_PLAIN = re.compile(r"-?[0-9]+(\.[0-9]{1,2})?", re.ASCII)


def plain_amount(value) -> Decimal:
    """An amount as the API and the forms take it: a string or JSON number in plain notation with at
    most two decimal places. Raises ValueError with the reason in Chinese."""
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise ValueError('应为金额（元），如 "1234.50"')
    text = str(value).strip()  # a Decimal from JSON keeps its notation: 1e3 is "1E+3", NaN is "NaN"
    if not _PLAIN.fullmatch(text):
        if re.fullmatch(r"-?[0-9]+\.[0-9]{3,}", text, re.ASCII):
            raise ValueError("最多保留两位小数（精确到分）")
        raise ValueError('应为不带指数的十进制金额（元），如 "1234.50"，最多两位小数')
    return Decimal(text)


def to_yuan(value) -> Decimal:
    """Parse 元 exactly. Refuses floats (binary fractions are not money), exponents and fractions of a 分."""
    if isinstance(value, float):
        raise ValidationError("金额须以字符串或整数给出，不接受浮点数")
    if isinstance(value, str) and re.search(r"[eE]", value):
        raise ValidationError(f"金额不接受指数写法：{value!r}")
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError(f"金额格式不正确：{value!r}") from exc
    if not amount.is_finite():
        raise ValidationError("金额须为有限数值")
    if amount != amount.quantize(CENT):
        raise ValidationError("金额最多保留两位小数（精确到分）")
    return amount.quantize(CENT)


def format_yuan(amount: Decimal | None) -> str:
    """¥1,234,567.00 as officials write it."""
    if amount is None:
        return "—"
    return f"¥{amount:,.2f}"


def format_wan(amount: Decimal | None) -> str:
    """万元 with two decimals, the unit of most official tables."""
    if amount is None:
        return "—"
    return f"{(amount / 10000).quantize(CENT):,}万元"


class MoneyField(models.BigIntegerField):
    """Decimal 元 stored as integer 分."""

    # What django-stubs reads as the attribute's types: set in 元 (Decimal, or an int of whole 元), read
    # as Decimal. Without these it would take the BIGINT's int for both.
    _pyi_private_set_type: Decimal | int | str | Combinable  # type: ignore[assignment]
    _pyi_private_get_type: Decimal  # type: ignore[assignment]

    description = "金额（元，以分存储）"

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        return (Decimal(value) / 100).quantize(CENT)

    def to_python(self, value):
        if value is None or isinstance(value, Decimal):
            return value
        return to_yuan(value)

    def get_prep_value(self, value):
        if value is None:
            return None
        return int(to_yuan(value) * 100)

    def formfield(self, **kwargs):
        from django import forms

        return forms.DecimalField(max_digits=16, decimal_places=2, **kwargs)


class MoneyInput(serializers.DecimalField):
    """An amount in 元 of an API or form input: plain notation, at most two places, never negative;
    `positive` where a rule says the amount must be more than 0 (an estimate, a payment)."""

    def __init__(self, *, positive: bool = False, **kwargs):
        self.positive = positive
        kwargs.setdefault("min_value", 0)
        super().__init__(max_digits=16, decimal_places=2, **kwargs)

    def to_internal_value(self, data):
        try:
            plain_amount(data)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from None
        amount = super().to_internal_value(data)
        if self.positive and amount <= 0:
            raise serializers.ValidationError("须大于0")
        return amount
