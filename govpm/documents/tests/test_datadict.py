"""The data dictionary (IMPL-04) as a Frictionless Table Schema or Data Package, validated with the
`frictionless` library; each problem names its field in Chinese."""

import pytest

from govpm.projects.datadict import problems
from govpm.projects.scenarios import DICTIONARY
from tests.factories import api_for, draft

GOOD_PACKAGE = {
    "name": "medical-insurance",
    "resources": [
        {"name": "claims", "path": "claims.csv", "schema": DICTIONARY},
        {
            "name": "insured",
            "path": "insured.csv",
            "schema": {
                "fields": [
                    {"name": "id_card", "type": "string", "constraints": {"pattern": "^[0-9X]{18}$"}},
                    {"name": "born", "type": "date"},
                    {"name": "level", "type": "integer", "constraints": {"enum": [1, 2, 3], "minimum": 1}},
                ],
                "primaryKey": ["id_card"],
            },
        },
    ],
}


def with_field(field: dict, **schema) -> dict:
    return {"fields": [{"name": "id", "type": "integer"}, field], "primaryKey": "id", **schema}


def test_a_table_schema_and_a_data_package_are_accepted_IMPL_04():
    assert problems(DICTIONARY) == []
    assert problems(GOOD_PACKAGE) == []


@pytest.mark.parametrize(
    ("descriptor", "expected"),
    [
        (
            with_field({"name": "amount", "type": "money"}),
            ("descriptor.fields.amount.type", "字段类型 'money' 不是 Table Schema 类型"),
        ),
        ({"fields": [{"name": "id", "type": "integer"}]}, ("descriptor.primaryKey", "须定义主键")),
        (
            {"fields": [{"name": "id", "type": "integer"}], "primaryKey": "code"},
            ("descriptor.primaryKey", "主键 ['code'] 中有未定义的字段"),
        ),
        (
            with_field({"name": "name", "type": "string", "constraints": {"maxLength": "一百"}}),
            ("descriptor.fields.name.constraints.maxLength", "取值 '一百' 应为整数"),
        ),
        (
            with_field({"name": "name", "type": "string", "constraints": {"required": "是"}}),
            ("descriptor.fields.name.constraints.required", "取值 '是' 应为布尔值（true 或 false）"),
        ),
        (
            with_field({"name": "age", "type": "integer", "constraints": {"pattern": "^\\d+$"}}),
            ("descriptor.fields.age.constraints.pattern", "约束 pattern 不适用于 integer 类型的字段"),
        ),
        (
            with_field({"name": "age", "type": "integer", "constraints": {"minimum": "十八"}}),
            ("descriptor.fields.age.constraints.minimum", "取值 '十八' 不是 integer 类型的值"),
        ),
        (
            with_field({"name": "code", "type": "string", "constraints": {"pattern": "([A-Z]"}}),
            (
                "descriptor.fields.code.constraints.pattern",
                "正则表达式无效：missing ), unterminated subpattern at position 0",
            ),
        ),
        (
            {
                "fields": [{"name": "id", "type": "integer"}, {"name": "id", "type": "string"}],
                "primaryKey": "id",
            },
            ("descriptor.fields", "字段名重复"),
        ),
    ],
)
def test_a_bad_dictionary_is_refused_with_the_field_named_IMPL_04(descriptor, expected):
    """IMPL-04: a wrong type, a missing or wrong primary key, a bad constraint: the field is named."""
    assert problems(descriptor) == [expected]


def test_a_bad_table_inside_a_data_package_is_named_by_its_resource():
    package = {
        "name": "p",
        "resources": [
            {"name": "claims", "path": "c.csv", "schema": with_field({"name": "paid", "type": "decimal"})}
        ],
    }
    assert problems(package) == [
        ("descriptor.resources.claims.schema.fields.paid.type", "字段类型 'decimal' 不是 Table Schema 类型")
    ]


@pytest.mark.django_db
def test_the_action_refuses_a_bad_dictionary_through_the_api_IMPL_04(cast):
    project = draft(cast.owner)
    response = api_for(cast.owner).post(
        f"/api/v1/projects/{project.pk}/actions/submit_data_dictionary/",
        {"descriptor": {"fields": [{"name": "id", "type": "integr"}], "primaryKey": "id"}},
        format="json",
    )
    error = response.json()["error"]
    assert response.status_code == 400
    assert (error["field"], error["rule"]) == ("descriptor.fields.id.type", "IMPL-04")
    assert error["message"] == "数据字典：字段类型 'integr' 不是 Table Schema 类型"
