"""Each persona's home page shows its own work, and not another persona's sections (issue 19)."""

from __future__ import annotations

import re

import pytest

from anxiao.core.personas import personas_of

from .homes import EXPECTED, OWN, build

# Work anybody may have: a duty list or a letter of their own, a hazard of theirs to rectify or accept.
SHARED = {"#home-duties", "#home-hazard-work"}

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _section(html: str, sid: str) -> str:
    m = re.search(rf'<section[^>]*id="{sid[1:]}".*?</section>', html, re.S)
    return re.sub(r"<[^>]+>", "", m.group(0)) if m else ""


@pytest.mark.parametrize("who", list(EXPECTED))
def test_each_persona_sees_its_own_work_and_not_the_others_sections(client, world, who):
    # given one piece of work waiting for every persona
    users = build(world)
    # when the persona opens the home page
    client.force_login(users[who])
    html = client.get("/").content.decode()
    # then its own section shows its work
    sid, texts = EXPECTED[who]
    text = _section(html, sid)
    for t in texts:
        assert t in text, f"{who}: {t!r} not in {sid}: {text!r}"
    # and no section that belongs to another persona only is there
    for other, other_sid in OWN.items():
        if other_sid != sid and other_sid not in SHARED:
            assert f'id="{other_sid[1:]}"' not in html, f"{who} sees {other}'s {other_sid}"


def test_the_field_roles_do_not_get_the_leaders_figures(client, world):
    users = build(world)
    for who in ("school_member", "officer", "liaison"):
        client.force_login(users[who])
        html = client.get("/").content.decode()
        assert 'id="home-hazards"' not in html or who == "officer", who
        assert "风险四色分布（共" not in html or who == "officer", who
        assert "我的岗位" not in html, who


def test_personas_come_from_posts_then_grants(world):
    users = build(world)
    assert personas_of(users["school_member"]) == {"teacher"}
    assert personas_of(users["school_admin"]) == {"principal"}
    assert personas_of(users["deputy"]) == {"deputy"}
    assert personas_of(users["bureau_admin"]) == {"office"}
    assert personas_of(users["bureau_viewer"]) == {"director"}
    assert personas_of(users["chief"]) == {"chief"}
    assert personas_of(users["liaison"]) == {"liaison"}
    assert personas_of(users["sysadmin"]) == frozenset()
