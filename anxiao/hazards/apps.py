from django.apps import AppConfig


class HazardsConfig(AppConfig):
    name = "anxiao.hazards"
    label = "hazards"
    verbose_name = "隐患台账"

    def ready(self) -> None:
        from anxiao.core.navigation import MenuEntry, register

        register(MenuEntry("隐患台账", "hazards:hazard_list", 29))
        from anxiao.core import personas as p
        from anxiao.core.home import HomeSection, register_section

        from .home import my_hazard_work, my_hazards

        register_section(HomeSection(5, "hazards/_home_work.html", my_hazard_work))
        register_section(HomeSection(20, "hazards/_home.html", my_hazards, p.SCHOOL_LEADERS | {p.OFFICE}))
        from django.apps import apps

        if apps.is_installed("anxiao.notifications"):
            from anxiao.notifications.actions import register_job

            from .actions import escalate_overdue

            register_job(escalate_overdue)
