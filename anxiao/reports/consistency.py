"""One truth per headline figure, checked on any database (issue 14): every page, export and API call that shows a
headline figure to a user is opened as that user and compared with the figure's one definition
(``hazards/figures.py``, ``reports/figures.py``, ``obligations/figures.py``).

``check(user)`` returns the disagreements (empty when every view agrees) and ``views`` what was compared. It is
run by ``anxiao figures check --user NAME [--user NAME…]`` (exit status 1 on a disagreement), by
``reports/tests/test_figures.py`` on a built world and by the full demo test (core/tests/test_access_audit.py) on
the demo county; the benchmark data set is checked the same way (``BENCH_URL``/``DATABASE_URL`` pointing at it).

The pages are rendered in-process with Django's test client logged in as the user (a session row, and the log-in
in the audit log like any log-in, then logged out); a page the user may not open is left out. Figures are read
from the numbers the pages print (the cards ``<div class="num">``, the roll-up's line, the heat map's cell
titles ``done/total``, per school or, over 60 schools, per region against the compliance page's roll-up by
region), the XLSX export's rows and the API's JSON.
"""

from __future__ import annotations

import datetime
import html as htmllib
import io
import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone

CARD = re.compile(r'<div class="num(?: [^"]*)?"[^>]*>(\d+)</div>\s*<div class="label">([^<]+)</div>')
HEAT_NAME = re.compile(r"^\s*<td[^>]*>(?:<a [^>]*>)?([^<]+)")
HEAT_CELL = re.compile(r'title="[^"]*?(\d+)/(\d+)"')


def cards(html: str) -> dict[str, int]:
    """The figure cards of a page: {label: n}."""
    return {label: int(n) for n, label in CARD.findall(html)}


@dataclass
class Result:
    user: str
    today: datetime.date
    expected: dict[str, dict[str, Any]] = field(default_factory=dict)
    views: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)  # group -> view -> figure -> n
    skipped: list[str] = field(default_factory=list)
    disagreements: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.disagreements

    def compared(self) -> int:
        return sum(len(v) for group in self.views.values() for v in group.values())


def _host() -> str:
    hosts = [h for h in settings.ALLOWED_HOSTS if h and h != "*" and not h.startswith(".")]
    return hosts[0] if hosts else "localhost"


class _Pages:
    def __init__(self, user: Any) -> None:
        from django.test import Client

        self.client = Client(SERVER_NAME=_host())
        self.client.force_login(user)

    def get(self, path: str) -> Any:
        return self.client.get(path, secure=True)

    def html(self, path: str) -> str | None:
        response = self.get(path)
        return response.content.decode() if response.status_code == 200 else None

    def json(self, path: str) -> Any:
        response = self.get(path)
        return response.json() if response.status_code == 200 else None

    def close(self) -> None:
        self.client.logout()


def expected_figures(user: Any, today: datetime.date) -> dict[str, dict[str, Any]]:
    """Each headline figure for the user's scope, from its one definition."""
    from anxiao.core.choices import UnitKind
    from anxiao.hazards import figures as hazards
    from anxiao.hazards.models import Hazard
    from anxiao.obligations.figures import heat_window
    from anxiao.obligations.views import compliance_data
    from anxiao.org.models import Unit

    from . import figures as reports

    counts = hazards.status_counts(Hazard.objects.visible_to(user), today)
    schools = Unit.objects.visible_to(user).filter(kind=UnitKind.SCHOOL, is_active=True)
    since, until = heat_window(today)
    window = {"from": since.isoformat(), "to": until.isoformat()}
    compliance = compliance_data(user, {"by": "unit", **window}, today)
    # the compliance page's roll-up by region (the children of the user's region), for the heat map by region
    regions = compliance_data(user, {"by": "region", **window}, today)
    return {
        "hazards": {f: counts[f] for f in hazards.FIGURES},
        "reports": reports.state_counts(schools, reports.due_month(today), today),
        "compliance": {r["name"]: (r["done"], r["total"], r["rate"]) for r in compliance["rows"]},
        "compliance by region": {r["name"]: (r["done"], r["total"], r["rate"]) for r in regions["rows"]},
    }


def _hazard_views(pages: _Pages, result: Result) -> dict[str, dict[str, Any]]:
    from anxiao.hazards.figures import FIGURES, LABELS

    views: dict[str, dict[str, Any]] = {}
    for name, path, names in (("home", "/", FIGURES), ("dashboard", "/reports/dashboard/", FIGURES),
                              ("ledger cards", "/hazards/", ("overdue", "major_open", "supervised", "reported_up"))):
        html = pages.html(path)
        if html is None:
            result.skipped.append(f"{name} {path}")
            continue
        shown = cards(html)
        ledger_labels = {"overdue": "逾期", "major_open": "未销号重大隐患", "supervised": "督办中", "reported_up": "需上级协调"}
        labels = ledger_labels if name == "ledger cards" else LABELS
        views[name] = {f: shown[labels[f]] for f in names if labels[f] in shown}
    rollup = pages.html("/hazards/rollup/")
    line = re.search(r'<p class="muted figures">(.*?)</p>', rollup or "", re.S)
    if line is not None:
        by_label = {label: int(n) for label, n in re.findall(r"，(\S+) <b>(\d+)</b> 条", line.group(1))}
        views["rollup"] = {f: by_label[LABELS[f]] for f in FIGURES if LABELS[f] in by_label}
    else:
        result.skipped.append("rollup /hazards/rollup/")
    api = pages.json("/api/v1/hazards/counts")
    if api is not None:
        views["api"] = {f: api["counts"][f] for f in FIGURES}
    lists: dict[str, Any] = {}
    api_lists: dict[str, Any] = {}
    for f in FIGURES:  # the list behind each card holds that many hazards, on the page and in the API
        html = pages.html(f"/hazards/?{f}=1")
        if html is not None and "合计" in cards(html):
            lists[f] = cards(html)["合计"]
        listed = pages.json(f"/api/v1/hazards?{f}=true&limit=1")
        if listed is not None:
            api_lists[f] = listed["count"]
    views["ledger list"], views["api list"] = lists, api_lists
    return views


