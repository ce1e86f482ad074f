from __future__ import annotations

import time
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from anxiao.core.access import model
from anxiao.core.demo import DemoContext, run_demo, run_scale


class Command(BaseCommand):
    help = "生成演示县（默认）或省级规模的基准数据集（--scale N）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--reset", action="store_true", help="清空数据库后重建")
        parser.add_argument("--if-empty", action="store_true", help="数据库已有数据时什么也不做（make run 使用）")
        parser.add_argument("--password", default="Anxiao@2026", help="演示账号的密码")
        parser.add_argument("--scale", type=int, nargs="?", const=20000, default=0,
                            help="生成 N 所学校的省级数据集（默认 20000），用于基准测试")
        parser.add_argument("--seed", type=int, default=20261122)

    def handle(self, *args: Any, **opts: Any) -> None:
        Unit = model("org", "Unit")

        if opts["scale"] and opts["scale"] < 1:
            raise CommandError("--scale 必须是正整数")
        if opts["reset"]:
            call_command("flush", interactive=False, verbosity=0)
        elif Unit.objects.exists():
            if opts["if_empty"]:
                self.stdout.write("数据库已有数据，跳过演示数据。")
                self._print_logins(None)
                return
            raise CommandError("数据库已有数据。如需重建演示数据，请加 --reset（将清空全部数据）。")
        ctx = DemoContext(password=opts["password"], seed=opts["seed"], scale=opts["scale"], out=self.stdout)
        started = time.monotonic()
        if opts["scale"]:
            run_scale(ctx)
            self.stdout.write(f"省级数据集已生成：{opts['scale']} 所学校，用时 {time.monotonic() - started:.1f} 秒。")
            return
        with transaction.atomic():
            run_demo(ctx)
        self.stdout.write(f"演示县已生成，用时 {time.monotonic() - started:.1f} 秒。")
        self._print_logins(ctx)

    def _print_logins(self, ctx: DemoContext | None) -> None:
        User = get_user_model()

        if ctx is None:
            users = User.objects.filter(email__endswith="@demo.anxiao.invalid").order_by("id")
            if users:
                self.stdout.write("\n演示账号（密码为生成演示数据时所设，默认 Anxiao@2026）：")
                for u in users:
                    self.stdout.write(f"  {u.username:<22} {u.first_name}")
            return
        self.stdout.write(f"\n演示账号（密码均为 {ctx.password}）：")
        for persona, username, sees in ctx.logins:
            self.stdout.write(f"  {username:<22} {persona}：{sees}")
