from django.apps import AppConfig


class RisksConfig(AppConfig):
    name = "anxiao.risks"
    label = "risks"
    verbose_name = "风险分级管控"

    def ready(self) -> None:
        from anxiao.core import personas as p
        from anxiao.core.home import HomeSection, register_section
        from anxiao.core.navigation import MenuEntry, register

        from .selectors import home_section
        from .views import SETTINGS

        register(
            MenuEntry("风险清单", "risks:risk_list", 30, personas=frozenset(p.SCHOOL_LEADERS | p.BUREAU)),
            MenuEntry("风险四色分布", "risks:distribution", 31, personas=frozenset(p.SCHOOL_LEADERS | p.BUREAU)),
            SETTINGS.menu_entry("风险分级设置", 32),
        )
        from anxiao.core import personas as p

        register_section(HomeSection(40, "risks/_home.html", home_section, p.SCHOOL_LEADERS | p.BUREAU))
