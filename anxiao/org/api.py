# No "from __future__ import annotations": django-ninja reads these annotations at run time.
import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile

from anxiao.core import privacy
from anxiao.core.api import AUTH, ErrorOut, crud_routes

from . import actions, filters
from .models import Assignment, Group, Person, Post, Region, Unit

router = Router()


class RegionOut(Schema):
    id: int
    name: str
    code: str
    level: str
    parent_id: int | None
    path: str


class RegionIn(Schema):
    name: str
    code: str = ""
    level: str
    parent_id: int


class RegionPatch(Schema):
    name: str | None = None
    code: str | None = None


class UnitOut(Schema):
    id: int
    name: str
    short_name: str
    code: str
    kind: str
    region_id: int
    parent_id: int | None
    supervising_unit_id: int | None
    stage: str
    boarding: bool
    is_private: bool
    bus: str
    functions: list[str]
    campuses: int
    address: str
    phone: str
    is_active: bool


class UnitIn(Schema):
    name: str
    short_name: str = ""
    code: str = ""
    kind: str
    region_id: int
    parent_id: int | None = None
    supervising_unit_id: int | None = None
    stage: str = ""
    boarding: bool = False
    is_private: bool = False
    bus: str = ""
    functions: list[str] = []
    campuses: int = 1
    address: str = ""
    phone: str = ""


class UnitPatch(Schema):
    name: str | None = None
    short_name: str | None = None
    code: str | None = None
    stage: str | None = None
    boarding: bool | None = None
    is_private: bool | None = None
    bus: str | None = None
    functions: list[str] | None = None
    campuses: int | None = None
    address: str | None = None
    phone: str | None = None
    is_active: bool | None = None
    parent_id: int | None = None
    supervising_unit_id: int | None = None


class PersonOut(Schema):
    id: int
    name: str
    gender: str
    mobile: str | None
    email: str
    unit_id: int
    is_active: bool

    # Masked for those who are not managers of the person's unit (core.privacy).
    @staticmethod
    def resolve_mobile(obj: Any) -> str | None:
        return privacy.phone(obj.mobile, obj.unit, person=obj) or obj.mobile

    @staticmethod
    def resolve_email(obj: Any) -> str:
        return privacy.email(obj.email, obj.unit, person=obj)


class PersonIn(Schema):
    name: str
    gender: str = ""
    mobile: str | None = None
    email: str = ""
    birth_date: datetime.date | None = None
    unit_id: int


class PersonPatch(Schema):
    name: str | None = None
    gender: str | None = None
    mobile: str | None = None
    email: str | None = None
    unit_id: int | None = None
    is_active: bool | None = None


class PostOut(Schema):
    id: int
    unit_id: int
    kind: str
    title: str
    holder_id: int | None
    class_name: str
    is_active: bool


class PostIn(Schema):
    unit_id: int
    kind: str
    title: str = ""
    holder_id: int | None = None
    class_name: str = ""


class PostPatch(Schema):
    title: str | None = None
    holder_id: int | None = None
    class_name: str | None = None
    is_active: bool | None = None


class GroupOut(Schema):
    id: int
    unit_id: int
    name: str
    office_unit_id: int | None
    office_name: str
    purpose: str
    is_active: bool


class GroupIn(Schema):
    unit_id: int
    name: str
    office_unit_id: int | None = None
    office_name: str = "安全办"
    purpose: str = ""


class GroupPatch(Schema):
    name: str | None = None
    office_unit_id: int | None = None
    office_name: str | None = None
    purpose: str | None = None
    is_active: bool | None = None


class AssignmentOut(Schema):
    id: int
    kind: str
    holder_unit_id: int
    holder_post_id: int | None
    target_unit_id: int | None
    target_region_id: int | None
    started_on: datetime.date
    ended_on: datetime.date | None
    note: str


class AssignmentIn(Schema):
    kind: str = "baobao"
    holder_unit_id: int
    holder_post_id: int | None = None
    target_unit_id: int | None = None
    target_region_id: int | None = None
    started_on: datetime.date | None = None
    ended_on: datetime.date | None = None
    note: str = ""


class AssignmentPatch(Schema):
    ended_on: datetime.date | None = None
    note: str | None = None
    holder_post_id: int | None = None


def _save_assignment(actor, obj, **data):  # type: ignore[no-untyped-def]
    if data.get("started_on") is None:
        data.pop("started_on", None)
    return actions.save_assignment(actor, obj, **data)


crud_routes(router, "regions", Region, RegionOut, RegionIn, RegionPatch, filters.RegionFilter, actions.save_region)
crud_routes(router, "units", Unit, UnitOut, UnitIn, UnitPatch, filters.UnitFilter, actions.save_unit)
crud_routes(router, "people", Person, PersonOut, PersonIn, PersonPatch, filters.PersonFilter, actions.save_person,
            select_related=("unit",))
crud_routes(router, "posts", Post, PostOut, PostIn, PostPatch, filters.PostFilter, actions.save_post)
crud_routes(router, "groups", Group, GroupOut, GroupIn, GroupPatch, filters.GroupFilter, actions.save_group)
crud_routes(router, "assignments", Assignment, AssignmentOut, AssignmentIn, AssignmentPatch,
            filters.AssignmentFilter, _save_assignment)


# --- the people import (the page's action: /org/people/import/) -------------------------------------------

class ImportedAccountOut(Schema):
    row: int
    name: str
    username: str
    role: str
    password: str


class ImportOut(Schema):
    created: int
    updated: int
    accounts: list[ImportedAccountOut]


@router.post("/people/import", response={200: ImportOut, 403: ErrorOut, 422: ErrorOut},
             auth=AUTH, operation_id="people_import")
def people_import(request: HttpRequest, response: HttpResponse, file: UploadedFile = File(None),  # noqa: B008
                  accounts: bool = Form(False)):  # type: ignore[no-untyped-def]  # noqa: B008
    """Import people and posts from the template's XLSX (multipart ``file``), all or nothing; with
    ``accounts=true`` also open an account for each person (role from the post, a temporary password to change
    at the first log-in, returned here once). A refused file answers 422 with every row's errors
    (``row``, ``field`` = the column, ``message``). Who may: anybody with a write scope, as on the page."""
    from django.core.exceptions import PermissionDenied, ValidationError

    from anxiao.core.access import user_scope

    from . import excel

    if user_scope(request.user, write=True).empty:
        raise PermissionDenied("您没有导入的权限")
    if file is None:
        raise ValidationError({"file": ["请上传人员导入模板（.xlsx）"]})
    result = excel.import_file(request.user, "people", file, accounts=accounts)
    if not result.ok:
        errors = [{"row": e.row, "field": e.column, "message": e.message} for e in result.errors]
        return 422, {"detail": f"导入未完成（{len(errors)} 处错误），未做任何更改", "errors": errors}
    if result.accounts:
        response["Cache-Control"] = "no-store"  # the temporary passwords are shown once
    return {"created": result.created, "updated": result.updated, "accounts": result.accounts}
