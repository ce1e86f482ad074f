from django.urls import path

from anxiao.core.crud import urlpatterns_for

from . import views

app_name = "org"

urlpatterns = [
    path("units/import/", views.unit_import, name="unit_import"),
    path("units/export.xlsx", views.unit_export, name="unit_export"),
    path("units/print.xlsx", views.unit_export, {"layout": "print"}, name="unit_print"),
    path("units/template.xlsx", views.unit_template, name="unit_template"),
    path("people/import/", views.person_import, name="person_import"),
    path("people/export.xlsx", views.person_export, name="person_export"),
    path("people/print.xlsx", views.person_export, {"layout": "print"}, name="person_print"),
    path("people/template.xlsx", views.person_template, name="person_template"),
    path("groups/<int:pk>/members/", views.group_member_add, name="group_member_add"),
    path("group-members/<int:pk>/remove/", views.group_member_remove, name="group_member_remove"),
    *urlpatterns_for(views.REGIONS, "regions"),
    *urlpatterns_for(views.UNITS, "units"),
    *urlpatterns_for(views.PEOPLE, "people"),
    *urlpatterns_for(views.POSTS, "posts"),
    *urlpatterns_for(views.GROUPS, "groups"),
    *urlpatterns_for(views.ASSIGNMENTS, "assignments"),
]
