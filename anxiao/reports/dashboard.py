"""The morning dashboard of a bureau (or a school, for itself): every figure links to the list behind it.
Charts are server-side SVG (no script, no CDN).

The figures are counted in two ways that give the same numbers:
- live, for a small scope (a county, a town, a school, a set of units): a handful of aggregate queries over
  the user's scope;
- from :class:`~anxiao.reports.models.Tally` for a large scope (a city, a province): the same aggregates
  grouped by town, refreshed by the worker (:func:`refresh_tallies`, every ``TALLY_MINUTES``), summed over
  the towns in scope. Scanning two million hazards on every page view cannot answer within a second.
Which of the two a scope gets is decided in one place for every page (the dashboard, the ledger and its counts,
the roll-ups, the API): :func:`large_scope`, by the level of the regions the scope is made of.

A user narrows the dashboard to a region in their scope (``?region=``); the heat map has one row per
region one level below the one shown (a city per row for a province, a town per row for a county) and one
row per school for a town or a small scope, each region row linking to its own dashboard.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Case, Count, Max, Q, QuerySet, Sum, Value, When
from django.db.models.functions import TruncMonth
from django.utils import timezone

from anxiao.core.access import user_grants, user_scope
from anxiao.core.choices import UnitKind
from anxiao.org.models import Region, Unit

from . import figures

TALLY_MINUTES = 15
HEAT_MAX_COLUMNS = 60
HEAT_SCHOOL_ROWS = 60  # up to this many schools, the heat map has a row per school
RISK_ORDER = ["red", "orange", "yellow", "blue"]

Row = tuple[str, str, str, int, int]  # (region_path or "", figure, key, n, total)


def _months_back(today: datetime.date, n: int) -> list[datetime.date]:
    months = [today.replace(day=1)]
    for _ in range(n - 1):
        months.append((months[-1] - datetime.timedelta(days=1)).replace(day=1))
    return list(reversed(months))


def _month_key(value: Any) -> str:
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value.replace(day=1).isoformat()


# --- counting (shared by the live path and the tally refresh) ---------------------------------------


def _scoped(model: Any, user: Any, region: Region | None, unit_field: str) -> Any:
    qs = model.objects.all() if user is None else model.objects.visible_to(user)
    return qs.filter(**{f"{unit_field}__region_path__startswith": region.path}) if region is not None else qs


PARTS = ("hazards", "trend", "heat", "risks")
HEADLINE = "hazards"  # the part counted live for a small scope even when the other parts are read from the tally
PART_FIGURES = {"trend": {"found", "closed"}, "heat": {"heat"}, "risks": {"risks", "risk_schools"}}


def part_of(figure: str) -> str:
    """Which part of the dashboard a tally row's figure belongs to."""
    return next((part for part, names in PART_FIGURES.items() if figure in names), HEADLINE)


