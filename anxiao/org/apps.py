from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "anxiao.org"
    label = "org"
    verbose_name = "组织机构"

    def ready(self) -> None:
        from anxiao.core import personas as p
        from anxiao.core.home import HomeSection, register_section
        from anxiao.core.navigation import MenuEntry, register

        from .home import my_org

        register_section(HomeSection(90, "org/_home.html", my_org, frozenset({p.PRINCIPAL}) | p.BUREAU))

        register(
            MenuEntry("行政区划", "org:region_list", 60, personas=frozenset(p.SCHOOL_LEADERS | p.BUREAU)),
            MenuEntry("单位", "org:unit_list", 61, personas=frozenset(p.SCHOOL_LEADERS | p.BUREAU)),
            MenuEntry("人员", "org:person_list", 62, personas=frozenset(p.SCHOOL_LEADERS | p.BUREAU)),
            MenuEntry("岗位", "org:post_list", 63, personas=frozenset(p.SCHOOL_LEADERS | p.BUREAU)),
            MenuEntry("领导小组", "org:group_list", 64, personas=frozenset(p.SCHOOL_LEADERS | p.BUREAU)),
            MenuEntry("包保联系", "org:assignment_list", 65, personas=frozenset(p.SCHOOL_LEADERS | p.BUREAU)),
        )
