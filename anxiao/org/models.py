"""Organisation: regions, units, people, posts, leadership groups and 包保 assignments."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anxiao.core.access import NOTHING, Scope, ancestor_ids
from anxiao.core.choices import (
    BusService,
    PostKind,
    RegionLevel,
    Stage,
    UnitFunction,
    UnitKind,
    functions_in_name,
)
from anxiao.core.models import AnxiaoModel
from anxiao.core.text import pinyin_key


def _rewrite_prefix(queryset: Any, field: str, old: str, new: str) -> None:
    """Replace the leading ``old`` of ``field`` by ``new`` in every row of the queryset."""
    from django.db.models import Value
    from django.db.models.functions import Concat, Substr

    queryset.filter(**{f"{field}__startswith": old}).update(
        **{field: Concat(Value(new), Substr(field, len(old) + 1), output_field=models.CharField())}
    )


class TreePathMixin:
    """Keeps ``path`` ("/<root id>/.../<own id>/") in step with ``parent``, descendants included."""

    def _sync_path(self) -> None:
        model: Any = type(self)
        me: Any = self
        parent_path = model.objects.filter(pk=me.parent_id).values_list("path", flat=True).first() if me.parent_id else ""
        expected = (parent_path or "/") + f"{me.pk}/"
        old = me.path
        if old == expected:
            return
        model.objects.filter(pk=me.pk).update(path=expected)
        me.path = expected
        if old:
            _rewrite_prefix(model.objects.exclude(pk=me.pk), "path", old, expected)
            if model is Region:
                _rewrite_prefix(Unit.objects.all(), "region_path", old, expected)


class Region(TreePathMixin, AnxiaoModel):
    """行政区划: province → city → county/district → town/street → village/community."""

    name = models.CharField(_("名称"), max_length=100)
    code = models.CharField(_("区划代码"), max_length=20, blank=True)
    level = models.CharField(_("级别"), max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("上级")
    )
    # "/1/5/33/": ids from the root; a subtree is every path that starts with this one.
    path = models.CharField(max_length=255, blank=True, db_index=True, editable=False)
    pinyin = models.CharField(max_length=400, blank=True, editable=False)

    class Meta:
        ordering = ["path"]
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        constraints = [models.UniqueConstraint(fields=["parent", "name"], name="region_unique_name_in_parent")]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_q(cls, scope: Scope, write: bool = False) -> Q:
        q = NOTHING
        for path in scope.region_paths:
            q |= Q(path__startswith=path)
        if not write:
            # The regions above what one may see are shown by name (breadcrumbs, filters).
            ids: set[int] = set()
            for path in scope.region_paths:
                ids.update(ancestor_ids(path))
            for path in scope.unit_paths:
                ids.update(_unit_region_ancestors(path))
            if ids:
                q |= Q(pk__in=ids)
        return q

    def audit_unit(self) -> Any:
        return None

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.pinyin = pinyin_key(self.name)
        super().save(*args, **kwargs)
        self._sync_path()

    def ancestors(self) -> list[Region]:
        ids = ancestor_ids(self.path)[:-1]
        by_id = {r.pk: r for r in Region.objects.filter(pk__in=ids)}
        return [by_id[i] for i in ids if i in by_id]


def _unit_region_ancestors(unit_path: str) -> set[int]:
    unit_ids = ancestor_ids(unit_path)
    if not unit_ids:
        return set()
    region_path = Unit.objects.filter(pk=unit_ids[-1]).values_list("region_path", flat=True).first() or ""
    return set(ancestor_ids(region_path))


class Unit(TreePathMixin, AnxiaoModel):
    """单位: a bureau, a bureau department, a school, a school department, a government, a member agency."""

    name = models.CharField(_("名称"), max_length=120)
    short_name = models.CharField(_("简称"), max_length=60, blank=True)
    code = models.CharField(_("单位代码"), max_length=40, blank=True, db_index=True)
    kind = models.CharField(_("类型"), max_length=20, choices=UnitKind.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="units", verbose_name=_("所在区划"))
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("上级单位")
    )
    # The bureau in charge of a school (its 主管教育局).
    supervising_unit = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="supervised_units",
        verbose_name=_("主管单位"),
    )
    stage = models.CharField(_("学段"), max_length=20, choices=Stage.choices, blank=True)
    boarding = models.BooleanField(_("寄宿制"), default=False)
    campuses = models.PositiveSmallIntegerField(_("校区数"), default=1)
    # What a department does (UnitFunction codes); empty means "as its name says" (see ``function_codes``).
    functions = models.JSONField(_("职能"), default=list, blank=True,
                                 help_text=_("股室/处室的职能代码，如 security（安全保卫）、finance（财务）"))
    is_private = models.BooleanField(_("民办"), default=False)
    bus = models.CharField(_("校车"), max_length=10, choices=BusService.choices, blank=True, default="")
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    is_active = models.BooleanField(_("在用"), default=True)
    path = models.CharField(max_length=255, blank=True, db_index=True, editable=False)
    region_path = models.CharField(max_length=255, blank=True, db_index=True, editable=False)
    pinyin = models.CharField(max_length=400, blank=True, editable=False)

    scope_unit_fields = ("",)

    class Meta:
        ordering = ["region_path", "kind", "name"]
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        indexes = [models.Index(fields=["kind", "stage"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="school") | ~Q(stage=""), name="unit_school_has_stage",
                violation_error_message=_("学校必须填写学段"),
            ),
            models.CheckConstraint(condition=Q(campuses__gte=1), name="unit_campuses_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.pinyin = pinyin_key(f"{self.name}{self.short_name}")
        self.region_path = Region.objects.filter(pk=self.region_id).values_list("path", flat=True).first() or ""
        super().save(*args, **kwargs)
        self._sync_path()

    @property
    def is_school(self) -> bool:
        return self.kind == UnitKind.SCHOOL

    @property
    def function_codes(self) -> list[str]:
        """The unit's recorded functions, or—when none are recorded—the ones its name states."""
        if self.functions:
            return [str(f) for f in self.functions]
        return functions_in_name(f"{self.name}{self.short_name}")

    @property
    def uses_bus(self) -> bool:
        return self.bus in (BusService.RUNS, BusService.HIRES)


