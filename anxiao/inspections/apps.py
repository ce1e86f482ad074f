from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "anxiao.inspections"
    label = "inspections"
    verbose_name = "检查排查"

    def ready(self) -> None:
        from anxiao.core import personas as p
        from anxiao.core.home import HomeSection, register_section

        from .home import patrol_today

        register_section(HomeSection(2, "inspections/_home.html", patrol_today))
        from anxiao.core.navigation import MenuEntry, register

        register(
            MenuEntry("检查排查", "inspections:inspection_list", 30, personas=frozenset(p.SCHOOL_LEADERS | p.BUREAU)),
            MenuEntry("检查表", "inspections:checklist_list", 31, personas=frozenset(p.SCHOOL_LEADERS | p.BUREAU)),
            MenuEntry("巡查点", "inspections:point_list", 32, personas=frozenset(p.SCHOOL_LEADERS | p.BUREAU | {p.GUARD})),
        )
