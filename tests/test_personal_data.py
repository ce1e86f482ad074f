"""Personal data (mobiles, e-mail, guards' licence numbers and birth dates) is shown in full only to the managers of
the record's unit and to the person themselves; every other role that may see the record sees it masked, in pages,
exports and the API alike (core.privacy)."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.test import Client

from anxiao.accounts.models import ApiToken

MOBILE, MASKED_MOBILE = "13812345678", "138****5678"
EMAIL = "zhangsan@example.cn"
LICENCE = "BA990121007"
# Managers of a1 (a write role over it) read it all; the read-only director and a homeroom teacher see it masked.
FULL = {"sysadmin", "bureau_admin", "school_admin"}
MASKED = {"bureau_viewer", "school_member"}


@pytest.fixture
def personal(world: Any) -> Any:
    from anxiao.staffing.models import Guard, SchoolProfile

    officer = world.people["a1_officer"]
    officer.mobile, officer.email = MOBILE, EMAIL
    officer.save()
    profile = SchoolProfile.objects.create(school=world.a1, students=600, staff=50)
    guard = Guard.objects.create(profile=profile, name="赵保安", company="平安保安公司", licence_no=LICENCE,
                                 birth_date=datetime.date(1980, 5, 17))
    return {"person": officer, "guard": guard}


def _pages(client: Client, personal: Any) -> str:
    person, guard = personal["person"], personal["guard"]
    out = []
    for url in ["/org/people/", f"/org/people/{person.pk}/", "/staffing/guards/", f"/staffing/guards/{guard.pk}/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        out.append(response.content.decode())
    return "\n".join(out)


def _api(client: Client, user: Any, personal: Any) -> str:
    _token, raw = ApiToken.issue(user)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    out = []
    for url in ["/api/v1/people", f"/api/v1/people/{personal['person'].pk}", "/api/v1/staffing/guards",
                f"/api/v1/staffing/guards/{personal['guard'].pk}"]:
        response = client.get(url, **headers)
        assert response.status_code == 200, url
        out.append(json.dumps(response.json(), ensure_ascii=False))
    return "\n".join(out)


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(FULL | MASKED))
def test_personal_data_in_full_only_for_managers_of_the_unit(world: Any, personal: Any, role: str) -> None:
    # given a person with a mobile and e-mail at a1, and a guard with a licence number
    client = Client()
    client.force_login(world.users[role])
    # when the role opens the pages and the API that show them
    shown = _pages(client, personal) + _api(client, world.users[role], personal)
    # then managers of a1 read them, everybody else sees them masked
    secrets = [MOBILE, EMAIL, LICENCE, "1980-05-17", "1980年5月17日"]
    if role in FULL:
        assert MOBILE in shown and EMAIL in shown and LICENCE in shown
    else:
        leaked = [s for s in secrets if s in shown]
        assert not leaked, f"{role} sees {leaked}"
        assert MASKED_MOBILE in shown and "z***@example.cn" in shown and "BA*******07" in shown
        assert "1980 年" in shown


@pytest.mark.django_db
def test_the_person_reads_their_own_mobile(world: Any, personal: Any) -> None:
    # given the homeroom teacher's own mobile
    teacher = world.people["a1_teacher"]
    teacher.mobile = "13900001111"
    teacher.save()
    client = Client()
    client.force_login(world.users["school_member"])
    # when they open their own record, then it is in full; a colleague's is masked
    page = client.get(f"/org/people/{teacher.pk}/").content.decode()
    assert "13900001111" in page
    assert MOBILE not in client.get(f"/org/people/{personal['person'].pk}/").content.decode()
