from __future__ import annotations

import datetime
import io
import re

import pytest
from django.core.exceptions import ValidationError

from anxiao.documents import gongwen
from anxiao.documents.contexts import letter_context
from anxiao.documents.render import builtin_bytes, paragraphs, render
from anxiao.responsibility import actions as letter_actions
from anxiao.responsibility.exports import letter_docx, letter_pdf
from anxiao.responsibility.tests.fixtures import letters

from .checks import assert_docx_a4_with_page_numbers, assert_pdf_a4_numbered_embedded, docx_fonts


def test_dates_are_written_in_the_official_form_without_zero_padding() -> None:
    assert gongwen.cn_date(datetime.date(2026, 12, 4)) == "2026年12月4日"
    assert gongwen.cn_date(datetime.date(2027, 1, 9)) == "2027年1月9日"
    assert gongwen.page_number(3) == "— 3 —"
    assert [gongwen.heading_number(i) for i in (1, 10, 11, 20)] == ["一", "十", "十一", "二十"]


@pytest.mark.parametrize("name", ["letter", "notice", "bulletin", "assessment_bulletin"])
def test_every_builtin_template_is_a4_with_standard_margins_page_numbers_and_official_faces(name) -> None:
    # given / when
    docx = builtin_bytes(name if name != "letter" else "bureau_school")
    # then
    assert_docx_a4_with_page_numbers(docx)
    assert {gongwen.FONT_BODY, gongwen.FONT_TITLE} <= docx_fonts(docx)


def test_a_signed_letter_shows_both_parties_accounts_times_hashes_and_wet_signature_lines(world) -> None:
    # given a letter issued by the bureau admin and signed by the principal with their own account
    lists_and_letters = letters(world)
    letter = lists_and_letters["a1_principal"]
    letter.issued_by = world.users["bureau_admin"]
    letter.save()
    principal = world.people["a1_principal"]
    user = principal.user if hasattr(principal, "user") else None
    from anxiao.accounts.models import User

    user = User.objects.filter(person=principal).first()
    if user is None:
        user = User.objects.create_user("principal_a1", password="x", person=principal)
    signature = letter_actions.sign_letter(user, letter)
    letter.refresh_from_db()
    # when
    docx = letter_docx(letter)
    pdf = letter_pdf(letter)
    # then
    text = "\n".join(paragraphs(docx))
    assert "2026年度学校安全工作目标责任书" in text and "乙方：新华中学" in text
    assert f"（账号 {user.username}）" in text and f"（账号 {world.users['bureau_admin'].username}）" in text
    assert signature.content_hash in text and "签订人（签字）" in text and "甲方（盖章）" in text
    assert "日期：　　　年　　月　　日" in text
    assert gongwen.cn_date(signature.signed_at) in text
    assert_docx_a4_with_page_numbers(docx)
    info = assert_pdf_a4_numbered_embedded(pdf)
    whole = "".join(info["pages"])
    assert signature.content_hash in whole.replace(" ", "").replace("\n", "") or signature.content_hash[:32] in whole


def test_an_unsigned_letter_prints_lines_for_signing_on_paper(world) -> None:
    letter = letters(world)["a1_bus"]
    text = "\n".join(paragraphs(letter_docx(letter)))
    assert "未电子签订，以纸质签字盖章为准" in text and "乙方：甲县安达校车公司" in text


def test_a_long_letter_numbers_every_pdf_page(world) -> None:
    letter = letters(world)["a1_principal"]
    letter.clauses = [{"text": "落实安全责任，" * 12, "clause_ref": f"{i}"} for i in range(30)]
    pdf = letter_pdf(letter)
    info = assert_pdf_a4_numbered_embedded(pdf)
    assert len(info["sizes"]) >= 3


def test_a_template_with_an_unknown_placeholder_is_refused_in_chinese(world) -> None:
    from anxiao.documents.builtin.make import new_document, para

    doc = new_document()
    para(doc, "{{ no_such_field }}")
    buf = io.BytesIO()
    doc.save(buf)
    with pytest.raises(ValidationError) as err:
        render(buf.getvalue(), letter_context(letters(world)["a1_principal"]))
    assert "占位符“no_such_field”不存在" in str(err.value)
    with pytest.raises(ValidationError) as err:
        render(b"not a zip", {})
    assert "不是 Word 文档" in str(err.value)


