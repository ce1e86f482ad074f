from django.apps import AppConfig


class ChiefsConfig(AppConfig):
    name = "anxiao.chiefs"
    label = "chiefs"
    verbose_name = "总校(园)长制"

    def ready(self) -> None:
        from anxiao.core.home import HomeSection, register_section
        from anxiao.core.navigation import MenuEntry, register

        from anxiao.core import personas as p

        from .home import my_agency_work, my_chief_work

        register_section(HomeSection(3, "chiefs/_home.html", my_chief_work, frozenset({p.CHIEF})))
        register_section(HomeSection(3, "chiefs/_home_agency.html", my_agency_work, frozenset({p.LIAISON})))

        register(
            MenuEntry("总校(园)长", "chiefs:chief_list", 40),
            MenuEntry("成员单位任务", "chiefs:task_list", 41),
            MenuEntry("联席会议", "chiefs:meeting_list", 42),
            MenuEntry("护学岗", "chiefs:duty_list", 43),
        )

        try:
            from anxiao.notifications.actions import register_job
        except ImportError:  # pragma: no cover - the notifications app is optional
            return
        from .actions import escalation_job

        register_job(escalation_job)
