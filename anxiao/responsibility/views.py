from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from anxiao.core.access import can_write, get_visible_or_404, user_scope
from anxiao.core.choices import UnitKind
from anxiao.core.flash import REFUSED, run_and_flash, run_form
from anxiao.org.models import Post, Unit

from . import actions, exports, forms
from .filters import LetterFilter
from .models import Letter, LetterStatus, MatterStatus, ResponsibilityList, UnassignedMatter
from .selectors import DRILLS, coverage


def _form_page(request: HttpRequest, form: Any, title: str, back: str, extra: dict[str, Any] | None = None,
               button: str = "保存") -> HttpResponse:
    return render(request, "responsibility/form.html", {"form": form, "title": title, "back": back,
                                                        "button": button, **(extra or {})})


# --- lists ------------------------------------------------------------------------------------


def _lists_with_duties(qs: Any) -> list[dict[str, Any]]:
    out = []
    for rl in qs.select_related("post__unit", "post__holder").prefetch_related("duties", "acknowledgements"):
        duties = list(rl.duties.all())
        out.append({
            "list": rl, "business": [d for d in duties if d.category == "business"],
            "safety": [d for d in duties if d.category == "safety"],
            "acknowledged": next((a for a in rl.acknowledgements.all() if a.person_id == rl.post.holder_id), None),
        })
    return out


@login_required
def my_duties(request: HttpRequest) -> HttpResponse:
    person = getattr(request.user, "person", None)
    lists = []
    letters: Any = []
    if person is not None:
        lists = _lists_with_duties(ResponsibilityList.objects.filter(post__holder=person, is_current=True))
        letters = Letter.objects.filter(signatory_person=person, status__in=(LetterStatus.ISSUED, LetterStatus.SIGNED)) \
            .select_related("issuer_unit", "signatory_unit")
    return render(request, "responsibility/my_duties.html", {"person": person, "lists": lists, "letters": letters})


@login_required
def list_index(request: HttpRequest) -> HttpResponse:
    qs = ResponsibilityList.objects.visible_to(request.user).filter(is_current=True) \
        .select_related("post__unit", "post__holder").order_by("post__unit__path", "post__kind")
    q = (request.GET.get("q") or "").strip()
    if q:
        qs = qs.filter(post__unit__name__icontains=q) | qs.filter(post__holder__name__icontains=q)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "responsibility/list_index.html", {
        "page": page, "q": q, "can_generate": not user_scope(request.user, write=True).empty})


@login_required
def list_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rl = get_visible_or_404(ResponsibilityList, request.user, pk=pk)
    person = getattr(request.user, "person", None)
    return render(request, "responsibility/list_detail.html", {
        "item": _lists_with_duties(ResponsibilityList.objects.filter(pk=rl.pk))[0],
        "versions": ResponsibilityList.objects.filter(post=rl.post).order_by("-version"),
        "can_edit": rl.is_current and can_write(request.user, rl),
        "is_holder": person is not None and rl.post.holder_id == person.pk,
    })


@login_required
def list_edit(request: HttpRequest, pk: int) -> HttpResponse:
    rl = get_visible_or_404(ResponsibilityList.objects.select_related("post__unit"), request.user, pk=pk)
    if not can_write(request.user, rl):
        raise PermissionDenied("您只能查看该清单，不能修改")
    duties = list(rl.duties.all())
    initial = {"business": "\n".join(d.text for d in duties if d.category == "business"),
               "safety": "\n".join(d.text for d in duties if d.category == "safety")}
    form = forms.ListEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        new = run_and_flash(request, lambda: actions.edit_list(request.user, rl, forms.lines(d["business"]),
                                                               forms.lines(d["safety"]), d["note"]), form=form)
        if new is not REFUSED:
            return redirect("responsibility:list_detail", new.pk)
    return _form_page(request, form, f"修订责任清单：{rl.post}（现为第 {rl.version} 版）",
                      f"/responsibility/lists/{rl.pk}/")


@login_required
@require_POST
def list_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    rl = get_visible_or_404(ResponsibilityList.objects.select_related("post"), request.user, pk=pk)
    actions.require_own(request.user, rl.post.holder_id, actions.NOT_OWN_LIST)  # another's list: a 403 page
    if run_and_flash(request, lambda: actions.acknowledge(request.user, rl)) is REFUSED:
        return redirect("responsibility:list_detail", rl.pk)
    return redirect("responsibility:my_duties")


