"""The demo county and the province-scale data set, built by each app's ``demo`` module in turn.

An app adds to the demo with a module ``anxiao.<app>.demo`` defining ``build(ctx)`` (the demo
county) and/or ``build_scale(ctx)`` (the benchmark data set). They run in INSTALLED_APPS order
and share one :class:`DemoContext`.
"""

from __future__ import annotations

import datetime
import importlib
import random
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.utils import timezone

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志强晓燕海燕红梅文博子涵思远雨欣宇航浩然"
    "俊杰嘉怡梓萱一鸣天宇佳琪欣怡晨曦子轩雅静春梅建华国庆卫东立新永红玉兰淑珍丽华海涛振华德明家豪文静"
)


@dataclass
class DemoContext:
    password: str = "Anxiao@2026"
    seed: int = 20261122
    today: datetime.date = field(default_factory=timezone.localdate)
    scale: int = 0
    rng: random.Random = field(init=False)
    data: dict[str, Any] = field(default_factory=dict)  # shared between apps: "county", "bureau", "schools"…
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (persona, username, what they see)
    out: Any = None
    _used_names: set[str] = field(default_factory=set)
    _mobile: int = 13900000000

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    @property
    def assessed_year(self) -> int:
        """The calendar year the demo's year of history mostly covers (the history is the twelve months before
        today): the year of the annual assessment and of the case that vetoes it, so the assessment is computed
        on months that have ledgers, hazards and letters (on 8 December 2026: 2026; on 1 March 2027: 2026)."""
        return (self.today - datetime.timedelta(days=183)).year

    def in_assessed_year(self, share: float) -> datetime.date:
        """A day of the assessed year inside the history, ``share`` of the way through the part it covers."""
        year = self.assessed_year
        start = max(datetime.date(year, 1, 1), self.today - datetime.timedelta(days=365))
        end = min(datetime.date(year, 12, 31), self.today - datetime.timedelta(days=1))
        return start + datetime.timedelta(days=int((end - start).days * share))

    def say(self, message: str) -> None:
        if self.out is not None:
            self.out.write(message)

    def person_name(self) -> str:
        for _ in range(50):
            surname = self.rng.choice(SURNAMES)
            given = self.rng.choice(GIVEN) + (self.rng.choice(GIVEN) if self.rng.random() < 0.6 else "")
            name = surname + given
            if name not in self._used_names:
                self._used_names.add(name)
                return name
        return surname + given + str(len(self._used_names))

    def mobile(self) -> str:
        self._mobile += self.rng.randint(1, 97)
        return str(self._mobile)


def demo_modules() -> list[Any]:
    modules = []
    for app_config in apps.get_app_configs():
        if not app_config.name.startswith("anxiao."):
            continue
        try:
            modules.append(importlib.import_module(f"{app_config.name}.demo"))
        except ModuleNotFoundError as exc:
            if exc.name != f"{app_config.name}.demo":
                raise
    return modules


def run_parts(ctx: DemoContext, *modules: Any) -> DemoContext:
    """Build these apps' demo modules in this order, as ``anxiao demo`` does (no audit rows): the whole demo, or
    the part of it a test needs (``run_parts(DemoContext(), org_demo, risks_demo)``)."""
    from .context import audit_suppressed

    with audit_suppressed():
        for module in modules:
            module.build(ctx)
    return ctx


def run_demo(ctx: DemoContext) -> DemoContext:
    return run_parts(ctx, *(module for module in demo_modules() if hasattr(module, "build")))


def run_scale(ctx: DemoContext) -> DemoContext:
    from .context import audit_suppressed

    with audit_suppressed():
        for module in demo_modules():
            if hasattr(module, "build_scale"):
                module.build_scale(ctx)
    return ctx