def check_functions(value: Any) -> list[str]:
    """Validated function codes, or ValidationError naming the field."""
    from django.core.exceptions import ValidationError

    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = [v for v in value.replace("，", ",").split(",") if v.strip()]
    if not isinstance(value, list | tuple):
        raise ValidationError({"functions": ["职能应为代码列表"]})
    codes = [str(v).strip() for v in value]
    bad = [c for c in codes if c not in UnitFunction.values]
    if bad:
        raise ValidationError({"functions": [f"“{'、'.join(bad)}”不是有效的职能代码"]})
    return codes


class Person(AnxiaoModel):
    """人员. A person may hold several posts; ``unit`` is where they belong (人事关系所在单位)."""

    class Gender(models.TextChoices):
        MALE = "m", _("男")
        FEMALE = "f", _("女")

    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices, blank=True)
    mobile = models.CharField(_("手机号"), max_length=20, blank=True, null=True, unique=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="people", verbose_name=_("所属单位"))
    is_active = models.BooleanField(_("在职"), default=True)
    pinyin = models.CharField(max_length=400, blank=True, editable=False)

    scope_unit_fields = ("unit",)

    class Meta:
        ordering = ["unit_id", "name"]
        verbose_name = _("人员")
        verbose_name_plural = _("人员")

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.pinyin = pinyin_key(self.name)
        if self.mobile == "":
            self.mobile = None
        super().save(*args, **kwargs)


