"""Codes of the reference data: 统一社会信用代码 (GB 32100-2015) and administrative regions (GB/T 2260)."""

from django.core.exceptions import ValidationError

CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"

# GB/T 2260 codes of 衢州市 and its six counties (县、市、区).
REGIONS = {
    "330800": "衢州市",
    "330802": "柯城区",
    "330803": "衢江区",
    "330822": "常山县",
    "330824": "开化县",
    "330825": "龙游县",
    "330881": "江山市",
}
CITY_REGION = "330800"
COUNTY_REGIONS = {code: name for code, name in REGIONS.items() if code != CITY_REGION}


def credit_code_check_char(first17: str) -> str:
    """The 18th character: weights 3^i mod 31, check = alphabet[(31 - Σ mod 31) mod 31]."""
    total = sum(CREDIT_ALPHABET.index(ch) * pow(3, i, 31) for i, ch in enumerate(first17))
    return CREDIT_ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    code = (value or "").strip().upper()
    if len(code) != 18:
        raise ValidationError("统一社会信用代码应为18位", code="credit_code_length")
    bad = [ch for ch in code if ch not in CREDIT_ALPHABET]
    if bad:
        raise ValidationError(f"统一社会信用代码含非法字符：{''.join(bad)}", code="credit_code_chars")
    if credit_code_check_char(code[:17]) != code[17]:
        raise ValidationError("统一社会信用代码校验位不正确（GB 32100-2015）", code="credit_code_check")


def make_credit_code(first17: str) -> str:
    return first17 + credit_code_check_char(first17)


def validate_region(value: str) -> None:
    if value not in REGIONS:
        raise ValidationError(f"行政区划代码 {value} 不是衢州市或所辖县（市、区）的代码（GB/T 2260）")
