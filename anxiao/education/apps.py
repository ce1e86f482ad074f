from django.apps import AppConfig


class EducationConfig(AppConfig):
    name = "anxiao.education"
    label = "education"
    verbose_name = "安全教育与培训"
