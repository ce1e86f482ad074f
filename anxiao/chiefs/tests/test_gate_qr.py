"""The school gate's sign-in needs the gate's own QR code, scanned at the gate: the proof of presence of patrol
points (``inspections.actions.prove_presence``), one mechanism for both (issue 19)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from anxiao.chiefs import actions
from anxiao.chiefs.models import GateCheckIn
from anxiao.core.testing import refused
from anxiao.inspections import actions as inspections

from .fixtures import chiefs_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def c(world):
    return chiefs_world(world)


def _slot_today(world, c):  # type: ignore[no-untyped-def]
    return c.duties[timezone.localdate().weekday()]


def test_a_rostered_slot_gives_the_school_its_gate_code(world):
    # when a school's first gate duty is rostered
    actions.save_duty(None, None, school=world.a2, person=world.people["a2_principal"], weekday=0,
                      starts_at=datetime.time(7, 0), ends_at=datetime.time(8, 0), role="school")
    # then the school has a gate point whose QR opens the gate sign-in with its secret
    gate = inspections.gate_point(None, world.a2)
    assert gate.gate and gate.unit == world.a2
    assert inspections.checkin_path(gate) == f"/chiefs/gate/{world.a2.pk}/?k={gate.secret}"


def test_a_sign_in_needs_the_gates_code_and_a_rotated_code_no_longer_signs_in(world, c):
    user = world.users["school_admin"]
    slot = _slot_today(world, c)
    # without a code (a button in a list is not a scan) it is refused, and nothing is written
    with refused("code") as exc:
        actions.check_in(user, slot)
    assert "扫描校门张贴的二维码" in exc.value.message_dict["code"][0]
    # a patrol point's code is not the gate's
    point = inspections.save_point(None, None, unit=world.a1, name="配电房")
    with refused("code") as exc:
        actions.check_in(user, slot, code=point.secret)
    assert "二维码无效或已更换" in exc.value.message_dict["code"][0]
    assert not GateCheckIn.objects.exists()
    # a leaked printed code is replaced: the old code is refused, the new one signs in
    old = c.gate.secret
    inspections.rotate_secret(None, c.gate)
    with refused("code"):
        actions.check_in(user, slot, code=old)
    actions.check_in(user, slot, code=c.gate.secret)
    assert GateCheckIn.objects.filter(duty=slot).count() == 1


def test_a_school_without_a_gate_code_says_how_to_get_one(world, c):
    c.gate.is_active = False
    c.gate.save()
    with refused("code") as exc:
        actions.check_in(world.users["school_admin"], _slot_today(world, c), code="x")
    assert "添加校门" in exc.value.message_dict["code"][0]


def test_the_gate_page_signs_in_only_with_the_scanned_code(client, world, c):
    client.force_login(world.users["school_admin"])
    url = reverse("chiefs:gate_scan", args=[world.a1.pk])
    # opened from a link (no code): it asks for the scan and offers no sign-in
    page = client.get(url).content.decode()
    assert "请在校门现场扫码" in page and "到岗签到" not in page
    # a post without the code is refused at the code
    answer = client.post(url, {"duty": _slot_today(world, c).pk})
    assert answer.status_code == 200 and "扫描校门张贴的二维码" in answer.content.decode()
    # opened by the scan (the code's address): it signs in
    page = client.get(f"{url}?k={c.gate.secret}").content.decode()
    assert "到岗签到" in page
    assert client.post(url, {"duty": _slot_today(world, c).pk, "code": c.gate.secret}).status_code == 302
    assert GateCheckIn.objects.filter(duty=_slot_today(world, c)).exists()


def test_only_the_schools_managers_print_the_gate_code(client, world, c):
    client.force_login(world.users["school_member"])
    assert client.get(reverse("chiefs:gate_qr", args=[world.a1.pk])).status_code == 403
    client.force_login(world.users["school_admin"])
    sheet = client.get(reverse("chiefs:gate_qr", args=[world.a1.pk]))
    assert sheet.status_code == 200 and sheet.content.startswith(b"%PDF")


def test_the_gate_keeps_its_check_in_interval_as_a_patrol_point_does(world, c):
    from anxiao.chiefs.models import GateDuty

    # given a person rostered twice at the gate the same day (two slots), and the gate's 30-minute interval
    user = world.users["school_admin"]
    first = _slot_today(world, c)
    second = GateDuty.objects.create(school=world.a1, person=world.people["a1_principal"], weekday=first.weekday,
                                     starts_at=datetime.time(0, 0), ends_at=datetime.time(23, 59, 59), role="police")
    at = timezone.localtime().replace(hour=7, minute=25, second=0, microsecond=0)
    actions.check_in(user, first, now=at, code=c.gate.secret)
    # when the same person scans the gate again ten minutes later for the other slot, it is refused, naming when
    with refused("code") as exc:
        actions.check_in(user, second, now=at + datetime.timedelta(minutes=10), code=c.gate.secret)
    assert "每 30 分钟只记一次签到" in exc.value.message_dict["code"][0] and "07:55 以后" in exc.value.message_dict["code"][0]
    # and once the interval has passed it signs in
    actions.check_in(user, second, now=at + datetime.timedelta(minutes=31), code=c.gate.secret)
    assert GateCheckIn.objects.filter(person=world.people["a1_principal"]).count() == 2
    # the interval is the gate point's own setting
    type(c.gate).objects.filter(pk=c.gate.pk).update(min_interval_minutes=0)
    GateCheckIn.objects.filter(duty=second).delete()
    actions.check_in(user, second, now=at + datetime.timedelta(minutes=1), code=c.gate.secret)

