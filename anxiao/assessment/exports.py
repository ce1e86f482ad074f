"""The assessment bulletin (考核结果通报) as XLSX (the one table layout, anxiao.documents.tables) and PDF."""

from __future__ import annotations

from typing import Any

from django.utils import timezone


def _points(value: Any) -> str:
    return f"{value.normalize():f}"


def bulletin_xlsx(scheme: Any, user: Any = None) -> bytes:
    from anxiao.documents.tables import Column, Signoff, table_xlsx

    indicators = list(scheme.indicators.all())
    # The weight on its own line under the indicator ("履职任务完成率" / "（30分）"), full-width brackets.
    columns = [Column("排名", 6, "int"), Column("单位", 22, wrap=True),
               *[Column(f"{i.name}（{_points(i.weight)}分）", 10, "decimal") for i in indicators],
               Column("否决前得分", 10, "decimal"), Column("最终得分", 10, "decimal"), Column("一票否决情形", 30, wrap=True)]
    rows = []
    for r in scheme.results.select_related("unit").order_by("rank"):
        scores = {b["indicator"]: b["score"] for b in r.breakdown}
        veto_text = "；".join(f"{v['label']}：{'、'.join(v['reasons'])}" for v in r.vetoes)
        rows.append([r.rank, r.unit.name, *[scores.get(i.name) for i in indicators], r.raw_score, r.score, veto_text])
    computed = f"    计算时间：{timezone.localtime(scheme.computed_at):%Y-%m-%d %H:%M}" if scheme.computed_at else ""
    return table_xlsx(title=f"{scheme.bureau.name}{scheme.name}结果通报", sheet="考核结果", columns=columns, rows=rows,
                      subtitle=f"考核年度：{scheme.year}{computed}", landscape=True,
                      signoff=Signoff.by(user, scheme.bureau))


def bulletin_pdf(scheme: Any) -> bytes:
    """The result bulletin as a 公文 (red head, title, text, ranking, seal position, date) in PDF."""
    from anxiao.documents.contexts import assessment_context
    from anxiao.documents.pdf import assessment_pdf

    return assessment_pdf(assessment_context(scheme))


def bulletin_docx(scheme: Any) -> bytes:
    """The same bulletin in Word: once issued (results computed) from the template version recorded then (the
    bureau's, or the built-in one), as notices and letters; before that from the bureau's current template."""
    from anxiao.documents.contexts import assessment_context
    from anxiao.documents.render import render, render_for, template_bytes

    from .models import SchemeStatus

    kind = "assessment_bulletin"
    if scheme.status == SchemeStatus.COMPLETED:
        return render(template_bytes(scheme.bulletin_template, kind), assessment_context(scheme))
    return render_for(scheme.bureau, kind, assessment_context(scheme))
