"""The menu offers what the role can use (issue 19): an entry is shown only when the page's own permission check
(the function its view uses) lets the user in, and only to the personas whose work it is."""

from __future__ import annotations

import re

import pytest
from django.test import RequestFactory

from anxiao.core.navigation import _ENTRIES, menu_for

pytestmark = pytest.mark.django_db


def _menu(user) -> list[str]:  # type: ignore[no-untyped-def]
    request = RequestFactory().get("/")
    request.user = user
    return [item["url_name"] for item in menu_for(request)]


@pytest.mark.parametrize("role", ["sysadmin", "bureau_admin", "bureau_viewer", "school_admin", "school_member"])
def test_every_entry_shown_opens_and_every_entry_refused_is_hidden(client, world, role):
    user = world.users[role]
    shown = _menu(user)
    client.force_login(user)
    for url_name in shown:
        from django.urls import reverse

        response = client.get(reverse(url_name), follow=True)  # a shortcut may redirect to the user's own page
        assert response.status_code == 200, f"{role} is offered {url_name} but gets {response.status_code}"
        assert all("/accounts/login/" not in url for url, _status in response.redirect_chain), url_name
    for entry in _ENTRIES:
        if entry.needs is not None and not entry.needs(user):
            assert entry.url_name not in shown, f"{role} is offered {entry.url_name} which it may not use"


@pytest.mark.parametrize("role", ["bureau_viewer", "school_member"])
def test_a_page_the_menu_hides_for_want_of_right_is_refused_by_url(client, world, role):
    """The converse: an entry hidden because its check says no is a page that says no, list and records alike
    (the settings pages of drills, risks and staffing opened read-only to every member by URL)."""
    from django.urls import reverse

    from anxiao.drills.models import DrillSettings
    from anxiao.risks.models import RiskSettings
    from anxiao.staffing.models import StaffingSettings

    user = world.users[role]
    client.force_login(user)
    for entry in _ENTRIES:
        if entry.needs is not None and not entry.needs(user):
            assert client.get(reverse(entry.url_name)).status_code == 403, f"{role} opens {entry.url_name} by URL"
    records = {"drills": DrillSettings.objects.create(unit=world.a1),
               "risks": RiskSettings.objects.create(bureau=world.bureau_a),
               "staffing": StaffingSettings.objects.create(bureau=world.bureau_a)}
    for app, obj in records.items():
        for name, args in (("settings_detail", [obj.pk]), ("settings_edit", [obj.pk]), ("settings_create", [])):
            assert client.get(reverse(f"{app}:{name}", args=args)).status_code == 403, f"{role} opens {app}:{name}"


def test_the_read_only_director_is_offered_no_managers_page(world):
    shown = _menu(world.users["bureau_viewer"])
    for url_name in ("core:audit_list", "accounts:grant_list", "drills:settings_list", "risks:settings_list",
                     "documents:template_list", "notifications:outbox"):
        assert url_name not in shown
    assert "reports:dashboard" in shown


def test_the_homeroom_teacher_gets_a_short_menu_of_their_own_work(world):
    shown = _menu(world.users["school_member"])
    for url_name in ("obligations:my_work", "responsibility:my_duties", "education:mine", "drills:drill_list",
                     "hazards:hazard_list"):
        assert url_name in shown
    for url_name in ("org:region_list", "org:assignment_list", "accounts:grant_list", "core:audit_list",
                     "reports:dashboard", "policies:policy_list", "chiefs:meeting_list"):
        assert url_name not in shown
    assert len(shown) <= 15, shown


def test_the_menu_on_a_page_is_the_users_menu(client, world):
    client.force_login(world.users["school_member"])
    html = client.get("/").content.decode()
    assert "/org/regions/" not in html and "/accounts/grants/" not in html
    assert re.search(r'href="/responsibility/my/"', html)
