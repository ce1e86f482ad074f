"""一岗双责 operations: generating and editing lists, acknowledgement, unassigned matters, letters and signing."""

from __future__ import annotations

import datetime
import hashlib
import json
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from anxiao.core.access import can_act_over
from anxiao.core.choices import PostKind, UnitKind
from anxiao.org.actions import require_unit
from anxiao.org.models import Person, Post, Unit
from anxiao.policies.models import DutyCategory
from anxiao.policies.selectors import Corrections, corrections_of, current_duties, list_matches_post

from .models import (
    Acknowledgement,
    Duty,
    Letter,
    LetterKind,
    LetterStatus,
    LetterTemplate,
    MatterStatus,
    ResponsibilityList,
    Signature,
    UnassignedMatter,
)
from .texts import DEFAULT_TEMPLATES


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _person(actor: Any) -> Person | None:
    return getattr(actor, "person", None) if getattr(actor, "pk", None) else None


def _notify(people: list[Any], title: str, url: str, key: str) -> None:
    """Through the notification outbox (the worker delivers); silent where the app is not installed."""
    from django.apps import apps

    if not apps.is_installed("anxiao.notifications"):
        return
    from anxiao.notifications.actions import notify

    notify([p for p in people if p is not None], title, url=url, key=key)


# --- responsibility lists ---------------------------------------------------------------------


def posts_of_bureau(bureau: Unit) -> Any:
    """The bureau's own posts, its departments', those of the schools it supervises, and the chiefs' and member
    agencies' in its region (seed 004: the 总校(园)长制 lists are the bureau's to keep)."""
    return Post.objects.filter(
        Q(unit__path__startswith=bureau.path) | Q(unit__supervising_unit=bureau)
        | Q(unit__parent__supervising_unit=bureau)
        | Q(unit__kind__in=[UnitKind.GOVERNMENT, UnitKind.MEMBER_AGENCY], unit__region_path__startswith=bureau.region_path),
        is_active=True,
    ).select_related("unit__parent", "holder")


def _duties_for(post: Post, catalogue: list[Any], corrections: Corrections | None = None) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for duty_list, templates in catalogue:
        if not list_matches_post(duty_list, post, corrections):
            continue
        for t in templates:
            if t.text in seen:
                continue
            seen.add(t.text)
            out.append({"category": t.category, "text": t.text, "clause_ref": t.clause_ref,
                        "policy_code": duty_list.policy.code, "template": t})
    return out


