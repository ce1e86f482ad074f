"""Excel import and export of units and of people with their posts (openpyxl).

An import is all-or-nothing: every row is applied inside one transaction through the same
actions the pages use; if any row fails, everything is rolled back and the result lists
each error with its row and column, in Chinese.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import translation
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from anxiao.core.choices import PostKind, Stage, UnitKind
from anxiao.core.files import check_upload
from anxiao.documents.tables import cell as xlsx_cell
from anxiao.documents.tables import to_bytes

from . import actions
from .models import Person, Post, Region, Unit

MAX_ROWS = 20000

# column header -> field name used by the actions
UNIT_COLUMNS = [
    ("单位名称", "name", True), ("简称", "short_name", False), ("单位代码", "code", False), ("类型", "kind", True),
    ("所在区划", "region", True), ("上级单位", "parent", False), ("学段", "stage", False),
    ("寄宿制", "boarding", False), ("校区数", "campuses", False), ("地址", "address", False),
    ("联系电话", "phone", False),
]
PEOPLE_COLUMNS = [
    ("姓名", "name", True), ("性别", "gender", False), ("手机号", "mobile", False), ("所属单位", "unit", True),
    ("岗位类别", "post_kind", False), ("岗位名称", "post_title", False), ("岗位所在单位", "post_unit", False),
    ("班级", "class_name", False),
]
# Read on import only (not exported): the account to open for the row when the importer asks for accounts.
ACCOUNT_COLUMNS = [("账号", "username", False), ("账号角色", "account_role", False)]
COLUMNS = {"units": UNIT_COLUMNS, "people": PEOPLE_COLUMNS}
FIELD_TO_HEADER = {f: h for cols in [*COLUMNS.values(), ACCOUNT_COLUMNS] for h, f, _r in cols} | {
    "holder": "姓名", "title": "岗位名称", "post_unit": "岗位所在单位", "role": "账号角色", "person": "姓名",
}


@dataclass
class RowError:
    row: int | None
    column: str | None
    message: str


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    # Accounts opened (people import with accounts=True): row, name, username, role, temporary password.
    accounts: list[dict[str, Any]] = field(default_factory=list)
    with_accounts: bool = False
    row: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


class _Rollback(Exception):
    pass


def _choice(value: str, choices: Any, column: str) -> str:
    """A choice by its code, its Chinese label, or its label in the user's language (exports use that)."""
    text = str(value).strip()
    with translation.override("zh-hans"):
        chinese = [(code, str(label)) for code, label in choices]
    for (code, label), (_c, zh) in zip(choices, chinese, strict=True):
        if text in (code, str(label), zh):
            return code
    names = "、".join(zh for _c, zh in chinese)
    raise ValidationError({column: [f"“{text}”不是有效的选项，可选：{names}"]})


def _yes_no(value: Any) -> bool:
    text = str(value or "").strip()
    if text in ("", "否", "0", "no", "false", "False"):
        return False
    if text in ("是", "1", "yes", "true", "True"):
        return True
    raise ValidationError({"boarding": [f"“{text}”应填写“是”或“否”"]})


def _find_region(actor: Any, text: str) -> Region:
    parts = [p for p in str(text).replace("／", "/").split("/") if p.strip()]
    if not parts:
        raise ValidationError({"region": ["请填写所在区划"]})
    visible = Region.objects.visible_to(actor) if actor is not None else Region.objects.all()
    by_code = visible.filter(code=parts[-1].strip()).first()
    if by_code:
        return by_code
    candidates = list(visible.filter(name=parts[-1].strip()))
    if len(parts) > 1:
        candidates = [r for r in candidates if r.parent and r.parent.name == parts[-2].strip()]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise ValidationError({"region": [f"找不到区划“{text}”（可填写区划代码，或“县/镇”形式的路径）"]})
    raise ValidationError({"region": [f"区划“{text}”不唯一，请写成“上级/本级”或填写区划代码"]})


def _find_unit(actor: Any, text: str, column: str) -> Unit:
    text = str(text).strip()
    visible = Unit.objects.visible_to(actor) if actor is not None else Unit.objects.all()
    found = list(visible.filter(code=text)[:2]) or list(visible.filter(name=text)[:2])
    if len(found) == 1:
        return found[0]
    if not found:
        raise ValidationError({column: [f"找不到单位“{text}”（填写单位全称或单位代码）"]})
    raise ValidationError({column: [f"单位名称“{text}”不唯一，请填写单位代码"]})


