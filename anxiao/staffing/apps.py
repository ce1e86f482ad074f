from django.apps import AppConfig


class StaffingConfig(AppConfig):
    name = "anxiao.staffing"
    label = "staffing"
    verbose_name = "人员与安保配备"

    def ready(self) -> None:
        from anxiao.core.navigation import MenuEntry, register

        register(
            MenuEntry("配备核查", "staffing:compliance", 40),
            MenuEntry("学校基本情况", "staffing:profile_list", 41),
            MenuEntry("保安员", "staffing:guard_list", 42),
            MenuEntry("保安配备设置", "staffing:settings_list", 43, needs="admin"),
        )