def count_rows(user: Any, region: Region | None, schools: QuerySet[Unit], today: datetime.date,
               by_region: bool, parts: Iterable[str] = PARTS) -> list[Row]:
    """Every dashboard figure in the user's scope (everything for ``user=None``), narrowed to ``region``,
    either in total (``by_region=False``: region "", heat map per school) or per region path of the units
    (the tally, and the heat map per region); only the ``parts`` asked for (hazards, trend, heat, risks)."""
    from anxiao.hazards import figures
    from anxiao.hazards.models import Hazard, Status
    from anxiao.obligations import figures as compliance_figures
    from anxiao.obligations.models import Occurrence

    rows: list[Row] = []
    parts = set(parts)
    g = ["unit__region_path"] if by_region else []
    every = _scoped(Hazard, user, region, "unit")
    hazards = every.exclude(status=Status.VOID)
    # cells per (status, grade) for the matrix (void ones too: the ledger's status counts read them); the
    # headline figures counted by their one definition
    counted = [f for f in figures.FIGURES if f not in ("open", "major_open")]  # these two are sums of cells
    for r in (every.values(*g, "status", "grade").order_by()
              .annotate(n=Count("id"), **{f: Count("id", filter=figures.figure_q(f, today)) for f in counted})
              if HEADLINE in parts else ()):
        path = r["unit__region_path"] if by_region else ""
        rows.append((path, "hazards", f"{r['status']}|{r['grade']}", r["n"], 0))
        for figure in counted:
            if r[figure]:
                rows.append((path, figure, "", r[figure], 0))
    months = _months_back(today, 12)
    start = timezone.make_aware(datetime.datetime.combine(months[0], datetime.time.min))
    for figure, field in (("found", "found_at"), ("closed", "closed_at")) if "trend" in parts else ():
        for r in (hazards.filter(**{f"{field}__gte": start}).annotate(m=TruncMonth(field)).values(*g, "m")
                  .order_by().annotate(n=Count("id"))):
            rows.append((r["unit__region_path"] if by_region else "", figure, _month_key(r["m"]), r["n"], 0))
    # The compliance rate's one count (obligations.figures): on-time slots over the slots done, late or missed,
    # of the slots starting in the window, the running period's included (done early, or a daily month's days).
    if "heat" in parts:
        since, until = compliance_figures.heat_window(today)
        occurrences = Occurrence.objects.filter(unit__in=schools, period_start__lte=until, period_end__gte=since)
        unit_key = "unit__region_path" if by_region else "unit_id"
        for (group, title), c in compliance_figures.compliance_counts(occurrences, (unit_key, "rule__title"), today,
                                                                      since, until).items():
            total = c["done"] + c["late"] + c["missed"]
            if total:
                # live: the group is the school (its id); tally: the town's path
                rows.append((str(group), "heat", title, c["done"], total))
    if "risks" in parts:
        rows += _risk_rows(user, region, by_region)
    return rows


def _risk_rows(user: Any, region: Region | None, by_region: bool) -> list[Row]:
    from anxiao.risks.models import Risk

    rows: list[Row] = []
    risks = _scoped(Risk, user, region, "school").filter(is_active=True)
    for r in risks.values(*(["school__region_path"] if by_region else []), "level").order_by().annotate(n=Count("id")):
        rows.append((r["school__region_path"] if by_region else "", "risks", r["level"], r["n"], 0))
    # Schools by their highest risk: one row per school with a count per colour.
    per_school: dict[tuple[str, str], int] = defaultdict(int)
    for r in (risks.values("school_id", "school__region_path").order_by()
              .annotate(**{c: Count("id", filter=Q(level=c)) for c in RISK_ORDER})):
        top = next((c for c in RISK_ORDER if r[c]), "")
        if top:
            per_school[(r["school__region_path"] if by_region else "", top)] += 1
    rows.extend((path, "risk_schools", colour, n, 0) for (path, colour), n in per_school.items())
    return rows


def refresh_tallies(today: datetime.date | None = None) -> int:
    """Recount the per-town tallies of every school (the worker's job, and ``anxiao demo``)."""
    from .models import Tally

    today = today or timezone.localdate()
    now = timezone.now()
    schools = Unit.objects.filter(kind=UnitKind.SCHOOL, is_active=True)
    rows = count_rows(None, None, schools, today, by_region=True)
    with transaction.atomic():
        Tally.objects.all().delete()
        Tally.objects.bulk_create([Tally(region_path=p, figure=f, key=k[:200], n=n, total=t, computed_at=now, day=today)
                                   for p, f, k, n, t in rows], batch_size=2000)
    return len(rows)


def tally_job() -> None:
    """Worker job: refresh the tallies when they are older than ``TALLY_MINUTES`` (or from another day)."""
    from .models import Tally

    newest = Tally.objects.aggregate(at=Max("computed_at"), day=Max("day"))
    if (newest["at"] is None or newest["day"] != timezone.localdate()
            or timezone.now() - newest["at"] > datetime.timedelta(minutes=TALLY_MINUTES)):
        refresh_tallies()


