from django.apps import AppConfig


class AccountabilityConfig(AppConfig):
    name = "anxiao.accountability"
    label = "accountability"
    verbose_name = "责任追究"

    def ready(self) -> None:
        from anxiao.core import personas as p
        from anxiao.core.navigation import MenuEntry, register

        from . import sections  # noqa: F401  (the dossier sections this app and org provide)

        register(MenuEntry("责任追究", "accountability:case_list", 45, personas=frozenset({p.PRINCIPAL} | p.BUREAU)))