def test_a_template_cannot_reach_python_internals(world) -> None:
    from anxiao.documents.builtin.make import new_document, para

    doc = new_document()
    para(doc, "{{ title.__class__.__mro__ }}")
    buf = io.BytesIO()
    doc.save(buf)
    with pytest.raises(ValidationError) as err:
        render(buf.getvalue(), letter_context(letters(world)["a1_principal"]))
    assert "不允许" in str(err.value) or "不存在" in str(err.value)


def _upload(name: str, data: bytes):  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_uploads_keep_versions_and_a_refused_file_leaves_nothing_behind(world) -> None:
    from django.core.exceptions import PermissionDenied

    from anxiao.documents import actions
    from anxiao.documents.models import DocumentTemplate
    from anxiao.documents.render import current_template

    admin = world.users["bureau_admin"]
    # a PNG named .docx, and a Word file with a misspelt placeholder, are refused in Chinese
    with pytest.raises(ValidationError) as err:
        actions.upload_template(admin, world.bureau_a, "notice", _upload("x.docx", b"\x89PNG\r\n\x1a\n" + b"0" * 50))
    assert "file" in err.value.message_dict
    assert not DocumentTemplate.objects.exists()
    # two uploads are two versions; the later one is current and used by the bureau's schools too
    v1 = actions.upload_template(admin, world.bureau_a, "notice", _upload("a.docx", builtin_bytes("notice")))
    v2 = actions.upload_template(admin, world.bureau_a, "notice", _upload("b.docx", builtin_bytes("notice")), "新版")
    v1.refresh_from_db()
    assert (v1.version, v1.is_current, v2.version, v2.is_current) == (1, False, 2, True)
    assert current_template(world.a1, "notice") == v2
    # going back to version 1, then to the built-in template
    actions.use_version(admin, v1)
    assert current_template(world.bureau_a, "notice") == v1
    actions.use_builtin(admin, world.bureau_a, "notice")
    assert current_template(world.bureau_a, "notice") is None and DocumentTemplate.objects.count() == 2
    # a school administrator cannot change the bureau's templates
    with pytest.raises(PermissionDenied):
        actions.upload_template(world.users["school_admin"], world.bureau_a, "notice",
                                _upload("c.docx", builtin_bytes("notice")))


def test_notice_and_assessment_documents_are_a4_numbered_and_dated(world, as_user) -> None:
    from anxiao.documents.contexts import notice_context, sample_context
    from anxiao.documents.pdf import assessment_pdf, notice_pdf
    from anxiao.reports.tests.matrix import notice as make_notice

    notice = make_notice(world)
    response = as_user("school_admin").get(f"/reports/notices/{notice.pk}/notice.docx")
    assert response.status_code == 200
    docx = response.content
    text = "\n".join(paragraphs(docx))
    assert f"{notice.issuer.name}文件" in text and gongwen.cn_date(notice.issued_at) in text
    assert_docx_a4_with_page_numbers(docx)
    assert_pdf_a4_numbered_embedded(notice_pdf(notice_context(notice)))
    sample = sample_context("assessment_bulletin", world.bureau_a)
    bulletin = render(builtin_bytes("assessment_bulletin"), sample)
    assert "示例第一中学" in "\n".join(paragraphs(bulletin))
    assert_docx_a4_with_page_numbers(bulletin)
    assert_pdf_a4_numbered_embedded(assessment_pdf(sample))


