from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "anxiao.policies"
    label = "policies"
    verbose_name = "制度与清单"

    def ready(self) -> None:
        from anxiao.core import personas as p
        from anxiao.core.navigation import MenuEntry, register

        register(MenuEntry("制度规则包", "policies:policy_list", 30, personas=frozenset(p.SCHOOL_LEADERS | p.BUREAU)))
