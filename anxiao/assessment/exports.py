"""The assessment bulletin (考核结果通报) as XLSX (the one table layout, anxiao.documents.tables) and PDF."""

from __future__ import annotations

from typing import Any

from django.utils import timezone


def _points(value: Any) -> str:
    return f"{value.normalize():f}"


def bulletin_xlsx(scheme: Any, user: Any = None) -> bytes:
    from anxiao.documents.tables import Column, Signoff, table_xlsx

    indicators = list(scheme.indicators.all())
    columns = [Column("排名", 6, "int"), Column("单位", 24), *[Column(f"{i.name}（{_points(i.weight)}）", 12, "decimal")
                                                           for i in indicators],
               Column("否决前得分", 11, "decimal"), Column("最终得分", 10, "decimal"), Column("一票否决情形", 40, wrap=True)]
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
    from anxiao.core import pdf as docs

    indicators = list(scheme.indicators.all())
    doc = docs.document(landscape=True)
    computed = f"    计算时间：{timezone.localtime(scheme.computed_at):%Y-%m-%d %H:%M}" if scheme.computed_at else ""
    docs.title(doc, f"{scheme.bureau.name}{scheme.name}结果通报", f"考核年度：{scheme.year}{computed}")
    headers = ["排名", "单位", *[f"{i.name}（{_points(i.weight)}）" for i in indicators], "最终得分", "一票否决情形"]
    rows = []
    for r in scheme.results.select_related("unit").order_by("rank"):
        scores = {b["indicator"]: b["score"] for b in r.breakdown}
        vetoes = "；".join(f"{v['label']}：{'、'.join(v['reasons'])}" for v in r.vetoes)
        rows.append([r.rank, r.unit.name, *[scores.get(i.name, "") for i in indicators], r.score, vetoes])
    widths = [10, 42, *[18] * len(indicators), 16, 60]
    docs.table(doc, headers, rows, widths, font_size=8)
    return docs.output(doc)
