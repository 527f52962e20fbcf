"""The Django admin, in Chinese, for reference data; lifecycle records are read-only there."""

import pytest

from govpm.accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    admin = User.objects.create_superuser("root", password="pw-12345678")
    client.force_login(admin)
    return client


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/accounts/unit/",
        "/admin/accounts/user/",
        "/admin/policy/rule/",
        "/admin/core/holiday/",
        "/admin/projects/project/",
        "/admin/projects/event/",
    ],
)
def test_admin_pages_render_in_chinese(admin_client, path):
    response = admin_client.get(path)
    assert response.status_code == 200
    assert (
        "衢州市政府投资数字化项目管理平台" in response.content.decode() or "管理" in response.content.decode()
    )


def test_units_with_a_bad_credit_code_are_refused_in_the_admin(admin_client):
    response = admin_client.post(
        "/admin/accounts/unit/add/",
        {
            "code": "x",
            "name": "测试单位",
            "short_name": "测试",
            "credit_code": "11330800MB0000001Y",
            "region_code": "330800",
            "kind": "department",
        },
    )
    assert response.status_code == 200
    assert "校验位不正确" in response.content.decode()


def test_lifecycle_records_cannot_be_changed_in_the_admin(admin_client):
    assert admin_client.get("/admin/projects/project/add/").status_code == 403
