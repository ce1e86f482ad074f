"""A record's ``get_<field>_display`` (issue 18): Django rebuilds and hashes the field's whole list of lazy choice
labels on every call, which was a third of the hazard ledger's template time (two per row, 50 rows); the project's
models look the label up in a table made once per field and language."""

from __future__ import annotations

import cProfile
import pstats

from anxiao.hazards.models import Category, Hazard, Status


def test_a_choice_label_is_looked_up_not_rebuilt_per_call() -> None:
    hazards = [Hazard(status=status, category=Category.values[i % len(Category.values)])
               for i, status in enumerate(Status.values * 10)]
    # the same labels as Django gives, an unknown value shown as it is
    assert [h.get_status_display() for h in hazards[:len(Status.values)]] == [str(label) for label in Status.labels]
    assert Hazard(status="nonsense").get_status_display() == "nonsense"
    assert isinstance(hazards[0].get_status_display(), str)
    profiler = cProfile.Profile()
    profiler.enable()
    for h in hazards:
        h.get_status_display()
        h.get_category_display()
    profiler.disable()
    calls = pstats.Stats(profiler).total_calls  # type: ignore[attr-defined]
    assert calls < 60 * len(hazards), calls  # two labels a record; Django made some 840
