"""Structured log lines: a request id on every line, one line per request, no personal data.

``RequestIdMiddleware`` takes the id from ``X-Request-ID`` (nginx sets it, see deploy/nginx-anxiao.conf) or
makes one, answers it in the same header and logs ``method path status ms user=<id>`` once per request.
The query string is never logged (searches carry names and phone numbers), nor are user names.
The worker sets ``job:<name>`` as the id while a job runs (``request_id.set``).
"""

from __future__ import annotations

import contextvars
import datetime
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
log = logging.getLogger("anxiao.request")
QUIET = {"/healthz", "/readyz"}
_SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


class LineFormatter(logging.Formatter):
    """``time level logger [request id] message`` (plus the traceback), or one JSON object a line."""

    def __init__(self, json: bool = False) -> None:
        super().__init__()
        self.json = json

    def format(self, record: logging.LogRecord) -> str:
        when = datetime.datetime.fromtimestamp(record.created).astimezone().isoformat(timespec="milliseconds")
        rid = getattr(record, "request_id", "-")
        message = record.getMessage()
        trace = self.formatException(record.exc_info) if record.exc_info else ""
        if self.json:
            data: dict[str, Any] = {"time": when, "level": record.levelname, "logger": record.name,
                                    "request_id": rid, "message": message}
            if trace:
                data["traceback"] = trace
            return json.dumps(data, ensure_ascii=False)
        line = f"{when} {record.levelname} {record.name} [{rid}] {message}"
        return f"{line}\n{trace}" if trace else line


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        rid = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex[:16]
        # Not reset at the end: Django logs a failed request's line after the middleware has returned.
        request_id.set(rid)
        started = time.monotonic()
        response = self.get_response(request)
        user = getattr(request, "user", None)
        uid = user.pk if user is not None and user.is_authenticated else "-"
        ms = (time.monotonic() - started) * 1000
        level = logging.WARNING if response.status_code >= 500 else logging.INFO
        if request.path in QUIET and response.status_code < 500:
            level = logging.DEBUG  # probes every few seconds
        log.log(level, "%s %s %s %.0fms user=%s", request.method, request.path, response.status_code, ms, uid)
        response["X-Request-ID"] = rid
        return response
