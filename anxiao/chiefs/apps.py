from django.apps import AppConfig


class ChiefsConfig(AppConfig):
    name = "anxiao.chiefs"
    label = "chiefs"
    verbose_name = "总校(园)长制"

    def ready(self) -> None:
        from anxiao.core import personas as p
        from anxiao.core.home import HomeSection, register_section
        from anxiao.core.navigation import MenuEntry, register

        from .home import my_agency_work, my_chief_work

        register_section(HomeSection(3, "chiefs/_home.html", my_chief_work, frozenset({p.CHIEF})))
        register_section(HomeSection(3, "chiefs/_home_agency.html", my_agency_work, frozenset({p.LIAISON})))

        register(
            MenuEntry("总校(园)长", "chiefs:chief_list", 40, personas=frozenset({p.CHIEF, p.LIAISON} | p.BUREAU)),
            MenuEntry("成员单位任务", "chiefs:task_list", 41, personas=frozenset({p.CHIEF, p.LIAISON} | p.BUREAU)),
            MenuEntry("联席会议", "chiefs:meeting_list", 42, personas=frozenset({p.CHIEF, p.LIAISON} | p.BUREAU)),
            MenuEntry("护学岗", "chiefs:duty_list", 43, personas=frozenset(p.SCHOOL_LEADERS | p.BUREAU | {p.CHIEF, p.LIAISON, p.GUARD})),
        )

        try:
            from anxiao.notifications.actions import register_job
        except ImportError:  # pragma: no cover - the notifications app is optional
            return
        from .actions import escalation_job

        register_job(escalation_job)
