"""Module boundaries (issue 21): an app uses another app only through its public names, and core imports no app.

- a name starting with ``_`` is private to its app: importing it from another app (``from anxiao.obligations.actions
  import _require_unit``) or reaching it through a module of another app (``obligations._Org``) fails here; make the
  helper public where it belongs (access helpers in ``core.access``: ``write_scope``, ``require_write``) instead;
- ``anxiao/core`` imports neither ``accounts`` nor ``org`` (it reads their models by label, ``core.access.model``, and
  the accounts app registers what core calls, ``core.api.TOKEN_USER``), so the apps import core and never the reverse.
"""

from __future__ import annotations

import ast
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[1]
ALLOWED = {"_meta"}  # Django's public model API
CORE_MAY_IMPORT_APPS = {"anxiao/core/testing.py"}  # the test world builder: every app's records, for tests only


def _app(path: pathlib.Path) -> str:
    return path.relative_to(ROOT / "anxiao").parts[0]


def _sources() -> list[pathlib.Path]:
    return [p for p in sorted((ROOT / "anxiao").glob("**/*.py")) if "migrations" not in p.parts]


def private_cross_app_uses(source: str, app: str) -> list[str]:
    tree = ast.parse(source)
    found, modules = [], {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("anxiao."):
            other = node.module.split(".")[1]  # type: ignore[union-attr]
            if other == app:
                continue
            for alias in node.names:
                modules[alias.asname or alias.name] = f"{node.module}.{alias.name}"
                if alias.name.startswith("_") and not alias.name.startswith("__") and alias.name not in ALLOWED:
                    found.append(f"{node.lineno}: {node.module}.{alias.name}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("anxiao.") and alias.name.split(".")[1] != app:
                    modules[alias.asname or alias.name] = alias.name
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in modules
                and node.attr.startswith("_") and not node.attr.startswith("__") and node.attr not in ALLOWED):
            found.append(f"{node.lineno}: {modules[node.value.id]}.{node.attr}")
    return found


def test_no_app_uses_a_private_name_of_another_app():
    offenders = {str(p.relative_to(ROOT)): uses for p in _sources() if (uses := private_cross_app_uses(p.read_text(), _app(p)))}
    assert offenders == {}, "make the helper public (one home; access helpers in core.access)"


def test_the_checker_sees_both_forms():
    source = ("from anxiao.obligations.actions import _require_unit\nfrom anxiao.obligations import actions\n"
              "actions._Org\nfrom anxiao.hazards.actions import _authorise\nfrom anxiao.org.models import Unit\n"
              "Unit._meta\n")
    assert private_cross_app_uses(source, "hazards") == ["1: anxiao.obligations.actions._require_unit",
                                                         "3: anxiao.obligations.actions._Org"]


def test_core_imports_no_app():
    offenders = []
    for path in (ROOT / "anxiao" / "core").glob("**/*.py"):
        relative = str(path.relative_to(ROOT))
        if "tests" in path.parts or relative in CORE_MAY_IMPORT_APPS:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0 else \
                [a.name for a in node.names] if isinstance(node, ast.Import) else []
            offenders += [f"{relative}:{node.lineno} {n}" for n in names
                          if n.startswith(("anxiao.accounts", "anxiao.org"))]
    assert offenders == []


# Pairs of apps that import each other (at any depth of the module, function-level imports included): each one is a
# cycle a function-level import hides. The set may only shrink; a new pair fails (give the shared piece one home, as
# org.conditions did for obligations and policies).
KNOWN_TWO_WAY = {
    ("accounts", "notifications"), ("accounts", "org"), ("core", "notifications"), ("documents", "org"),
    ("documents", "responsibility"), ("education", "staffing"), ("hazards", "inspections"), ("hazards", "reports"),
    ("hazards", "risks"), ("inspections", "risks"), ("notifications", "obligations"), ("obligations", "reports"),
    ("obligations", "responsibility"), ("policies", "responsibility"),
}


def two_way_app_imports() -> set[tuple[str, str]]:
    apps = {p.name for p in (ROOT / "anxiao").iterdir() if p.is_dir()}
    uses: dict[str, set[str]] = {}
    for path in _sources():
        relative = str(path.relative_to(ROOT))
        if "tests" in path.parts or path.parent == ROOT / "anxiao" or relative in CORE_MAY_IMPORT_APPS:
            continue
        app = _app(path)
        for node in ast.walk(ast.parse(path.read_text())):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0 else \
                [a.name for a in node.names] if isinstance(node, ast.Import) else []
            for name in names:
                parts = name.split(".")
                if parts[0] == "anxiao" and len(parts) > 1 and parts[1] in apps and parts[1] != app:
                    uses.setdefault(app, set()).add(parts[1])
    return {(a, b) for a in uses for b in uses[a] if a < b and a in uses.get(b, set())}


def test_no_new_pair_of_apps_imports_each_other():
    found = two_way_app_imports()
    assert found - KNOWN_TWO_WAY == set(), "a new import cycle between apps: give the shared piece one home"
    assert KNOWN_TWO_WAY - found == set(), f"gone, take them off KNOWN_TWO_WAY: {sorted(KNOWN_TWO_WAY - found)}"
    assert ("obligations", "policies") not in found
