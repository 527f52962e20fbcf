"""Money: Decimal 元 in Python, the API and the UI; integer 分 in the database.

SQLite keeps DECIMAL columns as floating point, so SUM over them drifts. Storing 分 in a BIGINT keeps
every sum exact on SQLite and PostgreSQL alike, and the field converts at the boundary."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.expressions import Combinable

CENT = Decimal("0.01")


def to_yuan(value) -> Decimal:
    """Parse 元 exactly. Refuses floats (binary fractions are not money) and fractions of a 分."""
    if isinstance(value, float):
        raise ValidationError("金额须以字符串或整数给出，不接受浮点数")
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
