from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "anxiao.reports"
    label = "reports"
    verbose_name = "台账报表"

    def ready(self) -> None:
        from anxiao.core.navigation import MenuEntry, register

        register(MenuEntry("台账月报", "reports:ledger_list", 35), MenuEntry("工作看板", "reports:dashboard", 1),
                 MenuEntry("通知通报", "reports:notice_list", 36))
        from anxiao.notifications.actions import register_job

        from .actions import late_ledger_job
        from .dashboard import tally_job

        register_job(tally_job)
        register_job(late_ledger_job)
