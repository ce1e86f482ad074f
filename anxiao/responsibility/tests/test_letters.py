from __future__ import annotations

import hashlib
import io
import json
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from anxiao.accounts.models import ApiToken
from anxiao.responsibility import actions
from anxiao.responsibility.exports import letter_docx, letter_pdf
from anxiao.responsibility.models import Letter, LetterStatus, Signature

from .fixtures import letters, lists


def _api(client, user, method: str, url: str, body: dict | None = None):  # type: ignore[no-untyped-def]
    _token, raw = ApiToken.issue(user)
    return getattr(client, method)(url, data=json.dumps(body or {}), content_type="application/json",
                                   HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_it_issues_letters_to_every_school_of_the_bureau_in_one_action(world) -> None:
    # given
    lists(world)
    # when
    result = actions.issue_letters(world.users["bureau_admin"], world.bureau_a, "bureau_school", 2027)
    again = actions.issue_letters(world.users["bureau_admin"], world.bureau_a, "bureau_school", 2027)
    # then one letter per school principal, none twice, none for the other county
    assert len(result["created"]) == 2 and again["existing"] == 2 and not again["created"]
    letter = next(x for x in result["created"] if x.signatory_unit_id == world.a1.pk)
    assert letter.status == LetterStatus.ISSUED and letter.signatory_person == world.people["a1_principal"]
    assert letter.clauses == [{"text": "负责本班学生安全教育和疏散演练签到", "clause_ref": "四(一)"}]
    assert "2027年度" in letter.preamble and "甲县教育局" in letter.preamble


def test_it_refuses_a_bureau_kind_letter_from_a_school(world) -> None:
    # given / when / then
    with pytest.raises(ValidationError, match="只能由教育局下发"):
        actions.issue_letters(world.users["school_admin"], world.a1, "bureau_school", 2027)
    with pytest.raises(PermissionDenied):
        actions.issue_letters(world.users["outsider"], world.bureau_a, "bureau_school", 2027)


def test_it_lets_the_signatory_sign_with_a_timestamp_and_the_hash_of_the_content(world) -> None:
    # given
    letter = letters(world)["a1_teacher"]
    # when
    signature = actions.sign_letter(world.users["school_member"], letter)
    # then
    letter.refresh_from_db()
    expected = hashlib.sha256(json.dumps(actions.content_of(letter), ensure_ascii=False, sort_keys=True,
                                         separators=(",", ":")).encode()).hexdigest()
    assert letter.status == LetterStatus.SIGNED
    assert signature.content_hash == expected and signature.signed_at is not None
    assert signature.user == world.users["school_member"]


def test_it_refuses_signing_someone_elses_letter(world, client) -> None:
    # given the principal's letter
    letter = letters(world)["a1_principal"]
    # when the teacher (and a bureau admin) try to sign it
    response = _api(client, world.users["school_member"], "post", f"/api/v1/letters/{letter.pk}/signature")
    with pytest.raises(PermissionDenied):
        actions.sign_letter(world.users["bureau_admin"], letter)
    # then it is refused with a clear message and nothing changed
    assert response.status_code == 403
    assert response.json()["detail"] == "只能由乙方签订人本人用自己的账号签订"
    letter.refresh_from_db()
    assert letter.status == LetterStatus.ISSUED and not Signature.objects.exists()


def test_it_refuses_editing_a_signed_letter(world, client) -> None:
    # given a signed letter
    letter = letters(world)["a1_teacher"]
    actions.sign_letter(world.users["school_member"], letter)
    # when the school admin patches it
    response = _api(client, world.users["school_admin"], "patch", f"/api/v1/letters/{letter.pk}",
                    {"terms": "悄悄改掉的条款"})
    # then
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "status",
                                          "message": "已签订的责任书不能修改；如需变更，请发布新版本并重新签订"}]
    letter.refresh_from_db()
    assert letter.terms != "悄悄改掉的条款" and letter.status == LetterStatus.SIGNED


