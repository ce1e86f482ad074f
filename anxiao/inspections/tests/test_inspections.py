from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from anxiao.core.testing import refused
from anxiao.hazards.models import Hazard
from anxiao.inspections import actions
from anxiao.inspections.models import Checklist, Inspection, ItemResult, MemberRole, PatrolPoint

pytestmark = pytest.mark.django_db


@pytest.fixture
def checklist(world):
    return actions.load_checklist()[0]


def answer_all(user, inspection, outcome="pass"):  # type: ignore[no-untyped-def]
    """Answer every item of an inspection (a complete record), as the phone form would."""
    items = [i for s in actions.progress(inspection).sections for i, r in s.rows if r is None]
    actions.record_results(user, inspection, [{"item_code": i.code, "outcome": outcome} for i in items])


def test_it_loads_the_national_library_once(world):
    # given the national YAML
    # when it is loaded twice
    first, created = actions.load_checklist()
    again, created_again = actions.load_checklist()
    # then there is one checklist with 129 items in 13 categories
    assert created and not created_again and first.pk == again.pk
    assert first.items.count() == 129
    assert first.items.values("category").distinct().count() == 13
    assert Checklist.objects.count() == 1


def test_it_refuses_a_cross_inspector_from_the_unit_or_its_baobao(world, checklist):
    for person in (world.people["a1_teacher"], world.people["dept_head"]):
        with pytest.raises(ValidationError) as exc:
            actions.start_inspection(world.users["bureau_admin"], unit=world.a1, kind="cross",
                                     inspecting_unit=world.a2, members=[{"person": person}])
        assert person.name in exc.value.message_dict["members"][0]
    ok = actions.start_inspection(world.users["bureau_admin"], unit=world.a1, kind="cross", inspecting_unit=world.a2,
                                  members=[{"person": world.people["a2_principal"]}])
    assert ok.pk


def test_an_expert_team_needs_an_official_and_an_expert(world, checklist):
    with pytest.raises(ValidationError) as exc:
        actions.start_inspection(world.users["bureau_admin"], unit=world.a1, kind="expert",
                                 inspecting_unit=world.bureau_a, members=[{"name": "李工", "role": MemberRole.EXPERT}])
    assert "监管干部" in exc.value.message_dict["members"][0]
    actions.start_inspection(world.users["bureau_admin"], unit=world.a1, kind="expert", inspecting_unit=world.bureau_a,
                             members=[{"name": "李工", "role": MemberRole.EXPERT},
                                      {"person": world.people["dept_head"], "role": MemberRole.OFFICIAL}])


def test_an_unannounced_inspection_is_hidden_from_the_school_until_done(world, checklist):
    # given an unannounced inspection of a1 by the bureau
    inspection = actions.start_inspection(world.users["bureau_admin"], unit=world.a1, kind="unannounced",
                                          inspecting_unit=world.bureau_a)
    # then the school does not see it, the bureau does
    assert not Inspection.objects.visible_to(world.users["school_admin"]).filter(pk=inspection.pk).exists()
    assert Inspection.objects.visible_to(world.users["bureau_admin"]).filter(pk=inspection.pk).exists()
    # when it is done the school sees it
    answer_all(world.users["bureau_admin"], inspection)
    actions.complete_inspection(world.users["bureau_admin"], inspection)
    assert Inspection.objects.visible_to(world.users["school_admin"]).filter(pk=inspection.pk).exists()


def test_a_failed_major_item_becomes_a_major_hazard_in_one_step(world, checklist):
    # given a failed XF-01 (major in the library) and a failed GL-01 (general)
    inspection = actions.start_inspection(world.users["school_admin"], unit=world.a1, kind="half_monthly")
    major, general = actions.record_results(world.users["school_admin"], inspection, [
        {"item_code": "XF-01", "outcome": "fail", "note": "责任未落实"},
        {"item_code": "GL-01", "outcome": "fail", "note": "无正式文件"}])
    # when each is turned into a hazard (twice: idempotent)
    h1 = actions.fail_to_hazard(world.users["school_admin"], major)
    assert actions.fail_to_hazard(world.users["school_admin"], major).pk == h1.pk
    h2 = actions.fail_to_hazard(world.users["school_admin"], general)
    # then the grades follow the library and the hazard links back
    assert (h1.grade, h2.grade) == ("major", "general")
    assert h1.item_code == "XF-01" and h1.inspection_id == inspection.pk and h1.category == "XF"
    assert Hazard.objects.count() == 2