def _apply_unit(actor: Any, row: dict[str, Any], result: ImportResult) -> None:
    data: dict[str, Any] = {
        "name": str(row["name"]).strip(),
        "short_name": str(row.get("short_name") or "").strip(),
        "code": str(row.get("code") or "").strip(),
        "kind": _choice(row["kind"], UnitKind.choices, "kind"),
        "region": _find_region(actor, row["region"]),
        "stage": _choice(row["stage"], Stage.choices, "stage") if row.get("stage") else "",
        "boarding": _yes_no(row.get("boarding")),
        "address": str(row.get("address") or "").strip(),
        "phone": str(row.get("phone") or "").strip(),
    }
    if row.get("campuses") not in (None, ""):
        try:
            data["campuses"] = int(row["campuses"])
        except (TypeError, ValueError):
            raise ValidationError({"campuses": ["校区数应为正整数"]})
        if data["campuses"] < 1:
            raise ValidationError({"campuses": ["校区数应为正整数"]})
    data["parent"] = _find_unit(actor, row["parent"], "parent") if row.get("parent") else None
    existing = None
    if data["code"]:
        existing = Unit.objects.filter(code=data["code"]).first()
    if existing is None:
        existing = Unit.objects.filter(name=data["name"], region=data["region"]).first()
    actions.save_unit(actor, existing, **data)
    if existing is None:
        result.created += 1
    else:
        result.updated += 1


def _apply_person(actor: Any, row: dict[str, Any], result: ImportResult) -> None:
    unit = _find_unit(actor, row["unit"], "unit")
    mobile = str(row.get("mobile") or "").strip() or None
    gender = ""
    if row.get("gender"):
        gender = _choice(row["gender"], Person.Gender.choices, "gender")
    # Looked up within the importer's scope only: a number held outside it is answered like any number in use.
    people = Person.objects.visible_to(actor) if actor is not None else Person.objects.all()
    existing = people.filter(mobile=mobile).first() if mobile else None
    if existing is None:
        existing = Person.objects.filter(name=str(row["name"]).strip(), unit=unit).first()
    person = actions.save_person(actor, existing, name=str(row["name"]).strip(), gender=gender, mobile=mobile,
                                 unit=unit)
    if existing is None:
        result.created += 1
    else:
        result.updated += 1
    if row.get("post_kind"):
        kind = _choice(row["post_kind"], PostKind.choices, "post_kind")
        post_unit = _find_unit(actor, row["post_unit"], "post_unit") if row.get("post_unit") else unit
        title = str(row.get("post_title") or "").strip() or str(PostKind(kind).label)
        class_name = str(row.get("class_name") or "").strip()
        post = Post.objects.filter(unit=post_unit, kind=kind, title=title, class_name=class_name).first()
        if post is not None and post.holder_id not in (None, person.pk):
            post = None  # the same title held by someone else: a second post of that kind
        if post is None:
            post = actions.save_post(actor, None, unit=post_unit, kind=kind, title=title, class_name=class_name,
                                     holder=person)
        elif post.holder_id is None:
            actions.set_holder(actor, post, person)
    elif row.get("post_title"):
        raise ValidationError({"post_kind": ["填写了岗位名称时必须填写岗位类别"]})
    else:
        post = None
    if result.with_accounts:
        _open_account(actor, row, person, post, result)


def _open_account(actor: Any, row: dict[str, Any], person: Person, post: Post | None, result: ImportResult) -> None:
    """The row's account (accounts.actions.open_account: role from the post or the 账号角色 column, granted within
    the importer's scope, temporary password). A person who already has an account keeps it."""
    from anxiao.accounts import actions as accounts
    from anxiao.accounts.models import User
    from anxiao.core.choices import Role

    if User.objects.filter(person=person).exists():
        return
    if post is None:
        raise ValidationError({"post_kind": ["开通账号需要填写岗位类别（账号角色由岗位确定）"]})
    role = _choice(row["account_role"], Role.choices, "account_role") if row.get("account_role") else ""
    user, temporary = accounts.open_account(actor, person, post, str(row.get("username") or "").strip(), role)
    granted = user.grants.first()
    result.accounts.append({"row": result.row, "name": person.name, "username": user.username,
                            "role": granted.get_role_display() if granted else "", "password": temporary})


APPLY = {"units": _apply_unit, "people": _apply_person}


def _errors_from(exc: ValidationError, row: int) -> list[RowError]:
    out: list[RowError] = []
    if hasattr(exc, "error_dict"):
        for fname, errs in exc.error_dict.items():
            column = FIELD_TO_HEADER.get(fname)
            for e in errs:
                out.extend(RowError(row, column, m) for m in e.messages)
    else:
        out.extend(RowError(row, None, m) for m in exc.messages)
    return out


