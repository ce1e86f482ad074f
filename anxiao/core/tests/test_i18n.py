import pytest

pytestmark = pytest.mark.django_db


def test_the_interface_is_chinese_by_default_and_english_on_request(as_user, world):
    client = as_user("school_admin")
    assert "单位" in client.get("/org/units/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/org/units/"})
    body = client.get("/org/units/").content.decode()
    assert "Units" in body and "Log out" in body and "Junior secondary" in body
