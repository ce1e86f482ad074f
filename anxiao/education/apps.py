from django.apps import AppConfig


class EducationConfig(AppConfig):
    name = "anxiao.education"
    label = "education"
    verbose_name = "安全教育与培训"

    def ready(self) -> None:
        from anxiao.core import personas as p
        from anxiao.core.navigation import MenuEntry, register
        from anxiao.obligations.crediting import PEOPLE_DAYS, PeopleDays

        from .coverage import guard_training_days

        # seed 002 四(五): a guard-training slot counts guard-days, each guard on duty owed the term's days
        PEOPLE_DAYS["guard_training"] = PeopleDays("人·天", guard_training_days)

        register(
            MenuEntry("安全教育汇总", "education:rollup", 30, personas=frozenset(p.SCHOOL_LEADERS | p.BUREAU)),
            MenuEntry("本班安全教育", "education:mine", 31, personas=frozenset({p.TEACHER})),
            MenuEntry("安全教育记录", "education:record_list", 32),
        )
