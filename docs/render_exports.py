"""Render one of each document and table export to PNG pages, to look at them as printed.

    ANXIAO_SQLITE_PATH=/tmp/demo.sqlite3 .venv/bin/anxiao migrate -v0
    ANXIAO_SQLITE_PATH=/tmp/demo.sqlite3 .venv/bin/anxiao demo
    ANXIAO_SQLITE_PATH=/tmp/demo.sqlite3 .venv/bin/python docs/render_exports.py var/render

Writes, through the same URLs a user downloads from (as the demo's bureau administrator; the QR posters as the
school's safety officer, who manages its points): a letter (DOCX and PDF), a notice and a 通报 (DOCX and PDF), the
assessment bulletin (DOCX, PDF and XLSX), the county roll-up (XLSX and PDF), one school's monthly ledger (XLSX and
PDF), the risk register and the hazard list (XLSX), an inspection report (PDF), the patrol-point posters and the
gate poster (PDF). PDFs become 80-dpi PNGs with poppler (``pdftoppm``); DOCX and XLSX
are printed to PDF first by LibreOffice headless (``soffice``). Both are the ``render`` set of
deploy/debian-packages.txt (``deploy/debian-packages.sh render``; not needed to run the product). Without
LibreOffice the DOCX/XLSX files are written and skipped with the command that installs it. Not part of the test
suite.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anxiao.settings")
os.environ.setdefault("ANXIAO_ENV", "development")


SCHOOL_USER = "anquanyuan"  # the demo school's safety officer: prints its patrol-point and gate posters


def _files() -> dict[str, str]:
    from anxiao.accounts.models import User
    from anxiao.assessment.models import Scheme
    from anxiao.inspections.models import Inspection
    from anxiao.reports.models import MonthlyLedger, Notice
    from anxiao.responsibility.models import Letter

    report = MonthlyLedger.objects.filter(status="submitted").order_by("-month", "unit__name").first()
    letter = Letter.objects.filter(status="signed").order_by("-year", "pk").first() or Letter.objects.first()
    notice = Notice.objects.filter(kind="notice").order_by("-issued_at").first()
    bulletin = Notice.objects.filter(kind="bulletin").order_by("-issued_at").first()
    scheme = Scheme.objects.filter(results__isnull=False).distinct().first()
    inspection = Inspection.objects.filter(completed_at__isnull=False).order_by("-completed_at").first()
    school = User.objects.get(username=SCHOOL_USER).person.unit
    assert report and letter and notice and bulletin and scheme and inspection, "run `anxiao demo` first"
    return {
        "gongwen_bulletin.docx": f"/reports/notices/{bulletin.pk}/notice.docx",
        "gongwen_bulletin.pdf": f"/reports/notices/{bulletin.pk}/notice.pdf",
        "school.pdf": f"/reports/ledgers/{report.pk}/export.pdf",
        "rollup.pdf": f"/reports/rollup.pdf?month={report.month:%Y-%m}",
        "hazards.xlsx": "/hazards/export.xlsx",
        "inspection.pdf": f"/inspections/{inspection.pk}/report.pdf",
        "points.pdf": f"/inspections/points/print/?format=pdf&unit={school.pk}",
        "gate.pdf": f"/chiefs/gate/{school.pk}/qr/",
        "letter.docx": f"/responsibility/letters/{letter.pk}/letter.docx",
        "letter.pdf": f"/responsibility/letters/{letter.pk}/letter.pdf",
        "notice.docx": f"/reports/notices/{notice.pk}/notice.docx",
        "notice.pdf": f"/reports/notices/{notice.pk}/notice.pdf",
        "bulletin.docx": f"/assessment/{scheme.pk}/bulletin.docx",
        "bulletin.pdf": f"/assessment/{scheme.pk}/bulletin.pdf",
        "bulletin.xlsx": f"/assessment/{scheme.pk}/bulletin.xlsx",
        "rollup.xlsx": f"/reports/rollup.xlsx?month={report.month:%Y-%m}",
        "school.xlsx": f"/reports/ledgers/{report.pk}/export.xlsx",
        "risks.xlsx": "/risks/export.xlsx",
    }


def main(out: Path) -> None:
    import django

    django.setup()
    from django.test import Client

    from anxiao.accounts.models import User

    out.mkdir(parents=True, exist_ok=True)
    client = Client()
    client.force_login(User.objects.get(username="anquanban"))
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not shutil.which("pdftoppm"):
        raise SystemExit("pdftoppm (poppler-utils) is not installed: run `deploy/debian-packages.sh render` as root "
                         "(or apt-get install poppler-utils)")
    if not soffice:
        print("LibreOffice is not installed: DOCX and XLSX files are written but not rendered to PNG. Install it with "
              "`deploy/debian-packages.sh render` as root (apt-get install libreoffice-writer libreoffice-calc).")
    school_client = Client()
    school_client.force_login(User.objects.get(username=SCHOOL_USER))
    for name, url in _files().items():
        response = (school_client if name in ("points.pdf", "gate.pdf") else client).get(url)
        assert response.status_code == 200, (url, response.status_code)
        path = out / name
        path.write_bytes(b"".join(response.streaming_content) if response.streaming else response.content)
        stem = path.stem + "_" + path.suffix.lstrip(".")
        pdf = path
        if path.suffix != ".pdf":
            if not soffice:
                print(f"{name}: written, not rendered (no LibreOffice)")
                continue
            subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(out / "lo"), str(path)],
                           check=True, capture_output=True)
            pdf = out / "lo" / f"{path.stem}.pdf"
        subprocess.run(["pdftoppm", "-png", "-r", "80", str(pdf), str(out / stem)], check=True)
    for png in sorted(out.glob("*.png")):
        print(png)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "var/render"))
