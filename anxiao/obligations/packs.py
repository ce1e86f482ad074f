"""A small reader for the ``obligations:`` lists of the built-in pack files (anxiao/policies/packs/*.yaml).

Kept independent of the policies app on purpose: this app only needs the rule entries and their clause refs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from anxiao.core.choices import functions_in_name

PACK_DIR = Path(__file__).resolve().parent.parent / "policies" / "packs"
DEFAULT_PACKS = ("national",)


def available_packs() -> list[str]:
    return sorted(p.stem for p in PACK_DIR.glob("*.yaml"))


def read_pack(code: str) -> list[dict[str, Any]]:
    """The pack's obligation entries turned into ObligationRule field values."""
    path = PACK_DIR / f"{code}.yaml"
    if not path.is_file():
        raise FileNotFoundError(f"没有名为 {code} 的规则包（可用：{'、'.join(available_packs())}）")
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    pack_code = data.get("code") or code
    out = []
    for entry in data.get("obligations") or []:
        subject = entry.get("subject") or {}
        due = entry.get("due") or {"rule": "end_of_period"}
        out.append({
            "code": entry["code"],
            "title": entry.get("title") or entry["code"],
            "activity_kind": entry["activity_kind"],
            "post_kinds": list(subject.get("post_kinds") or []),
            "unit_kinds": list(subject.get("unit_kinds") or []),
            "stages": list(subject.get("stages") or []),
            "boarding": subject.get("boarding"),
            # A subject's department by what it does; a department's name is read for its functions.
            "functions": list(subject.get("functions") or functions_in_name(str(subject.get("department") or ""))),
            "condition": str(subject.get("condition") or ""),
            "holder_kind": str(subject.get("holder_kind") or ""),
            "scope": subject.get("scope") or "own",
            "quota": entry.get("quota", 1),
            "period": entry["period"],
            "due_rule": due.get("rule", "end_of_period"),
            "due_day": due.get("day"),
            "grace_days": entry.get("grace_days") or 0,
            "heightened": bool(entry.get("heightened")),
            "teaching_only": bool(entry.get("teaching_only")),
            # design.md: an entry the pack switches off is loaded switched off.
            "enabled": entry.get("enabled", True) is not False,
            "pack_code": pack_code,
            "clause_ref": str(entry.get("clause") or ""),
            "note": entry.get("note") or "",
            "credit": dict(entry.get("credit") or {}),
        })
    return out


def repeats(code: str) -> dict[str, str]:
    """The pack's entries that repeat another of its entries (``same_as``: the same check worded twice, or an item of
    another check), each with the code of the entry that carries it."""
    data = yaml.safe_load((PACK_DIR / f"{code}.yaml").read_text(encoding="utf-8")) or {}
    return {e["code"]: str(e["same_as"]) for e in data.get("obligations") or [] if e.get("same_as")}
