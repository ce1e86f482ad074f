"""Render the county roll-up and one school's monthly ledger XLSX to PNG pages, to look at them as printed.

    ANXIAO_SQLITE_PATH=/tmp/demo.sqlite3 .venv/bin/anxiao migrate -v0
    ANXIAO_SQLITE_PATH=/tmp/demo.sqlite3 .venv/bin/anxiao demo
    ANXIAO_SQLITE_PATH=/tmp/demo.sqlite3 .venv/bin/python docs/render_exports.py var/render

Needs LibreOffice (``soffice``) and poppler (``pdftoppm``); not part of the test suite. Writes the XLSX files,
the PDFs LibreOffice prints from them (A4 landscape, as the page setup asks) and 80-dpi PNGs of every page.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anxiao.settings")
os.environ.setdefault("ANXIAO_ENV", "development")


def main(out: Path) -> None:
    import django

    django.setup()
    from django.test import Client

    from anxiao.accounts.models import User
    from anxiao.reports.models import MonthlyLedger

    out.mkdir(parents=True, exist_ok=True)
    client = Client()
    client.force_login(User.objects.get(username="anquanban"))
    report = MonthlyLedger.objects.filter(status="submitted").order_by("-month", "unit__name").first()
    assert report is not None, "run `anxiao demo` first"
    files = {
        "rollup.xlsx": f"/reports/rollup.xlsx?month={report.month:%Y-%m}",
        "school.xlsx": f"/reports/ledgers/{report.pk}/export.xlsx",
    }
    for name, url in files.items():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        (out / name).write_bytes(response.content)
        subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(out), str(out / name)],
                       check=True, capture_output=True)
        stem = Path(name).stem
        subprocess.run(["pdftoppm", "-png", "-r", "80", str(out / f"{stem}.pdf"), str(out / stem)], check=True)
    for png in sorted(out.glob("*.png")):
        print(png)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "var/render"))
