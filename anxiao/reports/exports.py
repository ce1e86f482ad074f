"""The ledger as XLSX in its paper layout and as PDF; the bureau roll-up (streamed, bounded memory); a zip."""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from typing import IO, Any

from .figures import STATES
from .ledger import ACTIVITY_KINDS, COLUMNS, KEY_COLUMNS, PARTS


def summary_lines(s: dict[str, Any]) -> list[str]:
    acts = "，".join(f"{label} {s['activities'].get(kind, 0)} 次" for kind, label in ACTIVITY_KINDS)
    return [
        f"上月结转未销号 {s['carried']} 条；本月新发现 {s['new']} 条（一般 {s['new_general']}，重大 {s['new_major']}）；"
        f"本月销号 {s['closed']} 条；期末未销号 {s['open']} 条，其中逾期 {s['overdue']} 条、重大 {s['major_open']} 条；"
        f"挂牌/督办 {s['supervised']} 条。",
        f"本月整改率 {s['rate'] * 100:.1f}%（本月销号 ÷（上月结转 + 本月新发现））；本月整改投入资金 {s['funds']} 万元。",
        f"本月工作：{acts}。",
    ]


DATE_KEYS = {"found_on", "deadline", "rectified_on", "closed_on"}


def _preparer(user: Any) -> str:
    return user.get_full_name() if user is not None else ""


def ledger_xlsx(report: Any) -> bytes:
    from anxiao.documents.tables import Column, Signoff, table_xlsx

    snap = report.snapshot
    h = snap["header"]
    info = (f"填报单位：{h['school']}（代码 {h['code'] or '—'}）  所属镇街：{h['town']}  学段：{h['stage']}  寄宿制：{h['boarding']}  "
            f"统计周期：{h['period_start']} 至 {h['period_end']}  第一责任人：{h['principal']}  分管负责人：{h['safety_deputy']}  "
            f"联系电话：{h['phone']}  版本：第 {report.version} 版  状态：{report.get_status_display()}")
    columns = [Column(label, w, "int" if key == "no" else "date" if key in DATE_KEYS else "text",
                      starts_part=PARTS.get(key, "")) for key, label, w in COLUMNS]
    rows = [[row.get(key, "") for key, _l, _w in COLUMNS] for row in snap["rows"]]
    submitted = f"报送时间：{report.submitted_at:%Y-%m-%d %H:%M}" if report.submitted_at else "未报送"
    notes = ["月度汇总：", *summary_lines(snap["summary"]), f"学校说明：{report.remarks or '无'}", submitted]
    return table_xlsx(title=f"{h['school']} · 学校安全隐患排查整治台账（{h['month']}）", sheet=f"{report.month:%Y年%m月}",
                      subtitle=info, columns=columns, rows=rows, notes=notes, key=KEY_COLUMNS,
                      signoff=Signoff(unit=h["school"], preparer=_preparer(report.prepared_by),
                                      reviewer=_preparer(report.approved_by),
                                      date=report.submitted_at.date() if report.submitted_at else None))


def ledger_pdf(report: Any) -> bytes:
    """All 24 columns on A4 landscape in the two tables of the XLSX (``ledger.PARTS``; 序号 and 隐患编号 in both),
    the body at 8 pt; each table with its header repeated, its 合计 row and the sign-off block; page X of Y."""
    from anxiao.core import pdf as docs
    from anxiao.documents.gongwen import cn_date, heading_number
    from anxiao.documents.tables import header_label

    snap = report.snapshot
    h = snap["header"]
    doc = docs.document(landscape=True)
    bounds = [i for i, (key, _l, _w) in enumerate(COLUMNS) if key in PARTS] + [len(COLUMNS)]
    keys = list(range(KEY_COLUMNS))
    signed = report.submitted_at.date() if report.submitted_at else None
    for n, (start, end) in enumerate(zip(bounds, bounds[1:], strict=False), start=1):
        if n > 1:
            doc.add_page()
        chosen = [COLUMNS[i] for i in keys + list(range(start, end))]
        docs.title(doc, f"{h['school']} · 学校安全隐患排查整治台账（{h['month']}）",
                   f"表{heading_number(n)}（共{heading_number(len(bounds) - 1)}表·{PARTS[COLUMNS[start][0]]}）　"
                   f"统计周期 {h['period_start']} 至 {h['period_end']}  第一责任人：{h['principal']}  "
                   f"分管负责人：{h['safety_deputy']}  第 {report.version} 版 · {report.get_status_display()}")
        rows = [[r.get(k, "") for k, _l, _w in chosen] for r in snap["rows"]]
        rows.append(["合计", f"共 {len(snap['rows'])} 项", *[""] * (len(chosen) - 2)])
        docs.table(doc, [header_label(label, w) for _k, label, w in chosen], rows, [w for _k, _l, w in chosen], font_size=LEDGER_PT)
        if n == len(bounds) - 1:
            doc.ln(3)
            doc.set_font("cjk", size=9)
            for line in summary_lines(snap["summary"]) + [f"学校说明：{report.remarks or '无'}"]:
                doc.multi_cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
        docs.signoff(doc, [f"制表单位（盖章）：{h['school']}", f"制表人：{_preparer(report.prepared_by)}",
                           f"审核：{_preparer(report.approved_by)}", f"日期：{cn_date(signed)}"])
    return docs.output(doc)


