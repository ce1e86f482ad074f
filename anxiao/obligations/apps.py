from django.apps import AppConfig


class ObligationsConfig(AppConfig):
    name = "anxiao.obligations"
    label = "obligations"
    verbose_name = "周期性工作"

    def ready(self) -> None:
        from anxiao.core import personas as p
        from anxiao.core.home import HomeSection, register_section
        from anxiao.core.navigation import MenuEntry, register

        from .views import my_work_context

        register(
            MenuEntry("我的工作", "obligations:my_work", 20),
            MenuEntry("履职记录", "obligations:activity_list", 21),
            MenuEntry("工作日历", "obligations:calendar", 22),
            MenuEntry("履职统计", "obligations:compliance", 23, personas=frozenset(p.SCHOOL_LEADERS | p.BUREAU)),
            MenuEntry("工作规则", "obligations:rule_list", 24, personas=frozenset(p.SCHOOL_LEADERS | p.BUREAU)),
        )
        register_section(HomeSection(10, "obligations/_my_work.html", my_work_context))

        from anxiao.notifications.actions import register_job

        from .alerts import daily_job

        register_job(daily_job)

        from anxiao.org.actions import PEOPLE_CHANGED

        from .actions import recount_people

        PEOPLE_CHANGED.append(recount_people)
