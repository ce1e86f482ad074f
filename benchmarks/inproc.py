"""The in-process benchmarks of earlier sessions (functions and views through ``django.test.Client``, no server):

    make bench-inproc                     # every module benchmarks/bench_*.py on the 20,000-school data set
    BENCH_ONLY=hazards make bench-inproc  # only the modules whose name contains "hazards"

Each module ``benchmarks/bench_*.py`` has ``run(report)``. The data set is built first when missing
(``benchmarks/data.py``). ``make bench`` (benchmarks/run.py) measures the same pages over HTTP.
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anxiao.settings")
os.environ.setdefault("ANXIAO_ENV", "development")


def main() -> None:
    from benchmarks import data

    data.ensure_database(os.environ.get("DATABASE_URL", ""))
    import django

    django.setup()
    data.ensure(int(os.environ.get("BENCH_SCHOOLS", "20000")))
    only = os.environ.get("BENCH_ONLY", "")
    for path in sorted(Path(__file__).parent.glob("bench_*.py")):
        if only and only not in path.stem:
            continue
        module = importlib.import_module(f"benchmarks.{path.stem}")
        print(f"\n== {path.stem}")
        module.run(print)


if __name__ == "__main__":
    main()
