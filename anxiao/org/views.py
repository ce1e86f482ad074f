from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from anxiao.core import privacy
from anxiao.core.access import get_visible_or_404, user_scope
from anxiao.core.crud import Crud
from anxiao.core.flash import run_and_flash
from anxiao.documents.lists import filters_subtitle

from . import actions, excel, filters, forms
from .models import Assignment, Group, GroupMember, Person, Post, Region, Unit


def _unit_context(request: HttpRequest, unit: Unit) -> dict[str, Any]:
    user = request.user
    return {
        "children": Unit.objects.visible_to(user).filter(parent=unit).order_by("kind", "name"),
        "posts": Post.objects.visible_to(user).filter(unit=unit).select_related("holder").order_by("kind"),
        "looked_after_by": Assignment.objects.visible_to(user).filter(target_unit=unit)
        .select_related("holder_post__holder", "holder_unit"),
        "ancestors": unit.region.ancestors() + [unit.region],
    }


def _person_context(request: HttpRequest, person: Person) -> dict[str, Any]:
    return {
        "posts": Post.objects.visible_to(request.user).filter(holder=person).select_related("unit"),
        "tenures": person.tenures.select_related("post__unit").order_by("-started_on"),
    }


def _post_context(request: HttpRequest, post: Post) -> dict[str, Any]:
    return {"tenures": post.tenures.select_related("person").order_by("-started_on")}


def _group_context(request: HttpRequest, group: Group) -> dict[str, Any]:
    return {"members": group.members.select_related("post__holder", "post__unit").order_by("role"),
            "member_form": forms.GroupMemberForm(user=request.user)}


