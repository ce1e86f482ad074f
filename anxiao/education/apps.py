from django.apps import AppConfig


class EducationConfig(AppConfig):
    name = "anxiao.education"
    label = "education"
    verbose_name = "安全教育与培训"

    def ready(self) -> None:
        from anxiao.core import personas as p
        from anxiao.core.navigation import MenuEntry, register
        from anxiao.obligations.crediting import ATTENDANCE, PEOPLE_DAYS, PeopleDays

        from .coverage import guard_names, guard_training_days, person_names, staff_attendance

        # seed 002 四(五): a guard-training slot counts guard-days, each guard on duty owed the term's days
        PEOPLE_DAYS["guard_training"] = PeopleDays("人·天", guard_training_days, guard_names)
        # 61号令 第三十六条 (每名员工每年一次消防培训): a rule crediting those who attended a staff training counts the
        # school's people present on its sign-in sheets, every employee owed
        ATTENDANCE["education:staff_training"] = PeopleDays("人", staff_attendance, person_names)

        register(
            MenuEntry("安全教育汇总", "education:rollup", 30, personas=frozenset(p.SCHOOL_LEADERS | p.BUREAU)),
            MenuEntry("本班安全教育", "education:mine", 31, personas=frozenset({p.TEACHER})),
            MenuEntry("安全教育记录", "education:record_list", 32),
        )
