"""The placeholders each kind of document is filled with (listed in docs/documents.md).

One function per kind, used by the DOCX template and the PDF alike, so both print the same words.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from .gongwen import cn_date, cn_datetime
from .models import LETTER_KINDS


def _account(user: Any) -> str:
    if user is None:
        return ""
    person = getattr(user, "person", None)
    name = getattr(person, "name", "") or user.get_full_name() or user.username
    return f"{name}（账号 {user.username}）"


def _sign(who: str, at: Any, hash_: str, verb: str) -> dict[str, str]:
    text = f"{who}，{cn_datetime(at)}{verb}" if who else "未电子签订，以纸质签字盖章为准"
    return {"name": who, "at": cn_datetime(at), "hash": hash_ or "—", "text": text}


def paragraphs_of(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def letter_context(letter: Any) -> dict[str, Any]:
    from anxiao.responsibility.actions import content_hash
    from anxiao.responsibility.models import LetterStatus

    digest = content_hash(letter)
    issued = letter.status != LetterStatus.DRAFT and letter.issued_at is not None
    issuer = (_account(letter.issued_by) or "安校系统") if issued else ""
    sign_a = _sign(issuer, letter.issued_at, digest if issued else "", "下发")
    signature = getattr(letter, "signature", None) if letter.status in (LetterStatus.SIGNED, LetterStatus.EXPIRED,
                                                                       LetterStatus.SUPERSEDED) else None
    if signature is not None:
        who = _account(signature.user) if signature.user_id else f"{signature.person.name}（历史记录导入）"
        sign_b = _sign(who, signature.signed_at, signature.content_hash, "签订")
    else:
        sign_b = _sign("", None, "", "")
    clauses = [{"no": i, "text": c.get("text", ""), "ref": f"（依据{c['clause_ref']}）" if c.get("clause_ref") else ""}
               for i, c in enumerate(letter.clauses or [], start=1)]
    return {
        "title": f"{letter.year}年度{letter.title}", "year": letter.year, "version": letter.version,
        "issuer": letter.issuer_unit.name, "party_a": letter.issuer_unit.name, "party_b": letter.party_b,
        "preamble": letter.preamble, "clauses": clauses, "terms": letter.terms,
        "date": cn_date(letter.issued_at or timezone.now()), "number": "",
        "status": letter.get_status_display(), "content_hash": digest, "sign_a": sign_a, "sign_b": sign_b,
    }


def _red_head(issuer: Any) -> str:
    return f"{issuer.name}文件"


def notice_context(notice: Any) -> dict[str, Any]:
    return {
        "issuer_mark": _red_head(notice.issuer), "number": notice.document_number, "title": notice.title,
        "kind": notice.get_kind_display(), "audience": notice.audience, "paragraphs": paragraphs_of(notice.body),
        "issuer": notice.issuer.name, "date": cn_date(notice.issued_at),
    }


def assessment_context(scheme: Any, number: str = "") -> dict[str, Any]:
    results = list(scheme.results.select_related("unit").order_by("rank"))
    rows = [{"rank": r.rank, "unit": r.unit.name, "score": f"{r.score:.2f}",
             "vetoes": "；".join(f"{v['label']}：{'、'.join(v['reasons'])}" for v in r.vetoes) or "—"}
            for r in results]
    vetoed = sum(1 for r in results if r.vetoed)
    intro = (f"根据{scheme.year}年度学校安全工作考核方案（{scheme.name}），经系统计算并审核，现将考核结果通报如下。"
             f"本次共考核{len(results)}个单位，其中{vetoed}个单位被实行“一票否决”。")
    return {
        "issuer_mark": _red_head(scheme.bureau), "number": number,
        "title": f"关于{scheme.year}年度学校安全工作考核结果的通报", "audience": "各学校", "year": scheme.year,
        "paragraphs": [intro], "rows": rows, "issuer": scheme.bureau.name,
        "date": cn_date(scheme.computed_at or timezone.now()),
    }


def sample_context(kind: str, owner: Any) -> dict[str, Any]:
    """Made-up data for previewing a template before anything is issued with it."""
    name = owner.name if owner is not None else "某某县教育局"
    today = cn_date(timezone.now())
    if kind in LETTER_KINDS:
        sign = _sign("张明（账号 zhangming）", timezone.now(), "0" * 64, "下发")
        return {
            "title": f"{timezone.now().year}年度学校安全工作目标责任书（预览）", "year": timezone.now().year, "version": 1,
            "issuer": name, "party_a": name, "party_b": "示例学校 李华",
            "preamble": "这是预览用的示例正文：甲乙双方签订本年度安全工作责任书。",
            "clauses": [{"no": 1, "text": "建立健全学校安全工作领导小组。", "ref": "（依据示例制度 第一条）"},
                        {"no": 2, "text": "每月开展隐患排查整治。", "ref": ""}],
            "terms": "乙方未履行安全职责的，按有关规定追究责任。", "date": today, "number": "",
            "status": "预览", "content_hash": "0" * 64, "sign_a": sign, "sign_b": _sign("", None, "", ""),
        }
    context = {
        "issuer_mark": f"{name}文件", "number": "示教安〔2026〕1号", "title": "关于开展安全检查的通知（预览）",
        "kind": "通知", "audience": "各学校", "paragraphs": ["这是预览用的示例正文第一段。", "这是第二段。"],
        "issuer": name, "date": today, "year": timezone.now().year,
    }
    if kind == "assessment_bulletin":
        context["rows"] = [{"rank": 1, "unit": "示例第一中学", "score": "96.5", "vetoes": "—"},
                           {"rank": 2, "unit": "示例实验小学", "score": "0", "vetoes": "发生安全责任事故：示例"}]
    return context
