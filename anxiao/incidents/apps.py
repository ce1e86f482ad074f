from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "anxiao.incidents"
    label = "incidents"
    verbose_name = "事故与突发事件"

    def ready(self) -> None:
        from anxiao.core.home import HomeSection, register_section
        from anxiao.core.navigation import MenuEntry, register
        from anxiao.notifications.actions import register_job

        from .actions import sweep_clocks
        from .views import home_section

        register_job(sweep_clocks)

        register(MenuEntry("事故报告", "incidents:incident_list", 40))
        from anxiao.core import personas as p

        register_section(HomeSection(10, "incidents/_home.html", home_section, p.SCHOOL_LEADERS | p.BUREAU))
