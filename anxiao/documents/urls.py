from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("templates/", views.template_list, name="template_list"),
    path("templates/upload/", views.template_upload, name="template_upload"),
    path("templates/builtin/", views.template_builtin, name="template_builtin"),
    path("templates/<int:pk>/", views.template_detail, name="template_detail"),
    path("templates/<int:pk>/template.docx", views.template_file, name="template_file"),
    path("templates/<int:pk>/preview.docx", views.template_preview_file, name="template_preview_file"),
    path("templates/<int:pk>/use/", views.template_use, name="template_use"),
    path("builtin/<str:kind>.docx", views.builtin_file, name="builtin_file"),
]
