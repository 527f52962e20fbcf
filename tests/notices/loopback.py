"""Real servers on loopback for the channel tests: an SMTP server (aiosmtpd) and an HTTP server that
checks DingTalk / 浙政钉 signatures and answers a scripted sequence (error, timeout, ok …)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import threading
import time
import urllib.parse
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Mailbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.messages.append(message_from_bytes(envelope.original_content, policy=policy.default))
        return "250 OK"


class SMTPServer:
    def __init__(self):
        self.mailbox = Mailbox()
        self.port = free_port()
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()


class Recorder:
    """What the HTTP server saw: (monotonic time, path, signature valid, parsed body) per request."""

    def __init__(
        self, script: list[str], *, robot_secret: str = "", zzd_secret: str = "", stall: float = 1.0
    ):
        self.script = list(script)
        self.robot_secret, self.zzd_secret, self.stall = robot_secret, zzd_secret, stall
        self.requests: list[dict] = []
        self.lock = threading.Lock()

    def next_answer(self) -> str:
        with self.lock:
            return self.script.pop(0) if self.script else "ok"


def _robot_sign_ok(secret: str, query: dict) -> bool:
    timestamp, sign = query.get("timestamp", [""])[0], query.get("sign", [""])[0]
    expected = base64.b64encode(
        hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    ).decode()
    fresh = abs(time.time() * 1000 - int(timestamp or 0)) < 3600_000
    return fresh and hmac.compare_digest(expected, sign)


def _zzd_sign_ok(secret: str, headers, path: str, params: dict) -> bool:
    flat = {key: values[0] for key, values in params.items()}
    query = "&".join(f"{key}={flat[key]}" for key in sorted(flat))
    text = "\n".join(["POST", headers["X-Hmac-Auth-Timestamp"], headers["X-Hmac-Auth-Nonce"], path, query])
    expected = base64.b64encode(hmac.new(secret.encode(), text.encode(), hashlib.sha256).digest()).decode()
    return headers.get("X-Hmac-Auth-Version") == "1.0" and hmac.compare_digest(
        expected, headers.get("X-Hmac-Auth-Signature", "")
    )


def make_handler(recorder: Recorder):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _answer(self, status: int, body: dict):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self):  # noqa: N802
            url = urllib.parse.urlsplit(self.path)
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if recorder.zzd_secret:
                params = urllib.parse.parse_qs(raw.decode())
                signed = _zzd_sign_ok(recorder.zzd_secret, self.headers, url.path, params)
                body = {key: values[0] for key, values in params.items()}
            else:
                signed = _robot_sign_ok(recorder.robot_secret, urllib.parse.parse_qs(url.query))
                body = json.loads(raw.decode())
            if url.path == "/gettoken.json":
                return self._answer(
                    200,
                    {
                        "success": signed,
                        "content": {"success": True, "data": {"accessToken": "tok-1", "expiresIn": 7200}},
                    },
                )
            answer = recorder.next_answer() if signed else "bad_sign"
            recorder.requests.append(
                {"at": time.monotonic(), "path": url.path, "signed": signed, "body": body, "answer": answer}
            )
            if answer == "timeout":
                time.sleep(recorder.stall)
                return self._answer(200, {"errcode": 0, "success": True, "content": {"success": True}})
            if answer == "http500":
                return self._answer(500, {"error": "internal"})
            if answer in {"error", "bad_sign"}:
                if recorder.zzd_secret:
                    return self._answer(200, {"success": False, "errorCode": "233025", "errorMsg": "busy"})
                return self._answer(
                    200, {"errcode": 310000, "errmsg": "sign not match" if answer == "bad_sign" else "busy"}
                )
            if recorder.zzd_secret:
                return self._answer(
                    200,
                    {"success": True, "content": {"success": True, "data": {"msgId": body.get("bizMsgId")}}},
                )
            return self._answer(200, {"errcode": 0, "errmsg": "ok"})

    return Handler


class HTTPServer:
    def __init__(self, recorder: Recorder):
        self.recorder = recorder
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(recorder))
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
