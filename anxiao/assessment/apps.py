from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "anxiao.assessment"
    label = "assessment"
    verbose_name = "考核"

    def ready(self) -> None:
        from anxiao.core import personas as p
        from anxiao.core.navigation import MenuEntry, register

        from . import sources  # noqa: F401  (registers the computed indicators and veto checks)

        register(MenuEntry("年度考核", "assessment:scheme_list", 46, personas=frozenset({p.PRINCIPAL} | p.BUREAU)))