@login_required
def generate(request: HttpRequest) -> HttpResponse:
    if user_scope(request.user, write=True).empty:
        raise PermissionDenied("您没有生成责任清单的权限")
    form = forms.GenerateForm(request.POST or None, user=request.user)
    result = None
    if request.method == "POST" and form.is_valid():
        result = run_and_flash(request, lambda: actions.generate_lists(request.user, form.cleaned_data["bureau"],
                                                                       force=form.cleaned_data["force"]), form=form)
    return _form_page(request, form, "依据已采用的制度生成责任清单", "/responsibility/lists/",
                      {"result": result}, button="生成")


# --- letters ----------------------------------------------------------------------------------


def _letters(request: HttpRequest, letter_filter: LetterFilter | None = None) -> Any:
    letter_filter = letter_filter if letter_filter is not None else LetterFilter.parse(request.GET)
    qs = Letter.objects.visible_to(request.user).select_related("issuer_unit", "signatory_unit", "signatory_person")
    return letter_filter.apply(qs).order_by("-year", "signatory_unit__path", "-version")


@login_required
def letter_list(request: HttpRequest) -> HttpResponse:
    letter_filter = LetterFilter.parse(request.GET)
    page = Paginator(_letters(request, letter_filter), 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "responsibility/letter_list.html", {
        "page": page, "params": request.GET, "query": params.urlencode(), "filter_bar": letter_filter.bar(request.user),
        "filter_errors": letter_filter.errors, "can_issue": not user_scope(request.user, write=True).empty,
    })


@login_required
def letter_issue(request: HttpRequest) -> HttpResponse:
    if user_scope(request.user, write=True).empty:
        raise PermissionDenied("您没有下发责任书的权限")
    form = forms.LetterIssueForm(request.POST or None, user=request.user)
    result = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        result = run_and_flash(request, lambda: actions.issue_letters(
            request.user, d["issuer"], d["kind"], d["year"], d["signatory_name"], d["draft"]), form=form)
    return _form_page(request, form, "下发责任书", "/responsibility/letters/", {"issued": result}, button="下发")


@login_required
def letter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    letter = get_visible_or_404(Letter.objects.select_related("issuer_unit", "signatory_unit", "signatory_person"),
                                request.user, pk=pk)
    person = getattr(request.user, "person", None)
    return render(request, "responsibility/letter_detail.html", {
        "letter": letter, "signature": getattr(letter, "signature", None) if letter.status == "signed" else None,
        "hash": actions.content_hash(letter),
        "can_sign": letter.status == LetterStatus.ISSUED and person is not None
        and letter.signatory_person_id == person.pk,
        "can_edit": letter.status in (LetterStatus.DRAFT, LetterStatus.ISSUED, LetterStatus.SIGNED)
        and can_write(request.user, letter),
    })


@login_required
@require_POST
def letter_sign(request: HttpRequest, pk: int) -> HttpResponse:
    letter = get_visible_or_404(Letter, request.user, pk=pk)
    actions.require_own(request.user, letter.signatory_person_id, actions.NOT_OWN_LETTER)  # not theirs: a 403 page
    run_and_flash(request, lambda: actions.sign_letter(request.user, letter))
    return redirect("responsibility:letter_detail", letter.pk)


@login_required
def letter_edit(request: HttpRequest, pk: int) -> HttpResponse:
    letter = get_visible_or_404(Letter.objects.select_related("issuer_unit"), request.user, pk=pk)
    if not can_write(request.user, letter):
        raise PermissionDenied("只有甲方可以修改责任书")
    initial = {"title": letter.title, "preamble": letter.preamble, "terms": letter.terms,
               "clauses": "\n".join(c["text"] for c in letter.clauses)}
    form = forms.LetterEditForm(request.POST or None, initial=initial)
    draft = letter.status == LetterStatus.DRAFT
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        old = {c["text"]: c.get("clause_ref", "") for c in letter.clauses}
        data = {"title": d["title"], "preamble": d["preamble"], "terms": d["terms"],
                "clauses": [{"text": t, "clause_ref": old.get(t, "")} for t in forms.lines(d["clauses"])]}
        saved = run_and_flash(request, lambda: (actions.edit_letter if draft else actions.revise_letter)(
            request.user, letter, **data), form=form)
        if saved is not REFUSED:
            return redirect("responsibility:letter_detail", saved.pk)
    title = "修改草稿" if draft else f"发布新版本（现为第 {letter.version} 版，{letter.get_status_display()}；乙方需重新签订）"
    return _form_page(request, form, title, f"/responsibility/letters/{letter.pk}/",
                      button="保存" if draft else "发布新版本")


