from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "anxiao.core"
    label = "core"
    verbose_name = "核心"

    def ready(self) -> None:
        from anxiao.core.access import may_manage

        from . import audit  # noqa: F401  (connects the change-log signal handlers)
        from .navigation import MenuEntry, register
        from .validation import connect

        connect()  # the input check under every save()

        register(MenuEntry("首页", "core:home", 0), MenuEntry("变更记录", "core:audit_list", 90, needs=may_manage))
