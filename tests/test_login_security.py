"""Login hardening, issue 13 item 2: throttling and lockout (django-axes) on the web login, the admin and
the token endpoint; password rules; hashed, expiring, revocable API tokens (django-rest-knox)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client, override_settings
from rest_framework.test import APIClient

from .factories import UserFactory

PASSWORD = "pw-12345678"  # the factories' password
TOKEN_URL = "/api/v1/auth/token/"
PAST_COOLOFF = dt.timedelta(minutes=31)  # settings: 30 minutes


def tokens_of(user):
    from govpm.accounts.models import AuthToken  # here, so each test fails on its own on the old code

    return AuthToken.objects.filter(user=user)


def token_attempt(client: APIClient, username: str, password: str, **extra):
    return client.post(TOKEN_URL, {"username": username, "password": password}, format="json", **extra)


def sign_in(user, device: str = "") -> str:
    body = {"username": user.username, "password": PASSWORD, "device": device}
    response = APIClient().post(TOKEN_URL, body, format="json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


def with_token(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


# --- throttling and lockout -------------------------------------------------------------------------


def test_token_endpoint_locks_the_account_at_20_wrong_passwords_until_the_cooloff_ends(db, clock):
    """Issue 13 item 2: 100 wrong passwords were all answered and the right one then worked."""
    user = UserFactory()
    client = APIClient()
    # when: 100 wrong passwords in a row
    codes = [token_attempt(client, user.username, f"wrong-{i}").status_code for i in range(100)]
    # then: the first 19 are plain refusals, from the 20th on the account is locked
    assert codes[:19] == [400] * 19
    assert set(codes[19:]) == {429}
    locked = token_attempt(client, user.username, PASSWORD)
    assert locked.status_code == 429
    error = locked.json()["error"]
    assert error["code"] == "locked_out" and "锁定" in error["message"] and "30 分钟" in error["message"]
    assert not tokens_of(user).exists()
    # a failure during the lockout restarts the cool-off, so 29 minutes later it is still locked
    clock.shift(dt.timedelta(minutes=29))
    assert token_attempt(client, user.username, PASSWORD).status_code == 429
    clock.shift(PAST_COOLOFF)
    assert token_attempt(client, user.username, PASSWORD).status_code == 200


def test_web_login_locks_at_20_wrong_passwords_with_a_chinese_page(db, clock):
    user = UserFactory()
    client = Client()
    codes = [
        client.post("/accounts/login/", {"username": user.username, "password": f"wrong-{i}"}).status_code
        for i in range(20)
    ]
    assert codes[:19] == [200] * 19 and codes[19] == 429
    refused = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert refused.status_code == 429
    assert "登录失败次数过多" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    clock.shift(PAST_COOLOFF)
    signed_in = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert signed_in.status_code == 302 and client.session["_auth_user_id"] == str(user.pk)


def test_admin_login_locks_at_20_wrong_passwords(db, clock):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    for i in range(20):
        client.post("/admin/login/", {"username": admin.username, "password": f"wrong-{i}"})
    refused = client.post("/admin/login/?next=/admin/", {"username": admin.username, "password": PASSWORD})
    assert refused.status_code == 429 and "登录失败次数过多" in refused.content.decode()
    clock.shift(PAST_COOLOFF)
    signed_in = client.post("/admin/login/?next=/admin/", {"username": admin.username, "password": PASSWORD})
    assert signed_in.status_code == 302 and client.session["_auth_user_id"] == str(admin.pk)


def test_a_client_trying_many_accounts_is_locked_but_others_are_not(db, clock):
    """20 failures from one address on 20 different accounts lock that address, not the accounts."""
    victim = UserFactory()
    client = APIClient()
    for i in range(20):
        token_attempt(client, f"guess-{i}", "123456", REMOTE_ADDR="10.0.0.66")
    assert token_attempt(client, victim.username, PASSWORD, REMOTE_ADDR="10.0.0.66").status_code == 429
    assert token_attempt(client, victim.username, PASSWORD, REMOTE_ADDR="10.0.0.7").status_code == 200


@override_settings(GOVPM_PROXY_COUNT=1)
def test_behind_the_proxy_the_client_is_the_address_the_proxy_saw(db):
    """A forged X-Forwarded-For entry does not let a locked client escape: the proxy's entry counts."""
    user = UserFactory()
    client = APIClient()
    for i in range(20):
        token_attempt(
            client, f"guess-{i}", "x", REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR=f"1.2.3.{i}, 203.0.113.5"
        )
    forged = token_attempt(
        client, user.username, PASSWORD, REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.5"
    )
    assert forged.status_code == 429
    other = token_attempt(
        client, user.username, PASSWORD, REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="198.51.100.2"
    )
    assert other.status_code == 200


