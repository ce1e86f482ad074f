from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "anxiao.documents"
    label = "documents"
    verbose_name = "公文与表格"
