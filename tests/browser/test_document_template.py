"""A bureau admin uploads a Word template with a new placeholder layout; the next letter issued uses it."""

from __future__ import annotations

import re

import pytest

from anxiao.core.testing import PASSWORD
from anxiao.documents.builtin.make import heading, new_document, para, title
from anxiao.documents.render import paragraphs
from anxiao.responsibility.models import Letter
from anxiao.responsibility.tests.fixtures import lists

from .conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.one_pass, pytest.mark.django_db(transaction=True)]


def _bureau_layout(path):  # type: ignore[no-untyped-def]
    """The bureau's own layout: its own heading line, parties the other way round, numbered 第N条 clauses."""
    doc = new_document()
    para(doc, "甲县教育局专用版式")
    title(doc)
    para(doc, "乙方 {{ party_b }} 向甲方 {{ party_a }} 承诺：")
    heading(doc, "承诺事项")
    para(doc, "{%p for c in clauses %}")
    para(doc, "第{{ c.no }}条　{{ c.text }}", indent=True)
    para(doc, "{%p endfor %}")
    para(doc, "成文日期：{{ date }}　甲方经办：{{ sign_a.text }}")
    doc.save(str(path))
    return path


def test_bureau_admin_uploads_a_template_and_the_next_letter_uses_it(page_for, world, tmp_path, live_server):
    # given the principals' duty lists and a template file in the bureau's own layout
    lists(world)
    broken = tmp_path / "错误模板.docx"
    doc = new_document()
    para(doc, "{{ 乙方名称 }")
    doc.save(str(broken))
    template = _bureau_layout(tmp_path / "甲县责任书模板.docx")
    page = page_for("bureau_admin", PASSWORD)
    page.set_viewport_size({"width": 1366, "height": 900})
    # when a broken template is previewed, the error is in Chinese
    page.goto(f"{page.base}/documents/templates/")
    page.select_option("#kind", "bureau_school")
    page.set_input_files("#file", str(broken))
    page.click("button:has-text('预览')")
    assert "占位符写法有误" in page.inner_text("main")
    # and the good one previews with sample data, then is uploaded
    page.select_option("#kind", "bureau_school")
    page.set_input_files("#file", str(template))
    page.click("button:has-text('预览')")
    page.wait_for_selector("text=预览（示例数据，未保存）")
    preview = page.inner_text("main")
    assert "甲县教育局专用版式" in preview and "第1条" in preview
    shot(page, "document_template_preview_bureau")
    page.select_option("#kind", "bureau_school")
    page.set_input_files("#file", str(template))
    page.fill("#note", "2027 年起使用")
    page.click("button:has-text('上传并启用')")
    page.wait_for_selector("text=当前使用")
    shot(page, "document_template_uploaded_bureau")
    # and the bureau issues this year's letters to its principals
    page.goto(f"{page.base}/responsibility/letters/issue/")
    page.select_option("select[name=issuer]", str(world.bureau_a.pk))
    page.select_option("select[name=kind]", "bureau_school")
    page.fill("input[name=year]", "2027")
    page.click("button:has-text('下发')")
    page.wait_for_load_state()
    # then the letter's Word file is in the new layout, with the real parties filled in
    letter = Letter.objects.get(year=2027, signatory_unit=world.a1)
    assert letter.template is not None and letter.template.version == 1
    response = page.request.get(f"{page.base}/responsibility/letters/{letter.pk}/letter.docx")
    assert response.status == 200
    text = "\n".join(paragraphs(response.body()))
    assert "甲县教育局专用版式" in text
    assert f"乙方 {letter.party_b} 向甲方 甲县教育局 承诺" in text
    assert re.search(r"第1条\s*负责本班学生安全教育", text)
    assert f"成文日期：{letter.issued_at.year}年" in text and "账号 " in text
