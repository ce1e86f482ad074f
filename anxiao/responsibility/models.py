"""一岗双责: a responsibility list per post (business + safety duties, versioned), its
acknowledgements, matters that belong to no post, and responsibility letters (责任书) with signatures.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anxiao.core.access import Scope
from anxiao.core.models import AnxiaoModel
from anxiao.policies.models import DutyCategory


class SignedVia(models.TextChoices):
    ACCOUNT = "account", _("本人账号")
    IMPORT = "import", _("历史记录导入")


class ResponsibilityList(AnxiaoModel):
    post = models.ForeignKey("org.Post", on_delete=models.PROTECT, related_name="responsibility_lists",
                             verbose_name=_("岗位"))
    version = models.PositiveIntegerField(_("版本"), default=1)
    is_current = models.BooleanField(_("当前版本"), default=True)
    note = models.CharField(_("修订说明"), max_length=200, blank=True)
    # Edited by hand: regeneration from the policies leaves it alone unless forced.
    edited = models.BooleanField(_("手工修订"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("制定人"))

    scope_unit_fields = ("post__unit",)

    class Meta:
        ordering = ["post_id", "-version"]
        verbose_name = _("责任清单")
        verbose_name_plural = _("责任清单")
        constraints = [
            models.UniqueConstraint(fields=["post"], condition=Q(is_current=True), name="one_current_list_per_post"),
            models.UniqueConstraint(fields=["post", "version"], name="list_version_once"),
        ]

    def __str__(self) -> str:
        return f"{self.post} 责任清单 第{self.version}版"


class Duty(AnxiaoModel):
    responsibility_list = models.ForeignKey(ResponsibilityList, on_delete=models.CASCADE, related_name="duties",
                                            verbose_name=_("责任清单"))
    category = models.CharField(_("类别"), max_length=10, choices=DutyCategory.choices)
    text = models.TextField(_("职责内容"))
    clause_ref = models.CharField(_("条款号"), max_length=60, blank=True)
    policy_code = models.CharField(_("制度"), max_length=40, blank=True)
    template = models.ForeignKey("policies.DutyTemplate", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("职责模板"))
    order = models.PositiveIntegerField(_("顺序"), default=0)

    scope_unit_fields = ("responsibility_list__post__unit",)

    class Meta:
        ordering = ["responsibility_list_id", "category", "order"]
        verbose_name = _("职责")
        verbose_name_plural = _("职责")

    def __str__(self) -> str:
        return self.text[:40]


class Acknowledgement(AnxiaoModel):
    """确认知悉: the holder confirms, with their own account, that they have read this version."""

    responsibility_list = models.ForeignKey(ResponsibilityList, on_delete=models.PROTECT,
                                            related_name="acknowledgements", verbose_name=_("责任清单"))
    person = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("人员"))
    # Empty only for records imported from before the platform (via=import); never for a live acknowledgement.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", verbose_name=_("账号"))
    via = models.CharField(_("方式"), max_length=10, choices=SignedVia.choices, default=SignedVia.ACCOUNT)
    acknowledged_at = models.DateTimeField(_("确认时间"), auto_now_add=True)

    scope_unit_fields = ("responsibility_list__post__unit",)

    class Meta:
        ordering = ["-acknowledged_at"]
        verbose_name = _("确认知悉")
        verbose_name_plural = _("确认知悉")
        constraints = [models.UniqueConstraint(fields=["responsibility_list", "person"], name="ack_once")]


class MatterStatus(models.TextChoices):
    OPEN = "open", _("待指定")
    ASSIGNED = "assigned", _("已指定责任人")
    CLOSED = "closed", _("已办结")


class UnassignedMatter(AnxiaoModel):
    """无主事项 (seed 000 六.6): a matter no post covers, assigned by the first responsible person."""

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="unassigned_matters",
                             verbose_name=_("单位"))
    title = models.CharField(_("事项"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=MatterStatus.choices, default=MatterStatus.OPEN)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("登记人"))
    owner = models.ForeignKey("org.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("责任人"))
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("指定人"))
    assigned_at = models.DateTimeField(_("指定时间"), null=True, blank=True)

    scope_unit_fields = ("unit",)

    class Meta:
        ordering = ["status", "-created_at"]
        verbose_name = _("无主事项")
        verbose_name_plural = _("无主事项")

    def __str__(self) -> str:
        return self.title


class LetterKind(models.TextChoices):
    BUREAU_SCHOOL = "bureau_school", _("教育局—学校（校长）")
    SCHOOL_DEPARTMENT = "school_department", _("学校—处室负责人")
    SCHOOL_STAFF = "school_staff", _("学校—班主任/教职工")
    SCHOOL_BUS = "school_bus", _("学校—校车服务提供者")


class LetterStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    ISSUED = "issued", _("已下发待签")
    SIGNED = "signed", _("已签订")
    SUPERSEDED = "superseded", _("已被新版本替代")
    EXPIRED = "expired", _("已过期")


class LetterTemplate(AnxiaoModel):
    """A bureau's wording for one relationship; missing ones fall back to the built-in wording."""

    owner = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="letter_templates",
                              verbose_name=_("所属单位"))
    kind = models.CharField(_("类型"), max_length=20, choices=LetterKind.choices)
    title = models.CharField(_("标题"), max_length=200)
    preamble = models.TextField(_("正文"))
    terms = models.TextField(_("责任追究条款"))

    scope_unit_fields = ("owner",)

    class Meta:
        verbose_name = _("责任书模板")
        verbose_name_plural = _("责任书模板")
        constraints = [models.UniqueConstraint(fields=["owner", "kind"], name="letter_template_once")]

    def __str__(self) -> str:
        return self.title


