from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def may_post(user: Any, view_name: str) -> bool:
    """``{% if request.user|may_post:"hazards:hazard_create" %}``: the read-only gate would let the user post
    there (core.access.may_post), so the page may offer the form."""
    from anxiao.core.access import may_post as allowed

    return allowed(user, view_name)


@register.filter
def get_param(params: Any, name: str) -> str:
    return params.get(name, "") if params is not None else ""


@register.filter
def percent(value: Any, digits: int = 0) -> str:
    if value is None:
        return "—"
    return f"{float(value) * 100:.{digits}f}%"


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    if mapping is None:
        return ""
    try:
        return mapping.get(key, "")
    except AttributeError:
        return ""


@register.simple_tag(takes_context=True)
def list_query(context: Any) -> str:
    """The page's query string without its page number: what a pager or an export link carries on."""
    from anxiao.core.paging import query_without_page

    request = context.get("request")
    return query_without_page(request) if request is not None else ""


@register.inclusion_tag("core/_pager.html", takes_context=True)
def pager(context: Any, page: Any) -> dict[str, Any]:
    """The one pager: previous/next keep the list's filters (``{% pager page %}``)."""
    return {"page": page, "query": list_query(context)}
