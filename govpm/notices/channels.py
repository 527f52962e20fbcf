"""The outside channels (NOTE-03): email, 浙政钉 work notices and a DingTalk group robot.

Each adapter sends one delivery and raises ChannelError on anything short of an accepted message;
`delivery.attempt` turns that into a retry with backoff or, at the limit, a failure shown in admin.
A channel is off unless settings configure it (README: "Notices: turning channels on").
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import secrets
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from govpm.core import product

from .models import ChannelAccount, Delivery


class ChannelError(Exception):
    """The channel did not accept the message (the text is kept as the delivery's last_error)."""


def _conf(name: str) -> dict:
    return dict(getattr(settings, name, None) or {})


def enabled() -> list[str]:
    """The channels this deployment has configured, besides the inbox (always on)."""
    found: list[str] = []
    if getattr(settings, "NOTICES_EMAIL_ENABLED", False):
        found.append(Delivery.Channel.EMAIL)
    zzd = _conf("NOTICES_ZZD")
    if zzd.get("endpoint") and zzd.get("app_key") and zzd.get("app_secret"):
        found.append(Delivery.Channel.ZZD)
    if _conf("NOTICES_ROBOT").get("webhook"):
        found.append(Delivery.Channel.ROBOT)
    return found


def chosen(account: ChannelAccount | None, enabled_channels: list[str]) -> list[str]:
    """The configured channels a user chose and has an address on (their settings page)."""
    if account is None:
        return []
    wanted: list[str] = []
    if (
        Delivery.Channel.EMAIL in enabled_channels
        and account.want_email
        and (account.email or account.user.email)
    ):
        wanted.append(Delivery.Channel.EMAIL)
    if Delivery.Channel.ZZD in enabled_channels and account.want_zzd and account.zzd_account_id:
        wanted.append(Delivery.Channel.ZZD)
    if Delivery.Channel.ROBOT in enabled_channels and account.want_robot:
        wanted.append(Delivery.Channel.ROBOT)
    return wanted


def absolute(link: str) -> str:
    return urllib.parse.urljoin(getattr(settings, "NOTICES_SITE_URL", "") or "", link)


def subject_of(delivery: Delivery) -> str:
    notice = delivery.notice
    about = notice.project.name if notice.project is not None else ""
    return f"【{product.NAME}·{notice.get_kind_display()}】{about}"


def body_of(delivery: Delivery) -> str:
    return f"{delivery.notice.text}\n\n办理：{absolute(delivery.notice.link)}"


# -- email ---------------------------------------------------------------------------------------------


def send_email(delivery: Delivery) -> None:
    """Through Django's email backend (SMTP in production). The Message-ID is the idempotency key, so a
    mail server or client that sees one message twice can drop the copy."""
    user = delivery.notice.recipient
    account = getattr(user, "channel_account", None)
    address = (account.email if account else "") or user.email
    message = EmailMessage(
        subject=subject_of(delivery),
        body=body_of(delivery),
        to=[address],
        headers={"Message-ID": f"<{delivery.idempotency_key}@govpm.notices>"},
        connection=get_connection(timeout=_timeout()),
    )
    try:
        message.send()
    except Exception as error:  # smtplib, socket and backend errors alike: the message was not accepted
        raise ChannelError(f"邮件发送失败：{type(error).__name__}: {error}") from error


# -- HTTP ----------------------------------------------------------------------------------------------


def _timeout() -> float:
    return float(getattr(settings, "NOTICES_HTTP_TIMEOUT", 5))


def _post(url: str, *, data: bytes, headers: dict[str, str]) -> dict:
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=_timeout()) as response:  # noqa: S310 (configured URL)
            return json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as error:
        raise ChannelError(f"HTTP {error.code}") from error
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise ChannelError(f"网络错误：{error}") from error
    except ValueError as error:
        raise ChannelError("应答不是JSON") from error


# -- DingTalk group robot ------------------------------------------------------------------------------


