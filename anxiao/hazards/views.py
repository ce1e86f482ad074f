"""Ledger pages (per school, rolled up per bureau), the report form, a hazard's timeline and its actions."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from anxiao.core.access import ancestor_ids, get_visible_or_404, home_region, user_scope
from anxiao.core.choices import UnitKind
from anxiao.core.files import file_response
from anxiao.core.flash import REFUSED, PageErrors, run_and_flash
from anxiao.core.paging import capped_count, page_of
from anxiao.core.validation import parse_datetime
from anxiao.org.models import Unit

from . import actions, figures
from .figures import counts_by_unit, status_counts
from .filters import HazardFilter
from .forms import TransitionForm, form_for
from .models import (
    OPEN_STATUSES,
    Category,
    Extension,
    ExtensionStatus,
    Grade,
    Hazard,
    HazardPhoto,
    Source,
    Status,
    SupervisionKind,
    SupervisionOrder,
)


def _risk_choice(user: Any, value: str) -> Any:
    """The risk a form names: None when left empty; a risk the user cannot see is refused like a missing one."""
    from anxiao.risks.models import Risk

    if not value:
        return None
    risk = Risk.objects.visible_to(user).select_related("school").filter(pk=value).first() if value.isdecimal() else None
    if risk is None:
        raise ValidationError({"risk": ["关联风险不存在或不可见"]})
    return risk

class CountedPaginator(Paginator):
    """A paginator told its count: the counts by status already hold the total, so no second COUNT(*)."""

    def __init__(self, object_list: Any, per_page: int, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count

    @property
    def count(self) -> int:  # type: ignore[override]
        return self._known_count


# What a ledger row shows (hazards/_table.html); the long texts of 50 hazards are not loaded for nothing.
LEDGER_COLUMNS = ("id", "found_at", "location", "category", "description", "grade", "listed", "under_supervision",
                  "status", "reported_up_at", "deadline", "unit__id", "unit__name", "responsible__id",
                  "responsible__name")


def ledger_page(qs: Any, total: int, number: Any, per_page: int = 50) -> Any:
    """One page of the ledger in two small queries whatever the number of hazards: the page's ids (an
    index-only scan on PostgreSQL's covering index), then those rows with their unit and responsible person."""
    page = CountedPaginator(qs.order_by("-found_at", "-id").values_list("id", flat=True), per_page, total) \
        .get_page(number)
    ids = list(page.object_list)
    page.object_list = list(Hazard.objects.filter(pk__in=ids).select_related("unit", "responsible")
                            .only(*LEDGER_COLUMNS).order_by("-found_at", "-id")) if ids else []
    return page


