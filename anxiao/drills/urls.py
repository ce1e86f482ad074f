from django.urls import path

from anxiao.core.crud import urlpatterns_for

from . import exports, views

app_name = "drills"

urlpatterns = [
    path("s/<str:token>/", views.signin, name="signin"),
    path("attempts/", views.attempt_list, name="attempt_list"),
    path("drills/export.xlsx", exports.DRILLS.view, name="drill_export"),
    path("drills/<int:pk>/do/<str:action>/", views.drill_action, name="drill_action"),
    path("drills/<int:pk>/upload/", views.drill_upload, name="drill_upload"),
    path("drills/<int:pk>/findings/", views.finding_add, name="finding_add"),
    path("drills/<int:pk>/qr/", views.drill_qr, name="drill_qr"),
    path("drills/<int:pk>/coverage/", views.drill_coverage, name="drill_coverage"),
    path("files/<int:pk>/", views.drill_file, name="drill_file"),
    path("findings/<int:pk>/hazard/", views.finding_hazard, name="finding_hazard"),
    path("plans/<int:pk>/approve/", views.plan_approve, name="plan_approve"),
    path("plans/<int:pk>/void/", views.plan_void, name="plan_void"),
    *urlpatterns_for(views.DRILLS, "drills"),
    *urlpatterns_for(views.PLANS, "plans"),
    *urlpatterns_for(views.SETTINGS, "settings"),
]
