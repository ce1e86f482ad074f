"""What a role may not see in the pages: imports and personal-data exports are for the managers of a scope."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["bureau_viewer", "school_member"])
def test_read_only_roles_see_no_import_and_cannot_export_phones(as_user, world, role):
    world.people["a1_officer"].mobile = "13900005678"
    world.people["a1_officer"].save()
    client = as_user(role)
    page = client.get("/org/people/").content.decode()
    assert "/org/people/import/" not in page and "导入" not in page
    assert client.get("/org/people/export.xlsx").status_code == 403
    assert client.get("/org/people/print.xlsx").status_code == 403


def test_managers_import_and_export_the_people_they_manage(as_user, world):
    client = as_user("school_admin")
    page = client.get("/org/people/").content.decode()
    assert "导入" in page
    response = client.get("/org/people/export.xlsx")
    assert response.status_code == 200