@login_required
def hazard_list(request: HttpRequest) -> HttpResponse:
    filters = HazardFilter.parse(request.GET)
    qs = filters.apply(Hazard.objects.visible_to(request.user))
    counts, tallied_at, capped = ledger_counts(request, qs)
    page = ledger_page(qs, counts["total"], request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    status_cards = [(label, counts[value]) for value, label in Status.choices if counts.get(value)]
    ctx = {"page": page, "counts": counts, "filter_bar": filters.bar(request.user), "filter_errors": filters.errors,
           "params": request.GET, "query": params.urlencode(), "status_cards": status_cards,
           "today": timezone.localdate(), "tallied_at": tallied_at, "capped": capped}
    return render(request, "hazards/_table.html" if request.htmx else "hazards/list.html", ctx)  # type: ignore[attr-defined]


ONLY_SCOPE = {"region", "page"}  # the parameters the tally can answer for (no other filter)


def ledger_counts(request: HttpRequest, qs: Any) -> tuple[dict[str, int], Any, bool]:
    """The ledger page's counts and whether they are a total only: from the tally for a large scope with no
    filter (or only the total of one headline figure's list); for a large scope with a filter, the matching hazards counted up to ``core.paging.COUNT_CAP`` (then only the total,
    "more than"), all its counts when fewer; live for a small scope."""
    tallied = tallied_counts(request)
    if tallied is not None:
        return tallied[0], tallied[1], False
    figure = tallied_figure(request)
    if figure is not None:  # the list behind a card: its total from the tally, no breakdown
        return {"total": figure[0]}, figure[1], True
    if is_large(request):
        total, capped = capped_count(qs)
        if capped:
            return {"total": total}, None, True
    return status_counts(qs), None, False


def is_large(request: HttpRequest) -> bool:
    """Is the request's scope (narrowed to ``?region=``) large (``reports.dashboard.large_scope``)?"""
    from anxiao.reports.dashboard import large_scope

    raw = str(request.GET.get("region", ""))
    region = _rollup_region(request) if raw.isdecimal() else None
    return not (raw and region is None) and large_scope(request.user, region) is not None


def scope_counts(request: HttpRequest, qs: Any) -> tuple[dict[str, int], Any]:
    """``status_counts`` of the ledger page, the roll-up and the counts API: from the tally for a large scope
    with no filter but ``?region=`` (``tallied_counts``), else live."""
    return tallied_counts(request) or (status_counts(qs), None)


def tallied_counts(request: HttpRequest, also: Iterable[str] = ()) -> tuple[dict[str, int], Any] | None:
    """The tally's ``status_counts`` for the request's scope (and ``?region=``) when it has no other filter (but
    the parameters in ``also``, e.g. the API pager's) and the scope is large; else None."""
    if not set(request.GET) <= ONLY_SCOPE | set(also):
        return None
    return _tallied(request)


def tallied_figure(request: HttpRequest, also: Iterable[str] = ()) -> tuple[int, Any] | None:
    """For a large scope filtered by one headline figure and nothing else (``?overdue=1``, the list behind a card):
    that figure's count from the tally, which is what the list holds, and the time it was counted; else None."""
    extra = set(request.GET) - ONLY_SCOPE - set(also)
    name = next(iter(extra)) if len(extra) == 1 else ""
    if name not in figures.FIGURES or str(request.GET.get(name)).lower() not in ("1", "true"):
        return None
    tallied = _tallied(request)
    return (tallied[0][name], tallied[1]) if tallied is not None else None


def _tallied(request: HttpRequest) -> tuple[dict[str, int], Any] | None:
    from anxiao.reports.dashboard import large_scope, tallied_hazards

    region = _rollup_region(request) if str(request.GET.get("region", "")).isdecimal() else None
    if region is None and request.GET.get("region"):
        return None
    prefixes = large_scope(request.user, region)
    if prefixes is None:
        return None
    counts, at = tallied_hazards(prefixes)
    return (counts.get("", status_counts(Hazard.objects.none())), at) if at is not None else None


def counts_for(user: Any, qs: Any, region: Any = None) -> tuple[dict[str, int], Any]:
    """``status_counts`` of ``qs`` (the user's hazards in ``region``, unfiltered otherwise): live for a small
    scope; from the dashboard's per-town tally, with the time it was counted, for a scope of a thousand schools
    or more. Counting two million hazards on every view took a second."""
    from anxiao.reports.dashboard import large_scope, tallied_hazards

    prefixes = large_scope(user, region)
    if prefixes is not None:
        counts, at = tallied_hazards(prefixes)
        if at is not None:  # else the tally has not been counted yet
            return counts.get("", status_counts(qs.none())), at
    return status_counts(qs), None


def _rollup_region(request: HttpRequest) -> Any:
    from anxiao.org.models import Region

    raw = request.GET.get("region") or ""
    return get_visible_or_404(Region, request.user, pk=raw) if raw else None


@login_required
def hazard_rollup(request: HttpRequest) -> HttpResponse:
    """The bureau's roll-up, drilled down a region level at a time (rules.md §5.5; issue 18): a row per region
    one level below the one shown (from the tally for a large scope), down to a town's (or a small scope's)
    schools, a page of rows at a time. The full table per school is the export."""
    from anxiao.org.models import Region
    from anxiao.reports.dashboard import large_scope, tallied_hazards

    asked = _rollup_region(request)
    focus = asked or home_region(request.user)
    hazard_filter = HazardFilter.parse(request.GET)
    qs = hazard_filter.apply(Hazard.objects.visible_to(request.user))
    children = list(Region.objects.filter(parent=focus).order_by("path")) \
        if focus is not None and focus.level != "town" else []
    tallied_at = None
    counts, tallied_at = scope_counts(request, qs)
    if children:
        prefixes = large_scope(request.user, focus) if set(request.GET) <= ONLY_SCOPE else None
        by_child, tallied_at = tallied_hazards(prefixes, children) if prefixes is not None else ({}, None)
        if tallied_at is None:
            within = qs.filter(unit__region_path__startswith=focus.path)
            by_child = figures.grouped_status_counts(
                within, "unit__region_path", key=lambda path: next((c.path for c in children
                                                                    if path.startswith(c.path)), None))
        rows = [{**figures.rollup_row(by_child[c.path]), "region": c} for c in children if c.path in by_child]
        rows.sort(key=lambda r: (-r["overdue"], -r["open"], r["region"].path))
    else:
        if focus is not None and asked is not None:
            qs = qs.filter(unit__region_path__startswith=focus.path)
        rows = counts_by_unit(qs)
    page, query = page_of(request, rows)
    parents = list(Region.objects.visible_to(request.user).filter(pk__in=ancestor_ids(focus.path))
                   .order_by("path")) if focus is not None else []
    return render(request, "hazards/rollup.html", {
        "filter_errors": hazard_filter.errors, "page": page, "query": query, "params": request.GET, "counts": counts, "focus": focus,
        "by_region": bool(children), "parents": parents, "tallied_at": tallied_at,
        "figures": [(figures.LABELS[f], counts[f]) for f in figures.FIGURES]})


def _report_units(user: Any) -> Any:
    return Unit.objects.visible_to(user).filter(kind__in=(UnitKind.SCHOOL, UnitKind.SCHOOL_DEPARTMENT)) \
        .order_by("name")


REPORT_INPUTS = ("unit", "location", "category", "description", "found_at", "photos", "risk")  # hazards/create.html


@login_required
def hazard_create(request: HttpRequest) -> HttpResponse:
    if user_scope(request.user).empty:
        raise PermissionDenied("您没有上报隐患的权限")
    units = _report_units(request.user)
    errors = PageErrors(request, shown=REPORT_INPUTS)
    if request.method == "POST":
        data = request.POST
        unit = units.filter(pk=data.get("unit")).first() if str(data.get("unit", "")).isdecimal() else None

        def report() -> Hazard:
            return actions.report_hazard(
                request.user, unit=unit, location=data.get("location", ""), category=data.get("category", ""),
                description=data.get("description", ""), source=data.get("source") or Source.STAFF_REPORT,
                found_at=parse_datetime(data.get("found_at"), "found_at", "发现时间"),
                grade=data.get("grade") or Grade.GENERAL, photos=request.FILES.getlist("photos"),
                risk=_risk_choice(request.user, data.get("risk", "")))

        hazard = run_and_flash(request, report, form=errors)
        if hazard is not REFUSED:
            messages.success(request, f"已上报隐患 {hazard.number}")
            return redirect("hazards:hazard_detail", hazard.pk)
    from anxiao.risks.models import Risk

    risks = Risk.objects.visible_to(request.user).filter(is_active=True, school__in=units) \
        .select_related("school").order_by("school__name", "area")[:300]
    return render(request, "hazards/create.html", {
        "units": units, "errors": errors, "data": request.POST, "categories": Category.choices,
        "sources": Source.choices, "grades": Grade.choices, "risks": risks})


def _action_forms(request: HttpRequest, hazard: Hazard, failed: TransitionForm | None = None) -> list[dict[str, Any]]:
    """The forms of the actions the user may take (``hazards.forms``); the one that just failed is shown open with
    what was typed and each error at its field."""
    out = []
    for name, label in actions.allowed_actions(request.user, hazard):
        form = failed if failed is not None and failed.action == name else form_for(name, user=request.user,
                                                                                     hazard=hazard)
        out.append({"name": name, "label": label, "form": form, "open": form is failed})
    return out


@login_required
def hazard_detail(request: HttpRequest, pk: int, failed: TransitionForm | None = None) -> HttpResponse:
    hazard = get_visible_or_404(Hazard.objects.select_related("unit", "responsible", "finder", "inspection", "risk"),
                                request.user, pk=pk)
    events = hazard.events.select_related("actor").prefetch_related("photos")
    return render(request, "hazards/detail.html", {
        "hazard": hazard, "events": events, "photos": hazard.photos.filter(event__isnull=True),
        "extensions": hazard.extensions.select_related("requested_by", "decided_by"),
        "orders": hazard.supervision_orders.select_related("issuing_unit"),
        "forms": _action_forms(request, hazard, failed), "overdue": hazard.is_overdue()})


@login_required
@require_POST
def hazard_transition(request: HttpRequest, pk: int) -> HttpResponse:
    hazard = get_visible_or_404(Hazard, request.user, pk=pk)
    name = request.POST.get("action", "")
    back = request.POST.get("next", "")
    if not (back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                                     require_https=request.is_secure())):
        back = ""
    actions.authorise(request.user, hazard, name)  # a hazard the user may see but not change: 403
    form = form_for(name, request.POST, request.FILES, user=request.user, hazard=hazard)
    if form.is_valid():
        data = form.arguments()
        photos = data.pop("photos", None) or request.FILES.getlist("photos")  # a form without photos: refused
        done = run_and_flash(request, lambda: actions.transition(request.user, hazard, name, photos=photos, **data),
                             f"已{actions.SPECS[name].label}" if name in actions.SPECS else "", form=form)
        if done is not REFUSED:
            return redirect(back or reverse("hazards:hazard_detail", args=[hazard.pk]))
    if not back and name in {n for n, _label in actions.allowed_actions(request.user, hazard)}:
        # On the hazard's own page: the form stays open with what was typed and each error at its field.
        return hazard_detail(request, hazard.pk, form)
    for field, errs in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for e in errs:
            messages.error(request, f"{label}：{e}" if label else str(e))
    return redirect(back or reverse("hazards:hazard_detail", args=[hazard.pk]))