def test_re_submitting_the_phone_form_creates_no_duplicates(world, checklist):
    uuid = actions.new_uuid()
    first = actions.start_inspection(world.users["school_admin"], unit=world.a1, kind="daily_patrol", client_uuid=uuid)
    again = actions.start_inspection(world.users["school_admin"], unit=world.a1, kind="daily_patrol", client_uuid=uuid)
    assert first.pk == again.pk
    for _ in range(2):
        actions.record_results(world.users["school_admin"], first, [{"item_code": "GL-01", "outcome": "pass"}])
    assert ItemResult.objects.filter(inspection=first).count() == 1


def test_a_failed_item_needs_a_note(world, checklist):
    inspection = actions.start_inspection(world.users["school_admin"], unit=world.a1, kind="half_monthly")
    with pytest.raises(ValidationError) as exc:
        actions.record_results(world.users["school_admin"], inspection, [{"item_code": "GL-01", "outcome": "fail"}])
    assert "请写明问题" in exc.value.message_dict["results"][0]


def test_patrol_check_ins_are_counted_per_point_and_day(world):
    import datetime

    from django.utils import timezone

    point = PatrolPoint.objects.create(unit=world.a1, name="校门口")
    uuid = actions.new_uuid()
    # yesterday 08:00 and 09:00 Beijing time: both on one local day whatever the hour the test runs
    day = timezone.localdate() - datetime.timedelta(days=1)
    early = timezone.make_aware(datetime.datetime.combine(day, datetime.time(8)))
    actions.check_in(world.users["school_member"], point, code=point.secret, client_uuid=uuid, at=early)
    actions.check_in(world.users["school_member"], point, code=point.secret, client_uuid=uuid, at=early)
    actions.check_in(world.users["school_member"], point, code=point.secret, at=early + datetime.timedelta(hours=1))
    assert actions.daily_counts([point], day) == {point.pk: 2}


def test_a_check_in_needs_the_points_current_code_and_one_per_interval(as_user, world):
    import datetime

    from django.utils import timezone

    # given a point checked in with its code at 08:00, interval 30 minutes
    guard = world.users["school_member"]
    point = PatrolPoint.objects.create(unit=world.a1, name="校门口", min_interval_minutes=30)
    eight = timezone.now() - datetime.timedelta(hours=2)
    actions.check_in(guard, point, code=point.secret, at=eight)
    # when somebody checks in from the list without a scan, or with a wrong code
    for code, message in (("", "扫描该点的二维码"), ("guess", "二维码无效或已更换")):
        with pytest.raises(ValidationError) as exc:
            actions.check_in(guard, point, code=code, at=eight + datetime.timedelta(hours=1))
        assert message in exc.value.message_dict["code"][0]
    # when the code is scanned again ten minutes later
    with pytest.raises(ValidationError) as exc:
        actions.check_in(guard, point, code=point.secret, at=eight + datetime.timedelta(minutes=10))
    assert "每 30 分钟只记一次打卡" in exc.value.message_dict["code"][0]
    # then only one check-in stands; after the interval the next is accepted
    actions.check_in(guard, point, code=point.secret, at=eight + datetime.timedelta(minutes=31))
    assert point.checkins.count() == 2
    # when the printed code leaks and the school rotates it, the old code no longer checks in
    old = point.secret
    actions.rotate_secret(world.users["school_admin"], point)
    with refused("code"):
        actions.check_in(guard, point, code=old)
    # and the list offers no check-in link; the scanned page without its code refuses
    client = as_user("school_member")
    assert f"/inspections/points/{point.token}/" not in client.get("/inspections/points/").content.decode()
    page = client.post(f"/inspections/points/{point.token}/", {"normal": "1"}).content.decode()
    assert "扫描该点张贴的二维码" in page and point.checkins.count() == 2
    # and the guard cannot print the codes (only who manages the points can)
    assert point.secret not in client.get("/inspections/points/print/").content.decode()
    assert point.secret in as_user("school_admin").get("/inspections/points/print/").content.decode()


def test_the_phone_form_posts_results_and_fail_becomes_hazard(as_user, world, checklist):
    client = as_user("school_admin")
    inspection = actions.start_inspection(world.users["school_admin"], unit=world.a1, kind="half_monthly")
    response = client.post(f"/inspections/{inspection.pk}/submit/",
                           {"outcome_XF-12": "fail", "note_XF-12": "指示灯不亮", "outcome_GL-01": "pass"})
    assert response.status_code == 302
    result = ItemResult.objects.get(inspection=inspection, item_code="XF-12")
    response = client.post(f"/inspections/results/{result.pk}/hazard/")
    hazard = Hazard.objects.get(item_result=result)
    assert response.status_code == 302 and response["Location"] == f"/hazards/{hazard.pk}/"
    assert "指示灯不亮" in client.get(f"/inspections/{inspection.pk}/").content.decode()