def _tally_rows(prefixes: Iterable[str], children: list[Region]) -> tuple[list[Row], datetime.datetime | None]:
    """The tallies of the towns under ``prefixes``, summed in the database: per figure and key, and for the
    heat map per child region (the region's path stands for the group)."""
    from .models import Tally

    q = Q(pk__in=[])
    for p in prefixes:
        q |= Q(region_path__startswith=p)
    base = Tally.objects.filter(q)
    at = Tally.objects.aggregate(at=Max("computed_at"))["at"]
    rows: list[Row] = [("", f, k, n, t) for f, k, n, t in base.exclude(figure="heat").values_list("figure", "key")
                       .order_by().annotate(Sum("n"), Sum("total"))]
    if children:
        group = Case(*[When(region_path__startswith=c.path, then=Value(c.path)) for c in children], default=Value(""))
        rows += [(g, "heat", k, n, t) for g, k, n, t in base.filter(figure="heat").annotate(g=group)
                 .values_list("g", "key").order_by().annotate(Sum("n"), Sum("total")) if g]
    return rows, at


def tally_prefixes(user: Any, region: Region | None) -> list[str] | None:
    """The region paths whose tallies make up the user's scope narrowed to ``region``; None when the tally
    cannot answer: a scope with unit grants, or a region the user sees only by name (one above its own)."""
    scope = user_scope(user)
    if region is not None:
        return [region.path] if scope.covers_region(region) else None
    if scope.everything:
        return [""]
    if scope.unit_paths or not scope.region_paths:
        return None
    return sorted(scope.region_paths)


TALLY_LEVELS = ("province", "city")  # the ledger, roll-up and counts of a scope this wide read the tally


def large_scope(user: Any, region: Region | None) -> list[str] | None:
    """The tally's prefixes when the scope is too large to count live: every region it is made of is a city or
    a province (``TALLY_LEVELS``; a county is a few hundred schools), known from the user's grants without a
    query; else None (count live)."""
    prefixes = tally_prefixes(user, region)
    if prefixes is None:
        return None
    if region is not None:
        levels = {region.level}
    elif user_scope(user).everything:
        levels = {"province"}
    else:
        levels = {g.region.level for g in user_grants(user) if g.region_id}
    return prefixes if levels and levels <= set(TALLY_LEVELS) else None


def tallied_hazards(prefixes: Iterable[str], children: list[Region] | None = None
                    ) -> tuple[dict[str, dict[str, int]], datetime.datetime | None]:
    """The ledger's ``status_counts`` from the tallies under ``prefixes``: in total (key "") or, given
    ``children``, per child region (keyed by its path; the towns of a child add up). One query, summed in the
    database."""
    from anxiao.hazards import figures

    from .models import Tally

    q = Q(pk__in=[])
    for p in prefixes:
        q |= Q(region_path__startswith=p)
    wanted = ["hazards", *[f for f in figures.FIGURES if f not in ("open", "major_open")]]
    base = Tally.objects.filter(q, figure__in=wanted)
    group: Any = Value("")
    if children:
        group = Case(*[When(region_path__startswith=c.path, then=Value(c.path)) for c in children], default=Value(""))
    cells: dict[str, dict[str, int]] = defaultdict(dict)
    counted: dict[str, dict[str, int]] = defaultdict(dict)
    for g, figure, key, n in (base.annotate(g=group).values_list("g", "figure", "key").order_by()
                              .annotate(Sum("n"))):
        if children and not g:
            continue
        if figure == "hazards":
            cells[g][key] = n or 0
        else:
            counted[g][figure] = (counted[g].get(figure) or 0) + (n or 0)
    at = Tally.objects.aggregate(at=Max("computed_at"))["at"] if cells else None
    return {g: figures.counts_from_cells(cells[g], counted[g]) for g in set(cells) | set(counted)}, at


# --- the figures on the page ---------------------------------------------------------------------------


