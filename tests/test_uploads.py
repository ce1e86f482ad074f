"""Issue 15, Uploads: every upload path goes through core.files.check_upload (content-checked, size-limited),
and task evidence is downloaded only through the task's access check."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from anxiao.chiefs import actions as chief_actions
from anxiao.chiefs.models import TaskStatus
from anxiao.chiefs.tests.fixtures import chiefs_world, user_for
from anxiao.core.choices import Role
from anxiao.obligations import actions as obligation_actions
from anxiao.obligations.models import Activity

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
FAKE_PDF = b"<html><script>alert(1)</script></html>"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _pdf(name: str = "记录.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n% minutes\n", content_type="application/pdf")


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buf, format="PNG")
    return buf.getvalue()


def test_an_activity_attachment_is_checked_by_content_and_nothing_is_written(world):
    with pytest.raises(ValidationError) as exc:
        obligation_actions.record_activity(world.users["school_admin"], kind="meeting", unit=world.a1,
                                           occurred_on=TODAY, today=TODAY, title="安全会议",
                                           files=[SimpleUploadedFile("纪要.pdf", FAKE_PDF)])
    assert "attachments" in exc.value.message_dict
    assert not Activity.objects.exists()


def test_an_activity_attachment_over_the_size_limit_is_refused(world, settings):
    settings.MAX_UPLOAD_MB = 1
    big = SimpleUploadedFile("纪要.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 1))
    with pytest.raises(ValidationError) as exc:
        obligation_actions.record_activity(world.users["school_admin"], kind="meeting", unit=world.a1,
                                           occurred_on=TODAY, today=TODAY, title="安全会议", files=[big])
    assert "超过 1 MB" in exc.value.message_dict["attachments"][0]


def test_an_activity_attachment_over_the_api_is_checked_by_content(world, as_user):
    activity = obligation_actions.record_activity(world.users["school_admin"], kind="meeting", unit=world.a1,
                                                  occurred_on=TODAY, today=TODAY, title="安全会议")
    client = as_user("school_admin")
    response = client.post(f"/api/v1/activities/{activity.pk}/attachments",
                           {"file": SimpleUploadedFile("纪要.pdf", FAKE_PDF)})
    assert response.status_code == 422, response.content
    assert not activity.attachments.exists()
    response = client.post(f"/api/v1/activities/{activity.pk}/attachments", {"file": _pdf()})
    assert response.status_code in (200, 201), response.content


def test_task_evidence_is_checked_by_content(world):
    c = chiefs_world(world)
    liaison = user_for(c.liaison, Role.SCHOOL_MEMBER, unit=c.police)
    chief_actions.accept_task(liaison, c.task)
    with pytest.raises(ValidationError) as exc:
        chief_actions.close_task(liaison, c.task, evidence="已整治", files=[SimpleUploadedFile("现场.jpg", FAKE_PDF)])
    assert "attachments" in exc.value.message_dict
    c.task.refresh_from_db()
    assert c.task.status == TaskStatus.ACCEPTED and not c.task.attachments.exists()


def test_task_evidence_downloads_only_through_the_task_access_check(world, client):
    c = chiefs_world(world)
    liaison = user_for(c.liaison, Role.SCHOOL_MEMBER, unit=c.police)
    chief_actions.accept_task(liaison, c.task)
    chief_actions.close_task(liaison, c.task, evidence="已整治", files=[_pdf("出警记录.pdf")])
    attachment = c.task.attachments.get()
    url = reverse("chiefs:task_attachment_download", args=[attachment.pk])
    client.force_login(world.users["bureau_admin"])
    response = client.get(url)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert url in client.get(reverse("chiefs:task_detail", args=[c.task.pk])).content.decode()
    client.force_login(world.users["outsider"])
    assert client.get(url).status_code == 404


def test_an_import_that_is_not_an_xlsx_is_refused_by_content(world):
    from anxiao.org import excel

    for upload in [SimpleUploadedFile("单位.xlsx", FAKE_PDF), SimpleUploadedFile("单位.xlsx", _png()),
                   SimpleUploadedFile("单位.xlsx", b"")]:
        result = excel.import_file(world.users["bureau_admin"], "units", upload)
        assert not result.ok and result.errors, upload.name


def test_an_import_over_the_size_limit_is_refused(world, settings):
    from anxiao.org import excel

    settings.MAX_UPLOAD_MB = 1
    result = excel.import_file(world.users["bureau_admin"], "units",
                               SimpleUploadedFile("单位.xlsx", b"PK\x03\x04" + b"0" * (1024 * 1024 + 1)))
    assert not result.ok and "超过 1 MB" in result.errors[0].message
