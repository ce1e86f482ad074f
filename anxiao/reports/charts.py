"""Server-rendered SVG charts of the dashboard and the director's home: axes with ticks, values on the marks, a
legend, and a link from each mark to the list it counts. No script, no inline style (presentation attributes only),
so they pass a strict CSP and print as drawn."""

from __future__ import annotations

import math
from html import escape
from typing import Any

FOUND, CLOSED, RATE = "#ef6c00", "#2e7d32", "#1f5fae"


def nice_top(value: int, ticks: int = 4) -> tuple[int, int]:
    """A round axis maximum at or above ``value`` and its tick step (1, 2, 5 × 10ⁿ)."""
    if value <= 0:
        return ticks, 1
    raw = value / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    step = max(int(step), 1)
    return step * math.ceil(value / step), step


def trend_svg(trend: list[dict[str, Any]], found_url: str = "/hazards/?month=",
              closed_url: str = "/hazards/?closed_month=") -> str:
    """Bars of hazards found and closed per month with their numbers, a y axis with gridlines, the closure rate
    (closed ÷ found, right axis 0–150 %) as a line, and a legend. A bar links to the hazards found (closed) that
    month (the hazard list's ``month`` and ``closed_month`` filters)."""
    width, height = 720, 260
    left, right, top_pad, bottom = 44, 48, 34, 30
    plot_h = height - top_pad - bottom
    top, step = nice_top(max([0] + [max(t["found"], t["closed"]) for t in trend]))
    slot = (width - left - right) / max(len(trend), 1)
    bar = max(slot / 2 - 5, 3)
    parts = [f'<svg viewBox="0 0 {width} {height}" class="chart" role="img" aria-label="近 12 个月隐患发现与销号趋势"'
             f' xmlns="http://www.w3.org/2000/svg" font-family="sans-serif">']
    for v in range(0, top + 1, step):  # y axis: gridlines and values
        y = top_pad + plot_h * (1 - v / top)
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end" fill="#555">{v}</text>')
    for pct in (0, 50, 100, 150):  # right axis: the closure rate
        y = top_pad + plot_h * (1 - pct / 150)
        parts.append(f'<text x="{width - right + 6}" y="{y + 4:.1f}" font-size="11" fill="{RATE}">{pct}%</text>')
    parts.append(f'<line x1="{left}" x2="{left}" y1="{top_pad}" y2="{top_pad + plot_h}" stroke="#888"/>'
                 f'<line x1="{left}" x2="{width - right}" y1="{top_pad + plot_h}" y2="{top_pad + plot_h}" stroke="#888"/>'
                 f'<text x="8" y="{top_pad - 12}" font-size="11" fill="#555">条数</text>')
    points = []
    for i, t in enumerate(trend):
        x = left + i * slot
        month = t["month"]
        for j, (key, colour, label) in enumerate((("found", FOUND, "发现"), ("closed", CLOSED, "销号"))):
            n = t[key]
            h = plot_h * n / top
            bx = x + 4 + j * (bar + 2)
            rect = (f'<rect x="{bx:.1f}" y="{top_pad + plot_h - h:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                    f'fill="{colour}"><title>{month:%Y年%m月} {label} {n} 条</title></rect>')
            if n:
                url = found_url if key == "found" else closed_url
                rect = f'<a href="{escape(url)}{month:%Y-%m}">{rect}</a>'
            parts.append(rect)
            if n:
                parts.append(f'<text x="{bx + bar / 2:.1f}" y="{top_pad + plot_h - h - 3:.1f}" font-size="10" '
                             f'text-anchor="middle" fill="#333">{n}</text>')
        if t["found"]:
            rate = min(t["closed"] / t["found"], 1.5)
            points.append(f"{x + slot / 2:.1f},{top_pad + plot_h * (1 - rate / 1.5):.1f}")
        parts.append(f'<text x="{x + slot / 2:.1f}" y="{height - 10}" font-size="11" text-anchor="middle" '
                     f'fill="#555">{month.month}月</text>')
    if points:
        parts.append(f'<polyline points="{" ".join(points)}" fill="none" stroke="{RATE}" stroke-width="2"/>')
        for p in points:
            px, py = p.split(",")
            parts.append(f'<circle cx="{px}" cy="{py}" r="3" fill="{RATE}"/>')
    legend_x = left
    for colour, label, line in ((FOUND, "发现", False), (CLOSED, "销号", False), (RATE, "销号率（右轴）", True)):
        mark = (f'<line x1="{legend_x}" x2="{legend_x + 14}" y1="12" y2="12" stroke="{colour}" stroke-width="2"/>'
                if line else f'<rect x="{legend_x}" y="6" width="12" height="12" fill="{colour}"/>')
        parts.append(f'{mark}<text x="{legend_x + 18}" y="16" font-size="12" fill="#333">{label}</text>')
        legend_x += 18 + 14 * len(label) + 16
    parts.append("</svg>")
    return "".join(parts)


COLOURS = {"red": "#c62828", "orange": "#ef6c00", "yellow": "#f9a825", "blue": "#1565c0"}


def share_bar_svg(levels: list[dict[str, Any]], unassessed: int, url: str = "/risks/?active=1&level=") -> str:
    """One stacked bar of the schools by their highest risk colour (and those not yet assessed), with the number
    and share of each part written on it or in the legend; each part links to its list."""
    total = sum(lvl["schools"] for lvl in levels) + unassessed
    width, bar_y, bar_h, per_row, col = 420, 4, 26, 2, 210
    items = [(lvl["code"], lvl["label"], lvl["schools"], COLOURS.get(lvl["code"], "#999")) for lvl in levels]
    items.append(("", "未辨识", unassessed, "#bdbdbd"))
    rows = -(-len(items) // per_row)
    height = bar_y + bar_h + 10 + rows * 20
    parts = [f'<svg viewBox="0 0 {width} {height}" class="chart" role="img" aria-label="学校按最高风险等级分布"'
             f' xmlns="http://www.w3.org/2000/svg" font-family="sans-serif">']
    x = 0.0
    for i, (code, label, n, colour) in enumerate(items):
        share = n / total if total else 0
        w = width * share
        if w:
            rect = (f'<rect x="{x:.1f}" y="{bar_y}" width="{w:.1f}" height="{bar_h}" fill="{colour}">'
                    f'<title>{label} {n} 所（{share:.0%}）</title></rect>')
            if code:
                rect = f'<a href="{escape(url)}{code}">{rect}</a>'
            parts.append(rect)
            if w > 36:
                parts.append(f'<text x="{x + w / 2:.1f}" y="{bar_y + 18}" font-size="13" text-anchor="middle" '
                             f'fill="#fff">{share:.0%}</text>')
            x += w
        lx, ly = (i % per_row) * col, bar_y + bar_h + 10 + (i // per_row) * 20
        parts.append(f'<rect x="{lx}" y="{ly}" width="12" height="12" fill="{colour}"/>'
                     f'<text x="{lx + 16}" y="{ly + 11}" font-size="12" fill="#333">{label} {n} 所</text>')
    parts.append("</svg>")
    return "".join(parts)