def test_the_point_sheet_has_qr_codes_as_html_and_pdf(as_user, world):
    PatrolPoint.objects.create(unit=world.a1, name="校门口")
    client = as_user("school_admin")
    assert "<svg" in client.get("/inspections/points/print/").content.decode()
    response = client.get("/inspections/points/print/?format=pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_the_patrol_points_print_as_one_a4_poster_each_in_an_embedded_chinese_font(as_user, world):
    """Issue 20: one poster per point (they were six small cards a page), A4, the Chinese text in the embedded CJK
    font: the school, the point, its place, the QR code and what to do."""
    from anxiao.documents.tests.checks import pdf_info

    names = ["校门口", "实验楼危化品室", "学生宿舍一楼"]
    for n, name in enumerate(names):
        PatrolPoint.objects.create(unit=world.a1, name=name, location=f"第{n + 1}号位置", key_area=n == 1)
    response = as_user("school_admin").get(f"/inspections/points/print/?format=pdf&unit={world.a1.pk}")
    assert response.status_code == 200
    info = pdf_info(response.content)
    assert len(info["sizes"]) == len(names), "one page per point"
    assert all((round(w), round(h)) == (595, 842) for w, h in info["sizes"]), "A4 portrait"
    assert info["fonts"] and all(row[-5:-2].count("yes") >= 1 for row in info["fonts"]), info["fonts"]
    assert all("CJK" in row[0] or "Hei" in row[0] or "Ming" in row[0] for row in info["fonts"]), info["fonts"]
    printed = {}
    for page in info["pages"]:
        text = "".join(page.split())
        n, name = next((n, name) for n, name in enumerate(names) if name in text)
        printed[name] = text
        assert world.a1.name in text and f"第{n + 1}号位置" in text, text
        assert "扫码打卡" in text and "/inspections/points/" in text
        assert ("每日巡查不少于" in text) == (n == 1)
    assert sorted(printed) == sorted(names), "each point on its own page"


def test_a_completed_inspection_counts_as_an_activity(world, checklist):
    from anxiao.obligations.models import Activity

    inspection = actions.start_inspection(world.users["school_admin"], unit=world.a1, kind="half_monthly")
    answer_all(world.users["school_admin"], inspection)
    actions.complete_inspection(world.users["school_admin"], inspection, "无问题")
    actions.complete_inspection(world.users["school_admin"], inspection, "无问题")
    activity = Activity.objects.get(unit=world.a1)
    assert activity.kind == "inspection" and "无问题" in activity.notes


def test_re_submitting_the_same_photo_keeps_it_once(world, checklist):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from anxiao.inspections.models import ResultPhoto

    buf = io.BytesIO()
    Image.new("RGB", (20, 20), (9, 9, 9)).save(buf, format="PNG")
    inspection = actions.start_inspection(world.users["school_admin"], unit=world.a1, kind="half_monthly")
    for _ in range(2):
        photo = SimpleUploadedFile("p.png", buf.getvalue(), content_type="image/png")
        actions.record_results(world.users["school_admin"], inspection,
                               [{"item_code": "GL-01", "outcome": "fail", "note": "无文件"}], photos={"GL-01": [photo]})
    assert ResultPhoto.objects.count() == 1


def _form_defaults(html: str, action: str) -> dict[str, str]:
    """What a browser would post from the hazard page's form for ``action`` if the user changed nothing."""
    from html.parser import HTMLParser

    class Parser(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.inside, self.select = False, ""
            self.values: dict[str, str] = {}
            self.first: dict[str, str] = {}

        def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
            a = dict(attrs)
            if tag == "form":
                self.inside = a.get("data-action") == action
            elif not self.inside:
                return
            elif tag in ("input", "textarea") and a.get("name") and a.get("type") != "file":
                self.values[a["name"]] = a.get("value") or ""
            elif tag == "select":
                self.select = a.get("name") or ""
            elif tag == "option" and self.select:
                self.first.setdefault(self.select, a.get("value") or "")
                if "selected" in a:
                    self.values[self.select] = a.get("value") or ""

        def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
            if tag == "form":
                self.inside = False
            elif tag == "select":
                self.values.setdefault(self.select, self.first.get(self.select, ""))
                self.select = ""

    parser = Parser()
    parser.feed(html)
    return parser.values


def test_a_failed_item_registered_as_is_keeps_its_category_and_photo(as_user, world, checklist):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    # given a failed fire-safety item with a photo, turned into a hazard from the inspection page
    client = as_user("school_admin")
    inspection = actions.start_inspection(world.users["school_admin"], unit=world.a1, kind="half_monthly")
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 10, 10)).save(buf, format="PNG")
    client.post(f"/inspections/{inspection.pk}/submit/", {
        "outcome_XF-12": "fail", "note_XF-12": "疏散指示灯不亮",
        "photo_XF-12": SimpleUploadedFile("lamp.png", buf.getvalue(), content_type="image/png")})
    result = ItemResult.objects.get(inspection=inspection, item_code="XF-12")
    client.post(f"/inspections/results/{result.pk}/hazard/")
    hazard = Hazard.objects.get(item_result=result)
    # then the hazard carries the item's category, note and photo
    assert hazard.category == "XF" and "疏散指示灯不亮" in hazard.description
    assert hazard.photos.count() == 1
    # when the 登记 form is submitted as the page offers it
    page = client.get(f"/hazards/{hazard.pk}/").content.decode()
    data = _form_defaults(page, "register")
    assert data.get("action") == "register"
    client.post(f"/hazards/{hazard.pk}/transition/", data)
    # then it is registered and still XF with its description and photo
    hazard.refresh_from_db()
    assert hazard.status == "registered"
    assert hazard.category == "XF" and "疏散指示灯不亮" in hazard.description
    assert hazard.photos.count() == 1