class Post(AnxiaoModel):
    """岗位: a position in a unit. It may be vacant; who held it and when is kept in PostTenure."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="posts", verbose_name=_("单位"))
    kind = models.CharField(_("岗位类别"), max_length=30, choices=PostKind.choices)
    title = models.CharField(_("岗位名称"), max_length=80)
    holder = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="posts", verbose_name=_("现任")
    )
    class_name = models.CharField(_("班级"), max_length=40, blank=True, help_text=_("班主任所带班级"))
    is_active = models.BooleanField(_("在用"), default=True)

    scope_unit_fields = ("unit",)

    class Meta:
        ordering = ["unit_id", "kind", "title"]
        verbose_name = _("岗位")
        verbose_name_plural = _("岗位")
        indexes = [models.Index(fields=["kind", "unit"])]

    def __str__(self) -> str:
        who = self.holder.name if self.holder_id and self.holder else str(_("空缺"))
        return f"{self.unit.short_name or self.unit.name} {self.title}（{who}）"

    @property
    def is_vacant(self) -> bool:
        return self.holder_id is None


class PostTenure(AnxiaoModel):
    """任职记录: one person holding one post over a period."""

    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="tenures", verbose_name=_("岗位"))
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="tenures", verbose_name=_("人员"))
    started_on = models.DateField(_("任职日期"), default=timezone.localdate)
    ended_on = models.DateField(_("离任日期"), null=True, blank=True)

    scope_unit_fields = ("post__unit",)

    class Meta:
        ordering = ["post_id", "-started_on"]
        verbose_name = _("任职记录")
        verbose_name_plural = _("任职记录")
        constraints = [
            models.UniqueConstraint(
                fields=["post"], condition=Q(ended_on__isnull=True), name="one_current_tenure_per_post"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.post_id} {self.started_on}–{self.ended_on or ''}"


class Group(AnxiaoModel):
    """领导小组 (e.g. 安全工作领导小组) with its office (安全办)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="groups", verbose_name=_("所属单位"))
    name = models.CharField(_("名称"), max_length=100)
    office_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="office_of_groups",
        verbose_name=_("办公室设在"),
    )
    office_name = models.CharField(_("办公室名称"), max_length=60, blank=True, default="安全办")
    purpose = models.TextField(_("职责"), blank=True)
    is_active = models.BooleanField(_("在用"), default=True)

    scope_unit_fields = ("unit",)

    class Meta:
        ordering = ["unit_id", "name"]
        verbose_name = _("领导小组")
        verbose_name_plural = _("领导小组")

    def __str__(self) -> str:
        return self.name


class GroupRole(models.TextChoices):
    LEADER = "leader", _("组长")
    DEPUTY = "deputy", _("副组长")
    MEMBER = "member", _("成员")
    OFFICE_DIRECTOR = "office_director", _("办公室主任")


class GroupMember(AnxiaoModel):
    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="members", verbose_name=_("领导小组"))
    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="group_memberships", verbose_name=_("岗位"))
    role = models.CharField(_("职务"), max_length=20, choices=GroupRole.choices, default=GroupRole.MEMBER)

    scope_unit_fields = ("group__unit",)

    class Meta:
        ordering = ["group_id", "role", "post_id"]
        verbose_name = _("小组成员")
        verbose_name_plural = _("小组成员")
        constraints = [models.UniqueConstraint(fields=["group", "post"], name="group_member_once")]

    def __str__(self) -> str:
        return f"{self.group} {self.get_role_display()} {self.post}"


class AssignmentKind(models.TextChoices):
    BAOBAO = "baobao", _("包保")
    GUADIAN = "guadian", _("挂点联系")
    SUPERVISION = "supervision", _("责任督学")


class Assignment(AnxiaoModel):
    """包保/挂点联系: a post or a department looks after a unit or a town."""

    kind = models.CharField(_("类型"), max_length=20, choices=AssignmentKind.choices, default=AssignmentKind.BAOBAO)
    holder_post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("负责岗位")
    )
    holder_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="assignments_held", verbose_name=_("负责单位/股室")
    )
    target_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="assignments_received",
        verbose_name=_("联系学校/单位"),
    )
    target_region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="assignments",
        verbose_name=_("联系镇街"),
    )
    started_on = models.DateField(_("开始日期"), default=timezone.localdate)
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    scope_unit_fields = ("holder_unit", "target_unit")

    @classmethod
    def scope_q(cls, scope: Scope, write: bool = False) -> Q:
        # A school sees who looks after it, but only the side that made the assignment changes it.
        return scope.unit_q("holder_unit__") if write else super().scope_q(scope, write)

    class Meta:
        ordering = ["holder_unit_id", "kind"]
        verbose_name = _("包保联系")
        verbose_name_plural = _("包保联系")
        constraints = [
            models.CheckConstraint(
                condition=Q(target_unit__isnull=False) | Q(target_region__isnull=False),
                name="assignment_has_target",
                violation_error_message=_("请选择联系的学校或镇街"),
            )
        ]

    def __str__(self) -> str:
        holder = self.holder_post.holder.name if self.holder_post and self.holder_post.holder else self.holder_unit.name
        target = self.target_unit or self.target_region
        return f"{holder} {self.get_kind_display()} {target}"

    @property
    def is_current(self) -> bool:
        today = timezone.localdate()
        return self.started_on <= today and (self.ended_on is None or self.ended_on >= today)
