"""Password rules beyond Django's own validators (issue 13 item 2). Messages are Chinese: users read them."""

from __future__ import annotations

import datetime
import re

from django.conf import settings
from django.contrib.auth.password_validation import MinimumLengthValidator
from django.core.exceptions import ValidationError

_EIGHT_DIGITS = re.compile(r"\d{8}")


class AccountMinimumLengthValidator(MinimumLengthValidator):
    """At least `min_length` characters (12) for real accounts.

    A demo deployment (settings.GOVPM_DEMO, forced off in production settings) holds only demo accounts
    sharing one short published password; there Django's floor of 8 applies instead, so the demo loader's
    accounts stay usable without weakening any real deployment.
    """

    DEMO_MIN_LENGTH = 8

    def _floor(self) -> int:
        return min(self.min_length, self.DEMO_MIN_LENGTH) if settings.GOVPM_DEMO else self.min_length

    def validate(self, password, user=None):
        if len(password) < self._floor():
            raise ValidationError(
                f"密码长度不足：至少需要 {self._floor()} 个字符。",
                code="password_too_short",
                params={"min_length": self._floor()},
            )

    def get_help_text(self):
        return f"密码至少需要 {self._floor()} 个字符。"


class NotADateValidator:
    """Refuses a password that is a calendar date written as 8 digits (YYYYMMDD), e.g. a birthday:
    among the first guesses of any attacker, and outside Django's common-password list."""

    def validate(self, password, user=None):
        if _EIGHT_DIGITS.fullmatch(password or "") and _is_date(password):
            raise ValidationError("密码不能是日期（如生日 YYYYMMDD）。", code="password_is_date")

    def get_help_text(self):
        return "密码不能是 8 位日期（如生日）。"


def _is_date(digits: str) -> bool:
    try:
        day = datetime.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return False
    return 1900 <= day.year <= 2099
