from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from anxiao.core.context import acting_as


class Command(BaseCommand):
    help = "周期性工作：载入内置规则（load-rules）、展开应办事项（expand）"

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load-rules", help="把规则包中的周期性工作规则载入某个教育局")
        load.add_argument("--bureau", required=True, help="教育局的编号或单位代码")
        load.add_argument("--packs", default="national", help="逗号分隔的规则包，如 national,s000,s001")
        conf = sub.add_parser("settings", help="设置某个教育局的学期日期、补录天数和提前提醒天数")
        conf.add_argument("--bureau", required=True, help="教育局的编号或单位代码")
        conf.add_argument("--spring", help="春季学期开始日期，如 2-20")
        conf.add_argument("--autumn", help="秋季学期开始日期，如 8-25")
        conf.add_argument("--backdate-days", type=int, help="允许补录的天数")
        conf.add_argument("--remind-days", type=int, help="截止前几天提醒")
        expand = sub.add_parser("expand", help="为本周期和下一周期生成应办事项（可重复运行）")
        expand.add_argument("--bureau", help="只处理某个教育局（编号或单位代码）；默认全部")
        expand.add_argument("--date", help="按此日期计算（YYYY-MM-DD），默认今天")
        expand.add_argument("--since", help="同时补齐自此日期（YYYY-MM-DD）以来的各周期，如上线时生成一年的历史")
        expand.add_argument("--jobs", type=int, default=1, help="同时处理的教育局数（PostgreSQL；默认 1）")
        sub.add_parser("crediting-doc", help="输出各内置规则的计入规则表（docs/crediting.md）")

    def _bureau(self, ref: str) -> Any:
        from anxiao.org.models import Unit

        q = Q(code=ref) | (Q(pk=int(ref)) if ref.isdecimal() else Q(pk__in=[]))
        bureau = Unit.objects.filter(q, kind="bureau").first()
        if bureau is None:
            raise CommandError(f"找不到教育局：{ref}")
        return bureau

    def _settings(self, actions: Any, opts: dict[str, Any]) -> None:
        bureau = self._bureau(opts["bureau"])
        data: dict[str, Any] = {}
        for name in ("spring", "autumn"):
            if opts.get(name):
                try:
                    month, day = (int(x) for x in opts[name].split("-"))
                except ValueError:
                    raise CommandError(f"--{name} 的格式应为 月-日，如 2-20")
                data[f"{name}_term_month"], data[f"{name}_term_day"] = month, day
        for name in ("backdate_days", "remind_days"):
            if opts.get(name) is not None:
                data[name] = opts[name]
        try:
            conf = actions.save_settings(None, bureau, **data)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages))
        self.stdout.write(f"{bureau}：春季学期 {conf.spring_term_month}月{conf.spring_term_day}日、秋季学期 "
                          f"{conf.autumn_term_month}月{conf.autumn_term_day}日开始；可补录 {conf.backdate_days} 天；"
                          f"截止前 {conf.remind_days} 天提醒。")

    def handle(self, *args: Any, **opts: Any) -> None:
        from anxiao.obligations import actions
        from anxiao.obligations.packs import available_packs

        if opts["action"] == "crediting-doc":
            from anxiao.obligations.crediting import markdown

            self.stdout.write(markdown())
            return
        with acting_as(None, via="cli"):
            if opts["action"] == "load-rules":
                bureau = self._bureau(opts["bureau"])
                packs = [p.strip() for p in opts["packs"].split(",") if p.strip()]
                unknown = [p for p in packs if p not in available_packs()]
                if unknown:
                    raise CommandError(f"没有这些规则包：{'、'.join(unknown)}（可用：{'、'.join(available_packs())}）")
                try:
                    created, updated = actions.load_rules(None, bureau, packs)
                except ValidationError as exc:
                    raise CommandError("; ".join(exc.messages))
                self.stdout.write(f"{bureau}：新增规则 {created} 条，更新 {updated} 条。")
                return
            if opts["action"] == "settings":
                self._settings(actions, opts)
                return
            dates: dict[str, datetime.date | None] = {}
            for name in ("date", "since"):
                try:
                    dates[name] = datetime.date.fromisoformat(opts[name]) if opts.get(name) else None
                except ValueError:
                    raise CommandError(f"--{name} 的格式应为 YYYY-MM-DD")
            day, since = dates["date"], dates["since"]
            if since and since > (day or datetime.date.today()):
                raise CommandError("--since 不能晚于计算日期")
            if opts["jobs"] < 1 or opts["jobs"] > 16:
                raise CommandError("--jobs 应为 1–16")
            if opts.get("bureau"):
                created = actions.expand(self._bureau(opts["bureau"]), day, start=since)
            else:
                created = actions.expand_all(day, start=since, jobs=opts["jobs"])
            self.stdout.write(f"新增应办事项 {created} 项。")