# --- password rules -----------------------------------------------------------------------------------


def refusal_codes(password: str, user=None) -> set[str]:
    try:
        validate_password(password, user)
    except ValidationError as error:
        return {e.code for e in error.error_list}
    return set()


@override_settings(GOVPM_DEMO=False)
def test_password_equal_to_the_username_is_refused(db):
    user = UserFactory.build(username="zhangwei2024quzhou")
    assert "password_too_similar" in refusal_codes("zhangwei2024quzhou", user)


@override_settings(GOVPM_DEMO=False)
def test_an_eight_digit_date_is_refused_even_where_length_would_allow_it(db):
    assert "password_is_date" in refusal_codes("19900101")
    assert "password_is_date" not in refusal_codes("19901399")  # not a date
    with override_settings(GOVPM_DEMO=True):  # the demo floor of 8 characters: the date rule still holds
        assert refusal_codes("20240229") >= {"password_is_date"}


@pytest.mark.parametrize(
    "password", ["5201314", "woaini1314", "qq123456", "a1234567", "zhangwei", "woaini1990"]
)
def test_common_chinese_passwords_are_refused(db, password):
    assert "password_too_common" in refusal_codes(password)


@override_settings(GOVPM_DEMO=False)
def test_real_accounts_need_12_characters_demo_mode_keeps_8(db):
    assert "password_too_short" in refusal_codes("Qz-Lt7#pw9k")  # 11
    assert refusal_codes("Qz-Lt7#pw9kX") == set()  # 12
    with override_settings(GOVPM_DEMO=True):
        assert refusal_codes("govpm-demo") == set()  # the demo loader's shared password


@override_settings(GOVPM_DEMO=False)
def test_password_refusals_are_in_chinese(db):
    with pytest.raises(ValidationError) as refused:
        validate_password("20240101")
    messages = " ".join(refused.value.messages)
    assert "日期" in messages and "12 个字符" in messages and "只包含数字" in messages
    with pytest.raises(ValidationError) as common:
        validate_password("woaini1314")
    assert "太常见" in " ".join(common.value.messages)


