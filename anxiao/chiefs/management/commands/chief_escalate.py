from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from anxiao.core.context import acting_as


class Command(BaseCommand):
    help = "把逾期未办结的成员单位任务提请总校(园)长督办（worker 也会定期执行）"

    def handle(self, *args: Any, **opts: Any) -> None:
        from anxiao.chiefs.actions import escalate_overdue

        with acting_as(None, via="cli"):
            count = escalate_overdue()
        self.stdout.write(f"已提请督办 {count} 项逾期任务。")
