from django.urls import path

from anxiao.core.crud import urlpatterns_for

from . import views

app_name = "risks"

urlpatterns = [
    path("export.xlsx", views.risk_export, name="export"),
    path("distribution/", views.risk_distribution, name="distribution"),
    path("adopt/", views.risk_adopt, name="adopt"),
    *urlpatterns_for(views.RISKS, "register"),
    *urlpatterns_for(views.SETTINGS, "settings"),
]
