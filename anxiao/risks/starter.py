"""The built-in starter list of typical school risks (``data/starter_risks.yaml``)."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

PATH = Path(__file__).parent / "data" / "starter_risks.yaml"


@functools.cache
def starter_risks() -> tuple[dict[str, Any], ...]:
    data = yaml.safe_load(PATH.read_text(encoding="utf-8"))
    return tuple(data["risks"])


def by_code() -> dict[str, dict[str, Any]]:
    return {r["code"]: r for r in starter_risks()}