def test_an_inspection_is_shown_by_section_with_progress_and_cannot_complete_with_a_required_item_open(
        as_user, world, checklist):
    # given a half-monthly inspection of the fire and security sections
    admin = world.users["school_admin"]
    inspection = actions.start_inspection(admin, unit=world.a1, kind="half_monthly", categories=["XF", "AB"])
    progress = actions.progress(inspection)
    assert [s.code for s in progress.sections] == ["XF", "AB"]
    assert progress.answered == 0 and progress.required == progress.total > 0
    # when all but one item are answered
    first, *rest = [i for s in progress.sections for i, _r in s.rows]
    actions.record_results(admin, inspection, [{"item_code": i.code, "outcome": "pass"} for i in rest])
    # then completing is refused, naming the open item, and nothing is marked done
    with pytest.raises(ValidationError) as exc:
        actions.complete_inspection(admin, inspection, "完成")
    assert first.code in str(exc.value) and "必查项" in str(exc.value)
    inspection.refresh_from_db()
    assert inspection.status != "done"
    # and the page shows the sections with their progress and the refusal
    client = as_user("school_admin")
    response = client.post(f"/inspections/{inspection.pk}/submit/", {"complete": "1", "submission": "abc"},
                           follow=True)
    page = response.content.decode()
    assert "还有 1 项必查项未填写" in page and "XF 消防安全" in page and "本节未填项全部合格" in page
    assert f"必查项 <span id=\"required-answered\">{progress.total - 1}</span> / {progress.total}" in page
    # when the last item is answered, it completes
    actions.record_results(admin, inspection, [{"item_code": first.code, "outcome": "na"}])
    assert actions.complete_inspection(admin, inspection, "完成").status == "done"


def test_na_only_where_the_item_allows_it_and_scores_per_section(world, checklist):
    # given a bureau checklist whose items carry points, one of which does not allow 不适用
    admin = world.users["bureau_admin"]
    own = actions.create_checklist(admin, bureau=world.bureau_a, code="SCORE", title="评分检查表")
    actions.save_item(admin, own, code="XF-A1", category="XF", text="灭火器在有效期内", points=10, allow_na=False)
    actions.save_item(admin, own, code="XF-A2", category="XF", text="疏散通道畅通", points=10)
    actions.save_item(admin, own, code="AB-A1", category="AB", text="门卫登记", points=5, required=False)
    inspection = actions.start_inspection(admin, unit=world.a1, kind="half_monthly", checklist=own)
    # when 不适用 is given for the item that does not allow it
    with pytest.raises(ValidationError) as exc:
        actions.record_results(admin, inspection, [{"item_code": "XF-A1", "outcome": "na"}])
    assert "XF-A1 不能选“不适用”" in str(exc.value)
    # when one passes and one fails
    actions.record_results(admin, inspection, [{"item_code": "XF-A1", "outcome": "pass"},
                                               {"item_code": "XF-A2", "outcome": "fail", "note": "堆放杂物"}])
    progress = actions.progress(inspection)
    # then the fire section scores 50, the overall score counts only answered items, and the optional item
    # does not block completion
    assert progress.scored and [s.score for s in progress.sections] == [50, None]
    assert progress.score == 50 and progress.required == 2 and not progress.missing()
    assert actions.complete_inspection(admin, inspection).status == "done"


