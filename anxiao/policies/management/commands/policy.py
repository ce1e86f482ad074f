from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from anxiao.core.choices import UnitKind
from anxiao.core.context import acting_as


class Command(BaseCommand):
    help = "内置制度规则包：list 列出，load <规则包> [--bureau 单位编号或代码] 载入（并由教育局采用）"

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="列出内置规则包及其规模")
        load = sub.add_parser("load", help="校验并载入规则包；加 --bureau 时由该教育局采用")
        load.add_argument("pack", help="规则包代码（如 s000）或 YAML 文件路径")
        load.add_argument("--bureau", help="采用的教育局：单位编号或单位代码")
        load.add_argument("--confirm", action="store_true",
                          help="按职能、学段等自动匹配的映射直接确认生效（否则请在网页“映射”页确认）")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["action"] == "list":
            self._list()
        else:
            self._load(opts["pack"], opts.get("bureau"), bool(opts.get("confirm")))

    def _list(self) -> None:
        from anxiao.policies.loader import PackError, available_packs, read_pack
        from anxiao.policies.models import Policy

        for p in available_packs():
            try:
                pack = read_pack(p["path"])
            except PackError as exc:
                self.stdout.write(f"{p['code']:<10} 格式错误：{exc}")
                continue
            duties = sum(len(dl["duties"]) for dl in pack["duty_lists"])
            loaded = "已载入" if Policy.objects.filter(code=pack["code"], bureau__isnull=True).exists() else "未载入"
            adopted = Policy.objects.filter(code=pack["code"], bureau__isnull=False).count()
            self.stdout.write(
                f"{pack['code']:<10} {pack['title']}  条款 {len(pack['clauses'])}，清单 {len(pack['duty_lists'])}，"
                f"职责 {duties}，周期性义务 {len(pack['obligations'])}；{loaded}，{adopted} 个教育局采用"
            )

    def _load(self, code: str, bureau_ref: str | None, confirm: bool = False) -> None:
        from anxiao.org.models import Unit
        from anxiao.policies import actions

        try:
            with acting_as(None, via="cli"):
                if bureau_ref:
                    q = Q(code=bureau_ref)
                    if bureau_ref.isdecimal():
                        q |= Q(pk=int(bureau_ref))
                    bureau = Unit.objects.filter(q, kind=UnitKind.BUREAU).first()
                    if bureau is None:
                        raise CommandError(f"找不到教育局“{bureau_ref}”（请给出单位编号或单位代码）")
                    policy = actions.adopt(None, bureau, code)
                    self.stdout.write(f"{bureau.name}已采用规则包 {policy.code}：{policy.title}")
                    if confirm:
                        actions.confirm_mapping(None, policy)
                        self.stdout.write("映射已确认，责任清单已生成")
                    else:
                        self.stdout.write(f"请在 /policies/{policy.pk}/mapping/ 核对映射并确认后生效")
                else:
                    policy, created = actions.load_builtin(code)
                    self.stdout.write(f"{'已载入' if created else '已存在，未改动'}规则包 {policy.code}：{policy.title}")
        except ValidationError as exc:
            raise CommandError("；".join(m for msgs in exc.message_dict.values() for m in msgs)
                               if hasattr(exc, "error_dict") else "；".join(exc.messages))
        except PermissionDenied as exc:
            raise CommandError(str(exc))