def _signature(duties: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    return sorted((d["category"], d["text"], d["clause_ref"]) for d in duties)


def _write_list(post: Post, duties: list[dict[str, Any]], actor: Any, note: str, edited: bool) -> ResponsibilityList:
    current = ResponsibilityList.objects.filter(post=post, is_current=True).first()
    version = 1
    if current is not None:
        ResponsibilityList.objects.filter(pk=current.pk).update(is_current=False)
        version = current.version + 1
    rl = ResponsibilityList.objects.create(post=post, version=version, note=note, edited=edited,
                                           created_by=_user(actor))
    if post.holder_id:
        _notify([post.holder], f"您的岗位责任清单已更新为第 {version} 版，请确认知悉", "/responsibility/my/",
                f"rlist:{rl.pk}")
    Duty.objects.bulk_create(
        Duty(responsibility_list=rl, category=d["category"], text=d["text"], clause_ref=d.get("clause_ref", ""),
             policy_code=d.get("policy_code", ""), template=d.get("template"), order=i)
        for i, d in enumerate(duties)
    )
    return rl


def generate_lists(actor: Any, bureau: Unit, force: bool = False) -> dict[str, int]:
    """Build each post's list from the duty templates of the bureau's adopted policies.

    A post whose duties did not change keeps its version (and its acknowledgement); a list edited by
    hand is left alone unless ``force``.
    """
    if bureau.kind != UnitKind.BUREAU:
        raise ValidationError({"bureau": [f"“{bureau.name}”不是教育局"]})
    require_unit(actor, bureau, "bureau")
    catalogue = current_duties(bureau)
    if not catalogue:
        raise ValidationError({"bureau": [f"{bureau.name}尚未采用任何规则包（或采用后尚未确认映射），请先采用并确认映射"]})
    counts = {"posts": 0, "created": 0, "unchanged": 0, "edited_kept": 0, "no_duties": 0}
    corrections = corrections_of(bureau)
    currents = {rl.post_id: rl for rl in ResponsibilityList.objects.filter(
        post__in=posts_of_bureau(bureau), is_current=True).prefetch_related("duties")}
    with transaction.atomic():
        for post in posts_of_bureau(bureau):
            counts["posts"] += 1
            duties = _duties_for(post, catalogue, corrections)
            current = currents.get(post.pk)
            if not duties:
                counts["no_duties"] += 1
                continue
            if current is not None:
                if current.edited and not force:
                    counts["edited_kept"] += 1
                    continue
                old = [{"category": d.category, "text": d.text, "clause_ref": d.clause_ref} for d in current.duties.all()]
                if _signature(old) == _signature(duties):
                    counts["unchanged"] += 1
                    continue
            _write_list(post, duties, actor, "依据已采用的制度生成", edited=False)
            counts["created"] += 1
    return counts


def edit_list(actor: Any, rl: ResponsibilityList, business: list[str], safety: list[str], note: str = "") -> ResponsibilityList:
    """Change one post's list: a new version, which asks the holder to acknowledge again."""
    require_unit(actor, rl.post.unit)
    if not ResponsibilityList.objects.filter(pk=rl.pk, is_current=True).exists():
        raise ValidationError({"version": [f"这是第 {rl.version} 版（旧版本），只能修改当前版本"]})
    business = [t.strip() for t in business if t.strip()]
    safety = [t.strip() for t in safety if t.strip()]
    if not safety:
        raise ValidationError({"safety": ["安全职责不能为空：一岗双责要求每个岗位都有安全职责"]})
    old = {(d.category, d.text): d for d in rl.duties.all()}
    duties = []
    for category, texts in ((DutyCategory.BUSINESS, business), (DutyCategory.SAFETY, safety)):
        for text in texts:
            prev = old.get((category, text))
            duties.append({"category": category, "text": text, "clause_ref": prev.clause_ref if prev else "",
                           "policy_code": prev.policy_code if prev else "", "template": prev.template if prev else None})
    with transaction.atomic():
        return _write_list(rl.post, duties, actor, note or "手工修订", edited=True)


NOT_OWN_LIST = "只能由岗位现任本人用自己的账号确认知悉"
NOT_OWN_LETTER = "只能由乙方签订人本人用自己的账号签订"


def require_own(actor: Any, person_id: int | None, message: str) -> Person:
    """The actor's own person when it is ``person_id`` (a list's holder, a letter's signatory), else the
    ``PermissionDenied`` of a record the actor may see but is not theirs to sign (views ask it before the action)."""
    person = _person(actor)
    if person is None or person_id != person.pk:
        raise PermissionDenied(message)
    return person


def acknowledge(actor: Any, rl: ResponsibilityList) -> Acknowledgement:
    """确认知悉 by the post's holder, with their own account only."""
    person = require_own(actor, rl.post.holder_id, NOT_OWN_LIST)
    if not ResponsibilityList.objects.filter(pk=rl.pk, is_current=True).exists():
        raise ValidationError({"version": [f"第 {rl.version} 版已被新版本替代，请确认当前版本"]})
    ack, _created = Acknowledgement.objects.get_or_create(responsibility_list=rl, person=person,
                                                          defaults={"user": actor})
    return ack


def is_acknowledged(rl: ResponsibilityList) -> bool:
    holder_id = rl.post.holder_id
    if not holder_id:
        return False
    return rl.acknowledgements.filter(person_id=holder_id).exists()


# --- unassigned matters (seed 000 六.6) ----------------------------------------------------------


FIRST_RESPONSIBLE: dict[str, str] = {UnitKind.SCHOOL: PostKind.PRINCIPAL, UnitKind.BUREAU: PostKind.BUREAU_PRINCIPAL}


def log_matter(actor: Any, unit: Unit, title: str, description: str = "") -> UnassignedMatter:
    """Anyone in the unit may log a matter that no post covers."""
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": ["请填写事项"]})
    if unit.kind not in FIRST_RESPONSIBLE:
        raise ValidationError({"unit": ["只能在学校或教育局登记无主事项"]})
    if not can_act_over(actor, unit):
        raise PermissionDenied("您不能在该单位登记事项")
    return UnassignedMatter.objects.create(unit=unit, title=title, description=(description or "").strip(),
                                           reported_by=_user(actor))


def assign_matter(actor: Any, matter: UnassignedMatter, owner: Person) -> UnassignedMatter:
    """The first responsible person (校长/局主要负责人) names an owner."""
    person = _person(actor)
    kind = FIRST_RESPONSIBLE.get(matter.unit.kind)
    if person is None or not Post.objects.filter(unit=matter.unit, kind=kind, holder=person, is_active=True).exists():
        raise PermissionDenied("无主事项只能由本单位第一责任人指定责任人")
    if matter.status == MatterStatus.CLOSED:
        raise ValidationError({"status": ["该事项已办结"]})
    if not owner.is_active or not owner.unit.path.startswith(matter.unit.path):
        raise ValidationError({"owner": [f"{owner.name}不是本单位在职人员"]})
    matter.owner = owner
    matter.status = MatterStatus.ASSIGNED
    matter.assigned_by = actor
    matter.assigned_at = timezone.now()
    matter.save()
    return matter


# --- letters ----------------------------------------------------------------------------------


def template_for(issuer: Unit, kind: str) -> dict[str, Any]:
    """The issuer's own template, its bureau's, or the built-in wording."""
    owners = [issuer.pk] + [u for u in (issuer.supervising_unit_id,) if u]
    for owner_id in owners:
        t = LetterTemplate.objects.filter(owner_id=owner_id, kind=kind).first()
        if t is not None:
            return {"title": t.title, "preamble": t.preamble, "terms": t.terms,
                    "clauses": DEFAULT_TEMPLATES[kind]["clauses"]}
    return dict(DEFAULT_TEMPLATES[kind])


def content_of(letter: Letter) -> dict[str, Any]:
    """What the signatory signs: parties, year, version, the full text."""
    return {
        "kind": letter.kind, "year": letter.year, "version": letter.version,
        "issuer": letter.issuer_unit.name, "party_b": letter.party_b, "title": letter.title,
        "preamble": letter.preamble, "clauses": letter.clauses, "terms": letter.terms,
    }


def content_hash(letter: Letter) -> str:
    raw = json.dumps(content_of(letter), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


STAFF_KINDS = (PostKind.HOMEROOM_TEACHER, PostKind.TEACHER, PostKind.SAFETY_OFFICER, PostKind.SECURITY_GUARD)


def _targets(issuer: Unit, kind: str) -> Any:
    if kind == LetterKind.BUREAU_SCHOOL:
        if issuer.kind != UnitKind.BUREAU:
            raise ValidationError({"kind": ["“教育局—学校”责任书只能由教育局下发"]})
        return Post.objects.filter(kind=PostKind.PRINCIPAL, is_active=True, unit__supervising_unit=issuer,
                                   unit__kind=UnitKind.SCHOOL, unit__is_active=True)
    if issuer.kind != UnitKind.SCHOOL:
        raise ValidationError({"kind": [f"“{LetterKind(kind).label}”责任书只能由学校下发"]})
    if kind == LetterKind.SCHOOL_DEPARTMENT:
        return Post.objects.filter(kind=PostKind.SCHOOL_DEPT_HEAD, is_active=True, unit__parent=issuer)
    return Post.objects.filter(Q(unit=issuer) | Q(unit__parent=issuer), kind__in=STAFF_KINDS, is_active=True)


def _clauses_for(post: Post | None, template: dict[str, Any]) -> list[dict[str, str]]:
    if post is not None:
        rl = ResponsibilityList.objects.filter(post=post, is_current=True).first()
        if rl is not None:
            duties = [{"text": d.text, "clause_ref": d.clause_ref}
                      for d in rl.duties.filter(category=DutyCategory.SAFETY).order_by("order")]
            if duties:
                return duties
    return [{"text": t, "clause_ref": ""} for t in template["clauses"]]


def _fill(text: str, letter: Letter) -> str:
    return text.format(year=letter.year, issuer=letter.issuer_unit.name, party=letter.party_b)


def _new_letter(actor: Any, issuer: Unit, kind: str, year: int, template: dict[str, Any], unit: Unit,
                post: Post | None, name: str, draft: bool) -> Letter:
    letter = Letter(kind=kind, year=year, issuer_unit=issuer, signatory_unit=unit, signatory_post=post,
                    signatory_person=post.holder if post else None, signatory_name=name,
                    status=LetterStatus.DRAFT if draft else LetterStatus.ISSUED, title=template["title"])
    letter.preamble = _fill(template["preamble"], letter)
    letter.terms = _fill(template["terms"], letter)
    letter.clauses = _clauses_for(post, template)
    if not draft:
        letter.issued_at, letter.issued_by = timezone.now(), _user(actor)
        letter.template = _current_template(letter)
    letter.save()
    if not draft:
        _notify_signatory(letter)
    return letter


def _current_template(letter: Letter) -> Any:
    """The Word template a letter is printed from, fixed when it is issued (see anxiao.documents)."""
    from anxiao.documents.render import current_template

    return current_template(letter.issuer_unit, letter.kind)


def _notify_signatory(letter: Letter, reminder: str = "") -> None:
    title = f"{reminder}请签订{letter.year}年度{letter.title}（{letter.issuer_unit.name}，第 {letter.version} 版）"
    key = f"letter:{letter.pk}:{reminder or 'issued'}"
    _notify([letter.signatory_person], title, f"/responsibility/letters/{letter.pk}/", key)


def remind_unsigned(now: Any = None, after_days: int = 7) -> int:
    """Weekly reminder for letters issued more than ``after_days`` ago and still unsigned (a worker job)."""
    now = now or timezone.now()
    week = now.isocalendar()
    due = Letter.objects.filter(status=LetterStatus.ISSUED, signatory_person__isnull=False,
                                issued_at__lte=now - datetime.timedelta(days=after_days)).select_related("issuer_unit")
    n = 0
    for letter in due:
        _notify_signatory(letter, reminder=f"【{week.year}年第{week.week}周提醒】")
        n += 1
    return n


LIVE = (LetterStatus.DRAFT, LetterStatus.ISSUED, LetterStatus.SIGNED)


def issue_letters(actor: Any, issuer: Unit, kind: str, year: int, signatory_name: str = "",
                  draft: bool = False) -> dict[str, Any]:
    """Issue one year's letters of a kind to every signatory of the issuer in one action."""
    if kind not in LetterKind.values:
        raise ValidationError({"kind": ["不是有效的责任书类型"]})
    if not 2000 <= int(year) <= 2100:
        raise ValidationError({"year": ["年度应为 2000–2100 之间的年份"]})
    require_unit(actor, issuer, "issuer_unit")
    template = template_for(issuer, kind)
    result: dict[str, Any] = {"created": [], "existing": 0, "vacant": 0}
    with transaction.atomic():
        if kind == LetterKind.SCHOOL_BUS:
            if issuer.kind != UnitKind.SCHOOL:
                raise ValidationError({"kind": ["校车安全责任书只能由学校下发"]})
            name = (signatory_name or "").strip()
            if not name:
                raise ValidationError({"signatory_name": ["请填写校车服务提供者名称"]})
            if Letter.objects.filter(kind=kind, year=year, issuer_unit=issuer, signatory_name=name,
                                     status__in=LIVE).exists():
                result["existing"] += 1
            else:
                result["created"].append(_new_letter(actor, issuer, kind, year, template, issuer, None, name, draft))
            return result
        existing = set(Letter.objects.filter(kind=kind, year=year, issuer_unit=issuer, status__in=LIVE)
                       .values_list("signatory_post_id", flat=True))
        for post in _targets(issuer, kind).select_related("unit", "holder").order_by("unit__path", "kind", "pk"):
            if post.pk in existing:
                result["existing"] += 1
            elif post.holder_id is None:
                result["vacant"] += 1
            else:
                unit = post.unit.parent if post.unit.kind == UnitKind.SCHOOL_DEPARTMENT and kind != \
                    LetterKind.SCHOOL_DEPARTMENT else post.unit
                result["created"].append(_new_letter(actor, issuer, kind, year, template, unit, post, "", draft))
    return result


def _require_issuer(actor: Any, letter: Letter) -> None:
    require_unit(actor, letter.issuer_unit, "issuer_unit")


def issue_letter(actor: Any, letter: Letter) -> Letter:
    _require_issuer(actor, letter)
    if letter.status != LetterStatus.DRAFT:
        raise ValidationError({"status": [f"只有草稿可以下发（当前：{letter.get_status_display()}）"]})
    letter.status, letter.issued_at, letter.issued_by = LetterStatus.ISSUED, timezone.now(), _user(actor)
    letter.template = _current_template(letter)
    letter.save()
    _notify_signatory(letter)
    return letter


LETTER_TEXT_FIELDS = ("title", "preamble", "clauses", "terms")


def _clean_changes(data: dict[str, Any]) -> dict[str, Any]:
    changes = {k: v for k, v in data.items() if k in LETTER_TEXT_FIELDS and v is not None}
    if "title" in changes and not str(changes["title"]).strip():
        raise ValidationError({"title": ["标题不能为空"]})
    if "clauses" in changes:
        clauses = changes["clauses"]
        if not isinstance(clauses, list) or not all(isinstance(c, dict) and str(c.get("text", "")).strip()
                                                    for c in clauses):
            raise ValidationError({"clauses": ["责任条款应为非空的条款列表"]})
        changes["clauses"] = [{"text": str(c["text"]).strip(), "clause_ref": str(c.get("clause_ref", ""))}
                              for c in clauses]
    return changes


def edit_letter(actor: Any, letter: Letter, **data: Any) -> Letter:
    """Change a draft. An issued or signed letter is never changed in place: see :func:`revise_letter`."""
    _require_issuer(actor, letter)
    if letter.status == LetterStatus.SIGNED:
        raise ValidationError({"status": ["已签订的责任书不能修改；如需变更，请发布新版本并重新签订"]})
    if letter.status != LetterStatus.DRAFT:
        raise ValidationError({"status": [f"{letter.get_status_display()}的责任书不能修改；如需变更，请发布新版本"]})
    for key, value in _clean_changes(data).items():
        setattr(letter, key, value)
    letter.save()
    return letter


def revise_letter(actor: Any, letter: Letter, **data: Any) -> Letter:
    """A new version of an issued or signed letter; the old one is superseded and a new signature is asked."""
    _require_issuer(actor, letter)
    if letter.status not in (LetterStatus.ISSUED, LetterStatus.SIGNED):
        raise ValidationError({"status": [f"只能为已下发或已签订的责任书发布新版本（当前：{letter.get_status_display()}）"]})
    changes = _clean_changes(data)
    with transaction.atomic():
        Letter.objects.filter(pk=letter.pk).update(status=LetterStatus.SUPERSEDED)
        new = Letter.objects.get(pk=letter.pk)
        new.pk = None
        new._state.adding = True
        for key, value in changes.items():
            setattr(new, key, value)
        new.version = letter.version + 1
        new.previous = letter
        new.status = LetterStatus.ISSUED
        new.issued_at, new.issued_by = timezone.now(), _user(actor)
        new.template = _current_template(new)
        if new.signatory_post_id and new.signatory_post is not None and new.signatory_post.holder_id:
            new.signatory_person = new.signatory_post.holder
        new.save()
    letter.status = LetterStatus.SUPERSEDED
    _notify_signatory(new)
    return new


def sign_letter(actor: Any, letter: Letter) -> Signature:
    """Electronic signature by the signatory's own account: timestamp and SHA-256 of the signed content."""
    person = require_own(actor, letter.signatory_person_id, NOT_OWN_LETTER)
    if letter.status == LetterStatus.SIGNED:
        raise ValidationError({"status": ["该责任书已签订"]})
    if letter.status != LetterStatus.ISSUED:
        raise ValidationError({"status": [f"{letter.get_status_display()}的责任书不能签订"]})
    with transaction.atomic():
        locked = Letter.objects.select_for_update().get(pk=letter.pk)
        if locked.status != LetterStatus.ISSUED:
            raise ValidationError({"status": ["该责任书状态已变化，请刷新后再试"]})
        signature = Signature.objects.create(letter=locked, person=person, user=actor, signed_at=timezone.now(),
                                             content_hash=content_hash(locked))
        locked.status = LetterStatus.SIGNED
        locked.save()
        _record_signing(locked, signature)
    letter.status = LetterStatus.SIGNED
    return signature


HEAD_KINDS: dict[str, str] = {UnitKind.BUREAU: PostKind.BUREAU_PRINCIPAL, UnitKind.SCHOOL: PostKind.PRINCIPAL}


def _record_signing(letter: Letter, signature: Signature) -> None:
    """A signed letter is the record the letter-signing rules ask for (obligations/crediting.py): it fills the slot
    of the side that signs letters with its people — the issuing unit (``by_unit``) and its head's post as party A
    (局长 for a bureau's letters to its schools, the principal for a school's) — never a tap."""
    from django.apps import apps

    if not apps.is_installed("anxiao.obligations"):
        return
    from anxiao.obligations.actions import record_activity

    head = Post.objects.filter(unit=letter.issuer_unit, kind=HEAD_KINDS.get(letter.issuer_unit.kind, ""),
                               is_active=True).order_by("pk").first()
    signed_on = timezone.localdate(signature.signed_at)
    # Last year's letter signed in January is last year's signing, late (it reports on its year).
    reports_on = datetime.date(letter.year, 12, 31) if letter.year < signed_on.year else None
    record_activity(None, kind="letter_signing", occurred_on=signed_on, reports_on=reports_on,
                    unit=letter.signatory_unit, by_unit=letter.issuer_unit, responsible_post=head, post_role="led",
                    title=f"{letter.year}年{letter.title}（{letter.party_b}）"[:200], record_kind=f"letter:{letter.kind}",
                    evidence="record", notes=f"乙方本人签订，内容摘要 {signature.content_hash[:16]}…",
                    source_ref=f"letter:{letter.pk}")


def expire_letters(today: Any = None) -> int:
    """Letters of past years end: unsigned and signed alike become expired."""
    year = (today or timezone.localdate()).year
    return Letter.objects.filter(year__lt=year, status__in=LIVE).update(status=LetterStatus.EXPIRED)
