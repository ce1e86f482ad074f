from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from anxiao.policies import actions
from anxiao.policies.loader import PACK_DIR, PackError, read_pack
from anxiao.policies.models import DutyTemplate, Policy


def _expected() -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for name in ("structure_s000_s001", "structure_s002_s004"):
        spec = importlib.util.spec_from_file_location(name, PACK_DIR / f"{name}.py")
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        out.update(module.EXPECTED)
    return out


EXPECTED = _expected()


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_it_loads_each_seed_pack_with_the_structure_of_its_document(db, code: str) -> None:
    # given the pack file of one seed document
    # when it is loaded
    policy, created = actions.load_builtin(code)
    # then every duty list of the document is there with exactly its number of duties
    assert created
    got = {dl.key: dl.duties.filter(is_current=True).count() for dl in policy.duty_lists.all()}
    assert got == EXPECTED[code]


def test_it_loads_the_national_pack_with_obligations(db) -> None:
    # given / when
    policy, _ = actions.load_builtin("national")
    # then
    assert policy.duty_lists.count() == 9
    assert DutyTemplate.objects.filter(duty_list__policy=policy).count() == 66
    assert policy.obligation_templates.count() == 50


def _bad_pack(tmp_path: Path, mutate) -> Path:  # type: ignore[no-untyped-def]
    import yaml

    data = yaml.safe_load((PACK_DIR / "s002.yaml").read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(("mutate", "message"), [
    (lambda d: d["duty_lists"][0]["duties"][0].update(clause="九.9"), "条款“九.9”在 clauses 中不存在"),
    (lambda d: d["duty_lists"][0].update(post_kinds=["headmaster"]), "“headmaster”不是有效的岗位类别代码"),
    (lambda d: d["duty_lists"][1].update(key=d["duty_lists"][0]["key"]), "重复"),
    (lambda d: d["obligations"][0].update(period="fortnight"), "period：“fortnight”不是有效的周期代码"),
    (lambda d: d["obligations"][0].update(quota=0), "quota：应为正整数"),
    (lambda d: d.pop("clauses"), "缺少必填字段 clauses"),
    (lambda d: d["duty_lists"][0]["duties"][0].update(category="other"), "category：应为 business"),
    (lambda d: d["obligations"][0].update(same_as="nowhere.rule", enabled=False), "same_as：义务“nowhere.rule”不在本规则包中"),
    (lambda d: d["obligations"][0].update(same_as=d["obligations"][1]["code"]), "same_as：与另一项义务相同的条目应停用"),
])
def test_it_refuses_a_malformed_pack_and_writes_nothing(db, tmp_path, mutate, message) -> None:  # type: ignore[no-untyped-def]
    # given a pack file with one mistake
    path = _bad_pack(tmp_path, mutate)
    # when it is loaded
    with pytest.raises(PackError) as exc:
        actions.load_builtin(path)
    # then the message names the problem and nothing was written
    assert message in str(exc.value)
    assert "bad.yaml" in str(exc.value)
    assert not Policy.objects.exists()


def test_it_refuses_a_pack_that_is_not_yaml(db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    # given
    path = tmp_path / "broken.yaml"
    path.write_text("code: x\nclauses: [\n", encoding="utf-8")
    # when
    with pytest.raises(PackError) as exc:
        read_pack(path)
    # then
    assert "YAML 格式错误" in str(exc.value)


def test_it_lists_and_loads_packs_from_the_command_line(db, capsys) -> None:  # type: ignore[no-untyped-def]
    # given / when
    call_command("policy", "list")
    call_command("policy", "load", "s003")
    # then
    out = capsys.readouterr().out
    assert "s000" in out and "清单 20，职责 107" in out
    assert Policy.objects.filter(code="s003", bureau__isnull=True).exists()


def test_it_adopts_a_pack_for_a_bureau_from_the_command_line(world, capsys) -> None:  # type: ignore[no-untyped-def]
    # given
    world.bureau_a.code = "B01"
    world.bureau_a.save()
    # when
    call_command("policy", "load", "s002", "--bureau", "B01")
    # then
    assert Policy.objects.filter(code="s002", bureau=world.bureau_a).exists()
    assert Policy.objects.filter(code="s002", bureau__isnull=True).exists()


def test_it_reports_a_malformed_pack_on_the_command_line(db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    # given
    path = _bad_pack(tmp_path, lambda d: d["duty_lists"][0].update(unit_kind="ministry"))
    # when / then
    with pytest.raises(CommandError, match="unit_kind：“ministry”不是有效的单位类型代码"):
        call_command("policy", "load", str(path))
    assert not Policy.objects.exists()