def test_a_bureau_can_point_the_pdf_to_its_licensed_face(monkeypatch, tmp_path) -> None:
    from anxiao.core.pdf import PdfUnavailable
    from anxiao.documents.contexts import sample_context
    from anxiao.documents.pdf import notice_pdf

    from .checks import pdf_info

    context = sample_context("notice", None)
    monkeypatch.setenv("ANXIAO_DOCUMENT_FONT", str(tmp_path / "仿宋_GB2312.ttf"))
    with pytest.raises(PdfUnavailable, match="ANXIAO_DOCUMENT_FONT"):
        notice_pdf(context)
    # a face that exists (here Noto Sans CJK stands in for the licensed file) is the one embedded, title included
    monkeypatch.setenv("ANXIAO_DOCUMENT_FONT", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
    monkeypatch.setenv("ANXIAO_DOCUMENT_FONT_INDEX", "2")
    fonts = {row[0].split("+")[-1] for row in pdf_info(notice_pdf(context))["fonts"]}
    assert fonts == {"NotoSansCJKsc"} or all("Sans" in f for f in fonts), fonts


def _marked(kind: str, mark: str) -> bytes:
    from docx import Document

    doc = Document(io.BytesIO(builtin_bytes(kind)))
    doc.add_paragraph(mark)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("kind", ["notice", "bulletin"])
def test_a_notice_or_bulletin_keeps_the_template_version_it_was_issued_with(world, as_user, kind) -> None:
    from anxiao.documents import actions
    from anxiao.reports import notices

    admin = world.users["bureau_admin"]
    v1 = actions.upload_template(admin, world.bureau_a, kind, _upload("v1.docx", _marked(kind, "【模板第一版】")))
    notice = notices.issue(admin, world.bureau_a, title="关于开展安全检查的通知", body="正文", kind=kind)
    assert notice.template == v1
    # the bureau moves on to version 2: the notice issued before still prints from version 1
    actions.upload_template(admin, world.bureau_a, kind, _upload("v2.docx", _marked(kind, "【模板第二版】")))
    text = "\n".join(paragraphs(as_user("school_admin").get(f"/reports/notices/{notice.pk}/notice.docx").content))
    assert "【模板第一版】" in text and "【模板第二版】" not in text
    # a notice issued now records and prints version 2; one issued under the built-in template stays built-in
    later = notices.issue(admin, world.bureau_a, title="第二份", body="正文", kind=kind)
    assert later.template is not None and later.template.version == 2
    actions.use_builtin(admin, world.bureau_a, kind)
    plain = notices.issue(admin, world.bureau_a, title="第三份", body="正文", kind=kind)
    assert plain.template is None
    actions.use_version(admin, v1)
    text = "\n".join(paragraphs(as_user("school_admin").get(f"/reports/notices/{plain.pk}/notice.docx").content))
    assert "【模板第" not in text


def test_the_assessment_result_bulletin_keeps_the_template_version_it_was_issued_with(world, as_user) -> None:
    """As notices: the results are issued when computed; the bulletin then prints with the template version of
    that moment, whatever the bureau uploads later (before, it previews the current one)."""
    from anxiao.assessment import actions as assessment
    from anxiao.documents import actions

    admin = world.users["bureau_admin"]
    kind = "assessment_bulletin"
    scheme = assessment.create_scheme(None, world.bureau_a, year=2025, name="测试考核")
    assessment.publish(None, scheme)
    v1 = actions.upload_template(admin, world.bureau_a, kind, _upload("v1.docx", _marked(kind, "【模板第一版】")))

    def printed() -> str:
        response = as_user("bureau_admin").get(f"/assessment/{scheme.pk}/bulletin.docx")
        assert response.status_code == 200
        return "\n".join(paragraphs(response.content))

    assessment.compute(None, scheme)
    scheme.refresh_from_db()
    assert scheme.bulletin_template == v1
    actions.upload_template(admin, world.bureau_a, kind, _upload("v2.docx", _marked(kind, "【模板第二版】")))
    assert "【模板第一版】" in printed() and "【模板第二版】" not in printed()
    # computed again (re-issued): the version current then; issued under the built-in template stays built-in
    assessment.compute(None, scheme)
    assert "【模板第二版】" in printed()
    actions.use_builtin(admin, world.bureau_a, kind)
    assessment.compute(None, scheme)
    actions.use_version(admin, v1)
    assert "【模板第" not in printed()


def test_a_bulletin_drafted_from_the_data_and_issued_opens_as_a_gongwen_docx(world, as_user) -> None:
    """The 通报 a bureau drafts from the month's data (``notices.bulletin_text``) and issues, opened as Word opens it:
    A4 with the standard margins, the red 发文机关标志, the 发文字号 under it, the title in the 小标宋 face, the body
    in 仿宋 at 三号, 成文日期 in the 公文 form (2026年12月5日, no zero padding anywhere), page numbers “— 1 —”."""
    from django.utils import timezone
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from anxiao.reports import notices
    from anxiao.reports.models import Notice

    # given the January bulletin drafted from the data and issued as 通报 with its number, on 5 December
    title, body = notices.bulletin_text(world.bureau_a, datetime.date(2026, 1, 1), datetime.date(2026, 2, 3))
    notice = notices.issue(world.users["bureau_admin"], world.bureau_a, title=title, body=body, kind="bulletin",
                           document_number="甲教安〔2026〕5号")
    Notice.objects.filter(pk=notice.pk).update(
        issued_at=timezone.make_aware(datetime.datetime(2026, 12, 5, 10, 30)))  # a one-digit day
    # when a school opens it
    response = as_user("school_admin").get(f"/reports/notices/{notice.pk}/notice.docx")
    # then
    assert response.status_code == 200
    docx = response.content
    assert_docx_a4_with_page_numbers(docx)
    doc = Document(io.BytesIO(docx))
    paras = [p for p in doc.paragraphs if p.text.strip()]
    texts = [p.text for p in paras]

    def at(text: str):  # type: ignore[no-untyped-def]
        return next(p for p in paras if p.text == text)

    mark = at(f"{world.bureau_a.name}文件")
    assert str(mark.runs[0].font.color.rgb) == gongwen.RED and mark.alignment == WD_ALIGN_PARAGRAPH.CENTER
    number = at("甲教安〔2026〕5号")
    assert texts.index(number.text) == texts.index(mark.text) + 1 and number.alignment == WD_ALIGN_PARAGRAPH.CENTER
    heading = at("关于2026年1月学校安全台账报送和隐患整改情况的通报")
    assert _east_asia(heading.runs[0]) == gongwen.FONT_TITLE and heading.runs[0].font.size.pt == gongwen.SIZE_TITLE
    first = next(p for p in paras if p.text.startswith("根据2026年1月"))
    assert _east_asia(first.runs[0]) in (gongwen.FONT_BODY, None)  # None: the Normal style's 仿宋 at 三号
    assert (first.runs[0].font.size or doc.styles["Normal"].font.size).pt == gongwen.SIZE_BODY
    dated = at("2026年12月5日")
    assert dated.alignment == WD_ALIGN_PARAGRAPH.RIGHT and texts[texts.index("2026年12月5日") - 1] == world.bureau_a.name
    whole = "\n".join(texts)
    assert "（印章）" in whole and not re.search(r"\d{4}-\d{2}-\d{2}|年0\d月|月0\d日", whole), whole
    # and the PDF of the same record: A4, numbered “— 1 —”, the serif face embedded, the same number and date
    pdf = as_user("school_admin").get(f"/reports/notices/{notice.pk}/notice.pdf").content
    info = assert_pdf_a4_numbered_embedded(pdf)
    flat = "".join("".join(p.split()) for p in info["pages"])
    assert "甲教安〔2026〕5号" in flat and "2026年12月5日" in flat


def _east_asia(run) -> str | None:  # type: ignore[no-untyped-def]
    from docx.oxml.ns import qn

    fonts = run._element.rPr.find(qn("w:rFonts")) if run._element.rPr is not None else None
    return fonts.get(qn("w:eastAsia")) if fonts is not None else None


def test_the_upload_page_previews_a_template_or_says_why_not(world, as_user) -> None:
    # the check (预览) runs through core.flash like the upload: a refusal is the page again with the message (422)
    from anxiao.documents.models import DocumentTemplate

    client = as_user("bureau_admin")
    good = client.post("/documents/templates/upload/", {"unit": world.bureau_a.pk, "kind": "notice",
                                                        "action": "preview", "file": _upload("通知.docx",
                                                                                           builtin_bytes("notice"))})
    bad = client.post("/documents/templates/upload/", {"unit": world.bureau_a.pk, "kind": "notice",
                                                       "action": "preview", "file": _upload("通知.docx", b"not a docx")})
    assert good.status_code == 200 and bad.status_code == 422
    assert 'class="msg error"' not in good.content.decode() and 'class="msg error"' in bad.content.decode()
    assert not DocumentTemplate.objects.exists()
