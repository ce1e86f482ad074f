"""Demo: lists for every post, 2026 letters bureau → schools and school → staff, most signed and
acknowledged, with gaps left on purpose so the coverage views have something to show.

The persona accounts 班主任 (banzhuren) and 校长 (xiaozhang) keep their list and letter open, so that
logging in as them shows the acknowledge and sign buttons.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from anxiao.core.demo import DemoContext

from . import actions
from .models import (
    Acknowledgement,
    Letter,
    LetterKind,
    LetterStatus,
    ResponsibilityList,
    Signature,
    SignedVia,
)

YEAR = 2026


def _past(ctx: DemoContext, days: int = 60) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=ctx.rng.randint(1, days), minutes=ctx.rng.randint(0, 600))


def _keep_open(ctx: DemoContext) -> set[int]:
    """Person ids of the persona accounts whose items stay open."""
    from anxiao.accounts.models import User

    return set(User.objects.filter(username__in=("banzhuren", "xiaozhang", "baoan"))
               .exclude(person=None).values_list("person_id", flat=True))


def build(ctx: DemoContext) -> None:
    bureau = ctx.data.get("bureau")
    schools: list[dict[str, Any]] = ctx.data.get("schools") or []
    if bureau is None or not ctx.data.get("policies"):
        return
    counts = actions.generate_lists(None, bureau)
    # The lists were drawn up at the start of the autumn term, before anyone acknowledged them.
    term_start = timezone.now() - datetime.timedelta(days=75)
    ResponsibilityList.objects.filter(is_current=True).update(created_at=term_start)
    keep_open = _keep_open(ctx)
    # Most holders acknowledged (recorded as imported history: demo people have no accounts).
    acks = []
    for rl in ResponsibilityList.objects.filter(is_current=True, post__holder__isnull=False).select_related("post"):
        if rl.post.holder_id in keep_open or ctx.rng.random() < 0.12:
            continue
        assert rl.post.holder_id is not None  # filtered on post__holder__isnull=False
        acks.append(Acknowledgement(responsibility_list=rl, person_id=rl.post.holder_id, via=SignedVia.IMPORT))
    Acknowledgement.objects.bulk_create(acks)
    Acknowledgement.objects.filter(pk__in=[a.pk for a in acks if a.pk]).update(acknowledged_at=_past(ctx))
    issued = len(actions.issue_letters(None, bureau, LetterKind.BUREAU_SCHOOL, YEAR)["created"])
    for i, s in enumerate(schools):
        if i % 11 == 7:  # a few schools have not issued their staff letters yet
            continue
        issued += len(actions.issue_letters(None, s["school"], LetterKind.SCHOOL_STAFF, YEAR)["created"])
        issued += len(actions.issue_letters(None, s["school"], LetterKind.SCHOOL_DEPARTMENT, YEAR)["created"])
        if s["school"].boarding and i % 2 == 0:
            issued += len(actions.issue_letters(None, s["school"], LetterKind.SCHOOL_BUS, YEAR,
                                                signatory_name="临溪县安达校车服务有限公司")["created"])
    # The year's letters went out then too, before any of them was signed.
    Letter.objects.filter(year=YEAR, status=LetterStatus.ISSUED).update(issued_at=term_start)
    signatures = []
    letters = list(Letter.objects.filter(year=YEAR, status=LetterStatus.ISSUED).select_related("issuer_unit",
                                                                                                "signatory_unit"))
    signed_ids = []
    for letter in letters:
        if letter.signatory_person_id is None or letter.signatory_person_id in keep_open or ctx.rng.random() < 0.1:
            continue
        signatures.append(Signature(letter=letter, person_id=letter.signatory_person_id, via=SignedVia.IMPORT,
                                    signed_at=_past(ctx, 40), content_hash=actions.content_hash(letter)))
        signed_ids.append(letter.pk)
    Signature.objects.bulk_create(signatures)
    Letter.objects.filter(pk__in=signed_ids).update(status=LetterStatus.SIGNED)
    ctx.say(f"一岗双责：{counts['created']} 份责任清单（{len(acks)} 份已确认知悉），"
            f"{issued} 份{YEAR}年责任书（{len(signed_ids)} 份已签订）。")
