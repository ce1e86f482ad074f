from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from anxiao.core.context import acting_as


class Command(BaseCommand):
    help = "隐患台账：escalate 逾期督促（由 worker 定时运行）；transition <隐患编号> <操作> [--as 用户名] [--data JSON]"

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("escalate", help="把逾期未整改的隐患逐级上报（包保领导 → 教育局安全办）")
        t = sub.add_parser("transition", help="对一条隐患执行一个操作（与网页、API 相同的规则）")
        t.add_argument("hazard", type=int, help="隐患 id")
        t.add_argument("name", help="操作名称，如 register、grade、accept")
        t.add_argument("--as", dest="username", help="以该用户身份操作（默认：系统）")
        t.add_argument("--data", default="{}", help='操作内容 JSON，如 {"note": "合格"}')

    def handle(self, *args: Any, **opts: Any) -> None:
        from anxiao.hazards import actions
        from anxiao.hazards.models import Hazard

        if opts["action"] == "escalate":
            with acting_as(None, via="cli"):
                n = actions.escalate_overdue()
            self.stdout.write(f"已逐级督促 {n} 条逾期隐患")
            return
        user = None
        if opts.get("username"):
            from anxiao.accounts.models import User

            user = User.objects.filter(username=opts["username"]).first()
            if user is None:
                raise CommandError(f"找不到用户：{opts['username']}")
        hazard = (Hazard.objects.visible_to(user) if user else Hazard.objects).filter(pk=opts["hazard"]).first()
        if hazard is None:
            raise CommandError(f"找不到隐患：{opts['hazard']}")
        try:
            data = json.loads(opts["data"])
        except json.JSONDecodeError:
            raise CommandError("--data 不是有效的 JSON")
        if "responsible_id" in data:
            from anxiao.org.models import Person

            data["responsible"] = Person.objects.filter(pk=data.pop("responsible_id")).first()
        try:
            with acting_as(user, via="cli"):
                hazard = actions.transition(user, hazard, opts["name"], **data)
        except ValidationError as exc:
            raise CommandError("；".join(m for msgs in exc.message_dict.values() for m in msgs))
        except PermissionDenied as exc:
            raise CommandError(str(exc) or "没有权限")
        self.stdout.write(f"{hazard.number}：{hazard.get_status_display()}")