def robot_signature(secret: str, timestamp_ms: str) -> str:
    """DingTalk's robot signature: base64(HMAC-SHA256(key=secret, msg=f"{timestamp}\\n{secret}"))."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def send_robot(delivery: Delivery) -> None:
    """A text message to the configured group robot (signed webhook: `timestamp` and `sign` query
    parameters). The robot API has no idempotency key; the delivery row's claim is the guard."""
    conf = _conf("NOTICES_ROBOT")
    url = conf["webhook"]
    if conf.get("secret"):
        timestamp = str(int(time.time() * 1000))
        sign = urllib.parse.quote_plus(robot_signature(conf["secret"], timestamp))
        url += ("&" if "?" in url else "?") + f"timestamp={timestamp}&sign={sign}"
    user = delivery.notice.recipient
    content = f"{user}：{body_of(delivery)}"
    payload = {"msgtype": "text", "text": {"content": content}}
    answer = _post(
        url,
        data=json.dumps(payload, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    if answer.get("errcode") != 0:
        raise ChannelError(f"钉钉机器人：{answer.get('errcode')} {answer.get('errmsg', '')}")


# -- 浙政钉 work notice ----------------------------------------------------------------------------------
#
# The 浙政钉 (政务钉钉) open platform gateway: every call carries HMAC headers computed from the app
# secret — X-Hmac-Auth-Timestamp, -Version, -Nonce, apiKey and X-Hmac-Auth-Signature =
# base64(HMAC-SHA256(app_secret, "METHOD\ntimestamp\nnonce\nuri\nsorted-query")). A token from
# /gettoken.json is sent as `access_token`; the work notice is POST /message/workNotification with
# form fields receiverIds, tenantId, bizMsgId (the idempotency key: the platform drops a repeated id)
# and msg (JSON). Answers are {"success": true, "content": {"success": true, ...}} or an errorCode.


def zzd_signature(
    secret: str, method: str, timestamp: str, nonce: str, uri: str, params: dict[str, str]
) -> str:
    query = "&".join(f"{key}={params[key]}" for key in sorted(params))
    text = f"{method}\n{timestamp}\n{nonce}\n{uri}\n{query}"
    return base64.b64encode(hmac.new(secret.encode(), text.encode(), hashlib.sha256).digest()).decode()


def _zzd_call(conf: dict, uri: str, params: dict[str, str]) -> dict:
    timestamp = (
        dt.datetime.now(dt.UTC)
        .astimezone(dt.timezone(dt.timedelta(hours=8)))
        .isoformat(timespec="milliseconds")
    )
    nonce = f"{int(time.time() * 1000)}{secrets.randbelow(10000):04d}"
    headers = {
        "X-Hmac-Auth-Timestamp": timestamp,
        "X-Hmac-Auth-Version": "1.0",
        "X-Hmac-Auth-Nonce": nonce,
        "apiKey": conf["app_key"],
        "X-Hmac-Auth-Signature": zzd_signature(conf["app_secret"], "POST", timestamp, nonce, uri, params),
        "X-Hmac-Auth-IP": conf.get("client_ip", "127.0.0.1"),
        "X-Hmac-Auth-MAC": conf.get("client_mac", "00:00:00:00:00:00"),
        "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
    }
    answer = _post(
        conf["endpoint"].rstrip("/") + uri, data=urllib.parse.urlencode(params).encode(), headers=headers
    )
    content = answer.get("content") or {}
    if not answer.get("success") or not content.get("success", True):
        code = answer.get("errorCode") or content.get("responseCode") or ""
        message = answer.get("errorMsg") or content.get("responseMessage") or ""
        raise ChannelError(f"浙政钉：{code} {message}".strip())
    return content


_token_lock = threading.Lock()
_token: dict[str, Any] = {}


def _zzd_token(conf: dict) -> str:
    """The app's access token, cached per process until a minute before it expires."""
    with _token_lock:
        if _token.get("value") and _token.get("until", 0) > time.monotonic():
            return _token["value"]
        content = _zzd_call(
            conf, "/gettoken.json", {"appkey": conf["app_key"], "appsecret": conf["app_secret"]}
        )
        data = content.get("data") or {}
        if not data.get("accessToken"):
            raise ChannelError("浙政钉：未取得 accessToken")
        _token.update(
            value=data["accessToken"], until=time.monotonic() + int(data.get("expiresIn", 7200)) - 60
        )
        return _token["value"]


def send_zzd(delivery: Delivery) -> None:
    conf = _conf("NOTICES_ZZD")
    account = delivery.notice.recipient.channel_account
    msg = {"msgtype": "text", "text": {"content": body_of(delivery)}}
    _zzd_call(
        conf,
        "/message/workNotification",
        {
            "access_token": _zzd_token(conf),
            "receiverIds": account.zzd_account_id,
            "tenantId": str(conf.get("tenant_id", "")),
            "bizMsgId": delivery.idempotency_key,
            "msg": json.dumps(msg, ensure_ascii=False),
        },
    )


ADAPTERS: dict[str, Callable[[Delivery], None]] = {
    Delivery.Channel.EMAIL: send_email,
    Delivery.Channel.ZZD: send_zzd,
    Delivery.Channel.ROBOT: send_robot,
}