def import_file(actor: Any, kind: str, uploaded: Any, accounts: bool = False) -> ImportResult:
    """Import units or people (all or nothing, per-row report). ``accounts`` (people only): also open a log-in
    account for each person, see ``_open_account``."""
    result = ImportResult(with_accounts=accounts and kind == "people")
    columns = COLUMNS[kind] + (ACCOUNT_COLUMNS if result.with_accounts else [])
    try:
        checked = check_upload(uploaded, images_only=False, field="file")  # size limit, checked by content
    except ValidationError as exc:
        too_big = [m for m in exc.messages if "MB" in m]
        result.errors.append(RowError(None, None, too_big[0] if too_big else "无法读取文件：请上传 Excel（.xlsx）文件"))
        return result
    if checked.ext != "xlsx":
        result.errors.append(RowError(None, None, "无法读取文件：请上传 Excel（.xlsx）文件"))
        return result
    try:
        wb = load_workbook(io.BytesIO(checked.content), read_only=True, data_only=True)
    except Exception:
        result.errors.append(RowError(None, None, "无法读取文件：请上传 Excel（.xlsx）文件"))
        return result
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        result.errors.append(RowError(None, None, "文件是空的"))
        return result
    names = [str(h).strip().rstrip("*") if h is not None else "" for h in header]
    index: dict[str, int] = {}
    for title, fname, required in columns:
        if title in names:
            index[fname] = names.index(title)
        elif required:
            result.errors.append(RowError(1, title, f"缺少必填列“{title}”"))
    if result.errors:
        return result
    try:
        with transaction.atomic():
            count = 0
            for number, values in enumerate(rows, start=2):
                if values is None or all(v in (None, "") for v in values):
                    continue
                count += 1
                if count > MAX_ROWS:
                    result.errors.append(RowError(number, None, f"一次最多导入 {MAX_ROWS} 行"))
                    break
                row = {f: (values[i] if i < len(values) else None) for f, i in index.items()}
                missing = [(t, f) for t, f, req in columns if req and row.get(f) in (None, "")]
                if missing:
                    result.errors.extend(RowError(number, t, f"“{t}”不能为空") for t, _f in missing)
                    continue
                result.row = number
                try:
                    with transaction.atomic():
                        APPLY[kind](actor, row, result)
                except ValidationError as exc:
                    result.errors.extend(_errors_from(exc, number))
                except PermissionDenied as exc:
                    result.errors.append(RowError(number, None, str(exc) or "没有权限"))
                except IntegrityError:
                    result.errors.append(RowError(number, None, "与已有记录冲突（如手机号或名称重复）"))
            if count == 0 and not result.errors:
                result.errors.append(RowError(None, None, "文件中没有数据行"))
            if result.errors:
                raise _Rollback
    except _Rollback:
        result.created = result.updated = 0
        result.accounts = []
    return result


# --- export -----------------------------------------------------------------------------------

HEADER_FILL = PatternFill("solid", fgColor="DDE7F3")


def _sheet(kind: str, write_only: bool = True) -> tuple[Workbook, Any]:
    wb = Workbook(write_only=write_only)
    ws = wb.create_sheet("单位" if kind == "units" else "人员") if write_only else wb.active
    if not write_only:
        ws.title = "单位" if kind == "units" else "人员"
    for i, (_title, _f, _r) in enumerate(COLUMNS[kind]):
        ws.column_dimensions[chr(ord("A") + i)].width = 24 if i in (0, 3, 4, 5) else 14
    return wb, ws


def _header_cells(ws: Any, kind: str) -> list[Any]:
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for title, _f, required in COLUMNS[kind]:
        cell = WriteOnlyCell(ws, value=title + ("*" if required else ""))
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center")
        cells.append(cell)
    return cells


def _unit_row(u: Unit) -> list[Any]:
    region = f"{u.region.parent.name}/{u.region.name}" if u.region.parent_id and u.region.parent else u.region.name
    return [u.name, u.short_name, u.code, u.get_kind_display(), region, u.parent.name if u.parent else "",
            u.get_stage_display() if u.stage else "", "是" if u.boarding else "否", u.campuses, u.address, u.phone]


def _people_rows(p: Person) -> list[list[Any]]:
    base = [p.name, p.get_gender_display(), p.mobile or "", p.unit.name]
    posts = [post for post in p.posts.all() if post.is_active]
    if not posts:
        return [base + ["", "", "", ""]]
    return [base + [post.get_kind_display(), post.title, post.unit.name, post.class_name] for post in posts]


def build_export(kind: str, queryset: Any) -> bytes:
    wb, ws = _sheet(kind)
    ws.freeze_panes = "A2"
    ws.append(_header_cells(ws, kind))
    if kind == "units":
        for u in queryset.select_related("region__parent", "parent").iterator(chunk_size=2000):
            ws.append([xlsx_cell(ws, v) for v in _unit_row(u)])
    else:
        qs = queryset.select_related("unit").prefetch_related("posts__unit")
        for p in qs.iterator(chunk_size=2000):
            for r in _people_rows(p):
                ws.append([xlsx_cell(ws, v) for v in r])
    return to_bytes(wb)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(content: bytes, filename: str) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


