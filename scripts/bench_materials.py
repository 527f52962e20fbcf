"""Materials benchmark (MAT-02): memory of one 50 MB PDF upload through the whole WSGI stack, and
p50/p99 of 200 uploads of 1 MB to one project. The request body is streamed from a file on disk into
Django's WSGI handler, so the process's memory is the app's, not the client's.

    DJANGO_SETTINGS_MODULE=config.settings.test python scripts/bench_materials.py
"""

from __future__ import annotations

import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402


def rss_kb(field: str = "VmRSS") -> int:
    """The process's resident memory now (VmRSS) or at its highest so far (VmHWM), in KB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return 0


def reset_peak() -> None:
    """Start VmHWM again from the current RSS (Linux: writing 5 to clear_refs), so the peak measured is
    the upload's own."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def body_file(kind: str, name: str, payload_size: int, head: bytes) -> tuple[Path, str, int]:
    boundary = "----govpmbench"
    path = Path(tempfile.mkstemp(suffix=".body")[1])
    with path.open("wb") as out:
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\n{kind}\r\n'.encode())
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/pdf\r\n\r\n".encode()
        )
        out.write(head)
        remaining = payload_size - len(head)
        block = b"%" + b"0" * (1024 * 1024 - 2) + b"\n"
        while remaining > 0:
            out.write(block[: min(remaining, len(block))])
            remaining -= len(block)
        out.write(f"\r\n--{boundary}--\r\n".encode())
    return path, boundary, path.stat().st_size


def post(app, path: str, token: str, body: Path, boundary: str, length: int) -> int:
    status = {}
    with body.open("rb") as stream:
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": path,
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "wsgi.input": stream,
            "wsgi.url_scheme": "http",
            "CONTENT_TYPE": f"multipart/form-data; boundary={boundary}",
            "CONTENT_LENGTH": str(length),
            "HTTP_AUTHORIZATION": f"Token {token}",
            "wsgi.errors": io.StringIO(),
        }
        result = app(environ, lambda s, h: status.setdefault("s", s))
        for _ in result:
            pass
    return int(status["s"].split()[0])


def main() -> None:
    setup_test_environment()
    connection.creation.create_test_db(verbosity=0)
    from govpm.accounts.models import AuthToken
    from govpm.materials import demo_files
    from govpm.projects import scenarios
    from govpm.projects.stages import Stage
    from tests.factories import draft, make_cast

    cast = make_cast()
    project = scenarios.advance(draft(cast.owner), cast, to=Stage.SCHEME)  # 合并方案文本 takes 55 MB
    _, token = AuthToken.objects.create(cast.owner)
    app = WSGIHandler()
    url = f"/api/v1/projects/{project.pk}/materials/"
    head = demo_files.pdf_bytes("bench")

    big, boundary, length = body_file("scheme_text", "big.pdf", 50 * 1024 * 1024, head)
    # settle imports and caches with one small upload first
    small, b2, l2 = body_file("scheme_text", "warm.pdf", 64 * 1024, head)
    assert post(app, url, token, small, b2, l2) == 201
    reset_peak()
    before = rss_kb()
    status = post(app, url, token, big, boundary, length)
    after, peak = rss_kb(), rss_kb("VmHWM")
    print(
        f"50 MB PDF upload: HTTP {status}, RSS {before // 1024} MB -> {after // 1024} MB, "
        f"growth {(after - before) / 1024:.1f} MB, peak growth during the upload {(peak - before) / 1024:.1f} MB"
    )

    one, b3, l3 = body_file("scheme_text", "one.pdf", 1024 * 1024, head)
    times = []
    for _ in range(200):
        start = time.perf_counter()
        assert post(app, url, token, one, b3, l3) == 201
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    print(
        f"200 uploads of 1 MB: p50 {statistics.median(times):.1f} ms, p99 {times[int(len(times) * 0.99) - 1]:.1f} ms"
    )
    for path in (big, small, one):
        path.unlink()


if __name__ == "__main__":
    main()
