"""`make demo`: migrate, load the demo data once, list the accounts, serve on the given port.

The port is checked before anything else, so a busy port fails at once with a message that says how
to choose another; the URL is printed only once the server accepts connections on it."""

import signal
import socket
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

STARTUP_SECONDS = 60


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # As the server will bind: a port in TIME_WAIT after a closed connection is free, a listener is not.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def listening(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


class Command(BaseCommand):
    help = "演示：迁移数据库、首次加载演示数据、列出演示账号，并在指定端口启动服务"

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, **options):
        if not settings.GOVPM_DEMO:
            raise CommandError("演示只能在演示环境运行（GOVPM_DEMO=1）")
        port = options["port"]
        if not port_is_free(port):
            raise CommandError(
                f"端口 {port} 已被占用，请换一个端口，例如 make demo PORT={port + 1}"
                f"（port {port} is in use: choose another, e.g. make demo PORT={port + 1}）"
            )
        call_command("migrate", interactive=False, verbosity=0)
        call_command("load_demo", port=port, stdout=self.stdout)
        # `kill` (SIGTERM) ends the demo like Ctrl-C: through the finally below, which stops the server.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=settings.BASE_DIR,
        )
        try:
            deadline = time.monotonic() + STARTUP_SECONDS
            while not listening(port):
                if server.poll() is not None or time.monotonic() > deadline:
                    raise CommandError(
                        f"演示服务未能在端口 {port} 启动（the server did not start on port {port}）"
                    )
                time.sleep(0.2)
            self.stdout.write(
                f"演示已启动（demo ready）：http://127.0.0.1:{port}/ ；API 文档 http://127.0.0.1:{port}/api/docs/"
            )
            self.stdout.flush()
            server.wait()
        except KeyboardInterrupt:
            pass
        finally:
            if server.poll() is None:
                server.terminate()
                server.wait(timeout=10)
