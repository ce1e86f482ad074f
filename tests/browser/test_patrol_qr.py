"""A guard checks in at a patrol point by scanning its QR code with the phone camera in the browser (Chromium's
fake camera plays a picture of the printed code); a link without the code and a second scan inside the interval
are refused; the round shows as a timeline."""

from __future__ import annotations

from pathlib import Path

import pytest

from anxiao.core.testing import PASSWORD
from anxiao.inspections.models import PatrolCheckIn, PatrolPoint

from .conftest import CHROMIUM, PHONE, shot

pytestmark = [pytest.mark.browser, pytest.mark.one_pass, pytest.mark.django_db(transaction=True)]


def camera_video(text: str, path: Path) -> Path:
    """A Y4M video of the QR code for ``text``, as Chromium's fake camera plays it (grey frames: Y plane only)."""
    import io

    import segno
    from PIL import Image

    buf = io.BytesIO()
    segno.make(text, error="m").save(buf, kind="png", scale=8, border=4)
    code = Image.open(buf).convert("L")
    frame = Image.new("L", (640, 480), 255)
    side = min(400, code.width)
    frame.paste(code.resize((side, side)), ((640 - side) // 2, (480 - side) // 2))
    chroma = bytes([128]) * (320 * 240)
    with path.open("wb") as out:
        out.write(b"YUV4MPEG2 W640 H480 F10:1 Ip A1:1 C420jpeg\n")
        for _ in range(10):
            out.write(b"FRAME\n" + frame.tobytes() + chroma + chroma)
    return path


def _phone(playwright_browser, live_server, video: Path):  # type: ignore[no-untyped-def]
    # a second Chromium with the fake camera, launched by the session's Playwright (a second sync_playwright()
    # in the same process fails once another browser test has started the session's)
    p = None
    browser = playwright_browser.browser_type.launch(executable_path=CHROMIUM, args=[
        "--no-sandbox", "--disable-gpu", "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={video}"])
    ctx = browser.new_context(viewport=PHONE, locale="zh-CN", permissions=["camera"])
    page = ctx.new_page()
    page.set_default_timeout(20000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", "school_member")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    return p, browser, page


def test_a_check_in_takes_a_camera_scan_of_the_code_and_one_per_interval(browser, live_server, world, tmp_path):
    from anxiao.inspections.actions import checkin_path

    # given the school gate's patrol point with its printed code
    point = PatrolPoint.objects.create(unit=world.a1, name="校门口", location="南大门", min_interval_minutes=30)
    video = camera_video(f"{live_server.url}{checkin_path(point)}", tmp_path / "code.y4m")
    _p, phone_browser, page = _phone(browser, live_server, video)
    try:
        # when the guard follows the list's way without a scan: no check-in link, and the bare page refuses
        page.goto(f"{live_server.url}/inspections/points/")
        assert page.locator(f"a[href*='{point.token}']").count() == 0
        page.goto(f"{live_server.url}/inspections/points/{point.token}/")
        assert "扫描该点张贴的二维码" in page.inner_text("main")
        assert page.locator("button:has-text('打卡')").count() == 0
        # when the guard scans the code with the camera on the 扫码打卡 page
        page.goto(f"{live_server.url}/inspections/points/scan/")
        page.wait_for_url(f"**/inspections/points/{point.token}/?k=*")
        page.click("button:has-text('打卡')")
        page.wait_for_selector("text=校门口 已打卡")
        # then one check-in is recorded and the round shows it
        assert PatrolCheckIn.objects.filter(point=point).count() == 1
        assert "校门口" in page.inner_text("#round")
        shot(page, "patrol_round_phone")
        # when the guard scans again at once, it is refused inside the interval
        page.goto(f"{live_server.url}/inspections/points/scan/")
        page.wait_for_url(f"**/inspections/points/{point.token}/?k=*")
        page.click("button:has-text('打卡')")
        page.wait_for_selector("#code-error")
        assert "每 30 分钟只记一次打卡" in page.inner_text("#code-error")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        shot(page, "patrol_checkin_refused_phone")
        assert PatrolCheckIn.objects.filter(point=point).count() == 1
    finally:
        phone_browser.close()