def hazard_figures(rows: list[Row], today: datetime.date) -> dict[str, Any]:
    from anxiao.hazards import figures
    from anxiao.hazards.models import Grade, Status

    by: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for _p, figure, key, n, _t in rows:
        by[figure][key] += n or 0  # Sum over rows whose n is NULL is None (fresh demo); count it as 0
    cells = by["hazards"]
    counts = figures.counts_from_cells(cells, {f: by[f].get("", 0) for f in figures.FIGURES})
    totals = {f: counts[f] for f in figures.FIGURES}
    matrix = [{"status": s, "label": s.label, "cells": [(g, cells.get(f"{s.value}|{g.value}", 0)) for g in Grade]}
              for s in Status if s != Status.VOID]
    trend = [{"month": m, "found": by["found"].get(m.isoformat(), 0), "closed": by["closed"].get(m.isoformat(), 0)}
             for m in _months_back(today, 12)]
    return {"totals": totals, "matrix": matrix, "grades": list(Grade), "trend": trend, "trend_svg": trend_svg(trend)}


def overdue_list(user: Any, region: Region | None, today: datetime.date) -> list[Any]:
    from anxiao.hazards import figures
    from anxiao.hazards.models import Hazard

    return figures.overdue_list(_scoped(Hazard, user, region, "unit"), today,
                                small=large_scope(user, region) is None)


def trend_svg(trend: list[dict[str, Any]]) -> str:
    """The 12-month chart (drawn by ``reports.charts``)."""
    from .charts import trend_svg as draw

    return draw(trend)


def report_figures(schools: QuerySet[Unit], today: datetime.date) -> dict[str, Any]:
    """The ledger states of the month that is due (the most recent month whose deadline has passed)."""
    month = figures.due_month(today)
    return {"month": month, "due_on": figures.due_on(month), "counts": figures.state_counts(schools, month, today)}


def _children(focus: Region | None) -> list[Region]:
    qs = Region.objects.filter(parent=focus) if focus is not None else Region.objects.filter(parent__isnull=True)
    return list(qs.order_by("path"))


