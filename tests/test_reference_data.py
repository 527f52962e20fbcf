"""Reference data: 统一社会信用代码 (GB 32100-2015), GB/T 2260 regions, the units the policy names, money."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum
from hypothesis import given
from hypothesis import strategies as st

from govpm.accounts.codes import CREDIT_ALPHABET, REGIONS, make_credit_code, validate_credit_code
from govpm.accounts.models import Unit
from govpm.accounts.roles import JOINT_REVIEW_UNITS
from govpm.core.money import format_wan, format_yuan, to_yuan
from govpm.policy.catalog import RULES
from govpm.policy.models import Rule
from govpm.projects.models import CostShare, Funding


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91110000802100433B", "91440300708461136T"])
def test_published_credit_codes_validate(code):
    """Codes printed on real business licences pass the GB 32100-2015 check."""
    validate_credit_code(code)
    assert make_credit_code(code[:17]) == code


@pytest.mark.parametrize("code", ["91350100M000100Y44", "91350100M000100I43", "123", "91350100M000100Y4"])
def test_malformed_credit_codes_are_refused(code):
    with pytest.raises(ValidationError):
        validate_credit_code(code)


@given(st.text(alphabet=CREDIT_ALPHABET, min_size=17, max_size=17))
def test_every_generated_code_validates_and_any_other_check_character_fails(body):
    code = make_credit_code(body)
    validate_credit_code(code)
    wrong = CREDIT_ALPHABET[(CREDIT_ALPHABET.index(code[17]) + 1) % len(CREDIT_ALPHABET)]
    with pytest.raises(ValidationError):
        validate_credit_code(body + wrong)


@pytest.mark.django_db
def test_every_unit_the_policy_names_and_the_six_counties_exist():
    codes = set(Unit.objects.values_list("code", flat=True))
    assert {"smart_office", "leading_group", *[c for c in JOINT_REVIEW_UNITS if c != "owner"]} <= codes
    counties = set(Unit.objects.filter(kind="county").values_list("region_code", flat=True))
    assert counties == set(REGIONS) - {"330800"}
    assert Unit.objects.get(code="smart_office").parent.code == "bdb"


@pytest.mark.django_db
def test_rule_table_mirrors_the_catalogue_with_citations():
    assert Rule.objects.count() == len(RULES)
    rule = Rule.objects.get(code="REJ-03")
    assert rule.citation == "REJ-03 · 衢政办发〔2020〕8号 二(二)不予受理情形第3项"
    assert "机房" in rule.text


def test_money_is_exact_and_formatted_as_officials_write_it():
    assert to_yuan("1,234,567.5") == Decimal("1234567.50")
    with pytest.raises(ValidationError):
        to_yuan(0.1)
    with pytest.raises(ValidationError):
        to_yuan("1.001")
    assert format_yuan(Decimal("1234567")) == "¥1,234,567.00"
    assert format_wan(Decimal("11860000")) == "1,186.00万元"


@pytest.mark.django_db
def test_sums_of_money_are_exact_in_the_database(cast):
    """SQLite keeps DECIMAL as float; integer 分 keeps SUM exact (the drift seen: 8432985248.98001)."""
    from .factories import draft

    project = draft(cast.owner)
    funding = Funding.objects.create(
        project=project, amount=Decimal("8432985248.98"), decided_on="2026-01-01", recorded_by=cast.finance
    )
    parts = [Decimal("0.10"), Decimal("0.20"), Decimal("8432985248.68")]
    CostShare.objects.bulk_create(
        [
            CostShare(funding=funding, region_code=code, amount=amount)
            for code, amount in zip(["330800", "330802", "330803"], parts, strict=True)
        ]
    )
    total = CostShare.objects.aggregate(total=Sum("amount"))["total"]
    assert total == Decimal("8432985248.98") and isinstance(total, Decimal)
    assert str(Funding.objects.get().amount) == "8432985248.98"
