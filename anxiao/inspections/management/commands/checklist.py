from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from anxiao.core.context import acting_as


class Command(BaseCommand):
    help = "检查项库：load [YAML 路径] [--bureau 单位编号或代码] 载入（默认载入国家内置 129 项）"

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="载入检查表 YAML；同一编码和版本只载入一次")
        load.add_argument("path", nargs="?", help="YAML 文件路径（默认国家内置检查项库）")
        load.add_argument("--bureau", help="教育局自有检查表：单位编号或单位代码")

    def handle(self, *args: Any, **opts: Any) -> None:
        from anxiao.inspections.actions import NATIONAL, load_checklist
        from anxiao.org.models import Unit

        bureau = None
        if opts.get("bureau"):
            key = opts["bureau"]
            bureau = Unit.objects.filter(Q(code=key) | Q(pk=int(key) if key.isdecimal() else None)).first()
            if bureau is None:
                raise CommandError(f"找不到教育局：{key}")
        with acting_as(None, via="cli"):
            checklist, created = load_checklist(opts.get("path") or NATIONAL, bureau=bureau)
        state = "已载入" if created else "已存在，未重复载入"
        self.stdout.write(f"{checklist}：{checklist.items.count()} 项，{state}")
