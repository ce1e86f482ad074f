from django.apps import AppConfig


class StaffingConfig(AppConfig):
    name = "anxiao.staffing"
    label = "staffing"
    verbose_name = "人员与安保配备"

    def ready(self) -> None:
        from anxiao.core import personas as p
        from anxiao.core.navigation import MenuEntry, register

        from .views import SETTINGS

        register(
            MenuEntry("配备核查", "staffing:compliance", 40, personas=frozenset(p.SCHOOL_LEADERS | p.BUREAU)),
            MenuEntry("学校基本情况", "staffing:profile_list", 41, personas=frozenset(p.SCHOOL_LEADERS | p.BUREAU)),
            MenuEntry("保安员", "staffing:guard_list", 42, personas=frozenset(p.SCHOOL_LEADERS | p.BUREAU | {p.GUARD})),
            SETTINGS.menu_entry("保安配备设置", 43),
        )