# Column widths of the print layout (characters): the body prints at 8 pt or more on A4 landscape (documents.tables).
PRINT_WIDTHS = {"name": 22, "short_name": 10, "code": 12, "kind": 8, "region": 14, "parent": 20, "stage": 8,
                "boarding": 6, "campuses": 6, "address": 24, "phone": 13, "gender": 5, "mobile": 13, "unit": 22,
                "post_kind": 14, "post_title": 16, "post_unit": 22, "class_name": 10}


def build_print(kind: str, queryset: Any, user: Any = None, subtitle: str = "") -> bytes:
    """The same list in the official table layout (issue 20: A4 fitted to width, repeated header, 合计 row with the
    count, page X of Y, 制表单位/制表人/审核/日期) through ``documents.tables``: for printing and filing. The plain
    export (``build_export``) stays the file the import reads back."""
    from anxiao.documents.tables import Column, Signoff, table_xlsx

    columns = [Column(title, PRINT_WIDTHS.get(fname, 12), "int" if fname == "campuses" else "text",
                      total=fname == "campuses", wrap=fname in ("name", "parent", "address", "unit", "post_unit"))
               for title, fname, _r in COLUMNS[kind]]
    if kind == "units":
        rows: Any = (_unit_row(u) for u in queryset.select_related("region__parent", "parent").iterator(chunk_size=2000))
    else:
        rows = (r for p in queryset.select_related("unit").prefetch_related("posts__unit").iterator(chunk_size=2000)
                for r in _people_rows(p))
    return table_xlsx(title="单位名录" if kind == "units" else "人员及岗位名册", columns=columns, rows=rows,
                      subtitle=subtitle, signoff=Signoff.by(user) if user is not None else Signoff())


def export_response(kind: str, queryset: Any, layout: str = "import", user: Any = None,
                    subtitle: str = "") -> HttpResponse:
    """``layout="import"`` (default): the plain file the import reads back; ``"print"``: the official table, with
    the list's filters in words as its subtitle (``documents.lists.filters_subtitle``, as every list export)."""
    name = "单位" if kind == "units" else "人员"
    if layout == "print":
        return _download(build_print(kind, queryset, user, subtitle), f"{name}（打印版）.xlsx")
    return _download(build_export(kind, queryset), f"{name}.xlsx")


def build_template(kind: str) -> bytes:
    wb, ws = _sheet(kind, write_only=False)
    for col, (title, _f, required) in enumerate(COLUMNS[kind], start=1):
        cell = ws.cell(row=1, column=col, value=title + ("*" if required else ""))
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    ws.freeze_panes = "A2"
    lists: dict[str, list[str]]
    if kind == "units":
        ws.append(["示例：城关第一小学", "城关一小", "S0001", "学校/幼儿园", "示例县/城关镇", "", "小学", "否", 1, "", ""])
        lists = {"D": [str(c.label) for c in UnitKind], "G": [str(c.label) for c in Stage], "H": ["是", "否"]}
    else:
        ws.append(["示例：张三", "男", "13800000000", "城关第一小学", "班主任", "班主任", "", "三年级(2)班"])
        lists = {"B": ["男", "女"], "E": [str(c.label) for c in PostKind]}
    for letter, options in lists.items():
        dv = DataValidation(type="list", formula1='"' + ",".join(options) + '"', allow_blank=True)
        dv.error = "请从下拉列表中选择"
        ws.add_data_validation(dv)
        dv.add(f"{letter}2:{letter}{MAX_ROWS}")
    notes = wb.create_sheet("填写说明")
    notes.append(["带 * 的列必填。删除示例行后再导入。"])
    notes.append(["所在区划可写区划代码，或“县/镇”形式的路径；单位可写全称或单位代码。"])
    notes.append(["整个文件全部导入或全部不导入：有任一错误时会列出每行每列的错误，不写入任何数据。"])
    if kind == "people":
        notes.append(["导入时勾选“同时开通账号”：可另加“账号”列（不填则用手机号）和“账号角色”列（不填则按岗位确定："
                      "校长、分管安全副校长、书记为学校管理员，其他学校岗位为学校成员；教育局安全岗位为教育局管理员，"
                      "其他为教育局查看）。初始密码只显示一次，本人首次登录须修改。"])
    return to_bytes(wb)


def template_response(kind: str) -> HttpResponse:
    return _download(build_template(kind), "单位导入模板.xlsx" if kind == "units" else "人员导入模板.xlsx")