@login_required
def extension_list(request: HttpRequest) -> HttpResponse:
    """延期申请: the pending ones first, for the level above to approve or refuse; decided ones on request."""
    status = request.GET.get("status") or ExtensionStatus.PENDING
    if status not in ExtensionStatus.values:
        status = ExtensionStatus.PENDING
    qs = (Extension.objects.visible_to(request.user).filter(status=status)
          .select_related("hazard__unit__supervising_unit", "hazard__unit__parent", "requested_by", "decided_by")
          .order_by("created_at" if status == ExtensionStatus.PENDING else "-decided_at", "id"))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    rows = [(e, status == ExtensionStatus.PENDING and actions.may_act_above(request.user, e.hazard))
            for e in page.object_list]
    return render(request, "hazards/extensions.html", {
        "page": page, "rows": rows, "status": status, "statuses": ExtensionStatus.choices,
        "next": request.get_full_path()})


@login_required
def supervision_list(request: HttpRequest) -> HttpResponse:
    """督办 / 挂牌督办 orders with delivery and receipt: the school signs for them here, the bureau sees who has not."""
    qs = SupervisionOrder.objects.visible_to(request.user).select_related("hazard__unit", "issuing_unit",
                                                                          "received_by")
    received = request.GET.get("received", "")
    if received == "0":
        qs = qs.filter(received_at__isnull=True)
    elif received == "1":
        qs = qs.filter(received_at__isnull=False)
    if request.GET.get("kind") in SupervisionKind.values:
        qs = qs.filter(kind=request.GET["kind"])
    if request.GET.get("active") == "1":
        qs = qs.filter(lifted_at__isnull=True)
    unreceived = qs.filter(received_at__isnull=True, lifted_at__isnull=True).count()
    page = Paginator(qs.order_by("received_at", "-issued_on", "-id"), 50).get_page(request.GET.get("page"))
    write = user_scope(request.user, write=True)
    rows = [(o, o.received_at is None and o.lifted_at is None and write.covers_unit(o.hazard.unit))
            for o in page.object_list]
    return render(request, "hazards/supervision.html", {
        "page": page, "rows": rows, "unreceived": unreceived, "params": request.GET, "kinds": SupervisionKind.choices,
        "today": timezone.localdate(), "next": request.get_full_path()})


