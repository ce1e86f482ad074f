from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "anxiao.reports"
    label = "reports"
    verbose_name = "台账报表"

    def ready(self) -> None:
        from anxiao.core import personas as p
        from anxiao.core.home import HomeSection, register_section
        from anxiao.core.navigation import MenuEntry, register

        from .home import bureau_office, county_glance, principal_approvals

        register_section(HomeSection(4, "reports/_home_approvals.html", principal_approvals, frozenset({p.PRINCIPAL})))
        register_section(HomeSection(4, "reports/_home_office.html", bureau_office, frozenset({p.OFFICE})))
        register_section(HomeSection(4, "reports/_home_county.html", county_glance, frozenset({p.DIRECTOR})))

        register(MenuEntry("台账月报", "reports:ledger_list", 35, personas=frozenset(p.SCHOOL_LEADERS | p.BUREAU)), MenuEntry("工作看板", "reports:dashboard", 1, personas=frozenset(p.SCHOOL_LEADERS | p.BUREAU | {p.CHIEF})),
                 MenuEntry("通知通报", "reports:notice_list", 36, personas=frozenset(p.SCHOOL_LEADERS | p.BUREAU)))
        from anxiao.notifications.actions import register_job

        from .actions import late_ledger_job
        from .dashboard import tally_job

        register_job(tally_job)
        register_job(late_ledger_job)
