"""A bureau's own Word templates (versions kept; the current one is used for the next document issued)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anxiao.core.files import StoredFileBase


class DocumentKind(models.TextChoices):
    # The four letter kinds carry the values of responsibility.LetterKind.
    BUREAU_SCHOOL = "bureau_school", _("责任书：教育局—学校（校长）")
    SCHOOL_DEPARTMENT = "school_department", _("责任书：学校—处室负责人")
    SCHOOL_STAFF = "school_staff", _("责任书：学校—班主任/教职工")
    SCHOOL_BUS = "school_bus", _("责任书：学校—校车服务提供者")
    NOTICE = "notice", _("通知")
    BULLETIN = "bulletin", _("通报")
    ASSESSMENT_BULLETIN = "assessment_bulletin", _("考核结果通报")


LETTER_KINDS = ("bureau_school", "school_department", "school_staff", "school_bus")


class DocumentTemplate(StoredFileBase):
    owner = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="document_templates",
                              verbose_name=_("所属单位"))
    kind = models.CharField(_("文种"), max_length=24, choices=DocumentKind.choices)
    version = models.PositiveIntegerField(_("版本"))
    is_current = models.BooleanField(_("当前使用"), default=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("上传人"))

    scope_unit_fields = ("owner",)

    class Meta:
        ordering = ["owner_id", "kind", "-version"]
        verbose_name = _("公文模板")
        verbose_name_plural = _("公文模板")
        constraints = [
            models.UniqueConstraint(fields=["owner", "kind", "version"], name="document_template_version_once"),
            models.UniqueConstraint(fields=["owner", "kind"], condition=Q(is_current=True),
                                    name="one_current_document_template"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} 第{self.version}版"
