from django.apps import AppConfig


class DrillsConfig(AppConfig):
    name = "anxiao.drills"
    label = "drills"
    verbose_name = "应急演练"

    def ready(self) -> None:
        from anxiao.core import personas as p
        from anxiao.core.access import may_manage
        from anxiao.core.home import HomeSection, register_section

        from .home import drills_to_sign

        register_section(HomeSection(1, "drills/_home.html", drills_to_sign))
        from anxiao.core.navigation import MenuEntry, register

        from .views import SETTINGS

        register(
            MenuEntry("应急演练", "drills:drill_list", 20),
            MenuEntry("演练年度计划", "drills:plan_list", 21, personas=frozenset(p.SCHOOL_LEADERS | p.BUREAU)),
            MenuEntry("签到异常记录", "drills:attempt_list", 22, needs=may_manage),
            SETTINGS.menu_entry("演练设置", 23),
        )
