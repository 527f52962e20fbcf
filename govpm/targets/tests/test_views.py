"""Web pages: browse, enter observations (CSRF, errors beside the field), roles, the public page."""

import pytest
from django.test import Client

from govpm.targets.models import Indicator, Observation, Task

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser():
    def login(user, **kwargs):
        client = Client(**kwargs)
        client.force_login(user)
        return client

    return login


def test_indicator_list_page_filters_with_fixed_queries(
    curated_data, browser, observer, django_assert_max_num_queries
):
    client = browser(observer)
    with django_assert_max_num_queries(8):
        response = client.get("/targets/", {"action_group": "合理膳食行动"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "成人肥胖增长率" in page and "居民健康素养水平" not in page


def test_entering_an_observation_on_the_page(curated_data, browser, officer):
    client = browser(officer, enforce_csrf_checks=True)
    indicator = Indicator.objects.get(code="H01")
    url = f"/targets/indicators/{indicator.pk}/"
    page = client.get(url)
    token = page.cookies["csrftoken"].value

    response = client.post(
        url,
        {
            "obs-period": "2020",
            "obs-value": "25.6",
            "obs-source": "健康素养监测",
            "csrfmiddlewaretoken": token,
        },
    )

    assert response.status_code == 302
    assert Observation.objects.get(indicator=indicator).source == "健康素养监测"


def test_post_without_csrf_token_is_refused(curated_data, browser, officer):
    client = browser(officer, enforce_csrf_checks=True)
    indicator = Indicator.objects.get(code="H01")
    response = client.post(
        f"/targets/indicators/{indicator.pk}/", {"obs-period": "2020", "obs-value": "1", "obs-source": "x"}
    )
    assert response.status_code == 403
    assert not Observation.objects.exists()


def test_bad_value_shows_a_chinese_error_beside_the_field_and_saves_nothing(curated_data, browser, officer):
    indicator = Indicator.objects.get(code="H01")
    response = browser(officer).post(
        f"/targets/indicators/{indicator.pk}/", {"obs-period": "2020", "obs-value": "很多", "obs-source": "x"}
    )
    assert response.status_code == 400
    form = response.context["observation_form"]
    assert "数值格式不正确" in form.errors["value"][0]
    assert "数值格式不正确" in response.content.decode()
    assert not Observation.objects.exists()


def test_pages_deny_unless_a_role_rule_allows(curated_data, browser, observer, owner):
    indicator = Indicator.objects.get(code="H01")
    assert Client().get("/targets/").status_code == 302  # to the login page
    assert browser(owner).get("/targets/").status_code == 403
    assert (
        browser(observer)
        .post(
            f"/targets/indicators/{indicator.pk}/",
            {"obs-period": "2020", "obs-value": "1", "obs-source": "x"},
        )
        .status_code
        == 403
    )
    assert browser(observer).get("/targets/import/").status_code == 403
    assert not Observation.objects.exists()


def test_tgt06_public_results_page_needs_no_login(curated_data, django_assert_max_num_queries):
    """TGT-06: public results page needs no login."""
    with django_assert_max_num_queries(5):
        response = Client().get("/targets/public/", {"year": 2022})
    page = response.content.decode()
    assert response.status_code == 200
    assert "2022年度目标考核结果" in page and "居民健康素养水平" in page and "无数据" in page
    assert "录入" not in page  # read only: no form


def test_assessment_and_task_pages(curated_data, browser, officer, django_assert_max_num_queries):
    client = browser(officer)
    with django_assert_max_num_queries(8):
        assert client.get("/targets/assessment/", {"year": 2022}).status_code == 200
    task = Task.objects.get(code="T01")
    with django_assert_max_num_queries(10):
        page = client.get(f"/targets/tasks/{task.pk}/", {"year": 2020})
    assert "通过" in page.content.decode()
    response = client.post(
        f"/targets/tasks/{task.pk}/",
        {"region_code": "330802", "year": "2020", "completed": "-5", "source": "x"},
    )
    assert response.status_code == 400 and "不能为负数" in response.content.decode()
