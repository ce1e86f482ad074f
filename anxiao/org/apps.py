from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "anxiao.org"
    label = "org"
    verbose_name = "组织机构"

    def ready(self) -> None:
        from anxiao.core.home import HomeSection, register_section
        from anxiao.core.navigation import MenuEntry, register

        from .home import my_org

        from anxiao.core import personas as p

        register_section(HomeSection(90, "org/_home.html", my_org, frozenset({p.PRINCIPAL}) | p.BUREAU))

        register(
            MenuEntry("行政区划", "org:region_list", 60),
            MenuEntry("单位", "org:unit_list", 61),
            MenuEntry("人员", "org:person_list", 62),
            MenuEntry("岗位", "org:post_list", 63),
            MenuEntry("领导小组", "org:group_list", 64),
            MenuEntry("包保联系", "org:assignment_list", 65),
        )