def _report_views(pages: _Pages, result: Result) -> dict[str, dict[str, Any]]:
    from openpyxl import load_workbook

    from .figures import STATES

    key = {v: k for k, v in STATES.items()}
    views: dict[str, dict[str, Any]] = {}
    dash = pages.html("/reports/dashboard/")
    if dash is not None and "台账报送 <small" in dash and "<h2>风险四色分布" in dash:
        section = dash[dash.index("台账报送 <small"):dash.index("<h2>风险四色分布")]
        views["dashboard"] = {key[k]: n for k, n in cards(section).items() if k in key}
    listing = pages.html("/reports/")
    if listing is not None and '<section class="cards">' in listing:
        part = listing[listing.index('<section class="cards">'):]
        views["ledger list"] = {key[k]: n for k, n in cards(part[:part.index("</section>")]).items() if k in key}
    else:
        result.skipped.append("ledger list /reports/")
    export = pages.get(f"/reports/rollup.xlsx?month={_due(result.today):%Y-%m}")
    if export.status_code == 200:
        counted = dict.fromkeys(STATES, 0)
        body = b"".join(export.streaming_content) if getattr(export, "streaming", False) else export.content
        book = load_workbook(io.BytesIO(body), read_only=True)
        for row in book.active.iter_rows(values_only=True):
            if row and len(row) > 3 and row[3] in key:
                counted[key[row[3]]] += 1
        views["rollup export"] = counted
    else:
        result.skipped.append("rollup export /reports/rollup.xlsx")
    api = pages.json("/api/v1/reports/status")
    if api is not None:
        views["api"] = api["counts"]
    return views


def _due(today: datetime.date) -> datetime.date:
    from .figures import due_month

    return due_month(today)


def _compliance_views(pages: _Pages, result: Result) -> dict[str, dict[str, Any]]:
    from anxiao.obligations.figures import compliance_rate, heat_window

    since, until = heat_window(result.today)
    window = f"by=unit&from={since:%Y-%m-%d}&to={until:%Y-%m-%d}"
    views: dict[str, dict[str, Any]] = {}
    api = pages.json(f"/api/v1/compliance?{window}")
    if api is not None:
        views["api"] = {r["name"]: (r["done"], r["total"], r["rate"]) for r in api["rows"]}
        page = pages.html(f"/obligations/compliance/?{window}")
        if page is not None and api["rate"] is not None and f"按时完成率 {api['rate']}%" not in page:
            result.disagreements.append(f"compliance: the page does not show the API's total rate {api['rate']}%")
    dash = pages.html("/reports/dashboard/")
    if dash is not None and 'class="table heat"' in dash:
        table = dash[dash.index('class="table heat"'):]
        table = table[:table.index("</table>")]
        heat: dict[str, Any] = {}
        body = table[table.index("<tbody>"):] if "<tbody>" in table else table
        for row in body.split("<tr>")[1:]:
            found = HEAT_NAME.search(row)
            if found is None or "暂无数据" in row:
                continue
            name, cells = found.group(1), row[found.end():]
            pairs = [(int(d), int(t)) for d, t in HEAT_CELL.findall(cells)]
            done, total = sum(d for d, _t in pairs), sum(t for _d, t in pairs)
            heat[htmllib.unescape(name).strip()] = (done, total, compliance_rate(done, 0, total - done))
        # a row per school: each is the school's compliance row over the same window; a row per region (scopes
        # over HEAT_SCHOOL_ROWS schools): the compliance page's roll-up row of that region
        result.views.setdefault("compliance by region", {})
        if "按学校" in dash:
            views["heat map"] = heat
        else:
            result.views["compliance by region"]["heat map"] = heat
    return views


def check(user: Any, today: datetime.date | None = None) -> Result:
    """Open every view of every headline figure as ``user`` and compare it with the figure's definition."""
    today = today or timezone.localdate()
    result = Result(user=user.get_username(), today=today)
    result.expected = expected_figures(user, today)
    pages = _Pages(user)
    try:
        result.views = {"hazards": _hazard_views(pages, result), "reports": _report_views(pages, result)}
        result.views["compliance"] = _compliance_views(pages, result)
    finally:
        pages.close()
    from anxiao.obligations.tally import month_drift

    # the compliance month roll-up a large scope reads is the per-day tally summed by month (the whole database)
    drift = month_drift()
    if drift:
        key, (kept, summed) = sorted(drift.items(), key=str)[0]
        result.disagreements.append(f"compliance month roll-up: {len(drift)} rows differ from the per-day tally, "
                                    f"e.g. {key}: {kept} against {summed}")
    for group, views in result.views.items():
        expected = result.expected[group]
        for view, values in views.items():
            for figure, shown in values.items():
                want = expected.get(figure)
                if group.startswith("compliance") and want is None and shown[1] == 0:
                    continue  # a row with nothing due yet
                if shown != want:
                    result.disagreements.append(f"{group}: {view} shows {figure} = {shown}, the definition gives {want}")
    return result
