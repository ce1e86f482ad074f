from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from anxiao.core.context import acting_as
from anxiao.incidents.actions import sweep_clocks


class Command(BaseCommand):
    help = "事故报告时限：提醒即将到期的报告，上报超时未报的事件（sweep [--loop N]）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("what", choices=["sweep"])
        parser.add_argument("--loop", type=int, default=0, help="每隔 N 秒重复一次；0 表示只运行一次")

    def handle(self, *args: Any, **opts: Any) -> None:
        with acting_as(None, via="cli"):
            while True:
                events = sweep_clocks()
                for e in events:
                    self.stdout.write(f"{e.incident}: {e.note}")
                if not opts["loop"]:
                    break
                time.sleep(opts["loop"])