def test_web_password_change_applies_the_rules_and_revokes_tokens(db):
    user = UserFactory(username="lihua")
    token = sign_in(user)
    client = Client()
    client.force_login(user)
    weak = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "lihua", "new_password2": "lihua"},
    )
    assert weak.status_code == 200 and "相似" in weak.content.decode()
    assert with_token(token).get("/api/v1/projects/").status_code == 200
    new = "Qz-Lt7#pw9kX-2026"
    done = client.post(
        "/accounts/password/", {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert done.status_code == 302
    assert with_token(token).get("/api/v1/projects/").status_code == 401
    assert not tokens_of(user).exists()


def test_admin_password_change_revokes_tokens(db):
    admin = UserFactory(is_staff=True, is_superuser=True)
    user = UserFactory()
    token = sign_in(user, device="laptop")
    client = Client()
    client.force_login(admin)
    new = "Qz-Lt7#pw9kX-2026"
    response = client.post(
        f"/admin/accounts/user/{user.pk}/password/",
        {"password1": new, "password2": new, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert with_token(token).get("/api/v1/projects/").status_code == 401


# --- tokens -------------------------------------------------------------------------------------------


def test_tokens_are_stored_hashed(db):
    """A token worked on a restored backup: the database now holds only a digest."""
    user = UserFactory()
    token = sign_in(user)
    stored = tokens_of(user).get()
    assert token not in (stored.digest, stored.token_key) and len(stored.token_key) < len(token)
    with connection.cursor() as cursor:
        cursor.execute("SELECT digest, token_key, device FROM accounts_authtoken")
        assert all(token not in str(column) for row in cursor.fetchall() for column in row)
    assert "authtoken_token" not in connection.introspection.table_names()  # old plain-text tokens gone


def test_token_expires_after_8_hours(db, clock):
    user = UserFactory()
    response = APIClient().post(TOKEN_URL, {"username": user.username, "password": PASSWORD}, format="json")
    token = response.json()["token"]
    assert dt.datetime.fromisoformat(response.json()["expiry"]) - dt.datetime.now(dt.UTC) == dt.timedelta(
        hours=8
    )
    clock.shift(dt.timedelta(hours=7, minutes=59))
    assert with_token(token).get("/api/v1/projects/").status_code == 200
    clock.shift(dt.timedelta(minutes=2))
    expired = with_token(token).get("/api/v1/projects/")
    assert expired.status_code == 401 and expired.json()["error"]["message"] == "未登录或令牌无效"
    assert not tokens_of(user).exists()


@override_settings(GOVPM_TOKEN_TTL=dt.timedelta(hours=1))
def test_token_lifetime_is_configurable(db, clock):
    token = sign_in(UserFactory())
    clock.shift(dt.timedelta(minutes=61))
    assert with_token(token).get("/api/v1/projects/").status_code == 401


def test_logout_revokes_the_presented_token_only(db):
    user = UserFactory()
    office, phone = sign_in(user, device="office-pc"), sign_in(user, device="phone")
    assert with_token(office).post("/api/v1/auth/logout/").status_code == 204
    assert with_token(office).get("/api/v1/projects/").status_code == 401
    assert with_token(phone).get("/api/v1/projects/").status_code == 200


def test_logout_all_revokes_every_token_of_the_user(db):
    user, other = UserFactory(), UserFactory()
    office, phone, theirs = sign_in(user, "office-pc"), sign_in(user, "phone"), sign_in(other)
    assert with_token(phone).post("/api/v1/auth/logout-all/").status_code == 204
    assert with_token(office).get("/api/v1/projects/").status_code == 401
    assert with_token(phone).get("/api/v1/projects/").status_code == 401
    assert with_token(theirs).get("/api/v1/projects/").status_code == 200


def test_one_token_per_device(db):
    user = UserFactory()
    first = sign_in(user, device="office-pc")
    second = sign_in(user, device="office-pc")
    assert with_token(first).get("/api/v1/projects/").status_code == 401
    assert with_token(second).get("/api/v1/projects/").status_code == 200
    sign_in(user, device="phone")
    assert sorted(tokens_of(user).values_list("device", flat=True)) == [
        "office-pc",
        "phone",
    ]


def test_token_endpoint_refuses_unknown_fields_in_chinese(db):
    user = UserFactory()
    body = {"username": user.username, "password": PASSWORD, "remember": True}
    response = APIClient().post(TOKEN_URL, body, format="json")
    assert response.status_code == 400 and response.json()["error"]["field"] == "remember"
    assert "不识别的字段" in response.json()["error"]["message"]


def test_admin_lists_tokens_without_their_secrets_and_can_revoke_one(db):
    admin = UserFactory(is_staff=True, is_superuser=True)
    user = UserFactory()
    token = sign_in(user, device="lost-phone")
    stored = tokens_of(user).get()
    client = Client()
    client.force_login(admin)
    listing = client.get("/admin/accounts/authtoken/").content.decode()
    assert "lost-phone" in listing and token not in listing
    change_url = f"/admin/accounts/authtoken/{stored.pk}/delete/"
    assert client.post(change_url, {"post": "yes"}).status_code == 302
    assert with_token(token).get("/api/v1/projects/").status_code == 401


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_sign_ins_from_one_device_leave_one_token():
    """One token per device holds under a race: the user row lock serialises the replace."""
    import threading

    assert connection.vendor == "postgresql"
    user = UserFactory()
    barrier = threading.Barrier(4)
    codes: list[int] = []

    def worker():
        try:
            barrier.wait()
            body = {"username": user.username, "password": PASSWORD, "device": "office-pc"}
            codes.append(APIClient().post(TOKEN_URL, body, format="json").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert codes == [200] * 4
    assert tokens_of(user).count() == 1


def test_deeply_nested_json_on_the_token_endpoint_is_a_400_not_a_500(db):
    """Issue 13: deeply nested JSON on the anonymous token endpoint gave a 500."""
    body = "[" * 100_000 + "]" * 100_000
    client = APIClient(raise_request_exception=False)
    response = client.post(TOKEN_URL, body, content_type="application/json")
    assert response.status_code == 400
    assert any("\u4e00" <= char <= "\u9fff" for char in response.json()["error"]["message"])
