"""Built-in policy packs: YAML files in ``packs/``, one per seed document plus ``national``.

:func:`read_pack` validates a file completely before anything is written, so a malformed pack
is refused with one Chinese message that names the file, the entry and the field.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError

from anxiao.core.choices import PostKind, Stage, UnitFunction, UnitKind
from anxiao.org.conditions import CONDITIONS

PACK_DIR = Path(__file__).resolve().parent / "packs"

CATEGORIES = {"business", "safety"}
ACTIVITY_KINDS = {
    "meeting", "patrol", "inspection", "leadership_inspection", "supervision_visit", "drill", "guard_drill",
    "bus_drill", "safety_lesson", "staff_training", "guard_training", "lecture", "parent_meeting",
    "legal_education", "safety_day_education", "report_submission", "plan", "letter_signing", "fire_check",
    "fire_patrol", "bullying_survey", "background_check", "health_check", "facility_test", "chief_meeting", "safety_tip",
    "other",
}
PERIODS = {"day", "week", "half_month", "month", "quarter", "term", "half_year", "year"}
DUE_RULES = {"end_of_period", "day_of_month", "day_in_last_month_of_quarter"}
# A duty list that applies only where a unit has some feature the organisation data records.
SCOPES = ("own", "baobao", "class", "schools")


class PackError(ValidationError):
    def __init__(self, message: str) -> None:
        super().__init__({"pack": [message]})
        self.text = message

    def __str__(self) -> str:
        return self.text


def available_packs() -> list[dict[str, Any]]:
    """The built-in packs (code, title, issuer, path), read without full validation, for lists and forms."""
    out = []
    for path in sorted(PACK_DIR.glob("*.yaml")):
        try:
            head = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError:
            head = {}
        out.append({"code": path.stem, "title": head.get("title", ""), "issuer": head.get("issuer", ""),
                    "doc_number": head.get("doc_number") or "", "path": path})
    return out


def pack_path(code_or_path: str | Path) -> Path:
    path = Path(code_or_path)
    if path.suffix in (".yaml", ".yml") and path.exists():
        return path
    candidate = PACK_DIR / f"{code_or_path}.yaml"
    if not candidate.exists():
        codes = "、".join(p["code"] for p in available_packs())
        raise PackError(f"没有名为“{code_or_path}”的规则包（可用：{codes}）")
    return candidate


def _str(value: Any, where: str, required: bool = True) -> str:
    if value is None:
        if required:
            raise PackError(f"{where}：缺少内容")
        return ""
    if not isinstance(value, str | int | float) or (required and not str(value).strip()):
        raise PackError(f"{where}：应为非空文本")
    return str(value).strip()


def _codes(value: Any, allowed: set[str], where: str, label: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise PackError(f"{where}：应为列表")
    bad = [str(v) for v in value if v not in allowed]
    if bad:
        raise PackError(f"{where}：“{'、'.join(bad)}”不是有效的{label}代码")
    return [str(v) for v in value]


def read_pack(code_or_path: str | Path) -> dict[str, Any]:
    """Parse and validate one pack; returns plain data ready to be written, or raises PackError."""
    path = pack_path(code_or_path)
    name = path.name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"第 {mark.line + 1} 行" if mark is not None else ""
        raise PackError(f"规则包 {name}：YAML 格式错误{line}")
    if not isinstance(data, dict):
        raise PackError(f"规则包 {name}：内容应为键值结构")
    for key in ("code", "title", "clauses", "duty_lists"):
        if key not in data:
            raise PackError(f"规则包 {name}：缺少必填字段 {key}")
    pack: dict[str, Any] = {
        "code": _str(data["code"], f"规则包 {name} 的 code"),
        "title": _str(data["title"], f"规则包 {name} 的 title"),
        "issuer": _str(data.get("issuer"), f"规则包 {name} 的 issuer", required=False),
        "doc_number": _str(data.get("doc_number"), f"规则包 {name} 的 doc_number", required=False),
        "source": _str(data.get("source"), f"规则包 {name} 的 source", required=False),
        "notes": _str(data.get("notes"), f"规则包 {name} 的 notes", required=False),
        # A school's own plan (seed 003): adopted for chosen schools only, never for the whole bureau.
        "own_plan": bool(data.get("own_plan", False)),
        "date": None,
    }
    if data.get("date") is not None:
        value = data["date"]
        if isinstance(value, datetime.date):
            pack["date"] = value
        else:
            try:
                pack["date"] = datetime.date.fromisoformat(str(value))
            except ValueError:
                raise PackError(f"规则包 {name} 的 date：日期格式应为 YYYY-MM-DD")
    if not isinstance(data["clauses"], list) or not data["clauses"]:
        raise PackError(f"规则包 {name} 的 clauses：应为非空列表")
    refs: set[str] = set()
    clauses = []
    for i, c in enumerate(data["clauses"], start=1):
        where = f"规则包 {name} 的 clauses 第 {i} 项"
        if not isinstance(c, dict):
            raise PackError(f"{where}：应为键值结构")
        ref = _str(c.get("ref"), f"{where} 的 ref")
        if ref in refs:
            raise PackError(f"{where} 的 ref：条款“{ref}”重复")
        refs.add(ref)
        clauses.append({"ref": ref, "heading": _str(c.get("heading"), f"{where}（{ref}）的 heading"),
                        "summary": _str(c.get("summary"), f"{where}（{ref}）的 summary", required=False)})
    pack["clauses"] = clauses
    if not isinstance(data["duty_lists"], list):
        raise PackError(f"规则包 {name} 的 duty_lists：应为列表")
    keys: set[str] = set()
    lists = []
    for i, dl in enumerate(data["duty_lists"], start=1):
        where = f"规则包 {name} 的 duty_lists 第 {i} 项"
        if not isinstance(dl, dict):
            raise PackError(f"{where}：应为键值结构")
        key = _str(dl.get("key"), f"{where} 的 key")
        where = f"{where}（{key}）"
        if key in keys:
            raise PackError(f"{where} 的 key：清单“{key}”重复")
        keys.add(key)
        unit_kind = _str(dl.get("unit_kind"), f"{where} 的 unit_kind")
        if unit_kind not in UnitKind.values:
            raise PackError(f"{where} 的 unit_kind：“{unit_kind}”不是有效的单位类型代码")
        post_kinds = _codes(dl.get("post_kinds"), set(PostKind.values), f"{where} 的 post_kinds", "岗位类别")
        if not post_kinds:
            raise PackError(f"{where} 的 post_kinds：至少列出一个岗位类别")
        condition = _str(dl.get("condition"), f"{where} 的 condition", required=False)
        if condition and condition not in CONDITIONS:
            raise PackError(f"{where} 的 condition：应为 {'、'.join(CONDITIONS)} 之一")
        duties_in = dl.get("duties") or []
        if not isinstance(duties_in, list):
            raise PackError(f"{where} 的 duties：应为列表")
        duties = []
        for j, d in enumerate(duties_in, start=1):
            dwhere = f"{where} 的 duties 第 {j} 项"
            if not isinstance(d, dict):
                raise PackError(f"{dwhere}：应为键值结构")
            clause = _str(d.get("clause"), f"{dwhere} 的 clause")
            if clause not in refs:
                raise PackError(f"{dwhere} 的 clause：条款“{clause}”在 clauses 中不存在")
            category = _str(d.get("category"), f"{dwhere} 的 category")
            if category not in CATEGORIES:
                raise PackError(f"{dwhere} 的 category：应为 business（业务职责）或 safety（安全职责）")
            duties.append({"clause_ref": clause, "category": category,
                           "topic": _str(d.get("topic"), f"{dwhere} 的 topic", required=False),
                           "text": _str(d.get("text"), f"{dwhere} 的 text")})
        lists.append({
            "key": key, "holder": _str(dl.get("holder"), f"{where} 的 holder"), "unit_kind": unit_kind,
            "post_kinds": post_kinds,
            "department": _str(dl.get("department"), f"{where} 的 department", required=False),
            "functions": _codes(dl.get("functions"), set(UnitFunction.values), f"{where} 的 functions", "职能"),
            "stages": _codes(dl.get("stages"), set(Stage.values), f"{where} 的 stages", "学段"),
            "to_be_completed": bool(dl.get("to_be_completed", False)), "condition": condition, "duties": duties,
        })
    pack["duty_lists"] = lists
    pack["obligations"] = _obligations(data.get("obligations") or [], refs, name)
    return pack


def _obligations(items: Any, refs: set[str], name: str) -> list[dict[str, Any]]:
    if not isinstance(items, list):
        raise PackError(f"规则包 {name} 的 obligations：应为列表")
    codes: set[str] = set()
    out = []
    repeats: list[tuple[str, str, bool]] = []
    for i, o in enumerate(items, start=1):
        where = f"规则包 {name} 的 obligations 第 {i} 项"
        if not isinstance(o, dict):
            raise PackError(f"{where}：应为键值结构")
        code = _str(o.get("code"), f"{where} 的 code")
        where = f"{where}（{code}）"
        if code in codes:
            raise PackError(f"{where} 的 code：义务“{code}”重复")
        codes.add(code)
        clause = _str(o.get("clause"), f"{where} 的 clause")
        if clause not in refs:
            raise PackError(f"{where} 的 clause：条款“{clause}”在 clauses 中不存在")
        kind = _str(o.get("activity_kind"), f"{where} 的 activity_kind")
        if kind not in ACTIVITY_KINDS:
            raise PackError(f"{where} 的 activity_kind：“{kind}”不是有效的活动类型代码")
        period = _str(o.get("period"), f"{where} 的 period")
        if period not in PERIODS:
            raise PackError(f"{where} 的 period：“{period}”不是有效的周期代码")
        quota = o.get("quota")
        if not isinstance(quota, int) or isinstance(quota, bool) or quota < 1:
            raise PackError(f"{where} 的 quota：应为正整数")
        grace = o.get("grace_days", 0)
        if not isinstance(grace, int) or isinstance(grace, bool) or grace < 0:
            raise PackError(f"{where} 的 grace_days：应为不小于 0 的整数")
        due = o.get("due") or {"rule": "end_of_period"}
        if not isinstance(due, dict) or due.get("rule") not in DUE_RULES:
            raise PackError(f"{where} 的 due：rule 应为 {'、'.join(sorted(DUE_RULES))} 之一")
        if due["rule"] != "end_of_period" and not (isinstance(due.get("day"), int) and 1 <= due["day"] <= 31):
            raise PackError(f"{where} 的 due：day 应为 1–31 的整数")
        subject = o.get("subject") or {}
        if not isinstance(subject, dict):
            raise PackError(f"{where} 的 subject：应为键值结构")
        _codes(subject.get("post_kinds"), set(PostKind.values), f"{where} 的 subject.post_kinds", "岗位类别")
        _codes(subject.get("unit_kinds"), set(UnitKind.values), f"{where} 的 subject.unit_kinds", "单位类型")
        _codes(subject.get("stages"), set(Stage.values), f"{where} 的 subject.stages", "学段")
        _codes(subject.get("functions"), set(UnitFunction.values), f"{where} 的 subject.functions", "职能")
        if subject.get("holder_kind") and subject["holder_kind"] not in PostKind.values:
            raise PackError(f"{where} 的 subject.holder_kind：“{subject['holder_kind']}”不是有效的岗位类别代码")
        if subject.get("condition") and subject["condition"] not in CONDITIONS:
            raise PackError(f"{where} 的 subject.condition：应为 {'、'.join(CONDITIONS)} 之一")
        if subject.get("scope", "own") not in SCOPES:
            raise PackError(f"{where} 的 subject.scope：应为 {'、'.join(SCOPES)} 之一")
        credit = o.get("credit")
        if credit is not None:
            from django.core.exceptions import ValidationError

            from anxiao.obligations.crediting import parse

            on_post = bool(subject.get("post_kinds")) or subject.get("scope") in ("class", "baobao", "schools")
            try:
                parse(credit, kind, on_post=on_post, baobao=subject.get("scope") in ("baobao", "schools"))
            except ValidationError as exc:
                raise PackError(f"{where} 的 credit：{'；'.join(exc.messages)}")
        out.append({
            "code": code, "clause_ref": clause, "title": _str(o.get("title"), f"{where} 的 title"),
            "activity_kind": kind, "subject": subject, "quota": quota, "period": period, "due": due,
            "grace_days": grace, "heightened": bool(o.get("heightened", False)),
            "enabled": bool(o.get("enabled", True)),
            "note": _str(o.get("note"), f"{where} 的 note", required=False),
        })
        if o.get("same_as"):
            # The document says the same thing twice (or names it as an item of another check): one slot.
            repeats.append((where, str(o["same_as"]), bool(o.get("enabled", True))))
    for where, kept, enabled in repeats:
        if kept not in codes:
            raise PackError(f"{where} 的 same_as：义务“{kept}”不在本规则包中")
        if enabled:
            raise PackError(f"{where} 的 same_as：与另一项义务相同的条目应停用（enabled: false），由那一项承担")
    return out
