from django.urls import path

from . import views

app_name = "assessment"

urlpatterns = [
    path("", views.scheme_list, name="scheme_list"),
    path("new/", views.scheme_create, name="scheme_create"),
    path("<int:pk>/", views.scheme_detail, name="scheme_detail"),
    path("<int:pk>/publish/", views.scheme_publish, name="scheme_publish"),
    path("<int:pk>/compute/", views.scheme_compute, name="scheme_compute"),
    path("<int:pk>/bulletin.xlsx", views.bulletin, name="bulletin"),
    path("<int:pk>/bulletin.pdf", views.bulletin, {"fmt": "pdf"}, name="bulletin_pdf"),
    path("<int:pk>/bulletin.docx", views.bulletin, {"fmt": "docx"}, name="bulletin_docx"),
    path("licences/", views.licences, name="licences"),
    path("licences/new/", views.licence_create, name="licence_create"),
    path("indicators/<int:pk>/scores/", views.score_create, name="score_create"),
]
