"""Notices (通知) and bulletins (通报) from a bureau to a selection of units, with read receipts."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from anxiao.core.access import roles_over_unit
from anxiao.core.choices import Role, Stage, UnitKind
from anxiao.core.files import CheckedFile, check_upload
from anxiao.documents.gongwen import cn_date, cn_month
from anxiao.org.models import Region, Unit

from . import actions
from .models import Notice, NoticeAttachment, NoticeKind, NoticeRecipient

ISSUERS: set[str] = {Role.SYSTEM_ADMIN, Role.BUREAU_ADMIN}
MAX_ATTACHMENTS = 10
ATTACHMENT_MB = 20


def audience(bureau: Unit, *, region: Region | None = None, stage: str = "") -> tuple[Any, str]:
    """The schools a selection names (all schools of the bureau, one town, one stage) and its description."""
    schools = Unit.objects.filter(kind=UnitKind.SCHOOL, supervising_unit=bureau, is_active=True)
    parts = []
    if region is not None:
        schools = schools.filter(region_path__startswith=region.path)
        parts.append(region.name)
    if stage:
        if stage not in Stage.values:
            raise ValidationError({"stage": ["学段不是有效的选项"]})
        schools = schools.filter(stage=stage)
        parts.append(str(Stage(stage).label))
    return schools, ("、".join(parts) + "学校") if parts else "全部学校"


def _check_files(uploads: list[Any], already: int = 0) -> list[CheckedFile]:
    """Every file checked by its content (PDF, Word/Excel/PowerPoint, images) before anything is stored."""
    if already + len(uploads) > MAX_ATTACHMENTS:
        raise ValidationError({"attachments": [f"每份通知最多 {MAX_ATTACHMENTS} 个附件"]})
    return [check_upload(u, images_only=False, field="attachments", limit=ATTACHMENT_MB * 1024 * 1024)
            for u in uploads]


def _store(notice: Notice, checked: list[CheckedFile]) -> list[NoticeAttachment]:
    return [NoticeAttachment.from_checked(c, f"notices/{notice.pk}", notice=notice) for c in checked]


def issue(actor: Any, bureau: Unit, *, title: str, body: str, kind: str = NoticeKind.NOTICE,
          document_number: str = "", region: Region | None = None, stage: str = "",
          attachments: list[Any] | None = None) -> Notice:
    if actor is not None and not (roles_over_unit(actor, bureau) & ISSUERS):
        raise PermissionDenied("只有教育局可以发布通知通报")
    checked = _check_files(list(attachments or []))
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = ["请填写标题"]
    if not body.strip():
        errors["body"] = ["请填写正文"]
    if kind not in NoticeKind.values:
        errors["kind"] = ["类型不是有效的选项"]
    schools, described = audience(bureau, region=region, stage=stage)
    if not errors and not schools.exists():
        errors["audience"] = ["所选范围内没有学校"]
    if errors:
        raise ValidationError(errors)
    from anxiao.documents.render import current_template

    with transaction.atomic():
        notice = Notice.objects.create(issuer=bureau, kind=kind, title=title.strip(), body=body.strip(),
                                       document_number=document_number, audience=described, issued_by=actor,
                                       issued_at=timezone.now(), template=current_template(bureau, kind))
        NoticeRecipient.objects.bulk_create([NoticeRecipient(notice=notice, unit=u) for u in schools])
        for attachment in _store(notice, checked):
            attachment.save()
    _notify(notice)
    return notice


def attach(actor: Any, notice: Notice, uploads: list[Any]) -> list[NoticeAttachment]:
    """Add files to an issued notice (the issuing bureau only)."""
    if actor is not None and not (roles_over_unit(actor, notice.issuer) & ISSUERS):
        raise PermissionDenied("只有发文单位可以添加附件")
    if not uploads:
        raise ValidationError({"attachments": ["请选择要上传的文件"]})
    with transaction.atomic():
        notice = Notice.objects.select_for_update().get(pk=notice.pk)
        checked = _check_files(uploads, notice.attachments.count())
        stored = _store(notice, checked)
        for attachment in stored:
            attachment.save()
    return stored


def _notify(notice: Notice) -> None:
    from anxiao.core.choices import PostKind
    from anxiao.notifications import actions as outbox
    from anxiao.org.models import Person

    heads = Person.objects.filter(posts__unit__notices_received__notice=notice,
                                  posts__kind__in=[PostKind.PRINCIPAL, PostKind.SAFETY_DEPUTY]).distinct()
    outbox.notify(heads, f"【{notice.get_kind_display()}】{notice.title}", notice.body[:200], "/reports/notices/",
                  key=f"notice:{notice.pk}")


def confirm_read(actor: Any, recipient: NoticeRecipient) -> NoticeRecipient:
    if not roles_over_unit(actor, recipient.unit) - {Role.BUREAU_VIEWER}:
        raise PermissionDenied("只有接收单位的人员可以确认阅读")
    NoticeRecipient.objects.filter(pk=recipient.pk, read_at__isnull=True).update(
        read_at=timezone.now(), read_by=actor, updated_at=timezone.now())
    recipient.refresh_from_db()
    return recipient


def _brief(text: str, length: int = 20) -> str:
    """A description shortened for a 公文 sentence: whitespace folded, cut with "…", never ending on an open
    bracket or a pause mark (a cut "合格（" followed by "（整改时限…）" read "合格（（")."""
    text = " ".join(text.split())
    if len(text) <= length:
        return text.rstrip("（([【“‘、，,；;：: ")
    return text[:length].rstrip("（([【“‘、，,；;：: ") + "…"


def bulletin_text(bureau: Unit, month: datetime.date, today: datetime.date | None = None) -> tuple[str, str]:
    """A bulletin drafted from data: late and missing reports of the month, and overdue hazards."""
    from anxiao.hazards.figures import figure_q
    from anxiao.hazards.models import Hazard

    today = today or timezone.localdate()
    schools = list(Unit.objects.filter(kind=UnitKind.SCHOOL, supervising_unit=bureau, is_active=True))
    rows = actions.month_status(schools, month, today)
    late = [r["unit"].name for r in rows if r["state"] == "late"]
    missing = [r["unit"].name for r in rows if r["state"] == "missing"]
    returned = [r["unit"].name for r in rows if r["state"] == "returned"]
    overdue = (Hazard.objects.filter(figure_q("overdue", today), unit__supervising_unit=bureau)
               .select_related("unit").order_by("unit__name", "deadline"))
    lines = [f"根据{cn_month(month)}学校安全隐患排查整治台账报送和隐患整改情况，现通报如下：",
             f"一、台账报送。应报 {len(rows)} 所，按时报送 {sum(r['state'] == 'submitted' for r in rows)} 所。"]
    lines.append(f"迟报（{len(late)} 所）：{'、'.join(late) or '无'}。")
    lines.append(f"未报（{len(missing)} 所）：{'、'.join(missing) or '无'}。")
    if returned:
        lines.append(f"被退回尚未重报（{len(returned)} 所）：{'、'.join(returned)}。")
    items = [f"{h.unit.name}：{h.location}，{_brief(h.description)}（整改时限{cn_date(h.deadline)}）" for h in overdue[:50]]
    lines.append(f"二、逾期未整改隐患 {overdue.count()} 条：" + ("；".join(items) if items else "无") + "。")
    lines.append("请相关学校于 5 个工作日内完成整改或补报，逾期将纳入年度考核。")
    return f"关于{cn_month(month)}学校安全台账报送和隐患整改情况的通报", "\n".join(lines)

