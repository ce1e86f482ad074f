"""The deputy inspects on a phone: sections with progress, 本节全部合格, a failed item with a photo becoming a
hazard with the same category and photo, answers kept as 未同步 while offline and sent when the network returns."""

from __future__ import annotations

import io

import pytest

from anxiao.core.testing import PASSWORD
from anxiao.hazards.models import Hazard
from anxiao.inspections.models import Inspection, ItemResult

from .conftest import PHONE, shot

pytestmark = [pytest.mark.browser, pytest.mark.one_pass, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _photo(tmp_path):  # type: ignore[no-untyped-def]
    from PIL import Image

    path = tmp_path / "lamp.jpg"
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (220, 30, 30)).save(buf, format="JPEG")
    path.write_bytes(buf.getvalue())
    return path


def test_an_inspection_by_section_with_a_failed_item_and_photo_becoming_a_hazard(page_for, world, tmp_path):
    from anxiao.inspections import actions

    actions.load_checklist()
    inspection = actions.start_inspection(world.users["school_admin"], unit=world.a1, kind="half_monthly",
                                          categories=["XF", "AB"])
    # given the school's safety lead on a phone, on the inspection page
    page = page_for("school_admin", PASSWORD, phone=True)
    page.goto(f"{page.base}/inspections/{inspection.pk}/")
    assert page.locator(".insp-section").count() == 2
    total = int(page.get_attribute("#progress", "data-total") or 0)
    assert page.inner_text("#answered") == "0"
    # when one fire item fails with a note and a photo, and the rest of the section is passed in one tap
    page.check("input[name='outcome_XF-12'][value=fail]")
    page.fill("textarea[name='note_XF-12']", "疏散指示灯不亮")
    page.set_input_files("input[name='photo_XF-12']", str(_photo(tmp_path)))
    page.click("[data-all-pass=XF]")
    xf = page.locator(".insp-section[data-section=XF] .insp-item").count()
    assert page.inner_text("#answered") == str(xf)
    assert page.is_checked("input[name='outcome_XF-12'][value=fail]")
    # then completing is refused while the security section is open
    page.check("input[name=complete]")
    page.click("#inspection-form button[type=submit]")
    page.wait_for_selector("text=项必查项未填写")
    assert page.is_hidden("#sync-state")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "inspection_sections_phone")
    assert Inspection.objects.get().status == "in_progress"
    assert ItemResult.objects.filter(inspection=inspection).count() == xf
    # when the failed item becomes a hazard and is registered as the page offers it
    page.click("#item-XF-12 >> text=登记为隐患")
    page.wait_for_selector("#hazard-status")
    page.click("details:has(form[data-action=register]) summary")
    page.click("form[data-action=register] button[type=submit]")
    page.wait_for_selector("text=已登记")
    shot(page, "hazard_from_failed_item_phone")
    # then the hazard has the item's category, note and photo
    hazard = Hazard.objects.get()
    assert hazard.status == "registered" and hazard.category == "XF" and "疏散指示灯不亮" in hazard.description
    assert hazard.photos.count() == 1
    assert page.locator("img[alt]").count() >= 1
    # and the rest passed, the inspection completes
    page.goto(f"{page.base}/inspections/{inspection.pk}/")
    page.click("[data-all-pass=AB]")
    page.check("input[name=complete]")
    page.click("#inspection-form button[type=submit]")
    page.wait_for_selector("text=检查已完成")
    assert Inspection.objects.get().status == "done" and ItemResult.objects.count() == total


def test_answers_given_offline_show_unsynced_and_are_sent_when_the_network_returns(page_for, world):
    from anxiao.inspections import actions

    actions.load_checklist()
    inspection = actions.start_inspection(world.users["school_admin"], unit=world.a1, kind="half_monthly",
                                          categories=["XF"])
    page = page_for("school_admin", PASSWORD, phone=True)
    page.goto(f"{page.base}/inspections/{inspection.pk}/")
    assert page.is_hidden("#sync-state")
    # given the network drops
    page.context.set_offline(True)
    # when an item is answered and the form is sent
    page.check("input[name='outcome_XF-01'][value=pass]")
    page.click("#inspection-form button[type=submit]")
    # then the page says the answers are kept on the phone, not synced
    assert page.is_visible("#sync-state") and "未同步" in page.inner_text("#sync-state")
    assert page.is_visible("#offline-note")
    shot(page, "inspection_offline_phone")
    assert not ItemResult.objects.exists()
    # when the network returns, they are sent and the state clears
    page.context.set_offline(False)  # the browser fires "online"
    page.wait_for_selector("text=已保存 1 项检查结果")
    assert page.is_hidden("#sync-state")
    assert ItemResult.objects.get().item_code == "XF-01"


def _draw(page, form: str) -> None:  # type: ignore[no-untyped-def]
    box = page.locator(f"{form} canvas").bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 60)
    page.mouse.down()
    for k in range(1, 12):
        page.mouse.move(box["x"] + 20 + k * 20, box["y"] + 60 + (25 if k % 2 else -25))
    page.mouse.up()


def test_a_finished_inspection_is_signed_on_the_phone_and_gives_a_pdf_report(page_for, world, tmp_path):
    import subprocess

    from anxiao.inspections import actions

    from .conftest import SCREENSHOTS

    # given a completed inspection with one finding
    actions.load_checklist()
    admin = world.users["school_admin"]
    inspection = actions.start_inspection(admin, unit=world.a1, kind="half_monthly", categories=["XF"])
    items = [i for s in actions.progress(inspection).sections for i, _r in s.rows]
    actions.record_results(admin, inspection, [{"item_code": i.code, "outcome": "pass"} for i in items])
    actions.record_results(admin, inspection, [{"item_code": "XF-12", "outcome": "fail", "note": "疏散指示灯不亮"}])
    actions.complete_inspection(admin, inspection, "总体良好，一处指示灯待修")
    # when the inspector and the school's representative sign with a finger on the phone
    page = page_for("school_admin", PASSWORD, phone=True)
    page.goto(f"{page.base}/inspections/{inspection.pk}/#signatures")
    for role, name in (("inspector", "王检查"), ("representative", "赵校长")):
        form = f".sign-form[data-role={role}]"
        page.fill(f"{form} input[name=signer_name]", name)
        _draw(page, form)
        page.click(f"{form} button[type=submit]")
        page.wait_for_selector(f"text={name} 已签名")
    assert inspection.signatures.count() == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.locator("#signatures").scroll_into_view_if_needed()
    shot(page, "inspection_signed_phone")
    # then the report link gives a PDF with the findings and both signatures
    response = page.request.get(page.base + page.get_attribute("#report-link", "href"))
    assert response.ok and response.body().startswith(b"%PDF")
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(response.body())
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "疏散指示灯不亮" in text and "王检查" in text and "赵校长" in text
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(SCREENSHOTS / "inspection_report_pdf")], check=True)