def compliance_heat(rows: list[Row], children: list[Region], schools: QuerySet[Unit], by_school: bool) -> dict[str, Any]:
    """The compliance rate (``obligations.figures.compliance_rate`` of ``compliance_counts``: on-time slots over
    the slots done, late or missed) of the last three months, per school or per region one level below the one shown (``children``)
    × rule."""
    from anxiao.obligations.figures import compliance_rate, rag

    table: dict[Any, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for path, figure, rule, done, total in rows:
        if figure != "heat":
            continue
        if by_school:
            group: Any = int(path)
        else:
            group = next((c.pk for c in children if path.startswith(c.path)), None)
            if group is None:
                continue
        cell = table[group][rule]
        cell[0] += done
        cell[1] += total
    names: dict[Any, str] = {}
    if by_school:
        names = dict(schools.filter(pk__in=list(table)).values_list("pk", "name"))
    else:
        names = {c.pk: c.name for c in children}
    columns = sorted({rule for cells in table.values() for rule in cells})[:HEAT_MAX_COLUMNS]
    out = []
    for group in sorted(table, key=lambda k: names.get(k, "")):
        cells = []
        for rule in columns:
            done, total = table[group].get(rule, [0, 0])
            rate = compliance_rate(done, 0, total - done)  # total = on time + late + missed
            colour = {"amber": "yellow"}.get(rag(rate), rag(rate))
            cells.append({"ratio": rate / 100 if rate is not None else None, "rate": rate, "colour": colour,
                          "done": done, "total": total})
        out.append({"id": group, "name": names.get(group, ""), "cells": cells, "region": not by_school})
    return {"level": "school" if by_school else "region", "columns": columns, "rows": out}


def risk_figures(rows: list[Row], n_schools: int) -> dict[str, Any]:
    from anxiao.risks.grading import Level

    risks: dict[str, int] = defaultdict(int)
    schools: dict[str, int] = defaultdict(int)
    for _p, figure, key, n, _t in rows:
        if figure == "risks":
            risks[key] += n
        elif figure == "risk_schools":
            schools[key] += n
    levels: list[dict[str, Any]] = [{"code": lvl.value, "label": lvl.label, "risks": risks.get(lvl.value, 0),
                                     "schools": schools.get(lvl.value, 0)} for lvl in Level]
    assessed = sum(schools.values())
    bars = [{"code": lvl.value, "share": 100 * schools.get(lvl.value, 0) / n_schools if n_schools else 0}
            for lvl in Level]
    return {"levels": levels, "unassessed": max(n_schools - assessed, 0), "schools": n_schools, "bars": bars}


def incident_figures(user: Any, region: Region | None) -> dict[str, Any]:
    from anxiao.incidents.filters import late_q
    from anxiao.incidents.models import Incident, Status

    qs = Incident.objects.visible_to(user).filter(voided_at__isnull=True, status=Status.OPEN)
    if region is not None:
        qs = qs.filter(unit__region_path__startswith=region.path)
    return {"open": qs.count(), "late": qs.filter(late_q()).count()}


def _focus(user: Any, region: Region | None) -> Region | None:
    """The region the page is about: the one asked for, else the user's single region grant."""
    if region is not None:
        return region
    scope = user_scope(user)
    if scope.everything or scope.unit_paths or len(scope.region_paths) != 1:
        return None
    return Region.objects.filter(path=next(iter(scope.region_paths))).first()


def dashboard(user: Any, today: datetime.date | None = None, region: Region | None = None) -> dict[str, Any]:
    """``region`` must already be checked to be visible to the user."""
    today = today or timezone.localdate()
    scope = user_scope(user)
    schools = Unit.objects.visible_to(user).filter(kind=UnitKind.SCHOOL, is_active=True)
    if region is not None:
        schools = schools.filter(region_path__startswith=region.path)
    n_schools = schools.count()
    focus = _focus(user, region)
    rows: list[Row] = []
    tallied_at = parts_tallied_at = None
    by_school = n_schools <= HEAT_SCHOOL_ROWS or (focus is None and not scope.everything) or (focus is not None
                                                                               and focus.level == "town")
    children = [] if by_school else _children(focus)
    # The heat map, the trend and the risk overview of a region-wide dashboard (a row per region: the tally's grain)
    # are read from the tally whatever the size (three- and twelve-month figures; the time they were counted is
    # shown); the headline hazard figures only for a large scope (``large_scope``, the rule of every page), counted
    # live for a smaller one.
    prefixes = tally_prefixes(user, region) if not by_school else None
    if prefixes is not None:
        rows, parts_tallied_at = _tally_rows(prefixes, children)
    if parts_tallied_at is None:
        rows = count_rows(user, region, schools, today, by_region=not by_school)
    elif large_scope(user, region) is not None:
        tallied_at = parts_tallied_at
    else:
        rows = [r for r in rows if part_of(r[1]) != HEADLINE]
        rows += count_rows(user, region, schools, today, by_region=False, parts=[HEADLINE])
    return {"today": today, "region": region, "focus": focus, "schools": n_schools, "tallied_at": tallied_at,
            "parts_tallied_at": parts_tallied_at,
            "hazards": hazard_figures(rows, today), "overdue": overdue_list(user, region, today),
            "reports": report_figures(schools, today), "heat": compliance_heat(rows, children, schools, by_school),
            "risks": risk_figures(rows, n_schools), "incidents": incident_figures(user, region),
            "parents": list(Region.objects.visible_to(user).filter(pk__in=_ancestor_ids(focus)).order_by("path"))
            if focus is not None else []}


def _ancestor_ids(region: Region | None) -> list[int]:
    if region is None:
        return []
    return [int(p) for p in region.path.strip("/").split("/") if p]