@login_required
def photo_download(request: HttpRequest, pk: int) -> Any:
    photo = get_visible_or_404(HazardPhoto, request.user, pk=pk)
    return file_response(photo, thumb=request.GET.get("thumb") == "1")


OWING_SHOWN = 100


@login_required
def rectification_list(request: HttpRequest) -> HttpResponse:
    """整改问题清单 (seed 002 五(二)): a school's open problems with owners and deadlines, filed with the bureau's
    safety office after its Party organisation's meeting studied them; the filings in scope below."""
    from anxiao.core.flash import run_and_flash
    from anxiao.obligations.models import Activity

    schools = list(Unit.objects.writable_by(request.user).filter(kind=UnitKind.SCHOOL, is_active=True)
                   .order_by("name")[:500])
    school = None
    if request.method == "POST" or request.GET.get("school"):
        school = get_visible_or_404(Unit, request.user, pk=request.POST.get("school") or request.GET.get("school") or 0)
    elif len(schools) == 1:
        school = schools[0]
    if request.method == "POST" and school is not None:
        meeting = Activity.objects.visible_to(request.user).filter(pk=request.POST.get("meeting") or 0).first()
        done = run_and_flash(request, lambda: actions.file_rectification_list(request.user, school, meeting=meeting),
                             "整改清单已报局安全办备案")
        if done is not None:
            return redirect(f"{reverse('hazards:rectification_list')}?school={school.pk}")
    problems = meetings = []
    if school is not None:
        problems = list(Hazard.objects.visible_to(request.user).filter(
            unit__path__startswith=school.path, status__in=OPEN_STATUSES).select_related("responsible")
            .order_by("deadline", "id")[:300])
        meetings = list(Activity.objects.visible_to(request.user).filter(
            unit=school, kind="meeting", meeting_kind="party_branch", voided_at__isnull=True)[:20])
    filed = (Activity.objects.visible_to(request.user).filter(record_kind="rectification_list", voided_at__isnull=True)
             .select_related("unit").order_by("-occurred_on")[:200])
    # who still owes the filing: the filing slots not met whose period has started (obligations.figures.owing, the
    # compliance figures' definition), overdue first
    from anxiao.core.paging import capped_count
    from anxiao.obligations.figures import owing
    from anxiao.obligations.models import Occurrence

    today = timezone.localdate()
    owed = owing(Occurrence.objects.visible_to(request.user), "rectification_list", today)
    return render(request, "hazards/rectification_list.html", {
        "schools": schools, "school": school, "problems": problems, "meetings": meetings, "filed": filed,
        "owing": list(owed[:OWING_SHOWN]), "owing_count": capped_count(owed),
        "today": today})