@login_required
@require_POST
def group_member_add(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_visible_or_404(Group, request.user, pk=pk)
    form = forms.GroupMemberForm(request.POST, user=request.user)
    if form.is_valid():
        run_and_flash(request, lambda: actions.add_group_member(request.user, group, form.cleaned_data["post"],
                                                                form.cleaned_data["role"]), "已加入小组")
    else:
        messages.error(request, "；".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("org:group_detail", group.pk)


@login_required
@require_POST
def group_member_remove(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_visible_or_404(GroupMember.objects.select_related("group__unit"), request.user, pk=pk)
    try:
        actions.remove_group_member(request.user, member)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or "没有权限")
    return redirect("org:group_detail", member.group_id)


REGIONS = Crud(
    name="region", app="org", model=Region, title="行政区划", form=forms.RegionForm, save=actions.save_region,
    columns=[("名称", str), ("级别", lambda r: r.get_level_display()), ("上级", lambda r: r.parent or ""),
             ("代码", lambda r: r.code)],
    filters=filters.RegionFilter, select_related=("parent",),
    detail_fields=[("名称", str), ("级别", lambda r: r.get_level_display()), ("上级", lambda r: r.parent),
                   ("区划代码", lambda r: r.code)],
)

UNITS = Crud(
    name="unit", app="org", model=Unit, title="单位", form=forms.UnitForm, save=actions.save_unit,
    columns=[("名称", str), ("类型", lambda u: u.get_kind_display()), ("学段", lambda u: u.get_stage_display()),
             ("寄宿", lambda u: "是" if u.boarding else ""), ("所在区划", lambda u: u.region)],
    filters=filters.UnitFilter, select_related=("region", "parent"),
    detail_fields=[("名称", str), ("简称", lambda u: u.short_name), ("单位代码", lambda u: u.code),
                   ("类型", lambda u: u.get_kind_display()), ("学段", lambda u: u.get_stage_display()),
                   ("寄宿制", lambda u: "是" if u.boarding else "否"), ("校区数", lambda u: u.campuses),
                   ("所在区划", lambda u: u.region), ("上级单位", lambda u: u.parent),
                   ("主管单位", lambda u: u.supervising_unit), ("地址", lambda u: u.address),
                   ("联系电话", lambda u: u.phone), ("状态", lambda u: "在用" if u.is_active else "停用")],
    detail_template="org/unit_detail.html", detail_context=_unit_context,
    admin_actions=[("导入", "org:unit_import"), ("导出 Excel（可重新导入）", "org:unit_export"),
                   ("打印版 Excel", "org:unit_print")],
)

PEOPLE = Crud(
    name="person", app="org", model=Person, title="人员", form=forms.PersonForm, save=actions.save_person,
    columns=[("姓名", str), ("所属单位", lambda p: p.unit), ("手机号", lambda p: privacy.phone(p.mobile, p.unit, person=p)),
             ("状态", lambda p: "在职" if p.is_active else "离职")],
    filters=filters.PersonFilter, select_related=("unit",),
    detail_fields=[("姓名", str), ("性别", lambda p: p.get_gender_display()), ("手机号", lambda p: privacy.phone(p.mobile, p.unit, person=p)),
                   ("电子邮箱", lambda p: privacy.email(p.email, p.unit, person=p)), ("所属单位", lambda p: p.unit),
                   ("状态", lambda p: "在职" if p.is_active else "离职")],
    detail_template="org/person_detail.html", detail_context=_person_context,
    admin_actions=[("导入", "org:person_import"), ("导出 Excel（可重新导入）", "org:person_export"),
                   ("打印版 Excel", "org:person_print")],
)

POSTS = Crud(
    name="post", app="org", model=Post, title="岗位", form=forms.PostForm, save=actions.save_post,
    columns=[("岗位", lambda p: p.title), ("类别", lambda p: p.get_kind_display()), ("单位", lambda p: p.unit),
             ("现任", lambda p: p.holder or "空缺"), ("班级", lambda p: p.class_name)],
    filters=filters.PostFilter, select_related=("unit", "holder"),
    detail_fields=[("岗位名称", lambda p: p.title), ("岗位类别", lambda p: p.get_kind_display()),
                   ("单位", lambda p: p.unit), ("现任", lambda p: p.holder or "空缺"), ("班级", lambda p: p.class_name)],
    detail_template="org/post_detail.html", detail_context=_post_context,
)

GROUPS = Crud(
    name="group", app="org", model=Group, title="领导小组", form=forms.GroupForm, save=actions.save_group,
    columns=[("名称", str), ("所属单位", lambda g: g.unit), ("办公室", lambda g: g.office_unit or g.office_name)],
    filters=filters.GroupFilter, select_related=("unit", "office_unit"),
    detail_fields=[("名称", str), ("所属单位", lambda g: g.unit), ("办公室设在", lambda g: g.office_unit),
                   ("办公室名称", lambda g: g.office_name), ("职责", lambda g: g.purpose)],
    detail_template="org/group_detail.html", detail_context=_group_context,
)

ASSIGNMENTS = Crud(
    name="assignment", app="org", model=Assignment, title="包保联系", form=forms.AssignmentForm,
    save=actions.save_assignment,
    columns=[("联系对象", lambda a: a.target_unit or a.target_region), ("类型", lambda a: a.get_kind_display()),
             ("负责人", lambda a: a.holder_post.holder if a.holder_post and a.holder_post.holder else ""),
             ("负责单位", lambda a: a.holder_unit), ("起止", lambda a: f"{a.started_on}–{a.ended_on or ''}")],
    filters=filters.AssignmentFilter,
    select_related=("holder_post__holder", "holder_unit", "target_unit", "target_region"),
    detail_fields=[("类型", lambda a: a.get_kind_display()), ("负责单位", lambda a: a.holder_unit),
                   ("负责岗位", lambda a: a.holder_post), ("联系学校/单位", lambda a: a.target_unit),
                   ("联系镇街", lambda a: a.target_region), ("开始", lambda a: a.started_on),
                   ("结束", lambda a: a.ended_on), ("备注", lambda a: a.note)],
)


def _import(request: HttpRequest, kind: str) -> HttpResponse:
    if user_scope(request.user, write=True).empty:
        raise PermissionDenied("您没有导入的权限")
    form_class = forms.PeopleImportForm if kind == "people" else forms.ImportForm
    form = form_class(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = excel.import_file(request.user, kind, form.cleaned_data["file"],
                                   accounts=bool(form.cleaned_data.get("accounts")))
    response = render(request, "org/import.html", {"form": form, "result": result, "kind": kind,
                                                   "title": "导入单位" if kind == "units" else "导入人员和岗位"})
    if result is not None and result.accounts:
        response["Cache-Control"] = "no-store"  # the temporary passwords are shown once
    return response


@login_required
def unit_import(request: HttpRequest) -> HttpResponse:
    return _import(request, "units")


@login_required
def person_import(request: HttpRequest) -> HttpResponse:
    return _import(request, "people")


@login_required
def unit_export(request: HttpRequest, layout: str = "import") -> HttpResponse:
    unit_filter = filters.UnitFilter.parse(request.GET)
    qs = unit_filter.apply(Unit.objects.visible_to(request.user))
    return excel.export_response("units", qs, layout, request.user, filters_subtitle(unit_filter, request.user))


@login_required
def person_export(request: HttpRequest, layout: str = "import") -> HttpResponse:
    # Phones of every colleague: for the managers of the scope only, and only the people they manage.
    if user_scope(request.user, write=True).empty:
        raise PermissionDenied("导出人员信息只对本范围的管理员开放")
    person_filter = filters.PersonFilter.parse(request.GET)
    qs = person_filter.apply(Person.objects.writable_by(request.user))
    return excel.export_response("people", qs, layout, request.user, filters_subtitle(person_filter, request.user))


@login_required
def unit_template(request: HttpRequest) -> HttpResponse:
    return excel.template_response("units")


@login_required
def person_template(request: HttpRequest) -> HttpResponse:
    return excel.template_response("people")
