from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "anxiao.documents"
    label = "documents"
    verbose_name = "公文与表格"

    def ready(self) -> None:
        from anxiao.core.access import may_manage
        from anxiao.core.navigation import MenuEntry, register

        register(MenuEntry("公文模板", "documents:template_list", 92, needs=may_manage))
