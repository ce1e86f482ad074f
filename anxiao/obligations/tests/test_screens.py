"""The bureau's obligation settings on the web: terms, backdating, reminders, heightened periods, rules."""

from __future__ import annotations

import pytest

from anxiao.obligations.models import HeightenedPeriod, ObligationRule, ObligationSettings


def _form(**override):  # type: ignore[no-untyped-def]
    data = {"spring_term_month": 2, "spring_term_day": 20, "autumn_term_month": 8, "autumn_term_day": 25,
            "backdate_days": 15, "remind_days": 5}
    data.update(override)
    return data


def test_a_bureau_sets_its_terms_and_windows_on_the_web(world, as_user) -> None:
    # when the bureau admin saves the settings form
    client = as_user("bureau_admin")
    response = client.post("/obligations/settings/new/", {"bureau": world.bureau_a.pk, **_form()})
    # then the bureau's calendar uses them
    conf = ObligationSettings.objects.get(bureau=world.bureau_a)
    assert response.status_code == 302
    assert (conf.terms.spring_start, conf.terms.autumn_start, conf.backdate_days, conf.remind_days) == (
        (2, 20), (8, 25), 15, 5)
    # and editing keeps the bureau and changes the numbers
    client.post(f"/obligations/settings/{conf.pk}/edit/", _form(backdate_days=7))
    conf.refresh_from_db()
    assert conf.backdate_days == 7 and conf.bureau_id == world.bureau_a.pk
    # and a second record for the same bureau is refused
    body = client.post("/obligations/settings/new/", {"bureau": world.bureau_a.pk, **_form()}).content.decode()
    assert "已存在" in body or "已有设置" in body


@pytest.mark.parametrize(("override", "message"), [
    ({"spring_term_month": 13}, "春季学期开始月应为 1–12"),
    ({"autumn_term_month": 2, "autumn_term_day": 30}, "2月没有30日"),
    ({"spring_term_month": 9, "spring_term_day": 1, "autumn_term_month": 2}, "秋季学期开始日期必须晚于春季学期开始日期"),
    ({"backdate_days": 400}, "允许补录天数应为 0–366"),
    ({"remind_days": 90}, "提前提醒天数应为 0–60"),
])
def test_impossible_settings_are_refused_in_words(world, as_user, override, message) -> None:
    response = as_user("bureau_admin").post("/obligations/settings/new/",
                                            {"bureau": world.bureau_a.pk, **_form(**override)})
    assert response.status_code == 200 and message in response.content.decode()
    assert not ObligationSettings.objects.exists()


def test_a_heightened_period_ending_before_it_starts_is_refused(world, as_user) -> None:
    response = as_user("bureau_admin").post("/obligations/heightened/new/", {
        "bureau": world.bureau_a.pk, "name": "国庆", "starts_on": "2026-10-07", "ends_on": "2026-10-01", "factor": 2})
    assert response.status_code == 200 and "结束日期不能早于开始日期" in response.content.decode()
    assert not HeightenedPeriod.objects.exists()


@pytest.mark.parametrize(("override", "field_message"), [
    ({"quota": 0}, "每周期至少次数必须大于 0"),
    ({"quota": 500}, "每周期至少次数不能超过 200"),
    ({"period": "week", "due_rule": "day_of_month", "due_day": 28}, "按日期截止的规则只适用于月"),
    ({"due_rule": "day_of_month", "due_day": 40}, "截止日应为 1–31 之间的日期"),
    ({"active_from": "2026-09-01", "active_until": "2026-03-01"}, "失效日期不能早于生效日期"),
])
def test_an_impossible_rule_is_refused_on_the_web(world, as_user, override, field_message) -> None:
    data = {"bureau": world.bureau_a.pk, "title": "每月消防演练", "activity_kind": "drill", "unit_kinds": "school",
            "scope": "own", "quota": 1, "period": "month", "due_rule": "end_of_period", "grace_days": 0,
            "enabled": "on"}
    data.update(override)
    response = as_user("bureau_admin").post("/obligations/rules/new/", data)
    assert response.status_code == 200 and field_message in response.content.decode()
    assert not ObligationRule.objects.filter(title="每月消防演练").exists()


def test_a_bureau_adds_and_switches_off_a_rule_on_the_web(world, as_user) -> None:
    client = as_user("bureau_admin")
    data = {"bureau": world.bureau_a.pk, "title": "每月消防演练", "activity_kind": "drill", "unit_kinds": "school",
            "scope": "own", "quota": 1, "period": "month", "due_rule": "end_of_period", "grace_days": 0,
            "enabled": "on"}
    assert client.post("/obligations/rules/new/", data).status_code == 302
    rule = ObligationRule.objects.get(title="每月消防演练")
    data.pop("enabled")
    assert client.post(f"/obligations/rules/{rule.pk}/edit/", {**data, "code": rule.code}).status_code == 302
    rule.refresh_from_db()
    assert not rule.enabled
