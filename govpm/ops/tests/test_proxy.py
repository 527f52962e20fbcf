"""The production front (issue 13, item 8): the README's nginx configuration, run for real in front of a
gunicorn with one sync worker. Without it, one slow client holds the only worker and everyone else waits;
behind it, nginx reads the slow request and the others are served. Too large a body is refused by nginx
in the API's JSON error shape, in Chinese."""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
PROXY_CONF = REPO / "deploy" / "nginx" / "govpm-proxy.conf"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(port: int, seconds: float = 20) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing listens on {port}")


def _get(port: int, path: str, timeout: float):
    return urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout)


def _slow_client(port: int) -> socket.socket:
    """Sends the start of a request's headers, then nothing (slowloris): the reader of this connection
    waits for the rest, whatever the application would do with the request."""
    conn = socket.create_connection(("127.0.0.1", port))
    conn.sendall(b"GET /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
    return conn


@pytest.fixture
def stack(tmp_path):
    """gunicorn (one sync worker, as a small app server) and nginx with the README's proxy configuration."""
    app_port, proxy_port = _free_port(), _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    gunicorn = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", "1", "--timeout", "30",
         "--bind", f"127.0.0.1:{app_port}"],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    (tmp_path / "logs").mkdir()
    (tmp_path / "nginx.conf").write_text(
        f"""
daemon off;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/logs/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {tmp_path}/body;
    proxy_temp_path {tmp_path}/proxy;
    upstream govpm_app {{ server 127.0.0.1:{app_port}; keepalive 4; }}
    server {{
        listen 127.0.0.1:{proxy_port};
        include {PROXY_CONF};
    }}
}}
"""
    )
    nginx = subprocess.Popen(
        [shutil.which("nginx") or "/usr/sbin/nginx", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        _wait_for(app_port)
        _wait_for(proxy_port)
        assert _get(app_port, "/accounts/login/", timeout=20).status == 200  # warm: the worker has loaded
        yield app_port, proxy_port
    finally:
        nginx.terminate()
        gunicorn.terminate()
        nginx.wait(10)
        gunicorn.wait(10)


def test_slow_clients_hold_the_worker_without_the_proxy_and_not_behind_it(stack):
    app_port, proxy_port = stack
    # given a slow client talking to gunicorn directly, the only worker waits for its body
    held = _slow_client(app_port)
    try:
        with pytest.raises((TimeoutError, urllib.error.URLError)):
            _get(app_port, "/accounts/login/", timeout=2)
    finally:
        held.close()
    time.sleep(0.5)
    # when slow clients talk to nginx instead
    slow = [_slow_client(proxy_port) for _ in range(3)]
    try:
        # then everyone else is served through the proxy
        response = _get(proxy_port, "/accounts/login/", timeout=30)  # generous: a loaded CI machine is slow
        assert response.status == 200
        assert "登录" in response.read().decode()
    finally:
        for conn in slow:
            conn.close()


def test_too_large_a_body_is_refused_by_the_proxy_as_a_json_error_in_chinese(stack):
    _, proxy_port = stack
    body = b"0" * (61 * 1024 * 1024)
    request = urllib.request.Request(
        f"http://127.0.0.1:{proxy_port}/api/v1/projects/",
        data=body,
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=20)
    assert refused.value.code == 413
    assert refused.value.headers["Content-Type"].startswith("application/json")
    error = json.loads(refused.value.read().decode())["error"]
    assert error["code"] == "payload_too_large"
    assert "请求内容过大" in error["message"]


def test_app_errors_pass_through_the_proxy_unchanged(stack):
    _, proxy_port = stack
    with pytest.raises(urllib.error.HTTPError) as refused:
        _get(proxy_port, "/api/v1/projects/", timeout=30)
    assert refused.value.code == 401
    assert "error" in json.loads(refused.value.read().decode())
