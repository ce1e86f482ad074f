"""Accountability cases (责任追究): opened from an incident, a hazard or an assessment finding; the duty
dossier (履职档案) of each post concerned is assembled from the records (see dossier.py); a decision
records the finding (尽职免责 / 失职追责) and the measures, which feed the annual assessment."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from anxiao.core.models import AnxiaoModel, VoidableModel


class SourceKind(models.TextChoices):
    INCIDENT = "incident", _("事故/突发事件")
    HAZARD = "hazard", _("隐患")
    FINDING = "finding", _("考核/督查发现")


class Measure(models.TextChoices):
    """Accountability measures (seeds 000 六.5, 002 五(三), 003 四(一)); a bureau switches them on or off."""

    NONE = "none", _("不予追责（尽职免责）")
    CRITICISM = "criticism", _("批评教育")
    ADMONITION = "admonition", _("诫勉谈话")
    DISQUALIFIED = "disqualified", _("取消本年度评优评先、晋职晋级资格")
    VETO = "veto", _("年度考核一票否决")
    PERFORMANCE = "performance", _("取消本年度综合考核评估资格和绩效奖励")
    REFERRAL = "referral", _("移送纪检监察机关")


class Ground(models.TextChoices):
    """The grounds on which a unit loses its year's assessment and performance award (seed 002 五(三), 六(三);
    seed 000 六.5: neglect that led to an accident); a decision taking the assessment away names at least one."""

    NEGLECT = "neglect", _("不重视")
    SLOW = "slow", _("推进不力")
    RECTIFICATION = "rectification", _("安全隐患整改不到位")
    HOLLOW = "hollow", _("措施不实")
    PERFUNCTORY = "perfunctory", _("敷衍塞责")
    FRAUD = "fraud", _("弄虚作假")
    ACCIDENT = "accident", _("忽视安全、不履行或不正确履行职责导致安全事故")


class MeasureOption(AnxiaoModel):
    """Which measures a bureau uses, with its own wording and source."""

    bureau = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="measure_options",
                               verbose_name=_("教育局"))
    measure = models.CharField(_("措施"), max_length=20, choices=Measure.choices)
    label = models.CharField(_("名称"), max_length=80, blank=True)
    source = models.CharField(_("依据"), max_length=120, blank=True)
    enabled = models.BooleanField(_("启用"), default=True)

    scope_unit_fields = ("bureau",)

    class Meta:
        verbose_name = _("追责措施")
        constraints = [models.UniqueConstraint(fields=["bureau", "measure"], name="measure_once_per_bureau")]

    def __str__(self) -> str:
        return self.label or self.get_measure_display()


class CaseStatus(models.TextChoices):
    OPEN = "open", _("调查中")
    DECIDED = "decided", _("已决定")


class Case(VoidableModel):
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="accountability_cases",
                             verbose_name=_("涉及单位"))
    title = models.CharField(_("案由"), max_length=150)
    source_kind = models.CharField(_("来源"), max_length=10, choices=SourceKind.choices)
    source_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    source_id = models.CharField(max_length=40, blank=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    description = models.TextField(_("情况说明"), blank=True)
    posts = models.ManyToManyField("org.Post", related_name="accountability_cases", verbose_name=_("涉及岗位"))
    status = models.CharField(_("状态"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("立案人"))

    scope_unit_fields = ("unit",)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("追责案件")
        verbose_name_plural = _("追责案件")

    def __str__(self) -> str:
        return f"{self.year} {self.unit} {self.title}"

    @property
    def source(self) -> object | None:
        if self.source_type is None:
            return None
        model = self.source_type.model_class()
        return model._default_manager.filter(pk=self.source_id).first() if model else None


class Finding(models.TextChoices):
    DILIGENT = "diligent", _("尽职免责")
    DERELICT = "derelict", _("失职追责")


class Decision(AnxiaoModel):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("案件"))
    post = models.ForeignKey("org.Post", on_delete=models.PROTECT, related_name="accountability_decisions",
                             verbose_name=_("岗位"))
    person = models.ForeignKey("org.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("当事人"))
    finding = models.CharField(_("认定"), max_length=10, choices=Finding.choices)
    reasoning = models.TextField(_("认定理由"))
    measures = models.JSONField(_("措施"), default=list)
    grounds = models.JSONField(_("情形"), default=list, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("决定人"))
    decided_on = models.DateField(_("决定日期"))
    document_number = models.CharField(_("文号"), max_length=60, blank=True)

    scope_unit_fields = ("case__unit",)

    class Meta:
        ordering = ["case_id", "id"]
        verbose_name = _("追责决定")
        constraints = [models.UniqueConstraint(fields=["case", "post"], name="one_decision_per_post_and_case")]

    def __str__(self) -> str:
        return f"{self.case.title}：{self.post} {self.get_finding_display()}"

    @property
    def measure_labels(self) -> list[str]:
        return [str(Measure(m).label) for m in self.measures if m in Measure.values]

    @property
    def ground_labels(self) -> list[str]:
        return [str(Ground(g).label) for g in self.grounds or [] if g in Ground.values]
