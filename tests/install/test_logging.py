"""Log lines carry the request id; requests are logged without query strings or names; JSON on request."""

from __future__ import annotations

import json
import logging

from anxiao.core.logs import LineFormatter, RequestIdFilter, request_id


def test_each_request_is_logged_once_with_its_id_and_no_personal_data(as_user, caplog) -> None:
    client = as_user("school_admin")
    with caplog.at_level(logging.INFO, logger="anxiao.request"):
        answer = client.get("/org/people/?q=张三&mobile=13800000000", HTTP_X_REQUEST_ID="abc-123")
    assert answer["X-Request-ID"] == "abc-123"
    lines = [r for r in caplog.records if r.name == "anxiao.request"]
    assert len(lines) == 1
    text = lines[0].getMessage()
    assert text.startswith("GET /org/people/ ") and "user=" in text
    assert "张三" not in caplog.text and "13800000000" not in caplog.text
    # a made-up id that could forge log lines is replaced
    answer = client.get("/", HTTP_X_REQUEST_ID="x\nFAKE LINE")
    assert "\n" not in answer["X-Request-ID"] and len(answer["X-Request-ID"]) == 16


def test_the_formatter_writes_text_or_json_with_the_request_id() -> None:
    record = logging.LogRecord("anxiao.test", logging.ERROR, __file__, 1, "失败 %s", ("x",), None)
    token = request_id.set("rid42")
    try:
        RequestIdFilter().filter(record)
    finally:
        request_id.reset(token)
    assert "ERROR anxiao.test [rid42] 失败 x" in LineFormatter().format(record)
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    data = json.loads(LineFormatter(json=True).format(record))
    assert data["request_id"] == "rid42" and data["message"] == "失败 x" and "ValueError: boom" in data["traceback"]
