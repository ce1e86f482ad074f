from __future__ import annotations

import logging
import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from anxiao.core.context import acting_as

log = logging.getLogger("anxiao.worker")


class Command(BaseCommand):
    help = ("后台任务：生成应办事项、发送提醒和督办通知、投递待发消息。可同时运行多个进程。"
            "收到 SIGTERM/SIGINT 时做完手上的任务再退出。")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="只运行一轮后退出（供 cron 使用）")
        parser.add_argument("--interval", type=int, default=30, help="两轮之间等待的秒数（默认 30）")

    def handle(self, *args: Any, **opts: Any) -> None:
        from anxiao.notifications.actions import WORKER_ID, beat, between_jobs, deliver_due, run_jobs

        if opts["interval"] < 1:
            raise CommandError("--interval 必须是正整数")
        stop = threading.Event()

        def _stop(signum: int, _frame: Any) -> None:
            log.info("signal %s: finishing the current job, then exiting", signum)
            stop.set()

        previous = {sig: signal.signal(sig, _stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        log.info("worker %s started", WORKER_ID)
        try:
            with acting_as(None, via="worker"):
                while not stop.is_set():
                    run_jobs(should_stop=stop.is_set)
                    sent, failed = deliver_due(should_stop=stop.is_set)
                    beat()
                    between_jobs()
                    if sent or failed or opts["once"]:
                        self.stdout.write(f"已发送 {sent} 条，失败 {failed} 条。")
                    if opts["once"]:
                        return
                    stop.wait(opts["interval"])
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        log.info("worker %s stopped", WORKER_ID)