class Letter(AnxiaoModel):
    kind = models.CharField(_("类型"), max_length=20, choices=LetterKind.choices)
    year = models.PositiveIntegerField(_("年度"))
    version = models.PositiveIntegerField(_("版本"), default=1)
    status = models.CharField(_("状态"), max_length=12, choices=LetterStatus.choices, default=LetterStatus.DRAFT)
    issuer_unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="letters_issued",
                                    verbose_name=_("甲方"))
    signatory_unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="letters_received",
                                       verbose_name=_("乙方单位"))
    signatory_post = models.ForeignKey("org.Post", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="letters", verbose_name=_("乙方岗位"))
    signatory_person = models.ForeignKey("org.Person", null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="letters", verbose_name=_("乙方签订人"))
    signatory_name = models.CharField(_("乙方名称"), max_length=200, blank=True,
                                      help_text=_("校车服务提供者等无账号的乙方"))
    title = models.CharField(_("标题"), max_length=200)
    preamble = models.TextField(_("正文"))
    clauses = models.JSONField(_("责任条款"), default=list)
    terms = models.TextField(_("责任追究条款"))
    previous = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("上一版本"))
    issued_at = models.DateTimeField(_("下发时间"), null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("下发人"))
    # The Word template (version) current when the letter was issued; empty = the built-in template.
    template = models.ForeignKey("documents.DocumentTemplate", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("公文模板"))

    scope_unit_fields = ("issuer_unit", "signatory_unit")

    @classmethod
    def scope_q(cls, scope: Scope, write: bool = False) -> Q:
        # The signatory's unit reads the letter; only the issuing side changes it.
        return scope.unit_q("issuer_unit__") if write else super().scope_q(scope, write)

    class Meta:
        ordering = ["-year", "issuer_unit_id", "signatory_unit_id", "-version"]
        verbose_name = _("责任书")
        verbose_name_plural = _("责任书")
        indexes = [models.Index(fields=["year", "status"]), models.Index(fields=["kind", "year"])]

    def __str__(self) -> str:
        return f"{self.year}年{self.title}（{self.party_b}，第{self.version}版）"

    @property
    def party_b(self) -> str:
        if self.signatory_name:
            return self.signatory_name
        who = self.signatory_person.name if self.signatory_person_id and self.signatory_person else ""
        return f"{self.signatory_unit.name} {who}".strip()


class Signature(AnxiaoModel):
    """签订: who signed which content, when — the hash lets anyone check the text was not changed after."""

    letter = models.OneToOneField(Letter, on_delete=models.PROTECT, related_name="signature",
                                  verbose_name=_("责任书"))
    person = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("签订人"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", verbose_name=_("账号"))
    via = models.CharField(_("方式"), max_length=10, choices=SignedVia.choices, default=SignedVia.ACCOUNT)
    signed_at = models.DateTimeField(_("签订时间"))
    content_hash = models.CharField(_("内容摘要（SHA-256）"), max_length=64)

    scope_unit_fields = ("letter__issuer_unit", "letter__signatory_unit")

    class Meta:
        verbose_name = _("签订记录")
        verbose_name_plural = _("签订记录")
