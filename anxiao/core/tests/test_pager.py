"""One pager (``{% pager page %}`` → core/_pager.html): previous/next keep the list's filters."""

from __future__ import annotations

import pathlib

from django.core.paginator import Paginator
from django.template import Context, Template
from django.test import RequestFactory

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_the_pager_keeps_the_query_string_but_not_the_old_page():
    request = RequestFactory().get("/hazards/supervision/", {"received": "0", "q": "消防", "page": "2"})
    page = Paginator(list(range(250)), 100).get_page(2)
    html = Template("{% load anxiao_tags %}{% pager page %}").render(Context({"request": request, "page": page}))
    assert 'href="?received=0&amp;q=%E6%B6%88%E9%98%B2&amp;page=1"' in html
    assert 'href="?received=0&amp;q=%E6%B6%88%E9%98%B2&amp;page=3"' in html
    assert "第 2 / 3 页" in html


def test_no_template_writes_its_own_pager():
    for template in (ROOT / "anxiao").glob("*/templates/**/*.html"):
        if template.name != "_pager.html":
            assert 'class="pager"' not in template.read_text(), f"{template}: use {{% pager page %}}"


def test_a_field_with_an_error_is_marked_invalid_and_points_at_its_message():
    from django import forms

    class F(forms.Form):
        name = forms.CharField(label="名称", help_text="学校全称")

    form = F({"name": ""})
    assert not form.is_valid()
    html = Template('{% include "core/_fields.html" %}').render(Context({"form": form}))
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_name_helptext id_name_error"' in html
    assert 'id="id_name_error"' in html and 'id="id_name_helptext"' in html


def test_no_template_writes_its_own_field_loop():
    for template in (ROOT / "anxiao").glob("*/templates/**/*.html"):
        if template.name != "_fields.html":
            assert "{% for field in form %}" not in template.read_text(), f"{template}: include core/_fields.html"
