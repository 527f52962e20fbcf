"""Runs inside .venv-oc4ids (libcoveoc4ids 0.9.1, which needs libcoveocds < 0.17): reads an OC4IDS
project package on stdin, validates it against the schema folder given as argv[1], prints the result
as JSON on stdout.

libcove fetches schemas and codelists over HTTP, so the schema folder is served on 127.0.0.1 for the
run: nothing leaves the machine. Open codelists whose official CSVs are not shipped are served empty
(a header only), which libcove reads as "no codes to check" — open codelists allow any code anyway."""

import functools
import http.server
import json
import sys
import threading
from pathlib import Path

from libcoveoc4ids.api import oc4ids_json_output
from libcoveoc4ids.config import LibCoveOC4IDSConfig


class SchemaHandler(http.server.SimpleHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's name)
        path = Path(self.directory) / self.path.lstrip("/").split("?")[0]
        if self.path.startswith("/codelists/") and not path.exists():
            body = b"Code,Title\n"
            self.send_response(200)
            self.send_header("Content-Type", "text/csv")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    def log_message(self, *args):
        pass


def main() -> None:
    schema_dir = sys.argv[1]
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(SchemaHandler, directory=schema_dir)
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    config = LibCoveOC4IDSConfig(
        {
            "schema_version": "0.9",
            "schema_version_choices": {"0.9": ("0.9", base)},
            "schema_host": base,
            "schema_codelists": {"0.9": base + "codelists/"},
        }
    )
    package = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    result = oc4ids_json_output(json_data=package, lib_cove_oc4ids_config=config)
    server.shutdown()
    json.dump(
        result,
        sys.stdout,
        ensure_ascii=False,
        default=lambda value: sorted(value) if isinstance(value, set) else str(value),
    )


if __name__ == "__main__":
    main()
