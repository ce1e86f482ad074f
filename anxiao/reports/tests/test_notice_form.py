"""The notice form shows each error at its field (issue 19), the action's included, and writes nothing."""

from __future__ import annotations

import re

import pytest

from anxiao.reports.models import Notice

pytestmark = pytest.mark.django_db


def _field_errors(html: str) -> dict[str, str]:
    """{label: error} of every field marked has-error."""
    out = {}
    for block in re.findall(r'<div class="field has-error">(.*?)</div>', html, re.S):
        found = re.search(r"<label[^>]*>(.*?)</label>", block, re.S)
        assert found is not None
        label = re.sub(r"<[^>]+>|\*", "", found.group(1)).strip()
        out[label] = " ".join(re.findall(r'<p class="error"[^>]*>(.*?)</p>', block))
    return out


def test_a_notice_without_title_or_body_shows_the_errors_at_those_fields(as_user, world):
    client = as_user("bureau_admin")
    response = client.post("/reports/notices/new/", {"bureau": world.bureau_a.pk, "kind": "notice", "title": " ",
                                                      "body": ""})
    assert response.status_code == 200
    errors = _field_errors(response.content.decode())
    assert "请填写标题" in errors["标题"] and "请填写正文" in errors["正文"]
    assert not Notice.objects.exists()


def test_an_audience_without_schools_shows_at_the_towns_field(as_user, world):
    client = as_user("bureau_admin")
    response = client.post("/reports/notices/new/", {"bureau": world.bureau_a.pk, "kind": "notice", "title": "防溺水",
                                                      "body": "各校：……", "stage": "vocational"})
    errors = _field_errors(response.content.decode())
    assert "所选范围内没有学校" in errors["发送范围：镇街"]
    assert not Notice.objects.exists()


def test_a_notice_is_issued_from_the_form(as_user, world):
    client = as_user("bureau_admin")
    response = client.post("/reports/notices/new/", {"bureau": world.bureau_a.pk, "kind": "notice", "title": "防溺水",
                                                      "body": "各校：……"})
    assert response.status_code == 302
    assert Notice.objects.get().title == "防溺水"