def _file(content: bytes, name: str, content_type: str) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@login_required
def letter_docx(request: HttpRequest, pk: int) -> HttpResponse:
    letter = get_visible_or_404(Letter, request.user, pk=pk)
    return _file(exports.letter_docx(letter), exports.filename(letter, "docx"),
                 "application/vnd.openxmlformats-officedocument.wordprocessingml.document")


@login_required
def letter_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    letter = get_visible_or_404(Letter, request.user, pk=pk)
    return _file(exports.letter_pdf(letter), exports.filename(letter, "pdf"), "application/pdf")


@login_required
def letter_zip(request: HttpRequest) -> HttpResponse:
    # PDF costs about a second a letter (font subsetting), so it is asked for explicitly: ?format=pdf
    qs = _letters(request).exclude(status=LetterStatus.SUPERSEDED)[:500]
    formats = tuple(f for f in request.GET.getlist("format") if f in ("docx", "pdf")) or ("docx",)
    return _file(exports.letters_zip(qs, formats), f"责任书_{timezone.localdate():%Y%m%d}.zip", "application/zip")


# --- coverage ---------------------------------------------------------------------------------


@login_required
def coverage_index(request: HttpRequest) -> HttpResponse:
    units = Unit.objects.visible_to(request.user).filter(kind__in=(UnitKind.BUREAU, UnitKind.SCHOOL)) \
        .order_by("kind", "region_path", "name")
    return render(request, "responsibility/coverage_index.html", {"units": units[:200]})


@login_required
def coverage_view(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_visible_or_404(Unit, request.user, pk=pk)
    if unit.kind not in (UnitKind.BUREAU, UnitKind.SCHOOL):
        raise Http404
    year = int(request.GET["year"]) if (request.GET.get("year") or "").isdecimal() else timezone.localdate().year
    data = coverage(unit, year)
    show = request.GET.get("show")
    drill = None
    if show in DRILLS:
        drill = {"key": show, "label": DRILLS[show], "rows": list(data["items"][show][:300])}
    return render(request, "responsibility/coverage.html", {
        **data, "drill": drill, "drill_counts": [(k, label, data["counts"][k]) for k, label in DRILLS.items()]})


# --- unassigned matters -----------------------------------------------------------------------


def _is_first_responsible(user: Any, unit: Unit) -> bool:
    person = getattr(user, "person", None)
    kind = actions.FIRST_RESPONSIBLE.get(unit.kind)
    return person is not None and Post.objects.filter(unit=unit, kind=kind, holder=person, is_active=True).exists()


@login_required
def matter_list(request: HttpRequest) -> HttpResponse:
    qs = UnassignedMatter.objects.visible_to(request.user).select_related("unit", "owner")
    if request.GET.get("status") in MatterStatus.values:
        qs = qs.filter(status=request.GET["status"])
    rows = [(m, m.status == MatterStatus.OPEN and _is_first_responsible(request.user, m.unit)) for m in qs[:300]]
    return render(request, "responsibility/matter_list.html", {"rows": rows})


@login_required
def matter_create(request: HttpRequest) -> HttpResponse:
    form = forms.MatterForm(request.POST or None, user=request.user)
    if run_form(request, form, lambda d: actions.log_matter(request.user, d["unit"], d["title"],
                                                            d["description"])) is not REFUSED:
        return redirect("responsibility:matter_list")
    return _form_page(request, form, "登记无主事项", "/responsibility/matters/", button="登记")


@login_required
def matter_assign(request: HttpRequest, pk: int) -> HttpResponse:
    matter = get_visible_or_404(UnassignedMatter.objects.select_related("unit"), request.user, pk=pk)
    if not _is_first_responsible(request.user, matter.unit):
        raise PermissionDenied("无主事项只能由本单位第一责任人指定责任人")
    form = forms.AssignForm(request.POST or None, unit=matter.unit)
    if run_form(request, form, lambda d: actions.assign_matter(request.user, matter, d["owner"])) is not REFUSED:
        return redirect("responsibility:matter_list")
    return _form_page(request, form, f"指定责任人：{matter.title}", "/responsibility/matters/", button="指定")