def _pdf_text(content: bytes, tmp_path) -> str:  # type: ignore[no-untyped-def]
    import subprocess

    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_the_report_pdf_has_items_findings_photos_and_both_signatures(as_user, world, checklist, tmp_path):
    from anxiao.inspections.tests.matrix import SIGNATURE

    # given a completed inspection with a failure turned into a hazard, signed by both sides
    admin = world.users["school_admin"]
    inspection = actions.start_inspection(admin, unit=world.a1, kind="half_monthly", categories=["XF"])
    answer_all(admin, inspection)
    actions.record_results(admin, inspection, [{"item_code": "XF-12", "outcome": "fail", "note": "疏散指示灯不亮"}])
    hazard = actions.fail_to_hazard(admin, ItemResult.objects.get(inspection=inspection, item_code="XF-12"))
    actions.complete_inspection(admin, inspection, "总体良好")
    client = as_user("school_admin")
    client.post(f"/inspections/{inspection.pk}/sign/", {"role": "inspector", "signer_name": "王检查",
                                                        "signature": SIGNATURE})
    client.post(f"/inspections/{inspection.pk}/sign/", {"role": "representative", "signer_name": "赵校长",
                                                        "signature": SIGNATURE})
    # a second signature for the same side, or one without a drawing, is refused
    with refused("role"):
        actions.sign(admin, inspection, role="inspector", name="别人", image=SIGNATURE)
    with pytest.raises(ValidationError) as exc:
        actions.sign(admin, inspection, role="representative", name="别人", image="")
    assert "signature" in exc.value.message_dict
    assert inspection.signatures.count() == 2
    # when the report is downloaded
    response = client.get(f"/inspections/{inspection.pk}/report.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    text = _pdf_text(response.content, tmp_path)
    # then it reads in Chinese: the unit, the section, the finding with its hazard, the conclusion, both signers
    for expected in ("新华中学", "XF 消防安全", "疏散指示灯不亮", hazard.number, "总体良好", "王检查", "赵校长",
                     "受检单位代表"):
        assert expected in text, expected
    # and somebody outside the school cannot download it
    assert as_user("outsider").get(f"/inspections/{inspection.pk}/report.pdf").status_code == 404


def test_a_bureau_report_waits_for_the_schools_signature_on_the_list_and_the_principals_home(as_user, world,
                                                                                           checklist):
    from anxiao.inspections.filters import InspectionFilter
    from anxiao.inspections.tests.matrix import SIGNATURE

    # given a supervision of the school by the bureau, completed and signed by the inspector only
    bureau, admin = world.users["bureau_admin"], world.users["school_admin"]
    inspection = actions.start_inspection(bureau, unit=world.a1, kind="bureau_supervision",
                                          inspecting_unit=world.bureau_a, title="秋季开学督查")
    answer_all(bureau, inspection)
    actions.complete_inspection(bureau, inspection)
    actions.sign(bureau, inspection, role="inspector", name="王督学", image=SIGNATURE)
    # then it waits for the inspected unit's representative: on the list's 待签名 filter and the principal's home
    def waiting() -> list[Inspection]:
        return list(InspectionFilter.parse({"unsigned": "representative"}).apply(Inspection.objects.visible_to(admin)))

    assert waiting() == [inspection]
    assert not InspectionFilter.parse({"unsigned": "inspector"}).apply(Inspection.objects.visible_to(admin)).exists()
    client = as_user("school_admin")
    home = client.get("/").content.decode()
    assert "检查报告待受检单位签名（1）" in home and "秋季开学督查" in home
    assert "/inspections/?unsigned=representative" in home
    # and the principal may sign as the representative in their own account, never as the inspector
    page = client.get(f"/inspections/{inspection.pk}/").content.decode()
    assert 'data-role="representative"' in page and 'data-role="inspector"' not in page
    with pytest.raises(PermissionDenied):
        actions.sign(admin, inspection, role="inspector", name="赵校长", image=SIGNATURE)
    client.post(f"/inspections/{inspection.pk}/sign/", {"role": "representative", "signer_name": "赵校长",
                                                        "signature": SIGNATURE})
    # after which nothing waits any more
    assert inspection.signatures.get(role="representative").signer_name == "赵校长" and waiting() == []
    assert "检查报告待受检单位签名" not in client.get("/").content.decode()
    # and another school's principal may not sign for this one
    with pytest.raises(PermissionDenied):
        actions.sign(world.users["outsider"], inspection, role="representative", name="外人", image=SIGNATURE)
