from django.apps import AppConfig


class ResponsibilityConfig(AppConfig):
    name = "anxiao.responsibility"
    label = "responsibility"
    verbose_name = "一岗双责"

    def ready(self) -> None:
        from anxiao.core import personas as p
        from anxiao.core.home import HomeSection, register_section
        from anxiao.core.navigation import MenuEntry, register

        from .home import to_acknowledge_and_sign

        register_section(HomeSection(3, "responsibility/_home.html", to_acknowledge_and_sign))

        register(
            MenuEntry("我的职责", "responsibility:my_duties", 20),
            MenuEntry("责任清单", "responsibility:list_index", 31, personas=frozenset(p.SCHOOL_LEADERS | p.BUREAU)),
            MenuEntry("责任书", "responsibility:letter_list", 32, personas=frozenset(p.SCHOOL_LEADERS | p.BUREAU)),
            MenuEntry("落实情况", "responsibility:coverage_index", 33, personas=frozenset(p.SCHOOL_LEADERS | p.BUREAU)),
            MenuEntry("无主事项", "responsibility:matter_list", 34, personas=frozenset(p.SCHOOL_LEADERS | p.BUREAU)),
        )
        from django.apps import apps

        if apps.is_installed("anxiao.notifications"):
            from anxiao.notifications.actions import register_job

            from .actions import remind_unsigned

            register_job(remind_unsigned)
