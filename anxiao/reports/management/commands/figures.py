"""``anxiao figures check --user NAME``: every page, export and API figure a user sees agrees with its one
definition (anxiao/reports/consistency.py)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "核对各页面、导出和接口上的统计数字是否与唯一定义一致"

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("check", help="以某个用户的身份打开每个显示统计数字的页面、导出和接口并核对")
        check.add_argument("--user", action="append", required=True,
                           help="用户名（可重复，如 --user anquanban --user xiaozhang）")
        check.add_argument("--show", action="store_true", help="列出每个视图显示的数字")

    def handle(self, *args: Any, **options: Any) -> None:
        from anxiao.accounts.models import User

        from ...consistency import check

        failed = 0
        for name in options["user"]:
            user = User.objects.filter(username=name).first()
            if user is None:
                raise CommandError(f"用户“{name}”不存在")
            result = check(user)
            self.stdout.write(f"{name}（{result.today}）：核对 {result.compared()} 个数字，"
                              f"{'一致' if result.ok else f'{len(result.disagreements)} 处不一致'}")
            if options["show"]:
                for group, views in result.views.items():
                    for view, values in views.items():
                        self.stdout.write(f"  {group} / {view}: {values}")
            for line in result.skipped:
                self.stdout.write(f"  未核对（该用户不能打开或不适用）：{line}")
            for line in result.disagreements:
                self.stdout.write(f"  不一致：{line}")
            failed += not result.ok
        if failed:
            raise CommandError(f"{failed} 个用户的统计数字不一致")
