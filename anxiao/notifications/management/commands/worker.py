from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from anxiao.core.context import acting_as


class Command(BaseCommand):
    help = "后台任务：生成应办事项、发送提醒和督办通知、投递待发消息。可同时运行多个进程。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="只运行一轮后退出（供 cron 使用）")
        parser.add_argument("--interval", type=int, default=30, help="两轮之间等待的秒数（默认 30）")

    def handle(self, *args: Any, **opts: Any) -> None:
        from anxiao.notifications.actions import deliver_due, run_jobs

        if opts["interval"] < 1:
            raise CommandError("--interval 必须是正整数")
        with acting_as(None, via="worker"):
            while True:
                run_jobs()
                sent, failed = deliver_due()
                if sent or failed or opts["once"]:
                    self.stdout.write(f"已发送 {sent} 条，失败 {failed} 条。")
                if opts["once"]:
                    return
                time.sleep(opts["interval"])
