from django.urls import path

from anxiao.core.crud import urlpatterns_for

from . import views

app_name = "staffing"

urlpatterns = [
    path("compliance/", views.compliance_rollup, name="compliance"),
    path("schools/<int:pk>/", views.school_compliance, name="school"),
    *urlpatterns_for(views.PROFILES, "profiles"),
    *urlpatterns_for(views.GUARDS, "guards"),
    *urlpatterns_for(views.SETTINGS, "settings"),
]