def test_it_issues_a_new_version_that_asks_for_a_new_signature(world, as_user) -> None:
    # given a signed letter
    letter = letters(world)["a1_teacher"]
    actions.sign_letter(world.users["school_member"], letter)
    # when the school publishes a new version through the web form
    client = as_user("school_admin")
    response = client.post(f"/responsibility/letters/{letter.pk}/edit/", {
        "title": letter.title, "preamble": letter.preamble, "terms": letter.terms,
        "clauses": "负责本班学生安全教育\n每天放学清点学生"})
    # then the old version is superseded and the new one waits for the signatory
    new = Letter.objects.get(previous=letter)
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.status == LetterStatus.SUPERSEDED
    assert (new.version, new.status) == (2, LetterStatus.ISSUED)
    teacher = as_user("school_member")
    assert teacher.post(f"/responsibility/letters/{new.pk}/sign/").status_code == 302
    new.refresh_from_db()
    assert new.status == LetterStatus.SIGNED
    assert new.signature.content_hash != letter.signature.content_hash


def test_it_exports_docx_and_pdf_with_chinese_text(world) -> None:
    # given
    letter = letters(world)["a1_principal"]
    # when
    docx = letter_docx(letter)
    pdf = letter_pdf(letter)
    # then
    from docx import Document

    text = "\n".join(p.text for p in Document(io.BytesIO(docx)).paragraphs)
    assert "学校安全工作目标责任书" in text and "乙方：新华中学" in text
    assert pdf.startswith(b"%PDF") and b"/FontFile" in pdf  # the CJK font is embedded


def test_it_exports_many_letters_as_one_zip(world, as_user) -> None:
    # given
    letters(world)
    # when
    response = as_user("school_admin").get("/responsibility/letters/export.zip?format=docx&year=2026")
    # then
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert response.status_code == 200 and len(names) == 4  # a1: principal, teacher, officer, bus
    assert all(n.startswith("新华中学/") and n.endswith(".docx") for n in names)


def test_it_expires_letters_of_past_years(world) -> None:
    # given
    letters(world)
    import datetime

    # when
    n = actions.expire_letters(datetime.date(2027, 1, 1))
    # then
    assert n == Letter.objects.count() and not Letter.objects.exclude(status=LetterStatus.EXPIRED).exists()


def test_it_reminds_the_signatory_through_the_outbox(world) -> None:
    # given an issued letter for the teacher (who has an account)
    from anxiao.notifications.models import Outbox

    letter = letters(world)["a1_teacher"]
    assert Outbox.objects.filter(user=world.users["school_member"], title__contains="请签订").count() == 1
    # when the weekly job runs a week later, twice
    import datetime

    from django.utils import timezone

    later = timezone.now() + datetime.timedelta(days=8)
    actions.remind_unsigned(later)
    actions.remind_unsigned(later)
    # then one reminder was queued, and none once the letter is signed
    assert Outbox.objects.filter(user=world.users["school_member"], title__contains="周提醒").count() == 1
    actions.sign_letter(world.users["school_member"], letter)
    assert actions.remind_unsigned(later + datetime.timedelta(days=7)) == 3  # principals and the officer


def test_it_counts_letters_per_status_and_overdue_for_the_bureau(world) -> None:
    # given four 2026 letters in county A, one signed, one issued three weeks ago
    import datetime

    from django.utils import timezone

    from anxiao.responsibility.selectors import coverage

    ls = letters(world)
    actions.sign_letter(world.users["school_member"], ls["a1_teacher"])
    Letter.objects.filter(pk=ls["a2_principal"].pk).update(issued_at=timezone.now() - datetime.timedelta(days=21))
    # when
    data = coverage(world.bureau_a, 2026)
    # then
    assert data["letters"] == {"issued": 4, "signed": 1, "unsigned": 3, "draft": 1, "overdue": 1}
    assert data["counts"]["unsigned"] == 3


def test_a_refused_signature_over_the_web_is_a_message_on_the_letter(world, as_user) -> None:
    # given the teacher's letter, already signed
    letter = letters(world)["a1_teacher"]
    actions.sign_letter(world.users["school_member"], letter)
    # when the teacher signs it again over the web
    response = as_user("school_member").post(f"/responsibility/letters/{letter.pk}/sign/", follow=True)
    # then the refusal is flashed on the letter's page
    assert response.redirect_chain == [(f"/responsibility/letters/{letter.pk}/", 302)]
    assert "该责任书已签订" in response.content.decode()
