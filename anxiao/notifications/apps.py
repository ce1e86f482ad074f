from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "anxiao.notifications"
    label = "notifications"
    verbose_name = "提醒与通知"

    def ready(self) -> None:
        from anxiao.core.access import is_system_admin
        from anxiao.core.navigation import MenuEntry, register

        register(MenuEntry("通知", "notifications:inbox", 90))
        register(MenuEntry("消息故障", "notifications:outbox", 95, needs=is_system_admin))
