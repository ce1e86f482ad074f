"""A local stand-in for a DingTalk / WeCom group robot on 127.0.0.1 (``with FakeRobot() as robot: … robot.url``)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

OK = {"errcode": 0, "errmsg": "ok"}


class FakeRobot:
    """Answers every message with ``answer`` (default: ok) and keeps what it received and the query strings."""

    def __init__(self, answer: dict | None = None) -> None:
        self.fixed = answer or OK
        self.received: list[dict] = []
        self.queries: list[dict] = []
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
                robot.queries.append(query)
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                data = json.dumps(robot.answer(query, body)).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/robot/send?access_token=t"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def answer(self, query: dict, body: Any) -> dict:
        self.received.append(body)
        return self.fixed

    def __enter__(self) -> Any:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
