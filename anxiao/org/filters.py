"""Filters shared by the HTML lists and the API (one definition per record type)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q


def _search(qs: Any, q: str, *fields: str) -> Any:
    q = (q or "").strip()
    if not q:
        return qs
    cond = Q()
    for f in fields:
        cond |= Q(**{f"{f}__icontains": q})
    return qs.filter(cond | Q(pinyin__icontains=q.lower())) if "pinyin" in [f.name for f in qs.model._meta.fields] else qs.filter(cond)


def _region(qs: Any, region_id: Any, field: str = "region_path") -> Any:
    from .models import Region

    if not region_id:
        return qs
    try:
        path = Region.objects.filter(pk=int(region_id)).values_list("path", flat=True).first()
    except (TypeError, ValueError):
        return qs.none()
    return qs.filter(**{f"{field}__startswith": path}) if path else qs.none()


def filter_regions(qs: Any, p: Any) -> Any:
    qs = _search(qs, p.get("q"), "name", "code")
    if p.get("level"):
        qs = qs.filter(level=p["level"])
    if p.get("parent"):
        qs = qs.filter(parent_id=p["parent"]) if str(p["parent"]).isdecimal() else qs.none()
    return qs


def filter_units(qs: Any, p: Any) -> Any:
    qs = _search(qs, p.get("q"), "name", "short_name", "code")
    for key in ("kind", "stage"):
        if p.get(key):
            qs = qs.filter(**{key: p[key]})
    if p.get("boarding") in ("1", "true", "True", True):
        qs = qs.filter(boarding=True)
    if p.get("parent"):
        qs = qs.filter(parent_id=p["parent"]) if str(p["parent"]).isdecimal() else qs.none()
    return _region(qs, p.get("region"))


def filter_people(qs: Any, p: Any) -> Any:
    qs = _search(qs, p.get("q"), "name", "mobile")
    if p.get("unit"):
        qs = qs.filter(unit_id=p["unit"]) if str(p["unit"]).isdecimal() else qs.none()
    if p.get("post_kind"):
        qs = qs.filter(posts__kind=p["post_kind"]).distinct()
    return _region(qs, p.get("region"), "unit__region_path")


def filter_posts(qs: Any, p: Any) -> Any:
    q = (p.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(holder__name__icontains=q) | Q(holder__pinyin__icontains=q.lower())
                       | Q(unit__name__icontains=q) | Q(unit__pinyin__icontains=q.lower()))
    if p.get("kind"):
        qs = qs.filter(kind=p["kind"])
    if p.get("unit"):
        qs = qs.filter(unit_id=p["unit"]) if str(p["unit"]).isdecimal() else qs.none()
    if p.get("vacant") in ("1", "true", True):
        qs = qs.filter(holder__isnull=True)
    return _region(qs, p.get("region"), "unit__region_path")


def filter_groups(qs: Any, p: Any) -> Any:
    q = (p.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(unit__name__icontains=q))
    return qs


def filter_assignments(qs: Any, p: Any) -> Any:
    q = (p.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(target_unit__name__icontains=q) | Q(target_unit__pinyin__icontains=q.lower())
                       | Q(holder_unit__name__icontains=q) | Q(holder_post__holder__name__icontains=q))
    if p.get("kind"):
        qs = qs.filter(kind=p["kind"])
    if p.get("target_unit"):
        qs = qs.filter(target_unit_id=p["target_unit"]) if str(p["target_unit"]).isdecimal() else qs.none()
    return qs