LEDGER_PT = 8  # the PDF ledger's body (issue 20: never below 8 pt)


def stage_labels() -> dict[str, str]:
    """Stage labels translated once (``get_stage_display`` per row costs a millisecond at 2,000 rows)."""
    from anxiao.org.models import Unit

    return {value: str(label) for value, label in Unit._meta.get_field("stage").flatchoices}


def rollup_rows(rows: Iterable[dict[str, Any]]) -> Iterator[list[Any]]:
    stages = stage_labels()
    for row in rows:
        unit, report = row["unit"], row["report"]
        s = getattr(report, "summary", None) if report is not None and report.status != "prepared" else None
        submitted = f"{report.submitted_at:%Y-%m-%d}" if report is not None and report.submitted_at else ""
        base = [unit.name, unit.region.name, stages.get(unit.stage, unit.stage), STATES[row["state"]], submitted]
        if s:
            yield base + [s["carried"], s["new"], s["new_major"], s["closed"], s["open"], s["overdue"], s["major_open"],
                          f"{s['rate'] * 100:.1f}%", s["funds"]]
        else:
            yield base + [""] * 9


ROLLUP_COLUMNS = [("学校", 26, "text"), ("镇街", 10, "text"), ("学段", 10, "text"), ("报送状态", 8, "text"),
                  ("报送时间", 11, "date"), *[(label, w, "int") for label, w in (
                      ("上月结转", 8), ("本月新发现", 10), ("其中重大", 8), ("本月销号", 8), ("期末未销号", 10), ("逾期", 6),
                      ("重大未销号", 10))], ("整改率", 8, "percent"), ("整改资金（万元）", 12, "decimal")]


ROLLUP_HEADERS = [label for label, _w, _k in ROLLUP_COLUMNS]


def rollup_xlsx(title: str, rows: Iterable[dict[str, Any]], signoff: Any = None) -> bytes:
    """Written row by row (openpyxl write-only mode), so a large county keeps memory bounded."""
    from anxiao.documents.tables import Column, Signoff, table_xlsx

    columns = [Column(label, w, kind, total=kind in ("int", "decimal")) for label, w, kind in ROLLUP_COLUMNS]
    return table_xlsx(title=title, sheet="汇总", columns=columns, rows=rollup_rows(rows), signoff=signoff or Signoff())


def rollup_file(title: str, rows: Iterable[dict[str, Any]], signoff: Any = None) -> IO[bytes]:
    """:func:`rollup_xlsx` into a temporary file for a streamed download: with ``actions.month_status_stream`` a
    province's 20,000 schools are read, written and sent a chunk at a time, never held whole (issue 18)."""
    from anxiao.documents.tables import Column, Signoff, table_file

    columns = [Column(label, w, kind, total=kind in ("int", "decimal")) for label, w, kind in ROLLUP_COLUMNS]
    return table_file(title=title, sheet="汇总", columns=columns, rows=rollup_rows(rows), signoff=signoff or Signoff())


def rollup_pdf(title: str, rows: Iterable[dict[str, Any]], signoff: Any = None) -> bytes:
    """The roll-up as the XLSX prints it: A4 landscape, 8 pt body, header repeated, the 合计 row (count of schools,
    sums of the number columns), the sign-off block, page X of Y."""
    from decimal import Decimal

    from anxiao.core import pdf as docs
    from anxiao.documents.gongwen import cn_date
    from anxiao.documents.tables import Signoff, header_label, typed

    widths = [42, 18, 16, 14, 20, 14, 16, 14, 14, 16, 10, 16, 14, 18]
    body = list(rollup_rows(rows))
    sums = [sum((Decimal(str(typed(r[i], kind) or 0)) for r in body), Decimal(0)) if kind in ("int", "decimal")
            else None for i, (_l, _w, kind) in enumerate(ROLLUP_COLUMNS)]
    total = ["合计", f"共 {len(body)} 所", *["" if v is None else f"{v:.2f}" if kind == "decimal" else str(int(v))
                                           for v, (_l, _w, kind) in zip(sums[2:], ROLLUP_COLUMNS[2:], strict=True)]]
    doc = docs.document(landscape=True)
    docs.title(doc, title)
    docs.table(doc, [header_label(label, w) for label, w, _k in ROLLUP_COLUMNS], [*body, total], widths,
               font_size=8)
    s = signoff or Signoff()
    docs.signoff(doc, [f"制表单位（盖章）：{s.unit}", f"制表人：{s.preparer}", f"审核：{s.reviewer}",
                       f"日期：{cn_date(s.date)}"])
    return docs.output(doc)


def zip_file(reports: Iterable[Any]) -> IO[bytes]:
    """Every report's XLSX in one zip, written to a temporary file (memory holds one report at a time)."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - returned open, the response closes it
    with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as zf:
        for r in reports:
            zf.writestr(f"{r.month:%Y-%m}_{r.unit.name}_v{r.version}.xlsx", ledger_xlsx(r))
    handle.seek(0)
    return handle


def zip_of(reports: Iterable[Any]) -> bytes:
    with zip_file(reports) as handle:
        return handle.read()
