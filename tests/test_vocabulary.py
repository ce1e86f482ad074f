"""docs/vocabulary.md bridges the glossary of design.md and the code: every code name it lists must exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.apps import apps

from anxiao.core.choices import PostKind

DOC = Path(__file__).resolve().parent.parent / "docs" / "vocabulary.md"


def _bridge_rows() -> list[str]:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## Glossary names and code names", 1)[1].split("\n## ", 1)[0]
    return [line for line in section.splitlines() if line.startswith("| ") and not line.startswith("| glossary")]


def test_it_lists_the_renamed_models() -> None:
    rows = "\n".join(_bridge_rows())
    for name in ("ObligationRule", "EmergencyTeam", "VetoRule", "ComplianceTally", "reports.Tally", "Risk.level"):
        assert name in rows


@pytest.mark.parametrize("row", _bridge_rows())
def test_every_code_name_in_the_bridge_exists(row: str) -> None:
    code = row.split("|")[2]
    names = re.findall(r"`([a-z]+)\.([A-Z]\w*)(?:\.(\w+))?`", code)
    assert names, row
    for app_label, model_name, field in names:
        model = apps.get_model(app_label, model_name)
        if field:
            model._meta.get_field(field)
    for kind in re.findall(r"`(chief_\w+)`", code):
        assert kind in PostKind.values
