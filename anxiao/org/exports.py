"""The people list's export (documents.lists.ListExport): what the list shows, with its filters. Phones of every
colleague: for the managers of a scope only, and only the people they manage (as the import round-trip file in
``org/excel.py``, which keeps its plain re-importable layout)."""

from __future__ import annotations

from anxiao.core.access import user_scope
from anxiao.documents.lists import ListExport
from anxiao.documents.tables import Column

from .filters import PersonFilter
from .models import Person

PEOPLE = ListExport(
    title="人员名单", filters=PersonFilter, list_url="org:person_list",
    allowed=lambda user: not user_scope(user, write=True).empty,
    rows=lambda user: Person.objects.writable_by(user).select_related("unit").prefetch_related("posts")
    .order_by("unit__path", "name", "id"),
    columns=[
        (Column("姓名", 10), lambda p: p.name),
        (Column("所属单位", 22, wrap=True), lambda p: p.unit.name if p.unit else ""),
        (Column("岗位", 26, wrap=True), lambda p: "、".join(post.title for post in p.posts.all())),
        (Column("手机号", 14), lambda p: p.mobile or ""),
        (Column("状态", 6), lambda p: "在职" if p.is_active else "离职"),
    ],
)
