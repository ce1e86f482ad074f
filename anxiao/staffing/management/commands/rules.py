from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from anxiao.staffing.rules import GuardStandard, Rounding, staffing_rules


class Command(BaseCommand):
    help = "计算内置规则：rules staffing --students N --staff M --boarders B --stage S [--json]"

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="topic", required=True)
        staffing = sub.add_parser("staffing", help="安全办、安全科和保安员配备要求")
        staffing.add_argument("--students", type=int, required=True, help="学生人数")
        staffing.add_argument("--staff", type=int, required=True, help="教职工人数")
        staffing.add_argument("--boarders", type=int, default=0, help="寄宿生人数")
        staffing.add_argument("--stage", default="", help="学段代码，如 primary、junior、kindergarten")
        staffing.add_argument("--standard", default=GuardStandard.S002, help="保安配备标准：s002（默认）或 gbt29315")
        staffing.add_argument("--rounding", default=Rounding.UP, help="零头取整：up（默认，从严）或 down")
        staffing.add_argument("--json", action="store_true", help="输出 JSON")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            result = staffing_rules(opts["students"], opts["staff"], opts["boarders"], opts["stage"],
                                    opts["standard"], opts["rounding"])
        except ValidationError as exc:
            raise CommandError("；".join(m for msgs in exc.message_dict.values() for m in msgs))
        if opts["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
            return
        for rule in result["rules"]:
            required = rule["required"]
            if isinstance(required, bool):
                required = "是" if required else "否"
            elif isinstance(required, list):
                required = "、".join(required)
            note = f"（{rule['note']}）" if rule["note"] else ""
            self.stdout.write(f"{rule['title']}：{required}{note}\n    依据：{rule['source']}")
