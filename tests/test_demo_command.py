"""Issue 15 item 9: `make demo PORT=8001` serves the demo on a port of one's choosing, prints the URL
only once the server listens, fails at once (before loading anything) on a busy port, and lists the
accounts on every run. The demo target's own command (`manage.py run_demo --port N`) runs here in a
subprocess on a fresh SQLite database, the way `make demo` runs it, and the login page is fetched."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def demo_env(var_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    return {**env, "GOVPM_VAR_DIR": str(var_dir), "DJANGO_SETTINGS_MODULE": "config.settings.local"}


def run_until_ready(port: int, env: dict, seconds: int = 600) -> tuple[subprocess.Popen, list[str]]:
    server = subprocess.Popen(
        [sys.executable, "manage.py", "run_demo", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    deadline = time.monotonic() + seconds
    assert server.stdout is not None
    for line in server.stdout:
        lines.append(line.rstrip())
        if "demo ready" in line or time.monotonic() > deadline:
            break
    return server, lines


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    server.wait(timeout=30)


def test_demo_serves_on_the_chosen_port_and_lists_the_accounts_on_every_run_issue15_item9(tmp_path):
    """From an empty database: migrate, load, list the accounts (admin as 系统管理员 with /admin/),
    then the URL once the port answers; the login page is served there. A second run loads nothing
    and lists the same accounts."""
    port = free_port()
    env = demo_env(tmp_path)

    server, lines = run_until_ready(port, env)
    try:
        ready = lines[-1]
        assert f"http://127.0.0.1:{port}/" in ready, lines
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=30) as page:
            assert page.status == 200 and "登录" in page.read().decode()
    finally:
        stop(server)
    first = [line for line in lines if "｜" in line]
    assert any(line.split()[0] == "owner" for line in first)
    assert f"admin                 系统管理员｜管理后台 http://127.0.0.1:{port}/admin/" in [
        line.strip() for line in lines
    ]
    assert not any("admin" in line and "只读" in line for line in lines)

    again, second_lines = run_until_ready(port, env)
    stop(again)
    assert f"http://127.0.0.1:{port}/" in second_lines[-1], second_lines
    assert any("未重复加载" in line for line in second_lines)
    assert [line for line in second_lines if "｜" in line] == first


def test_demo_on_a_busy_port_says_so_before_loading_and_prints_no_url_issue15_item9(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]

        result = subprocess.run(
            [sys.executable, "manage.py", "run_demo", "--port", str(port)],
            cwd=ROOT,
            env=demo_env(tmp_path),
            capture_output=True,
            text=True,
            timeout=120,
        )

    assert result.returncode != 0
    assert f"端口 {port} 已被占用" in result.stderr and f"PORT={port + 1}" in result.stderr
    assert "http://" not in result.stdout
    assert not (tmp_path / "db.sqlite3").exists()  # failed before migrating or loading
